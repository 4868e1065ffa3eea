"""The shipped model loads offline and ranks sensibly; training runs, and is reproducible."""

from __future__ import annotations

import json
import random
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest

from qa.text import normalize
from qa.train import DEFAULT_OUT, TrainingConfig, _batches, train_model, train_tokenizer
from qa.training_data import TrainingPair

SHIPPED = DEFAULT_OUT


def _unit(vectors) -> np.ndarray:  # type: ignore[no-untyped-def]
    vectors = np.asarray(vectors, dtype=np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@pytest.fixture(scope="module")
def shipped_model():  # type: ignore[no-untyped-def]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        yield SentenceTransformer(str(SHIPPED), device="cpu", local_files_only=True)


def test_shipped_model_is_small_and_complete() -> None:
    names = {p.name for p in SHIPPED.iterdir()}
    assert {"modules.json", "model.safetensors", "tokenizer.json", "README.md"} <= names
    assert sum(p.stat().st_size for p in SHIPPED.iterdir()) <= 50_000_000


def test_shipped_model_matches_the_training_defaults() -> None:
    # the shipped weights are what `python -m qa.train` reproduces, bit for bit
    recorded = json.loads((SHIPPED / "training_config.json").read_text())
    expected = json.loads(json.dumps(asdict(TrainingConfig())))
    assert {key: recorded[key] for key in expected} == expected


def test_shipped_model_ranks_related_persian_above_unrelated(shipped_model) -> None:  # type: ignore[no-untyped-def]
    question = normalize("پایتخت ایران کدام شهر است؟")
    related = normalize("تهران پایتخت و بزرگ‌ترین شهر ایران است.")
    unrelated = normalize("گربه‌ها پستاندارانی کوچک و گوشت‌خوار هستند.")
    vectors = _unit(shipped_model.encode([question, related, unrelated]))
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    assert vectors.shape == (3, shipped_model.get_embedding_dimension())


def test_shipped_model_encodes_empty_and_unknown_text(shipped_model) -> None:  # type: ignore[no-untyped-def]
    vectors = shipped_model.encode(["", "😀", normalize("كتاب‌ها")])
    assert vectors.shape[0] == 3
    assert np.isfinite(vectors.astype(np.float32)).all()


def test_tokenizer_keeps_each_word_once() -> None:
    tokenizer = train_tokenizer(["کتاب خوب است", "کتاب بد نیست", "دفتر خوب"], vocab_size=60)
    ids = tokenizer.encode("کتاب کتاب کتاب خوب", add_special_tokens=False).ids
    assert ids == tokenizer.encode("کتاب خوب", add_special_tokens=False).ids


def test_batches_never_repeat_a_text_or_group() -> None:
    rng = random.Random(0)
    # 60 questions on 30 paragraphs, half with another paragraph as hard negative
    pairs = [
        TrainingPair(
            f"q{i}", f"p{i % 30}", f"p{(i + 1) % 30}" if i % 2 else None, "pquad", f"p{i % 30}"
        )
        for i in range(60)
    ]
    batches = _batches(pairs, batch_size=8, rng=rng)
    for batch in batches:
        texts = [
            t for i in batch for t in (pairs[i].anchor, pairs[i].positive, pairs[i].negative) if t
        ]
        assert len(texts) == len(set(texts))
        assert len({pairs[i].group for i in batch}) == len(batch) > 1
    used = [i for batch in batches for i in batch]
    assert len(used) == len(set(used))
    # only a last few pairs that clash with each other may be left out
    assert len(used) >= 57


@pytest.mark.slow
def test_quick_training_run_loads_and_is_reproducible(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from sentence_transformers import SentenceTransformer

    config = TrainingConfig(vocab_size=2_000, dimension=64)
    first = train_model(
        tmp_path / "a", max_pairs=300, epochs=1, seed=3, progress=False, config=config
    )
    assert capsys.readouterr().err == ""  # quiet: no bars, and no messages either
    # the weights are as readable as the files beside them (safetensors wrote them 0600)
    mode = (first / "modules.json").stat().st_mode & 0o777
    assert (first / "model.safetensors").stat().st_mode & 0o777 == mode
    second = train_model(
        tmp_path / "b", max_pairs=300, epochs=1, seed=3, progress=False, config=config
    )
    assert (first / "model.safetensors").read_bytes() == (second / "model.safetensors").read_bytes()
    assert (first / "tokenizer.json").read_bytes() == (second / "tokenizer.json").read_bytes()

    model = SentenceTransformer(str(first), device="cpu", local_files_only=True)
    vectors = model.encode([normalize("پایتخت ایران"), normalize("تهران")])
    assert vectors.shape == (2, 64)
