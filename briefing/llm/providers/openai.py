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

Every job has a deadline (``deadline``, seconds): the time all its calls may take together, the
probe, the retries and the feedback retry included. So the retries (up to ``max_retries``, with
backoff, on 429, 5xx and timeouts) are made here, not by the openai client, whose retries would
each wait ``timeout`` again: each attempt may take ``timeout`` but no more than the time left,
a streamed answer is closed when the time is up, and once it has passed no attempt starts; the
job's answer is then a timeout that says so, every call it made counted. The langchain and
openai imports are deferred so an offline run never pays for them.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
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
    late_error,
    register,
    schema_error,
    settle,
)
from briefing.llm.settings import Settings
from briefing.llm.tokens import count_tokens
from briefing.models import Usage

JSON_SCHEMA, FUNCTION_CALLING = "json_schema", "function_calling"
SCHEMA_NAME = "LLMExtraction"
# The openai client's own backoff, which the retries here keep: 0.5 s doubling to 8 s, less up to
# a quarter at random, or what the server's retry-after asks if that is at most a minute.
BACKOFF_FIRST, BACKOFF_MAX, RETRY_AFTER_MAX = 0.5, 8.0, 60.0
RETRY_STATUS = (408, 409, 429)  # and every 5xx


def _chat_model(settings: Settings, max_retries: int = 0) -> Any:
    """The LangChain chat model for ``settings``. The provider makes its own retries within each
    job's deadline, so by default the client makes none; the judge and the headlines call,
    which ask once a brief, pass theirs."""
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
    """A streamed answer closed early because it had begun to loop (or its time was up): what
    came, and why."""

    text: str
    reason: str
    late: bool = False


@dataclass(frozen=True)
class Late:
    """A job whose deadline passed before it had an answer: the last attempt's outcome (an
    exception, or a :class:`Stopped` stream), None when no attempt was left to make; then
    ``earlier`` is the error of the answer before, which a feedback retry was to mend."""

    last: BaseException | Stopped | None
    earlier: str | None = None


def _retryable(out: Any) -> bool:
    """An attempt worth repeating, as the openai client judges it: a timeout or a lost
    connection, or a status the server says may pass (its ``x-should-retry`` first)."""
    import openai

    if isinstance(out, openai.APIConnectionError):  # APITimeoutError is one
        return True
    if isinstance(out, openai.APIStatusError):
        should = out.response.headers.get("x-should-retry")
        if should in ("true", "false"):
            return should == "true"
        return out.status_code in RETRY_STATUS or out.status_code >= 500
    return False


def _backoff(attempt: int, out: Any) -> float:
    """Seconds to wait before retry number ``attempt`` (0 first): the server's ``retry-after``
    (``-ms`` first) when it gives a sensible one, else the client's doubling backoff."""
    response = getattr(out, "response", None)
    headers = getattr(response, "headers", None) or {}
    for name, scale in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        try:
            asked = float(headers.get(name, "")) / scale
        except ValueError:
            continue
        if 0 < asked <= RETRY_AFTER_MAX:
            return asked
    return min(BACKOFF_FIRST * 2**attempt, BACKOFF_MAX) * (1 - 0.25 * random.random())


def _partial(message: Any, method: str) -> str:
    """The text of an answer so far: its content, or its tool call's arguments."""
    if method == JSON_SCHEMA:
        return message.content if isinstance(message.content, str) else ""
    return "".join(c.get("args") or "" for c in getattr(message, "tool_call_chunks", []))


def _streamed(chain: Any, inputs: dict[str, Any], method: str, until: float) -> Any:
    """The answer, streamed and watched: the whole message, or :class:`Stopped` once it loops
    or the clock passes ``until`` (the stream is closed there, which stops a llama.cpp server
    generating)."""
    watch = answers.LoopWatch()
    stream = chain.stream(inputs)
    message: Any = None
    try:
        for chunk in stream:
            message = chunk if message is None else message + chunk
            if time.monotonic() >= until:
                return Stopped(_partial(message, method), "the deadline passed", late=True)
            loop = watch.looping(_partial(message, method))
            if loop:
                return Stopped(_partial(message, method), loop)
    finally:
        stream.close()
    return message


def _bound(chat: Any, job: Job, method: str, settings: Settings, timeout: float) -> Any:
    """prompt | model, asking for this job's bounded schema and capped at its ``max_tokens``,
    the HTTP attempt allowed ``timeout`` seconds.

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
        model = chat.bind(max_tokens=job.max_tokens, extra_body=extra, timeout=timeout)
    else:
        tool = {
            "type": "function",
            "function": {"name": SCHEMA_NAME, "description": "", "parameters": schema},
        }
        model = chat.bind_tools(
            [tool],
            tool_choice=SCHEMA_NAME,
            max_tokens=job.max_tokens,
            extra_body=extra,
            timeout=timeout,
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
    """What one call gave for one job, as an :class:`Answer` that counts the call. No usage
    comes back with a call that timed out or a stream closed early: the prompt's tokens are
    counted from what was sent (the server read it), the answer's from what arrived."""
    if isinstance(out, Late):
        if out.last is None:  # no attempt made: nothing to count
            before = f"the answer before: {out.earlier}" if out.earlier else None
            return late_error(job, before, Usage(), settings)
        counted = _answer(job, out.last, seconds, method, settings).usage
        return late_error(job, _cause(out.last), counted, settings)
    if isinstance(out, BaseException):
        import openai

        if isinstance(out, openai.APITimeoutError):  # the server had the prompt: count it
            i = prompt_tokens(dict(job.inputs, feedback=""))
            usage = Usage(calls=1, input_tokens=i, cost_usd=cost(settings.model, i, 0))
            return call_error(
                job, out, usage.model_copy(update={"seconds": seconds}), settings, TIMEOUT
            )
        return call_error(job, out, Usage(calls=1, seconds=seconds), settings, CALL)
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


