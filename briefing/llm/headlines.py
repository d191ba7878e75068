"""The brief's headlines and bottom line, written by the model in one call per brief.

The engine's headline of a development is a clipped lead sentence and its bottom line is the
strongest lead lines; a model can say who did what in a few words and sum the brief up across
its stories. So once the brief is composed and every line checked, the model is asked once: it
sees each development's checked lines (numbered ``[d1.2]``, inside ``<development>`` blocks
inside ``<brief>``, cleaned so that no line can close its block and speak as the instructions)
and answers, in a schema bounded like the extraction's (:mod:`briefing.llm.schema`), a headline
per development and two or three bottom-line sentences, each citing the line ids it rests on.

Nothing it writes is shown unchecked. A headline or sentence is kept only when it cites lines
shown to it (a headline, only its own development's), passes ``briefing check``'s judgement
against the article of a line it cites (:class:`briefing.brief.gate.Gate`, as every line does),
names no speaker its lines do not, and is no more certain and no less attributed than the lines
it restates; otherwise the engine's headline, or the engine's bottom line, stays. The call is
made the way the judge makes its own (:mod:`briefing.llm.judge`), its answer cached like every
other (:class:`~briefing.llm.cache.Cache`; only usable answers are kept), its usage added to the
brief's; a failed call leaves the engine's brief as it was, and the masthead says so. Each line
of the model's that is not shown is told, with why, on the :data:`log` (INFO), which ``briefing
build`` prints on stderr, one line each.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import time
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from briefing.llm.cache import Cache, cache_key
from briefing.llm.judge import bind_schema
from briefing.llm.prompts import chat_template, clean, template_version
from briefing.llm.providers.base import describe, one_line
from briefing.llm.providers.openai import (
    FUNCTION_CALLING,
    JSON_SCHEMA,
    _backoff,
    _chat_model,
    _no_answer,
    _payload,
    _refuses_schema,
    _retryable,
    _usage_of,
)
from briefing.llm.schema import CHARS_PER_TOKEN, ID_TOKENS, ITEM_OVERHEAD, STRING_OVERHEAD
from briefing.llm.settings import Settings, redact
from briefing.models import Brief, BriefItem, CaveatItem, SaidItem, Usage

# Where each refusal of a model's line is told: not a warning, as the engine's line stands in
# its place; a program shows it by listening here (``briefing build`` prints it on stderr).
log = logging.getLogger(__name__)
TEMPLATE_FILES = ("headlines_system.jinja", "headlines_user.jinja")
SCHEMA_NAME = "BriefHeadlines"
SCHEMA_VERSION = "headlines-1"  # part of the prompt version: a change of schema makes fresh keys
DEVELOPMENTS = 12  # developments asked about, at most: more than a page shows
# Lines shown of each development: its lead and events, then who said what, then a caveat,
# so that the model sees the claims and their sources, not only the events.
LINES_BY_KIND = {"events": 3, "said": 2, "caveats": 1}
LINES = 6
HEADLINE_LENGTH = 110  # characters of a headline
SENTENCE_LENGTH = 280  # characters of a bottom-line sentence
BOTTOM_LINE_MIN, BOTTOM_LINE_MAX = 2, 3  # sentences of the model's bottom line
IDS = 4  # line ids a headline or sentence may cite
ANSWER_OVERHEAD = 40  # tokens of the object around the two lists
CALL = "call"  # the call failed: the endpoint, not the answer
ANSWER = "answer"  # an answer came back but cannot be used (cut off, empty)
SCHEMA = "schema"  # an answer came back off the schema: asked once more, told what was wrong
UNCHECKED = "unchecked"  # an answer the checks could not read: nothing of it is shown


class ModelHeadline(BaseModel):
    model_config = ConfigDict(extra="forbid")

    development: str
    text: str
    ids: list[str]


class ModelSentence(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str
    ids: list[str]


class HeadlinesAnswer(BaseModel):
    """The model's answer: a headline per development and the bottom line's sentences."""

    model_config = ConfigDict(extra="forbid")

    headlines: list[ModelHeadline]
    bottom_line: list[ModelSentence]


Line = BriefItem | SaidItem | CaveatItem


@dataclass(frozen=True)
class Question:
    """What the model is shown: each development's id and its lines as ``(id, text)``; and the
    brief's line behind each id, which the answer is checked against."""

    developments: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
    items: dict[str, Line]

    def lines_of(self, development: str) -> set[str]:
        return {lid for did, lines in self.developments if did == development for lid, _ in lines}


