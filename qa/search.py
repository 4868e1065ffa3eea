"""Searcher: question -> ranked passages from one generation (lexical, dense, or both fused)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qa.dense import DenseIndex
from qa.embed import Encoder
from qa.errors import IndexInvalidError, InputError
from qa.evidence import best_evidence
from qa.lexical import LexicalIndex, analyze
from qa.metadata import MetadataStore
from qa.store import Generation
from qa.text import normalize
from qa.types import Hit

RETRIEVERS = ("hybrid", "dense", "lexical")

# Reciprocal-rank fusion constant and how deep each ranking is read before fusing.
RRF_K = 60
FUSION_DEPTH = 100


@dataclass(frozen=True)
class SearchResult:
    """The answer to one question: ranked hits from one generation."""

    question: str
    hits: tuple[Hit, ...]
    generation: str
    retriever: str


def check_compatible(generation: Generation, encoder: Encoder) -> None:
    """Refuse an index built with another model or prefixes than the one configured."""
    model = generation.manifest.get("model", {})
    expected = {
        "fingerprint": encoder.fingerprint,
        "dimension": encoder.dimension,
        "query_prefix": encoder.query_prefix,
        "passage_prefix": encoder.passage_prefix,
    }
    for key, value in expected.items():
        if model.get(key) != value:
            raise IndexInvalidError(
                f"index {generation.name} was built with model {model.get('name')!r} "
                f"({key}={model.get(key)!r}) but the configured model is {encoder.name!r} "
                f"({key}={value!r}): rebuild with `qa index build` or set QA_MODEL to match"
            )


class Searcher:
    """Answers questions from one verified generation. Safe to share between threads."""

    def __init__(self, generation: Generation, encoder: Encoder, *, mmap: bool = True):
        check_compatible(generation, encoder)
        manifest = generation.manifest
        self.generation = generation
        self.encoder = encoder
        self.dense = DenseIndex.load(
            generation.path / "vectors.faiss", manifest["dense"]["kind"], mmap=mmap
        )
        self.lexical = LexicalIndex.load(generation.path / "lexical", mmap=mmap)
        self.metadata = MetadataStore(generation.path / "metadata.sqlite")
        count = manifest["passage_count"]
        if self.dense.size != count:
            raise IndexInvalidError(
                f"index {generation.name}: {self.dense.size} vectors for {count} passages"
            )

    @property
    def passage_count(self) -> int:
        return self.dense.size

    def search(self, question: str, top_k: int = 5, retriever: str = "hybrid",
               with_evidence: bool = True) -> SearchResult:
        """Rank passages for `question`; `retriever` is hybrid, dense or lexical."""
        if retriever not in RETRIEVERS:
            raise InputError(f"unknown retriever {retriever!r}: use one of {', '.join(RETRIEVERS)}")
        normalized = normalize(question)
        if not normalized:
            raise InputError("the question is empty")
        depth = max(FUSION_DEPTH, top_k)
        query_vector = self.encoder.encode_queries([normalized])[0]
        rankings = []
        if retriever in ("hybrid", "dense"):
            scores, ids = self.dense.search(query_vector[None, :], depth)
            keep = ids[0] >= 0
            rankings.append((ids[0][keep], scores[0][keep]))
        if retriever in ("hybrid", "lexical"):
            rankings.append(self.lexical.search(normalized, depth))
        ids, scores = rankings[0] if len(rankings) == 1 else fuse_reciprocal_rank(rankings)
        ids, scores = ids[:top_k], scores[:top_k]
        passages = self.metadata.passages(ids.tolist())
        question_tokens = set(analyze(normalized))
        hits = []
        for rank, (passage, score) in enumerate(zip(passages, scores, strict=True), start=1):
            evidence = ()
            if with_evidence:
                evidence = best_evidence(
                    question_tokens, query_vector, self.metadata.document(passage.doc_id),
                    passage, encode=self.encoder.encode_queries, analyze=analyze,
                )
            hits.append(Hit(passage=passage, score=float(score), rank=rank, evidence=evidence))
        return SearchResult(
            question=question, hits=tuple(hits), generation=self.generation.name,
            retriever=retriever,
        )


def fuse_reciprocal_rank(
    rankings: list[tuple[np.ndarray, np.ndarray]], k: int = RRF_K
) -> tuple[np.ndarray, np.ndarray]:
    """Reciprocal-rank fusion: score(d) = sum over rankings of 1 / (k + rank of d)."""
    fused: dict[int, float] = {}
    for ids, _ in rankings:
        for rank, pid in enumerate(ids.tolist(), start=1):
            fused[pid] = fused.get(pid, 0.0) + 1.0 / (k + rank)
    order = sorted(fused.items(), key=lambda item: (-item[1], item[0]))
    return (
        np.array([pid for pid, _ in order], dtype=np.int64),
        np.array([score for _, score in order], dtype=np.float32),
    )
