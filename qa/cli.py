"""The `qa` command: build the index, serve it, ask it, evaluate it, train the model."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import textwrap
from pathlib import Path

from qa.errors import QAError

RLI, PDI = "\u2067", "\u2069"  # right-to-left isolate: Persian lines render right-to-left
HIGHLIGHT, RESET = "\033[1;33m", "\033[0m"  # the evidence sentence: bold yellow


def _settings(**overrides):  # type: ignore[no-untyped-def]
    from qa.settings import load_settings

    # Each command loads its settings once, so each unknown QA_* variable is named once (the
    # workers of `qa serve` read the environment again, without warning).
    return load_settings(on_warning=_warn, **overrides)


def _encoder(settings):  # type: ignore[no-untyped-def]
    from qa.embed import SentenceTransformerEncoder

    return SentenceTransformerEncoder(
        settings.model, query_prefix=settings.query_prefix, passage_prefix=settings.passage_prefix
    )


def _chunking(settings):  # type: ignore[no-untyped-def]
    from qa.build import ChunkSettings

    return ChunkSettings(max_chars=settings.max_chars, overlap_sentences=settings.overlap_sentences)


def _path(value: str) -> Path:
    """A path option: an empty one (an unset shell variable) is refused, not read as «.»."""
    if not value.strip():
        raise argparse.ArgumentTypeError("an empty path (write . for the current folder)")
    return Path(value)


def _non_negative_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {number}")
    return number


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {number}")
    return number


def _warn(message: str) -> None:
    print(f"qa: warning: {message}", file=sys.stderr)


def cmd_index_build(args: argparse.Namespace) -> int:
    from qa.build import build_index

    settings = _settings(corpus=args.corpus, index_dir=args.index)
    generation = build_index(
        settings.corpus, settings.index_dir, _encoder(settings), chunking=_chunking(settings),
        keep_generations=settings.keep_generations, show_progress=not args.quiet,
        on_warning=_warn,
    )
    manifest = generation.manifest
    print(
        f"built {generation.name}: {manifest['corpus']['documents']} documents, "
        f"{manifest['passage_count']} passages in {manifest['build_seconds']} s -> "
        f"{settings.index_dir}/"
    )
    return 0


def cmd_index_info(args: argparse.Namespace) -> int:
    from qa import store
    from qa.service import check_query_settings

    settings = _settings(index_dir=args.index)

    def served(generation: store.Generation) -> store.Generation:
        check_query_settings(generation)  # what `qa serve` would refuse is not "the served one"
        return generation

    generation, problems = store.open_first_good(settings.index_dir, served)
    for problem in problems:
        _warn(problem)
    info = {k: v for k, v in generation.manifest.items() if k != "files"}
    print(json.dumps(info, ensure_ascii=False, indent=2))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from qa.serve import serve, settings_warnings

    settings = _settings(index_dir=args.index, host=args.host, port=args.port, workers=args.workers)
    for warning in settings_warnings(settings):
        _warn(warning)
    serve(settings)
    return 0


def _searcher(settings):  # type: ignore[no-untyped-def]
    from qa import store
    from qa.search import Searcher
    from qa.service import cap_search_threads, check_query_settings

    encoder, thesaurus = _encoder(settings), _thesaurus(settings)
    cap_search_threads(settings.threads)  # as `qa serve` caps them: `qa ask` searches as it does

    def open_generation(generation: store.Generation) -> Searcher:
        check_query_settings(generation)
        return Searcher(generation, encoder, thesaurus=thesaurus)

    # As `qa serve` chooses: CURRENT, else the newest generation this version can answer from.
    searcher, problems = store.open_first_good(settings.index_dir, open_generation)
    for problem in problems:
        _warn(problem)
    return searcher


def _thesaurus(settings):  # type: ignore[no-untyped-def]
    from qa.synonyms import thesaurus_for

    return thesaurus_for(settings.thesaurus)


def _rtl(text: str, width: int, indent: str = "   ", span: tuple[int, int] | None = None) -> str:
    """`text` wrapped to `width`, each line isolated right-to-left; `span` (offsets into `text`)
    is shown bold yellow, closed and reopened at each line so the colour never leaks into the
    indent or the next line's isolate."""
    # Tabs kept as one character: wrapping then only turns whitespace into spaces or drops it,
    # so every other character of a line can be traced back to its offset in `text`.
    lines = textwrap.wrap(text, width=max(20, width - len(indent)), expand_tabs=False)
    if span is not None:
        lines = _highlight_lines(text, lines, span)
    return "\n".join(f"{indent}{RLI}{line}{PDI}" for line in lines)


