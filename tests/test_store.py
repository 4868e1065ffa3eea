import json
import os
from pathlib import Path

import pytest

from qa import store
from qa.errors import IndexInvalidError, IndexMissingError


def _publish(index_dir: Path, payload: str, keep: int = 3) -> store.Generation:
    build = store.start_build(index_dir)
    (build / "data.bin").write_text(payload)
    (build / "sub").mkdir()
    (build / "sub" / "x.npy").write_bytes(payload.encode() * 3)
    return store.publish(index_dir, build, {"passage_count": 1}, keep=keep)


def test_missing_index_says_how_to_build(tmp_path: Path) -> None:
    with pytest.raises(IndexMissingError, match="qa index build"):
        store.load_current(tmp_path / "nowhere")


def test_publish_then_load_current(tmp_path: Path) -> None:
    generation = _publish(tmp_path, "one")
    loaded, problems = store.load_current(tmp_path)
    assert loaded.name == generation.name and problems == []
    assert set(loaded.manifest["files"]) == {"data.bin", "sub/x.npy"}
    assert not list(tmp_path.glob(".tmp-*"))


def test_current_naming_no_generation_is_reported(tmp_path: Path) -> None:
    generation = _publish(tmp_path, "one")
    (tmp_path / store.CURRENT).write_text("g-mistyped\n")
    loaded, problems = store.load_current(tmp_path)
    assert loaded.name == generation.name
    assert len(problems) == 1 and "'g-mistyped'" in problems[0]


@pytest.mark.parametrize("damage", ["truncate", "flip", "delete", "manifest", "version"])
def test_damaged_generation_is_refused_and_previous_served(tmp_path: Path, damage: str) -> None:
    good = _publish(tmp_path, "good")
    bad = _publish(tmp_path, "bad!")
    target = bad.path / "sub" / "x.npy"
    if damage == "truncate":
        target.write_bytes(target.read_bytes()[:-1])
    elif damage == "flip":
        data = bytearray(target.read_bytes())
        data[0] ^= 0xFF
        target.write_bytes(bytes(data))
    elif damage == "delete":
        target.unlink()
    elif damage == "manifest":
        (bad.path / store.MANIFEST).write_text("{not json")
    else:
        manifest = json.loads((bad.path / store.MANIFEST).read_text())
        manifest["format_version"] = 999
        (bad.path / store.MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(IndexInvalidError):
        store.verify(bad.path)
    loaded, problems = store.load_current(tmp_path)
    assert loaded.name == good.name
    assert len(problems) == 1


def test_prune_keeps_current_and_newest(tmp_path: Path) -> None:
    names = [_publish(tmp_path, str(i), keep=2).name for i in range(4)]
    remaining = [p.name for p in store.list_generations(tmp_path)]
    assert remaining == [names[3], names[2]]
    assert store.current_name(tmp_path) == names[3]


def test_stale_builds_are_removed(tmp_path: Path) -> None:
    _publish(tmp_path, "x")
    stale = store.start_build(tmp_path)
    (stale / "half.bin").write_text("half")
    os.utime(stale, (0, 0))
    removed = store.remove_stale_builds(tmp_path, older_than_s=60)
    assert removed == [stale] and not stale.exists()


def test_an_index_folder_of_other_things_loses_none_of_them(tmp_path: Path) -> None:
    # --index pointed at a folder the user keeps other files in: only what builds made is pruned.
    for year in ("2019", "2020", "2021"):
        (tmp_path / store.GENERATIONS / year).mkdir(parents=True)
        (tmp_path / store.GENERATIONS / year / "notes.txt").write_text("mine")
    (tmp_path / ".tmp-notes.txt").write_text("mine")
    (tmp_path / ".tmp-work").mkdir()
    for path in (tmp_path / ".tmp-notes.txt", tmp_path / ".tmp-work"):
        os.utime(path, (0, 0))
    for i in range(3):
        _publish(tmp_path, str(i), keep=1)
    store.remove_stale_builds(tmp_path, older_than_s=0)
    assert all((tmp_path / store.GENERATIONS / year / "notes.txt").exists() for year in ("2019", "2020", "2021"))
    assert (tmp_path / ".tmp-notes.txt").exists() and (tmp_path / ".tmp-work").exists()
    assert len(store.list_generations(tmp_path)) == 1


def test_a_current_that_cannot_be_read_is_no_pointer(tmp_path: Path) -> None:
    generation = _publish(tmp_path, "one")
    (tmp_path / store.CURRENT).unlink()
    (tmp_path / store.CURRENT).mkdir()
    assert store.current_name(tmp_path) is None
    loaded, problems = store.load_current(tmp_path)
    assert loaded.name == generation.name and "CURRENT is missing or cannot be read" in problems[0]


def test_an_index_folder_that_cannot_be_written_is_one_clear_error(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from qa.errors import InputError

    make_folder = Path.mkdir

    def refuse(self: Path, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        # The folder exists, but nothing can be made in it (as after chattr +i).
        if self.name.startswith(store.TMP_PREFIX):
            raise PermissionError(1, "Operation not permitted")
        make_folder(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", refuse)
    with pytest.raises(InputError, match="cannot write in the index folder"):
        store.start_build(tmp_path)
