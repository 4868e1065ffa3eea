"""The search service a server holds: the model loaded once, and the generation in use.

A generation is served only after it has been verified whole (store.verify: format, manifest,
checksums) and opened whole (open_searcher: model, query-side settings, counts, one probe
question). A request reads `service.state` once and uses that searcher throughout, so every
answer comes from one consistent generation even while a reload swaps in another.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import weakref
from dataclasses import dataclass, field
from pathlib import Path

from qa import store, subword
from qa.build import NORMALIZER_VERSION
from qa.chunk import CHUNKER_VERSION
from qa.embed import Encoder
from qa.errors import IndexInvalidError, IndexMissingError, QAError
from qa.lexical import LexicalIndex
from qa.search import Searcher, SearchResult
from qa.synonyms import Thesaurus

log = logging.getLogger("qa")

# Asked of every generation before it is served: it must answer without an error.
PROBE_QUESTION = "پایتخت ایران کجاست؟"


def cap_search_threads(count: int) -> None:
    """QA_THREADS: the threads one search may use, the model's (torch, where it needs it) and
    FAISS's, in every thread that searches from now on (workers x threads <= cores)."""
    from qa.dense import set_threads as set_faiss_threads
    from qa.embed import set_threads as set_torch_threads

    set_torch_threads(count)
    set_faiss_threads(count)


@dataclass(frozen=True)
class ServiceState:
    """What the service serves now: a searcher, or the reason there is none."""

    searcher: Searcher | None
    problem: QAError | None = None
    skipped: tuple[str, ...] = field(default=())  # why newer generations were not served


@dataclass(frozen=True)
class ReloadOutcome:
    """What a reload did: the generation now served and whether it changed."""

    state: ServiceState
    changed: bool


def lexical_size(lexical: LexicalIndex) -> int:
    """How many passages the lexical index holds."""
    return int(lexical.size)


def check_counts(searcher: Searcher) -> None:
    """Passages in the manifest = vectors = lexical and subword documents = metadata rows."""
    name = searcher.generation.name
    counts = {
        "manifest passages": searcher.generation.manifest.get("passage_count"),
        "vectors": searcher.dense.size,
        "lexical documents": lexical_size(searcher.lexical),
        "subword documents": searcher.subword.size,
        "metadata rows": searcher.metadata.count_passages(),
    }
    if len(set(counts.values())) != 1:
        found = ", ".join(f"{value} {key}" for key, value in counts.items())
        raise IndexInvalidError(f"index {name} is inconsistent ({found}): rebuild with `qa index build`")


def check_query_settings(generation: store.Generation) -> None:
    """Refuse an index whose text was prepared differently from how questions are prepared now,
    or cut into passages by an older chunker (its citations would not be what this version
    gives: a rebuild fixes them)."""
    manifest = generation.manifest
    expected = {"normalizer": NORMALIZER_VERSION, "lexical": LexicalIndex.settings_static(),
                "subword": subword.settings_static(), "chunker": CHUNKER_VERSION}
    for key, value in expected.items():
        recorded = manifest.get(key)
        if key == "chunker" and isinstance(recorded, dict):
            recorded = recorded.get("version")  # passage size and overlap are the builder's choice
        if key in ("lexical", "subword") and isinstance(recorded, dict) and isinstance(value, dict):
            recorded = {k: recorded.get(k) for k in value}  # only what shapes a query
        if recorded != value:
            raise IndexInvalidError(
                f"index {generation.name} was built with {key} {recorded!r}, this version uses "
                f"{value!r}: rebuild with `qa index build`"
            )


def open_searcher(generation: store.Generation, encoder: Encoder,
                  thesaurus: Thesaurus | None = None) -> Searcher:
    """Open a verified generation and check it can answer; IndexInvalidError says why not."""
    check_query_settings(generation)
    try:
        searcher = Searcher(generation, encoder, thesaurus=thesaurus)
        check_counts(searcher)
        searcher.search(PROBE_QUESTION, top_k=1)
    except QAError:
        raise
    except Exception as error:  # a file that passed its checksum yet cannot be read
        raise IndexInvalidError(
            f"index {generation.name} cannot be opened ({type(error).__name__}: {error}): "
            "rebuild with `qa index build`"
        ) from error
    return searcher


