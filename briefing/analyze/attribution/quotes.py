"""Quotations: pattern 1 (a quote that opens a sentence and closes on its speaker, '"...," it
said.'), quoted terms a source names ("what it calls '...'"), and pattern 6 (floating quotes
with no speaker of their own go to the latest speaker).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from briefing.analyze.attribution.context import (
    Context,
    Draft,
    in_quote,
    opens_sentence,
    quotes_between,
    sentence_of,
    source_at,
    strip_final_punct,
    trim,
    words_of,
)
from briefing.analyze.attribution.cues import addressee_via
from briefing.analyze.attribution.parsed import quote_holder
from briefing.analyze.attribution.spans import np_after, np_before
from briefing.analyze.coref import Coref, agreement
from briefing.analyze.lexicon import lexicon, one_of
from briefing.ingest.quotes import OPEN_MARKS, Quote
from briefing.ingest.sentences import paragraph_spans
from briefing.models import Sentence, Span

if TYPE_CHECKING:
    from spacy.tokens import Doc

_LEX = lexicon()
_CUES = _LEX.cue_rules
# Cues that can close a sentence after their content ("..., KCNA said.", '"...," he added.').
_TAIL_LEMMAS = _CUES.tail
_ADDRESSEE_LEMMAS = _CUES.addressee
_TAIL_ONLY = re.compile(rf"(?<![\w’'-])({one_of(_CUES.quote_tail_only)})(?![\w-])")
_WHAT_X_CALLS = re.compile(
    r"\b(?:what|which)\s+(?P<np>it|they|he|she|[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,3})\s+"
    rf"(?P<cue>{one_of(_CUES.naming)})\s+"
)


def quote_tail(ctx: Context, q: Quote, idx: int) -> Draft | None:
    """The speaker named right after a closing quote: '"...," it said.' / '"...," said McCaul.'"""
    text = ctx.text
    sent = ctx.sentences[idx]
    tail_s = q.end
    tail_e = strip_final_punct(text, tail_s, sent.end)
    tail = text[tail_s:tail_e]
    if not tail.strip() or tail.lstrip()[:1] in OPEN_MARKS:
        return None
    # stop the tail at a second quote: '"X," he said, "Y."'
    stop = next(
        (qq.start for qq in quotes_between(ctx, tail_s, tail_e) if tail_s < qq.start < tail_e),
        tail_e,
    )
    lead = re.match(r"\s*,?\s*", tail)
    ts = tail_s + (lead.end() if lead else 0)
    inv = ctx.cue_re.match(text, ts) or _TAIL_ONLY.match(text, ts)
    cs, ce = trim(text, q.inner_start, q.inner_end, " \t\n\u00a0,")
    if inv and (
        inv.re is _TAIL_ONLY
        or ctx.reg.cue_lemma.get(inv.group(1)) in _TAIL_LEMMAS - _ADDRESSEE_LEMMAS
    ):
        np = np_after(ctx, inv.end(), stop)
        if np:
            cue = Span(text=inv.group(1), start=inv.start(), end=inv.end())
            return Draft(source_at(ctx, np[0], np[1], idx), cue, (cs, ce))
    found = [*ctx.cue_re.finditer(text, ts, stop), *_TAIL_ONLY.finditer(text, ts, stop)]
    for m in sorted(found, key=lambda m: m.start()):
        if m.re is not _TAIL_ONLY and ctx.reg.cue_lemma.get(m.group(1)) not in _TAIL_LEMMAS:
            continue
        np = np_before(ctx, ts, m.start())
        if np is None or text[ts : np[0]].strip():
            continue
        cue = Span(text=m.group(1), start=m.start(), end=m.end())
        return Draft(
            source_at(ctx, np[0], np[1], idx),
            cue,
            (cs, ce),
            addressee_via(ctx, m.group(1), m.end(), stop),
        )
    return None


def quote_first(ctx: Context, sent: Sentence, idx: int) -> list[Draft]:
    """Pattern 1: a quotation that opens a sentence (this one or an earlier one) and closes in
    this sentence on its speaker: '"...," it said.', '"A. B," Mr Schultz said.'; or closes the
    sentence before on a question or exclamation mark, this sentence being its speaker:
    '"Can we win?" / Mr. Manafort asked.'"""
    for q in quotes_between(ctx, sent.start, sent.end):
        if sent.start <= q.end < sent.end and q.start <= sent.start and opens_sentence(ctx, q):
            d = quote_tail(ctx, q, idx)
            return [d] if d else []
    q = _cut_before(ctx, idx)
    if q is not None:
        d = quote_tail(ctx, q, idx)
        if d is not None and _bare_tail(ctx, d, sent):
            return [d]
    return []


# what may follow a speaker who closes a quotation cut off by its "?" or "!": nothing, or a time
# or place ('"...!" Smith said last week.'), after an addressee for the cues that take one
# ('"...?" Renteria told reporters on a call.'); not a clause of its own ('"...?" / Trump said
# the plan would fail.')
_ADVERBIAL = rf"(?:{one_of(_LEX.adverbials.after_cue)}|[A-Z][a-z]+day)\b"
_BARE_TAIL = re.compile(rf"\s*(?:{_ADVERBIAL}|$)")
_ADDRESSEE_TAIL = re.compile(rf"\s*(?:[\w’'.-]+\s+){{0,2}}[\w’'.-]+\s*(?:{_ADVERBIAL}|$)")


def _cut_before(ctx: Context, idx: int) -> Quote | None:
    """The quotation that opens the sentence before ``idx`` and ends it on '?' or '!', with
    nothing but space between it and sentence ``idx``: the sentence was cut at its mark."""
    if idx == 0:
        return None
    prev, sent = ctx.sentences[idx - 1], ctx.sentences[idx]
    for q in quotes_between(ctx, prev.start, prev.end + 1):
        if (
            q.closed
            and q.start == prev.start
            and q.end >= prev.end
            and not ctx.text[q.end : sent.start].strip()
            and ctx.text[q.inner_start : q.inner_end].rstrip()[-1:] in {"?", "!"}
        ):
            return q
    return None


def _bare_tail(ctx: Context, d: Draft, sent: Sentence) -> bool:
    """Whether sentence ``sent`` is no more than the speaker of ``d`` and its cue, and a few
    words of time, place or addressee."""
    if d.cue is None or d.source is None or d.source.start is None:
        return False
    start = max(d.cue.end, d.source.end or 0)
    rest = ctx.text[start : strip_final_punct(ctx.text, start, sent.end)]
    if _BARE_TAIL.match(rest):
        return True
    return ctx.reg.cue_lemma.get(d.cue.text) in _ADDRESSEE_LEMMAS and bool(
        _ADDRESSEE_TAIL.match(rest)
    )


# a quotation of at most this many words that follows a word of the sentence is a quoted term
_SCARE_WORDS = 4


def _after_a_word(ctx: Context, q: Quote, sent: Sentence) -> bool:
    """Whether the quotation follows a word of its sentence: not at the sentence's start, nor
    after a comma or colon ('Smith said, "and soon."')."""
    before = ctx.text[sent.start : q.start].rstrip()
    return bool(before) and before[-1] not in ",:;—–-([" and before[-1] not in OPEN_MARKS


def _closed_later_by_speaker(ctx: Context, q: Quote, idx: int) -> bool:
    """A quotation that runs on into a later sentence and ends there on its speaker."""
    if idx + 1 < len(ctx.sentences) and _cut_before(ctx, idx + 1) == q:
        d = quote_tail(ctx, q, idx + 1)
        return d is not None and _bare_tail(ctx, d, ctx.sentences[idx + 1])
    if q.end <= ctx.sentences[idx].end or not opens_sentence(ctx, q):
        return False
    j = sentence_of(ctx, q.end - 1)
    return j > idx and q.end < ctx.sentences[j].end and quote_tail(ctx, q, j) is not None


def tail_only_lead(ctx: Context, sent: Sentence, idx: int) -> list[Draft]:
    """'Limbaugh continued: "..."', 'She asked, "..."': a form that is a cue only next to a
    quotation (``cue_rules.yaml``: quote_tail_only), after its speaker and before the quotation,
    with only a comma or colon between; the content is the whole quotation."""
    text = ctx.text
    for m in _TAIL_ONLY.finditer(text, sent.start, sent.end):
        if in_quote(ctx, m.start()):
            continue
        lead = re.match(r"\s*[,:]\s*", text[m.end() : sent.end])
        if lead is None:
            continue
        at = m.end() + lead.end()
        q = next((q for q in quotes_between(ctx, at, at + 1) if q.start == at), None)
        np = np_before(ctx, sent.start, m.start()) if q is not None else None
        if q is None or np is None or text[sent.start : np[0]].strip():
            continue
        cs, ce = trim(text, q.inner_start, q.inner_end, " \t\n\u00a0,.")
        if ce - cs < 3:
            continue
        cue = Span(text=m.group(1), start=m.start(), end=m.end())
        return [Draft(source_at(ctx, np[0], np[1], idx), cue, (cs, ce))]
    return []


def what_it_calls(ctx: Context, sent: Sentence, idx: int) -> list[Draft]:
    """'in response to what it calls "astonishing growth"': the term is the source's."""
    text = ctx.text
    out = []
    for m in _WHAT_X_CALLS.finditer(text, sent.start, sent.end):
        q = next((q for q in quotes_between(ctx, m.end(), m.end() + 1) if q.start == m.end()), None)
        if q is None:
            continue
        cs, ce = trim(text, q.inner_start, q.inner_end, " \t\n\u00a0,.")
        cue = Span(text=m.group("cue"), start=m.start("cue"), end=m.end("cue"))
        out.append(Draft(source_at(ctx, m.start("np"), m.end("np"), idx), cue, (cs, ce)))
    return out