@dataclass(frozen=True)
class Asked:
    """The call's outcome: a usable answer, or why there is none (``kind`` ``call`` or
    ``answer``); ``usage`` counts the call, or the cache hit that stood for it."""

    answer: HeadlinesAnswer | None
    usage: Usage
    error: str | None = None
    kind: str | None = None


# -- the question ------------------------------------------------------------------------------


def _shown(items: list[Line], story: str) -> list[Line]:
    return [x for x in items if x.story == story]


def question(brief: Brief) -> Question:
    """The brief's developments as the model is shown them, most important first: each with
    its lead and strongest lines (:data:`LINES_BY_KIND`, then the rest up to :data:`LINES`)."""
    devs: list[tuple[str, tuple[tuple[str, str], ...]]] = []
    items: dict[str, Line] = {}
    for d in brief.stories:
        if d.change == "unchanged" or len(devs) >= DEVELOPMENTS:
            continue
        kinds: dict[str, list[Line]] = {
            "events": _shown([*brief.bottom_line, *brief.developments], d.id),
            "said": _shown(list(brief.who_said_what), d.id),
            "caveats": _shown(list(brief.caveats), d.id),
        }
        chosen = [x for k, n in LINES_BY_KIND.items() for x in kinds[k][:n]]
        rest = [x for k, n in LINES_BY_KIND.items() for x in kinds[k][n:]]
        chosen = (chosen + rest)[:LINES]
        if not chosen:
            continue
        lines: list[tuple[str, str]] = []
        for x in chosen:
            text = prompt_text(x)
            if any(text == t for _, t in lines):
                continue  # a lead shown in the bottom line and as an event: once
            lid = f"{d.id}.{len(lines) + 1}"
            items[lid] = x
            lines.append((lid, text))
        devs.append((d.id, tuple(lines)))
    return Question(tuple(devs), items)


def prompt_text(x: Line) -> str:
    """A line as the model reads it: its words as the check reads them, and its caveat."""
    from briefing.brief.gate import text_of

    aside = x.note if isinstance(x, CaveatItem) else x.caveat
    return text_of(x) + (f" ({aside})" if aside else "")


def fence(text: str) -> str:
    """A line as prompt data: one line, unable to close its ``<development>`` or the
    ``<brief>`` block."""
    return clean(text, ("article", "development", "brief"))


def headlines_template() -> Any:
    return chat_template(TEMPLATE_FILES)


def headlines_version() -> str:
    """A short hash of the templates and the answer schema: part of the cache key."""
    return template_version(TEMPLATE_FILES, HeadlinesAnswer, SCHEMA_VERSION)


def inputs(q: Question) -> dict[str, Any]:
    return {
        "developments": [
            {"id": did, "lines": [{"id": lid, "text": fence(t)} for lid, t in lines]}
            for did, lines in q.developments
        ],
        "headline_length": HEADLINE_LENGTH,
        "sentence_length": SENTENCE_LENGTH,
        "feedback": "",
    }


def schema(q: Question, lengths: bool = True) -> dict[str, Any]:
    """The answer's JSON schema, bounded to the question: one headline a development at most,
    three sentences, ids from those shown. ``lengths=False`` leaves out ``maxLength``, which
    OpenAI's strict mode refuses."""
    ids = {"type": "array", "maxItems": IDS, "items": {"type": "string", "enum": list(q.items)}}

    def text(length: int) -> dict[str, Any]:
        return {"type": "string", "maxLength": length} if lengths else {"type": "string"}

    def obj(props: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "additionalProperties": False,
            "required": list(props),
            "properties": props,
        }

    headline = obj(
        {
            "development": {"type": "string", "enum": [did for did, _ in q.developments]},
            "text": text(HEADLINE_LENGTH),
            "ids": ids,
        }
    )
    sentence = obj({"text": text(SENTENCE_LENGTH), "ids": ids})
    return obj(
        {
            "headlines": {"type": "array", "maxItems": len(q.developments), "items": headline},
            "bottom_line": {"type": "array", "maxItems": BOTTOM_LINE_MAX, "items": sentence},
        }
    )


