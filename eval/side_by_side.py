"""Every retriever side by side on one question set, bm25s (its own tokenizer) in the same run.

    python eval/side_by_side.py [QUESTIONS.jsonl] [CORPUS]

Defaults: PQuAD dev over eval/pquad_corpus.jsonl; `python eval/side_by_side.py eval/default.jsonl
corpus` for the default set. The project's hybrid, lexical and dense retrievers are measured as
`qa eval --corpus CORPUS --retriever R` measures them (index built once, cached in .cache/qa/),
bm25s as `eval/bm25s_reference.py` does, over the same units, judged the same way. Prints the
README's table: recall@1/5/10, MRR@10, nDCG@10 and evidence@1 (bm25s chooses no evidence).
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "eval"))

from bm25s_reference import bm25s_metrics  # noqa: E402

from qa.cli import eval_searcher  # noqa: E402
from qa.evaluate import evaluate, load_questions  # noqa: E402
from qa.search import RETRIEVERS  # noqa: E402
from qa.settings import Settings  # noqa: E402

COLUMNS = ("recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10")


def main() -> None:
    logging.disable(logging.WARNING)
    questions_path = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "eval" / "pquad_dev.jsonl"
    corpus_path = Path(sys.argv[2]) if len(sys.argv) > 2 else REPO / "eval" / "pquad_corpus.jsonl"
    started = time.strftime("%Y-%m-%d %H:%M")
    searcher = eval_searcher(Settings(), corpus_path)
    questions = load_questions(questions_path)
    rows = []
    for retriever in RETRIEVERS:
        report = evaluate(searcher, questions, retriever=retriever)
        rows.append((retriever, report.metrics, f"{report.evidence['evidence@1']:.4f}"))
    rows.append(("bm25s, its own tokenizer", bm25s_metrics(questions_path, corpus_path), "–"))
    print(f"{os.path.relpath(questions_path)} over {os.path.relpath(corpus_path)}: {len(questions)} questions, {started}")
    print("| retriever | " + " | ".join(COLUMNS) + " | evidence@1 |")
    print("|---" * (len(COLUMNS) + 2) + "|")
    for name, metrics, evidence in rows:
        print(f"| {name} | " + " | ".join(f"{metrics[key]:.4f}" for key in COLUMNS) + f" | {evidence} |")


if __name__ == "__main__":
    main()
