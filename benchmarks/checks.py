"""How well ``briefing check`` catches misattribution, and how fast.

    .venv/bin/python benchmarks/checks.py [--summedits ../shared/datasets/summedits-news/dev.json]

1. The perturbation suite (``evals/perturbations.yaml``): recall per error type, and the false
   positive rate on the faithful controls.
2. SummEdits, news domain (dev half): each summary is flagged or not, against the human label
   (consistent or not): balanced accuracy overall, the share flagged per edit type, the false
   alarms on the consistent (faithful) half, in all and by the finding types beyond attribution
   alone, and per finding type how often it is raised on each half.
3. Speed: checks per second over the SummEdits summaries, each article analysed once.
4. PolNeAR dev (``--polnear``): the faithful summaries written by rule from its gold
   attributions (``evals.faithful``), false alarms by kind; and the misattributions real
   summaries show (``perturb.misattributions``), recall by kind.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections import defaultdict
from pathlib import Path

from briefing.evals.check import FINDING_TYPES, Checker
from briefing.evals.faithful import from_gold, summaries
from briefing.evals.perturb import misattributions
from briefing.evals.polnear import gold_articles
from briefing.evals.suites import Runner
from briefing.models import Article, ArticleMeta

ROOT = Path(__file__).resolve().parent.parent
# a perturbation case's id ends in its kind and its number ("...-hedge_dropped-2")
_CASE_KIND = re.compile(r"-([a-z]+(?:_[a-z]+)*)-\d+$")
# the finding types beyond attribution (``analyze.facts``)
FACTS = ("unsupported_entity", "number_mismatch", "negation_flipped", "unsupported_claim")


def perturbations(path: Path) -> None:
    run = Runner().run(path)
    stats: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in run.results:
        m = _CASE_KIND.search(r.case.id)
        kind = m.group(1) if m else "other"
        stats[kind][0] += r.passed
        stats[kind][1] += 1
    print("| error type | cases | recall |")
    print("|---|---|---|")
    for k, (p, n) in sorted(stats.items()):
        if k != "control":
            print(f"| {k} | {n} | {p / n:.2f} |")
    p, n = stats["control"]
    print(f"| faithful controls | {n} | false positives {(n - p) / n:.2f} |" if n else "")


def summedits(path: Path) -> None:
    items = json.loads(path.read_text(encoding="utf-8"))
    checkers: dict[str, Checker] = {}
    t0 = time.perf_counter()
    for doc in {it["doc"] for it in items}:
        checkers[doc] = Checker(Article(meta=ArticleMeta(id="doc", path="<summedits>"), text=doc))
    analyse = time.perf_counter() - t0
    rows = []
    t0 = time.perf_counter()
    for it in items:
        res = checkers[it["doc"]].check(it["summary"])
        rows.append((it, not res.passed, {f.type for f in res.findings}))
    seconds = time.perf_counter() - t0
    pos = [r for r in rows if r[0]["label"] == 0]  # inconsistent: should be flagged
    neg = [r for r in rows if r[0]["label"] == 1]
    tpr = sum(r[1] for r in pos) / len(pos)
    tnr = sum(not r[1] for r in neg) / len(neg)
    print(
        f"SummEdits news dev: {len(items)} summaries ({len(neg)} consistent, {len(pos)} "
        f"inconsistent), {len(checkers)} articles"
    )
    print(
        f"balanced accuracy {100 * (tpr + tnr) / 2:.1f} (flagged {100 * tpr:.1f}% of inconsistent, "
        f"passed {100 * tnr:.1f}% of consistent)"
    )
    facts_alarms = sum(bool(types & set(FACTS)) for _, _, types in neg) / len(neg)
    print(
        f"faithful half: {100 * (1 - tnr):.1f}% flagged in all, {100 * facts_alarms:.1f}% by the "
        "finding types beyond attribution"
    )
    by_type: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for it, flagged, _ in pos:
        for t in it.get("edit_types") or ["(none)"]:
            by_type[t][0] += flagged
            by_type[t][1] += 1
    facts_by_type: dict[str, int] = defaultdict(int)
    for it, _, types in pos:
        for t in it.get("edit_types") or ["(none)"]:
            facts_by_type[t] += bool(types & set(FACTS))
    print("| edit type | inconsistent summaries | flagged | flagged by the new types |")
    print("|---|---|---|---|")
    for t, (f, n) in sorted(by_type.items()):
        print(f"| {t} | {n} | {f / n:.2f} | {facts_by_type[t] / n:.2f} |")
    print()
    print("| finding type | on inconsistent | on consistent |")
    print("|---|---|---|")
    for ft in FINDING_TYPES:
        on_pos = sum(ft in types for _, _, types in pos)
        on_neg = sum(ft in types for _, _, types in neg)
        if on_pos or on_neg:
            print(f"| {ft} | {on_pos} | {on_neg} |")
    print(
        f"speed: {len(items) / seconds:.0f} checks per second ({1000 * seconds / len(items):.1f} "
        f"ms each; the {len(checkers)} articles took {analyse:.2f} s to analyse once)"
    )


def polnear(root: Path) -> None:
    made: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    faithful: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for g in gold_articles(root, "dev"):
        checker = Checker(Article(meta=ArticleMeta(id=g.name, path=str(g.path)), text=g.text))
        claims = from_gold(g.text, g.relations, checker.an)
        for f in summaries(claims):
            faithful[f.kind][0] += not checker.check(f.summary).passed
            faithful[f.kind][1] += 1
        for p in misattributions(g.text, claims, checker.an):
            found = {x.type for x in checker.check(p.summary).findings}
            made[p.kind][0] += bool(set(p.expect) & found)
            made[p.kind][1] += 1
    total = sum(n for _, n in faithful.values())
    alarms = sum(b for b, _ in faithful.values())
    print(f"PolNeAR dev, faithful summaries by rule: {total}, flagged {alarms}")
    print("| kind | summaries | flagged |")
    print("|---|---|---|")
    for k, (b, n) in faithful.items():
        print(f"| {k} | {n} | {b} |")
    print()
    print("| misattribution | cases | recall |")
    print("|---|---|---|")
    for k, (c, n) in made.items():
        print(f"| {k} | {n} | {c / n:.2f} |")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--perturbations", type=Path, default=ROOT / "evals" / "perturbations.yaml")
    ap.add_argument(
        "--summedits",
        type=Path,
        default=ROOT.parent / "shared" / "datasets" / "summedits-news" / "dev.json",
    )
    ap.add_argument("--polnear", type=Path, default=ROOT.parent / "shared" / "datasets" / "polnear")
    args = ap.parse_args()
    perturbations(args.perturbations)
    print()
    if args.summedits.exists():
        summedits(args.summedits)
    else:
        print(f"(no SummEdits file at {args.summedits})")
    print()
    if args.polnear.exists():
        polnear(args.polnear)
    else:
        print(f"(no PolNeAR at {args.polnear})")


if __name__ == "__main__":
    main()
