"""Retrieval metrics and the eval runner: recall@k, MRR@10, nDCG@10, and the misses."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from qa import store
from qa.build import ChunkSettings, build_index, build_key, index_text
from qa.embed import Encoder
from qa.errors import InputError, QAError
from qa.ingest import corpus_hash, load_corpus
from qa.search import Searcher
from qa.text import normalize, tokens

METRIC_KEYS = ("recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10", "count")


@dataclass(frozen=True)
class Question:
    """One eval row: the question and how to recognise a right passage."""

    id: str
    question: str
    answers: tuple[str, ...] = ()
    positive_ids: tuple[str, ...] = ()


@dataclass
class Report:
    """Metrics over a question set, the questions missed in the top k, and how often the
    evidence sentence of a right first passage holds an answer (`evidence`: "evidence@1", the
    share, and "judged", how many questions it was judged on: those with answer texts whose
    first passage is right)."""

    metrics: dict[str, float]
    misses: list[dict] = field(default_factory=list)
    evidence: dict[str, float] = field(default_factory=dict)


def load_questions(path: Path, *, unanswerable: bool = False) -> list[Question]:
    """Read a JSONL question set; a bad row is an InputError naming file and line.

    With `unanswerable`, rows need no answers: they are questions the corpus cannot answer.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as error:
        raise InputError(f"{path}: no such question file") from error
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot read question file ({error})") from error
    questions = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            question = question_from_row(json.loads(line), number)
        except (ValueError, InputError) as error:  # json's errors are ValueErrors
            raise InputError(f"{path}:{number}: bad question row ({error})") from error
        if not unanswerable and not question.answers and not question.positive_ids:
            raise InputError(f"{path}:{number}: row has neither answers nor positive_ids")
        questions.append(question)
    if not questions:
        raise InputError(f"{path}: no questions")
    return questions


def question_from_row(row: object, number: int) -> Question:
    """One parsed JSONL row as a Question; what is wrong with it is an InputError."""
    if not isinstance(row, dict):
        raise InputError(f"the row is {_kind(row)}, not a JSON object")
    if "question" not in row:
        raise InputError("missing field 'question'")
    text = row["question"]
    if not isinstance(text, str):
        raise InputError(f"'question' is {_kind(text)}, not a string")
    # Checked here, not when asked: a search would stop the run halfway, naming no line.
    if not tokens(normalize(text)):
        raise InputError(f"the question {text!r} has no words to search for")
    return Question(id=str(row.get("id", f"line-{number}")), question=text,
                    answers=_strings(row, "answers"), positive_ids=_strings(row, "positive_ids"))


def _strings(row: dict, name: str) -> tuple[str, ...]:
    """A field that lists strings; absent or null is none. A SQuAD-style answer
    ({"text": ..., "answer_start": ...}) counts as its text."""
    values = row.get(name)
    if values is None:
        return ()
    # A bare string would be read letter by letter, and any one letter found counts as a hit.
    if not isinstance(values, list):
        raise InputError(f"'{name}' is {_kind(values)}, not a list of strings")
    strings = []
    for value in values:
        if name == "answers" and isinstance(value, dict) and "text" in value:
            value = value["text"]
        if not isinstance(value, str) or not value.strip():
            raise InputError(f"'{name}' holds {json.dumps(value, ensure_ascii=False)}, not a non-empty string")
        strings.append(value)
    return tuple(strings)


