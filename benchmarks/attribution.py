"""Score the attribution engine against the hand-annotated dev set.

Run by hand from the repository root:

    .venv/bin/python benchmarks/attribution.py [--gold tests/data/attribution] [--errors]
        [--json OUT]

The metrics (span by span, then attributes on attributions aligned by content) are
:mod:`briefing.evals.metrics`, which the dev-set tests use too; this script only runs the engine
over the gold articles and prints the figures. Every gold span is checked against its article's
text first; a mismatch stops the run.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from briefing.analyze import analyze
from briefing.evals.metrics import GoldError, Report, score_dev_set
from briefing.ingest import load_article

ROOT = Path(__file__).resolve().parent.parent


def engine(path: Path) -> dict:
    """The offline engine's ``extract`` JSON for one article."""
    return analyze(load_article(path)).model_dump(mode="json")


def run(gold_dir: Path) -> tuple[Report, dict[str, int]]:
    return score_dev_set(gold_dir, engine, ROOT)


def main() -> None:
    ap = argparse.ArgumentParser(
        description="Score briefing's attribution engine against the dev set."
    )
    ap.add_argument("--gold", type=Path, default=ROOT / "tests" / "data" / "attribution")
    ap.add_argument(
        "--errors", action="store_true", help="list missed, spurious and mis-sourced attributions"
    )
    ap.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = ap.parse_args()
    try:
        rep, counts = run(args.gold)
    except GoldError as e:
        raise SystemExit(str(e)) from None
    print(f"dev set: {len(counts)} articles, {sum(counts.values())} gold attributions")
    print("| metric | P | R | F1 |")
    print("|---|---|---|---|")
    for name, prf in rep.metrics.items():
        print(f"| {name} | {prf.p:.3f} | {prf.r:.3f} | {prf.f1:.3f} |")
    if args.errors:
        print()
        print("\n".join(rep.errors))
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    n: {"p": m.p, "r": m.r, "f1": m.f1, "n_gold": m.n_gold, "n_pred": m.n_pred}
                    for n, m in rep.metrics.items()
                },
                indent=1,
            )
        )


if __name__ == "__main__":
    sys.exit(main())
