"""Persian BM25: the project's analyzer (folded letters, stems, compound parts) over bm25s.

Questions and passages arrive already normalized by `qa.text.normalize` (ZWNJ compounds
joined, ASCII digits, lower case). The analyzer then

- folds letters that normalization keeps apart but users type interchangeably (آ/ا, ئ/ی, ء);
- drops question words («چه», «کدام», «چیست», «چه کسی» ...), which passages rarely contain;
- stems each word by removing plural, comparative, indefinite and clitic suffixes
  («کتابهایشان» -> «کتاب», «بزرگترین» -> «بزرگ») only when what is left is a word of hazm's
  lexicon, choosing the most frequent such word («سالهای» -> «سال», not «ساله»);
- in passages only, adds the parts of compounds («کتابخانه» -> «کتابخانه کتاب خانه»), so a
  question that writes them apart («کتاب خانه», as users without a ZWNJ key do) still matches.

Each choice was measured on PQuAD train questions: see eval/lexical_ablation.py.
The index is bm25s's own folder of .npy arrays plus JSON, with our params file beside it.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import unicodedata
from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal, Protocol

import numpy as np

from qa.background import Background, blended_idf, load_background, lucene_idf
from qa.errors import IndexInvalidError, IndexMissingError, InputError
from qa.row_values import IN_MEMORY_LIMIT_BYTES, RowValues

ANALYZER_NAME = "qa-persian"
# 2: an adjective of a vowel-final word, «اروپایی», is read as the word, «اروپا».
# 3: so is the plural of an adjective, «ایرانی‌ها», as its word, «ایران».
# 4: a passage word that runs a function word into a lexicon word («درسال», «دردسترس») also
#    gives that word.
# 5: question words with the copula or the plural on them («کیست», «کدام‌اند») are question words.
# 6: the plural «گان» is read only as that of a word in «ه» of 4+ letters («مردگان» -> «مرده», not
#    «مرد»; «ریگان» no longer «ریه», «ارگان» no longer «اره»).
ANALYZER_VERSION = 6
# 2: each passage's tokens in text order are stored too (word pairs side by side, `proximity`).
FORMAT_VERSION = 2
PARAMS_FILE = "lexical.json"
SEQUENCE_FILE = "word_sequence.npy"  # every passage's term ids in text order, concatenated
SEQUENCE_OFFSETS_FILE = "word_sequence_offsets.npy"  # passage i is sequence[offsets[i]:offsets[i + 1]]
# The passages' Persian words the analyzer cuts to another token («آلماتی» -> «الم»), as written
# (normalized): what a name typed in Latin letters is matched against (`qa.latin_names`), as the
# tokens alone have lost them. Optional: an index built before it was added is served without.
CUT_WORDS_FILE = "cut_words.json"
PERSIAN_LETTERS = re.compile("[\u0621-\u06cc]+")  # Arabic-script letters as normalized text has them

# BM25 parameters tuned on PQuAD train questions (k1 0.4-0.8 and b 0.75-0.9 are all within
# 0.001 MRR@10 of each other; the library default k1=1.5, b=0.75 is 0.006 worse).
DEFAULT_K1 = 0.6
DEFAULT_B = 0.9
DEFAULT_METHOD = "lucene"
METHODS = ("lucene", "robertson", "atire")

# hazm strips the madda of a decomposed آ (ا + U+0653) but keeps a composed one, and keeps ئ
# while turning a hamza written above ی into ی: fold both ways of writing to one letter.
_FOLD = str.maketrans({"آ": "ا", "ئ": "ی", "ء": None, "\u200c": None})


def fold(word: str) -> str:
    """A word with the letters users type interchangeably folded to one (see _FOLD)."""
    return word.translate(_FOLD)


# Words that ask rather than tell: frequent in questions, rare in passages, so BM25 would give
# them a high weight for nothing. hazm's general stopword list hurt (it holds content words such
# as «بزرگ», «اثر», «راه»): -0.010 MRR@10 on PQuAD train. The second line: question words with
# the copula or the plural on them, which the stemmer leaves whole («کیست» is in 53 of 5,988
# PQuAD train questions, «چندمین» in 36, and in one passage of 3,554) or reads as a question
# word only when a suffix comes off («کدام‌اند»).
QUESTION_WORDS = frozenset(
    {
        "چه", "چیست", "چی", "چیه", "کدام", "کدامیک", "کدامین", "کی", "کجا", "کجاست", "چرا",
        "چگونه", "چطور", "چند", "چندم", "چقدر", "ایا", "کسی", "کسانی", "چیزی", "چیزهایی",
        "کیست", "کیستند", "چیستند", "کداماند", "کدامند", "کدامها", "کیانند", "کجایند", "کجاها", "چندمین",
    }
)  # fmt: skip
# Suffixes in the order Persian stacks them: (adjectival ی +) comparative, plural, indefinite
# or ezafe ی, then a possessive or copula clitic. ZWNJ is gone, so «کتاب‌هایشان» is one string.
_SUFFIXES = re.compile(
    "(?:ی?(?:ترین|تر))?(?:ها|یان|گان|ان|ات|ین)?(?:یی|ای|ی)?"
    "(?:مان|تان|شان|است|اند|ایم|اید|اش|ام|ات|یم|یت|یش|م|ت|ش)?"
)
_SUFFIX_LAST_LETTERS = frozenset("انتیرمشد")
_WORD = re.compile(r"\w+")
# hazm's lexicon is not normalized: this does what `normalize` does to a single clean word
# (checked: the same result for all but 4 of its 35,717 entries), without its 3 s cost.
_LEXICON_LETTERS = str.maketrans(
    {"أ": "ا", "إ": "ا", "ٱ": "ا", "ؤ": "و", "ة": "ه", "ۀ": "ه", "ي": "ی", "ك": "ک"}
)
# _LEXICON_LETTERS then _FOLD as one map, and the letters it changes.
_LEXICON_FOLD = {chr(code): chr(code).translate(_LEXICON_LETTERS).translate(_FOLD)
                 for code in {*_LEXICON_LETTERS, *_FOLD}}
_LEXICON_FOLDED_LETTER = re.compile("|".join(map(re.escape, _LEXICON_FOLD)))
_MIN_STEM = 3  # shorter stems only before «ها» («سرها» -> «سر»); «رزین» must not become «رز»
_MIN_PART = 3  # parts of compounds found by splitting unknown words
# Function words a passage runs into the next word (both end in letters that do not join, or
# are written so often glued: «درسال», «ازبین», «بهدنیا», «باوجود»); only the word after counts.
_GLUED_FUNCTION_WORDS = frozenset({"در", "از", "به", "با"})
# A question all of whose words are in more than this share of the background texts asks nothing
# in particular (`LexicalIndex.only_common_words`). None of the 12,049 questions of the train-side,
# PQuAD dev and default sets (unanswerable ones included) is such a question at 5%, 10% or 20%;
# «و», «از», «این چیست؟», «است», «سال» are («این» is in 16%, «سال» 13%, «اولین» 3%).
COMMON_WORD_SHARE = 0.1
_CACHE_LIMIT = 1_000_000
# Pruned search gives up (and scores every passage) when its candidates would exceed this
# share of the corpus: beyond it, looking them up costs more than adding whole lists.
PRUNING_MAX_SHARE = 8
# Relative slack on pruning bounds: float32 sums in another order differ by far less.
_MARGIN = 1e-4


@dataclass(frozen=True)
class _Lexicon:
    """hazm's word list, folded as passages are: word -> frequency, compound -> its parts."""

    frequency: dict[str, int]
    compounds: dict[str, tuple[str, ...]]
    digest: str


