"""Contrast: the question words that tell the best passages apart.

BM25 weighs a question word by how rare it is in the whole corpus. At the head of a ranking
that is often the wrong measure: when the best passages are all about the question's subject
(«هیتلر در کدام نبرد جنگ جهانی اول مجروح شد؟» over an article on Hitler), the subject's name is
rare in the corpus and weighs most, yet every one of them has it, and what chooses between
them is the rest of the question («نبرد», «مجروح»), which BM25 weighs less. Users' questions
share few words with the answer, so the few they share should be the telling ones.

So each question word is weighed again within the head (the fused ranking's CONTRAST_DEPTH
best): its IDF times log((n + 1) / (c + 0.5)), c of the n head passages having it (or one of
its synonyms); each head passage gains `FusionSettings.contrast_weight` times the share of
that weight it holds. A word every head passage has counts for little; a word few have counts
in full. On the train-side sets (eval/train_proxies.py questions), weight 0.2 over the 20 best
was the best of depths 10-50 and weights 0.05-0.3 (eval/tune_fusion.py `CONTRAST_WEIGHT`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet

import numpy as np

from qa.synonyms import holds

# How many of the fused ranking's best passages are weighed against each other.
CONTRAST_DEPTH = 20


def contrast_shares(term_weights: Mapping[str, float], head_tokens: Sequence[AbstractSet[str]],
                    synonyms: Mapping[str, Sequence[tuple[str, ...]]] | None = None) -> np.ndarray:
    """For each head passage (its token set, best first), the share (0..1) of the question's
    contrast weight it holds: `term_weights` (question token -> IDF) reweighed by how few head
    passages have each token. All zeros when there is nothing to tell apart (one passage, or
    no question word with weight)."""
    count = len(head_tokens)
    shares = np.zeros(count)
    if count < 2:
        return shares
    total = 0.0
    for token, weight in term_weights.items():
        present = np.array([holds(tokens, token, synonyms) for tokens in head_tokens])
        contrast = weight * math.log((count + 1) / (present.sum() + 0.5))
        shares += contrast * present
        total += contrast
    return shares / total if total > 0 else np.zeros(count)
