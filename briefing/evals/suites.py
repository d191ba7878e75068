"""Eval suites: YAML files of (article, summary, what ``check`` must find), for the CLI or pytest.

A suite::

    suite: kcna-seed                      # optional; the file name otherwise
    # the default article of its cases, relative to the suite
    article: ../examples/articles/kcna-putin-pyongyang.txt
    cases:
      - id: putin-said-visit-soon
        summary: Putin said he will visit Pyongyang soon.
        expect:
          find: [dropped_intermediary]     # must all appear (find_any: at least one)
          not_find: [misattributed_speaker]
          passed: false                    # the verdict
      - id: own-article
        article: {title: Example, text: "Officials said ..."}   # or a path
        generate: true                     # check the pipeline's own bottom line instead

A case passes when every expectation holds. The verdicts are deterministic, so a suite gives the
same result on every run; that is what lets CI gate on it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from briefing import pipeline
from briefing.errors import BriefingError
from briefing.evals.check import FINDING_TYPES, Checker, CheckResult
from briefing.ingest import load_article
from briefing.models import Analysis, Article, ArticleMeta


class ModelNotUsed(BriefingError):
    """A ``generate: true`` case with a model configured whose model failed: the summary would
    be the offline engine's, so the case would not judge the model at all."""


class SuiteError(BriefingError):
    """A suite that cannot be run: the message names the file, the case and the field."""


class InlineArticle(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1)
    title: str | None = None
    outlet: str | None = None


class Expect(BaseModel):
    model_config = ConfigDict(extra="forbid")
    find: list[str] = Field(default_factory=list)
    # at least one of these must appear: a claim stated as fact is a dropped attribution, or,
    # where the article had it through an intermediary, a dropped intermediary
    find_any: list[str] = Field(default_factory=list)
    not_find: list[str] = Field(default_factory=list)
    passed: bool | None = None

    @field_validator("find", "find_any", "not_find")
    @classmethod
    def _known(cls, v: list[str]) -> list[str]:
        unknown = [t for t in v if t not in FINDING_TYPES]
        if unknown:
            raise ValueError(
                f"unknown finding type(s) {', '.join(unknown)}; known: {', '.join(FINDING_TYPES)}"
            )
        return v


class Case(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1)
    article: str | InlineArticle | None = None
    summary: str | None = None
    generate: bool = False
    expect: Expect = Field(default_factory=Expect)
    note: str | None = None

    @model_validator(mode="after")
    def _summary_or_generate(self) -> Case:
        if self.generate == (self.summary is not None):
            raise ValueError("give either a summary or generate: true")
        if self.summary is not None and not self.summary.strip():
            raise ValueError("summary is empty")
        return self


class Suite(BaseModel):
    model_config = ConfigDict(extra="forbid")
    suite: str | None = None
    article: str | InlineArticle | None = None
    description: str | None = None
    min_pass_rate: float = Field(
        default=1.0, ge=0.0, le=1.0
    )  # below 1: the suite is gated on its rate
    cases: list[Case] = Field(min_length=1)


@dataclass
class CaseResult:
    suite: str
    case: Case
    passed: bool
    problems: list[str]
    result: CheckResult | None
    seconds: float
    summary: str = ""
    # the article sentences the findings cite, by id: what a report shows beside each finding
    sentences: dict[str, str] = field(default_factory=dict)
    # not judged: its model failed and the run allowed that (``--allow-offline``)
    skipped: bool = False
    # not judged: its input could not be read (a broken record of ``--outputs``); the run
    # reports the rest, then exits 2
    error: bool = False

    @property
    def found(self) -> list[str]:
        return sorted({f.type for f in self.result.findings}) if self.result else []


@dataclass
class SuiteRun:
    path: Path
    name: str
    results: list[CaseResult] = field(default_factory=list)
    min_pass_rate: float = 1.0


def _where(path: Path, raw: dict[str, Any], loc: tuple[Any, ...]) -> str:
    if len(loc) >= 2 and loc[0] == "cases" and isinstance(loc[1], int):
        cases = raw.get("cases") or []
        cid = (
            cases[loc[1]].get("id")
            if loc[1] < len(cases) and isinstance(cases[loc[1]], dict)
            else None
        )
        rest = (
            ".".join(str(x) for x in loc[2:] if not str(x).startswith(("str", "InlineArticle")))
            or "case"
        )
        return f"{path}: case {loc[1] + 1}{f' ({cid})' if cid else ''}: field {rest!r}"
    return f"{path}: field {'.'.join(str(x) for x in loc) or 'suite'!r}"


