"""Openings that point at the document are not part of what is asked (qa/question_frame.py)."""

from pathlib import Path

import pytest

from qa import store
from qa.question_frame import without_frame
from qa.search import Searcher
from qa.text import normalize


@pytest.mark.parametrize(("framed", "asked"), [
    ("طبق متن، چرا پایتخت منتقل شد؟", "چرا پایتخت منتقل شد؟"),
    ("بر اساس این مقاله، چرا پایتخت منتقل شد؟", "چرا پایتخت منتقل شد؟"),
    ("به گفته‌ی نویسنده چرا پایتخت منتقل شد؟", "چرا پایتخت منتقل شد؟"),  # no comma: a question word follows
    ("با توجه به متن بالا: چه کسی رئیس بود؟", "چه کسی رئیس بود؟"),
    ("در این سند آمده است که پایتخت کجاست؟", "پایتخت کجاست؟"),
    ("در متن گفته شده که جمعیت چقدر است؟", "جمعیت چقدر است؟"),
    ("از نظر نویسنده، دلیل اصلی چیست؟", "دلیل اصلی چیست؟"),
    ("به گفته نویسنده نام پایتخت چیست؟", "نام پایتخت چیست؟"),  # after the author no comma is needed
    ("لطفاً بگویید چرا پایتخت منتقل شد؟", "چرا پایتخت منتقل شد؟"),
    ("می‌خواستم بدانم که پایتخت کجاست؟", "پایتخت کجاست؟"),
    ("میشه بگی پایتخت کجاست", "پایتخت کجاست"),
    ("می‌توانید توضیح دهید که چرا پایتخت منتقل شد؟", "چرا پایتخت منتقل شد؟"),
    ("سلام، لطفا بگو طبق متن، چرا پایتخت منتقل شد؟", "چرا پایتخت منتقل شد؟"),  # one opening after another
    ("شهرهای استان بردسکن را نام ببرید؟", "شهرهای استان بردسکن را؟"),  # a question put as a task
    ("دلایل انتقال پایتخت را توضیح دهید.", "دلایل انتقال پایتخت را."),
    ("نظربایف را معرفی کنید", "نظربایف را"),
    ("سوال: پایتخت کجاست؟", "پایتخت کجاست؟"),
    ("یه سوال داشتم، پایتخت کجاست؟ ممنون", "پایتخت کجاست"),  # thanks after it, with the mark before them
    ("پایتخت کجاست؟ با تشکر.", "پایتخت کجاست"),
])
def test_an_opening_that_points_at_the_document_is_left_out(framed: str, asked: str) -> None:
    assert without_frame(normalize(framed)) == normalize(asked)


@pytest.mark.parametrize("question", [
    "طبق گزارش سازمان ملل چند نفر کشته شدند؟",  # the report is what is asked about
    "در سند ۲۰۳۰ چه آمده؟",  # a document's name
    "در کتاب شاهنامه چه آمده است؟",
    "طبق قانون اساسی چه کسی رئیس است؟",
    "به نظر شما چرا؟",
    "متن سخنرانی را چه کسی نوشت؟",  # not an opening
    "طبق متن،",  # nothing would be left
    "لطفاً بگویید",
    "سلامت روان چیست؟",  # words that begin like an opening
    "لطفعلی‌خان زند کیست؟",
    "بگومگوی دو وزیر بر سر چه بود؟",
    "نام ببرید",
    "ممنون",
    "سوال اصلی نظریه چیست؟",  # «سوال» only as a label before a colon
    "مرسی چه کسی بود؟",  # thanks only after a question
    "رئیس جمهور مصر پس از مرسی",  # and its mark: here «مرسی» is a name
    "کتاب «بنویس» از کیست؟",
    "چرا طبق متن پایتخت منتقل شد؟",  # only an opening is taken
    "طبق نوشته‌ی چه کسی ایرانیان و اعراب دو گروه متخاصم بودند؟",  # whose writing is what is asked
    "طبق نوشتهٔ چه کسی ایرانیان و اعراب دو گروه متخاصم بودند؟",  # so written formally
])
def test_other_questions_are_kept(question: str) -> None:
    assert without_frame(normalize(question)) == normalize(question)


def test_a_framed_question_is_answered_as_the_plain_one(tiny_index: Path, fake_encoder) -> None:  # type: ignore[no-untyped-def]
    searcher = Searcher(store.load_current(tiny_index)[0], fake_encoder)
    framed, plain = searcher.search("طبق متن، کوه دماوند کجاست؟", top_k=3), searcher.search("کوه دماوند کجاست؟", top_k=3)
    assert [h.passage.id for h in framed.hits] == [h.passage.id for h in plain.hits]
    assert framed.confidence == pytest.approx(plain.confidence)
