"""The FAISS index: exact search, the approximate kinds and their recall, memory-mapped loading."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from qa import dense
from qa.dense import DenseIndex, exact_neighbours, ivf_lists
from qa.errors import IndexInvalidError


def unit_rows(count: int, dimension: int = 32, *, clusters: int = 40, seed: int = 0) -> np.ndarray:
    """Clustered unit vectors, as sentence embeddings are (topics), not uniform noise."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((clusters, dimension))
    rows = centres[rng.integers(0, clusters, count)] + 0.6 * rng.standard_normal((count, dimension))
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    return rows.astype(np.float32)


def test_flat_search_is_exact_and_ranked() -> None:
    vectors = unit_rows(500)
    index = DenseIndex.build(vectors, "flat")
    scores, ids = index.search(vectors[:3], 5)
    assert ids[:, 0].tolist() == [0, 1, 2]
    assert np.all(np.diff(scores, axis=1) <= 1e-6)
    assert np.array_equal(ids, exact_neighbours(vectors[:3], vectors, 5))
    assert index.parameters() == {}


def test_auto_is_exact_for_small_corpora_and_an_inverted_file_beyond(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    vectors = unit_rows(3000)
    assert DenseIndex.build(vectors).kind == "flat"
    monkeypatch.setattr(dense, "EXACT_SEARCH_MAX_VECTORS", 1000)
    assert DenseIndex.build(vectors).kind == "pq-refine"
    assert dense.auto_kind(3000, 36) == "ivf-sq8"  # fast-scan needs d divisible by 8


@pytest.mark.parametrize("kind", ["pq-refine", "ivf", "ivf-sq8", "hnsw"])
def test_approximate_kinds_find_the_exact_neighbours(kind: str) -> None:
    rows = unit_rows(4100)
    vectors, queries = rows[:4000], rows[4000:]  # held out: the same topics, other texts
    index = DenseIndex.build(vectors, kind)
    assert index.recall_at(queries, exact_neighbours(queries, vectors, 10)) >= 0.95


def test_the_search_breadth_is_calibrated_and_recorded() -> None:
    index = DenseIndex.build(unit_rows(4000), "ivf-sq8")
    parameters = index.parameters()
    assert parameters["nlist"] == ivf_lists(4000) == 64
    assert 1 <= parameters["nprobe"] <= parameters["nlist"]
    refined = DenseIndex.build(unit_rows(4000), "pq-refine")
    assert refined.parameters()["pq_subquantizers"] == 8
    assert refined.parameters()["k_factor"] in dense.K_FACTORS


def test_given_probes_steer_the_calibration() -> None:
    rows = unit_rows(4100)
    vectors, probes = rows[:4000], rows[4000:]
    index = DenseIndex.build(vectors, "pq-refine", probes=probes)
    assert index.recall_at(probes, exact_neighbours(probes, vectors, 10)) >= dense.TARGET_RECALL


def test_saved_indexes_load_memory_mapped_with_their_settings(tmp_path: Path) -> None:
    vectors = unit_rows(4000)
    for kind in ("flat", "ivf-sq8", "pq-refine"):
        built = DenseIndex.build(vectors, kind)
        built.save(tmp_path / f"{kind}.faiss")
        loaded = DenseIndex.load(tmp_path / f"{kind}.faiss", kind, mmap=True)
        assert loaded.parameters() == built.parameters()
        assert np.array_equal(loaded.search(vectors[:5], 10)[1], built.search(vectors[:5], 10)[1])


def test_a_truncated_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "vectors.faiss"
    DenseIndex.build(unit_rows(100), "flat").save(path)
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(IndexInvalidError, match="cannot read"):
        DenseIndex.load(path, "flat")


def test_top_k_is_capped_at_the_index_size() -> None:
    index = DenseIndex.build(unit_rows(3), "flat")
    scores, ids = index.search(unit_rows(1, seed=2), 10)
    assert ids.shape == (1, 3) and sorted(ids[0].tolist()) == [0, 1, 2]


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown dense index kind"):
        DenseIndex.build(unit_rows(10), "annoy")


def test_the_thread_cap_holds_in_the_threads_that_search(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    import faiss

    monkeypatch.setattr(dense, "_threads", None)
    vectors = unit_rows(50)
    index = DenseIndex.build(vectors, "flat")
    dense.set_threads(1)  # where `qa serve` loads the service
    seen: list[int] = []

    def request_thread() -> None:  # a fresh thread, as each request may run on
        faiss.omp_set_num_threads(2)
        index.search(vectors[:1], 3)
        seen.append(faiss.omp_get_max_threads())

    worker = threading.Thread(target=request_thread)
    worker.start()
    worker.join()
    assert seen == [1]
