"""Schemathesis fuzzes the app's OpenAPI schema against a real server on 127.0.0.1: no 5xx, ever."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from conftest import FakeEncoder
from faults_support import Server, build, get_json, write_corpus
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from qa.api import create_app
from qa.service import SearchService
from qa.settings import Settings

pytestmark = pytest.mark.slow

# The schema comes from the app object itself; the requests go to a running server.
OPENAPI = create_app(
    Settings(), service_factory=lambda s: SearchService(s.index_dir, FakeEncoder())
).openapi()
schema = schemathesis.openapi.from_dict(OPENAPI)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("schema")
    build(write_corpus(root / "corpus"), root / "index")
    with Server(root / "index") as running:
        yield running


@schema.parametrize()
# derandomize: the same examples on every run, so CI cannot fail by chance.
@settings(max_examples=80, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_no_input_makes_the_server_fail(case, server: Server) -> None:  # type: ignore[no-untyped-def]
    # Every check runs but one: a question of punctuation only ("؟") is schema-valid yet has no
    # words to search for, and a 422 is the right answer; no portable JSON Schema pattern can say
    # "contains a letter or a digit" in every script.
    case.call_and_validate(base_url=server.url, excluded_checks=[positive_data_acceptance])


def test_the_served_schema_is_the_one_fuzzed(server: Server, tmp_path: Path) -> None:
    status, document = get_json(server.url + "/openapi.json")
    assert status == 200 and document == OPENAPI
    assert set(document["paths"]) == {"/ask", "/health", "/ready", "/admin/reload"}
