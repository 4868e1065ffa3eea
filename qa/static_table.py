"""A static embedding model's forward pass in numpy: tokenize, then average the token rows.

sentence-transformers spends ~0.2-1 ms of Python and torch bookkeeping around every `encode`
call, several times the work itself for a one-question batch of a StaticEmbedding model. This
computes the same vectors directly. It imports neither torch nor sentence_transformers, and
`load_static_table` reads such a model's folder without them: importing sentence_transformers
takes ~5 s here, most of a server's start and of each `qa ask`. qa.embed checks the table agrees
with the model whenever it loads the model itself (every build does).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

# How sentence-transformers names its StaticEmbedding module in modules.json, over versions.
STATIC_MODULE_SUFFIX = ".StaticEmbedding"


class StaticTable:
    """Mean of a tokenizer's token rows in `table`, as torch's EmbeddingBag(mode="mean") gives it.

    Row sums are accumulated in float32 and the division done in the table's own dtype: for a
    float16 table that is what torch does on CPU, bit for bit.
    """

    def __init__(self, tokenizer: Any, table: np.ndarray):
        self.tokenizer = tokenizer  # a `tokenizers.Tokenizer`
        self.dtype = table.dtype
        # A float32 copy: gathering float16 rows and widening them costs 4x the float32 gather.
        self.rows = np.ascontiguousarray(table, dtype=np.float32)

    @property
    def dimension(self) -> int:
        return int(self.rows.shape[1])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text, in the table's dtype; a text without tokens gets zeros."""
        encodings = self.tokenizer.encode_batch(list(texts), add_special_tokens=False)
        vectors = np.zeros((len(encodings), self.dimension), dtype=self.dtype)
        for row, encoding in enumerate(encodings):
            ids = encoding.ids
            if ids:
                total = self.rows[ids].sum(axis=0).astype(self.dtype)
                vectors[row] = total / self.dtype.type(len(ids))
        return vectors


def load_static_table(folder: Path) -> StaticTable | None:
    """The table of a sentence-transformers folder that is one StaticEmbedding module and
    nothing else (no prompts, no truncation), read with safetensors and tokenizers; None for
    any other model, or one whose files cannot be read that way (it then loads as usual)."""
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    try:
        modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
        config_file = folder / "config_sentence_transformers.json"
        config = json.loads(config_file.read_text(encoding="utf-8")) if config_file.exists() else {}
        if (not isinstance(modules, list) or len(modules) != 1
                or not str(modules[0].get("type", "")).endswith(STATIC_MODULE_SUFFIX)
                or modules[0].get("path", "") != ""
                or config.get("default_prompt_name") or config.get("truncate_dim")
                or any((config.get("prompts") or {}).values())):
            return None
        table = load_file(str(folder / "model.safetensors"))["embedding.weight"]
        tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    except Exception:  # safetensors and tokenizers raise their own kinds
        return None  # any unreadable file: the model's own loader will say what is wrong
    if table.ndim != 2 or not np.issubdtype(table.dtype, np.floating):
        return None
    return StaticTable(tokenizer, table)
