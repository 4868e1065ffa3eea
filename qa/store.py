"""Index generations on disk: build in a temporary folder, checksum, publish atomically, verify on load.

    index/
      CURRENT                      name of the generation to serve (replaced atomically)
      generations/<name>/          one complete, immutable build
        manifest.json              format version, settings, counts, sha256 of every file
        vectors.faiss  metadata.sqlite  lexical/...
      .tmp-<name>/                 a build in progress (removed at start if its builder died)
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.errors import IndexInvalidError, IndexMissingError

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CURRENT = "CURRENT"
GENERATIONS = "generations"
TMP_PREFIX = ".tmp-"


@dataclass(frozen=True)
class Generation:
    """A published, verified generation: its folder and manifest."""

    name: str
    path: Path
    manifest: dict[str, Any]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _files_of(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST)


def start_build(index_dir: Path) -> Path:
    """A fresh temporary folder inside `index_dir` for a build to write into."""
    index_dir.mkdir(parents=True, exist_ok=True)
    folder = index_dir / f"{TMP_PREFIX}{uuid.uuid4().hex[:12]}"
    folder.mkdir()
    return folder


def remove_stale_builds(index_dir: Path, older_than_s: float = 0.0) -> list[Path]:
    """Delete temporary folders left by builds that were killed; returns what was removed."""
    removed = []
    if index_dir.is_dir():
        now = time.time()
        for folder in index_dir.glob(TMP_PREFIX + "*"):
            if now - folder.stat().st_mtime >= older_than_s:
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
    return removed


def publish(index_dir: Path, build_dir: Path, manifest: dict[str, Any], keep: int = 3) -> Generation:
    """Checksum the build, write its manifest, move it into place and point CURRENT at it.

    Every step before the final rename of CURRENT leaves the served generation untouched, so a
    build killed at any moment cannot damage what is being served.
    """
    files = {}
    for file in _files_of(build_dir):
        _fsync_path(file)
        files[file.relative_to(build_dir).as_posix()] = {
            "sha256": _sha256(file),
            "bytes": file.stat().st_size,
        }
    # Names sort by creation time (to the nanosecond), so "newest" is simply the largest name.
    now_ns = time.time_ns()
    created = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now_ns / 1e9)) + f"{now_ns % 10**9:09d}"
    name = f"g{created}-{uuid.uuid4().hex[:6]}"
    manifest = {**manifest, "format_version": FORMAT_VERSION, "generation": name, "files": files}
    manifest_path = build_dir / MANIFEST
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    _fsync_path(manifest_path)
    _fsync_path(build_dir)

    generations = index_dir / GENERATIONS
    generations.mkdir(exist_ok=True)
    final = generations / name
    os.replace(build_dir, final)
    _fsync_path(generations)

    pointer_tmp = index_dir / f"{TMP_PREFIX}{CURRENT}-{uuid.uuid4().hex[:6]}"
    pointer_tmp.write_text(name + "\n", encoding="utf-8")
    _fsync_path(pointer_tmp)
    os.replace(pointer_tmp, index_dir / CURRENT)
    _fsync_path(index_dir)
    prune(index_dir, keep=keep)
    return Generation(name=name, path=final, manifest=manifest)


def list_generations(index_dir: Path) -> list[Path]:
    """Published generation folders, newest first."""
    folder = index_dir / GENERATIONS
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir() if p.is_dir()), key=lambda p: p.name, reverse=True)


def current_name(index_dir: Path) -> str | None:
    try:
        return (index_dir / CURRENT).read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def prune(index_dir: Path, keep: int) -> None:
    """Keep the current generation and the `keep` - 1 newest others; delete the rest."""
    current = current_name(index_dir)
    others = [p for p in list_generations(index_dir) if p.name != current]
    for old in others[max(0, keep - 1):]:
        shutil.rmtree(old, ignore_errors=True)


def verify(path: Path, *, checksums: bool = True) -> Generation:
    """Load and check one generation folder; raise IndexInvalidError saying what is wrong."""
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise IndexInvalidError(f"{path}: unreadable manifest ({error})") from error
    if not isinstance(manifest, dict) or manifest.get("format_version") != FORMAT_VERSION:
        version = manifest.get("format_version") if isinstance(manifest, dict) else None
        raise IndexInvalidError(
            f"{path}: index format {version!r}, this version reads {FORMAT_VERSION}: "
            "rebuild with `qa index build`"
        )
    files = manifest.get("files")
    if not isinstance(files, dict) or not files:
        raise IndexInvalidError(f"{path}: manifest lists no files")
    for relative, expected in files.items():
        file = path / relative
        if not file.is_file():
            raise IndexInvalidError(f"{path}: missing file {relative}")
        if file.stat().st_size != expected.get("bytes"):
            raise IndexInvalidError(f"{path}: {relative} has the wrong size (truncated?)")
        if checksums and _sha256(file) != expected.get("sha256"):
            raise IndexInvalidError(f"{path}: {relative} fails its checksum (damaged)")
    return Generation(name=path.name, path=path, manifest=manifest)


def load_current(index_dir: Path, *, checksums: bool = True) -> tuple[Generation, list[str]]:
    """The generation to serve: CURRENT if it verifies, else the newest one that does.

    Returns the generation and the problems met on the way (bad generations skipped).
    """
    if not index_dir.is_dir() or not list_generations(index_dir):
        raise IndexMissingError(
            f"no index found at {index_dir}/: build one with `qa index build --index {index_dir}`"
        )
    current = current_name(index_dir)
    candidates = list_generations(index_dir)
    if current:
        candidates.sort(key=lambda p: p.name != current)  # CURRENT first, then newest first
    problems = []
    for candidate in candidates:
        try:
            return verify(candidate, checksums=checksums), problems
        except IndexInvalidError as error:
            problems.append(str(error))
    raise IndexInvalidError(
        f"no usable index at {index_dir}/ ({'; '.join(problems)}): rebuild with `qa index build`"
    )
