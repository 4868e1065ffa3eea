"""Smoke test of `qa bench`: a small synthetic corpus, every phase, seconds each (CI)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from qa.benchmark_corpus import MAX_PARAGRAPH_CHARS, MIN_PARAGRAPH_CHARS, synthetic_documents
from qa.benchmark_http import percentiles_ms
from qa.build import ChunkSettings
from qa.chunk import chunk_documents
from qa.ingest import load_corpus

REPO = Path(__file__).resolve().parent.parent
PQUAD = REPO / "eval" / "pquad_corpus.jsonl"


def test_each_synthetic_paragraph_is_one_passage(tmp_path: Path) -> None:
    rows = list(synthetic_documents(PQUAD, 25, seed=3))
    assert rows == list(synthetic_documents(PQUAD, 25, seed=3))  # the same seed, the same corpus
    corpus = tmp_path / "synthetic.jsonl"
    corpus.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows),
                      encoding="utf-8")
    documents = load_corpus(corpus)
    passages = chunk_documents(documents, max_chars=ChunkSettings().max_chars)
    assert len(passages) == 25 and len(documents) == 3
    assert all(MIN_PARAGRAPH_CHARS <= len(p.text) <= MAX_PARAGRAPH_CHARS for p in passages)


def test_percentiles_are_in_milliseconds() -> None:
    summary = percentiles_ms([0.001 * n for n in range(1, 101)])
    assert summary["p50_ms"] == pytest.approx(50.5) and summary["p99_ms"] == pytest.approx(99.01)


def _tiny_static_model(folder: Path) -> Path:
    """A StaticEmbedding with a random table and a tokenizer trained on PQuAD titles: the
    shipped model's shape and speed, built in a second, so the test needs no trained model."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import StaticEmbedding
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    texts = [json.loads(line)["text"] for line in PQUAD.open(encoding="utf-8")][:300]
    tokenizer = Tokenizer(models.WordLevel(unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer.train_from_iterator(texts, trainers.WordLevelTrainer(special_tokens=["[UNK]"]))
    table = torch.randn(tokenizer.get_vocab_size(), 64, generator=torch.Generator().manual_seed(0))
    model = SentenceTransformer(modules=[StaticEmbedding(tokenizer, embedding_weights=table)])
    model.save(str(folder))
    return folder


@pytest.mark.slow
def test_bench_runs_every_phase_on_a_small_corpus(tmp_path: Path) -> None:
    model = _tiny_static_model(tmp_path / "model")
    out = tmp_path / "report.json"
    result = subprocess.run(
        [sys.executable, "-m", "qa.cli", "bench", "--scale", "400", "--seconds", "1",
         "--queries", "20", "--clients", "4", "--workdir", str(tmp_path / "bench"),
         "--json-out", str(out)],
        env={**os.environ, "QA_MODEL": str(model), "HF_HUB_OFFLINE": "1"}, cwd=REPO,
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(out.read_text())
    assert report["build"]["passages"] == 400 and report["build"]["passages_per_s"] > 0
    assert report["build"]["dense"]["kind"] == "flat"
    assert report["floors"]["dense_recall_at_10"] == 1.0
    assert report["floors"]["bm25s"]["p50_ms"] > 0 and report["floors"]["faiss_query"]["p50_ms"] > 0
    assert 0 <= report["searcher"]["evidence_share"] < 1
    http = report["http"]
    assert http["one_client"]["answered"] > 0 and http["one_client"]["errors"] == 0
    assert http["4_clients"]["answered"] > 0 and http["4_clients"]["errors"] == 0
    assert http["start_to_first_answer_s"] > 0 and http["server_memory_mb"]["rss_mb"] > 0