def _fold_lexicon_words(words: list[str]) -> list[str]:
    """hazm word-list entries folded as passages are (stripped, marks dropped, letters
    unified, lower case). All in one string: `translate` and `lower` cost little per character
    but much per call, and the word list and verb forms are 130k entries read at every start."""
    kept = []
    for word in words:
        word = word.strip()
        # Marks (Mn) are not letters, so only a word that is not all letters (ZWNJ aside) can
        # hold one: the per-character check runs for a few entries, not for every compound.
        if not word.replace("\u200c", "").isalpha():
            word = "".join(c for c in word if unicodedata.category(c) != "Mn")
        kept.append(word)
    text = "\n".join(kept)
    if text.count("\n") >= len(kept):  # a word with a newline: never in hazm's lists
        return [word.translate(_LEXICON_LETTERS).translate(_FOLD).lower() for word in kept]
    # `translate` looks up every character (~100 ns each); the few that change are replaced
    # by one regex pass instead.
    return _LEXICON_FOLDED_LETTER.sub(lambda found: _LEXICON_FOLD[found.group()], text).lower().split("\n")


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    from qa.hazm_tables import hazm_tables  # read once, when the first word is stemmed

    frequency: dict[str, int] = {}
    compounds: dict[str, tuple[str, ...]] = {}
    entries = hazm_tables().word_list
    folded_words = _fold_lexicon_words([word for word, _ in entries])
    for (_, count), folded in zip(entries, folded_words, strict=True):
        frequency[folded] = max(count, frequency.get(folded, 0))
    joined = [(folded, word.split("\u200c")) for (word, _), folded in zip(entries, folded_words, strict=True)
              if "\u200c" in word]
    folded_parts = iter(_fold_lexicon_words([part for _, parts in joined for part in parts]))
    for folded, parts in joined:
        compounds.setdefault(folded, tuple(next(folded_parts) for _ in parts))
    blob = json.dumps([sorted(frequency.items()), sorted(compounds.items())], ensure_ascii=False)
    return _Lexicon(frequency, compounds, hashlib.sha256(blob.encode()).hexdigest()[:16])


