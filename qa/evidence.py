"""Evidence: the sentence(s) of a passage that best answer the question, with original offsets."""

from __future__ import annotations

import threading
from collections import OrderedDict
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


class SentenceCache:
    """Normalized tokens and vectors of recently seen sentences, bounded (least recently used out).

    Normalizing and embedding every sentence of every hit is most of a request's work; popular
    passages come back again and again, so their sentences are prepared once.
    """

    def __init__(self, max_entries: int = 20_000):
        self.max_entries = max_entries
        self._entries: OrderedDict[str, tuple[frozenset[str], np.ndarray]] = OrderedDict()
        self._lock = threading.Lock()

    def get_many(
        self,
        texts: Sequence[str],
        encode: Callable[[Sequence[str]], np.ndarray],
        analyze: Callable[[str], list[str]],
    ) -> list[tuple[frozenset[str], np.ndarray]]:
        with self._lock:
            found = {t: self._entries[t] for t in texts if t in self._entries}
            for text in found:
                self._entries.move_to_end(text)
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            normalized = [normalize(t) for t in missing]
            vectors = encode(normalized)
            fresh = {t: (frozenset(analyze(n)), v) for t, n, v in zip(missing, normalized, vectors, strict=True)}
            found.update(fresh)
            with self._lock:
                self._entries.update(fresh)
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
        return [found[t] for t in texts]


def best_evidence(
    question_tokens: set[str],
    question_vector: np.ndarray,
    hits: Sequence[tuple[Document, Passage]],
    *,
    encode: Callable[[Sequence[str]], np.ndarray],
    analyze: Callable[[str], list[str]],
    cache: SentenceCache,
    count: int = 1,
) -> list[tuple[Evidence, ...]]:
    """For each (document, passage), its best `count` sentences by meaning (cosine) and shared
    words. All sentences of all hits are prepared in one batch: one encoder call per question."""
    spans_of = [candidate_spans(document, passage) for document, passage in hits]
    texts_of = [[squeeze_spaces(document.text[s:e]) for s, e in spans]
                for (document, _), spans in zip(hits, spans_of, strict=True)]
    prepared = iter(cache.get_many([t for texts in texts_of for t in texts], encode, analyze))
    results = []
    for spans, texts in zip(spans_of, texts_of, strict=True):
        scores = []
        for _ in texts:
            words, vector = next(prepared)
            overlap = len(words & question_tokens) / max(1, len(question_tokens))
            scores.append(0.5 * float(vector @ question_vector) + 0.5 * overlap)
        order = np.argsort(-np.asarray(scores), kind="stable")[:count]
        results.append(tuple(
            Evidence(text=texts[i], char_start=spans[i][0], char_end=spans[i][1],
                     score=round(scores[i], 4))
            for i in order
        ))
    return results
