"""Persian normalization, tokens, and sentence / paragraph / clause spans (qa.text)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa.text import (
    ZWNJ,
    ascii_digits,
    clause_spans,
    normalize,
    paragraph_spans,
    sentence_spans,
    squeeze_spaces,
    tokens,
)

PERSIAN_ISH = (
    "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیيكۀةأإؤءآ"
    "۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩0123456789"
    "\u064b\u064c\u064e\u064f\u0650\u0651\u0652\u0640"  # diacritics and kashida
    + ZWNJ
    + "     \n\n\t.،,؛:!؟?«»()-…٫٬abcXYZ"
)
persian_text = st.text(alphabet=PERSIAN_ISH, max_size=300)


@given(persian_text)
@settings(max_examples=300, deadline=None)
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@pytest.mark.parametrize(
    ("variant", "standard"),
    [
        ("علي", "علی"),  # Arabic yeh
        ("كتاب", "کتاب"),  # Arabic kaf
        ("کِتابْ", "کتاب"),  # diacritics
        ("کتـــاب", "کتاب"),  # kashida
        ("خانۀ", "خانه"),
        ("كتاب‌ها", "کتاب ها"),  # ZWNJ and a space are the same word boundary
        ("کتابها", "کتاب‌ها"),  # ZWNJ missing
        ("می‌روم", "می روم"),
        ("میروم", "می‌روم"),
        ("KaZaKh", "kazakh"),
        # Presentation forms (PDF text, some keyboards), fullwidth and mathematical digits.
        ("سال\ufbfd جمهور\ufbfc", "سالی جمهوری"),
        ("\ufe82ستانه", "آستانه"),
        ("سال ２٠１５", "سال 2015"),
        ("\U0001d7cf\U0001d7d7\U0001d7d7\U0001d7d7", "1999"),
        # Invisible marks: the isolates `qa ask` wraps a question in, the Arabic letter mark,
        # a variation selector.
        ("\u2067قزاقستان\u2069", "قزاقستان"),
        ("\u202bقزاقستان\u202c", "قزاقستان"),
        ("19\u061c99", "1999"),
        ("قزاق\ufe0fستان", "قزاقستان"),
        # Suffixes typed apart from their word, which hazm leaves apart.
        ("کدام اند", "کدام‌اند"),
        ("کتاب هایش", "کتاب‌هایش"),
        ("خارجی اش", "خارجی‌اش"),
        ("خانه اش", "خانه‌اش"),
        ("ایرانی ایم", "ایرانیایم"),
        ("پایتخت کجا است؟", "پایتخت کجاست؟"),
        ("خانه‌ی ما", "خانهٔ ما"),  # the ezafe after a silent «ه», informally and formally
        ("خانه ی ما", "خانهٔ ما"),
        ("رئیس جمهور کی است", "رئیس جمهور کیست"),
    ],
)
def test_normalize_makes_variants_equal(variant: str, standard: str) -> None:
    assert normalize(variant) == normalize(standard)


@pytest.mark.parametrize("text", ["پدید آید", "ای ایران", "شأن نزول"])
def test_normalize_leaves_words_that_are_no_suffix_apart(text: str) -> None:
    assert " " in normalize(text)


@pytest.mark.parametrize("word", ["ماهی", "گاهی", "کوتاهی"])
def test_a_word_ending_in_hi_is_no_ezafe(word: str) -> None:
    assert normalize(word) == word


def test_normalize_digits_in_every_script_are_ascii() -> None:
    assert normalize("۱۹۹۱") == normalize("١٩٩١") == normalize("1991") == "1991"
    assert normalize("سال ۱۳۵۷") == "سال 1357"


def test_normalize_keeps_numbers_whole() -> None:
    assert normalize("3.5") == "3.5"
    assert tokens(normalize("۱۲,۰۰۰ نفر")) == ["12000", "نفر"]
    assert normalize("۱۹٬۶۰۵٬۰۵۲ نفر") == "19605052 نفر"


@pytest.mark.parametrize(
    "text", ["۱۹ رئیس جمهور منتخب", "نشان دهندهٔ مراسم", ")\u200c.", "ؤ أش", "0\n."]
)
def test_normalize_is_idempotent_where_hazm_alone_is_not(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


def test_tokens_drop_punctuation() -> None:
    assert tokens(normalize("«آستانه» شما را دعوت می‌کند.")) == [
        "استانه",
        "شما",
        "را",
        "دعوت",
        "میکند",
    ]


def test_squeeze_spaces() -> None:
    assert squeeze_spaces("  یک \n\n  دو\t سه   ") == "یک دو سه"


def test_sentence_spans_split_at_persian_punctuation() -> None:
    text = "این یک جمله است. آیا این دومی است؟ «سومی هم هست.» و چهارمی"
    pieces = [text[s:e] for s, e in sentence_spans(text)]
    assert pieces == ["این یک جمله است.", "آیا این دومی است؟", "«سومی هم هست.»", "و چهارمی"]


def test_sentence_spans_do_not_split_numbers_or_urls() -> None:
    text = "نرخ 3.5 درصد بود و نشانی www.example.com است. پایان."
    assert len(sentence_spans(text)) == 2


def test_sentence_spans_end_at_paragraph_breaks() -> None:
    text = "عنوان بی نقطه\n\nبند اول."
    assert [text[s:e] for s, e in sentence_spans(text)] == ["عنوان بی نقطه", "بند اول."]


def _assert_covers(
    text: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None
) -> None:
    end = len(text) if end is None else end
    covered = set()
    previous_end = start
    for span_start, span_end in spans:
        assert previous_end <= span_start < span_end <= end
        assert not text[span_start].isspace() and not text[span_end - 1].isspace()
        covered.update(range(span_start, span_end))
        previous_end = span_end
    assert all(i in covered for i in range(start, end) if not text[i].isspace())


@given(persian_text)
@settings(max_examples=300, deadline=None)
def test_sentence_and_paragraph_spans_cover_the_text(text: str) -> None:
    _assert_covers(text, sentence_spans(text))
    paragraphs = paragraph_spans(text)
    _assert_covers(text, paragraphs)
    for start, end in paragraphs:
        _assert_covers(text, sentence_spans(text, start, end), start, end)


@given(persian_text, st.integers(min_value=1, max_value=80))
@settings(max_examples=300, deadline=None)
def test_clause_spans_cover_and_respect_max_chars(text: str, max_chars: int) -> None:
    pieces = clause_spans(text, 0, len(text), max_chars)
    _assert_covers(text, pieces)
    assert all(end - start <= max_chars for start, end in pieces)


def test_clause_spans_prefer_clause_boundaries() -> None:
    text = "بخش نخست جمله؛ بخش دوم، بخش سوم که ادامه دارد و باز هم ادامه دارد"
    pieces = [text[s:e] for s, e in clause_spans(text, 0, len(text), 40)]
    assert pieces[0] == "بخش نخست جمله؛"
    assert "".join(pieces).replace(" ", "") == text.replace(" ", "")


def test_alef_madda_folds_composed_or_not() -> None:
    assert normalize("قرآن") == normalize("قرا\u0653ن") == normalize("قران") == "قران"


@pytest.mark.parametrize("typed", [
    "آرامگاه حافظ کجاست?",        # a Latin question mark
    "آرامگاه حافظ کجاست ?",
    "😀 آرامگاه حافظ کجاست؟",      # an emoji
    "آرامگاه حافظ کجاست؟\x00",     # a control character
    "«آرامگاه حافظ کجاست؟»",       # quoted whole
    '"آرامگاه حافظ کجاست?"',
    "آرامگاه حافظ کجاست？",         # a fullwidth question mark
    "آرامگاه حافظ کجاست؟ ❤️",      # an emoji with its variation selector
])
def test_question_form_reads_what_is_typed_around_a_question_as_nothing(typed: str) -> None:
    from qa.text import question_form

    assert question_form(typed) == normalize("آرامگاه حافظ کجاست؟")


def test_question_form_keeps_quotes_inside_the_question() -> None:
    from qa.text import question_form

    assert question_form("«حافظ» کیست؟") == normalize("«حافظ» کیست؟")
    assert question_form("«حافظ» یا «سعدی»؟") == normalize("«حافظ» یا «سعدی»؟")


def test_ascii_digits_reads_persian_and_arabic_indic_digits_only() -> None:
    assert ascii_digits("۱۲۳ ٤٥٦ 789 سه") == "123 456 789 سه"
