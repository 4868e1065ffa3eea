"""Score a model on held-out PQuAD train articles: how the training settings were chosen.

Whole articles (titles) of the train split are held out of training; their questions are then
ranked against every train paragraph. PQuAD dev is never used here.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from qa.text import normalize
from qa.training_data import DATA_DIR, load_paragraphs, load_questions, split_by_title

HOLDOUT_SEED = 123  # the split the figures in qa/model/README.md were measured on
TOP_K = 10


def holdout_split(fraction: float, data_dir: Path = DATA_DIR) -> tuple[set[str], set[str]]:
    """(training paragraph ids, held-out paragraph ids), whole articles held out."""
    return split_by_title(load_paragraphs(data_dir), fraction, seed=HOLDOUT_SEED)


def heldout_scores(model, held_ids: set[str], data_dir: Path = DATA_DIR) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Recall@1, recall@5 and MRR@10 of held-out questions ranked against all train paragraphs."""
    paragraphs = load_paragraphs(data_dir)
    ids = [p.id for p in paragraphs]
    questions = [q for q in load_questions(data_dir) if set(q.positive_ids) <= held_ids]

    def unit(texts: list[str]) -> np.ndarray:
        vectors = model.encode(texts, batch_size=256, convert_to_numpy=True).astype(np.float32)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)

    passages = unit([normalize(p.text) for p in paragraphs])
    queries = unit([normalize(q.text) for q in questions])
    top = np.argsort(-(queries @ passages.T), axis=1)[:, :TOP_K]
    r1 = r5 = mrr = 0.0
    for row, question in zip(top, questions, strict=True):
        ranks = [rank for rank, index in enumerate(row) if ids[index] in question.positive_ids]
        if ranks:
            r1 += ranks[0] == 0
            r5 += ranks[0] < 5
            mrr += 1 / (ranks[0] + 1)
    n = max(len(questions), 1)
    return {"questions": len(questions), "R@1": r1 / n, "R@5": r5 / n, "MRR@10": mrr / n}
