"""Settings: QA_* variables that are no setting are named, with the setting meant."""

from __future__ import annotations

import pytest

from qa.settings import load_settings, unknown_variables


@pytest.mark.parametrize(
    "variable, line",
    [
        ("QA_MAXK", "QA_MAXK is not a setting (did you mean QA_MAX_K?); it is ignored"),
        ("QA_RETREIVER", "QA_RETREIVER is not a setting (did you mean QA_RETRIEVER?); it is ignored"),
        ("QA_API_KEY", "QA_API_KEY is not a setting (did you mean QA_API_KEYS?); it is ignored"),
        ("qa_maxk", "qa_maxk is not a setting (did you mean QA_MAX_K?); it is ignored"),
        ("QA_FOO", "QA_FOO is not a setting; it is ignored"),  # nothing close: no guess
    ],
)
def test_an_unknown_variable_is_named_with_the_closest_setting(variable: str, line: str) -> None:
    assert unknown_variables({variable: "1"}) == [line]


def test_settings_and_other_variables_are_not_named() -> None:
    environ = {"QA_MAX_K": "5", "qa_default_k": "3", "QA_TABLE_CACHE": "none", "HOME": "/", "QAX": "1"}
    assert unknown_variables(environ) == []


def test_load_settings_warns_and_still_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA_MAXK", "3")
    monkeypatch.setenv("QA_MAX_K", "7")
    warnings: list[str] = []
    assert load_settings(on_warning=warnings.append).max_k == 7
    assert warnings == ["QA_MAXK is not a setting (did you mean QA_MAX_K?); it is ignored"]
    assert load_settings().max_k == 7  # without a listener: silent, as uvicorn's workers load them
