"""Score ``briefing extract`` on a PolNeAR split, and say where its errors gather.

Run by hand from the repository root (the corpus is not in the repository; see its README for
what may be done with it):

    .venv/bin/python -m benchmarks.polnear [POLNEAR_DIR] [--split dev|train] [--raw]
        [--limit N] [--examples N] [--json OUT]

The engine runs in process (``pipeline.load``, as ``build`` reads articles); the scores are
:mod:`briefing.evals.polnear`, the same rules as the shared scorer beside the corpus
(``tools/polnear_score.py``), and the first line printed is that scorer's line, so the two can
be compared as text. Then the misses and false positives of who-said-what by construction
(:mod:`briefing.evals.polnear_errors`), and with ``--examples N`` up to N of each.
"""

from __future__ import annotations

import argparse
import datetime
import json
import subprocess
import sys
import time
from pathlib import Path

from briefing import pipeline
from briefing.analyze.lexicon import registry
from briefing.evals import polnear, polnear_errors

ROOT = Path(__file__).resolve().parent.parent
POLNEAR = ROOT.parent / "shared" / "datasets" / "polnear"


def extract_all(golds: list[polnear.GoldArticle]) -> list[dict | None]:
    """Each gold article's extract JSON (None where the engine could not read it), from the
    pipeline's load, as ``build`` and ``extract`` read articles."""
    loaded = pipeline.load([g.path for g in golds])
    for e in loaded.errors:
        print(f"skipped {e}", file=sys.stderr)
    by_path = {an.article.path: pipeline.extraction(an) for an in loaded.analyses}
    return [by_path.get(str(g.path)) for g in golds]


def _commit() -> str:
    proc = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    )
    dirty = subprocess.run(
        ["git", "-C", str(ROOT), "status", "--porcelain", "-uno", "--", "briefing"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    return proc.stdout.strip() + (" (with uncommitted changes)" if dirty else "")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root", nargs="?", type=Path, default=POLNEAR)
    ap.add_argument("--split", default="dev", choices=["dev", "train"])
    ap.add_argument("--raw", action="store_true", help="score predictions as they are")
    ap.add_argument("--limit", type=int, help="only the first N articles")
    ap.add_argument("--examples", type=int, default=0, help="print N errors of each kind")
    ap.add_argument("--json", type=Path, help="write figures, articles and errors as JSON")
    args = ap.parse_args()
    if not (args.root / "data" / args.split).is_dir():
        raise SystemExit(f"no PolNeAR {args.split} split under {args.root}")
    golds = list(polnear.gold_articles(args.root, args.split))[: args.limit]
    t0 = time.perf_counter()
    extractions = extract_all(golds)
    seconds = time.perf_counter() - t0
    score = polnear.score_split(golds, extractions, raw=args.raw)
    cue_class = registry().cue_forms.get
    cases = [
        case
        for gold, art, ex in zip(golds, score.articles, extractions, strict=True)
        for case in polnear_errors.cases(gold, art, ex or {}, cue_class)
    ]
    print(score.line(args.split, args.raw))
    print(f"{_commit()}, {datetime.date.today()}, engine {seconds:.1f} s")
    print()
    print("| figure | P | R | F1 |")
    print("|---|---|---|---|")
    for name, (p, r, f) in score.figures().items():
        print(f"| {name} | {p:.3f} | {r:.3f} | {f:.3f} |")
    print()
    print("who-said-what errors by construction:")
    print("\n".join(polnear_errors.table(cases)))
    if args.examples:
        print("\n".join(polnear_errors.examples(cases, args.examples)))
    if args.json:
        payload = {
            "split": args.split,
            "raw": args.raw,
            "commit": _commit(),
            "date": str(datetime.date.today()),
            "figures": {k: dict(zip("prf", v, strict=True)) for k, v in score.figures().items()},
            "totals": vars(score.counts),
            "per_article": [{"article": a.name, **vars(a.counts)} for a in score.articles],
            "errors": polnear_errors.as_json(cases),
        }
        args.json.write_text(json.dumps(payload, indent=1, ensure_ascii=False), encoding="utf-8")
    goals = (
        score.f1("source") >= polnear.GOAL_SOURCE
        and score.f1("content") >= polnear.GOAL_CONTENT
        and score.f1("who-said-what") >= polnear.GOAL_WSW
    )
    sys.exit(0 if goals else 1)


if __name__ == "__main__":
    main()
