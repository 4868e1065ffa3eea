"""Values that are slow to compute but fixed for given inputs, kept as JSON files between runs.

Importing hazm and building its tables takes ~3 s and analyzing the thesaurus ~2 s more: paid
by every `qa ask` and every server start, for results that only change when hazm, the
thesaurus or the analyzing code does. `cached_json(name, key, compute)` keeps the result in
`<cache folder>/<name>-<key>.json`; the caller's `key` must cover every input. The folder is
`$QA_TABLE_CACHE`, else `$XDG_CACHE_HOME/persian-qa`, else `~/.cache/persian-qa`; set
`QA_TABLE_CACHE=none` to compute every time. The cache is only ever a shortcut: an unreadable or
damaged file is recomputed and an unwritable folder is skipped, with the same results.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

FORMAT = "persian-qa-cache/1"


def cache_folder() -> Path | None:
    """Where cached values live; None when caching is switched off."""
    setting = os.environ.get("QA_TABLE_CACHE", "")
    if setting == "none":
        return None
    if setting:
        return Path(setting)
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # no home folder to be found (a bare service account)
            return None
    return Path(base) / "persian-qa"


def fingerprint(parts: Iterable[str | bytes]) -> str:
    """A short hex digest of `parts`, in order (the key of a cached value)."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()[:20]


def cached_json(name: str, key: str, compute: Callable[[], Any]) -> Any:
    """`compute()`, or the value it returned for the same `name` and `key` before.

    The value must survive a JSON round trip unchanged as far as the caller cares (tuples come
    back as lists). Writing a new key removes the files of older keys of the same name.
    """
    folder = cache_folder()
    if folder is None:
        return compute()
    path = folder / f"{name}-{key}.json"
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        if stored.get("format") == FORMAT and stored.get("key") == key:
            return stored["value"]
    except (OSError, ValueError, AttributeError, KeyError):
        pass  # missing or damaged: compute it again
    value = compute()
    _store(folder, path, name, key, {"format": FORMAT, "key": key, "value": value})
    return value


def _store(folder: Path, path: Path, name: str, key: str, record: dict[str, Any]) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # Written whole, then renamed: two processes starting together never read half a file.
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}-", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump(record, file, ensure_ascii=False, separators=(",", ":"))
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
        for stale in folder.glob(f"{name}-{'[0-9a-f]' * len(key)}.json"):
            if stale != path:
                stale.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only or full disk only costs the next run the time to compute it
