"""`qa serve`: Nagle off on every connection (the multi-worker run is in test_e2e.py)."""

from __future__ import annotations

import socket

import pytest
from uvicorn.protocols.http.auto import AutoHTTPProtocol

from qa.serve import NoDelayHTTPProtocol, disable_nagle, settings_warnings
from qa.settings import Settings


class _Transport:
    def __init__(self, sock: socket.socket):
        self.sock = sock

    def get_extra_info(self, name: str, default: object = None) -> object:
        return self.sock if name == "socket" else default


def test_a_socket_without_proto_gets_tcp_nodelay() -> None:
    # uvicorn's worker mode binds `socket.socket(family)`: proto 0, which asyncio leaves alone.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        assert sock.proto == 0
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0
        disable_nagle(_Transport(sock))  # type: ignore[arg-type]
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1


def test_unix_sockets_are_left_alone() -> None:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        disable_nagle(_Transport(sock))  # type: ignore[arg-type]  # no TCP option to set


def test_the_protocol_is_uvicorns_own() -> None:
    assert issubclass(NoDelayHTTPProtocol, AutoHTTPProtocol)


def test_workers_default_to_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QA_WORKERS", raising=False)
    assert Settings().workers == 1  # type: ignore[call-arg]
    monkeypatch.setenv("QA_WORKERS", "2")
    assert Settings().workers == 2  # type: ignore[call-arg]


def test_workers_that_would_not_all_follow_a_reload_are_warned_of() -> None:
    (warning,) = settings_warnings(Settings(workers=2, reload_check_s=0))  # type: ignore[call-arg]
    assert "only the worker that receives it" in warning and "QA_RELOAD_CHECK_S" in warning
    assert settings_warnings(Settings(workers=2)) == []  # type: ignore[call-arg]
    assert settings_warnings(Settings(workers=1, reload_check_s=0)) == []  # type: ignore[call-arg]


def test_a_port_in_use_or_a_bad_host_fails_before_start_up() -> None:
    from qa.errors import SettingsError
    from qa.serve import check_address

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(SettingsError, match="port is in use"):
            check_address("127.0.0.1", port)
    check_address("127.0.0.1", port)  # free again
    with pytest.raises(SettingsError, match="cannot listen on 256.1.1.1"):
        check_address("256.1.1.1", 8000)
