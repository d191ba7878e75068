"""How alike distinct articles are, against the rule that calls two texts wire copies.

Every pair of texts among the PolNeAR training articles and the bundled examples is compared
as ``briefing.ingest.wire`` compares them (the share of the shorter text's word 5-grams the
other holds). No two of them are copies of one another, so every pair must stay below
``COPY_SHARE``; the pairs that come near it are listed. Then each example article is cut and
re-dressed as another outlet would run it, and must be found a copy.

    python benchmarks/wire_copies.py [/work/shared/datasets/polnear/data/train/text]
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from briefing.ingest.wire import COPY_SHARE, shared, shingles

ROOT = Path(__file__).resolve().parents[1]
FURNITURE = "Sign up for our newsletter."
POLNEAR = Path("/work/shared/datasets/polnear/data/train/text")


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else POLNEAR
    paths = sorted(folder.glob("*.txt")) + sorted((ROOT / "examples" / "articles").glob("*.txt"))
    grams = [shingles(p.read_text(encoding="utf-8")) for p in paths]
    by_gram: dict[int, list[int]] = {}
    for i, g in enumerate(grams):
        for x in g:
            by_gram.setdefault(x, []).append(i)
    pairs: Counter[tuple[int, int]] = Counter()
    for ids in by_gram.values():
        for a in range(len(ids)):
            for b in range(a + 1, len(ids)):
                pairs[ids[a], ids[b]] += 1
    scores = sorted(((shared(grams[a], grams[b]), a, b) for a, b in pairs), reverse=True)
    n = len(paths)
    print(
        f"{n} texts ({sum(1 for g in grams if not g)} too short to judge), "
        f"{n * (n - 1) // 2} pairs, {len(scores)} sharing a 5-gram"
    )
    for lo in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, COPY_SHARE, 0.9):
        print(f"  pairs sharing >= {lo:.2f}: {sum(1 for s, _, _ in scores if s >= lo)}")

    def outlet(i: int) -> str:
        return paths[i].name.split("_", 1)[0] if paths[i].parent == folder else paths[i].stem

    cross = [(s, a, b) for s, a, b in scores if outlet(a) != outlet(b)]
    print(f"  pairs from two outlets: the closest shares {cross[0][0]:.3f}" if cross else "")
    print(f"the closest pairs (threshold {COPY_SHARE}):")
    for s, a, b in scores[:8]:
        print(f"  {s:.3f}  {paths[a].name}  {paths[b].name}")
    print("example articles as copies (last third cut, another headline and furniture):")
    for p in sorted((ROOT / "examples" / "articles").glob("*.txt")):
        text = p.read_text(encoding="utf-8")
        body = text.split("\n", 1)[1]
        cut = body[: len(body) * 2 // 3]
        copy = f"Another outlet's headline\n\nBy The Associated Press\n\n{cut}\n\n{FURNITURE}"
        print(f"  {shared(shingles(text), shingles(copy)):.3f}  {p.name}")


if __name__ == "__main__":
    main()
