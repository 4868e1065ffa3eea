"""RowValues: runs gathered from memory and from disk are the same values."""

import numpy as np
import pytest

from qa import lexical, subword
from qa.lexical import LexicalIndex
from qa.row_values import RowValues
from qa.subword import SubwordIndex


def random_runs(length: int, count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    starts = rng.integers(0, length, count)
    sizes = rng.integers(0, 40, count)
    return starts, np.minimum(sizes, length - starts)


@pytest.mark.parametrize("dtype", [np.int32, np.uint8, np.uint32, np.int64])
def test_gather_from_disk_equals_slices(tmp_path, dtype):
    values = np.random.default_rng(1).integers(0, 200, 5_000).astype(dtype)
    np.save(tmp_path / "values.npy", values)
    on_disk = RowValues.open(tmp_path / "values.npy", in_memory_limit_bytes=0)
    in_memory = RowValues.open(tmp_path / "values.npy")
    assert on_disk.on_disk and not in_memory.on_disk
    assert len(on_disk) == len(in_memory) == len(values) and on_disk.dtype == dtype
    starts, sizes = random_runs(len(values), 200, seed=2)
    expected = np.concatenate([values[s:s + n] for s, n in zip(starts, sizes, strict=True)])
    for reader in (on_disk, in_memory, RowValues(values)):
        gathered = reader.gather(starts, sizes)
        assert gathered.dtype == dtype
        np.testing.assert_array_equal(gathered, expected)
    np.testing.assert_array_equal(on_disk.whole(), values)
    assert len(on_disk.gather(np.array([], dtype=np.int64), np.array([], dtype=np.int64))) == 0


def test_refuses_truncated_or_two_dimensional_files(tmp_path):
    np.save(tmp_path / "values.npy", np.arange(100, dtype=np.int32))
    path = tmp_path / "values.npy"
    path.write_bytes(path.read_bytes()[:-8])
    with pytest.raises(ValueError, match="header promises"):
        RowValues.open(path)
    np.save(tmp_path / "table.npy", np.zeros((3, 4), dtype=np.int32))
    with pytest.raises(ValueError, match="one-dimensional"):
        RowValues.open(tmp_path / "table.npy")


def test_indexes_read_from_disk_score_as_in_memory(tmp_path, monkeypatch):
    texts = ["مادر هیتلر در اتریش به دنیا آمد", "هیتلر از اتریش به آلمان رفت و مادر او ماند",
             "پایتخت قزاقستان از آلماتی به آستانا منتقل شد", ""]
    LexicalIndex.build(texts, background=None).save(tmp_path / "lexical")
    SubwordIndex.build(texts).save(tmp_path / "subword")
    rows = np.array([2, 0, 1, 3])
    question = "مادر هیتلر کجا به دنیا آمد"
    in_memory = (LexicalIndex.load(tmp_path / "lexical"), SubwordIndex.load(tmp_path / "subword"))
    monkeypatch.setattr(lexical, "IN_MEMORY_LIMIT_BYTES", 0)
    monkeypatch.setattr(subword, "IN_MEMORY_LIMIT_BYTES", 0)
    on_disk = (LexicalIndex.load(tmp_path / "lexical"), SubwordIndex.load(tmp_path / "subword"))
    assert on_disk[1].grams.on_disk and not in_memory[1].grams.on_disk
    np.testing.assert_array_equal(on_disk[0].proximity(question, rows), in_memory[0].proximity(question, rows))
    assert in_memory[0].proximity(question, rows)[1] > 0
    np.testing.assert_array_equal(on_disk[1].score_rows(question, rows), in_memory[1].score_rows(question, rows))
    assert in_memory[1].score_rows(question, rows)[1] > 0
