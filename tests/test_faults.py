"""Damaged and half-written indexes: every bad generation is refused, the last good one is served."""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import random
import shutil
import time
import weakref
from pathlib import Path

import pytest
from conftest import FakeEncoder
from faults_support import build, build_forever, write_corpus

from qa import store
from qa.errors import IndexInvalidError, IndexMissingError
from qa.service import SearchService

QUESTION = "آرامگاه حافظ کجاست؟"


def _answer(service: SearchService) -> list[str]:
    return [hit.passage.text for hit in service.search(QUESTION, top_k=3, retriever="hybrid").hits]


@pytest.fixture(scope="module")
def two_generations(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """An index with a good older generation and a good newer one (CURRENT), to damage copies of."""
    root = tmp_path_factory.mktemp("faults")
    corpus = write_corpus(root / "corpus")
    index = root / "index"
    old = build(corpus, index).name
    new = build(corpus, index).name
    return index, old, new


def _copy(index: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "index"
    shutil.copytree(index, copy, ignore=shutil.ignore_patterns(store.LEASES))
    return copy


def _files(generation: Path) -> list[str]:
    return sorted(p.relative_to(generation).as_posix() for p in generation.rglob("*") if p.is_file())


def _damage(path: Path, how: str, rng: random.Random) -> None:
    data = bytearray(path.read_bytes())
    if how == "truncate-half":
        data = data[: len(data) // 2]
    elif how == "truncate-one":
        data = data[:-1]
    elif how == "flip-bit":
        position = rng.randrange(len(data))
        data[position] ^= 1 << rng.randrange(8)
    else:
        raise ValueError(how)
    # Replace, never rewrite in place: the test process may have this file memory-mapped.
    scratch = path.with_name(path.name + ".new")
    scratch.write_bytes(bytes(data))
    os.replace(scratch, path)


def test_every_file_kind_truncated_or_flipped_is_refused(
    two_generations: tuple[Path, str, str], tmp_path: Path
) -> None:
    index, old, new = two_generations
    files = _files(index / store.GENERATIONS / new)
    kinds = {name.split("/")[0] for name in files}
    assert {"vectors.faiss", "metadata.sqlite", "lexical", "subword", store.MANIFEST} <= kinds
    rng = random.Random(5)
    cases = 0
    for name in files:
        for how in ("truncate-half", "truncate-one", "flip-bit", "flip-bit"):
            copy = _copy(index, tmp_path / f"case{cases}")
            _damage(copy / store.GENERATIONS / new / name, how, rng)
            with pytest.raises(IndexInvalidError):
                store.verify(copy / store.GENERATIONS / new)
            service = SearchService(copy, FakeEncoder(), hold_leases=False)
            state = service.reload().state
            assert state.searcher is not None and state.searcher.generation.name == old, (name, how)
            assert len(state.skipped) == 1 and new in state.skipped[0]
            assert _answer(service)
            cases += 1
    assert cases == 4 * len(files) >= 4 * 5


def test_damaged_current_pointer_falls_back_to_newest_good(
    two_generations: tuple[Path, str, str], tmp_path: Path
) -> None:
    index, _, new = two_generations
    copy = _copy(index, tmp_path)
    (copy / store.CURRENT).write_bytes(b"\xff\xfe garbage")
    state = SearchService(copy, FakeEncoder(), hold_leases=False).reload().state
    assert state.searcher is not None and state.searcher.generation.name == new


def _rewrite_manifest(generation: Path, change: dict) -> None:
    """Change the manifest and re-sign it: a consistent-looking generation with wrong content."""
    path = generation / store.MANIFEST
    manifest = json.loads(path.read_text(encoding="utf-8"))
    for key, value in change.items():
        target = manifest
        *parents, last = key.split(".")
        for parent in parents:
            target = target[parent]
        target[last] = value
    manifest["manifest_sha256"] = store._manifest_digest(manifest)
    path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")


def _resign(generation: Path) -> None:
    """Recompute every checksum of a generation, as a buggy builder that wrote wrong data would."""
    path = generation / store.MANIFEST
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["files"] = {
        p.relative_to(generation).as_posix(): {"sha256": store._sha256(p), "bytes": p.stat().st_size}
        for p in store._files_of(generation)
    }
    manifest["manifest_sha256"] = store._manifest_digest(manifest)
    path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")


@pytest.mark.parametrize("part", ["metadata.sqlite", "lexical", "vectors.faiss"])
def test_parts_that_disagree_on_the_passage_count_are_refused(
    two_generations: tuple[Path, str, str], tmp_path: Path, part: str
) -> None:
    index, old, new = two_generations
    smaller = build(write_corpus(tmp_path / "small", {"one.txt": "تهران پایتخت ایران است."}),
                    tmp_path / "small-index")
    copy = _copy(index, tmp_path)
    target = copy / store.GENERATIONS / new / part
    if target.is_dir():
        shutil.rmtree(target)
        shutil.copytree(smaller.path / part, target)
    else:
        shutil.copyfile(smaller.path / part, target)
    _resign(copy / store.GENERATIONS / new)
    store.verify(copy / store.GENERATIONS / new)  # every checksum agrees...
    state = SearchService(copy, FakeEncoder(), hold_leases=False).reload().state
    assert state.searcher is not None and state.searcher.generation.name == old  # ...yet refused
    assert "passages" in state.skipped[0] or "inconsistent" in state.skipped[0]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"passage_count": 999}, "999 passages"),
        ({"model.fingerprint": "sha256:another-model"}, "model"),
        ({"model.dimension": 32}, "model"),
        ({"normalizer": "hazm-0.9.4/99"}, "normalizer"),
        ({"chunker.version": "sentences+clauses+paragraph-ends/2"}, "chunker"),
        ({"files": {}}, "no files"),
        ({"generation": "g-someone-else"}, "describes"),
        ({"escape": True}, "bad file entry"),
    ],
)
def test_signed_but_wrong_generation_is_refused(
    two_generations: tuple[Path, str, str], tmp_path: Path, change: dict, reason: str
) -> None:
    index, old, new = two_generations
    copy = _copy(index, tmp_path)
    if "escape" in change:  # a manifest that points outside its folder
        manifest = json.loads((copy / store.GENERATIONS / new / store.MANIFEST).read_text())
        change = {"files": {**manifest["files"], "../../escape": manifest["files"]["vectors.faiss"]}}
    _rewrite_manifest(copy / store.GENERATIONS / new, change)
    state = SearchService(copy, FakeEncoder(), hold_leases=False).reload().state
    assert state.searcher is not None and state.searcher.generation.name == old
    assert reason in state.skipped[0]


