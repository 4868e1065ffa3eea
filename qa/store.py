"""Index generations on disk: build in a temporary folder, checksum, publish atomically, verify on load.

    index/
      CURRENT                      name of the generation to serve (replaced atomically)
      generations/<name>/          one complete, immutable build
        manifest.json              format version, settings, counts, sha256 of every file
        vectors.faiss  metadata.sqlite  lexical/...  subword/... (word and 4-gram BM25)
      leases/<host>-<pid>.json     generations a running server still reads (never pruned)
      .tmp-<name>/                 a build in progress, locked by its builder (flock)

A build that is killed leaves only a `.tmp-` folder whose lock died with it; the next build or
server start removes it. Nothing published is ever rewritten in place: servers memory-map these
files, and truncating a mapped file kills the reader (SIGBUS), while unlinking one is harmless.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import socket
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

from qa.errors import IndexInvalidError, IndexMissingError, InputError

# 2: the manifest carries its own checksum (manifest_sha256).
FORMAT_VERSION = 2
MANIFEST = "manifest.json"
CURRENT = "CURRENT"
GENERATIONS = "generations"
LEASES = "leases"
TMP_PREFIX = ".tmp-"
# The names this module gives, and the only ones it prunes or removes: an --index pointed at a
# folder that holds other things must not lose them.
GENERATION_NAME = re.compile(r"g\d{8}T\d{15}-[0-9a-f]{6}")
_OWN_TEMPORARY = re.compile(
    re.escape(TMP_PREFIX) + rf"(?:[0-9a-f]{{12}}|{CURRENT}(?:-\w+)+|pruned-{GENERATION_NAME.pattern})"
)
# A pointer being replaced lives for microseconds; one older than this was left by a killed build.
STALE_POINTER_S = 60.0

T = TypeVar("T")

# Builds in progress in this process: folder -> open descriptor holding its flock.
_build_locks: dict[Path, int] = {}


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


def _manifest_digest(manifest: dict[str, Any]) -> str:
    """A sha256 over the manifest's content (not its layout), so the manifest checks itself."""
    body = {key: value for key, value in manifest.items() if key != "manifest_sha256"}
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _files_of(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST)


def _release_build_lock(folder: Path) -> None:
    fd = _build_locks.pop(folder, None)
    if fd is not None:
        os.close(fd)


def make_index_dir(index_dir: Path) -> list[Path]:
    """Create `index_dir` (and its parents) for a build, or say in one line why it cannot be.

    Returns the folders it created, innermost first (none when `index_dir` was there), for
    `remove_empty_folders` to take away again should the build fail.
    """
    created = []
    folder = index_dir
    while not folder.exists() and folder.parent != folder:
        created.append(folder)
        folder = folder.parent
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise InputError(f"cannot build an index in {index_dir}: a file of that name is in the way") from None
    except OSError as error:
        raise InputError(f"cannot create the index folder {index_dir}: {error.strerror or error}") from None
    return created


def remove_empty_folders(folders: Iterable[Path]) -> None:
    """Remove `folders` (innermost first) while each is empty: what `make_index_dir` created
    for a build that failed. rmdir removes only an empty folder, so one that holds anything
    (another build's files, a lease) stays, and so do the folders around it."""
    for folder in folders:
        try:
            folder.rmdir()
        except FileNotFoundError:
            continue
        except OSError:
            return


def start_build(index_dir: Path) -> Path:
    """A fresh temporary folder inside `index_dir` for a build to write into, locked until publish.

    The lock is an flock on the folder itself: the kernel drops it when the builder dies, however
    it dies, so a folder whose lock can be taken belongs to a dead build.
    """
    for folder in [f for f in _build_locks if not f.exists()]:
        _release_build_lock(folder)  # an abandoned build of this process, already deleted
    make_index_dir(index_dir)
    folder = index_dir / f"{TMP_PREFIX}{uuid.uuid4().hex[:12]}"
    try:
        folder.mkdir()
    except OSError as error:
        raise InputError(f"cannot write in the index folder {index_dir}: {error.strerror or error}") from None
    fd = os.open(folder, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    _build_locks[folder] = fd
    return folder


def _builder_is_gone(folder: Path) -> bool:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)  # closing drops the probe's lock again


