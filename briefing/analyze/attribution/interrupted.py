"""Interrupted quotations: '"We will win," she said, "and soon."' is one attribution.

The rules before this one find the two pieces separately: the first with its speaker and cue,
the second as a floating quote the speaker is given again, with no cue of its own. Here the
second piece joins the first, as ``content.parts``, when it plainly continues the same quotation
of the same source:

- the interrupting attribution lies between the pieces ('"A," X said, "B."', '"A," said X,
  "B."', '"A," X told reporters on Monday. "B."'), and nothing else does but words that hold
  no cue of their own (a description of the source, when and where: "she said, clapping"); the
  quotation resumes after a comma or a full stop, not inside a clause of its own ('..." she
  said, as Trump went on about "B"'); the second piece is in the same sentence or opens the
  next one;
- or nothing but space lies between two quotations, the second opening the next sentence
  ('X said: "A." "B."');

always within one paragraph and one line, both pieces quoted word for word, the second with no
cue of its own while the first has one, with the same source through the same chain, and no
attribution with a cue of its own claiming the second piece. Several pieces chain: '"A," X said.
"B." "C."' is one attribution.
"""

from __future__ import annotations

import re

from briefing.analyze.attribution.context import (
    QUOTE_CHARS,
    Context,
    opens_sentence,
    quotes_between,
    sentence_of,
    words_of,
)
from briefing.ingest.quotes import Quote
from briefing.models import Attribution, Content, Span

# the words besides the source and the cue an interruption may hold ("told reporters on Monday",
# "said Ann Lee, a lawyer who has been involved in the case")
MAX_INTERRUPTION_WORDS = 25
_PUNCT = QUOTE_CHARS + " \t\n\u00a0,.;:!?…—–-"
# what ends an interruption before the quotation resumes: '"A," X said, "B."' / 'X said. "B."'
_RESUME = ",.:;—–"
# a relative clause on the source in the interruption ('said Ann Lee, who wrote about it, "B."'):
# its cue is the source's description, not a cue of the interruption
_RELATIVE = re.compile(r",\s+(?:who|which)\s[^,.;:]*")


def merge_interrupted(ctx: Context, attributions: list[Attribution]) -> list[Attribution]:
    """The attributions with each interrupted quotation's pieces merged into its first piece,
    in text order and numbered ``a1``, ``a2`` ... again."""
    out: list[Attribution] = []
    merged = False
    for a in attributions:
        host = _host(ctx, out, a, attributions)
        if host is None:
            out.append(a)
            continue
        out[host] = _join(ctx, out[host], a)
        merged = True
    if not merged:
        return attributions
    return [a.model_copy(update={"id": f"a{i}"}) for i, a in enumerate(out, 1)]


def _host(
    ctx: Context, out: list[Attribution], a: Attribution, every: list[Attribution]
) -> int | None:
    """The index in ``out`` of the attribution whose quotation ``a`` continues, if one does."""
    if a.cue is not None or a.source is None or a.kind != "direct":
        return None
    # the nearest quotation before it: an attribution inside the interruption ('said Ann Lee,
    # who wrote about it, "B."') is not one
    before = [
        i for i, q in enumerate(out) if q.content.end <= a.content.start and q.kind == "direct"
    ]
    if not before:
        return None
    nearest = max(out[i].content.end for i in before)
    for i in before:
        q = out[i]
        if q.content.end == nearest and _continues(ctx, q, a, every):
            return i
    return None


