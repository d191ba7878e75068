"""The page's developments as the templates show them: each story, its headline, its lines.

Every format (HTML, PDF, Markdown, text, email) lays a story out the same way: the headline with
what it rests on (how many articles, their outlets and days), then its lines, the events first,
then who said what (speaker, words, through whom), then what is uncertain; a caveat about a line
sits beside it. Each line is given to the templates in one shape (``lead``, the words in bold;
``text``; ``aside``, the brief's own notes; ``refs``), so the templates only lay it out. Items
that belong to no story (a brief built by hand) stay in the sections of their own kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from briefing.brief.changes import change_label
from briefing.brief.dates import dated
from briefing.models import Brief, BriefItem, CaveatItem, Development, Ref, SaidItem

# Caveats are shown grouped, in this order: sourcing first, then uncertainty, then language;
# a caveat beside its line opens with the same label.
CAVEAT_LABELS: dict[str, str] = {
    "state_media": "State media",
    "single_source": "Single source",
    "unverified": "Unverified",
    "disputed": "Disputed",
    "hedge": "Hedged",
    "characterization": "Characterization",
}
# The mark of a row whose attribution the model found and the engine did not.
FOUND_BY_MODEL = "found by the model"
# Speakers whose kind the line says beside their name.
_TAGGED_TYPES = {"state_media": "state media", "anonymous": "anonymous"}


@dataclass
class Line:
    """One line under a story, in the shape every template lays out."""

    kind: str  # "event", "said" or "caveat" (and the caveat's kind in ``caveat_kind``)
    text: str
    refs: list[Ref]
    lead: str = ""  # the words in bold before the text: a speaker, a caveat's label
    tag: str = ""  # the speaker's kind, where a reader must see it ("state media")
    aside: list[str] = field(default_factory=list)  # the brief's own notes, in order
    caveat_kind: str = ""
    # between the lead and the text: a colon before the words, a space before a reporting verb
    # the text opens on ("Donald Trump claimed Clinton ...", not "Donald Trump: claimed ...")
    joiner: str = ": "


@dataclass
class Story:
    """A story as the page shows it."""

    id: str
    headline: str | None
    refs: list[Ref]
    meta: str
    lines: list[Line]


def story_meta(d: Development) -> str:
    """What a story rests on: ``2 articles · Fox News, NPR · 2023-02-21 to 2023-02-22``."""
    parts = [f"{d.article_count} article{'s' if d.article_count != 1 else ''}"]
    if label := change_label(d):  # since the last brief (--since-last)
        parts.insert(0, label)
    if d.outlets:
        more = f" and {len(d.outlets) - 3} more" if len(d.outlets) > 3 else ""
        parts.append(", ".join(d.outlets[:3]) + more)
    if d.dates:
        parts.append(d.dates[0] + (f" to {d.dates[-1]}" if d.dates[-1] != d.dates[0] else ""))
    return " · ".join(parts)


def _event(x: BriefItem, published: dict[str, str | None]) -> Line:
    aside = [a for a in (x.note, x.caveat) if a]
    return Line("event", _with_dates(x.text, x.refs, published), x.refs, aside=aside)


def _said(x: SaidItem, published: dict[str, str | None]) -> Line:
    aside = []
    if x.reported_by:
        aside.append("as reported by " + " via ".join(x.reported_by))
    aside.extend(a for a in (x.note, x.caveat) if a)
    if x.found_by == "model":
        aside.append(FOUND_BY_MODEL)
    return Line(
        "said",
        _with_dates(x.claim, x.refs, published),
        x.refs,
        lead=x.speaker,
        tag=_TAGGED_TYPES.get(x.speaker_type, ""),
        aside=aside,
        joiner=" " if x.cue and x.claim.startswith(x.cue) else ": ",
    )


def _caveat(x: CaveatItem, published: dict[str, str | None]) -> Line:
    return Line(
        "caveat",
        _with_dates(x.text, x.refs, published),
        x.refs,
        lead=CAVEAT_LABELS.get(x.kind, x.kind),
        aside=[x.note] if x.note else [],
        caveat_kind=x.kind,
    )


def _with_dates(text: str, refs: list[Ref], published: dict[str, str | None]) -> str:
    """The line with its relative dates read against its article's date."""
    return dated(text, published.get(refs[0].article_id) if refs else None)


def _published(brief: Brief) -> dict[str, str | None]:
    out: dict[str, str | None] = {s.article_id: s.published for s in brief.sources}
    for an in getattr(brief, "analyses", None) or []:
        out.setdefault(an.article.id, an.article.published)
    return out


def stories(brief: Brief) -> list[Story]:
    """The brief's stories in rank order, each with its lines that are on the page; a story
    with no line left and no headline is not shown."""
    published = _published(brief)
    out = []
    for d in brief.stories:
        if d.change == "unchanged":
            continue  # folded into one line (``brief.changes``)
        lines = [_event(x, published) for x in brief.developments if x.story == d.id]
        lines += [_said(x, published) for x in brief.who_said_what if x.story == d.id]
        lines += [_caveat(x, published) for x in brief.caveats if x.story == d.id]
        if not lines and not d.headline:
            continue
        headline = dated(d.headline, published.get(d.refs[0].article_id)) if d.headline else None
        out.append(Story(d.id, headline, d.refs, story_meta(d), lines))
    return out


def loose(brief: Brief) -> dict[str, list[Any]]:
    """The items no shown story holds, by section, as the sections of their own kind list
    them."""
    known = {d.id for d in brief.stories}
    return {
        name: [x for x in getattr(brief, name) if x.story not in known]
        for name in ("developments", "who_said_what", "caveats")
    }


def _sourcing(caveat: str | None) -> str | None:
    """Of a bottom line's caveats, those about its sourcing (state media, one source): its
    hedge is in its own words already, and the bottom line is read in one breath."""
    if not caveat:
        return None
    kept = [c for c in caveat.split("; ") if not c.startswith(("Hedged:", "Characterization:"))]
    return "; ".join(kept) or None


def bottom_line(brief: Brief) -> list[BriefItem]:
    """The bottom line with its relative dates read against each line's article."""
    published = _published(brief)
    return [
        x.model_copy(
            update={
                "text": _with_dates(x.text, x.refs, published),
                "note": "; ".join(n for n in (x.note, _sourcing(x.caveat)) if n) or None,
            }
        )
        for x in brief.bottom_line
    ]
