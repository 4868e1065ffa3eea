"""Spoken Persian questions read in written form (qa/colloquial.py)."""


import pytest

from qa.colloquial import written_form
from qa.lexical import analyze, fold
from qa.search import Searcher
from qa.text import normalize


class Corpus:
    """A corpus vocabulary of a few words, indexed as the analyzer indexes them."""

    def __init__(self, text: str) -> None:
        self.tokens = set(analyze(normalize(text)))

    def knows(self, word: str) -> bool:
        found = analyze(word)
        return bool(found) and all(token in self.tokens for token in found)

    def has_token(self, token: str) -> bool:
        return token in self.tokens

    def together(self, first: str, second: str) -> bool:  # one passage: every word is in it
        return self.knows(first) and self.knows(second)


CORPUS = Corpus("قزاقستان آستانه تهران خانه کشور مهندس گردشگر می‌کند می‌کنند می‌خواند می‌توانست همسایه آلمانی یوکو اونو"
                " شرکت شرکت‌ها درخت درخت‌هایی بسازند")


@pytest.mark.parametrize(("spoken", "written"), [
    # the fixed table: question words, pronouns, particles, frequent verbs
    ("اسم رئیس جمهورش چیه؟", "اسم رئیس جمهورش چیست؟"),
    ("تو کدوم کشوره؟", "در کدام کشور است؟"),
    ("جمعیت تهرون چقدره", "جمعیت تهران چقدر است"),
    ("کیا اونجا زندگی میکنن؟", "چه کسانی انجا زندگی میکنند؟"),
    ("چجوری میشه رفت", "چگونه میشود رفت"),
    ("رابطه روسیه و قزاقستان چطوریه؟", "رابطه روسیه و قزاقستان چگونه است؟"),
    ("شاهنامه رو کی سروده؟", "شاهنامه را کی سروده؟"),
    # rules, only into words the corpus or the lexicon has as they are
    ("چرا پایتخت قزاقستانو عوض کردن؟", "چرا پایتخت قزاقستان را عوض کردن؟"),
    ("کتابارو کی نوشته", "کتابها را کی نوشته"),
    ("خونه‌رو کی ساخت", "خانه را کی ساخت"),
    ("گردشگرا چی میخوان", "گردشگرها چی میخواهند"),
    ("مهندسا چیکار میکنن", "مهندسها چه کاری میکنند"),
    ("آلمانیا کجا بودن", "المانیها کجا بودن"),
    ("گردشگرایی که میان", "گردشگرهایی که میان"),
    ("هرچی ساختن", "هر چه ساختن"),
    ("دوره جوونیش", "دوره جوانیش"),  # «ون» for «ان» into a word the lexicon has in some form
    ("با کدوم شهر همسایه‌س", "با کدام شهر همسایه است"),
    ("کتابو کی میخونه", "کتاب را کی می‌خواند"),  # a verb, never the noun «میخانه»
    ("چرا میتونست", "چرا می‌توانست"),
    ("اسم خونه‌شون چیه", "اسم خانه‌شان چیست"),
    ("مهندسا خودشونو چی میدونن", "مهندس‌ها خودشان را چی می‌دانند"),
    # a spoken word hazm's word list holds is read anew with its endings
    ("زبونای رومی", "زبان‌های رومی"),
    # a spoken plural after «ت», a spoken subjunctive with «ب» where hazm lists the written verb
    ("کدوم شرکتا پول دادن", "کدام شرکت‌ها پول دادن"),
    ("کنار رود چه درختایی هست", "کنار رود چه درخت‌هایی هست"),
    ("قدرتو چطور باید دست بگیره؟", "قدرت را چطور باید دست بگیرد؟"),
    ("نشونه‌ها چیه؟", "نشانه‌ها چیست؟"),  # «ن» opens no subjunctive here: not «نشوند»
    ("کی باید اینو بسازن", "کی باید این را بسازند"),
    ("هر تیم شیش تا بازیکن داره", "هر تیم شش تا بازیکن دارد"),  # a number as said
    # «مرد» ending a question after «کی», «چگونه», a cause: died, as documents write it
    ("جان لنون چجوری مرد؟", "جان لنون چگونه درگذشت؟"),
    ("حافظ کی مرد", "حافظ کی درگذشت"),
    ("برادرش از چه بیماری مرد؟", "برادرش از چه بیماری درگذشت؟"),
    ("سربازها کجا مردند؟", "سربازها کجا درگذشتند؟"),
])
def test_spoken_words_are_read_in_written_form(spoken: str, written: str) -> None:
    assert written_form(normalize(spoken), CORPUS) == normalize(written)


