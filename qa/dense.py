"""The FAISS vector index: the only module that imports faiss.

Vectors are unit rows and the index ranks by inner product (= cosine). The kind follows the
size: exact search ("flat") up to `EXACT_SEARCH_MAX_VECTORS`; beyond it "pq-refine", a 4-bit
product-quantized scan (FAISS fast-scan, d/8 bytes a vector) whose best `k_factor` x k are
re-ranked with 8-bit scalar-quantized vectors. Every vector is scanned, so recall does not
depend on the corpus having topical clusters (an inverted file needed half its lists for
recall@10 0.90 on the synthetic million-passage corpus; this reaches 0.98 in ~8 ms). The
breadth of an approximate search (`k_factor`, or `nprobe` for the inverted-file kinds) is
calibrated at build time on question-like probes; BENCHMARKS.md has the measurements.
"""

from __future__ import annotations

import math
import os
import threading
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

# Exact search up to this many vectors (~6 ms per query at 100k x 256 on one core).
EXACT_SEARCH_MAX_VECTORS = 200_000
KINDS = ("flat", "pq-refine", "ivf", "ivf-sq8", "hnsw")
APPROXIMATE_KINDS = ("pq-refine", "ivf", "ivf-sq8")
# Vectors sampled to train quantizers (PQ codebooks, SQ ranges, IVF centroids).
TRAIN_SAMPLE = 65_536
# Inverted files: lists ~ sqrt(n), each centroid trained on up to 64 vectors in 10 k-means rounds.
IVF_TRAIN_PER_LIST = 64
IVF_TRAIN_ROUNDS = 10
HNSW_M = 32
# Calibration: the narrowest search that finds this share of the exact top 10 of the probes.
TARGET_RECALL = 0.97
CALIBRATION_QUERIES = 256
# Probes when no question-like ones are given: corpus vectors blurred to this cosine.
CALIBRATION_COSINE = 0.6
K_FACTORS = (4, 8, 16, 32, 64, 128)


_threads: int | None = None  # the cap `set_threads` asked for, for every thread that searches
_applied = threading.local()  # the cap applied in this thread


def set_threads(count: int, *, this_thread_only: bool = False) -> None:
    """Cap FAISS's OpenMP threads (workers x threads must not exceed the cores), in this thread
    and (unless `this_thread_only`: a build's own threads) in every thread that searches later.

    OpenMP keeps the setting per thread: set in the thread that loads the service, it did not
    hold in the threads that answer requests, which each searched with every core.
    """
    global _threads
    count = max(1, count)
    if not this_thread_only:
        _threads = count
    faiss.omp_set_num_threads(count)
    _applied.count = count


def _apply_threads() -> None:
    if _threads is not None and getattr(_applied, "count", None) != _threads:
        faiss.omp_set_num_threads(_threads)
        _applied.count = _threads


def ivf_lists(count: int) -> int:
    """How many inverted lists for `count` vectors (a power of two near sqrt(n))."""
    return max(1, 2 ** round(math.log2(max(1.0, math.sqrt(count)))))


def auto_kind(count: int, dimension: int) -> str:
    """The kind "auto" picks for `count` vectors of `dimension`."""
    if count <= EXACT_SEARCH_MAX_VECTORS:
        return "flat"
    return "pq-refine" if dimension % 8 == 0 else "ivf-sq8"  # fast-scan needs an even M = d/4


class DenseIndex:
    """A FAISS inner-product index over unit vectors, with a name for the kind in use."""

    def __init__(self, index: faiss.Index, kind: str):
        self._index = index
        self.kind = kind
        _use_blas_from(BLAS_MIN_QUERIES, int(index.d))

    @classmethod
    def build(
        cls, vectors: np.ndarray, kind: str = "auto", *, seed: int = 0,
        probes: np.ndarray | None = None,
    ) -> DenseIndex:
        """Index `vectors` (n x d float32 unit rows).

        kind is "flat" (exact), "pq-refine", "ivf", "ivf-sq8", "hnsw" or "auto" (by size).
        An approximate kind is calibrated on `probes` (question-like vectors; default: blurred
        corpus vectors).
        """
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        count, dimension = vectors.shape
        if kind == "auto":
            kind = auto_kind(count, dimension)
        if kind not in KINDS:
            raise ValueError(f"unknown dense index kind {kind!r}: use one of {', '.join(KINDS)}")
        if kind in APPROXIMATE_KINDS and count < 2:
            kind = "flat"  # nothing to quantize or cluster
        index: faiss.Index
        if kind == "flat":
            index = faiss.IndexFlatIP(dimension)
        elif kind == "hnsw":
            graph = faiss.IndexHNSWFlat(dimension, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            graph.hnsw.efConstruction = 80
            graph.hnsw.efSearch = 128
            index = graph
        else:
            index = _trained(vectors, kind, seed)
        if count:
            index.add(vectors)
        dense = cls(index, kind)
        if kind in APPROXIMATE_KINDS:
            dense.set_breadth(calibrated_breadth(dense, vectors, probes, seed=seed))
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
        if self.kind == "pq-refine":
            refine: Any = faiss.downcast_index(self._index)
            base: Any = faiss.downcast_index(refine.base_index)
            return {"pq_subquantizers": int(base.pq.M), "k_factor": int(refine.k_factor)}
        if self.kind == "hnsw":
            graph: Any = faiss.downcast_index(self._index)
            return {"M": HNSW_M, "ef_search": int(graph.hnsw.efSearch)}
        return {}

    def breadths(self) -> list[int]:
        """The settings calibration tries, narrowest (fastest) first."""
        if self.kind == "pq-refine":
            return list(K_FACTORS)
        if self.kind in ("ivf", "ivf-sq8"):
            nlist = int(faiss.extract_index_ivf(self._index).nlist)
            return [2**i for i in range(int(math.log2(nlist)) + 1)]
        return []

    def set_breadth(self, value: int) -> None:
        """How wide an approximate search reads: `k_factor` (pq-refine: candidates re-ranked
        per result) or `nprobe` (inverted lists read). Recall against speed."""
        if self.kind == "pq-refine":
            refine: Any = faiss.downcast_index(self._index)
            refine.k_factor = float(max(1, value))
        elif self.kind in ("ivf", "ivf-sq8"):
            faiss.extract_index_ivf(self._index).nprobe = max(1, value)

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
        _apply_threads()
        scores, ids = self._index.search(queries, top_k)
        return scores, ids

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, os.fspath(path))

    @classmethod
    def load(cls, path: Path, kind: str, *, mmap: bool = True) -> DenseIndex:
        """Load from disk, memory-mapped (IO_FLAG_MMAP_IFC) rather than copied when `mmap`:
        flat vectors, inverted lists and re-ranking codes stay in the page cache, shared
        between processes, instead of in each server's private memory."""
        flags = faiss.IO_FLAG_MMAP_IFC if mmap else 0
        try:
            index = faiss.read_index(os.fspath(path), flags)
        except RuntimeError as error:
            raise IndexInvalidError(f"cannot read vector index {path}: {error}") from error
        return cls(index, kind)


