"""Printed-page layout inside plain text: page numbers, page breaks and footnotes.

Text copied out of a book keeps its print layout: each page's last line ends with the page
number, footnotes («۱۲۲ … http://…») sit at the bottom of the page, and their markers are glued
to the sentence they support (`…ماند»۱۲۲ پیوستن`). `read_layout` finds them and returns the
text with those bits blanked out by spaces, so that its length and every offset stay those of
the original, plus the pages and footnotes as values.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass

from qa.types import Footnote, Page

# The page number closing a page's last line: preceded by a space (or alone on the line).
# At most six digits, here and below: int() refuses numbers of thousands of digits.
_FOOTER_NUMBER = re.compile(r"(?:^|[ \t])(\d{1,6})[ \t]*$")
# A footer line holding only the page number between dashes: «- ۳۱ -», «— 31 —», «–31–».
_DASHED_FOOTER = re.compile(r"^[ \t]*[-–—][ \t]*(\d{1,6})[ \t]*[-–—][ \t]*$")
# A footnote line opens with its number: "۱۲۲ معاون رئیس …", "12. See …".
_FOOTNOTE_START = re.compile(r"[ \t]*(\d{1,6})[.)\-–]?[ \t]+(?=\S)")
_URL = re.compile(r"(?:https?://|www\.)\S+")
# A marker is a number glued to the end of a word or punctuation mark: «ماند»۱۲۲», «مینماید.۱۲۳».
_GLUED_NUMBER = re.compile(r"(?<=[^\s\d])\d{1,6}(?!\w)")
# Numbers glued after these are ordinary text: «(۱۹۹۱», "G20", "1394/02", "-5", "#3".
_NOT_BEFORE_MARKER = frozenset(
    "([{«\"'“‘/\\:-–—+#№$%@_=<>abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
)
_NUMBER_SEPARATORS = frozenset(".,٫٬،")  # "3.5", "12,000": a digit before them means one number
_SENTENCE_FINAL = frozenset(".!?؟…")
_CLOSING = "»\"')]”’"
_FOOTNOTE_TRAILING = " \t،,;؛:-–"
# A page holds more text than this; a list of years ending short lines ("… 1990", "… 1991")
# does not. A run of page numbers may still hold short pages (a chapter's last), as long as at
# least half its pages are full ones.
MIN_PAGE_CHARS = 200
# A line of at most this many words before a number, alone between blank lines, and the same
# words on another such line, makes numbered headings («فصل 2», «بخش ۳»), unless it names a page.
HEADING_WORDS = 3
_PAGE_WORDS = frozenset({"صفحه", "ص", "صفحهٔ", "page", "Page", "PAGE", "p", "P"})
# Pages left out of an excerpt: the numbering may jump by up to this many pages between two
# full pages (… 3, 5 …) and still be one run.
MAX_MISSING_PAGES = 3


@dataclass(frozen=True)
class Layout:
    """`text` with layout blanked out (same length), the pages, footnotes, and warnings.

    Each warning is (char offset in the text, message), so a caller can name the line.
    """

    text: str
    pages: tuple[Page, ...]
    footnotes: tuple[Footnote, ...]
    warnings: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class _Break:
    bottom: int  # where the page's own lines end: the page number's start, or the form feed
    page_end: int  # just after the page number or the form feed
    number: int | None


@dataclass(frozen=True)
class _Note:
    mark: str
    text: str
    url: str | None
    start: int  # where its line starts


@dataclass(frozen=True)
class _Marker:
    start: int
    end: int
    printed: str  # the digits as written: "۱۲۲"
    value: str  # the same number in ASCII digits: "122"


def read_layout(text: str) -> Layout:
    """Find pages and footnotes in `text`; blank page numbers, footnotes and markers."""
    chars = list(text.replace("\r", " "))  # CR only hides paragraph breaks ("\r\n\r\n")
    clean = "".join(chars)
    lines = _line_spans(clean)
    breaks = _page_breaks(clean, lines)
    if not breaks:
        return Layout("".join(chars), (), (), ())
    warnings: list[tuple[int, str]] = []
    footnotes: list[Footnote] = []
    body_ends: list[int] = []
    if _numbers_head_their_pages(clean, breaks):
        # «۴۱» above its page's text: each page closes where the next number opens the next
        # page (the last where the text ends), and the first number, above all text, is blanked.
        pages = _headed_pages(clean, breaks)
        _blank_break(chars, breaks[0], breaks[0].bottom)
        breaks = breaks[1:] + [_Break(len(clean), len(clean), None)]
    else:
        pages = _pages(clean, breaks)
    for page, brk in zip(pages, breaks, strict=False):
        notes, body_end = _page_footnotes(clean, lines, page, brk, chars, warnings)
        footnotes.extend(notes)
        body_ends.append(body_end)
    for brk, body_end in zip(breaks, body_ends, strict=True):
        _blank_break(chars, brk, body_end)
    return Layout("".join(chars), tuple(pages), tuple(footnotes), tuple(warnings))


def _line_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for match in re.finditer("\n", text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return spans


def _page_breaks(text: str, lines: list[tuple[int, int]]) -> list[_Break]:
    breaks = _footer_breaks(text, lines)
    for match in re.finditer("\f", text):
        position = match.start()
        # A form feed right after a page number is the same page break, not another one.
        if any(b.bottom <= position and not text[b.page_end : position].strip() for b in breaks):
            continue
        breaks.append(_Break(position, position + 1, None))
    breaks.sort(key=lambda b: b.page_end)
    while breaks and not text[breaks[-1].page_end :].strip() and breaks[-1].number is None:
        breaks.pop()  # a trailing form feed opens no page
    return breaks


def _footer_breaks(text: str, lines: list[tuple[int, int]]) -> list[_Break]:
    """Page numbers: lines ending in a number before a blank line, numbered n, n+1, n+2, …"""
    candidates: list[tuple[int, _Break]] = []
    headings: list[tuple[str, ...] | None] = []
    for index, (start, end) in enumerate(lines):
        line = text[start:end]
        dashed = _DASHED_FOOTER.match(line)
        match = dashed or _FOOTER_NUMBER.search(line)
        if not match or not line.strip():
            continue
        following = lines[index + 1] if index + 1 < len(lines) else None
        if following and text[following[0] : following[1]].strip():
            continue  # a page ends with a blank line (or the end of the text)
        number_start, number_end = start + match.start(1), start + match.end(1)
        number = int(match.group(1))
        before_number = line[: match.start(1)]
        if dashed:
            # «- ۳۱ -» alone on its line: the dashes are layout too, the whole line is the footer.
            number_start = start + len(line) - len(line.lstrip())
            number_end = start + len(line.rstrip())
            before_number = ""  # no words: never a numbered heading
        elif _names_page(before_number):
            # «صفحه ۲۱» alone on its line: the whole footer is layout, so the page ends before
            # its word, which then stays out of the passages and of the next page's span.
            number_start = start + len(before_number) - len(before_number.lstrip())
        line_before = lines[index - 1] if index else None
        standalone = line_before is None or not text[line_before[0] : line_before[1]].strip()
        heading = _heading_words(before_number) if standalone else None
        candidates.append((number, _Break(number_start, number_end, number)))
        headings.append(heading)
    # «فصل 1», «فصل 2» ... alone between blank lines: chapters' numbers, not pages'. A page whose
    # last line happens to be short («پایان 6») says other words than the page before it.
    repeated = Counter(h for h in headings if h is not None)
    candidates = [c for c, h in zip(candidates, headings, strict=True) if h is None or repeated[h] < 2]
    # The best run of numbers in text order, each the one before plus one (or a few more across
    # left-out pages), scored by its full pages, then its length: isolated numbers (a year ending
    # a paragraph) never form one, and a short page does not cut a book's run in two.
    runs: dict[int, _Run] = {}
    best = _Run(0, ())
    for number, candidate in candidates:
        previous = _Run(0, ())
        for missing in range(MAX_MISSING_PAGES + 1):
            run = runs.get(number - 1 - missing)
            if run is None:
                continue
            full = candidate.bottom - run.breaks[-1].page_end >= MIN_PAGE_CHARS
            if missing and not full:
                continue  # a jump in the numbering only between full pages
            extended = _Run(run.full_pages + full, run.breaks)
            if extended.key > previous.key:
                previous = extended
        run = _Run(previous.full_pages, (*previous.breaks, candidate))
        if number not in runs or run.key >= runs[number].key:  # a later line repeating n ends the page
            runs[number] = run
        if run.plausible and run.key > best.key:
            best = run
    return list(best.breaks)


@dataclass(frozen=True)
class _Run:
    """Page numbers in a row: how many of the pages between them are full, and the breaks."""

    full_pages: int
    breaks: tuple[_Break, ...]

    @property
    def key(self) -> tuple[int, int]:
        return self.full_pages, len(self.breaks)

    @property
    def plausible(self) -> bool:
        """Two numbers or more, at least half the pages between them full."""
        return len(self.breaks) >= 2 and 2 * self.full_pages >= len(self.breaks) - 1


def _names_page(before_number: str) -> bool:
    """Whether the words before a page number only name a page: «صفحه», «ص.», "Page"."""
    words = before_number.split()
    return 0 < len(words) <= 2 and all(w.strip(".:-–") in _PAGE_WORDS for w in words)


def _heading_words(before_number: str) -> tuple[str, ...] | None:
    """The words before a number alone on a line, where they could make a numbered heading
    («فصل», «بخش دوم»): a few words, no sentence ending, not a word for a page («صفحه», «ص»)."""
    words = tuple(before_number.split())
    if (
        0 < len(words) <= HEADING_WORDS
        and before_number.rstrip()[-1:] not in _SENTENCE_FINAL
        and words[0].strip(".:-–") not in _PAGE_WORDS
    ):
        return words
    return None


def _pages(text: str, breaks: list[_Break]) -> list[Page]:
    starts = [0] + [b.page_end for b in breaks]
    ends = [b.page_end for b in breaks] + [len(text)]
    numbers: list[int | None] = [b.number for b in breaks]
    if text[breaks[-1].page_end :].strip():
        numbers.append(None)
    else:  # nothing after the last page number: the last page ends the text
        starts.pop()
        ends.pop()
        ends[-1] = len(text)
    filled = _fill_numbers(numbers)
    return [Page(n, s, e) for n, s, e in zip(filled, starts, ends, strict=True)]


def _numbers_head_their_pages(text: str, breaks: list[_Break]) -> bool:
    """A run of page numbers whose first stands above all the text prints them at the pages'
    heads: read as footers, every page would be cited as the next one, after an empty first."""
    return len(breaks) >= 2 and breaks[0].number is not None and not text[: breaks[0].bottom].strip()


def _headed_pages(text: str, breaks: list[_Break]) -> list[Page]:
    """Pages numbered by the number above them: from one number to the next (the first page
    from the start of the text, the last to its end)."""
    starts = [0] + [b.page_end for b in breaks[1:]]
    ends = [b.page_end for b in breaks[1:]] + [len(text)]
    numbers = _fill_numbers([b.number for b in breaks])
    return [Page(n, s, e) for n, s, e in zip(numbers, starts, ends, strict=True)]


def _fill_numbers(numbers: list[int | None]) -> list[int]:
    """Unnumbered pages (form feeds, the page after the last footer) count on from a neighbour."""
    known = [(i, n) for i, n in enumerate(numbers) if n is not None]
    if not known:
        return list(range(1, len(numbers) + 1))
    first_index, first_number = known[0]
    filled: list[int] = []
    for index, number in enumerate(numbers):
        if number is None:
            number = filled[-1] + 1 if filled else first_number - (first_index - index)
        filled.append(number)
    return filled


def _page_footnotes(
    text: str,
    lines: list[tuple[int, int]],
    page: Page,
    brk: _Break,
    chars: list[str],
    warnings: list[tuple[int, str]],
) -> tuple[list[Footnote], int]:
    """Footnotes at the bottom of `page`, linked to markers; returns them and the body's end.

    Blocks of lines (separated by blank lines) are read bottom-up; a block whose lines open with
    a number is a footnote block when one of its notes has a marker on the page or a URL.
    """
    first = bisect.bisect_right(lines, (page.char_start, len(text) + 1)) - 1
    page_lines = []
    for start, end in lines[max(0, first) :]:
        if start >= brk.bottom:
            break
        if end >= page.char_start:
            page_lines.append((max(start, page.char_start), min(end, brk.bottom)))
    blocks: list[list[tuple[int, int]]] = [[]]
    for start, end in page_lines:
        if text[start:end].strip():
            blocks[-1].append((start, end))
        elif blocks[-1]:
            blocks.append([])
    blocks = [block for block in blocks if block]
    footnotes: list[Footnote] = []
    body_end = brk.bottom
    used: set[int] = set()
    for block in reversed(blocks):
        notes = _split_notes(text, block)
        if notes is None:
            break
        markers = _markers(text, page.char_start, block[0][0])
        linked = [_link(note, page.number, markers, used, warnings) for note in notes]
        if not any(n.char_start >= 0 or n.url for n in linked):
            break  # numbered lines with neither marker nor URL: body text after all
        for footnote, note in zip(linked, notes, strict=True):
            if footnote.char_start < 0:
                message = f"footnote {note.mark} on page {page.number} has no marker in the text"
                warnings.append((note.start, message))
        footnotes[:0] = linked
        body_end = block[0][0]
        for start, end in block:
            chars[start:end] = " " * (end - start)
    for footnote in footnotes:
        if footnote.char_start >= 0:
            width = footnote.char_end - footnote.char_start
            chars[footnote.char_start : footnote.char_end] = " " * width
    body_text = "".join(chars[page.char_start : body_end])
    return footnotes, page.char_start + len(body_text.rstrip())


def _split_notes(text: str, block: list[tuple[int, int]]) -> list[_Note] | None:
    """The notes of a block of lines; None unless its first line opens with a number."""
    openings: list[tuple[str, int, list[str]]] = []  # (mark, char offset, lines)
    for start, end in block:
        line = text[start:end]
        match = _FOOTNOTE_START.match(line)
        if match:
            openings.append((match.group(1), start, [line[match.end() :]]))
        elif openings:
            openings[-1][2].append(line)  # a long note runs on over several lines
        else:
            return None
    notes = []
    for mark, start, lines in openings:
        joined = " ".join(line.strip() for line in lines)
        urls = _URL.findall(joined)
        note_text = re.sub(r"\s+", " ", _URL.sub(" ", joined)).strip().rstrip(_FOOTNOTE_TRAILING)
        notes.append(_Note(mark, note_text, urls[0] if urls else None, start))
    return notes


def _markers(text: str, start: int, end: int) -> list[_Marker]:
    found = []
    for match in _GLUED_NUMBER.finditer(text, start, end):
        before = text[match.start() - 1]
        if before in _NOT_BEFORE_MARKER:
            continue
        if (
            before in _NUMBER_SEPARATORS
            and match.start() >= 2
            and text[match.start() - 2].isdigit()
        ):
            continue
        found.append(_Marker(match.start(), match.end(), match.group(), str(int(match.group()))))
    return found


def _link(
    note: _Note,
    page_number: int,
    markers: list[_Marker],
    used: set[int],
    warnings: list[tuple[int, str]],
) -> Footnote:
    """The footnote with its marker: the same number, else a damaged one that is its prefix."""
    value = str(int(note.mark))
    free = [m for m in markers if m.start not in used]
    exact = [m for m in free if m.value == value]
    # A damaged marker lost its last digit(s) (۱۲ for ۱۲۴); a lone glued digit is too common
    # in ordinary text to be trusted as one.
    damaged = [
        m for m in free if len(m.value) >= 2 and value.startswith(m.value) and m.value != value
    ]
    chosen = exact[0] if exact else damaged[0] if damaged else None
    if chosen is None:
        return Footnote(note.mark, note.text, note.url, page_number)
    used.add(chosen.start)
    if not exact:
        message = (
            f"footnote {note.mark} on page {page_number}: no marker {note.mark} in the text, "
            f"linked to the damaged marker {chosen.printed}"
        )
        warnings.append((chosen.start, message))
    return Footnote(note.mark, note.text, note.url, page_number, chosen.start, chosen.end)


def _blank_break(chars: list[str], brk: _Break, body_end: int) -> None:
    """Blank from the page's last body character to the next page's first one.

    A page ending a sentence ends its paragraph: the gap keeps a blank line. Otherwise the
    sentence reads on into the next page, so the gap becomes plain spaces.
    """
    next_start = brk.page_end
    while next_start < len(chars) and chars[next_start].isspace():
        next_start += 1
    gap = next_start - body_end
    if gap <= 0:
        return
    tail = "".join(chars[max(0, body_end - 3) : body_end]).rstrip(_CLOSING)
    if tail and tail[-1] in _SENTENCE_FINAL:
        newlines = sum(1 for c in chars[body_end:next_start] if c == "\n")
        if newlines >= 2:
            filler = ["\n" if c == "\n" else " " for c in chars[body_end:next_start]]
        else:
            filler = list("\n\n"[:gap]) + [" "] * max(0, gap - 2)
    else:
        filler = [" "] * gap
    chars[body_end:next_start] = filler
