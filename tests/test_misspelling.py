"""Misspelled question words read as the corpus spells them (qa/misspelling.py)."""

from pathlib import Path

import pytest

from qa import store
from qa.lexical import analyze
from qa.misspelling import corpus_spelling, respelled, respellings
from qa.search import Searcher
from qa.text import normalize


class Corpus:
    """A few passages' words, with their document frequencies."""

    def __init__(self, *passages: str) -> None:
        self.frequency: dict[str, int] = {}
        for passage in passages:
            for token in set(analyze(normalize(passage))):
                self.frequency[token] = self.frequency.get(token, 0) + 1

    def knows(self, word: str) -> bool:
        return self.document_frequency(word) > 0

    def document_frequency(self, word: str) -> int:
        found = analyze(word)
        return min((self.frequency.get(t, 0) for t in found), default=0)


CORPUS = Corpus("ذخیره آب سد", "اصطلاح علمی", "ظل‌السلطان حاکم اصفهان", "سفر و صفر", "سفر دریایی")


def test_respellings_change_one_letter_for_another_of_the_same_sound() -> None:
    assert set(respellings("سد")) == {"صد", "ثد"}
    assert "ذخیره" in set(respellings("زخیره"))
    assert all(sum(a != b for a, b in zip(v, "اصطلاح", strict=True)) == 1 for v in respellings("اصطلاح"))


@pytest.mark.parametrize(("typed", "read"), [
    ("زخیره آب کجاست؟", "ذخیره آب کجاست؟"),
    ("این اصتلاح یعنی چه", "این اصطلاح یعنی چه"),
    ("ضل‌السلطان کیست", "ظل‌السلطان کیست"),
])
def test_a_word_nobody_knows_is_read_as_the_corpus_spells_it(typed: str, read: str) -> None:
    assert respelled(normalize(typed), CORPUS) == normalize(read)


def test_known_words_quotes_and_short_words_are_kept() -> None:
    # «صد» is a word (hundred): kept, though the corpus only has «سد»
    assert respelled("صد سال", CORPUS) == "صد سال"
    assert respelled("«زخیره» کجاست", CORPUS) == "«زخیره» کجاست"
    assert respelled("ثد", CORPUS) == "ثد"  # too short to guess
    assert respelled("زیپیلو", CORPUS) == "زیپیلو"  # no sound-alike spelling in the corpus


def test_the_spelling_in_most_passages_wins() -> None:
    assert corpus_spelling("ثفر", CORPUS) == "سفر"  # «سفر» is in two passages, «صفر» in one


@pytest.fixture
def searcher(tiny_index: Path, fake_encoder) -> Searcher:  # type: ignore[no-untyped-def]
    return Searcher(store.load_current(tiny_index)[0], fake_encoder)


def test_a_misspelled_question_is_answered_as_the_right_one(searcher: Searcher) -> None:
    typed, right = searcher.search("آرامگاه هافظ کجاست؟", top_k=3), searcher.search("آرامگاه حافظ کجاست؟", top_k=3)
    assert [h.passage.id for h in typed.hits] == [h.passage.id for h in right.hits]
    assert typed.confidence == pytest.approx(right.confidence)
