"""Copy the training data the model is trained on from ../shared/data into data/ (run once).

Only PQuAD *train* questions and the paragraphs they were written on are copied: dev questions,
and paragraphs that only dev questions point to, never reach training. FarsTail's train split is
copied unchanged. Usage: python data/prepare.py [SHARED_DATA_DIR]
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).parent


def _read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _write_jsonl(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def main(shared: Path) -> None:
    questions = _read_jsonl(shared / "pquad" / "train.jsonl")
    wanted = {pid for q in questions for pid in q["positive_ids"]}
    paragraphs = [p for p in _read_jsonl(shared / "pquad" / "corpus.jsonl") if p["id"] in wanted]
    _write_jsonl(HERE / "pquad_train_paragraphs.jsonl", paragraphs)
    _write_jsonl(
        HERE / "pquad_train_questions.jsonl",
        [
            {
                "id": q["id"],
                "question": q["question"],
                "answers": q["answers"],
                "positive_ids": q["positive_ids"],
            }
            for q in questions
        ],
    )
    shutil.copyfile(shared / "farstail" / "train.tsv", HERE / "farstail_train.tsv")
    print(f"{len(questions)} questions, {len(paragraphs)} paragraphs, FarsTail train copied")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent.parent / "shared" / "data")
