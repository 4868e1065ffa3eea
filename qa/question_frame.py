"""Words around a question that are not part of what is asked: openings pointing at the
document, requests and greetings, an exam sheet's numbering and marks, thanks, and the
instruction that ends a question put as a task.

People who ask questions of a document they hold often open with where the answer should be:
«طبق متن، چرا ...؟», «بر اساس این مقاله، ...», «به گفته نویسنده چه ...؟», «در این سند آمده که
...», or ask politely: «لطفاً بگویید ...», «می‌خواستم بدانم ...», «میشه بگی ...». The passages
rarely say «متن», «مقاله» or «بگویید», so these words only lower the share of the question a
passage holds, and with it the service's confidence that it found an answer (the Astana
question: 0.82 asked plainly, 0.54 after «طبق متن،»). `without_frame` removes such openings. A
pointer at the document is only taken for one when it plainly is: a pointer word («طبق», «بر
اساس», «به گفته» ...) and a word for the document, closed by a comma or followed by a question
word (after «نویسنده», the author, by anything); «طبق گزارش سازمان ملل چند نفر ...» keeps its
words (the report is what is asked about). A question put as a task loses its closing
instruction: «شهرهای استان را نام ببرید» asks for «شهرهای استان را».

Users also tell something before they ask: «من درباره قزاقستان تحقیق می‌کنم. چرا پایتختش عوض
شد؟». Such a sentence says who asks or why, in words no passage holds; read with the question, it
lowered the train-side user-worded questions' MRR@10 by 0.04 and had the service say "no answer"
to three answerable questions in four. `about_the_asker` tells such sentences (in the first
person) apart from the question, for the searcher to keep only what they name of the documents
(`Searcher.question_text`); a sentence before the question that speaks of something else is
part of what is asked.
"""

from __future__ import annotations

import re

from qa.lexical import QUESTION_WORDS, analyze, is_lexicon_word, is_verb_form
from qa.text import alternation, tokens

# In the normalized spelling (qa.text.normalize: no ZWNJ, «آ» as «ا»).
_POINTERS = ("طبق", "بر اساس", "براساس", "بر پایه", "برپایه", "بنا بر", "بنابر", "به گفته", "به گفتهی",
             "به نوشته", "به نوشتهی", "مطابق", "مطابق با", "با توجه به", "از نظر", "به نظر", "به روایت",
             "به استناد")
_DOCUMENT_WORDS = ("متن", "متون", "مقاله", "سند", "اسناد", "نوشته", "گزارش", "منبع", "منابع", "مطلب", "مطالب",
                   "نویسنده", "نگارنده", "پاراگراف", "کتاب", "فصل", "بخش", "دانشنامه")
_AUTHORS = ("نویسنده", "نگارنده", "نویسندگان")
_WHERE = ("بالا", "زیر", "حاضر", "مذکور", "موجود")
_SAID = ("امده", "گفته شده", "گفتهشده", "ذکر شده", "ذکرشده", "نوشته شده", "نوشتهشده", "اشاره شده", "اشارهشده")
# Requests and greetings, as typed in writing or speech («بگویید», «بگی»), each optionally
# followed by «که» and a comma.
_TELL = ("بگویید", "بگوئید", "بگو", "بگید", "بگی", "بفرمایید", "توضیح دهید", "توضیح بدهید", "توضیح بده",
         "توضیح بدید", "توضیح بدی", "شرح دهید", "بنویسید", "بنویس")
_ASKING = ("میخواستم بدانم", "میخواهم بدانم", "مایلم بدانم", "میخوام بدونم", "میخواستم بدونم",
           *(f"{can} {tell}" for can in ("میشود", "میشه", "میتوانید", "میتونید", "میتونی", "ممکن است", "ممکنه")
             for tell in _TELL), *_TELL)
_COURTESY = ("لطفا", "لطفاً", "خواهشا", "خواهشمندم", "سلام", "ببخشید", "بی زحمت", "بیزحمت", "یک سوال داشتم",
             "یه سوال داشتم", "سوالی داشتم", "با سلام", "سلام و احترام", "با سلام و احترام", "با عرض سلام",
             "با عرض سلام و احترام", "با عرض ادب", "عرض ادب", "با درود", "سلام علیکم", "خسته نباشید",
             *(f"{when} {good}" for when in ("وقت", "وقتتون", "وقتتان", "وقت شما", "روز", "صبح", "عصر", "شب")
               for good in ("بخیر", "به خیر")))
