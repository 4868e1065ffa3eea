"""Limits, keys, CORS and reloads of the HTTP API, in process (TestClient and a bare ASGI app)."""

from __future__ import annotations

import asyncio
import inspect
import threading
import time
from pathlib import Path

import anyio.to_thread
import httpx
from conftest import FakeEncoder
from fastapi.testclient import TestClient
from faults_support import SlowEncoder, build

from qa.api import create_app
from qa.auth import key_matches, parse_keys
from qa.limits import RequestLimits, send_json
from qa.service import SearchService
from qa.settings import Settings

QUESTION = "آرامگاه حافظ کجاست؟"


def _client(index_dir: Path, encoder: FakeEncoder | None = None, **overrides: object) -> TestClient:
    settings = Settings(index_dir=index_dir, **overrides)  # type: ignore[arg-type]
    encoder = encoder or FakeEncoder()
    return TestClient(create_app(settings, service_factory=lambda s: SearchService(s.index_dir, encoder)))


# --- the limits middleware on a bare ASGI app -------------------------------------------------

def _limited_app(**limits: object) -> tuple[RequestLimits, asyncio.Event]:
    release = asyncio.Event()

    async def app(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        if scope["path"] == "/wait":
            await release.wait()
        elif scope["path"] == "/slow":
            await anyio.to_thread.run_sync(time.sleep, 0.3)  # a thread cannot be interrupted
        await send_json(send, 200, "done")

    return RequestLimits(app, **limits), release  # type: ignore[arg-type]


def test_requests_beyond_the_limit_get_a_fast_503_with_retry_after() -> None:
    asyncio.run(_beyond_the_limit())


async def _beyond_the_limit() -> None:
    limited, release = _limited_app(max_in_flight=2, timeout_s=5, retry_after_s=3,
                                    unlimited_paths=frozenset({"/health"}))
    transport = httpx.ASGITransport(app=limited)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        waiting = [asyncio.create_task(client.get("/wait")) for _ in range(2)]
        while limited.in_flight < 2:
            await asyncio.sleep(0.001)
        started = time.perf_counter()
        busy = await client.get("/other")
        assert time.perf_counter() - started < 0.5
        assert busy.status_code == 503 and busy.headers["retry-after"] == "3"
        assert "busy" in busy.json()["detail"]
        assert (await client.get("/health")).status_code == 200  # liveness is never refused
        release.set()
        assert [r.status_code for r in await asyncio.gather(*waiting)] == [200, 200]
        assert limited.in_flight == 0


def test_a_slow_request_gets_504_and_keeps_its_slot_until_its_work_ends() -> None:
    asyncio.run(_slow_request())


async def _slow_request() -> None:
    limited, _ = _limited_app(max_in_flight=1, timeout_s=0.05)
    transport = httpx.ASGITransport(app=limited)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        started = time.perf_counter()
        response = await client.get("/slow")
        assert response.status_code == 504 and "0.05 s" in response.json()["detail"]
        assert time.perf_counter() - started < 0.25
        assert limited.in_flight == 1  # the abandoned thread still works...
        assert (await client.get("/fast")).status_code == 503  # ...so no new work piles up
        await asyncio.sleep(0.4)
        assert limited.in_flight == 0
        assert (await client.get("/fast")).status_code == 200


def test_a_response_already_started_when_time_runs_out_is_sent_whole() -> None:
    asyncio.run(_started_then_slow())


async def _started_then_slow() -> None:
    async def app(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"first half, ", "more_body": True})
        await asyncio.sleep(0.2)  # past the timeout, mid-body
        await send({"type": "http.response.body", "body": b"second half"})

    limited = RequestLimits(app, max_in_flight=1, timeout_s=0.05)
    transport = httpx.ASGITransport(app=limited)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/ask")
        assert response.status_code == 200 and response.text == "first half, second half"
        assert limited.in_flight == 0


def test_only_a_slow_ask_is_told_to_ask_for_fewer_passages() -> None:
    async def slow_other_path() -> str:
        limited, _ = _limited_app(max_in_flight=1, timeout_s=0.05)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=limited), base_url="http://test") as client:
            return (await client.get("/slow")).json()["detail"]

    assert asyncio.run(slow_other_path()).endswith("was abandoned; try again")


# --- the whole app -----------------------------------------------------------------------------

