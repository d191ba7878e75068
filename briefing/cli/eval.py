"""``briefing eval``: run suites of summaries and what ``check`` must find; build suites."""

from __future__ import annotations

import json
from pathlib import Path

import click

from briefing.cli.options import EXIT_FINDINGS, EXIT_OK, GateGroup, fail
from briefing.errors import BriefingError


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
  briefing eval perturb tests/data/attribution/*.json -o evals/perturbations.yaml
""",
)
def eval_group() -> None:
    """Run eval suites (YAML) of summaries and what check must find in them."""


@eval_group.command("run")
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
    from rich.console import Console
    from rich.table import Table

    from briefing.evals.reports import junit_xml, report_json
    from briefing.evals.suites import Runner

    runner, runs = Runner(), []
    for s in suites:
        try:
            runs.append(runner.run(Path(s)))
        except BriefingError as e:
            fail(str(e))
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
        f"{passed} passed, {len(cases) - passed} failed "
        f"({rate:.1%}; {threshold}: {'met' if ok else 'NOT met'})"
    )
    if junit:
        Path(junit).write_text(junit_xml(runs), encoding="utf-8")
    if json_out:
        Path(json_out).write_text(
            json.dumps(report_json(runs), indent=2, ensure_ascii=False), encoding="utf-8"
        )
    raise click.exceptions.Exit(EXIT_OK if ok else EXIT_FINDINGS)


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
