"""Floors for benchmarks: bare bm25s and bare FAISS on the same texts and vectors as the index.

What the pipeline adds on top of these (normalization, the model, fusion, metadata, evidence,
HTTP) is its overhead; the report shows it as a ratio.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from qa.benchmark_http import percentiles_ms
from qa.build import EXPORT_TEXTS, EXPORT_VECTORS
from qa.dense import DenseIndex, exact_neighbours


def read_texts(folder: Path) -> list[str]:
    with (folder / EXPORT_TEXTS).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def read_vectors(folder: Path) -> np.ndarray:
    """The exported vectors, memory-mapped."""
    return np.load(folder / EXPORT_VECTORS, mmap_mode="r")


def bm25s_floor(
    texts: Sequence[str], questions: Sequence[str], *, top_k: int = 100
) -> dict[str, float]:
    """bm25s with its own tokenizer (no stopwords) over the same normalized texts: seconds to
    index, and latency of one normalized question at a time."""
    import bm25s

    started = time.perf_counter()
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(list(texts), stopwords=None, show_progress=False),
                    show_progress=False)
    index_s = time.perf_counter() - started
    vocab = retriever.vocab_dict
    latencies = []
    top_k = min(top_k, len(texts))
    for question in questions:
        started = time.perf_counter()
        words = bm25s.tokenize(question, stopwords=None, return_ids=False, show_progress=False)
        known = [[word for word in words[0] if word in vocab]]
        if known[0]:
            retriever.retrieve(known, k=top_k, show_progress=False, n_threads=1)
        latencies.append(time.perf_counter() - started)
    return {"index_s": round(index_s, 2), **percentiles_ms(latencies)}


def faiss_floor(
    index_path: Path, kind: str, question_vectors: np.ndarray, *, top_k: int = 100
) -> dict[str, float]:
    """The built FAISS index alone (memory-mapped, as served): one question vector at a time."""
    dense = DenseIndex.load(index_path, kind, mmap=True)
    latencies = []
    for vector in question_vectors:
        started = time.perf_counter()
        dense.search(vector[None, :], top_k)
        latencies.append(time.perf_counter() - started)
    return percentiles_ms(latencies)


def faiss_build_floor(vectors: np.ndarray, kind: str) -> float:
    """Seconds FAISS alone takes to build the same kind of index over the same vectors."""
    started = time.perf_counter()
    DenseIndex.build(np.asarray(vectors), kind)
    return round(time.perf_counter() - started, 2)


def recall_against_exact(
    index_path: Path, kind: str, vectors: np.ndarray, question_vectors: np.ndarray,
    *, top_k: int = 10,
) -> float:
    """recall@k of the served index against exact search over the float vectors."""
    dense = DenseIndex.load(index_path, kind, mmap=True)
    exact = exact_neighbours(question_vectors, np.asarray(vectors), top_k)
    return round(dense.recall_at(question_vectors, exact, top_k), 4)
