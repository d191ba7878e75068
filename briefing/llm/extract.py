"""The LLM stage: LangChain and any OpenAI-compatible endpoint, one structured answer per article.

The model improves the wording of events and the bottom line; it never decides what is true.
Everything it returns cites sentence ids and goes through :mod:`briefing.verify` before it can
reach the brief. This module only gets the answers, as cheaply and robustly as it can:

- the prompt is ``prompts/system.jinja`` + ``prompts/user.jinja`` (LangChain ``ChatPromptTemplate``,
  jinja2), the article inside ``<article>`` tags as numbered sentences, clearly data;
- structured output through ``ChatOpenAI.with_structured_output(..., include_raw=True)`` with
  ``json_schema``; servers that refuse it (llama.cpp answers HTTP 500) are retried once with
  function calling, and the method that worked is remembered per endpoint and model;
- articles over the token budget go in overlapping windows of sentences, merged afterwards;
- retries with backoff on 429, 5xx and timeouts are the openai client's; a validation error is
  fed back to the model once; an article that still fails is left to the offline engine;
- answers are cached (:mod:`briefing.cache`), so a rerun, or a run resumed after a crash, repeats
  no finished call.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from briefing.llm.cache import Cache, cache_key
from briefing.llm.settings import Settings, redact
from briefing.llm.tokens import count_tokens
from briefing.models import Analysis, LLMExtraction, Sentence, Usage
from briefing.resources import data_file, prompts_dir

JSON_SCHEMA, FUNCTION_CALLING = "json_schema", "function_calling"
_MAX_FEEDBACK = 600


@functools.cache
def prompt_template() -> Any:
    from langchain_core.prompts import ChatPromptTemplate

    d = prompts_dir()
    return ChatPromptTemplate.from_messages(
        [
            ("system", (d / "system.jinja").read_text(encoding="utf-8")),
            ("human", (d / "user.jinja").read_text(encoding="utf-8")),
        ],
        template_format="jinja2",
    )


@functools.cache
def prompt_version() -> str:
    d = prompts_dir()
    h = hashlib.sha256()
    for name in ("system.jinja", "user.jinja"):
        h.update((d / name).read_bytes())
    h.update(str(sorted(LLMExtraction.model_json_schema().items())).encode())
    return h.hexdigest()[:16]


@functools.cache
def prices() -> dict[str, Any]:
    return yaml.safe_load(data_file("prices.yaml").read_text(encoding="utf-8"))


def cost(model: str, input_tokens: int, output_tokens: int) -> float:
    table = prices()
    p = table["models"].get(model, table["default"])
    return (input_tokens * p["input"] + output_tokens * p["output"]) / 1_000_000


def priced(model: str) -> bool:
    return model in prices()["models"]


def _clean(text: str) -> str:
    """A sentence as prompt data: one line, and unable to close the <article> block."""
    text = " ".join(text.split())
    return re.sub(
        r"<\s*/?\s*article", lambda m: m.group(0).replace("<", "‹"), text, flags=re.IGNORECASE
    )


def re_quote_or_cue(text: str) -> bool:
    """A capital-letter kicker can still carry a claim ("...: REPORTS", "X SAYS ...")."""
    return bool(re.search(r"\b(?:SAYS?|SAID|CLAIMS?|REPORTS?|WARNS?|ANNOUNCES?)\b|[:'‘“\"]", text))


def windows(sentences: list[Sentence], budget: int, overlap: int) -> list[list[Sentence]]:
    """Consecutive runs of sentences of at most ``budget`` tokens, neighbours sharing ``overlap``."""
    if not sentences:
        return []
    sizes = [count_tokens(s.text) + 4 for s in sentences]
    if sum(sizes) <= budget:
        return [sentences]
    out: list[list[Sentence]] = []
    start = 0
    while start < len(sentences):
        end, used = start, 0
        while end < len(sentences) and (used + sizes[end] <= budget or end == start):
            used += sizes[end]
            end += 1
        out.append(sentences[start:end])
        if end >= len(sentences):
            break
        start = max(end - overlap, start + 1)
    return out


def _article_block(
    analysis: Analysis, window: list[Sentence], key: str, label: str | None
) -> dict[str, Any]:
    meta = analysis.article
    prefix = f"{key}." if key else ""
    return {
        "key": key,
        "title": _clean(meta.title or meta.id),
        "outlet": _clean(meta.outlet) if meta.outlet else "",
        "window": label or "",
        "sentences": [{"id": prefix + s.id, "text": _clean(s.text)} for s in window],
    }


def prompt_inputs(
    members: list[tuple[Analysis, list[Sentence], str | None]], feedback: str | None = None
) -> dict[str, Any]:
    """The template's variables for one call: one article (ids "s3") or several ("a2.s3")."""
    keyed = len(members) > 1
    return {
        "articles": [
            _article_block(an, window, f"a{i + 1}" if keyed else "", label)
            for i, (an, window, label) in enumerate(members)
        ],
        "feedback": feedback or "",
    }


