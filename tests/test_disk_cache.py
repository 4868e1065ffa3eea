"""Cached values: computed once, read back after, recomputed whenever the file cannot be trusted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.disk_cache import cache_folder, cached_json, fingerprint


class Counter:
    def __init__(self, value: object) -> None:
        self.value, self.calls = value, 0

    def __call__(self) -> object:
        self.calls += 1
        return self.value


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("QA_TABLE_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_a_value_is_computed_once_and_read_back(folder: Path) -> None:
    compute = Counter({"کتاب": [["نامه"], ["دفتر", "یادداشت"]]})
    assert cached_json("words", "ab12", compute) == compute.value
    assert cached_json("words", "ab12", compute) == compute.value
    assert compute.calls == 1
    assert [p.name for p in folder.iterdir()] == ["words-ab12.json"]


def test_a_new_key_recomputes_and_removes_the_old_file_of_that_name_only(folder: Path) -> None:
    cached_json("words", "ab12", Counter(1))
    cached_json("words-extra", "cd34", Counter(2))
    assert cached_json("words", "ef56", Counter(3)) == 3
    assert sorted(p.name for p in folder.iterdir()) == ["words-ef56.json", "words-extra-cd34.json"]


@pytest.mark.parametrize("damage", ["", "{not json", '{"format": "other", "key": "ab12", "value": 1}',
                                     '{"format": "persian-qa-cache/1", "key": "zz", "value": 1}', "[1, 2]"])
def test_a_damaged_or_foreign_file_is_recomputed(folder: Path, damage: str) -> None:
    folder.mkdir()
    (folder / "words-ab12.json").write_text(damage, encoding="utf-8")
    compute = Counter([1, 2, 3])
    assert cached_json("words", "ab12", compute) == [1, 2, 3]
    assert compute.calls == 1
    assert json.loads((folder / "words-ab12.json").read_text(encoding="utf-8"))["value"] == [1, 2, 3]


def test_an_unwritable_folder_only_costs_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("QA_TABLE_CACHE", str(blocker / "cache"))
    compute = Counter("value")
    assert cached_json("words", "ab12", compute) == "value"
    assert cached_json("words", "ab12", compute) == "value"
    assert compute.calls == 2


def test_the_folder_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QA_TABLE_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_folder() == tmp_path / "persian-qa"
    monkeypatch.setenv("QA_TABLE_CACHE", "none")
    assert cache_folder() is None
    compute = Counter(7)
    assert cached_json("words", "ab12", compute) == 7
    assert cached_json("words", "ab12", compute) == 7
    assert compute.calls == 2
    assert not (tmp_path / "persian-qa").exists()


def test_fingerprints_depend_on_every_part_and_its_boundaries() -> None:
    assert fingerprint(["ab", "c"]) == fingerprint(["ab", "c"])
    assert fingerprint(["ab", "c"]) != fingerprint(["a", "bc"])
    assert fingerprint(["ab", "c"]) != fingerprint(["ab", "d"])
    assert fingerprint(["ab"]) == fingerprint([b"ab"])


def test_no_home_folder_means_no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv("QA_TABLE_CACHE", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    assert cache_folder() is None
    assert cached_json("words", "ab12", Counter(5)) == 5