def _string_tokens(length: int) -> int:
    return math.ceil(length / CHARS_PER_TOKEN) + STRING_OVERHEAD


def max_tokens(q: Question) -> int:
    """The most a complete answer in the bounded schema takes: every list full, every string
    at its longest."""
    ids = IDS * ID_TOKENS + STRING_OVERHEAD
    headline = _string_tokens(HEADLINE_LENGTH) + ID_TOKENS + ids + ITEM_OVERHEAD
    sentence = _string_tokens(SENTENCE_LENGTH) + ids + ITEM_OVERHEAD
    return ANSWER_OVERHEAD + len(q.developments) * headline + BOTTOM_LINE_MAX * sentence


def read(payload: str | dict[str, Any]) -> tuple[HeadlinesAnswer | None, str | None]:
    """The answer if it fits the schema's shape, or why not. What each item cites and says is
    judged later, item by item (:func:`apply`): one bad headline spoils only itself."""
    try:
        data = json.loads(payload) if isinstance(payload, str) else payload
        return HeadlinesAnswer.model_validate(data), None
    except (ValueError, ValidationError) as e:
        return None, one_line(f"the answer did not match the schema: {e}")


# -- the call ----------------------------------------------------------------------------------


def cache_key_of(q: Question, settings: Settings) -> str:
    """The cache key of the call for ``q``: endpoint, model, prompt version and what is shown.
    ``--dry-run`` looks the same key up to price an answered question at nothing."""
    text = json.dumps(inputs(q), ensure_ascii=False, sort_keys=True)
    return cache_key("headlines", headlines_version(), settings.endpoint, settings.model, text)


def ask(q: Question, settings: Settings, cache: Cache | None = None) -> Asked:
    """The model's headlines for ``q``: from the cache where this exact question was answered,
    else asked once (``json_schema`` first where the endpoint's method is not known yet, and
    function calling where it refuses it, as the judge does)."""
    cache = cache or Cache(settings.cache_path, settings.cache_days)
    values = inputs(q)
    key = cache_key_of(q, settings)
    hit = cache.get(key)
    if hit is not None:
        answer, _ = read(hit[0])
        if answer is not None:
            return Asked(answer, Usage(cached=1))
    endpoint = f"{settings.endpoint}|{settings.model}"
    method = cache.method(endpoint)
    known = method is not None
    # the whole question, every try and retry, within one deadline, as an article's call is
    until = time.monotonic() + settings.deadline
    spent = Usage()
    asked: Asked | None = None
    if method is None:  # learn what the endpoint takes, as the judge does
        probe, exc = _call(q, values, settings, JSON_SCHEMA, 0, until)
        if exc is not None and _refuses_schema(exc):
            spent, method = probe.usage, FUNCTION_CALLING
        elif exc is not None and not _no_answer(exc) and settings.max_retries:
            spent, method = probe.usage, JSON_SCHEMA  # a 429 or the like: asked with retries
        else:
            asked, method = probe, JSON_SCHEMA
    if asked is None:
        asked, _ = _call(q, values, settings, method, settings.max_retries, until)
    if asked.kind == SCHEMA:  # one more try with the validation error shown, as extraction does
        spent = spent.add(asked.usage)
        told = dict(values, feedback=asked.error or "")
        asked, _ = _call(q, told, settings, method, settings.max_retries, until)
    asked = Asked(asked.answer, spent.add(asked.usage), asked.error, asked.kind)
    if asked.answer is not None:
        u = asked.usage
        cache.put(key, settings.model, asked.answer.model_dump(), u.input_tokens, u.output_tokens)
        if not known:
            cache.set_method(endpoint, method)
    return asked


