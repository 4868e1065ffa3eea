"""Names typed in Latin letters (`qa/latin_names.py`): how they are read, and what it does to answers.

    python eval/latin_names.py [--limit 300]

1. Each Latin word of data/latin_names.tsv (400 names and loanwords with their usual Persian
   spelling, helper-written) read against the PQuAD corpus's words: where the corpus holds the
   Persian spelling, read as it / as another word / kept as typed; where it does not, read as
   some word / kept.
2. Questions naming one of the table's Persian words, that word typed in Latin instead: PQuAD
   train questions (a sample of `--limit`) and the user-worded train questions
   (data/reworded_*.jsonl, data/spoken_train_questions.jsonl), each over the whole PQuAD corpus
   with the bundled model (which has seen PQuAD train questions, so the figures are differences,
   not quality levels): R@1, R@5, MRR@10 and "answer found" as asked in Persian, in Latin with
   the Latin reading switched off, and in Latin as the service reads it.
Training data only: no dev or eval question is read.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import qa.search  # noqa: E402
from qa.cli import eval_searcher  # noqa: E402
from qa.latin_names import corpus_word_for  # noqa: E402
from qa.lexical import analyze  # noqa: E402
from qa.settings import Settings  # noqa: E402
from qa.text import normalize  # noqa: E402

TABLE = REPO / "data" / "latin_names.tsv"
PQUAD_TRAIN = REPO / "data" / "pquad_train_questions.jsonl"
USER_WORDED = [REPO / "data" / name for name in (
    "reworded_train_questions.jsonl", "reworded_more_train_questions.jsonl", "spoken_train_questions.jsonl")]
LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]+")


def table() -> list[tuple[str, str]]:
    rows = [line.rstrip("\n").split("\t") for line in TABLE.read_text(encoding="utf-8").splitlines() if line]
    return [(latin, persian) for latin, persian in rows if LATIN.fullmatch(latin)]


def readings(searcher) -> dict[str, int]:  # type: ignore[no-untyped-def]
    counts = dict.fromkeys(("right", "another word", "kept", "absent, read as a word", "absent, kept"), 0)
    for latin, persian in table():
        wanted = analyze(normalize(persian))
        read = corpus_word_for(normalize(latin), searcher.lexical)
        if wanted and all(searcher.lexical.has_token(token) for token in wanted):
            counts["kept" if read is None else "right" if analyze(read) == wanted else "another word"] += 1
        else:
            counts["absent, kept" if read is None else "absent, read as a word"] += 1
    return counts


def latin_questions(path: Path, names: dict[str, str]) -> list[tuple[dict, str, str]]:
    """Rows with answers naming a table word, with the question typed with that word in Latin,
    and the word."""
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if not row.get("answers"):
            continue
        asked = normalize(row["question"])
        named = [word for word in asked.split() if word in names]
        if named:
            typed = re.sub(rf"(?<!\S){re.escape(named[0])}(?!\S)", names[named[0]], asked, count=1)
            found.append((row, typed, names[named[0]]))
    return found


def rank(searcher, question: str, positives: set[str]) -> tuple[int, bool]:  # type: ignore[no-untyped-def]
    result = searcher.search(question, top_k=10)
    at = next((hit.rank for hit in result.hits if hit.passage.doc_id in positives), 99)
    return at, result.answer_found


def report(name: str, ranks: list[tuple[int, bool]]) -> str:
    n = len(ranks)
    return (f"  {name:<22} R@1 {sum(r == 1 for r, _ in ranks) / n:.4f}  R@5 {sum(r <= 5 for r, _ in ranks) / n:.4f}"
            f"  MRR@10 {sum(1 / r for r, _ in ranks if r <= 10) / n:.4f}  answer found {sum(f for _, f in ranks) / n:.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=300, help="PQuAD train questions sampled (seeded)")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    searcher = eval_searcher(Settings(), REPO / "eval" / "pquad_corpus.jsonl")
    print("Latin words of data/latin_names.tsv read against the PQuAD corpus:", readings(searcher))
    names = {normalize(persian): latin for latin, persian in table()}
    sampled = latin_questions(PQUAD_TRAIN, names)
    random.Random(7).shuffle(sampled)
    user_worded = [found for path in USER_WORDED for found in latin_questions(path, names)]
    reading = qa.search.persian_spelled
    for title, rows in (("PQuAD train", sampled[:args.limit]), ("user-worded train", user_worded)):
        persian, off, on = [], [], []
        for row, typed, _ in rows:
            positives = set(row["positive_ids"])
            persian.append(rank(searcher, row["question"], positives))
            qa.search.persian_spelled = lambda text, corpus: text  # the service without the reading
            off.append(rank(searcher, typed, positives))
            qa.search.persian_spelled = reading
            on.append(rank(searcher, typed, positives))
        print(f"{title}: {len(rows)} questions naming {len({latin for *_, latin in rows})} of the table's words,"
              " whole PQuAD corpus")
        print(report("asked in Persian", persian))
        print(report("Latin, not read", off))
        print(report("Latin, read", on))


if __name__ == "__main__":
    main()