class _Analyzer:
    """Word -> tokens, with per-word caches: a corpus has far fewer distinct words than words."""

    def __init__(self) -> None:
        self._query_cache: dict[str, tuple[str, ...]] = {}
        self._passage_cache: dict[str, tuple[str, ...]] = {}

    def read(self, word: str) -> tuple[str, ...]:
        """A word's query tokens, uncached: its folded stem, none for a question word."""
        folded = word.translate(_FOLD)
        return () if folded in QUESTION_WORDS or not folded else (self.stem(folded),)

    def query_tokens(self, word: str) -> tuple[str, ...]:
        tokens = self._query_cache.get(word)
        if tokens is None:
            tokens = self.read(word)
            if len(self._query_cache) > _CACHE_LIMIT:
                self._query_cache.clear()
            self._query_cache[word] = tokens
        return tokens

    def passage_tokens(self, word: str) -> tuple[str, ...]:
        tokens = self._passage_cache.get(word)
        if tokens is None:
            tokens = self.query_tokens(word)
            if tokens:
                tokens += tuple(p for p in self.compound_parts(tokens[0]) if p != tokens[0])
            if len(self._passage_cache) > _CACHE_LIMIT:
                self._passage_cache.clear()
            self._passage_cache[word] = tokens
        return tokens

    def stem(self, word: str) -> str:
        """The most frequent lexicon word left after removing a suffix chain, else the word; an
        adjective of a vowel-final word then as that word (`_vowel_final_base`)."""
        return _vowel_final_base(self._suffix_stem(word))

    def _suffix_stem(self, word: str) -> str:
        frequency = _lexicon().frequency
        if word in frequency or word[-1] not in _SUFFIX_LAST_LETTERS or not word.isalpha():
            return word
        best, best_key = word, (-1, 0)
        for cut in range(2, len(word)):
            suffix = word[cut:]
            if not _SUFFIXES.fullmatch(suffix):
                continue
            stem = word[:cut]
            # «گان» is the plural of a word ending in a silent «ه» («ستارگان», «نمایندگان»): not of
            # the word without it («مردگان» is no «مرد»), nor of a 3-letter one, which names and
            # other words ending so are read as far more often («ریگان» -> «ریه», «ارگان» -> «اره»).
            if suffix.startswith("گان"):
                candidates: tuple[str, ...] = (stem + "ه",) if len(stem) >= _MIN_STEM else ()
            else:
                candidates = (stem,)
            for candidate in candidates:
                if candidate not in frequency:
                    continue
                if len(candidate) < _MIN_STEM and not suffix.startswith("ها"):
                    continue
                key = (frequency[candidate], len(candidate))
                if key > best_key:
                    best, best_key = candidate, key
        if best == word:
            return self._adjective_plural_stem(word)
        return best

    def _adjective_plural_stem(self, word: str) -> str:
        """«ایرانی‌ها» -> «ایران», «عثمانی‌ها» -> «عثمان», as «ایرانی» -> «ایران»: the plural of an
        adjective that is not itself a lexicon word (no suffix cut reached one). Only then, so
        «کشتی‌ها» stays «کشتی» (a word), not «کشت»."""
        for cut in range(_MIN_STEM + 1, len(word) - 1):
            adjective, suffix = word[:cut], word[cut:]
            if adjective.endswith("ی") and suffix.startswith("ها") and _SUFFIXES.fullmatch(suffix):
                stem = self._suffix_stem(adjective)
                if stem != adjective:
                    return stem
        return word

    def glued_to_function_word(self, word: str) -> str | None:
        """The lexicon word (stemmed) that a folded word runs «در», «از», «به» or «با» into, where
        the whole is no lexicon word: «درسال» -> «سال», «بهعنوان» -> «عنوان»; else None."""
        if word[:2] not in _GLUED_FUNCTION_WORDS or len(word) < 2 + _MIN_PART or word in _lexicon().frequency:
            return None
        rest = self.stem(word[2:])
        return rest if rest in _lexicon().frequency and len(rest) >= _MIN_PART else None

    def compound_parts(self, stem: str) -> tuple[str, ...]:
        """Parts of a compound: from hazm's lexicon (written with ZWNJ there) or by splitting
        an unknown word into two known ones; of an unknown word that runs «در», «از», «به» or
        «با» into a lexicon word, that word («درسال» -> «سال»: after a letter that does not
        join, the missing space does not show, and writers miss it)."""
        lexicon = _lexicon()
        parts = lexicon.compounds.get(stem)
        if parts is not None:
            return tuple(self.stem(p) for p in parts if len(p) >= 2 and p not in QUESTION_WORDS)
        if stem in lexicon.frequency or not stem.isalpha():
            return ()
        if (word := self.glued_to_function_word(stem)) is not None:
            return (word,)
        cut = self.known_words_cut(stem)
        return (stem[:cut], self.stem(stem[cut:])) if cut else ()

    def known_words_cut(self, stem: str) -> int | None:
        """Where to cut a word into two lexicon words of 3 letters or more (the second with any
        ending), the pair whose rarer word is the more frequent; None if nowhere."""
        frequency = _lexicon().frequency
        best: tuple[int, int] | None = None
        for cut in range(_MIN_PART, len(stem) - _MIN_PART + 1):
            head, tail = stem[:cut], self.stem(stem[cut:])
            if head in frequency and tail in frequency:
                score = min(frequency[head], frequency[tail])
                if best is None or score > best[0]:
                    best = (score, cut)
        return best[1] if best else None


def _vowel_final_base(stem: str) -> str:
    """«اروپایی» -> «اروپا», «کانادایی» -> «کانادا», «آمریکایی» -> «آمریکا»: a word ending in «ا»
    makes its adjective with «یی», which hazm's lexicon lists as a word of its own, so a question
    about «اروپا» did not find a passage about «قلعه‌های اروپایی». Only where the base is a
    lexicon word; «ی» after a consonant is left alone («بازی» is not «باز», «کشتی» not «کشت»)."""
    if len(stem) > 4 and stem.endswith("ایی") and stem[:-2] in _lexicon().frequency:
        return stem[:-2]
    return stem


_ANALYZER = _Analyzer()


def analyze(normalized_text: str) -> list[str]:
    """Tokens of a question (or of any text compared word by word): folded, stemmed words
    without question words. `normalized_text` comes from `qa.text.normalize`."""
    words = _WORD.findall(normalized_text)
    return [token for word in words for token in _ANALYZER.query_tokens(word)]


def word_token(normalized_word: str) -> str | None:
    """The token `analyze` gives one normalized word (None for a question word), computed
    without keeping it in the analyzer's cache: spelling correction tries hundreds of made-up
    strings per unknown word, which would otherwise crowd the cache (and memory)."""
    found = _ANALYZER.read(normalized_word)
    return found[0] if found else None


def verb_tokens(normalized_text: str) -> frozenset[str]:
    """The tokens of a text's words that hazm lists as conjugated verb forms («شد», «نبوده»,
    «می‌کردند»), also where a form is a noun too («نام», «نبرد», «دوم»: 633 are lexicon words)."""
    forms = _verb_forms()
    return frozenset(token for word in _WORD.findall(normalized_text) if fold(word) in forms
                     for token in _ANALYZER.query_tokens(word))


def is_verb_form(normalized_word: str) -> bool:
    """Whether a normalized word is one of hazm's one-word verb forms («برسیم», «می‌کردند»)."""
    return fold(normalized_word) in _verb_forms()


@lru_cache(maxsize=1)
def _verb_forms() -> frozenset[str]:
    """hazm's one-word verb forms (35k of its 251k, the rest have a space), folded as passages
    are; 0.1 s once hazm's tables are loaded."""
    from qa.hazm_tables import hazm_tables

    return frozenset(_fold_lexicon_words([form for form in hazm_tables().verbs if form and " " not in form]))


def analyze_passage(normalized_text: str) -> list[str]:
    """Tokens of a passage for the index: `analyze` plus the parts of compound words."""
    words = _WORD.findall(normalized_text)
    return [token for word in words for token in _ANALYZER.passage_tokens(word)]


def lexicon_frequencies() -> Mapping[str, int]:
    """hazm's word list, folded as passages are: word -> its count in hazm's corpus."""
    return _lexicon().frequency


def in_lexicon(word: str) -> bool:
    """Whether a normalized word, or what is left of it without its suffixes, is in hazm's
    word list (which holds no conjugated verbs)."""
    folded = fold(word)
    frequency = _lexicon().frequency
    return folded in frequency or _ANALYZER.stem(folded) in frequency


