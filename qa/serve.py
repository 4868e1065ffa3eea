"""`qa serve`: the API under uvicorn, in one process or in `QA_WORKERS` processes.

One process answers with one core at a time (the GIL); on a machine with more cores, workers
share one listening socket and each loads its own model and searcher. Each worker holds its own
index lease, watches CURRENT itself, and drains on SIGTERM.
"""

from __future__ import annotations

import asyncio
import errno
import os
import socket
from typing import Any

from uvicorn.protocols.http.auto import AutoHTTPProtocol

from qa.errors import SettingsError
from qa.settings import Settings, load_settings

# Settings that `qa serve` options override; workers are fresh processes that read the
# environment, so overrides travel to them as these variables.
_OVERRIDES_TO_ENV = {"index_dir": "QA_INDEX_DIR", "host": "QA_HOST", "port": "QA_PORT"}


def disable_nagle(transport: asyncio.BaseTransport) -> None:
    """TCP_NODELAY on a connection's socket, so that each write goes out at once."""
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class NoDelayHTTPProtocol(AutoHTTPProtocol):  # type: ignore[misc, valid-type]
    """uvicorn's HTTP protocol (httptools or h11) with Nagle's algorithm off on every connection.

    asyncio turns it off only for sockets whose `proto` is TCP; uvicorn's worker mode binds its
    socket without one, so accepted connections kept Nagle on. A response goes out as two writes
    (head, then body); the body then waited for the client's delayed ACK: ~40 ms per request.
    """

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        disable_nagle(transport)
        super().connection_made(transport)


def app_from_environment() -> Any:
    """The app of one worker process, configured from QA_* variables (uvicorn's factory)."""
    from qa.api import create_app

    return create_app(load_settings())


def check_address(host: str, port: int) -> None:
    """Fail in a line, before the model and index load, where uvicorn could not listen (it
    would log a bind error only after start-up and exit 3)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise SettingsError(f"cannot listen on {host}:{port}: {error.strerror} (--host / QA_HOST)") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind(address)
        except OSError as error:
            reason = "the port is in use" if error.errno == errno.EADDRINUSE else error.strerror
            raise SettingsError(
                f"cannot listen on {host}:{port}: {reason} (choose another with --port / QA_PORT)"
            ) from None


def settings_warnings(settings: Settings) -> list[str]:
    """What a server started with `settings` would do that its operator may not expect."""
    if settings.workers > 1 and settings.reload_check_s == 0:
        # Each worker is a process of its own, and a POST reaches one of them.
        return [f"with {settings.workers} workers and QA_RELOAD_CHECK_S=0, POST /admin/reload reloads "
                "only the worker that receives it; the others answer from their generation until "
                "restarted (set QA_RELOAD_CHECK_S above 0 to have every worker follow index/CURRENT)"]
    return []


def serve(settings: Settings) -> None:
    """Run the API until SIGTERM or Ctrl-C."""
    import uvicorn

    check_address(settings.host, settings.port)

    options: dict[str, Any] = {
        "host": settings.host, "port": settings.port, "log_level": "info",
        "http": NoDelayHTTPProtocol,
    }
    if settings.workers == 1:
        from qa.api import create_app

        uvicorn.run(create_app(settings), **options)
        return
    for field, variable in _OVERRIDES_TO_ENV.items():
        os.environ[variable] = str(getattr(settings, field))
    uvicorn.run("qa.serve:app_from_environment", factory=True, workers=settings.workers, **options)
