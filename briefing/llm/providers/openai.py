"""Any OpenAI-compatible endpoint (OpenAI, vLLM, Ollama, llama.cpp, Azure), through LangChain.

Each call sends the call's own bounded schema (:mod:`briefing.llm.schema`) and a ``max_tokens``
derived from it, and reads the raw reply itself (:mod:`briefing.llm.answers`), so that every
reply, good or bad, brings back its tokens, its finish reason and its time. Two ways of asking
exist and servers differ in which they take:

- ``json_schema`` (a strict response format) is tried first, on one job with no retries, because
  it is the stricter contract;
- a server that refuses it (llama.cpp answers HTTP 500, others 400/404/422) is asked with
  function calling instead.

With ``stream = true`` the answer is streamed and watched (:class:`~briefing.llm.answers.
LoopWatch`): one that begins to loop is closed there, which stops a llama.cpp server generating,
instead of running on to the cap; it counts as a looping answer, its tokens counted from what
was sent and read.

A method is remembered per endpoint and model in the cache only once an answer has come back
with it: a probe that timed out or failed says nothing about the endpoint, and remembering it
would settle the method for good on a passing fault.

Retries with backoff on 429, 5xx and timeouts are the openai client's (``max_retries``); this
module adds none. The langchain and openai imports are deferred so an offline run never pays
for them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

from briefing.llm import answers
from briefing.llm.cache import Cache
from briefing.llm.planning import Job
from briefing.llm.pricing import cost
from briefing.llm.prompts import prompt_template, prompt_tokens
from briefing.llm.providers.base import (
    CALL,
    TIMEOUT,
    Answer,
    call_error,
    register,
    schema_error,
    settle,
)
from briefing.llm.settings import Settings
from briefing.llm.tokens import count_tokens
from briefing.models import Usage

JSON_SCHEMA, FUNCTION_CALLING = "json_schema", "function_calling"
SCHEMA_NAME = "LLMExtraction"


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
        stream_usage=settings.stream,
    )


@dataclass(frozen=True)
class Stopped:
    """A streamed answer closed early because it had begun to loop: what came, and why."""

    text: str
    reason: str


def _partial(message: Any, method: str) -> str:
    """The text of an answer so far: its content, or its tool call's arguments."""
    if method == JSON_SCHEMA:
        return message.content if isinstance(message.content, str) else ""
    return "".join(c.get("args") or "" for c in getattr(message, "tool_call_chunks", []))


def _streamed(chain: Any, inputs: dict[str, Any], method: str) -> Any:
    """The answer, streamed and watched: the whole message, or :class:`Stopped` once it loops
    (the stream is closed there, which stops a llama.cpp server generating)."""
    watch = answers.LoopWatch()
    stream = chain.stream(inputs)
    message: Any = None
    try:
        for chunk in stream:
            message = chunk if message is None else message + chunk
            loop = watch.looping(_partial(message, method))
            if loop:
                return Stopped(_partial(message, method), loop)
    finally:
        stream.close()
    return message


def _bound(chat: Any, job: Job, method: str, settings: Settings) -> Any:
    """prompt | model, asking for this job's bounded schema and capped at its ``max_tokens``.

    LangChain sends the cap as ``max_completion_tokens``; a compatible server may read only the
    older ``max_tokens`` (llama.cpp, Ollama), so it gets both. OpenAI's strict mode refuses
    ``maxLength``, so its own endpoint gets the schema without lengths.
    """
    schema = job.schema(lengths=not settings.is_openai)
    extra: dict[str, Any] = {} if settings.is_openai else {"max_tokens": job.max_tokens}
    if method == JSON_SCHEMA:
        extra["response_format"] = {
            "type": "json_schema",
            "json_schema": {"name": SCHEMA_NAME, "schema": schema, "strict": True},
        }
        model = chat.bind(max_tokens=job.max_tokens, extra_body=extra)
    else:
        tool = {
            "type": "function",
            "function": {"name": SCHEMA_NAME, "description": "", "parameters": schema},
        }
        model = chat.bind_tools(
            [tool], tool_choice=SCHEMA_NAME, max_tokens=job.max_tokens, extra_body=extra
        )
    return prompt_template() | model


def _usage_of(message: Any, model: str, seconds: float) -> Usage:
    meta = getattr(message, "usage_metadata", None) or {}
    i, o = int(meta.get("input_tokens", 0)), int(meta.get("output_tokens", 0))
    return Usage(
        calls=1, input_tokens=i, output_tokens=o, cost_usd=cost(model, i, o), seconds=seconds
    )


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


def _no_answer(exc: BaseException) -> bool:
    """The call timed out or never reached a server: the probe learnt nothing, and asking the
    same job again at once would wait as long again."""
    import openai

    return isinstance(exc, openai.APIConnectionError)  # APITimeoutError is one


