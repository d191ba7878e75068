"""Which of the model's headlines and bottom-line sentences may be shown.

A model's line reaches the brief only as every line does: judged by ``briefing check``'s
judgement against its article (:class:`briefing.brief.gate.Gate`, the article of a line it
cites). A headline is also held to the lines it was shown, since the check reads the whole
article and would let a headline rest on what the brief does not show: it must cite lines of
its own development, name no speaker those lines do not, and neither hedge less nor drop the
attribution of a line it restates. What fails is not shown, and is said in one line naming the
model's text, the development it was for (its id and the engine's headline, which the reader
sees in its place) and why; the engine's headline, or the engine's bottom line, stays.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from briefing.llm.headlines import (
    BOTTOM_LINE_MAX,
    BOTTOM_LINE_MIN,
    HEADLINE_LENGTH,
    SENTENCE_LENGTH,
    HeadlinesAnswer,
    Line,
    Question,
    prompt_text,
)
from briefing.models import Brief, BriefItem, CaveatItem, Ref, SaidItem

RESTATES = 3  # content words in common with a line, from which a text restates it
SHOWN = 60  # characters of a development's headline quoted in a refusal


@dataclass
class Judged:
    """What of an answer passed: headlines by development, and the bottom line if enough of it
    passed; why each item that failed did."""

    headlines: dict[str, tuple[str, Ref]]
    bottom_line: list[BriefItem]
    rejected: list[str]  # one line each: what was withheld, for which development, and why
    checked: int = 0


def _quoted(text: str, length: int = HEADLINE_LENGTH) -> str:
    """A text in a refusal: on one line, cut to ``length`` characters (a model's text to a
    headline's, so that a refusal stays one line)."""
    text = " ".join(text.split())
    return f"“{text if len(text) <= length else text[: length - 1].rstrip() + '…'}”"


def development_named(brief: Brief, did: str | None) -> str:
    """A development as a refusal names it: its id and what the reader sees as its headline
    (the engine's), or its first article where it has none."""
    d = next((x for x in brief.stories if x.id == did), None)
    if d is None:
        return repr(did) if did else "no development"
    shown = d.headline or (d.article_ids[0] if d.article_ids else "")
    return f"{did} ({_quoted(shown, SHOWN)})" if shown else str(did)


def _restates(text: str, line: Line) -> bool:
    from briefing.analyze.words import content_words
    from briefing.brief.gate import text_of

    words = content_words(text)
    return len(words & content_words(text_of(line))) >= min(RESTATES, len(words))


def _hedged(line: Line) -> bool:
    from briefing.analyze.claims import has_hedge
    from briefing.brief.gate import text_of

    if isinstance(line, CaveatItem):
        return line.kind in {"hedge", "unverified"} or has_hedge(line.text)
    return has_hedge(text_of(line)) or (line.caveat or "").startswith("Hedged")


def _stems(text: str) -> set[str]:
    from briefing.analyze.words import stem

    return {stem(w) for w in re.findall(r"[A-Za-z][\w’'-]*", text)}


def _named(name: str, lines: str) -> bool:
    """Whether the ``lines`` name ``name``: every word of its proper name, or, for a
    description ("prosecutors", "reports"), one of its words. A pronoun names no one."""
    from briefing.analyze.sources import is_pronoun

    words = re.findall(r"[A-Za-z][\w’'-]*", name)
    if not words or is_pronoun(name):
        return False
    proper = _stems(" ".join(w for w in words if w[:1].isupper()))
    said = _stems(lines)
    return proper <= said if proper else bool(_stems(name) & said)


def _problem(text: str, cited: list[Line], gate: Any) -> tuple[Ref | None, str | None]:
    """The reference a model text may be shown with, or why it may not: the check against
    the article of each line it cites until one passes, and against those lines themselves
    (speakers they name, their hedges and attributions kept)."""
    from briefing.analyze.claims import has_hedge

    cited = [x for x in cited if x.refs]
    if not text.strip() or not cited:
        return None, "cites no line"
    checker = gate.checker(cited[0].refs[0].article_id)
    if checker is None:
        return None, "cites a line of no article"
    lines = " ".join(prompt_text(x) for x in cited)  # with their caveats: "comes from KCNA"
    claims = checker.ground.claims(text)[1]
    speakers = [c.attribution.source.text for c in claims if c.attribution and c.attribution.source]
    for name in speakers:
        if not _named(name, lines):
            return None, f"names {name!r}, whom its lines do not"
    restated = [x for x in cited if _restates(text, x)]
    if any(_hedged(x) for x in restated) and not has_hedge(text):
        return None, "states as certain what its lines hedge"
    if not speakers and any(
        isinstance(x, SaidItem) or x.refs and _attributed(x, gate) for x in restated
    ):
        return None, "drops the attribution of its lines"
    failed = "fails the check"
    for x in cited:
        gate.checked += 1
        verdict = gate.judge(BriefItem(text=text, refs=x.refs[:1]))
        if verdict is None or verdict.passed:
            return x.refs[0], None
        errors = [f.type for f in verdict.findings if f.severity == "error"]
        failed = f"fails the check ({', '.join(errors)})"
    return None, failed


def _attributed(line: Line, gate: Any) -> bool:
    """Whether the line gives its words to a source ("…, according to KCNA")."""
    from briefing.brief.gate import text_of

    checker = gate.checker(line.refs[0].article_id)
    claims = checker.ground.claims(text_of(line))[1] if checker is not None else []
    return any(c.attribution is not None and c.attribution.source is not None for c in claims)


def _end(text: str) -> str:
    text = " ".join(text.split()).rstrip()
    return text if text.endswith((".", "!", "?", "…", "”", '"')) else text + "."


def judge(answer: HeadlinesAnswer, q: Question, brief: Brief) -> Judged:
    """Each headline and bottom-line sentence of the answer, judged as every line is."""
    from briefing.brief.gate import Gate

    gate = Gate({an.article.id: an for an in brief.analyses})
    out = Judged({}, [], [])
    for h in answer.headlines:
        own = q.lines_of(h.development)
        what = f"headline {_quoted(h.text)} for {development_named(brief, h.development)}"
        if not own or h.development in out.headlines:
            out.rejected.append(f"{what}: not a development asked, or asked once already")
            continue
        if len(h.text) > HEADLINE_LENGTH:
            out.rejected.append(f"{what}: longer than a headline ({HEADLINE_LENGTH} characters)")
            continue
        if not h.ids or not set(h.ids) <= own:
            out.rejected.append(f"{what}: cites lines not its own")
            continue
        ref, why = _problem(h.text, [q.items[i] for i in h.ids], gate)
        if ref is None:
            out.rejected.append(f"{what}: {why}")
        else:
            out.headlines[h.development] = (" ".join(h.text.split()).rstrip("."), ref)
    bottom = []
    for s in answer.bottom_line[:BOTTOM_LINE_MAX]:
        cited = [q.items[i] for i in s.ids if i in q.items]
        story = cited[0].story if cited else None
        what = f"bottom-line sentence {_quoted(s.text)} on {development_named(brief, story)}"
        if not s.ids or len(cited) != len(s.ids) or len(s.text) > SENTENCE_LENGTH:
            out.rejected.append(f"{what}: too long, or cites lines not shown")
            continue
        ref, why = _problem(s.text, cited, gate)
        if ref is None:
            out.rejected.append(f"{what}: {why}")
            continue
        passed = next(x for x in cited if x.refs and x.refs[0] == ref)
        refs = [ref] + [r for x in cited for r in x.refs[:1] if r != ref]
        caveats = list(dict.fromkeys(x.caveat for x in cited if getattr(x, "caveat", None)))
        notes = list(dict.fromkeys(x.note for x in cited if x in brief.bottom_line and x.note))
        bottom.append(
            BriefItem(
                text=_end(s.text),
                refs=list({(r.article_id, tuple(r.sentence_ids)): r for r in refs}.values()),
                rank=max(x.rank for x in cited),
                story=passed.story,
                note="; ".join(notes) or None,
                caveat="; ".join(c for c in caveats if c) or None,
            )
        )
    if len(bottom) >= BOTTOM_LINE_MIN:
        out.bottom_line = bottom
    elif answer.bottom_line:
        out.rejected.append(
            f"bottom line: {len(bottom)} of its sentences passed, fewer than {BOTTOM_LINE_MIN}"
        )
    out.checked = gate.checked
    return out