def _highlight_lines(text: str, lines: list[str], span: tuple[int, int]) -> list[str]:
    """Mark, in each wrapped line, the characters that came from `text[span[0]:span[1]]`."""
    start, end = span
    position = 0  # in `text`: the wrapped lines are it in order, less some whitespace
    marked = []
    for line in lines:
        inside = []
        for column, char in enumerate(line):
            while position < len(text) and (" " if text[position].isspace() else text[position]) != char:
                position += 1
            if start <= position < end and not char.isspace():
                inside.append(column)
            position += 1
        if inside:
            first, last = inside[0], inside[-1] + 1
            line = f"{line[:first]}{HIGHLIGHT}{line[first:last]}{RESET}{line[last:]}"
        marked.append(line)
    return marked


def _evidence_span(passage_text: str, passage_start: int, evidence) -> tuple[int, int] | None:  # type: ignore[no-untyped-def]
    """Where the evidence sentence lies in the passage text: by its document offsets, or (should
    they not match) by its text; None when it cannot be found."""
    start = evidence.char_start - passage_start
    if passage_text[start:start + len(evidence.text)] != evidence.text:
        start = passage_text.find(evidence.text) if evidence.text else -1
    return (start, start + len(evidence.text)) if start >= 0 else None


def _answer(settings, question: str, k: int, retriever: str):  # type: ignore[no-untyped-def]
    """The search result and the API's answer for `question`, from the generation serve would use.

    `qa ask` holds no lease (it lives a second or two), so a build publishing meanwhile with
    QA_KEEP_GENERATIONS=1 may prune the generation it just opened before its files are all
    read: then the one current now answers, once.
    """
    from qa.errors import IndexMissingError
    from qa.responses import to_response
    from qa.service import ServiceState

    def answer_from(searcher):  # type: ignore[no-untyped-def]
        result = searcher.search(question, top_k=k, retriever=retriever)
        return result, to_response(result, ServiceState(searcher=searcher))

    searcher = _searcher(settings)
    try:
        return answer_from(searcher)
    except IndexMissingError:
        if searcher.generation.path.is_dir():
            raise  # not pruned but unreadable: another try would fail the same way
    return answer_from(_searcher(settings))


