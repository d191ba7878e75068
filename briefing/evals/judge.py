"""``--judge``: a model's verdict on what the deterministic rules passed, by a majority of samples.

The rules run first and their errors stand: a summary they flag is never shown to the judge (it
would cost calls and could only agree or muddle a finding that has its evidence already). A
summary they pass is split into its sentences and the judge (:mod:`briefing.llm.judge`) is asked,
``samples`` times at temperature 0, whether the article supports each; a sentence is
``judge_unsupported`` when more than half of the samples say it is not, supported when more
than half say it is, and undecided otherwise (no finding, but said). Every answer is cached, so
a rerun votes the same and makes no call.

A ``judge_unsupported`` finding is where the judge and the rules disagree; its message says it
is the judge's, with the model and the votes, so nobody takes it for the rules' own deterministic
finding. A call that fails (after the client's retries) fails the judge for the run: the verdict
cannot be had, which is neither a pass nor a finding, so ``check`` and ``eval`` exit 2.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefing.errors import BriefingError, UsageError
from briefing.evals.check import Checker, CheckResult, Finding, SummarySpan
from briefing.evals.suites import Case, CaseResult, InlineArticle, Runner, Suite
from briefing.ingest.sentences import split_sentences
from briefing.llm.judge import CALL, JudgeClient, Question
from briefing.llm.pricing import priced
from briefing.llm.settings import Settings, redact
from briefing.models import Analysis, Article, Usage

JUDGE_FINDING = "judge_unsupported"
JUDGE_TYPES = (JUDGE_FINDING,)
DEFAULT_SAMPLES = 3
MAX_SAMPLES = 15
UNSUPPORTED, SUPPORTED, UNDECIDED = "unsupported", "supported", "undecided"
REASON_SHOWN = 200  # characters of the judge's reason quoted in a finding's message


class JudgeFailed(BriefingError):
    """The judge could not give a verdict: its endpoint failed. One line, the key scrubbed."""


@dataclass(frozen=True)
class Vote:
    """The samples' verdict on one sentence of the summary."""

    span: SummarySpan
    verdict: str  # unsupported, supported or undecided
    unsupported: int
    supported: int
    abstained: int  # samples whose answer could not be used
    reason: str = ""
    evidence: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "summary_span": self.span.model_dump(),
            "verdict": self.verdict,
            "votes": {
                "unsupported": self.unsupported,
                "supported": self.supported,
                "abstained": self.abstained,
            },
            "reason": self.reason,
            "evidence_sentence_ids": self.evidence,
        }


@dataclass
class Judged:
    """What the judge made of one summary: asked or not, each sentence's vote, what it cost."""

    asked: bool
    votes: list[Vote] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    abstentions: list[str] = field(default_factory=list)  # why samples could not be used

    @property
    def disagreements(self) -> list[Vote]:
        """The sentences the rules passed and the judge did not."""
        return [v for v in self.votes if v.verdict == UNSUPPORTED]

    @property
    def undecided(self) -> list[Vote]:
        return [v for v in self.votes if v.verdict == UNDECIDED]

    def as_json(self) -> dict[str, Any]:
        if not self.asked:
            return {"asked": False, "why": "the rules found errors", "usage": Usage().model_dump()}
        return {
            "asked": True,
            "sentences": [v.as_json() for v in self.votes],
            "disagreements": len(self.disagreements),
            "undecided": len(self.undecided),
            "abstentions": self.abstentions,
            "usage": self.usage.model_dump(),
        }


