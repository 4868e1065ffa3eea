"""Subword (character 4-gram) BM25: the analyzer, candidate rescoring, its index and fusion."""

from __future__ import annotations

import numpy as np
import pytest

from qa.errors import IndexInvalidError
from qa.fusion import FusionSettings, fuse
from qa.lexical import LexicalIndex
from qa.subword import SUBWORDS, build_subword_index, load_subword_index
from qa.text import normalize

PASSAGES = [
    "قزاقستان در سال ۱۹۹۱ استقلال خود را اعلام کرد",
    "اتحاد جماهیر شوروی در پی فروپاشی به پانزده کشور تقسیم شد",
    "پایتخت این کشور از آلماتی به آستانا منتقل شد",
    "کتابخانه ملی در مرکز شهر است",
]


def test_other_forms_of_a_word_share_4grams() -> None:
    assert set(SUBWORDS.passage_tokens("مستقل")) & set(SUBWORDS.passage_tokens("استقلال")) == {"ستقل"}
    assert "پاشی" in set(SUBWORDS.passage_tokens("پاشید")) & set(SUBWORDS.passage_tokens("فروپاشی"))
    # Boundary marks: a word's start and end differ from the same letters inside a word.
    assert SUBWORDS.passage_tokens("کتاب") == ("<کتا", "کتاب", "تاب>")
    assert SUBWORDS.passage_tokens("آب") == ("<اب>",)  # short: the whole padded word, folded
    assert SUBWORDS.query(normalize("چرا و چگونه؟")) == ["<و>"]  # question words give nothing


def test_folded_spellings_give_the_same_grams() -> None:
    assert SUBWORDS.query(normalize("كشور مستقل شد")) == SUBWORDS.query(normalize("کشور مستقل شد"))


@pytest.fixture(scope="module")
def index() -> LexicalIndex:
    return build_subword_index([normalize(text) for text in PASSAGES])


def test_a_reworded_question_finds_its_passage(index: LexicalIndex) -> None:
    rows, _ = index.search(normalize("قزاقستان کی مستقل شد؟"), top_k=1)
    assert rows.tolist() == [0]
    rows, _ = index.search(normalize("شوروی چرا از هم پاشید؟"), top_k=1)
    assert rows.tolist() == [1]


@pytest.mark.parametrize("question", ["قزاقستان کی مستقل شد؟", "پایتخت کجا منتقل شد", "کتاب"])
def test_scoring_given_rows_equals_scoring_all_passages(index: LexicalIndex, question: str) -> None:
    query = normalize(question)
    terms, weights = index.query_terms(query)
    full = np.zeros(index.size, dtype=np.float32)
    rows, scores = index._search_exhaustive(terms, weights, index.size)
    full[rows] = scores
    for candidates in ([3, 0, 2], [1], [2, 1, 0, 3], []):
        got = index.score_rows(query, np.array(candidates, dtype=np.int64))
        assert np.array_equal(got, full[candidates])


def test_saved_index_loads_and_the_word_analyzer_refuses_it(index: LexicalIndex, tmp_path) -> None:  # type: ignore[no-untyped-def]
    index.save(tmp_path / "subword")
    loaded = load_subword_index(tmp_path / "subword")
    query = normalize("قزاقستان کی مستقل شد؟")
    assert np.array_equal(loaded.search(query, 4)[0], index.search(query, 4)[0])
    with pytest.raises(IndexInvalidError, match="analyzer"):
        LexicalIndex.load(tmp_path / "subword")
    LexicalIndex.build([normalize(t) for t in PASSAGES]).save(tmp_path / "words")
    with pytest.raises(IndexInvalidError, match="analyzer"):
        load_subword_index(tmp_path / "words")


def test_subword_weight_moves_the_fused_ranking() -> None:
    dense = (np.array([0, 1, 2]), np.array([0.9, 0.8, 0.1], dtype=np.float32))
    lexical = (np.array([0, 1]), np.array([2.0, 1.9], dtype=np.float32))
    subword = (np.array([1, 0]), np.array([5.0, 1.0], dtype=np.float32))
    two_way = FusionSettings("blend", 0.2)
    assert fuse(dense, lexical, two_way, subword)[0].tolist() == fuse(dense, lexical, two_way)[0].tolist()
    assert fuse(dense, lexical, two_way)[0].tolist()[0] == 0
    three_way = FusionSettings("blend", 0.2, subword_weight=0.5)
    assert three_way.lexical_weight == pytest.approx(0.3)
    assert fuse(dense, lexical, three_way, subword)[0].tolist()[0] == 1
