"""How every question set is read (`Searcher.question_text`), to see what a reading rule changes.

    python eval/question_readings.py OUT.json              # write the readings
    python eval/question_readings.py OUT.json --diff OLD.json   # ... and list what differs from OLD

Rules that rewrite questions before search (qa/question_frame.py, qa/colloquial.py,
qa/misspelling.py) must leave written questions alone unless they mean to change them. Run this
before and after changing one (e.g. on two checkouts) and read the `--diff`: every question of
every set read differently, word by word. Dev and eval sets are listed, never used to choose:
the listing is how a note can say which of their questions a rule changes.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "eval"))

from tune_fusion import CACHE  # noqa: E402

from qa.build import ChunkSettings  # noqa: E402
from qa.embed import SentenceTransformerEncoder  # noqa: E402
from qa.evaluate import index_for_corpus, load_questions  # noqa: E402
from qa.search import Searcher  # noqa: E402

# (set, questions file, corpus its questions are read against, has unanswerable questions)
SETS = (
    ("pquad-train", "data/pquad_train_questions.jsonl", "eval/pquad_corpus.jsonl", False),
    ("reworded", "data/reworded_train_questions.jsonl", "eval/pquad_corpus.jsonl", False),
    ("reworded-more", "data/reworded_more_train_questions.jsonl", "eval/pquad_corpus.jsonl", False),
    ("unanswerable-train", "data/unanswerable_train_questions.jsonl", "eval/pquad_corpus.jsonl", True),
    ("spoken", "data/spoken_train_questions.jsonl", "eval/pquad_corpus.jsonl", True),
    ("pquad-dev", "eval/pquad_dev.jsonl", "eval/pquad_corpus.jsonl", False),
    ("pquad-dev-unanswerable", "eval/pquad_dev_unanswerable.jsonl", "eval/pquad_corpus.jsonl", True),
    ("default", "eval/default.jsonl", "corpus", False),
    ("default-unanswerable", "eval/default_unanswerable.jsonl", "corpus", True),
)


def readings() -> dict[str, dict[str, str]]:
    """Set -> question id -> the question as read (the corpus matters: unknown words are its)."""
    encoder = SentenceTransformerEncoder("bundled")
    searchers: dict[str, Searcher] = {}
    found: dict[str, dict[str, str]] = {}
    for name, questions, corpus, unanswerable in SETS:
        if corpus not in searchers:
            searchers[corpus] = Searcher(index_for_corpus(REPO / corpus, CACHE, encoder, ChunkSettings()), encoder)
        searcher = searchers[corpus]
        found[name] = {q.id: searcher.question_text(q.question)
                       for q in load_questions(REPO / questions, unanswerable=unanswerable)}
    return found


def print_diff(old: dict[str, dict[str, str]], new: dict[str, dict[str, str]]) -> None:
    for name, read in new.items():
        before = old.get(name, {})
        changed = [qid for qid, text in read.items() if qid in before and before[qid] != text]
        print(f"{name}: {len(changed)} of {len(read)} read differently")
        for qid in changed:
            words = [(a, b) for a, b in zip(before[qid].split(), read[qid].split(), strict=False) if a != b]
            print(f"  {qid}: {words or (before[qid], read[qid])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, help="write the readings here (JSON)")
    parser.add_argument("--diff", type=Path, help="readings written by an earlier run, to compare with")
    args = parser.parse_args()
    found = readings()
    args.out.write_text(json.dumps(found, ensure_ascii=False), encoding="utf-8")
    if args.diff:
        print_diff(json.loads(args.diff.read_text(encoding="utf-8")), found)


if __name__ == "__main__":
    main()
