"""Build an index generation: ingest -> chunk -> normalize -> embed -> FAISS + BM25 -> publish.

Chunking and normalization (pure Python, ~1 M characters/s per core) run in a pool of worker
processes, one per core, over batches of documents; the parent embeds each batch as it arrives
(the tokenizer and torch release the GIL), then builds the FAISS index in a thread while it
builds the BM25 index, so every stage keeps both cores busy. Small corpora run in-process.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from qa import store, subword
from qa.chunk import CHUNKER_VERSION, chunk_documents
from qa.dense import (
    APPROXIMATE_KINDS,
    CALIBRATION_QUERIES,
    DenseIndex,
    auto_kind,
    set_threads,
)
from qa.embed import Encoder
from qa.errors import InputError
from qa.ingest import corpus_hash, load_corpus
from qa.lexical import FORMAT_VERSION as LEXICAL_FORMAT_VERSION
from qa.lexical import LexicalIndex
from qa.metadata import write_metadata
from qa.text import normalize
from qa.types import Document, Passage

# Bump when normalize() changes behaviour: the manifest records it and old indexes are refused.
NORMALIZER_VERSION = "hazm-0.9.3+ascii-digits+joined-zwnj+folded-alef+compatibility+detached-suffixes+ezafe/6"

# Below this many characters a worker pool costs more than it saves.
PARALLEL_MIN_CHARS = 1_000_000
# Characters of documents per task sent to a worker (~0.2 s of work): small enough to spread
# evenly, large enough that pickling is a small share.
TASK_CHARS = 200_000
# Batches handed to each worker and not yet taken back by the embedding loop.
IN_FLIGHT_TASKS_PER_WORKER = 4
# Passages embedded per call while the workers keep normalizing.
EMBED_BATCH = 2048
# What `export_dir` receives: the index texts (one JSON string per line) and float vectors.
EXPORT_TEXTS = "texts.jsonl"
EXPORT_VECTORS = "vectors.npy"
# Words in a calibration probe (PQuAD questions have 10-12).
PROBE_WORDS = 12


@dataclass(frozen=True)
class ChunkSettings:
    """How documents are cut into passages (recorded in the manifest)."""

    max_chars: int = 600
    overlap_sentences: int = 1


def index_text(document: Document, passage: Passage, *, with_title: bool = True) -> str:
    """What is matched for a passage: its title, its text and the footnotes it cites."""
    return normalize(raw_index_text(document, passage, with_title=with_title))


def raw_index_text(document: Document, passage: Passage, *, with_title: bool = True) -> str:
    """`index_text` before normalization, as the document writes it."""
    cited = document.cited_footnotes(passage)
    parts = [document.title] if with_title else []
    parts += [passage.text] + [f"{note.text} {note.url or ''}" for note in cited]
    return " ".join(parts)


def build_key(corpus_digest: str, encoder: Encoder, chunking: ChunkSettings) -> str:
    """A short key for everything that shapes an index: used to cache eval indexes. It covers
    the package's code too: an analyzer changed for an experiment under a version number an
    earlier, reverted experiment also used would otherwise reuse that one's cached indexes."""
    blob = json.dumps(
        [corpus_digest, encoder.fingerprint, encoder.query_prefix, encoder.passage_prefix,
         chunking.max_chars, chunking.overlap_sentences, CHUNKER_VERSION, NORMALIZER_VERSION,
         LexicalIndex.settings_static(), LEXICAL_FORMAT_VERSION, subword.settings_static(),
         subword.FORMAT_VERSION, code_digest()],
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


@lru_cache(maxsize=1)
def code_digest() -> str:
    """A digest of the package's Python sources. Any edit changes it, so the eval caches are
    rebuilt: cheap (eval/train_proxies.py: 3 min 2 s with every index rebuilt, 2 min 57 s cached)."""
    digest = hashlib.sha256()
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()[:16]


def _prepare(task: tuple[Sequence[Document], ChunkSettings]) -> tuple[list[Passage], list[str]]:
    """Passages (ids from 0 within the task) and their index texts, for a batch of documents."""
    documents, chunking = task
    passages = chunk_documents(
        documents, max_chars=chunking.max_chars, overlap_sentences=chunking.overlap_sentences
    )
    by_id = {doc.id: doc for doc in documents}
    return passages, [index_text(by_id[p.doc_id], p) for p in passages]


def _tasks(
    documents: Sequence[Document], chunking: ChunkSettings
) -> Iterator[tuple[Sequence[Document], ChunkSettings]]:
    batch: list[Document] = []
    chars = 0
    for document in documents:
        batch.append(document)
        chars += len(document.text)
        if chars >= TASK_CHARS:
            yield batch, chunking
            batch, chars = [], 0
    if batch:
        yield batch, chunking


def _die_with_parent() -> None:
    """A worker gets SIGKILL when the builder dies, however it dies (Linux), so a killed build
    leaves no orphans behind."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def default_workers() -> int:
    """One worker per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def prepared_batches(
    documents: Sequence[Document], chunking: ChunkSettings, workers: int
) -> Iterator[tuple[list[Passage], list[str]]]:
    """(passages, index texts) batch by batch, in document order, ids local to each batch."""
    total_chars = sum(len(doc.text) for doc in documents)
    if workers <= 1 or total_chars < PARALLEL_MIN_CHARS:
        yield _prepare((documents, chunking))
        return
    import multiprocessing

    normalize("پیش گرم")  # fill hazm's tables once; forked workers inherit them
    # Workers outrun the embedding here: without a window, finished batches would pile up
    # in this process (at a million passages, gigabytes of them).
    window = threading.Semaphore(IN_FLIGHT_TASKS_PER_WORKER * workers)
    stop = threading.Event()

    def throttled() -> Iterator[tuple[Sequence[Document], ChunkSettings]]:
        for task in _tasks(documents, chunking):
            while not window.acquire(timeout=0.1):
                if stop.is_set():
                    return
            yield task

    context = multiprocessing.get_context("fork")
    try:
        with context.Pool(workers, initializer=_die_with_parent) as pool:
            for result in pool.imap(_prepare, throttled()):
                window.release()
                yield result
    finally:
        stop.set()


@dataclass
class _Prepared:
    """Passages with their index texts and unit vectors, row for row."""

    passages: list[Passage]
    texts: list[str]
    vectors: np.ndarray


def prepare_and_embed(
    documents: Sequence[Document],
    encoder: Encoder,
    chunking: ChunkSettings,
    *,
    workers: int,
    show_progress: bool,
) -> _Prepared:
    """Chunk and normalize in workers; embed each batch in this process as it arrives."""
    from tqdm.auto import tqdm

    passages: list[Passage] = []
    texts: list[str] = []
    vectors: list[np.ndarray] = []
    embedded = 0
    bar = tqdm(total=len(documents), desc="passages", unit="doc", disable=not show_progress)
    for batch_passages, batch_texts in prepared_batches(documents, chunking, workers):
        offset = len(passages)
        if offset:
            passages.extend(replace(p, id=offset + p.id) for p in batch_passages)
        else:
            passages.extend(batch_passages)
        texts.extend(batch_texts)
        bar.update(len({p.doc_id for p in batch_passages}))
        bar.set_postfix(passages=len(passages))
        while len(texts) - embedded >= EMBED_BATCH:
            vectors.append(encoder.encode_passages(texts[embedded:embedded + EMBED_BATCH]))
            embedded += EMBED_BATCH
    if embedded < len(texts) or not vectors:
        vectors.append(encoder.encode_passages(texts[embedded:]))
    bar.close()
    return _Prepared(passages, texts, _stacked(vectors))


def _stacked(chunks: list[np.ndarray]) -> np.ndarray:
    """One array from row chunks, releasing each chunk once copied: at a million passages of
    1,024 dimensions, np.concatenate would hold 8 GB at its peak instead of 4."""
    if len(chunks) == 1:
        return chunks.pop()
    rows = sum(len(chunk) for chunk in chunks)
    stacked = np.empty((rows, chunks[0].shape[1]), dtype=np.float32)
    start = 0
    chunks.reverse()
    while chunks:
        chunk = chunks.pop()
        stacked[start:start + len(chunk)] = chunk
        start += len(chunk)
    return stacked


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
    workers: int | None = None,
    dense_kind: str = "auto",
    timings: dict[str, float] | None = None,
    export_dir: Path | None = None,
) -> store.Generation:
    """Build the corpus into a new generation under `index_dir` and make it current.

    `workers` processes chunk and normalize (default: one per core); `dense_kind` picks the
    FAISS index ("auto": exact for small corpora, IVF beyond); `timings`, when given, receives
    the seconds each stage took; `export_dir`, when given, also receives the index texts and
    float vectors (benchmarks compare against bare bm25s and exact search on exactly these).
    """
    started = time.perf_counter()
    stages = timings if timings is not None else {}

    def lap(stage: str, since: float) -> float:
        now = time.perf_counter()
        stages[stage] = round(now - since, 3)
        return now

    # Before the corpus is read: a bad --index fails at once.
    created = store.make_index_dir(index_dir)
    build_dir: Path | None = None
    writing = False  # from the first write on, a full disk or read-only folder is one line
    try:
        store.remove_stale_builds(index_dir, older_than_s=24 * 3600)
        # Taken now, not after the embedding: a folder nothing can be written in fails in a second.
        build_dir = store.start_build(index_dir)
        clock = started
        if documents is None:
            documents = load_corpus(corpus_path, on_warning=on_warning)
            clock = lap("load", clock)
        prepared = prepare_and_embed(
            documents, encoder, chunking, workers=workers or default_workers(),
            show_progress=show_progress,
        )
        clock = lap("chunk_normalize_embed", clock)
        if export_dir is not None:
            write_export(export_dir, prepared.texts, prepared.vectors)
            clock = lap("export", clock)

        writing = True
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="qa-faiss") as pool:
            # FAISS releases the GIL: it trains and fills its index on one core while this
            # thread builds BM25 and writes the metadata on the other.
            kind = dense_kind
            if kind == "auto":
                kind = auto_kind(*prepared.vectors.shape)
            probes = None
            if kind in APPROXIMATE_KINDS:
                probes = question_like_probes(prepared.texts, encoder)
            future = pool.submit(
                _build_dense, prepared.vectors, kind, probes,
                threads=max(1, default_workers() - 1),
            )
            lexical = LexicalIndex.build(prepared.texts, show_progress=show_progress)
            lexical.save(build_dir / "lexical")
            lexical_settings = lexical.settings()
            del lexical
            subwords = subword.SubwordIndex.build(prepared.texts, show_progress=show_progress)
            subwords.save(build_dir / subword.FOLDER)
            subword_settings = subwords.settings()
            del subwords
            prepared.texts = []  # not needed any more: ~1 GB at a million passages
            write_metadata(build_dir / "metadata.sqlite", documents, prepared.passages)
            dense = future.result()
        dense.save(build_dir / "vectors.faiss")
        clock = lap("index_write", clock)
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
            "lexical": lexical_settings,
            "subword": subword_settings,
            "dense": {"kind": dense.kind, "metric": "inner_product", **dense.parameters()},
            "corpus": {"path": str(corpus_path), "hash": corpus_hash(documents),
                       "documents": len(documents)},
            "passage_count": len(prepared.passages),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "build_seconds": round(time.perf_counter() - started, 2),
        }
        generation = store.publish(index_dir, build_dir, manifest, keep=keep_generations)
        lap("save_publish", clock)
        return generation
    except BaseException as error:
        if build_dir is not None:
            shutil.rmtree(build_dir, ignore_errors=True)
        # A first build that failed (an empty corpus, a bad row) leaves no empty index folder.
        store.remove_empty_folders(created)
        reason = _write_failure(error) if writing else None
        if reason is not None:
            raise InputError(f"cannot write the index in {index_dir}: {reason}; "
                             "the generation served before is unchanged") from None
        raise