def _kind(value: object) -> str:
    """What a JSON value is, in JSON's words."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    names = {str: "a string", int: "a number", float: "a number", list: "a list", dict: "an object"}
    return names.get(type(value), type(value).__name__)


def first_hit_rank(ranked_hits: Iterable[bool]) -> int | None:
    """1-based rank of the first hit, or None."""
    for rank, hit in enumerate(ranked_hits, start=1):
        if hit:
            return rank
    return None


def metrics_from_ranks(ranks: list[int | None]) -> dict[str, float]:
    """recall@1/5/10, MRR@10 and nDCG@10 (one relevant item: the first hit) from first-hit ranks."""
    count = len(ranks)

    def mean(values: Iterable[float]) -> float:
        return round(sum(values) / count, 4) if count else 0.0

    return {
        "recall@1": mean(1.0 if r is not None and r <= 1 else 0.0 for r in ranks),
        "recall@5": mean(1.0 if r is not None and r <= 5 else 0.0 for r in ranks),
        "recall@10": mean(1.0 if r is not None and r <= 10 else 0.0 for r in ranks),
        "mrr@10": mean(1.0 / r if r is not None and r <= 10 else 0.0 for r in ranks),
        "ndcg@10": mean(1.0 / math.log2(r + 1) if r is not None and r <= 10 else 0.0 for r in ranks),
        "count": count,
    }


def evaluate(
    searcher: Searcher,
    questions: list[Question],
    *,
    top_k: int = 10,
    retriever: str = "hybrid",
    progress: Callable[[Iterable[Question]], Iterable[Question]] = iter,
) -> Report:
    """Ask every question and judge the ranked passages."""
    ranks: list[int | None] = []
    misses = []
    evidence_hits: list[bool] = []
    for question in progress(questions):
        result = searcher.search(question.question, top_k=max(top_k, 10), retriever=retriever,
                                 with_evidence=False)
        judged = [is_hit(searcher, question, hit.passage) for hit in result.hits]
        rank = first_hit_rank(judged)
        ranks.append(rank)
        missed = rank is None or rank > top_k
        judge_evidence = rank == 1 and bool(question.answers)
        # Evidence only for the first passage (what the user reads first), and only where it is
        # judged or reported.
        top = result.hits[0].passage if result.hits else None
        top_evidence = searcher.evidence(question.question, [top])[0] if top and (missed or judge_evidence) else ()
        if judge_evidence:
            evidence_hits.append(any(contains_answer(e.text, question.answers) for e in top_evidence))
        if missed:
            misses.append({
                "id": question.id,
                "question": question.question,
                "expected": list(question.positive_ids or question.answers),
                "rank": rank,
                "top_passage": top.text[:200] if top else None,
                "top_doc_id": top.doc_id if top else None,
                "top_evidence": top_evidence[0].text if top_evidence else None,
            })
    evidence = {"evidence@1": round(sum(evidence_hits) / len(evidence_hits), 4) if evidence_hits else 0.0,
                "judged": len(evidence_hits)}
    return Report(metrics=metrics_from_ranks(ranks), misses=misses, evidence=evidence)


def abstention_report(
    searcher: Searcher,
    answerable: list[Question],
    unanswerable: list[Question],
    *,
    retriever: str = "hybrid",
    progress: Callable[[Iterable[Question]], Iterable[Question]] = iter,
) -> dict[str, float]:
    """Precision and recall of "no answer": on unanswerable questions it should be said, on
    answerable ones it should not. `retriever` picks the first passage whose coverage is one
    signal (the threshold itself was tuned with hybrid)."""
    said_on_unanswerable = sum(
        not searcher.search(q.question, top_k=1, retriever=retriever, with_evidence=False).answer_found
        for q in progress(unanswerable)
    )
    said_on_answerable = sum(
        not searcher.search(q.question, top_k=1, retriever=retriever, with_evidence=False).answer_found
        for q in progress(answerable)
    )
    said = said_on_unanswerable + said_on_answerable
    return {
        "no_answer_precision": round(said_on_unanswerable / said, 4) if said else 0.0,
        "no_answer_recall": round(said_on_unanswerable / len(unanswerable), 4) if unanswerable else 0.0,
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
    }


def is_hit(searcher: Searcher, question: Question, passage) -> bool:  # type: ignore[no-untyped-def]
    """A passage from a positive document, or (without positive_ids) one containing an answer."""
    if question.positive_ids:
        return passage.doc_id in question.positive_ids
    haystack = index_text(searcher.metadata.document(passage.doc_id), passage, with_title=False)
    return _holds_answer(haystack, question.answers)


def contains_answer(text: str, answers: Iterable[str]) -> bool:
    """Whether `text` holds one of `answers`, compared in normalized form."""
    return _holds_answer(normalize(text), answers)


def _holds_answer(normalized_text: str, answers: Iterable[str]) -> bool:
    return any(normalize(answer) in normalized_text for answer in answers if normalize(answer))


def index_for_corpus(
    corpus: Path,
    cache_dir: Path,
    encoder: Encoder,
    chunking: ChunkSettings,
    *,
    on_warning: Callable[[str], None] | None = None,
    on_build: Callable[[Path], None] | None = None,
) -> store.Generation:
    """An index of `corpus` for evaluation: reused from `cache_dir` when nothing changed.

    The cache key covers the corpus contents, the model and every index setting, so a stale
    index is never reused.
    """
    documents = load_corpus(corpus, on_warning=on_warning)
    cached = cache_dir / build_key(corpus_hash(documents), encoder, chunking)
    try:
        return store.load_current(cached)[0]
    except QAError:
        if on_build:
            on_build(cached)
        return build_index(corpus, cached, encoder, chunking=chunking, keep_generations=1,
                           documents=documents, show_progress=False)
