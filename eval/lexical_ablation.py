"""Measure the lexical analyzer's choices on PQuAD paragraph retrieval; print one table.

Every choice in qa/lexical.py was made on the train questions (and on two paraphrase proxies
built from training data only); dev is printed for the reference and the shipped index only.

    .venv/bin/python eval/lexical_ablation.py [--data ../shared/data]

Columns: R@1, R@5, MRR@10 on PQuAD train questions (searching all 2,157 paragraphs, each
indexed with its title as qa.build does);
"split" = MRR@10 on the 1,102 train questions whose ZWNJ compounds change when the ZWNJ is typed
as a space (users without a ZWNJ key: «رای گیری», «بین المللی»); "farstail" = MRR@10 of
finding a FarsTail train premise from its entailed hypothesis (written as a paraphrase);
then R@1, R@5, MRR@10 on PQuAD dev.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import bm25s
import numpy as np

from qa import lexical
from qa.text import normalize, tokens

Analyzer = Callable[[str], list[str]]
WORD = re.compile(r"\w+")


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def word_analyzer(
    fold: bool,
    drop: frozenset[str],
    stem: Callable[[str], str] | None,
    parts: bool = False,
    keep_surface: bool = False,
) -> Analyzer:
    """An analyzer assembled from the pieces of qa.lexical, to switch each one off."""
    cache: dict[str, list[str]] = {}

    def word_tokens(word: str) -> list[str]:
        folded = word.translate(lexical._FOLD) if fold else word
        if not folded or folded in drop:
            return []
        stemmed = stem(folded) if stem else folded
        out = [folded, stemmed] if keep_surface and stemmed != folded else [stemmed]
        if parts:
            out += [p for p in lexical._ANALYZER.compound_parts(stemmed) if p != stemmed]
        return out

    def analyze(text: str) -> list[str]:
        result = []
        for word in WORD.findall(text):
            if word not in cache:
                cache[word] = word_tokens(word)
            result.extend(cache[word])
        return result

    return analyze


def hazm_stopwords() -> frozenset[str]:
    from hazm.utils import stopwords_list

    return frozenset(
        normalize(w).translate(lexical._FOLD) for w in stopwords_list() if "_" not in w
    )


def hazm_stem() -> Callable[[str], str]:
    from hazm import Stemmer

    stemmer = Stemmer()
    return lambda word: stemmer.stem(word) or word


def bm25s_tokens(text: str) -> list[str]:
    return bm25s.tokenize([text], stopwords=None, return_ids=False, show_progress=False)[0]


def metrics(rankings: list[np.ndarray], gold: list[set[int]]) -> tuple[float, float, float]:
    r1 = r5 = mrr = 0.0
    for ranked, positives in zip(rankings, gold, strict=True):
        for rank, row in enumerate(ranked[:10].tolist()):
            if row in positives:
                r1 += rank == 0
                r5 += rank < 5
                mrr += 1 / (rank + 1)
                break
    n = len(gold)
    return r1 / n, r5 / n, mrr / n


def rank_with_bm25s(
    passages: list[str],
    queries: list[str],
    passage_analyzer: Analyzer,
    query_analyzer: Analyzer,
    k1: float,
    b: float,
) -> list[np.ndarray]:
    retriever = bm25s.BM25(k1=k1, b=b, method="lucene")
    retriever.index([passage_analyzer(p) for p in passages], show_progress=False)
    rankings = []
    for query in queries:
        ids = [retriever.vocab_dict[t] for t in query_analyzer(query) if t in retriever.vocab_dict]
        if not ids:
            rankings.append(np.empty(0, dtype=np.int64))
            continue
        scores = retriever.get_scores_from_ids(ids)
        top = np.argsort(-scores, kind="stable")[:10]
        rankings.append(top[scores[top] > 0])
    return rankings


class Task:
    """A passage collection with questions and the rows that answer them."""

    def __init__(self, passages: list[str], queries: list[str], gold: list[set[int]]):
        self.passages, self.queries, self.gold = passages, queries, gold


def load_tasks(data: Path) -> dict[str, Task]:
    corpus = read_jsonl(data / "pquad" / "corpus.jsonl")
    row_of = {p["id"]: i for i, p in enumerate(corpus)}
    # Passages are indexed with their title, as qa.build.index_text does.
    raw_passages = [f"{p['title']}\n{p['text']}" for p in corpus]
    passages = [normalize(t) for t in raw_passages]
    tasks = {"raw_passages": raw_passages}
    for split in ("train", "dev"):
        questions = read_jsonl(data / "pquad" / f"{split}.jsonl")
        gold = [{row_of[p] for p in q["positive_ids"]} for q in questions]
        tasks[split] = Task(passages, [normalize(q["question"]) for q in questions], gold)
        tasks[f"{split}_raw"] = Task(raw_passages, [q["question"] for q in questions], gold)
    train = read_jsonl(data / "pquad" / "train.jsonl")
    split_q, split_gold = [], []
    for q in train:
        joined, spaced = normalize(q["question"]), normalize(q["question"].replace("\u200c", " "))
        if spaced != joined and spaced.replace(" ", "") == joined.replace(" ", ""):
            split_q.append(spaced)
            split_gold.append({row_of[p] for p in q["positive_ids"]})
    tasks["split"] = Task(passages, split_q, split_gold)
    with (data / "farstail" / "train.tsv").open(encoding="utf-8") as rows:
        pairs = [
            r
            for r in csv.DictReader(rows, delimiter="\t", quoting=csv.QUOTE_NONE)
            if r["label"] == "e" and r["premise"] and r["hypothesis"]
        ]
    premises: dict[str, int] = {}
    for r in pairs:
        premises.setdefault(r["premise"].strip(), len(premises))
    tasks["farstail"] = Task(
        [normalize(p) for p in premises],
        [normalize(r["hypothesis"]) for r in pairs],
        [{premises[r["premise"].strip()]} for r in pairs],
    )
    return tasks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(__file__).parents[2] / "shared" / "data")
    args = parser.parse_args()
    started = time.perf_counter()
    tasks = load_tasks(args.data)
    q = lexical.QUESTION_WORDS
    ours = lexical._ANALYZER.stem
    none: frozenset[str] = frozenset()
    stopwords = hazm_stopwords() | q

    def same(analyzer: Analyzer) -> tuple[Analyzer, Analyzer]:
        return analyzer, analyzer

    # (name, (passage analyzer, question analyzer)), all with bm25s's default k1=1.5, b=0.75;
    # each "+" row adds one choice to the row above, "alt" rows swap one choice of the last "+".
    rows: list[tuple[str, tuple[Analyzer, Analyzer]]] = [
        ("bm25s own tokenizer, raw text (reference)", same(bm25s_tokens)),
        ("qa.text.tokens on normalized text", same(tokens)),
        ("+ fold آ/ا ئ/ی ء", same(word_analyzer(True, none, None))),
        ("+ drop question words", same(word_analyzer(True, q, None))),
        ("+ lexicon stems", same(word_analyzer(True, q, ours))),
        ("+ compound parts in passages", (lexical.analyze_passage, lexical.analyze)),
        ("  alt: hazm stopwords + question words", same(word_analyzer(True, stopwords, ours))),
        ("  alt: hazm Stemmer", same(word_analyzer(True, q, hazm_stem()))),
        ("  alt: surface word + stem", same(word_analyzer(True, q, ours, keep_surface=True))),
        ("  alt: compound parts in questions too", same(lexical.analyze_passage)),
    ]
    header = (
        f"{'analyzer':44s} {'k1':>4s} {'b':>4s} | {'R@1':>6s} {'R@5':>6s} {'MRR':>6s} "
        f"{'split':>6s} {'farst':>6s} | {'dev R@1':>7s} {'R@5':>6s} {'MRR':>6s}"
    )
    print("PQuAD paragraph retrieval: train questions (tuning) | dev questions (report)")
    print(header)
    print("-" * len(header))

    def show(
        name: str,
        k1: float,
        b: float,
        train: tuple,
        split: float,
        farstail: float,
        dev: tuple | None,
    ) -> None:
        dev_text = f"{dev[0]:7.4f} {dev[1]:6.4f} {dev[2]:6.4f}" if dev else ""
        print(
            f"{name:44s} {k1:4.2f} {b:4.2f} | {train[0]:.4f} {train[1]:.4f} {train[2]:.4f} "
            f"{split:.4f} {farstail:.4f} | {dev_text}",
            flush=True,
        )

    for name, (passage_an, query_an) in rows:
        raw = passage_an is bm25s_tokens

        def run(task: Task, pa: Analyzer = passage_an, qa: Analyzer = query_an) -> tuple:
            return metrics(
                rank_with_bm25s(task.passages, task.queries, pa, qa, 1.5, 0.75), task.gold
            )

        train = run(tasks["train_raw"] if raw else tasks["train"])
        split = run(tasks["split"])[2]
        farstail = run(tasks["farstail"])[2]
        dev = run(tasks["dev_raw"]) if raw else None  # dev: the reference and the shipped index
        show(name, 1.5, 0.75, train, split, farstail, dev)

    def shipped(task: Task) -> tuple:
        index = lexical.LexicalIndex.build(task.passages)
        return metrics([index.search(query, 10)[0] for query in task.queries], task.gold)

    show(
        "shipped: qa.lexical.LexicalIndex (tuned k1, b)",
        lexical.DEFAULT_K1,
        lexical.DEFAULT_B,
        shipped(tasks["train"]),
        shipped(tasks["split"])[2],
        shipped(tasks["farstail"])[2],
        shipped(tasks["dev"]),
    )
    print(f"({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
