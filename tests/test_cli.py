import json
import re
from pathlib import Path

import pytest

from qa import cli


@pytest.fixture
def fake_model(monkeypatch, fake_encoder):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(cli, "_encoder", lambda settings: fake_encoder)


def test_build_ask_and_eval(tmp_path: Path, tiny_corpus: Path, fake_model, capsys) -> None:  # type: ignore[no-untyped-def]
    index = tmp_path / "index"
    assert cli.main(["index", "build", "--corpus", str(tiny_corpus), "--index", str(index), "--quiet"]) == 0
    assert "3 documents" in capsys.readouterr().out

    assert cli.main(["ask", "آرامگاه حافظ کجاست؟", "--index", str(index), "--k", "2", "--json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["passages"][0]["citation"]["doc_id"] == "shiraz"

    assert cli.main(["ask", "آرامگاه حافظ کجاست؟", "--index", str(index)]) == 0
    out = capsys.readouterr().out
    assert "شیراز" in out and "\u2067" in out and "خوانده‌شده" not in out
    assert cli.main(["ask", "آرامگاه هافظ کجاست؟", "--index", str(index)]) == 0
    assert "خوانده‌شده: ارامگاه حافظ کجاست؟" in capsys.readouterr().out  # how a misspelling was read

    questions = tmp_path / "q.jsonl"
    questions.write_text(
        json.dumps({"id": "1", "question": "دماوند کجاست؟", "answers": ["کوه دماوند"]}) + "\n"
        + json.dumps({"id": "2", "question": "حافظ", "positive_ids": ["shiraz"]}) + "\n",
        encoding="utf-8",
    )
    out_file = tmp_path / "report.json"
    assert cli.main(["eval", str(questions), "--index", str(index), "--json-out", str(out_file), "--quiet"]) == 0
    assert "evidence@1 1.0000" in capsys.readouterr().out  # «کوه دماوند» is in the chosen sentence
    report = json.loads(out_file.read_text())
    assert set(report) == {"recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10", "count"}
    assert report["count"] == 2 and report["recall@5"] == 1.0


def test_eval_with_corpus_caches_its_index(tmp_path: Path, tiny_corpus: Path, fake_model, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("QA_CACHE_DIR", str(tmp_path / "cache"))
    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps({"question": "حافظ", "positive_ids": ["shiraz"]}) + "\n")
    args = ["eval", str(questions), "--corpus", str(tiny_corpus), "--quiet"]
    assert cli.main(args) == 0
    assert "building an index" in capsys.readouterr().err
    assert cli.main(args) == 0
    assert "building an index" not in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["ask", "سلام", "--index", "{tmp}/none"], "qa index build"),
        (["ask", "  ", "--index", "{index}"], "empty"),
        (["ask", "سلام", "--k", "0", "--index", "{index}"], "--k"),
        (["eval", "{tmp}/missing.jsonl", "--index", "{index}"], "missing.jsonl"),
        (["index", "build", "--corpus", "{tmp}/nocorpus", "--index", "{tmp}/i2"], "nocorpus"),
        (["index", "build", "--index", "{index}/CURRENT"], "a file of that name is in the way"),
        (["ask", "قزاقستان " * 200, "--index", "{index}"], "QA_MAX_QUESTION_CHARS"),
        (["serve", "--port", "99999", "--index", "{index}"], "--port=99999"),
        (["serve", "--workers", "0", "--index", "{index}"], "--workers=0"),
    ],
)
def test_errors_are_one_line_and_nonzero(argv, message, tmp_path: Path, tiny_index: Path, fake_model, capsys) -> None:  # type: ignore[no-untyped-def]
    argv = [a.format(tmp=tmp_path, index=tiny_index) for a in argv]
    assert cli.main(argv) != 0
    err = capsys.readouterr().err.strip()
    assert err.startswith("qa: error:") and message in err and "Traceback" not in err
    assert len(err.splitlines()) == 1


