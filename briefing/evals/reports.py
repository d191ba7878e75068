"""Eval reports: JUnit XML for any CI, JSON for tools and one HTML file for people.

One testsuite per suite and one testcase per case, so a CI's test view lists each case by its
id, with what was expected and what was found when it fails: each finding's message, the span of
the summary it is about and the article sentences it cites. Article and summary text is
untrusted: it is escaped everywhere, and the HTML report loads nothing (no scripts, no fonts, no
stylesheets but its own, which its Content-Security-Policy enforces).
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape, quoteattr

from briefing.evals.suites import CaseResult, SuiteRun

if TYPE_CHECKING:
    from briefing.evals.judge import Judge, Judged

# Characters XML 1.0 cannot hold at all, even escaped: dropped from the JUnit report.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(s: str) -> str:
    return escape(_NOT_XML.sub("", s))


def _xml_attr(s: str) -> str:
    return quoteattr(_NOT_XML.sub("", s))


def failure_text(r: CaseResult) -> str:
    """What went wrong in a case, then each finding with its summary span and article sentences."""
    lines = list(r.problems)
    if r.summary:
        lines.append(f"summary: {r.summary}")
    findings = r.result.findings if r.result else []
    if not findings:
        lines.append("findings: none")
    for f in findings:
        lines.append(f"{f.severity}: {f.type}: {f.message}")
        lines.append(
            f"  summary [{f.summary_span.start}:{f.summary_span.end}]: {f.summary_span.text}"
        )
        if f.expected is not None or f.found is not None:
            lines.append(f"  expected {f.expected}, found {f.found}")
        for sid in f.evidence_sentence_ids:
            lines.append(f"  article {sid}: {r.sentences.get(sid, '(sentence not found)')}")
    return "\n".join(lines)


def junit_xml(runs: list[SuiteRun]) -> str:
    """One testsuite per suite, one testcase per case; a failure lists what went wrong."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<testsuites>"]
    for run in runs:
        errors = sum(r.error for r in run.results)
        skipped = sum(r.skipped for r in run.results)
        failures = sum(not r.passed and not r.error and not r.skipped for r in run.results)
        total = sum(r.seconds for r in run.results)
        out.append(
            f'  <testsuite name={_xml_attr(run.name)} tests="{len(run.results)}" '
            f'failures="{failures}" errors="{errors}" skipped="{skipped}" time="{total:.3f}">'
        )
        for r in run.results:
            out.append(
                f"    <testcase classname={_xml_attr(run.name)} name={_xml_attr(r.case.id)} "
                f'time="{r.seconds:.3f}">'
            )
            if r.error:  # the case could not be read: an error of the run, not a finding
                msg = "; ".join(r.problems)
                out.append(f"      <error message={_xml_attr(msg)}>{_xml_text(msg)}</error>")
            elif r.skipped:
                msg = "; ".join(r.problems) or "not judged"
                out.append(f"      <skipped message={_xml_attr(msg)}/>")
            elif not r.passed:
                msg = "; ".join(r.problems)
                if r.result and r.result.findings:
                    first = r.result.findings[0]
                    msg += f" | {first.type}: {first.message}"
                out.append(
                    f"      <failure message={_xml_attr(msg)} type={_xml_attr(', '.join(r.found))}>"
                    f"{_xml_text(failure_text(r))}</failure>"
                )
            out.append("    </testcase>")
        out.append("  </testsuite>")
    out.append("</testsuites>")
    return "\n".join(out) + "\n"


def report_json(
    runs: list[SuiteRun], judge: Judge | None = None, judged: dict[int, Judged] | None = None
) -> dict[str, Any]:
    """The run as JSON. With ``--judge``: the judge's totals and cost (``judge``), and each case
    it was asked about with every sentence's vote (``judged``, by ``id()`` of the result)."""
    cases = [r for run in runs for r in run.results]
    verdicts = judged or {}
    out = _report(runs, cases)
    if judge is not None:
        out["judge"] = judge.summary()
        out["judge"]["disagreements"] = [
            {"suite": run.name, "case": r.case.id, "sentences": len(j.disagreements)}
            for run in runs
            for r in run.results
            if (j := verdicts.get(id(r))) and j.disagreements
        ]
        for suite, run in zip(out["suites"], runs, strict=True):
            for case, r in zip(suite["cases"], run.results, strict=True):
                if id(r) in verdicts:
                    case["judge"] = verdicts[id(r)].as_json()
    return out


