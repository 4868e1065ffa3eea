"""Misspelled question words: letters Persian writes alike, read as the corpus spells them.

Persian has several letters for one sound (ز ذ ض ظ, س ص ث, ت ط, ه ح, ق غ, ا ع), and users
misspell words borrowed from Arabic by picking the wrong one («زخیره» for «ذخیره», «اصتلاح» for
«اصطلاح»). Such a word matches no passage. `respelled` replaces a question word that neither
hazm's lexicon nor the corpus knows by the corpus word one such letter away (the most frequent
if several), and leaves every other word alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Protocol

from qa.lexical import in_lexicon
from qa.text import rewrite_unquoted_words

_SOUND_ALIKE = ("زذضظ", "سصث", "تط", "هح", "قغ", "اع")
_ALIKE = {letter: group.replace(letter, "") for group in _SOUND_ALIKE for letter in group}
_MIN_LENGTH = 4  # shorter words have too many neighbours to guess from


class Vocabulary(Protocol):
    """The corpus's words, as `qa.lexical.LexicalIndex` holds them."""

    def knows(self, word: str) -> bool: ...

    def document_frequency(self, word: str) -> int: ...


def respellings(word: str) -> Iterator[str]:
    """`word` with one letter replaced by another written for the same sound."""
    for at, letter in enumerate(word):
        for other in _ALIKE.get(letter, ""):
            yield word[:at] + other + word[at + 1:]


def corpus_spelling(word: str, corpus: Vocabulary) -> str | None:
    """The corpus's spelling of `word`, one sound-alike letter away: the one in most passages."""
    found = [(frequency, v) for v in respellings(word) if (frequency := corpus.document_frequency(v))]
    return max(found)[1] if found else None


def respelled(normalized_question: str, corpus: Vocabulary) -> str:
    """`normalized_question` with each word unknown to hazm's lexicon and to the corpus
    replaced by the corpus's spelling of it, where one is a sound-alike letter away. Text in
    «» (titles, quotations) is kept as typed."""

    def respell(match: re.Match[str]) -> str:
        word = match.group()
        if len(word) < _MIN_LENGTH or not word.isalpha() or corpus.knows(word) or in_lexicon(word):
            return word
        return corpus_spelling(word, corpus) or word

    return rewrite_unquoted_words(normalized_question, respell)
