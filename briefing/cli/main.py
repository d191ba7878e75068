"""The ``briefing`` command line: a thin layer over the stages.

Exit codes (GUIDE section 3): 0 success, 1 a check found errors, 2 bad usage or unreadable
input. Bad input is reported as one line per file on stderr, never as a traceback; in a batch
the bad file is skipped and listed, and the rest goes on.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from briefing import __version__
from briefing.analyze import analyze
from briefing.brief import make_brief
from briefing.errors import BriefingError, InputError
from briefing.ingest import load_all
from briefing.llm.pricing import priced
from briefing.llm.settings import BACKENDS, DEFAULT_MODEL, Settings, load_settings, redact
from briefing.models import Analysis, Usage

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2

_BUILD_EXAMPLES = """
\b
Examples:
  briefing build examples/articles -o brief.html
  briefing build today/*.html -o brief.pdf --paper Letter
  cat article.txt | briefing build - -o brief.md
"""
_EXTRACT_EXAMPLES = """
\b
Examples:
  briefing extract examples/articles/kcna-putin-pyongyang.txt --format json
  briefing extract examples/articles --format jsonl > analyses.jsonl
"""


def _report(errors: list[InputError]) -> None:
    for e in errors:
        click.echo(f"briefing: skipped {e}", err=True)


def _load(
    paths: tuple[str, ...],
    strict: bool,
    say_none: bool = False,
    progress: bool = False,
    day: str | None = None,
) -> tuple[list[Analysis], list[InputError]]:
    articles, errors = load_all(list(paths))
    if day:
        # --date picks the day: articles dated another day stay out (undated ones stay in)
        other = [a for a in articles if a.meta.published and not a.meta.published.startswith(day)]
        for a in other:
            click.echo(
                f"briefing: left out {a.meta.path}: published {a.meta.published[:10]}, not {day}",
                err=True,
            )
        articles = [a for a in articles if a not in other]
    analyses = []
    bar = None
    if progress and articles and sys.stderr.isatty():
        from rich.progress import Progress

        bar = Progress(transient=True)
        bar.start()
        task = bar.add_task("analysing articles", total=len(articles))
    for art in articles:
        try:
            analyses.append(analyze(art))
        except RecursionError:  # pathological text: spoil one entry, not the batch
            errors.append(
                InputError(art.meta.path, "could not be analysed (text too deeply nested)")
            )
        if bar is not None:
            bar.advance(task)
    if bar is not None:
        bar.stop()
    _report(errors)
    if not analyses:
        if say_none:
            click.echo("briefing: error: no input could be read", err=True)
        raise click.exceptions.Exit(EXIT_USAGE)
    if errors and strict:
        raise click.exceptions.Exit(EXIT_USAGE)
    return analyses, errors


def _settings(
    backend: str | None, model: str | None, base_url: str | None, max_concurrency: int | None = None
) -> Settings:
    try:
        return load_settings(
            {
                "backend": backend,
                "model": model,
                "base_url": base_url,
                "max_concurrency": max_concurrency,
            }
        )
    except BriefingError as e:
        raise click.UsageError(str(e)) from None


def _llm_stage(analyses: list[Analysis], settings: Settings, quiet: bool = False) -> dict[str, Any]:
    """Ask the model, verify its answers, and say what it cost; failures fall back per article."""
    from briefing.llm.extract import run
    from briefing.verify import verify

    try:
        settings.require_key()
    except BriefingError as e:
        click.echo(f"briefing: error: {e}", err=True)
        raise click.exceptions.Exit(EXIT_USAGE) from None
    try:
        results = run(analyses, settings)
    except BriefingError as e:
        click.echo(f"briefing: error: {redact(str(e), settings)}", err=True)
        raise click.exceptions.Exit(EXIT_USAGE) from None
    verified, fell_back, usage = {}, [], Usage()
    for an in analyses:
        r = results[an.article.id]
        usage = usage.add(r.usage)
        if r.extraction is None:
            fell_back.append(an.article.id)
            click.echo(
                f"briefing: {an.article.path}: the model failed ({redact(r.error or 'no answer', settings)}); "
                "using the offline engine for it",
                err=True,
            )
        else:
            verified[an.article.id] = verify(an, r.extraction)
    withheld = sum(len(v.withheld) for v in verified.values())
    click.echo(
        f"briefing: LLM usage: {usage.calls} call(s), {usage.cached} cached, {usage.input_tokens} input and "
        f"{usage.output_tokens} output tokens, ${usage.cost_usd:.4f}"
        + ("" if priced(settings.model) else f" (no price listed for {settings.model})")
        + f"; {withheld} item(s) withheld by verification",
        err=True,
    )
    host = settings.base_url or "api.openai.com"
    return {
        "verified": verified,
        "fell_back": fell_back,
        "usage": usage,
        "made_by": f"{settings.model} at {host}, checked by the offline engine (briefing {__version__})",
    }


def _dry_run(analyses: list[Analysis], settings: Settings) -> None:
    from briefing.llm.extract import estimate, plan

    rows = estimate(analyses, settings)
    calls = len(plan(analyses, settings))
    click.echo(
        f"{'article':40} {'calls':>5} {'article tok':>11} {'input tok':>9} {'output tok (est)':>16} {'cost (est)':>10}"
    )
    for r in rows:
        click.echo(
            f"{r['article'][:40]:40} {r['calls']:>5.2g} {r['article_tokens']:>11} {r['input_tokens']:>9} "
            f"{r['output_tokens_est']:>16} {r['cost_usd_est']:>10.4f}"
        )
    click.echo(
        f"{'total':40} {calls:>5} {sum(r['article_tokens'] for r in rows):>11} "
        f"{sum(r['input_tokens'] for r in rows):>9} {sum(r['output_tokens_est'] for r in rows):>16} "
        f"{sum(r['cost_usd_est'] for r in rows):>10.4f}"
    )
    click.echo("(short articles share a call; its tokens and cost are split among them by size)")
    if not priced(settings.model):
        click.echo(f"(no price listed for {settings.model} in prices.yaml: costs shown as 0)")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="briefing")
def main() -> None:
    """Turn news articles into a one-page, attribution-accurate brief.

    Runs offline by default: no API key, no network. Inputs are .txt, .md, .html/.htm and
    .json files, folders (read recursively), or - for stdin.

    \b
    Examples:
      briefing build examples/articles -o brief.html
      briefing build examples/articles -o brief.pdf --paper Letter
      briefing extract examples/articles/kcna-putin-pyongyang.txt --format json
    """


@main.command(epilog=_BUILD_EXAMPLES)
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(dir_okay=False),
    help="Where to write the brief; the suffix picks the format: .html, .pdf, .md, .txt (for email) or .json (data).",
)
@click.option(
    "--paper",
    type=click.Choice(["A4", "Letter"], case_sensitive=False),
    default="A4",
    show_default=True,
    help="Page size the brief must fit on.",
)
@click.option(
    "--date",
    "date",
    default=None,
    help="The day of the brief (YYYY-MM-DD): printed on it, and articles dated another day are left out. Default: today, no filter.",
)
@click.option("--title", default=None, help="Title of the brief.")
@click.option(
    "--backend",
    type=click.Choice(BACKENDS),
    default=None,
    help="offline (default, no network) or openai (any OpenAI-compatible endpoint). Env: BRIEFING_BACKEND.",
)
@click.option(
    "--model",
    default=None,
    help=f"Model for --backend openai (default {DEFAULT_MODEL}). Env: BRIEFING_MODEL.",
)
@click.option(
    "--base-url",
    default=None,
    help="OpenAI-compatible endpoint, e.g. http://localhost:8000/v1. Env: OPENAI_BASE_URL.",
)
@click.option(
    "--max-concurrency",
    type=int,
    default=None,
    help="Articles sent to the model at once (default 4).",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Print tokens and estimated cost per article and in total; call nothing.",
)
@click.option("--quiet", is_flag=True, help="No progress bar and no summary line; errors only.")
@click.option(
    "--strict",
    is_flag=True,
    help="Exit 2 if any input could not be read (the brief is still written).",
)
def build(
    paths: tuple[str, ...],
    output: str,
    paper: str,
    date: str | None,
    title: str | None,
    backend: str | None,
    model: str | None,
    base_url: str | None,
    max_concurrency: int | None,
    dry_run: bool,
    quiet: bool,
    strict: bool,
) -> None:
    """Make the one-page brief from PATHS."""
    from briefing.brief.render import fit_one_page, format_for, write

    settings = _settings(backend, model, base_url, max_concurrency)
    try:
        format_for(output)
    except BriefingError as e:
        raise click.UsageError(str(e)) from None
    import time

    started = time.perf_counter()
    analyses, errors = _load(paths, strict=False, say_none=True, progress=not quiet, day=date)
    if dry_run:
        _dry_run(analyses, settings)
        return
    llm = _llm_stage(analyses, settings) if settings.backend == "openai" else {}
    brief = make_brief(analyses, skipped=errors, date=date, title=title, **llm)
    if format_for(output) != "json":  # the data keeps every item; the page keeps what fits
        brief = fit_one_page(brief, paper=paper.upper() if paper.lower() == "a4" else "Letter")
    try:
        out = write(brief, output, paper=paper.upper() if paper.lower() == "a4" else "Letter")
    except OSError as e:
        click.echo(
            f"briefing: error: cannot write {output}: {(e.strerror or str(e)).lower()}", err=True
        )
        raise click.exceptions.Exit(EXIT_USAGE) from None
    if not quiet:
        click.echo(
            f"briefing: wrote {out}: {len(analyses)} article(s) read, {len(errors)} skipped, "
            f"{len(brief.bottom_line) + len(brief.developments)} development(s), {brief.omitted} item(s) left out "
            f"to fit one page, {time.perf_counter() - started:.1f} s",
            err=True,
        )
    if errors and strict:
        raise click.exceptions.Exit(EXIT_USAGE)


@main.command(epilog=_EXTRACT_EXAMPLES)
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "jsonl"]),
    default="json",
    show_default=True,
    help="json: one object for one article, an array for several; jsonl: one object per line.",
)
@click.option(
    "--backend",
    type=click.Choice(BACKENDS),
    default=None,
    help='offline (default) or openai; with openai each article also gets an "llm" key: the model\'s '
    "verified items and what was withheld, and why. Env: BRIEFING_BACKEND.",
)
@click.option("--model", default=None, help="Model for --backend openai. Env: BRIEFING_MODEL.")
@click.option("--base-url", default=None, help="OpenAI-compatible endpoint. Env: OPENAI_BASE_URL.")
@click.option("--strict", is_flag=True, help="Exit 2 if any input could not be read.")
def extract(
    paths: tuple[str, ...],
    fmt: str,
    backend: str | None,
    model: str | None,
    base_url: str | None,
    strict: bool,
) -> None:
    """Print who said what, the events and the caveats of each article in PATHS."""
    settings = _settings(backend, model, base_url)
    analyses, errors = _load(paths, strict=False)
    llm = _llm_stage(analyses, settings) if settings.backend == "openai" else {}
    dumps = [a.model_dump(mode="json", exclude_none=False) for a in analyses]
    for d in dumps:
        if d["article"].get("text") is None:
            d["article"].pop("text", None)
        checked = llm.get("verified", {}).get(d["article"]["id"])
        if checked is not None:
            d["llm"] = {
                "bottom_line": [x.model_dump() for x in checked.bottom_line],
                "events": [x.model_dump() for x in checked.events],
                "attributions": [x.model_dump() for x in checked.attributions],
                "withheld": [vars(w) for w in checked.withheld],
                "disagreements": checked.disagreements,
            }
        elif llm:
            d["llm"] = None
    if fmt == "jsonl":
        for d in dumps:
            sys.stdout.write(json.dumps(d, ensure_ascii=False) + "\n")
    else:
        payload = dumps[0] if len(dumps) == 1 else dumps
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    if errors and strict:
        raise click.exceptions.Exit(EXIT_USAGE)


if __name__ == "__main__":  # pragma: no cover
    main()


def _summary_text(summary: str) -> str:
    """--summary is a file if one exists at that path, else the summary itself."""
    from pathlib import Path

    if summary == "-":
        return sys.stdin.read()
    p = Path(summary)
    if (
        len(summary) < 4096
        and "\n" not in summary
        and p.suffix in {".txt", ".md"}
        and not p.exists()
    ):
        raise BriefingError(f"{summary}: no such file")
    if len(summary) < 4096 and "\n" not in summary and p.is_file():
        try:
            return p.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise BriefingError(f"{summary}: cannot be read: {e}") from None
    return summary


@main.command(
    epilog="""
\b
Examples:
  briefing check --article examples/articles/kcna-putin-pyongyang.txt --summary "Putin said he will visit soon."
  briefing check --article article.html --summary summary.txt --format json
"""
)
@click.option("--article", required=True, help="The article the summary claims to summarise.")
@click.option(
    "--summary", required=True, help="The summary: a file, - for stdin, or the text itself."
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def check(article: str, summary: str, fmt: str) -> None:
    """Find misattribution in a summary of an article. Exit 1 when there are errors."""
    from briefing.evals.check import check as run_check
    from briefing.ingest import load_article

    try:
        art = load_article(article)
        text = _summary_text(summary)
        if not text.strip():
            raise BriefingError(
                f"{summary if len(summary) < 80 else 'summary'}: the summary is empty"
            )
    except BriefingError as e:
        click.echo(f"briefing: error: {e}", err=True)
        raise click.exceptions.Exit(EXIT_USAGE) from None
    result = run_check(art, text)
    if fmt == "json":
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
    else:
        if result.passed and not result.findings:
            click.echo("passed: no attribution problems found")
        for f in result.findings:
            click.echo(f"{f.severity}: {f.type}: {f.message}")
            click.echo(f"  summary: {f.summary_span.text!r}")
            if f.evidence_sentence_ids:
                click.echo(
                    f"  article: {', '.join(f.evidence_sentence_ids)}; expected {f.expected}, found {f.found}"
                )
    raise click.exceptions.Exit(EXIT_OK if result.passed else EXIT_FINDINGS)


class _EvalGroup(click.Group):
    """``briefing eval SUITE.yaml...`` runs suites; ``briefing eval perturb ...`` builds one."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


@main.group(
    cls=_EvalGroup,
    epilog="""
\b
Examples:
  briefing eval evals/*.yaml --min-pass-rate 1.0 --junit report.xml
  briefing eval perturb tests/data/attribution/*.json -o evals/perturbations.yaml
""",
)
def eval() -> None:  # noqa: A001 - the command is called eval
    """Run eval suites (YAML) of summaries and what check must find in them."""


@eval.command("run")
@click.argument("suites", nargs=-1, required=True, type=click.Path())
@click.option(
    "--junit",
    type=click.Path(dir_okay=False),
    help="Write a JUnit XML report (one testcase per case).",
)
@click.option("--json", "json_out", type=click.Path(dir_okay=False), help="Write a JSON report.")
@click.option(
    "--min-pass-rate",
    type=click.FloatRange(0, 1),
    default=None,
    help="Exit 1 when fewer cases pass than this share, over all suites. "
    "Default: each suite's own min_pass_rate (1 unless the suite says otherwise).",
)
@click.option("--quiet", is_flag=True, help="Only the summary line.")
def eval_run(
    suites: tuple[str, ...],
    junit: str | None,
    json_out: str | None,
    min_pass_rate: float | None,
    quiet: bool,
) -> None:
    """Run SUITES and report; the exit code follows --min-pass-rate."""
    from pathlib import Path

    from rich.console import Console
    from rich.table import Table

    from briefing.evals.suites import Runner, junit_xml, report_json

    runner, runs = Runner(), []
    for s in suites:
        try:
            runs.append(runner.run(Path(s)))
        except BriefingError as e:
            click.echo(f"briefing: error: {e}", err=True)
            raise click.exceptions.Exit(EXIT_USAGE) from None
    cases = [r for run in runs for r in run.results]
    passed = sum(r.passed for r in cases)
    rate = passed / len(cases) if cases else 0.0
    console = Console(stderr=False, highlight=False, soft_wrap=True)
    if not quiet:
        table = Table(title="briefing eval", show_lines=False)
        for col in ("suite", "case", "result", "findings", "problems"):
            table.add_column(col, overflow="fold")
        for run in runs:
            for r in run.results:
                table.add_row(
                    run.name,
                    r.case.id,
                    "pass" if r.passed else "FAIL",
                    ", ".join(r.found) or "-",
                    "; ".join(r.problems) or "-",
                )
        console.print(table)
    if min_pass_rate is None:
        ok = all(
            (sum(r.passed for r in run.results) / len(run.results)) >= run.min_pass_rate
            for run in runs
        )
        threshold = "each suite's own threshold"
    else:
        ok = rate >= min_pass_rate
        threshold = f"threshold {min_pass_rate:.0%}"
    console.print(
        f"{passed} passed, {len(cases) - passed} failed ({rate:.1%}; {threshold}: {'met' if ok else 'NOT met'})"
    )
    if junit:
        Path(junit).write_text(junit_xml(runs), encoding="utf-8")
    if json_out:
        Path(json_out).write_text(
            json.dumps(report_json(runs), indent=2, ensure_ascii=False), encoding="utf-8"
        )
    raise click.exceptions.Exit(EXIT_OK if ok else EXIT_FINDINGS)


@eval.command("perturb")
@click.argument("gold", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help="The suite to write (YAML).",
)
@click.option(
    "--per-type",
    type=int,
    default=3,
    show_default=True,
    help="Cases of each kind per article, at most.",
)
def eval_perturb(gold: tuple[str, ...], output: str, per_type: int) -> None:
    """Build a suite of faulty summaries (and faithful controls) from annotated articles (GOLD JSON)."""
    from pathlib import Path

    import yaml

    from briefing.evals.perturb import build_suite

    out = Path(output)
    suite = build_suite([Path(g) for g in gold], Path.cwd(), out, per_type)
    out.write_text(
        yaml.safe_dump(suite, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8"
    )
    click.echo(f"briefing: wrote {out}: {len(suite['cases'])} cases", err=True)
