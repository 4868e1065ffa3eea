"""Cutting documents into passages (qa.chunk)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa.chunk import chunk_document, chunk_documents
from qa.errors import InputError
from qa.ingest import load_corpus
from qa.text import paragraph_spans, squeeze_spaces
from qa.types import Document, Passage

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="module")
def article() -> Document:
    (document,) = load_corpus(ROOT / "corpus", on_warning=lambda message: None)
    return document


@pytest.fixture(scope="module")
def article_passages(article: Document) -> list[Passage]:
    return chunk_documents([article])


def _containing(passages: list[Passage], phrase: str) -> list[Passage]:
    found = [passage for passage in passages if phrase in passage.text]
    assert found, phrase
    return found


def _assert_covers(document: Document, passages: list[Passage]) -> None:
    covered = bytearray(len(document.text))
    for passage in passages:
        covered[passage.char_start : passage.char_end] = b"\x01" * (
            passage.char_end - passage.char_start
        )
    missing = [i for i, c in enumerate(document.text) if not c.isspace() and not covered[i]]
    assert missing == []


# Acceptance checks on the default corpus ---------------------------------------------------


def test_capital_move_passage_is_on_page_163_with_its_context(article_passages) -> None:
    (passage,) = _containing(
        article_passages, "یکی از دلایل انتقال پایتخت قزاقستان از آلماتی به آستانا"
    )
    assert passage.pages == (163,)
    assert "روس ها نیم نگاهی به مناطق شمالی قزاقستان داشتند" in passage.text


def test_unchanged_foreign_policy_passage_cites_footnote_122(article_passages) -> None:
    for passage in _containing(article_passages, "سیاست خارجی قزاقستان ثابت بدون تغییر خواهد ماند"):
        assert passage.pages == (161,)
        assert passage.footnote_marks == ("۱۲۲",)


def test_damaged_marker_passage_cites_footnote_124(article_passages) -> None:
    for passage in _containing(article_passages, "اشاره کرد."):
        assert "۱۲۴" in passage.footnote_marks
        assert 163 in passage.pages


def test_passage_text_has_no_layout(article, article_passages) -> None:
    for passage in article_passages:
        assert passage.text == squeeze_spaces(article.text[passage.char_start : passage.char_end])
        assert "http" not in passage.text and "160" not in passage.text
    assert _containing(article_passages, "همگرایی های منطقه ای")  # read across page 160's end


def test_passages_cover_the_article_within_max_chars(article, article_passages) -> None:
    _assert_covers(article, article_passages)
    assert [p.id for p in article_passages] == list(range(len(article_passages)))
    for passage in article_passages:
        assert len(passage.text) <= 600
        assert passage.doc_id == "kazakhstan-russia"
    pages = {page for passage in article_passages for page in passage.pages}
    assert pages == {160, 161, 162, 163, 164}


def test_overlap_repeats_a_sentence_only_inside_a_paragraph(article, article_passages) -> None:
    paragraph_of = {}
    for number, (start, end) in enumerate(paragraph_spans(article.text)):
        paragraph_of.update(dict.fromkeys(range(start, end), number))
    overlaps = [
        (before, after)
        for before, after in zip(article_passages, article_passages[1:], strict=False)
        if after.char_start < before.char_end
    ]
    assert overlaps
    for before, after in overlaps:
        assert paragraph_of[after.char_start] == paragraph_of[before.char_end - 1]
    plain = chunk_documents([article], overlap_sentences=0)
    for before, after in zip(plain, plain[1:], strict=False):
        assert after.char_start >= before.char_end


def test_chunking_is_deterministic(article) -> None:
    assert chunk_documents([article]) == chunk_documents([article])
    again = load_corpus(ROOT / "corpus", on_warning=lambda message: None)
    assert chunk_documents(again) == chunk_documents([article])


# The fixture corpus ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fixture_documents() -> list[Document]:
    return load_corpus(FIXTURES / "corpus")


def test_ids_run_on_across_documents(fixture_documents) -> None:
    passages = chunk_documents(fixture_documents)
    assert [p.id for p in passages] == list(range(len(passages)))
    assert [p.doc_id for p in passages] == sorted(
        (p.doc_id for p in passages), key=[d.id for d in fixture_documents].index
    )
    first_of_plain = next(p.id for p in passages if p.doc_id == "notes/plain")
    assert chunk_document(fixture_documents[1], first_id=first_of_plain)[0] == next(
        p for p in passages if p.doc_id == "notes/plain"
    )
    for document in fixture_documents:
        _assert_covers(document, [p for p in passages if p.doc_id == document.id])


def test_a_long_sentence_is_split_at_clauses_not_dropped(fixture_documents) -> None:
    book = fixture_documents[0]
    start = book.text.index("در این سفر دراز")
    end = book.text.index("به تهران بازگشتیم.", start) + len("به تهران بازگشتیم.")
    assert end - start > 1000
    pieces = [p for p in chunk_document(book) if p.char_start < end and start < p.char_end]
    assert len(pieces) >= 2
    assert all(len(p.text) <= 600 for p in pieces)
    assert pieces[0].text.endswith("،")  # cut after a clause, not mid-phrase
    covered = {i for p in pieces for i in range(p.char_start, p.char_end)}
    assert all(i in covered for i in range(start, end) if not book.text[i].isspace())


def test_mid_sentence_page_break_is_one_passage(fixture_documents) -> None:
    book = fixture_documents[0]
    (passage,) = _containing(chunk_document(book), "همکاری دو کشور را در زمینه‌های بازرگانی")
    assert passage.pages[:2] == (12, 13)
    assert passage.footnote_marks == ("۷",)


def test_whole_paragraphs_are_preferred() -> None:
    first = "بند یکم جمله‌ای کوتاه دارد. " * 9
    second = "بند دوم هم جمله‌هایی دارد که باید با هم بمانند. " * 8
    text = f"{first.strip()}\n\n{second.strip()}"
    document = Document("d", "d", text)
    passages = chunk_document(document, max_chars=500)
    assert len(first) < 500 and len(second) < 500 < len(text)
    assert [p.text for p in passages] == [first.strip(), second.strip()]


def test_a_heading_joins_the_paragraph_after_it() -> None:
    body = "این جمله‌ای بلند است که بارها تکرار می‌شود تا بند از اندازه بگذرد. " * 12
    document = Document("d", "d", f"عنوان\n\n{body.strip()}")
    passages = chunk_document(document, max_chars=300)
    assert passages[0].text.startswith("عنوان این جمله‌ای بلند")


def test_a_heading_opens_the_passage_of_its_section() -> None:
    # A chapter heading fits at the end of the passage before it, but belongs to what follows:
    # at the end it would cite the next chapter's page for the last one's text.
    first = "بند یکم جمله‌ای کوتاه دارد. " * 9
    second = "بند دوم هم جمله‌هایی دارد که باید با هم بمانند. " * 8
    document = Document("d", "d", f"{first.strip()}\n\nفصل دوم\n\n{second.strip()}")
    passages = chunk_document(document, max_chars=500)
    assert [p.text for p in passages] == [first.strip(), f"فصل دوم {second.strip()}"]
    # A short paragraph that ends a sentence is text, not a heading: it stays where it fits.
    document = Document("d", "d", f"{first.strip()}\n\nپایان فصل.\n\n{second.strip()}")
    assert chunk_document(document, max_chars=500)[0].text.endswith("پایان فصل.")


def test_bad_arguments() -> None:
    document = Document("d", "d", "متن.")
    with pytest.raises(InputError, match="max_chars"):
        chunk_document(document, max_chars=0)
    with pytest.raises(InputError, match="overlap_sentences"):
        chunk_document(document, overlap_sentences=-1)
    assert chunk_document(Document("e", "e", "  \n ")) == []


# Properties --------------------------------------------------------------------------------

PERSIAN_ISH = "ابپتجچخدرزسشعفقکگلمنوهیيك۱۲۳۴۵0123\u200c\u064e    \n\n.،؛؟!:«»()"


@given(
    st.lists(st.text(alphabet=PERSIAN_ISH, max_size=400), min_size=1, max_size=3),
    st.integers(min_value=20, max_value=300),
    st.integers(min_value=0, max_value=3),
)
@settings(max_examples=150, deadline=None)
def test_every_character_lies_in_a_passage(texts, max_chars, overlap) -> None:
    documents = [Document(f"d{i}", "t", text) for i, text in enumerate(texts)]
    passages = chunk_documents(documents, max_chars=max_chars, overlap_sentences=overlap)
    assert [p.id for p in passages] == list(range(len(passages)))
    for document in documents:
        own = [p for p in passages if p.doc_id == document.id]
        _assert_covers(document, own)
        for before, after in zip(own, own[1:], strict=False):
            assert before.char_start < after.char_start and before.char_end < after.char_end
        for passage in own:
            assert len(passage.text) <= max_chars
            assert passage.text and passage.text == squeeze_spaces(
                document.text[passage.char_start : passage.char_end]
            )
    assert passages == chunk_documents(documents, max_chars=max_chars, overlap_sentences=overlap)
