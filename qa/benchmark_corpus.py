"""A synthetic Persian corpus of any size, recombined from the real sentences of a seed corpus.

Every paragraph is a random run of whole seed sentences between `MIN_PARAGRAPH_CHARS` and
`MAX_PARAGRAPH_CHARS` long, so that with the default chunker (600 characters) each paragraph is
exactly one passage: `passages` passages ask for `passages` paragraphs. The text is real Persian
(spelling, punctuation, digits, ZWNJ as found in the seed), the combinations are new, and the
same seed always gives the same corpus.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

from qa.errors import InputError
from qa.ingest import load_corpus
from qa.text import sentence_spans, squeeze_spaces

# Two paragraphs never fit together in one 600-character passage, and one always does.
MIN_PARAGRAPH_CHARS = 301
MAX_PARAGRAPH_CHARS = 590
PARAGRAPHS_PER_DOCUMENT = 10


def seed_sentences(seed_corpus: Path) -> tuple[list[str], list[str]]:
    """The sentences (short enough for a paragraph) and the titles of a seed corpus."""
    sentences: list[str] = []
    titles: list[str] = []
    for document in load_corpus(seed_corpus):
        titles.append(document.title)
        for start, end in sentence_spans(document.text):
            sentence = squeeze_spaces(document.text[start:end])
            if 20 <= len(sentence) <= MAX_PARAGRAPH_CHARS // 2:
                sentences.append(sentence)
    if len(sentences) < 10:
        raise InputError(f"{seed_corpus} has too few sentences to recombine ({len(sentences)})")
    return sentences, titles


def _paragraph(sentences: list[str], rng: random.Random) -> str:
    while True:
        parts: list[str] = []
        length = -1
        while length < MIN_PARAGRAPH_CHARS:
            sentence = sentences[rng.randrange(len(sentences))]
            parts.append(sentence)
            length += len(sentence) + 1
        if length <= MAX_PARAGRAPH_CHARS:
            return " ".join(parts)


def synthetic_documents(
    seed_corpus: Path, passages: int, *, seed: int = 0
) -> Iterator[dict[str, str]]:
    """JSONL rows {id, title, text} holding `passages` paragraphs in all."""
    if passages < 1:
        raise InputError(f"passages must be at least 1, not {passages}")
    sentences, titles = seed_sentences(seed_corpus)
    rng = random.Random(seed)
    made = 0
    number = 0
    while made < passages:
        count = min(PARAGRAPHS_PER_DOCUMENT, passages - made)
        paragraphs = [_paragraph(sentences, rng) for _ in range(count)]
        title = f"{titles[rng.randrange(len(titles))]} ({number + 1})"
        yield {"id": f"synthetic-{number:07d}", "title": title, "text": "\n\n".join(paragraphs)}
        made += count
        number += 1


def write_synthetic_corpus(seed_corpus: Path, out: Path, passages: int, *, seed: int = 0) -> Path:
    """Write the corpus as JSONL at `out` (through a temporary file); returns `out`."""
    out.parent.mkdir(parents=True, exist_ok=True)
    scratch = out.with_name(out.name + ".tmp")
    with scratch.open("w", encoding="utf-8") as handle:
        for row in synthetic_documents(seed_corpus, passages, seed=seed):
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    scratch.replace(out)
    return out
