"""One page, whatever the number of articles: the lowest-ranked lines go, never the font size.

The brief's items compete on ``rank`` (:mod:`briefing.brief.rank`); fitting drops them, lowest
first and spread over the sections, until the PDF layout takes one page (or the number of pages
asked for), and counts what went in ``Brief.omitted``. A story's headline goes with the last of
its lines: a headline reads alone, so a story may show its headline with no line under it, but
at a few hundred articles there are more stories than a page holds headlines, and a page of
headlines that cannot all fit would leave no line at all. The bottom line, the sources and the
skipped list always stay.

Layout is the renderer's: every page count goes through :func:`briefing.brief.render.page_count`,
looked up on the module when called, so what the page holds is what the PDF would print.
"""

from __future__ import annotations

from typing import Any

from briefing.brief import render
from briefing.models import Brief, BriefItem, CaveatItem, SaidItem

# The droppable sections. When two have as many items left, who-said-what rows go first, then
# developments, then caveats (stated uncertainty is the last thing a brief should lose); within a
# section the lowest rank goes first and, among equal ranks, the later item.
_DROP_PRIORITY = {"who_said_what": 0, "developments": 1, "caveats": 2}
# A story's headline: dropped with the story's last line.
_HEADLINE = "stories"
# The items a first layout keeps a page: about twice what a page shows (a line of the brief prints
# on two or three lines, a headline on one or two). Laying out more costs a second each hundred;
# where the page holds more after all, the search gallops back up from it.
_MAX_KEPT_PER_PAGE = 30
# More stories than one page can show with a line under each (a headline and a line take about
# 60pt of the ~500pt the masthead and the bottom line leave).
_MAX_STORIES_PER_PAGE = 10
# Past this many articles the sources list holds only the ones the page cites.
_MAX_SOURCES_LISTED = 10


Step = tuple[tuple[str, int], ...]  # what one step of fitting drops: (list name, index) each


def _drop_order(brief: Brief, pages: int = 1) -> list[Step]:
    """What fitting drops, step by step, first to drop first. Deterministic.

    Items are queued by story (:class:`briefing.models.Development`; items of no story queue
    by section), each queue lowest rank first. A story's last two steps are its strongest line
    other than the one its headline says (or, with no other, that one), then its headline: a
    story stands on the page as its headline and a line. The stories beyond what the pages can
    hold (``_MAX_STORIES_PER_PAGE``) go first, whole, the weakest first. Then each step drops
    the lowest-ranked item of the queue that has the most items left, so a crowded page keeps
    every story's strongest line rather than emptying one story to save another; ties go to
    the lower rank, then to the section first in ``_DROP_PRIORITY``. Last, the stories go
    whole, the weakest first: its line, then its headline, so that a page a line short of
    holding a story still carries its headline.
    """
    # the line a story's headline is drawn from: the headline says it, so on a crowded page
    # it goes first and the lines that add to the headline stay
    headed = {
        (d.id, d.refs[0].article_id, tuple(d.refs[0].sentence_ids))
        for d in brief.stories
        if d.headline and d.refs
    }
    queues: dict[str, list[tuple[bool, float, int, int, Step]]] = {}
    for name in _DROP_PRIORITY:
        items: list[BriefItem | SaidItem | CaveatItem] = getattr(brief, name)
        for index, item in enumerate(items):
            key = item.story or f"section:{name}"
            said = item.refs and (key, item.refs[0].article_id, tuple(item.refs[0].sentence_ids))
            entry = (said not in headed, item.rank, _DROP_PRIORITY[name], -index, ((name, index),))
            queues.setdefault(key, []).append(entry)
    for q in queues.values():
        q.sort(key=lambda t: t[:4])
    tails: dict[str, list[Step]] = {}  # a story's last steps: a line, then its headline
    for index, story in enumerate(brief.stories):
        if not story.headline:
            continue
        q = queues.setdefault(story.id, [])
        others = [e for e in q if e[0]]  # lines the headline does not say, strongest last
        tail = [q.pop(q.index(others[-1]) if others else -1)[4]] if q else []
        tails[story.id] = [*tail, ((_HEADLINE, index),)]
    order: list[Step] = []
    for story in reversed(brief.stories[_MAX_STORIES_PER_PAGE * pages :]):
        order.extend(step for *_, step in queues.pop(story.id, ()))
        order.extend(tails.pop(story.id, ()))
    while any(queues.values()):
        key = max(
            (k for k in queues if queues[k]),
            key=lambda k: (len(queues[k]), not queues[k][0][0], -queues[k][0][1], k),
        )
        order.append(queues[key].pop(0)[4])
    for story in reversed(brief.stories):
        order.extend(tails.pop(story.id, ()))
    return order


