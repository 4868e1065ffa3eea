"""Subword (character 4-gram) BM25: the analyzer, candidate rescoring, its index and fusion."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from qa.errors import IndexInvalidError, IndexMissingError
from qa.fusion import FusionSettings, fuse
from qa.subword import ARRAYS, K1, SUBWORDS, B, SubwordIndex
from qa.text import normalize

PASSAGES = [
    "شاه عباس از سال ۹۹۶ تا ۱۰۳۸ سلطان ایران بود",
    "این بنا در سال ۱۳۱۴ به دست معماران ایرانی بنیان‌گذاشته شد",
    "پایتخت صفویان از قزوین به اصفهان منتقل شد",
    "کتابخانه ملی در مرکز شهر است",
]


def grams(text: str) -> set[str]:
    return set(gram_list(text))


def gram_list(text: str) -> list[str]:
    return [g for word in re.findall(r"\w+", normalize(text)) for g in SUBWORDS.grams(word)]


def test_other_forms_of_a_word_share_4grams() -> None:
    assert grams("سلطان") & grams("سلطنت") == {"<سلط"}
    assert "بنیا" in grams("بنیان نهاد") & grams("بنیان‌گذاشته")
    # Boundary marks: a word's start and end differ from the same letters inside a word.
    assert SUBWORDS.grams("کتاب") == ("<کتا", "کتاب", "تاب>")
    assert SUBWORDS.grams("آب") == ("<اب>",)  # short: the whole padded word, folded
    assert SUBWORDS.ids(normalize("چرا و چگونه؟")) == list(SUBWORDS.word_ids("و"))  # question words: nothing


def test_folded_spellings_give_the_same_grams() -> None:
    assert SUBWORDS.ids(normalize("كشور سلطنتي")) == SUBWORDS.ids(normalize("کشور سلطنتی"))


@pytest.fixture(scope="module")
def index() -> SubwordIndex:
    return SubwordIndex.build([normalize(text) for text in PASSAGES])


def reference_scores(texts: list[str], query: str) -> np.ndarray:
    """BM25 (Lucene's IDF, bm25s's term part) computed the plain way, gram by gram."""
    docs = [gram_list(t) for t in texts]
    average = np.mean([len(d) for d in docs])
    scores = np.zeros(len(docs))
    asked = gram_list(query)
    for gram in set(asked):
        df = sum(gram in d for d in docs)
        if not df:
            continue
        idf = np.log(1 + (len(docs) - df + 0.5) / (df + 0.5))
        for row, doc in enumerate(docs):
            tf = doc.count(gram)
            scores[row] += asked.count(gram) * idf * tf / (tf + K1 * (1 - B + B * len(doc) / average))
    return scores


@pytest.mark.parametrize("question", ["شاه عباس کی سلطنت کرد؟", "پایتخت کجا منتقل شد", "کتاب کتابخانه", "xyz"])
def test_scores_equal_plain_bm25_for_any_rows(index: SubwordIndex, question: str) -> None:
    want = reference_scores(PASSAGES, question)
    for rows in ([3, 0, 2], [1], [2, 1, 0, 3], [], [0, 0]):
        got = index.score_rows(normalize(question), np.array(rows, dtype=np.int64))
        assert got.dtype == np.float32
        np.testing.assert_allclose(got, want[rows], rtol=1e-5)


def test_a_reworded_question_scores_its_passage_highest(index: SubwordIndex) -> None:
    every = np.arange(len(PASSAGES))
    assert int(np.argmax(index.score_rows(normalize("شاه عباس تا کی سلطنت کرد؟"), every))) == 0
    assert int(np.argmax(index.score_rows(normalize("چه کسی این بنا را بنیان نهاد؟"), every))) == 1


def test_building_in_chunks_gives_the_same_index(monkeypatch: pytest.MonkeyPatch, index: SubwordIndex) -> None:
    import qa.subword

    monkeypatch.setattr(qa.subword, "_ROWS_PER_CHUNK", 3)
    chunked = SubwordIndex.build([normalize(text) for text in PASSAGES])
    for name in ARRAYS:
        assert np.array_equal(chunked.array(name), index.array(name)), name


def test_an_empty_corpus_and_an_empty_passage() -> None:
    empty = SubwordIndex.build([])
    assert empty.size == 0 and not len(empty.score_rows("کتاب", np.empty(0, dtype=np.int64)))
    index = SubwordIndex.build(["", normalize("کتاب")])
    assert index.score_rows(normalize("کتاب"), np.array([0, 1])).tolist()[0] == 0.0


def test_saved_index_loads_and_damage_or_another_analyzer_is_refused(index: SubwordIndex, tmp_path) -> None:  # type: ignore[no-untyped-def]
    index.save(tmp_path / "subword")
    loaded = SubwordIndex.load(tmp_path / "subword")
    every = np.arange(len(PASSAGES))
    query = normalize("شاه عباس کی سلطنت کرد؟")
    assert np.array_equal(loaded.score_rows(query, every), index.score_rows(query, every))
    params = tmp_path / "subword" / "subword.json"
    settings = json.loads(params.read_text(encoding="utf-8"))
    params.write_text(json.dumps({**settings, "gram": 3}), encoding="utf-8")
    with pytest.raises(IndexInvalidError, match="analyzer"):
        SubwordIndex.load(tmp_path / "subword")
    params.write_text(json.dumps({**settings, "num_docs": 5}), encoding="utf-8")
    with pytest.raises(IndexInvalidError, match="damaged"):
        SubwordIndex.load(tmp_path / "subword")
    params.write_text(json.dumps(settings), encoding="utf-8")
    np.save(tmp_path / "subword" / "counts.npy", index.array("counts")[:-1])
    with pytest.raises(IndexInvalidError, match="damaged"):
        SubwordIndex.load(tmp_path / "subword")
    with pytest.raises(IndexMissingError):
        SubwordIndex.load(tmp_path / "nowhere")


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


def test_an_index_built_before_subwords_is_refused_with_a_rebuild_message(tiny_index) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    from qa import store
    from qa.service import check_query_settings

    generation = store.load_current(tiny_index)[0]
    check_query_settings(generation)
    older = {k: v for k, v in generation.manifest.items() if k != "subword"}
    with pytest.raises(IndexInvalidError, match="rebuild with `qa index build`"):
        check_query_settings(dataclasses.replace(generation, manifest=older))


def test_counts_saturate_instead_of_wrapping() -> None:
    index = SubwordIndex.build([normalize("کتاب " * 300), normalize("کتاب")])
    assert int(index.array("counts").max()) == 255
    scores = index.score_rows(normalize("کتاب"), np.array([0, 1]))
    assert np.isfinite(scores).all() and (scores > 0).all()
