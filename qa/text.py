"""Persian text for matching: one normalization for passages and questions, sentences, tokens.

Normalization is for matching only; what users see and cite is always the original text, so
sentence and clause splitting here work on the original string and return offsets into it.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable, Sequence
from functools import lru_cache

ZWNJ = "\u200c"

# Latin, Arabic-Indic and Persian digits all become ASCII digits, so «۱۹۹۱», "١٩٩١" and "1991"
# are one token.
_DIGITS = {ord(d): str(i) for i, d in enumerate("۰۱۲۳۴۵۶۷۸۹")}
_DIGITS.update({ord(d): str(i) for i, d in enumerate("٠١٢٣٤٥٦٧٨٩")})
# Letter variants hazm leaves alone but users type interchangeably.
# «آ» is often typed as «ا» («آستانه»/«استانه»), and hazm keeps a composed «آ» but drops the
# madda of a decomposed one: fold both to «ا».
_LETTERS = {
    ord(a): b
    for a, b in {"ۀ": "ه", "ة": "ه", "آ": "ا", "أ": "ا", "إ": "ا", "ٱ": "ا", "ؤ": "و"}.items()
}
# Invisible characters that split words for no reason a reader could see: zero-width spaces and
# joiners, direction marks and the embeddings / isolates a terminal wraps right-to-left text in
# (a question copied back from `qa ask` carries them), the Arabic letter mark, the combining
# grapheme joiner, variation selectors (the one after an emoji) and the blank-looking fillers.
_INVISIBLE_CHARS = (
    "\u200b\u200d\u200e\u200f\u2060\ufeff\u00ad\u061c\u034f\u180e\u3164\uffa0"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    + "".join(chr(c) for c in range(0xFE00, 0xFE10))
)
_INVISIBLE = {ord(c): None for c in _INVISIBLE_CHARS}
# The fast path translates only where a character needs it (str.translate costs ~50 ns per
# character of Persian text, mapped or not).
_HAS_INVISIBLE = re.compile("[" + re.escape(_INVISIBLE_CHARS) + "]")
# Compatibility forms, read as the letters and digits they show: Arabic presentation forms (text
# extracted from PDFs, some keyboards: «ﯾ», «ﺂ», «ﺔ»), fullwidth forms («２٠١٥», «？») and
# mathematical digits. hazm folds only some presentation forms.
_COMPATIBILITY = re.compile("[\ufb50-\ufdff\ufe70-\ufefe\uff01-\uffef\U0001d7ce-\U0001d7ff]+")

_DIGITS_AND_LETTERS = {**_DIGITS, **_LETTERS}
_DIGITS_AND_LETTERS_RUNS = re.compile(
    "[" + "".join(re.escape(chr(c)) for c in sorted(_DIGITS_AND_LETTERS)) + "]+"
)
# hazm's spacing correction pulls numbers apart ("3.5" -> "3 ٫ 5", "12,000" -> "12 , 000").
# Lookarounds, not groups, so that every separator of "19,605,052" is matched.
_SPLIT_DECIMAL = re.compile(r"(?<=\d) ?[٫.] ?(?=\d)")
_SPLIT_THOUSANDS = re.compile(r"(?<=\d) ?[,،٬] ?(?=\d{3}(?!\d))")
# hazm is not idempotent itself (it joins "رئیس جمهور" only once ئ has become ی): repeat
# until nothing changes; real text settles in two passes.
_MAX_PASSES = 5
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
# Suffixes users type apart from their word, with a space where ZWNJ belongs, that hazm leaves
# apart after most words («کدام اند», «کتاب هایش», «خارجی اش»; it joins «رفته اند», «کتاب ها»):
# joined here, so «کدام اند» reads as «کدام‌اند». None of them is a word of its own once «آ» is
# «ا» (normalization is idempotent, so it cannot tell «آش» from «اش»): «اید» is left out for the
# verb in «پدید آید», and «اش» is joined only after «ی» or «ه», where the clitic takes «ا» (after
# other letters it is «ش»), so only «آش» after such a word («کاسه آش») is read as a clitic.
_DETACHED_SUFFIX = re.compile(
    r"(?<=\w) (?=(?:اند|ایم|هایی|هایم|هایت|هایش|هایمان|هایتان|هایشان)(?!\w))"
    r"|(?<=[یه]) (?=اش(?!\w))"
)
# «کی است», «چی است», «کجا است» as they are mostly written: «کیست», «چیست», «کجاست».
_QUESTION_WORD_COPULA = re.compile(r"(?<!\w)(کی|چی|کجا) است(?!\w)")
# The ezafe after a silent «ه» typed as «ه‌ی» or «ه ی» («خانه‌ی ما»), as written formally: «خانهٔ
# ما», which matching reads as «خانه» (3% of PQuAD train questions write it so; passages rarely).
# Only after ZWNJ: a «ی» joined to «ه» makes other words («ماهی», «گاهی»), and hazm has put ZWNJ
# where a space was.
_EZAFE_YE = re.compile("ه\u200cی(?!\\w)")


def _affixes_as_written(text: str) -> str:
    """Suffixes typed apart joined, «کی است» as «کیست», the ezafe «ه‌ی» as «هٔ» (see above)."""
    text = _QUESTION_WORD_COPULA.sub(r"\1ست", _DETACHED_SUFFIX.sub(ZWNJ, text))
    return _EZAFE_YE.sub("ه", text)


_normalizer_lock = threading.Lock()


@lru_cache(maxsize=1)
def _hazm_normalizer():  # type: ignore[no-untyped-def]
    # Building a hazm Normalizer costs ~0.5 s: build it once per process.
    from hazm import Normalizer

    return Normalizer()


@lru_cache(maxsize=1)
def _fast_normalizer():  # type: ignore[no-untyped-def]
    # From hazm's tables, cached on disk: no hazm import (~2.5 s) once they are cached.
    from qa.hazm_fast import FastNormalizer
    from qa.hazm_tables import hazm_tables

    return FastNormalizer(hazm_tables(), _hazm_normalizer)


def normalize(text: str) -> str:
    """The match form of `text`: hazm-normalized, ASCII digits, no ZWNJ, lower case.

    ي/ك become ی/ک, diacritics and kashida go, "کتاب ها", "کتاب‌ها" and "کتابها" all become
    "کتابها" (ZWNJ compounds are joined, hazm first attaches detached affixes, and
    `_affixes_as_written` those hazm leaves apart: «کدام اند», «کتاب هایش»), «آ» is «ا»,
    and Persian, Arabic and Latin digits are equal. Idempotent.
    """
    return _fixed_point(text, _normalize_once)


# What a typed question carries that is no part of what it asks: a Latin «?» is «؟» (the
# model learned the Persian mark: «?» moved the dense ranking and flipped "answer found"),
# emoji and other symbols, control and private-use characters (ZWNJ and the other format
# characters stay: normalization reads them), and quotation marks around the whole question.
_NOT_ASKED = frozenset({"So", "Sk", "Cc", "Co", "Cs", "Cn"})
_WRAPPING_QUOTES = {"«": "»", '"': '"', "“": "”", "'": "'", "‘": "’"}


def question_form(question: str) -> str:
    """The match form of a typed question: `normalize` of it without what a user types around
    the question itself (see `_NOT_ASKED`), so «…?» and «…؟» or a pasted «"…"» read the same."""
    kept = "".join(
        " " if unicodedata.category(c) in _NOT_ASKED and not c.isspace() else c
        for c in _fold_compatibility(question)  # «？» is «?», so it too becomes «؟»
    ).replace("?", "؟").strip()
    closing = _WRAPPING_QUOTES.get(kept[:1])
    if closing and len(kept) > 2 and kept.endswith(closing) and closing not in kept[1:-1]:
        kept = kept[1:-1]
    return normalize(kept)


def ascii_digits(text: str) -> str:
    """`text` with Persian and Arabic-Indic digits as ASCII ones: a number typed on a Persian
    keyboard («۳»), for parsers that read only ASCII digits."""
    return text.translate(_DIGITS)


def normalize_reference(text: str) -> str:
    """`normalize` computed the slow, obvious way (hazm itself, whole-string translations);
    kept as the reference the fast path is tested against."""
    return _fixed_point(text, _normalize_once_reference)


def _fixed_point(text: str, once: Callable[[str], str]) -> str:
    result = once(text)
    for _ in range(_MAX_PASSES - 1):
        again = once(result)
        if again == result:
            break
        result = again
    return result


def _fold_compatibility(text: str) -> str:
    return _COMPATIBILITY.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


def _normalize_once(text: str) -> str:
    from qa.hazm_fast import nfc

    if _HAS_INVISIBLE.search(text):
        text = text.translate(_INVISIBLE)
    if _COMPATIBILITY.search(text):
        text = _fold_compatibility(text)
    text = _fast_normalizer().normalize(nfc(text))  # pure functions over read-only tables
    text = _affixes_as_written(text)
    text = _DIGITS_AND_LETTERS_RUNS.sub(lambda m: m.group().translate(_DIGITS_AND_LETTERS), text)
    text = _SPLIT_DECIMAL.sub(".", text)
    text = _SPLIT_THOUSANDS.sub("", text)
    # str.split() splits at exactly the characters \s matches (str.isspace).
    return " ".join(text.replace(ZWNJ, "").lower().split())


def _normalize_once_reference(text: str) -> str:
    text = unicodedata.normalize("NFC", _fold_compatibility(text.translate(_INVISIBLE)))
    with _normalizer_lock:
        text = _hazm_normalizer().normalize(text)
    text = _affixes_as_written(text)
    text = text.translate(_DIGITS).translate(_LETTERS)
    text = _SPLIT_DECIMAL.sub(".", text)
    text = _SPLIT_THOUSANDS.sub("", text)
    text = text.replace(ZWNJ, "").lower()
    return _SPACES.sub(" ", text).strip()


def tokens(normalized_text: str) -> list[str]:
    """Word tokens of already-normalized text (letters and digits; punctuation dropped)."""
    return _WORD.findall(normalized_text)


_QUOTED = re.compile("(«[^»]*»)")


def alternation(words: Sequence[str]) -> str:
    """A regex alternative of `words`, escaped, longest first (so «که بوده است» wins over «که بود»)."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def rewrite_unquoted_words(normalized_text: str, rewrite: Callable[[re.Match[str]], str]) -> str:
    """`normalized_text` with each word outside «» (titles, quotations: kept as typed) replaced
    by `rewrite(match)`."""
    return rewrite_unquoted(normalized_text, lambda part: _WORD.sub(rewrite, part))