class SearchService:
    """Serves the newest good generation and swaps to newer ones without dropping requests."""

    def __init__(self, index_dir: Path, encoder: Encoder, *, hold_leases: bool = True,
                 thesaurus: Thesaurus | None = None):
        self.index_dir = index_dir
        self.encoder = encoder
        self.thesaurus = thesaurus  # None: the bundled one
        self.hold_leases = hold_leases
        self._reload_lock = threading.Lock()
        self._lease_lock = threading.Lock()
        self._pointer: tuple[int, int, int] | None = None
        self._retired: list[weakref.ref[Searcher]] = []
        self._leased: frozenset[str] = frozenset()
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None
        self.state = ServiceState(searcher=None, problem=IndexMissingError("index not loaded yet"))

    def reload(self) -> ReloadOutcome:
        """Serve the newest good generation; keep serving the old one if none opens.

        Raises the problem only when nothing at all can be served.
        """
        with self._reload_lock:
            self._pointer = store.pointer_signature(self.index_dir)
            current = self.state.searcher

            def open_generation(generation: store.Generation) -> Searcher:
                if current is not None and current.generation.name == generation.name:
                    return current  # already open and verified: nothing on disk is rewritten
                self._hold(extra=generation.name)  # no build may prune it while it opens
                return open_searcher(generation, self.encoder, self.thesaurus)

            try:
                trusted = frozenset({current.generation.name} if current else ())
                searcher, problems = store.open_first_good(
                    self.index_dir, open_generation, trusted=trusted
                )
            except QAError as error:
                if current is None:
                    self.state = ServiceState(searcher=None, problem=error)
                    self._hold()
                    raise
                log.warning("reload failed, still serving %s: %s", current.generation.name, error)
                self.state = ServiceState(searcher=current, skipped=(str(error),))
                self._hold()
                return ReloadOutcome(self.state, changed=False)
            for problem in problems:
                log.warning("skipped a bad index generation: %s", problem)
            changed = searcher is not current
            if changed and current is not None:
                with self._lease_lock:
                    self._retired.append(weakref.ref(current))
            self.state = ServiceState(searcher=searcher, skipped=tuple(problems))
            self._hold()
            if changed:
                log.info("serving index generation %s", searcher.generation.name)
            return ReloadOutcome(self.state, changed=changed)

    def reload_if_published(self) -> bool:
        """Reload when CURRENT changed since the last look (one stat); True if it did reload."""
        if store.pointer_signature(self.index_dir) == self._pointer:
            self._hold()  # retired searchers may have been released since
            return False
        try:
            self.reload()
        except QAError as error:
            log.warning("no index to serve: %s", error)
        return True

    def _hold(self, extra: str | None = None) -> None:
        """Lease the generations this process reads: served, retiring (still in use) and opening."""
        if not self.hold_leases:
            return
        with self._lease_lock:
            self._retired = [ref for ref in self._retired if ref() is not None]
            names = {searcher.generation.name for ref in self._retired if (searcher := ref())}
            if self.state.searcher is not None:
                names.add(self.state.searcher.generation.name)
            if extra:
                names.add(extra)
            if frozenset(names) == self._leased:
                return
            try:
                if names:
                    store.hold_generations(self.index_dir, names)
                else:
                    store.release_generations(self.index_dir)
                self._leased = frozenset(names)
            except OSError as error:  # a read-only index folder: serve anyway, pruning is unguarded
                log.warning("cannot write a lease in %s: %s", self.index_dir, error)

    def start_watching(self, interval_s: float) -> None:
        """Check CURRENT every `interval_s` seconds in a background thread, off the request path."""
        if interval_s <= 0 or self._watcher is not None:
            return

        def watch() -> None:
            while not self._stop.wait(interval_s):
                try:
                    self.reload_if_published()
                except Exception:  # the watcher must outlive any one failure
                    log.exception("index watcher failed")

        self._watcher = threading.Thread(target=watch, name="qa-index-watcher", daemon=True)
        self._watcher.start()

    def close(self) -> None:
        """Stop watching and drop the lease."""
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join(timeout=5)
            self._watcher = None
        if self.hold_leases:
            with contextlib.suppress(OSError):
                store.release_generations(self.index_dir)

    def search(self, question: str, top_k: int, retriever: str) -> SearchResult:
        """Answer from the generation served at this moment."""
        state = self.state
        if state.searcher is None:
            raise state.problem or IndexInvalidError("no index loaded")
        return state.searcher.search(question, top_k=top_k, retriever=retriever)
