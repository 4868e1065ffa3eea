"""Background word statistics: how many texts of a general Persian collection hold each token.

BM25 weighs a word by how rare it is in the indexed corpus. A user's corpus is often one
article of a few dozen passages, where that estimate is noise: a word common in Persian but
found in two passages looks as telling as a name. `qa.lexical` therefore blends the corpus's
IDF with the IDF of the same token in this background collection, trusting the corpus more as
it grows (see `blended_idf`). The collection is the project's training text (PQuAD train
paragraphs, their sentences, titles and questions, FarsTail train sentences: data/README.md),
tokenized by the lexical analyzer.

    python -m qa.background      # rewrite qa/background_df.json after the analyzer changed
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

BACKGROUND_FILE = Path(__file__).parent / "background_df.json"

# How many passages a corpus needs before its own statistics count as much as the background.
# Measured on held-out PQuAD train articles, each indexed alone (~9 passages) and all together
# (3,554 passages): 1,000-10,000 all gave lexical MRR@10 0.9647 -> 0.9684 on the single
# articles; 3,000 was best on the whole corpus (0.9603 -> 0.9621).
PRIOR_PASSAGES = 3000


@dataclass(frozen=True)
class Background:
    """How many texts the collection has, and how many of them hold each token."""

    texts: int
    doc_freq: dict[str, int]


def lucene_idf(doc_freq: int, texts: int) -> float:
    return math.log1p((texts - doc_freq + 0.5) / (doc_freq + 0.5))


def blended_idf(local_doc_freq: int, passages: int, token: str, background: Background | None) -> float:
    """The corpus's IDF of `token`, pulled towards the background's when the corpus is small."""
    local = lucene_idf(local_doc_freq, passages)
    if background is None:
        return local
    trust = passages / (passages + PRIOR_PASSAGES)
    general = lucene_idf(background.doc_freq.get(token, 0), background.texts)
    return trust * local + (1 - trust) * general


def count(texts: Iterable[str], analyze: Callable[[str], list[str]]) -> tuple[int, dict[str, int]]:
    """(number of texts, token -> number of texts holding it)."""
    doc_freq: dict[str, int] = {}
    total = 0
    for text in texts:
        total += 1
        for token in set(analyze(text)):
            doc_freq[token] = doc_freq.get(token, 0) + 1
    return total, doc_freq


@lru_cache(maxsize=1)
def load_background(path: Path = BACKGROUND_FILE) -> Background | None:
    """The shipped statistics, or None when missing or counted with another analyzer (the
    corpus's own IDF is then used alone; tests/test_background.py keeps the file current)."""
    from qa.lexical import analyzer_settings

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if data.get("analyzer") != analyzer_settings():
        return None
    return Background(texts=int(data["texts"]), doc_freq=data["doc_freq"])


def main() -> int:
    from qa.lexical import analyze_passage, analyzer_settings
    from qa.training_data import corpus_texts

    texts, doc_freq = count(corpus_texts(), analyze_passage)
    payload = {"source": "data/ (PQuAD train + FarsTail train), qa.training_data.corpus_texts",
               "analyzer": analyzer_settings(), "texts": texts,
               "doc_freq": dict(sorted(doc_freq.items()))}
    BACKGROUND_FILE.write_text(json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n",
                               encoding="utf-8")
    print(f"{BACKGROUND_FILE}: {len(doc_freq)} tokens from {texts} texts")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
