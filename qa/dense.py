"""The FAISS vector index: the only module that imports faiss.

Vectors are unit rows and the index ranks by inner product (= cosine). The kind follows the
size: exact search ("flat") up to `EXACT_SEARCH_MAX_VECTORS`, an inverted file with 8-bit
scalar-quantized vectors ("ivf-sq8") beyond, whose recall@10 against exact search is measured
by `qa bench` (see BENCHMARKS.md).
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from qa.errors import IndexInvalidError

# FAISS switches from its own SIMD loop to BLAS when queries x dimension reaches this threshold
# (default 128,000: ~500 queries of 256 dimensions). Measured at 100k x 256 on one thread: one
# query takes 5-6 ms with SIMD but 27 ms through BLAS, while 64 queries take 300 ms with SIMD and
# 60 ms through BLAS. So BLAS from 20 queries on, whatever the dimension (see `_use_blas_from`).
BLAS_MIN_QUERIES = 20


def _use_blas_from(queries: int, dimension: int) -> None:
    # A process-wide setting: the last index loaded decides (one model per process here).
    faiss.cvar.distance_compute_blas_threshold = queries * dimension


_use_blas_from(BLAS_MIN_QUERIES, 256)

# Exact search up to this many vectors (~3 ms per query at 200k x 256 on one core); beyond it
# an inverted file keeps queries in single milliseconds.
EXACT_SEARCH_MAX_VECTORS = 200_000
KINDS = ("flat", "hnsw", "ivf", "ivf-sq8")
# Inverted-file settings: lists ~ sqrt(n), each centroid trained on up to 64 vectors in 10
# k-means rounds (at 1M x 1,024 training costs ~1.4 TFLOP, adding the vectors ~2), and
# as few lists probed as reach this recall@10 against exact search on question-like probes
# made from the corpus's own vectors, measured at build time.
IVF_TRAIN_PER_LIST = 64
IVF_TRAIN_ROUNDS = 10
IVF_TARGET_RECALL = 0.97
IVF_CALIBRATION_QUERIES = 256
CALIBRATION_COSINE = 0.6
HNSW_M = 32


def set_threads(count: int) -> None:
    """Cap FAISS's OpenMP threads (workers x threads must not exceed the cores).

    OpenMP keeps this setting per calling thread: call it in the thread that searches.
    """
    faiss.omp_set_num_threads(max(1, count))


def ivf_lists(count: int) -> int:
    """How many inverted lists for `count` vectors (a power of two near sqrt(n))."""
    return max(1, 2 ** round(math.log2(max(1.0, math.sqrt(count)))))


class DenseIndex:
    """A FAISS inner-product index over unit vectors, with a name for the kind in use."""

    def __init__(self, index: faiss.Index, kind: str):
        self._index = index
        self.kind = kind
        _use_blas_from(BLAS_MIN_QUERIES, int(index.d))

    @classmethod
    def build(cls, vectors: np.ndarray, kind: str = "auto", *, seed: int = 0) -> DenseIndex:
        """Index `vectors` (n x d float32 unit rows).

        kind is "flat" (exact), "hnsw", "ivf" (inverted file, exact vectors), "ivf-sq8"
        (inverted file, 8-bit vectors: a quarter of the memory) or "auto" (by size).
        """
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        count, dimension = vectors.shape
        if kind == "auto":
            kind = "flat" if count <= EXACT_SEARCH_MAX_VECTORS else "ivf-sq8"
        if kind not in KINDS:
            raise ValueError(f"unknown dense index kind {kind!r}: use one of {', '.join(KINDS)}")
        if kind in ("ivf", "ivf-sq8") and count < 2:
            kind = "flat"  # nothing to cluster
        index: faiss.Index
        if kind == "flat":
            index = faiss.IndexFlatIP(dimension)
        elif kind == "hnsw":
            graph = faiss.IndexHNSWFlat(dimension, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            graph.hnsw.efConstruction = 80
            graph.hnsw.efSearch = 128
            index = graph
        else:
            index = _trained_ivf(vectors, kind, seed)
        if count:
            index.add(vectors)
        dense = cls(index, kind)
        if kind in ("ivf", "ivf-sq8"):
            dense.set_nprobe(calibrated_nprobe(dense, vectors, seed=seed))
        return dense

    @property
    def size(self) -> int:
        return int(self._index.ntotal)

    @property
    def dimension(self) -> int:
        return int(self._index.d)

    def parameters(self) -> dict[str, int]:
        """The settings that shape this index's answers (recorded in the manifest)."""
        if self.kind in ("ivf", "ivf-sq8"):
            ivf = faiss.extract_index_ivf(self._index)
            return {"nlist": int(ivf.nlist), "nprobe": int(ivf.nprobe)}
        if self.kind == "hnsw":
            graph: Any = faiss.downcast_index(self._index)
            return {"M": HNSW_M, "ef_search": int(graph.hnsw.efSearch)}
        return {}

    def set_nprobe(self, nprobe: int) -> None:
        """How many inverted lists a search reads (IVF kinds only): recall against speed."""
        if self.kind in ("ivf", "ivf-sq8"):
            faiss.extract_index_ivf(self._index).nprobe = max(1, nprobe)

    def recall_at(self, queries: np.ndarray, exact_ids: np.ndarray, top_k: int = 10) -> float:
        """Mean share of the exact `top_k` neighbours (rows of `exact_ids`) this index finds."""
        _, ids = self.search(queries, top_k)
        pairs = zip(ids.tolist(), np.asarray(exact_ids).tolist(), strict=True)
        found = [len(set(got[:top_k]) & set(want[:top_k])) for got, want in pairs]
        return float(np.mean(found)) / top_k if found else 1.0

    def search(self, queries: np.ndarray, top_k: int) -> tuple[np.ndarray, np.ndarray]:
        """Scores and row ids (n_queries x top_k), best first; ids of missing rows are -1."""
        queries = np.ascontiguousarray(queries, dtype=np.float32)
        top_k = max(1, min(top_k, self.size))
        scores, ids = self._index.search(queries, top_k)
        return scores, ids

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, os.fspath(path))

    @classmethod
    def load(cls, path: Path, kind: str, *, mmap: bool = True) -> DenseIndex:
        """Load from disk, memory-mapped (IO_FLAG_MMAP_IFC) rather than copied when `mmap`:
        the vectors of a flat index and the inverted lists of an IVF index stay in the page
        cache, shared between processes, instead of in each server's private memory."""
        flags = faiss.IO_FLAG_MMAP_IFC if mmap else 0
        try:
            index = faiss.read_index(os.fspath(path), flags)
        except RuntimeError as error:
            raise IndexInvalidError(f"cannot read vector index {path}: {error}") from error
        return cls(index, kind)