def _writer_is_gone(pointer_tmp: Path) -> bool:
    """A half-written pointer names its writer's pid: .tmp-CURRENT-<pid>-<random>."""
    parts = pointer_tmp.name.split("-")
    return len(parts) == 4 and parts[2].isdigit() and not _process_alive(int(parts[2]))


def remove_stale_builds(index_dir: Path, older_than_s: float = 0.0) -> list[Path]:
    """Delete what killed builds left behind; returns what was removed.

    A temporary folder goes when no live builder holds its lock, or when it is older than
    `older_than_s`; a half-written pointer goes when its writer is dead, or after a minute.
    """
    removed: list[Path] = []
    if not index_dir.is_dir():
        return removed
    now = time.time()
    for leftover in index_dir.glob(TMP_PREFIX + "*"):
        if not _OWN_TEMPORARY.fullmatch(leftover.name):
            continue  # not a name a build or prune gives: someone else's file
        try:
            age = now - leftover.stat().st_mtime
        except FileNotFoundError:
            continue
        if leftover.is_dir():
            if not (age >= older_than_s or _builder_is_gone(leftover)):
                continue
            shutil.rmtree(leftover, ignore_errors=True)
        elif age >= min(older_than_s, STALE_POINTER_S) or _writer_is_gone(leftover):
            leftover.unlink(missing_ok=True)
        else:
            continue
        removed.append(leftover)
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
    manifest["manifest_sha256"] = _manifest_digest(manifest)
    manifest_path = build_dir / MANIFEST
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    _fsync_path(manifest_path)
    _fsync_path(build_dir)

    generations = index_dir / GENERATIONS
    generations.mkdir(exist_ok=True)
    final = generations / name
    os.replace(build_dir, final)
    _release_build_lock(build_dir)
    _fsync_path(generations)

    pointer_tmp = index_dir / f"{TMP_PREFIX}{CURRENT}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
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
    return sorted((p for p in folder.iterdir() if p.is_dir() and GENERATION_NAME.fullmatch(p.name)),
                  key=lambda p: p.name, reverse=True)


def current_name(index_dir: Path) -> str | None:
    """The generation CURRENT points at, or None when there is no pointer."""
    try:
        return (index_dir / CURRENT).read_text(encoding="utf-8").strip() or None
    except (OSError, UnicodeDecodeError):  # missing, a folder, unreadable: no pointer
        return None


def pointer_signature(index_dir: Path) -> tuple[int, int, int] | None:
    """A cheap fingerprint of CURRENT (a stat): it changes whenever a build publishes."""
    try:
        info = (index_dir / CURRENT).stat()
    except OSError:
        return None
    return (info.st_ino, info.st_mtime_ns, info.st_size)


def _lease_path(index_dir: Path) -> Path:
    return index_dir / LEASES / f"{socket.gethostname()}-{os.getpid()}.json"