def test_no_good_generation_serves_nothing_with_the_reason(
    two_generations: tuple[Path, str, str], tmp_path: Path
) -> None:
    index, old, new = two_generations
    copy = _copy(index, tmp_path)
    for name in (old, new):
        (copy / store.GENERATIONS / name / "vectors.faiss").write_bytes(b"")
    service = SearchService(copy, FakeEncoder(), hold_leases=False)
    with pytest.raises(IndexInvalidError, match="truncated"):
        service.reload()
    assert service.state.searcher is None
    with pytest.raises(IndexInvalidError, match="qa index build"):
        service.search(QUESTION, top_k=1, retriever="hybrid")
    with pytest.raises(IndexMissingError):
        SearchService(tmp_path / "nothing", FakeEncoder()).reload()


def test_a_failed_reload_keeps_serving_the_old_generation(
    two_generations: tuple[Path, str, str], tmp_path: Path
) -> None:
    index, _, new = two_generations
    copy = _copy(index, tmp_path)
    service = SearchService(copy, FakeEncoder(), hold_leases=False)
    service.reload()
    before = _answer(service)
    shutil.rmtree(copy / store.GENERATIONS)  # everything on disk is gone
    outcome = service.reload()
    assert not outcome.changed and outcome.state.searcher is not None
    assert outcome.state.searcher.generation.name == new and outcome.state.skipped
    assert _answer(service) == before  # mapped files stay readable after they are unlinked


