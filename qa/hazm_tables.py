"""hazm's data tables (normalizer patterns, word list, verb forms), read without importing hazm.

The project uses hazm's tables, not its code paths (`qa.hazm_fast` re-implements the normalizer,
`qa.lexical` stems with the word list). Importing hazm costs ~1.9 s (it imports scikit-learn for
its taggers) and building its Normalizer ~0.7 s more, so the tables are kept on disk
(`qa.disk_cache`) under a key made of the installed hazm's files: an upgraded or edited hazm is
read again. This is the only module that reads hazm's tables; `qa.text` keeps hazm's own
normalizer as the reference.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from qa.disk_cache import cached_json, fingerprint

Patterns = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class HazmTables:
    """What hazm 0.9.3's default `Normalizer` is made of, as plain data (attribute names as in
    hazm), and hazm's word list as it reads it from its file (`word_list`: (word, count) pairs in
    file order, some words twice)."""

    translation_src: str
    translation_dst: str
    number_translation_src: str
    number_translation_dst: str
    extra_space_patterns: Patterns
    punctuation_spacing_patterns: Patterns
    affix_spacing_patterns: Patterns
    persian_style_patterns: Patterns
    diacritics_patterns: Patterns
    specials_chars_patterns: Patterns
    replacements: Patterns
    more_than_two_repeat_pattern: str
    repeated_chars_pattern: str
    suffixes: frozenset[str]
    tokenizer_pattern: str
    verbs: frozenset[str]
    word_list: tuple[tuple[str, int], ...]

    @cached_property
    def words(self) -> dict[str, int]:
        """The Normalizer's `words`: word -> count, built from the word list as hazm builds it
        (a word listed twice keeps its first place and its last count)."""
        return dict(self.word_list)


_PATTERN_FIELDS = (
    "extra_space_patterns", "punctuation_spacing_patterns", "affix_spacing_patterns",
    "persian_style_patterns", "diacritics_patterns", "specials_chars_patterns", "replacements",
)
_TEXT_FIELDS = (
    "translation_src", "translation_dst", "number_translation_src", "number_translation_dst",
    "more_than_two_repeat_pattern", "repeated_chars_pattern",
)


def tables_of(normalizer: Any, word_list: list[tuple[str, int, Any]]) -> HazmTables:
    """The tables of a hazm `Normalizer` object and hazm's `words_list()`."""
    fields: dict[str, Any] = {name: str(getattr(normalizer, name)) for name in _TEXT_FIELDS}
    fields.update({name: tuple((str(p), str(r)) for p, r in getattr(normalizer, name))
                   for name in _PATTERN_FIELDS})
    return HazmTables(
        **fields,
        suffixes=frozenset(normalizer.suffixes),
        tokenizer_pattern=normalizer.tokenizer.pattern.pattern,
        verbs=frozenset(normalizer.verbs),
        word_list=tuple((word, int(count)) for word, count, _tags in word_list),
    )


def _to_json(tables: HazmTables) -> dict[str, Any]:
    record: dict[str, Any] = {name: getattr(tables, name) for name in (*_TEXT_FIELDS, *_PATTERN_FIELDS)}
    record.update(suffixes=sorted(tables.suffixes), tokenizer_pattern=tables.tokenizer_pattern,
                  verbs=sorted(tables.verbs), word_list=tables.word_list)
    return record


def _from_json(record: dict[str, Any]) -> HazmTables:
    fields: dict[str, Any] = {name: record[name] for name in _TEXT_FIELDS}
    fields.update({name: tuple((p, r) for p, r in record[name]) for name in _PATTERN_FIELDS})
    return HazmTables(
        **fields,
        suffixes=frozenset(record["suffixes"]),
        tokenizer_pattern=record["tokenizer_pattern"],
        verbs=frozenset(record["verbs"]),
        word_list=tuple((word, count) for word, count in record["word_list"]),
    )


def _read_from_hazm() -> dict[str, Any]:
    from hazm import Normalizer
    from hazm.utils import words_list

    return _to_json(tables_of(Normalizer(), words_list()))


def _package() -> Path:
    """Where hazm is installed (found without importing it)."""
    spec = importlib.util.find_spec("hazm")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("hazm is not installed: run `pip install hazm==0.9.3`")
    return Path(next(iter(spec.submodule_search_locations)))


@lru_cache(maxsize=1)
def installed_key() -> str:
    """A fingerprint of the installed hazm: names, sizes and change times of its modules and
    data files."""
    package = _package()
    files = sorted([*package.glob("*.py"), *package.glob("data/*")])
    return fingerprint(
        f"{path.relative_to(package)}:{path.stat().st_size}:{path.stat().st_mtime_ns}" for path in files
    )


@lru_cache(maxsize=1)
def hazm_tables() -> HazmTables:
    """The installed hazm's tables, from the cache when it has them (keyed by the installed
    hazm and by this module's source, which decides the record's layout)."""
    key = fingerprint([installed_key(), Path(__file__).read_bytes()])
    # One file per hazm installation, so environments sharing a cache folder keep theirs.
    name = f"hazm-tables-{fingerprint([str(_package())])[:8]}"
    try:
        return _from_json(cached_json(name, key, _read_from_hazm))
    except (KeyError, TypeError, ValueError):  # a record of another shape: read hazm itself
        return _from_json(_read_from_hazm())
