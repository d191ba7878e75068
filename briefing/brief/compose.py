"""From analyses to a brief: choose, order and word the lines of the one page.

Offline the brief is extractive: every line is the article's own words, with its attribution
kept ("..., according to KCNA (North Korean state media)"), so nothing is stated as fact that
the article gives only as a claim. Each line carries a reference to its article and sentences.
"""

from __future__ import annotations

import datetime as dt
import re

from briefing import __version__
from briefing.analyze.sources import is_pronoun
from briefing.brief import lines, model_said, rank, stories
from briefing.brief.gate import gate, said_text
from briefing.brief.rows import MAX_CLAIM, describe, said_row
from briefing.brief.rows import ref as _ref
from briefing.errors import InputError
from briefing.models import (
    Analysis,
    Attribution,
    Brief,
    BriefItem,
    Caveat,
    CaveatItem,
    Event,
    SaidItem,
    Skipped,
    SourceEntry,
    Usage,
)
from briefing.verify import Verified

OFFLINE_ENGINE = f"offline engine (deterministic rules, briefing {__version__})"
_DAY_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _clip(text: str, limit: int = MAX_CLAIM) -> str:
    """One line at most ``limit`` characters, cut at a word and marked with an ellipsis, so a
    cut is never mistaken for the article's whole sentence."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + " …"


def _sentence_end(text: str) -> str:
    """The text as a sentence: every line of the brief stands alone."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?", "…", "”", '"')) else text + "."


def _attribution_by_id(analysis: Analysis, aid: str | None) -> Attribution | None:
    """The attribution an event rests on, if the article has the event only from a source."""
    return next((a for a in analysis.attributions if a.id == aid), None) if aid else None


def event_line(analysis: Analysis, event: Event) -> str | None:
    """An event in the article's words as a line that stands alone, with its source kept when
    the article has it from one; None where its sentence cannot be a line (a caption)."""
    sent = analysis.sentence(event.sentence_ids[0]) if event.sentence_ids else None
    if sent is None:
        return None
    text = lines.sentence_line(analysis, sent, None if event.text == sent.text else event.text)
    if text is None:
        return None
    att = _attribution_by_id(analysis, event.attribution_id)
    if (
        att is None
        or att.source is None
        or att.source.text in text
        # "He notes that ..." whose opening pronoun the line has named: "Donald Trump notes"
        or bool(att.source.canonical and att.source.canonical in text)
        or lines.in_furniture(sent, att.source.end)
    ):
        return _sentence_end(text)
    who = according_to(att, text)
    return f"{lines.unended(text)}, according to {who}." if who is not None else None


def according_to(att: Attribution, text: str) -> str | None:
    """Whom a line restating the attribution's content must name: the chain's outermost link
    where the line names the source already, else the source and its chain. None where the
    source is a pronoun the engine could not resolve: "according to She" names no one, and a
    line that cannot name its speaker is not shown."""
    if att.source is not None and is_pronoun(att.source.text) and not att.source.canonical:
        return None
    src = describe(att.source)
    chain = [describe(v) for v in reversed(att.via)]
    if att.source is not None and (att.source.text in text or src in text):
        return " and ".join(chain) if chain else src
    return src + (f", as reported by {' and '.join(chain)}" if chain else "")


def _caveat_item(analysis: Analysis, c: Caveat, rank_: float) -> CaveatItem | None:
    """A caveat beside the claim it qualifies: the claim as a line of its article (the sentence
    with the hedge, the loaded term, or the one statement a sourcing caveat applies to), and
    what the caveat says about it as the note. None where the claim cannot be a line."""
    sids = c.sentence_ids
    if c.kind in {"single_source", "state_media"}:
        atts = [a for a in analysis.attributions if a.id in c.applies_to]
        if atts:
            sids = atts[0].sentence_ids
    sent = analysis.sentence(sids[0]) if sids else None
    if sent is None:
        return None
    text = lines.sentence_line(analysis, sent)
    if text is not None and c.kind in {"hedge", "unverified", "characterization"}:
        if c.text.lower() not in text.lower():  # shortened past the words the caveat is about
            text = lines.sentence_line(analysis, sent, lines.strip_furniture(sent.text))
            text = text if text is not None and c.text.lower() in text.lower() else None
    if text is None:
        return None
    if c.kind in {"hedge", "unverified"}:
        note = f"the article's words: “{c.text}”"
    elif c.kind == "characterization":
        note = f"“{c.text}”: {c.note}" if c.note else f"“{c.text}”"
    else:
        note = _sentence_end(c.note or c.text)
    return CaveatItem(
        kind=c.kind,
        text=_sentence_end(text),
        note=note,
        refs=[_ref(analysis, sids[:1])],
        rank=rank_,
    )


