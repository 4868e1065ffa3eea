"""Background word statistics: shipped current, and they steady the IDF of small corpora."""

from __future__ import annotations

import json

import numpy as np

from qa.background import (
    BACKGROUND_FILE,
    PRIOR_PASSAGES,
    Background,
    blended_idf,
    load_background,
    lucene_idf,
)
from qa.lexical import LexicalIndex, analyzer_settings
from qa.text import normalize


def test_shipped_statistics_match_the_analyzer() -> None:
    data = json.loads(BACKGROUND_FILE.read_text(encoding="utf-8"))
    assert data["analyzer"] == analyzer_settings(), "run `python -m qa.background`"
    background = load_background()
    assert background is not None and background.texts > 20_000
    # Common Persian words are common in the background, a rare name is not.
    assert background.doc_freq["سال"] > 1000
    assert background.doc_freq.get("نظربایف", 0) < 5


def test_blend_trusts_the_corpus_as_it_grows() -> None:
    background = Background(texts=10_000, doc_freq={"سال": 2_000})
    general = lucene_idf(2_000, 10_000)
    # Two passages of ten: the corpus alone calls "سال" rare-ish; the background says it is common.
    small = blended_idf(2, 10, "سال", background)
    assert abs(small - general) < abs(lucene_idf(2, 10) - general) * 0.01
    large = blended_idf(200_000, 1_000_000, "سال", background)
    assert abs(large - lucene_idf(200_000, 1_000_000)) < 0.01 * PRIOR_PASSAGES
    assert blended_idf(2, 10, "سال", None) == lucene_idf(2, 10)


def test_a_common_word_weighs_less_than_a_name_in_a_tiny_corpus() -> None:
    # Each word is in exactly one passage of the same length: the corpus alone weighs them equally.
    texts = [normalize(t) for t in ("سال باران", "نظربایف مسکو", "کوه بلند")]
    plain = LexicalIndex.build(texts, background=None)
    steadied = LexicalIndex.build(texts)
    question = normalize("سال نظربایف")
    scores = plain.search(question, 3)[1]
    assert len(scores) == 2 and scores[0] == scores[1]
    rows, scores = steadied.search(question, 3)
    assert rows[0] == 1 and scores[0] > 1.5 * scores[1]
    weights = steadied.term_weights(question)
    assert weights["نظربایف"] > weights["سال"]
    np.testing.assert_allclose(sorted(plain.term_weights(question).values()), [lucene_idf(1, 3)] * 2)
