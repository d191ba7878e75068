"""Which calls to make, and how their answers come back to each article.

Two things drive the cost of the LLM stage: the fixed part of every call (instructions and the
answer schema, several hundred tokens) and the model's context. So short articles are packed
into one call, up to the token budget and ``pack_articles`` of them, and pay the fixed part once;
a long article goes alone, in overlapping windows of sentences, so no claim is cut off from its
context at a window's edge. Boilerplate (newsletter prompts, photo credits) is left out: it costs
tokens and says nothing.

Afterwards the answers are turned back into one per article: a packed answer is :func:`split` by
the article prefix of the ids it cites ("a2.s3"), an article's windows are :func:`merge`\\ d, and
the usage of a shared call is shared out (:func:`share`). Everything here is pure: no call, no
cache, so ``--dry-run`` can :func:`estimate` a run from the same plan the real run follows, and
:func:`estimate_headlines` the one call a brief makes after it (its headlines and bottom line).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from briefing.llm.cache import cache_key
from briefing.llm.pricing import cost
from briefing.llm.prompts import (
    Member,
    prompt_inputs,
    prompt_tokens,
    prompt_version,
    request_tokens,
)
from briefing.llm.schema import Bounds, bounded_schema, bounds_for, max_tokens
from briefing.llm.settings import Settings
from briefing.llm.tokens import count_tokens
from briefing.models import Analysis, LLMExtraction, Sentence, Usage

if TYPE_CHECKING:
    from briefing.llm.headlines import Question

SENTENCE_OVERHEAD = 4  # tokens a numbered sentence line adds around its text ("[s12] ", newline)
# The output estimate of --dry-run: a fixed part plus half the article's tokens, capped.
OUTPUT_BASE, OUTPUT_CAP = 250, 2000
# The output estimate of the headlines call: its answer fills every list (a headline a
# development, three sentences) with strings about half their longest, so half its cap.
HEADLINES_OUTPUT_SHARE = 0.5
HEADLINES_ROW = "(brief: headlines, bottom line)"  # its row of --dry-run, not an article's
BOTTOM_LINE_MAX = 3  # lines of bottom line kept when windows are merged
ANSWER_FIELDS = ("bottom_line", "events", "attributions", "caveats")

_CLAIM_MARK = re.compile(r"\b(?:SAYS?|SAID|CLAIMS?|REPORTS?|WARNS?|ANNOUNCES?)\b|[:'‘“\"]")


@dataclass
class Job:
    """One call: a window of one article, or several short articles packed together.

    ``result``, ``error`` and ``usage`` start empty and are filled in as the run goes (from the
    cache or from the provider); ``key`` is the cache key of this exact call.
    """

    members: list[str]  # article ids, in prompt order (a1, a2 ... when more than one)
    index: int  # the window's number within its article (0 for a whole article)
    inputs: dict[str, Any]
    key: str
    result: LLMExtraction | None = None
    error: str | None = None
    usage: Usage = field(default_factory=Usage)
    windowed: bool = False  # a window of a long article (else whole, short articles)
    kind: str | None = None  # the kind of failure of its last answer (answers.SCHEMA ...)

    @property
    def bounds(self) -> Bounds:
        """How much this call's answer may hold (:mod:`briefing.llm.schema`)."""
        return bounds_for(self.inputs["articles"])

    def schema(self, lengths: bool = True) -> dict[str, Any]:
        """The bounded answer schema this call sends."""
        return bounded_schema(self.bounds, lengths=lengths)

    @property
    def max_tokens(self) -> int:
        """The cap on this call's answer: the most a complete answer in its schema takes."""
        return max_tokens(self.bounds)


def re_quote_or_cue(text: str) -> bool:
    """A capital-letter kicker can still carry a claim ("...: REPORTS", "X SAYS ...")."""
    return bool(_CLAIM_MARK.search(text))


def reporting_sentences(analysis: Analysis) -> list[Sentence]:
    """The sentences worth sending: all but boilerplate, keeping kickers that carry a claim.

    Whether a sentence is boilerplate is the engine's call, made once (``Sentence.boilerplate``).
    """
    return [s for s in analysis.sentences if not s.boilerplate or re_quote_or_cue(s.text)]