def test_an_unusable_thesaurus_is_a_one_line_error(tmp_path: Path, tiny_index: Path, fake_model, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("QA_THESAURUS", str(tmp_path / "synonyms.tsv"))
    assert cli.main(["ask", "سلام", "--index", str(tiny_index)]) != 0
    err = capsys.readouterr().err.strip()
    assert err.startswith("qa: error: QA_THESAURUS") and "synonyms.tsv" in err and len(err.splitlines()) == 1


@pytest.mark.parametrize(
    "variables, message",
    [
        ({"QA_RETRIEVER": "bogus"}, "QA_RETRIEVER=bogus"),
        ({"QA_MAX_K": "abc"}, "QA_MAX_K=abc"),
        ({"QA_DEFAULT_K": "10", "QA_MAX_K": "5"}, "QA_DEFAULT_K (10) is larger than QA_MAX_K (5)"),
        ({"QA_CACHE_DIR": " "}, "an empty path"),
        ({"QA_MODEL": "/nonexistent/model"}, "QA_MODEL=/nonexistent/model: no model folder there"),
    ],
)
def test_a_bad_setting_is_a_one_line_error_naming_it(variables, message, tiny_index: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert cli.main(["ask", "سلام", "--index", str(tiny_index)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("qa: error:") and message in err and len(err.splitlines()) == 1


@pytest.mark.parametrize("argv", [["index", "build", "--corpus", ""], ["eval", "q.jsonl", "--k", "0"],
                                  ["eval", "q.jsonl", "--k", "-1"], ["eval", "q.jsonl", "--show-misses", "-1"]])
def test_empty_paths_and_k_below_1_are_refused_by_the_parser(argv, capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as stop:
        cli.main(argv)
    assert stop.value.code == 2
    assert "error: argument" in capsys.readouterr().err


def test_ask_highlights_the_evidence_in_a_terminal(tmp_path: Path, tiny_index: Path, fake_model, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr(cli.sys.stdout, "isatty", lambda: True)
    monkeypatch.setenv("COLUMNS", "30")  # narrow: the evidence sentence is wrapped over lines
    assert cli.main(["ask", "آرامگاه حافظ کجاست؟", "--index", str(tiny_index), "--k", "1"]) == 0
    out = capsys.readouterr().out
    highlighted = re.findall(re.escape("\033[1;33m") + "(.*?)" + re.escape("\033[0m"), out)
    assert "حافظ" in " ".join(highlighted)
    assert "«شیراز» (shiraz)" in out  # the document the offsets are into, not only its title


def test_a_highlight_over_several_lines_is_closed_on_each_and_wraps_as_plain_text() -> None:
    text = "جمله نخست کوتاه است. " + "این جمله دوم بسیار بلند است و چند سطر می‌گیرد " * 3 + "و تمام می‌شود. پایان."
    start = text.index("این جمله")
    end = text.index("پایان") - 1
    marked = cli._rtl(text, 40, span=(start, end))
    assert marked.replace(cli.HIGHLIGHT, "").replace(cli.RESET, "") == cli._rtl(text, 40)
    lines = marked.splitlines()
    assert len(lines) > 3 and cli.HIGHLIGHT not in lines[0].split("نخست")[0]
    for line in lines:  # every line that opens the colour closes it before its isolate ends
        assert line.count(cli.HIGHLIGHT) == line.count(cli.RESET) <= 1
    shown = " ".join(re.findall(re.escape(cli.HIGHLIGHT) + "(.*?)" + re.escape(cli.RESET), marked))
    assert shown == " ".join(text[start:end].split())


def _questions(tmp_path: Path, *rows: dict) -> Path:
    path = tmp_path / "q.jsonl"
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "options, message",
    [
        (["--json-out", "{tmp}"], "--json-out {tmp}: is a folder"),
        (["--misses-out", "{questions}/misses.jsonl"], "--misses-out {questions}/misses.jsonl: cannot write there"),
        (["--unanswerable", "{tmp}/none.jsonl"], "none.jsonl: no such question file"),
        (["--unanswerable", "{bad}"], "bad.jsonl:1: bad question row"),
    ],
)
def test_eval_refuses_bad_outputs_and_unanswerable_files_before_the_run(options, message, tmp_path: Path, tiny_index: Path, fake_model, capsys) -> None:  # type: ignore[no-untyped-def]
    questions = _questions(tmp_path, {"question": "حافظ", "positive_ids": ["shiraz"]})
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"question": "؟!"}) + "\n", encoding="utf-8")
    fill = {"tmp": tmp_path, "questions": questions, "bad": bad}
    argv = ["eval", str(questions), "--index", str(tiny_index), "--quiet", *(o.format(**fill) for o in options)]
    assert cli.main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # nothing was measured: the run did not start
    err = captured.err.strip()
    assert err.startswith("qa: error:") and message.format(**fill) in err and len(err.splitlines()) == 1


def test_an_output_file_is_left_as_it_was_by_the_check(tmp_path: Path) -> None:
    kept, absent = tmp_path / "kept.json", tmp_path / "sub" / "absent.json"
    kept.write_text("old", encoding="utf-8")
    cli._check_writable("--json-out", kept)
    cli._check_writable("--json-out", absent)
    assert kept.read_text(encoding="utf-8") == "old" and not absent.exists()


def test_eval_reports_unranked_misses_and_no_answer_with_the_chosen_retriever(tmp_path: Path, tiny_index: Path, fake_model, capsys) -> None:  # type: ignore[no-untyped-def]
    questions = _questions(tmp_path, {"id": "lost", "question": "حافظ", "positive_ids": ["nowhere"]})
    unanswerable = tmp_path / "u.jsonl"
    unanswerable.write_text(json.dumps({"question": "قیمت طلا", "answers": []}) + "\n", encoding="utf-8")
    argv = ["eval", str(questions), "--index", str(tiny_index), "--quiet", "--retriever", "lexical",
            "--unanswerable", str(unanswerable)]
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    assert "lost: " in out and "(not in the top 10)" in out and "rank None" not in out
    assert "+ the set above, retriever lexical:" in out


def test_eval_quiet_builds_a_missing_index_without_progress_bars(tmp_path: Path, tiny_corpus: Path, fake_model, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("QA_CORPUS", str(tiny_corpus))
    questions = _questions(tmp_path, {"question": "حافظ", "positive_ids": ["shiraz"]})
    assert cli.main(["eval", str(questions), "--index", str(tmp_path / "index"), "--quiet"]) == 0
    err = capsys.readouterr().err
    assert "building it first" in err and "%|" not in err and "passages" not in err


def test_ask_help_names_the_setting_behind_the_default_k() -> None:
    ask = build_subparser("ask")
    assert "default: QA_DEFAULT_K, 5" in " ".join(ask.format_help().split())


def test_ask_k_takes_persian_digits() -> None:
    # int() reads any decimal digits: «--k ۳» was never refused, and must stay so.
    assert cli.build_parser().parse_args(["ask", "سلام", "--k", "۳"]).k == 3


def build_subparser(name: str):  # type: ignore[no-untyped-def]
    commands = next(a for a in cli.build_parser()._actions if a.dest == "command")
    return commands.choices[name]


def test_ask_refuses_a_question_that_is_not_utf8(tiny_index: Path, fake_model, capsys) -> None:  # type: ignore[no-untyped-def]
    # What Python makes of the argv bytes b"\xff حافظ" in a UTF-8 locale: a lone surrogate.
    question = b"\xff \xd8\xad\xd8\xa7\xd9\x81\xd8\xb8".decode("utf-8", "surrogateescape")
    assert cli.main(["ask", question, "--json", "--index", str(tiny_index)]) == 2
    assert "not valid UTF-8" in capsys.readouterr().err


def test_ask_echoes_a_question_without_its_control_characters(tiny_index: Path, fake_model, capsys) -> None:  # type: ignore[no-untyped-def]
    assert cli.main(["ask", "آرامگاه\x1b[31m حافظ\nکجاست؟", "--index", str(tiny_index), "--k", "1"]) == 0
    first_line = capsys.readouterr().out.splitlines()[0]
    assert "\x1b" not in first_line and "کجاست" in first_line


def test_ask_and_info_use_the_generation_serve_would(tmp_path: Path, tiny_corpus: Path, fake_model, fake_encoder, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from qa import build

    index_dir = tmp_path / "index"
    good = build.build_index(tiny_corpus, index_dir, fake_encoder, show_progress=False).name
    with monkeypatch.context() as patch:  # the newest, CURRENT one cut by a chunker this version refuses
        patch.setattr(build, "CHUNKER_VERSION", "an-older-chunker/1")
        build.build_index(tiny_corpus, index_dir, fake_encoder, show_progress=False)
    assert cli.main(["ask", "آرامگاه حافظ کجاست؟", "--json", "--index", str(index_dir)]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["generation"] == good and "an-older-chunker/1" in captured.err
    assert cli.main(["index", "info", "--index", str(index_dir)]) == 0
    assert json.loads(capsys.readouterr().out)["generation"] == good


def test_a_misspelt_variable_is_named_once_and_ignored(tiny_index: Path, fake_model, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("QA_MAXK", "1")
    assert cli.main(["ask", "آرامگاه حافظ کجاست؟", "--index", str(tiny_index), "--k", "2", "--json"]) == 0
    captured = capsys.readouterr()
    assert len(json.loads(captured.out)["passages"]) == 2  # QA_MAXK=1 changed nothing
    line = "qa: warning: QA_MAXK is not a setting (did you mean QA_MAX_K?); it is ignored"
    assert captured.err.splitlines().count(line) == 1 and "Traceback" not in captured.err


def test_ask_answers_from_the_new_generation_when_a_build_prunes_the_one_it_opened(tmp_path: Path, tiny_corpus: Path, fake_model, fake_encoder, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from qa import build

    index_dir = tmp_path / "index"
    build.build_index(tiny_corpus, index_dir, fake_encoder, show_progress=False)
    open_searcher, published = cli._searcher, []

    def opened_then_pruned(settings):  # type: ignore[no-untyped-def]
        searcher = open_searcher(settings)
        if not published:  # a `qa index build` with QA_KEEP_GENERATIONS=1 publishes right now
            published.append(build.build_index(tiny_corpus, index_dir, fake_encoder, show_progress=False,
                                               keep_generations=1).name)
            assert not searcher.generation.path.exists()
        return searcher

    monkeypatch.setattr(cli, "_searcher", opened_then_pruned)
    assert cli.main(["ask", "آرامگاه حافظ کجاست؟", "--json", "--index", str(index_dir)]) == 0
    assert json.loads(capsys.readouterr().out)["generation"] == published[0]
