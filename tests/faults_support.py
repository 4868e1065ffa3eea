"""Helpers for the fault and reliability tests: builds to kill, a fake-encoder server, HTTP clients.

Run as a module it serves an index with the fake encoder on 127.0.0.1, so tests can drive a
real uvicorn (signals, sockets, concurrency) without loading a real model:

    python tests/faults_support.py serve --index DIR --port N [--delay-s 0.5]

Settings come from QA_* environment variables, as for `qa serve`.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from conftest import REPO, TINY_DOCS, FakeEncoder


class SlowEncoder(FakeEncoder):
    """The fake encoder, taking `delay_s` per question: long requests on demand."""

    def __init__(self, delay_s: float = 0.0):
        self.delay_s = delay_s
        # Set when a question starts being encoded: a test waits for it to know a request is
        # in flight, rather than guess a sleep that a busy machine outlasts.
        self.encoding = threading.Event()

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        if texts:
            self.encoding.set()
            time.sleep(self.delay_s)
        return super().encode_queries(texts)


def write_corpus(folder: Path, docs: dict[str, str] = TINY_DOCS) -> Path:
    """Write documents (file name -> text) into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in docs.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def build(corpus: Path, index_dir: Path, keep: int = 3, encoder: FakeEncoder | None = None):  # type: ignore[no-untyped-def]
    """One build with the fake encoder; returns the published Generation."""
    from qa.build import build_index

    return build_index(corpus, index_dir, encoder or FakeEncoder(), show_progress=False,
                       keep_generations=keep)


def _warm_up() -> None:
    """Build once into a scratch folder, so lazy caches (hazm, lexicon, BM25) fill before forking."""
    with tempfile.TemporaryDirectory() as scratch:
        build(write_corpus(Path(scratch) / "corpus"), Path(scratch) / "index")


_warm_up()


def build_forever(corpus: Path, index_dir: Path, keep: int) -> None:
    """Build again and again until killed (the target of the SIGKILL test)."""
    while True:
        build(corpus, index_dir, keep=keep)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get_json(url: str, timeout: float = 10.0) -> tuple[int, dict]:
    """GET `url`; (status, JSON body) for any status."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def post_json(url: str, payload: dict, timeout: float = 10.0,
              headers: dict[str, str] | None = None) -> tuple[int, dict]:
    """POST a JSON body to `url`; (status, JSON body) for any status."""
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), method="POST",
        headers={"content-type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


class Server:
    """`python tests/faults_support.py serve` in a subprocess, on a free loopback port."""

    def __init__(self, index_dir: Path, *, delay_s: float = 0.0, env: dict[str, str] | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__)), "serve", "--index", str(index_dir),
             "--port", str(self.port), "--delay-s", str(delay_s)],
            cwd=REPO, env={**os.environ, **(env or {})},
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )

    def wait_until_up(self, timeout_s: float = 60.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.process.stdout.read()}")  # type: ignore[union-attr]
            try:
                if get_json(self.url + "/health", timeout=1)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise TimeoutError("server did not start")

    def stop(self) -> str:
        """Terminate (if still running) and return everything it printed."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
        return self.process.stdout.read() if self.process.stdout else ""  # type: ignore[union-attr]

    def __enter__(self) -> Server:
        self.wait_until_up()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _serve(args: argparse.Namespace) -> None:
    import uvicorn

    from qa.api import create_app
    from qa.service import SearchService
    from qa.settings import Settings

    settings = Settings(index_dir=args.index, port=args.port)
    encoder = SlowEncoder(args.delay_s)
    app = create_app(settings, service_factory=lambda s: SearchService(s.index_dir, encoder))
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python tests/faults_support.py")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve")
    serve.add_argument("--index", type=Path, required=True)
    serve.add_argument("--port", type=int, required=True)
    serve.add_argument("--delay-s", type=float, default=0.0)
    args = parser.parse_args()
    if args.command == "serve":
        _serve(args)


if __name__ == "__main__":
    main()
