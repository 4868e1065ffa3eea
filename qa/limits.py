"""Request limits as ASGI middleware: bounded concurrency (fast 503), a per-request timeout (504)
and a largest body (413), each answered as JSON like every other error of the API.

Requests beyond `max_in_flight` are refused at once with Retry-After rather than queued, so an
overloaded server answers quickly instead of building an unbounded backlog. A request that runs
past its timeout gets a 504 right away; its worker thread cannot be interrupted (model and FAISS
calls are not cancellable), so it keeps its slot until it really finishes. That way abandoned work
still counts against the limit and can never pile up.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.exceptions import HTTPException

log = logging.getLogger("qa")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


async def send_json(send: Send, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
    """Answer with {"detail": ...}, the shape every error of the API has."""
    body = json.dumps({"detail": detail}, ensure_ascii=False).encode("utf-8")
    raw_headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw_headers += [(key.encode("latin-1"), value.encode("latin-1")) for key, value in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})


class RequestLimits:
    """ASGI middleware: at most `max_in_flight` requests at once, each answered within `timeout_s`.

    `unlimited_paths` (liveness) bypass both limits; `untimed_paths` (admin work that must run to
    its end, such as a reload) count against concurrency but have no timeout.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_in_flight: int,
        timeout_s: float,
        retry_after_s: int = 1,
        unlimited_paths: frozenset[str] = frozenset(),
        untimed_paths: frozenset[str] = frozenset(),
    ):
        self.app = app
        self.max_in_flight = max_in_flight
        self.timeout_s = timeout_s
        self.retry_after_s = retry_after_s
        self.unlimited_paths = unlimited_paths
        self.untimed_paths = untimed_paths
        # Touched only on the event loop thread, so a plain counter needs no lock.
        self.in_flight = 0

    def _finished(self, task: asyncio.Task[None], abandoned: Callable[[], bool]) -> None:
        self.in_flight -= 1
        # A request still awaited re-raises its error to the server, which logs it; only one
        # the timeout answered has nobody left to tell.
        if abandoned() and not task.cancelled() and task.exception() is not None:
            log.error("request failed after it had been answered", exc_info=task.exception())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.unlimited_paths:
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.max_in_flight:
            await send_json(
                send, 503,
                f"the server is busy ({self.max_in_flight} requests in progress): "
                f"retry in {self.retry_after_s} s",
                {"retry-after": str(self.retry_after_s)},
            )
            return

        answered = False  # set once the timeout has answered: the late response is dropped
        started = False

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if answered:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        self.in_flight += 1
        task = asyncio.ensure_future(self.app(scope, receive, guarded_send))
        task.add_done_callback(lambda done: self._finished(done, lambda: answered))
        timeout = None if scope["path"] in self.untimed_paths else self.timeout_s
        # asyncio.wait never cancels the task: abandoned work runs to its end, then frees its slot.
        done, _ = await asyncio.wait({task}, timeout=timeout)
        if task in done:
            task.result()
            return
        log.warning("%s %s took longer than %g s", scope.get("method"), scope["path"], timeout)
        if started:
            # The response is already on its way: abandoned now, the client would read a cut
            # body (or a 200 that never ends) instead of a late but whole answer.
            await task
            return
        answered = True  # no await since `started` was read: the late response cannot slip in
        hint = "try again, or ask for fewer passages" if scope["path"] == "/ask" else "try again"
        await send_json(
            send, 504, f"the request took longer than {self.timeout_s:g} s and was abandoned; {hint}",
        )


class BodyTooLarge(HTTPException):
    """A request body read past the limit: the API's HTTP error handler answers it as JSON."""

    def __init__(self, max_bytes: int):
        super().__init__(413, f"the request body is larger than {max_bytes} bytes (QA_MAX_BODY_BYTES)")


class BodyLimit:
    """ASGI middleware: a request body over `max_bytes` is answered 413 with {"detail": ...}.

    A declared Content-Length over the limit is refused before anything is read; a body sent
    without one (chunked) is counted as it is read, and reading past the limit raises
    `BodyTooLarge` inside the request, which the API's error handler turns into the 413.
    (Starlette's own body limit answers a declared length in plain text, whatever runs inside.)
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or ()).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await send_json(send, 413, BodyTooLarge(self.max_bytes).detail)
            return
        received = 0

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        await self.app(scope, counted_receive, send)