def test_full_server_answers_503_then_serves_again(tiny_index: Path) -> None:
    encoder = SlowEncoder(0.3)
    with _client(tiny_index, encoder, max_concurrent_requests=1) as client:
        encoder.encoding.clear()
        results: list[int] = []
        worker = threading.Thread(
            target=lambda: results.append(client.get("/ask", params={"q": QUESTION, "k": 1}).status_code)
        )
        worker.start()
        assert encoder.encoding.wait(10)  # the first request is being worked on
        busy = client.get("/ask", params={"q": QUESTION, "k": 1})
        worker.join()
        assert results == [200]
        assert busy.status_code == 503 and busy.headers["retry-after"] == "1"
        assert client.get("/health").status_code == 200
        assert client.get("/ask", params={"q": QUESTION, "k": 1}).status_code == 200


def test_full_server_times_out_with_504(tiny_index: Path) -> None:
    with _client(tiny_index, SlowEncoder(0.3), request_timeout_s=0.1) as client:
        response = client.post("/ask", json={"question": QUESTION, "k": 1})
        assert response.status_code == 504 and "0.1 s" in response.json()["detail"]
        assert response.json()["detail"].endswith("ask for fewer passages")


def test_routes_never_run_search_work_on_the_event_loop(tiny_index: Path) -> None:
    app = _client(tiny_index).app
    endpoints = {route.path: route.endpoint for route in app.routes if hasattr(route, "endpoint")}  # type: ignore[attr-defined]
    for path in ("/ask", "/health", "/ready", "/admin/reload"):
        assert not inspect.iscoroutinefunction(endpoints[path]), path


def test_no_endpoint_takes_a_file_path(tiny_index: Path) -> None:
    schema = _client(tiny_index).app.openapi()  # type: ignore[attr-defined]
    names = set()
    for operations in schema["paths"].values():
        for operation in operations.values():
            names.update(parameter["name"] for parameter in operation.get("parameters", []))
    for model in schema["components"]["schemas"].values():
        if model.get("title") in {"AskRequest"}:
            names.update(model["properties"])
    assert names == {"q", "k", "retriever", "question"}


def test_keys_guard_ask_and_admin_but_not_health(tiny_index: Path) -> None:
    with _client(tiny_index, api_keys="reader-1, reader-2", admin_keys="boss") as client:
        ask = {"q": QUESTION, "k": 1}
        missing = client.get("/ask", params=ask)
        assert missing.status_code == 401 and "Authorization: Bearer" in missing.json()["detail"]
        assert missing.headers["www-authenticate"] == "Bearer"
        assert client.get("/ask", params=ask, headers={"X-API-Key": "wrong"}).status_code == 401
        assert client.get("/ask", params=ask, headers={"X-API-Key": "reader-2"}).status_code == 200
        assert client.get("/ask", params=ask,
                          headers={"Authorization": "Bearer reader-1"}).status_code == 200
        assert client.get("/ask", params=ask, headers={"X-API-Key": "boss"}).status_code == 200
        assert client.post("/admin/reload", headers={"X-API-Key": "reader-1"}).status_code == 401
        assert client.post("/admin/reload", headers={"Authorization": "Bearer boss"}).status_code == 200
        assert client.get("/health").status_code == 200
    assert "secret" not in repr(Settings(api_keys="secret", admin_keys="secret"))


def test_a_persian_key_and_one_sent_with_spaces_around_it_match(tiny_index: Path) -> None:
    # Headers travel as bytes and arrive decoded as Latin-1: a UTF-8 key must still match.
    with _client(tiny_index, api_keys="کلید-خواندن, reader-1") as client:
        ask = {"q": QUESTION, "k": 1}
        assert client.get("/ask", params=ask, headers={"X-API-Key": "کلید-خواندن".encode()}).status_code == 200
        assert client.get("/ask", params=ask, headers={"X-API-Key": "کلید".encode()}).status_code == 401
        assert client.get("/ask", params=ask, headers={"X-API-Key": b"reader-1 \t"}).status_code == 200


def test_read_keys_alone_lock_admin_too(tiny_index: Path) -> None:
    with _client(tiny_index, api_keys="reader-1") as client:
        assert client.post("/admin/reload").status_code == 401
        assert client.post("/admin/reload", headers={"X-API-Key": "reader-1"}).status_code == 200
    with _client(tiny_index, admin_keys="boss") as client:  # admin keys alone leave /ask open
        assert client.get("/ask", params={"q": QUESTION}).status_code == 200
        assert client.post("/admin/reload").status_code == 401


