"""Persian typed with the keyboard left on its English layout, read as the Persian meant.

A user who forgets to switch layouts types «چرا پایتخت قزاقستان از آلماتی به آستانا منتقل شد؟»
as "]vh mhdjoj rchrsjhk hc Hglhjd fi Hsjhkh lkjrg an?": each key gives the Latin letter or sign
it bears instead of the Persian letter on the same key (the standard layout, ISIRI 9147). Such a question has
no Persian letter and reads as no language. `persian_keys` maps it back key by key, and
`meant_on_persian_keys` takes that reading where most of its words are words (hazm's word list
or the corpus), which Persian typed in Latin letters ("chera paytakht ..." gives «چثقش...») and
English are not.
"""

from __future__ import annotations

import re

from qa.lexical import PERSIAN_LETTERS, Vocabulary, fold, known_word
from qa.text import normalize

# The Persian letter or sign on each key of the standard Persian layout, by the character the
# same key gives on a US English layout (rows Q, A, Z; a few shifted keys users type too).
_KEYS = dict(zip(
    "qwertyuiop[]asdfghjkl;'zxcvbnm,\\HC?",
    "ضصثقفغعهخحجچشسیبلاتنمکگظطزرذدپوپآژ؟",
    strict=True,
))
_LATIN_LETTER = re.compile("[A-Za-z]")
# Of a reading's words, at least this share must be words for it to be taken: Persian typed
# on the wrong layout gives real words nearly throughout (spoken Persian less: «میونه» is no
# word of the list), other Latin text almost never. Train-side questions typed so taken at 0.75
# / 0.6 / 0.5: spoken 0.919 / 0.989 / 0.998, written 0.998-1.0 at each; the 720 Finglish
# questions taken at none of them (`python eval/keyboard_layout.py`).
_KNOWN_SHARE = 0.6
_FEWEST_WORDS = 2


def persian_keys(typed: str) -> str:
    """`typed` as the same keys write on the Persian layout («sghl» -> «سلام»); other
    characters (digits, spaces, marks the layouts share) as typed."""
    return "".join(_KEYS.get(c if c in _KEYS else c.lower(), c) for c in typed)


def meant_on_persian_keys(question: str, corpus: Vocabulary) -> str | None:
    """The question as typed on the Persian layout, where it was typed on the English one by
    mistake: no Persian letter in it, and at least `_KNOWN_SHARE` of its reading's words (two or
    more) known to hazm's word list or the corpus; else None."""
    if PERSIAN_LETTERS.search(question) or not _LATIN_LETTER.search(question):
        return None
    reading = persian_keys(question)
    words = re.findall(r"\w+", normalize(reading))
    words = [word for word in words if not word.isdigit()]
    if len(words) < _FEWEST_WORDS:
        return None
    known = sum(known_word(word, corpus) for word in words)
    return reading if known >= _KNOWN_SHARE * len(words) else None


# A run of the keys that give Persian letters on the Persian layout, as the English layout types it.
_KEY_RUN = re.compile(r"[A-Za-z;'\[\],\\]{3,}")


def words_on_persian_keys(question: str, corpus: Vocabulary) -> str:
    """`question` (with Persian letters) with each run of three keys or more that was typed on
    the English layout by mistake read as the Persian on the same keys: where that reading is a
    word some passage holds as it is (an index token) and the run as typed is no word of the
    corpus («پایتخت rchrsjhk کجاست؟» -> «پایتخت قزاقستان کجاست؟»; a name in Latin letters reads
    as no word on those keys: «Hegel», «اثلثم»)."""
    if not PERSIAN_LETTERS.search(question):
        return question

    def meant(match: re.Match[str]) -> str:
        typed = match.group()
        word = normalize(persian_keys(typed))
        if " " in word or not corpus.has_token(fold(word)) or corpus.knows(normalize(typed)):
            return typed
        return word

    return _KEY_RUN.sub(meant, question)