def load_suite(path: Path) -> Suite:
    """Parse and validate a suite; a problem is one line naming the file, the case and the field."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SuiteError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise SuiteError(f"{path}: cannot be read: {e}") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        raise SuiteError(f"{path}: not valid YAML{where}") from None
    if not isinstance(raw, dict):
        raise SuiteError(f"{path}: a suite is a mapping with a 'cases' list")
    try:
        return Suite.model_validate(raw)
    except ValidationError as e:
        err = e.errors()[0]
        raise SuiteError(f"{_where(path, raw, tuple(err['loc']))}: {err['msg']}") from None


class Runner:
    """Runs cases, analysing each article once however many cases share it. ``generate``
    writes a ``generate: true`` case's summary from its checker, and says what to judge it by
    (:class:`Generated`; :func:`generate_offline` unless given)."""

    def __init__(self, generate: Any = None, allow_offline: bool = False) -> None:
        self._checkers: dict[str, Checker] = {}
        self._generate = generate or generate_offline
        self.allow_offline = allow_offline  # a failed model skips its case rather than fails it

    def checker(self, spec: str | InlineArticle | Analysis, base: Path) -> tuple[Checker, Article]:
        """The checker of a case's article (read once, however many cases share it), or of an
        analysis given whole (a generated summary's, the model's attributions among the
        engine's: one run's, so not kept)."""
        if isinstance(spec, Analysis):
            return pipeline.checker(spec), Article(meta=spec.article, text=spec.article.text or "")
        if isinstance(spec, InlineArticle):
            key = f"inline:{spec.title}:{hash(spec.text)}"
            art = Article(
                meta=ArticleMeta(
                    id="inline",
                    path="<inline>",
                    title=spec.title,
                    outlet=spec.outlet,
                    text=spec.text,
                ),
                text=spec.text,
            )
        else:
            p = (base / spec) if not Path(spec).is_absolute() else Path(spec)
            key = str(p.resolve())
            art = None
            if key not in self._checkers:
                art = load_article(p)
        if key not in self._checkers:
            self._checkers[key] = pipeline.checker(art)  # type: ignore[arg-type]
        ck = self._checkers[key]
        return ck, art or Article(meta=ck.an.article, text=ck.an.article.text or "")

    def run_case(self, suite: Suite, case: Case, path: Path) -> CaseResult:
        name = suite.suite or path.stem
        t0 = time.perf_counter()
        spec = case.article or suite.article
        if spec is None:
            return CaseResult(
                name, case, False, ["no article: give one on the case or the suite"], None, 0.0
            )
        try:
            ck, _ = self.checker(spec, path.parent)
            if case.summary is not None:
                summary = case.summary
            else:
                made = self._generate(ck)
                summary = made.summary
                if made.analysis is not ck.an:  # judged by the list the brief's gate used
                    ck, _ = self.checker(made.analysis, path.parent)
            result = ck.check(summary)
        except ModelNotUsed as e:
            seconds = time.perf_counter() - t0
            if self.allow_offline:
                return CaseResult(name, case, True, [f"skipped: {e}"], None, seconds, skipped=True)
            return CaseResult(name, case, False, [str(e)], None, seconds)
        except BriefingError as e:
            return CaseResult(name, case, False, [str(e)], None, time.perf_counter() - t0)
        found = {f.type for f in result.findings}
        problems = [f"expected {t}, not found" for t in case.expect.find if t not in found]
        if case.expect.find_any and not found & set(case.expect.find_any):
            problems.append(f"expected one of {', '.join(case.expect.find_any)}, none found")
        problems += [
            f"found {t}, which must not appear" for t in case.expect.not_find if t in found
        ]
        if case.expect.passed is not None and result.passed != case.expect.passed:
            problems.append(
                f"expected the check to {'pass' if case.expect.passed else 'fail'}, "
                f"it {'passed' if result.passed else 'failed'}"
            )
        cited = {sid for f in result.findings for sid in f.evidence_sentence_ids}
        sentences = {
            sid: sent.text
            for sid in sorted(cited, key=_sentence_order)
            if (sent := ck.an.sentence(sid))
        }
        return CaseResult(
            name, case, not problems, problems, result, time.perf_counter() - t0, summary, sentences
        )

    def run(self, path: Path) -> SuiteRun:
        suite = load_suite(path)
        run = SuiteRun(path, suite.suite or path.stem, min_pass_rate=suite.min_pass_rate)
        for case in suite.cases:
            run.results.append(self.run_case(suite, case, path))
        return run


def _sentence_order(sid: str) -> tuple[int, str]:
    """``s2`` before ``s10``."""
    digits = sid.lstrip("s")
    return (int(digits), sid) if digits.isdigit() else (1 << 30, sid)


@dataclass(frozen=True)
class Generated:
    """A ``generate: true`` case's summary and the analysis it is judged against: the
    engine's offline; with a model, the engine's attributions and the model's that grounded
    (:func:`briefing.verify.reconciled.reconciled`), the list the brief's gate judged the
    summary by and the one ``briefing check --backend openai`` judges by. Against the engine's
    alone a line crediting a speaker only the model found would be called a misattribution."""

    summary: str
    analysis: Analysis


def generate_offline(checker: Checker) -> Generated:
    """The pipeline's own summary of the checked article (``generate: true``): the offline
    engine's, or with a model configured the model's, verified. A model that failed on the
    article raises :class:`ModelNotUsed` rather than handing back the engine's text, which
    would pass the case without the model ever being judged."""
    from briefing.llm.settings import load_settings
    from briefing.verify.reconciled import reconciled

    settings = load_settings()
    if settings.backend != "openai":
        return Generated(pipeline.summarise(checker.an, settings), checker.an)
    run = pipeline.model([checker.an], settings)
    if run.fell_back:
        raise ModelNotUsed(f"the model was not used: {run.fell_back[0].reason}")
    brief = pipeline.compose([checker.an], run=run)
    both = reconciled(checker.an, run.verified.get(checker.an.article.id))
    return Generated(" ".join(item.text for item in brief.bottom_line), both)
