"""From analyses to a brief: choose, order and word the lines of the one page.

Offline the brief is extractive: every line is the article's own words, with its attribution
kept ("..., according to KCNA (North Korean state media)"), so nothing is stated as fact that
the article gives only as a claim. Each line carries a reference to its article and sentences.
"""

from __future__ import annotations

import datetime as dt
import re

from briefing import __version__
from briefing.analyze.lexicon import registry
from briefing.brief import rank
from briefing.errors import InputError
from briefing.models import (
    Analysis,
    Attribution,
    Brief,
    BriefItem,
    Caveat,
    CaveatItem,
    Event,
    Ref,
    SaidItem,
    Skipped,
    Source,
    SourceEntry,
    Usage,
    Via,
)
from briefing.verify import Verified

OFFLINE_ENGINE = f"offline engine (deterministic rules, briefing {__version__})"
_MAX_CLAIM = 240
_DAY_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def describe(src: Source | Via | None, *, inline: bool = False) -> str:
    """A source as a reader should see it: 'KCNA (North Korean state media)', 'Vladimir Putin'.

    ``inline`` gives the form that reads inside a parenthesis: 'KCNA, North Korean state media'.
    """
    label = _describe(src)
    if inline and label.endswith(")") and " (" in label:
        name, _, desc = label[:-1].partition(" (")
        return f"{name}, {desc}"
    return label


def _describe(src: Source | Via | None) -> str:
    """The label of :func:`describe`: state media always say whose they are, an anonymous
    source keeps the article's own words ("a senior official")."""
    if src is None:
        return "unattributed"
    name = src.canonical or src.text.strip()
    if src.type == "state_media":
        return registry().state_media_label(name)
    if src.type == "anonymous":
        return src.text.strip()
    return name


def _ref(analysis: Analysis, sids: list[str]) -> Ref:
    """The reference a line carries back to the sentences it came from."""
    return Ref(
        article_id=analysis.article.id,
        sentence_ids=sids,
        label=f"{analysis.article.id} {','.join(sids)}",
    )


def _clip(text: str, limit: int = _MAX_CLAIM) -> str:
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


def event_line(analysis: Analysis, event: Event) -> str:
    """An event in the article's words, with its source kept when the article has it from one."""
    att = _attribution_by_id(analysis, event.attribution_id)
    text = _clip(event.text)
    if att is None or att.source is None or att.source.text in event.text:
        return _sentence_end(text)
    chain = [describe(att.source, inline=True)] + [describe(v, inline=True) for v in att.via]
    return f"{text.rstrip('.,;: ')} (according to {'; via '.join(chain)})."


def _said(analysis: Analysis, a: Attribution, position: int) -> SaidItem | None:
    """A who-said-what row; none for words without a source, which the brief cannot
    attribute."""
    if a.source is None:
        return None
    claim = _clip(a.content.said)
    if a.kind == "direct":
        claim = f"“{claim}”"
    return SaidItem(
        speaker=describe(a.source),
        speaker_type=a.source.type,
        claim=claim,
        reported_by=[describe(v) for v in a.via],
        kind=a.kind,
        refs=[_ref(analysis, a.sentence_ids)],
        rank=rank.said_rank(a, position),
    )


def _caveat_line(analysis: Analysis, c: Caveat) -> str:
    """A caveat as a line: hedges, unverified and disputed claims with the sentence they
    qualify, a loaded term with what it is, the rest as the engine worded them."""
    if c.kind in {"hedge", "unverified", "disputed"} and c.sentence_ids:
        sent = analysis.sentence(c.sentence_ids[0])
        context = f" — {_clip(sent.text, 160)}" if sent else ""
        return f"“{c.text}”{context}"
    if c.kind == "characterization":
        return f"“{c.text}”: {c.note}"
    return _sentence_end(c.note or c.text)


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
    for group in groups:
        if len(group) < 2:
            continue
        ids = [analyses[i].article.id for i in group]
        mine = [x for x in leads if x.refs and x.refs[0].article_id in ids]
        if mine:
            best = max(mine, key=lambda x: x.rank)
            refs = [r for x in mine for r in x.refs][
                : 3 if len(ids) <= 3 else 1
            ]  # a reader needs one, not every copy
            note = (
                f" [{len(ids)} articles: {', '.join(ids)}]"
                if len(ids) <= 3
                else f" [{len(ids)} articles]"
            )
            merged = best.model_copy(
                update={
                    "text": best.text + note,
                    "refs": refs,
                    "rank": rank.corroborated_lead_rank(best.rank, len(ids)),
                }
            )
            leads = [x for x in leads if x not in mine] + [merged]
        for claim in merge_claims(analyses, group):
            if len(claim.carriers) >= 2:
                carriers = set(claim.articles)
                refs = [_ref(by_id[aid], sids) for aid, sids in claim.carriers][:3]
                keep = [
                    x
                    for x in said
                    if not (
                        x.refs
                        and (x.refs[0].article_id, tuple(x.refs[0].sentence_ids))
                        in {(aid, tuple(sids)) for aid, sids in claim.carriers}
                    )
                ]
                kind = next((x.kind for x in said if x not in keep), "indirect")
                chains = sorted({" via ".join(c) for c in claim.chains if c})
                sources = claim.sources_text
                said = keep + [
                    SaidItem(
                        speaker=claim.holder,
                        claim=_clip(claim.text),
                        kind=kind,
                        reported_by=chains + [f"{len(carriers)} articles, {sources}"],
                        refs=refs,
                        rank=rank.merged_claim_rank(len(carriers)),
                    )
                ]
                if claim.independent == 1:
                    caveats.append(
                        CaveatItem(
                            kind="single_source",
                            rank=rank.ECHOED_CAVEAT_RANK,
                            refs=refs,
                            text=(
                                f"“{_clip(claim.text, 120)}” is in {len(carriers)} articles, "
                                f"{claim.sources_text}: one source repeated, not corroboration."
                            ),
                        )
                    )
            for aid, sids, text in claim.disputed_by[:1]:
                refs = [_ref(by_id[a], s) for a, s in claim.carriers][:2] + [_ref(by_id[aid], sids)]
                caveats.append(
                    CaveatItem(
                        kind="disputed",
                        rank=rank.DISPUTED_CAVEAT_RANK,
                        refs=refs,
                        text=(
                            f"{claim.holder}: “{_clip(claim.text, 110)}” is disputed by {aid}: "
                            f"“{_clip(text, 130)}”"
                        ),
                    )
                )
    return leads, said, caveats, groups


