"""Persian typed with the English keyboard layout left on (`qa/keyboard_layout.py`).

    python eval/keyboard_layout.py

Train-side Persian questions (the user-worded, second user-worded and spoken sets, and the first
1,000 PQuAD train questions) are typed again as the same keys give on the English layout («چرا»
-> "]vh"); a question holding a letter that has no key of its own in the standard layout
(«ئ», «ء», «ة», «أ») is left out. For each, over the whole PQuAD corpus: whether it is taken as
typed on the wrong layout, whether the service then reads it as the Persian question (with a
ZWNJ as a space, as those keys give it) reads (`Searcher.question_text`), and whether the first
passage and "answer found" are that question's. Then the same with one word of each question
typed so (its longest word that is an index token and has a key for each letter) and the rest
in Persian letters. Then text that must not be taken
for it: the 720 Finglish questions of data/finglish_train_questions.jsonl and the Latin glosses
of the PQuAD corpus of two words or more («(به انگلیسی: National Center for Supercomputing
Applications)»): how many are read as keys. Training data only.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from qa.cli import eval_searcher  # noqa: E402
from qa.keyboard_layout import meant_on_persian_keys  # noqa: E402
from qa.settings import Settings  # noqa: E402

DATA = REPO / "data"
SETS = {
    "user-worded": DATA / "reworded_train_questions.jsonl",
    "user-worded, second": DATA / "reworded_more_train_questions.jsonl",
    "spoken": DATA / "spoken_train_questions.jsonl",
    "PQuAD train (first 1,000)": DATA / "pquad_train_questions.jsonl",
}
# The English-layout key of each Persian letter or sign (the inverse of qa.keyboard_layout).
_ON_ENGLISH_KEYS = {
    **dict(zip("ضصثقفغعهخحجچشسیبلاتنمکگظطزرذدپو", "qwertyuiop[]asdfghjkl;'zxcvbnm,", strict=True)),
    "آ": "H", "ژ": "C", "؟": "?", "\u200c": " ", "،": " ", "ي": "d", "ك": ";",
    **{persian: str(digit) for digit, persian in enumerate("۰۱۲۳۴۵۶۷۸۹")},
}
_NO_KEY = re.compile("[\u0621-\u06cc]")


def on_english_keys(question: str) -> str | None:
    """`question` as typed with the English layout on, or None if a letter has no key."""
    typed = "".join(_ON_ENGLISH_KEYS.get(c, c) for c in question)
    return None if _NO_KEY.search(typed) else typed


def as_asked(searcher, pairs: list[tuple[str, str]]) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Of (Persian question, the same typed on English keys) pairs: the share read as the Persian
    question reads, and the share with its first passage and "answer found"."""
    read_back = same_answer = 0
    for question, typed in pairs:
        read_back += searcher.question_text(typed) == searcher.question_text(question)
        asked, as_typed = searcher.search(question, top_k=1), searcher.search(typed, top_k=1)
        same_answer += ([h.passage.id for h in asked.hits], asked.answer_found) == (
            [h.passage.id for h in as_typed.hits], as_typed.answer_found)
    return read_back / len(pairs), same_answer / len(pairs)


def one_word_on_english_keys(searcher, question: str) -> str | None:  # type: ignore[no-untyped-def]
    """`question` with its longest word that is an index token (and has a key for each letter)
    typed on English keys, or None."""
    words = [w for w in re.findall(r"[\u0621-\u06cc]{4,}", question)
             if searcher.lexical.has_token(w.replace("آ", "ا")) and on_english_keys(w)]
    if not words:
        return None
    word = max(words, key=len)
    return question.replace(word, on_english_keys(word) or word, 1)


def main() -> None:
    logging.disable(logging.WARNING)
    searcher = eval_searcher(Settings(), REPO / "eval" / "pquad_corpus.jsonl")
    for name, path in SETS.items():
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()][:1000]
        # Compared with the question as those keys give it back: a ZWNJ typed as a space (on the
        # English layout Shift+Space is a space), «،» as none (`python eval/orthography_invariance.py`
        # measures those apart).
        questions = [re.sub("[\u200c،]", " ", row["question"]) for row in rows]
        whole = [(question, typed) for row, question in zip(rows, questions, strict=True)
                 if (typed := on_english_keys(row["question"]))]
        taken = sum(meant_on_persian_keys(typed, searcher.lexical) is not None for _, typed in whole) / len(whole)
        read_back, same = as_asked(searcher, whole)
        print(f"{name}: {len(whole)} of {len(rows)} typeable; read as keys {taken:.4f}, read as the Persian "
              f"{read_back:.4f}, same first passage and verdict {same:.4f}")
        one_word = [(question, typed) for question in questions
                    if (typed := one_word_on_english_keys(searcher, question))]
        read_back, same = as_asked(searcher, one_word)
        print(f"{name}, one word typed on the English layout: {len(one_word)} questions; read as the Persian "
              f"{read_back:.4f}, same first passage and verdict {same:.4f}")
    finglish = [json.loads(line)["question"] for line in (DATA / "finglish_train_questions.jsonl").read_text(
        encoding="utf-8").splitlines()]
    glosses = sorted({gloss.strip() for line in (REPO / "eval" / "pquad_corpus.jsonl").read_text(encoding="utf-8")
                      .splitlines() for gloss in re.findall(r"\(به [^:()]+:\s*([A-Za-z][^()]*)\)", json.loads(line)["text"])
                      if len(gloss.split()) >= 2})
    for name, texts in (("Finglish questions", finglish), ("Latin glosses of the PQuAD corpus", glosses)):
        wrongly = [text for text in texts if meant_on_persian_keys(text, searcher.lexical) is not None]
        print(f"{name}: {len(wrongly)} of {len(texts)} read as keys" + (f" ({wrongly[:3]})" if wrongly else ""))


if __name__ == "__main__":
    main()
