"""hazm 0.9.3's `Normalizer().normalize`, step for step with the same output, several times faster.

hazm runs ~25 regular expressions over every text, rebuilds its 400-entry translation table on
every call and looks up every pair of neighbouring words. Here the same steps run in the same
order, but each pattern that cannot match is skipped after a cheap test for a character or
substring it needs (a skipped pattern is one that would have changed nothing), tables are built
once, and a word pair is looked up only when its second word can end a known compound.
`tests/test_hazm_fast.py` compares the two on the PQuAD corpus and on generated text.

If the installed hazm's tables differ from those this was written against, `FastNormalizer`
simply calls hazm.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

from qa.hazm_tables import HazmTables

ZWNJ = "\u200c"

# sha256 of hazm 0.9.3's pattern and translation tables (see `_tables_digest`).
HAZM_TABLES_DIGEST = "6e4e8c79585415de"

_LETTERS = "آابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"


def _tables_digest(tables: HazmTables) -> str:
    blob = json.dumps([
        tables.translation_src, tables.translation_dst,
        tables.number_translation_src, tables.number_translation_dst,
        tables.extra_space_patterns, tables.punctuation_spacing_patterns,
        tables.affix_spacing_patterns, tables.persian_style_patterns,
        tables.diacritics_patterns, tables.specials_chars_patterns,
        tables.replacements, tables.more_than_two_repeat_pattern,
        tables.repeated_chars_pattern, sorted(tables.suffixes), tables.tokenizer_pattern,
    ], ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _run_translator(table: dict[int, str]) -> Callable[[str], str]:
    """`text.translate(table)`, but only over the runs of characters the table maps: a
    Python-level translate costs ~50 ns per character, and most characters map to themselves."""
    runs = re.compile("[" + "".join(re.escape(chr(key)) for key in sorted(table)) + "]+")

    def translate(text: str) -> str:
        return runs.sub(lambda match: match.group().translate(table), text)

    return translate


def nfc_unstable_chars(last: int = 0xFFFF) -> list[int]:
    """Code points up to `last` that may change under NFC or join the character before them:
    a non-zero combining class, NFC_QC=No, the second half of a canonical pair (NFC_QC=Maybe,
    such as the Tamil and Kannada length marks) and the Hangul jamo."""
    seconds = set()
    for cp in range(last + 1):
        decomposition = unicodedata.decomposition(chr(cp))
        if decomposition and not decomposition.startswith("<"):
            parts = decomposition.split()
            if len(parts) == 2:
                seconds.add(int(parts[1], 16))
    return [
        cp for cp in range(last + 1)
        if unicodedata.combining(chr(cp)) or not unicodedata.is_normalized("NFC", chr(cp))
        or cp in seconds or 0x1100 <= cp <= 0x11FF
    ]


def _nfc_runs() -> re.Pattern[str]:
    """Runs of NFC-unstable characters with the character before them; every character beyond
    the Basic Multilingual Plane counts as unstable."""
    chars = nfc_unstable_chars()
    ranges = []
    start = previous = chars[0]
    for cp in [*chars[1:], -1]:
        if cp == previous + 1:
            previous = cp
            continue
        ranges.append(re.escape(chr(start)) + ("-" + re.escape(chr(previous)) if previous > start else ""))
        start = previous = cp
    # The character before a run can compose with it ("ا" + madda -> "آ"), so it goes along.
    return re.compile("(?s).?[" + "".join(ranges) + "\U00010000-\U0010ffff]+")


# hazm patterns that try a match at every character, and equivalent ones that start with a
# literal or a rare character class, so the regex engine skips ahead (same matches, same
# replacements; see the comment of each). "\g<0>" is the whole match.
_FASTER_PATTERNS = {
    # A ZWNJ run after a letter: \b holds before the run exactly when a word character
    # precedes it, and an empty run can never match (\b and \B at one place).
    ("\\b\\u200c*\\B", ""): ("\u200c(?<=\\w\u200c)\u200c*\\B", ""),
    # A ZWNJ run before a letter: \B before a ZWNJ means "no word character before it".
    ("\\B\\u200c*\\b", ""): ("\u200c(?<!\\w\u200c)\u200c*(?=\\w)", ""),
    # The space is checked first, then the two characters before it.
    (
        "(?<=[^\\n\\d \\.:!،؛؟»\\]\\)\\}«\\[\\(\\{]{2}) (تر(ین?)?|گری?|های?)(?=[ \n\\.:!،؛؟»\\]\\)\\}«\\[\\(\\{]|$)",
        "\u200c\\1",
    ): (
        " (?<=[^\\n\\d \\.:!،؛؟»\\]\\)\\}«\\[\\(\\{]{2} )(تر(ین?)?|گری?|های?)(?=[ \n\\.:!،؛؟»\\]\\)\\}«\\[\\(\\{]|$)",
        "\u200c\\1",
    ),
    # A space before an opening bracket: the character before it, once consumed, is never an
    # opening bracket, so it cannot start another match; matching the bracket alone is equal.
    ("([^ «\\[\\(\\{])([«\\[\\(\\{])", "\\1 \\2"): ("[«\\[\\(\\{](?<=[^ «\\[\\(\\{].)", " \\g<0>"),
    # Spaces after an opening or before a closing mark (thousands of matches per text: the
    # tokenizer has just put them there). The mark kept by a lookaround rather than copied
    # back through "\1" is the same string, and a mark can never begin another match.
    (" ([\\.:!،؛؟»\\]\\)\\}])", "\\1"): (" (?=[\\.:!،؛؟»\\]\\)\\}])", ""),
    ("([«\\[\\(\\{]) ", "\\1"): (" (?<=[«\\[\\(\\{] )", ""),
    # ZWNJ between «ه» and «ها»: the «ها» left unconsumed starts with «ه» but is followed by
    # «ا», so it cannot start a match either.
    ("(ه)(ها)", "\\1\u200c\\2"): ("ه(?=ها)", "ه\u200c"),
    # A space between a letter and a digit: start at the (rare) digit, not at every letter.
    ("([آابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی])(\\d)", "\\1 \\2"): (
        "\\d(?<=[آابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی].)", " \\g<0>"
    ),
}


def _compiled(patterns: Sequence[tuple[str, str]]) -> list[tuple[re.Pattern[str], str]]:
    """hazm's (pattern, replacement) pairs, compiled, each swapped for its faster equal if any."""
    compiled = []
    for pattern, replacement in patterns:
        pattern, replacement = _FASTER_PATTERNS.get((pattern, replacement), (pattern, replacement))
        compiled.append((re.compile(pattern), replacement))
    return compiled


