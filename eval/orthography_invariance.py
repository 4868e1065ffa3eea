"""Does a question get the same answer however it is typed? No labels needed.

    python eval/orthography_invariance.py                     # 1,500 PQuAD train questions
    python eval/orthography_invariance.py QUESTIONS.jsonl --limit 0 --corpus CORPUS.jsonl

Each question is typed again the ways users type Persian: Arabic «ي» / «ك», every ZWNJ as a
space, every ZWNJ left out, Latin digits, a medial hamza seat «ئ» as «ی» («رئیس» / «رییس»), and
diacritics on a third of the letters. For each kind, over the questions it changes, the share
whose hybrid top 5 (in order), top 1 and "answer found" are those of the question as written.
Train questions by default: this measures the reading of questions, so no dev or eval
question is needed, and it uses no answers.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "eval"))

from tune_fusion import CACHE  # noqa: E402

from qa.build import ChunkSettings  # noqa: E402
from qa.embed import SentenceTransformerEncoder  # noqa: E402
from qa.evaluate import index_for_corpus, load_questions  # noqa: E402
from qa.search import Searcher  # noqa: E402
from qa.text import ZWNJ, ascii_digits  # noqa: E402

_MEDIAL_HAMZA = re.compile(r"(?<=\w)ئ(?=\w)")
_MARKS = "\u064e\u0650\u064f"  # fatha, kasra, damma


def _diacritics(question: str) -> str:
    chance = random.Random(question)  # the same marks on every run
    return "".join(c + (chance.choice(_MARKS) if c.isalpha() and chance.random() < 0.3 else "") for c in question)


KINDS: dict[str, Callable[[str], str]] = {
    "Arabic ي / ك": lambda q: q.replace("ی", "ي").replace("ک", "ك"),
    "ZWNJ as a space": lambda q: q.replace(ZWNJ, " "),
    "ZWNJ left out": lambda q: q.replace(ZWNJ, ""),
    "Latin digits": ascii_digits,
    "hamza seat ئ as ی": lambda q: _MEDIAL_HAMZA.sub("ی", q),
    "diacritics": _diacritics,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("questions", nargs="?", type=Path, default=REPO / "data" / "pquad_train_questions.jsonl")
    parser.add_argument("--corpus", type=Path, default=REPO / "eval" / "pquad_corpus.jsonl")
    parser.add_argument("--limit", type=int, default=1500, help="the first N questions (0: all)")
    args = parser.parse_args()
    encoder = SentenceTransformerEncoder("bundled")
    searcher = Searcher(index_for_corpus(args.corpus, CACHE, encoder, ChunkSettings()), encoder)
    questions = load_questions(args.questions)
    if args.limit:
        questions = questions[: args.limit]

    def answer(question: str) -> tuple[list[str], bool]:
        result = searcher.search(question, top_k=5)
        return [hit.passage.id for hit in result.hits], result.answer_found

    counts = {kind: [0, 0, 0, 0] for kind in KINDS}  # changed, same top 5, same top 1, same verdict
    for question in questions:
        written: tuple[list[str], bool] | None = None
        for kind, retype in KINDS.items():
            typed = retype(question.question)
            if typed == question.question:
                continue
            written = written or answer(question.question)
            ranking, found = answer(typed)
            count = counts[kind]
            count[0] += 1
            count[1] += ranking == written[0]
            count[2] += ranking[:1] == written[0][:1]
            count[3] += found == written[1]
    print(f"{len(questions)} questions of {args.questions.name}, corpus {args.corpus.name}, hybrid")
    print("| typed as | questions it changes | same top 5 | same top 1 | same \"answer found\" |")
    print("|---|---|---|---|---|")
    for kind, (changed, top5, top1, verdict) in counts.items():
        shares = " | ".join(f"{n / changed:.4f}" if changed else "-" for n in (top5, top1, verdict))
        print(f"| {kind} | {changed} | {shares} |")


if __name__ == "__main__":
    main()
