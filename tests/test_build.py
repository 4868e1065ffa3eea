"""The build pipeline: the parallel path gives the same index as the in-process one; the eval
cache key."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import faiss
import numpy as np
import pytest

from qa import build
from qa.build import ChunkSettings, build_index, prepared_batches
from qa.chunk import chunk_document
from qa.ingest import load_corpus

PARAGRAPH = (
    "تهران پایتخت ايران است و جمعیت آن در سال ۱۳۹۵ حدود 8 میلیون نفر بود. "
    "کوه دماوند در شمال تهران قرار دارد؛ بلندترین کوه ایران است. "
)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for number in range(12):
        paragraphs = "\n\n".join(PARAGRAPH * (1 + (number + k) % 4) + f"بند {k}" for k in range(3))
        (folder / f"doc{number:02d}.txt").write_text(f"عنوان {number}\n\n{paragraphs}\n", encoding="utf-8")
    return folder


def _rows(index_dir: Path) -> tuple[list, np.ndarray]:
    generation = sorted((index_dir / "generations").iterdir())[-1]
    rows = sqlite3.connect(generation / "metadata.sqlite").execute(
        "SELECT * FROM passages ORDER BY id"
    ).fetchall()
    flat = faiss.read_index(str(generation / "vectors.faiss"))
    return rows, flat.reconstruct_n(0, flat.ntotal)


def test_worker_batches_come_back_in_order_with_the_same_passages(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    documents = load_corpus(corpus)
    inline = list(prepared_batches(documents, ChunkSettings(max_chars=200), workers=1))
    monkeypatch.setattr(build, "PARALLEL_MIN_CHARS", 0)
    monkeypatch.setattr(build, "TASK_CHARS", 500)
    batches = list(prepared_batches(documents, ChunkSettings(max_chars=200), workers=2))
    assert len(inline) == 1 and len(batches) > 3
    assert [t for _, texts in batches for t in texts] == inline[0][1]
    assert [p.doc_id for ps, _ in batches for p in ps] == [p.doc_id for p in inline[0][0]]


def test_parallel_build_equals_in_process_build(
    tmp_path: Path, corpus: Path, fake_encoder, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    chunking = ChunkSettings(max_chars=200)
    build_index(corpus, tmp_path / "one", fake_encoder, chunking=chunking, show_progress=False,
                workers=1)
    monkeypatch.setattr(build, "PARALLEL_MIN_CHARS", 0)
    monkeypatch.setattr(build, "TASK_CHARS", 500)
    monkeypatch.setattr(build, "EMBED_BATCH", 7)
    timings: dict[str, float] = {}
    generation = build_index(corpus, tmp_path / "two", fake_encoder, chunking=chunking,
                             show_progress=False, workers=2, timings=timings)
    one, two = _rows(tmp_path / "one"), _rows(tmp_path / "two")
    assert one[0] == two[0] and len(one[0]) > 20
    assert np.array_equal(one[1], two[1])
    assert generation.manifest["dense"] == {"kind": "flat", "metric": "inner_product"}
    assert {"load", "chunk_normalize_embed", "index_write", "save_publish"} <= set(timings)


def test_the_eval_cache_key_follows_the_code(monkeypatch: pytest.MonkeyPatch) -> None:
    # An analyzer edited without a new version number must not reuse indexes cached before.
    class Model:
        fingerprint, query_prefix, passage_prefix = "f", "", ""

    assert len(build.code_digest()) == 16
    before = build.build_key("corpus", Model(), ChunkSettings())  # type: ignore[arg-type]
    assert build.build_key("corpus", Model(), ChunkSettings()) == before  # type: ignore[arg-type]
    monkeypatch.setattr(build, "code_digest", lambda: "edited")
    assert build.build_key("corpus", Model(), ChunkSettings()) != before  # type: ignore[arg-type]


def _two_pages_numbered_from_one(tmp_path: Path) -> list:
    """A book whose footnotes start again at «۱» on each page."""
    first = ("بادگیرهای بلند این شهر برای خنک کردن خانه‌ها در تابستان ساخته شده‌اند "
             "و گردشگران بسیاری هر سال برای دیدن آنها به یزد می‌آیند.۱ ") + PARAGRAPH * 2
    second = ("قنات زارچ با طول بیش از هفتاد کیلومتر یکی از طولانی‌ترین قنات‌های ایران "
              "به شمار می‌رود.۱ ") + PARAGRAPH * 2
    text = (f"{first.strip()}\n\n۱ کتاب معماری کویر http://example.org/kavir 12\n\n\n"
            f"{second.strip()}\n\n۱ گزارش سالانه قنات‌ها https://example.org/qanat 13\n")
    folder = tmp_path / "book"
    folder.mkdir()
    (folder / "yazd.txt").write_text(text, encoding="utf-8")
    (document,) = load_corpus(folder)
    return [document, chunk_document(document, max_chars=300)]


def test_a_mark_numbered_again_on_each_page_cites_its_own_page_footnote(tmp_path: Path) -> None:
    document, passages = _two_pages_numbered_from_one(tmp_path)
    assert [(note.mark, note.page) for note in document.footnotes] == [("۱", 12), ("۱", 13)]
    for passage in passages:
        if "بادگیرهای" in passage.text:
            assert "کویر" in build.index_text(document, passage)
            assert "قنات" not in build.index_text(document, passage)
            assert [n.text for n in document.cited_footnotes(passage)] == ["کتاب معماری کویر"]
        if "قنات زارچ" in passage.text:
            assert [n.page for n in document.cited_footnotes(passage)] == [13]


@pytest.mark.parametrize("failure", [
    sqlite3.OperationalError("database or disk is full"),
    RuntimeError("Error in void faiss::write_index: fwrite (No space left on device)"),
    OSError(28, "No space left on device"),
])
def test_a_full_disk_is_one_clear_error_and_the_served_index_stays(
    corpus: Path, tmp_path: Path, fake_encoder, monkeypatch, failure: Exception  # type: ignore[no-untyped-def]
) -> None:
    from qa import store
    from qa.errors import InputError

    index_dir = tmp_path / "index"
    served = build_index(corpus, index_dir, fake_encoder, show_progress=False, workers=1)

    def fail(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise failure

    monkeypatch.setattr(build, "write_metadata", fail)
    with pytest.raises(InputError, match="cannot write the index in .*unchanged"):
        build_index(corpus, index_dir, fake_encoder, show_progress=False, workers=1)
    assert store.current_name(index_dir) == served.name
    assert not list(index_dir.glob(".tmp-*"))


def test_a_failed_first_build_removes_the_empty_folders_it_made(tmp_path: Path, fake_encoder) -> None:  # type: ignore[no-untyped-def]
    from qa.errors import CorpusError

    empty_corpus = tmp_path / "corpus"
    empty_corpus.mkdir()
    with pytest.raises(CorpusError, match="no documents"):
        build_index(empty_corpus, tmp_path / "new" / "index", fake_encoder, show_progress=False)
    assert list(tmp_path.iterdir()) == [empty_corpus]  # neither index/ nor the new/ made for it

    there = tmp_path / "there"  # a folder the build did not make stays, empty or not
    there.mkdir()
    with pytest.raises(CorpusError):
        build_index(empty_corpus, there, fake_encoder, show_progress=False)
    assert there.is_dir() and not list(there.iterdir())


def test_a_folder_the_failed_build_made_stays_when_something_is_in_it(
    tmp_path: Path, fake_encoder, monkeypatch  # type: ignore[no-untyped-def]
) -> None:
    from qa.errors import CorpusError

    index_dir = tmp_path / "new" / "index"

    def someone_writes_then_the_corpus_fails(*args, **kwargs):  # type: ignore[no-untyped-def]
        (index_dir / "notes.txt").write_text("not the build's", encoding="utf-8")
        raise CorpusError("a bad row")

    monkeypatch.setattr(build, "load_corpus", someone_writes_then_the_corpus_fails)
    with pytest.raises(CorpusError):
        build_index(tmp_path / "corpus", index_dir, fake_encoder, show_progress=False)
    assert [p.name for p in index_dir.iterdir()] == ["notes.txt"]
