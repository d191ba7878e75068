"""Pattern 5: attributions inside the content of another ("KCNA said President Putin expressed
..."): the inner source is reported through the outer one, unless it is the outer holder
speaking of itself ("Pfizer said it expects ...").
"""

from __future__ import annotations

import re

from briefing.analyze.attribution.clauses import find_cue_clause
from briefing.analyze.attribution.context import Context, Draft, via_of
from briefing.analyze.lexicon import lexicon, one_of
from briefing.analyze.sources import is_person, person_names
from briefing.models import Source

_SELF_DESCRIPTION = re.compile(rf"the (?:{one_of(lexicon().role_words.self_descriptions)})")


def _same_holder(ctx: Context, inner: Source, outer: Source) -> bool:
    t = inner.text.strip().lower()
    if t == "i" and is_person(outer):
        return True  # "Matthews said: 'I thought Pence ...'": his own view, not through him
    if t == "we" and is_person(outer):
        return False  # a person's "we believe" is reported through that person
    if inner.canonical and outer.canonical and inner.canonical == outer.canonical:
        return True
    org = outer.type != "other" or not person_names(outer.text)
    if t == "it" or (
        t in {"we", "they"} and org and outer.type not in {"anonymous"} and not is_person(outer)
    ):
        return org
    if t in {"he", "she"} and not org:
        # "Clinton said she ...": but not "Podesta said she ...", nor a name of no known gender
        return ctx.coref is None or ctx.coref.agrees(t, outer)
    return bool(_SELF_DESCRIPTION.fullmatch(t)) and org


def nested_drafts(ctx: Context, outer: Draft, idx: int) -> list[Draft]:
    if outer.depth >= 2 or outer.source is None:
        return []
    cs, ce = outer.content
    inner = find_cue_clause(
        ctx, cs, ce, idx, allow_quoted=True, depth=outer.depth + 1, via=via_of(outer)
    )
    inner = [d for d in inner if d.source is not None and d.source.start >= cs]
    for d in inner:
        if _same_holder(ctx, d.source, outer.source):
            # "Pfizer said it expects ...", "Lordstown said ... the company believes": the
            # holder reports its own belief, so it is not an intermediary
            d.source = d.source.model_copy(
                update={"canonical": outer.source.canonical, "type": outer.source.type}
            )
            d.via = list(outer.via)
    more = []
    for d in inner:
        more.extend(nested_drafts(ctx, d, idx))
    return inner + more