def _sentence_tokens(sentence: Sentence) -> int:
    return count_tokens(sentence.text) + SENTENCE_OVERHEAD


def windows(sentences: list[Sentence], budget: int, overlap: int) -> list[list[Sentence]]:
    """Consecutive runs of sentences of at most ``budget`` tokens, neighbours sharing ``overlap``.

    A single sentence over the budget still gets a window of its own rather than being cut.
    """
    if not sentences:
        return []
    sizes = [_sentence_tokens(s) for s in sentences]
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
        start = max(end - overlap, start + 1)  # always move on, whatever the overlap
    return out


def job_key(members: list[Member], settings: Settings) -> str:
    """The cache key of a call: endpoint, model, prompt version and the exact text sent."""
    text = "\n\n".join(
        (an.article.title or "") + "\n" + "\n".join(f"{s.id}\t{s.text}" for s in part)
        for an, part, _ in members
    )
    return cache_key(settings.endpoint, settings.model, prompt_version(), text)


def _job(members: list[Member], index: int, settings: Settings, windowed: bool = False) -> Job:
    ids = [an.article.id for an, _, _ in members]
    return Job(ids, index, prompt_inputs(members), job_key(members, settings), windowed=windowed)


def plan(analyses: list[Analysis], settings: Settings) -> list[Job]:
    """The calls to make. Short articles share a call (up to the token budget and
    ``pack_articles`` of them), so the instructions and the schema are paid for once per call
    rather than once per article; a long article gets overlapping windows of its own."""
    jobs: list[Job] = []
    pack: list[Member] = []
    pack_tokens = 0

    def flush() -> None:
        nonlocal pack, pack_tokens
        if pack:
            jobs.append(_job(pack, 0, settings))
        pack, pack_tokens = [], 0

    for an in analyses:
        reporting = reporting_sentences(an)
        parts = windows(reporting, settings.token_budget, settings.window_overlap)
        if len(parts) > 1:
            for i, part in enumerate(parts):
                label = f"{i + 1} of {len(parts)}"
                jobs.append(_job([(an, part, label)], i, settings, windowed=True))
            continue
        tokens = sum(_sentence_tokens(s) for s in reporting)
        if pack and (
            pack_tokens + tokens > settings.token_budget or len(pack) >= settings.pack_articles
        ):
            flush()
        pack.append((an, reporting, None))
        pack_tokens += tokens
    flush()
    return jobs


