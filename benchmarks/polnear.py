"""Score ``briefing extract`` on a PolNeAR split, and say where its errors gather.

Run by hand from the repository root (the corpus is not in the repository; see its README for
what may be done with it):

    .venv/bin/python -m benchmarks.polnear [POLNEAR_DIR] [--split dev|train] [--raw]
        [--limit N] [--examples N] [--json OUT] [--backend offline|openai] [--model M]
        [--base-url URL]

The engine runs in process (``pipeline.load``, as ``build`` reads articles); the scores are
:mod:`briefing.evals.polnear`, the same rules as the shared scorer beside the corpus
(``tools/polnear_score.py``), and the first line printed is that scorer's line, so the two can
be compared as text. Then the misses and false positives of who-said-what by construction
(:mod:`briefing.evals.polnear_errors`), and with ``--examples N`` up to N of each.

With a model (``--backend openai``, or configured as ``briefing`` reads it: BRIEFING_BACKEND,
BRIEFING_MODEL, OPENAI_BASE_URL, OPENAI_API_KEY, ``briefing.toml``) the articles go through the
pipeline's model stage as ``briefing extract --backend openai`` sends them (packed, windowed,
cached), and what is scored is the list that command prints: the engine's attributions and the
model's that grounded, each marked ``found_by``. Beside it, the engine's own attributions of the
same run, so the model's additions are measured; and per article and in total the calls (failed
ones too), tokens, cost and seconds, and how many attributions the model, both, or the engine
alone found. A model that fails on an article leaves it the engine's, said on stderr.
"""

from __future__ import annotations

import argparse
import datetime
import json
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefing import pipeline
from briefing.analyze.lexicon import registry
from briefing.errors import BriefingError
from briefing.evals import polnear, polnear_errors
from briefing.llm.settings import BACKENDS, Settings, load_settings, redact
from briefing.models import Usage

if TYPE_CHECKING:
    from briefing.models import Analysis

ROOT = Path(__file__).resolve().parent.parent
POLNEAR = ROOT.parent / "shared" / "datasets" / "polnear"


@dataclass
class Extracted:
    """Each gold article's extract JSON (None where the engine could not read it), in gold
    order, and with a model its run and each article's id (for its share of the usage)."""

    extractions: list[dict | None]
    engine_seconds: float
    run: pipeline.ModelRun | None = None
    model_seconds: float = 0.0
    ids: list[str | None] = field(default_factory=list)

    def usage(self, i: int) -> Usage:
        """The i-th article's share of the model's calls, tokens and cost."""
        aid = self.ids[i] if i < len(self.ids) else None
        if self.run is None or aid is None:
            return Usage()
        return self.run.usage_by_article.get(aid, Usage())


def reconciled_extraction(analysis: Analysis, run: pipeline.ModelRun) -> dict:
    """What ``briefing extract --backend openai`` prints for one article: the extraction with
    the model's verdicts, its attributions the engine's and the model's that grounded, each
    marked ``found_by`` (the engine's alone, marked ``engine``, where the model gave nothing)."""
    from briefing.verify.spans import reconcile

    d = pipeline.extraction(analysis, run)
    d["attributions"] = reconcile(analysis, run.verified.get(analysis.article.id))
    return d


def extract_all(golds: list[polnear.GoldArticle], settings: Settings | None = None) -> Extracted:
    """Each gold article's extract JSON, from the pipeline's load, as ``build`` and ``extract``
    read articles; with ``settings`` of the openai backend, the reconciled JSON ``extract
    --backend openai`` prints. Raises ``BriefingError`` where the model cannot be asked at all
    (no key)."""
    t0 = time.perf_counter()
    loaded = pipeline.load([g.path for g in golds])
    engine_seconds = time.perf_counter() - t0
    for e in loaded.errors:
        print(f"skipped {e}", file=sys.stderr)
    by_path = {an.article.path: an for an in loaded.analyses}
    found = [by_path.get(str(g.path)) for g in golds]
    if settings is None or settings.backend != "openai":
        return Extracted([pipeline.extraction(an) if an else None for an in found], engine_seconds)
    t0 = time.perf_counter()
    run = pipeline.model(loaded.analyses, settings)
    model_seconds = time.perf_counter() - t0
    for f in run.fell_back:
        print(
            f"{f.path}: the model failed ({f.reason}); its attributions are the engine's",
            file=sys.stderr,
        )
    return Extracted(
        [reconciled_extraction(an, run) if an else None for an in found],
        engine_seconds,
        run,
        model_seconds,
        [an.article.id if an else None for an in found],
    )


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