def _write_failure(error: BaseException) -> str | None:
    """Why the index could not be written, when `error` is a full disk or a refused write (FAISS
    reports these as a RuntimeError naming the errno, SQLite as its own error); else None."""
    if isinstance(error, OSError):
        return error.strerror or str(error)
    if isinstance(error, sqlite3.Error):
        return str(error)
    if isinstance(error, RuntimeError):
        if "No space left" in str(error):
            return "no space left on the device"
        if "could not open" in str(error):
            return "a file could not be written"
    return None


def write_export(folder: Path, texts: Sequence[str], vectors: np.ndarray) -> None:
    """The index texts and float vectors of a build, row for row, outside the generation."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / EXPORT_TEXTS).open("w", encoding="utf-8") as handle:
        for text in texts:
            handle.write(json.dumps(text, ensure_ascii=False) + "\n")
    np.save(folder / EXPORT_VECTORS, np.ascontiguousarray(vectors, dtype=np.float32))


def _build_dense(
    vectors: np.ndarray, kind: str, probes: np.ndarray | None, *, threads: int
) -> DenseIndex:
    # OpenMP thread counts belong to the calling thread: set it here, in the thread that builds.
    set_threads(threads, this_thread_only=True)
    return DenseIndex.build(vectors, kind, probes=probes)


def question_like_probes(
    texts: Sequence[str], encoder: Encoder, *, count: int = CALIBRATION_QUERIES,
    words: int = PROBE_WORDS, seed: int = 0,
) -> np.ndarray:
    """A run of `words` words from each of `count` sampled passages, embedded as questions.

    An approximate index is calibrated on these: like a question, a probe shares some words
    with the passages that answer it. On the million-passage corpus they needed the same
    search breadth as PQuAD train questions.
    """
    rng = random.Random(seed)
    probes = []
    for row in sorted(rng.sample(range(len(texts)), min(count, len(texts)))):
        split = texts[row].split()
        start = rng.randrange(max(1, len(split) - words + 1))
        probes.append(" ".join(split[start:start + words]))
    return encoder.encode_queries(probes)
