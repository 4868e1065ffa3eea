"""Which questions ask for a date or a number, and which sentences hold one."""

import pytest

from qa.answer_type import _MONTHS, _NUMBER_WORDS, QUANTITY, TIME, asked_kind, holds_kind
from qa.lexical import analyze
from qa.text import normalize


@pytest.mark.parametrize(("question", "kind"), [
    ("هیتلر در چه سالی به دنیا آمد؟", TIME),
    ("حافظ کی درگذشت؟", TIME),
    ("کی", TIME),
    ("قسطنطنیه در چه تاریخی فتح شد", TIME),
    ("این بنا در کدام قرن ساخته شد؟", TIME),
    ("جنگ چه زمانی آغاز شد", TIME),
    ("تهران چند نفر جمعیت دارد؟", QUANTITY),
    ("ارتفاع دماوند چقدر است", QUANTITY),
    ("چه تعداد بازیکن در زمین هستند؟", QUANTITY),
    ("اصفهان چندمین شهر بزرگ ایران است؟", QUANTITY),
    ("جنگ چه مدت طول کشید؟", QUANTITY),  # what is measured names the amount asked for
    ("او در چه سنی درگذشت؟", QUANTITY),
    ("قطار با چه سرعتی حرکت می‌کند؟", QUANTITY),
    ("جلسه چه ساعتی شروع شد؟", TIME),
    ("موسولینی کیست؟", None),
    ("چه کسی جایزه را برد؟", None),
    ("آرامگاه حافظ کجاست؟", None),
    ("چرا پایتخت منتقل شد؟", None),
    ("کیلومتر مربع", None),
    ("چندگانگی فرهنگی چیست", None),
])
def test_the_kind_a_question_asks_for(question: str, kind: str | None) -> None:
    assert asked_kind(normalize(question)) == kind


@pytest.mark.parametrize(("kind", "sentence", "holds"), [
    (TIME, "او در سال ۱۸۸۹ به دنیا آمد.", True),
    (TIME, "در 1979 ثبت شد.", True),
    (TIME, "در آبان همان سال درگذشت.", True),
    (TIME, "در ماه ژوئیه بازگشت.", True),
    (TIME, "او در وین به دنیا آمد.", False),
    (QUANTITY, "سه نفر کشته شدند.", True),
    (QUANTITY, "۱۵ بازیکن در زمین هستند.", True),
    (QUANTITY, "بازیکنان زیادی در زمین هستند.", False),
    # A year is a date, not an amount; a span of years or a height in metres is one.
    (QUANTITY, "ناوگان عثمانی در نبرد لپانتو در سال ۱۵۷۱ شکست خورد.", False),
    (QUANTITY, "ماجراجویی نظامی وی در ۱۹۱۷ به پایان رسید.", False),
    (QUANTITY, "این قانون در ۱۳۵۷ شمسی تصویب شد.", False),
    (QUANTITY, "در سال‌های ۹۰ دوباره ساخته شد.", False),
    (QUANTITY, "در ۱۹۱۷ حدود ۴۰ ترکش در بدنش ماند.", True),
    (QUANTITY, "این روابط در طول ۸۰ سال ایجاد شده است.", True),
    (QUANTITY, "کوه ۱۶۰۰ متر ارتفاع دارد.", True),
    (TIME, "در سال ۱۵۷۱ شکست خورد.", True),
    (None, "در سال ۱۸۸۹.", False),
])
def test_whether_a_sentence_holds_it(kind: str | None, sentence: str, holds: bool) -> None:
    assert holds_kind(kind, sentence, frozenset(analyze(normalize(sentence)))) is holds


def test_the_word_lists_are_written_as_the_analyzer_writes_them() -> None:
    assert [w for w in sorted(_MONTHS | _NUMBER_WORDS) if analyze(normalize(w)) != [w]] == []
