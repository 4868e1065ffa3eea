"""Words that point at the document instead of asking about it.

People who ask questions of a document they hold often open with where the answer should be:
«طبق متن، چرا ...؟», «بر اساس این مقاله، ...», «به گفته نویسنده چه ...؟», «در این سند آمده که
...». The passages rarely say «متن» or «مقاله», so these words only lower the share of the
question a passage holds, and with it the service's confidence that it found an answer (the
Astana question: 0.82 asked plainly, 0.54 after «طبق متن،»). `without_frame` removes such an
opening. It is only taken for a frame when it is plainly one: a pointer word («طبق», «بر اساس»,
«به گفته» ...) and a word for the document, closed by a comma or followed by a question word
(after «نویسنده», the author, by anything); «طبق گزارش سازمان ملل چند نفر ...» keeps its words
(the report is what is asked about).
"""

from __future__ import annotations

import re

# In the normalized spelling (qa.text.normalize: no ZWNJ, «آ» as «ا»).
_POINTERS = ("طبق", "بر اساس", "براساس", "بر پایه", "برپایه", "بنا بر", "بنابر", "به گفته", "به گفتهی",
             "به نوشته", "به نوشتهی", "مطابق", "مطابق با", "با توجه به", "از نظر", "به نظر", "به روایت",
             "به استناد")
_DOCUMENT_WORDS = ("متن", "متون", "مقاله", "سند", "اسناد", "نوشته", "گزارش", "منبع", "منابع", "مطلب", "مطالب",
                   "نویسنده", "نگارنده", "پاراگراف", "کتاب", "فصل", "بخش", "دانشنامه")
_AUTHORS = ("نویسنده", "نگارنده", "نویسندگان")
_WHERE = ("بالا", "زیر", "حاضر", "مذکور", "موجود")
_SAID = ("امده", "گفته شده", "گفتهشده", "ذکر شده", "ذکرشده", "نوشته شده", "نوشتهشده", "اشاره شده", "اشارهشده")
_QUESTION_WORDS = ("چرا", "چه", "چگونه", "کی", "کجا", "کدام", "چند", "ایا", "چطور", "به چه", "از چه", "در چه")


def _either(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_WHERE_IT_IS = rf"(?:\s+(?:{_either(_WHERE)}))?"
# With an ending («نوشته‌ی», «متن‌های») the document word may lead on to what is asked («طبق
# نوشته‌ی چه کسی ...»): such a frame needs its comma.
_DOCUMENT = rf"(?:(?:این|همین)\s+)?(?:{_either(_DOCUMENT_WORDS)}){_WHERE_IT_IS}"
_DOCUMENT_WITH_ENDING = rf"(?:(?:این|همین)\s+)?(?:{_either(_DOCUMENT_WORDS)})(?:ی|های|ها)?{_WHERE_IT_IS}"
_FRAME = re.compile(
    rf"^\s*(?:"
    # «طبق متن،», «بر اساس این مقاله چرا ...»
    rf"(?:{_either(_POINTERS)})\s+{_DOCUMENT_WITH_ENDING}\s*[،,:]\s*"
    rf"|(?:{_either(_POINTERS)})\s+{_DOCUMENT}\s(?=(?:{_either(_QUESTION_WORDS)})\b)"
    # «به گفته نویسنده ...»: the author is never what is asked about
    rf"|(?:{_either(_POINTERS)})\s+(?:این\s+)?(?:{_either(_AUTHORS)})ی?\s*[،,:]?\s+"
    # «در این سند آمده است که ...», «در متن گفته شده،»
    rf"|در\s+{_DOCUMENT_WITH_ENDING}\s+(?:{_either(_SAID)})(?:\s+است)?(?:\s+که)?\s*[،,:]?\s*"
    rf")"
)


def without_frame(normalized_question: str) -> str:
    """`normalized_question` (from `qa.text.normalize`) without an opening that points at the
    document («طبق متن،»); unchanged when there is none, or when nothing would be left."""
    match = _FRAME.match(normalized_question)
    if match is None or not normalized_question[match.end():].strip():
        return normalized_question
    return normalized_question[match.end():]
