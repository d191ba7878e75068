"""Peak memory of ``briefing extract`` as the number of articles grows.

``extract`` prints each article as soon as it is analysed and keeps none, so its memory should
not grow with the number of articles. This runs ``briefing extract --format jsonl`` as its own
process over the first 10, 100 and 840 articles of a folder (default: the PolNeAR train split)
and reports each run's wall time and, sampled every 50 ms from ``/proc/PID/smaps_rollup``, the
largest resident size of any of its processes (it analyses in worker processes, one per core,
``BRIEFING_WORKERS``) and the peak of their proportional set sizes summed (a page the forked
workers share with their parent counts once in all), and the growth per article between the
smallest and the largest run. ``--rev REV`` measures a commit instead of the working tree, from a
temporary ``git worktree``, for a before-and-after.

    .venv/bin/python -m benchmarks.extract_memory [FOLDER] [--counts 10 100 840] [--format json]
        [--rev HEAD]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRAIN = ROOT.parent / "shared" / "datasets" / "polnear" / "data" / "train" / "text"


def _tree(pid: int) -> list[int]:
    """``pid`` and its children (the workers are the parent's direct children)."""
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return [pid]
    return [pid, *map(int, kids)]


def _kib(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def measure(code_root: Path, files: list[Path], fmt: str) -> tuple[float, float, float]:
    """(wall seconds, the largest RSS sampled of any of its processes, and the peak of their
    summed PSS, in MiB) of one extract over ``files``, run from ``code_root``."""
    env = dict(os.environ, PYTHONPATH=str(code_root))
    cmd = [sys.executable, "-P", "-m", "briefing", "extract", *map(str, files), "--format", fmt]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    largest = pss = 0
    while proc.poll() is None:
        pids = _tree(proc.pid)
        largest = max(largest, *(_kib(p, "Rss") for p in pids))
        pss = max(pss, sum(_kib(p, "Pss") for p in pids))
        time.sleep(0.05)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"extract over {len(files)} articles failed")
    return wall, largest / 1024, pss / 1024


def run(code_root: Path, files: list[Path], counts: list[int], fmt: str) -> list[tuple]:
    rows = []
    for n in counts:
        wall, largest, pss = measure(code_root, files[:n], fmt)
        rows.append((n, wall, largest, pss))
        print(f"| {n} | {wall:.1f} | {largest:.1f} | {pss:.1f} |", flush=True)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", nargs="?", type=Path, default=TRAIN)
    ap.add_argument("--counts", type=int, nargs="+", default=[10, 100, 840])
    ap.add_argument("--format", default="jsonl", choices=["json", "jsonl"])
    ap.add_argument("--rev", help="measure this commit instead of the working tree")
    args = ap.parse_args()
    files = sorted(p for p in args.folder.iterdir() if p.suffix == ".txt")
    if len(files) < max(args.counts):
        raise SystemExit(f"{args.folder} holds {len(files)} articles, fewer than asked for")
    print(f"extract --format {args.format}, {args.rev or 'working tree'}")
    print("| articles | wall (s) | largest RSS of a process (MiB) | peak PSS summed (MiB) |")
    print("|---|---|---|---|")
    if args.rev:
        with tempfile.TemporaryDirectory() as tmp:
            tree = Path(tmp) / "rev"
            git = ["git", "-C", str(ROOT), "worktree"]
            subprocess.run([*git, "add", "--detach", "-q", str(tree), args.rev], check=True)
            try:
                rows = run(tree, files, args.counts, args.format)
            finally:
                subprocess.run([*git, "remove", "--force", str(tree)], check=True)
    else:
        rows = run(ROOT, files, args.counts, args.format)
    (n0, _, p0, s0), (n1, _, p1, s1) = rows[0], rows[-1]
    if n1 > n0:
        grow = (p1 - p0) / (n1 - n0) * 1024, (s1 - s0) / (n1 - n0) * 1024
        print(f"growth: {grow[0]:.1f} KiB an article (largest RSS), {grow[1]:.1f} (summed PSS)")


if __name__ == "__main__":
    main()
