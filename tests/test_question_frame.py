"""Openings that point at the document are not part of what is asked (qa/question_frame.py)."""

from pathlib import Path

import pytest

from qa import store
from qa.question_frame import about_the_asker, without_frame
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
    ("پایتخت کجاست؟ ممنون می‌شوم اگر جواب بدهید.", "پایتخت کجاست؟"),  # a sentence of thanks after it
    ("پایتخت کجاست؟ پیشاپیش سپاسگزارم!", "پایتخت کجاست؟"),
    ("درباره انتقال پایتخت توضیح بده", "انتقال پایتخت"),  # a task about something
    ("یه توضیح کوتاه در مورد انتقال پایتخت میدی؟", "انتقال پایتخت میدی؟"),
    ("سلام وقت بخیر. پایتخت کجاست؟", "پایتخت کجاست؟"),  # greetings
    ("سلام وقتتون بخیر، پایتخت کجاست؟", "پایتخت کجاست؟"),
    ("با سلام و احترام، پایتخت کجاست؟", "پایتخت کجاست؟"),
    ("با عرض سلام و خسته نباشید، پایتخت کجاست؟", "پایتخت کجاست؟"),
    ("میشه انتقال پایتخت رو توضیح بدی؟", "انتقال پایتخت رو؟"),  # a spoken request around a task
    ("می‌تونی اصول سیاست خارجی رو بگی؟", "اصول سیاست خارجی رو؟"),
    ("ممکن است دلیل انتقال را بگویید؟", "دلیل انتقال را؟"),
    ("1. پایتخت کجاست؟", "پایتخت کجاست؟"),  # an exam sheet's or a list's numbering
    ("۱) پایتخت کجاست؟", "پایتخت کجاست؟"),
    ("۲) ۵ تا از سیاره‌ها کدامند؟", "۵ تا از سیاره‌ها کدامند؟"),  # a numbered question that opens with a number
    ("الف) پایتخت کجاست؟", "پایتخت کجاست؟"),
    ("- پایتخت کجاست؟", "پایتخت کجاست؟"),
    ("سوال ۳: پایتخت کجاست؟", "پایتخت کجاست؟"),
    ("سؤال شماره ۲- پایتخت کجاست؟", "پایتخت کجاست؟"),
    ("سوال اول: پایتخت کجاست؟", "پایتخت کجاست؟"),
    ("Q: پایتخت کجاست؟", "پایتخت کجاست؟"),
    ("۴. لطفاً بگویید پایتخت کجاست؟", "پایتخت کجاست؟"),
    ("پایتخت کجاست؟ (۲ نمره)", "پایتخت کجاست؟"),  # and its marks
    ("پایتخت کجاست؟ [۱.۵ امتیاز]", "پایتخت کجاست؟"),
    ("پایتخت کجاست؟ (بارم: ۱)", "پایتخت کجاست؟"),
    ("پایتخت کجاست؟ (۲ نمره) ممنون", "پایتخت کجاست؟"),
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
    "در مورد احتراق در چه سالی منتشر شد؟",  # a book's name: «درباره» opens only a task
    "طبق نوشته‌ی چه کسی ایرانیان و اعراب دو گروه متخاصم بودند؟",  # whose writing is what is asked
    "طبق نوشتهٔ چه کسی ایرانیان و اعراب دو گروه متخاصم بودند؟",  # so written formally
    "میشه گفت پایتخت کجاست؟",  # «میشه» only before a task that ends the question
    "1917 چه سالی بود؟",  # a number with no mark after it is asked about
    "۲.۵ درصد جمعیت کجا زندگی می‌کنند؟",
    "۱۰ - ۱۵ درصد جمعیت کجا زندگی می‌کنند؟",  # a range
    "- ۵ درجه در کجا ثبت شد؟",
    "۳ نفر از اعضا چه کسانی بودند؟",
    "ب ها در الفبا چندم است؟",  # a letter with no «)» after it
    "د. محمد مصدق کیست؟",  # «د.» abbreviates «دکتر»
    "نمره (۲ نمره) یعنی چه؟",  # marks only at the end
])
def test_other_questions_are_kept(question: str) -> None:
    assert without_frame(normalize(question)) == normalize(question)


def test_a_framed_question_is_answered_as_the_plain_one(tiny_index: Path, fake_encoder) -> None:  # type: ignore[no-untyped-def]
    searcher = Searcher(store.load_current(tiny_index)[0], fake_encoder)
    framed, plain = searcher.search("طبق متن، کوه دماوند کجاست؟", top_k=3), searcher.search("کوه دماوند کجاست؟", top_k=3)
    assert [h.passage.id for h in framed.hits] == [h.passage.id for h in plain.hits]
    assert framed.confidence == pytest.approx(plain.confidence)