def _corroborate(
    analyses: list[Analysis],
    leads: list[BriefItem],
    said: list[SaidItem],
    caveats: list[CaveatItem],
) -> tuple[list[BriefItem], list[SaidItem], list[CaveatItem], list[list[int]]]:
    """Across articles: one line per development, one row per repeated claim, and what the
    repetition is worth (independent sources, or one source echoed) and where articles disagree."""
    from briefing.brief.group import group_articles, merge_claims

    groups = group_articles(analyses)
    by_id = {an.article.id: an for an in analyses}
    said_at = {(x.refs[0].article_id, tuple(x.refs[0].sentence_ids)): x for x in said if x.refs}
    leads_of: dict[str, list[BriefItem]] = {}
    for x in leads:
        if x.refs:
            leads_of.setdefault(x.refs[0].article_id, []).append(x)
    # lines replaced by one merged line: dropped and added once, at the end (ids, not equality:
    # comparing models field by field is what made many articles slow)
    gone: set[int] = set()
    merged_leads: list[BriefItem] = []
    merged_said: list[SaidItem] = []
    for group in groups:
        if len(group) < 2:
            continue
        ids = [analyses[i].article.id for i in group]
        mine = [x for aid in ids for x in leads_of.get(aid, ())]
        if mine:
            best = max(mine, key=lambda x: x.rank)
            # the line's own reference first: a reader follows it to the sentence shown
            others = [r for x in mine if x is not best for r in x.refs]
            refs = (best.refs + others)[: 3 if len(ids) <= 3 else 1]
            merged = best.model_copy(
                update={
                    "note": _story_note([by_id[aid] for aid in ids]),
                    "refs": refs,
                    "rank": rank.corroborated_lead_rank(best.rank, len(ids)),
                }
            )
            gone.update(id(x) for x in mine)
            merged_leads.append(merged)
        for claim in merge_claims(analyses, group):
            keys = [(aid, tuple(sids)) for aid, sids in claim.carriers]
            row = next((said_at[k] for k in keys if k in said_at), None)
            if row is None:
                continue  # no carrier's row reads alone
            own = (row.refs[0].article_id, tuple(row.refs[0].sentence_ids))
            refs = row.refs + [_ref(by_id[a], list(s)) for a, s in keys if (a, s) != own][:2]
            if len(claim.carriers) >= 2:
                carriers = set(claim.articles)
                gone.update(id(said_at[k]) for k in keys if k in said_at)
                merged_row = row.model_copy(
                    update={
                        "note": f"{len(carriers)} articles, {claim.sources_text}",
                        "refs": refs,
                        "rank": rank.merged_claim_rank(len(carriers)),
                    }
                )
                merged_said.append(merged_row)
                if claim.independent == 1:
                    caveats.append(
                        CaveatItem(
                            kind="single_source",
                            rank=rank.ECHOED_CAVEAT_RANK,
                            refs=refs,
                            text=said_text(row),
                            note=(
                                f"in {len(carriers)} articles, {claim.sources_text}: "
                                "one source repeated, not corroboration"
                            ),
                        )
                    )
            for aid, sids, text in claim.disputed_by[:1]:
                against = lines.shorten(" ".join(text.split()), 160)
                caveats.append(
                    CaveatItem(
                        kind="disputed",
                        rank=rank.DISPUTED_CAVEAT_RANK,
                        refs=row.refs + [_ref(by_id[aid], sids)],
                        text=said_text(row),
                        note=f"disputed by {aid}" + (f": “{against}”" if against else ""),
                    )
                )
    leads = [x for x in leads if id(x) not in gone] + merged_leads
    said = [x for x in said if id(x) not in gone] + merged_said
    return leads, said, caveats, groups


# A story's note names this many of its articles, outlets or days at most.
_NOTE_NAMES = 3


def _story_note(members: list[Analysis]) -> str:
    """How many articles carry a story, and the outlets and days it rests on."""
    n = len(members)
    outlets = sorted({o for an in members for o in an.article.outlets})
    days = sorted({an.article.published[:10] for an in members if an.article.published})
    if n <= _NOTE_NAMES:
        note = f"{n} articles: {', '.join(an.article.id for an in members)}"
    else:
        note = f"{n} articles"
    if outlets:
        more = f" and {len(outlets) - _NOTE_NAMES} more" if len(outlets) > _NOTE_NAMES else ""
        note += f"; {', '.join(outlets[:_NOTE_NAMES])}{more}"
    if days:
        note += f"; {days[0]}" + (f" to {days[-1]}" if days[-1] != days[0] else "")
    return note