def cmd_ask(args: argparse.Namespace) -> int:
    settings = _settings(index_dir=args.index)
    k = settings.default_k if args.k is None else args.k
    if not 1 <= k <= settings.max_k:
        raise QAError(f"--k must be between 1 and {settings.max_k}")
    if len(args.question) > settings.max_question_chars:
        raise QAError(f"the question is {len(args.question)} characters long; the limit is "
                      f"{settings.max_question_chars} (QA_MAX_QUESTION_CHARS)")
    if any("\ud800" <= c <= "\udfff" for c in args.question):
        # Python keeps undecodable argv bytes as lone surrogates, which no JSON or terminal takes.
        raise QAError("the question is not valid UTF-8 (check the terminal's encoding)")
    result, response = _answer(settings, args.question, k, args.retriever or settings.retriever)
    if args.json:
        print(response.model_dump_json(indent=2))
        return 0
    width = shutil.get_terminal_size((100, 20)).columns
    color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    # Echoed as one printable line: an escape sequence in the question must not drive the terminal.
    shown = "".join(c if c.isprintable() else " " for c in result.question)
    print(f"{RLI}{shown}{PDI}")
    if response.read_as is not None:  # spoken words, misspellings or openings read otherwise
        print(f"{RLI}خوانده‌شده: {response.read_as}{PDI}")
    verdict = "پاسخ یافت شد" if response.answer_found else "پاسخ روشنی در اسناد یافت نشد"
    print(f"{RLI}{verdict} (اطمینان {response.confidence:.2f}){PDI}\n")
    for item in response.passages:
        cite = item.citation
        pages = "، ".join(str(p) for p in cite.pages) or "-"
        header = f"{item.rank}. «{cite.title}»"
        if cite.doc_id != cite.title:  # the offsets are into this document: say which one
            header += f" ({cite.doc_id})"
        if cite.source:
            header += f" — {cite.source}"
        header += f" — صفحه {pages} — [{cite.char_start}:{cite.char_end}] — امتیاز {item.score:.3f}"
        print(f"{RLI}{header}{PDI}")
        evidence = item.evidence[0].text if item.evidence else ""
        # Highlighted by offsets before wrapping: wrapping adds indents and isolates, and
        # breaks the sentence over lines, so afterwards it is no longer a substring.
        span = _evidence_span(item.text, cite.char_start, item.evidence[0]) if item.evidence and color else None
        print(_rtl(item.text, width, span=span))
        if evidence:
            print(_rtl("پاسخ: " + evidence, width))
        for note in cite.footnotes:
            print(_rtl(f"پانویس {note.mark}: {note.text} {note.url or ''}", width))
        print()
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from qa.evaluate import METRIC_KEYS, abstention_report, evaluate, load_questions

    settings = _settings(index_dir=args.index)
    # Everything that can be refused is refused before the run, not after minutes of it.
    questions = load_questions(args.questions)
    unanswerable = load_questions(args.unanswerable, unanswerable=True) if args.unanswerable else None
    for option, path in (("--json-out", args.json_out), ("--misses-out", args.misses_out)):
        if path is not None:
            _check_writable(option, path)
    searcher = eval_searcher(settings, args.corpus, quiet=args.quiet)
    retriever = args.retriever or settings.retriever
    report = evaluate(
        searcher, questions, top_k=args.k, retriever=retriever,
        progress=lambda rows: tqdm(rows, desc="questions", unit="q", disable=args.quiet),
    )
    print(f"{args.questions} — {report.metrics['count']} questions — retriever {retriever}")
    for key in METRIC_KEYS[:-1]:
        print(f"  {key:<10} {report.metrics[key]:.4f}")
    if report.evidence["judged"]:
        print(f"  evidence@1 {report.evidence['evidence@1']:.4f} (the first passage's evidence sentence holds "
              f"an answer, of {report.evidence['judged']} questions whose first passage is right)")
    print(f"  misses@{args.k}: {len(report.misses)}")
    for miss in report.misses[: args.show_misses]:
        # evaluate() ranks max(k, 10) passages: a miss beyond them has no rank.
        where = f"rank {miss['rank']}" if miss["rank"] is not None else f"not in the top {max(args.k, 10)}"
        print(f"   - {miss['id']}: {RLI}{miss['question']}{PDI} ({where})")
    if unanswerable is not None:
        abstention = abstention_report(
            searcher, questions, unanswerable, retriever=retriever,
            progress=lambda rows: tqdm(rows, desc="abstention", unit="q", disable=args.quiet),
        )
        print(f"  'no answer' on {args.unanswerable} ({abstention['unanswerable']}) + the set above, "
              f"retriever {retriever}: precision {abstention['no_answer_precision']:.4f}, "
              f"recall {abstention['no_answer_recall']:.4f}")
    if args.json_out:
        _write("--json-out", args.json_out, json.dumps(report.metrics, indent=2) + "\n")
    if args.misses_out:
        _write("--misses-out", args.misses_out,
               "".join(json.dumps(m, ensure_ascii=False) + "\n" for m in report.misses))
    return 0


def _check_writable(option: str, path: Path) -> None:
    """Refuse an output file that could not be written: a folder, a missing or read-only
    folder, /proc. Its folder is made here (as writing it would); a file made to try is removed."""
    if path.is_dir():
        raise QAError(f"{option} {path}: is a folder, not a file")
    existed = path.exists()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8"):  # append: an existing file is left as it is
            pass
        if not existed:
            path.unlink()
    except OSError as error:
        raise QAError(f"{option} {path}: cannot write there ({error.strerror or error})") from error


