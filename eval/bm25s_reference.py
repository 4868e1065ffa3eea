"""bm25s with its own tokenizer (no stopwords) over the published PQuAD text: the lexical reference.

    python eval/bm25s_reference.py [QUESTIONS.jsonl] [CORPUS.jsonl]

Prints recall@1/5/10 and MRR@10 by paragraph, as `qa eval` counts them, titles prepended as
the project's index does.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import bm25s

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from qa.evaluate import metrics_from_ranks  # noqa: E402


def main() -> None:
    questions_path = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "eval" / "pquad_dev.jsonl"
    corpus_path = Path(sys.argv[2]) if len(sys.argv) > 2 else REPO / "eval" / "pquad_corpus.jsonl"
    rows = [json.loads(line) for line in corpus_path.open(encoding="utf-8")]
    questions = [json.loads(line) for line in questions_path.open(encoding="utf-8")]
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize([f"{r['title']} {r['text']}" for r in rows], stopwords=None,
                                   show_progress=False), show_progress=False)
    found, _ = retriever.retrieve(bm25s.tokenize([q["question"] for q in questions], stopwords=None,
                                                 show_progress=False), k=10, show_progress=False)
    ranks = []
    for question, row_ids in zip(questions, found, strict=True):
        ids = [rows[i]["id"] for i in row_ids]
        ranks.append(next((r for r, i in enumerate(ids, 1) if i in question["positive_ids"]), None))
    print(json.dumps(metrics_from_ranks(ranks)))


if __name__ == "__main__":
    main()
