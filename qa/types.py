"""Frozen value types that flow between the stages: Document, Footnote, Passage, Hit."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Footnote:
    """A footnote printed at the bottom of a page, linked to its marker in the text.

    `mark` is the footnote number as printed (e.g. "۱۲۲"); `char_start`/`char_end` locate the
    marker in the document text (-1 when no marker was found).
    """

    mark: str
    text: str
    url: str | None = None
    page: int | None = None
    char_start: int = -1
    char_end: int = -1


@dataclass(frozen=True)
class Page:
    """A printed page: its number and the span of the document text it covers."""

    number: int
    char_start: int
    char_end: int


@dataclass(frozen=True)
class Document:
    """One document of the corpus.

    `text` is the document as read, with the same length as the original: page numbers,
    footnote lines and footnote markers are blanked out with spaces (newlines kept where they
    end a paragraph), so that every offset into `text` is an offset into the original file.
    """

    id: str
    title: str
    text: str
    source: str | None = None
    url: str | None = None
    path: str | None = None
    pages: tuple[Page, ...] = ()
    footnotes: tuple[Footnote, ...] = ()

    def pages_between(self, char_start: int, char_end: int) -> tuple[int, ...]:
        """Page numbers whose span overlaps [char_start, char_end)."""
        return tuple(
            page.number
            for page in self.pages
            if page.char_start < char_end and char_start < page.char_end
        )

    def footnotes_between(self, char_start: int, char_end: int) -> tuple[Footnote, ...]:
        """Footnotes whose marker lies inside [char_start, char_end) or right after it.

        A marker follows the sentence it supports («… دعوت مینماید.۱۲۳»), and passage spans
        end at that sentence's last character, so only blank text may stand between the two.
        """
        return tuple(
            note
            for note in self.footnotes
            if note.char_start >= char_start
            and (note.char_start < char_end or not self.text[char_end:note.char_start].strip())
        )

    def cited_footnotes(self, passage: Passage) -> tuple[Footnote, ...]:
        """The footnotes `passage.footnote_marks` name, each the one its marker in the passage
        links to.

        Books often number footnotes again from «۱» on every page, so a mark alone names several
        footnotes. The one whose marker lies in (or right after) the passage is its own; failing
        that (an index cut by an older chunker), the first with that mark from the passage's
        start on, else the first anywhere.
        """
        nearby = self.footnotes_between(passage.char_start, passage.char_end)
        following = [n for n in self.footnotes if n.char_start >= passage.char_start]
        cited: list[Footnote] = []
        for mark in passage.footnote_marks:
            for candidates in (nearby, following, self.footnotes):
                note = next((n for n in candidates if n.mark == mark and n not in cited), None)
                if note is not None:
                    cited.append(note)
                    break
        return tuple(cited)


@dataclass(frozen=True)
class Passage:
    """A retrievable unit: a span of one document, shown in its original text."""

    id: int
    doc_id: str
    text: str
    char_start: int
    char_end: int
    pages: tuple[int, ...] = ()
    footnote_marks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Evidence:
    """The sentence of a passage that best answers the question, with document offsets."""

    text: str
    char_start: int
    char_end: int
    score: float


@dataclass(frozen=True)
class Hit:
    """One ranked answer: a passage, its score, and how it was found."""

    passage: Passage
    score: float
    rank: int
    evidence: tuple[Evidence, ...] = field(default=())
