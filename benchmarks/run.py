"""Time and peak memory of whole `briefing` commands, for benchmarks/README.md.

Run by hand from the repository root with the project installed:

    .venv/bin/python benchmarks/run.py [--runs 5]

Each command runs as its own process, after one warm-up run; the figures are the median wall
time over the counted runs and the largest peak resident set size (from the kernel's
accounting of the finished child, os.wait4). It also prints the page count of the PDF brief,
which must be 1.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "articles"
SEED = EXAMPLES / "kcna-putin-pyongyang.txt"


def _briefing() -> list[str]:
    exe = Path(sys.executable).with_name("briefing")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "briefing"]


def measure(cmd: list[str], runs: int) -> tuple[float, float, int]:
    """(median wall seconds, max wall seconds, peak RSS in MiB) over ``runs`` after a warm-up."""
    walls, peaks = [], []
    for i in range(runs + 1):
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}")
        if i:  # the first run warms caches and is not counted
            walls.append(wall)
            peaks.append(usage.ru_maxrss / 1024)
    return statistics.median(walls), max(walls), int(max(peaks))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    b = _briefing()
    n_examples = len([p for p in EXAMPLES.iterdir() if p.is_file()])
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "brief.pdf"
        cases = [
            ("extract, seed article", [*b, "extract", str(SEED), "--format", "json"]),
            (
                f"extract, all {n_examples} example articles",
                [*b, "extract", str(EXAMPLES), "--format", "jsonl"],
            ),
            (
                f"build to HTML, {n_examples} articles",
                [*b, "build", str(EXAMPLES), "-o", str(Path(tmp) / "brief.html")],
            ),
            (f"build to PDF, {n_examples} articles", [*b, "build", str(EXAMPLES), "-o", str(pdf)]),
            (
                "build to PDF, seed article",
                [*b, "build", str(SEED), "-o", str(Path(tmp) / "seed.pdf")],
            ),
        ]
        print("| command | median wall (s) | max wall (s) | peak RSS (MiB) |")
        print("|---|---|---|---|")
        for name, cmd in cases:
            med, worst, peak = measure(cmd, args.runs)
            print(f"| {name} | {med:.2f} | {worst:.2f} | {peak} |")
    print()
    for label, paths in (("seed article", [SEED]), (f"{n_examples} example articles", [EXAMPLES])):
        print(f"PDF pages, {label}: {pdf_pages(paths)}")


def pdf_pages(paths: list[Path]) -> int:
    """Pages of the PDF that `build` writes for these inputs (the same fitting, in-process)."""
    from briefing.analyze import analyze
    from briefing.brief import make_brief
    from briefing.brief.fit import fit_one_page
    from briefing.brief.render import page_count
    from briefing.ingest import load_all

    articles, _ = load_all([str(p) for p in paths])
    brief = fit_one_page(make_brief([analyze(a) for a in articles]))
    return page_count(brief)


if __name__ == "__main__":
    main()
