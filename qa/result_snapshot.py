"""Snapshots of what the Searcher answers, to prove a speed change left every answer the same.

    python -m qa.result_snapshot dump --index DIR --out before.jsonl   # on the old code
    python -m qa.result_snapshot dump --index DIR --out after.jsonl    # on the new code
    python -m qa.result_snapshot compare before.jsonl after.jsonl

A snapshot holds, per question and retriever, the API's whole answer (ranks, passages, scores,
citations, evidence, confidence, answer_found). `compare` wants the same strings, ints and
booleans, and floats within `--tolerance` (1e-6).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

from qa.bench import DEFAULT_QUESTIONS, load_questions

RETRIEVERS = ("hybrid", "dense", "lexical")


def dump(index_dir: Path, questions: list[str], out: Path, top_k: int) -> int:
    """Answer every question with every retriever and write one JSON line per answer."""
    from qa import store
    from qa.embed import SentenceTransformerEncoder
    from qa.responses import to_response
    from qa.search import Searcher
    from qa.service import ServiceState
    from qa.settings import load_settings

    settings = load_settings()
    encoder = SentenceTransformerEncoder(settings.model, query_prefix=settings.query_prefix,
                                         passage_prefix=settings.passage_prefix)
    searcher = Searcher(store.load_current(index_dir)[0], encoder)
    state = ServiceState(searcher=searcher)
    count = 0
    with out.open("w", encoding="utf-8") as handle:
        for question in questions:
            for retriever in RETRIEVERS:
                result = searcher.search(question, top_k=top_k, retriever=retriever)
                answer = to_response(result, state).model_dump()
                handle.write(json.dumps(answer, ensure_ascii=False) + "\n")
                count += 1
    return count


def differences(before: Any, after: Any, tolerance: float, where: str = "") -> list[str]:
    """Where two JSON values differ: floats beyond `tolerance`, anything else at all."""
    if isinstance(before, float) or isinstance(after, float):
        if not isinstance(before, int | float) or not isinstance(after, int | float):
            return [f"{where}: {before!r} != {after!r}"]
        if math.isclose(before, after, rel_tol=0.0, abs_tol=tolerance):
            return []
        return [f"{where}: {before!r} != {after!r}"]
    if isinstance(before, dict) and isinstance(after, dict):
        if before.keys() != after.keys():
            return [f"{where}: keys {sorted(before)} != {sorted(after)}"]
        return [d for key in before
                for d in differences(before[key], after[key], tolerance, f"{where}.{key}")]
    if isinstance(before, list) and isinstance(after, list):
        if len(before) != len(after):
            return [f"{where}: {len(before)} items != {len(after)}"]
        return [d for i, (b, a) in enumerate(zip(before, after, strict=True))
                for d in differences(b, a, tolerance, f"{where}[{i}]")]
    return [] if before == after else [f"{where}: {before!r} != {after!r}"]


def compare(before_path: Path, after_path: Path, tolerance: float) -> list[str]:
    """Every difference between two snapshots, line by line."""
    before = before_path.read_text(encoding="utf-8").splitlines()
    after = after_path.read_text(encoding="utf-8").splitlines()
    if len(before) != len(after):
        return [f"{len(before)} answers != {len(after)}"]
    return [d for number, (b, a) in enumerate(zip(before, after, strict=True), start=1)
            for d in differences(json.loads(b), json.loads(a), tolerance, f"line {number}")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m qa.result_snapshot",
                                     description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    dumping = commands.add_parser("dump")
    dumping.add_argument("--index", type=Path, required=True)
    dumping.add_argument("--out", type=Path, required=True)
    dumping.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    dumping.add_argument("--count", type=int, default=500, help="questions asked")
    dumping.add_argument("--k", type=int, default=10)
    comparing = commands.add_parser("compare")
    comparing.add_argument("before", type=Path)
    comparing.add_argument("after", type=Path)
    comparing.add_argument("--tolerance", type=float, default=1e-6)
    args = parser.parse_args(argv)
    if args.command == "dump":
        count = dump(args.index, load_questions(args.questions, args.count), args.out, args.k)
        print(f"{count} answers written to {args.out}")
        return 0
    found = compare(args.before, args.after, args.tolerance)
    for line in found[:20]:
        print(line)
    total = len(args.before.read_text(encoding="utf-8").splitlines())
    print(f"{total} answers compared: {len(found)} differences (tolerance {args.tolerance:g})")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
