"""What the attribution rules share: the draft they build, the article they read, and the
span arithmetic on it (trimming, quotations, sentences, pronoun sources).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from briefing.analyze.coref import Coref
from briefing.analyze.lexicon import Registry
from briefing.analyze.sources import NameBook, make_source
from briefing.ingest.quotes import Quote
from briefing.models import AttributionKind, Sentence, Source, Span, Via

QUOTE_CHARS = '"“”„«»'
_PRONOUN_WINDOW = 40


@dataclass
class Draft:
    source: Source | None
    cue: Span | None
    content: tuple[int, int]
    via: list[Via] = field(default_factory=list)
    depth: int = 0


@dataclass
class Context:
    text: str
    sentences: list[Sentence]
    quotes: list[Quote]
    book: NameBook
    reg: Registry
    cue_re: re.Pattern[str]
    drafts: list[Draft] = field(default_factory=list)
    # sorted starts, for bisecting instead of scanning on long articles
    quote_starts: list[int] = field(default_factory=list)
    sentence_starts: list[int] = field(default_factory=list)
    # (sentence index, source) of every source seen, and of every sentence-initial person name
    history: list[tuple[int, Source]] = field(default_factory=list)
    # who pronouns and descriptions stand for (analyze/coref)
    coref: Coref | None = None


def words_of(s: str) -> list[str]:
    return re.findall(r"[\w’'.-]+", s)


def trim(text: str, s: int, e: int, chars: str = " \t\n\u00a0,;:") -> tuple[int, int]:
    while s < e and text[s] in chars:
        s += 1
    while e > s and text[e - 1] in chars:
        e -= 1
    return s, e


def strip_final_punct(text: str, s: int, e: int) -> int:
    while e > s and text[e - 1] in ".!?… \t\n\u00a0":
        e -= 1
    return e


def source_at(ctx: Context, s: int, e: int, sent_idx: int) -> Source:
    src = make_source(ctx.text, s, e, ctx.book, ctx.reg)
    if ctx.coref is not None:
        src = ctx.coref.resolve(src, ctx.history[-_PRONOUN_WINDOW:])
    return src


# "Sen. Feinstein, who said", "Sen. Feinstein, who has repeatedly argued": the relative pronoun
# right after a source, then at most three lowercase words (auxiliaries, adverbs), then the cue
_RELATIVE_BEFORE_CUE = re.compile(r"\s*,?\s*(who|which|that)\s+(?:[a-z]+\s+){0,3}$")


def relative_source(ctx: Context, d: Draft) -> Draft:
    """A source whose cue follows a relative pronoun that stands for it ("Sen. Feinstein, who
    said ...") is written as that pronoun, as a pronoun source is ("he"), with the name it stands
    for as its canonical name; a source without a name keeps its noun phrase."""
    src = d.source
    if d.cue is None or src is None or src.end is None or not src.canonical:
        return d
    if not 0 < d.cue.start - src.end <= 40:
        return d
    m = _RELATIVE_BEFORE_CUE.match(ctx.text, src.end, d.cue.start)
    if m is None or m.end() != d.cue.start:
        return d
    rel = src.model_copy(update={"text": m.group(1), "start": m.start(1), "end": m.end(1)})
    return Draft(rel, d.cue, d.content, d.via, d.depth)


def quotes_between(ctx: Context, s: int, e: int) -> list[Quote]:
    """Quotations that overlap [s, e). Quotations never overlap each other, so their ends are
    sorted like their starts and a bisection finds the first candidate."""
    i = bisect.bisect_right(ctx.quote_starts, s)
    i = max(0, i - 1)
    out = []
    while i < len(ctx.quotes) and ctx.quotes[i].start < e:
        if ctx.quotes[i].end > s:
            out.append(ctx.quotes[i])
        i += 1
    return out


def quote_kind(ctx: Context, s: int, e: int, nested: bool = False) -> AttributionKind:
    inner = quotes_between(ctx, s, e)
    if nested:
        inner = [q for q in inner if q.start >= s - 1 and q.end <= e + 1]
        return "mixed" if inner else "indirect"
    if not inner:
        return "indirect"
    for q in inner:
        if q.inner_start <= s + 1 and q.inner_end >= e - 1 and q.start <= s + 1:
            return "direct"
    return "mixed"


def in_quote(ctx: Context, pos: int) -> bool:
    i = bisect.bisect_left(ctx.quote_starts, pos) - 1
    return i >= 0 and ctx.quotes[i].start < pos < ctx.quotes[i].end


def opens_sentence(ctx: Context, q: Quote) -> bool:
    i = bisect.bisect_left(ctx.sentence_starts, q.start)
    return i < len(ctx.sentence_starts) and ctx.sentence_starts[i] == q.start


def sentence_of(ctx: Context, pos: int) -> int:
    """The sentence holding ``pos``, or the next one when ``pos`` falls between sentences."""
    i = bisect.bisect_right(ctx.sentence_starts, pos) - 1
    if i >= 0 and pos < ctx.sentences[i].end:
        return i
    return min(i + 1, len(ctx.sentences) - 1)


def via_of(d: Draft) -> list[Via]:
    if d.source is None:
        return list(d.via)
    return [
        Via(
            text=d.source.text,
            canonical=d.source.canonical,
            type=d.source.type,
            start=d.source.start,
            end=d.source.end,
        ),
        *d.via,
    ]
