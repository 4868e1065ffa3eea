"""Misspelled question words read as the corpus spells them (qa/misspelling.py)."""


import pytest

from qa.lexical import analyze
from qa.misspelling import (
    NEIGHBOUR_KEYS,
    corpus_spelling,
    glued_words,
    respelled,
    respellings,
    slips,
)
from qa.search import Searcher
from qa.text import normalize


class Corpus:
    """A few passages' words, with their document frequencies (the vocabulary `qa.lexical`,
    `qa.latin_names` and `qa.keyboard_layout` read)."""

    def __init__(self, *passages: str) -> None:
        self.frequency: dict[str, int] = {}
        self.passages = [set(analyze(normalize(passage))) for passage in passages]
        self.written: set[str] = set()  # the words as passages write them, as an index keeps cut ones
        for passage in passages:
            self.written.update(normalize(passage).split())
            for token in set(analyze(normalize(passage))):
                self.frequency[token] = self.frequency.get(token, 0) + 1

    def words(self) -> list[str]:
        return list(self.frequency) + sorted(self.written - set(self.frequency))

    def knows(self, word: str) -> bool:
        return self.document_frequency(word) > 0

    def document_frequency(self, word: str) -> int:
        found = analyze(word)
        return min((self.frequency.get(t, 0) for t in found), default=0)

    def has_token(self, token: str) -> bool:
        return token in self.frequency

    def together(self, first: str, second: str) -> bool:
        wanted = set(analyze(first) + analyze(second))
        return any(wanted <= passage for passage in self.passages)


CORPUS = Corpus("ذخیره آب سد", "اصطلاح علمی", "ظل‌السلطان حاکم اصفهان", "سفر و صفر", "سفر دریایی")


def test_respellings_change_one_letter_for_another_of_the_same_sound() -> None:
    assert set(respellings("سد")) == {"صد", "ثد"}
    assert "ذخیره" in set(respellings("زخیره"))
    assert all(sum(a != b for a, b in zip(v, "اصطلاح", strict=True)) == 1 for v in respellings("اصطلاح"))


@pytest.mark.parametrize(("typed", "read"), [
    ("زخیره آب کجاست؟", "ذخیره آب کجاست؟"),
    ("این اصتلاح یعنی چه", "این اصطلاح یعنی چه"),
    ("ضل‌السلطان کیست", "ظل‌السلطان کیست"),
])
def test_a_word_nobody_knows_is_read_as_the_corpus_spells_it(typed: str, read: str) -> None:
    assert respelled(normalize(typed), CORPUS) == normalize(read)


@pytest.mark.parametrize(("typed", "corpus_word"), [("مساله", "مسئله"), ("هیأت", "هیئت"), ("مسؤول", "مسئول")])
def test_a_hamza_seated_otherwise_is_read_as_the_corpus_seats_it(typed: str, corpus_word: str) -> None:
    corpus = Corpus(f"{corpus_word} اصلی", "سفر دریایی")
    assert analyze(respelled(normalize(f"{typed} اصلی چیست"), corpus)) == analyze(normalize(f"{corpus_word} اصلی"))


def test_known_words_quotes_and_short_words_are_kept() -> None:
    # «صد» is a word (hundred): kept, though the corpus only has «سد»
    assert respelled("صد سال", CORPUS) == "صد سال"
    assert respelled("«زخیره» کجاست", CORPUS) == "«زخیره» کجاست"
    assert respelled("ثد", CORPUS) == "ثد"  # too short to guess
    assert respelled("زیپیلو", CORPUS) == "زیپیلو"  # no sound-alike spelling in the corpus


def test_the_spelling_in_most_passages_wins() -> None:
    assert corpus_spelling("ثفر", CORPUS) == "سفر"  # «سفر» is in two passages, «صفر» in one


