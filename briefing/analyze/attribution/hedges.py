"""Hedge adverbs ("reportedly", "allegedly", "As alleged,"): the rest of the clause is someone's
claim though no one is named, and inside a quotation it is the speaker's.
"""

from __future__ import annotations

import re

from briefing.analyze.attribution.context import (
    Context,
    Draft,
    quotes_between,
    strip_final_punct,
    trim,
    via_of,
    words_of,
)
from briefing.analyze.lexicon import lexicon, one_of
from briefing.models import Sentence, Span

_HEDGE_ADVERB = re.compile(
    rf"(?<![\w-])({one_of(lexicon().hedges.adverbs)})(?![\w-]),?\s*",
    re.IGNORECASE,
)


def hedge_adverbs(ctx: Context, sent: Sentence, idx: int, found: list[Draft]) -> list[Draft]:
    """'reportedly', 'allegedly', 'As alleged,': the claim is someone's, though no one is named."""
    text = ctx.text
    out = []
    for m in _HEDGE_ADVERB.finditer(text, sent.start, sent.end):
        start = m.end()
        inq = next(
            (
                q
                for q in quotes_between(ctx, m.start(), m.start() + 1)
                if q.inner_start <= m.start() < q.inner_end
            ),
            None,
        )
        end = inq.inner_end if inq else strip_final_punct(text, sent.start, sent.end)
        stop = re.compile(r",\s+(?:and|but|while|whereas)\s+|;\s").search(text, start, end)
        if stop:
            end = stop.start()
        cs, ce = trim(text, start, end, " \t\n\u00a0,.")
        if len(words_of(text[cs:ce])) >= 2:
            cue = Span(text=m.group(1), start=m.start(1), end=m.end(1))
            # inside someone's quotation the hedge is theirs: via that speaker
            holder = next(
                (
                    d
                    for d in reversed(found)
                    if d.source is not None and d.content[0] <= m.start() < d.content[1]
                ),
                None,
            )
            out.append(Draft(None, cue, (cs, ce), via_of(holder) if holder else []))
    return out
