"""Questions that ask what or who something is, and the sentences that say it.

«سکولاریسم به چه معناست؟», «آدولف هیتلر که بود؟», «خندق چیست؟»: the words of such a question
are the subject's name and nothing more, and every passage of an article about the subject has
the name. The one that answers is the one that defines it, and a definition opens with its
subject: «آدولف هیتلر (۲۰ آوریل ۱۸۸۹ – ...) یک سیاستمدار ... بود», «سکولاریسم یا گیتی‌گرایی ...
عقیده‌ای است». So for these questions the hybrid retriever gives a bonus
(`FusionSettings.definition_weight`) to the best passages that have a sentence beginning with
the subject's words (`definition_bonus`); so do questions of when someone was born or died,
which the defining sentence answers with its dates, and requests to tell about it («درباره
سکولاریسم توضیح بده», «موسولینی رو معرفی کن»). Held-out PQuAD train (61 such questions of
1,372, 70 with those of birth and death):
«آدولف هیتلر که بود؟» 8 -> 2, «سکولاریسم به چه معناست؟» 8 -> 2, «باروک را تعریف کنید» 3 -> 1,
none worse; the reworded and spoken train-side sets unchanged (README.md, "How it works").

In a biography many sentences open with the subject («هیتلر در زمان اقامت در وین ...»); the one
that defines it is the encyclopedia's lead, where the name, often longer than the question says
it, comes before a parenthesis with dates or the foreign spelling («بنیتو آمیلکاره آندره آ
موسولینی (نام کامل ...) (زاده ...)»). A passage with such a lead sentence gains LEAD_FACTOR times
the bonus: those 70 questions, held-out article by article, rank 1 for 56 -> 61 (MRR@10 0.863 ->
0.920), over the whole PQuAD corpus 52 -> 57.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np

from qa.text import alternation, normalize, sentence_spans

# The subject of a definition question has at most this many words («ویلهلم فریدریش هگل»);
# longer ones are questions about something else («شغل پدر ... چه بود؟»).
MAX_SUBJECT_TOKENS = 3
# How many of the fused ranking's best passages are read for a defining sentence.
DEFINITION_DEPTH = 20
# A lead's name is the words before a parenthesis among a sentence's first LEAD_WORDS words.
LEAD_WORDS = 7
# How many times the bonus a passage with a lead sentence naming the subject gains. Held-out
# PQuAD train definition questions per article, MRR@10 at 1 / 2 / 3 / 4 / 6 / 10: 0.863 / 0.877 /
# 0.888 / 0.904 / 0.920 / 0.920 (6 is the least that puts a lead first wherever one is among the
# DEFINITION_DEPTH best); every other train-side set the same or up.
LEAD_FACTOR = 6.0

# On the question as the signals read it (normalized: no ZWNJ, «آ» as «ا»; spoken words
# mostly in written form already, but «چیه», «کیه», «یعنی چی» kept for safety).
_OPENINGS = ("تعریف", "منظور از", "مفهوم", "معنی", "معنای", "معنا")
_ASKS = ("چیست", "چیه", "چی است", "کیست", "کیه", "کی است", "کی بود", "که بود", "که بوده است", "که بودند",
         "که است", "چه بود", "چه کسی است", "چه کسی بود", "چه کسانی بودند", "به چه معناست", "به چه معنا است",
         "به چه معنی است", "یعنی چه", "یعنی چی", "چه معنایی دارد", "چه معنی دارد", "را تعریف کنید")



_DEFINITION_QUESTION = re.compile(
    rf"^\s*(?:(?:{alternation(_OPENINGS)})\s+)?(?P<subject>.+?)\s+(?:{alternation(_ASKS)})\s*[؟?.!]*\s*$"
)
# A request to tell about the subject, once `qa.question_frame` has taken its instruction off:
# «درباره سکولاریسم (توضیح بده)», «در مورد موسولینی (بگو)», «سکولاریسم را (توضیح دهید)»,
# «موسولینی رو معرفی کن», «تعریف سکولاریسم».
_ABOUT = ("درباره", "دربارهی", "در باره", "در مورد")
_INTRODUCE = ("معرفی کن", "معرفی کنید", "معرفی بکن", "معرفی بکنید")
_ABOUT_REQUEST = re.compile(
    rf"^\s*(?:(?:{alternation(_ABOUT)}|{alternation(_OPENINGS)})\s+(?P<about>.+?)(?:\s+(?:را|رو))?"
    rf"|(?P<object>.+?)\s+(?:را|رو)(?:\s+(?:{alternation(_INTRODUCE)}))?)\s*[؟?.!]*\s*$"
)
# When someone was born or died: an encyclopedia's defining sentence gives both dates
# («آدولف هیتلر (۲۰ آوریل ۱۸۸۹ – ۳۰ آوریل ۱۹۴۵) ...»).
_WHEN = r"(?:در\s+)?(?:چه\s+(?:سالی|تاریخی|زمانی|روزی)|کی|چه\s+وقت)"
_LIFE = r"(?:متولد|به\s+دنیا|زاده|درگذشت|فوت|وفات|دیده\s+به\s+جهان)"
_LIFE_QUESTION = re.compile(rf"^\s*(?:(?P<subject>.+?)\s+{_WHEN}|{_WHEN}\s+(?P<later>.+?))\s+{_LIFE}")
_QUESTION_MARK = re.compile("[؟?]")
# A subject with a question word in it asks something else («کدام شهر پایتخت است»).
_QUESTION_WORD = re.compile(r"(^|\s)(چه|چی|کدام|چرا|چگونه|چطور|کجا|کی|چند|ایا)(\s|$)")


def defined_subject(question: str, analyze: Callable[[str], list[str]]) -> tuple[str, ...] | None:
    """The subject's tokens when the (normalized) question asks what or who it is, asks to be
    told about it (`_ABOUT_REQUEST`), or asks when someone was born or died; else None."""
    found = _DEFINITION_QUESTION.match(question) or _LIFE_QUESTION.match(question)
    named = found and (found.groupdict().get("later") or found.group("subject"))
    if not named and (asked := _ABOUT_REQUEST.match(question)):
        named = asked.group("about") or asked.group("object")
    if not named and not _QUESTION_MARK.search(question):
        # A name and nothing else, as typed or once `qa.question_frame` has taken a request to
        # tell about it off («درباره خندق توضیح بده» reads «خندق»): asks what it is.
        named = question
    if not named or _QUESTION_WORD.search(named):
        return None
    subject = tuple(analyze(named))
    return subject if 1 <= len(subject) <= MAX_SUBJECT_TOKENS else None


class PassageOpenings(NamedTuple):
    """What a passage's sentences open with, as the definition bonus reads them."""

    openings: tuple[tuple[str, ...], ...]  # each sentence's first MAX_SUBJECT_TOKENS tokens
    lead_names: tuple[tuple[str, ...], ...]  # the tokens of each lead's name (`lead_words`)


