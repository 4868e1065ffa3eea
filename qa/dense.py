"""The FAISS vector index: the only module that imports faiss.

Vectors are unit rows and the index ranks by inner product (= cosine).
"""

from __future__ import annotations

import os
from pathlib import Path

import faiss
import numpy as np

from qa.errors import IndexInvalidError

# BLAS kicks in only at ~334 queries by default; batched queries are 5-6x faster from 20 on.
faiss.cvar.distance_compute_blas_threshold = 20

# Exact search up to this many vectors; beyond it an HNSW graph keeps queries in milliseconds.
EXACT_SEARCH_MAX_VECTORS = 200_000


def set_threads(count: int) -> None:
    """Cap FAISS's OpenMP threads (workers x threads must not exceed the cores)."""
    faiss.omp_set_num_threads(max(1, count))


class DenseIndex:
    """A FAISS inner-product index over unit vectors, with a name for the kind in use."""

    def __init__(self, index: faiss.Index, kind: str):
        self._index = index
        self.kind = kind

    @classmethod
    def build(cls, vectors: np.ndarray, kind: str = "auto") -> DenseIndex:
        """Index `vectors` (n x d float32 unit rows); kind is "flat", "hnsw" or "auto" (by size)."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if kind == "auto":
            kind = "flat" if len(vectors) <= EXACT_SEARCH_MAX_VECTORS else "hnsw"
        dimension = vectors.shape[1]
        if kind == "flat":
            index = faiss.IndexFlatIP(dimension)
        elif kind == "hnsw":
            index = faiss.IndexHNSWFlat(dimension, 32, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = 80
            index.hnsw.efSearch = 64
        else:
            raise ValueError(f"unknown dense index kind {kind!r}")
        if len(vectors):
            index.add(vectors)
        return cls(index, kind)

    @property
    def size(self) -> int:
        return int(self._index.ntotal)

    @property
    def dimension(self) -> int:
        return int(self._index.d)

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
        """Load from disk; a flat index is memory-mapped (IO_FLAG_MMAP_IFC) rather than copied."""
        flags = faiss.IO_FLAG_MMAP_IFC if mmap and kind == "flat" else 0
        try:
            index = faiss.read_index(os.fspath(path), flags)
        except RuntimeError as error:
            raise IndexInvalidError(f"cannot read vector index {path}: {error}") from error
        return cls(index, kind)
