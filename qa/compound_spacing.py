"""Compounds read as their words, however they are typed: one word, two, or with ZWNJ.

Persian writes many compounds with a ZWNJ («رای‌گیری», «بین‌المللی», «سیستم‌عامل»), users without
a ZWNJ key type a space instead («رای گیری»), and documents do both. Normalization joins the ZWNJ
form into one word, so the same question typed with a space had two words where typed with
ZWNJ it had one, and another ranking: of 763 PQuAD train questions holding a ZWNJ, 18% changed
their top 5 when it was typed as a space, 7.1% since (`eval/orthography_invariance.py`). A question's
compound is read as its two words: a passage holds a compound's parts as well as the whole word
(`qa.lexical.analyze_passage`), so the parts find it however the passage writes it, while the
whole word found only the passages that wrote it so. The same goes for a participle with the
copula or the past auxiliary typed on it («شده‌است», «شده‌اند», «کرده‌بود»), read apart, and for a
verb's «می» typed on a preverb with a space after it («بازمی گردد»), joined to its verb as the ZWNJ
form normalizes («بازمیگردد»; `verb_prefix_joined`). What is
left of the 7.1% is mostly compounds hazm does not list that a passage holds whole («اولین‌بار»):
those are guesses, kept whole (see `_apart`), since cutting them made users' questions worse.
"""

from __future__ import annotations

import re

from qa.lexical import (
    Vocabulary,
    compound_split,
    fold,
    in_lexicon,
    is_verb_form,
    listed_compound,
    word_token,
)
from qa.text import rewrite_unquoted, rewrite_unquoted_words

# The copula and the past auxiliary a participle takes («شده‌است», «کرده‌بود»): hazm joins the
# spaced form only sometimes («ساخته شده اند» -> «ساخته‌شده‌اند»), so both are read apart.
_AUXILIARIES = ("است", "اند", "بودند", "بود")


def _read_whole(parts: tuple[str, str]) -> bool:
    """Whether the analyzer reads the compound as its parts, an ending of the second cut off
    at most (2 of its letters kept): «رایگیریها» is «رای‌گیری», «ستارهشناسان» «ستاره‌شناس».
    «کناره» is no «کنار» + «ه»: a cut that leaves the second part less is no compound's."""
    head, last = fold(parts[0]), fold(parts[1])
    token = word_token(head + last) or ""
    rest = token[len(head):]
    return token.startswith(head) and last.startswith(rest) and len(rest) >= 2


def _apart(word: str, corpus: Vocabulary) -> str:
    """`word` as the words it is made of, space-separated (itself when it is one)."""
    for auxiliary in _AUXILIARIES:  # «شدهاست» -> «شده است», «ساختهشدهبود» -> «ساخته شده بود»
        head = word[: -len(auxiliary)]
        if not word.endswith(auxiliary) or len(head) < 2:
            continue
        if is_verb_form(head):
            return f"{head} {auxiliary}"
        if (parts := compound_split(head)) is not None and is_verb_form(parts[1]):
            return f"{_apart(head, corpus)} {auxiliary}"
    parts = compound_split(word)
    if parts is None or not _read_whole(parts) or not (corpus.knows(parts[0]) and corpus.knows(parts[1])):
        return word
    if not listed_compound(word) and (is_verb_form(word) or corpus.knows(word)):
        # Two lexicon words found in a word hazm does not list as a compound are a guess, often
        # wrong («میشوند» -> «میش وند», «هلووین» -> «هلو وین», «برگرفته» -> «برگ رفته»): made
        # only where the corpus lacks the word whole, so the parts are all there is to match.
        return word
    return f"{parts[0]} {_apart(parts[1], corpus)}"  # «تشکیلشدهاند» -> «تشکیل شده اند»


# A verb's «می» / «نمی» typed on the word before it and a space before the verb: the ZWNJ after
# a preverb or the noun of a compound verb typed as a space («بازمی گردد» for «بازمی‌گردد»,
# «برنمی گردد», «در نظرمی گیرند»). Read so, «بازمی» was an unknown word (then respelled «بازی»)
# and the verb lost its «می». Joined, the question reads as typed with the ZWNJ.
_PREFIX_TYPED_APART = re.compile(r"(?<!\S)(\w+?)(ن?می) (\w+)")
# Preverbs: their «می» typed apart is that even where the corpus has «درمی» or «برمی» (it types
# them apart too); another word ending so that the corpus knows may be a name («کریمی»).
_PREVERBS = frozenset({"باز", "بر", "در", "فرا", "فرو", "وا", "ور"})


def verb_prefix_joined(normalized_question: str, corpus: Vocabulary) -> str:
    """`normalized_question` with a «می» / «نمی» typed on the end of a lexicon word joined to
    the verb after it («بازمی گردد» -> «بازمیگردد», as «بازمی‌گردد» normalizes), where the word
    with it is no lexicon word («علمی شد», «مردمی شد» stay) and the verb is a verb with it; text
    in «» is kept as typed."""

    def join(match: re.Match[str]) -> str:
        head, prefix, verb = match.groups()
        word = head + prefix
        if (len(head) < 2 or not in_lexicon(head) or in_lexicon(word)
                or (corpus.knows(word) and head not in _PREVERBS) or not is_verb_form(prefix + verb)):
            return match.group()
        return word + verb

    return rewrite_unquoted(normalized_question, lambda part: _PREFIX_TYPED_APART.sub(join, part))


def compounds_apart(normalized_question: str, corpus: Vocabulary) -> str:
    """`normalized_question` with each compound of two words the corpus knows written as the
    two (`compound_split`: «رایگیری» -> «رای گیری», «سیستمعاملهای» -> «سیستم عاملهای») and an
    auxiliary typed on a participle apart; text in «» is kept as typed."""

    def cut(match: re.Match[str]) -> str:
        word = match.group()
        return _apart(word, corpus) if word.isalpha() else word

    return rewrite_unquoted_words(normalized_question, cut)
