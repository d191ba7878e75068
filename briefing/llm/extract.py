"""The LLM stage: one structured answer per article, as cheaply and robustly as it can get them.

The model improves the wording of events and the bottom line; it never decides what is true.
Everything it returns cites sentence ids and goes through :mod:`briefing.verify` before it can
reach the brief. :func:`run` strings the pieces together:

1. :func:`~briefing.llm.planning.plan` the calls (short articles packed, long ones windowed);
2. answer what it can from the :class:`~briefing.llm.cache.Cache`;
3. ask the provider (:mod:`briefing.llm.providers`) for the rest, committing each good answer
   to the cache as it arrives, so a rerun, or a run resumed after a crash, repeats no finished
   call;
4. give an answer that did not fit the schema one more try, with the validation error shown to
   the model (rather than patching the answer silently); a cut-off or looping answer gets none,
   and a model that keeps failing on short articles is not asked about the rest of the batch;
5. turn the answers back into one result per article (split, merged, usage shared out). An
   article with no good answer has ``extraction`` None and the offline engine writes it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from briefing.llm import planning
from briefing.llm.answers import CUT_OFF, REPETITIVE, SCHEMA
from briefing.llm.cache import Cache
from briefing.llm.planning import Job, merge, plan, share, split
from briefing.llm.pricing import cost, priced
from briefing.llm.prompts import prompt_template, prompt_version
from briefing.llm.providers import Answer, Provider, get_provider
from briefing.llm.providers.base import TIMEOUT
from briefing.llm.settings import Settings
from briefing.models import Analysis, LLMExtraction, Usage

__all__ = [
    "LLMResult",
    "cost",
    "estimate",
    "plan",
    "priced",
    "prompt_template",
    "prompt_version",
    "run",
]


GIVE_UP_AFTER = 2  # short articles failed in a row after which the model is asked no more
# what counts against the model: answers it could not shape, and calls it could not finish in
# time (a model too slow for a short article is too slow for the rest of the batch)
MODEL_FAILURES = (SCHEMA, CUT_OFF, REPETITIVE, TIMEOUT)
SKIPPED = "skipped"  # the kind of a job not asked because the model had failed too often


@dataclass
class LLMResult:
    """The model's answer for one article, merged over its windows, or why there is none."""

    article_id: str
    extraction: LLMExtraction | None
    usage: Usage
    error: str | None = None
    method: str | None = None
    kind: str | None = None  # the kind of failure (answers.SCHEMA ..., SKIPPED), or None


def run(
    analyses: list[Analysis],
    settings: Settings,
    cache: Cache | None = None,
    on_done: Callable[[str], None] | None = None,
    provider: Provider | None = None,
) -> dict[str, LLMResult]:
    """Ask the model about every article; results by article id (``extraction`` None on failure).

    ``provider`` defaults to the one registered as ``settings.backend``; ``on_done`` is told each
    article id as its result is ready. Calls go ``max_concurrency`` at a time, each round's
    off-schema answers retried once with their errors shown; once the model has failed on
    :data:`GIVE_UP_AFTER` short articles in a row (off-schema twice, cut off, looping or timed
    out), it is not asked about the rest, which go to the offline engine at once with that one
    reason.
    """
    cache = cache or Cache(settings.cache_path, settings.cache_days)
    provider = provider or get_provider(settings.backend)(settings, cache)
    jobs = plan(analyses, settings)
    pending = [job for job in jobs if not _from_cache(job, cache)]

    strikes: list[Job] = []
    size = max(1, settings.max_concurrency)
    for start in range(0, len(pending), size):
        chunk = pending[start : start + size]
        if len(strikes) >= GIVE_UP_AFTER:
            reason = _gave_up(strikes)
            for job in chunk:
                job.error, job.kind = reason, SKIPPED
            continue
        feedback: dict[str, str] = {}
        for answer in provider.answer(chunk, {}):
            if _settle(answer, settings, cache):
                feedback[answer.job.key] = answer.error or ""
            _strike(answer, strikes)
        retry = [job for job in chunk if job.key in feedback]
        if retry:  # one more try, told what was wrong
            for answer in provider.answer(retry, feedback):
                _settle(answer, settings, cache)
                _strike(answer, strikes)

    results: dict[str, LLMResult] = {}
    for an in analyses:
        aid = an.article.id
        results[aid] = _result(aid, [j for j in jobs if aid in j.members], provider.method)
        if on_done:
            on_done(aid)
    return results


def estimate(
    analyses: list[Analysis], settings: Settings, cache: Cache | None = None
) -> list[dict[str, Any]]:
    """``--dry-run``: :func:`briefing.llm.planning.estimate` of the run, the calls the cache
    already answered costing nothing (the cache is read only where it exists)."""
    if cache is None and settings.cache_path.is_file():
        cache = Cache(settings.cache_path, settings.cache_days)
    cached = frozenset(
        j.key for j in plan(analyses, settings) if cache is not None and cache.get(j.key)
    )
    return planning.estimate(analyses, settings, cached)


def _strike(answer: Answer, strikes: list[Job]) -> None:
    """Count a short article's final failure against the model when it says the model cannot
    do the task (not a passing fault such as a refused call); a good answer clears the count,
    so only a model that keeps failing is given up on, not one that meets a bad moment."""
    if answer.extraction is not None:
        strikes.clear()
    elif answer.kind in MODEL_FAILURES and not answer.retry and not answer.job.windowed:
        strikes.append(answer.job)


def _gave_up(strikes: list[Job]) -> str:
    """The one reason every article left unasked is given."""
    last = strikes[-1]
    return (
        f"not asked: the model failed on {len(strikes)} short articles in a row "
        f"(last: {last.error or last.kind})"
    )


def _from_cache(job: Job, cache: Cache) -> bool:
    """Fill ``job`` from the cache if this exact call was answered before."""
    hit = cache.get(job.key)
    if hit is None:
        return False
    payload, _, _ = hit
    job.result = LLMExtraction.model_validate(payload)
    job.usage = Usage(cached=1, input_tokens=0, output_tokens=0)
    return True


def _settle(answer: Answer, settings: Settings, cache: Cache) -> bool:
    """Record an answer on its job, committing a good one to the cache at once so a crash later
    loses no finished call. True when it is due a retry with its error as feedback."""
    job = answer.job
    job.usage = job.usage.add(answer.usage)
    if answer.extraction is not None:
        job.result, job.error = answer.extraction, None
        cache.put(
            job.key,
            settings.model,
            job.result.model_dump(mode="json"),
            job.usage.input_tokens,
            job.usage.output_tokens,
        )
        return False
    job.error, job.kind = answer.error, answer.kind
    return answer.retry


def _result(article_id: str, jobs: list[Job], method: str | None) -> LLMResult:
    """One article's result from the jobs it was in: its part of each answer, merged over its
    windows, and its share of their usage; the first error if any job has no answer."""
    usage = Usage()
    for j in jobs:
        usage = usage.add(share(j.usage, len(j.members), j.members.index(article_id) == 0))
    failed = [j for j in jobs if j.result is None]
    if failed:
        first = failed[0]
        return LLMResult(article_id, None, usage, first.error or "no answer", method, first.kind)
    parts = [split(j.result, j.members)[article_id] for j in jobs if j.result is not None]
    return LLMResult(article_id, merge(parts), usage, None, method)
