"""Validate the evaluation sets in eval/: every answer is really in the text, on the right page.

Run from the repository root:  .venv/bin/python eval/check_sets.py
Exits non-zero when a row is malformed, an answer is missing from the article (verbatim or after
normalization), or an answer also occurs on a page other than the row's page. Answers that occur
more than once on their own page, and questions that copy a long run of words from the article,
are reported as warnings. The PQuAD files are checked for shape and for positive_ids that exist
in eval/pquad_corpus.jsonl.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

from qa.text import normalize, tokens

EVAL_DIR = Path(__file__).resolve().parent
DEFAULT_ARTICLE = EVAL_DIR.parent / "corpus" / "kazakhstan-russia.txt"
QUESTION_TYPES = {"why", "when", "who", "where", "how-many", "what", "how", "source"}
# A question sharing this many consecutive words with the article was copied, not paraphrased.
COPIED_RUN_WORDS = 5
# Each printed page ends with its number at the end of its last line (the footnote line, if any).
_PAGE_END = re.compile(r"[ \t](\d{3})[ \t]*\n", re.MULTILINE)
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)


def read_jsonl(path: Path) -> list[dict]:
    """Rows of a JSONL file (blank lines skipped)."""
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def split_pages(text: str) -> dict[int, str]:
    """Printed page number -> that page's text; the text after the last number is the next page."""
    pages: dict[int, str] = {}
    start = 0
    last = None
    for match in _PAGE_END.finditer(text):
        last = int(match.group(1))
        pages[last] = text[start : match.start()]
        start = match.end()
    if last is not None and text[start:].strip():
        pages[last + 1] = text[start:]
    return pages


def longest_shared_run(question: str, article_tokens: list[str]) -> int:
    """Length of the longest run of consecutive question words that also occurs in the article."""
    q = tokens(normalize(question))
    article = " " + " ".join(article_tokens) + " "
    best = 0
    for i in range(len(q)):
        for j in range(i + best + 1, len(q) + 1):
            if " " + " ".join(q[i:j]) + " " not in article:
                break
            best = j - i
    return best


def check_default(rows: list[dict], text: str, errors: list[str], warnings: list[str]) -> None:
    """Answerable rows: fields, answers verbatim + normalized, on the row's page only."""
    pages = split_pages(text)
    norm_pages = {number: normalize(page) for number, page in pages.items()}
    article_tokens = tokens(normalize(text))
    for row in rows:
        rid = row.get("id", "?")
        if not row.get("question") or not row.get("answers"):
            errors.append(f"{rid}: question and answers are required")
            continue
        if row.get("type") not in QUESTION_TYPES:
            errors.append(f"{rid}: type {row.get('type')!r} not in {sorted(QUESTION_TYPES)}")
        if row.get("page") not in pages:
            errors.append(f"{rid}: page {row.get('page')!r} not in {sorted(pages)}")
        for answer in row["answers"]:
            if answer not in text:
                errors.append(f"{rid}: answer not verbatim in the article: {answer}")
            needle = normalize(answer)
            counts = {n: page.count(needle) for n, page in norm_pages.items() if needle in page}
            if not counts:
                errors.append(f"{rid}: answer not in the normalized article: {answer}")
            elif set(counts) != {row.get("page")}:
                errors.append(
                    f"{rid}: answer on pages {sorted(counts)}, row says {row.get('page')}: {answer}"
                )
            elif sum(counts.values()) > 1:
                warnings.append(
                    f"{rid}: answer occurs {sum(counts.values())} times on page {row['page']}: {answer}"
                )
        run = longest_shared_run(row["question"], article_tokens)
        if run >= COPIED_RUN_WORDS:
            warnings.append(f"{rid}: question shares {run} consecutive words with the article")


def check_unanswerable(rows: list[dict], errors: list[str]) -> None:
    """Unanswerable rows: a question and an empty answer list."""
    for row in rows:
        if not row.get("id") or not row.get("question") or row.get("answers") != []:
            errors.append(f"{row.get('id', '?')}: needs id, question and answers == []")


def check_pquad(
    rows: list[dict], corpus_ids: set[str], answerable: bool, errors: list[str]
) -> None:
    """PQuAD rows: positive_ids present in the corpus; answers non-empty exactly when answerable."""
    for row in rows:
        rid = row.get("id", "?")
        if not row.get("positive_ids") or not set(row["positive_ids"]) <= corpus_ids:
            errors.append(f"{rid}: positive_ids missing from pquad_corpus.jsonl")
        if bool(row.get("answers")) != answerable:
            errors.append(f"{rid}: answers should be {'non-empty' if answerable else 'empty'}")


def main(argv: list[str] | None = None) -> int:
    """Check all sets, print a summary and any problems; 0 when there are no errors."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--article", type=Path, default=DEFAULT_ARTICLE, help="the default corpus article"
    )
    args = parser.parse_args(argv)
    if not args.article.exists():
        print(f"article not found at {args.article}: pass --article", file=sys.stderr)
        return 2
    text = _FRONT_MATTER.sub("", args.article.read_text(encoding="utf-8"))
    errors: list[str] = []
    warnings: list[str] = []

    default = read_jsonl(EVAL_DIR / "default.jsonl")
    unanswerable = read_jsonl(EVAL_DIR / "default_unanswerable.jsonl")
    check_default(default, text, errors, warnings)
    check_unanswerable(unanswerable, errors)
    corpus_ids = {row["id"] for row in read_jsonl(EVAL_DIR / "pquad_corpus.jsonl")}
    pquad_dev = read_jsonl(EVAL_DIR / "pquad_dev.jsonl")
    pquad_na = read_jsonl(EVAL_DIR / "pquad_dev_unanswerable.jsonl")
    check_pquad(pquad_dev, corpus_ids, True, errors)
    check_pquad(pquad_na, corpus_ids, False, errors)

    all_ids = [r.get("id") for r in default + unanswerable + pquad_dev + pquad_na]
    errors += [f"duplicate id {i}" for i, n in Counter(all_ids).items() if n > 1]
    print(f"default: {len(default)} rows")
    print("  by type:", dict(sorted(Counter(r.get("type") for r in default).items())))
    print("  by page:", dict(sorted(Counter(r.get("page") for r in default).items())))
    print(f"default_unanswerable: {len(unanswerable)} rows")
    print(
        f"pquad: {len(pquad_dev)} dev, {len(pquad_na)} unanswerable, {len(corpus_ids)} paragraphs"
    )
    for line in warnings:
        print("warning:", line)
    for line in errors:
        print("error:", line)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