def test_prune_spares_generations_a_live_server_holds(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    index = tmp_path / "index"
    build(corpus, index, keep=1)
    service = SearchService(index, FakeEncoder())
    served = service.reload().state.searcher.generation.name  # type: ignore[union-attr]
    for _ in range(2):
        build(corpus, index, keep=1)  # keep=1 would delete everything but CURRENT...
    names = {p.name for p in store.list_generations(index)}
    assert served in names and len(names) == 2  # ...but the served one is leased
    assert _answer(service)
    service.reload()  # swap to CURRENT; the old searcher is released, so is its lease
    service.reload_if_published()
    build(corpus, index, keep=1)
    assert served not in {p.name for p in store.list_generations(index)}
    service.close()
    assert not list((index / store.LEASES).glob("*.json"))


def test_leases_of_dead_processes_are_ignored(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    index = tmp_path / "index"
    first = build(corpus, index, keep=1).name
    dead = multiprocessing.get_context("spawn").Process(target=time.sleep, args=(0,))
    dead.start()
    dead.join()
    lease = {"host": os.uname().nodename, "pid": dead.pid, "generations": [first]}
    (index / store.LEASES).mkdir()
    (index / store.LEASES / "dead.json").write_text(json.dumps(lease))
    build(corpus, index, keep=1)
    assert first not in {p.name for p in store.list_generations(index)}
    assert not (index / store.LEASES / "dead.json").exists()


def test_stale_temporary_folders_go_live_builds_stay(tmp_path: Path) -> None:
    index = tmp_path / "index"
    live = store.start_build(index)  # locked by this process
    ctx = multiprocessing.get_context("spawn")
    dead = ctx.Process(target=store.start_build, args=(index,))  # locks, then exits
    dead.start()
    dead.join()
    (index / f"{store.TMP_PREFIX}{store.CURRENT}-abc").write_text("g1\n")
    os.utime(index / f"{store.TMP_PREFIX}{store.CURRENT}-abc", (0, 0))
    removed = store.remove_stale_builds(index, older_than_s=24 * 3600)
    assert live.exists() and live not in removed
    assert len(removed) == 2 and not [p for p in index.glob(".tmp-*") if p != live]


@pytest.mark.slow
def test_sigkill_builds_at_random_moments_never_lose_the_last_good_generation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    index = tmp_path / "index"
    build(corpus, index, keep=2)
    service = SearchService(index, FakeEncoder())
    service.reload()
    expected = _answer(service)

    # A forkserver imports qa once; each builder is forked from it in milliseconds. Python 3.11's
    # forkserver ignores the parent's sys.path, so it finds this folder through PYTHONPATH.
    here = str(Path(__file__).parent)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [here, os.environ.get("PYTHONPATH")])))
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["qa.build", "faults_support"])
    for _ in range(2):  # calibrate (the first run also starts the forkserver)
        before, started = store.current_name(index), time.perf_counter()
        builder = ctx.Process(target=build_forever, args=(corpus, index, 2))
        builder.start()
        while store.current_name(index) == before and time.perf_counter() - started < 60:
            time.sleep(0.001)
        first_publish_s = time.perf_counter() - started
        builder.kill()
        builder.join()
    rng = random.Random(20)
    seen_leftovers: set[str] = set()
    outcomes = {"published": 0, "not published": 0, "left a temporary folder or pointer": 0}
    kills = 24
    # Mostly random moments; every 8th kill comes at once, every 8th well after a publish, so both
    # outcomes (killed before and after publishing) happen on any machine, however fast.
    delays = [
        0.0 if i % 8 == 0 else 2 * first_publish_s if i % 8 == 4 else rng.uniform(0, 3 * first_publish_s)
        for i in range(kills)
    ]
    for delay in delays:
        before = store.current_name(index)
        builder = ctx.Process(target=build_forever, args=(corpus, index, 2))
        builder.start()
        time.sleep(delay)
        builder.kill()  # SIGKILL: no cleanup of any kind runs
        builder.join()
        assert builder.exitcode == -9
        outcomes["published" if store.current_name(index) != before else "not published"] += 1
        leftovers = {p.name for p in index.glob(store.TMP_PREFIX + "*")}
        outcomes["left a temporary folder or pointer"] += leftovers != seen_leftovers
        seen_leftovers = leftovers

        generation, _ = store.load_current(index)  # whatever CURRENT names verifies
        assert generation.name == store.current_name(index)
        service.reload_if_published()  # the server follows, or keeps the last good one
        state = service.state
        assert state.searcher is not None and not state.skipped
        assert _answer(service) == expected

    print(f"{kills} SIGKILLs after {first_publish_s * 1000:.0f} ms calibration: {outcomes}")
    assert outcomes["published"] + outcomes["not published"] == kills
    assert outcomes["published"] and outcomes["not published"]
    build(corpus, index, keep=2)  # a later build clears what the killed ones left behind
    assert not list(index.glob(store.TMP_PREFIX + "*"))
    service.close()


def test_swapped_out_generations_are_released(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    index = tmp_path / "index"
    build(corpus, index, keep=2)
    service = SearchService(index, FakeEncoder())
    service.reload()
    fds_before = len(os.listdir("/proc/self/fd"))
    for _ in range(15):
        old = weakref.ref(service.state.searcher)  # type: ignore[arg-type]
        build(corpus, index, keep=2)
        assert service.reload_if_published()
        _answer(service)
        gc.collect()
        assert old() is None  # nothing keeps a swapped-out generation (its maps, its files) alive
    service.reload_if_published()  # refreshes the lease: only the served generation is held
    assert store.leased_generations(index) == {service.state.searcher.generation.name}  # type: ignore[union-attr]
    assert len(os.listdir("/proc/self/fd")) <= fds_before + 2
    build(corpus, index, keep=2)  # with the lease down to one, pruning is back to `keep`
    assert len(store.list_generations(index)) == 2
    service.close()
