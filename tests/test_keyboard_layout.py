"""Persian typed with the English keyboard layout left on, read as meant (qa/keyboard_layout.py)."""

import pytest

from qa.keyboard_layout import meant_on_persian_keys, persian_keys, words_on_persian_keys
from qa.search import Searcher
from tests.test_misspelling import Corpus

ASTANA_ON_ENGLISH_KEYS = "]vh mhdjoj rchrsjhk hc Hglhjd fi Hsjhkh lkjrg an?"
CORPUS = Corpus("پایتخت قزاقستان آستانا است", "google گوگل")


def test_each_key_gives_the_persian_letter_it_bears() -> None:
    assert persian_keys("sghl") == "سلام"
    assert persian_keys(ASTANA_ON_ENGLISH_KEYS) == "چرا پایتخت قزاقستان از آلماتی به آستانا منتقل شد؟"
    assert persian_keys("Hvhl'hi phtz ;[hsj?") == "آرامگاه حافظ کجاست؟"  # Shift+H, «'», «;», «[»
    assert persian_keys("1358 fi") == "1358 به"  # digits as typed


def test_a_question_typed_on_the_wrong_layout_is_read_as_meant() -> None:
    assert meant_on_persian_keys(ASTANA_ON_ENGLISH_KEYS, CORPUS) == "چرا پایتخت قزاقستان از آلماتی به آستانا منتقل شد؟"


@pytest.mark.parametrize("question", [
    "chera paytakht kazakhstan avaz shod?",  # Finglish: its keys give no words
    "What is the capital of Kazakhstan?",  # English
    "پایتخت قزاقستان کجاست؟",  # Persian already
    "sghl",  # one word: too little to tell
    "1358?",  # no letter
])
def test_other_text_is_not_taken_for_it(question: str) -> None:
    assert meant_on_persian_keys(question, CORPUS) is None


def test_a_word_typed_on_the_wrong_layout_in_a_persian_question_is_read_as_meant() -> None:
    assert words_on_persian_keys("پایتخت rchrsjhk کجاست؟", CORPUS) == "پایتخت قزاقستان کجاست؟"


@pytest.mark.parametrize("question", [
    "Hegel چه فلسفه‌ای داشت؟",  # a name: its keys give no word («اثلثم»)
    "google چیست؟",  # a word the corpus holds as typed
    "پایتخت ab کجاست؟",  # too short to tell
])
def test_latin_words_that_are_no_slip_of_the_layout_are_kept(question: str) -> None:
    assert words_on_persian_keys(question, CORPUS) == question


def test_such_a_question_is_answered_as_the_persian_one(searcher: Searcher) -> None:
    typed, right = searcher.search("Hvhl'hi phtz ;[hsj?", top_k=3), searcher.search("آرامگاه حافظ کجاست؟", top_k=3)
    assert typed.read_as == "ارامگاه حافظ کجاست؟"
    assert [h.passage.id for h in typed.hits] == [h.passage.id for h in right.hits]
    assert typed.confidence == pytest.approx(right.confidence)
