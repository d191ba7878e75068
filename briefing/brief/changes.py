"""The daily run on the page: each development new, updated or unchanged since the last brief.

``briefing build --since-last`` knows of each article whether it is new, updated (its text
changed) or unchanged since the last brief built from the same configuration
(:mod:`briefing.ingest.state`). A development takes its state from its articles: new when every
one of them is new, unchanged when every one is unchanged, updated otherwise (a new article in
a known story, or a changed claim). A story whose articles are all new is updated, not new,
when it is one the last brief told (its articles then read before, and out of today's window):
the last brief's developments are kept by their actors and key terms and matched as the grouping
matches two articles of one story. A reader has read the unchanged ones already, so their
lines leave the page and they fold into one line of headlines, each with its reference; the
others say beside their headline whether they are new or updated. Without ``--since-last``
nothing here runs and the brief is as it always was.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from briefing.brief.group import SAME_STORY, Signature, likeness, signature
from briefing.models import Analysis, Brief, BriefItem, Change, Development

# What a story's line says of it beside its headline; an unchanged story is folded instead.
CHANGE_LABELS: dict[str, str] = {"new": "New", "updated": "Updated"}
# An article the state does not know of (none should be left) is counted as new: showing a
# story again costs a line, hiding a new one costs the reader the news.
_UNKNOWN: Change = "new"


def story_change(states: Iterable[Change]) -> Change:
    """A development's state from its articles' states: new if all are new, unchanged if all
    are unchanged, else updated."""
    seen = set(states)
    if not seen or seen == {"new"}:
        return "new"
    if seen == {"unchanged"}:
        return "unchanged"
    return "updated"


def change_label(d: Development) -> str | None:
    """The mark beside a story's headline ("New", "Updated"), or None (not asked, or folded)."""
    return CHANGE_LABELS.get(d.change) if d.change else None


def _folded(d: Development, lines: list[BriefItem]) -> BriefItem:
    """An unchanged story as one entry of the folded line: its headline, else its strongest
    line that passed the gate, else the articles it rests on; with its reference."""
    if d.headline:
        return BriefItem(text=d.headline, refs=d.refs[:1], story=d.id, rank=d.rank)
    mine = sorted((x for x in lines if x.story == d.id and x.refs), key=lambda x: -x.rank)
    if mine:
        return BriefItem(text=mine[0].text, refs=mine[0].refs[:1], story=d.id, rank=d.rank)
    n = d.article_count or len(d.article_ids)
    text = f"{n} article{'s' if n != 1 else ''}: {', '.join(d.article_ids)}"
    return BriefItem(text=text, story=d.id, rank=d.rank)


def _bottom_line(
    bottom: list[BriefItem], developments: list[BriefItem], gone: set[str]
) -> tuple[list[BriefItem], list[BriefItem]]:
    """The bottom line without the unchanged stories' lines, filled up again to its length
    from the strongest lines of the stories still on the page, one a story."""
    kept = [x for x in bottom if x.story not in gone]
    rest = [x for x in developments if x.story not in gone]
    told = {x.story for x in kept}
    for x in sorted(rest, key=lambda x: -x.rank):
        if len(kept) >= len(bottom):
            break
        if x.story is not None and x.story in told:
            continue
        kept.append(x)
        told.add(x.story)
    moved = {id(x) for x in kept}
    return kept, [x for x in rest if id(x) not in moved]


def signatures(brief: Brief, analyses: Iterable[Analysis]) -> dict[str, Signature]:
    """Each development's signature (``group.signature``), by story id: its first article's,
    the one the grouping matched the others against."""
    by_id = {an.article.id: an for an in analyses}
    return {
        d.id: signature(by_id[d.article_ids[0]])
        for d in brief.stories
        if d.article_ids and d.article_ids[0] in by_id
    }


def known_stories(stories: Mapping[str, Signature], earlier: Iterable[Signature]) -> set[str]:
    """The developments (by story id, with their ``signatures``) that are one of the last
    brief's, told again by new articles: alike as the grouping finds two articles of one story
    alike."""
    before = list(earlier)
    return {
        sid
        for sid, sig in stories.items()
        if any((sim := likeness(sig, old)) is not None and sim >= SAME_STORY for old in before)
    }


def mark(brief: Brief, changes: Mapping[str, Change], known: Iterable[str] = ()) -> Brief:
    """The brief with each development marked new, updated or unchanged (``changes``: each
    article's state, by article id; ``known``: the stories the last brief had, which new
    articles alone make updated, not new); the unchanged ones' lines taken off the page and
    the stories listed in ``Brief.unchanged``, the one line they fold into."""
    stories = []
    seen = set(known)
    for d in brief.stories:
        state = story_change(changes.get(a, _UNKNOWN) for a in d.article_ids)
        if state == "new" and d.id in seen:
            state = "updated"  # a new article in a story the last brief told
        stories.append(d.model_copy(update={"change": state}))
    gone = {d.id for d in stories if d.change == "unchanged"}
    lines = [*brief.bottom_line, *brief.developments]
    folded = [_folded(d, lines) for d in stories if d.id in gone]
    bottom, developments = _bottom_line(brief.bottom_line, brief.developments, gone)
    update: dict[str, Any] = {
        "stories": stories,
        "unchanged": folded,
        "bottom_line": bottom,
        "developments": developments,
        "who_said_what": [x for x in brief.who_said_what if x.story not in gone],
        "caveats": [x for x in brief.caveats if x.story not in gone],
    }
    return brief.model_copy(update=update)


def counts(brief: Brief) -> dict[str, int]:
    """How many developments are new, updated and unchanged, for the run's summary line."""
    out = {c: 0 for c in ("new", "updated", "unchanged")}
    for d in brief.stories:
        if d.change:
            out[d.change] += 1
    return out