def _call(
    q: Question,
    values: dict[str, Any],
    settings: Settings,
    method: str,
    retries: int,
    until: float,
) -> tuple[Asked, BaseException | None]:
    """One call: its outcome, and the exception if the call failed. Its attempts (``retries``
    more where one fails in a way worth repeating, with the client's backoff between them) all
    end by ``until``: none starts once it has passed, and each is given only the time left."""
    spent = Usage()
    for n in range(retries + 1):
        start = time.monotonic()
        left = until - start
        if left <= 0:
            why = f"no answer within the deadline of {settings.deadline:g} s"
            return Asked(None, spent, why, CALL), TimeoutError(why)
        bounded = dataclasses.replace(settings, timeout=min(settings.timeout, left))
        try:
            body = schema(q, lengths=not settings.is_openai)
            chat = bind_schema(
                _chat_model(bounded), SCHEMA_NAME, body, max_tokens(q), method, bounded
            )
            message = (headlines_template() | chat).invoke(values)
            break
        except Exception as e:  # a failed call is this brief's outcome, said in one line
            spent = spent.add(Usage(calls=1, failed=1, seconds=time.monotonic() - start))
            pause = _backoff(n, e)
            if n == retries or not _retryable(e) or time.monotonic() + pause >= until:
                return Asked(None, spent, describe(e, settings), CALL), e
            time.sleep(pause)
    usage = spent.add(_usage_of(message, settings.model, time.monotonic() - start))
    payload, problem = _payload(message, method)
    finish = (getattr(message, "response_metadata", None) or {}).get("finish_reason")
    if finish == "length":
        problem = f"the answer was cut off at {max_tokens(q)} tokens"
    elif payload is not None:
        answer, problem = read(payload)
        if answer is not None:
            return Asked(answer, usage), None
    why = redact(one_line(problem or "the answer was empty"), settings)
    kind = SCHEMA if payload is not None and finish != "length" else ANSWER
    return Asked(None, usage.model_copy(update={"failed": usage.failed + 1}), why, kind), None


def _sentences(x: Line) -> tuple[str, tuple[str, ...]] | None:
    return (x.refs[0].article_id, tuple(x.refs[0].sentence_ids)) if x.refs else None


def _with_leads(brief: Brief) -> list[BriefItem]:
    """The developments with the engine's bottom line back under their stories, each lead
    once: not where a line of the story already shows its sentence."""
    shown = {_sentences(x) for x in [*brief.developments, *brief.who_said_what]}
    leads = [x for x in brief.bottom_line if _sentences(x) not in shown]
    return sorted([*brief.developments, *leads], key=lambda x: -x.rank)


_FAILED = {
    CALL: "the call failed",
    ANSWER: "its answer could not be read",
    SCHEMA: "its answer did not fit the schema, twice",
    UNCHECKED: "its answer could not be checked",
}


def write(
    brief: Brief, settings: Settings, cache: Cache | None = None, made_by: str | None = None
) -> Brief:
    """The brief with the model's headlines and bottom line where they pass, the engine's
    elsewhere; the call's usage added to the brief's and a note on the masthead saying what
    the model wrote, or that it failed. Where any of it is shown, the masthead names the
    model (``made_by``). A brief with no development is returned as it is."""
    from briefing.brief.compose import run_notes
    from briefing.llm.headline_check import judge

    q = question(brief)
    if not q.developments:
        return brief
    asked = ask(q, settings, cache)
    update: dict[str, Any] = {"usage": (brief.usage or Usage()).add(asked.usage)}
    j = None
    if asked.answer is not None:
        try:
            j = judge(asked.answer, q, brief)
        except Exception as e:  # a model's text the checks cannot read: the engine's stand
            asked = Asked(None, asked.usage, describe(e, settings), UNCHECKED)
    if j is None:
        why = _FAILED.get(asked.kind or "", "no answer")
        note = f"The model's headlines and bottom line could not be used ({why}): the offline "
        note += "engine's are shown."
    else:
        update["stories"] = [
            d.model_copy(update={"headline": j.headlines[d.id][0], "refs": [j.headlines[d.id][1]]})
            if d.id in j.headlines
            else d
            for d in brief.stories
        ]
        update["lines_checked"] = brief.lines_checked + j.checked
        if made_by and (j.headlines or j.bottom_line):
            update["made_by"] = made_by
        if j.bottom_line:
            update["bottom_line"] = j.bottom_line
            update["developments"] = _with_leads(brief)
        n = len(q.developments)
        note = f"The model wrote {len(j.headlines)} of {n} headline{'s' if n != 1 else ''}"
        note += " and the bottom line" if j.bottom_line else ""
        note += ", each checked against its article like every line"
        if j.rejected:
            note += f"; {len(j.rejected)} of its lines did not pass, and the engine's stand"
        for refusal in j.rejected:
            log.info("withheld the model's %s", refusal)
        note += "."
    out = brief.model_copy(update=update)
    out.notes = [*run_notes(out), note]
    return out