# between a speaker's cue (or the speaker after it) and the quotation that continues their words:
# at most this many words (an addressee, a time), then a comma or colon
_CONTINUES = re.compile(r"(?:\s*[\w’'.-]+){0,4}\s*[,:]\s*$")


def _continued(ctx: Context, q: Quote, found: list[Draft]) -> Draft | None:
    """The draft of this sentence whose cue the quotation ``q`` continues after a comma or colon:
    '"A," Jones told reporters, "B."', '"A," said Jones, "B."'; not a quotation that follows a
    word of the writer's clause ('... and agreed to act "through close cooperation."')."""
    for d in reversed(found):
        if d.source is None or d.cue is None or d.depth > 0 or d.cue.end > q.start:
            continue
        end = max(d.cue.end, d.source.end or 0)
        if end <= q.start and _CONTINUES.fullmatch(ctx.text, end, q.start):
            return d
    return None


def floating_quotes(
    ctx: Context, idx: int, found: list[Draft], doc: Doc | None = None
) -> list[Draft]:
    """Quotes in this sentence that no attribution covers go to the speaker whose words they
    continue, else to the subject of the clause they stand in (``doc``: the sentence's parse),
    else to the latest speaker."""
    sent = ctx.sentences[idx]
    out = []
    for q in quotes_between(ctx, sent.start, sent.end):
        if not (sent.start <= q.start < sent.end):
            continue
        if any(d.content[0] <= q.inner_start and q.inner_end <= d.content[1] + 1 for d in found):
            continue
        if any(
            d.cue is not None and d.cue.text == ":" and q.start < d.cue.start < q.end for d in found
        ):
            continue  # a transcript's turns in one quotation ('"PENCE: ...'): each has its speaker
        if _closed_later_by_speaker(ctx, q, idx):
            continue
        cs, ce = trim(ctx.text, q.inner_start, q.inner_end, " \t\n\u00a0,.")
        if ce - cs < 2:
            continue
        words = words_of(ctx.text[cs:ce])
        if len(words) >= 4 and sum(w[0].isupper() for w in words) / len(words) > 0.7:
            # a quoted headline ("Pfizer's COVID-19 Franchise Hits The Downturn"), not speech
            continue
        closes = ctx.text[q.inner_start : q.inner_end].rstrip()[-1:] in {".", "!", "?"}
        if len(words) <= _SCARE_WORDS and not closes and _after_a_word(ctx, q, sent):
            # a term in quotation marks inside the writer's sentence (the "Never Trump"
            # movement, CBS's "Face the Nation"), not a piece of someone's speech; one that
            # closes the sentence ('agreed to act "through close cooperation."') may be
            continue
        # the speaker whose cue it continues ('"A," Jones told reporters, "B."'), else the
        # latest named speaker in this sentence or within the two before it
        speaker = _continued(ctx, q, found)
        held = quote_holder(sent, doc, q) if speaker is None and doc is not None else None
        if held is False:
            continue  # the clause it stands in has a subject that does not say it
        if isinstance(held, tuple):
            src = source_at(ctx, held[0], held[1], idx)
            out.append(Draft(src, None, (cs, ce), [], 0))
            continue
        for d in [] if speaker is not None else reversed(found + ctx.drafts):
            if d.source is None or d.depth > 0:
                continue
            d_idx = sentence_of(ctx, d.source.start) if d.source.start is not None else -99
            c_idx = sentence_of(ctx, d.content[0])
            if idx - max(d_idx, c_idx) <= 2:
                speaker = d
            break
        if speaker is None or speaker.source is None:
            continue
        out.append(Draft(speaker.source, None, (cs, ce), list(speaker.via), 0))
    return out


