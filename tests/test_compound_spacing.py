"""Compounds read as their words, however they are typed (qa/compound_spacing.py)."""

import pytest

from qa.compound_spacing import compounds_apart, verb_prefix_joined
from qa.lexical import LexicalIndex, compound_split
from qa.text import normalize

CORPUS = LexicalIndex.build([normalize(p) for p in (
    "رای‌گیری در مجلس انجام شد و نتیجه رای گیری اعلام شد.",
    "سازمان‌های بین‌المللی در این رای‌گیری ناظر بودند.",
    "این سیستم‌عامل ساخته شده است.",
    "مادر او در دوره دوم کناره گرفت.",
)])


@pytest.mark.parametrize(("typed", "read"), [
    ("نتیجه رای‌گیری", "نتیجه رای گیری"),
    ("نتیجه رای گیری", "نتیجه رای گیری"),
    ("نتیجه رایگیری", "نتیجه رای گیری"),  # ZWNJ left out
    ("سازمان‌های بین‌المللی", "سازمانهای بین المللی"),
    ("سیستم‌عامل‌های تازه", "سیستم عاملهای تازه"),  # no compound of hazm's list: two words it knows
    ("کدام سیستم‌عامل ساخته شده‌است؟", "کدام سیستم عامل ساخته شده است؟"),  # the copula typed on
    ("سیستم‌عامل ساخته شده اند", "سیستم عامل ساخته شده اند"),  # hazm joins «ساخته‌شده‌اند»
    ("سیستم‌عامل ساخته شده‌اند", "سیستم عامل ساخته شده اند"),
    ("ساخته شده بود", "ساخته شده بود"),
    ("ساخته‌شده‌بود", "ساخته شده بود"),
    ("مادر و دوره", "مادر و دوره"),  # words of their own
    ("کناره گرفت", "کناره گرفت"),  # «کنار» + «ه» is no compound
    ("«رای‌گیری» کجا بود", "«رایگیری» کجا بود"),  # a title or quotation is kept as typed
])
def test_a_compound_is_read_as_its_words(typed: str, read: str) -> None:
    assert compounds_apart(normalize(typed), CORPUS) == read


def test_a_compound_whose_words_the_corpus_lacks_is_left_whole() -> None:
    assert compounds_apart(normalize("کتاب‌خانه"), CORPUS) == "کتابخانه"


def test_a_guessed_compound_is_cut_only_where_the_corpus_lacks_the_word_whole() -> None:
    # «هلووین» is no compound of hazm's list, only two words it knows («هلو», «وین») run together
    parts_only = LexicalIndex.build([normalize("هلو میوه است و وین شهری در اتریش است.")])
    with_word = LexicalIndex.build([normalize("جشن هلووین در پاییز است. هلو میوه است و وین شهری است.")])
    assert compounds_apart("جشن هلووین", parts_only) == "جشن هلو وین"
    assert compounds_apart("جشن هلووین", with_word) == "جشن هلووین"


def test_a_verb_form_is_never_cut_as_a_guessed_compound() -> None:
    corpus = LexicalIndex.build([normalize("میش در کوه است و وند پسوند است.")])
    assert compounds_apart(normalize("چه می‌شوند"), corpus) == "چه میشوند"


def test_the_same_question_typed_with_zwnj_a_space_or_neither_reads_the_same() -> None:
    typed = ["نتیجه رای‌گیری بین‌المللی", "نتیجه رای گیری بین المللی", "نتیجه رایگیری بینالمللی"]
    assert len({compounds_apart(normalize(t), CORPUS) for t in typed}) == 1


def test_compound_split_cuts_between_the_parts_and_keeps_the_suffix() -> None:
    assert compound_split("رایگیریها") == ("رای", "گیریها")
    assert compound_split("سیستمعامل") == ("سیستم", "عامل")  # two words hazm knows, joined
    assert compound_split("مادر") is None
    assert compound_split("کتابها") is None


@pytest.mark.parametrize(("typed", "read"), [
    ("ریشه آن به کجا بازمی گردد؟", "ریشه آن به کجا بازمی‌گردد؟"),  # the ZWNJ typed as a space
    ("چرا برنمی گردند؟", "چرا برنمی‌گردند؟"),
    ("آن را در نظرمی گیرند", "آن را در نظرمی‌گیرند"),  # the noun of a compound verb
    ("حکومت مردمی شد", "حکومت مردمی شد"),  # a word of its own ending in «می»
    ("نتیجه علمی میشود", "نتیجه علمی میشود"),
    ("کمی گرفت", "کمی گرفت"),
    ("بازمی کتاب", "بازمی کتاب"),  # no verb follows
    ("داستان «او بازمی گردد» از کیست؟", "داستان «او بازمی گردد» از کیست؟"),  # a title is kept as typed
])
def test_a_verb_prefix_typed_on_the_word_before_is_joined_to_the_verb(typed: str, read: str) -> None:
    assert verb_prefix_joined(normalize(typed), CORPUS) == normalize(read)