_ABOUT = ("درباره", "در باره", "در مورد", "راجع به", "راجب")
_BRIEF = ("کوتاه", "مختصر", "کامل", "کلی")
_LABELS = ("سوال", "سوالم", "پرسش", "پرسشم")  # «سوال: ...», only before a colon
# How exam sheets and lists number their questions (before the opening they number).
_ITEM_NUMBER = r"\d{1,3}"
_ITEM_LETTER = r"(?:الف|ب|پ|ت|ج|د|ه)"
_ORDINALS = ("اول", "دوم", "سوم", "چهارم", "پنجم", "ششم", "هفتم", "هشتم", "نهم", "دهم")
_THANKS = ("ممنون", "ممنونم", "مرسی", "متشکرم", "با تشکر", "با سپاس", "سپاس", "سپاسگزارم", "تشکر")
_QUESTION_WORDS = ("چرا", "چه", "چگونه", "کی", "کجا", "کدام", "چند", "ایا", "چطور", "به چه", "از چه", "در چه")



_WHERE_IT_IS = rf"(?:\s+(?:{alternation(_WHERE)}))?"
# With an ending («متن‌های») the document word may lead on to what is asked: such a frame needs its
# comma. So does a document word ending in a silent «ه», whose ezafe is gone once normalized
# («طبق نوشته‌ی / نوشتهٔ چه کسی ...» reads «طبق نوشته چه کسی»).
_BEFORE_QUESTION_WORDS = tuple(word for word in _DOCUMENT_WORDS if not word.endswith("ه"))
_DOCUMENT = rf"(?:(?:این|همین)\s+)?(?:{alternation(_BEFORE_QUESTION_WORDS)}){_WHERE_IT_IS}"
_DOCUMENT_WITH_ENDING = rf"(?:(?:این|همین)\s+)?(?:{alternation(_DOCUMENT_WORDS)})(?:ی|های|ها)?{_WHERE_IT_IS}"
_FRAME = re.compile(
    rf"^\s*(?:"
    # «طبق متن،», «بر اساس این مقاله چرا ...»
    rf"(?:{alternation(_POINTERS)})\s+{_DOCUMENT_WITH_ENDING}\s*[،,:]\s*"
    rf"|(?:{alternation(_POINTERS)})\s+{_DOCUMENT}\s(?=(?:{alternation(_QUESTION_WORDS)})\b)"
    # «به گفته نویسنده ...»: the author is never what is asked about
    rf"|(?:{alternation(_POINTERS)})\s+(?:این\s+)?(?:{alternation(_AUTHORS)})ی?\s*[،,:]?\s+"
    # «در این سند آمده است که ...», «در متن گفته شده،»
    rf"|در\s+{_DOCUMENT_WITH_ENDING}\s+(?:{alternation(_SAID)})(?:\s+است)?(?:\s+که)?\s*[،,:]?\s*"
    # «لطفاً،», «سلام!», «می‌خواستم بدانم که ...», «میشه بگی ...»
    rf"|(?:و\s+)?(?:{alternation(_COURTESY)})(?:\s*[،,!:.]\s*|\s+|$)"  # «با سلام و خسته نباشید»
    rf"|(?:{alternation(_ASKING)})(?:\s+که)?(?:\s*[،,:]\s*|\s+|$)"
    rf"|(?:{alternation(_LABELS)})\s*:\s*"
    # An exam sheet's or a list's numbering: «1. », «2) », «الف) », «سوال 3: », «سوال شماره 2 - »,
    # «q: ». Digits only with a mark and a space after them, at most three, and a dash not before
    # another number: «1917 ...», «2.5 درصد ...», «10 - 15 درصد ...» stay.
    rf"|{_ITEM_NUMBER}\s*[.):]\s+|{_ITEM_NUMBER}\s*[-–]\s+(?!\d)|[-–*•]\s+(?!\d)"
    rf"|{_ITEM_LETTER}\s*\)\s*"
    rf"|(?:{alternation(_LABELS)})\s*(?:شماره\s*)?(?:\d{{1,3}}|{alternation(_ORDINALS)})\s*[.):\-–]\s*"
    rf"|(?:q|question)\s*\d{{0,3}}\s*[.):\-–]\s*"
    # «یه توضیح کوتاه در مورد ... میدی؟»: what follows is asked
    rf"|(?:یه|یک)\s+توضیح(?:\s+(?:{alternation(_BRIEF)}))?\s+(?:{alternation(_ABOUT)})\s+"
    rf")"
)