def _write(option: str, path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as error:  # checked before the run, but a disk can still fill up
        raise QAError(f"{option} {path}: cannot write there ({error.strerror or error})") from error


def eval_searcher(settings, corpus: Path | None, quiet: bool = False):  # type: ignore[no-untyped-def]
    """A searcher as `qa eval` measures with: over the default index, or over a cached index
    built for `corpus` (eval/side_by_side.py uses it too); `quiet`: no progress bars."""
    from qa.search import Searcher
    from qa.service import cap_search_threads

    encoder = _encoder(settings)
    generation = _eval_generation(settings, corpus, encoder, quiet)
    cap_search_threads(settings.threads)  # after a build of `corpus`, which embeds with every core
    return Searcher(generation, encoder, thesaurus=_thesaurus(settings))


def _eval_generation(settings, corpus: Path | None, encoder, quiet: bool = False):  # type: ignore[no-untyped-def]
    """The index to evaluate: the default one, or a cached one built for `corpus`."""
    from qa import store
    from qa.build import build_index
    from qa.errors import IndexMissingError
    from qa.evaluate import index_for_corpus

    if corpus is None:
        try:
            return store.load_current(settings.index_dir)[0]
        except IndexMissingError:
            print(f"no index at {settings.index_dir}/: building it first", file=sys.stderr)
            return build_index(settings.corpus, settings.index_dir, encoder,
                               chunking=_chunking(settings), on_warning=_warn, show_progress=not quiet)
    return index_for_corpus(
        corpus, settings.cache_dir, encoder, _chunking(settings), on_warning=_warn,
        on_build=lambda folder: print(f"building an index for {corpus} in {folder}/", file=sys.stderr),
    )


def cmd_model_train(args: argparse.Namespace) -> int:
    from qa.train import train_model

    out = train_model(args.out, seed=args.seed, progress=not args.quiet)
    print(f"model written to {out}")
    return 0


class _Parser(argparse.ArgumentParser):
    """argparse with the CLI's one-line errors: `qa: error: …` and where to read the usage."""

    def error(self, message: str):  # type: ignore[no-untyped-def, override]
        self.exit(2, f"qa: error: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="qa", description="Ask questions about Persian documents.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    index = commands.add_parser("index", help="build or inspect the index")
    index_commands = index.add_subparsers(dest="index_command", required=True, metavar="ACTION")
    build = index_commands.add_parser("build", help="(re)build the index from a corpus")
    build.add_argument("--corpus", type=_path, help="folder or file of documents (default: corpus/)")
    build.add_argument("--index", type=_path, help="index folder (default: index/)")
    build.add_argument("--quiet", action="store_true", help="no progress bars")
    build.set_defaults(handler=cmd_index_build)
    info = index_commands.add_parser("info", help="show the current generation's manifest")
    info.add_argument("--index", type=_path)
    info.set_defaults(handler=cmd_index_info)

    serve = commands.add_parser("serve", help="run the HTTP API")
    serve.add_argument("--index", type=_path)
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int, help="server processes (default: QA_WORKERS or 1)")
    serve.set_defaults(handler=cmd_serve)

    ask = commands.add_parser("ask", help="ask a question in the terminal")
    ask.add_argument("question")
    ask.add_argument("--k", type=int, help="how many passages (default: QA_DEFAULT_K, 5)")
    ask.add_argument("--json", action="store_true", help="print the API's JSON")
    ask.add_argument("--index", type=_path)
    ask.add_argument("--retriever", choices=["hybrid", "dense", "lexical"])
    ask.set_defaults(handler=cmd_ask)

    ev = commands.add_parser("eval", help="measure retrieval on a question set")
    ev.add_argument("questions", type=_path, help="JSONL: {id, question, answers?, positive_ids?}")
    ev.add_argument("--corpus", type=_path, help="measure against this corpus (cached index)")
    ev.add_argument("--index", type=_path)
    ev.add_argument("--k", type=_positive_int, default=10, help="misses are questions with no hit in the top k")
    ev.add_argument("--retriever", choices=["hybrid", "dense", "lexical"])
    ev.add_argument("--json-out", type=_path, help="write the metrics as JSON")
    ev.add_argument("--unanswerable", type=_path,
                    help="JSONL of questions the corpus cannot answer: report 'no answer' precision/recall "
                         "with --retriever (its threshold was tuned with hybrid)")
    ev.add_argument("--misses-out", type=_path, help="write every miss as JSONL")
    ev.add_argument("--show-misses", type=_non_negative_int, default=10, help="misses to print (default 10)")
    ev.add_argument("--quiet", action="store_true", help="no progress bars")
    ev.set_defaults(handler=cmd_eval)

    model = commands.add_parser("model", help="the embedding model")
    model_commands = model.add_subparsers(dest="model_command", required=True, metavar="ACTION")
    train = model_commands.add_parser("train", help="train the Persian embedding model")
    train.add_argument("--out", type=_path, default=Path(__file__).parent / "model")
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--quiet", action="store_true", help="no progress bars or messages")
    train.set_defaults(handler=cmd_model_train)

    from qa.bench import add_arguments as add_bench_arguments
    from qa.bench import run_command as run_bench

    bench = commands.add_parser("bench", help="measure build and query speed (BENCHMARKS.md)")
    add_bench_arguments(bench)
    bench.set_defaults(handler=run_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except QAError as error:
        print(f"qa: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("qa: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away («qa ask ... | head -3»): it has what it wanted. Python would meet
        # the closed pipe again flushing stdout at exit, so stdout goes to /dev/null first.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, as a shell reports a command whose reader left early


if __name__ == "__main__":
    sys.exit(main())