def run_notes(brief: Brief) -> list[str]:
    """What a reader should know about how this brief was made (LLM use, cost, withheld items)."""
    notes = []
    u = brief.usage
    if u is not None:
        cached = f", {u.cached} answer{'s' if u.cached != 1 else ''} from cache" if u.cached else ""
        notes.append(
            f"LLM usage: {u.calls} call{'s' if u.calls != 1 else ''}{cached}, "
            f"{u.input_tokens:,} input and {u.output_tokens:,} output tokens, ${u.cost_usd:.4f}."
        )
    if brief.withheld:
        notes.append(
            f"{brief.withheld} model-written item{'s' if brief.withheld != 1 else ''} withheld: "
            "not grounded in the cited sentences."
        )
    if brief.fell_back:
        notes.append(
            f"The model failed on {len(brief.fell_back)} "
            f"article{'s' if len(brief.fell_back) != 1 else ''} "
            f"({', '.join(brief.fell_back)}); the offline engine wrote those entries."
        )
    return notes


def _untitled(analysis: Analysis) -> str | None:
    """An article with no headline is named by the start of its first sentence."""
    if not analysis.sentences:
        return None
    return _clip(analysis.sentences[0].text, 70)


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
) -> Brief:
    """Assemble the brief's sections from the analyses, each item ranked for fitting one page.

    Where ``verified`` holds an article's checked LLM answer, its bottom line and events replace
    the extractive ones for that article; who said what and the caveats stay the engine's, which
    is the judge of attribution.
    """
    from briefing.analyze.events import lead_index

    verified = verified or {}
    bottom: list[BriefItem] = []
    developments: list[BriefItem] = []
    said: list[SaidItem] = []
    caveats: list[CaveatItem] = []
    leads: list[BriefItem] = []
    n = len(analyses)
    days = sorted({a.article.published[:10] for a in analyses if a.article.published})
    for order, an in enumerate(analyses):
        day = days.index(an.article.published[:10]) if an.article.published else None
        weight = rank.article_weight(order, n, day, len(days))
        lead = lead_index(an.sentences, an.article.title)
        lead_sid = an.sentences[lead].id if lead is not None else None
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
        for i, ev in enumerate(an.events if checked is None else []):
            line = event_line(an, ev)
            item = BriefItem(
                text=line,
                refs=[_ref(an, ev.sentence_ids)],
                rank=rank.event_rank(ev, i, weight),
            )
            if ev.sentence_ids[0] == lead_sid:
                leads.append(item.model_copy(update={"rank": rank.lead_rank(item.rank)}))
            else:
                developments.append(item)
        # each article's two strongest statements and its first caveat of each kind hold their
        # place on a crowded page; the rest compete on rank
        own = sorted(
            (
                x
                for x in (_said(an, a, pos) for pos, a in enumerate(an.attributions))
                if x is not None
            ),
            key=lambda x: -x.rank,
        )
        for k, item in enumerate(own):
            said.append(item.model_copy(update={"rank": rank.held_said_rank(item.rank, k, weight)}))
        seen_kinds: set[str] = set()
        for c in an.caveats:
            first = c.kind not in seen_kinds
            seen_kinds.add(c.kind)
            caveats.append(
                CaveatItem(
                    kind=c.kind,
                    text=_caveat_line(an, c),
                    refs=[_ref(an, c.sentence_ids)] if c.sentence_ids else [],
                    rank=rank.caveat_rank(c.kind, first, weight),
                )
            )
        if n == 1:
            for c in an.caveats:
                if c.kind in {"single_source", "state_media"}:
                    bottom.append(
                        BriefItem(
                            text=_sentence_end(c.note or c.text),
                            refs=[_ref(an, c.sentence_ids)],
                            rank=rank.SOURCING_BOTTOM_RANK,
                        )
                    )
                    break
    if n > 1:
        leads, said, caveats, groups = _corroborate(analyses, leads, said, caveats)
    # bottom line: the strongest leads; the others stay as developments
    leads.sort(key=lambda x: -x.rank)
    bottom = leads[: rank.BOTTOM_LINE_LINES - len(bottom)] + bottom
    developments.extend(x for x in leads if x not in bottom)
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
            )
            for a in analyses
        ],
        skipped=[Skipped(path=e.path, reason=e.problem) for e in (skipped or [])],
        **_date_span(days),
        withheld=sum(len(v.withheld) for v in verified.values()),
        fell_back=list(fell_back or []),
        usage=usage,
    )
    brief.notes = run_notes(brief)
    brief.analyses = list(analyses)
    return brief