# Instructions that end a question put as a task («... را نام ببرید», «... را توضیح دهید»).
_TASKS = ("نام ببرید", "نام ببر", "نام بنویسید", "توضیح دهید", "توضیح بدهید", "توضیح بده", "شرح دهید",
          "شرح بدهید", "شرح بده", "بنویسید", "بنویس", "بگویید", "بگو", "مشخص کنید", "بیان کنید", "ذکر کنید",
          "معرفی کنید", "معرفی کن",
          # spoken, after «میشه ...»: «میشه انتقال پایتخت رو توضیح بدی؟»
          "توضیح بدی", "توضیح بدید", "توضیح بدین", "توضیح میدی", "توضیح میدید", "توضیح میدین", "بگی", "بگید",
          "بگین", "نام ببری", "معرفی کنی")
# «میشه», «می‌توانید» ... before a task that ends the question: a request («میشه ... توضیح بدی؟»).
_CAN_YOU = re.compile(r"^\s*(?:میشود|میشه|میتوانید|میتونید|میتونی|میتونین|ممکن است|ممکنه|امکانش هست)\s+")
_ABOUT_OPENING = re.compile(rf"^\s*(?:{alternation(_ABOUT)})\s+")
_TASK = re.compile(rf"\s+(?:{alternation(_TASKS)})(?=\s*[.!؟?]*\s*$)")
# Thanks after the question and its mark («... کجاست؟ ممنون»); without the mark «مرسی» could
# be the name it also is («پس از مرسی»).
_THANKS_AFTER = re.compile(rf"(?<=\S)\s*[،,.!؟?]\s*(?:{alternation(_THANKS)})\s*[.!]*\s*$"
                           # or a sentence that opens with thanks: «؟ ممنون میشوم اگر جواب بدهید.»
                           rf"|(?<=[؟?])\s*(?:پیشاپیش\s+)?(?:{alternation(_THANKS)})(?!\w)[^؟?]*$")

# The marks an exam sheet gives a question, after it: «(2 نمره)», «[1.5 امتیاز]», «(بارم: 2)», with
# any thanks after them («(2 نمره) ممنون»).
_MARKS_AFTER = re.compile(r"\s*[(\[]\s*(?:\d+(?:\.\d+)?\s*(?:نمره|امتیاز)|(?:بارم|نمره)\s*:?\s*\d+(?:\.\d+)?)"
                          rf"\s*[)\]]\s*[.!]*(?:\s*(?:{alternation(_THANKS)})\s*[.!]*)?\s*$")


def without_frame(normalized_question: str) -> str:
    """`normalized_question` (from `qa.text.normalize`) without its openings that point at the
    document («طبق متن،»), ask politely («لطفاً بگویید») or number it («سوال 3: »), unless it holds
    nothing else, and without the marks, the thanks after it («(2 نمره)», «ممنون») or the
    instruction that ends a task («را نام ببرید»)."""
    rest = normalized_question
    while (match := _FRAME.match(rest)) is not None:  # «سلام، لطفاً بگویید طبق متن، ...»
        rest = rest[match.end():]
        if not rest.strip():  # nothing but openings: there is nothing else to ask with
            return normalized_question
    rest = _MARKS_AFTER.sub("", rest)
    if (thanks := _THANKS_AFTER.search(rest)) is not None:
        rest = rest[:thanks.start()]
    task = _TASK.search(rest)
    if task is None:
        return rest
    without_task = _CAN_YOU.sub("", rest[:task.start()], count=1) + rest[task.end():]
    # A task that opens with what it is about: «درباره انتقال پایتخت توضیح بده» asks for «انتقال
    # پایتخت». Only in a task: «در مورد احتراق در چه سالی منتشر شد؟» names a book.
    asked = _ABOUT_OPENING.sub("", without_task, count=1)
    return asked if tokens(asked) else without_task


