"""A real uvicorn on 127.0.0.1 (fake encoder): load, hot reload under load, graceful SIGTERM."""

from __future__ import annotations

import http.client
import json
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import REPO, TINY_DOCS
from faults_support import Server, build, post_json, write_corpus

pytestmark = pytest.mark.slow

QUESTIONS = [json.loads(line)["question"] for line in (REPO / "eval" / "default.jsonl").open()]
TINY_QUESTIONS = ["آرامگاه حافظ کجاست؟", "جمعیت تهران", "ميدان نقش جهان", "بلندترین کوه ایران"]


class Client:
    """One keep-alive connection, as a browser or a proxy would hold."""

    def __init__(self, url: str):
        host, port = url.removeprefix("http://").split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=30)

    def ask(self, payload: dict) -> tuple[int, dict]:
        body = json.dumps(payload, ensure_ascii=False).encode()
        self.connection.request("POST", "/ask", body, {"content-type": "application/json"})
        response = self.connection.getresponse()
        return response.status, json.loads(response.read())

    def close(self) -> None:
        self.connection.close()


def _run_clients(url: str, payloads: list[dict], concurrency: int) -> list[tuple[int, dict]]:
    """Send `payloads` from `concurrency` threads, each on its own connection; results in order."""
    results: list[tuple[int, dict]] = [(0, {})] * len(payloads)
    chunks = [list(range(i, len(payloads), concurrency)) for i in range(concurrency)]

    def work(indexes: list[int]) -> None:
        client = Client(url)
        try:
            for i in indexes:
                results[i] = client.ask(payloads[i])
        finally:
            client.close()

    with ThreadPoolExecutor(concurrency) as pool:
        for future in [pool.submit(work, chunk) for chunk in chunks]:
            future.result()
    return results


def test_2000_concurrent_requests_equal_the_serial_answers(tiny_index: Path) -> None:
    # The tiny corpus keeps each answer cheap: this measures the server, not the search.
    payloads = [
        {"question": question, "k": 1 + i % 3, "retriever": ("hybrid", "dense", "lexical")[i % 3]}
        for i, question in enumerate(QUESTIONS + TINY_QUESTIONS)
    ]
    with Server(tiny_index) as server:
        serial_client = Client(server.url)
        serial = [serial_client.ask(payload) for payload in payloads]
        serial_client.close()
        assert all(status == 200 for status, _ in serial)
        total = 2000
        load = [payloads[i % len(payloads)] for i in range(total)]
        started = time.perf_counter()
        results = _run_clients(server.url, load, concurrency=16)
        elapsed = time.perf_counter() - started
    errors = [status for status, _ in results if status != 200]
    assert not errors, f"{len(errors)} errors: {sorted(set(errors))}"
    mismatches = sum(body != serial[i % len(payloads)][1] for i, (_, body) in enumerate(results))
    assert mismatches == 0
    print(f"{total} requests at concurrency 16 in {elapsed:.1f} s ({total / elapsed:.0f}/s), 0 errors")


OTHER_DOCS = {
    "tabriz.txt": "---\nid: tabriz\ntitle: تبریز\n---\n"
    "تبریز در شمال غرب ایران است. بازار تبریز در فهرست میراث جهانی ثبت شده است.\n",
    "shiraz.txt": TINY_DOCS["shiraz.txt"],
}


def test_hot_reload_under_load_fails_no_request_and_never_mixes_generations(tmp_path: Path) -> None:
    corpora = {"a": write_corpus(tmp_path / "a"), "b": write_corpus(tmp_path / "b", OTHER_DOCS)}
    documents = {"a": {"tehran", "isfahan", "shiraz"}, "b": {"tabriz", "shiraz"}}
    index = tmp_path / "index"
    docs_of = {build(corpora["a"], index, keep=1).name: documents["a"]}
    questions = ["آرامگاه حافظ کجاست؟", "بازار تبریز", "میراث جهانی", "پایتخت ایران"]
    stop = threading.Event()
    seen: list[tuple[int, dict]] = []

    def hammer() -> None:
        client = Client(server.url)
        i = 0
        while not stop.is_set():
            seen.append(client.ask({"question": questions[i % len(questions)], "k": 3}))
            i += 1
        client.close()

    with Server(index, env={"QA_RELOAD_CHECK_S": "0.1"}) as server:
        workers = [threading.Thread(target=hammer) for _ in range(8)]
        for worker in workers:
            worker.start()
        for round_ in range(8):
            corpus = "b" if round_ % 2 == 0 else "a"
            # keep=1: every build tries to delete all but CURRENT, even what the server reads
            docs_of[build(corpora[corpus], index, keep=1).name] = documents[corpus]
            time.sleep(0.3)
            if round_ % 3 == 0:
                assert post_json(server.url + "/admin/reload", {})[0] == 200
        time.sleep(0.5)
        stop.set()
        for worker in workers:
            worker.join()
        final = post_json(server.url + "/admin/reload", {})[1]["generation"]
    failures = [body for status, body in seen if status != 200]
    assert not failures, failures[:3]
    generations = {body["generation"] for _, body in seen}
    for _, body in seen:
        cited = {passage["citation"]["doc_id"] for passage in body["passages"]}
        assert cited <= docs_of[body["generation"]], (body["generation"], cited)
    assert len(seen) > 200 and len(generations) >= 4 and final == max(docs_of)
    print(f"{len(seen)} requests over {len(docs_of)} generations ({len(generations)} seen), 0 failed")


def test_sigterm_lets_in_flight_requests_finish(tiny_index: Path) -> None:
    server = Server(tiny_index, delay_s=0.5)  # each question takes ~1 s (question + evidence)
    server.wait_until_up()
    outcome: list[tuple[int, dict]] = []
    asking = threading.Thread(
        target=lambda: outcome.append(post_json(server.url + "/ask", {"question": "حافظ", "k": 1}))
    )
    asking.start()
    time.sleep(0.3)  # the request is being worked on
    server.process.send_signal(signal.SIGTERM)
    asking.join(timeout=30)
    exit_code = server.process.wait(timeout=30)
    log = server.stop()
    assert outcome and outcome[0][0] == 200, log
    assert exit_code in (0, -signal.SIGTERM), log  # uvicorn re-raises SIGTERM once drained
    assert outcome[0][1]["passages"][0]["citation"]["doc_id"] == "shiraz"
    with pytest.raises(OSError):
        post_json(server.url + "/ask", {"question": "حافظ"}, timeout=2)
