"""Evidence: the sentence(s) of a passage that best answer the question, with original offsets.

A sentence scores by the share of the question's words it holds plus half the share of the
question's word weight (rarity, synonyms counted as in abstention's coverage) it holds. Chosen on
training data (held-out PQuAD train questions and the reworded questions, each over its own
paragraph: does the chosen sentence hold the answer?): 0.889 / 0.731 of the time, against 0.876 /
0.710 for the earlier half word share, half cosine of sentence and question vectors. The cosine
only hurt (alone 0.817 / 0.640), and leaving it out spares embedding every sentence.

When the question asks when or how many (`qa.answer_type`), a sentence holding a date or a
number gains ANSWER_KIND_SHARE: 0.889 / 0.731 -> 0.894 / 0.742 on the same data (0.3 to 0.75 all
give 0.891-0.894 / 0.742); the score stays between 0 and 1.

The best sentence's score also reorders the hybrid's 5 best passages
(`FusionSettings.evidence_weight`, `Searcher.rerank`): a passage that says the question's words
in one sentence more often answers than one that has them spread out.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from qa.abstain import coverage
from qa.answer_type import holds_kind
from qa.contrast import contrast_shares
from qa.text import clause_spans, normalize, sentence_spans, squeeze_spaces
from qa.types import Document, Evidence, Passage

# Long sentences are cut into clauses of at most this many characters, so the highlight is a
# readable span rather than a whole 1,000-character sentence.
MAX_EVIDENCE_CHARS = 320
# What the share of the question's word weight held adds to the share of its words held.
WEIGHTED_SHARE = 0.5
# What holding the kind of value the question asks for (a date, a number) adds.
ANSWER_KIND_SHARE = 0.45


# Among a passage's sentences, those holding the question words that few of its sentences hold
# are preferred by up to this much (the score shown is left as it is). A passage about the
# question's subject names it in many sentences; the word that sets one sentence apart («امروز»
# in «کاخ چهلستون قزوین امروز چیست؟») marks the answer. Right sentence over the question's own
# paragraph (held-out PQuAD train / user-worded / second user-worded set) at 0 / 0.1 / 0.2 / 0.4:
# 1,191 / 345 / 339, 1,193 / 349 / 341, 1,196 / 348 / 339, 1,194 / 345 / 337 of 1,367 / 482 / 482.
CONTRAST_SHARE = 0.1


def _contrast_shares(question_tokens: set[str], term_weights: dict[str, float],
                     words: Sequence[frozenset[str]]) -> np.ndarray:
    """Each sentence's share of the question's weight, the passage's sentences weighed against
    each other as `qa.contrast` weighs the best passages (a word without an IDF counts 1)."""
    tokens = [token for token in question_tokens if any(token in held for held in words)]
    held = np.array([[token in sentence for token in tokens] for sentence in words], dtype=bool)
    return contrast_shares({token: term_weights.get(token, 1.0) for token in tokens},
                           held.reshape(len(words), len(tokens)))


def candidate_spans(document: Document, passage: Passage) -> list[tuple[int, int]]:
    """Sentence (or clause) spans of the passage, as offsets into the document text."""
    spans = []
    for start, end in sentence_spans(document.text, passage.char_start, passage.char_end):
        spans.extend(clause_spans(document.text, start, end, MAX_EVIDENCE_CHARS))
    return spans


@dataclass(frozen=True)
class Candidates:
    """A passage's candidate sentences: document offsets, texts and match tokens."""

    spans: tuple[tuple[int, int], ...]
    texts: tuple[str, ...]
    words: tuple[frozenset[str], ...]


class SentenceCache:
    """Prepared sentences, bounded (oldest out): by text, and whole passages by passage id.

    Normalizing and analyzing every sentence of every hit is a large part of a request's work;
    popular passages come back again and again, so their sentences are prepared once. Sentences are
    cached by text because neighbouring passages share them; passages by id (ids belong to one
    generation, as does this cache) so that a returning passage costs no splitting either.
    """

    def __init__(self, max_entries: int = 20_000, max_passages: int = 5_000):
        self.max_entries = max_entries
        self.max_passages = max_passages
        self._entries: OrderedDict[str, frozenset[str]] = OrderedDict()
        self._passages: dict[int, Candidates] = {}
        self._lock = threading.Lock()

    def get_many(self, texts: Sequence[str], analyze: Callable[[str], list[str]]) -> list[frozenset[str]]:
        with self._lock:
            found = {t: self._entries[t] for t in texts if t in self._entries}
            for text in found:
                self._entries.move_to_end(text)
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            fresh = {t: frozenset(analyze(normalize(t))) for t in missing}
            found.update(fresh)
            with self._lock:
                self._entries.update(fresh)
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
        return [found[t] for t in texts]

    def candidates(
        self,
        hits: Sequence[tuple[Document, Passage]],
        analyze: Callable[[str], list[str]],
    ) -> list[Candidates]:
        """The candidates of each hit, prepared once."""
        found = {p.id: c for _, p in hits if (c := self._passages.get(p.id)) is not None}
        missing = list({p.id: (d, p) for d, p in hits if p.id not in found}.values())
        if missing:
            spans_of = [candidate_spans(document, passage) for document, passage in missing]
            texts_of = [[squeeze_spaces(document.text[s:e]) for s, e in spans]
                        for (document, _), spans in zip(missing, spans_of, strict=True)]
            prepared = iter(self.get_many([t for texts in texts_of for t in texts], analyze))
            for (_, passage), spans, texts in zip(missing, spans_of, texts_of, strict=True):
                found[passage.id] = Candidates(
                    spans=tuple(spans), texts=tuple(texts), words=tuple(next(prepared) for _ in texts),
                )
            with self._lock:
                for _, passage in missing:
                    self._passages[passage.id] = found[passage.id]
                while len(self._passages) > self.max_passages:
                    del self._passages[next(iter(self._passages))]
        return [found[p.id] for _, p in hits]


def best_evidence(
    question_tokens: set[str],
    term_weights: dict[str, float],
    hits: Sequence[tuple[Document, Passage]],
    *,
    analyze: Callable[[str], list[str]],
    cache: SentenceCache,
    synonyms: Mapping[str, Sequence[tuple[str, ...]]] | None = None,
    asked: str | None = None,
    count: int = 1,
) -> list[tuple[Evidence, ...]]:
    """For each (document, passage), its best `count` sentences: the share of
    `question_tokens` each holds plus WEIGHTED_SHARE x the share of `term_weights` (with
    `synonyms`, as `qa.abstain.coverage`), plus ANSWER_KIND_SHARE if the question asks for a
    kind of value (`asked`, from `qa.answer_type.asked_kind`) the sentence holds; scaled to
    0..1, ties to the earlier sentence."""
    results = []
    most = 1 + WEIGHTED_SHARE + (ANSWER_KIND_SHARE if asked else 0.0)
    for candidates in cache.candidates(hits, analyze):
        scores = [(len(words & question_tokens) / max(1, len(question_tokens))
                   + WEIGHTED_SHARE * coverage(term_weights, words, synonyms)
                   + ANSWER_KIND_SHARE * holds_kind(asked, text, words)) / most
                  for text, words in zip(candidates.texts, candidates.words, strict=True)]
        preference = np.asarray(scores) + CONTRAST_SHARE * _contrast_shares(
            question_tokens, term_weights, candidates.words)
        order = np.argsort(-preference, kind="stable")[:count]
        results.append(tuple(
            Evidence(text=candidates.texts[i], char_start=candidates.spans[i][0],
                     char_end=candidates.spans[i][1], score=round(scores[i], 4))
            for i in order
        ))
    return results
