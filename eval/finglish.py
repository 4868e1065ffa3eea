"""Questions typed in Latin letters ("Finglish", `qa/finglish.py`): how they are read and answered.

    python eval/finglish.py

data/finglish_train_questions.jsonl holds user-worded train questions as users type Persian in
Latin letters (helper-written, data/finglish_instructions.md), in three samples of 240: the one
`qa/finglish.py` was adjusted on (from data/reworded_train_questions.jsonl), one it never was
(from data/reworded_more_train_questions.jsonl), and spoken questions typed so (from
data/spoken_train_questions.jsonl; `written` is then the spoken Persian question). For each, over the whole PQuAD corpus with the
bundled model, it prints the share of each written question's word tokens that its Finglish
reading holds, and R@1, R@5, MRR@10 and "answer found" for the question as written, in Finglish
read as before (names only, `qa/latin_names.py`) and in Finglish as the service reads it; then
"no answer" precision and recall with 240 unanswerable train questions typed so too, each way.
Training data only.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import qa.search  # noqa: E402
from qa.cli import eval_searcher  # noqa: E402
from qa.lexical import analyze  # noqa: E402
from qa.settings import Settings  # noqa: E402
from qa.text import normalize  # noqa: E402

QUESTIONS = REPO / "data" / "finglish_train_questions.jsonl"


def rank(searcher, question: str, positives: set[str]) -> tuple[int, bool]:  # type: ignore[no-untyped-def]
    result = searcher.search(question, top_k=10)
    return next((hit.rank for hit in result.hits if hit.passage.doc_id in positives), 99), result.answer_found


def report(name: str, ranks: list[tuple[int, bool]]) -> str:
    n = len(ranks)
    return (f"  {name:<26} R@1 {sum(r == 1 for r, _ in ranks) / n:.4f}  R@5 {sum(r <= 5 for r, _ in ranks) / n:.4f}"
            f"  MRR@10 {sum(1 / r for r, _ in ranks if r <= 10) / n:.4f}  answer found {sum(f for _, f in ranks) / n:.4f}")


def measure(searcher, rows: list[dict], verbose: bool) -> None:  # type: ignore[no-untyped-def]
    held, written, before, read = [], [], [], []
    finglish_reading = qa.search.is_finglish
    for row in rows:
        positives = set(row["positive_ids"])
        wanted = set(analyze(searcher.question_text(row["written"])))
        held.append(len(wanted & set(analyze(searcher.question_text(row["question"])))) / max(len(wanted), 1))
        written.append(rank(searcher, row["written"], positives))
        qa.search.is_finglish = lambda question: False  # the service before Finglish was read
        before.append(rank(searcher, row["question"], positives))
        qa.search.is_finglish = finglish_reading
        read.append(rank(searcher, row["question"], positives))
        if verbose:
            print("   ", row["question"], "|", searcher.question_text(row["question"]), "|", normalize(row["written"]))
    print(f"  the written question's word tokens its reading holds: {sum(held) / len(held):.4f}")
    print(report("as written in Persian", written))
    print(report("Finglish, names read", before))
    print(report("Finglish, read as Persian", read))


def no_answer(searcher, rows: list[dict]) -> None:  # type: ignore[no-untyped-def]
    """"No answer" precision and recall with the unanswerable questions among the written ones,
    each asked in Persian, in Finglish read as before, and in Finglish as the service reads it."""
    finglish_reading = qa.search.is_finglish
    for name, field, reading in (("asked in Persian", "written", True), ("Finglish, names read", "question", False),
                                 ("Finglish, read as Persian", "question", True)):
        qa.search.is_finglish = finglish_reading if reading else (lambda question: False)
        told = [(not searcher.search(row[field], top_k=1).answer_found, not row["answers"]) for row in rows]
        qa.search.is_finglish = finglish_reading
        said_none = [unanswerable for none, unanswerable in told if none]
        precision = sum(said_none) / len(said_none) if said_none else 0.0
        recall = sum(1 for none, unanswerable in told if none and unanswerable) / sum(1 for _, u in told if u)
        print(f"  {name:<26} 'no answer' precision {precision:.4f}  recall {recall:.4f}")


def main() -> None:
    logging.disable(logging.WARNING)
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines()]
    searcher = eval_searcher(Settings(), REPO / "eval" / "pquad_corpus.jsonl")
    for title, prefix in (("adjusted on", "finglish-reworded-"), ("never adjusted on", "finglish-reworded2-"),
                          ("spoken", "finglish-spoken-")):
        sample = [row for row in rows if row["id"].startswith(prefix)]
        if sample:
            print(f"{len(sample)} questions in Finglish ({title}), whole PQuAD corpus:")
            measure(searcher, sample, "-v" in sys.argv)
    unanswerable = [row for row in rows if row["id"].startswith("finglish-unanswerable-")]
    if unanswerable:
        written = [row for row in rows if row["id"].startswith(("finglish-reworded-", "finglish-reworded2-"))]
        print(f"{len(unanswerable)} unanswerable questions in Finglish with the {len(written)} written ones,"
              " whole PQuAD corpus:")
        no_answer(searcher, written + unanswerable)


if __name__ == "__main__":
    main()
