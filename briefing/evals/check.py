"""``briefing check``: does a summary say what its article says, attributed as the article does?

The judgements are ``analyze.grounding``'s, the same ones ``verify`` applies to a model's lines,
so the gate and the brief agree on every sentence. This module turns their problems into the
stable public findings:

- the article attributes the content, the summary states it as plain fact: ``attribution_dropped``;
- the summary names another holder: ``misattributed_speaker``;
- the summary keeps the holder, loses the chain ("as reported by KCNA"): ``dropped_intermediary``;
- the article hedges and the summary does not: ``hedge_dropped``;
- quoted words that are not in the article: ``quote_not_verbatim``; in the article but said by
  someone else: ``quote_wrong_speaker``;
- a claim given to a speaker where the article has nothing like it: ``unsupported_attribution``;
- a side's loaded term used as the summary's own words: ``characterization_adopted``.

Beyond attribution, the judgements of ``analyze.facts``:

- a name, place or organisation the article never mentions in any form: ``unsupported_entity``;
- a number, amount, ordinal or date the article gives nowhere: ``number_mismatch``;
- a clause that restates an article sentence but denies it, or says its opposite:
  ``negation_flipped``;
- a clause no sentence of the article supports: ``unsupported_claim`` (not where the summary
  gives it to a speaker: that is ``unsupported_attribution``).

Deterministic: the same article and summary give the same findings every time.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from briefing.analyze import analyze
from briefing.analyze.facts import Facts
from briefing.analyze.grounding import Claim, Grounding, Problem
from briefing.models import Analysis, Article

FindingType = Literal[
    "misattributed_speaker",
    "dropped_intermediary",
    "attribution_dropped",
    "hedge_dropped",
    "quote_not_verbatim",
    "quote_wrong_speaker",
    "unsupported_attribution",
    "characterization_adopted",
    "unsupported_entity",
    "number_mismatch",
    "negation_flipped",
    "unsupported_claim",
    "judge_unsupported",
]
# The rules' own types: all but the judge's, which only ``--judge`` gives (briefing.evals.judge)
FINDING_TYPES: tuple[str, ...] = tuple(
    t
    for t in FindingType.__args__  # type: ignore[attr-defined]
    if t != "judge_unsupported"
)


class SummarySpan(BaseModel):
    start: int
    end: int
    text: str


class Finding(BaseModel):
    type: FindingType
    severity: Literal["error", "warning"] = "error"
    message: str
    summary_span: SummarySpan
    expected: str | None = None
    found: str | None = None
    evidence_sentence_ids: list[str] = Field(default_factory=list)


class CheckResult(BaseModel):
    passed: bool
    findings: list[Finding] = Field(default_factory=list)


class Checker:
    """Check any number of summaries against one article, analysing the article once."""

    def __init__(self, article: Article | Analysis) -> None:
        self.an = article if isinstance(article, Analysis) else analyze(article)
        self.ground = Grounding(self.an)
        self.facts = Facts(self.an.sentences)

    def problems(self, summary: str) -> list[tuple[Claim, Problem]]:
        """Attribution problems, then the facts', in the order of the summary's text. A claim
        the summary gives to a speaker and the article does not support is one problem
        (``unsupported_attribution``), not two."""
        found = self.ground.judge_text(summary)
        given = {(c.start, c.end) for c, p in found if p.type == "unsupported_attribution"}
        facts = [
            (c, p)
            for c, p in self.facts.judge_text(summary)
            if not (p.type == "unsupported_claim" and (c.start, c.end) in given)
        ]
        return sorted(found + facts, key=lambda cp: cp[0].start)

    def check(self, summary: str) -> CheckResult:
        findings = [
            Finding(
                type=p.type,  # type: ignore[arg-type]
                message=p.message,
                summary_span=SummarySpan(start=c.start, end=c.end, text=c.text),
                expected=p.expected,
                found=p.found,
                evidence_sentence_ids=p.evidence,
            )
            for c, p in self.problems(summary)
        ]
        return CheckResult(
            passed=not any(f.severity == "error" for f in findings), findings=findings
        )


def check(article: Article | Analysis, summary: str) -> CheckResult:
    """Findings for one summary of one article."""
    return Checker(article).check(summary)
