"""Build an index generation: ingest -> chunk -> normalize -> embed -> FAISS + BM25 -> publish."""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from qa import store
from qa.chunk import CHUNKER_VERSION, chunk_documents
from qa.dense import DenseIndex
from qa.embed import Encoder
from qa.ingest import corpus_hash, load_corpus
from qa.lexical import LexicalIndex
from qa.metadata import write_metadata
from qa.text import normalize
from qa.types import Document, Passage

# Bump when normalize() changes behaviour: the manifest records it and old indexes are refused.
NORMALIZER_VERSION = "hazm-0.9.3+ascii-digits+joined-zwnj+folded-alef/3"


@dataclass(frozen=True)
class ChunkSettings:
    """How documents are cut into passages (recorded in the manifest)."""

    max_chars: int = 600
    overlap_sentences: int = 1


def index_text(document: Document, passage: Passage, *, with_title: bool = True) -> str:
    """What is matched for a passage: its title, its text and the footnotes it cites."""
    notes = {note.mark: note for note in document.footnotes}
    cited = [notes[mark] for mark in passage.footnote_marks if mark in notes]
    parts = [document.title] if with_title else []
    parts += [passage.text] + [f"{note.text} {note.url or ''}" for note in cited]
    return normalize(" ".join(parts))


def build_key(corpus_digest: str, encoder: Encoder, chunking: ChunkSettings) -> str:
    """A short key for everything that shapes an index: used to cache eval indexes."""
    blob = json.dumps(
        [corpus_digest, encoder.fingerprint, encoder.query_prefix, encoder.passage_prefix,
         chunking.max_chars, chunking.overlap_sentences, CHUNKER_VERSION, NORMALIZER_VERSION,
         LexicalIndex.settings_static()],
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def build_index(
    corpus_path: Path,
    index_dir: Path,
    encoder: Encoder,
    *,
    chunking: ChunkSettings = ChunkSettings(),
    keep_generations: int = 3,
    show_progress: bool = True,
    on_warning: Callable[[str], None] | None = None,
    documents: Sequence[Document] | None = None,
) -> store.Generation:
    """Build the corpus into a new generation under `index_dir` and make it current."""
    started = time.perf_counter()
    store.remove_stale_builds(index_dir, older_than_s=24 * 3600)
    if documents is None:
        documents = load_corpus(corpus_path, on_warning=on_warning)
    passages = chunk_documents(
        documents, max_chars=chunking.max_chars, overlap_sentences=chunking.overlap_sentences
    )
    by_id = {doc.id: doc for doc in documents}
    texts = [index_text(by_id[p.doc_id], p) for p in passages]
    vectors = encoder.encode_passages(texts, show_progress=show_progress)
    dense = DenseIndex.build(vectors)
    lexical = LexicalIndex.build(texts, show_progress=show_progress)

    build_dir = store.start_build(index_dir)
    try:
        dense.save(build_dir / "vectors.faiss")
        lexical.save(build_dir / "lexical")
        write_metadata(build_dir / "metadata.sqlite", documents, passages)
        manifest = {
            "model": {
                "name": encoder.name,
                "fingerprint": encoder.fingerprint,
                "dimension": encoder.dimension,
                "query_prefix": encoder.query_prefix,
                "passage_prefix": encoder.passage_prefix,
            },
            "normalizer": NORMALIZER_VERSION,
            "chunker": {"version": CHUNKER_VERSION, "max_chars": chunking.max_chars,
                        "overlap_sentences": chunking.overlap_sentences},
            "lexical": lexical.settings(),
            "dense": {"kind": dense.kind, "metric": "inner_product"},
            "corpus": {"path": str(corpus_path), "hash": corpus_hash(documents),
                       "documents": len(documents)},
            "passage_count": len(passages),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "build_seconds": round(time.perf_counter() - started, 2),
        }
        return store.publish(index_dir, build_dir, manifest, keep=keep_generations)
    except BaseException:
        shutil.rmtree(build_dir, ignore_errors=True)
        raise
