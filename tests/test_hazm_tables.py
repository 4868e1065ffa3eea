"""hazm's tables read from the disk cache are hazm's tables, and then hazm is never imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from qa import hazm_tables

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_the_cached_tables_are_the_installed_hazms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from hazm import Normalizer
    from hazm.utils import words_list

    monkeypatch.setenv("QA_TABLE_CACHE", str(tmp_path))
    expected = hazm_tables.tables_of(Normalizer(), words_list())
    hazm_tables.hazm_tables.cache_clear()
    try:
        written = hazm_tables.hazm_tables()
    finally:
        hazm_tables.hazm_tables.cache_clear()
    read_back = hazm_tables._from_json(json.loads(next(tmp_path.iterdir()).read_text(encoding="utf-8"))["value"])
    assert written == expected
    assert read_back == expected
    # The word list keeps hazm's duplicates (the lexicon keeps each word's largest count); the
    # normalizer's words are built from it as hazm builds them.
    assert len(expected.word_list) > len(expected.words)
    assert expected.words == {word: count for word, (count, _tags) in Normalizer().words.items()}
    assert list(expected.words) == list(Normalizer().words)


QUESTIONS = ["چرا پایتخت قزاقستان از آلماتی به آستانا منتقل شد؟", "كتاب هاي او در ۱۳۵۰ منتشر شد",
             "نخستین رئیس جمهور کی درگذشت؟", "می روم به خانه‌ها"]

_PROBE = """
import json, sys
from qa.lexical import analyze, analyzer_settings
from qa.synonyms import load_thesaurus
from qa.text import normalize
questions = json.loads(sys.argv[1])
thesaurus = load_thesaurus()
result = {
    "normalized": [normalize(q) for q in questions],
    "tokens": [analyze(normalize(q)) for q in questions],
    "lexicon": analyzer_settings()["lexicon"],
    "synonyms": {t: thesaurus.synonyms.get(t) for q in questions for t in analyze(normalize(q))},
    "size": len(thesaurus.synonyms),
    "imported": sorted(m for m in ("hazm", "sklearn") if m in sys.modules),
}
print(json.dumps(result, ensure_ascii=False))
"""


def _probe(cache: str) -> dict:
    env = {**os.environ, "QA_TABLE_CACHE": cache}
    done = subprocess.run([sys.executable, "-c", _PROBE, json.dumps(QUESTIONS)], env=env, cwd=REPO,
                          capture_output=True, text=True, check=True, timeout=300)
    return json.loads(done.stdout)


@pytest.mark.slow
def test_a_warm_cache_answers_as_hazm_does_without_importing_it(tmp_path: Path) -> None:
    uncached = _probe("none")
    first = _probe(str(tmp_path))  # fills the cache
    warm = _probe(str(tmp_path))
    assert uncached["imported"] == ["hazm", "sklearn"]
    assert warm["imported"] == []
    for result in (first, warm):
        assert {k: v for k, v in result.items() if k != "imported"} == {
            k: v for k, v in uncached.items() if k != "imported"}
    assert sorted(p.name.split("-")[0] for p in tmp_path.iterdir()) == ["hazm", "thesaurus"]


def test_each_thesaurus_file_keeps_its_own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from qa.synonyms import load_thesaurus

    monkeypatch.setenv("QA_TABLE_CACHE", str(tmp_path / "cache"))
    first, second = tmp_path / "a.tsv", tmp_path / "b.tsv"
    first.write_text("نخستین\tاولین\n", encoding="utf-8")
    second.write_text("درگذشت\tفوت|مرگ\n", encoding="utf-8")
    assert load_thesaurus(first).synonyms["نخستین"] == (("اولین",),)
    assert load_thesaurus(second).synonyms["درگذشت"] == (("فوت",), ("مرگ",))
    assert len(list((tmp_path / "cache").glob("thesaurus-*.json"))) == 2
    first.write_text("نخستین\tیکم\n", encoding="utf-8")  # edited: analyzed again, old file gone
    load_thesaurus.cache_clear()
    assert load_thesaurus(first).synonyms["نخستین"] == (("یکم",),)
    assert len(list((tmp_path / "cache").glob("thesaurus-*.json"))) == 2


def test_a_record_of_another_shape_is_not_trusted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA_TABLE_CACHE", str(tmp_path))
    hazm_tables.hazm_tables.cache_clear()
    try:
        expected = hazm_tables.hazm_tables()
        [path] = tmp_path.iterdir()
        record = json.loads(path.read_text(encoding="utf-8"))
        del record["value"]["verbs"]
        path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        hazm_tables.hazm_tables.cache_clear()
        assert hazm_tables.hazm_tables() == expected
    finally:
        hazm_tables.hazm_tables.cache_clear()