def rewrite_unquoted(normalized_text: str, rewrite: Callable[[str], str]) -> str:
    """`normalized_text` with each stretch outside «» rewritten by `rewrite`; what is quoted is
    kept as typed."""
    return "".join(part if part.startswith("«") else rewrite(part) for part in _QUOTED.split(normalized_text))


def squeeze_spaces(text: str) -> str:
    """Collapse runs of whitespace (blanked page numbers, line breaks) to one space."""
    return _SPACES.sub(" ", text).strip()


# A sentence ends at . ! ? ؟ … (with closing quotes or brackets after them) before whitespace,
# or at a paragraph break. "3.5" and "www.x.com" do not end sentences: a space must follow.
_SENTENCE_END = re.compile(r"[.!?؟…]+[»\"')\]]*(?=\s)|\n[ \t]*\n")
# Clause boundaries, best first: semicolons and colons, then commas, then any space.
_CLAUSE_ENDS = (re.compile(r"[؛;:]\s"), re.compile(r"[،,]\s"), re.compile(r"\s"))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of the sentences of text[start:end], trimmed of whitespace, in order."""
    end = len(text) if end is None else end
    spans = []
    cursor = start
    for match in _SENTENCE_END.finditer(text, start, end):
        span = _trim(text, cursor, match.end())
        if span[0] < span[1]:
            spans.append(span)
        cursor = match.end()
    span = _trim(text, cursor, end)
    if span[0] < span[1]:
        spans.append(span)
    return spans


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the paragraphs of `text` (separated by blank lines), trimmed."""
    spans = []
    cursor = 0
    for match in re.finditer(r"\n[ \t]*\n\s*", text):
        span = _trim(text, cursor, match.start())
        if span[0] < span[1]:
            spans.append(span)
        cursor = match.end()
    span = _trim(text, cursor, len(text))
    if span[0] < span[1]:
        spans.append(span)
    return spans


def clause_spans(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """Cut text[start:end] into pieces of at most `max_chars`, at the best clause boundary.

    Nothing is dropped: the pieces cover the span apart from whitespace between them. A piece
    is cut mid-word only when a run of `max_chars` characters has no space at all.
    """
    pieces = []
    start, end = _trim(text, start, end)
    while end - start > max_chars:
        cut = -1
        floor = start + max_chars // 3  # avoid slivers: a boundary in the first third is too early
        for boundary in _CLAUSE_ENDS:
            ends = [m.end() for m in boundary.finditer(text, floor, start + max_chars + 1)]
            if ends:
                cut = ends[-1]
                break
        if cut <= start:
            cut = start + max_chars
        piece = _trim(text, start, cut)
        if piece[0] < piece[1]:
            pieces.append(piece)
        start, end = _trim(text, cut, end)
    if start < end:
        pieces.append((start, end))
    return pieces
