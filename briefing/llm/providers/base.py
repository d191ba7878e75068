"""What a provider is: something that answers jobs, and a registry of them by name.

:func:`briefing.llm.extract.run` owns everything around the calls (planning, the cache, the one
retry with the validation error shown to the model, per-article results), so a provider only
has to turn each :class:`~briefing.llm.planning.Job` into an :class:`Answer`: the parsed
extraction, or a one-line error and whether a retry with that error as feedback could help,
plus what the call cost. Keeping the contract this small is what lets the mock provider stand in
for the real one in tests without a server, and lets a new backend be one module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from briefing.llm.answers import SCHEMA, Reading
from briefing.llm.cache import Cache
from briefing.llm.planning import Job
from briefing.llm.settings import Settings, redact
from briefing.models import LLMExtraction, Usage

MAX_ERROR = 300  # characters of an error message shown to the user
MAX_FEEDBACK = 600  # characters of a validation error shown to the model on the retry
CALL = "call"  # the kind of failure of a call that brought no answer back
TIMEOUT = "timeout"  # a call that brought nothing back in time (after its retries)


@dataclass(frozen=True)
class Answer:
    """One call's outcome for one job: an extraction, or why there is none.

    ``retry`` marks an answer that came back but did not fit the schema: ``error`` then is the
    feedback for one more try. Any other error (a timeout, a refused request, a cut-off or
    looping answer) is final for this run; the article falls back to the offline engine.
    ``kind`` says which failure it is (:mod:`briefing.llm.answers`: ``schema``, ``cut_off``,
    ``repetitive``; ``call`` for a call that failed; None for a good answer). ``usage`` counts
    the call whatever came of it.
    """

    job: Job
    extraction: LLMExtraction | None
    usage: Usage = field(default_factory=Usage)
    error: str | None = None
    retry: bool = False
    kind: str | None = None


class Provider(Protocol):
    """Answers jobs. Made per run by a factory registered under the backend's name."""

    name: str

    @property
    def method(self) -> str | None:
        """How answers are asked for (``json_schema``, ``function_calling`` ...), for the record;
        None while it is not known yet."""
        ...

    def answer(self, jobs: Sequence[Job], feedback: Mapping[str, str]) -> Iterator[Answer]:
        """One :class:`Answer` per job, yielded as each arrives (so the caller can commit it to
        the cache at once). ``feedback`` maps a job's key to the error of its previous answer,
        to be shown to the model. Never raises for one bad call; that is an error answer."""
        ...


ProviderFactory = Callable[[Settings, Cache], Provider]

_REGISTRY: dict[str, ProviderFactory] = {}


def register(name: str) -> Callable[[ProviderFactory], ProviderFactory]:
    """Register a provider factory (a class, usually) under ``name``, as a decorator."""

    def add(factory: ProviderFactory) -> ProviderFactory:
        if name in _REGISTRY and _REGISTRY[name] is not factory:
            raise ValueError(f"an LLM provider named {name!r} is already registered")
        _REGISTRY[name] = factory
        return factory

    return add


def registered() -> dict[str, ProviderFactory]:
    """The registered factories by name (a copy)."""
    return dict(_REGISTRY)


def one_line(text: str, limit: int = MAX_ERROR) -> str:
    """Error text for a one-line message: whitespace collapsed, clipped."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe(exc: BaseException, settings: Settings) -> str:
    """A failed call as one line for the user, the API key scrubbed."""
    return redact(one_line(f"{type(exc).__name__}: {exc}"), settings)


def schema_error(job: Job, detail: object, usage: Usage, settings: Settings) -> Answer:
    """An answer that does not fit the schema, with ``detail`` as the model's feedback."""
    message = one_line(f"the answer did not match the schema: {detail}", MAX_FEEDBACK)
    return Answer(job, None, _failed(usage), redact(message, settings), retry=True, kind=SCHEMA)


def call_error(
    job: Job, exc: BaseException, usage: Usage, settings: Settings, kind: str = CALL
) -> Answer:
    """A call that failed (refused, timed out, cut): final for this run, counted all the same."""
    return Answer(job, None, _failed(usage), describe(exc, settings), kind=kind)


def late_error(job: Job, last: str | None, usage: Usage, settings: Settings) -> Answer:
    """A job whose deadline passed with no answer: a timeout, final, whose message names the
    deadline (the setting to raise) and the last attempt's outcome, if one was still running.
    ``usage`` is that attempt's; with none left to make, nothing is counted."""
    message = (
        f"no answer within the deadline of {settings.deadline:g} s a call may take, "
        "retries included (deadline in briefing.toml, or BRIEFING_DEADLINE)"
        + (f"; last: {last}" if last else "; no time was left for another try")
    )
    counted = _failed(usage) if usage.calls else usage
    return Answer(job, None, counted, redact(one_line(message), settings), kind=TIMEOUT)


def settle(job: Job, reading: Reading, usage: Usage, settings: Settings) -> Answer:
    """An answer as read (:func:`briefing.llm.answers.read`) into an :class:`Answer`."""
    if reading.extraction is not None:
        return Answer(job, reading.extraction, usage)
    if reading.kind == SCHEMA:
        return schema_error(job, reading.reason, usage, settings)
    message = redact(one_line(reading.reason or "no usable answer"), settings)
    return Answer(job, None, _failed(usage), message, kind=reading.kind)


def _failed(usage: Usage) -> Usage:
    """The usage of a failed call: the call counted (once) among the failed ones."""
    return usage.model_copy(update={"calls": max(1, usage.calls), "failed": 1})
