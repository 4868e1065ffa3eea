"""`qa bench`: how fast the build, the searcher and the HTTP service are, next to their floors.

One run, on one corpus, measures:

- the build, end to end in a fresh process (interpreter, imports, model load, publish);
- questions answered in-process by the Searcher, with and without evidence sentences;
- the same through a real `qa serve` (uvicorn on 127.0.0.1): start to first answer, one
  client, then N concurrent clients, and the server's resident memory;
- floors on exactly the same texts and vectors: bare bm25s and the bare FAISS index, and the
  dense index's recall@10 against exact search.

Every phase is bounded (`--seconds` per load phase, `--queries` per in-process phase). The
default corpus is PQuAD's 2,157 paragraphs; `--scale N` generates a synthetic corpus of N
passages from its sentences instead (1,000,000 is the large benchmark: ~20 minutes of build).
Results go to stdout and, as JSON, to `--json-out`.

    python -m qa.bench --seconds 10
    python -m qa.bench --scale 1000000 --workdir /tmp/qa-bench-1m --progress-log /tmp/1m.log
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO / "eval" / "pquad_corpus.jsonl"
DEFAULT_QUESTIONS = REPO / "eval" / "pquad_dev.jsonl"


def load_questions(path: Path, limit: int | None = None) -> list[str]:
    rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    return [row["question"] for row in rows][:limit]


def machine() -> dict[str, Any]:
    """What the numbers were measured on, and how busy it was."""
    load1, load5, _ = os.getloadavg()
    return {"cores": os.cpu_count(), "load_1min": round(load1, 2), "load_5min": round(load5, 2),
            "python": sys.version.split()[0]}


def run_build(corpus: Path, index_dir: Path, export_dir: Path, progress_log: Path | None,
              result_path: Path) -> dict[str, Any]:
    """`build` below in a fresh process; its wall time is the end-to-end build time."""
    command = [sys.executable, "-m", "qa.bench", "build", "--corpus", str(corpus),
               "--index", str(index_dir), "--export", str(export_dir), "--result", str(result_path)]
    log = progress_log.open("w", encoding="utf-8") if progress_log else subprocess.DEVNULL
    started = time.perf_counter()
    try:
        subprocess.run(command, check=True, stdout=log, stderr=subprocess.STDOUT,
                       env={**os.environ, "HF_HUB_OFFLINE": "1"})
    finally:
        if progress_log:
            log.close()  # type: ignore[union-attr]
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KB on Linux; the largest child
    result = json.loads(result_path.read_text())
    export_s = result["stages"].get("export", 0.0)
    build_s = seconds - export_s  # the export is the benchmark's, not the build's
    return {**result, "seconds": round(build_s, 2), "peak_rss_mb": round(peak_mb),
            "passages_per_s": round(result["passages"] / build_s, 1)}


def build_main(args: argparse.Namespace) -> int:
    """Inside the build process: load the model, build with an export, write the result."""
    from qa.build import build_index
    from qa.embed import SentenceTransformerEncoder
    from qa.settings import load_settings

    settings = load_settings()
    started = time.perf_counter()
    encoder = SentenceTransformerEncoder(settings.model, query_prefix=settings.query_prefix,
                                         passage_prefix=settings.passage_prefix)
    stages: dict[str, float] = {"model_load": round(time.perf_counter() - started, 2)}
    generation = build_index(args.corpus, args.index, encoder, show_progress=True,
                             timings=stages, export_dir=args.export, keep_generations=1)
    manifest = generation.manifest
    args.result.write_text(json.dumps({
        "passages": manifest["passage_count"], "documents": manifest["corpus"]["documents"],
        "dense": manifest["dense"], "model": manifest["model"]["name"], "stages": stages,
    }, indent=2))
    return 0


def bench_searcher(index_dir: Path, questions: list[str]) -> tuple[dict[str, Any], Any]:
    """In-process latency of Searcher.search (hybrid, k=5) with and without evidence."""
    from qa import store
    from qa.benchmark_http import percentiles_ms
    from qa.embed import SentenceTransformerEncoder
    from qa.search import Searcher
    from qa.service import cap_search_threads
    from qa.settings import load_settings

    settings = load_settings()
    cap_search_threads(settings.threads)
    encoder = SentenceTransformerEncoder(settings.model, query_prefix=settings.query_prefix,
                                         passage_prefix=settings.passage_prefix)
    searcher = Searcher(store.load_current(index_dir)[0], encoder)
    searcher.search(questions[0])
    results: dict[str, Any] = {}
    for label, evidence in (("with_evidence", True), ("without_evidence", False)):
        latencies = []
        for question in questions:
            started = time.perf_counter()
            searcher.search(question, top_k=5, with_evidence=evidence)
            latencies.append(time.perf_counter() - started)
        results[label] = percentiles_ms(latencies)
    share = 1 - results["without_evidence"]["mean_ms"] / results["with_evidence"]["mean_ms"]
    results["evidence_share"] = round(share, 3)
    return results, searcher


def bench_floors(index_dir: Path, export_dir: Path, questions: list[str], searcher: Any,
                 dense_kind: str, bm25s_max_passages: int) -> dict[str, Any]:
    from qa import store
    from qa.benchmark_floors import (
        bm25s_floor,
        faiss_build_floor,
        faiss_floor,
        read_texts,
        read_vectors,
        recall_against_exact,
    )
    from qa.text import normalize

    vectors_path = store.load_current(index_dir)[0].path / "vectors.faiss"
    normalized = [normalize(q) for q in questions]
    question_vectors = searcher.encoder.encode_queries(normalized)
    vectors = read_vectors(export_dir)
    floors: dict[str, Any] = {
        "faiss_query": faiss_floor(vectors_path, dense_kind, question_vectors),
        "faiss_build_s": faiss_build_floor(vectors, dense_kind),
        "dense_recall_at_10": recall_against_exact(vectors_path, dense_kind, vectors,
                                                   question_vectors),
    }
    if len(vectors) <= bm25s_max_passages:
        floors["bm25s"] = bm25s_floor(read_texts(export_dir), normalized)
    else:
        floors["bm25s"] = {"skipped": f"more than {bm25s_max_passages} passages"}
    return floors


def bench_http(index_dir: Path, questions: list[str], workdir: Path, seconds: float,
               clients: int, workers: int) -> dict[str, Any]:
    from qa.benchmark_http import Server, run_load

    with Server(index_dir, workdir / "server.log", env={"QA_WORKERS": str(workers)}) as server:
        first_answer_s = server.first_answer_s(questions[0])
        run_load(server.port, questions[1:], clients=1, requests=min(50, len(questions)))
        one = run_load(server.port, questions, clients=1, seconds=seconds).summary()
        many = run_load(server.port, questions, clients=clients, seconds=seconds).summary()
        memory = server.memory()
    from importlib.util import find_spec

    stack = {"http": "httptools" if find_spec("httptools") else "h11",
             "loop": "uvloop" if find_spec("uvloop") else "asyncio"}  # what uvicorn's "auto" picks
    return {"workers": workers, "server": stack,
            "start_to_first_answer_s": round(first_answer_s, 2), "one_client": one,
            f"{clients}_clients": many, "server_memory_mb": memory}


def run(args: argparse.Namespace) -> dict[str, Any]:
    """The whole suite; returns the report."""
    workdir: Path = args.workdir
    workdir.mkdir(parents=True, exist_ok=True)
    corpus: Path = args.corpus
    if args.scale:
        from qa.benchmark_corpus import write_synthetic_corpus

        corpus = workdir / f"synthetic-{args.scale}.jsonl"
        if not corpus.exists():
            write_synthetic_corpus(args.corpus, corpus, args.scale)
    index_dir, export_dir = workdir / "index", workdir / "export"
    report: dict[str, Any] = {"corpus": str(corpus), "machine_before": machine()}
    if not args.reuse_index:
        report["build"] = run_build(corpus, index_dir, export_dir, args.progress_log,
                                    workdir / "build.json")
    else:
        report["build"] = json.loads((workdir / "build.json").read_text())
    kind = report["build"]["dense"]["kind"]
    questions = load_questions(args.questions)
    searched, searcher = bench_searcher(index_dir, questions[: args.queries])
    report["searcher"] = searched
    report["floors"] = bench_floors(index_dir, export_dir, questions[: args.queries], searcher,
                                    kind, args.bm25s_max_passages)
    del searcher
    report["http"] = bench_http(index_dir, questions, workdir, args.seconds, args.clients,
                                args.workers)
    report["machine_after"] = machine()
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="qa bench", description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    args = parser.parse_args(argv)
    return run_command(args)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `qa bench` (shared with `python -m qa.bench`)."""
    parser.add_argument("mode", nargs="?", default="suite", choices=["suite", "build"],
                        help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help="corpus to index, or seed of --scale (default: PQuAD paragraphs)")
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS,
                        help="questions asked as load (JSONL with 'question')")
    parser.add_argument("--scale", type=int, default=0,
                        help="generate a synthetic corpus of this many passages from --corpus")
    parser.add_argument("--workdir", type=Path, default=REPO / ".cache" / "bench",
                        help="where the corpus, index and logs go (never index/)")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each load phase")
    parser.add_argument("--clients", type=int, default=16, help="concurrent HTTP clients")
    parser.add_argument("--workers", type=int, default=1,
                        help="server processes (QA_WORKERS of the served `qa serve`)")
    parser.add_argument("--queries", type=int, default=300, help="questions per in-process phase")
    parser.add_argument("--bm25s-max-passages", type=int, default=200_000,
                        help="skip the bm25s floor beyond this size (it keeps lists of ints)")
    parser.add_argument("--reuse-index", action="store_true", help="skip the build (reuse workdir)")
    parser.add_argument("--progress-log", type=Path, help="write the build's progress here")
    parser.add_argument("--json-out", type=Path, help="write the report as JSON")
    parser.add_argument("--index", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--export", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)


def run_command(args: argparse.Namespace) -> int:
    if args.mode == "build":
        return build_main(args)
    report = run(args)
    text = json.dumps(report, indent=2, ensure_ascii=False)
    print(text)
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