def _usage_cells(u: Usage) -> str:
    return (
        f"{u.calls} | {u.failed} | {u.cached} | {u.input_tokens} | {u.output_tokens} | "
        f"{u.cost_usd:.4f} | {u.seconds:.1f}"
    )


def model_report(
    golds: list[polnear.GoldArticle],
    got: Extracted,
    score: polnear.SplitScore,
    alone: polnear.SplitScore,
    settings: Settings,
) -> list[str]:
    """The lines that say what the model cost and added: per article, then in total."""
    from briefing.llm.pricing import priced

    assert got.run is not None
    out = [
        "| article | calls | failed | cached | input | output | cost $ | s | "
        "model | both | engine | model right (content / who-said-what) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    totals = dict.fromkeys(polnear.FOUND_BY, 0)
    right = [0, 0]
    for i, (gold, art) in enumerate(zip(golds, score.articles, strict=True)):
        by = polnear.found_by_counts(got.extractions[i] or {})
        hits = polnear.model_matches(art)
        for k, v in by.items():
            totals[k] += v
        right = [right[0] + hits[0], right[1] + hits[1]]
        out.append(
            f"| {gold.name} | {_usage_cells(got.usage(i))} | {by['model']} | {by['both']} | "
            f"{by['engine']} | {hits[0]} / {hits[1]} |"
        )
    u = got.run.usage
    price = "" if priced(settings.model) else f" (no price listed for {settings.model})"
    out += [
        "",
        f"model {settings.model}: {u.calls} call(s) ({u.failed} failed), {u.cached} cached, "
        f"{u.input_tokens} input and {u.output_tokens} output tokens, ${u.cost_usd:.4f}{price}, "
        f"{u.seconds:.1f} s in calls, {got.model_seconds:.1f} s wall; "
        f"{len(got.run.fell_back)} article(s) fell back to the engine",
        f"attributions: {totals['model']} found by the model alone, {totals['both']} by both, "
        f"{totals['engine']} by the engine alone; the model's matched a gold content "
        f"{right[0]} time(s), with its source {right[1]}",
        "",
        "| figure | F1 engine alone | F1 with the model | change |",
        "|---|---|---|---|",
    ]
    for name, (_p, _r, f) in score.figures().items():
        before = alone.f1(name)
        out.append(f"| {name} | {before:.3f} | {f:.3f} | {f - before:+.3f} |")
    return out


def _settings(args: argparse.Namespace) -> Settings:
    try:
        return load_settings(
            {"backend": args.backend, "model": args.model, "base_url": args.base_url}
        )
    except BriefingError as e:
        raise SystemExit(f"polnear: {e}") from None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root", nargs="?", type=Path, default=POLNEAR)
    ap.add_argument("--split", default="dev", choices=["dev", "train"])
    ap.add_argument("--raw", action="store_true", help="score predictions as they are")
    ap.add_argument("--limit", type=int, help="only the first N articles")
    ap.add_argument("--examples", type=int, default=0, help="print N errors of each kind")
    ap.add_argument("--json", type=Path, help="write figures, articles and errors as JSON")
    ap.add_argument(
        "--backend",
        choices=BACKENDS,
        default=None,
        help="offline (the engine) or openai (the reconciled attributions extract --backend "
        "openai prints). Env: BRIEFING_BACKEND.",
    )
    ap.add_argument(
        "--model", default=None, help="Model for --backend openai. Env: BRIEFING_MODEL."
    )
    ap.add_argument(
        "--base-url", default=None, help="OpenAI-compatible endpoint. Env: OPENAI_BASE_URL."
    )
    args = ap.parse_args(argv)
    if not (args.root / "data" / args.split).is_dir():
        raise SystemExit(f"no PolNeAR {args.split} split under {args.root}")
    settings = _settings(args)
    golds = list(polnear.gold_articles(args.root, args.split))[: args.limit]
    try:
        got = extract_all(golds, settings)
    except BriefingError as e:
        raise SystemExit(f"polnear: {redact(str(e), settings)}") from None
    score = polnear.score_split(golds, got.extractions, raw=args.raw)
    alone = score
    if got.run is not None:
        engine = [polnear.engine_only(ex) if ex else None for ex in got.extractions]
        alone = polnear.score_split(golds, engine, raw=args.raw)
    cue_class = registry().cue_forms.get
    cases = [
        case
        for gold, art, ex in zip(golds, score.articles, got.extractions, strict=True)
        for case in polnear_errors.cases(gold, art, ex or {}, cue_class)
    ]
    print(score.line(args.split, args.raw))
    stages = f"engine {got.engine_seconds:.1f} s"
    if got.run is not None:
        stages += f", model {got.model_seconds:.1f} s ({got.run.made_by})"
    print(f"{_commit()}, {datetime.date.today()}, {stages}")
    print()
    print("| figure | P | R | F1 |")
    print("|---|---|---|---|")
    for name, (p, r, f) in score.figures().items():
        print(f"| {name} | {p:.3f} | {r:.3f} | {f:.3f} |")
    if got.run is not None:
        print()
        print(alone.line(args.split, args.raw).replace("PolNeAR", "engine alone:", 1))
        print()
        print("\n".join(model_report(golds, got, score, alone, settings)))
    print()
    print("who-said-what errors by construction:")
    print("\n".join(polnear_errors.table(cases)))
    if args.examples:
        print("\n".join(polnear_errors.examples(cases, args.examples)))
    if args.json:
        args.json.write_text(
            json.dumps(_payload(args, got, score, alone, cases), indent=1, ensure_ascii=False),
            encoding="utf-8",
        )
    goals = (
        score.f1("source") >= polnear.GOAL_SOURCE
        and score.f1("content") >= polnear.GOAL_CONTENT
        and score.f1("who-said-what") >= polnear.GOAL_WSW
    )
    return 0 if goals else 1


def _figures(score: polnear.SplitScore) -> dict[str, dict[str, float]]:
    return {k: dict(zip("prf", v, strict=True)) for k, v in score.figures().items()}


def _payload(
    args: argparse.Namespace,
    got: Extracted,
    score: polnear.SplitScore,
    alone: polnear.SplitScore,
    cases: list[polnear_errors.Case],
) -> dict[str, Any]:
    """Figures, articles and errors as the ``--json`` file holds them; with a model, its usage
    and the engine's own figures of the same run besides."""
    per_article: list[dict[str, Any]] = []
    for i, a in enumerate(score.articles):
        row: dict[str, Any] = {"article": a.name, **vars(a.counts)}
        if got.run is not None:
            row["usage"] = got.usage(i).model_dump()
            row["found_by"] = polnear.found_by_counts(got.extractions[i] or {})
            row["model_right"] = dict(
                zip(("content", "who_said_what"), polnear.model_matches(a), strict=True)
            )
        per_article.append(row)
    payload: dict[str, Any] = {
        "split": args.split,
        "raw": args.raw,
        "commit": _commit(),
        "date": str(datetime.date.today()),
        "backend": "openai" if got.run is not None else "offline",
        "figures": _figures(score),
        "totals": vars(score.counts),
        "per_article": per_article,
        "errors": polnear_errors.as_json(cases),
    }
    if got.run is not None:
        payload["made_by"] = got.run.made_by
        payload["usage"] = got.run.usage.model_dump()
        payload["model_seconds"] = got.model_seconds
        payload["fell_back"] = [vars(f) for f in got.run.fell_back]
        payload["figures_engine_alone"] = _figures(alone)
    return payload


if __name__ == "__main__":
    sys.exit(main())