def _lines_in(order: list[Step], k: int) -> int:
    """How many lines the first ``k`` steps of ``order`` drop (a headline is not counted)."""
    return sum(1 for step in order[:k] for name, _ in step if name != _HEADLINE)


def _without(brief: Brief, order: list[Step], k: int, pages: int) -> Brief:
    """The brief less what the first ``k`` steps of ``order`` drop, its lines counted in
    ``omitted``, so the page says how much it left out (and to fit how many pages); a story
    whose headline went is not among the fitted brief's stories; with many articles, the
    sources list is cut to those cited."""
    dropped: dict[str, set[int]] = {name: set() for name in (*_DROP_PRIORITY, _HEADLINE)}
    for step in order[:k]:
        for name, index in step:
            dropped[name].add(index)
    update: dict[str, Any] = {
        name: [item for i, item in enumerate(getattr(brief, name)) if i not in dropped[name]]
        for name in _DROP_PRIORITY
    }
    if dropped[_HEADLINE]:
        update[_HEADLINE] = [d for i, d in enumerate(brief.stories) if i not in dropped[_HEADLINE]]
    update["omitted"] = brief.omitted + _lines_in(order, k)
    update["pages"] = pages
    if len(brief.sources) > _MAX_SOURCES_LISTED:
        # many articles: list those the page cites; the rest are counted (and all are in the JSON)
        cited = {
            r.article_id
            for name in ("bottom_line", *_DROP_PRIORITY)
            for item in (update.get(name) if name in update else getattr(brief, name))
            for r in item.refs
        }
        kept = [src for src in brief.sources if src.article_id in cited]
        update["sources"] = kept
        update["sources_omitted"] = brief.sources_omitted + len(brief.sources) - len(kept)
    return brief.model_copy(update=update)


def fit_one_page(brief: Brief, *, paper: str = "A4") -> Brief:
    """Drop the lowest-ranked items until the PDF layout takes one page (:func:`fit_pages`)."""
    return fit_pages(brief, paper=paper, pages=1)


def fit_pages(brief: Brief, *, paper: str = "A4", pages: int = 1) -> Brief:
    """Drop the lowest-ranked items until the PDF layout takes at most ``pages`` pages.

    Developments, who-said-what rows and caveats compete on ``rank`` (higher is more
    important); the bottom line, sources and skipped list are never dropped. Each dropped item
    adds one to ``omitted``. Kept items keep their order. The number to drop is found with a
    proportional first guess and a binary search, so a long brief costs a handful of layouts
    (about 1 s for 200 items). If even dropping every droppable item does not fit, that brief
    is returned.
    """
    render.paper_name(paper)  # an unknown size fails before any layout
    if pages < 1:
        raise ValueError(f"pages must be 1 or more, not {pages}")
    order = _drop_order(brief, pages)
    n = len(order)
    counted: dict[int, int] = {}

    def count(k: int) -> int:
        if k not in counted:
            counted[k] = render.page_count(_without(brief, order, k, pages), paper=paper)
        return counted[k]

    def gallop_down() -> None:
        # hi fits; step back up (1, 2, 4 ... items kept more) to find a k that does not.
        nonlocal lo, hi
        step = 1
        while hi - step > lo:
            if count(hi - step) > pages:
                lo = hi - step
                return
            hi -= step
            step *= 2

    lo, hi = -1, n  # lo: largest k known not to fit (-1: none); hi: smallest k that fits.
    # The first layout skips the surplus beyond _MAX_KEPT_PER_PAGE a page: laying out hundreds of
    # items costs seconds.
    base = max(0, n - _MAX_KEPT_PER_PAGE * pages)
    first = count(base)
    if first <= pages:
        hi = base
        gallop_down()
    else:
        lo = base
        # Keep about as many items as fit on the allowed pages of the ones this takes, a little
        # less since the header, bottom line and sources also take room.
        m = n - base
        guess = base + m - int(m * pages / first * 0.9)
        if count(guess) <= pages:
            hi = guess
            gallop_down()
        else:
            lo = guess
            if count(n) > pages:
                return _without(brief, order, n, pages)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if count(mid) <= pages:
            hi = mid
        else:
            lo = mid
    return _without(brief, order, hi, pages)
