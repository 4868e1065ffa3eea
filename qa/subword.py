"""Subword matching: BM25 over the character 4-grams of words, a second lexical signal.

Users ask in other forms of the document's words: «مستقل شد» for «استقلال», «پاشید» for
«فروپاشی», «بنیان نهاد» for «بنیان‌گذاشته». Whole-word BM25 (qa.lexical) sees nothing in common
there; the words' character 4-grams do («ستقل», «پاشی»). Each word is folded as the word
analyzer folds it, question words are dropped, and the word is padded with boundary marks so
that «<کتا» (a word that starts so) differs from «کتا» inside a word.

The signal is used only to rescore the passages that the word and dense rankings already
found (`LexicalIndex.score_rows`), so its long posting lists are never read whole: measured on
train-side proxies, rescoring the fused candidates ranks as well as searching all passages.
Chosen on training data only (eval/tune_fusion.py, eval/train_proxies.py): 3-, 4- and 5-grams
and k1 0.6-2.0 were within 0.002 MRR@10 of each other; 4-grams keep posting lists shorter.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from qa.lexical import _FOLD, QUESTION_WORDS, LexicalIndex

ANALYZER_NAME = "qa-char-4grams"
ANALYZER_VERSION = 1
GRAM = 4
SUBWORD_K1 = 1.2
SUBWORD_B = 0.75
FOLDER = "subword"  # inside a generation

_WORD = re.compile(r"\w+")
_CACHE_LIMIT = 1_000_000


class SubwordAnalyzer:
    """Word -> its padded character 4-grams (the whole padded word when shorter)."""

    background_idf = False  # the background statistics count words, not 4-grams

    def __init__(self) -> None:
        self._cache: dict[str, tuple[str, ...]] = {}

    def passage_tokens(self, word: str) -> tuple[str, ...]:
        grams = self._cache.get(word)
        if grams is None:
            folded = word.translate(_FOLD)
            if not folded or folded in QUESTION_WORDS:
                grams = ()
            else:
                padded = f"<{folded}>"
                grams = tuple(padded[i:i + GRAM] for i in range(max(len(padded) - GRAM, 0) + 1))
            if len(self._cache) > _CACHE_LIMIT:
                self._cache.clear()
            self._cache[word] = grams
        return grams

    def query(self, normalized_text: str) -> list[str]:
        return [gram for word in _WORD.findall(normalized_text) for gram in self.passage_tokens(word)]

    @staticmethod
    def settings() -> dict:
        return {"analyzer": ANALYZER_NAME, "analyzer_version": ANALYZER_VERSION, "gram": GRAM,
                "question_words": sorted(QUESTION_WORDS)}


SUBWORDS = SubwordAnalyzer()


def settings_static() -> dict:
    """What shapes a query's 4-grams; an index built otherwise must be refused."""
    return SUBWORDS.settings()


def build_subword_index(texts: Sequence[str], *, show_progress: bool = False) -> LexicalIndex:
    """The 4-gram index of already-normalized `texts` (row i is texts[i])."""
    return LexicalIndex.build(texts, show_progress=show_progress, k1=SUBWORD_K1, b=SUBWORD_B,
                              background=False, analyzer=SUBWORDS)


def load_subword_index(folder: Path, mmap: bool = True) -> LexicalIndex:
    return LexicalIndex.load(folder, mmap=mmap, analyzer=SUBWORDS)
