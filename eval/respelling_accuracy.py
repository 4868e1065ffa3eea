"""How often a mistyped or misspelled question word is read back as the word meant. No labels.

    python eval/respelling_accuracy.py [--article] [--show wrong|kept]

Each PQuAD train question on the articles `qa.training_eval.holdout_split(0.2)` trains on (not
the held-out ones eval/train_proxies.py measures) is typed again with one content word of 4+
letters changed, once by a slip of the hand and once by a sound-alike letter, as
eval/train_proxies.py makes its mistyped and misspelled sets (seeded otherwise: other words,
other slips). The changed word is read as the service reads a question word
(`qa.misspelling.respelled`) against the whole PQuAD corpus, or with --article against its
article's own index (as over one user's document): right (the word meant, or a form the
analyzer reads as it), wrong (another word), kept (left as typed). A change that gives another
known word is not counted: no reading could tell it. `--show` prints the wrong or kept words.
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import logging
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "eval"))

from train_proxies import misspelled, mistyped  # noqa: E402
from tune_fusion import article_searchers, searcher_for  # noqa: E402

from qa.build import ChunkSettings  # noqa: E402
from qa.embed import SentenceTransformerEncoder  # noqa: E402
from qa.evaluate import Question, load_questions  # noqa: E402
from qa.lexical import Vocabulary, known_word, word_token  # noqa: E402
from qa.misspelling import respelled  # noqa: E402
from qa.text import normalize  # noqa: E402
from qa.training_eval import holdout_split  # noqa: E402

KINDS: dict[str, Callable[[Question], Question | None]] = {"slip of the hand": mistyped,
                                                           "sound-alike letter": misspelled}


def changed_word(question: Question, kind: Callable[[Question], Question | None]) -> tuple[str, str] | None:
    """(the word meant, the word typed) where `kind` changes one word of `question`, seeded
    by a prefixed id so the words differ from eval/train_proxies.py's; else None."""
    typed = kind(dataclasses.replace(question, id=f"respelling {question.id}"))
    if typed is None:
        return None
    pairs = [(a, b) for a, b in zip(question.question.split(), typed.question.split(), strict=False) if a != b]
    return pairs[0] if len(pairs) == 1 else None


def judge(corpus: Vocabulary, pairs: Iterable[tuple[str, str]], tally: collections.Counter,
          show: str | None) -> None:
    """Count each (meant, typed) pair's reading against `corpus` as right, wrong or kept."""
    for meant, typed in pairs:
        typed_form, meant_form = normalize(typed), normalize(meant)
        if known_word(typed_form, corpus):
            tally["another known word"] += 1
            continue
        read = respelled(typed_form, corpus)
        if read == typed_form:
            verdict = "kept"
        elif read == meant_form or (" " not in read and word_token(read) == word_token(meant_form)):
            verdict = "right"
        else:
            verdict = "wrong"
        tally[verdict] += 1
        if verdict == show:
            print(f"{verdict}: {meant} typed {typed} -> {read}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--article", action="store_true", help="each article's own index, not the whole corpus")
    parser.add_argument("--show", choices=("wrong", "kept"), help="print the words so read")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    training_ids, _ = holdout_split(0.2)
    questions = [q for q in load_questions(REPO / "data" / "pquad_train_questions.jsonl")
                 if set(q.positive_ids) <= training_ids]
    encoder = SentenceTransformerEncoder("bundled")
    chunking = ChunkSettings()
    print(f"{len(questions)} PQuAD train questions, {'each article' if args.article else 'whole corpus'}")
    print("| changed by | words read | right | wrong | kept | another known word |")
    print("|---|---|---|---|---|---|")
    for name, kind in KINDS.items():
        pairs = {q.id: changed_word(q, kind) for q in questions}
        tally: collections.Counter = collections.Counter()
        if args.article:
            for searcher, asked in article_searchers(questions, encoder, chunking):
                judge(searcher.lexical, [p for q in asked if (p := pairs[q.id])], tally, args.show)
        else:
            searcher = searcher_for(REPO / "eval" / "pquad_corpus.jsonl", encoder, chunking)
            judge(searcher.lexical, [p for p in pairs.values() if p], tally, args.show)
        read = tally["right"] + tally["wrong"] + tally["kept"]
        print(f"| {name} | {read} | " + " | ".join(f"{tally[v] / max(1, read):.4f}" for v in ("right", "wrong", "kept"))
              + f" | {tally['another known word']} |")


if __name__ == "__main__":
    main()
