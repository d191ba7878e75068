"""Time and peak memory of an offline brief from 10, 50 and 200 articles, to PDF.

    .venv/bin/python -m benchmarks.many [--runs 3] [--sizes 10 50 200]

There are not 200 real articles in the repository, so the folders hold the bundled examples and
the morning fixtures copied with their text varied ("Update N: ...", reporting verbs changed):
enough for grouping, merging and page fitting to do real work. Each build is a separate process
(figures from run.py's measure: median wall, peak resident memory).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from benchmarks.run import _briefing, measure
from tests.support.adversarial import varied_copies

ROOT = Path(__file__).resolve().parent.parent


def make_folder(base: Path, n: int) -> Path:
    return varied_copies(base, n)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10, 50, 200])
    args = ap.parse_args()
    print("| articles | median wall (s) | max wall (s) | peak RSS (MiB) |")
    print("|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            folder = make_folder(Path(tmp), n)
            cmd = [
                *_briefing(),
                "build",
                str(folder),
                "-o",
                str(Path(tmp) / f"brief-{n}.pdf"),
                "--quiet",
            ]
            med, worst, peak = measure(cmd, args.runs)
            print(f"| {n} | {med:.2f} | {worst:.2f} | {peak} |")


if __name__ == "__main__":
    main()
