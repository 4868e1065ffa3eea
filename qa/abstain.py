"""Abstention: does the best passage answer the question at all? A calibrated yes/no.

Two signals: how close the nearest passage is in meaning (the best dense cosine) and how much
of the question, weighted by word rarity (verb forms at half), the top passage contains. A
logistic model over them is fitted on train-side sets (PQuAD train, FarsTail val, the reworded
questions; eval/tune_fusion.py) for the bundled model and stored in qa/calibration.json, together
with the fusion settings tuned for that model. For any other model the dense signal means
something else, so only the coverage rule applies.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path

from qa.fusion import FusionSettings
from qa.synonyms import holds

CALIBRATION_FILE = Path(__file__).parent / "calibration.json"

# Without a calibration for the model in use: answer when half the question's weight is covered.
FALLBACK_COVERAGE = 0.5
# A verb form weighs this share of its IDF in the coverage signal. Users say what happened in
# their own verbs («شروع شد», «از هم پاشید») where the passage has others («آغاز گردید»,
# «فروپاشی»), and a near miss keeps the question's nouns and names: the nouns tell the two apart,
# the verbs add noise. Chosen on the train side at 0.25 / 0.5 / 0.75 / 1: balanced accuracy of
# the eval/tune_fusion.py fit 0.8315 / 0.8327 / 0.8317 / 0.8278, then, out of the fit, on the
# realistic unanswerable questions of eval/train_proxies.py (whole corpus, per article, one
# document per article; mean) 0.6706 / 0.6728 / 0.6639 / 0.6583. Forms that are nouns too
# («نام», «نبرد», «دوم») count as verbs: left at full weight, the fit rose to 0.8337 but those
# questions fell to 0.6673 (and the default set lost two more answers), as such words in a
# question often frame it («نام ... چیست») rather than name what the passage says.
VERB_WEIGHT = 0.5
# A question word that neither the documents nor hazm's lexicon know (not a number) weighs this
# share of its IDF: it is as often a slip the reading did not undo («قلهع»), a spoken form or a
# name spelled otherwise as a word the documents lack, yet as the rarest word of all it outweighed
# the rest. Balanced accuracy of "no answer" on the realistic unanswerable train-side set with its
# answerable questions (eval/train_proxies.py), mean of its 15 settings (written, spoken,
# misspelled, mistyped, framed; whole corpus, per article, one document) at 1 / 0.5 / 0: 0.6688 /
# 0.6758 / 0.6713 (0 with numbers counted too); at 0.5 each article alone, written 0.7078 ->
# 0.7067, spoken 0.6663 -> 0.6746, misspelled 0.6946 -> 0.7069, mistyped 0.6484 -> 0.6762.
UNKNOWN_WEIGHT = 0.5


@dataclass(frozen=True)
class Signals:
    """What the abstention decision looks at, for one question."""

    dense_top: float
    coverage: float


@dataclass(frozen=True)
class Abstention:
    """p(answer found) = sigmoid(intercept + coef . signals); answer when p >= threshold."""

    intercept: float
    coef_dense: float
    coef_coverage: float
    threshold: float
    calibrated: bool = True

    def probability(self, signals: Signals) -> float:
        if not self.calibrated:
            return 1.0 if signals.coverage >= FALLBACK_COVERAGE else 0.0
        z = self.intercept + self.coef_dense * signals.dense_top + self.coef_coverage * signals.coverage
        return 1.0 / (1.0 + math.exp(-z))

    def answer_found(self, signals: Signals) -> bool:
        return self.probability(signals) >= self.threshold


UNCALIBRATED = Abstention(0.0, 0.0, 1.0, 0.5, calibrated=False)


def answer_weights(term_weights: Mapping[str, float], verbs: AbstractSet[str],
                   unknown: AbstractSet[str] = frozenset()) -> dict[str, float]:
    """The question's word weights as the coverage signal counts them: `term_weights` (token ->
    IDF) with each of `verbs` (the question's verb-form tokens, `qa.lexical.verb_tokens`) at
    VERB_WEIGHT of its weight and each of `unknown` (tokens neither the documents nor the
    lexicon know) at UNKNOWN_WEIGHT."""
    return {token: weight * (VERB_WEIGHT if token in verbs else 1.0) * (UNKNOWN_WEIGHT if token in unknown else 1.0)
            for token, weight in term_weights.items()}


def coverage(term_weights: dict[str, float], passage_tokens: AbstractSet[str],
             synonyms: Mapping[str, Sequence[tuple[str, ...]]] | None = None) -> float:
    """Share of the question's word weight (IDF) that the passage contains, in [0, 1]. With
    `synonyms` (qa.synonyms), a word also counts as contained when every word of one of its
    synonyms is: on the train-side proxies that kept 8 points more of the reworded questions'
    answers at the same share of right "no answer"s (eval/tune_fusion.py)."""
    total = sum(term_weights.values())
    if total <= 0:
        return 0.0
    return sum(weight for token, weight in term_weights.items()
               if holds(passage_tokens, token, synonyms)) / total


def _calibration(model_fingerprint: str, path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if data.get("model_fingerprint") == model_fingerprint else None


def load_fusion(model_fingerprint: str, path: Path = CALIBRATION_FILE) -> FusionSettings:
    """Fusion tuned for this model, or balanced reciprocal-rank fusion for any other."""
    data = _calibration(model_fingerprint, path)
    if data is None or "fusion" not in data:
        return FusionSettings()
    return FusionSettings(**data["fusion"])


def load_abstention(model_fingerprint: str, path: Path = CALIBRATION_FILE) -> Abstention:
    """The calibration fitted for this model, or the coverage-only rule."""
    data = _calibration(model_fingerprint, path)
    if data is None:
        return UNCALIBRATED
    return Abstention(
        intercept=float(data["intercept"]),
        coef_dense=float(data["coef_dense"]),
        coef_coverage=float(data["coef_coverage"]),
        threshold=float(data["threshold"]),
    )
