"""Subword matching: BM25 over the character 4-grams of words, a second lexical signal.

Users ask in other forms of the document's words: «سلطنت کرد» for «سلطان بود», «بنیان نهاد»
for «بنیان‌گذاشته شد», «فوت» for «درگذشت»... Whole-word BM25 (qa.lexical) sees nothing in common
in the first two; the words' character 4-grams do («<سلط», «بنیا»). Each word is folded as the
word analyzer folds it, question words are dropped, and the word is padded with boundary marks
so that «<کتا» (a word that starts so) differs from «کتا» inside a word. (No string signal
helps with the third: that is the dense model's job.)

The signal only rescores the passages the word and dense rankings found: measured on train-side
proxies, that ranks as well as searching every passage for 4-grams. So the index is a forward
one — for each passage, its 4-grams (as sorted CRC-32 ids: no vocabulary to store or load) and
their counts — plus each 4-gram's document frequency. Rescoring reads only the candidates' rows,
which stays cheap, and small in memory, at a million passages. Chosen on training data only
(eval/tune_fusion.py, eval/train_proxies.py): 3-, 4- and 5-grams and k1 0.6-2.0 were within
0.002 MRR@10 of each other; 4-grams keep the index smaller.
"""

from __future__ import annotations

import json
import re
import zlib
from array import array
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from qa.errors import IndexInvalidError, IndexMissingError
from qa.lexical import QUESTION_WORDS, fold
from qa.row_values import IN_MEMORY_LIMIT_BYTES, RowValues

ANALYZER_NAME = "qa-char-4grams"
ANALYZER_VERSION = 1
GRAM = 4
FORMAT = "qa-subword"
FORMAT_VERSION = 2  # 2: counts as uint8
FOLDER = "subword"  # inside a generation
PARAMS_FILE = "subword.json"
# BM25 as bm25s's "lucene" variant scores it (the signal is min-max normalized before fusing).
K1 = 1.2
B = 0.75
ARRAYS = ("grams", "counts", "offsets", "lengths", "vocabulary", "doc_freq")

_WORD = re.compile(r"\w+")
_CACHE_LIMIT = 1_000_000
_ROWS_PER_CHUNK = 65_536  # building sorts one chunk of passages at a time: bounded memory
_NO_IDS = np.empty(0, dtype=np.uint32)


class SubwordAnalyzer:
    """Word -> the ids of its padded character 4-grams (the whole padded word when shorter)."""

    def __init__(self) -> None:
        self._cache: dict[str, tuple[int, ...]] = {}

    @staticmethod
    def grams(word: str) -> tuple[str, ...]:
        folded = fold(word)
        if not folded or folded in QUESTION_WORDS:
            return ()
        padded = f"<{folded}>"
        return tuple(padded[i:i + GRAM] for i in range(max(len(padded) - GRAM, 0) + 1))

    def word_ids(self, word: str) -> tuple[int, ...]:
        ids = self._cache.get(word)
        if ids is None:
            ids = tuple(zlib.crc32(gram.encode()) for gram in self.grams(word))
            if len(self._cache) > _CACHE_LIMIT:
                self._cache.clear()
            self._cache[word] = ids
        return ids

    def ids(self, normalized_text: str) -> list[int]:
        return [i for word in _WORD.findall(normalized_text) for i in self.word_ids(word)]


SUBWORDS = SubwordAnalyzer()


def settings_static() -> dict:
    """What shapes a query's 4-grams; an index built otherwise must be refused."""
    return {"analyzer": ANALYZER_NAME, "analyzer_version": ANALYZER_VERSION, "gram": GRAM,
            "question_words": sorted(QUESTION_WORDS)}