def _with_sourcing(bottom: list[BriefItem], sourcing: list[CaveatItem]) -> list[BriefItem]:
    """One article alone: its sourcing caveat (state media, one source) said in the bottom line,
    beside the line it qualifies when the bottom line has it, else as a line of its own."""
    if not sourcing:
        return bottom
    c = sourcing[0]
    for i, item in enumerate(bottom):
        if item.refs and c.refs and set(item.refs[0].sentence_ids) & set(c.refs[0].sentence_ids):
            return bottom[:i] + [item.model_copy(update={"note": c.note})] + bottom[i + 1 :]
    line = BriefItem(text=c.text, note=c.note, refs=c.refs, rank=c.rank)
    return bottom[: rank.BOTTOM_LINE_LINES - 1] + [line]


def run_notes(brief: Brief) -> list[str]:
    """What a reader should know about how this brief was made (LLM use, cost, withheld items)."""
    notes = []
    u = brief.usage
    if u is not None:
        cached = f", {u.cached} answer{'s' if u.cached != 1 else ''} from cache" if u.cached else ""
        failed = f" ({u.failed} failed)" if u.failed else ""
        notes.append(
            f"LLM usage: {u.calls} call{'s' if u.calls != 1 else ''}{failed}{cached}, "
            f"{u.input_tokens:,} input and {u.output_tokens:,} output tokens, ${u.cost_usd:.4f}."
        )
    if brief.withheld:
        notes.append(
            f"{brief.withheld} model-written item{'s' if brief.withheld != 1 else ''} withheld: "
            "not grounded in the cited sentences."
        )
    if brief.lines_reworded or brief.lines_left_out:
        notes.append(
            f"Every line was checked against its article: {brief.lines_reworded} reworded to "
            f"keep its source or hedge, {brief.lines_left_out} not shown, as no wording passed."
        )
    if brief.fell_back:
        notes.append(
            f"The model failed on {len(brief.fell_back)} "
            f"article{'s' if len(brief.fell_back) != 1 else ''} "
            f"({', '.join(brief.fell_back)}); the offline engine wrote those entries."
        )
    return notes


def _untitled(analysis: Analysis) -> str | None:
    """An article with no headline is named by the start of its first sentence of reporting:
    not a photo caption or the outlet's furniture, and without a kicker or dateline ("FIRST ON
    FOX:"), which name no story."""
    told = [
        s for s in analysis.sentences if not s.boilerplate and not lines.caption(s.text)
    ] or analysis.sentences
    if not told:
        return None
    return _clip(lines.strip_furniture(told[0].text) or told[0].text, 70)


def _date_span(days: list[str]) -> dict[str, str | None]:
    """The first and last of the articles' publication days that are dates (YYYY-MM-DD)."""
    dated = [d for d in days if _DAY_RE.fullmatch(d)]
    return {"first_date": dated[0] if dated else None, "last_date": dated[-1] if dated else None}


