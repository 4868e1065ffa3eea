"""Abstention: its coverage signal, the logistic decision and loading the calibration."""

import json
import math
from pathlib import Path

import pytest

from qa import store
from qa.abstain import (
    UNCALIBRATED,
    UNKNOWN_WEIGHT,
    VERB_WEIGHT,
    Abstention,
    Signals,
    answer_weights,
    coverage,
    load_abstention,
    load_fusion,
)
from qa.fusion import FusionSettings
from qa.lexical import verb_tokens
from qa.search import Searcher
from qa.text import normalize


def test_coverage_is_the_share_of_the_question_weight_found() -> None:
    weights = {"دماوند": 3.0, "کوه": 1.0}
    assert coverage(weights, frozenset({"دماوند", "کوه"})) == 1.0
    assert coverage(weights, frozenset({"کوه"})) == 0.25
    assert coverage({}, frozenset({"کوه"})) == 0.0


def test_the_probability_is_logistic_in_both_signals() -> None:
    abstention = Abstention(intercept=-1.0, coef_dense=2.0, coef_coverage=1.0, threshold=0.5)
    signals = Signals(dense_top=0.5, coverage=0.5)
    assert abstention.probability(signals) == pytest.approx(1 / (1 + math.exp(-0.5)))
    assert abstention.answer_found(signals)
    assert not abstention.answer_found(Signals(dense_top=0.0, coverage=0.0))


def test_uncalibrated_models_answer_by_coverage_alone() -> None:
    assert UNCALIBRATED.answer_found(Signals(dense_top=0.0, coverage=0.6))
    assert not UNCALIBRATED.answer_found(Signals(dense_top=1.0, coverage=0.4))


def test_calibration_and_fusion_are_read_only_for_their_model(tmp_path: Path) -> None:
    path = tmp_path / "calibration.json"
    path.write_text(json.dumps({
        "model_fingerprint": "sha256:x", "intercept": -2.0, "coef_dense": 1.0, "coef_coverage": 2.0,
        "threshold": 0.4, "fusion": {"method": "blend", "dense_weight": 0.2}}), encoding="utf-8")
    assert load_abstention("sha256:x", path) == Abstention(-2.0, 1.0, 2.0, 0.4)
    assert load_fusion("sha256:x", path) == FusionSettings(method="blend", dense_weight=0.2)
    assert load_abstention("sha256:other", path) is UNCALIBRATED
    assert load_fusion("sha256:other", path) == FusionSettings()
    path.write_text("{not json", encoding="utf-8")
    assert load_abstention("sha256:x", path) is UNCALIBRATED


def test_verbs_weigh_less_in_the_answer_weights() -> None:
    # «نبوده» is a verb form: the passage's lacking it counts for less than its lacking a noun.
    question = normalize("چرا روابط دو کشور همیشه خوب نبوده؟")
    verbs = verb_tokens(question)
    assert verbs == {"نبوده"}
    weights = {"روابط": 2.0, "خوب": 1.0, "نبوده": 2.0}
    counted = answer_weights(weights, verbs)
    assert counted == {"روابط": 2.0, "خوب": 1.0, "نبوده": 2.0 * VERB_WEIGHT}
    passage = frozenset({"روابط", "خوب"})
    assert coverage(counted, passage) > coverage(weights, passage)


def test_words_nobody_knows_weigh_less_in_the_answer_weights(tiny_index, fake_encoder) -> None:  # type: ignore[no-untyped-def]
    counted = answer_weights({"روابط": 2.0, "قلهع": 4.0, "نبوده": 2.0}, {"نبوده"}, {"قلهع"})
    assert counted == {"روابط": 2.0, "قلهع": 4.0 * UNKNOWN_WEIGHT, "نبوده": 2.0 * VERB_WEIGHT}
    # Over a corpus: a slip the reading could not undo («قلهع») weighs half; a lexicon word the
    # documents lack («سرباز») keeps its weight, as a near miss asks for what they do not hold.
    searcher = Searcher(store.load_current(tiny_index)[0], fake_encoder)
    top = searcher.search("تخت جمشید", top_k=1).hits[0].passage.id
    for question in ("قلهع تخت جمشید", "سرباز تخت جمشید"):
        weights = searcher.lexical.term_weights(question)
        said = searcher.answer_coverage(question, top, weights)
        assert 0 < said < 1
    assert (searcher.answer_coverage("قلهع تخت جمشید", top, searcher.lexical.term_weights("قلهع تخت جمشید"))
            > searcher.answer_coverage("سرباز تخت جمشید", top, searcher.lexical.term_weights("سرباز تخت جمشید")))
