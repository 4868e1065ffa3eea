"""Fusing the rankings into one (dense, word BM25 and, optionally, subword BM25 over their
candidates): weighted reciprocal rank or score blending, plus an optional word-order bonus."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Ranking = tuple[np.ndarray, np.ndarray]  # (row ids, scores), best first


@dataclass(frozen=True)
class FusionSettings:
    """How two rankings become one. These defaults (balanced reciprocal rank) serve any model;
    the bundled model's own, tuned on train data, live in qa/calibration.json."""

    method: str = "rrf"  # "rrf" (reciprocal rank) or "blend" (min-max normalized scores)
    dense_weight: float = 0.5
    rrf_k: int = 60
    # The subword (character 4-gram) ranking's share; the word ranking gets what is left.
    subword_weight: float = 0.0
    # How much a thesaurus synonym of a question word counts in the word query, relative to
    # the word itself (qa.synonyms; hybrid retrieval only; 0: no synonyms).
    synonym_weight: float = 0.0
    # What a synonym counts for instead where no passage holds the question word itself (0: as
    # `synonym_weight`). Then the synonyms are all the question has of that word; users word
    # their questions in other words than a document's, most of all over one document.
    absent_synonym_weight: float = 0.0
    # The same for a question word that only one passage holds (0: as `synonym_weight`).
    rare_synonym_weight: float = 0.0
    # Added to a passage's fused score times the share of the question's word pairs it has
    # side by side (qa.lexical.LexicalIndex.proximity; hybrid only; 0: word order unused).
    proximity_weight: float = 0.0
    # Added to each of the fused ranking's best CONTRAST_DEPTH passages times its share of the
    # question words that tell those passages apart (qa.contrast; hybrid only; 0: unused).
    contrast_weight: float = 0.0
    # Added to the fused score of a passage that defines what a "what / who is X?" question
    # asks about (a sentence opening with X; qa.definition; hybrid only; 0: unused).
    definition_weight: float = 0.0
    # Added to each of the fused ranking's best EVIDENCE_DEPTH passages times its best sentence's
    # evidence score (0..1, qa.evidence): the answer to one question is in one sentence, and a
    # passage that has the question's words together in one sentence answers more often than
    # one that has them spread out (hybrid only; 0: unused).
    evidence_weight: float = 0.0

    @property
    def lexical_weight(self) -> float:
        return 1.0 - self.dense_weight - self.subword_weight


def _min_max(scores: np.ndarray) -> np.ndarray:
    if len(scores) == 0:
        return scores.astype(np.float64)
    low, high = float(scores.min()), float(scores.max())
    if high - low < 1e-12:
        return np.ones(len(scores))
    return (scores.astype(np.float64) - low) / (high - low)


def fuse(dense: Ranking, lexical: Ranking, settings: FusionSettings,
         subword: Ranking | None = None, proximity: Ranking | None = None) -> Ranking:
    """One ranking from all: ids sorted by fused score (ties by id, so results are stable).
    `proximity` scores (0..1, for some of the candidates) are added as they are, times their
    weight: they are a share already, and normalizing would make 0.2 of the pairs count as
    much as all of them."""
    rankings, weights = [dense, lexical], [settings.dense_weight, settings.lexical_weight]
    if subword is not None and settings.subword_weight > 0:
        rankings.append(subword)
        weights.append(settings.subword_weight)
    parts = []
    for (ids, scores), weight in zip(rankings, weights, strict=True):
        if settings.method == "rrf":
            parts.append(weight / (settings.rrf_k + np.arange(1, len(ids) + 1)))
        elif settings.method == "blend":
            parts.append(weight * _min_max(scores))
        else:
            raise ValueError(f"unknown fusion method {settings.method!r}")
    if proximity is not None and settings.proximity_weight > 0:
        rankings.append(proximity)
        parts.append(settings.proximity_weight * np.asarray(proximity[1], dtype=np.float64))
    every_id = np.concatenate([np.asarray(ids, dtype=np.int64) for ids, _ in rankings])
    # Each passage's contributions summed in float64, in the rankings' order.
    unique_ids, owner = np.unique(every_id, return_inverse=True)
    fused = np.bincount(owner, weights=np.concatenate(parts), minlength=len(unique_ids))
    order = np.lexsort((unique_ids, -fused))
    return unique_ids[order], fused[order].astype(np.float32)


def boost(ids: np.ndarray, scores: np.ndarray, bonus: np.ndarray) -> Ranking:
    """A fused ranking with `bonus` added to the scores of its first len(bonus) passages,
    sorted again (ties by id, as `fuse` sorts)."""
    if not bonus.any():
        return ids, scores
    scores = scores.astype(np.float64)
    scores[:len(bonus)] += bonus
    order = np.lexsort((ids, -scores))
    return ids[order], scores[order].astype(np.float32)
