"""The judge's wire: asking a model, N times, whether each sentence of a summary is supported.

``briefing check --judge`` and ``briefing eval --judge`` ask a model about what the deterministic
rules cannot see; the vote and the findings are :mod:`briefing.evals.judge`'s. This module only
asks, the way the extraction's provider does (:mod:`briefing.llm.providers.openai`): LangChain's
``ChatOpenAI`` at temperature 0, a schema bounded to the question (the claims' ids and the
article's sentence ids as enums, every list and string capped), ``json_schema`` first and
function calling where the endpoint refuses it, remembered per endpoint and model in the cache.

The words are ``prompts/judge_system.jinja`` and ``prompts/judge_user.jinja``. The article goes
inside ``<article>`` and the summary inside ``<summary>``, one numbered sentence a line, each
cleaned so that no text of either can close its block and speak as the instructions. Every
sample's answer is cached (:class:`~briefing.llm.cache.Cache`) under the endpoint, the model, the
prompt's version, the question and the sample's number, so a rerun asks nothing and votes the
same; only usable answers are kept, so a failed sample is asked again next time.
"""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from briefing.llm.cache import Cache, cache_key
from briefing.llm.prompts import chat_template, clean, template_version
from briefing.llm.providers.base import describe, one_line
from briefing.llm.providers.openai import (
    FUNCTION_CALLING,
    JSON_SCHEMA,
    _chat_model,
    _no_answer,
    _payload,
    _refuses_schema,
    _usage_of,
)
from briefing.llm.settings import Settings, redact
from briefing.models import Usage

TEMPLATE_FILES = ("judge_system.jinja", "judge_user.jinja")
SCHEMA_NAME = "JudgeVerdicts"
SCHEMA_VERSION = "judge-1"  # part of the prompt version: a change of schema makes fresh keys
REASON_LENGTH = 300  # characters of a verdict's reason
EVIDENCE_IDS = 4  # article sentence ids a verdict may cite
# Tokens, for max_tokens: a verdict's id, boolean, ids and reason with their keys and quotes,
# and the object around the list.
VERDICT_TOKENS = 150
ANSWER_OVERHEAD = 40
CALL = "call"  # a sample whose call failed: the endpoint, not the answer
ANSWER = "answer"  # a sample whose answer came back but cannot be used


class Verdict(BaseModel):
    """One summary sentence, as the model judged it."""

    model_config = ConfigDict(extra="forbid")

    id: str
    supported: bool
    evidence: list[str]
    reason: str


class JudgeAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    verdicts: list[Verdict]


@dataclass(frozen=True)
class Question:
    """What the judge is asked: an article's sentences and a summary's, as ``(id, text)``."""

    title: str
    sentences: tuple[tuple[str, str], ...]
    claims: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Sample:
    """One sample's outcome: a usable answer, or why there is none (``kind`` ``call`` or
    ``answer``). ``usage`` counts the call, or the cache hit that stood for it."""

    index: int
    answer: JudgeAnswer | None
    usage: Usage
    error: str | None = None
    kind: str | None = None


def fence(text: str) -> str:
    """A sentence as prompt data: one line, unable to close the ``<article>`` or the
    ``<summary>`` block."""
    return clean(text, ("article", "summary"))


def judge_template() -> Any:
    """The judge's two-message LangChain ``ChatPromptTemplate`` (jinja2), built once."""
    return chat_template(TEMPLATE_FILES)


def judge_version() -> str:
    """A short hash of the judge's templates and answer schema: part of every cache key."""
    return template_version(TEMPLATE_FILES, JudgeAnswer, SCHEMA_VERSION)


def inputs(q: Question) -> dict[str, Any]:
    """The template's variables: every sentence fenced as data."""
    return {
        "title": fence(q.title),
        "sentences": [{"id": sid, "text": fence(t)} for sid, t in q.sentences],
        "claims": [{"id": cid, "text": fence(t)} for cid, t in q.claims],
    }