SLIPS = Corpus("فلسفه یونان", "مجموع جمعیت", "معاون وزیر", "تیمور لنگ", "کتاب فلسفه", "ارسال نامه در سال",
               "درخت کهن", "می‌ریزد", "ویگن خواننده", "سپاه از شهر رفتند")


def test_neighbouring_keys_are_those_of_the_persian_keyboard() -> None:
    assert set(NEIGHBOUR_KEYS["م"]) >= {"ن", "ک"} and "ا" not in NEIGHBOUR_KEYS["م"]
    assert all(letter in NEIGHBOUR_KEYS[other] for letter, others in NEIGHBOUR_KEYS.items() for other in others)


def test_slips_try_a_doubled_letter_first_and_keep_a_short_word_s_first_letter() -> None:
    assert min(slips("تیممور")) == (0, "تیمور", 3)
    assert all(candidate[0] == "ب" for _, candidate, _ in slips("بزرک"))
    assert "تغییری" in {candidate for _, candidate, _ in slips("نغییری")}  # 5 letters or more: the first too
    assert "فلسفه" in {candidate for _, candidate, _ in slips("غلسفه")}
    assert {rank for rank, _, _ in slips("معون")} == {2}  # a 4-letter word: only a left-out letter


@pytest.mark.parametrize(("typed", "read"), [
    ("تاریخ فسلفه", "تاریخ فلسفه"),  # two letters swapped
    ("معون وزیر کیست", "معاون وزیر کیست"),  # a letter left out
    ("مجنوع جمعیت چقدر است", "مجموع جمعیت چقدر است"),  # the key next to «م»
    ("تیممور کیست", "تیمور کیست"),  # a letter typed twice
    ("چرا از شهر رففتند", "چرا از شهر رفتند"),  # in a verb form hazm lists none of: read as one it lists
])
def test_a_slip_of_the_hand_is_read_as_the_corpus_spells_the_word(typed: str, read: str) -> None:
    assert respelled(normalize(typed), SLIPS) == normalize(read)


@pytest.mark.parametrize("typed", [
    "رسال نامه",  # the first letter of a 4-letter word is taken as typed: not «ارسال»
    "اب میریزند",  # a verb form (hazm lists none): not read as «می‌ریزد»
    "درختایی",  # the change would be in the ending: no user meant «درختیی»
    "وینگ",  # a 4-letter word is only given back a left-out letter, not swapped into «ویگن»
])
def test_what_is_no_slip_is_kept(typed: str) -> None:
    assert respelled(normalize(typed), SLIPS) == normalize(typed)


def test_a_word_read_whole_comes_before_a_likelier_slip_read_only_by_its_ending() -> None:
    corpus = Corpus("نخستین پادشاه", "نسخه خطی کتاب")
    # Swapping «خ» and «س» (a likelier slip than the neighbouring key) gives «نسخهین», which the
    # analyzer reads as «نسخه» by cutting «ین» off: no one writes it.
    assert respelled(normalize("نخسهین پادشاه"), corpus) == normalize("نخستین پادشاه")


def test_of_several_slips_the_word_in_most_passages_wins() -> None:
    # «مرسوان» is «مروان» with a letter typed in and «مریوان» with «س» for its neighbour «ی»: the
    # likelier kind of slip used to win; the word more passages hold is likelier what was meant.
    corpus = Corpus("شهر مریوان", "دریاچه مریوان", "جمعیت مریوان", "مروان حکم")
    assert respelled(normalize("جمعیت مرسوان"), corpus) == normalize("جمعیت مریوان")
    # where both are as frequent, the likelier slip decides
    assert respelled(normalize("جمعیت مرسوان"), Corpus("شهر مریوان", "مروان حکم")) == normalize("جمعیت مروان")


def test_a_doubled_letter_is_read_off_a_word_of_three_letters_too() -> None:
    corpus = Corpus("نقش برجسته", "نقشه شهر")
    assert respelled(normalize("نققشی برجسته"), corpus) == normalize("نقشی برجسته")
    assert respelled(normalize("نقشی برجسته"), corpus) == normalize("نقشی برجسته")


