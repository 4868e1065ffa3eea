"""Loading a corpus (qa.ingest) and reading printed-page layout (qa.layout)."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa.errors import CorpusError
from qa.ingest import corpus_hash, load_corpus
from qa.layout import read_layout
from qa.types import Document

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ARTICLE_BODY_START = "روابط قزاقستان با روسیه\n\nاز دانشنامه ملل"


def _load(path: Path) -> tuple[list[Document], list[str]]:
    warnings: list[str] = []
    return load_corpus(path, on_warning=warnings.append), warnings


@pytest.fixture(scope="module")
def article() -> tuple[Document, str, list[str]]:
    """The default corpus document, its original body text, and the warnings of loading it."""
    documents, warnings = _load(CORPUS)
    assert [d.id for d in documents] == ["kazakhstan-russia"]
    raw = (CORPUS / "kazakhstan-russia.txt").read_text(encoding="utf-8")
    body = raw[raw.index(ARTICLE_BODY_START) :]
    return documents[0], body, warnings


# The default corpus ------------------------------------------------------------------------


def test_article_front_matter_and_body(article) -> None:
    document, body, _ = article
    assert document.title == "روابط قزاقستان با روسیه"
    assert document.source == "دانشنامه ملل"
    assert document.url is None
    assert document.path is not None and document.path.endswith("kazakhstan-russia.txt")
    assert len(document.text) == len(body)


def test_article_text_differs_from_the_original_only_by_blanks(article) -> None:
    document, body, _ = article
    for position, (kept, original) in enumerate(zip(document.text, body, strict=True)):
        assert kept == original or kept in " \n", position


def test_article_pages_160_to_164_cover_the_text(article) -> None:
    document, body, _ = article
    pages = document.pages
    assert [p.number for p in pages] == [160, 161, 162, 163, 164]
    assert pages[0].char_start == 0 and pages[-1].char_end == len(body)
    for before, after in zip(pages, pages[1:], strict=False):
        assert before.char_end == after.char_start
    # Each page ends right after its printed number.
    assert body[pages[0].char_end - len("های 160") : pages[0].char_end] == "های 160"
    for page in pages[1:4]:
        assert body[page.char_end - 3 : page.char_end] == str(page.number)

    def page_of(phrase: str) -> tuple[int, ...]:
        start = body.index(phrase)
        return document.pages_between(start, start + len(phrase))

    assert page_of("روابط بین قزاقستان و روسیه") == (160,)
    assert page_of("منطقه ای و بین المللی") == (161,)
    assert page_of("در اتحادیه اقتصادی اوراسیا در دیدار") == (162,)
    assert page_of("یکی از دلایل انتقال پایتخت قزاقستان از آلماتی به آستانا") == (163,)
    assert page_of("همین طور روشن نشدن رژیم حقوقی دریای خزر") == (164,)


def test_article_footnotes_linked_to_their_markers(article) -> None:
    document, body, _ = article
    notes = {note.mark: note for note in document.footnotes}
    assert list(notes) == ["۱۲۲", "۱۲۳", "۱۲۴"]
    assert [note.page for note in notes.values()] == [161, 162, 163]
    assert notes["۱۲۲"].url == "http://www.farsnews.com/printable.php?nn=13940201000567"
    assert notes["۱۲۳"].url == "http://www.razegh.com/fa/news20629.aspx"
    assert notes["۱۲۴"].url == "http://alwaght.com/fa/News/15105"
    assert notes["۱۲۲"].text == (
        "معاون رئیس مرکز مطالعات استراتژیک قزاقستان در گفتوگو با فارس، "
        "سیاست خارجی قزاقستان بدون تغییر خواهد ماند."
    )
    assert notes["۱۲۴"].text == "راهبرد چندوجهی قزاقستان برای حفظ روابط با روسیه و غرب"
    for note in notes.values():
        assert "http" not in note.text and not re.search(r"16\d", note.text)
    # Each marker sits where the original has it, right after the sentence it supports.
    assert body[notes["۱۲۲"].char_start - 5 : notes["۱۲۲"].char_end] == "ماند»۱۲۲"
    assert body[notes["۱۲۳"].char_start - 8 : notes["۱۲۳"].char_end] == "مینماید.۱۲۳"
    for note in notes.values():
        assert document.pages_between(note.char_start, note.char_end) == (note.page,)


def test_article_damaged_marker_is_linked_with_a_warning(article) -> None:
    document, body, warnings = article
    note = document.footnotes[2]
    assert body[note.char_start - 5 : note.char_end + 4] == "کرد.؛۱۲ بنا"
    assert len(warnings) == 1
    assert "kazakhstan-russia.txt:39:" in warnings[0] and "۱۲۴" in warnings[0]


def test_article_layout_is_blanked_out_of_the_text(article) -> None:
    document, _, _ = article
    text = document.text
    assert not re.search(r"\b16[0-4]\b", text)
    assert "http" not in text and "farsnews" not in text
    assert not re.search("[۱1]۲۲|[۱1]۲۳|؛[۱1]۲", text)
    assert "گفتوگو با فارس" not in text  # footnote 122's text
    assert "اهداف سفر" not in text  # footnote 123's text


def test_article_sentences_read_on_across_page_breaks(article) -> None:
    text = article[0].text
    # Mid-sentence breaks (pages 160 and 161) become spaces only.
    assert re.search(r"همگرایی های +منطقه ای", text)
    assert re.search(r"به عنوان شریک اصلی +در اتحادیه اقتصادی اوراسیا در دیدار", text)
    # A page ending its sentence ends its paragraph: the blank line stays.
    assert re.search(r"بین دو کشور می باشد\.\n[ \n]*\n *با در نظر داشت", text)
    assert re.search(r"از ذهنیت روس ها خارج کند\.\n[ \n]*\n *همین طور", text)


def test_corpus_hash_is_stable_and_sensitive(article) -> None:
    document = article[0]
    again, _ = _load(CORPUS)
    assert corpus_hash([document]) == corpus_hash(again)
    assert re.fullmatch("[0-9a-f]{64}", corpus_hash([document]))
    changed = Document(document.id, document.title, document.text + " ", document.source)
    assert corpus_hash([changed]) != corpus_hash([document])
    retitled = Document(document.id, "دیگر", document.text, document.source)
    assert corpus_hash([retitled]) != corpus_hash([document])


# The fixture corpus ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fixture_corpus() -> dict[str, Document]:
    documents, warnings = _load(FIXTURES / "corpus")
    assert warnings == []
    return {document.id: document for document in documents}


def test_folder_order_ids_and_titles(fixture_corpus) -> None:
    # Sorted by path: book.txt, notes/plain.md, sample.jsonl (rows in file order).
    assert list(fixture_corpus) == ["book", "notes/plain", "s1", "s2", "s3"]
    book = fixture_corpus["book"]
    assert (book.title, book.source, book.url) == (
        "کتاب آزمایشی",
        "نمونه‌ی آزمون",
        "https://example.org/book",
    )
    assert fixture_corpus["notes/plain"].title == "یادداشت ساده"
    assert fixture_corpus["s3"].title == "دماوند بلندترین کوه ایران است."


def test_jsonl_rows(fixture_corpus) -> None:
    tehran = fixture_corpus["s2"]
    assert tehran.title == "تهران"
    assert tehran.source == "ویکی‌پدیا"
    assert tehran.url == "https://fa.wikipedia.org/wiki/تهران"
    assert tehran.text.startswith("تهران پایتخت ایران است")
    assert fixture_corpus["s1"].text == (
        "قرآن كتاب مقدس دين اسلام است. مسلمانان قرآن را بزرگترين معجزه مي‌دانند."
    )


def test_fixture_book_pages_and_footnote(fixture_corpus) -> None:
    book = fixture_corpus["book"]
    assert [p.number for p in book.pages] == [12, 13, 14]
    (note,) = book.footnotes
    assert (note.mark, note.text, note.url, note.page) == (
        "۷",
        "متن پیمان دوستی دو کشور",
        "https://example.org/treaty",
        12,
    )
    assert book.text[note.char_start - 8 : note.char_start] == "امضا شد."
    assert re.search(r"همکاری دو کشور را +در زمینه‌های بازرگانی", book.text)


def test_a_year_ending_a_paragraph_is_not_a_page(fixture_corpus) -> None:
    book = fixture_corpus["book"]
    assert "نقطه ندارد، سال 1357\n\n" in book.text
    assert fixture_corpus["notes/plain"].pages == ()
    assert "1991" in fixture_corpus["notes/plain"].text
    assert "1992" in fixture_corpus["notes/plain"].text


def test_a_single_file_is_a_corpus(tmp_path: Path) -> None:
    documents, _ = _load(FIXTURES / "corpus" / "notes" / "plain.md")
    assert [d.id for d in documents] == ["plain"]
    documents, _ = _load(FIXTURES / "corpus" / "sample.jsonl")
    assert [d.id for d in documents] == ["s1", "s2", "s3"]


def test_readme_and_hidden_files_are_not_documents(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# corpus\n\nabout this folder", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("پنهان", encoding="utf-8")
    (tmp_path / "data.csv").write_text("a,b", encoding="utf-8")
    (tmp_path / "doc.txt").write_text("متن.", encoding="utf-8")
    documents, warnings = _load(tmp_path)
    assert [d.id for d in documents] == ["doc"]
    assert warnings == [f"{tmp_path}: skipped 1 file that is not .txt, .md or .jsonl: data.csv"]


def test_files_of_other_kinds_are_named_in_one_warning(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / ".DS_Store").write_bytes(b"\0\0")
    (tmp_path / "README.html").write_text("<p>about</p>", encoding="utf-8")
    for name in ("a.markdown", "sub/b.pdf", "c.docx", "d.html", "e.rtf", "f.odt", "doc.txt"):
        (tmp_path / name).write_text("متن.", encoding="utf-8")
    documents, warnings = _load(tmp_path)
    assert [d.id for d in documents] == ["doc"]
    assert warnings == [
        f"{tmp_path}: skipped 6 files that are not .txt, .md or .jsonl: "
        "a.markdown, c.docx, d.html, e.rtf, f.odt and 1 more"
    ]


def test_form_feed_pages(tmp_path: Path) -> None:
    (tmp_path / "ff.txt").write_text("صفحه‌ی یکم تمام شد.\fصفحه‌ی دوم ادامه\fدارد.", "utf-8")
    (document,) = load_corpus(tmp_path)
    assert [(p.number, p.char_start, p.char_end) for p in document.pages] == [
        (1, 0, 20),
        (2, 20, 37),
        (3, 37, 42),
    ]
    assert "\f" not in document.text
    assert document.text[19] == "\n" and document.text[36] == " "


def test_a_first_line_that_is_a_paragraph_is_not_the_title(tmp_path: Path) -> None:
    # The title is indexed with every passage: a one-line file of 100 KB must not be its own title.
    sentence = "بادگیرهای یزد خانه‌ها را در تابستان خنک نگاه می‌دارند. "
    (tmp_path / "yazd-notes.txt").write_text(sentence * 2000, encoding="utf-8")
    (tmp_path / "two.txt").write_text("یزد شهر بادگیرهاست. کاشان شهر فرش است.\n", "utf-8")
    (tmp_path / "heading.txt").write_text("# تاریخ شهر یزد\n\n" + sentence, encoding="utf-8")
    (tmp_path / "rows.jsonl").write_text(
        json.dumps({"id": "r1", "text": sentence * 3}, ensure_ascii=False) + "\n"
        + json.dumps({"id": "r2", "text": "دماوند بلند است.\n\n" + sentence}, ensure_ascii=False),
        encoding="utf-8",
    )
    titles = {d.id: d.title for d in load_corpus(tmp_path)}
    assert titles == {"heading": "تاریخ شهر یزد", "r1": "r1", "r2": "دماوند بلند است.",
                      "two": "two", "yazd-notes": "yazd-notes"}


def test_crlf_and_bom(tmp_path: Path) -> None:
    (tmp_path / "win.txt").write_bytes("\ufeffعنوان\r\n\r\nبند یکم.\r\n".encode())
    (document,) = load_corpus(tmp_path)
    assert document.title == "عنوان"
    assert document.text == "عنوان \n \nبند یکم. \n"


# Bad input ---------------------------------------------------------------------------------


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="nowhere"):
        load_corpus(tmp_path / "nowhere")


def test_no_documents(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="no documents"):
        load_corpus(tmp_path)
    (tmp_path / "README.md").write_text("only a readme", encoding="utf-8")
    with pytest.raises(CorpusError, match="no documents"):
        load_corpus(tmp_path)


def test_unsupported_single_file(tmp_path: Path) -> None:
    (tmp_path / "data.csv").write_text("a,b", encoding="utf-8")
    with pytest.raises(CorpusError, match="data.csv"):
        load_corpus(tmp_path / "data.csv")


def test_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "latin.txt").write_bytes("سطر یکم\n".encode() + b"second line caf\xe9\n")
    with pytest.raises(CorpusError, match=r"latin\.txt:2: not UTF-8"):
        load_corpus(tmp_path)


def test_nul_bytes_refuse_the_file(tmp_path: Path) -> None:
    (tmp_path / "nul.txt").write_bytes("آب انبار\n".encode() + b"\0\0 " + "قزوین\n".encode())
    with pytest.raises(CorpusError, match=r"nul\.txt:2: NUL byte at offset 16"):
        load_corpus(tmp_path)
    # UTF-16 without a byte-order mark: most Persian letters in it decode as valid UTF-8.
    (tmp_path / "nul.txt").unlink()
    (tmp_path / "u16.txt").write_bytes("سلام بر شما".encode("utf-16-le"))
    with pytest.raises(CorpusError, match=r"u16\.txt:1: NUL byte"):
        load_corpus(tmp_path)


def test_not_utf8_jsonl_names_the_line(tmp_path: Path) -> None:
    good = json.dumps({"id": "a", "text": "متن"}, ensure_ascii=False).encode()
    (tmp_path / "rows.jsonl").write_bytes(good + b"\n" + b'{"id": "b", "text": "\xff"}\n')
    with pytest.raises(CorpusError, match=r"rows\.jsonl:2: not UTF-8"):
        load_corpus(tmp_path)


@pytest.mark.parametrize(
    "key, value, said",
    [
        ("title", 1984, "'title' is a number (1984)"),
        ("url", ["https://a", "https://b"], "'url' is a list ([\"https://a\", \"https://b\"])"),
        ("source", {"name": "ایرنا"}, "'source' is an object ({\"name\": \"ایرنا\"})"),
        ("source", True, "'source' is a boolean (true)"),
    ],
)
def test_a_jsonl_field_that_is_not_a_string_names_file_line_and_field(key, value, said, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = [{"id": "a", "text": "متن یکم."}, {"id": "b", "text": "متن دوم.", key: value}]
    (tmp_path / "rows.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    with pytest.raises(CorpusError) as raised:
        load_corpus(tmp_path)
    assert str(raised.value) == f"{tmp_path / 'rows.jsonl'}:2: row 'b': {said}; it must be a string or null"


def test_jsonl_fields_null_absent_or_blank_are_none(tmp_path: Path) -> None:
    rows = [{"id": "a", "text": "متن یکم.", "title": None, "url": None, "source": None},
            {"id": "b", "text": "متن دوم.", "title": "  ", "url": "", "source": " "},
            {"id": "c", "text": "متن سوم.", "title": " سوم ", "url": " https://c ", "source": "منبع"}]
    (tmp_path / "rows.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    fields = [(d.title, d.url, d.source) for d in load_corpus(tmp_path)]
    assert fields == [("متن یکم.", None, None), ("متن دوم.", None, None), ("سوم", "https://c", "منبع")]


def test_unreadable_file(tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text("متن.", encoding="utf-8")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "missing-target.txt")
    with pytest.raises(CorpusError, match=r"gone\.txt: cannot read"):
        load_corpus(tmp_path)


def test_unclosed_front_matter(tmp_path: Path) -> None:
    (tmp_path / "open.txt").write_text("---\nid: x\nمتن بدون پایان\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"open\.txt:1: front matter"):
        load_corpus(tmp_path)


def test_malformed_front_matter_line(tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_text("---\nid: x\nno colon here\n---\nمتن.", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"bad\.txt:3: front matter"):
        load_corpus(tmp_path)


def test_unknown_front_matter_key_warns(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("---\nid: x\nauthor: کسی\n---\nمتن.", encoding="utf-8")
    documents, warnings = _load(tmp_path)
    assert documents[0].id == "x" and documents[0].text == "متن."
    assert warnings == ["%s:3: unknown front matter key 'author' ignored" % (tmp_path / "a.txt")]


def test_broken_jsonl_rows_are_skipped_with_warnings() -> None:
    documents, warnings = _load(FIXTURES / "broken.jsonl")
    assert [d.id for d in documents] == ["b1", "8"]
    assert documents[0].text == "این سطر درست است."
    lines = [int(re.search(r"broken\.jsonl:(\d+):", w).group(1)) for w in warnings]
    assert lines == [2, 3, 4, 5, 7, 8]
    assert "broken JSON line, skipped" in warnings[0]
    assert "no id" in warnings[1] and "no text" in warnings[2] and "empty" in warnings[3]
    assert "duplicate id 'b1'" in warnings[4] and "broken.jsonl:1" in warnings[4]


def test_empty_document_and_duplicate_id_across_files(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("---\nid: same\n---\nیکم.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("---\nid: same\n---\nدوم.", encoding="utf-8")
    (tmp_path / "empty.md").write_text("\n  \n", encoding="utf-8")
    documents, warnings = _load(tmp_path)
    assert [(d.id, d.text) for d in documents] == [("same", "یکم.")]
    assert len(warnings) == 2
    assert "b.txt: duplicate id 'same'" in warnings[0]
    assert "empty.md: empty document, skipped" in warnings[1]


def test_a_copy_of_a_document_is_kept_and_named(tmp_path: Path) -> None:
    (tmp_path / "eram.txt").write_text("باغ ارم\n\nباغ ارم در شیراز است.\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "eram copy.txt").write_text("باغ ارم\n\nباغ ارم  در شیراز است.", encoding="utf-8")
    documents, warnings = _load(tmp_path)
    assert [d.id for d in documents] == ["eram", "sub/eram copy"]
    assert len(warnings) == 1 and "sub/eram copy.txt" in warnings[0] and "the same text as" in warnings[0]


def test_warnings_go_to_the_log_by_default(caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="qa.ingest"):
        load_corpus(FIXTURES / "broken.jsonl")
    assert "broken.jsonl:2: broken JSON line, skipped" in caplog.text


# Layout on its own -------------------------------------------------------------------------


@given(st.text(alphabet="ابپتسیک ۱۲۳456.،\n\f\r»«(؛", max_size=400))
@settings(max_examples=200, deadline=None)
def test_layout_keeps_length_and_only_blanks(text: str) -> None:
    layout = read_layout(text)
    assert len(layout.text) == len(text)
    for kept, original in zip(layout.text, text, strict=True):
        assert kept == original or kept in " \n"
    if layout.pages:
        assert layout.pages[0].char_start == 0 and layout.pages[-1].char_end == len(text)


def test_consecutive_years_in_short_lines_are_not_pages() -> None:
    text = "رویدادها\n\nجنگ آغاز شد 1990\n\nصلح شد 1991\n\nپایان 1992\n\n"
    assert read_layout(text).pages == ()


def test_a_short_page_does_not_cut_the_run_of_page_numbers() -> None:
    # A chapter's last page holds a line; pages before it must keep their own numbers.
    full = "این جمله برای پر کردن صفحه است و چیزی نمی‌گوید. " * 6
    pages = [f"{full}{n}" for n in range(1, 6)] + ["پایان فصل دوم. 6", f"فصل سوم\n\n{full}7", f"{full}8"]
    text = "\n\n\n".join(pages) + "\n"
    layout = read_layout(text)
    assert [p.number for p in layout.pages] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert layout.text[layout.pages[1].char_start : layout.pages[1].char_end].strip() == full.strip()
    assert "پایان فصل دوم. " in layout.text and "دوم. 6" not in layout.text


def test_numbered_chapter_headings_are_not_page_numbers() -> None:
    full = "این جمله برای پر کردن صفحه است و چیزی نمی‌گوید. " * 6
    chapters = "\n\n".join(f"فصل {n}\n\n{full}" for n in (1, 2, 3, 4))
    layout = read_layout(chapters)
    assert layout.pages == () and layout.text == chapters
    # With page numbers too, the pages are found and the chapters keep their numbers.
    book = "\n\n\n".join(f"فصل {n}\n\n{full}{n}" for n in (1, 2, 3, 4)) + "\n"
    layout = read_layout(book)
    assert [p.number for p in layout.pages] == [1, 2, 3, 4]
    assert all(f"فصل {n}\n" in layout.text for n in (1, 2, 3, 4))
    # A page footer naming the page is a page number.
    footers = "\n\n\n".join(f"{full}\n\nصفحه {n}" for n in (1, 2, 3))
    assert [p.number for p in read_layout(footers).pages] == [1, 2, 3]


def test_a_page_footer_naming_the_page_is_layout_as_a_whole() -> None:
    # «صفحه ۲۱» alone after each page: its word leaves the text with its number, and the next
    # page's first sentence is on that page alone.
    full = "این جمله برای پر کردن برگه است و چیزی نمی‌گوید. " * 6
    for word in ("صفحه", "ص.", "Page"):
        text = "\n\n".join(f"{full.strip()}\n\n{word} {n}\n" for n in ("۲۱", "۲۲", "۲۳"))
        layout = read_layout(text)
        assert [p.number for p in layout.pages] == [21, 22, 23]
        assert word not in layout.text
        document = Document("d", "d", layout.text, pages=layout.pages)
        second = layout.text.index("این جمله", layout.pages[1].char_start)
        assert document.pages_between(second, second + 10) == (22,)
        assert layout.text[: second].rstrip().endswith("نمی‌گوید.")


def test_a_page_number_between_dashes_is_layout_with_its_footnotes() -> None:
    # «- ۳۱ -» alone at the foot of each page: the whole line is the page number, and the
    # footnote lines just above it are the page's footnotes, their markers out of the text.
    full = "این جمله برای پر کردن برگه است و چیزی نمی‌گوید. " * 6
    for left, right in (("- ", " -"), ("— ", " —"), ("–", "–"), ("-", "-")):
        for digits in (("۳۱", "۳۲", "۳۳"), ("31", "32", "33")):
            pages = [
                f"{full}کریم خان زند شیراز را پایتخت کرد.{n}\n\n"
                f"{n}. پری، کریم خان زند، ترجمه ساکی https://example.org/p{n}\n\n{left}{d}{right}\n"
                for n, d in zip((12, 13, 14), digits, strict=True)
            ]
            text = "\n".join(pages)
            layout = read_layout(text)
            assert [p.number for p in layout.pages] == [31, 32, 33]
            assert [(f.mark, f.page) for f in layout.footnotes] == [("12", 31), ("13", 32), ("14", 33)]
            assert all(f.char_start >= 0 for f in layout.footnotes)
            assert left.strip() not in layout.text and "example.org" not in layout.text
            assert "پایتخت کرد. " in layout.text and "کرد.12" not in layout.text
            document = Document("d", "d", layout.text, pages=layout.pages)
            second = layout.text.index("این جمله", layout.pages[1].char_start)
            assert document.pages_between(second, second + 10) == (32,)


def test_a_page_number_above_its_page_numbers_that_page() -> None:
    # «۴۱» above each page's text: the text under it is page 41, not 42 (with an empty 41).
    full = "این جمله برای پر کردن برگه است و چیزی نمی‌گوید. " * 6
    pages = [
        f"{d}\n\n{full}کریم خان زند شیراز را پایتخت کرد.{n}\n\n"
        f"{n}. پری، کریم خان زند، ترجمه ساکی https://example.org/p{n}\n\n"
        for n, d in zip((12, 13, 14), ("۴۱", "۴۲", "۴۳"), strict=True)
    ]
    layout = read_layout("".join(pages))
    assert [p.number for p in layout.pages] == [41, 42, 43]
    assert [(f.mark, f.page) for f in layout.footnotes] == [("12", 41), ("13", 42), ("14", 43)]
    assert "۴۱" not in layout.text and "example.org" not in layout.text
    document = Document("d", "d", layout.text, pages=layout.pages)
    for number, page in zip((41, 42, 43), layout.pages, strict=True):
        first = layout.text.index("این جمله", page.char_start)
        assert document.pages_between(first, first + 10) == (number,)


def test_pages_left_out_of_an_excerpt_keep_the_run() -> None:
    full = "این جمله برای پر کردن صفحه است و چیزی نمی‌گوید. " * 6
    text = "\n\n\n".join(f"{full}{n}" for n in (1, 2, 3, 5, 6)) + "\n"
    assert [p.number for p in read_layout(text).pages] == [1, 2, 3, 5, 6]
    # A jump across more pages than an excerpt plausibly leaves out starts a new run.
    text = "\n\n\n".join(f"{full}{n}" for n in (1, 2, 30, 31, 32)) + "\n"
    assert [p.number for p in read_layout(text).pages] == [30, 31, 32]


def test_a_body_paragraph_starting_with_a_number_is_not_a_footnote() -> None:
    filler = "این جمله برای پر کردن صفحه است و چیزی نمی‌گوید. " * 6
    text = f"{filler}\n\n۱۹۹۱ سال استقلال بود و همه شاد بودند 5\n\n\n{filler}\n\nپایان 6\n\n\nآخر."
    layout = read_layout(text)
    assert [p.number for p in layout.pages] == [5, 6, 7]
    assert layout.footnotes == ()
    assert "۱۹۹۱ سال استقلال بود" in layout.text


def test_huge_numbers_are_text() -> None:
    huge = "9" * 5000
    filler = "جمله‌ای برای پر کردن صفحه. " * 10
    text = f"{filler}x{huge}\n\n{huge} {filler} {huge}\n\n{filler}"
    layout = read_layout(text)
    assert layout.text == text and layout.pages == ()