def _tails_after_zwnj(entries: set[str]) -> set[str]:
    """What follows each ZWNJ of each entry («می‌کرده‌اند» -> «کرده‌اند», «اند»). One regex pass
    over all 280k entries (a lookahead, so the tails of one entry overlap): half the time of
    splitting the 160k that hold a ZWNJ one by one, paid at every start."""
    text = "\n".join(entries)
    if text.count("\n") >= len(entries):  # an entry with a newline: never in hazm's lists
        return {entry[i + 1:] for entry in entries for i, c in enumerate(entry) if c == ZWNJ}
    return set(re.findall(ZWNJ + "(?=([^\n]*))", text))


class FastNormalizer:
    """`normalize(text)` equals hazm's default Normalizer's, given that normalizer's `tables`;
    `reference()` returns hazm's normalizer itself, built only if the tables are not the ones
    this was written against."""

    def __init__(self, tables: HazmTables, reference: Callable[[], Any]) -> None:
        self.reference = reference
        self.exact = _tables_digest(tables) == HAZM_TABLES_DIGEST
        if not self.exact:
            return
        n = tables
        # hazm.utils.maketrans: where a character is listed twice, the later mapping wins.
        letters = {ord(a): b for a, b in zip(n.translation_src, n.translation_dst, strict=True)}
        numbers = {ord(a): b for a, b in zip(n.number_translation_src, n.number_translation_dst, strict=True)}
        # hazm maps letters, then applies its Persian style, then numbers. The style patterns
        # read digits only through \d, which matches every script's digits, and never touch
        # "%", so both maps can run first, as one.
        combined = {
            key: chr(key).translate(letters).translate(numbers) for key in {*letters, *numbers}
        }
        self._translate = _run_translator(combined)
        self._quote, self._decimal, self._ellipsis = (
            (re.compile(p), r) for p, r in n.persian_style_patterns
        )
        self._diacritics = _compiled(n.diacritics_patterns)
        self._extra_space = _compiled(n.extra_space_patterns)
        self._affix = _compiled(n.affix_spacing_patterns)
        self._punctuation = _compiled(n.punctuation_spacing_patterns)
        self._specials = _compiled(n.specials_chars_patterns)
        self._replacements = _compiled(n.replacements)
        # Every replacement pattern is a single character or an alternation of them.
        ligatures = sorted(set("".join(p for p, _ in n.replacements)) - set("|()"))
        self._any_replacement = re.compile("[" + "".join(ligatures) + "]")
        self._token_split = re.compile(n.tokenizer_pattern)
        self._repeat = re.compile(n.more_than_two_repeat_pattern)
        self._repeated_word = re.compile(n.repeated_chars_pattern)
        self._mi_word = re.compile(r"\bن?می[" + _LETTERS + "]+")
        self._mi_prefix = re.compile("^(ن?می)")
        self.words, self.verbs, self.suffixes = n.words, n.verbs, n.suffixes
        self._joinable = set(n.verbs) | {word for word, count in n.words.items() if count > 0}
        # A pair "previous + ZWNJ + token" can be a known word only if `token` follows a ZWNJ
        # in one; other tokens (nearly all of them) need no lookup at all.
        self._tails = _tails_after_zwnj(self._joinable)

    def normalize(self, text: str) -> str:
        """hazm's default normalization of `text`."""
        if not self.exact:
            return str(self.reference().normalize(text))
        text = self._translate(text)
        if '"' in text:
            text = self._quote[0].sub(self._quote[1], text)
        if "." in text:
            text = self._decimal[0].sub(self._decimal[1], text)
            if "..." in text:
                text = self._ellipsis[0].sub(self._ellipsis[1], text)
        for pattern, replacement in self._diacritics:
            text = pattern.sub(replacement, text)
        text = self._correct_spacing(text)
        if self._any_replacement.search(text):
            for pattern, replacement in self._replacements:
                text = pattern.sub(replacement, text)
        for pattern, replacement in self._specials:
            text = pattern.sub(replacement, text)
        if self._repeat.search(text):
            text = self._decrease_repeated_chars(text)
        if "می" in text:
            text = self._separate_mi(text)
        return text

    def _correct_spacing(self, text: str) -> str:
        spaces, newlines, *zwnj, kashida = self._extra_space
        if "  " in text:
            text = spaces[0].sub(spaces[1], text)
        if "\n\n\n" in text:
            text = newlines[0].sub(newlines[1], text)
        if ZWNJ in text:  # none of these patterns matches a text without ZWNJ
            for pattern, replacement in zwnj:
                text = pattern.sub(replacement, text)
        if "ـ" in text or "\r" in text:
            text = kashida[0].sub(kashida[1], text)

        lines = []
        for line in text.split("\n"):
            # hazm's tokenizer puts spaces around every match and splits at spaces:
            # joining the pieces of a split at the (captured) pattern is the same string.
            spaced = " ".join(self._token_split.split(line.replace("\t", " ")))
            lines.append(" ".join(self._token_spacing([t for t in spaced.split(" ") if t])))
        text = "\n".join(lines)

        # Each affix pattern needs this substring to match (checked on the text as it is then).
        needs = (" ی ", "می ", None, "ه ا", "هها")
        for (pattern, replacement), needed in zip(self._affix, needs, strict=True):
            if needed is None:
                if " تر" not in text and " گر" not in text and " ها" not in text:
                    continue
            elif needed not in text:
                continue
            text = pattern.sub(replacement, text)
        quote, *others = self._punctuation
        if '" ' in text:
            text = quote[0].sub(quote[1], text)
        for pattern, replacement in others:
            text = pattern.sub(replacement, text)
        return text

    def _token_spacing(self, tokens: list[str]) -> list[str]:
        """hazm's Normalizer.token_spacing: join a token to the previous one when the pair
        (with ZWNJ) is a known word or verb, or when the token is a suffix of a known word."""
        result: list[str] = []
        tails, suffixes, joinable, words = self._tails, self.suffixes, self._joinable, self.words
        last = len(tokens) - 1
        for t, token in enumerate(tokens):
            if result and (token in tails or token in suffixes):
                previous = result[-1]
                pair = previous + ZWNJ + token
                if pair in joinable:
                    if not (t < last and token + "_" + tokens[t + 1] in self.verbs):
                        result[-1] = pair
                        continue
                elif token in suffixes and previous in words:
                    result[-1] = pair
                    continue
            result.append(token)
        return result

    def _decrease_repeated_chars(self, text: str) -> str:
        """hazm's Normalizer.decrease_repeated_chars, verbatim."""
        words = self.words
        for match in self._repeated_word.finditer(text):
            word = match.group()
            if word not in words:
                no_repeat = self._repeat.sub(r"\1", word)
                two_repeat = self._repeat.sub(r"\1\1", word)
                if (no_repeat in words) != (two_repeat in words):
                    text = text.replace(word, no_repeat if no_repeat in words else two_repeat)
                else:
                    text = text.replace(word, two_repeat)
        return text

    def _separate_mi(self, text: str) -> str:
        """hazm's Normalizer.seperate_mi, verbatim."""
        for match in self._mi_word.findall(text):
            joined = self._mi_prefix.sub("\\1" + ZWNJ, match)
            if joined in self.verbs:
                text = text.replace(match, joined)
        return text


_NFC_RUNS: re.Pattern[str] | None = None


def nfc(text: str) -> str:
    """`unicodedata.normalize("NFC", text)`, normalizing only around characters that can change.

    A character with combining class 0 and NFC_QC=Yes is a normalization boundary (UAX #15), so
    each run of other characters, with the stable character before it, normalizes alone.
    """
    global _NFC_RUNS
    if _NFC_RUNS is None:
        _NFC_RUNS = _nfc_runs()
    return _NFC_RUNS.sub(lambda match: unicodedata.normalize("NFC", match.group()), text)