def _output_estimate(article_tokens: int) -> int:
    return min(OUTPUT_CAP, OUTPUT_BASE + article_tokens // 2)


def estimate(
    analyses: list[Analysis], settings: Settings, cached: frozenset[str] = frozenset()
) -> list[dict[str, Any]]:
    """Per article: calls, input tokens and an output estimate, with cost. No call is made.

    The input is the real prompt of each call, its bounded schema included; the output is
    never more than the call's ``max_tokens``. A call whose key is in ``cached`` (answered
    before) costs nothing. A shared call's calls, tokens and cost are split among its articles
    by article size; an article in several windows sums over them.
    """
    rows = []
    by_id = {an.article.id: an for an in analyses}
    for job in plan(analyses, settings):
        free = job.key in cached
        inp = 0 if free else prompt_tokens(job.inputs, job.schema())
        tokens = [sum(count_tokens(s.text) for s in by_id[m].sentences) for m in job.members]
        for member, art_tokens in zip(job.members, tokens, strict=True):
            share_of_call = 0.0 if free else art_tokens / max(1, sum(tokens))
            out = 0 if free else min(_output_estimate(art_tokens), job.max_tokens)
            rows.append(
                {
                    "article": member,
                    "calls": share_of_call,
                    "article_tokens": art_tokens,
                    "input_tokens": round(inp * share_of_call),
                    "output_tokens_est": out,
                    "cost_usd_est": cost(settings.model, round(inp * share_of_call), out),
                }
            )
    merged: dict[str, dict[str, Any]] = {}
    for r in rows:
        m = merged.setdefault(
            r["article"], dict(r, calls=0, input_tokens=0, output_tokens_est=0, cost_usd_est=0.0)
        )
        for k in ("calls", "input_tokens", "output_tokens_est", "cost_usd_est"):
            m[k] += r[k]
    return list(merged.values())


def estimate_headlines(q: Question, settings: Settings, cached: bool = False) -> dict[str, Any]:
    """The brief's headlines call (:mod:`briefing.llm.headlines`) as a row of the estimate:
    one call, with no article of its own. No call is made.

    Its input is the real prompt of that call for the question ``q`` (the headlines templates
    rendered with each development's lines, plus the bounded schema it sends); its output
    :data:`HEADLINES_OUTPUT_SHARE` of the call's ``max_tokens``. A question answered before
    (``cached``) costs nothing. The question is built from a composed brief, so a dry run can
    only ask it of the brief it can make without a model: the offline engine's. The real call
    is asked of the brief the model's checked lines went into, whose developments are the same
    stories but whose lines may differ; the estimate is of a question of that shape, and the
    cache is found only where the two briefs show the same lines.
    """
    from briefing.llm import headlines

    inp = out = 0
    if not cached:
        messages = headlines.headlines_template().format_messages(**headlines.inputs(q))
        inp = request_tokens(messages, headlines.schema(q, lengths=not settings.is_openai))
        out = round(headlines.max_tokens(q) * HEADLINES_OUTPUT_SHARE)
    return {
        "article": HEADLINES_ROW,
        "calls": 0 if cached else 1,
        "article_tokens": 0,
        "input_tokens": inp,
        "output_tokens_est": out,
        "cost_usd_est": cost(settings.model, inp, out),
    }


def share(usage: Usage, n: int, first: bool) -> Usage:
    """An article's part of a shared call: tokens and cost split evenly, the call, its
    failures and its time counted once (on the ``first`` article), so per-article usage sums to
    the run's."""
    if n == 1:
        return usage
    return Usage(
        calls=usage.calls if first else 0,
        cached=usage.cached if first else 0,
        input_tokens=usage.input_tokens // n,
        output_tokens=usage.output_tokens // n,
        cost_usd=usage.cost_usd / n,
        failed=usage.failed if first else 0,
        seconds=usage.seconds if first else 0.0,
    )


def split(extraction: LLMExtraction, members: list[str]) -> dict[str, LLMExtraction]:
    """A packed answer back into one answer per article: each item goes to the article of its
    first cited id ("a2.s3"), keeping only that article's ids, unprefixed.

    An item citing no prefixed id goes to the first article with its ids as they are: verify
    will judge them there rather than this function guessing.
    """
    if len(members) == 1:
        return {members[0]: extraction}
    keys = {f"a{i + 1}": m for i, m in enumerate(members)}
    buckets: dict[str, dict[str, list[Any]]] = {m: {f: [] for f in ANSWER_FIELDS} for m in members}
    for field_name in ANSWER_FIELDS:
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
                owner, ids = members[0], list(item.sentence_ids)
            buckets[owner][field_name].append(item.model_copy(update={"sentence_ids": ids}))
    return {m: LLMExtraction.model_validate(b) for m, b in buckets.items()}


def _dedupe(items: list[Any], key: Callable[[Any], Hashable]) -> list[Any]:
    """``items`` in order, each ``key`` kept once (the first time it appears)."""
    seen: set[Hashable] = set()
    out = []
    for it in items:
        k = key(it)
        if k not in seen:
            seen.add(k)
            out.append(it)
    return out


def merge(parts: list[LLMExtraction]) -> LLMExtraction:
    """One extraction from the windows of an article: items in order, repeats dropped (the
    windows overlap, so the model often reports the same item from both sides of an edge)."""
    if len(parts) == 1:
        return parts[0]
    return LLMExtraction(
        bottom_line=_dedupe([b for p in parts for b in p.bottom_line], lambda b: b.text.lower())[
            :BOTTOM_LINE_MAX
        ],
        events=_dedupe(
            [e for p in parts for e in p.events], lambda e: (e.text.lower(), tuple(e.sentence_ids))
        ),
        attributions=_dedupe(
            [a for p in parts for a in p.attributions],
            lambda a: (a.speaker.lower(), a.claim.lower(), tuple(a.sentence_ids)),
        ),
        caveats=_dedupe([c for p in parts for c in p.caveats], lambda c: (c.kind, c.text.lower())),
    )
