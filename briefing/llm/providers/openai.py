"""Any OpenAI-compatible endpoint (OpenAI, vLLM, Ollama, llama.cpp, Azure), through LangChain.

The answer is asked for with ``ChatOpenAI.with_structured_output(LLMExtraction,
include_raw=True)``, the prompt template piped in front. Two ways of asking exist and servers
differ in which they take:

- ``json_schema`` (a strict response format) is tried first, on one job with no retries, because
  it is the stricter contract;
- a server that refuses it (llama.cpp answers HTTP 500, others 400/404/422) is asked with
  function calling instead. The method that worked is remembered per endpoint and model in the
  cache, so later runs skip the probe.

Retries with backoff on 429, 5xx and timeouts are the openai client's (``max_retries``); this
module adds none. It only classifies what came back: a parsed answer, an answer that did not fit
the schema (worth one retry with the error shown), or a failed call. The langchain and openai
imports are deferred so an offline run never pays for them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from briefing.llm.cache import Cache
from briefing.llm.planning import Job
from briefing.llm.pricing import cost
from briefing.llm.prompts import prompt_template
from briefing.llm.providers.base import Answer, describe, register, schema_error
from briefing.llm.settings import Settings
from briefing.models import LLMExtraction, Usage

JSON_SCHEMA, FUNCTION_CALLING = "json_schema", "function_calling"


def _chat_model(settings: Settings, max_retries: int) -> Any:
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        model=settings.model,
        base_url=settings.base_url,
        api_key=settings.require_key(),
        timeout=settings.timeout,
        max_retries=max_retries,
        temperature=0,
        use_responses_api=False,
    )


def _chain(settings: Settings, method: str, max_retries: int) -> Any:
    """prompt | model with structured output; its answers are ``{"raw", "parsed",
    "parsing_error"}`` dicts, or exceptions for calls that failed."""
    structured = _chat_model(settings, max_retries).with_structured_output(
        LLMExtraction, method=method, include_raw=True
    )
    return prompt_template() | structured


def _usage_of(raw: Any, model: str) -> Usage:
    meta = getattr(raw, "usage_metadata", None) or {}
    i, o = int(meta.get("input_tokens", 0)), int(meta.get("output_tokens", 0))
    return Usage(calls=1, input_tokens=i, output_tokens=o, cost_usd=cost(model, i, o))


def _refuses_schema(exc: BaseException) -> bool:
    """The server does not take a json_schema response format (llama.cpp: HTTP 500)."""
    import openai

    return isinstance(
        exc,
        (
            openai.InternalServerError,
            openai.BadRequestError,
            openai.UnprocessableEntityError,
            openai.NotFoundError,
        ),
    )


def _invalid_answer(exc: BaseException) -> bool:
    """An answer that came back but does not fit the schema (worth one retry with feedback).

    With ``json_schema`` the openai client validates inside the call, so a malformed or
    off-schema answer arrives as an exception rather than as ``parsing_error``.
    """
    import openai
    import pydantic

    return isinstance(
        exc,
        (
            pydantic.ValidationError,
            json.JSONDecodeError,
            openai.LengthFinishReasonError,
            ValueError,
        ),
    ) and not isinstance(exc, openai.APIError)


def _answer(job: Job, out: Any, settings: Settings) -> Answer:
    """What the chain gave for one job, as an :class:`Answer`."""
    if isinstance(out, BaseException):
        if _invalid_answer(out):
            return schema_error(job, out, Usage(), settings)
        return Answer(job, None, error=describe(out, settings))
    raw = out.get("raw")
    usage = _usage_of(raw, settings.model)
    parsed, err = out.get("parsed"), out.get("parsing_error")
    if isinstance(parsed, LLMExtraction) and err is None:
        return Answer(job, parsed, usage)
    if err is None:
        # function calling hides broken arguments in invalid_tool_calls and parses nothing
        bad = getattr(raw, "invalid_tool_calls", None) or []
        err = (
            bad[0].get("error")
            if bad and bad[0].get("error")
            else "arguments were not valid JSON"
            if bad
            else "no structured answer"
        )
    return schema_error(job, err, usage, settings)


@register("openai")
class OpenAIProvider:
    """Structured answers from an OpenAI-compatible chat completions endpoint."""

    name = "openai"

    def __init__(self, settings: Settings, cache: Cache) -> None:
        settings.require_key()
        self.settings = settings
        self.cache = cache
        self._endpoint = f"{settings.endpoint}|{settings.model}"
        self._method = cache.method(self._endpoint)
        self._chain: Any = None

    @property
    def method(self) -> str | None:
        return self._method

    def answer(self, jobs: Sequence[Job], feedback: Mapping[str, str]) -> Iterator[Answer]:
        todo = list(jobs)
        if todo and self._method is None:
            first = self._probe(todo[0], feedback)
            if first is not None:
                yield first
                todo = todo[1:]
        if not todo:
            return
        if self._chain is None:
            self._chain = _chain(
                self.settings, self._method or JSON_SCHEMA, self.settings.max_retries
            )
        yield from self._batch(todo, self._chain, feedback)

    def _probe(self, job: Job, feedback: Mapping[str, str]) -> Answer | None:
        """Ask one job with json_schema and no retries, to learn what the endpoint accepts.

        Returns the job's answer when it settles it (parsed, or off-schema and so due a retry);
        None when the job is still to ask: the server refused json_schema (it is asked again with
        function calling) or the call failed for a passing reason (429, timeout).
        """
        _, out = next(self._batch_raw([job], _chain(self.settings, JSON_SCHEMA, 0), feedback))
        if isinstance(out, BaseException) and _refuses_schema(out):
            self._remember(FUNCTION_CALLING)
            return None
        self._remember(JSON_SCHEMA)
        answer = _answer(job, out, self.settings)
        return answer if answer.extraction is not None or answer.retry else None

    def _remember(self, method: str) -> None:
        self._method = method
        self.cache.set_method(self._endpoint, method)

    def _batch(self, jobs: list[Job], chain: Any, feedback: Mapping[str, str]) -> Iterator[Answer]:
        for job, out in self._batch_raw(jobs, chain, feedback):
            yield _answer(job, out, self.settings)

    def _batch_raw(
        self, jobs: list[Job], chain: Any, feedback: Mapping[str, str]
    ) -> Iterator[tuple[Job, Any]]:
        """(job, answer or exception) as answers arrive, ``max_concurrency`` at a time."""
        inputs = [dict(j.inputs, feedback=feedback.get(j.key, "")) for j in jobs]
        for i, out in chain.batch_as_completed(
            inputs,
            config={"max_concurrency": self.settings.max_concurrency},
            return_exceptions=True,
        ):
            yield jobs[i], out
