"""Evidence: the sentence(s) of a passage that best answer the question, with original offsets."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from qa.text import clause_spans, normalize, sentence_spans, squeeze_spaces
from qa.types import Document, Evidence, Passage

# Long sentences are cut into clauses of at most this many characters, so the highlight is a
# readable span rather than a whole 1,000-character sentence.
MAX_EVIDENCE_CHARS = 320


def candidate_spans(document: Document, passage: Passage) -> list[tuple[int, int]]:
    """Sentence (or clause) spans of the passage, as offsets into the document text."""
    spans = []
    for start, end in sentence_spans(document.text, passage.char_start, passage.char_end):
        spans.extend(clause_spans(document.text, start, end, MAX_EVIDENCE_CHARS))
    return spans


def best_evidence(
    question_tokens: set[str],
    question_vector: np.ndarray,
    document: Document,
    passage: Passage,
    *,
    encode: Callable[[Sequence[str]], np.ndarray],
    analyze: Callable[[str], list[str]],
    count: int = 1,
) -> tuple[Evidence, ...]:
    """Score each sentence by meaning (cosine) and shared words; return the best `count`."""
    spans = candidate_spans(document, passage)
    if not spans:
        return ()
    texts = [squeeze_spaces(document.text[s:e]) for s, e in spans]
    normalized = [normalize(text) for text in texts]
    cosines = encode(normalized) @ question_vector
    scores = []
    for cosine, norm in zip(cosines, normalized, strict=True):
        words = set(analyze(norm))
        overlap = len(words & question_tokens) / max(1, len(question_tokens))
        scores.append(0.5 * float(cosine) + 0.5 * overlap)
    order = np.argsort(-np.asarray(scores), kind="stable")[:count]
    return tuple(
        Evidence(text=texts[i], char_start=spans[i][0], char_end=spans[i][1], score=round(scores[i], 4))
        for i in order
    )