def prompt_tokens(inputs: dict[str, Any]) -> int:
    """Tokens of the rendered messages plus the schema the request carries."""
    messages = prompt_template().format_messages(**inputs)
    return sum(count_tokens(str(m.content)) + 4 for m in messages) + _schema_tokens()


@functools.cache
def _schema_tokens() -> int:
    """The schema as it travels in the request (a tool definition or a response format)."""
    import json

    from langchain_core.utils.function_calling import convert_to_openai_tool

    return count_tokens(json.dumps(convert_to_openai_tool(LLMExtraction)))


@dataclass
class Job:
    """One call: a window of one article, or several short articles packed together."""

    members: list[str]  # article ids, in prompt order (a1, a2 ... when more than one)
    index: int
    inputs: dict[str, Any]
    key: str
    result: LLMExtraction | None = None
    error: str | None = None
    usage: Usage = field(default_factory=Usage)


@dataclass
class LLMResult:
    """The model's answer for one article, merged over its windows, or why there is none."""

    article_id: str
    extraction: LLMExtraction | None
    usage: Usage
    error: str | None = None
    method: str | None = None


def plan(analyses: list[Analysis], settings: Settings) -> list[Job]:
    """The calls to make. Short articles share a call (up to the token budget and
    ``pack_articles`` of them), so the instructions and the schema are paid for once per call
    rather than once per article; a long article gets overlapping windows of its own."""
    from briefing.analyze.events import is_boilerplate

    def key_of(members: list[tuple[Analysis, list[Sentence], str | None]]) -> str:
        text = "\n\n".join(
            (an.article.title or "") + "\n" + "\n".join(f"{s.id}\t{s.text}" for s in part)
            for an, part, _ in members
        )
        return cache_key(settings.endpoint, settings.model, prompt_version(), text)

    jobs: list[Job] = []
    pack: list[tuple[Analysis, list[Sentence], str | None]] = []
    pack_tokens = 0

    def flush() -> None:
        nonlocal pack, pack_tokens
        if pack:
            jobs.append(
                Job([an.article.id for an, _, _ in pack], 0, prompt_inputs(pack), key_of(pack))
            )
        pack, pack_tokens = [], 0

    for an in analyses:
        # newsletter prompts, app plugs and photo credits cost tokens and say nothing
        reporting = [s for s in an.sentences if not is_boilerplate(s) or re_quote_or_cue(s.text)]
        parts = windows(reporting, settings.token_budget, settings.window_overlap)
        if len(parts) > 1:
            for i, part in enumerate(parts):
                member = [(an, part, f"{i + 1} of {len(parts)}")]
                jobs.append(Job([an.article.id], i, prompt_inputs(member), key_of(member)))
            continue
        tokens = sum(count_tokens(s.text) + 4 for s in reporting)
        if pack and (
            pack_tokens + tokens > settings.token_budget or len(pack) >= settings.pack_articles
        ):
            flush()
        pack.append((an, reporting, None))
        pack_tokens += tokens
    flush()
    return jobs


