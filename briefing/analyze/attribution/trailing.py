"""Content first, source after: pattern 2 ("..., KCNA said." / "..., said X." / "...,
according to X."), pattern 3 ("According to X, ...") and the passive "was first reported by X".
"""

from __future__ import annotations

import re

from briefing.analyze.attribution.context import (
    Context,
    Draft,
    in_quote,
    source_at,
    strip_final_punct,
    trim,
    words_of,
)
from briefing.analyze.attribution.cues import cue_ok
from briefing.analyze.attribution.spans import np_after, np_before
from briefing.analyze.lexicon import lexicon, one_of
from briefing.analyze.sources import person_names
from briefing.ingest.quotes import CLOSE_MARKS
from briefing.models import Sentence, Span

_LEX = lexicon()
_CUES = _LEX.cue_rules
_TAIL_LEMMAS = _CUES.tail
_ADDRESSEE_LEMMAS = _CUES.addressee
_ADVERBIAL_TAIL = re.compile(rf"\s*(?:{one_of(_LEX.adverbials.after_cue)}|[A-Z][a-z]+day)\b")
_OPENING_ADVERBIAL = re.compile(rf"(?:{one_of(_LEX.adverbials.sentence_openers)})\b", re.I)
_PASSIVE_BY = re.compile(
    r"\s(?:was|were|is|are|has been|have been|had been)\s+(?:first\s+|initially\s+|also\s+)?"
    rf"({one_of(_CUES.passive_by)})\s+by\s+"
)


# a relative clause that closes the stretch before a comma: ", who studies tax policy"
_RELATIVE_BEFORE = re.compile(r",\s+(?:who|which)\s[^,;:”\"]*$")


def _ends_on_cue(ctx: Context, span: tuple[int, int]) -> bool:
    """Whether a stretch of text ends on a reporting cue ("The Post reported")."""
    s, e = span
    return any(m.end() == e for m in ctx.cue_re.finditer(ctx.text, max(s, e - 40), e))


def trailing_source(ctx: Context, sent: Sentence, idx: int) -> list[Draft]:
    """Pattern 2: '..., KCNA said.' / '..., according to X.' / '..., said X.'"""
    text = ctx.text
    end = strip_final_punct(text, sent.start, sent.end)
    for b in reversed(
        list(
            re.finditer(
                r",[”\"]?\s+|[”\"]\s+(?=[a-z])|[”\"],?\s+|\s[-–—]{1,2}\s+(?=according to\b)",
                text[sent.start : end],
            )
        )
    ):
        bs, be = sent.start + b.start(), sent.start + b.end()
        if in_quote(ctx, be) or be >= end:
            continue
        if len(words_of(text[sent.start : bs])) < 3:
            continue
        if _OPENING_ADVERBIAL.match(text[sent.start : bs]) and "," not in text[sent.start : bs]:
            # "Shortly after the ruling, Andrew posted again": an adverbial clause, not content
            continue
        tail = text[be:end]
        content_end = bs
        if text[bs] == "," and bs > 0 and text[bs + 1 : bs + 2] in CLOSE_MARKS + '"':
            content_end = bs + 2  # keep the closing quote with its content
        content = trim(ctx.text, sent.start, content_end)
        if text[bs] in CLOSE_MARKS + '"':
            content = trim(ctx.text, sent.start, bs + 1)
        pm = re.match(r"(according to|as reported by|citing)\s+", tail, re.I)
        if pm and _ends_on_cue(ctx, content):
            # "The Post reported, citing a source, that ...": the report goes on past the source
            continue
        if pm:
            np = np_after(ctx, be + pm.end(), end, lower_ok=True)
            if np:
                cue = Span(
                    text=text[be : be + pm.end()].strip(), start=be, end=be + len(pm.group(1))
                )
                return [Draft(source_at(ctx, np[0], np[1], idx), cue, content)]
            continue
        inv = ctx.cue_re.match(text, be)
        if inv and _RELATIVE_BEFORE.search(text, sent.start, bs):
            # "Ann Cole, who studies taxes, said the plan fails": the speaker is before the cue
            continue
        if inv and ctx.reg.cue_lemma.get(inv.group(1)) in _TAIL_LEMMAS - _ADDRESSEE_LEMMAS:
            np = np_after(ctx, inv.end(), end)
            if np:
                cue = Span(text=inv.group(1), start=inv.start(), end=inv.end())
                return [Draft(source_at(ctx, np[0], np[1], idx), cue, content)]
            continue
        for m in ctx.cue_re.finditer(text, be, end):
            if ctx.reg.cue_lemma.get(m.group(1)) not in _TAIL_LEMMAS:
                continue
            np = np_before(ctx, be, m.start())
            if np is None or text[be : np[0]].strip():
                continue
            rest = text[m.end() : end]
            if len(words_of(rest)) > 8 or "," in rest or " that " in f" {rest} ":
                break
            lemma = ctx.reg.cue_lemma.get(m.group(1))
            if (
                len(words_of(rest)) > 2
                and lemma not in {"tell", "inform"}
                and not _ADVERBIAL_TAIL.match(rest)
            ):
                break
            if not cue_ok(ctx, m.group(1), "x", rest if rest.strip() else " that it"):
                break
            cue = Span(text=m.group(1), start=m.start(), end=m.end())
            np, content = _name_before_appositive(ctx, sent, bs, np, content)
            return [Draft(source_at(ctx, np[0], np[1], idx), cue, content)]
    return []