def test_slips_are_looked_for_in_the_first_eight_unknown_words_only() -> None:
    noise = " ".join(["زیپیلو"] * 8)
    assert respelled(f"{noise} فسلفه", SLIPS) == f"{noise} فسلفه"
    assert respelled(f"{noise[:-7]} فسلفه", SLIPS) == f"{noise[:-7]} فلسفه"


GLUED = Corpus("بنیتو موسولینی رهبر ایتالیا", "سال ۱۳۵۷ انقلاب", "ارسال نامه", "چند نفر از برندگان", "شهر استان تهران",
               "کارگردانی فیلم", "کار سخت گردنی بلند", "هوا سرد", "دان بازیگر", "سیم برق")


@pytest.mark.parametrize(("typed", "read"), [
    ("درسال ۱۳۵۷", "در سال ۱۳۵۷"),  # a function word run into the next word (not the slip «ارسال»)
    ("چند نفراز برندگان", "چند نفر از برندگان"),  # ... or the word before
    ("بنیتوموسولینی کیست", "بنیتو موسولینی کیست"),  # two words one passage says, after «و»
    ("شهراستان", "شهر استان"),  # «ان» and «و» end too many words to be read off one
    ("چراسیم برق", "چرا سیم برق"),  # a question word ending in a letter that does not join
])
def test_words_run_together_are_read_apart(typed: str, read: str) -> None:
    assert respelled(normalize(typed), GLUED) == normalize(read)


def test_words_no_passage_says_together_are_not_read_apart() -> None:
    assert glued_words("هوادان", GLUED) is None  # «هوا», «دان»: in no passage together
    assert glued_words("بنیتوایتالیا", GLUED) == "بنیتو ایتالیا"
    assert glued_words("هاوارد", Corpus("وارد شد")) is None  # a name: «ها» never opens a phrase
    assert glued_words("چندلایه", Corpus("لایه")) is None  # a compound adjective, not «how many»


def test_a_one_letter_slip_comes_before_two_content_words() -> None:
    assert glued_words("کارگردنی", GLUED) == "کار گردنی"  # both words are in the corpus ...
    assert respelled("کارگردنی", GLUED) == "کارگردانی"  # ... but a left-out letter explains it


def test_a_function_word_run_into_a_word_is_read_apart_even_where_a_passage_glues_it_too() -> None:
    # passages index «درسال» with «سال» as well (the analyzer), so the question reads «در سال»
    assert respelled("درسال ۱۳۵۷", Corpus("درسال ۱۳۵۷ انقلاب")) == "در سال ۱۳۵۷"
    assert respelled("درمان", Corpus("درمان")) == "درمان"  # a word of its own


def test_a_verb_form_is_not_two_words() -> None:
    assert respelled("برسیم", GLUED) == "برسیم"  # not «بر سیم»


def test_a_misspelled_question_is_answered_as_the_right_one(searcher: Searcher) -> None:
    typed, right = searcher.search("آرامگاه هافظ کجاست؟", top_k=3), searcher.search("آرامگاه حافظ کجاست؟", top_k=3)
    assert [h.passage.id for h in typed.hits] == [h.passage.id for h in right.hits]
    assert typed.confidence == pytest.approx(right.confidence)


def test_a_mistyped_question_is_answered_as_the_right_one(searcher: Searcher) -> None:
    typed, right = searcher.search("کوه دماوتد کجاست؟", top_k=3), searcher.search("کوه دماوند کجاست؟", top_k=3)
    assert searcher.question_text("کوه دماوتد کجاست؟") == searcher.question_text("کوه دماوند کجاست؟")
    assert [h.passage.id for h in typed.hits] == [h.passage.id for h in right.hits]
    assert typed.confidence == pytest.approx(right.confidence)