def _training_sample(vectors: np.ndarray, size: int, seed: int) -> np.ndarray:
    if len(vectors) <= size:
        return vectors
    rows = np.random.default_rng(seed).choice(len(vectors), size, replace=False)
    return vectors[np.sort(rows)]


def _trained(vectors: np.ndarray, kind: str, seed: int) -> faiss.Index:
    count, dimension = vectors.shape
    if kind == "pq-refine":
        index = faiss.index_factory(
            dimension, f"PQ{dimension // 4}x4fs,Refine(SQ8)", faiss.METRIC_INNER_PRODUCT
        )
        index.train(_training_sample(vectors, TRAIN_SAMPLE, seed))
        return index
    nlist = ivf_lists(count)
    quantizer = faiss.IndexFlatIP(dimension)
    ivf: faiss.IndexIVF
    if kind == "ivf":
        ivf = faiss.IndexIVFFlat(quantizer, dimension, nlist, faiss.METRIC_INNER_PRODUCT)
    else:
        ivf = faiss.IndexIVFScalarQuantizer(
            quantizer, dimension, nlist, faiss.ScalarQuantizer.QT_8bit,
            faiss.METRIC_INNER_PRODUCT,
        )
    ivf.cp.seed = seed
    ivf.cp.niter = IVF_TRAIN_ROUNDS
    ivf.cp.max_points_per_centroid = IVF_TRAIN_PER_LIST
    ivf.train(_training_sample(vectors, nlist * IVF_TRAIN_PER_LIST, seed))
    return ivf


def exact_neighbours(queries: np.ndarray, vectors: np.ndarray, top_k: int) -> np.ndarray:
    """Row ids of the exact `top_k` inner-product neighbours of each query (brute force)."""
    _, ids = faiss.knn(
        np.ascontiguousarray(queries, dtype=np.float32),
        np.ascontiguousarray(vectors, dtype=np.float32), top_k, faiss.METRIC_INNER_PRODUCT,
    )
    return np.asarray(ids)


def blurred_probes(vectors: np.ndarray, count: int, seed: int = 0) -> np.ndarray:
    """Sampled corpus vectors plus noise, at a cosine of `CALIBRATION_COSINE` to their source."""
    rng = np.random.default_rng(seed + 1)
    rows = rng.choice(len(vectors), min(count, len(vectors)), replace=False)
    # For a unit vector plus noise of norm s, the cosine is 1 / sqrt(1 + s^2).
    noise_norm = math.sqrt(1 / CALIBRATION_COSINE**2 - 1)
    noise = rng.standard_normal((len(rows), vectors.shape[1])) * (noise_norm / math.sqrt(vectors.shape[1]))
    probes = vectors[np.sort(rows)] + noise.astype(np.float32)
    return probes / np.linalg.norm(probes, axis=1, keepdims=True)


def calibrated_breadth(
    dense: DenseIndex, vectors: np.ndarray, probes: np.ndarray | None = None, *,
    top_k: int = 10, seed: int = 0, target: float = TARGET_RECALL,
) -> int:
    """The narrowest breadth (`DenseIndex.breadths`) at which the index finds `target` of the
    exact `top_k` neighbours of the probes; the widest when none does."""
    if probes is None:
        probes = blurred_probes(vectors, CALIBRATION_QUERIES, seed)
    exact = exact_neighbours(probes, vectors, top_k)
    candidates = dense.breadths()
    for breadth in candidates:
        dense.set_breadth(breadth)
        if dense.recall_at(probes, exact, top_k) >= target:
            return breadth
    return candidates[-1]