class Judge:
    """Asks a model about what the rules passed; keeps the run's totals."""

    def __init__(
        self, settings: Settings, samples: int = DEFAULT_SAMPLES, client: JudgeClient | None = None
    ) -> None:
        if not 1 <= samples <= MAX_SAMPLES:
            raise UsageError(f"--judge-samples must be from 1 to {MAX_SAMPLES}, got {samples}")
        self.settings = settings
        self.samples = samples
        self.client = client or JudgeClient(settings)
        self.usage = Usage()
        self.asked = 0
        self.not_asked = 0  # summaries the rules flagged
        self.failure: str | None = None

    @property
    def name(self) -> str:
        return f"{self.settings.model}, {self.samples} sample{'s' if self.samples != 1 else ''}"

    def review(
        self, analysis: Analysis, summary: str, result: CheckResult
    ) -> tuple[CheckResult, Judged]:
        """The rules' result with the judge's findings added, and what the judge made of it.
        A summary the rules failed is returned as it is, the judge not asked."""
        if not result.passed:
            self.not_asked += 1
            return result, Judged(asked=False)
        if self.failure is not None:
            raise JudgeFailed(
                f"the judge was not asked: it failed earlier in this run ({self.failure})"
            )
        claims = split_sentences(summary)
        if not claims:  # nothing to ask about
            return result, Judged(asked=True)
        q = Question(
            title=analysis.article.title or analysis.article.id,
            sentences=tuple((s.id, s.text) for s in analysis.sentences),
            claims=tuple((f"c{i + 1}", c.text) for i, c in enumerate(claims)),
        )
        samples = self.client.ask(q, self.samples)
        usage = Usage()
        for s in samples:
            usage = usage.add(s.usage)
        self.usage = self.usage.add(usage)
        self.asked += 1
        failed = next((s for s in samples if s.kind == CALL), None)
        if failed is not None:
            self.failure = failed.error or "the call failed"
            raise JudgeFailed(redact(f"the judge failed: {self.failure}", self.settings))
        votes = [
            self._vote(f"c{i + 1}", SummarySpan(start=c.start, end=c.end, text=c.text), samples)
            for i, c in enumerate(claims)
        ]
        judged = Judged(
            asked=True,
            votes=votes,
            usage=usage,
            abstentions=[f"sample {s.index + 1}: {s.error}" for s in samples if s.error],
        )
        found = [self._finding(v) for v in judged.disagreements]
        merged = CheckResult(
            passed=not found,
            findings=sorted([*result.findings, *found], key=lambda f: f.summary_span.start),
        )
        return merged, judged

    def _vote(self, cid: str, span: SummarySpan, samples: list[Any]) -> Vote:
        said = [(s.index, v) for s in samples if s.answer for v in s.answer.verdicts if v.id == cid]
        against = [v for _, v in said if not v.supported]
        for_ = [v for _, v in said if v.supported]
        need = self.samples // 2 + 1
        verdict, side = (
            (UNSUPPORTED, against)
            if len(against) >= need
            else (SUPPORTED, for_)
            if len(for_) >= need
            else (UNDECIDED, [])
        )
        first = side[0] if side else None  # the lowest-numbered sample of the majority
        return Vote(
            span=span,
            verdict=verdict,
            unsupported=len(against),
            supported=len(for_),
            abstained=self.samples - len(said),
            reason=_printable(first.reason) if first else "",
            evidence=list(first.evidence) if first else [],
        )

    def _finding(self, v: Vote) -> Finding:
        reason = v.reason if len(v.reason) <= REASON_SHOWN else v.reason[: REASON_SHOWN - 1] + "…"
        return Finding(
            type=JUDGE_FINDING,  # type: ignore[arg-type]
            message=(
                f"The judge ({self.settings.model}, {v.unsupported} of {self.samples} samples), "
                f"not the rules, finds this unsupported by the article"
                + (f": {reason}" if reason else "")
            ),
            summary_span=v.span,
            expected="supported by the article",
            found=f"judge: unsupported ({v.unsupported} of {self.samples} samples)",
            evidence_sentence_ids=v.evidence,
        )

    def usage_line(self) -> str:
        """The judge's cost, as the model stage says its own."""
        u = self.usage
        failed = f" ({u.failed} failed)" if u.failed else ""
        return (
            f"briefing: judge usage: {u.calls} call(s){failed}, {u.cached} cached, "
            f"{u.input_tokens} input and {u.output_tokens} output tokens, {u.seconds:.1f} s, "
            f"${u.cost_usd:.4f}"
            + (
                ""
                if priced(self.settings.model)
                else f" (no price listed for {self.settings.model})"
            )
        )

    def summary(self) -> dict[str, Any]:
        """The run's totals, for the JSON report."""
        return {
            "model": self.settings.model,
            "samples": self.samples,
            "asked": self.asked,
            "not_asked": self.not_asked,
            "failure": redact(self.failure, self.settings) if self.failure else None,
            "usage": self.usage.model_dump(),
        }


def _printable(text: str) -> str:
    """The model's words as one line of plain text: no control characters (a terminal's
    escape sequences), whitespace collapsed."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def verdict_line(judge: Judge, judged: Judged) -> str:
    """One line on what the judge made of one summary, against the rules."""
    if not judged.asked:
        return f"judge ({judge.name}): not asked, the rules found errors"
    n = len(judged.votes)
    parts = []
    if judged.disagreements:
        parts.append(f"disagrees with the rules on {len(judged.disagreements)} of {n} sentence(s)")
    else:
        parts.append(f"agrees with the rules on {n - len(judged.undecided)} of {n} sentence(s)")
    if judged.undecided:
        parts.append(f"no majority on {len(judged.undecided)}")
    return f"judge ({judge.name}): " + "; ".join(parts)


class _JudgedChecker:
    """A checker whose verdict is the rules', then the judge's on what the rules passed."""

    def __init__(self, checker: Checker, runner: JudgedRunner) -> None:
        self.checker = checker
        self.an = checker.an
        self.runner = runner

    def check(self, summary: str) -> CheckResult:
        result = self.checker.check(summary)
        try:
            result, judged = self.runner.judge.review(self.an, summary, result)
        except JudgeFailed as e:
            self.runner.failed = str(e)
            raise
        self.runner.last = judged
        return result


class JudgedRunner(Runner):
    """The suites' runner with the judge after the rules. A case the judge could not judge is
    an error of that case (listed, the run exits 2), never a pass or a finding."""

    def __init__(self, judge: Judge, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.judge = judge
        self.judged: dict[int, Judged] = {}  # by id() of the case's result
        self.not_judged: set[int] = set()  # the cases the judge failed on, by id()
        self.last: Judged | None = None
        self.failed: str | None = None

    def checker(self, spec: str | InlineArticle, base: Path) -> tuple[Any, Article]:
        ck, art = super().checker(spec, base)
        return _JudgedChecker(ck, self), art

    def run_case(self, suite: Suite, case: Case, path: Path) -> CaseResult:
        self.last, self.failed = None, None
        r = super().run_case(suite, case, path)
        if self.failed is not None:
            r.error, r.passed = True, False
            self.not_judged.add(id(r))
        elif self.last is not None:
            self.judged[id(r)] = self.last
        return r
