"""Sentence embeddings: the Encoder protocol and the sentence-transformers encoder.

The only module that imports sentence_transformers. Texts arrive already normalized
(qa.text.normalize); vectors leave as float32 unit rows, so inner product = cosine.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from qa.errors import ModelError
from qa.static_table import StaticTable, load_static_table

# The model the project trains and ships (see qa/model/README.md).
BUNDLED_MODEL_DIR = Path(__file__).parent / "model"
DEFAULT_MODEL = "bundled"

# Texts the numpy query path must embed as the model does before it is trusted: Persian with
# digits, ZWNJ, Latin and punctuation, a word repeated, and texts with no token at all.
PROBE_TEXTS = (
    "پایتخت ایران کجاست؟",
    "چرا پایتخت قزاقستان از آلماتی به آستانا منتقل شد؟",
    "در سال ۱۹۹۷ پایتخت به آستانه منتقل شد و جمعیت آن ۱۲۰۰۰۰۰ نفر است.",
    "کتاب‌ها و دانشگاه‌های تهران، شیراز و اصفهان (Isfahan) در قرن 19 میلادی",
    "کتاب کتاب کتاب",
    "x",
    "؟",
    "",
)
# How far the numpy path may be from the model's own output (unit vectors, per component).
FAST_PATH_TOLERANCE = 1e-6


class Encoder(Protocol):
    """Turns normalized texts into unit vectors."""

    name: str
    fingerprint: str
    dimension: int
    query_prefix: str
    passage_prefix: str

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_passages(
        self, texts: Sequence[str], *, batch_size: int = 256, show_progress: bool = False
    ) -> np.ndarray: ...


def resolve_model_path(model: str) -> str:
    """Map the setting to what SentenceTransformer loads: "bundled" is the shipped model."""
    if model in ("", DEFAULT_MODEL):
        return str(BUNDLED_MODEL_DIR)
    return os.path.expanduser(model)


def _hub_reachable(host: str = "huggingface.co", timeout_s: float = 3.0) -> bool:
    """Whether the model hub answers at all (one TCP connection, a few seconds at most)."""
    import socket

    try:
        socket.create_connection((host, 443), timeout=timeout_s).close()
    except OSError:
        return False
    return True


def _looks_like_a_path(model: str) -> bool:
    """A QA_MODEL value that names a folder, not a hub model ("org/name")."""
    return model.startswith(("/", "./", "../", "~")) or model in (".", "..")


def model_fingerprint(model_path: str) -> str:
    """A sha256 over a local model folder's files (names and bytes), or the hub name itself.

    Recorded in the index manifest, so an index built with other weights is refused.
    """
    folder = Path(model_path)
    if not folder.is_dir():
        return "name:" + model_path
    digest = hashlib.sha256()
    for file in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "README.md"):
        digest.update(file.relative_to(folder).as_posix().encode())
        with file.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return "sha256:" + digest.hexdigest()


def _unit_rows(vectors: np.ndarray) -> np.ndarray:
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0  # an all-[UNK] text embeds to zero: keep it zero, not NaN
    return vectors / norms


class SentenceTransformerEncoder:
    """A sentence-transformers model from a local folder (or a hub name, for users online)."""

    def __init__(self, model: str = DEFAULT_MODEL, *, query_prefix: str = "", passage_prefix: str = ""):
        """A static model's folder is read without sentence-transformers (`load_static_table`):
        questions need nothing more, and the model itself loads on first `encode_passages`.
        Any other model loads now."""
        path = resolve_model_path(model)
        if model in ("", DEFAULT_MODEL) and not (BUNDLED_MODEL_DIR / "modules.json").exists():
            raise ModelError(
                f"the bundled model is missing from {BUNDLED_MODEL_DIR}: run `qa model train`"
            )
        if _looks_like_a_path(model) and not Path(path).is_dir():
            # Else the loader takes it for a hub name and prints a warning about its spelling.
            raise ModelError(f"QA_MODEL={model}: no model folder there (a local sentence-transformers folder)")
        self.name = model or DEFAULT_MODEL
        self._path = path
        self._loaded = None
        self._fast = load_static_table(Path(path)) if Path(path).is_dir() else None
        self.fingerprint = model_fingerprint(path)
        if self._fast is not None:
            self.dimension = self._fast.dimension
        else:
            loaded = self.model
            dimension = loaded.get_embedding_dimension()
            if dimension is None:
                dimension = int(loaded.encode(["x"]).shape[1])
            self.dimension = int(dimension)
            self._fast = fast_path(loaded)
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix

    @property
    def model(self):  # type: ignore[no-untyped-def]
        """The sentence-transformers model, loaded on first use. A table read without it must
        embed as it does, or questions leave the numpy path from then on."""
        if self._loaded is None:
            self._loaded = self._load()
            if self._fast is not None and not agrees(self._fast, self._loaded):
                self._fast = None
        return self._loaded

    def _load(self):  # type: ignore[no-untyped-def]
        if Path(self._path).is_dir() or not _hub_reachable():
            # A local model needs no hub, and an unreachable hub only costs a minute of retries
            # before the same failure: a hub model is then read from the local cache or not at all.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as transformers_logging

            transformers_logging.disable_progress_bar()  # "Loading weights" bars on every ask

            loaded = SentenceTransformer(self._path, device="cpu")
        except Exception as error:  # any loader failure is the user's model setting
            said = " ".join(str(error).split())  # one line, whatever the loader wrote
            raise ModelError(
                f"cannot load embedding model {self.name!r} from {self._path}: {said} "
                "Set QA_MODEL to a local sentence-transformers folder (no downloads here)."
            ) from error
        _apply_threads()
        return loaded

    @property
    def uses_fast_path(self) -> bool:
        """Whether questions are embedded with numpy (a static model) rather than the model."""
        return self._fast is not None

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        texts = [self.query_prefix + text for text in texts]
        if self._fast is not None:
            if not texts:
                return np.zeros((0, self.dimension), dtype=np.float32)
            return _unit_rows(self._fast.encode(texts))
        return self._encode(texts, 64, False)

    def encode_passages(
        self, texts: Sequence[str], *, batch_size: int = 256, show_progress: bool = False
    ) -> np.ndarray:
        return self._encode([self.passage_prefix + text for text in texts], batch_size, show_progress)

    def _encode(self, texts: list[str], batch_size: int, show_progress: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            texts,
            batch_size=batch_size,
            show_progress_bar=show_progress,
            convert_to_numpy=True,
            normalize_embeddings=False,
        )
        return _unit_rows(vectors)


def fast_path(model) -> StaticTable | None:  # type: ignore[no-untyped-def]
    """A numpy StaticTable for a model that is one StaticEmbedding and nothing else, if it
    embeds PROBE_TEXTS as the model does; None for any other model (it keeps the generic path).

    Only questions take it: builds keep the model's own batched path.
    """
    from sentence_transformers.sentence_transformer.modules import StaticEmbedding

    modules = list(model)
    if (len(modules) != 1 or not isinstance(modules[0], StaticEmbedding)
            or getattr(model, "default_prompt_name", None) or getattr(model, "truncate_dim", None)):
        return None
    static = modules[0]
    table = StaticTable(static.tokenizer, static.embedding.weight.detach().cpu().numpy())
    return table if agrees(table, model) else None


def agrees(table: StaticTable, model) -> bool:  # type: ignore[no-untyped-def]
    """Whether `table` embeds PROBE_TEXTS as `model` does."""
    expected = _unit_rows(model.encode(list(PROBE_TEXTS), convert_to_numpy=True,
                                       normalize_embeddings=False))
    found = _unit_rows(table.encode(PROBE_TEXTS))
    return found.shape == expected.shape and float(np.abs(found - expected).max()) <= FAST_PATH_TOLERANCE


_threads: int | None = None  # torch's thread cap, applied when torch is loaded


def set_threads(count: int) -> None:
    """Cap torch's intra-op threads (workers x threads must not exceed the cores). Questions of
    a static model never load torch; the cap is applied if and when a model does."""
    global _threads
    _threads = max(1, count)
    if "torch" in sys.modules:
        _apply_threads()


def _apply_threads() -> None:
    if _threads is not None:
        import torch

        torch.set_num_threads(_threads)