# Sentences end at «.», «!», «؟» or «?»; not at a dot after a word of one or two letters:
# «ه. ق», «اف. سی» abbreviate.
_SENTENCE_BREAK = re.compile(r"(?<=[.!؟?])\s+")
_ABBREVIATED = re.compile(r"(?:^|\W)\w{1,2}[.!]+$")
_QUESTION_MARK = re.compile("[؟?]")
_FIRST_PERSON_PRONOUNS = frozenset({"من", "ما", "مرا", "بنده", "اینجانب"})
# «My ...» as users write it around a question («به نظرم», «دوستم میگفت», «برایم مهم است»): «م»
# after a consonant also ends ordinals and nouns («هفتم», «مردم»), so only these words.
_FIRST_PERSON_POSSESSIVES = frozenset({
    "برایم", "برام", "نظرم", "بنظرم", "خودم", "دوستم", "دوستانم", "معلمم", "استادم", "پدرم", "مادرم",
    "برادرم", "خواهرم", "تحقیقم", "کلاسم", "دانشگاهم", "همکلاسیم", "ذهنم", "فکرم",
})


def _asks(sentence: str) -> bool:
    return bool(_QUESTION_MARK.search(sentence)) or any(word in QUESTION_WORDS for word in tokens(sentence))


def _first_person(word: str) -> bool:
    """«من», a verb in the first person («دارم», «میخوانم», «شدهام»; not the nouns hazm lists
    that look like one: «مردم», «چشم», «نام»), «ام» after a silent «ه» («مدرسهام») or a
    common «my ...» («به نظرم»)."""
    if word in _FIRST_PERSON_PRONOUNS or word in _FIRST_PERSON_POSSESSIVES:
        return True
    if is_lexicon_word(word):
        return False
    return (word.endswith("م") and is_verb_form(word)) or (word.endswith("هام") and is_lexicon_word(word[:-2]))


def _first_person_singular(word: str) -> bool:
    """`_first_person`, but not a verb ending in «یم», which is mostly the plural («میکردیم»)."""
    return _first_person(word) and word != "ما" and not (word.endswith("یم") and is_verb_form(word))


def _sentences(normalized_text: str) -> list[str]:
    sentences: list[str] = []
    for piece in _SENTENCE_BREAK.split(normalized_text.strip()):
        if sentences and _ABBREVIATED.search(sentences[-1]):
            sentences[-1] += " " + piece
        else:
            sentences.append(piece)
    return sentences


def about_the_asker(normalized_question: str) -> tuple[str, str] | None:
    """(the sentences that speak of the asker, the rest) where `normalized_question` opens with
    sentences that ask nothing (no question word, no «؟») in the first person: «من درباره
    قزاقستان تحقیق میکنم. چرا پایتختش عوض شد؟», or ends with one in the first person singular:
    «... عوض شد؟ برای تحقیقم لازم دارم.». None otherwise.
    Sentences that speak of something else stay with the question: «برنامهنویسها باید ... آگاه
    کنند. انها این کار را چگونه انجام میدهند؟» asks with them (so does a question of under two words
    of its own after sentences before it)."""
    sentences = _sentences(normalized_question)
    asking = [_asks(sentence) for sentence in sentences]
    if not any(asking):
        return None
    before = asking.index(True)

    def by_asker(at: int) -> bool:
        # After the question only in the first person singular («؟ برای تحقیقم لازم دارم.»): a
        # sentence there in the plural may be what is asked about («این جمله از کیست؟ اگر خدا نبود
        # باید ان را اختراع میکردیم»).
        speaks = _first_person if at < before else _first_person_singular
        return not asking[at] and any(speaks(word) for word in tokens(sentences[at]))

    asker = [by_asker(at) for at in range(len(sentences))]
    if not any(asker):
        return None
    told = " ".join(sentence for sentence, theirs in zip(sentences, asker, strict=True) if theirs)
    rest = " ".join(sentence for sentence, theirs in zip(sentences, asker, strict=True) if not theirs)
    # A short question may lean on a sentence before it («من این را خواندم. چرا؟»), not on one after
    # it («وبسایت چیست؟ خیلی برایم مهم است.»).
    needed = 2 if any(asker[:before]) else 1
    return (told, rest) if len(analyze(rest)) >= needed else None
