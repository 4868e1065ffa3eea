"""Passage size against what users see: is the answer in the first passage, and in its highlight?

    python eval/passage_sizes.py [SIZE ...] [--overlap N]    (default: 400 600 800 1000, overlap 1)

Each held-out PQuAD train article as one document, cut at each `QA_MAX_CHARS` given (as the
product cuts it, passages overlapping by `--overlap` sentences, 1 as shipped), searched with the hybrid retriever (the
stand-in model that eval/tune_fusion.py trains without the held-out articles, the shipped
fusion), for four question sets written on those articles: held-out PQuAD train, the reworded
questions, the second reworded set and the spoken ones. Per size and set:

- passage@1 / passage@5: the first passage / one of the first five holds an answer text (the
  default set's and train_proxies.py's long-article judgement);
- answer shown@1: the first passage's evidence sentence, the one the answer highlights, holds
  an answer text;
- the mean length in characters of the first passage and of its evidence.

Every size is judged on the same questions (those whose article holds an answer text), so a
size is not credited for keeping fewer of them. A longer passage holds more text and so more
often "holds an answer": passage@1 rises with size whether or not retrieval got better, which
is why answer shown@1 is printed beside it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "eval"))

from train_proxies import REWORDED_MORE, SPOKEN  # noqa: E402
from tune_fusion import CACHE, REWORDED, searcher_for, stand_in_model, use_held_out  # noqa: E402

from qa.abstain import load_abstention, load_fusion  # noqa: E402
from qa.build import ChunkSettings  # noqa: E402
from qa.embed import SentenceTransformerEncoder  # noqa: E402
from qa.evaluate import Question, contains_answer, load_questions  # noqa: E402
from qa.search import Searcher  # noqa: E402
from qa.training_data import load_paragraphs  # noqa: E402
from qa.training_eval import holdout_split  # noqa: E402

DEFAULT_SIZES = (400, 600, 800, 1000)


@dataclass(frozen=True)
class Seen:
    """What one question's answer showed the user."""

    passage_at_1: bool
    passage_at_5: bool
    shown_at_1: bool
    passage_chars: int
    evidence_chars: int


def seen(searcher: Searcher, question: Question) -> Seen:
    result = searcher.search(question.question, top_k=5)
    if not result.hits:
        return Seen(False, False, False, 0, 0)
    first = result.hits[0]
    evidence = " ".join(found.text for found in first.evidence)
    return Seen(
        passage_at_1=contains_answer(first.passage.text, question.answers),
        passage_at_5=any(contains_answer(hit.passage.text, question.answers) for hit in result.hits),
        shown_at_1=contains_answer(evidence, question.answers),
        passage_chars=len(first.passage.text),
        evidence_chars=len(evidence),
    )


def summary(rows: list[Seen]) -> str:
    count = max(1, len(rows))
    return (f"{len(rows)} | {sum(r.passage_at_1 for r in rows) / count:.4f} | "
            f"{sum(r.shown_at_1 for r in rows) / count:.4f} | {sum(r.passage_at_5 for r in rows) / count:.4f} | "
            f"{statistics.mean(r.passage_chars for r in rows) if rows else 0:.0f} | "
            f"{statistics.mean(r.evidence_chars for r in rows) if rows else 0:.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, default=list(DEFAULT_SIZES),
                        help="passage sizes (QA_MAX_CHARS) to compare")
    parser.add_argument("--overlap", type=int, default=1,
                        help="sentences repeated between passages (QA_OVERLAP_SENTENCES, default 1)")
    args = parser.parse_args()
    if any(size < 100 for size in args.sizes):
        parser.error("a passage size is at least 100 characters (as QA_MAX_CHARS)")
    if not 0 <= args.overlap <= 5:
        parser.error("the overlap is 0 to 5 sentences (as QA_OVERLAP_SENTENCES)")
    training_ids, held_ids = holdout_split(0.2)
    use_held_out(training_ids)
    encoder = SentenceTransformerEncoder(str(stand_in_model(0.2, training_ids)))
    shipped = SentenceTransformerEncoder("bundled").fingerprint
    fusion, abstention = load_fusion(shipped), load_abstention(shipped)
    question_sets = {
        "held-out PQuAD train": [q for q in load_questions(REPO / "data" / "pquad_train_questions.jsonl")
                                 if set(q.positive_ids) <= held_ids],
        "reworded": load_questions(REWORDED),
        "reworded, second set": load_questions(REWORDED_MORE),
        "spoken": [q for q in load_questions(SPOKEN, unanswerable=True) if q.answers],
    }
    paragraphs = load_paragraphs()
    title_of = {p.id: p.title for p in paragraphs}
    folder = CACHE / "long-articles"
    folder.mkdir(parents=True, exist_ok=True)
    print(f"overlap {args.overlap} sentence(s)")
    print("| size | set | questions | passage@1 | answer shown@1 | passage@5 | first passage, chars | evidence, chars |")
    print("|---|---|---|---|---|---|---|---|")
    for size in args.sizes:
        chunking = ChunkSettings(max_chars=size, overlap_sentences=args.overlap)
        for name, questions in question_sets.items():
            by_title: dict[str, list[Question]] = {}
            for question in questions:
                by_title.setdefault(title_of[question.positive_ids[0]], []).append(question)
            rows = []
            for title, asked in sorted(by_title.items()):
                text = "\n\n".join(p.text for p in paragraphs if p.title == title)
                name_hash = hashlib.sha1(title.encode()).hexdigest()[:12]
                corpus = folder / f"{name_hash}.jsonl"
                corpus.write_text(json.dumps({"id": f"article-{name_hash}", "title": title, "text": text},
                                             ensure_ascii=False) + "\n", encoding="utf-8")
                searcher = searcher_for(corpus, encoder, chunking)
                # The stand-in model has its own fingerprint: use the shipped fusion and rule.
                searcher.fusion, searcher.abstention = fusion, abstention
                rows.extend(seen(searcher, q) for q in asked if contains_answer(text, q.answers))
            print(f"| {size} | {name} | {summary(rows)} |", flush=True)


if __name__ == "__main__":
    main()