def passage_openings(text: str, analyze: Callable[[str], list[str]]) -> PassageOpenings:
    """The openings and lead names of a passage's sentences (`text` as stored)."""
    sentences = [text[start:end] for start, end in sentence_spans(text)]
    # A few words more than a subject has: analysis may drop some (punctuation).
    first_words = [" ".join(sentence.split()[:2 * MAX_SUBJECT_TOKENS]) for sentence in sentences]
    names = [lead_words(sentence) for sentence in sentences]
    return PassageOpenings(
        tuple(tuple(analyze(normalize(words))[:MAX_SUBJECT_TOKENS]) for words in first_words),
        tuple(tuple(analyze(normalize(name))) for name in names if name),
    )


def defines(subject: tuple[str, ...], sentence_openings: Sequence[tuple[str, ...]]) -> bool:
    """Whether some sentence (each given by its first tokens) begins with the subject."""
    return any(opening[:len(subject)] == subject for opening in sentence_openings)


def lead_words(sentence: str) -> str | None:
    """The words before an opening parenthesis within a sentence's first LEAD_WORDS words (the
    name an encyclopedia's lead gives before its dates or foreign spelling: «بنیتو آمیلکاره آندره
    آ موسولینی (نام کامل ...»), or None."""
    words = sentence.split()[:LEAD_WORDS]
    opening = " ".join(words)
    cut = opening.find("(")
    return opening[:cut] if cut > 0 else None


def leads_with(subject: tuple[str, ...], lead_names: Sequence[tuple[str, ...]]) -> bool:
    """Whether some lead name (`lead_words`, analyzed) holds the subject's tokens in order:
    «موسولینی» in «بنیتو آمیلکاره آندره آ موسولینی», «آدولف هیتلر» in «آدولف هیتلر»."""
    for name in lead_names:
        rest = iter(name)
        if all(token in rest for token in subject):
            return True
    return False


def definition_bonus(ids: np.ndarray, weight: float, defining: set[int],
                     leading: set[int] | frozenset[int] = frozenset()) -> np.ndarray:
    """What each of the fused ranking's best DEFINITION_DEPTH passages gains: `weight` for the
    `defining` ones, LEAD_FACTOR times that for the `leading` ones (`qa.fusion.boost` adds it)."""
    return np.array([weight * LEAD_FACTOR if int(i) in leading else weight if int(i) in defining else 0.0
                     for i in ids[:DEFINITION_DEPTH]], dtype=np.float64)
