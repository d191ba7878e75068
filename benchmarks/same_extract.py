"""Does ``briefing extract`` print the same as it did at an earlier commit?

A refactoring must not change what the engine finds. This runs ``briefing extract --format
jsonl`` twice over the same inputs, once from a temporary ``git worktree`` of REV and once from the
working tree, and compares the two outputs article by article. It prints the first differences
and exits 1 when there are any.

    python -m benchmarks.same_extract --rev 08ad44b examples/articles \
        ../shared/datasets/polnear/data/dev/text
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _extract(code_root: Path, paths: list[str]) -> dict[str, dict]:
    """Run the CLI of the checkout at ``code_root`` and key its output by article path.

    ``-P``: without it, ``python -m`` puts the current folder (the working tree) ahead of
    PYTHONPATH, and both runs would import the working tree's package.
    """
    env = dict(os.environ, PYTHONPATH=str(code_root))
    where = subprocess.run(
        [sys.executable, "-P", "-c", "import briefing; print(briefing.__file__)"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
    ).stdout.strip()
    if not Path(where).resolve().is_relative_to(code_root.resolve()):
        sys.exit(f"same_extract: the run for {code_root} would import {where}")
    proc = subprocess.run(
        [sys.executable, "-P", "-m", "briefing", "extract", *paths, "--format", "jsonl"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    if proc.returncode not in (0,):
        sys.exit(
            f"same_extract: extract at {code_root} failed ({proc.returncode}): {proc.stderr[-500:]}"
        )
    out = {}
    for line in proc.stdout.splitlines():
        d = json.loads(line)
        out[d["article"]["path"]] = d
    return out


def _first_difference(a: object, b: object, where: str = "") -> str | None:
    if type(a) is not type(b):
        return f"{where}: {a!r} != {b!r}"
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return f"{where}.{k}: only in {'old' if k in a else 'new'}"
            d = _first_difference(a[k], b[k], f"{where}.{k}")
            if d:
                return d
        return None
    if isinstance(a, list):
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            d = _first_difference(x, y, f"{where}[{i}]")
            if d:
                return d
        if len(a) != len(b):
            return f"{where}: {len(a)} items before, {len(b)} now"
        return None
    return None if a == b else f"{where}: {a!r} != {b!r}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rev", required=True, help="the commit to compare against")
    ap.add_argument("paths", nargs="+")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "old"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(tree), args.rev],
            check=True,
        )
        try:
            old = _extract(tree, args.paths)
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=True
            )
    new = _extract(ROOT, args.paths)
    differ = 0
    for path in sorted(set(old) | set(new)):
        if path not in old or path not in new:
            print(f"{path}: only {'before' if path in old else 'now'}")
            differ += 1
            continue
        d = _first_difference(old[path], new[path])
        if d:
            differ += 1
            if differ <= 20:
                print(f"{path}{d}")
    print(f"{len(new)} articles, {differ} differ from {args.rev}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
