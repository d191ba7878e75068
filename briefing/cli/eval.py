"""``briefing eval``: run suites of summaries and what ``check`` must find; build suites."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from briefing.cli.check import judge_options, make_judge
from briefing.cli.options import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, GateGroup, fail
from briefing.errors import BriefingError

if TYPE_CHECKING:
    from briefing.evals.judge import Judge, Judged
    from briefing.evals.suites import Runner


class _EvalGroup(GateGroup):
    """``briefing eval SUITE.yaml...`` runs suites; ``briefing eval perturb ...`` builds one."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


@click.group(
    cls=_EvalGroup,
    epilog="""
\b
Examples:
  briefing eval evals/*.yaml --min-pass-rate 1.0 --junit report.xml
  briefing eval evals/ --max-rate misattributed_speaker=0 --html report.html
  briefing eval --outputs model-summaries.jsonl --max-rate misattributed_speaker=0
  briefing eval evals/ --judge openai --model gpt-4o-mini --json report.json
  briefing eval perturb tests/data/attribution/*.json -o evals/perturbations.yaml
""",
)
def eval_group() -> None:
    """Run eval suites (YAML) of summaries and what check must find in them."""


def suite_paths(args: tuple[str, ...]) -> list[Path]:
    """SUITES as given, a folder standing for every ``*.yaml``/``*.yml`` file directly in it (in
    name order)."""
    out: list[Path] = []
    for a in args:
        p = Path(a)
        if p.is_dir():
            found = sorted(q for q in p.iterdir() if q.suffix in {".yaml", ".yml"} and q.is_file())
            if not found:
                fail(f"{a}: no suites (*.yaml, *.yml) in this folder")
            out.extend(found)
        else:
            out.append(p)
    return out


def _max_rates(values: tuple[str, ...]) -> dict[str, float]:
    """``TYPE=RATE`` (a share, 0.05, or a percentage, 5%) for each ``--max-rate``."""
    from briefing.evals.check import FINDING_TYPES

    types = (*FINDING_TYPES, "judge_unsupported")  # the judge's, with --judge
    rates: dict[str, float] = {}
    for v in values:
        kind, sep, raw = v.partition("=")
        kind, raw = kind.strip(), raw.strip()
        if not sep or kind not in types:
            raise click.BadParameter(
                f"{v!r}: give TYPE=RATE with TYPE one of {', '.join(types)}",
                param_hint="--max-rate",
            )
        try:
            rate = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
        except ValueError:
            rate = -1.0
        if not 0.0 <= rate <= 1.0:
            raise click.BadParameter(
                f"{v!r}: the rate is a share from 0 to 1 (0.05) or a percentage (5%)",
                param_hint="--max-rate",
            )
        rates[kind] = rate
    return rates


