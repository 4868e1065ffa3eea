"""Corpus files -> Documents: text and Markdown files with optional front matter, and JSONL.

A corpus is a folder (read recursively) or a single file:

* `*.txt`, `*.md`: one document each. Optional front matter between two `---` lines gives
  `id`, `title`, `source`, `url`; the id defaults to the path below the corpus folder without
  its suffix, the title to the first non-empty line when it reads as one (see `_title_line`),
  else the file name without its suffix.
* `*.jsonl`: one document per line, `{"id", "title"?, "text", "url"?, "source"?}`; without a
  title, the text's first line when it reads as one, else the row's id.

README files describe a corpus folder and are not documents; hidden files are skipped; other
files (.pdf, .html, …) are skipped with one warning naming them.
Unusable input raises CorpusError naming the file (and line), as does a JSONL `title`, `url` or
`source` that is neither a string nor null; a problem that loses only one document (a broken
JSONL line, a duplicate id, an empty text) skips it with a warning.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from qa.errors import CorpusError
from qa.layout import read_layout
from qa.types import Document

TEXT_SUFFIXES = (".txt", ".md")
JSONL_SUFFIX = ".jsonl"
FRONT_MATTER_KEYS = ("id", "title", "source", "url")
# A warning about files of other kinds names this many of them.
MAX_NAMED_SKIPPED = 5
# A first line longer than this is a paragraph, not a title. The title is indexed with every
# passage of its document: a one-line file of 100 KB once took minutes to index.
MAX_TITLE_CHARS = 120
# A sentence end with more words after it: the line is a paragraph («… است. ما …»).
_TWO_SENTENCES = re.compile(r"\w[.!?؟…]+[»\"')\]]*\s+\S")

Warn = Callable[[str], None]
_log = logging.getLogger(__name__)


def load_corpus(path: Path, on_warning: Warn | None = None) -> list[Document]:
    """Read every document under `path` (a folder or one file), in sorted path order.

    Warnings (skipped rows, damaged footnote markers) go to `on_warning`, or to the log.
    """
    warn: Warn = on_warning or _log.warning
    path = Path(path)
    if not path.exists():
        raise CorpusError(f"corpus not found at {path}")
    if path.is_dir():
        root, files = path, _corpus_files(path, warn)
    elif path.suffix.lower() in (*TEXT_SUFFIXES, JSONL_SUFFIX):
        root, files = path.parent, [path]
    else:
        raise CorpusError(f"{path}: not a corpus file (expected .txt, .md or .jsonl)")
    documents: list[Document] = []
    first_seen: dict[str, str] = {}
    same_text: dict[str, str] = {}
    for file in files:
        for document, where in _read_file(file, root, warn):
            if document.id in first_seen:
                warn(
                    f"{where}: duplicate id {document.id!r} (first in {first_seen[document.id]}), skipped"
                )
                continue
            first_seen[document.id] = where
            documents.append(document)
            # Kept (it may be meant), but said: a copy answers every question twice.
            digest = hashlib.sha256(" ".join(document.text.split()).encode("utf-8")).hexdigest()
            if digest in same_text:
                warn(f"{where}: the same text as {same_text[digest]}; both kept, so answers come twice")
            same_text.setdefault(digest, where)
    if not documents:
        raise CorpusError(f"no documents in {path}: expected non-empty .txt, .md or .jsonl files")
    return documents


def corpus_hash(documents: Iterable[Document]) -> str:
    """A stable sha256 of the documents' ids, titles, sources, urls and texts, in order."""
    digest = hashlib.sha256()
    for document in documents:
        fields = [document.id, document.title, document.source, document.url, document.text]
        digest.update(json.dumps(fields, ensure_ascii=False).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def _corpus_files(root: Path, warn: Warn) -> list[Path]:
    """The document files under `root`; one warning names the other files, which are skipped
    (a PDF or an HTML page dropped in the folder is otherwise missing from answers unnoticed)."""
    files, others = [], []
    for file in root.rglob("*"):
        relative = file.relative_to(root)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if file.stem.lower() == "readme" or file.is_dir():
            continue  # a file that cannot be read is reported, not skipped
        if file.suffix.lower() not in (*TEXT_SUFFIXES, JSONL_SUFFIX):
            others.append(relative.as_posix())
            continue
        files.append(file)
    if others:
        others.sort()
        named = ", ".join(others[:MAX_NAMED_SKIPPED])
        more = len(others) - MAX_NAMED_SKIPPED
        warn(
            f"{root}: skipped {len(others)} file{'s' if len(others) > 1 else ''} that "
            f"{'are' if len(others) > 1 else 'is'} not .txt, .md or .jsonl: {named}"
            + (f" and {more} more" if more > 0 else "")
        )
    return sorted(files, key=lambda file: file.relative_to(root).as_posix())


def _read_file(file: Path, root: Path, warn: Warn) -> Iterator[tuple[Document, str]]:
    if file.suffix.lower() == JSONL_SUFFIX:
        yield from _read_jsonl(file, warn)
    else:
        document = _read_text_file(file, root, warn)
        if document is not None:
            yield document, str(file)


def read_utf8(file: Path) -> str:
    """A UTF-8 text file's text (no byte-order mark); CorpusError says which byte is not UTF-8,
    or where a NUL byte is."""
    try:
        raw = file.read_bytes()
    except OSError as error:
        raise CorpusError(f"{file}: cannot read: {error.strerror or error}") from None
    nul = raw.find(b"\0")
    if nul >= 0:
        # Text has no NUL: this is a binary file, or UTF-16, whose Persian letters mostly decode
        # as valid but meaningless UTF-8 and would be indexed as words.
        line = raw[:nul].count(b"\n") + 1
        raise CorpusError(
            f"{file}:{line}: NUL byte at offset {nul}: not a text file (UTF-16?); "
            "save the file as UTF-8 text"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise CorpusError(
            f"{file}:{line}: not UTF-8 (bad byte at offset {error.start}); save the file as UTF-8"
        ) from None
    return text.removeprefix("\ufeff")  # a byte-order mark is not text


def _read_text_file(file: Path, root: Path, warn: Warn) -> Document | None:
    text = read_utf8(file)
    fields, body, body_line = _split_front_matter(text, file, warn)
    if not body.strip():
        warn(f"{file}: empty document, skipped")
        return None
    default_id = file.relative_to(root).with_suffix("").as_posix()
    return _document(
        doc_id=fields.get("id") or default_id,
        title=fields.get("title") or _title_line(body) or file.stem,
        body=body,
        source=fields.get("source") or None,
        url=fields.get("url") or None,
        path=str(file),
        where=lambda offset: f"{file}:{body_line + body.count(chr(10), 0, offset)}",
        warn=warn,
    )


def _split_front_matter(text: str, file: Path, warn: Warn) -> tuple[dict[str, str], str, int]:
    """(fields, body, line number where the body starts) of a text file."""
    lines = text.split("\n")
    if lines[0].strip() != "---":
        return {}, text, 1
    close = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if close is None:
        raise CorpusError(f"{file}:1: front matter opened with '---' is never closed by '---'")
    fields: dict[str, str] = {}
    for number, line in enumerate(lines[1:close], start=2):
        if not line.strip():
            continue
        key, colon, value = line.partition(":")
        key = key.strip().lower()
        if not colon or not key:
            raise CorpusError(f"{file}:{number}: front matter lines must read 'key: value'")
        if key not in FRONT_MATTER_KEYS:
            warn(f"{file}:{number}: unknown front matter key {key!r} ignored")
            continue
        fields[key] = _unquote(value.strip())
    body_start = sum(len(line) + 1 for line in lines[: close + 1])
    return fields, text[body_start:], close + 2


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _read_jsonl(file: Path, warn: Warn) -> Iterator[tuple[Document, str]]:
    for number, line in enumerate(read_utf8(file).split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{file}:{number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            warn(f"{where}: broken JSON line, skipped")
            continue
        if not isinstance(row, dict):
            warn(f"{where}: not a JSON object, skipped")
            continue
        doc_id, text = row.get("id"), row.get("text")
        if isinstance(doc_id, int) and not isinstance(doc_id, bool):
            doc_id = str(doc_id)
        if not isinstance(doc_id, str) or not doc_id.strip():
            warn(f"{where}: row has no id (a string), skipped")
            continue
        if not isinstance(text, str):
            warn(f"{where}: row {doc_id!r} has no text (a string), skipped")
            continue
        if not text.strip():
            warn(f"{where}: row {doc_id!r} has empty text, skipped")
            continue
        field = {key: _optional_string(row.get(key), key, f"{where}: row {doc_id!r}")
                 for key in ("title", "source", "url")}
        document = _document(
            doc_id=doc_id,
            title=field["title"] or _title_line(text) or doc_id.strip(),
            body=text,
            source=field["source"],
            url=field["url"],
            path=str(file),
            where=_everywhere(where),
            warn=warn,
        )
        yield document, where


def _everywhere(where: str) -> Callable[[int], str]:
    """A JSONL row is one line: every offset in it is reported at that line."""
    return lambda _offset: where


def _optional_string(value: object, key: str, where: str) -> str | None:
    """A row's optional text field, stripped; None when null, absent or blank. Any other value
    is a CorpusError naming the field: dropped or replaced, it would cite the document under
    another title or without its source, and nobody would know why."""
    if value is None:
        return None
    if not isinstance(value, str):
        shown = json.dumps(value, ensure_ascii=False)
        shown = shown if len(shown) <= 40 else shown[:39] + "…"
        raise CorpusError(f"{where}: {key!r} is {_json_kind(value)} ({shown}); "
                          "it must be a string or null")
    return value.strip() or None


def _json_kind(value: object) -> str:
    """What a JSON value is, in JSON's words."""
    if isinstance(value, bool):  # before int: a bool is an int to Python
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return "a list" if isinstance(value, list) else "an object"


def _title_line(text: str) -> str:
    """The first non-empty line, when it reads as a title: at most MAX_TITLE_CHARS characters
    and one sentence at most. Otherwise "" (the caller falls back to the file name or id)."""
    for line in text.splitlines():
        if line.strip():
            title = line.strip().lstrip("#").strip()
            paragraph = len(title) > MAX_TITLE_CHARS or _TWO_SENTENCES.search(title)
            return "" if paragraph else title
    return ""


def _document(
    *,
    doc_id: str,
    title: str,
    body: str,
    source: str | None,
    url: str | None,
    path: str,
    where: Callable[[int], str],
    warn: Warn,
) -> Document:
    layout = read_layout(body)
    for offset, message in layout.warnings:
        warn(f"{where(offset)}: {message}")
    return Document(
        id=doc_id.strip(),
        title=title,
        text=layout.text,
        source=source,
        url=url,
        path=path,
        pages=layout.pages,
        footnotes=layout.footnotes,
    )