def schema(q: Question, lengths: bool = True) -> dict[str, Any]:
    """The answer's JSON schema, bounded to the question: one verdict a claim, ids from those
    shown. ``lengths=False`` leaves out ``maxLength``, which OpenAI's strict mode refuses."""
    ids = [sid for sid, _ in q.sentences]
    evidence: dict[str, Any] = {"type": "array", "maxItems": min(EVIDENCE_IDS, len(ids))}
    evidence["items"] = {"type": "string", "enum": ids} if ids else {"type": "string"}
    reason: dict[str, Any] = {"type": "string"}
    if lengths:
        reason["maxLength"] = REASON_LENGTH
    verdict = {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "supported", "evidence", "reason"],
        "properties": {
            "id": {"type": "string", "enum": [cid for cid, _ in q.claims]},
            "supported": {"type": "boolean"},
            "evidence": evidence,
            "reason": reason,
        },
    }
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["verdicts"],
        "properties": {"verdicts": {"type": "array", "maxItems": len(q.claims), "items": verdict}},
    }


def max_tokens(q: Question) -> int:
    """The most a complete answer in the bounded schema takes."""
    return ANSWER_OVERHEAD + VERDICT_TOKENS * len(q.claims)


def read(payload: str | dict[str, Any], q: Question) -> tuple[JudgeAnswer | None, str | None]:
    """The answer, validated against the question (every claim judged once, only the article's
    sentence ids cited), or why it cannot be used."""
    try:
        data = json.loads(payload) if isinstance(payload, str) else payload
        answer = JudgeAnswer.model_validate(data)
    except (ValueError, ValidationError) as e:
        return None, one_line(f"the answer did not match the schema: {e}")
    claims = [cid for cid, _ in q.claims]
    judged = [v.id for v in answer.verdicts]
    if sorted(judged) != sorted(claims):
        return None, f"the answer judged {judged or 'nothing'}, not each of {claims} once"
    known = {sid for sid, _ in q.sentences}
    unknown = sorted({sid for v in answer.verdicts for sid in v.evidence} - known)
    if unknown:
        return None, f"the answer cites sentences the article does not have: {unknown}"
    return answer, None


def bind_schema(
    chat: Any, name: str, body: dict[str, Any], cap: int, method: str, settings: Settings
) -> Any:
    """``chat`` asking for an answer in the schema ``body`` (named ``name``) with ``method``,
    capped at ``cap`` tokens (both ``max_completion_tokens`` and the older ``max_tokens`` some
    servers read). Shared by every call that is not an extraction."""
    extra: dict[str, Any] = {} if settings.is_openai else {"max_tokens": cap}
    if method == JSON_SCHEMA:
        extra["response_format"] = {
            "type": "json_schema",
            "json_schema": {"name": name, "schema": body, "strict": True},
        }
        return chat.bind(max_tokens=cap, extra_body=extra)
    tool = {"type": "function", "function": {"name": name, "description": "", "parameters": body}}
    return chat.bind_tools([tool], tool_choice=name, max_tokens=cap, extra_body=extra)