def test_health_and_ready_answer_head(tiny_index: Path) -> None:
    with _client(tiny_index) as client:
        assert client.head("/health").status_code == 200
        assert client.head("/ready").status_code == 200


def test_keys_are_optional(tiny_index: Path) -> None:
    with _client(tiny_index) as client:
        assert client.get("/ask", params={"q": QUESTION}).status_code == 200
        assert client.post("/admin/reload").status_code == 200


def test_key_comparison() -> None:
    assert parse_keys(" a, ,b ,") == ("a", "b")
    assert key_matches("b", ("a", "b")) and not key_matches("c", ("a", "b"))
    assert not key_matches("", ()) and not key_matches("a", ())
    assert key_matches("کلید", ("کلید",))


def test_cors_is_off_unless_configured(tiny_index: Path) -> None:
    preflight = {"Origin": "https://example.org", "Access-Control-Request-Method": "POST"}
    with _client(tiny_index) as client:
        response = client.options("/ask", headers=preflight)
        assert "access-control-allow-origin" not in response.headers
        response = client.get("/health", headers={"Origin": "https://example.org"})
        assert "access-control-allow-origin" not in response.headers
    with _client(tiny_index, cors_origins="https://example.org") as client:
        response = client.options("/ask", headers=preflight)
        assert response.headers["access-control-allow-origin"] == "https://example.org"
        other = client.get("/health", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers
        allowed = client.get("/health", headers={"Origin": "https://example.org"})
        assert "retry-after" in allowed.headers["access-control-expose-headers"].lower()


def test_admin_reload_swaps_to_a_new_build(tiny_index: Path, tiny_corpus: Path) -> None:
    with _client(tiny_index, reload_check_s=0) as client:
        first = client.get("/ask", params={"q": QUESTION}).json()["generation"]
        same = client.post("/admin/reload").json()
        assert same == {"generation": first, "changed": False, "skipped": []}
        newer = build(tiny_corpus, tiny_index).name
        assert client.get("/ask", params={"q": QUESTION}).json()["generation"] == first
        assert client.post("/admin/reload").json() == {"generation": newer, "changed": True, "skipped": []}
        assert client.get("/ask", params={"q": QUESTION}).json()["generation"] == newer
        assert client.get("/ready").json()["generation"] == newer


def _wait_for(condition, timeout_s: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_server_notices_a_new_build_by_itself(tiny_index: Path, tiny_corpus: Path) -> None:
    with _client(tiny_index, reload_check_s=0.05) as client:
        first = client.get("/health").json()["generation"]
        newer = build(tiny_corpus, tiny_index).name
        assert newer != first
        _wait_for(lambda: client.get("/health").json()["generation"] == newer)


def test_server_without_index_becomes_ready_when_one_is_built(tmp_path: Path, tiny_corpus: Path) -> None:
    index = tmp_path / "later"
    with _client(index, reload_check_s=0.05) as client:
        assert client.get("/health").status_code == 200
        not_ready = client.get("/ready")
        assert not_ready.status_code == 503 and "qa index build" in not_ready.json()["detail"]
        assert not_ready.headers["retry-after"] == "1"
        assert client.post("/ask", json={"question": QUESTION}).status_code == 503
        assert client.post("/admin/reload").status_code == 503
        name = build(tiny_corpus, index).name
        _wait_for(lambda: client.get("/ready").status_code == 200)
        assert client.post("/ask", json={"question": QUESTION}).json()["generation"] == name


def test_ready_reports_a_refused_newer_build(tiny_index: Path, tiny_corpus: Path) -> None:
    with _client(tiny_index, reload_check_s=0) as client:
        good = client.get("/ready").json()["generation"]
        bad = build(tiny_corpus, tiny_index)
        (bad.path / "vectors.faiss").unlink()
        reloaded = client.post("/admin/reload").json()
        assert reloaded["generation"] == good and not reloaded["changed"]
        assert bad.name in reloaded["skipped"][0] and "missing" in reloaded["skipped"][0]
        ready = client.get("/ready").json()
        assert ready["generation"] == good and ready["skipped"] == reloaded["skipped"]
