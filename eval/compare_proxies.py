"""Compare two runs of eval/train_proxies.py: the figure each idea is judged by.

    python eval/train_proxies.py > before.txt
    (change the code)
    python eval/train_proxies.py > after.txt
    python eval/compare_proxies.py before.txt after.txt

Prints, for each retriever, the mean MRR@10 and recall@1 over the sets both runs measured (each
set whole, not its low-overlap part: 23 sets since the told sets of 2026-11-29, 19 before) and
how many sets went up and down; then every set whose hybrid MRR@10 moved; then the "no answer" rows that differ. Runs on one machine
only: the stand-in model is trained per machine, and another machine's stand-in moves the
figures as much as a change does.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

RETRIEVERS = ("hybrid", "lexical", "dense")
# A set's row: | set | questions | retriever | R@1 | R@5 | MRR@10 |
Rows = dict[tuple[str, str], tuple[float, float, float]]
# A "no answer" row: | setting | answerable | unanswerable | precision | recall | answerable told so |
NoAnswer = dict[str, tuple[str, ...]]


def read_run(text: str) -> tuple[Rows, NoAnswer]:
    """The set rows (low-overlap parts left out) and the "no answer" rows of one run's output."""
    rows: Rows = {}
    no_answer: NoAnswer = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 6 or not line.startswith("|"):
            continue
        try:
            figures = tuple(float(cell) for cell in cells[3:])
        except ValueError:
            continue  # a header or a separator
        if cells[2] in RETRIEVERS:
            if "low overlap" not in cells[0]:
                rows[(cells[0], cells[2])] = figures  # type: ignore[assignment]
        elif cells[1].isdigit() and cells[2].isdigit():
            no_answer[cells[0]] = tuple(cells[3:])
    return rows, no_answer


def compare(before: str, after: str) -> list[str]:
    """The report's lines for two runs' outputs."""
    old_rows, old_no = read_run(before)
    new_rows, new_no = read_run(after)
    lines = []
    for retriever in RETRIEVERS:
        sets = [name for name, which in old_rows if which == retriever and (name, which) in new_rows]
        if not sets:
            continue
        old = [old_rows[(name, retriever)] for name in sets]
        new = [new_rows[(name, retriever)] for name in sets]
        up = sum(n[2] > o[2] for o, n in zip(old, new, strict=True))
        down = sum(n[2] < o[2] for o, n in zip(old, new, strict=True))
        lines.append(
            f"{retriever}: {len(sets)} sets, mean MRR@10 {_mean(old, 2):.5f} -> {_mean(new, 2):.5f}, "
            f"mean R@1 {_mean(old, 0):.5f} -> {_mean(new, 0):.5f}, {up} up, {down} down")
    moved = [name for name, which in old_rows if which == "hybrid" and (name, which) in new_rows
             and new_rows[(name, which)][2] != old_rows[(name, which)][2]]
    if moved:
        lines.append("hybrid MRR@10 by set:")
        lines += [f"  {name}: {old_rows[(name, 'hybrid')][2]:.4f} -> {new_rows[(name, 'hybrid')][2]:.4f}"
                  for name in moved]
    changed = [name for name in old_no if name in new_no and old_no[name] != new_no[name]]
    if changed:
        lines.append('"no answer" (precision / recall / answerable told so):')
        lines += [f"  {name}: {' / '.join(old_no[name])} -> {' / '.join(new_no[name])}" for name in changed]
    if not old_rows or not new_rows:
        lines.append("no set rows found: give the output of eval/train_proxies.py")
    return lines


def _mean(figures: list[tuple[float, float, float]], column: int) -> float:
    return sum(row[column] for row in figures) / len(figures)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before", type=Path, help="eval/train_proxies.py output before the change")
    parser.add_argument("after", type=Path, help="... and after it")
    args = parser.parse_args(argv)
    try:
        before, after = args.before.read_text(encoding="utf-8"), args.after.read_text(encoding="utf-8")
    except OSError as error:
        print(f"error: cannot read {error.filename}: {error.strerror}", file=sys.stderr)
        return 1
    lines = compare(before, after)
    print("\n".join(lines))
    return 1 if lines and lines[-1].startswith("no set rows") else 0


if __name__ == "__main__":
    raise SystemExit(main())
