"""The numpy query path embeds exactly as the model does, and only models it fits take it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from qa.embed import SentenceTransformerEncoder, _unit_rows, fast_path
from qa.text import normalize, sentence_spans

REPO = Path(__file__).resolve().parent.parent
PQUAD_CORPUS = REPO / "eval" / "pquad_corpus.jsonl"
PQUAD_DEV = REPO / "eval" / "pquad_dev.jsonl"

TRICKY = ["", " ", "؟", "x", "کتاب کتاب کتاب", "ZWNJ‌دار و بی‌فاصله", "۱۲۳ 456 ٧٨٩", "😀 emoji",
          "a" * 3000, "پایتخت " * 200]


@pytest.fixture(scope="module")
def encoder() -> SentenceTransformerEncoder:
    return SentenceTransformerEncoder()


def _texts() -> list[str]:
    rows = [json.loads(line) for line in PQUAD_DEV.open(encoding="utf-8")][:1000]
    texts = [normalize(row["question"]) for row in rows]
    for line in list(PQUAD_CORPUS.open(encoding="utf-8"))[:200]:
        text = json.loads(line)["text"]
        texts += [normalize(text[s:e]) for s, e in sentence_spans(text)]
    return texts + TRICKY


def test_the_bundled_model_takes_the_fast_path(encoder: SentenceTransformerEncoder) -> None:
    assert encoder.uses_fast_path


@pytest.mark.slow
def test_fast_path_gives_the_models_own_vectors(encoder: SentenceTransformerEncoder) -> None:
    texts = _texts()
    expected = _unit_rows(encoder.model.encode(texts, batch_size=64, convert_to_numpy=True,
                                                normalize_embeddings=False))
    one_call = encoder.encode_queries(texts)
    one_by_one = np.concatenate([encoder.encode_queries([t]) for t in texts[:300]])
    assert one_call.dtype == np.float32
    np.testing.assert_array_equal(one_call, expected)  # bit for bit, for the bundled model
    np.testing.assert_array_equal(one_by_one, expected[:300])


def test_no_texts_give_no_rows(encoder: SentenceTransformerEncoder) -> None:
    assert encoder.encode_queries([]).shape == (0, encoder.dimension)


def test_a_model_with_more_modules_keeps_the_generic_path(encoder: SentenceTransformerEncoder) -> None:
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize

    static = encoder.model[0]
    assert fast_path(SentenceTransformer(modules=[static, Normalize()], device="cpu")) is None


def test_a_model_the_table_disagrees_with_keeps_the_generic_path(
    encoder: SentenceTransformerEncoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qa import static_table

    def off_by_a_little(self, texts):  # type: ignore[no-untyped-def]
        vectors = original(self, texts)
        vectors[:, 0] += 0.01
        return vectors

    original = static_table.StaticTable.encode
    monkeypatch.setattr(static_table.StaticTable, "encode", off_by_a_little)
    assert fast_path(encoder.model) is None


def test_questions_of_the_bundled_model_need_neither_torch_nor_sentence_transformers() -> None:
    import subprocess
    import sys

    code = ("import sys; from qa.embed import SentenceTransformerEncoder; "
            "encoder = SentenceTransformerEncoder(); vectors = encoder.encode_queries(['پایتخت ایران']); "
            "assert encoder.uses_fast_path and vectors.shape == (1, encoder.dimension); "
            "print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_only_a_lone_static_module_is_read_without_the_model(tmp_path: Path) -> None:
    import shutil

    from qa.embed import BUNDLED_MODEL_DIR
    from qa.static_table import load_static_table

    assert load_static_table(BUNDLED_MODEL_DIR) is not None
    folder = tmp_path / "model"
    shutil.copytree(BUNDLED_MODEL_DIR, folder)
    modules = json.loads((folder / "modules.json").read_text())
    (folder / "modules.json").write_text(json.dumps(modules + [{"idx": 1, "name": "1", "path": "1_Normalize",
                                                                "type": "sentence_transformers.models.Normalize"}]))
    assert load_static_table(folder) is None
    (folder / "modules.json").write_text(json.dumps(modules))
    config = json.loads((folder / "config_sentence_transformers.json").read_text())
    (folder / "config_sentence_transformers.json").write_text(json.dumps({**config, "prompts": {"query": "پرسش: "}}))
    assert load_static_table(folder) is None
    (folder / "config_sentence_transformers.json").write_text(json.dumps(config))
    (folder / "model.safetensors").write_bytes(b"not safetensors")
    assert load_static_table(folder) is None


def test_the_model_loads_on_first_passages_and_a_table_it_disagrees_with_is_dropped(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    from qa import embed

    encoder = SentenceTransformerEncoder()
    assert encoder.uses_fast_path and encoder._loaded is None
    monkeypatch.setattr(embed, "agrees", lambda table, model: False)
    vectors = encoder.encode_passages(["پایتخت ایران"])
    assert vectors.shape == (1, encoder.dimension) and encoder._loaded is not None
    assert not encoder.uses_fast_path