def compound_split(word: str) -> tuple[str, str] | None:
    """A normalized word cut into the two words it compounds, any suffix left on the second:
    one hazm lists as a compound («رایگیریها» -> «رای», «گیریها»), or a word it does not know
    that is two it knows of 3 letters or more, as `analyze_passage` finds parts («سیستمعامل»
    -> «سیستم», «عامل»); else None."""
    folded = fold(word)
    if len(word) != len(folded) or not folded.isalpha():
        return None
    stem = _ANALYZER.stem(folded)
    lexicon = _lexicon()
    parts = lexicon.compounds.get(stem)
    if parts is not None:
        if len(parts) != 2 or not folded.startswith(parts[0] + parts[1]):
            return None
        return word[:len(parts[0])], word[len(parts[0]):]
    if stem in lexicon.frequency:
        return None
    cut = _ANALYZER.known_words_cut(stem)
    return (word[:cut], word[cut:]) if cut else None


def listed_compound(word: str) -> bool:
    """Whether hazm's lexicon lists a normalized word (less its suffixes) as a compound, as
    opposed to `compound_split` finding two lexicon words in a word it does not know."""
    folded = fold(word)
    return folded.isalpha() and _ANALYZER.stem(folded) in _lexicon().compounds


def is_lexicon_word(word: str) -> bool:
    """Whether a normalized word is in hazm's word list as it is."""
    return fold(word) in _lexicon().frequency


class Vocabulary(Protocol):
    """A corpus's words, as `LexicalIndex` holds them (question rewriting reads only these)."""

    def knows(self, word: str) -> bool: ...  # some passage has the word, in some form

    def document_frequency(self, word: str) -> int: ...

    def has_token(self, token: str) -> bool: ...  # some passage has this index token

    def together(self, first: str, second: str) -> bool: ...  # some passage has both words


def glued_function_word(normalized_word: str) -> bool:
    """Whether a normalized word runs «در», «از», «به» or «با» into a lexicon word, as passages
    are indexed with that word too («درسال», «بهعنوان»; not «درمان»)."""
    tokens = _ANALYZER.query_tokens(normalized_word) if normalized_word.isalpha() else ()
    return len(tokens) == 1 and _ANALYZER.glued_to_function_word(tokens[0]) is not None


def known_word(word: str, corpus: Vocabulary) -> bool:
    """Whether hazm's lexicon or the corpus knows a normalized word, in some form: such a word
    is never read as another one."""
    return in_lexicon(word) or corpus.knows(word)


def analyzer_settings() -> dict:
    """What shapes the tokens of a question; an index built otherwise must be refused."""
    return {
        "analyzer": ANALYZER_NAME,
        "analyzer_version": ANALYZER_VERSION,
        "lexicon": _lexicon().digest,
        "question_words": sorted(QUESTION_WORDS),
    }


def _empty() -> tuple[np.ndarray, np.ndarray]:
    return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)


def _best(rows: np.ndarray, scores: np.ndarray, top_k: int) -> tuple[np.ndarray, np.ndarray]:
    """The `top_k` best of `rows` (ascending) by score, ties broken by row, best first."""
    if len(rows) > top_k:
        cut = len(scores) - top_k
        kth = np.partition(scores, cut)[cut]
        above = scores > kth
        # Of the rows tied at the cut, the lowest ones (rows ascend), as a full sort would keep.
        tied = np.flatnonzero(scores == kth)[: top_k - int(above.sum())]
        above[tied] = True
        rows, scores = rows[above], scores[above]
    order = np.lexsort((rows, -scores))
    return rows[order].astype(np.int64), scores[order]


