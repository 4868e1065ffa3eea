"""Optional API keys: a read key for /ask, an admin key for /admin/*, compared in constant time.

A key is sent as `Authorization: Bearer <key>` or `X-API-Key: <key>`. With no keys configured a
route is open; that is the default for a server that listens on 127.0.0.1 only.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, HTTPException
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

_bearer = HTTPBearer(auto_error=False, description="Authorization: Bearer <key>")
_api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="X-API-Key: <key>")


def parse_keys(raw: str) -> tuple[str, ...]:
    """Keys from a comma-separated setting; blanks are dropped."""
    return tuple(key.strip() for key in raw.split(",") if key.strip())


def key_matches(given: str, keys: tuple[str, ...]) -> bool:
    """True when `given` equals one of `keys`; every key is compared, each in constant time."""
    given = given.strip()  # surrounding whitespace is no part of a header value (RFC 9110)
    try:
        # Headers arrive decoded as Latin-1: encoding back gives the bytes sent, so a Persian
        # key sent as UTF-8 matches the configured one.
        given_bytes = given.encode("latin-1")
    except UnicodeEncodeError:
        given_bytes = given.encode("utf-8")
    matched = False
    for key in keys:
        matched |= hmac.compare_digest(given_bytes, key.encode("utf-8"))
    return matched


class RequireKey:
    """A FastAPI dependency that lets a request through only with one of `keys`."""

    def __init__(self, keys: tuple[str, ...], what: str):
        self.keys = keys
        self.what = what

    async def __call__(  # async: a sync dependency costs a thread-pool hop per request
        self,
        bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
        api_key: Annotated[str | None, Depends(_api_key_header)],
    ) -> None:
        given = api_key if api_key else (bearer.credentials if bearer else None)
        if given is None:
            raise HTTPException(
                401, f"{self.what} needs an API key: send `Authorization: Bearer <key>` "
                "or `X-API-Key: <key>`", headers={"WWW-Authenticate": "Bearer"},
            )
        if not key_matches(given, self.keys):
            raise HTTPException(
                401, f"the API key is not valid for {self.what}",
                headers={"WWW-Authenticate": "Bearer"},
            )
