"""HTTP load for benchmarks: a real `qa serve` (uvicorn) in its own process, and light clients.

Each client is a thread with one keep-alive connection asking GET /ask in a loop; a request
counts as answered when it comes back 200 with passages. The clients share the machine with
the server, so they do as little as possible per request (no JSON parsing).
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.errors import QAError


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentiles_ms(seconds: Sequence[float]) -> dict[str, float]:
    """p50, p90, p99 and mean of durations given in seconds, in milliseconds."""
    if not seconds:
        return {"p50_ms": float("nan"), "p90_ms": float("nan"), "p99_ms": float("nan"),
                "mean_ms": float("nan")}
    values = np.asarray(seconds) * 1000
    p50, p90, p99 = np.percentile(values, [50, 90, 99])
    return {"p50_ms": round(float(p50), 2), "p90_ms": round(float(p90), 2),
            "p99_ms": round(float(p99), 2), "mean_ms": round(float(values.mean()), 2)}


def memory_of(pid: int) -> dict[str, float]:
    """Resident memory of a process in MB: all of it, private (anonymous) and file-backed."""
    fields = {"VmRSS": "rss_mb", "RssAnon": "rss_anon_mb", "RssFile": "rss_file_mb",
              "VmHWM": "peak_rss_mb"}
    found: dict[str, float] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in fields:
                found[fields[key]] = round(int(value.split()[0]) / 1024, 1)
    except OSError:
        pass
    return found


def child_pids(pid: int) -> list[int]:
    """The direct children of a process (uvicorn's workers), from /proc."""
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


class Server:
    """`qa serve --index DIR` on a free loopback port, in a child process, output to a log."""

    def __init__(self, index_dir: Path, log_path: Path, env: dict[str, str] | None = None):
        self.port = free_port()
        self.log_path = log_path
        command = [sys.executable, "-m", "qa.cli", "serve", "--index", str(index_dir),
                   "--port", str(self.port)]
        self.log = log_path.open("w", encoding="utf-8")
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            command, env={**os.environ, "HF_HUB_OFFLINE": "1", **(env or {})},
            stdout=self.log, stderr=subprocess.STDOUT,
        )

    def ask(self, question: str, k: int = 5, timeout_s: float = 30.0) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout_s)
        try:
            connection.request("GET", ask_path(question, k))
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def first_answer_s(self, question: str, timeout_s: float = 300.0) -> float:
        """Seconds from process start to the first 200 answer to `question`."""
        deadline = self.started + timeout_s
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise QAError(f"the server exited: see {self.log_path}")
            try:
                status, _ = self.ask(question, timeout_s=10)
                if status == 200:
                    return time.perf_counter() - self.started
            except OSError:
                pass
            time.sleep(0.05)
        raise QAError(f"no answer within {timeout_s} s: see {self.log_path}")

    def memory(self) -> dict[str, float]:
        """The server's resident memory; with workers, summed over them and their parent
        (file-backed pages the workers share are then counted once per worker)."""
        pids = [self.process.pid] + child_pids(self.process.pid)
        found: dict[str, float] = {"processes": len(pids)}
        for memory in map(memory_of, pids):
            for key, value in memory.items():
                found[key] = round(found.get(key, 0.0) + value, 1)
        return found

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def ask_path(question: str, k: int) -> str:
    return "/ask?" + urllib.parse.urlencode({"q": question, "k": k})


@dataclass(frozen=True)
class LoadResult:
    """What a load run measured."""

    clients: int
    seconds: float
    answered: int
    errors: int
    latencies_s: tuple[float, ...]

    def summary(self) -> dict[str, float]:
        return {
            "clients": self.clients,
            "seconds": round(self.seconds, 2),
            "answered": self.answered,
            "errors": self.errors,
            "answered_per_s": round(self.answered / self.seconds, 1) if self.seconds else 0.0,
            **percentiles_ms(self.latencies_s),
        }


def run_load(
    port: int, questions: Sequence[str], *, clients: int, seconds: float | None = None,
    requests: int | None = None, k: int = 5, warmup: int = 0,
) -> LoadResult:
    """`clients` threads ask `questions` in turn for `seconds`, or `requests` in all."""
    if (seconds is None) == (requests is None):
        raise ValueError("give seconds or requests")
    paths = [ask_path(q, k) for q in questions]
    lock = threading.Lock()
    latencies: list[float] = []
    errors = [0]
    answered = [0]
    next_request = [0]
    stop_at = [float("inf")]

    def take() -> int | None:
        with lock:
            if requests is not None and next_request[0] >= requests + warmup:
                return None
            number = next_request[0]
            next_request[0] += 1
            return number

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.perf_counter() < stop_at[0]:
            number = take()
            if number is None:
                break
            started = time.perf_counter()
            try:
                connection.request("GET", paths[number % len(paths)])
                response = connection.getresponse()
                body = response.read()
                ok = response.status == 200 and b'"passages"' in body
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            elapsed = time.perf_counter() - started
            if number < warmup:
                continue
            with lock:
                if ok:
                    answered[0] += 1
                    latencies.append(elapsed)
                else:
                    errors[0] += 1
        connection.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    started = time.perf_counter()
    if seconds is not None:
        stop_at[0] = started + seconds
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return LoadResult(clients, time.perf_counter() - started, answered[0], errors[0],
                      tuple(latencies))
