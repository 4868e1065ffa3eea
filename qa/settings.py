"""One Settings class: every knob of the service, read from QA_* environment variables."""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from qa.errors import SettingsError


class Settings(BaseSettings):
    """Defaults serve the bundled corpus with the bundled model; override with QA_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="QA_", env_file=None, extra="ignore")

    corpus: Path = Field(Path("corpus"), description="Folder or file of documents to index.")
    index_dir: Path = Field(Path("index"), description="Where index generations are written.")
    cache_dir: Path = Field(Path(".cache/qa"), description="Indexes built by `qa eval --corpus`.")
    model: str = Field("bundled", description="'bundled', a local sentence-transformers folder, or a hub name.")
    query_prefix: str = Field("", description="Prepended to questions before embedding (e5: 'query: ').")
    passage_prefix: str = Field("", description="Prepended to passages before embedding (e5: 'passage: ').")
    max_chars: int = Field(600, ge=100, le=10_000, description="Longest passage, in characters.")
    overlap_sentences: int = Field(1, ge=0, le=5, description="Sentences repeated between passages.")
    keep_generations: int = Field(3, ge=1, le=100, description="Index generations kept on disk.")
    retriever: Literal["hybrid", "dense", "lexical"] = Field("hybrid", description="Default retriever.")
    thesaurus: str = Field("bundled", description="Synonyms the hybrid retriever adds to questions: 'bundled' (qa/thesaurus.tsv and the phrases of qa/thesaurus_phrases.tsv), the path of your own file in that format (read alone), or 'none'.")
    default_k: int = Field(5, ge=1, le=100, description="Passages returned when k is not given.")
    max_k: int = Field(50, ge=1, le=1000, description="Largest k a request may ask for.")
    max_question_chars: int = Field(1000, ge=10, description="Longest question accepted.")
    max_body_bytes: int = Field(16_384, ge=1024, description="Largest request body (413 beyond).")
    threads: int = Field(1, ge=1, le=64, description="Torch and FAISS threads per search.")
    workers: int = Field(1, ge=1, le=64, description="`qa serve` processes; each loads the model (keep workers x threads <= cores).")
    host: str = Field("127.0.0.1", description="Address `qa serve` listens on.")
    port: int = Field(8000, ge=1, le=65535, description="Port `qa serve` listens on.")
    api_keys: SecretStr = Field(SecretStr(""), description="Comma-separated keys for /ask (empty: open).")
    admin_keys: SecretStr = Field(SecretStr(""), description="Comma-separated keys for /admin/* (empty: the QA_API_KEYS, open only when those are empty too); they also open /ask.")
    cors_origins: str = Field("", description="Comma-separated origins allowed by CORS (empty: CORS off).")
    request_timeout_s: float = Field(10.0, gt=0, le=600, description="A request still running after this many seconds is answered 504.")
    max_concurrent_requests: int = Field(32, ge=1, le=1000, description="Requests worked on at once; beyond it a fast 503 with Retry-After.")
    retry_after_s: int = Field(1, ge=1, le=3600, description="Retry-After sent with 503 when the server is full.")
    reload_check_s: float = Field(1.0, ge=0, le=3600, description="How often the server checks CURRENT for a new generation (0: only POST /admin/reload).")

    @field_validator("corpus", "index_dir", "cache_dir", mode="before")
    @classmethod
    def _not_empty(cls, value: object) -> object:
        # Path("") is «.»: an unset shell variable would index, or write into, the current folder.
        if isinstance(value, str) and not value.strip():
            raise ValueError("an empty path (write . for the current folder)")
        return value

    @model_validator(mode="after")
    def _default_k_within_max_k(self) -> Settings:
        # Else every request that leaves k out would be refused, with a message about a k the
        # client never sent.
        if self.default_k > self.max_k:
            raise ValueError(f"QA_DEFAULT_K ({self.default_k}) is larger than QA_MAX_K ({self.max_k})")
        return self


# The command-line options that set a field (`qa ... --index DIR`), to name the one at fault.
_OPTIONS = {"corpus": "--corpus", "index_dir": "--index", "host": "--host", "port": "--port",
            "workers": "--workers"}


# QA_* variables read outside Settings: real ones, not misspellings of a setting.
OTHER_VARIABLES = frozenset({"QA_TABLE_CACHE"})  # qa/disk_cache.py


def unknown_variables(environ: Mapping[str, str]) -> list[str]:
    """One line for each QA_* variable in `environ` that no setting reads, naming the closest
    setting when one is close: pydantic-settings ignores them, so a typo would change nothing
    without a word."""
    known = {f"QA_{name.upper()}" for name in Settings.model_fields} | OTHER_VARIABLES
    lines = []
    for name in sorted(environ):
        variable = name.upper()  # as pydantic-settings reads them: case-insensitively
        if not variable.startswith("QA_") or variable in known:
            continue
        # Compared without the prefix every name shares, which would make QA_FOO "close" to QA_HOST.
        close = difflib.get_close_matches(variable[3:], sorted(k[3:] for k in known), n=1)
        hint = f" (did you mean QA_{close[0]}?)" if close else ""
        lines.append(f"{name} is not a setting{hint}; it is ignored")
    return lines


def load_settings(on_warning: Callable[[str], None] | None = None, **overrides: object) -> Settings:
    """Settings from the QA_* variables, `overrides` (command-line options; None: not given)
    taking precedence. A value that is not allowed is a SettingsError naming the variable or
    option, the value and the rule, in one line. `on_warning`, when given, hears of each QA_*
    variable that is not a setting (only warned: other tools may use QA_ names too)."""
    if on_warning is not None:
        for line in unknown_variables(os.environ):
            on_warning(line)
    given = {key: value for key, value in overrides.items() if value is not None}
    try:
        return Settings(**given)  # type: ignore[arg-type]
    except ValidationError as error:
        problem = error.errors()[0]
        message = str(problem["msg"]).removeprefix("Value error, ")
        if not problem["loc"]:  # a rule over several settings: its message names them
            raise SettingsError(message) from None
        field = str(problem["loc"][0])
        where = _OPTIONS.get(field, field) if field in given else f"QA_{field.upper()}"
        raise SettingsError(f"{where}={problem['input']}: {message}") from None