def estimate(analyses: list[Analysis], settings: Settings) -> list[dict[str, Any]]:
    """Per article: calls, input tokens and an output estimate, with cost. No call is made."""
    rows = []
    by_id = {an.article.id: an for an in analyses}
    for job in plan(analyses, settings):
        inp = prompt_tokens(job.inputs)
        tokens = [sum(count_tokens(s.text) for s in by_id[m].sentences) for m in job.members]
        for member, art_tokens in zip(job.members, tokens, strict=False):
            share = art_tokens / max(1, sum(tokens))  # a shared call is split by article size
            out = min(2000, 250 + art_tokens // 2)
            rows.append(
                {
                    "article": member,
                    "calls": share,
                    "article_tokens": art_tokens,
                    "input_tokens": round(inp * share),
                    "output_tokens_est": out,
                    "cost_usd_est": cost(settings.model, round(inp * share), out),
                }
            )
    merged: dict[str, dict[str, Any]] = {}
    for r in rows:  # an article in several windows sums over them
        m = merged.setdefault(
            r["article"], dict(r, calls=0, input_tokens=0, output_tokens_est=0, cost_usd_est=0.0)
        )
        for k in ("calls", "input_tokens", "output_tokens_est", "cost_usd_est"):
            m[k] += r[k]
    return list(merged.values())


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


def _one_line(text: str, limit: int = 300) -> str:
    """Error text for a one-line message: whitespace collapsed, clipped."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _describe(exc: BaseException, settings: Settings) -> str:
    return redact(_one_line(f"{type(exc).__name__}: {exc}"), settings)


def _invalid_answer(exc: BaseException) -> bool:
    """An answer that came back but does not fit the schema (worth one retry with feedback).

    With ``json_schema`` the openai client validates inside the call, so a malformed or
    off-schema answer arrives as an exception rather than as ``parsing_error``.
    """
    import json

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


def _settle(job: Job, out: Any, settings: Settings) -> str | None:
    """Record one answer on its job; return feedback for a retry when it did not validate."""
    if isinstance(out, BaseException):
        job.error = _describe(out, settings)
        if _invalid_answer(out):
            job.error = redact(
                _one_line(f"the answer did not match the schema: {out}", _MAX_FEEDBACK), settings
            )
            return job.error
        return None
    raw = out.get("raw")
    job.usage = job.usage.add(_usage_of(raw, settings.model))
    parsed, err = out.get("parsed"), out.get("parsing_error")
    if isinstance(parsed, LLMExtraction) and err is None:
        job.result, job.error = parsed, None
        return None
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
    job.error = redact(
        _one_line(f"the answer did not match the schema: {err}", _MAX_FEEDBACK), settings
    )
    return job.error


def _run_batch(
    jobs: list[Job], chain: Any, settings: Settings, feedback: dict[str, str] | None = None
) -> Any:
    """(job, answer or exception) in the order the answers arrive, ``max_concurrency`` at a time."""
    inputs = [dict(j.inputs, feedback=(feedback or {}).get(j.key, "")) for j in jobs]
    for i, out in chain.batch_as_completed(
        inputs, config={"max_concurrency": settings.max_concurrency}, return_exceptions=True
    ):
        yield jobs[i], out


def _store(cache: Cache, job: Job, settings: Settings) -> None:
    """Commit an answer the moment it is good, so a crash later loses no finished call."""
    if job.result is not None:
        cache.put(
            job.key,
            settings.model,
            job.result.model_dump(mode="json"),
            job.usage.input_tokens,
            job.usage.output_tokens,
        )


def run(
    analyses: list[Analysis],
    settings: Settings,
    cache: Cache | None = None,
    on_done: Callable[[str], None] | None = None,
) -> dict[str, LLMResult]:
    """Ask the model about every article; results by article id (``extraction`` None on failure)."""
    settings.require_key()
    cache = cache or Cache(settings.cache_path, settings.cache_days)
    jobs = plan(analyses, settings)
    pending = []
    for job in jobs:
        hit = cache.get(job.key)
        if hit is None:
            pending.append(job)
            continue
        payload, i, o = hit
        job.result = LLMExtraction.model_validate(payload)
        job.usage = Usage(cached=1, input_tokens=0, output_tokens=0)

    endpoint = f"{settings.endpoint}|{settings.model}"
    method = cache.method(endpoint)
    feedback: dict[str, str] = {}
    if pending and method is None:
        # The first call tells what the endpoint accepts: json_schema, or else function calling.
        probe = pending[0]
        _, out = next(_run_batch([probe], _chain(settings, JSON_SCHEMA, max_retries=0), settings))
        if isinstance(out, BaseException) and _refuses_schema(out):
            method = FUNCTION_CALLING
        else:
            method = JSON_SCHEMA
            fb = _settle(probe, out, settings)
            _store(cache, probe, settings)
            if fb:
                feedback[probe.key] = fb
            elif probe.result is None:
                probe.error = None  # a transient failure (429, timeout): the batch tries again
        cache.set_method(endpoint, method)

    chain = _chain(settings, method or JSON_SCHEMA, settings.max_retries)
    first = [j for j in pending if j.result is None and j.key not in feedback and not j.error]
    for job, out in _run_batch(first, chain, settings):
        fb = _settle(job, out, settings)
        _store(cache, job, settings)
        if fb:
            feedback[job.key] = fb
    retry = [j for j in pending if j.key in feedback]
    if retry:  # one more try, told what was wrong
        for job, out in _run_batch(retry, chain, settings, feedback):
            _settle(job, out, settings)
            _store(cache, job, settings)

    results: dict[str, LLMResult] = {}
    for an in analyses:
        aid = an.article.id
        mine = [j for j in jobs if aid in j.members]
        usage = Usage()
        for j in mine:
            usage = usage.add(_share(j.usage, len(j.members), j.members.index(aid) == 0))
        failed = [j for j in mine if j.result is None]
        if failed:
            results[aid] = LLMResult(aid, None, usage, failed[0].error or "no answer", method)
        else:
            parts = [split(j.result, j.members)[aid] for j in mine if j.result is not None]
            results[aid] = LLMResult(aid, merge(parts), usage, None, method)
        if on_done:
            on_done(aid)
    return results


def _share(usage: Usage, n: int, first: bool) -> Usage:
    """An article's part of a shared call: tokens and cost split evenly, the call counted once."""
    if n == 1:
        return usage
    return Usage(
        calls=usage.calls if first else 0,
        cached=usage.cached if first else 0,
        input_tokens=usage.input_tokens // n,
        output_tokens=usage.output_tokens // n,
        cost_usd=usage.cost_usd / n,
    )


def split(extraction: LLMExtraction, members: list[str]) -> dict[str, LLMExtraction]:
    """A packed answer back into one answer per article: each item goes to the article of its
    first cited id ("a2.s3"), keeping only that article's ids, unprefixed."""
    if len(members) == 1:
        return {members[0]: extraction}
    keys = {f"a{i + 1}": m for i, m in enumerate(members)}
    buckets: dict[str, dict[str, list[Any]]] = {
        m: {"bottom_line": [], "events": [], "attributions": [], "caveats": []} for m in members
    }
    for field_name in ("bottom_line", "events", "attributions", "caveats"):
        for item in getattr(extraction, field_name):
            owner, ids = None, []
            for raw in item.sentence_ids:
                prefix, _, sid = raw.partition(".")
                if prefix not in keys or not sid:
                    continue
                owner = owner or keys[prefix]
                if keys[prefix] == owner:
                    ids.append(sid)
            if owner is None:
                owner, ids = (
                    members[0],
                    list(item.sentence_ids),
                )  # unprefixed ids: verify will judge them
            buckets[owner][field_name].append(item.model_copy(update={"sentence_ids": ids}))
    return {m: LLMExtraction.model_validate(b) for m, b in buckets.items()}


def merge(parts: list[LLMExtraction]) -> LLMExtraction:
    """One extraction from the windows of an article: items in order, repeats dropped."""
    if len(parts) == 1:
        return parts[0]

    def dedupe(items: list[Any], key: Callable[[Any], Any]) -> list[Any]:
        seen, out = set(), []
        for it in items:
            k = key(it)
            if k not in seen:
                seen.add(k)
                out.append(it)
        return out

    return LLMExtraction(
        bottom_line=dedupe([b for p in parts for b in p.bottom_line], lambda b: b.text.lower())[:3],
        events=dedupe(
            [e for p in parts for e in p.events], lambda e: (e.text.lower(), tuple(e.sentence_ids))
        ),
        attributions=dedupe(
            [a for p in parts for a in p.attributions],
            lambda a: (a.speaker.lower(), a.claim.lower(), tuple(a.sentence_ids)),
        ),
        caveats=dedupe([c for p in parts for c in p.caveats], lambda c: (c.kind, c.text.lower())),
    )
