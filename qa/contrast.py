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

from collections.abc import Callable, Mapping, Sequence

import numpy as np

# How many of the fused ranking's best passages are weighed against each other.
CONTRAST_DEPTH = 20


def contrast_shares(term_weights: Mapping[str, float], held: np.ndarray) -> np.ndarray:
    """For each head passage (best first), the share (0..1) of the question's contrast weight it
    holds: `term_weights` (question token -> IDF) reweighed by how few head passages hold each
    token. `held`: (passages, tokens in `term_weights` order), whether each passage holds each
    token (`words_held`). All zeros when there is nothing to tell apart (one passage, or no
    question word with weight)."""
    count = len(held)
    if count < 2 or not term_weights:
        return np.zeros(count)
    weights = np.fromiter(term_weights.values(), dtype=np.float64, count=len(term_weights))
    contrast = weights * np.log((count + 1) / (held.sum(axis=0) + 0.5))
    total = contrast.sum()
    return held @ contrast / total if total > 0 else np.zeros(count)


def words_held(tokens: Sequence[str], synonyms: Mapping[str, Sequence[tuple[str, ...]]] | None,
               holding: Callable[[list[str]], np.ndarray]) -> np.ndarray:
    """(passages, tokens): whether each passage holds each question token, itself or every word
    of one of its synonyms (as `qa.synonyms.holds` decides for one token set). `holding(words)`
    gives the (passages, words) matrix for plain words (`LexicalIndex.holding`)."""
    phrases = {token: tuple((synonyms or {}).get(token, ())) for token in tokens}
    words = list(dict.fromkeys([*tokens, *(word for found in phrases.values() for phrase in found for word in phrase)]))
    column = {word: at for at, word in enumerate(words)}
    present = holding(words)
    held = present[:, [column[token] for token in tokens]]
    for at, token in enumerate(tokens):
        for phrase in phrases[token]:
            held[:, at] |= present[:, [column[word] for word in phrase]].all(axis=1)
    return held