def _continues(ctx: Context, q: Attribution, a: Attribution, every: list[Attribution]) -> bool:
    """``a`` is the next piece of ``q``'s quotation (see the module's rules)."""
    if q.kind != "direct" or q.source is None or a.source is None or q.cue is None:
        return False  # the first piece has its cue: two floating quotes are not joined
    if not _same_source(q, a):
        return False
    if _chain(q) != _chain(a):
        return False
    last = q.content.pieces[-1]
    qq, qa = _quote_of(ctx, last.start, last.end), _quote_of(ctx, a.content.start, a.content.end)
    if qq is None or qa is None or qq.end > qa.start:
        return False
    if any(qq.end <= x.start and x.end <= qa.start for x in quotes_between(ctx, qq.end, qa.start)):
        return False  # another quotation between them
    first_s, next_s = sentence_of(ctx, qq.end - 1), sentence_of(ctx, qa.start)
    if ctx.sentences[first_s].paragraph != ctx.sentences[next_s].paragraph:
        return False
    gap = ctx.text[qq.end : qa.start]
    if "\n" in gap:
        return False
    if gap.strip() and gap.rstrip()[-1:] not in _RESUME:
        return False  # a quotation inside a clause of its own ('... went on about "B"')
    if _claimed_elsewhere(a, every):
        return False
    if next_s != first_s and not (next_s == first_s + 1 and opens_sentence(ctx, qa)):
        return False
    if not gap.strip():
        return next_s == first_s + 1  # 'X said: "A." "B."'
    return _interruption(ctx, q, qq.end, qa.start)


def _interruption(ctx: Context, q: Attribution, start: int, end: int) -> bool:
    """[start, end) is the interrupting attribution of ``q``: its source and cue, punctuation,
    and a limited number of other words, none of them a cue."""
    src, cue = q.source, q.cue
    if cue is None or src is None or src.start is None or src.end is None:
        return False
    if not (start <= cue.start and cue.end <= end and start <= src.start and src.end <= end):
        return False
    if sentence_of(ctx, cue.start) != sentence_of(ctx, start - 1):
        return False  # the cue belongs to the sentence the first piece ends
    rest = ""
    pos = start
    for s, e in sorted([(src.start, src.end), (cue.start, cue.end)]):
        rest += ctx.text[pos:s] + " "
        pos = max(pos, e)
    rest += ctx.text[pos:end]
    if ctx.cue_re.search(_RELATIVE.sub(" ", rest)):
        return False
    return sum(any(c.isalnum() for c in w) for w in words_of(rest)) <= MAX_INTERRUPTION_WORDS


def _quote_of(ctx: Context, start: int, end: int) -> Quote | None:
    """The quotation whose inside holds [start, end)."""
    return next(
        (
            q
            for q in quotes_between(ctx, start, end)
            if q.inner_start <= start and end <= q.inner_end
        ),
        None,
    )


def _same_source(q: Attribution, a: Attribution) -> bool:
    qs, as_ = q.source, a.source
    assert qs is not None and as_ is not None
    if qs.start is not None and (qs.start, qs.end) == (as_.start, as_.end):
        return True
    return qs.canonical is not None and qs.canonical == as_.canonical


def _chain(a: Attribution) -> list[str]:
    return [(v.canonical or v.text).lower() for v in a.via]


def _claimed_elsewhere(a: Attribution, every: list[Attribution]) -> bool:
    """Another attribution with a cue of its own, outside the piece, holds part of it."""
    s, e = a.content.start, a.content.end
    return any(
        b is not a
        and b.cue is not None
        and b.content.start < e
        and s < b.content.end
        and not (s <= b.cue.start < e)
        for b in every
    )


def _join(ctx: Context, q: Attribution, a: Attribution) -> Attribution:
    """``q`` with ``a``'s pieces after its own."""
    parts = [*q.content.pieces, *a.content.pieces]
    start, end = parts[0].start, parts[-1].end
    order = {s.id: i for i, s in enumerate(ctx.sentences)}
    sids = sorted(set(q.sentence_ids) | set(a.sentence_ids), key=lambda sid: order.get(sid, 0))
    content = Content(
        text=ctx.text[start:end],
        start=start,
        end=end,
        parts=[Span(text=p.text, start=p.start, end=p.end) for p in parts],
    )
    return q.model_copy(update={"content": content, "sentence_ids": sids})
