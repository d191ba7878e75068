"""Median time of the deterministic engine on a 1,000-word article, in process.

    .venv/bin/python benchmarks/analyze_speed.py [--words 1000] [--runs 30]

The article is built from the bundled examples, whole paragraphs in a fixed order, until it
reaches the word count, so it has real quotes, cues and names. The registry and lexicons are
loaded once before timing (as in a long batch); the first run is not counted.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from briefing.analyze import analyze
from briefing.models import Article, ArticleMeta

ROOT = Path(__file__).resolve().parent.parent


def article_of(words: int) -> str:
    paras: list[str] = []
    for path in sorted((ROOT / "examples" / "articles").glob("*.txt")):
        paras.extend(p for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip())
    out, count, i = [], 0, 0
    while count < words:
        p = paras[i % len(paras)]
        out.append(p)
        count += len(p.split())
        i += 1
    return "\n\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--words", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=30)
    args = ap.parse_args()
    text = article_of(args.words)
    article = Article(meta=ArticleMeta(id="bench", path="bench.txt"), text=text)
    analyze(article)
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        an = analyze(article)
        times.append(time.perf_counter() - t0)
    print(
        f"{len(text.split())} words, {len(an.sentences)} sentences, {len(an.attributions)} "
        "attributions"
    )
    print(
        f"analyze: median {statistics.median(times) * 1000:.1f} ms, min {min(times) * 1000:.1f} "
        f"ms, max {max(times) * 1000:.1f} ms over {args.runs} runs"
    )


if __name__ == "__main__":
    main()