def _cause(last: BaseException | Stopped) -> str:
    """The last attempt of a job out of time, in a few words."""
    if isinstance(last, Stopped):
        return "an answer still coming, closed"
    return f"{type(last).__name__}: {last}"


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
        self._chat: Any = None
        self._started: dict[str, float] = {}  # when each job's first attempt began, by key

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
        ((_, out, seconds, spent),) = list(self._calls([job], JSON_SCHEMA, feedback, retries=0))
        if isinstance(out, BaseException):
            if _refuses_schema(out):
                job.usage = job.usage.add(Usage(calls=1, failed=1, seconds=seconds))
                self._method = FUNCTION_CALLING
                self._known = True
                return None
            if not _no_answer(out):  # a 429 or the like: worth the retries
                job.usage = job.usage.add(Usage(calls=1, failed=1, seconds=seconds))
                return next(self._batch([job], JSON_SCHEMA, feedback))
        elif not isinstance(out, Late):
            self._learn(JSON_SCHEMA)
        return _counting(_answer(job, out, seconds, JSON_SCHEMA, self.settings), spent)

    def _learn(self, method: str) -> None:
        """An answer came back with ``method``: the endpoint takes it; remember that."""
        self._method, self._known = method, True
        if self.cache.method(self._endpoint) != method:
            self.cache.set_method(self._endpoint, method)

    def _batch(self, jobs: list[Job], method: str, feedback: Mapping[str, str]) -> Iterator[Answer]:
        calls = self._calls(jobs, method, feedback, self.settings.max_retries)
        for job, out, seconds, spent in calls:
            if not isinstance(out, (BaseException, Late)):
                self._learn(method)
            yield _counting(_answer(job, out, seconds, method, self.settings), spent)

    def _left(self, job: Job) -> float:
        """Seconds left before ``job``'s deadline, whose clock starts at its first attempt."""
        start = self._started.setdefault(job.key, time.monotonic())
        return self.settings.deadline - (time.monotonic() - start)

    def _calls(
        self, jobs: list[Job], method: str, feedback: Mapping[str, str], retries: int
    ) -> Iterator[tuple[Job, Any, float, Usage]]:
        """(job, reply or exception or :class:`Late`, seconds of the last attempt, usage of the
        failed attempts before it) as replies arrive, ``max_concurrency`` jobs at a time."""
        if self._chat is None:
            self._chat = _chat_model(self.settings)
        chat, settings = self._chat, self.settings

        def attempt(job: Job, inputs: dict[str, Any], left: float) -> Any:
            try:
                chain = _bound(chat, job, method, settings, min(settings.timeout, left))
                if settings.stream:
                    return _streamed(chain, inputs, method, time.monotonic() + left)
                return chain.invoke(inputs)
            except Exception as e:  # one failed call is that job's answer, not the run's end
                return e

        def call(job: Job) -> tuple[Job, Any, float, Usage]:
            inputs = dict(job.inputs, feedback=feedback.get(job.key, ""))
            spent, out, seconds = Usage(), None, 0.0
            for n in range(retries + 1):
                left = self._left(job)
                if left <= 0:
                    return job, Late(out, feedback.get(job.key)), seconds, spent
                if out is not None:  # the attempt before failed and is worth another
                    spent = spent.add(Usage(calls=1, failed=1, seconds=seconds))
                start = time.monotonic()
                out = attempt(job, inputs, left)
                seconds = time.monotonic() - start
                if isinstance(out, Stopped) and out.late:
                    return job, Late(out), seconds, spent
                if n == retries or not _retryable(out):
                    break
                pause = _backoff(n, out)
                if pause >= self._left(job):  # no time for the wait, let alone the retry
                    return job, Late(out), seconds, spent
                time.sleep(pause)
            if isinstance(out, BaseException) and self._left(job) <= 0:
                return job, Late(out), seconds, spent  # its time ran out: the deadline's doing
            return job, out, seconds, spent

        workers = max(1, min(self.settings.max_concurrency, len(jobs)))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            pending: set[Future[tuple[Job, Any, float, Usage]]] = {
                pool.submit(call, j) for j in jobs
            }
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()


def _counting(answer: Answer, spent: Usage) -> Answer:
    """``answer`` with the usage of the failed attempts before it added."""
    return replace(answer, usage=answer.usage.add(spent)) if spent.calls else answer
