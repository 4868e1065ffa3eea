"""The search service a server holds: the model loaded once, and the generation in use."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from qa import store
from qa.embed import Encoder
from qa.errors import IndexInvalidError, IndexMissingError, QAError
from qa.search import Searcher, SearchResult

log = logging.getLogger("qa")


@dataclass(frozen=True)
class ServiceState:
    """What the service serves now: a searcher, or the reason there is none."""

    searcher: Searcher | None
    problem: QAError | None = None


class SearchService:
    """Loads the current generation and swaps to newer ones without dropping requests.

    A request takes `self.state` once and uses that searcher throughout, so every answer comes
    from one consistent generation even while a reload replaces it.
    """

    def __init__(self, index_dir: Path, encoder: Encoder):
        self.index_dir = index_dir
        self.encoder = encoder
        self._reload_lock = threading.Lock()
        self.state = ServiceState(searcher=None, problem=IndexMissingError("index not loaded yet"))

    def reload(self) -> ServiceState:
        """Load the newest good generation; keep serving the old one if none loads."""
        with self._reload_lock:
            current = self.state.searcher
            try:
                generation, problems = store.load_current(self.index_dir)
                for problem in problems:
                    log.warning("skipped a bad index generation: %s", problem)
                if current is not None and current.generation.name == generation.name:
                    return self.state
                self.state = ServiceState(searcher=Searcher(generation, self.encoder))
                log.info("serving index generation %s", generation.name)
            except QAError as error:
                if current is None:
                    self.state = ServiceState(searcher=None, problem=error)
                else:
                    log.warning("reload failed, still serving %s: %s", current.generation.name, error)
                    raise
            return self.state

    def search(self, question: str, top_k: int, retriever: str) -> SearchResult:
        state = self.state
        if state.searcher is None:
            raise state.problem or IndexInvalidError("no index loaded")
        return state.searcher.search(question, top_k=top_k, retriever=retriever)
