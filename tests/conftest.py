"""Shared fixtures: a fast fake encoder for unit tests, and tiny Persian corpora."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from qa.text import tokens

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO / "corpus"


@pytest.fixture(autouse=True, scope="session")
def _table_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """hazm's tables and analyzed thesauruses go to the test run's own folder (servers and
    commands the tests start inherit it), not to the user's cache."""
    os.environ["QA_TABLE_CACHE"] = str(tmp_path_factory.mktemp("table-cache"))


class FakeEncoder:
    """Hashed bag of words: deterministic, instant, and good enough to rank shared words."""

    name = "fake"
    fingerprint = "fake:1"
    dimension = 64
    query_prefix = ""
    passage_prefix = ""

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dimension, dtype=np.float32)
        for token in tokens(text):
            slot = int(hashlib.md5(token.encode()).hexdigest()[:8], 16) % self.dimension
            vector[slot] += 1.0
        norm = np.linalg.norm(vector)
        return vector / norm if norm else vector

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, 64), np.float32)

    def encode_passages(self, texts: Sequence[str], *, batch_size: int = 256,
                        show_progress: bool = False) -> np.ndarray:
        return self.encode_queries(texts)


@pytest.fixture
def fake_encoder() -> FakeEncoder:
    return FakeEncoder()


TINY_DOCS = {
    "tehran.txt": "---\nid: tehran\ntitle: تهران\nsource: آزمون\n---\n"
    "تهران پایتخت ایران است. جمعیت تهران در سال ۱۳۹۵ حدود ۸ میلیون نفر بود.\n\n"
    "کوه دماوند در شمال تهران قرار دارد و بلندترین کوه ایران است.\n",
    "isfahan.txt": "---\nid: isfahan\ntitle: اصفهان\n---\n"
    "اصفهان در مرکز ايران است و ميدان نقش جهان در آن قرار دارد. "
    "زاينده‌رود از میان شهر می‌گذرد.\n",
    "shiraz.txt": "---\nid: shiraz\ntitle: شیراز\n---\n"
    "شیراز شهر شعر و ادب است. آرامگاه حافظ و سعدی در شیراز است. "
    "تخت جمشید در نزدیکی شیراز در سال 1979 در فهرست میراث جهانی ثبت شد.\n",
}


def corpus_index(documents: dict[str, str], folder: Path, encoder: FakeEncoder) -> Path:
    """`documents` (file name -> text) written to folder/corpus and indexed into folder/index."""
    from qa.build import build_index

    (folder / "corpus").mkdir()
    for name, text in documents.items():
        (folder / "corpus" / name).write_text(text, encoding="utf-8")
    build_index(folder / "corpus", folder / "index", encoder, show_progress=False)
    return folder / "index"


@pytest.fixture
def tiny_corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, text in TINY_DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def tiny_index(tmp_path: Path, tiny_corpus: Path, fake_encoder: FakeEncoder) -> Path:
    from qa.build import build_index

    index_dir = tmp_path / "index"
    build_index(tiny_corpus, index_dir, fake_encoder, show_progress=False)
    return index_dir


@pytest.fixture
def searcher(tiny_index: Path, fake_encoder: FakeEncoder):  # type: ignore[no-untyped-def]
    """A Searcher over the tiny index."""
    from qa import store
    from qa.search import Searcher

    return Searcher(store.load_current(tiny_index)[0], fake_encoder)