class SubwordIndex:
    """Each passage's 4-gram ids (sorted) and counts, and every 4-gram's document frequency.
    Safe to share between threads (read only)."""

    def __init__(self, arrays: dict[str, np.ndarray | RowValues], *, k1: float = K1, b: float = B) -> None:
        """`grams` and `counts` may be `RowValues` read from disk (see qa.row_values); the
        small arrays are plain ndarrays."""
        grams, counts = (array if isinstance(array, RowValues) else RowValues(np.asarray(array))
                         for array in (arrays["grams"], arrays["counts"]))
        self.grams: RowValues = grams  # uint32, passage after passage
        self.counts: RowValues = counts  # uint8, the count of each of those grams (at most 255)
        # Plain ndarray views of memory-mapped arrays: slicing an np.memmap runs Python code.
        small = {name: np.asarray(arrays[name]) for name in ("offsets", "lengths", "vocabulary", "doc_freq")}
        self.offsets = small["offsets"]  # int64, passage i owns [offsets[i], offsets[i + 1])
        self.lengths = small["lengths"]  # int32, 4-grams in each passage, repeats counted
        self.vocabulary = small["vocabulary"]  # uint32, sorted ids of all 4-grams
        self.doc_freq = small["doc_freq"]  # int32, passages holding each of them
        self.size = len(self.offsets) - 1
        self.k1, self.b = k1, b
        self.average_length = float(self.lengths.mean()) if self.size else 1.0

    @classmethod
    def build(cls, texts: Sequence[str], *, show_progress: bool = False) -> SubwordIndex:
        """Index already-normalized `texts` (row i is texts[i])."""
        from tqdm.auto import tqdm

        grams, counts, sizes, lengths = [], [], [], []
        vocabularies, frequencies = [], []
        bar = tqdm(total=len(texts), desc="subword index", disable=not show_progress)
        for start in range(0, len(texts), _ROWS_PER_CHUNK):
            chunk = texts[start:start + _ROWS_PER_CHUNK]
            ids = array("I")
            chunk_lengths = np.zeros(len(chunk), dtype=np.int64)
            for row, text in enumerate(chunk):
                before = len(ids)
                for word in _WORD.findall(text):
                    ids.extend(SUBWORDS.word_ids(word))
                chunk_lengths[row] = len(ids) - before
            bar.update(len(chunk))
            # One key per gram, row-major: sorted, equal keys are one (passage, gram) entry.
            keys = np.repeat(np.arange(len(chunk), dtype=np.int64), chunk_lengths) << 32
            keys |= np.frombuffer(ids, dtype=np.uint32).astype(np.int64)
            del ids
            keys.sort()
            starts = np.flatnonzero(np.diff(keys, prepend=-1))
            chunk_counts = np.diff(starts, append=len(keys))
            keys = keys[starts]
            chunk_grams = (keys & 0xFFFFFFFF).astype(np.uint32)
            sizes.append(np.bincount(keys >> 32, minlength=len(chunk)))
            grams.append(chunk_grams)
            counts.append(np.minimum(chunk_counts, np.iinfo(np.uint8).max).astype(np.uint8))
            lengths.append(chunk_lengths.astype(np.int32))
            vocabulary, frequency = np.unique(chunk_grams, return_counts=True)
            vocabularies.append(vocabulary)
            frequencies.append(frequency)
        bar.close()
        vocabulary, inverse = np.unique(np.concatenate(vocabularies or [_NO_IDS]), return_inverse=True)
        doc_freq = np.bincount(inverse, weights=np.concatenate(frequencies or [np.empty(0, dtype=np.int64)]),
                               minlength=len(vocabulary))
        offsets = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum(np.concatenate(sizes or [np.empty(0, dtype=np.int64)]), out=offsets[1:])
        return cls({
            "grams": np.concatenate(grams or [_NO_IDS]),
            "counts": np.concatenate(counts or [np.empty(0, dtype=np.uint8)]),
            "offsets": offsets,
            "lengths": np.concatenate(lengths or [np.empty(0, dtype=np.int32)]),
            "vocabulary": vocabulary.astype(np.uint32),
            "doc_freq": doc_freq.astype(np.int32),
        })

    def score_rows(self, normalized_query: str, rows: np.ndarray) -> np.ndarray:
        """The query's BM25 score of each of `rows` (0 where no 4-gram is shared), reading
        only those rows: vectorized over all their grams at once."""
        rows = np.asarray(rows, dtype=np.int64)
        scores = np.zeros(len(rows), dtype=np.float32)
        query = np.asarray(SUBWORDS.ids(normalized_query), dtype=np.uint32)
        if not len(query) or not len(rows) or not len(self.vocabulary):
            return scores
        query, repeats = np.unique(query, return_counts=True)
        at = np.minimum(np.searchsorted(self.vocabulary, query), len(self.vocabulary) - 1)
        known = self.vocabulary[at] == query
        if not known.any():
            return scores
        query, repeats, doc_freq = query[known], repeats[known], self.doc_freq[at[known]]
        # Lucene's IDF, as bm25s computes it for the word index.
        weight = repeats * np.log(1 + (self.size - doc_freq + 0.5) / (doc_freq + 0.5))
        starts, sizes = self.offsets[rows], self.offsets[rows + 1] - self.offsets[rows]
        # Every gram of every row, and which row each belongs to.
        owner = np.repeat(np.arange(len(rows)), sizes)
        grams = self.grams.gather(starts, sizes)
        where = np.minimum(np.searchsorted(query, grams), len(query) - 1)
        match = query[where] == grams
        owner, where = owner[match], where[match]
        tf = self.counts.gather(starts, sizes)[match].astype(np.float64)
        length = self.lengths[rows][owner]
        tf_part = tf / (tf + self.k1 * (1 - self.b + self.b * length / self.average_length))
        scores[:] = np.bincount(owner, weights=weight[where] * tf_part, minlength=len(rows))
        return scores

    def settings(self) -> dict:
        """The analyzer and BM25 parameters this index was built with (for the manifest)."""
        return {**settings_static(), "bm25": {"k1": self.k1, "b": self.b}}

    def array(self, name: str) -> np.ndarray:
        """One of `ARRAYS`, whole (read from disk if need be)."""
        array = getattr(self, name)
        return array.whole() if isinstance(array, RowValues) else array

    def save(self, folder: Path) -> None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        for name in ARRAYS:
            np.save(folder / f"{name}.npy", self.array(name))
        params = {"format": FORMAT, "format_version": FORMAT_VERSION, **self.settings(),
                  "num_docs": self.size, "vocab_size": len(self.vocabulary)}
        (folder / PARAMS_FILE).write_text(json.dumps(params, ensure_ascii=False, indent=2), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, mmap: bool = True) -> SubwordIndex:
        """Open an index written by `save`; refuse one of another format or analyzer, or damaged."""
        folder = Path(folder)
        rebuild = "rebuild with `qa index build`"
        if not folder.is_dir():
            raise IndexMissingError(f"no subword index at {folder}: run `qa index build`")
        try:
            params = json.loads((folder / PARAMS_FILE).read_text(encoding="utf-8"))
            # The per-passage runs are read per question, from disk when large (qa.row_values);
            # the small arrays are memory-mapped.
            limit = IN_MEMORY_LIMIT_BYTES if mmap else None
            arrays: dict[str, np.ndarray | RowValues] = {
                name: RowValues.open(folder / f"{name}.npy", limit) if name in ("grams", "counts")
                else np.load(folder / f"{name}.npy", mmap_mode="r" if mmap else None, allow_pickle=False)
                for name in ARRAYS}
        except (OSError, ValueError) as error:
            raise IndexInvalidError(f"subword index at {folder} cannot be read ({error}): {rebuild}") from error
        if not isinstance(params, dict) or (params.get("format"), params.get("format_version")) != (FORMAT, FORMAT_VERSION):
            raise IndexInvalidError(f"subword index at {folder} is not format {FORMAT} {FORMAT_VERSION}: {rebuild}")
        expected = settings_static()
        recorded = {key: params.get(key) for key in expected}
        if recorded != expected:
            raise IndexInvalidError(f"subword index at {folder} was built with analyzer {recorded!r}, "
                                    f"this version uses {expected!r}: {rebuild}")
        bm25 = params.get("bm25") or {}
        index = cls(arrays, k1=bm25.get("k1", K1), b=bm25.get("b", B))
        offsets = index.offsets
        consistent = (
            params.get("num_docs") == index.size and len(index.lengths) == index.size
            and params.get("vocab_size") == len(index.vocabulary) == len(index.doc_freq)
            and len(offsets) > 0 and int(offsets[0]) == 0
            and int(offsets[-1]) == len(index.grams) == len(index.counts)
        )
        if not consistent:
            raise IndexInvalidError(f"subword index at {folder} is damaged (its arrays disagree): {rebuild}")
        return index
