"""Passage and document metadata in one SQLite file: written once per build, read per query."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

from qa.errors import IndexMissingError
from qa.types import Document, Footnote, Page, Passage

_SCHEMA = """
CREATE TABLE documents (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, source TEXT, url TEXT, path TEXT,
    text TEXT NOT NULL, pages TEXT NOT NULL, footnotes TEXT NOT NULL
);
CREATE TABLE passages (
    id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL, text TEXT NOT NULL,
    char_start INTEGER NOT NULL, char_end INTEGER NOT NULL,
    pages TEXT NOT NULL, footnote_marks TEXT NOT NULL
);
"""


def write_metadata(path: Path, documents: Iterable[Document], passages: Iterable[Passage]) -> None:
    """Write documents and passages into a new SQLite file at `path`."""
    connection = sqlite3.connect(path)
    try:
        connection.executescript(_SCHEMA)
        connection.executemany(
            "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    doc.id, doc.title, doc.source, doc.url, doc.path, doc.text,
                    json.dumps([[p.number, p.char_start, p.char_end] for p in doc.pages]),
                    json.dumps([note.__dict__ for note in doc.footnotes], ensure_ascii=False),
                )
                for doc in documents
            ),
        )
        connection.executemany(
            "INSERT INTO passages VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    p.id, p.doc_id, p.text, p.char_start, p.char_end,
                    json.dumps(list(p.pages)), json.dumps(list(p.footnote_marks), ensure_ascii=False),
                )
                for p in passages
            ),
        )
        connection.commit()
    finally:
        connection.close()


def _document_from_row(row: tuple) -> Document:
    doc_id, title, source, url, path, text, pages, footnotes = row
    return Document(
        id=doc_id, title=title, text=text, source=source, url=url, path=path,
        pages=tuple(Page(*page) for page in json.loads(pages)),
        footnotes=tuple(Footnote(**note) for note in json.loads(footnotes)),
    )


def _passage_from_row(row: tuple) -> Passage:
    pid, doc_id, text, char_start, char_end, pages, marks = row
    return Passage(
        id=pid, doc_id=doc_id, text=text, char_start=char_start, char_end=char_end,
        pages=tuple(json.loads(pages)), footnote_marks=tuple(json.loads(marks)),
    )


class MetadataStore:
    """Read-only access to a metadata file, safe to share between request threads."""

    def __init__(self, path: Path):
        self.path = path
        self._local = threading.local()
        self._documents: dict[str, Document] = {}

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            # Read-only URI: a query can never modify a published generation.
            connection = sqlite3.connect(
                f"file:{self.path}?mode=ro", uri=True, check_same_thread=False
            )
            self._local.connection = connection
        return connection

    def _execute(self, sql: str, parameters: Sequence[object] = ()) -> sqlite3.Cursor:
        try:
            return self._connection().execute(sql, parameters)
        except sqlite3.OperationalError as error:
            # Each request thread opens its own connection: one that starts after the index
            # folder was deleted (`rm -rf index` before a rebuild) cannot, and is not a 500.
            raise IndexMissingError(
                f"the index files of generation {self.path.parent.name} are gone or unreadable "
                f"({error}): rebuild with `qa index build`"
            ) from None

    def count_passages(self) -> int:
        return int(self._execute("SELECT COUNT(*) FROM passages").fetchone()[0])

    def passages(self, ids: Sequence[int]) -> list[Passage]:
        """The passages with these ids, in the order asked."""
        by_id = {row[0]: _passage_from_row(row) for row in self._rows_with_ids("*", ids)}
        return [by_id[int(i)] for i in ids if int(i) in by_id]

    def doc_ids(self, ids: Sequence[int]) -> list[str]:
        """The document id of each passage, in the order asked (missing ids left out); reads
        only that column, not the passages' text."""
        by_id = dict(self._rows_with_ids("id, doc_id", ids))
        return [by_id[int(i)] for i in ids if int(i) in by_id]

    def _rows_with_ids(self, columns: str, ids: Sequence[int]) -> list[tuple]:
        """`columns` of the passages with these ids, in no particular order."""
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        return self._execute(f"SELECT {columns} FROM passages WHERE id IN ({marks})",
                             [int(i) for i in ids]).fetchall()

    def all_passages(self) -> list[Passage]:
        rows = self._execute("SELECT * FROM passages ORDER BY id").fetchall()
        return [_passage_from_row(row) for row in rows]

    def titles(self) -> list[str]:
        """Every document's title, in no particular order."""
        return [row[0] for row in self._execute("SELECT title FROM documents").fetchall()]

    def document(self, doc_id: str) -> Document:
        """One document (cached: documents are few and asked for again and again)."""
        cached = self._documents.get(doc_id)
        if cached is None:
            row = self._execute(
                "SELECT * FROM documents WHERE id = ?", (doc_id,)
            ).fetchone()
            if row is None:
                raise KeyError(doc_id)
            cached = self._documents[doc_id] = _document_from_row(row)
        return cached
