"""eval/side_by_side.py: every retriever and the bm25s reference in one table, from one run."""

import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_side_by_side_prints_every_retriever_and_bm25s(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "eval/side_by_side.py", "eval/default.jsonl", "corpus"],
        cwd=REPO, capture_output=True, text=True, timeout=300,
        env={**os.environ, "QA_CACHE_DIR": str(tmp_path / "cache")},
    )
    assert run.returncode == 0, run.stderr[-2000:]
    rows = {line.split("|")[1].strip(): line for line in run.stdout.splitlines() if line.startswith("| ")}
    assert set(rows) == {"retriever", "hybrid", "dense", "lexical", "bm25s, its own tokenizer"}
    for name in ("hybrid", "dense", "lexical", "bm25s, its own tokenizer"):
        figures = [float(x) for x in re.findall(r"\d\.\d{4}", rows[name])]
        assert len(figures) == (6 if name != "bm25s, its own tokenizer" else 5)
        assert all(0.0 <= x <= 1.0 for x in figures)
    assert "52 questions" in run.stdout
