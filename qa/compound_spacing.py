"""Compounds read as their words, however they are typed: one word, two, or with ZWNJ.

Persian writes many compounds with a ZWNJ («رای‌گیری», «بین‌المللی», «سیستم‌عامل»), users without
a ZWNJ key type a space instead («رای گیری»), and documents do both. Normalization joins the ZWNJ
form into one word, so the same question typed with a space had two words where typed with
ZWNJ it had one, and another ranking: of 763 PQuAD train questions holding a ZWNJ, 18% changed
their top 5 when it was typed as a space (`eval/orthography_invariance.py`). A question's
compound is read as its two words: a passage holds a compound's parts as well as the whole word
(`qa.lexical.analyze_passage`), so the parts find it however the passage writes it, while the
whole word found only the passages that wrote it so. The same goes for a verb with the copula
typed on it («شده‌است», «شده‌اند»), read as «شده است», as hazm leaves it when typed with a space.
"""

from __future__ import annotations

import re

from qa.lexical import Vocabulary, compound_split, fold, is_verb_form, word_token
from qa.text import rewrite_unquoted_words

_COPULAS = ("است", "اند")


def _read_whole(parts: tuple[str, str]) -> bool:
    """Whether the analyzer reads the compound as its parts, an ending of the second cut off
    at most (2 of its letters kept): «رایگیریها» is «رای‌گیری», «ستارهشناسان» «ستاره‌شناس».
    «کناره» is no «کنار» + «ه»: a cut that leaves the second part less is no compound's."""
    head, last = fold(parts[0]), fold(parts[1])
    token = word_token(head + last) or ""
    rest = token[len(head):]
    return token.startswith(head) and last.startswith(rest) and len(rest) >= 2


def _apart(word: str, corpus: Vocabulary) -> str:
    for copula in _COPULAS:  # «شدهاست» -> «شده است»
        if word.endswith(copula) and len(word) > len(copula) + 1 and is_verb_form(word[: -len(copula)]):
            return f"{word[: -len(copula)]} {copula}"
    parts = compound_split(word)
    if parts is None or not _read_whole(parts) or not (corpus.knows(parts[0]) and corpus.knows(parts[1])):
        return word
    return f"{parts[0]} {parts[1]}"


def compounds_apart(normalized_question: str, corpus: Vocabulary) -> str:
    """`normalized_question` with each compound of two words the corpus knows written as the
    two (`compound_split`: «رایگیری» -> «رای گیری», «سیستمعاملهای» -> «سیستم عاملهای») and a
    copula typed on a verb apart; text in «» is kept as typed."""

    def cut(match: re.Match[str]) -> str:
        word = match.group()
        return _apart(word, corpus) if word.isalpha() else word

    return rewrite_unquoted_words(normalized_question, cut)
