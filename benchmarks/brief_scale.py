"""A one-page PDF brief from 200 and 1,000 real articles: time by stage, and peak memory.

    .venv/bin/python -m benchmarks.brief_scale [--sizes 200 1000] [--polnear DIR] [--cli]

The articles are the bundled examples and PolNeAR's train texts (840; beyond them, the same
texts again with their wording varied, as ``many.py`` varies the examples). Each size runs in
its own process, which reports wall time per stage (reading and analysing, composing the brief
with every shown line checked, fitting the page, writing the PDF) and its peak resident memory
(``ru_maxrss``). Analysing is the engine's cost (about 0.1 s an article with the parse); the
rest is the brief's own. ``--cli`` also times ``briefing build`` as a separate process.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.run import _briefing, measure

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "articles"
POLNEAR = ROOT.parent / "shared" / "datasets" / "polnear" / "data" / "train" / "text"


def make_folder(base: Path, n: int, polnear: Path) -> Path:
    """``n`` articles: the examples, then PolNeAR train texts, then varied copies of those."""
    folder = base / f"articles-{n}"
    folder.mkdir()
    sources = sorted(p for p in EXAMPLES.iterdir() if p.is_file())
    sources += sorted(polnear.glob("*.txt"))
    for i in range(n):
        src = sources[i % len(sources)]
        dest = folder / f"{i:04d}-{src.name}"
        if i < len(sources):
            shutil.copyfile(src, dest)
        else:  # a second pass: the same story in other words, so it is not a byte-for-byte copy
            text = src.read_text(encoding="utf-8", errors="replace")
            text = text.replace(" said ", " told reporters ").replace(" says ", " tells reporters ")
            dest.with_suffix(".txt").write_text(f"Update {i}: {text}", encoding="utf-8")
    return folder


def child(folder: Path, out: Path) -> None:
    """One build in this process, timed by stage; prints a JSON line."""
    from briefing import pipeline
    from briefing.brief.render import render_pdf

    t0 = time.perf_counter()
    loaded = pipeline.load([folder])
    t1 = time.perf_counter()
    brief = pipeline.compose(loaded.analyses, skipped=loaded.errors, pages=1)
    t2 = time.perf_counter()
    brief = pipeline.fit(brief, paper="A4", pages=1)
    t3 = time.perf_counter()
    out.write_bytes(render_pdf(brief, paper="A4"))
    t4 = time.perf_counter()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "articles": len(loaded.analyses),
                "analyse": t1 - t0,
                "compose": t2 - t1,
                "fit": t3 - t2,
                "pdf": t4 - t3,
                "brief": t4 - t1,
                "total": t4 - t0,
                "peak_mib": rss,
                "lines_checked": brief.lines_checked,
                "reworded": brief.lines_reworded,
                "left_out": brief.lines_left_out,
            }
        )
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[200, 1000])
    ap.add_argument("--polnear", type=Path, default=POLNEAR)
    ap.add_argument("--cli", action="store_true", help="also time `briefing build` (3 runs)")
    ap.add_argument("--child", nargs=2, metavar=("FOLDER", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]))
        return
    if not args.polnear.is_dir():
        raise SystemExit(f"no PolNeAR texts at {args.polnear}")
    print(
        "| articles | analyse (s) | compose + check (s) | fit (s) | PDF (s) | brief's own (s) "
        "| total (s) | peak RSS (MiB) | lines checked / reworded / left out |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            folder = make_folder(Path(tmp), n, args.polnear)
            pdf = Path(tmp) / f"brief-{n}.pdf"
            cmd = [sys.executable, "-m", "benchmarks.brief_scale", "--child", str(folder), str(pdf)]
            r = json.loads(subprocess.run(cmd, capture_output=True, check=True, text=True).stdout)
            print(
                f"| {r['articles']} | {r['analyse']:.1f} | {r['compose']:.2f} | {r['fit']:.2f} "
                f"| {r['pdf']:.2f} | {r['brief']:.2f} | {r['total']:.1f} | {r['peak_mib']:.0f} "
                f"| {r['lines_checked']} / {r['reworded']} / {r['left_out']} |"
            )
            if args.cli:
                cli = [*_briefing(), "build", str(folder), "-o", str(pdf), "--quiet"]
                med, worst, peak = measure(cli, 3)
                print(f"|   `briefing build`: median {med:.1f} s, max {worst:.1f} s, {peak} MiB |")


if __name__ == "__main__":
    main()
