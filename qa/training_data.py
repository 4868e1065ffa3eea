"""Training pairs for the embedding model, built from the train-only data copied into data/.

Every text is normalized with `qa.text.normalize`, because the model only ever sees that form.
Four kinds of pairs (anchor, positive, optional hard negative):

- pquad:    a PQuAD train question -> the paragraph it was written on
- farstail: a FarsTail premise -> a hypothesis it entails (the contradicted one as hard negative)
- cloze:    a sentence of a paragraph -> the rest of that paragraph (the inverse cloze task)
- title:    an article title + a paragraph's first sentence -> the rest of that paragraph

The default model learns from pquad and farstail pairs only: on held-out PQuAD train articles,
cloze and title pairs did not help (qa/model/README.md). `corpus_texts` is the unlabelled text
the tokenizer and the IDF statistics are built from.

A pair's `group` names the paragraph or premise it came from: two pairs of one group must not
share a batch, or each would be the other's false negative.
"""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from qa.errors import InputError
from qa.text import normalize, sentence_spans

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
PARAGRAPHS_FILE = "pquad_train_paragraphs.jsonl"
QUESTIONS_FILE = "pquad_train_questions.jsonl"
FARSTAIL_FILE = "farstail_train.tsv"


@dataclass(frozen=True)
class TrainingPair:
    """One training example; texts are already normalized."""

    anchor: str
    positive: str
    negative: str | None
    source: str
    group: str


@dataclass(frozen=True)
class Paragraph:
    """A PQuAD train paragraph, original text."""

    id: str
    title: str
    text: str


@dataclass(frozen=True)
class Question:
    """A PQuAD train question and the paragraphs it was written on."""

    id: str
    text: str
    positive_ids: tuple[str, ...]


def _read_jsonl(path: Path) -> list[dict]:
    if not path.is_file():
        raise InputError(f"training data not found: {path} (run `python data/prepare.py`)")
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_paragraphs(data_dir: Path = DATA_DIR) -> list[Paragraph]:
    """The PQuAD train paragraphs, in file order."""
    rows = _read_jsonl(data_dir / PARAGRAPHS_FILE)
    return [Paragraph(row["id"], row["title"], row["text"]) for row in rows]


def load_questions(data_dir: Path = DATA_DIR) -> list[Question]:
    """The PQuAD train questions, in file order."""
    rows = _read_jsonl(data_dir / QUESTIONS_FILE)
    return [Question(row["id"], row["question"], tuple(row["positive_ids"])) for row in rows]


def split_by_title(
    paragraphs: list[Paragraph], holdout_fraction: float, seed: int
) -> tuple[set[str], set[str]]:
    """Paragraph ids for training and for held-out tuning, split by article title.

    Whole articles are held out, as the dev set's articles are unseen in training.
    """
    titles = sorted({p.title for p in paragraphs})
    random.Random(seed).shuffle(titles)
    held_titles = set(titles[: round(len(titles) * holdout_fraction)])
    held = {p.id for p in paragraphs if p.title in held_titles}
    return {p.id for p in paragraphs} - held, held


def _same_article_negative(
    pid: str, paragraphs: dict[str, Paragraph], by_title: dict[str, list[str]], rng: random.Random
) -> str | None:
    others = [other for other in by_title[paragraphs[pid].title] if other != pid]
    return rng.choice(others) if others else None


def question_pairs(
    questions: Iterable[Question], paragraphs: dict[str, Paragraph], *, seed: int = 0
) -> list[TrainingPair]:
    """Question -> paragraph, another paragraph of the same article as hard negative.

    Only questions whose paragraph is in `paragraphs` count. Same-article negatives teach what
    random in-batch ones cannot: to tell apart paragraphs that share a topic.
    """
    by_title: dict[str, list[str]] = {}
    for paragraph in paragraphs.values():
        by_title.setdefault(paragraph.title, []).append(paragraph.id)
    normalized = {pid: normalize(p.text) for pid, p in paragraphs.items()}
    rng = random.Random(seed)
    pairs = []
    for question in questions:
        for pid in question.positive_ids:
            if pid in paragraphs:
                negative = _same_article_negative(pid, paragraphs, by_title, rng)
                pairs.append(
                    TrainingPair(
                        normalize(question.text),
                        normalized[pid],
                        normalized[negative] if negative else None,
                        "pquad",
                        pid,
                    )
                )
    return pairs


