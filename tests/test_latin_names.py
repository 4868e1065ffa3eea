"""Names typed in Latin letters read as the corpus writes them in Persian (qa/latin_names.py)."""

from pathlib import Path

import pytest

from qa import store
from qa.latin_names import (
    corpus_word_for,
    latin_spellings,
    persian_skeleton,
    persian_spelled,
    vowel_cost,
)
from qa.lexical import analyze
from qa.search import Searcher
from qa.text import normalize
from tests.conftest import corpus_index
from tests.test_misspelling import Corpus

CORPUS = Corpus(
    "هگل فیلسوف آلمانی بود", "فلسفه هگل", "والیبال در سال ۱۸۹۵ اختراع شد", "ستون های مسجد", "ستون سنگی",
    "استیون هاوکینگ", "اینشتین نظریه نسبیت را ارائه کرد", "موتسارت آهنگساز بود", "شهر مشهد", "می شد",
    "کابل پایتخت افغانستان", "نظربایف", "چخوف", "قابل توجه", "قابل قبول", "قزاقستان", "google گوگل", "سیستم عامل ios", "Boeing 747 و Boeing 777 و بوئینگ", "Boeing",
)


def test_a_persian_skeleton_keeps_the_consonants_alike_sounding_letters_as_one() -> None:
    assert persian_skeleton("هیتلر") == "هتلر"
    assert persian_skeleton("حافظ") == "هفز"
    assert persian_skeleton("گوته") == "گت"  # a final «ه» writes a vowel


def test_latin_spellings_cover_the_languages_names_come_from() -> None:
    skeletons = {skeleton for skeleton, *_ in latin_spellings("einstein")}
    assert "نشتن" in skeletons  # German «st»
    assert {skeleton for skeleton, *_ in latin_spellings("mozart")} >= {"مزرت", "متسرت"}
    assert latin_spellings("hegel")[0][0] == "هگل"
    assert latin_spellings("ñandú") != []  # accents are the letters they sit on
    assert latin_spellings("3d") == []  # not a word of letters


def test_a_less_usual_letter_costs_more() -> None:
    costs = {skeleton: cost for skeleton, _, cost in latin_spellings("kabul")}
    assert costs["کبل"] == 0 < costs["قبل"]


def test_written_vowels_decide_between_words_of_one_skeleton() -> None:
    steven = {skeleton: written for skeleton, written, _ in latin_spellings("steven")}["ستن"]
    assert vowel_cost(steven, "استیون") < vowel_cost(steven, "ستون")  # Persian opens «st» with «ا»


@pytest.mark.parametrize(("typed", "read"), [
    ("hegel", "هگل"), ("Volleyball", "والیبال"), ("Einstein", "اینشتین"), ("Mozart", "موتسارت"),
    ("Steven", "استیون"), ("Mashhad", "مشهد"), ("Kabul", "کابل"), ("Kazakhstan", "قزاقستان"),
    ("Nazarbayev", "نظربایف"), ("Chekhov", "چخوف"),
])
def test_a_latin_name_is_read_as_the_corpus_word_it_spells(typed: str, read: str) -> None:
    assert corpus_word_for(normalize(typed), CORPUS) == read


@pytest.mark.parametrize("typed", ["app", "kodak", "xyz", "hitler"])
def test_a_latin_word_with_no_persian_spelling_in_the_corpus_is_kept(typed: str) -> None:
    assert corpus_word_for(typed, CORPUS) is None


def test_a_question_is_read_with_the_persian_spelling() -> None:
    assert persian_spelled("hegel چه فلسفه ای داشت؟", CORPUS) == "هگل چه فلسفه ای داشت؟"
    assert persian_spelled("«hegel» چیست؟", CORPUS) == "«hegel» چیست؟"  # quoted: kept


def test_a_latin_word_the_corpus_uses_more_than_its_persian_spelling_is_kept() -> None:
    assert persian_spelled("google چیست؟", CORPUS) == "google چیست؟"  # as often in each script
    assert persian_spelled("boeing 747 چیست؟", CORPUS) == "boeing 747 چیست؟"


def test_a_question_naming_a_place_in_latin_is_answered_as_in_persian(searcher: Searcher) -> None:
    typed, right = searcher.search("آرامگاه Hafez کجاست؟", top_k=3), searcher.search("آرامگاه حافظ کجاست؟", top_k=3)
    assert typed.read_as == "ارامگاه حافظ کجاست؟"
    assert [h.passage.id for h in typed.hits] == [h.passage.id for h in right.hits]
    assert typed.confidence == pytest.approx(right.confidence)


def test_a_name_the_analyzer_cuts_is_read_as_the_documents_write_it(tmp_path: Path, fake_encoder) -> None:  # type: ignore[no-untyped-def]
    index = corpus_index({"almaty.txt": "آلماتی بزرگ‌ترین شهر قزاقستان است.\n"}, tmp_path, fake_encoder)
    searcher = Searcher(store.load_current(index)[0], fake_encoder)
    assert analyze("الماتی") != ["الماتی"]  # indexed as another token: only the word as written spells it
    found = searcher.search("Almaty کجاست؟", top_k=1)
    assert found.read_as == "الماتی کجاست؟" and found.hits
