"""Pattern 4: SOURCE [aux] CUE CONTENT, the cue ahead of its content ("X said", "X told Y that",
"X expressed his willingness", "X is believed to"), with the second clause or participle that
may follow it ("..., insisting that ...").
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
from briefing.analyze.attribution.cues import addressee_via, content_after, cue_ok
from briefing.analyze.attribution.spans import np_before, statement_subject, valid_np
from briefing.analyze.lexicon import lexicon, one_of
from briefing.models import Span, Via

_PREPOSITIONAL = lexicon().parse_cues.prepositional
# "argues for government to take a role": a clause with its own subject, not the object of "for"
_FOR_TO = re.compile(r"for\s+(?:[\w’'-]+\s+){1,4}to\s+[a-z]")
_PARTICIPLE = re.compile(rf",\s+({one_of(lexicon().cue_rules.participles)})\b")


def _cut_at_next_clause(ctx: Context, content: tuple[int, int], depth: int) -> tuple[int, int]:
    """'while Bancel pointed to X, the earnings report showed Y': X ends before the new clause."""
    cs, ce = content
    for c in re.finditer(r",\s+", ctx.text[cs:ce]):
        b = cs + c.end()
        if in_quote(ctx, b):
            continue
        m = ctx.cue_re.search(ctx.text, b, ce)
        if m is None or in_quote(ctx, m.start()):
            continue
        if valid_np(ctx.text[cs : cs + c.start()]):
            # "a spokesperson from the agency, Romona Bolla, said": an appositive, not a clause
            continue
        np = np_before(ctx, b, m.start())
        if (
            np is not None
            and np[0] == b
            and cue_ok(
                ctx, m.group(1), ctx.text[np[0] : np[1]], ctx.text[m.end() : ce], nested=depth > 0
            )
            and len(words_of(ctx.text[b : m.start()])) <= 5
        ):
            return trim(ctx.text, cs, cs + c.start())
    return content


def find_cue_clause(
    ctx: Context, lo: int, hi: int, sent_idx: int, allow_quoted: bool, depth: int, via: list[Via]
) -> list[Draft]:
    """Pattern 4: SOURCE [aux] CUE CONTENT, first valid cue in [lo, hi)."""
    text = ctx.text
    out: list[Draft] = []
    for m in ctx.cue_re.finditer(text, lo, hi):
        if not allow_quoted and in_quote(ctx, m.start()):
            continue
        if re.search(r"\bto\s+$", text[max(lo, m.start() - 4) : m.start()]) and not re.search(
            r"\b(?:appears?|seems?|continues?|tends?)\s+to\s+$",
            text[max(lo, m.start() - 16) : m.start()],
        ):
            continue
        form = m.group(1)
        lemma = ctx.reg.cue_lemma.get(form, form)
        np = np_before(ctx, lo, m.start())
        after = text[m.end() : hi]
        passive = (
            None
            if form.endswith("ing")
            else re.search(
                r"(?:is|are|was|were|being|been)\s+(?:widely\s+|also\s+|now\s+)?$",
                text[lo : m.start()],
            )
        )
        if (
            passive
            and ctx.reg.cue_forms.get(form) == "belief"
            and (
                after.lstrip().startswith("to ")
                or lemma == "suspect"
                and after.lstrip().startswith("of ")
            )
        ):
            # "X is believed to have ...": a belief with no named holder
            cue = Span(
                text=text[passive.start() + lo : m.end()], start=passive.start() + lo, end=m.end()
            )
            end = strip_final_punct(text, m.end(), hi)
            comma = next(
                (
                    c.start()
                    for c in re.finditer(r",\s", text[m.end() : end])
                    if not in_quote(ctx, m.end() + c.start())
                ),
                None,
            )
            dash = re.search(r"\s[-–—]\s", text[m.end() : end])
            cut = min(
                x for x in (comma, dash.start() if dash else None, end - m.end()) if x is not None
            )
            content = trim(text, m.end(), m.end() + cut)
            if lemma == "suspect":
                content = trim(
                    text,
                    content[0] + len(re.match(r"\s*of\s+", text[content[0] :]).group(0))
                    if re.match(r"\s*of\s+", text[content[0] :])
                    else content[0],
                    content[1],
                )
            out.append(Draft(None, cue, content, list(via), depth))
            break
        if np is None and form.endswith("ing"):
            np = statement_subject(ctx, lo, m.start())
        if np is None or not cue_ok(
            ctx,
            form,
            text[np[0] : np[1]],
            after,
            nested=depth > 0,
            before=text[max(lo, m.start() - 12) : m.start()],
        ):
            continue
        if passive:
            continue
        if re.search(r"\b(?:which|whom)\s+$", text[max(lo, np[0] - 8) : np[0]]) and re.match(
            r"\s*[,;:—–]", after
        ):
            continue  # "the extract, which the show praised, was ...": what it praised is before
        content = content_after(ctx, lemma, m.end(), hi)
        if content is None:
            continue
        content = _cut_at_next_clause(ctx, content, depth)
        src = source_at(ctx, np[0], np[1], sent_idx)
        cue = Span(text=text[m.start() : m.end()], start=m.start(), end=m.end())
        prep = re.match(r"(\w+)\s+", text[content[0] : content[1]])
        if (
            prep
            and lemma in _PREPOSITIONAL.get(prep.group(1), ())
            and not text[m.end() : content[0]].strip()
            and not _FOR_TO.match(text, content[0], content[1])
        ):
            # "called for more funding": the preposition the verb takes is the cue's
            cue = Span(
                text=text[m.start() : content[0] + len(prep.group(1))],
                start=m.start(),
                end=content[0] + len(prep.group(1)),
            )
            content = (content[0] + prep.end(), content[1])
        via = addressee_via(ctx, form, m.end(), content[0]) + list(via)
        # "expressed deep thanks ... and expressed his willingness ...": one source, two cues
        cs, ce = content
        coord = None
        for c2 in ctx.cue_re.finditer(text, cs, strip_final_punct(text, cs, hi)):
            pre = text[max(cs, c2.start() - 6) : c2.start()]
            if re.search(r"\band\s+$", pre) and cue_ok(ctx, c2.group(1), "x", text[c2.end() : hi]):
                coord = c2
                ce = max(ce, strip_final_punct(text, cs, hi))
                break
        if coord is not None:
            cut = re.search(r"\s*,?\s*and\s+$", text[cs : coord.start()])
            first_end = cs + (cut.start() if cut else coord.start() - cs)
            out.append(Draft(src, cue, trim(text, cs, first_end), list(via), depth))
            c2_content = content_after(
                ctx, ctx.reg.cue_lemma.get(coord.group(1), ""), coord.end(), ce
            )
            if c2_content:
                cue2 = Span(text=coord.group(1), start=coord.start(), end=coord.end())
                out.append(Draft(src, cue2, c2_content, list(via), depth))
        else:
            out.append(Draft(src, cue, content, list(via), depth))
        # "Pyongyang praised X to which Moscow showed its thanks ...": a second clause after the
        # content
        rest = max(d.content[1] for d in out)
        if depth == 0 and rest < hi - 10:
            out.extend(find_cue_clause(ctx, rest, hi, sent_idx, allow_quoted, depth, via))
        break
    return out


def split_participle(ctx: Context, d: Draft) -> list[Draft]:
    """'told reporters that X, insisting Y': two relations with one source."""
    if d.source is None or d.cue is None:
        return [d]
    cs, ce = d.content
    m = _PARTICIPLE.search(ctx.text, cs, ce)
    if not m or in_quote(ctx, m.start()) or ctx.reg.cue_lemma.get(m.group(1)) is None:
        return [d]
    second = content_after(ctx, ctx.reg.cue_lemma[m.group(1)], m.end(1), ce)
    first = trim(ctx.text, cs, m.start())
    if second is None or first[1] - first[0] < 3:
        return [d]
    cue2 = Span(text=m.group(1), start=m.start(1), end=m.end(1))
    return [
        Draft(d.source, d.cue, first, list(d.via), d.depth),
        Draft(d.source, cue2, second, list(d.via), d.depth),
    ]