def make_brief(
    analyses: list[Analysis],
    *,
    skipped: list[InputError] | None = None,
    date: str | None = None,
    title: str | None = None,
    made_by: str = OFFLINE_ENGINE,
    verified: dict[str, Verified] | None = None,
    usage: Usage | None = None,
    fell_back: list[str] | None = None,
    pages: int | None = None,
) -> Brief:
    """Assemble the brief's sections from the analyses, each item ranked for fitting one page.

    Every line is then judged against its own article as ``briefing check`` judges it
    (:mod:`briefing.brief.gate`): ``pages`` is how many pages the brief will be cut to (None:
    every line is judged and kept).

    Where ``verified`` holds an article's checked LLM answer, its bottom line and events replace
    the extractive ones for that article; who said what is the engine's and the model's
    attributions that grounded where the engine had none (each row says who found it), and the
    caveats stay the engine's.
    """
    from briefing.analyze.events import lead_index

    verified = verified or {}
    # the model's grounded attributions among the engine's: rows, stories and the gate read them
    analyses = model_said.reconciled_all(analyses, verified)
    bottom: list[BriefItem] = []
    developments: list[BriefItem] = []
    said: list[SaidItem] = []
    caveats: list[CaveatItem] = []
    leads: list[BriefItem] = []
    sourcing: list[CaveatItem | None] = []  # one article alone: its sourcing, for the bottom line
    n = len(analyses)
    days = sorted({a.article.published[:10] for a in analyses if a.article.published})
    for order, an in enumerate(analyses):
        day = days.index(an.article.published[:10]) if an.article.published else None
        weight = rank.article_weight(order, n, day, len(days))
        lead = lead_index(an.sentences, an.article.title)
        lead_sid = stories.lead_sentence(an, an.sentences[lead].id if lead is not None else None)
        checked = verified.get(an.article.id)
        if checked is not None:
            for i, line in enumerate(checked.bottom_line):
                leads.append(
                    BriefItem(
                        text=_sentence_end(line.text),
                        refs=[_ref(an, line.sentence_ids)],
                        rank=rank.model_lead_rank(i, weight),
                    )
                )
            for i, ev in enumerate(checked.events):
                developments.append(
                    BriefItem(
                        text=_sentence_end(ev.text),
                        refs=[_ref(an, ev.sentence_ids)],
                        rank=rank.model_event_rank(i, weight),
                    )
                )
        # the engine's events, unless the model's checked lines stand for them: where
        # verification withheld every line the model wrote, the article keeps the engine's
        wrote = checked is not None and bool(checked.bottom_line or checked.events)
        for i, ev in enumerate([] if wrote else an.events):
            line = event_line(an, ev)
            if line is None:
                continue
            item = BriefItem(
                text=line,
                refs=[_ref(an, ev.sentence_ids)],
                rank=rank.standalone_rank(
                    rank.event_rank(ev, i, weight) + rank.substance(line), lines.dangling(line)
                ),
            )
            if ev.sentence_ids[0] == lead_sid:
                leads.append(item.model_copy(update={"rank": rank.lead_rank(item.rank)}))
            else:
                developments.append(item)
        # statements compete on rank within their story: fitting keeps every story's strongest
        # lines (``fit``), so no article's statements need a place held for them
        own = sorted(model_said.said_rows(an, checked, said_row), key=lambda x: -x.rank)
        said.extend(item.model_copy(update={"rank": item.rank * weight}) for item in own)
        seen_kinds: set[str] = set()
        mine: dict[tuple[str, str], CaveatItem] = {}
        for c in an.caveats:
            first = c.kind not in seen_kinds
            seen_kinds.add(c.kind)
            cv = _caveat_item(an, c, rank.caveat_rank(c.kind, first, weight))
            if cv is None:
                continue
            key = (cv.kind, cv.text)
            if key in mine:  # one claim with several hedges: one line that names them all
                same = mine[key]
                note = f"{same.note}, “{c.text}”" if c.kind in {"hedge", "unverified"} else None
                mine[key] = same.model_copy(update={"note": note or same.note})
            else:
                mine[key] = cv.model_copy(
                    update={"rank": rank.standalone_rank(cv.rank, lines.dangling(cv.text))}
                )
        caveats.extend(mine.values())
        if n == 1:
            sourcing.extend(
                _caveat_item(an, c, rank.SOURCING_BOTTOM_RANK)
                for c in an.caveats
                if c.kind in {"single_source", "state_media"}
            )
    groups = [[0]] if n == 1 else []
    if n > 1:
        leads, said, caveats, groups = _corroborate(analyses, leads, said, caveats)
    # bottom line: the strongest leads; the others stay as developments
    leads.sort(key=lambda x: -x.rank)
    bottom = leads[: rank.BOTTOM_LINE_LINES]
    developments.extend(x for x in leads if x not in bottom)
    bottom = _with_sourcing(bottom, [c for c in sourcing if c is not None])
    ids = stories.story_ids(groups, analyses)
    bottom, developments, said, caveats = stories.tag(ids, bottom, developments, said, caveats)
    (tagged_leads,) = stories.tag(ids, leads)
    told = stories.developments(
        analyses,
        groups,
        tagged_leads,
        bottom + developments,
        said,
        None if pages is None else stories.STORIES_PER_PAGE * pages,
    )
    shown, said = stories.one_per_sentence(bottom + developments, said, keep=len(bottom))
    bottom, developments = shown[: len(bottom)], shown[len(bottom) :]
    shown, said, caveats = stories.caveats_beside(
        bottom + sorted(developments, key=lambda x: -x.rank),
        sorted(said, key=lambda x: -x.rank),
        caveats,
    )
    bottom, developments = shown[: len(bottom)], shown[len(bottom) :]
    if title is None:
        title = (analyses[0].article.title or analyses[0].article.id) if n == 1 else "Morning brief"
    brief = Brief(
        title=title,
        date=date or dt.date.today().isoformat(),
        made_by=made_by,
        article_count=n,
        bottom_line=bottom,
        developments=sorted(developments, key=lambda x: -x.rank),
        who_said_what=sorted(said, key=lambda x: -x.rank),
        caveats=sorted(caveats, key=lambda x: -x.rank),
        sources=[
            SourceEntry(
                article_id=a.article.id,
                title=a.article.title or _untitled(a),
                path=a.article.path,
                outlet=a.article.outlet,
                published=a.article.published,
                author=a.article.author,
                copies=a.article.copies,
            )
            for a in analyses
        ],
        skipped=[Skipped(path=e.path, reason=e.problem) for e in (skipped or [])],
        stories=told,
        undated=sum(1 for a in analyses if not _DAY_RE.match(a.article.published or "")),
        **_date_span(days),
        withheld=sum(len(v.withheld) for v in verified.values()),
        fell_back=list(fell_back or []),
        usage=usage,
    )
    brief = gate(brief, analyses, pages)
    brief.notes = run_notes(brief)
    brief.analyses = list(analyses)
    return brief
