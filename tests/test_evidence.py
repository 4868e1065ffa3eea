"""Choosing the evidence sentence: question words held, rare words and their synonyms first."""

from qa.answer_type import asked_kind
from qa.evidence import SentenceCache, best_evidence
from qa.lexical import analyze
from qa.text import normalize
from qa.types import Document, Passage

TEXT = ("شهر در کنار رود است و مردم شهر در آن زندگی می‌کنند. "
        "آرامگاه شاعر در شمال شهر است. "
        "شاعر در سال ۷۹۲ درگذشت.")


def evidence_for(question: str, synonyms=None, count: int = 1, typed: bool = False):  # type: ignore[no-untyped-def]
    document = Document(id="d", title="شهر", text=TEXT)
    passage = Passage(id=0, doc_id="d", text=TEXT, char_start=0, char_end=len(TEXT))
    normalized = normalize(question)
    words = analyze(normalized)
    weights = {"شهر": 0.1, "مردم": 0.5, "ارامگاه": 3.0, "شاعر": 2.0, "فوت": 3.0, "درگذشت": 3.0}
    term_weights = {word: weights.get(word, 1.0) for word in words}
    return best_evidence(set(words), term_weights, [(document, passage)], analyze=analyze,
                         cache=SentenceCache(), synonyms=synonyms, count=count,
                         asked=asked_kind(normalized) if typed else None)[0]


def test_the_sentence_with_the_rare_words_wins_over_common_ones() -> None:
    [best] = evidence_for("آرامگاه شاعر در کدام شهر است")
    assert best.text.startswith("آرامگاه شاعر")
    assert TEXT[best.char_start:best.char_end] == best.text
    assert 0.0 < best.score <= 1.0


def test_synonyms_count_in_the_weighted_share() -> None:
    synonyms = {"فوت": [("درگذشت",)]}
    assert evidence_for("شاعر کی فوت کرد", synonyms)[0].text.startswith("شاعر در سال")
    assert evidence_for("شاعر کی فوت کرد")[0].text.startswith("آرامگاه")  # a tie: the earlier


def test_count_sentences_best_first_and_ties_to_the_earlier() -> None:
    first, second, third = evidence_for("ماه ستاره", count=3)  # nothing matches: all tie at 0
    assert first.score == second.score == third.score == 0.0
    assert first.char_start < second.char_start < third.char_start


def test_a_when_question_prefers_the_sentence_with_a_date() -> None:
    # «شاعر» is in two sentences; only the last holds a year.
    assert evidence_for("شاعر کی", typed=True)[0].text.startswith("شاعر در سال")
    assert evidence_for("شاعر کی")[0].text.startswith("آرامگاه")  # the tie, untyped
    best, *_ = evidence_for("شاعر کی", typed=True, count=3)
    assert 0.0 < best.score <= 1.0


def test_a_date_alone_does_not_make_the_evidence() -> None:
    # Only the second sentence names «آرامگاه»; the third has a year and nothing asked about.
    assert evidence_for("آرامگاه کی", typed=True)[0].text.startswith("آرامگاه")


def test_among_equal_sentences_the_one_with_the_word_that_sets_it_apart_wins() -> None:
    # Each sentence holds two of the three question words; the subject («کاخ») is in all of them,
    # «امروز» only in the last, which answers.
    text = "کاخ شهر بزرگ است. کاخ شهر از بناهای کهن است. امروز کاخ موزه است."
    document = Document(id="d", title="کاخ", text=text)
    passage = Passage(id=0, doc_id="d", text=text, char_start=0, char_end=len(text))
    words = analyze(normalize("کاخ شهر امروز چیست"))
    [[best]] = best_evidence(set(words), dict.fromkeys(words, 1.0), [(document, passage)],
                             analyze=analyze, cache=SentenceCache())
    assert best.text == "امروز کاخ موزه است."