class LexicalIndex:
    """BM25 over `analyze_passage` tokens; row i is texts[i]. Safe to share between threads."""

    def __init__(self, bm25, sequence: np.ndarray | RowValues, sequence_offsets: np.ndarray, *, k1: float,
                 b: float, method: str, background: Background | None | bool = True,
                 cut_words: Sequence[str] | Path = ()) -> None:
        """`sequence`/`sequence_offsets`: every passage's term ids in text order (see
        `proximity`). `cut_words`: the passages' Persian words the analyzer reads as another
        token (see `words`), or the file they are read from when first needed. `background`: True uses the shipped background statistics
        (qa.background) to steady the IDF of small corpora, None or False the corpus's own IDF
        only."""
        self._bm25 = bm25
        # Read per question, from disk when large (qa.row_values).
        self._sequence = sequence if isinstance(sequence, RowValues) else RowValues(np.asarray(sequence))
        self._sequence_offsets = np.asarray(sequence_offsets)
        self._vocab: dict[str, int] = bm25.vocab_dict
        # Plain ndarray views of the (memory-mapped) arrays: every slice of an np.memmap runs
        # Python-level __array_finalize__, a third of a PQuAD search's lexical time.
        self._data = np.asarray(bm25.scores["data"])
        self._indices = np.asarray(bm25.scores["indices"])
        self._indptr = np.asarray(bm25.scores["indptr"])
        self.size = int(bm25.scores["num_docs"])
        self.k1, self.b, self.method = k1, b, method
        self._bounds: dict[int, tuple[float, float]] = {}
        if background is True:
            background = load_background()
        # The stored scores hold Lucene's IDF; other methods' IDF is left alone.
        self.background = background if background and method == "lucene" else None
        self._idf_factors: dict[int, float] = {}
        self._tokens: list[str] | None = None  # term id -> token, built when first needed
        self._cut_words: tuple[str, ...] | Path = cut_words if isinstance(cut_words, Path) else tuple(cut_words)

    @classmethod
    def build(
        cls,
        texts: Sequence[str],
        *,
        show_progress: bool = False,
        k1: float = DEFAULT_K1,
        b: float = DEFAULT_B,
        method: str = DEFAULT_METHOD,
        background: Background | None | bool = True,
    ) -> LexicalIndex:
        """Index already-normalized `texts`. Scores are bm25s's own formulas; the sparse matrix
        is built here with numpy because bm25s keeps every document as a list of Python ints,
        which does not fit in memory for a million passages."""
        import bm25s
        from bm25s.scoring import _select_idf_scorer, _select_tfc_scorer
        from tqdm.auto import tqdm

        if method not in METHODS:
            raise InputError(f"unknown BM25 method {method!r}: use one of {', '.join(METHODS)}")
        vocab: dict[str, int] = {}
        ids_of_word: dict[str, tuple[int, ...]] = {}  # this build's own cache, word -> term ids
        tokens = array("i")
        lengths = np.zeros(len(texts), dtype=np.int64)
        for row, text in enumerate(tqdm(texts, desc="lexical index", disable=not show_progress)):
            start = len(tokens)
            for word in _WORD.findall(text):
                ids = ids_of_word.get(word)
                if ids is None:
                    passage_tokens = _ANALYZER.passage_tokens(word)
                    ids = tuple(vocab.setdefault(t, len(vocab)) for t in passage_tokens)
                    ids_of_word[word] = ids
                tokens.extend(ids)
            lengths[row] = len(tokens) - start
        cut_words = sorted(word for word in ids_of_word if word not in vocab and PERSIAN_LETTERS.fullmatch(word))
        del ids_of_word
        n_docs, n_terms = len(texts), len(vocab)
        sequence = np.frombuffer(tokens, dtype=np.int32).copy()
        del tokens
        sequence_offsets = np.zeros(n_docs + 1, dtype=np.int64)
        np.cumsum(lengths, out=sequence_offsets[1:])
        # One key per token, term-major: sorted, equal keys are one (term, passage) entry of the
        # CSC matrix, in order, and their run length is the term frequency.
        keys = sequence.astype(np.int64) * max(n_docs, 1)
        keys += np.repeat(np.arange(n_docs, dtype=np.int64), lengths)
        keys.sort()
        starts = np.flatnonzero(np.diff(keys, prepend=-1))
        term_freq = np.diff(starts, append=len(keys))
        keys = keys[starts]
        terms, rows = keys // max(n_docs, 1), keys % max(n_docs, 1)
        del keys, starts
        doc_freq = np.bincount(terms, minlength=n_terms)
        idf_of = _select_idf_scorer(method)
        distinct_df = np.unique(doc_freq)
        idf_by_df = np.array([idf_of(int(df), N=n_docs) for df in distinct_df], dtype=np.float64)
        idf = idf_by_df[np.searchsorted(distinct_df, doc_freq)]
        tfc = _select_tfc_scorer(method)(
            tf_array=term_freq.astype(np.float64),
            l_d=lengths[rows],
            l_avg=float(lengths.mean()) if n_docs else 1.0,
            k1=k1,
            b=b,
        )
        indptr = np.zeros(n_terms + 1, dtype=np.int64)
        np.cumsum(doc_freq, out=indptr[1:])
        bm25 = bm25s.BM25(k1=k1, b=b, method=method)
        bm25.scores = {
            "data": (idf[terms] * tfc).astype(np.float32),
            "indices": rows.astype(np.int32),
            "indptr": indptr,
            "num_docs": n_docs,
        }
        bm25.vocab_dict = vocab
        bm25.nonoccurrence_array = None
        return cls(bm25, sequence, sequence_offsets, k1=k1, b=b, method=method, background=background,
                   cut_words=cut_words)

    def search(self, normalized_query: str, top_k: int,
               extra_tokens: Mapping[str, float] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Rows and scores of the best `top_k` passages, best first (ties by row); only
        passages sharing a token with the query. A query of question words only gives empty
        arrays. `extra_tokens` (token -> weight, e.g. synonyms) are searched too, each scored
        as a query word times its weight."""
        if top_k < 1:
            raise InputError(f"top_k must be at least 1, not {top_k}")
        terms, weights = self.query_terms(normalized_query, extra_tokens)
        if not terms:
            return _empty()
        pruned = self._search_pruned(terms, weights, top_k)
        if pruned is not None:
            return pruned
        return self._search_exhaustive(terms, weights, top_k)

    def score_rows(self, normalized_query: str, rows: np.ndarray, top_k: int,
                   extra_tokens: Mapping[str, float] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """`search` restricted to `rows`: their exact scores (with `extra_tokens`, as in
        `search`), the best `top_k` of those above zero. Reads only those rows' entries of each
        term's list (binary search), so its cost does not grow with the corpus."""
        terms, weights = self.query_terms(normalized_query, extra_tokens)
        if not terms or not len(rows):
            return _empty()
        return self._exact_best(terms, weights, np.unique(np.asarray(rows, dtype=np.int64)), top_k)

    def proximity(self, normalized_query: str, rows: np.ndarray) -> np.ndarray:
        """For each of `rows`, how much of the question's word order it keeps: the share of
        the question's consecutive word pairs (question words left out; each pair weighs its
        two words' IDF, as `term_weights`) that stand side by side, in either order, in the
        passage. «مادر هیتلر» in a question finds the passage that says «مادر هیتلر», not
        one that names Hitler and, elsewhere, someone's mother. 0 where nothing pairs up."""
        scores = np.zeros(len(rows), dtype=np.float32)
        query = analyze(normalized_query)
        pairs = [(a, b) for a, b in zip(query, query[1:], strict=False) if a != b]
        if not pairs or not len(rows):
            return scores
        weights = self.term_weights(normalized_query)
        total = sum(weights[a] + weights[b] for a, b in pairs)
        vocab_size = len(self._vocab)
        known: dict[int, float] = {}  # pair key (either order) -> its weight, repeats added
        for a, b in pairs:
            if a in self._vocab and b in self._vocab:
                low, high = sorted((self._vocab[a], self._vocab[b]))
                key = low * vocab_size + high
                known[key] = known.get(key, 0.0) + weights[a] + weights[b]
        if not known or total <= 0:
            return scores
        sequence, lengths = self._runs(rows)
        owner = np.repeat(np.arange(len(rows)), lengths)
        # Only positions holding a question word matter: two of them side by side are a pair.
        keys = np.fromiter(known, dtype=np.int64, count=len(known))
        order = np.argsort(keys)
        keys, pair_weights = keys[order], np.fromiter(known.values(), dtype=np.float64, count=len(known))[order]
        terms = np.unique(np.concatenate([keys // vocab_size, keys % vocab_size])).astype(self._sequence.dtype)
        if len(terms) <= 16:  # a few passes of == beat a binary search per token
            wanted = sequence == terms[0]
            for term in terms[1:]:
                wanted |= sequence == term
        else:
            wanted = terms[np.minimum(np.searchsorted(terms, sequence), len(terms) - 1)] == sequence
        at = np.flatnonzero(wanted)
        adjacent = (at[1:] == at[:-1] + 1) & (owner[at[1:]] == owner[at[:-1]])
        left, right = sequence[at[:-1][adjacent]].astype(np.int64), sequence[at[1:][adjacent]].astype(np.int64)
        found_keys = np.minimum(left, right) * vocab_size + np.maximum(left, right)
        slot = np.minimum(np.searchsorted(keys, found_keys), len(keys) - 1)
        match = keys[slot] == found_keys
        # Each pair counts once per passage however often it occurs there.
        hits = np.unique(owner[at[:-1][adjacent]][match] * len(keys) + slot[match])
        found = np.bincount(hits // len(keys), weights=pair_weights[hits % len(keys)], minlength=len(rows))
        return (found / total).astype(np.float32)

    def _runs(self, rows: Sequence[int] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The rows' term ids in text order, concatenated, and each row's count of them."""
        at = np.asarray(rows, dtype=np.int64)
        starts, ends = self._sequence_offsets[at], self._sequence_offsets[at + 1]
        return self._sequence.gather(starts, ends - starts), ends - starts

    def _row_terms(self, rows: Sequence[int]) -> list[np.ndarray]:
        """The term ids of each of `rows`, in text order."""
        sequence, lengths = self._runs(rows)
        bounds = np.concatenate([[0], np.cumsum(lengths)]).tolist()
        return [sequence[start:end] for start, end in zip(bounds, bounds[1:], strict=False)]

    def row_tokens(self, rows: Sequence[int]) -> list[frozenset[str]]:
        """The distinct index tokens of each of `rows`, read from the word sequences: what
        `analyze_passage` gave for the passage's indexed text when it was built, without
        analyzing it again (0.017 against 0.69 ms a passage on the PQuAD index)."""
        tokens = self._token_list()
        return [frozenset(tokens[term] for term in np.unique(terms).tolist()) for terms in self._row_terms(rows)]

    def row_sequences(self, rows: Sequence[int]) -> list[list[str]]:
        """The index tokens of each of `rows` in text order, as `analyze_passage` gave them."""
        tokens = self._token_list()
        return [[tokens[term] for term in terms.tolist()] for terms in self._row_terms(rows)]

    def holding(self, tokens: Sequence[str], rows: Sequence[int]) -> np.ndarray:
        """Which of `rows` hold each of `tokens` (index tokens): a (rows, tokens) boolean
        matrix, read from the word sequences in one pass."""
        held = np.zeros((len(rows), len(tokens)), dtype=bool)
        columns = [(column, self._vocab[token]) for column, token in enumerate(tokens) if token in self._vocab]
        if not columns or not len(rows):
            return held
        sequence, lengths = self._runs(rows)
        owner = np.repeat(np.arange(len(rows)), lengths)
        terms = np.unique([term for _, term in columns]).astype(sequence.dtype)
        slot = np.minimum(np.searchsorted(terms, sequence), len(terms) - 1)
        match = terms[slot] == sequence
        present = np.zeros((len(rows), len(terms)), dtype=bool)
        present[owner[match], slot[match]] = True
        for column, term in columns:
            held[:, column] = present[:, np.searchsorted(terms, term)]
        return held

    def use_background(self, background: Background | None) -> None:
        """Blend IDF with `background` from now on (None: the corpus's own IDF only). For
        measuring on training data with statistics that exclude the held-out text."""
        self.background = background if background and self.method == "lucene" else None
        self._idf_factors = {}

    def query_terms(self, normalized_query: str,
                    extra_tokens: Mapping[str, float] | None = None) -> tuple[list[int], list[float]]:
        """The query's terms found in the index (ascending) and the factor each one's stored
        scores are multiplied by: how often the query repeats it, times the IDF correction.
        `extra_tokens` not already in the query are added with their weight as the count."""
        found = [self._vocab[t] for t in analyze(normalized_query) if t in self._vocab]
        terms, repeats = np.unique(np.asarray(found, dtype=np.int64), return_counts=True)
        factors = {term: float(repeat) for term, repeat in zip(terms.tolist(), repeats.tolist(), strict=True)}
        for token, weight in (extra_tokens or {}).items():
            term = self._vocab.get(token)
            if term is not None and weight > 0 and term not in factors:
                factors[term] = weight
        ordered = sorted(factors)
        return ordered, [factors[term] * self._idf_factor(term) for term in ordered]

    def _doc_freq(self, term: int) -> int:
        return int(self._indptr[term + 1] - self._indptr[term])

    def _idf_factor(self, term: int) -> float:
        """Blended IDF over the stored (corpus) IDF: how much to scale this term's scores."""
        if self.background is None:
            return 1.0
        factor = self._idf_factors.get(term)
        if factor is None:
            doc_freq = self._doc_freq(term)
            token = self._token_of(term)
            factor = (blended_idf(doc_freq, self.size, token, self.background)
                      / lucene_idf(doc_freq, self.size))
            self._idf_factors[term] = factor
        return factor

    def _token_of(self, term: int) -> str:
        return self._token_list()[term]

    def _token_list(self) -> list[str]:
        """Every term's token, by term id (built once, on first use)."""
        if self._tokens is None:
            tokens = [""] * len(self._vocab)
            for token, index in self._vocab.items():
                tokens[index] = token
            self._tokens = tokens
        return self._tokens

    def _search_exhaustive(
        self, terms: list[int], repeats: list[float], top_k: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Score every passage: one pass over each query term's whole posting list."""
        scores = np.zeros(self.size, dtype=np.float32)
        for term, repeat in zip(terms, repeats, strict=True):
            start, end = self._indptr[term], self._indptr[term + 1]
            # A term lists each passage once, so plain fancy-index addition is exact here
            # (and much faster than np.add.at, which bm25s's numpy backend uses).
            scores[self._indices[start:end]] += np.float32(repeat) * self._data[start:end]
        rows = np.flatnonzero(scores > 0)
        return _best(rows, scores[rows], top_k)

    def _search_pruned(
        self, terms: list[int], repeats: list[float], top_k: int
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """The same answer as `_search_exhaustive`, reading only the rare terms' lists whole.

        MaxScore: take the terms with the largest possible contribution (the rare ones) as
        "essential" and add up only their lists. A passage with none of them scores at most
        the sum of the other terms' largest contributions; a candidate scores at least its
        essential part. Once the k-th best essential part beats that sum, no other passage
        can enter the top k, and candidates that cannot reach it are dropped; the few left
        get their exact scores by binary search in the common terms' sorted lists, summed in
        the exhaustive search's order and precision (the same bits, so the same ranking and
        ties). Returns None when pruning would not pay: the exhaustive search then answers.
        """
        bounds = [self._term_bounds(term) for term in terms]
        if min(low for _, low in bounds) < 0:
            return None  # negative contributions (Robertson idf): the bounds do not hold
        upper = [
            float(np.float32(repeat) * np.float32(high))
            for repeat, (high, _) in zip(repeats, bounds, strict=True)
        ]
        by_bound = sorted(range(len(terms)), key=lambda i: -upper[i])
        rest_bound = [sum(upper[i] for i in by_bound[n:]) for n in range(len(terms) + 1)]
        partial = np.zeros(self.size, dtype=np.float32)
        budget = self.size // PRUNING_MAX_SHARE
        found: list[np.ndarray] = []  # candidates, in the order first met
        count = 0
        for essential, index in enumerate(by_bound, start=1):
            rows, data = self._postings(terms[index])
            budget -= len(rows)
            if budget < 0:
                return None
            new = rows[partial[rows] == 0]  # contributions are positive: 0 means unseen
            partial[rows] += np.float32(repeats[index]) * data
            found.append(new)
            count += len(new)
            if essential == len(terms):
                return self._exact_best(terms, repeats, np.sort(np.concatenate(found)), top_k)
            if count < top_k:
                continue
            candidates = np.concatenate(found) if len(found) > 1 else found[0]
            found = [candidates]
            essential_scores = partial[candidates]
            cut = len(candidates) - top_k
            kth = float(np.partition(essential_scores, cut)[cut]) * (1 - _MARGIN)
            if rest_bound[essential] * (1 + _MARGIN) >= kth:
                continue
            # Candidates that even with every other term at its best stay below the k-th.
            hopeful = (essential_scores + np.float32(rest_bound[essential])) * (1 + _MARGIN) >= kth
            return self._exact_best(terms, repeats, np.sort(candidates[hopeful]), top_k)
        return None

    def _exact_best(
        self, terms: list[int], repeats: list[float], rows: np.ndarray, top_k: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Exact scores of `rows` (ascending), term by term as `_search_exhaustive` adds them;
        then the best `top_k` of those that score above zero."""
        scores = np.zeros(len(rows), dtype=np.float32)
        for term, repeat in zip(terms, repeats, strict=True):
            term_rows, data = self._postings(term)
            at = np.minimum(np.searchsorted(term_rows, rows), len(term_rows) - 1)
            present = term_rows[at] == rows
            contribution = np.zeros(len(rows), dtype=np.float32)
            contribution[present] = np.float32(repeat) * data[at[present]]
            scores += contribution
        positive = scores > 0
        return _best(rows[positive], scores[positive], top_k)

    def _postings(self, term: int) -> tuple[np.ndarray, np.ndarray]:
        """The rows (ascending) and BM25 contributions of one term."""
        start, end = self._indptr[term], self._indptr[term + 1]
        return self._indices[start:end], self._data[start:end]

    def _term_bounds(self, term: int) -> tuple[float, float]:
        """The largest and smallest contribution of a term (cached: computed once per term)."""
        bounds = self._bounds.get(term)
        if bounds is None:
            data = self._postings(term)[1]
            bounds = (float(data.max()), float(data.min())) if len(data) else (0.0, 0.0)
            self._bounds[term] = bounds
        return bounds

    def term_weights(self, normalized_query: str) -> dict[str, float]:
        """IDF of each query token (Lucene's formula, blended with the background's as in
        `search`); a token no passage has gets the corpus's highest.

        Used to judge how much of a question a passage covers, weighting rare words most.
        """
        weights = {}
        for token in analyze(normalized_query):
            term = self._vocab.get(token)
            doc_freq = 0 if term is None else self._doc_freq(term)
            weights[token] = blended_idf(doc_freq, self.size, token, self.background)
        return weights

    def only_common_words(self, tokens: Iterable[str]) -> bool:
        """Whether every one of a question's tokens is in more than COMMON_WORD_SHARE of the
        background texts («و», «از», «این چیست؟», «است»): such a question names nothing a
        passage could answer, though every passage holds its words. False without background
        statistics or tokens."""
        if self.background is None:
            return False
        texts, doc_freq = self.background.texts, self.background.doc_freq
        listed = list(tokens)
        return bool(listed) and all(doc_freq.get(token, 0) > COMMON_WORD_SHARE * texts for token in listed)

    def knows(self, word: str) -> bool:
        """Whether some passage holds a normalized word (as the analyzer reads it)."""
        found = analyze(word)
        return bool(found) and all(token in self._vocab for token in found)

    def document_frequency(self, word: str) -> int:
        """In how many passages a normalized word is (its rarest token, as the analyzer reads it)."""
        terms = [self._vocab.get(token) for token in analyze(word)]
        if not terms or None in terms:
            return 0
        return min(self._doc_freq(term) for term in terms if term is not None)

    def has_token(self, token: str) -> bool:
        """Whether some passage holds this index token."""
        return token in self._vocab

    def words(self) -> Iterable[str]:
        """Every index token some passage holds, and the passages' Persian words the analyzer
        cuts to another token, as written (normalized): «الم» and «الماتی»."""
        return itertools.chain(self._vocab.keys(), self._cut_word_list())

    def _cut_word_list(self) -> tuple[str, ...]:
        """The words the analyzer cuts; from disk at the first call (a name typed in Latin
        letters), not at every start."""
        if isinstance(self._cut_words, Path):  # two threads may both read it: no harm
            path = self._cut_words
            try:
                words = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
            except (OSError, ValueError) as error:
                raise IndexInvalidError(f"{path} cannot be read ({error}): rebuild with `qa index build`") from error
            if not isinstance(words, list) or not all(isinstance(word, str) for word in words):
                raise IndexInvalidError(f"{path} is not a list of words: rebuild with `qa index build`")
            self._cut_words = tuple(words)
        return self._cut_words

    def together(self, first: str, second: str) -> bool:
        """Whether some passage holds both normalized words (every token of each)."""
        found = [self._vocab.get(token) for token in analyze(first) + analyze(second)]
        terms = [term for term in found if term is not None]
        if not terms or len(terms) < len(found):
            return False
        rows = self._postings(terms[0])[0]
        for term in terms[1:]:
            rows = np.intersect1d(rows, self._postings(term)[0], assume_unique=True)
        return bool(len(rows))

    def token_frequency(self, token: str) -> int:
        """How many passages hold this index token."""
        term = self._vocab.get(token)
        return 0 if term is None else self._doc_freq(term)

    def search_many(
        self, normalized_queries: Sequence[str], top_k: int
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """`search` for each query, in order."""
        return [self.search(query, top_k) for query in normalized_queries]

    @staticmethod
    def settings_static() -> dict:
        """What shapes a query's tokens (the analyzer); see `analyzer_settings`."""
        return analyzer_settings()

    def settings(self) -> dict:
        """The analyzer and BM25 parameters this index was built with (for the manifest)."""
        return {**analyzer_settings(), "bm25": {"k1": self.k1, "b": self.b, "method": self.method}}

    def _params(self) -> dict:
        return {
            "format": "qa-lexical",
            "format_version": FORMAT_VERSION,
            **self.settings(),
            "num_docs": self.size,
            "vocab_size": len(self._vocab),
        }

    def save(self, folder: Path) -> None:
        """Write bm25s's arrays (.npy) and vocabulary (JSON) plus our params file to `folder`."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        self._bm25.save(folder, show_progress=False)
        np.save(folder / SEQUENCE_FILE, self._sequence.whole())
        np.save(folder / SEQUENCE_OFFSETS_FILE, self._sequence_offsets)
        (folder / CUT_WORDS_FILE).write_text(json.dumps(list(self._cut_word_list()), ensure_ascii=False),
                                             encoding="utf-8")
        (folder / PARAMS_FILE).write_text(
            json.dumps(self._params(), ensure_ascii=False, indent=2), encoding="utf-8"
        )

    @classmethod
    def load(cls, folder: Path, mmap: bool = True) -> LexicalIndex:
        """Open an index written by `save`; refuse one from another format or analyzer."""
        import bm25s

        folder = Path(folder)
        if not folder.is_dir():
            raise IndexMissingError(f"no lexical index at {folder}: run `qa index build`")
        try:
            params = json.loads((folder / PARAMS_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise IndexInvalidError(
                f"lexical index at {folder} has no readable {PARAMS_FILE} ({error}): "
                "rebuild with `qa index build`"
            ) from error
        if (
            not isinstance(params, dict)
            or params.get("format") != "qa-lexical"
            or params.get("format_version") != FORMAT_VERSION
        ):
            raise IndexInvalidError(
                f"lexical index at {folder} is not format qa-lexical {FORMAT_VERSION}: "
                "rebuild with `qa index build`"
            )
        expected = analyzer_settings()
        recorded = {key: params.get(key) for key in expected}
        if recorded != expected:
            raise IndexInvalidError(
                f"lexical index at {folder} was built with analyzer {recorded!r}, this version "
                f"uses {expected!r}: rebuild with `qa index build`"
            )
        bm25_params = params.get("bm25") or {}
        try:
            bm25 = bm25s.BM25.load(folder, mmap=mmap, show_progress=False)
            mode: Literal["r"] | None = "r" if mmap else None
            index = cls(
                bm25, RowValues.open(folder / SEQUENCE_FILE, IN_MEMORY_LIMIT_BYTES if mmap else None),
                np.load(folder / SEQUENCE_OFFSETS_FILE, mmap_mode=mode),
                k1=bm25_params["k1"], b=bm25_params["b"], method=bm25_params["method"],
                cut_words=folder / CUT_WORDS_FILE,
            )
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise IndexInvalidError(
                f"lexical index at {folder} cannot be read ({type(error).__name__}: {error}): "
                "rebuild with `qa index build`"
            ) from error
        index._check(params, folder)
        return index

    def _check(self, params: dict, folder: Path) -> None:
        problems = []
        if params.get("num_docs") != self.size:
            problems.append(f"{self.size} passages, params say {params.get('num_docs')}")
        if (
            params.get("vocab_size") != len(self._vocab)
            or len(self._indptr) != len(self._vocab) + 1
        ):
            problems.append("vocabulary and term pointers disagree")
        if len(self._data) != len(self._indices) or int(self._indptr[-1]) != len(self._data):
            problems.append("score arrays have inconsistent lengths")
        if (self._bm25.k1, self._bm25.b, self._bm25.method) != (self.k1, self.b, self.method):
            problems.append("bm25s params disagree with ours")
        offsets = self._sequence_offsets
        if (
            self._sequence.dtype != np.int32
            or len(offsets) != self.size + 1
            or int(offsets[0]) != 0
            or int(offsets[-1]) != len(self._sequence)
            or bool(np.any(np.diff(offsets) < 0))
        ):
            problems.append("word sequence and its offsets disagree")
        if problems:
            raise IndexInvalidError(
                f"lexical index at {folder} is damaged ({'; '.join(problems)}): "
                "rebuild with `qa index build`"
            )