def _name_before_appositive(
    ctx: Context, sent: Sentence, bs: int, np: tuple[int, int], content: tuple[int, int]
) -> tuple[tuple[int, int], tuple[int, int]]:
    """'..., Jonathan Sivarajah, an El Al frequent flier, told CNN.': the name before the
    appositive belongs to the source, and the content ends before it."""
    text = ctx.text
    prev = list(re.finditer(r",\s+", text[sent.start : bs]))
    if not prev:
        return np, content
    ps = sent.start + prev[-1].end()
    name = text[ps:bs]
    names = person_names(name)
    if (
        names
        and names[0][1] == 0
        and names[0][2] >= len(name.rstrip()) - 1
        and len(name.split()) <= 4
    ):
        return (ps, np[1]), trim(text, content[0], sent.start + prev[-1].start())
    return np, content


def leading_according(ctx: Context, sent: Sentence, idx: int) -> list[Draft]:
    """Pattern 3: 'According to X, ...' and '..., according to X, ...' in mid-sentence."""
    text = ctx.text
    end = strip_final_punct(text, sent.start, sent.end)
    for m in re.finditer(
        r"(?:^|,\s+)(according to|as reported by)\s+([^,]{2,120}),\s+", text[sent.start : end], re.I
    ):
        if in_quote(ctx, sent.start + m.start(1)):
            continue
        np = np_after(ctx, sent.start + m.start(2), sent.start + m.end(2), lower_ok=True)
        if not np:
            continue
        cue = Span(text=m.group(1), start=sent.start + m.start(1), end=sent.start + m.end(1))
        if m.start() == 0:
            content = trim(text, sent.start + m.end(), end)
        else:
            content = trim(text, sent.start, end)
        return [Draft(source_at(ctx, np[0], np[1], idx), cue, content)]
    return []


def passive_by(ctx: Context, sent: Sentence, idx: int) -> list[Draft]:
    """'The guilty pleas were first reported by the Wall Street Journal.'"""
    text = ctx.text
    end = strip_final_punct(text, sent.start, sent.end)
    m = _PASSIVE_BY.search(text[sent.start : end])
    if not m:
        return []
    np = np_after(ctx, sent.start + m.end(), end)
    if not np:
        return []
    content = trim(text, sent.start, sent.start + m.start())
    cue = Span(
        text=text[sent.start + m.start() + 1 : sent.start + m.end()].strip(),
        start=sent.start + m.start() + 1,
        end=sent.start + m.end() - 1,
    )
    cue = Span(text=text[cue.start : cue.end], start=cue.start, end=cue.end)
    return [Draft(source_at(ctx, np[0], np[1], idx), cue, content)]