@eval_group.command("run")
@click.argument("suites", nargs=-1, type=click.Path())
@click.option(
    "--outputs",
    "outputs",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="Check summaries a model wrote: a .jsonl or .csv file of records with article (a path, "
    "relative to the file) or article_text, summary and an optional id; each passes when check "
    "passes. Repeatable.",
)
@click.option(
    "--junit",
    type=click.Path(dir_okay=False),
    help="Write a JUnit XML report (one testcase per case).",
)
@click.option("--json", "json_out", type=click.Path(dir_okay=False), help="Write a JSON report.")
@click.option(
    "--html",
    "html_out",
    type=click.Path(dir_okay=False),
    help="Write an HTML report: one self-contained file, every case with its findings beside "
    "the article's sentences.",
)
@click.option(
    "--min-pass-rate",
    type=click.FloatRange(0, 1),
    default=None,
    help="Exit 1 when fewer cases pass than this share, over all suites. "
    "Default: each suite's own min_pass_rate (1 unless the suite says otherwise).",
)
@click.option(
    "--max-rate",
    "max_rate",
    multiple=True,
    metavar="TYPE=RATE",
    help="Exit 1 when more than RATE (0.05 or 5%) of all cases have a finding of TYPE, e.g. "
    "misattributed_speaker=0. Repeatable, one per finding type.",
)
@click.option(
    "--allow-offline",
    is_flag=True,
    help="With a model configured, skip a generate: true case whose model failed instead of "
    "failing it (the default: a case the model was not judged on is an error).",
)
@click.option("--quiet", is_flag=True, help="Only the summary line.")
@judge_options
def eval_run(
    suites: tuple[str, ...],
    outputs: tuple[str, ...],
    junit: str | None,
    json_out: str | None,
    html_out: str | None,
    min_pass_rate: float | None,
    max_rate: tuple[str, ...],
    allow_offline: bool,
    quiet: bool,
    judge_name: str | None,
    judge_samples: int | None,
    model: str | None,
    base_url: str | None,
) -> None:
    """Run SUITES (files, or folders of them) and the records of --outputs files, and report; the
    exit code follows --min-pass-rate and --max-rate: 0 met, 1 not met, 2 bad usage, a suite that
    cannot be read or a record of --outputs that cannot (after reporting the rest)."""
    from briefing.evals.outputs import run_outputs
    from briefing.evals.reports import html_report, junit_xml, report_json
    from briefing.evals.suites import Runner

    if not suites and not outputs:
        fail("give SUITE.yaml (or a folder of them) or --outputs FILE.jsonl|FILE.csv")
    gates = _max_rates(max_rate)
    judge = make_judge(judge_name, judge_samples, model, base_url)
    if judge is not None:
        from briefing.evals.judge import JudgedRunner

        runner: Runner = JudgedRunner(judge, allow_offline=allow_offline)
    else:
        runner = Runner(allow_offline=allow_offline)
    runs: list = []
    for s in suite_paths(suites):
        try:
            runs.append(runner.run(s))
        except BriefingError as e:
            fail(str(e))
    for o in outputs:
        try:
            runs.append(run_outputs(runner, Path(o)))
        except BriefingError as e:
            fail(str(e))
    skipped = sum(r.skipped for run in runs for r in run.results)
    errors = [r for run in runs for r in run.results if r.error]
    unjudged = [r for r in errors if id(r) in getattr(runner, "not_judged", ())]
    said: dict[str, int] = {}  # the same problem (the judge's, once it failed) said once
    for r in errors:
        said[r.problems[0]] = said.get(r.problems[0], 0) + 1
    for problem, n in said.items():
        click.echo(f"briefing: error: {problem}" + (f" ({n} cases)" if n > 1 else ""), err=True)
    # the judged ones: not skipped, and readable
    cases = [r for run in runs for r in run.results if not r.skipped and not r.error]
    passed = sum(r.passed for r in cases)
    rate = passed / len(cases) if cases else 0.0
    if not quiet:
        _print_cases(runs)
    if min_pass_rate is None:
        ok = all(
            (sum(r.passed for r in judged) / len(judged)) >= run.min_pass_rate
            for run in runs
            if (judged := [r for r in run.results if not r.skipped and not r.error])
        )
        threshold = "each suite's own threshold"
    else:
        ok = rate >= min_pass_rate
        threshold = f"threshold {min_pass_rate:.0%}"
    click.echo(
        f"{passed} passed, {len(cases) - passed} failed"
        + (f", {skipped} skipped (the model failed)" if skipped else "")
        + (f", {len(errors) - len(unjudged)} unreadable" if len(errors) > len(unjudged) else "")
        + (f", {len(unjudged)} not judged (the judge failed)" if unjudged else "")
        + f" ({rate:.1%}; {threshold}: {'met' if ok else 'NOT met'})"
    )
    if judge is not None:
        _print_judge(judge, runs, runner.judged, quiet)  # type: ignore[attr-defined]
    for kind, most in gates.items():
        n = sum(kind in r.found for r in cases)
        share = n / len(cases) if cases else 0.0
        if share > most:
            ok = False
            click.echo(
                f"briefing: gate: {kind} in {n} of {len(cases)} cases ({share:.1%}), "
                f"more than --max-rate {kind}={most:g}",
                err=True,
            )
    if junit:
        Path(junit).write_text(junit_xml(runs), encoding="utf-8")
    if json_out:
        Path(json_out).write_text(
            json.dumps(
                report_json(runs, judge=judge, judged=getattr(runner, "judged", None)),
                indent=2,
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
    if html_out:
        Path(html_out).write_text(html_report(runs), encoding="utf-8")
    raise click.exceptions.Exit(EXIT_USAGE if errors else EXIT_OK if ok else EXIT_FINDINGS)


def _print_judge(judge: Judge, runs: list, judged: dict[int, Judged], quiet: bool) -> None:
    """Where the judge and the rules disagree, on standard output (not with --quiet); its cost
    on standard error."""
    click.echo(judge.usage_line(), err=True)
    if quiet:
        return
    where = [
        (f"{run.name}/{r.case.id}", j)
        for run in runs
        for r in run.results
        if (j := judged.get(id(r)))
    ]
    against = [name for name, j in where if j.disagreements]
    split = [name for name, j in where if j.undecided]
    click.echo(
        f"judge ({judge.name}): asked on {judge.asked} case(s), not on {judge.not_asked} the "
        f"rules flagged; disagrees with the rules on {len(against)}"
        + (f" ({', '.join(against)})" if against else "")
        + (f"; no majority on {len(split)} ({', '.join(split)})" if split else "")
    )


def _print_cases(runs: list) -> None:
    """A table on a terminal; elsewhere (CI logs, pipes) one plain line a case, never wrapped:
    ``pass|FAIL<TAB>suite<TAB>case<TAB>findings<TAB>problems``."""
    import sys

    rows = [
        (
            "ERROR" if r.error else "skip" if r.skipped else "pass" if r.passed else "FAIL",
            run.name,
            r.case.id,
            ", ".join(r.found) or "-",
            "; ".join(r.problems) or "-",
        )
        for run in runs
        for r in run.results
    ]
    if not sys.stdout.isatty():
        for row in rows:
            click.echo("\t".join(" ".join(c.split()) for c in row))
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title="briefing eval", show_lines=False)
    for col in ("result", "suite", "case", "findings", "problems"):
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(*(Text(c) for c in row))  # text, never markup
    Console(highlight=False, soft_wrap=True).print(table)


@eval_group.command("perturb")
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
    """Build a suite of faulty summaries (and faithful controls) from annotated articles."""
    import yaml

    from briefing.evals.perturb import build_suite

    out = Path(output)
    suite = build_suite([Path(g) for g in gold], Path.cwd(), out, per_type)
    out.write_text(
        yaml.safe_dump(suite, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8"
    )
    click.echo(f"briefing: wrote {out}: {len(suite['cases'])} cases", err=True)