def hold_generations(index_dir: Path, names: Iterable[str]) -> None:
    """Record that this process reads these generations, so that no build prunes them."""
    path = _lease_path(index_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    lease = {"host": socket.gethostname(), "pid": os.getpid(), "generations": sorted(set(names))}
    scratch = path.with_name(f".{path.name}.{uuid.uuid4().hex[:6]}")
    scratch.write_text(json.dumps(lease), encoding="utf-8")
    os.replace(scratch, path)


def release_generations(index_dir: Path) -> None:
    """Drop this process's lease (at shutdown)."""
    _lease_path(index_dir).unlink(missing_ok=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def leased_generations(index_dir: Path) -> set[str]:
    """Generations some live server still reads.

    Leases from another host cannot be checked and are honoured until removed by hand: at worst
    they keep an old generation on disk.
    """
    names: set[str] = set()
    folder = index_dir / LEASES
    if not folder.is_dir():
        return names
    host = socket.gethostname()
    for path in folder.glob("*.json"):
        try:
            lease = json.loads(path.read_text(encoding="utf-8"))
            alive = lease["host"] != host or _process_alive(int(lease["pid"]))
            held = [str(name) for name in lease["generations"]]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if alive:
            names.update(held)
        else:
            path.unlink(missing_ok=True)
    return names


def prune(index_dir: Path, keep: int) -> None:
    """Delete old generations: keep CURRENT, the `keep` - 1 newest others, and any a server reads.

    A generation is first renamed into a temporary folder, then deleted: a prune killed halfway
    leaves a stale temporary folder, never a half-deleted generation that looks published.
    """
    current = current_name(index_dir)
    others = [p for p in list_generations(index_dir) if p.name != current]
    leased = leased_generations(index_dir)
    for old in others[max(0, keep - 1):]:
        if old.name in leased:
            continue
        doomed = index_dir / f"{TMP_PREFIX}pruned-{old.name}"
        try:
            os.replace(old, doomed)
        except OSError:
            continue
        shutil.rmtree(doomed, ignore_errors=True)


def _safe_relative(relative: str) -> bool:
    parts = PurePosixPath(relative).parts
    return bool(parts) and not PurePosixPath(relative).is_absolute() and ".." not in parts


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
    if manifest.get("manifest_sha256") != _manifest_digest(manifest):
        raise IndexInvalidError(f"{path}: {MANIFEST} fails its own checksum (damaged)")
    if manifest.get("generation") != path.name:
        raise IndexInvalidError(f"{path}: the manifest describes {manifest.get('generation')!r}")
    files = manifest.get("files")
    if not isinstance(files, dict) or not files:
        raise IndexInvalidError(f"{path}: manifest lists no files")
    for relative, expected in files.items():
        if not _safe_relative(relative) or not isinstance(expected, dict):
            raise IndexInvalidError(f"{path}: manifest lists a bad file entry {relative!r}")
        file = path / relative
        if not file.is_file():
            raise IndexInvalidError(f"{path}: missing file {relative}")
        if file.stat().st_size != expected.get("bytes"):
            raise IndexInvalidError(f"{path}: {relative} has the wrong size (truncated?)")
        if checksums and _sha256(file) != expected.get("sha256"):
            raise IndexInvalidError(f"{path}: {relative} fails its checksum (damaged)")
    return Generation(name=path.name, path=path, manifest=manifest)


def open_first_good(
    index_dir: Path,
    open_generation: Callable[[Generation], T],
    *,
    checksums: bool = True,
    trusted: frozenset[str] = frozenset(),
) -> tuple[T, list[str]]:
    """Verify and open generations, CURRENT first then newest first, until one opens.

    `open_generation` may refuse a verified generation by raising IndexInvalidError (a model or
    settings mismatch, counts that disagree). `trusted` generations (already verified and open)
    skip the checksums but not the rest. Returns what it opened and the problems met on the way
    (bad generations skipped).
    """
    candidates = list_generations(index_dir)
    if not candidates:
        raise IndexMissingError(
            f"no index found at {index_dir}/: build one with `qa index build --index {index_dir}`"
        )
    current = current_name(index_dir)
    problems: list[str] = []
    if current:
        candidates.sort(key=lambda p: p.name != current)  # CURRENT first, then newest first
        if all(p.name != current for p in candidates):
            # A mistyped rollback must not look like success while another generation serves.
            problems.append(f"{index_dir}/CURRENT names {current!r}, which is not in {index_dir}/generations/")
    else:
        # Deleted, damaged or unreadable: a rollback it held is lost, so say the newest is served.
        problems.append(f"{index_dir}/CURRENT is missing or cannot be read: the newest good generation is used")
    for candidate in candidates:
        try:
            verified = verify(candidate, checksums=checksums and candidate.name not in trusted)
            return open_generation(verified), problems
        except IndexInvalidError as error:
            problems.append(str(error))
    raise IndexInvalidError(
        f"no usable index at {index_dir}/ ({'; '.join(problems)}): rebuild with `qa index build`"
    )


def load_current(index_dir: Path, *, checksums: bool = True) -> tuple[Generation, list[str]]:
    """The generation to serve: CURRENT if it verifies, else the newest one that does.

    Returns the generation and the problems met on the way (bad generations skipped).
    """
    return open_first_good(index_dir, lambda generation: generation, checksums=checksums)
