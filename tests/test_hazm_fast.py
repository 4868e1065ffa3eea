"""The fast normalizer must give exactly hazm's output (and `normalize` its old output)."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa import hazm_fast
from qa.hazm_tables import tables_of
from qa.text import _fast_normalizer, _hazm_normalizer, normalize, normalize_reference

REPO = Path(__file__).resolve().parent.parent
PQUAD_CORPUS = REPO / "eval" / "pquad_corpus.jsonl"
PQUAD_DEV = REPO / "eval" / "pquad_dev.jsonl"

# Pieces that exercise every step: letter variants, the three digit scripts, ZWNJ and other
# invisibles, diacritics and combining marks, kashida, quotes, brackets, separators, ligatures,
# repeated letters, and words hazm joins («می» + verb, «ها», «تر», compounds in its lexicon).
PIECES = [
    *"ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیآ", *"يكىةۀأإؤئءٱ", *"0123456789۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩",
    " ", "  ", "\n", "\n\n\n", "\t", "\r", "\u00a0", "\u200c", "\u200c\u200c", "\u200d", "\u200e",
    "\ufeff", "\u00ad", "ـ", *"ًٌٍَُِّْ", "\u0653", "\u0654", "\u0655", "\u0670", "a\u0301",
    *".:!،؛؟»«[](){}\"'“”,٫٬%/\\-_", "...", " ...", "ﷲ", "ﻻ", "﷼", "ﷺ", "\U0001f600",
    "می ", "نمی ", " ها", " های", " تر", " ترین", " گر", " ای", " ام", "ه ی ", "ههای",
    "کتاب", "خانه", "زمین", "لرزه", "رئیس", "جمهور", "میروم", "نمیدانم", "سلاممم", "آستانه",
    "3.5", "12,000", "19,605,052", "۱۲٬۰۰۰", "A", "Z", "x",
]
texts = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


def _pquad_texts() -> list[str]:
    rows = [json.loads(line) for line in PQUAD_CORPUS.open(encoding="utf-8")]
    questions = [json.loads(line)["question"] for line in PQUAD_DEV.open(encoding="utf-8")]
    return [row["text"] for row in rows] + [row["title"] for row in rows] + questions


@pytest.mark.slow
def test_normalize_matches_the_reference_on_the_pquad_corpus() -> None:
    corpus = _pquad_texts()
    different = [text for text in corpus if normalize(text) != normalize_reference(text)]
    assert different == []


@pytest.mark.slow
def test_one_pass_matches_hazm_on_the_pquad_corpus() -> None:
    fast, hazm = _fast_normalizer(), _hazm_normalizer()
    assert fast.exact
    different = [text for text in _pquad_texts()[:3000] if fast.normalize(text) != hazm.normalize(text)]
    assert different == []


@settings(max_examples=400, deadline=None)
@given(texts)
def test_one_pass_matches_hazm_on_generated_text(text: str) -> None:
    assert _fast_normalizer().normalize(text) == _hazm_normalizer().normalize(text)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_normalize_matches_the_reference_on_generated_text(text: str) -> None:
    assert normalize(text) == normalize_reference(text)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=30) | st.lists(st.sampled_from(PIECES), max_size=20).map("".join))
def test_nfc_matches_unicodedata(text: str) -> None:
    assert hazm_fast.nfc(text) == unicodedata.normalize("NFC", text)


@pytest.mark.parametrize(
    "text",
    ["ا\u0653", "قرا\u0653ن", "\u0653ا", "\u1100\u1161\u11a8", "\u0b95\u0bc6\u0bbe", "e\u0301\u0327",
     "\u212b", "", "\U0001d15e"],
)
def test_nfc_composes_across_runs(text: str) -> None:
    assert hazm_fast.nfc(text) == unicodedata.normalize("NFC", text)


@pytest.mark.slow
def test_the_plane_zero_scan_finds_every_unstable_character_of_plane_zero() -> None:
    # Characters beyond plane 0 always count as unstable; a plane-0 character can still be the
    # second half of an astral pair, so the plane-0 scan must agree with a full scan.
    full = [cp for cp in hazm_fast.nfc_unstable_chars(0x10FFFF) if cp <= 0xFFFF]
    assert full == hazm_fast.nfc_unstable_chars()


def test_other_hazm_tables_fall_back_to_hazm() -> None:
    from hazm import Normalizer
    from hazm.utils import words_list

    changed = Normalizer()
    changed.suffixes = {*changed.suffixes, "ستان"}
    fast = hazm_fast.FastNormalizer(tables_of(changed, words_list()), lambda: changed)
    assert not fast.exact
    assert fast.normalize("گل ستان") == changed.normalize("گل ستان")


def _tails_one_by_one(entries: set[str]) -> set[str]:
    tails: set[str] = set()
    for entry in entries:
        parts = entry.split(hazm_fast.ZWNJ)
        tails.update(hazm_fast.ZWNJ.join(parts[i:]) for i in range(1, len(parts)))
    return tails


@settings(max_examples=200, deadline=None)
@given(st.sets(st.text(alphabet="اب\u200cمی\n ", max_size=12), max_size=8))
def test_tails_after_zwnj_are_those_of_splitting_each_entry(entries: set[str]) -> None:
    assert hazm_fast._tails_after_zwnj(entries) == _tails_one_by_one(entries)


def test_tails_after_zwnj_of_hazm_lists_are_those_of_splitting_each_entry() -> None:
    tables = _fast_normalizer()
    entries = set(tables.verbs) | set(list(tables.words)[:5000])
    assert hazm_fast._tails_after_zwnj(entries) == _tails_one_by_one(entries)
