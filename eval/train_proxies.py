"""Train-side stand-ins for real users: how each retriever does where questions share few words.

    python eval/train_proxies.py [--model DIR]

Five sets built from training data only (never dev or eval questions), each printed whole and
restricted to its low-overlap questions (their paragraph holds < 75% of the question's word
weight, IDF as the index computes it), which behave most like users' questions:

- pquad-train: held-out PQuAD train questions over the whole PQuAD corpus;
- pquad-article: the same questions, each held-out article indexed as a corpus of its own
  (like the default corpus: one article, every passage on topic, word statistics from a few
  passages);
- farstail-val: FarsTail val entailed hypotheses (human rewordings) finding their premise;
- reworded, reworded-article: data/reworded_train_questions.jsonl (written as users ask, in
  their own words, on the held-out articles) over the whole PQuAD corpus and per article;
- reworded-more, reworded-more-article, reworded-more-long-article: 482 more questions written
  the same way on the same paragraphs, about other facts (data/reworded_more_train_questions.jsonl,
  2026-11-27), in the three settings: a second sample, to tell a real change from noise. Not
  used for tuning;
- pquad-long-article, reworded-long-article: both question sets with each held-out article as
  one document chunked as the product chunks (passages overlap), a passage right when it holds
  an answer text, like the default corpus and its eval set. Not used for tuning so far;
- spoken, spoken-article, spoken-long-article: the reworded questions as users type them in
  spoken Persian (data/spoken_train_questions.jsonl: «چیه», «کدوم», «قزاقستانو»), in the
  three settings above. Not used for tuning;
- misspelled, misspelled-long-article: the reworded questions each with one content word
  misspelled by a sound-alike letter («صاکن» for «ساکن»; `misspelled`, made here, seeded by the
  question id). Not used for tuning;
- mistyped, mistyped-long-article: the reworded questions each with one content word mistyped
  by a slip of the hand (a letter left out, doubled, swapped with the next, or a neighbouring
  key: «مجنوع» for «مجموع»; `mistyped`, made here, seeded by the question id). Not used for tuning;
- framed, framed-long-article: the reworded questions opened by a phrase that points at the
  document or asks politely («طبق متن، », «به گفته نویسنده », «لطفاً بگویید »; `framed`, made
  here). Not used for tuning;
- told, told-long-article: the reworded questions after a sentence in which the asker tells
  about themselves («من درباره <article title> تحقیق می‌کنم. », «این سوال برای تکلیف مدرسه‌ام
  است. »; `told`, made here: six sentences, the ones `qa.question_frame.about_the_asker` was
  built on); told-more, told-more-long-article: the same with eight sentences written after it
  («امروز در کلاس درباره ... بحث کردیم. », «به نظرم ... موضوع جالبی است. »; `told_more`), not
  adjusted to until stop 33 read «به نظرم», «دوستم» and other common «my ...» words as the asker's
  (two of its eight sentences).

Then "no answer" on questions the articles do not answer: data/unanswerable_train_questions.jsonl
(240 questions written as users would ask them on the held-out articles, most of them about a
subject or a name the article does discuss, asking a detail it leaves out) together with the
reworded questions as the answerable ones, over the whole corpus, per article and with each
article as one document: precision and recall of the shipped "no answer" rule, as `qa eval
--unanswerable` reports them for the eval sets; and the same for both sets in spoken Persian,
misspelled, mistyped, framed and told.

--model defaults to the stand-in eval/tune_fusion.py trains without the held-out articles (the
bundled model has seen those questions). Use it to judge an idea before touching dev or eval:
save the output before and after a change and compare them with `python eval/compare_proxies.py
BEFORE AFTER`.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import random
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "eval"))

from tune_fusion import (  # noqa: E402
    CACHE,
    REWORDED,
    article_searchers,
    collect,
    farstail_val_set,
    long_article_sets,
    mrr,
    searcher_for,
    stand_in_model,
    top_signals,
    use_held_out,
)

from qa.abstain import Abstention, coverage, load_abstention, load_fusion  # noqa: E402
from qa.build import ChunkSettings  # noqa: E402
from qa.embed import SentenceTransformerEncoder  # noqa: E402
from qa.evaluate import Question, load_questions  # noqa: E402
from qa.fusion import FusionSettings  # noqa: E402
from qa.lexical import analyze, in_lexicon  # noqa: E402
from qa.misspelling import NEIGHBOUR_KEYS, respellings  # noqa: E402
from qa.search import Searcher  # noqa: E402
from qa.text import normalize  # noqa: E402
from qa.training_data import load_paragraphs  # noqa: E402
from qa.training_eval import holdout_split  # noqa: E402

LOW_OVERLAP = 0.75
UNANSWERABLE = REPO / "data" / "unanswerable_train_questions.jsonl"
SPOKEN = REPO / "data" / "spoken_train_questions.jsonl"
REWORDED_MORE = REPO / "data" / "reworded_more_train_questions.jsonl"


def _one_word_changed(question: Question, seed: str, variants: Callable[[str], Iterable[str]]) -> Question | None:
    """`question` with one content word of 4+ letters, chosen at random (seeded), replaced by
    one of its `variants` that is no word (not in hazm's lexicon); None when no word has one."""
    rng = random.Random(seed)
    words = [w for w in re.findall(r"\w+", question.question) if len(w) >= 4 and analyze(normalize(w))]
    rng.shuffle(words)
    for word in words:
        wrong = [v for v in variants(word) if not in_lexicon(normalize(v))]
        if wrong:
            return dataclasses.replace(question, question=question.question.replace(word, rng.choice(wrong), 1))
    return None


def misspelled(question: Question) -> Question | None:
    """`question` with one content word of 4+ letters misspelled by a sound-alike letter
    (`qa.misspelling`) into a non-word, chosen at random seeded by the question's id; None
    when no word can be."""
    return _one_word_changed(question, question.id, respellings)


def mistyped(question: Question) -> Question | None:
    """`question` with one content word of 4+ letters mistyped into a non-word by a slip of the
    hand: a letter left out, typed twice, two neighbouring letters swapped, or a neighbouring
    key on the Persian keyboard (`qa.misspelling`), at any letter, the first included (which
    `qa.misspelling` does not undo), chosen at random seeded by the question's id; None when
    no word can be."""
    def slips(word: str) -> list[str]:
        found = set()
        for at, letter in enumerate(word):
            found.add(word[:at] + word[at + 1:])
            found.add(word[:at] + letter + word[at:])
            found.add(word[:at] + word[at + 1:at + 2] + letter + word[at + 2:])
            found.update(word[:at] + other + word[at + 1:] for other in NEIGHBOUR_KEYS.get(letter, ""))
        return sorted(found - {word})

    return _one_word_changed(question, f"slip {question.id}", slips)


# Openings users put before a question about a document they hold (written up front, not fitted).
FRAMES = ("طبق متن، ", "بر اساس این مقاله، ", "به گفته نویسنده ", "در این سند آمده که ", "با توجه به متن، ",
          "بر اساس متن بالا، ", "طبق این گزارش، ", "در متن گفته شده که ", "لطفاً بگویید ", "می‌خواستم بدانم ",
          "میشه بگی ", "سلام، ")


def framed(question: Question) -> Question:
    """`question` opened by a phrase that points at the document («طبق متن، ...») or asks
    politely («لطفاً بگویید ...»), chosen at random seeded by the question's id."""
    frame = random.Random(f"frame {question.id}").choice(FRAMES)
    return dataclasses.replace(question, question=frame + question.question)


# Sentences about the asker before the question; {title} is the article's. The first six were
# written before `qa.question_frame.about_the_asker` and it was built on them; the other eight
# were written after it, and only two of them («دوستم», «به نظرم») adjusted to since (stop 33).
TOLD = ("من درباره {title} تحقیق می‌کنم. ", "سوالی درباره {title} دارم. ", "دارم متنی درباره {title} می‌خوانم. ",
        "من دانشجو هستم و برای یک پروژه به این اطلاعات نیاز دارم. ", "این سوال برای تکلیف مدرسه‌ام است. ",
        "راستش مدتی است که به {title} علاقه‌مند شده‌ام. ")
TOLD_MORE = ("ببخشید مزاحم می‌شوم. ", "امروز در کلاس درباره {title} بحث کردیم. ",
             "برای امتحان فردا باید درباره {title} بخوانم. ", "دوستم می‌گفت {title} خیلی مهم است. ",
             "کتابی درباره {title} خریده‌ام. ", "به نظرم {title} موضوع جالبی است. ",
             "اطلاعات زیادی درباره {title} ندارم. ", "ما در گروه‌مان درباره {title} کار می‌کنیم. ")


@functools.cache
def _article_titles() -> dict[str, str]:
    return {p.id: p.title.strip() for p in load_paragraphs()}


def told(question: Question, sentences: tuple[str, ...] = TOLD) -> Question:
    """`question` after a sentence about the asker (one of `sentences`, naming the question's
    article), chosen at random seeded by the question's id."""
    sentence = random.Random(f"told {question.id}").choice(sentences)
    title = _article_titles()[question.positive_ids[0]]
    return dataclasses.replace(question, question=sentence.format(title=title) + question.question)


def told_more(question: Question) -> Question:
    return told(question, TOLD_MORE)


def low_overlap(row: dict, searcher: Searcher) -> bool:
    weights = searcher.lexical.term_weights(row["normalized"])
    wanted = set(row["question"].positive_ids)
    positives = [i for i, doc in enumerate(row["doc_of"]) if doc in wanted]
    return max((coverage(weights, tokens) for tokens in searcher.lexical.row_tokens(positives)),
               default=0.0) < LOW_OVERLAP


def answer_found(row: dict, searcher: Searcher, fusion: FusionSettings, abstention: Abstention) -> bool:
    """The shipped "answer found" decision for a collected row."""
    top, signals = top_signals(searcher, row, fusion)
    return top is not None and abstention.answer_found(signals)


def no_answer_table(pairs: dict[str, list[tuple[dict, Searcher]]], fusion: FusionSettings,
                    abstention: Abstention) -> None:
    """Precision / recall of "no answer" in each setting: questions without answers should hear
    it, the others should not."""
    print("\n| setting | answerable | unanswerable | 'no answer' precision | recall | answerable told 'no answer' |")
    print("|---|---|---|---|---|---|")
    for setting, rows in pairs.items():
        said = [(not row["question"].answers, not answer_found(row, searcher, fusion, abstention))
                for row, searcher in rows]
        unanswerable = sum(1 for asked, _ in said if asked)
        right = sum(1 for asked, no in said if asked and no)
        wrong = sum(1 for asked, no in said if not asked and no)
        print(f"| {setting} | {len(said) - unanswerable} | {unanswerable} | {right / max(1, right + wrong):.4f} | "
              f"{right / max(1, unanswerable):.4f} | {wrong / max(1, len(said) - unanswerable):.4f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", help="sentence-transformers folder (default: the held-out stand-in)")
    args = parser.parse_args()
    training_ids, held_ids = holdout_split(0.2)
    use_held_out(training_ids)
    encoder = SentenceTransformerEncoder(args.model or str(stand_in_model(0.2, training_ids)))
    bundled = SentenceTransformerEncoder("bundled")
    fusion = load_fusion(bundled.fingerprint)  # the shipped fusion settings
    chunking = ChunkSettings()
    questions = [q for q in load_questions(REPO / "data" / "pquad_train_questions.jsonl")
                 if set(q.positive_ids) <= held_ids]
    pquad = searcher_for(REPO / "eval" / "pquad_corpus.jsonl", encoder, chunking)
    ft_corpus, ft_questions = farstail_val_set(CACHE / "farstail")
    farstail = searcher_for(ft_corpus, encoder, chunking)
    sets: dict[str, list[tuple[dict, Searcher]]] = {
        "pquad-train": [(row, pquad) for row in collect(pquad, questions, fusion)],
        "pquad-article": [(row, searcher) for searcher, asked in article_searchers(questions, encoder, chunking)
                          for row in collect(searcher, asked, fusion)],
        "farstail-val": [(row, farstail) for row in collect(farstail, ft_questions, fusion)],
    }
    reworded = load_questions(REWORDED)
    sets["reworded"] = [(row, pquad) for row in collect(pquad, reworded, fusion)]
    sets["reworded-article"] = [(row, searcher) for searcher, asked in article_searchers(reworded, encoder, chunking)
                                for row in collect(searcher, asked, fusion)]
    more = load_questions(REWORDED_MORE)
    sets["reworded-more"] = [(row, pquad) for row in collect(pquad, more, fusion)]
    sets["reworded-more-article"] = [(row, searcher) for searcher, asked in article_searchers(more, encoder, chunking)
                                     for row in collect(searcher, asked, fusion)]
    spoken_all = load_questions(SPOKEN, unanswerable=True)
    spoken = [q for q in spoken_all if q.answers]
    sets["spoken"] = [(row, pquad) for row in collect(pquad, spoken, fusion)]
    sets["spoken-article"] = [(row, searcher) for searcher, asked in article_searchers(spoken, encoder, chunking)
                              for row in collect(searcher, asked, fusion)]
    typos = [m for m in map(misspelled, reworded) if m is not None]
    sets["misspelled"] = [(row, pquad) for row in collect(pquad, typos, fusion)]
    slips = [m for m in map(mistyped, reworded) if m is not None]
    sets["mistyped"] = [(row, pquad) for row in collect(pquad, slips, fusion)]
    pointed = [framed(q) for q in reworded]
    sets["framed"] = [(row, pquad) for row in collect(pquad, pointed, fusion)]
    telling = [told(q) for q in reworded]
    sets["told"] = [(row, pquad) for row in collect(pquad, telling, fusion)]
    telling_more = [told_more(q) for q in reworded]
    sets["told-more"] = [(row, pquad) for row in collect(pquad, telling_more, fusion)]
    for name, asked_sets in (("pquad-long-article", questions), ("reworded-long-article", reworded),
                             ("reworded-more-long-article", more),
                             ("spoken-long-article", spoken), ("misspelled-long-article", typos),
                             ("mistyped-long-article", slips), ("framed-long-article", pointed),
                             ("told-long-article", telling), ("told-more-long-article", telling_more)):
        sets[name] = [(row, searcher) for searcher, asked in long_article_sets(asked_sets, encoder, chunking)
                      for row in collect(searcher, asked, fusion, by_passage=True)]
    no_answer = {}
    unanswerable = load_questions(UNANSWERABLE, unanswerable=True)
    misspelled_unanswerable = [m for m in map(misspelled, unanswerable) if m is not None]
    mistyped_unanswerable = [m for m in map(mistyped, unanswerable) if m is not None]
    for register, asked in (("", reworded + unanswerable), ("spoken, ", spoken_all),
                            ("misspelled, ", typos + misspelled_unanswerable),
                            ("mistyped, ", slips + mistyped_unanswerable),
                            ("framed, ", pointed + [framed(q) for q in unanswerable]),
                            ("told, ", telling + [told(q) for q in unanswerable])):
        no_answer[f"{register}corpus"] = [(row, pquad) for row in collect(pquad, asked, fusion)]
        no_answer[f"{register}article"] = [
            (row, searcher) for searcher, questions in article_searchers(asked, encoder, chunking)
            for row in collect(searcher, questions, fusion)]
        no_answer[f"{register}long-article"] = [
            (row, searcher) for searcher, questions in long_article_sets(asked, encoder, chunking)
            for row in collect(searcher, questions, fusion, by_passage=True)]
    print(f"model {encoder.name}, fusion {fusion}")
    print("| set | questions | retriever | R@1 | R@5 | MRR@10 |")
    print("|---|---|---|---|---|---|")
    for name, pairs in sets.items():
        everything = [row for row, _ in pairs]
        low = [row for row, searcher in pairs if low_overlap(row, searcher)]
        for label, rows in ((name, everything), (f"{name}, low overlap", low)):
            for retriever in ("hybrid", "lexical", "dense"):
                m = mrr(rows, fusion, retriever)
                print(f"| {label} | {len(rows)} | {retriever} | {m['recall@1']:.4f} | "
                      f"{m['recall@5']:.4f} | {m['mrr@10']:.4f} |")
    no_answer_table(no_answer, fusion, load_abstention(bundled.fingerprint))


if __name__ == "__main__":
    main()
