"""eval/side_by_side.py: every retriever and the bm25s reference in one table, from one run."""

import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_side_by_side_prints_every_retriever_and_bm25s(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "eval/side_by_side.py", "eval/default.jsonl", "corpus"],
        cwd=REPO, capture_output=True, text=True, timeout=300,
        env={**os.environ, "QA_CACHE_DIR": str(tmp_path / "cache")},
    )
    assert run.returncode == 0, run.stderr[-2000:]
    rows = {line.split("|")[1].strip(): line for line in run.stdout.splitlines() if line.startswith("| ")}
    assert set(rows) == {"retriever", "hybrid", "dense", "lexical", "bm25s, its own tokenizer"}
    for name in ("hybrid", "dense", "lexical", "bm25s, its own tokenizer"):
        figures = [float(x) for x in re.findall(r"\d\.\d{4}", rows[name])]
        assert len(figures) == (6 if name != "bm25s, its own tokenizer" else 5)
        assert all(0.0 <= x <= 1.0 for x in figures)
    assert "52 questions" in run.stdout


def _proxies_output(reworded_hybrid: str, article_recall: str) -> str:
    # the shape eval/train_proxies.py prints: set rows (whole and low overlap), then "no answer"
    return f"""model x, fusion y
| set | questions | retriever | R@1 | R@5 | MRR@10 |
|---|---|---|---|---|---|
| reworded | 482 | hybrid | 0.8000 | 0.9000 | {reworded_hybrid} |
| reworded | 482 | lexical | 0.7000 | 0.8000 | 0.7500 |
| reworded, low overlap | 300 | hybrid | 0.1000 | 0.2000 | 0.1500 |
| farstail-val | 515 | hybrid | 0.9800 | 0.9900 | 0.9850 |
| farstail-val | 515 | lexical | 0.9700 | 0.9900 | 0.9800 |

| setting | answerable | unanswerable | 'no answer' precision | recall | answerable told 'no answer' |
|---|---|---|---|---|---|
| corpus | 482 | 240 | 0.4800 | 0.5500 | 0.2967 |
| article | 482 | 240 | 0.5547 | {article_recall} | 0.2531 |
"""


def test_compare_proxies_reports_means_moved_sets_and_no_answer_rows() -> None:
    sys.path.insert(0, str(REPO / "eval"))
    from compare_proxies import compare

    lines = compare(_proxies_output("0.8500", "0.6333"), _proxies_output("0.8600", "0.6417"))
    # the low-overlap row is no set of its own: the hybrid mean is over reworded and farstail-val
    assert lines[0] == ("hybrid: 2 sets, mean MRR@10 0.91750 -> 0.92250, mean R@1 0.89000 -> 0.89000, "
                        "1 up, 0 down")
    assert lines[1].startswith("lexical: 2 sets, mean MRR@10 0.86500 -> 0.86500")
    assert "  reworded: 0.8500 -> 0.8600" in lines
    assert "  article: 0.5547 / 0.6333 / 0.2531 -> 0.5547 / 0.6417 / 0.2531" in lines
    assert not any(line.startswith("  corpus") for line in lines)  # unchanged rows are left out


def test_compare_proxies_says_when_a_file_is_no_proxies_output(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("nothing here\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "eval/compare_proxies.py", str(tmp_path / "a.txt"), str(tmp_path / "a.txt")],
                         cwd=REPO, capture_output=True, text=True, timeout=60)
    assert run.returncode == 1
    assert "no set rows found" in run.stdout
    missing = subprocess.run([sys.executable, "eval/compare_proxies.py", str(tmp_path / "gone.txt"), str(tmp_path / "a.txt")],
                             cwd=REPO, capture_output=True, text=True, timeout=60)
    assert missing.returncode == 1 and missing.stderr.startswith("error: cannot read")


def test_passage_sizes_summarizes_what_the_first_answer_showed() -> None:
    sys.path.insert(0, str(REPO / "eval"))
    from passage_sizes import Seen, summary

    rows = [Seen(True, True, True, 500, 150), Seen(True, True, False, 600, 100),
            Seen(False, True, False, 400, 200), Seen(False, False, False, 300, 50)]
    # questions | passage@1 | answer shown@1 | passage@5 | mean passage chars | mean evidence chars
    assert summary(rows) == "4 | 0.5000 | 0.2500 | 0.7500 | 450 | 125"


def test_passage_sizes_refuses_a_size_no_index_could_have() -> None:
    run = subprocess.run([sys.executable, "eval/passage_sizes.py", "600", "99"],
                         cwd=REPO, capture_output=True, text=True, timeout=120)
    assert run.returncode == 2
    assert "at least 100 characters" in run.stderr


def test_passage_sizes_refuses_an_overlap_no_index_could_have() -> None:
    run = subprocess.run([sys.executable, "eval/passage_sizes.py", "600", "--overlap", "6"],
                         cwd=REPO, capture_output=True, text=True, timeout=120)
    assert run.returncode == 2
    assert "the overlap is 0 to 5 sentences" in run.stderr


def test_respelling_accuracy_counts_each_reading_right_wrong_kept_or_unknowable() -> None:
    import collections

    sys.path.insert(0, str(REPO / "eval"))
    from respelling_accuracy import judge
    from test_misspelling import Corpus

    corpus = Corpus("فلسفه یونان", "شهر مریوان", "دریاچه مریوان", "مروان حکم")
    tally: collections.Counter = collections.Counter()
    judge(corpus, [("فلسفه", "فسلفه"),  # read back: right
                   ("مروان", "مرسوان"),  # read as the likelier «مریوان»: wrong
                   ("فلسفه", "فلثفت"),  # two letters changed: no corpus word one mistake away, kept
                   ("سفر", "صفر")], tally, show=None)  # «صفر» is a word too: no reading could tell
    assert tally == {"right": 1, "wrong": 1, "kept": 1, "another known word": 1}