def cloze_pairs(paragraphs: Iterable[Paragraph], *, with_title: bool) -> list[TrainingPair]:
    """Sentence -> rest of its paragraph; with_title adds title + first sentence -> the rest."""
    pairs = []
    for paragraph in paragraphs:
        sentences = [paragraph.text[s:e] for s, e in sentence_spans(paragraph.text)]
        sentences = [normalize(s) for s in sentences]
        sentences = [s for s in sentences if len(s) >= 20]
        if len(sentences) < 2:
            continue
        for i, sentence in enumerate(sentences):
            rest = " ".join(sentences[:i] + sentences[i + 1 :])
            pairs.append(TrainingPair(sentence, rest, None, "cloze", paragraph.id))
        if with_title:
            anchor = normalize(paragraph.title) + " " + sentences[0]
            rest = " ".join(sentences[1:])
            pairs.append(TrainingPair(anchor, rest, None, "title", paragraph.id))
    return pairs


def _farstail(data_dir: Path) -> dict[str, dict[str, list[str]]]:
    """FarsTail rows as premise -> label (e, c, n) -> hypotheses, original text."""
    path = data_dir / FARSTAIL_FILE
    if not path.is_file():
        raise InputError(f"training data not found: {path} (run `python data/prepare.py`)")
    by_premise: dict[str, dict[str, list[str]]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            labels = by_premise.setdefault(row["premise"], {"e": [], "c": [], "n": []})
            labels.setdefault(row["label"], []).append(row["hypothesis"])
    return by_premise


def farstail_pairs(data_dir: Path = DATA_DIR) -> list[TrainingPair]:
    """Premise -> entailed hypothesis, with a contradicted hypothesis of the premise as negative."""
    by_premise = _farstail(data_dir)
    pairs = []
    for premise, labels in by_premise.items():
        anchor = normalize(premise)
        negatives = [normalize(h) for h in labels["c"]]
        for i, hypothesis in enumerate(labels["e"]):
            negative = negatives[i % len(negatives)] if negatives else None
            pairs.append(TrainingPair(anchor, normalize(hypothesis), negative, "farstail", premise))
    return pairs


def build_pairs(
    data_dir: Path = DATA_DIR,
    *,
    paragraph_ids: set[str] | None = None,
    sources: tuple[str, ...] = ("pquad", "farstail", "cloze", "title"),
    seed: int = 0,
) -> list[TrainingPair]:
    """All training pairs from `sources`, restricted to `paragraph_ids` when given."""
    paragraphs = [
        p for p in load_paragraphs(data_dir) if paragraph_ids is None or p.id in paragraph_ids
    ]
    pairs: list[TrainingPair] = []
    if "pquad" in sources:
        pairs += question_pairs(load_questions(data_dir), {p.id: p for p in paragraphs}, seed=seed)
    if "cloze" in sources or "title" in sources:
        cloze = cloze_pairs(paragraphs, with_title="title" in sources)
        pairs += [pair for pair in cloze if pair.source in sources]
    if "farstail" in sources:
        pairs += farstail_pairs(data_dir)
    return pairs


def corpus_texts(data_dir: Path = DATA_DIR, *, paragraph_ids: set[str] | None = None) -> list[str]:
    """All unlabelled training text, normalized, sorted: what the tokenizer and IDF learn from.

    PQuAD train paragraphs, each of their sentences, their titles, the train questions, and
    every FarsTail sentence. Sentences count as texts of their own, so that IDF reflects how
    many sentences, not only paragraphs, a word occurs in.
    """
    paragraphs = [
        p for p in load_paragraphs(data_dir) if paragraph_ids is None or p.id in paragraph_ids
    ]
    texts = set()
    for paragraph in paragraphs:
        texts.add(normalize(paragraph.text))
        texts.add(normalize(paragraph.title))
        texts.update(normalize(paragraph.text[s:e]) for s, e in sentence_spans(paragraph.text))
    wanted = {p.id for p in paragraphs}
    texts.update(
        normalize(q.text) for q in load_questions(data_dir) if set(q.positive_ids) & wanted
    )
    for premise, labels in _farstail(data_dir).items():
        texts.add(normalize(premise))
        texts.update(normalize(h) for hypotheses in labels.values() for h in hypotheses)
    return sorted(t for t in texts if t)
