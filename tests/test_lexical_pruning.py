"""BM25 search with MaxScore pruning returns exactly what scoring every passage returns."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa.lexical import LexicalIndex

# Zipf-like: a few words everywhere (as «در», «و», «از»), most words rare.
WORDS = [f"واژه{n}" for n in range(2000)]


def corpus(size: int, seed: int, duplicates: int = 0, vocabulary: int = 60) -> list[str]:
    rng = np.random.default_rng(seed)
    weights = 1 / np.arange(1, vocabulary + 1)
    words = WORDS[:vocabulary]
    texts = [
        " ".join(rng.choice(words, size=int(rng.integers(3, 30)), p=weights / weights.sum()))
        for _ in range(size)
    ]
    return texts + texts[:duplicates]  # duplicated passages tie exactly


def exhaustive(index: LexicalIndex, query: str, top_k: int) -> tuple[np.ndarray, np.ndarray]:
    terms, weights = index.query_terms(query)
    return index._search_exhaustive(terms, weights, top_k)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    size=st.integers(1, 400),
    duplicates=st.integers(0, 50),
    query=st.lists(st.sampled_from(WORDS[:70]), min_size=1, max_size=12),
    top_k=st.sampled_from([1, 2, 5, 10, 100]),
)
def test_pruned_search_equals_exhaustive_search(
    seed: int, size: int, duplicates: int, query: list[str], top_k: int
) -> None:
    index = LexicalIndex.build(corpus(size, seed, duplicates))
    text = " ".join(query)
    got, want = index.search(text, top_k), exhaustive(index, text, top_k)
    assert np.array_equal(got[0], want[0])
    assert np.array_equal(got[1], want[1])  # the same float32 bits


def test_pruning_answers_most_queries_of_a_large_corpus() -> None:
    index = LexicalIndex.build(corpus(20_000, seed=1, duplicates=500, vocabulary=2000))
    rng = np.random.default_rng(2)
    pruned = 0
    for _ in range(50):
        text = " ".join(rng.choice(WORDS[:3], size=2).tolist() + rng.choice(WORDS[200:], size=2).tolist())
        terms, weights = index.query_terms(text)
        answer = index._search_pruned(terms, weights, 10)
        if answer is not None:
            pruned += 1
            want = index._search_exhaustive(terms, weights, 10)
            assert np.array_equal(answer[0], want[0]) and np.array_equal(answer[1], want[1])
    assert pruned >= 40


@pytest.mark.parametrize("top_k", [1, 3, 7])
def test_ties_at_the_cut_keep_the_lowest_rows(top_k: int) -> None:
    index = LexicalIndex.build(["الف ب"] * 10 + ["الف"] * 5)
    ids, scores = index.search("الف ب", top_k)
    assert ids.tolist() == list(range(top_k))
    assert len(set(scores.tolist())) == 1
