"""The brief's developments: each story with its headline, its lines, and what it rests on.

A story is one group of articles (:func:`briefing.brief.group.group_articles`; one article alone
is its own story). Every line of the brief belongs to the story of the article its reference
names, so a line's reference always points into the story it is shown under. A story says how
many articles carry it and the outlets and days it rests on; its headline is built from the
engine's parse of its strongest lead line (:mod:`briefing.brief.headline`) and is judged by the
gate like every line. A caveat about a sentence the story shows as a line sits beside that
line, not in a list of its own.
"""

from __future__ import annotations

import re
from typing import Any

from briefing.brief import headline
from briefing.brief.sections import CAVEAT_LABELS
from briefing.models import Analysis, BriefItem, CaveatItem, Development, SaidItem

# More stories than one page can show (each takes a headline and a line at least).
STORIES_PER_PAGE = 25
# How many of a story's lines are tried, strongest first, for one that makes a headline.
HEADLINE_TRIES = 4
_ACCORDING = re.compile(r",\s+according to\s+(?P<who>[^.]+?)\.?$")
_HEDGE_NOTE = re.compile(r"\s*\(the article hedges it: [^)]*\)")


# The lead is looked for among this many of an article's first sentences ...
LEAD_WINDOW = 12
# ... as the one that says most of what the headline says, where it says at least this share.
LEAD_TITLE_SHARE = 0.5


def lead_sentence(an: Analysis, first: str | None) -> str | None:
    """The sentence that tells the story: among the article's events near its top, the one
    that says most of what its headline says (a story that opens on background, "TikTok's been
    facing similar treatments", reaches its news later: "staff is banned from using TikTok");
    else ``first``, the first reporting sentence. The headline only chooses: it is never shown,
    so a partisan headline cannot become a line."""
    from briefing.analyze.words import content_words

    title = content_words(an.article.title or "")
    if len(title) < 3:
        return first
    lead = an.sentence(first) if first else None
    if lead is not None and len(title & content_words(lead.text)) / len(title) >= LEAD_TITLE_SHARE:
        return first  # the first reporting sentence tells the story: news puts it first
    top = {s.id for s in an.sentences[:LEAD_WINDOW]}
    best, share = first, LEAD_TITLE_SHARE
    for e in an.events:
        sid = e.sentence_ids[0] if e.sentence_ids else None
        sent = an.sentence(sid) if sid in top else None
        if sent is None or sent.text.strip() == (an.article.title or "").strip():
            continue
        got = len(title & content_words(sent.text)) / len(title)
        if got > share:
            best, share = sid, got
    return best


def story_ids(groups: list[list[int]], analyses: list[Analysis]) -> dict[str, str]:
    """Each article's story id (``d1``, ``d2`` ...), by article id, in the groups' order."""
    return {analyses[i].article.id: f"d{k + 1}" for k, group in enumerate(groups) for i in group}


def _tagged(items: list[Any], ids: dict[str, str]) -> list[Any]:
    return [
        x.model_copy(update={"story": ids.get(x.refs[0].article_id)}) if x.refs else x
        for x in items
    ]


def _key(item: Any) -> tuple[str, str] | None:
    """The sentence a line shows: its article and first sentence."""
    if not item.refs or not item.refs[0].sentence_ids:
        return None
    return item.refs[0].article_id, item.refs[0].sentence_ids[0]