# Two apostrophes for a quotation mark (''We will,'' she said.), the convention of some news
# archives; an opening pair follows a space or an opening bracket or dash, a closing pair does
# not, and a quotation runs on into a paragraph that opens with a pair, as with other marks.
_PAIR = re.compile(r"(?<!')''(?!')")
_OPENS_AFTER = " \t\n\u00a0([{—–-:;/"


def doubled_quotes(text: str, quotes: list[Quote]) -> list[Quote]:
    """``quotes`` and the quotations marked with doubled apostrophes that overlap none of them,
    in order."""
    if "''" not in text:
        return quotes
    found: list[Quote] = []
    paragraphs = paragraph_spans(text)
    carried: int | None = None
    for n, (pstart, pend) in enumerate(paragraphs):
        open_at, carried = carried, None
        first = pstart + 2 if open_at is not None else pstart
        for m in _PAIR.finditer(text, first, pend):
            i = m.start()
            opens = (i == pstart or text[i - 1] in _OPENS_AFTER) and text[i + 2 : i + 3].strip()
            if open_at is None:
                if opens:
                    open_at = i
            elif not opens or i + 2 == pend:
                found.append(
                    Quote(
                        start=open_at, end=i + 2, inner_start=open_at + 2, inner_end=i, closed=True
                    )
                )
                open_at = None
            else:
                open_at = i  # a stray opening pair: restart from the newer one
        if open_at is not None:
            nxt = paragraphs[n + 1][0] if n + 1 < len(paragraphs) else None
            if nxt is not None and text.startswith("''", nxt):
                carried = open_at
            else:
                found.append(
                    Quote(
                        start=open_at,
                        end=pend,
                        inner_start=open_at + 2,
                        inner_end=pend,
                        closed=False,
                    )
                )
    if not found:
        return quotes
    kept = [q for q in found if not any(q.start < o.end and o.start < q.end for o in quotes)]
    return sorted([*quotes, *kept], key=lambda q: q.start)


def first_person(drafts: list[Any], coref: Coref | None) -> list[Any]:
    """ "I" inside a quotation is its speaker: the named person whose attribution's content holds
    it ("“Yes, I support Ted Cruz,” Brent Bozell said"). "We" is the speaker's side, which has no
    name, and "I" outside quotation marks is the writer: those stay unnamed. ``drafts`` are the
    attribution rules' drafts (``source``, ``content`` and ``depth``)."""
    if coref is None:
        return drafts
    outer = [d for d in drafts if d.depth == 0 and d.source is not None and d.source.canonical]
    out = []
    for d in drafts:
        src = d.source
        if src is not None and src.text.strip().lower() in lexicon().pronouns.singular_first:
            holders = {
                (o.source.canonical, o.source.type)
                for o in outer
                if o.content[0] <= src.start < o.content[1]
                and agreement(o.source.text) != "first"
                and coref.named_person(o.source)
            }
            if coref.in_quote(src.start) and len(holders) == 1:
                canonical, kind = holders.pop()
                d = replace(d, source=src.model_copy(update={"canonical": canonical, "type": kind}))
        out.append(d)
    return out