@pytest.mark.parametrize("question", [
    "جمعیت شهر تهران در سال ۱۳۹۵ چقدر بوده است؟",
    "قیمت نفت چرا رو به کاهش گذاشت؟",  # «رو به» is written Persian
    "کاخ رو به رو چه نام دارد؟",  # so is «رو» after «به»: no object marker follows a preposition
    "شوالیه‌ها از چه زمانی به خانه‌های حومه رو آوردند؟",
    "چه کسی این کتاب را منتشر کرده است؟",  # a past participle is not a spoken copula
    "حقوق سالانه او نسبتاً چقدر بود؟",
    "آلبوم «اون نگاه گرم تو» از کیست؟",  # a quoted title is kept as typed
    "یوکو اونو کجا به دنیا آمد؟",  # a spoken form the corpus has is a name there
    "چرکسی‌ها به کجا کوچ کردند؟",  # written plurals of unknown words are not spoken plurals
    "ساختن آن چند سال طول کشید؟",
    "نقشه حمله را چه کسی کشید؟",  # «نقشه» is no «نقش است», though this corpus lacks it
    "او رسماً چه سمتی داشت؟",  # nor «رسماً» a plural of «رسم»
    "شرکت نسبتاً کوچکی بود؟",  # nor an adverb that lost its tanwin a plural, after «ت» too
    "این مرد کیست؟",  # «مرد» (man) elsewhere
    "بهترین بازیگر مرد کیست؟",
    "کدام مرد؟",
])
def test_written_questions_are_left_as_they_are(question: str) -> None:
    assert written_form(normalize(question), CORPUS) == normalize(question)


def test_unknown_words_only_become_words_that_exist() -> None:
    nothing = Corpus("")
    # «میکند» is no lexicon word (hazm's list has no conjugated verbs) and this corpus lacks it
    assert written_form("میکنه", nothing) == "میکنه"
    assert written_form("میکنه", CORPUS) == "میکند"
    assert written_form("زیپیلو", CORPUS) == "زیپیلو"
    assert fold(written_form("تهرونو", CORPUS)) == "تهران را"


@pytest.mark.parametrize(("spoken", "written"), [
    ("جمعیت تهرون تو سال ۱۳۹۵ چقدر بوده؟", "جمعیت تهران در سال ۱۳۹۵ چقدر بوده؟"),
    ("آرامگاه حافظو کجا میشه دید؟", "آرامگاه حافظ را کجا می‌شود دید؟"),
    ("زاینده‌رود از وسط کدوم شهر رد میشه", "زاینده‌رود از وسط کدام شهر رد می‌شود"),
])
def test_a_spoken_question_is_answered_as_the_written_one(searcher: Searcher, spoken: str,
                                                          written: str) -> None:
    said, wrote = searcher.search(spoken, top_k=3), searcher.search(written, top_k=3)
    assert [h.passage.id for h in said.hits] == [h.passage.id for h in wrote.hits]
    assert [h.score for h in said.hits] == pytest.approx([h.score for h in wrote.hits])
    assert said.confidence == pytest.approx(wrote.confidence)
    assert said.question == spoken  # answers echo the question as asked
