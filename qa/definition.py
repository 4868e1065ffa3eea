"""Questions that ask what or who something is, and the sentences that say it.

«سکولاریسم به چه معناست؟», «آدولف هیتلر که بود؟», «خندق چیست؟»: the words of such a question
are the subject's name and nothing more, and every passage of an article about the subject has
the name. The one that answers is the one that defines it, and a definition opens with its
subject: «آدولف هیتلر (۲۰ آوریل ۱۸۸۹ – ...) یک سیاستمدار ... بود», «سکولاریسم یا گیتی‌گرایی ...
عقیده‌ای است». So for these questions the hybrid retriever gives a bonus
(`FusionSettings.definition_weight`) to the best passages that have a sentence beginning with
the subject's words (`definition_bonus`); so do questions of when someone was born or died,
which the defining sentence answers with its dates. Held-out PQuAD train (61 such questions of
1,372, 70 with those of birth and death):
«آدولف هیتلر که بود؟» 8 -> 2, «سکولاریسم به چه معناست؟» 8 -> 2, «باروک را تعریف کنید» 3 -> 1,
none worse; the reworded and spoken train-side sets unchanged (README.md, "How it works").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from qa.text import alternation

# The subject of a definition question has at most this many words («ویلهلم فریدریش هگل»);
# longer ones are questions about something else («شغل پدر ... چه بود؟»).
MAX_SUBJECT_TOKENS = 3
# How many of the fused ranking's best passages are read for a defining sentence.
DEFINITION_DEPTH = 20

# On the question as the signals read it (normalized: no ZWNJ, «آ» as «ا»; spoken words
# mostly in written form already, but «چیه», «کیه», «یعنی چی» kept for safety).
_OPENINGS = ("تعریف", "منظور از", "مفهوم", "معنی", "معنای", "معنا")
_ASKS = ("چیست", "چیه", "چی است", "کیست", "کیه", "کی است", "کی بود", "که بود", "که بوده است", "که بودند",
         "که است", "چه بود", "چه کسی است", "چه کسی بود", "چه کسانی بودند", "به چه معناست", "به چه معنا است",
         "به چه معنی است", "یعنی چه", "یعنی چی", "چه معنایی دارد", "چه معنی دارد", "را تعریف کنید")



_DEFINITION_QUESTION = re.compile(
    rf"^\s*(?:(?:{alternation(_OPENINGS)})\s+)?(?P<subject>.+?)\s+(?:{alternation(_ASKS)})\s*[؟?.!]*\s*$"
)
# When someone was born or died: an encyclopedia's defining sentence gives both dates
# («آدولف هیتلر (۲۰ آوریل ۱۸۸۹ – ۳۰ آوریل ۱۹۴۵) ...»).
_WHEN = r"(?:در\s+)?(?:چه\s+(?:سالی|تاریخی|زمانی|روزی)|کی|چه\s+وقت)"
_LIFE = r"(?:متولد|به\s+دنیا|زاده|درگذشت|فوت|وفات|دیده\s+به\s+جهان)"
_LIFE_QUESTION = re.compile(rf"^\s*(?:(?P<subject>.+?)\s+{_WHEN}|{_WHEN}\s+(?P<later>.+?))\s+{_LIFE}")
# A subject with a question word in it asks something else («کدام شهر پایتخت است»).
_QUESTION_WORD = re.compile(r"(^|\s)(چه|چی|کدام|چرا|چگونه|چطور|کجا|کی|چند|ایا)(\s|$)")


def defined_subject(question: str, analyze: Callable[[str], list[str]]) -> tuple[str, ...] | None:
    """The subject's tokens when the (normalized) question asks what or who it is, or when
    someone was born or died; else None."""
    found = _DEFINITION_QUESTION.match(question) or _LIFE_QUESTION.match(question)
    named = found and (found.groupdict().get("later") or found.group("subject"))
    if not named or _QUESTION_WORD.search(named):
        return None
    subject = tuple(analyze(named))
    return subject if 1 <= len(subject) <= MAX_SUBJECT_TOKENS else None


def defines(subject: tuple[str, ...], sentence_openings: Sequence[tuple[str, ...]]) -> bool:
    """Whether some sentence (each given by its first tokens) begins with the subject."""
    return any(opening[:len(subject)] == subject for opening in sentence_openings)


def definition_bonus(ids: np.ndarray, weight: float, defining: set[int]) -> np.ndarray:
    """What each of the fused ranking's best DEFINITION_DEPTH passages gains: `weight` for the
    `defining` ones (`qa.fusion.boost` adds it)."""
    return np.array([weight if int(i) in defining else 0.0 for i in ids[:DEFINITION_DEPTH]], dtype=np.float64)