def _payload(message: Any, method: str) -> tuple[str | dict[str, Any] | None, str | None]:
    """What to read from a reply: the JSON text, or the tool call's arguments; else why not."""
    if method == JSON_SCHEMA:
        content = message.content
        return (content, None) if isinstance(content, str) and content.strip() else (None, "")
    calls = getattr(message, "tool_calls", None) or []
    if calls:
        return calls[0].get("args") or {}, None
    bad = getattr(message, "invalid_tool_calls", None) or []
    if bad:
        return None, bad[0].get("error") or "the call's arguments were not valid JSON"
    return None, "the model answered in prose instead of calling the function"


def _answer(job: Job, out: Any, seconds: float, method: str, settings: Settings) -> Answer:
    """What one call gave for one job, as an :class:`Answer` that counts the call."""
    if isinstance(out, BaseException):
        import openai

        kind = TIMEOUT if isinstance(out, openai.APITimeoutError) else CALL
        return call_error(job, out, Usage(calls=1, seconds=seconds), settings, kind)
    if isinstance(out, Stopped):  # no usage came back: counted from what was sent and read
        i, o = prompt_tokens(dict(job.inputs, feedback="")), count_tokens(out.text)
        usage = Usage(calls=1, input_tokens=i, output_tokens=o, cost_usd=cost(settings.model, i, o))
        reading = answers.Reading(None, answers.REPETITIVE, out.reason)
        return settle(job, reading, usage.model_copy(update={"seconds": seconds}), settings)
    usage = _usage_of(out, settings.model, seconds)
    finish = (getattr(out, "response_metadata", None) or {}).get("finish_reason")
    payload, problem = _payload(out, method)
    if payload is None and finish != "length":
        return schema_error(job, problem or "the answer was empty", usage, settings)
    reading = answers.read(payload or "", finish, job.max_tokens)
    return settle(job, reading, usage, settings)


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
        self._known = self._method is not None  # remembered, or learnt from an answer this run
        self._chat: dict[int, Any] = {}

    @property
    def method(self) -> str | None:
        return self._method

    def answer(self, jobs: Sequence[Job], feedback: Mapping[str, str]) -> Iterator[Answer]:
        todo = list(jobs)
        while todo and not self._known:
            job = todo.pop(0)
            first = self._probe(job, feedback)
            if first is None:
                todo.insert(0, job)  # refused json_schema: ask it again by function calling
                break
            yield first
        if todo:
            yield from self._batch(todo, self._method or JSON_SCHEMA, feedback)

    def _probe(self, job: Job, feedback: Mapping[str, str]) -> Answer | None:
        """Ask one job with json_schema and no retries, to learn what the endpoint accepts.

        Returns the job's answer, whatever it is, unless the server refused json_schema: then
        function calling is used for the rest of the run (remembered once it answers) and None
        says the job is still to ask. A failed call is the job's answer and settles nothing
        about the endpoint, so the next job probes again.
        """
        ((_, out, seconds),) = list(self._calls([job], JSON_SCHEMA, feedback, retries=0))
        if isinstance(out, BaseException):
            if _refuses_schema(out):
                job.usage = job.usage.add(Usage(calls=1, failed=1, seconds=seconds))
                self._method = FUNCTION_CALLING
                self._known = True
                return None
            if not _no_answer(out):  # a 429 or the like: worth the client's own retries
                job.usage = job.usage.add(Usage(calls=1, failed=1, seconds=seconds))
                return next(self._batch([job], JSON_SCHEMA, feedback))
            return _answer(job, out, seconds, JSON_SCHEMA, self.settings)
        self._learn(JSON_SCHEMA)
        return _answer(job, out, seconds, JSON_SCHEMA, self.settings)

    def _learn(self, method: str) -> None:
        """An answer came back with ``method``: the endpoint takes it; remember that."""
        self._method, self._known = method, True
        if self.cache.method(self._endpoint) != method:
            self.cache.set_method(self._endpoint, method)

    def _batch(self, jobs: list[Job], method: str, feedback: Mapping[str, str]) -> Iterator[Answer]:
        for job, out, seconds in self._calls(jobs, method, feedback, self.settings.max_retries):
            if not isinstance(out, BaseException):
                self._learn(method)
            yield _answer(job, out, seconds, method, self.settings)

    def _calls(
        self, jobs: list[Job], method: str, feedback: Mapping[str, str], retries: int
    ) -> Iterator[tuple[Job, Any, float]]:
        """(job, reply or exception, seconds) as replies arrive, ``max_concurrency`` at a time."""
        chat = self._chat.get(retries)
        if chat is None:
            chat = self._chat[retries] = _chat_model(self.settings, retries)

        def call(job: Job) -> tuple[Job, Any, float]:
            start = time.monotonic()
            inputs = dict(job.inputs, feedback=feedback.get(job.key, ""))
            try:
                chain = _bound(chat, job, method, self.settings)
                out: Any = (
                    _streamed(chain, inputs, method)
                    if self.settings.stream
                    else chain.invoke(inputs)
                )
            except Exception as e:  # one failed call is that job's answer, not the run's end
                out = e
            return job, out, time.monotonic() - start

        workers = max(1, min(self.settings.max_concurrency, len(jobs)))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            pending: set[Future[tuple[Job, Any, float]]] = {pool.submit(call, j) for j in jobs}
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()
