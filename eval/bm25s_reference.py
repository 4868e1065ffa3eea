"""bm25s with its own tokenizer (no stopwords) over the published text: the lexical reference.

    python eval/bm25s_reference.py [QUESTIONS.jsonl] [CORPUS]

CORPUS is a JSONL of paragraphs (default eval/pquad_corpus.jsonl): hits are judged by paragraph
(`positive_ids`), titles prepended as the project's index does. Or CORPUS is a folder or text
file of documents (e.g. corpus/): it is cut into exactly the project's passages (qa.ingest,
qa.chunk, default settings), each indexed as its title, raw text and cited footnotes, and a hit
is a passage containing an answer, judged as `qa eval` judges it. Prints recall@1/5/10 and
MRR@10 as JSON.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import bm25s

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from qa.build import ChunkSettings, index_text, raw_index_text  # noqa: E402
from qa.chunk import chunk_documents  # noqa: E402
from qa.evaluate import metrics_from_ranks  # noqa: E402
from qa.ingest import load_corpus  # noqa: E402
from qa.text import normalize  # noqa: E402


def paragraph_corpus(corpus_path: Path) -> tuple[list[str], list]:
    """(texts, judge) for a JSONL of paragraphs: judge(question, row) -> hit."""
    rows = [json.loads(line) for line in corpus_path.open(encoding="utf-8")]
    texts = [f"{r['title']} {r['text']}" for r in rows]
    return texts, lambda question, i: rows[i]["id"] in question["positive_ids"]


def passage_corpus(corpus_path: Path) -> tuple[list[str], list]:
    """(texts, judge) for a folder of documents, cut into the project's passages."""
    documents = {d.id: d for d in load_corpus(corpus_path, on_warning=lambda message: None)}
    settings = ChunkSettings()
    passages = chunk_documents(documents.values(), max_chars=settings.max_chars,
                               overlap_sentences=settings.overlap_sentences)
    texts, judged = [], []
    for passage in passages:
        document = documents[passage.doc_id]
        texts.append(raw_index_text(document, passage))
        judged.append(index_text(document, passage, with_title=False))

    def judge(question: dict, i: int) -> bool:
        return any(normalize(a) and normalize(a) in judged[i] for a in question["answers"])

    return texts, judge


def bm25s_metrics(questions_path: Path, corpus_path: Path) -> dict[str, float]:
    """recall@1/5/10, MRR@10, nDCG@10 and count of bm25s with its own tokenizer on a question
    set: over the paragraphs of a JSONL corpus, or over the project's passages of a folder or
    text file of documents."""
    questions = [json.loads(line) for line in questions_path.open(encoding="utf-8")]
    texts, judge = (paragraph_corpus(corpus_path) if corpus_path.suffix == ".jsonl"
                    else passage_corpus(corpus_path))
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(texts, stopwords=None, show_progress=False), show_progress=False)
    found, _ = retriever.retrieve(bm25s.tokenize([q["question"] for q in questions], stopwords=None,
                                                 show_progress=False),
                                  k=min(10, len(texts)), show_progress=False)
    ranks = [next((r for r, i in enumerate(row_ids, 1) if judge(question, int(i))), None)
             for question, row_ids in zip(questions, found, strict=True)]
    return metrics_from_ranks(ranks)


def main() -> None:
    logging.disable(logging.WARNING)
    questions_path = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "eval" / "pquad_dev.jsonl"
    corpus_path = Path(sys.argv[2]) if len(sys.argv) > 2 else REPO / "eval" / "pquad_corpus.jsonl"
    print(json.dumps(bm25s_metrics(questions_path, corpus_path)))


if __name__ == "__main__":
    main()