def _report(runs: list[SuiteRun], cases: list[CaseResult]) -> dict[str, Any]:
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
                        "sentences": r.sentences,
                    }
                    for r in run.results
                ],
            }
            for run in runs
        ],
    }


_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em;color:#1b1b1b}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:2em}
.totals{font-size:1.05em}.fail .verdict{color:#b00020}.pass .verdict{color:#1b6e20}
.case{border:1px solid #ddd;border-left:6px solid #1b6e20;margin:1em 0;padding:.6em 1em}
.case.fail{border-left-color:#b00020}
.case h3{font-size:1em;margin:.2em 0}
.summary{background:#f6f6f6;padding:.4em .6em;white-space:pre-wrap}
mark{background:#ffe08a}
table{border-collapse:collapse;width:100%;margin-top:.5em}
th,td{border:1px solid #ddd;padding:.35em .5em;vertical-align:top;text-align:left;width:50%}
th{background:#fafafa}.sid{color:#666;font-size:.9em}
.type{font-family:ui-monospace,monospace;font-weight:600}
ul.problems{margin:.3em 0;color:#b00020}
"""


def _marked(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` escaped, with the (merged) spans in ``<mark>``."""
    merged: list[list[int]] = []
    for a, b in sorted((max(0, a), min(len(text), b)) for a, b in spans):
        if a >= b:
            continue
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    out, at = [], 0
    for a, b in merged:
        out.append(html.escape(text[at:a]))
        out.append(f"<mark>{html.escape(text[a:b])}</mark>")
        at = b
    out.append(html.escape(text[at:]))
    return "".join(out)


def _case_html(r: CaseResult, n: int) -> str:
    e = html.escape
    verdict = "pass" if r.passed else "fail"
    findings = r.result.findings if r.result else []
    parts = [
        f'<section class="case {verdict}" id="case-{n}">',
        f'<h3><span class="verdict">{verdict.upper()}</span> {e(r.case.id)}</h3>',
    ]
    if r.case.note:
        parts.append(f"<p>{e(r.case.note)}</p>")
    spans = [(f.summary_span.start, f.summary_span.end) for f in findings]
    parts.append(f'<div class="summary">{_marked(r.summary, spans)}</div>')
    if r.problems:
        parts.append(
            '<ul class="problems">' + "".join(f"<li>{e(p)}</li>" for p in r.problems) + "</ul>"
        )
    if findings:
        parts.append("<table><tr><th>finding</th><th>the article's cited sentences</th></tr>")
        for f in findings:
            cited = "".join(
                f'<p><span class="sid">{e(sid)}</span> '
                f"{e(r.sentences.get(sid, '(sentence not found)'))}</p>"
                for sid in f.evidence_sentence_ids
            )
            extra = (
                f"<br>expected {e(str(f.expected))}, found {e(str(f.found))}"
                if f.expected is not None or f.found is not None
                else ""
            )
            parts.append(
                f'<tr><td><span class="type">{e(f.severity)}: {e(f.type)}</span><br>'
                f"{e(f.message)}<br>summary: <mark>{e(f.summary_span.text)}</mark>{extra}</td>"
                f"<td>{cited or '<p>(no sentence cited)</p>'}</td></tr>"
            )
        parts.append("</table>")
    else:
        parts.append("<p>No findings.</p>")
    parts.append("</section>")
    return "\n".join(parts)


def html_report(runs: list[SuiteRun], title: str = "briefing eval") -> str:
    """One self-contained HTML file: every case of every suite, failures linked from the top, and
    each finding beside the article sentences it cites. It loads nothing."""
    e = html.escape
    cases = [r for run in runs for r in run.results]
    passed = sum(r.passed for r in cases)
    body, failing, n = [], [], 0
    for run in runs:
        ok = sum(r.passed for r in run.results)
        body.append(
            f"<h2>{e(run.name)} <small>({ok} of {len(run.results)} passed; "
            f"{e(str(run.path))})</small></h2>"
        )
        for r in run.results:
            n += 1
            if not r.passed:
                failing.append(f'<li><a href="#case-{n}">{e(run.name)} / {e(r.case.id)}</a></li>')
            body.append(_case_html(r, n))
    rate = passed / len(cases) if cases else 0.0
    head = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>{e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{e(title)}</h1>",
        f'<p class="totals">{passed} passed, {len(cases) - passed} failed ({rate:.1%}) '
        f"in {len(runs)} suite(s)</p>",
    ]
    if failing:
        head.append("<p>Failing cases:</p><ul>" + "".join(failing) + "</ul>")
    return "\n".join([*head, *body, "</body></html>"]) + "\n"