class JudgeClient:
    """Asks one OpenAI-compatible endpoint, through LangChain, for N samples of a verdict."""

    def __init__(self, settings: Settings, cache: Cache | None = None) -> None:
        settings.require_key()
        self.settings = settings
        self.cache = cache or Cache(settings.cache_path, settings.cache_days)
        self._endpoint = f"{settings.endpoint}|{settings.model}"
        self._method = self.cache.method(self._endpoint)
        self._remembered = self._method is not None
        self._chat: dict[int, Any] = {}

    def ask(self, q: Question, samples: int) -> list[Sample]:
        """``samples`` samples, in order: each from the cache where it is there, else asked
        (at most ``max_concurrency`` at a time)."""
        values = inputs(q)
        text = json.dumps(values, ensure_ascii=False, sort_keys=True)
        cfg = self.settings
        keys = [
            cache_key("judge", judge_version(), cfg.endpoint, cfg.model, str(i), text)
            for i in range(samples)
        ]
        out: dict[int, Sample] = {}
        for i, key in enumerate(keys):
            hit = self.cache.get(key)
            if hit is not None:
                payload, _, _ = hit
                answer, _ = read(payload, q)
                if answer is not None:
                    out[i] = Sample(i, answer, Usage(cached=1))
        todo = [i for i in range(samples) if i not in out]
        spent = Usage()
        if todo and self._method is None:  # learn what the endpoint takes, on one sample
            first = todo[0]
            sample, refused = self._probe(q, values, first)
            if refused is not None:
                spent = refused
            else:
                assert sample is not None
                out[first] = sample
                todo.pop(0)
                if sample.kind == CALL:  # the endpoint failed: the other samples would too
                    for i in todo:
                        out[i] = Sample(i, None, Usage(), sample.error, CALL)
                    todo = []
        if todo:
            workers = max(1, min(self.settings.max_concurrency, len(todo)))
            method = self._method or JSON_SCHEMA
            retries = self.settings.max_retries
            with ThreadPoolExecutor(max_workers=workers) as pool:
                done = pool.map(lambda i: self._sample(q, values, i, method, retries), todo)
                for sample in done:
                    out[sample.index] = sample
        for i, sample in out.items():
            if sample.answer is not None and sample.usage.calls:
                self.cache.put(
                    keys[i],
                    self.settings.model,
                    sample.answer.model_dump(),
                    sample.usage.input_tokens,
                    sample.usage.output_tokens,
                )
        ordered = [out[i] for i in range(samples)]
        if spent.calls:  # the refused probe: counted with the first sample asked after it
            after = ordered[todo[0]]
            ordered[todo[0]] = Sample(
                after.index, after.answer, spent.add(after.usage), after.error, after.kind
            )
        return ordered

    def _probe(
        self, q: Question, values: dict[str, Any], index: int
    ) -> tuple[Sample | None, Usage | None]:
        """One sample with ``json_schema`` and no retries. Returns the sample, or, when the
        endpoint refused ``json_schema`` (function calling is used from then on) or failed in
        a way worth the client's retries, the usage of the refused call, the sample still to
        ask."""
        sample, exc = self._call(q, values, index, JSON_SCHEMA, 0)
        if exc is not None and _refuses_schema(exc):
            self._method = FUNCTION_CALLING  # remembered once an answer comes back with it
            return None, sample.usage
        if exc is not None and not _no_answer(exc) and self.settings.max_retries:
            return None, sample.usage  # a 429 or the like: asked again with the retries
        return sample, None

    def _sample(
        self, q: Question, values: dict[str, Any], index: int, method: str, retries: int
    ) -> Sample:
        return self._call(q, values, index, method, retries)[0]

    def _call(
        self, q: Question, values: dict[str, Any], index: int, method: str, retries: int
    ) -> tuple[Sample, BaseException | None]:
        """One call: the sample, and the exception if the call failed."""
        start = time.monotonic()
        try:
            message = (judge_template() | self._bound(q, method, retries)).invoke(values)
        except Exception as e:  # one failed call is this sample's outcome, said in one line
            usage = Usage(calls=1, failed=1, seconds=time.monotonic() - start)
            return Sample(index, None, usage, describe(e, self.settings), CALL), e
        usage = _usage_of(message, self.settings.model, time.monotonic() - start)
        payload, problem = _payload(message, method)
        finish = (getattr(message, "response_metadata", None) or {}).get("finish_reason")
        if finish == "length":
            problem = f"the answer was cut off at {max_tokens(q)} tokens"
        elif payload is not None:
            answer, problem = read(payload, q)
            if answer is not None:
                self._learn(method)
                return Sample(index, answer, usage), None
        failed = usage.model_copy(update={"failed": 1})
        why = redact(one_line(problem or "the answer was empty"), self.settings)
        return Sample(index, None, failed, why, ANSWER), None

    def _bound(self, q: Question, method: str, retries: int) -> Any:
        """The chat model asking for this question's bounded schema, capped at its tokens (both
        ``max_completion_tokens`` and the older ``max_tokens`` some servers read)."""
        chat = self._chat.get(retries)
        if chat is None:
            chat = self._chat[retries] = _chat_model(self.settings, retries)
        body = schema(q, lengths=not self.settings.is_openai)
        return bind_schema(chat, SCHEMA_NAME, body, max_tokens(q), method, self.settings)

    def _learn(self, method: str) -> None:
        """An answer came back with ``method``: the endpoint takes it; remember that."""
        if not self._remembered or self._method != method:
            self._method, self._remembered = method, True
            self.cache.set_method(self._endpoint, method)