@pytest.mark.parametrize(("typed", "asker", "rest"), [
    ("من درباره قزاقستان تحقیق می‌کنم. چرا پایتختش عوض شد؟", "من درباره قزاقستان تحقیق می‌کنم.", "چرا پایتختش عوض شد؟"),
    ("سوالی درباره تهران دارم. جمعیت تهران چقدر است؟", "سوالی درباره تهران دارم.", "جمعیت تهران چقدر است؟"),
    ("راستش مدتی است که علاقه‌مند شده‌ام! کوه دماوند کجاست؟", "راستش مدتی است که علاقه‌مند شده‌ام!",
     "کوه دماوند کجاست؟"),
    ("این سوال برای تکلیف مدرسه‌ام است. کوه دماوند کجاست؟", "این سوال برای تکلیف مدرسه‌ام است.",
     "کوه دماوند کجاست؟"),  # «ام» after a silent «ه»: my school
    # a sentence that speaks of something else stays with the question
    ("پایتخت قزاقستان آلماتی بود. من نمی‌دانم. چرا عوضش کردند؟", "من نمی‌دانم.",
     "پایتخت قزاقستان آلماتی بود. چرا عوضش کردند؟"),
    ("من دانشجو هستم. این کیست؟ او کجا زاده شد؟", "من دانشجو هستم.", "این کیست؟ او کجا زاده شد؟"),
    ("من دانشجو هستم. پس از سال ۷۰۳ ه‍. ق، طاعون کی آمد؟", "من دانشجو هستم.", "پس از سال ۷۰۳ ه‍. ق، طاعون کی آمد؟"),
    ("به نظرم انتقال پایتخت مهم بود. چرا پایتختش عوض شد؟", "به نظرم انتقال پایتخت مهم بود.", "چرا پایتختش عوض شد؟"),
    ("دوستم می‌گفت عوض شده. چرا پایتختش عوض شد؟", "دوستم می‌گفت عوض شده.", "چرا پایتختش عوض شد؟"),
    # after the question, in the first person singular
    ("چرا پایتختش عوض شد؟ برای تحقیقم لازم دارم.", "برای تحقیقم لازم دارم.", "چرا پایتختش عوض شد؟"),
    ("کوه دماوند کجاست؟ من اطلاعی ندارم!", "من اطلاعی ندارم!", "کوه دماوند کجاست؟"),
    ("کوه دماوند کجاست؟ خیلی برایم مهم است.", "خیلی برایم مهم است.", "کوه دماوند کجاست؟"),
    ("وب‌سایت چیست؟ خیلی برایم مهم است.", "خیلی برایم مهم است.", "وب‌سایت چیست؟"),  # short, but asks alone
])
def test_sentences_about_the_asker_are_told_apart(typed: str, asker: str, rest: str) -> None:
    assert about_the_asker(normalize(typed)) == (normalize(asker), normalize(rest))


@pytest.mark.parametrize("typed", [
    "چرا پایتخت قزاقستان عوض شد؟",  # one sentence
    "برنامه‌نویس‌ها باید دیگران را آگاه کنند. آن‌ها این کار را چگونه انجام می‌دهند؟",  # not the asker
    "مردم شهر را ترک کردند. چرا این کار را کردند؟",  # «مردم» (people) is no «I died»
    "قرن هفتم آغاز شد. چرا این کار را کردند؟",  # «م» of an ordinal is no «my»
    "من این را خواندم. چرا؟",  # the question leans on what came before
    "این جمله از کیست؟ اگر خدا نبود باید آن را اختراع می‌کردیم",  # after the question: what is asked about
    "این جمله از کیست؟ ما آن را در کتاب خواندیم.",  # the plural, after it, stays
    "چرا من این را نمی‌دانم. پایتخت کجاست؟",  # the sentence before asks too
    "من دانشجو هستم. درباره قزاقستان",  # nothing asked
    "پس از سال ۷۰۳ ه‍. ق، چه سالی طاعون در لاهیجان کشتار کرد؟",  # «ه.» abbreviates
])
def test_other_sentences_are_part_of_the_question(typed: str) -> None:
    assert about_the_asker(normalize(typed)) is None


def test_what_the_asker_tells_is_left_out_but_the_document_it_names(tiny_index: Path, fake_encoder) -> None:  # type: ignore[no-untyped-def]
    searcher = Searcher(store.load_current(tiny_index)[0], fake_encoder)
    told = searcher.search("من درباره تهران تحقیق می‌کنم. جمعیت تهران چقدر بود؟", top_k=3)
    plain = searcher.search("جمعیت تهران چقدر بود؟", top_k=3)
    assert [h.passage.id for h in told.hits] == [h.passage.id for h in plain.hits]
    assert told.confidence == pytest.approx(plain.confidence)
    assert told.read_as == normalize("جمعیت تهران چقدر بود؟")
    # Where the question names no document, the document the asker names is kept (a title's word).
    anaphoric = searcher.search("من درباره شیراز تحقیق می‌کنم. آرامگاه حافظ کجاست؟", top_k=3)
    assert anaphoric.read_as == normalize("شیراز آرامگاه حافظ کجاست؟")