def caveats_beside(
    lines: list[BriefItem], said: list[SaidItem], caveats: list[CaveatItem]
) -> tuple[list[BriefItem], list[SaidItem], list[CaveatItem]]:
    """A caveat about a sentence shown as a line goes beside that line (the line then ranks as
    the caveat does, so a crowded page keeps the claim and its caveat together); the others
    stay caveats of their own."""
    at: dict[tuple[str, str], tuple[str, int]] = {}
    for name, items in (("lines", lines), ("said", said)):
        for i, x in enumerate(items):
            k = _key(x)
            if k is not None and k not in at:
                at[k] = (name, i)
    lists: dict[str, list[Any]] = {"lines": list(lines), "said": list(said)}
    kept: list[CaveatItem] = []
    for c in caveats:
        k = _key(c)
        if k is None or k not in at or c.kind == "disputed" or len(c.refs) > 1:
            kept.append(c)
            continue
        name, i = at[k]
        x = lists[name][i]
        label = f"{CAVEAT_LABELS.get(c.kind, c.kind)}: {c.note or ''}".rstrip(": ")
        note = f"{x.caveat}; {label}" if x.caveat else label
        lists[name][i] = x.model_copy(update={"caveat": note, "rank": max(x.rank, c.rank)})
    return lists["lines"], lists["said"], kept


def one_per_sentence(
    lines: list[BriefItem], said: list[SaidItem], keep: int = 0
) -> tuple[list[BriefItem], list[SaidItem]]:
    """One line per sentence: a who-said-what row whose sentence is already a line (the
    sentence with its source kept, "..., according to NPR") or already another row goes, and
    the line it repeats takes its rank. Rows that say what a repetition across articles is
    worth (a note) stay, and so do the first ``keep`` lines (the bottom line)."""
    at: dict[tuple[str, str], int] = {}
    out = list(lines)
    for i, x in enumerate(out):
        k = _key(x)
        if k is not None:
            at.setdefault(k, i)
    rows: list[SaidItem] = []
    seen: dict[tuple[str, str], int] = {}
    gone: set[int] = set()
    for r in sorted(said, key=lambda r: -r.rank):
        k = _key(r)
        if k is None or r.note:
            rows.append(r)
            continue
        if k in seen:
            continue
        j = at.get(k)
        mine = set(r.refs[0].sentence_ids)
        theirs = set(out[j].refs[0].sentence_ids) if j is not None and j not in gone else None
        if theirs is not None and mine <= theirs:
            out[j] = out[j].model_copy(update={"rank": max(out[j].rank, r.rank)})
            continue
        if theirs is not None and theirs < mine and j < keep:
            continue  # the bottom line says it
        if theirs is not None and theirs < mine:  # the row holds the line and more: it stays
            gone.add(j)
            r = r.model_copy(update={"rank": max(out[j].rank, r.rank)})
        seen[k] = len(rows)
        rows.append(r)
    return [x for i, x in enumerate(out) if i not in gone], rows


def _source(an: Analysis, item: BriefItem) -> tuple[str, str | None, list[str]] | None:
    """What a headline is drawn from in one line: the words (without the line's own source and
    hedge note), the source, and the engine's full names for the line's actors; None for a
    line set in title case ("Wealthy Voters Abandon ..."), which has no clause to read."""
    text = _HEDGE_NOTE.sub("", item.text).strip()
    m = _ACCORDING.search(text)
    body = text[: m.start()] if m else text.rstrip(".")
    words = re.findall(r"[A-Za-z][\w’'-]*", body)
    if len(words) > 3 and not any(w.islower() and len(w) > 3 for w in words):
        return None
    sent = an.sentence(item.refs[0].sentence_ids[0]) if item.refs[0].sentence_ids else None
    names = []
    if sent is not None:
        names = [n for e in an.events if sent.id in e.sentence_ids for n in e.who]
        names += [
            a.source.canonical
            for a in an.attributions
            if sent.id in a.sentence_ids and a.source is not None and a.source.canonical
        ]
    return body, (m.group("who") if m else None), names


