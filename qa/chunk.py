"""Documents -> Passages: whole sentences packed up to `max_chars`, cut at paragraph ends.

A passage is a span of its document's text: whole sentences (a sentence longer than
`max_chars` is cut at clause boundaries, never truncated), preferably whole paragraphs. When a
paragraph must be cut, the next passage repeats its last `overlap_sentences` sentences, so a
fact stated across the cut is still found in one piece.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from qa.errors import InputError
from qa.text import clause_spans, paragraph_spans, sentence_spans, squeeze_spaces
from qa.types import Document, Passage

# Recorded in an index's manifest: a change to how passages are cut, or to what of a document
# is indexed with them (page layout, footnotes cited, title), must change this.
CHUNKER_VERSION = "sentences+clauses+paragraph-ends+headings/6"
# A passage this short may take in the start of the next paragraph rather than stand alone
# (a heading alone retrieves nothing).
SHORT_PASSAGE_FRACTION = 4
# A paragraph of one short line that does not end a sentence («فصل سوم», «روابط اقتصادی») is a
# heading: it belongs with the text after it, so it never ends a passage whose next paragraph
# goes to the next passage (there it would only add the next page to the citation).
HEADING_CHARS = 80
_SENTENCE_FINAL = ".!?؟…:؛;»\"')]"


@dataclass(frozen=True)
class _Unit:
    """A sentence, or a clause-bounded piece of one, of paragraph number `paragraph`."""

    start: int
    end: int
    paragraph: int


def chunk_documents(
    documents: Iterable[Document], max_chars: int = 600, overlap_sentences: int = 1
) -> list[Passage]:
    """Passages of all documents in order, with ids 0, 1, 2, … across the corpus."""
    passages: list[Passage] = []
    for document in documents:
        passages.extend(chunk_document(document, max_chars, overlap_sentences, len(passages)))
    return passages


def chunk_document(
    document: Document, max_chars: int = 600, overlap_sentences: int = 1, first_id: int = 0
) -> list[Passage]:
    """Passages of one document, with ids from `first_id` on."""
    if max_chars < 1:
        raise InputError(f"max_chars must be at least 1, not {max_chars}")
    if overlap_sentences < 0:
        raise InputError(f"overlap_sentences must be 0 or more, not {overlap_sentences}")
    shown = _ShownLength(document.text)
    units = _units(document.text, max_chars, shown)
    headings = _headings(document.text, units, shown)
    return [
        _passage(document, first_id + number, units[first].start, units[last - 1].end)
        for number, (first, last) in enumerate(_pack(units, max_chars, overlap_sentences, shown, headings))
    ]


class _ShownLength:
    """Length of a span as its passage shows it: a run of whitespace counts as one character.

    Blanked page numbers and footnotes leave long runs of spaces that no reader or model sees.
    """

    def __init__(self, text: str) -> None:
        self._counts = [0]
        previous_is_space = True
        for char in text:
            is_space = char.isspace()
            self._counts.append(self._counts[-1] + (0 if is_space and previous_is_space else 1))
            previous_is_space = is_space

    def __call__(self, start: int, end: int) -> int:
        """For a span that starts and ends with a non-space character."""
        return self._counts[end] - self._counts[start]


def _units(text: str, max_chars: int, shown: _ShownLength) -> list[_Unit]:
    units = []
    for paragraph, (start, end) in enumerate(paragraph_spans(text)):
        for sentence_start, sentence_end in sentence_spans(text, start, end):
            if shown(sentence_start, sentence_end) <= max_chars:
                units.append(_Unit(sentence_start, sentence_end, paragraph))
                continue
            for piece in clause_spans(
                text,
                sentence_start,
                sentence_end,
                _piece_chars(sentence_end - sentence_start, max_chars),
            ):
                units.append(_Unit(piece[0], piece[1], paragraph))
    return units


def _headings(text: str, units: list[_Unit], shown: _ShownLength) -> frozenset[int]:
    """The paragraphs (numbers) that are headings: one unit, short, not ending a sentence."""
    count = Counter(unit.paragraph for unit in units)
    return frozenset(
        unit.paragraph for unit in units
        if count[unit.paragraph] == 1
        and shown(unit.start, unit.end) <= HEADING_CHARS
        and text[unit.end - 1] not in _SENTENCE_FINAL
    )


def _piece_chars(sentence_chars: int, max_chars: int) -> int:
    """Size limit for the clause pieces of a sentence longer than a passage.

    At most half a passage, so two pieces pack together and the overlap can repeat one; and
    about equal, so that no sliver of a piece is left at the end.
    """
    half = max(1, max_chars // 2)
    pieces = -(-sentence_chars // half)
    return min(half, -(-sentence_chars * 6 // (pieces * 5)))  # each piece 20 % above the mean


def _pack(
    units: list[_Unit], max_chars: int, overlap: int, shown: _ShownLength,
    headings: frozenset[int] = frozenset(),
) -> list[tuple[int, int]]:
    """(first, last) unit ranges, last exclusive, one per passage."""
    paragraph_last = {unit.paragraph: index for index, unit in enumerate(units)}

    def fits(first: int, last: int) -> bool:
        return shown(units[first].start, units[last].end) <= max_chars

    ranges = []
    first = 0
    while first < len(units):
        last = first + 1
        while last < len(units) and fits(first, last):
            opens_paragraph = units[last].paragraph != units[last - 1].paragraph
            short = (
                shown(units[first].start, units[last - 1].end) < max_chars // SHORT_PASSAGE_FRACTION
            )
            # A heading is taken in only with the whole paragraph after it.
            taken_whole = (last + 1 if units[last].paragraph in headings and last + 1 < len(units)
                           else last)
            if (
                opens_paragraph
                and not short
                and not fits(first, paragraph_last[units[taken_whole].paragraph])
            ):
                break  # end at this paragraph's end rather than cut the next one
            last += 1
        ranges.append((first, last))
        if last < len(units) and units[last].paragraph == units[last - 1].paragraph:
            # Cut inside a paragraph: repeat up to `overlap` units, as many as leave room for
            # the next one, and always move on by at least one unit.
            first = max(first + 1, last - overlap)
            while first < last and not fits(first, last):
                first += 1
        else:
            first = last
    return ranges


def _passage(document: Document, passage_id: int, char_start: int, char_end: int) -> Passage:
    return Passage(
        id=passage_id,
        doc_id=document.id,
        text=squeeze_spaces(document.text[char_start:char_end]),
        char_start=char_start,
        char_end=char_end,
        pages=document.pages_between(char_start, char_end),
        footnote_marks=tuple(n.mark for n in document.footnotes_between(char_start, char_end)),
    )
