"""What kind of answer a question asks for, and whether a sentence can hold one.

A question that asks when («چه سالی», «کی», «در چه تاریخی») is answered by a sentence with a
date, one that asks how many or how much («چند», «چه تعداد») by a sentence with a number. Of the
sentences that share the question's words about equally, the one holding such a value is most
often the answer, so the evidence choice leans towards it (`qa.evidence`). Only these two kinds:
who, where and what have no mark a sentence can be checked for without a tagger.
"""

from __future__ import annotations

import re

TIME = "time"
QUANTITY = "quantity"

# On normalized questions (ZWNJ gone, «آ» written «ا», ASCII digits).
_TIME_QUESTION = re.compile(
    r"(چه|کدام) (سال|زمان|تاریخ|قرن|ماه|روز|دوره|دهه|ساعت)|(^| )کی( |$|؟)|چه وقت|چه هنگام"
)
# Amounts asked by what is measured, too: how long, at what age, how deep, far, fast, heavy ...
_QUANTITY_QUESTION = re.compile(
    r"(^| )(چند|چقدر|چندمین|چندم)( |$|؟)|چه (تعداد|میزان|مقدار|اندازه)"
    r"|چه (مدت|سن|عمق|فاصله|سرعت|وزن|ارتفاع|طول|مساحت|قیمت|درصد|جمعیت)"
)
_DIGIT = re.compile(r"\d")  # any script's digits: sentences are read in their original text
# A year is a date, not an amount: «سال ۱۵۷۱», «در ۱۹۱۷», «۱۳۵۷ شمسی» do not answer "how many"
# (but «۸۰ سال» and «۱۶۰۰ متر» do).
_YEAR = re.compile(
    r"(سال|سال‌های|سالهای|در)\s*\d{4}(?!\d)"
    r"|(سال|سال‌های|سالهای)\s*\d{1,3}(?!\d)"
    r"|\d{4}(?!\d)\s*(میلادی|شمسی|خورشیدی|هجری|قمری)"
)
# As the analyzer writes them («آ» as «ا», «ئ» as «ی»): Gregorian, Persian and lunar months.
_MONTHS = frozenset([
    "ژانویه", "فوریه", "مارس", "اوریل", "اپریل", "مه", "ژوین", "ژوییه", "جولای", "اوت",
    "اگوست", "سپتامبر", "اکتبر", "نوامبر", "دسامبر", "فروردین", "اردیبهشت", "خرداد", "تیر",
    "مرداد", "امرداد", "شهریور", "مهر", "ابان", "اذر", "دی", "بهمن", "اسفند", "محرم", "صفر",
    "رمضان", "شوال"
])  # fmt: skip
_NUMBER_WORDS = frozenset([
    "یک", "دو", "سه", "چهار", "پنج", "شش", "هفت", "هشت", "نه", "ده", "یازده", "دوازده", "بیست",
    "سی", "چهل", "پنجاه", "صد", "هزار", "میلیون", "میلیارد", "نیم"
])  # fmt: skip


def asked_kind(normalized_question: str) -> str | None:
    """TIME, QUANTITY, or None for a question that asks for neither."""
    if _TIME_QUESTION.search(normalized_question):
        return TIME
    if _QUANTITY_QUESTION.search(normalized_question):
        return QUANTITY
    return None


def holds_kind(kind: str | None, text: str, words: frozenset[str]) -> bool:
    """Whether a sentence (`text` as written, `words` its analyzed tokens) holds a value of
    `kind`: a date is a number or a month's name, a quantity a number in digits or words."""
    if kind is None:
        return False
    if _DIGIT.search(_YEAR.sub(" ", text) if kind == QUANTITY else text):
        return True
    return bool(words & (_MONTHS if kind == TIME else _NUMBER_WORDS))
