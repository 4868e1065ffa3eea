"""A static embedding model's forward pass in numpy: tokenize, then average the token rows.

sentence-transformers spends ~0.2-1 ms of Python and torch bookkeeping around every `encode`
call, several times the work itself for a one-question batch of a StaticEmbedding model. This
computes the same vectors directly. It imports neither torch nor sentence_transformers:
qa.embed hands it the model's tokenizer and table, and checks it agrees before using it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


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
