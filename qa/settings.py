"""One Settings class: every knob of the service, read from QA_* environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


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
    admin_keys: SecretStr = Field(SecretStr(""), description="Comma-separated keys for /admin/* (empty: open); they also open /ask.")
    cors_origins: str = Field("", description="Comma-separated origins allowed by CORS (empty: CORS off).")
    request_timeout_s: float = Field(10.0, gt=0, le=600, description="A request still running after this many seconds is answered 504.")
    max_concurrent_requests: int = Field(32, ge=1, le=1000, description="Requests worked on at once; beyond it a fast 503 with Retry-After.")
    retry_after_s: int = Field(1, ge=1, le=3600, description="Retry-After sent with 503 when the server is full.")
    reload_check_s: float = Field(1.0, ge=0, le=3600, description="How often the server checks CURRENT for a new generation (0: only POST /admin/reload).")