def _trained_ivf(vectors: np.ndarray, kind: str, seed: int) -> faiss.Index:
    count, dimension = vectors.shape
    nlist = ivf_lists(count)
    quantizer = faiss.IndexFlatIP(dimension)
    index: faiss.IndexIVF
    if kind == "ivf":
        index = faiss.IndexIVFFlat(quantizer, dimension, nlist, faiss.METRIC_INNER_PRODUCT)
    else:
        index = faiss.IndexIVFScalarQuantizer(
            quantizer, dimension, nlist, faiss.ScalarQuantizer.QT_8bit,
            faiss.METRIC_INNER_PRODUCT,
        )
    index.cp.seed = seed
    index.cp.niter = IVF_TRAIN_ROUNDS
    index.cp.max_points_per_centroid = IVF_TRAIN_PER_LIST
    sample = vectors
    if count > nlist * IVF_TRAIN_PER_LIST:
        rows = np.random.default_rng(seed).choice(count, nlist * IVF_TRAIN_PER_LIST, replace=False)
        sample = vectors[np.sort(rows)]
    index.train(sample)
    return index


def exact_neighbours(queries: np.ndarray, vectors: np.ndarray, top_k: int) -> np.ndarray:
    """Row ids of the exact `top_k` inner-product neighbours of each query (brute force)."""
    _, ids = faiss.knn(
        np.ascontiguousarray(queries, dtype=np.float32),
        np.ascontiguousarray(vectors, dtype=np.float32), top_k, faiss.METRIC_INNER_PRODUCT,
    )
    return np.asarray(ids)


def calibrated_nprobe(
    dense: DenseIndex, vectors: np.ndarray, *, top_k: int = 10, seed: int = 0,
    target: float = IVF_TARGET_RECALL,
) -> int:
    """The fewest inverted lists (a power of two) that find `target` of the exact neighbours of
    question-like probes: sampled corpus vectors blurred with noise to a cosine of
    `CALIBRATION_COSINE` (a question shares only some words with its passage)."""
    count, dimension = vectors.shape
    rng = np.random.default_rng(seed + 1)
    rows = rng.choice(count, min(IVF_CALIBRATION_QUERIES, count), replace=False)
    # For a unit vector plus noise of norm s, the cosine is 1 / sqrt(1 + s^2).
    noise_norm = math.sqrt(1 / CALIBRATION_COSINE**2 - 1)
    noise = rng.standard_normal((len(rows), dimension)) * (noise_norm / math.sqrt(dimension))
    queries = vectors[rows] + noise.astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    exact = exact_neighbours(queries, vectors, top_k)
    nlist = int(dense.parameters()["nlist"])
    nprobe = 1
    while nprobe < nlist:
        dense.set_nprobe(nprobe)
        if dense.recall_at(queries, exact, top_k) >= target:
            break
        nprobe *= 2
    return min(nprobe, nlist)
