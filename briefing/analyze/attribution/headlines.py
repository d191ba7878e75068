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
from briefing.analyze.lexicon import lexicon
from briefing.analyze.sources import person_names
from briefing.analyze.words import capitals
from briefing.models import Sentence, Span


def caps_headline(ctx: Context, sent: Sentence, idx: int) -> list[Draft]:
    """Kicker headlines in capitals: 'BIDEN ANNOUNCES ...', '...: REPORTS',
    "...: 'THEY CAN KEEP HIM!'"."""
    text = ctx.text
    letters, caps = capitals(sent.text)
    if letters < 8 or caps / letters < 0.8:
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


# "Marco Rubio: 'You Don't Win ...'", "Graham: Trump's Rhetoric Destroying ...", "PENCE: Well,
# ...": a line that opens on a name and a colon, then what the name said
_NAME_COLON = re.compile(r"(?P<name>[A-Z][\w.’'-]*(?:[ \u00a0]+[A-Z][\w.’'-]*){0,3}):\s+(?=\S)")
# a name shorter than this ("Q:", "A:") is an interviewer's or a label, not a speaker
_MIN_NAME_CHARS = 3
_OPENING, _CLOSING = "“‘\"'", "”’\"'"


def name_colon(ctx: Context, sent: Sentence, idx: int) -> list[Draft]:
    """A line that opens on a person's name and a colon ("Marco Rubio: ...", "PENCE: Well,
    ..."): what follows the colon is the person's. The name must be one person's name, all of
    the words before the colon, and must be named again elsewhere in the article."""
    text = ctx.text
    if sent.start > 0 and text[sent.start - 1] != "\n":
        return []
    # a transcript's paragraph may open on a quotation mark: '"PENCE: Well, ...'
    start = sent.start + (1 if text[sent.start : sent.start + 1] in '"“' else 0)
    m = _NAME_COLON.match(text, start, sent.end)
    if m is None or m.group("name").upper() in lexicon().boilerplate.kickers:
        return []  # "The Latest: ...", "FIRST ON FOX: ...": the outlet's label, not a speaker
    ns, ne = m.span("name")
    name = m.group("name").title() if m.group("name").isupper() else m.group("name")
    names = person_names(name)
    if not names and name in ctx.book.by_surname and name not in ctx.book.shared:
        names = [(name, 0, len(name))]  # "PENCE:" where the article names Mike Pence
    if len(names) != 1 or names[0][2] != ne - ns:
        return []
    last = names[0][0].split()[-1]
    if len(last) < _MIN_NAME_CHARS:
        return []
    again = re.compile(rf"\b{re.escape(last)}\b", re.I)
    if not any(
        not (sent.start <= w.start() < sent.end) for w in again.finditer(text, 0, len(text))
    ):
        return []
    end = sent.end
    if start > sent.start and m.group("name").isupper():
        # a speaker's turn in a transcript runs to the end of its paragraph
        para = text.find("\n", sent.start)
        end = len(text) if para < 0 else para
    cs, ce = trim(text, m.end(), strip_final_punct(text, m.end(), end))
    if start > sent.start:
        cs, ce = trim(text, cs, strip_final_punct(text, cs, ce), ' \t\n\u00a0"”')
        ce = strip_final_punct(text, cs, ce)
    if ce - cs > 2 and text[cs] in _OPENING and text[ce - 1] in _CLOSING:
        cs, ce = trim(text, cs + 1, ce - 1, " \t\n\u00a0,.")  # "Reid: 'Never underestimate him.'"
    if len(words_of(text[cs:ce])) < 2:
        return []
    cue = Span(text=":", start=ne, end=ne + 1)
    return [Draft(source_at(ctx, ns, ne, idx), cue, (cs, ce))]
