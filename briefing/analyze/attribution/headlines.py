"""Kicker headlines in capitals ("BIDEN ANNOUNCES ...", "...: REPORTS"): read lowercased, with
a claim nested in the claim and a quoted or named source after the colon.
"""

from __future__ import annotations

import re

from briefing.analyze.attribution.context import (
    Context,
    Draft,
    in_quote,
    quotes_between,
    source_at,
    strip_final_punct,
    trim,
    via_of,
    words_of,
)
from briefing.models import Sentence, Span


def caps_headline(ctx: Context, sent: Sentence, idx: int) -> list[Draft]:
    """Kicker headlines in capitals: 'BIDEN ANNOUNCES ...', '...: REPORTS',
    "...: 'THEY CAN KEEP HIM!'"."""
    text = ctx.text
    letters = [c for c in sent.text if c.isalpha()]
    if len(letters) < 8 or sum(c.isupper() for c in letters) / len(letters) < 0.8:
        return []
    lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text[sent.start : sent.end])
    out: list[Draft] = []
    colon = sent.text.rfind(":")
    head_end = sent.start + colon if colon > 0 else sent.end
    for m in ctx.cue_re.finditer(lowered):
        cs0 = sent.start + m.start()
        if cs0 >= head_end:
            break
        np = (sent.start, cs0 - 1)
        if not 1 <= len(words_of(text[np[0] : np[1]])) <= 5 or in_quote(ctx, cs0):
            continue
        content = trim(text, sent.start + m.end(), head_end)
        if content[1] - content[0] < 3:
            continue
        src = source_at(ctx, np[0], np[1], idx)
        outer = Draft(
            src,
            Span(text=text[cs0 : sent.start + m.end()], start=cs0, end=sent.start + m.end()),
            content,
        )
        out.append(outer)
        # "TATE CLAIMS BIG TECH BANNED HIM AFTER 'LARGE SWATHS' OF PEOPLE AGREED WITH ...": a
        # nested claim
        for m2 in ctx.cue_re.finditer(lowered, content[0] - sent.start, head_end - sent.start):
            c2 = sent.start + m2.start()
            lead = list(
                re.finditer(
                    r"\b(?:after|that|as|when|because|since|while)\s+", lowered[: m2.start()]
                )
            )
            if not lead or lead[-1].end() + sent.start <= content[0]:
                continue
            n2 = (sent.start + lead[-1].end(), c2 - 1)
            if not 1 <= len(words_of(text[n2[0] : n2[1]])) <= 5:
                continue
            rest = re.match(r"\s*(?:with|that)?\s*", lowered[m2.end() :])
            inner = trim(text, sent.start + m2.end() + (rest.end() if rest else 0), head_end)
            if inner[1] - inner[0] >= 3:
                out.append(
                    Draft(
                        source_at(ctx, n2[0], n2[1], idx),
                        Span(
                            text=text[c2 : sent.start + m2.end()],
                            start=c2,
                            end=sent.start + m2.end(),
                        ),
                        inner,
                        via_of(outer),
                        1,
                    )
                )
            break
        break
    if colon > 0:
        after = trim(text, head_end + 1, strip_final_punct(text, head_end + 1, sent.end))
        colon_cue = Span(text=":", start=head_end, end=head_end + 1)
        quoted = next(
            (q for q in quotes_between(ctx, after[0], after[0] + 1) if q.start == after[0]), None
        )
        if quoted is not None or text[after[0] : after[0] + 1] in "'‘":
            inner = (
                after[0] + 1,
                after[1] - (1 if text[after[1] - 1 : after[1]] in "'’\"”" else 0),
            )
            if out and out[0].source is not None:
                out.append(Draft(out[0].source, colon_cue, trim(text, *inner, chars=" !?.,")))
        elif 1 <= len(words_of(text[after[0] : after[1]])) <= 5:
            out.append(
                Draft(
                    source_at(ctx, after[0], after[1], idx),
                    colon_cue,
                    trim(text, sent.start, head_end),
                )
            )
    return out
