"""Searcher: question -> ranked passages from one generation (lexical, dense, or both fused)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from qa.abstain import Abstention, Signals, answer_weights, coverage, load_abstention, load_fusion
from qa.answer_type import asked_kind
from qa.colloquial import written_form
from qa.compound_spacing import compounds_apart, verb_prefix_joined
from qa.contrast import CONTRAST_DEPTH, contrast_shares, words_held
from qa.definition import (
    DEFINITION_DEPTH,
    PassageOpenings,
    defined_subject,
    defines,
    definition_bonus,
    leads_with,
    passage_openings,
)
from qa.dense import DenseIndex
from qa.embed import Encoder
from qa.errors import IndexInvalidError, InputError
from qa.evidence import SentenceCache, best_evidence
from qa.finglish import is_finglish, persian_read
from qa.fusion import FusionSettings, Ranking, boost, fuse
from qa.keyboard_layout import meant_on_persian_keys, words_on_persian_keys
from qa.latin_names import persian_spelled
from qa.lexical import LexicalIndex, analyze, in_lexicon, verb_tokens
from qa.metadata import MetadataStore
from qa.misspelling import respelled
from qa.question_frame import about_the_asker, without_frame
from qa.store import Generation
from qa.subword import FOLDER as SUBWORD_FOLDER
from qa.subword import SubwordIndex
from qa.synonyms import Thesaurus, load_thesaurus
from qa.text import normalize, question_form, tokens
from qa.types import Evidence, Hit, Passage

RETRIEVERS = ("hybrid", "dense", "lexical")

# How deep each ranking is read before fusing.
FUSION_DEPTH = 100
# How many of each ranking's best passages the subword and word-order signals rescore. Measured
# on the train-side proxies: 20 or 30 rank as well as all 100 (and as searching every passage).
SUBWORD_DEPTH = 30
# How many of the fused ranking's best passages their best sentence reorders
# (`FusionSettings.evidence_weight`): 5, 10 and 20 measured the same on the train-side proxies,
# and the 5 best are the ones whose evidence an answer shows anyway.
EVIDENCE_DEPTH = 5
# For a question that asks when or how many (`qa.answer_type`), the best sentence counts this many
# times as much: the date or number tells apart passages that share the question's words. Mean
# MRR@10 over the 19 train-side sets (eval/train_proxies.py) at 2 / 3: +0.0008 / +0.0009; at 2,
# 16 sets up (user-worded one document 0.8900 -> 0.8920, mistyped 0.8434 -> 0.8456, the second
# user-worded set 0.8433 -> 0.8444), held-out PQuAD per article and one document -0.0007; at 3
# about the same mean with sets moving more both ways (user-worded per article -0.0001).
ASKED_KIND_EVIDENCE_FACTOR = 2.0
# Added to a candidate's fused score times the share of the question's word weight (as "answer
# found" counts it) that its document's title holds: a prior for the document the question
# names («هیتلر ...» in a corpus of many articles). Passages of one document all gain the same,
# so their order is left alone. `python eval/train_proxies.py`, mean hybrid MRR@10 of the 19
# sets at 0.1 / 0.2 / 0.4: +0.0004 / +0.0005 / +0.0011, 7 sets up, FarsTail val (its premises
# are titled by their own first line) down one question; the whole-corpus user-worded sets
# +0.002 to +0.004 at 0.4 (second set 0.8501 -> 0.8543), one-document and per-article unchanged.
TITLE_WEIGHT = 0.4
# Passages whose sentence openings are kept (for definition questions); ~0.1-0.5 KB each.
MAX_CACHED_PASSAGES = 20_000


@dataclass
class RerankMemo:
    """What `Searcher.rerank` found about one question's passages, by passage id: which question
    words each holds (contrast), its best sentences (evidence) and its title's share of the
    question. Kept by a caller that reranks the same question under many fusion settings."""

    held: dict[int, np.ndarray] = field(default_factory=dict)
    evidence: dict[int, tuple[Evidence, ...]] = field(default_factory=dict)
    title_share: dict[int, float] = field(default_factory=dict)


@dataclass(frozen=True)
class SearchResult:
    """The answer to one question: ranked hits from one generation."""

    question: str
    hits: tuple[Hit, ...]
    generation: str
    retriever: str
    answer_found: bool
    confidence: float
    # The question as every signal read it (`Searcher.question_text`), where that is not just
    # the question normalized: spoken words, misspellings or openings were read otherwise.
    read_as: str | None = None


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

    def __init__(self, generation: Generation, encoder: Encoder, *, mmap: bool = True,
                 fusion: FusionSettings | None = None, abstention: Abstention | None = None,
                 thesaurus: Thesaurus | None = None):
        check_compatible(generation, encoder)
        self.fusion = fusion or load_fusion(encoder.fingerprint)
        self.sentence_cache = SentenceCache()  # per searcher: passage ids belong to this generation
        # A plain dict owned by the searcher, not an lru_cache on a method: that would hold the
        # searcher in a module-level cache and keep its generation's lease alive after a swap.
        self._openings: dict[int, PassageOpenings] = {}
        self._titles: dict[str, frozenset[str]] = {}  # a document's title as analyzed words
        self._every_title_word: frozenset[str] | None = None  # all titles' analyzed words
        self._cache_lock = threading.Lock()
        self.abstention = abstention or load_abstention(encoder.fingerprint)
        self.thesaurus = thesaurus if thesaurus is not None else load_thesaurus()
        manifest = generation.manifest
        self.generation = generation
        self.encoder = encoder
        self.dense = DenseIndex.load(
            generation.path / "vectors.faiss", manifest["dense"]["kind"], mmap=mmap
        )
        self.lexical = LexicalIndex.load(generation.path / "lexical", mmap=mmap)
        self.subword = SubwordIndex.load(generation.path / SUBWORD_FOLDER, mmap=mmap)
        self.metadata = MetadataStore(generation.path / "metadata.sqlite")
        count = manifest["passage_count"]
        if self.dense.size != count:
            raise IndexInvalidError(
                f"index {generation.name}: {self.dense.size} vectors for {count} passages"
            )

    @property
    def passage_count(self) -> int:
        return self.dense.size

    def rankings(self, normalized: str, query_vector, depth: int, retriever: str,  # type: ignore[no-untyped-def]
                 synonyms: FusionSettings | None = None) -> tuple[Ranking, Ranking]:
        """The dense and lexical rankings (either may be empty when not asked for). For
        hybrid, the word query takes in the question words' synonyms at the synonym weights of
        `synonyms` (default: this searcher's fusion; `synonym_tokens`); the lexical retriever
        stays plain BM25."""
        empty: Ranking = (np.empty(0, np.int64), np.empty(0, np.float32))
        dense, lexical = empty, empty
        if retriever in ("hybrid", "dense"):
            scores, ids = self.dense.search(query_vector[None, :], depth)
            keep = ids[0] >= 0
            dense = (ids[0][keep].astype(np.int64), scores[0][keep])
        if retriever in ("hybrid", "lexical"):
            lexical = self.lexical.search(normalized, depth)
        weights = synonyms or self.fusion
        synonyms_found = (self.synonym_tokens(normalized, weights.synonym_weight, weights.absent_synonym_weight,
                                              weights.rare_synonym_weight)
                          if retriever == "hybrid" else None)
        if synonyms_found:
            # Synonyms rescore the passages either ranking found, rather than search the whole
            # corpus: common synonyms have long posting lists, and at a million passages a
            # search over them all took ~25 ms more per question (BENCHMARKS.md).
            candidates = np.union1d(lexical[0], dense[0])
            lexical = self.lexical.score_rows(normalized, candidates, depth, synonyms_found)
        return dense, lexical

    def synonym_tokens(self, normalized: str, weight: float, absent_weight: float = 0.0,
                       rare_weight: float = 0.0) -> dict[str, float]:
        """The question words' thesaurus synonyms, each weighted `weight` x its share; the
        synonyms of a word no passage holds weighted `absent_weight` instead, and of a word one
        passage holds `rare_weight`, where those are > 0 (the word itself can match nothing, or
        one passage, so its synonyms are all, or nearly all, the question has of it). No
        synonyms at all at `weight` 0."""
        if weight <= 0:
            return {}
        tokens = analyze(normalized)
        if absent_weight <= 0 and rare_weight <= 0:
            return {token: weight * share for token, share in self.thesaurus.expansions(tokens).items()}
        by_frequency = {0: absent_weight or weight, 1: rare_weight or weight}
        return self.thesaurus.expansions(
            tokens, weight_of=lambda token: by_frequency.get(self.lexical.token_frequency(token), weight))

    def subword_ranking(self, normalized: str, dense: Ranking, lexical: Ranking) -> Ranking:
        """The 4-gram BM25 ranking of the best passages of either ranking (the rest are not
        read): those sharing a 4-gram with the question, best first, ties by id."""
        candidates = np.union1d(dense[0][:SUBWORD_DEPTH], lexical[0][:SUBWORD_DEPTH])
        scores = self.subword.score_rows(normalized, candidates)
        keep = scores > 0
        ids, scores = candidates[keep], scores[keep]
        order = np.lexsort((ids, -scores))
        return ids[order], scores[order]

    def proximity_ranking(self, normalized: str, dense: Ranking, lexical: Ranking) -> Ranking:
        """The word-order score (`LexicalIndex.proximity`) of the best passages of either
        ranking, the ones the subword signal reads too, in id order."""
        candidates = np.union1d(dense[0][:SUBWORD_DEPTH], lexical[0][:SUBWORD_DEPTH])
        return candidates, self.lexical.proximity(normalized, candidates)

    def question_text(self, question: str) -> str:
        """A question as every signal reads it: normalized (typed on the English keyboard layout
        by mistake: as meant, `qa.keyboard_layout`), without an opening that points at
        the document («طبق متن،»; `qa.question_frame`), a question typed in Latin letters as
        Persian (`qa.finglish`), names typed in Latin letters as this corpus writes them
        (`qa.latin_names`), spoken words in written form (`qa.colloquial`),
        misspelled words as this corpus spells them (`qa.misspelling`), compounds as their words
        (`qa.compound_spacing`)."""
        return self._readings(self._meant(question, question_form(question)))[1]

    def _meant(self, question: str, typed: str) -> str:
        """The match form of what the question meant: `typed` (its `question_form`), or that of
        the Persian it meant where it, or a word of it, was typed on the English keyboard layout
        by mistake (`qa.keyboard_layout`)."""
        meant = meant_on_persian_keys(question, self.lexical) or words_on_persian_keys(question, self.lexical)
        return typed if meant == question else question_form(meant)

    def _readings(self, typed: str) -> tuple[str, str]:
        """The question as the user is told it was read (`SearchResult.read_as`: compounds cut
        apart for matching are no news to them) and as every signal reads it."""
        asked = self._asked(typed)
        persian = persian_read(asked, self.lexical) if is_finglish(asked) else persian_spelled(asked, self.lexical)
        read = respelled(written_form(verb_prefix_joined(persian, self.lexical), self.lexical), self.lexical)
        return read, compounds_apart(read, self.lexical)

    def _asked(self, typed: str) -> str:
        """`typed` without the words around its question (`qa.question_frame.without_frame`) and
        the sentences before it that speak of the asker (`qa.question_frame.about_the_asker`), but
        for the words of those that name a document (its title's words), where the rest names
        none: «من درباره قزاقستان تحقیق میکنم. چرا پایتختش عوض شد؟» asks «قزاقستان چرا پایتختش عوض
        شد؟». Over many articles that name is what finds the document; where the question names
        one too, the sentence's words only weigh the question down (train-side figures in
        docs/QUALITY.md, stop 32)."""
        found = about_the_asker(typed)
        if found is None:
            return without_frame(typed)
        context, question = found[0], without_frame(found[1])
        title_words = self._all_title_words()

        def names_document(read: list[str]) -> bool:  # «با» of «روابط قزاقستان با روسیه» names nothing
            return any(token in title_words and not self.lexical.only_common_words([token]) for token in read)

        if names_document(analyze(question)):
            return question
        named = [word for word in tokens(context) if (read := analyze(word)) and names_document(read)]
        return " ".join([*named, question])

    def _all_title_words(self) -> frozenset[str]:
        """The analyzed words of every document's title, read once; none where all documents
        share one title: every passage holds its words (indexed with each), so they tell none
        apart, and added to a question they only raise its coverage ("answer found")."""
        if self._every_title_word is None:
            titles = set(self.metadata.titles())
            shared = len(titles) < 2
            words = frozenset() if shared else frozenset(token for title in titles for token in analyze(normalize(title)))
            with self._cache_lock:
                self._every_title_word = words
        return self._every_title_word

    def evidence(self, question: str, passages: Sequence[Passage]) -> list[tuple[Evidence, ...]]:
        """The best sentence of each of `passages` for `question`, as `search` gives them
        (for judging results found without evidence, as the eval runner does)."""
        normalized = self.question_text(question)
        return self._evidence(normalized, self.lexical.term_weights(normalized), passages)

    def _evidence(self, normalized: str, term_weights: dict[str, float], passages: Sequence[Passage],
                  fusion: FusionSettings | None = None) -> list[tuple[Evidence, ...]]:
        return best_evidence(
            set(analyze(normalized)), term_weights,
            [(self.metadata.document(p.doc_id), p) for p in passages],
            analyze=analyze, cache=self.sentence_cache, synonyms=self._synonyms(normalized, fusion),
            asked=asked_kind(normalized),
        )

    def _synonyms(self, normalized: str, fusion: FusionSettings | None = None):  # type: ignore[no-untyped-def]
        """The thesaurus's synonyms as the question reads them (its multi-word synonyms
        counting as their headwords, `Thesaurus.for_question`) where the fusion (default: this
        searcher's) uses them: coverage, evidence and contrast count them."""
        if (fusion or self.fusion).synonym_weight <= 0:
            return None
        return self.thesaurus.for_question(analyze(normalized))

    def search(self, question: str, top_k: int = 5, retriever: str = "hybrid",
               with_evidence: bool = True) -> SearchResult:
        """Rank passages for `question`; `retriever` is hybrid, dense or lexical."""
        if retriever not in RETRIEVERS:
            raise InputError(f"unknown retriever {retriever!r}: use one of {', '.join(RETRIEVERS)}")
        typed = question_form(question)
        read, normalized = self._readings(self._meant(question, typed))
        if not tokens(normalized):
            raise InputError("the question is empty: it has no words to search for")
        query_vector = self.encoder.encode_queries([normalized])[0]
        # The dense side is always read: its best cosine is an abstention signal.
        dense, lexical = self.rankings(normalized, query_vector, max(FUSION_DEPTH, top_k),
                                       "hybrid" if retriever == "hybrid" else retriever)
        if retriever == "lexical":
            dense_top = float(self.dense.search(query_vector[None, :], 1)[0][0][0])
        else:
            dense_top = float(dense[1][0]) if len(dense[1]) else 0.0
        term_weights = self.lexical.term_weights(normalized)
        known: dict[int, tuple[Evidence, ...]] = {}  # evidence the reranking already chose
        if retriever == "hybrid":
            subword = (self.subword_ranking(normalized, dense, lexical)
                       if self.fusion.subword_weight > 0 else None)
            proximity = (self.proximity_ranking(normalized, dense, lexical)
                         if self.fusion.proximity_weight > 0 else None)
            ids, scores = fuse(dense, lexical, self.fusion, subword, proximity)
            ids, scores, known = self.rerank(normalized, ids, scores, self.fusion, term_weights)
        else:
            ids, scores = dense if retriever == "dense" else lexical
        ids, scores = ids[:top_k], scores[:top_k]
        passages = self.metadata.passages(ids.tolist())

        signals = Signals(dense_top=dense_top, coverage=0.0)
        if passages:
            signals = Signals(dense_top=dense_top,
                              coverage=self.answer_coverage(normalized, passages[0].id, term_weights))
        # A question of common words only («و», «این چیست؟») is covered by any passage, yet asks
        # nothing the documents could answer.
        specific = not self.lexical.only_common_words(term_weights)
        confidence = self.abstention.probability(signals) if passages and specific else 0.0

        evidence: list[tuple[Evidence, ...]] = [() for _ in passages]
        if with_evidence and passages:
            missing = [p for p in passages if p.id not in known]
            known.update(zip((p.id for p in missing), self._evidence(normalized, term_weights, missing), strict=True))
            evidence = [known[p.id] for p in passages]
        hits = tuple(
            Hit(passage=passage, score=float(score), rank=rank, evidence=found)
            for rank, (passage, score, found) in enumerate(
                zip(passages, scores, evidence, strict=True), start=1)
        )
        return SearchResult(
            question=question, hits=hits, generation=self.generation.name,
            retriever=retriever, answer_found=bool(passages) and confidence >= self.abstention.threshold,
            confidence=round(confidence, 4), read_as=None if read == typed else read,
        )

    def answer_coverage(self, normalized: str, passage_id: int, term_weights: dict[str, float],
                        fusion: FusionSettings | None = None) -> float:
        """The coverage signal of "answer found": the share of the question's word weight
        (`term_weights`, verb forms at `qa.abstain.VERB_WEIGHT`, words neither the documents nor
        the lexicon know at `qa.abstain.UNKNOWN_WEIGHT`) that the passage holds, a word
        held by a synonym too where the fusion (default: this searcher's) uses synonyms, or by
        a phrase the passage says for it (`Thesaurus.words_said`). The
        service and the calibration (eval/tune_fusion.py) both read it here."""
        # Not numbers: a year or amount the documents lack is what a near miss asks for.
        unknown = {token for token in term_weights
                   if token.isalpha() and not self.lexical.has_token(token) and not in_lexicon(token)}
        weights = answer_weights(term_weights, verb_tokens(normalized), unknown)
        words = self.lexical.row_sequences([passage_id])[0]
        held = frozenset(words)
        synonyms = self._synonyms(normalized, fusion)
        if synonyms is not None:
            # The passage may say a phrase for a question word («به دنیا آمد» for «متولد»).
            held |= self.thesaurus.words_said(words)
        return coverage(weights, held, synonyms)

    def rerank(self, normalized: str, ids: np.ndarray, scores: np.ndarray, fusion: FusionSettings,
               term_weights: dict[str, float] | None = None,
               memo: RerankMemo | None = None,
               ) -> tuple[np.ndarray, np.ndarray, dict[int, tuple[Evidence, ...]]]:
        """The head of a fused ranking reordered by what its passages hold: the FUSION_DEPTH best
        move up by TITLE_WEIGHT times the share of the question their document's title holds,
        the 20 best by `fusion.contrast_weight` times their share of the question words that
        tell them apart (`qa.contrast`), the passages that define what a "what / who is X?"
        question asks about by `fusion.definition_weight` (`qa.definition`), then the 5 best by
        `fusion.evidence_weight` times their best sentence's evidence score (`qa.evidence`).
        Also returns the evidence it chose, by passage id, for the answer to reuse.
        `memo` (what was found for this question's passages, filled as found) spares finding
        it again when the same question is reranked under many fusion settings, as
        eval/tune_fusion.py does."""
        memo = memo or RerankMemo()
        if term_weights is None:
            term_weights = self.lexical.term_weights(normalized)
        if len(ids):
            ids, scores = self._title_boosted(ids, scores, term_weights, memo)
        if fusion.contrast_weight > 0:
            head = ids[:CONTRAST_DEPTH].tolist()
            unseen = [i for i in head if i not in memo.held]
            if unseen:
                held = words_held(list(term_weights), self._synonyms(normalized, fusion),
                                  lambda words: self.lexical.holding(words, unseen))
                memo.held.update(zip(unseen, held, strict=True))
            rows = np.array([memo.held[i] for i in head], dtype=bool).reshape(len(head), len(term_weights))
            ids, scores = boost(ids, scores, fusion.contrast_weight * contrast_shares(term_weights, rows))
        subject = defined_subject(normalized, analyze) if fusion.definition_weight > 0 else None
        if subject is not None:
            openings = self.sentence_openings(ids[:DEFINITION_DEPTH].tolist())
            defining = {i for i, found in openings.items() if defines(subject, found.openings)}
            leading = {i for i, found in openings.items() if leads_with(subject, found.lead_names)}
            ids, scores = boost(ids, scores, definition_bonus(ids, fusion.definition_weight, defining, leading))
        chosen: dict[int, tuple[Evidence, ...]] = {}
        if fusion.evidence_weight > 0 and len(ids):
            head_ids = ids[:EVIDENCE_DEPTH].tolist()
            passages = self.metadata.passages([i for i in head_ids if i not in memo.evidence])
            if passages:
                found = self._evidence(normalized, term_weights, passages, fusion)
                memo.evidence.update(zip((p.id for p in passages), found, strict=True))
            chosen = {i: memo.evidence[i] for i in head_ids if i in memo.evidence}
            best = np.array([chosen[i][0].score if chosen.get(i) else 0.0 for i in head_ids])
            factor = ASKED_KIND_EVIDENCE_FACTOR if asked_kind(normalized) else 1.0
            ids, scores = boost(ids, scores, fusion.evidence_weight * factor * best)
        return ids, scores, chosen

    def _title_boosted(self, ids: np.ndarray, scores: np.ndarray, term_weights: dict[str, float],
                       memo: RerankMemo) -> Ranking:
        """A fused ranking with its FUSION_DEPTH best raised by TITLE_WEIGHT x the share of the
        question's word weight its document's title holds (unchanged where all share one
        title, as over one document)."""
        head = ids[:FUSION_DEPTH].tolist()  # as deep as each ranking is read
        unseen = [i for i in head if i not in memo.title_share]
        if unseen:
            doc_ids = self.metadata.doc_ids(unseen)
            memo.title_share.update(zip(unseen, (coverage(term_weights, self._title_words(d)) for d in doc_ids),
                                        strict=True))
        bonus = np.array([memo.title_share[i] for i in head])
        if bonus.max() - bonus.min() < 1e-9:
            return ids, scores
        return boost(ids, scores, TITLE_WEIGHT * bonus)

    def _title_words(self, doc_id: str) -> frozenset[str]:
        words = self._titles.get(doc_id)
        if words is None:
            words = frozenset(analyze(normalize(self.metadata.document(doc_id).title)))
            with self._cache_lock:
                self._titles[doc_id] = words
        return words

    def sentence_openings(self, passage_ids: Sequence[int]) -> dict[int, PassageOpenings]:
        """What each passage's sentences open with (`qa.definition.passage_openings`; cached per
        passage id: only passages not seen before are read from the metadata store)."""
        found = {i: self._openings[i] for i in passage_ids if i in self._openings}
        for passage in self.metadata.passages([i for i in passage_ids if i not in found]):
            found[passage.id] = passage_openings(passage.text, analyze)
            self._keep(self._openings, passage.id, found[passage.id])
        return found

    def _keep(self, cache: dict, passage_id: int, value: object) -> None:
        """Remember a passage's prepared value in a per-passage cache, bounded to
        MAX_CACHED_PASSAGES entries (the oldest out)."""
        with self._cache_lock:
            if len(cache) >= MAX_CACHED_PASSAGES:
                del cache[next(iter(cache))]
            cache[passage_id] = value