def _candidates(
    an: Analysis, item: BriefItem, docs: dict[str, Any], before: bool = True
) -> list[BriefItem]:
    """Headlines drawn from one line: who did what, with the line's source where it has one
    (after the words, then, where ``before``, ahead of them)."""
    got = _source(an, item)
    if got is None:
        return []
    body, who, names = got
    article = an.article.text or _article_text(an)
    out = []
    for built in headline.build(body, names, article, docs.get(body)):
        wordings = [built]
        if who and ", according to " not in built:
            wordings = [f"{built}, according to {who}"]
            wordings += [f"According to {who}, {built}"] if before else []
        out.extend(BriefItem(text=w, refs=item.refs[:1], rank=item.rank) for w in wordings)
    return out


def _said_line(row: SaidItem) -> BriefItem | None:
    """A reported statement as a line a headline can be drawn from: what was said, and who
    said it (a quotation is no headline: its words are the speaker's, cut)."""
    if row.kind == "direct" or not row.refs:
        return None
    return BriefItem(text=f"{row.claim}, according to {row.speaker}.", refs=row.refs)


def _article_text(an: Analysis) -> str:
    """The article as the engine read it: its sentences (enough to ground a headline's words)."""
    return " ".join(s.text for s in an.sentences)


def developments(
    analyses: list[Analysis],
    groups: list[list[int]],
    leads: list[BriefItem],
    items: list[BriefItem],
    said: list[SaidItem] | None = None,
    limit: int | None = None,
) -> list[Development]:
    """One development per group, strongest first, each with up to ``HEADLINE_TRIES`` lines to
    draw a headline from (the gate keeps the first wording that passes). ``items`` are the
    bottom line and the event lines, already tagged with their story, and ``said`` the
    statements, tried last; a story's ``leads`` (its articles' lead lines) are tried first, so
    a headline says what the story is, not its background. Only the ``limit`` strongest
    stories (None: all) get headlines: the others cannot reach the pages asked for."""
    by_id = {an.article.id: an for an in analyses}
    by_story: dict[str, dict[str, list[Any]]] = {}
    for name, xs in (("leads", leads), ("items", items), ("said", said or [])):
        for x in xs:
            if x.story and x.refs:
                by_story.setdefault(x.story, {}).setdefault(name, []).append(x)
    out: list[tuple[Development, list[tuple[BriefItem, bool]]]] = []
    for k, group in enumerate(groups):
        sid = f"d{k + 1}"
        members = [analyses[i] for i in group]
        mine = by_story.get(sid, {})
        first = sorted(mine.get("leads", []), key=lambda x: -x.rank)
        taken = {id(x) for x in first}
        lines = first + sorted(
            (x for x in mine.get("items", []) if id(x) not in taken), key=lambda x: -x.rank
        )
        rows = sorted(mine.get("said", []), key=lambda r: -r.rank)[:HEADLINE_TRIES]
        sources = [(x, True) for x in lines[:HEADLINE_TRIES]]
        sources += [(x, False) for x in map(_said_line, rows) if x is not None]
        d = Development(
            id=sid,
            article_ids=[an.article.id for an in members],
            article_count=len(members),
            outlets=sorted({o for an in members for o in an.article.outlets}),
            dates=sorted({an.article.published[:10] for an in members if an.article.published}),
            rank=lines[0].rank if lines else 0.0,
        )
        out.append((d, sources))
    out.sort(key=lambda pair: -pair[0].rank)
    chosen = out if limit is None else out[:limit]
    bodies = [
        got[0]
        for _, sources in chosen
        for x, _ in sources
        if (got := _source(by_id[x.refs[0].article_id], x)) is not None
    ]
    docs = headline.parsed(bodies) if bodies else {}
    told = []
    for d, sources in chosen:
        candidates = []
        for x, before in sources:
            candidates.extend(_candidates(by_id[x.refs[0].article_id], x, docs, before))
        told.append(d.model_copy(update={"candidates": candidates}))
    return told + [d for d, _ in out[len(chosen) :]]


def tag(ids: dict[str, str], *sections: list[Any]) -> tuple[list[Any], ...]:
    """Each section's items with the story of their article."""
    return tuple(_tagged(s, ids) for s in sections)
