"""Questions typed in Latin letters read as Persian (qa/finglish.py)."""


import pytest

from qa.finglish import is_finglish, persian_read
from qa.search import Searcher
from qa.text import normalize
from tests.test_misspelling import Corpus

CORPUS = Corpus("پایتخت قزاقستان", "شهر آلماتی", "شهر آستانا", "باشگاه فوتبال", "جبهه جنگ", "جنگ جهانی",
                "کتاب من", "مدت جنگ", "مدت زمان", "مودت", "قبل از جنگ")


@pytest.mark.parametrize(("question", "expected"), [
    ("chera paytakht Kazakhstan az Almaty be Astana montaqel shod?", True),
    ("nazarbayev ki bood?", True),
    ("Hegel چه فلسفه‌ای داشت؟", False),  # a name in a Persian question: `qa.latin_names`
    ("Hegel", False),
    ("1945?", False),
    ("Why did Kazakhstan move its capital?", False),  # English: only its names are read
])
def test_a_question_of_latin_letters_only_is_finglish(question: str, expected: bool) -> None:
    assert is_finglish(normalize(question)) is expected


def test_a_finglish_question_is_read_word_by_word() -> None:
    read = persian_read(normalize("chera paytakhte ghazaghestan az almaty be astana montaghel shod?"), CORPUS)
    # common words from the table, names and words from the corpus, «منتقل» from hazm's word list
    assert read.rstrip(" ?") == "چرا پایتخت قزاقستان از الماتی به استانا منتقل شد"


@pytest.mark.parametrize(("typed", "read"), [
    ("bashgahe football", "باشگاه فوتبال"),  # the ezafe typed on
    ("ketab-e man", "کتاب من"),  # typed with a hyphen
    ("jebheye jang", "جبهه جنگ"),
    ("jange jahani", "جنگ جهانی"),  # «جنگ», not the German «یانگ» its letters could also spell
    ("modat jang", "مدت جنگ"),  # a short «o» unwritten, of two words alike the one in more passages
    ("ghablesh tu jango", "قبل تو جنگ"),  # spoken: «his», the object marker typed on, «tu» for «تو»
])
def test_finglish_as_users_type_it(typed: str, read: str) -> None:
    assert persian_read(typed, CORPUS) == read


def test_quoted_words_are_read_too() -> None:  # a title typed in Latin letters is Persian typed so
    assert "«جنگ جهانی» از کیست" in persian_read("sheere «jange jahani» az kist?", CORPUS)


def test_a_word_nothing_spells_is_kept() -> None:
    assert persian_read("xqzt va jang", CORPUS) == "xqzt و جنگ"


def test_a_finglish_question_is_answered_as_the_persian_one(searcher: Searcher) -> None:
    typed, right = searcher.search("aramgahe hafez koja ast?", top_k=3), searcher.search("آرامگاه حافظ کجا است؟", top_k=3)
    assert typed.read_as == "ارامگاه حافظ کجا است؟"
    assert [h.passage.id for h in typed.hits] == [h.passage.id for h in right.hits]
    assert typed.answer_found == right.answer_found
