"""Eval reports: JUnit XML for any CI, and JSON for tools.

One testsuite per suite and one testcase per case, so a CI's test view lists each case by its
id, with what was expected and what was found when it fails.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape, quoteattr

from briefing.evals.suites import SuiteRun


def junit_xml(runs: list[SuiteRun]) -> str:
    """One testsuite per suite, one testcase per case; a failure lists what went wrong."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<testsuites>"]
    for run in runs:
        failures = sum(not r.passed for r in run.results)
        total = sum(r.seconds for r in run.results)
        out.append(
            f'  <testsuite name={quoteattr(run.name)} tests="{len(run.results)}" '
            f'failures="{failures}" errors="0" time="{total:.3f}">'
        )
        for r in run.results:
            out.append(
                f"    <testcase classname={quoteattr(run.name)} name={quoteattr(r.case.id)} "
                f'time="{r.seconds:.3f}">'
            )
            if not r.passed:
                msg = "; ".join(r.problems)
                body = f"findings: {', '.join(r.found) or 'none'}\n" + "\n".join(r.problems)
                out.append(f"      <failure message={quoteattr(msg)}>{escape(body)}</failure>")
            out.append("    </testcase>")
        out.append("  </testsuite>")
    out.append("</testsuites>")
    return "\n".join(out) + "\n"


def report_json(runs: list[SuiteRun]) -> dict[str, Any]:
    cases = [r for run in runs for r in run.results]
    return {
        "passed": sum(r.passed for r in cases),
        "total": len(cases),
        "pass_rate": (sum(r.passed for r in cases) / len(cases)) if cases else 0.0,
        "suites": [
            {
                "suite": run.name,
                "path": str(run.path),
                "cases": [
                    {
                        "id": r.case.id,
                        "passed": r.passed,
                        "problems": r.problems,
                        "found": r.found,
                        "summary": r.summary,
                        "findings": [f.model_dump() for f in r.result.findings] if r.result else [],
                    }
                    for r in run.results
                ],
            }
            for run in runs
        ],
    }
