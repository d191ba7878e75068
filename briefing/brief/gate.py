"""Every line is checked before it is shown.

Each line of the brief, the engine's or a model's, is judged by ``briefing check``'s own
judgement (:class:`briefing.evals.check.Checker`, over ``analyze.grounding`` and
``analyze.facts``) against the article its reference points to: the line as a reader reads it,
speaker, reporting chain and words. A line with an error is reworded once, by restoring what the
check says it lost (the article's source and chain, "according to KCNA"; the article's hedge),
and judged again; a line that still fails is left out. Nothing is judged twice by two rules:
this module only words the line and asks.

Only lines that can reach the page are judged: each section in rank order, until it holds as
many lines as the pages asked for can show, so a brief of a thousand articles costs a few hundred
checks rather than tens of thousands.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from briefing.brief.lines import in_furniture, kicker_outlet, unended
from briefing.brief.sections import CAVEAT_LABELS
from briefing.models import (
    Analysis,
    Attribution,
    Brief,
    BriefItem,
    CaveatItem,
    Development,
    SaidItem,
)

if TYPE_CHECKING:
    from briefing.evals.check import Checker, CheckResult

# More lines than one page of any section can show (a page holds under 60 lines in all).
LINES_PER_PAGE = 60
# Finding types a restored attribution can mend, and those a restored hedge can. A line that
# names the wrong speaker is not mended by naming another after it ("The candidate's call came
# after ..., according to Hillary Clinton" reads as hers): it is left out.
_ATTRIBUTION = {"attribution_dropped", "dropped_intermediary"}
_HEDGE = {"hedge_dropped"}
_HEDGED = re.compile(r"^hedged:\s*")


def said_text(x: SaidItem) -> str:
    """A who-said-what row as the sentence a reader takes from it: the chain, the speaker, the
    reporting word and the words."""
    cue = "" if x.cue else ("said: " if x.claim.startswith(("“", '"')) else "said ")
    core = f"{x.speaker} {cue}{x.claim}"
    if x.reported_by:
        core = f"According to {' and '.join(x.reported_by)}, {core}"
    return core if core.endswith((".", "”", '"', "…")) else core + "."


def text_of(item: BriefItem | SaidItem | CaveatItem) -> str:
    """The words of an item that make a claim about its article: the line, never its note."""
    return said_text(item) if isinstance(item, SaidItem) else item.text


# Checkers kept at once. A checker holds its article read word by word (about 0.6 MiB), and a
# page's lines come from a hundred or more articles, few of them asked about twice: keeping all
# of them cost 110 MiB at 1,000 articles, keeping this many costs a few more articles read again.
CHECKERS_KEPT = 64


@dataclass
class Gate:
    """Judge lines against their articles; an article is read for checking once while it is
    among the ``CHECKERS_KEPT`` last asked about."""

    analyses: dict[str, Analysis]
    checkers: OrderedDict[str, Checker] = field(default_factory=OrderedDict)
    checked: int = 0
    reworded: int = 0
    left_out: int = 0

    def checker(self, article_id: str) -> Checker | None:
        if article_id in self.checkers:
            self.checkers.move_to_end(article_id)
            return self.checkers[article_id]
        an = self.analyses.get(article_id)
        if an is None:
            return None
        from briefing.pipeline import checker

        made = self.checkers[article_id] = checker(an)
        while len(self.checkers) > CHECKERS_KEPT:
            self.checkers.popitem(last=False)
        return made

    def judge(self, item: Any) -> CheckResult | None:
        """``check``'s verdict on the line against its first reference's article."""
        if not item.refs:
            return None
        c = self.checker(item.refs[0].article_id)
        return c.check(text_of(item)) if c is not None else None

    def admit(self, item: Any) -> Any | None:
        """The item as it may be shown (reworded if it had to be), or None to leave it out."""
        self.checked += 1
        verdict = self.judge(item)
        if verdict is None or verdict.passed:
            return item
        an = self.analyses[item.refs[0].article_id]
        fixed = reword(item, verdict, an)
        if fixed is not None:
            again = self.judge(fixed)
            if again is not None and again.passed:
                self.reworded += 1
                return fixed
        self.left_out += 1
        return None

    def section(self, items: list[Any], limit: int | None) -> list[Any]:
        """The section's lines that pass, in order (best first), at most ``limit`` (None: all)."""
        kept = []
        for item in items:
            if limit is not None and len(kept) >= limit:
                break
            ok = self.admit(item)
            if ok is not None:
                kept.append(ok)
        return kept


def _attribution_for(an: Analysis, sids: list[str], text: str) -> Attribution | None:
    """The article's attribution in these sentences whose content the line restates most."""
    from briefing.analyze.words import content_words

    words = content_words(text)
    cands = [a for a in an.attributions if a.source is not None and set(a.sentence_ids) & set(sids)]
    return max(cands, key=lambda a: len(words & content_words(a.content.said)), default=None)


def reword(item: Any, verdict: CheckResult, an: Analysis) -> Any | None:
    """The line with what the check says it lost restored: the article's attribution, its
    hedge; None when the problem is not one rewording mends (a wrong quotation, a number)."""
    kinds = {f.type for f in verdict.findings if f.severity == "error"}
    if not kinds <= _ATTRIBUTION | _HEDGE:
        return None
    evidence = [s for f in verdict.findings for s in f.evidence_sentence_ids]
    sids = evidence or [s for r in item.refs[:1] for s in r.sentence_ids]
    text = text_of(item)
    hedges = [_HEDGED.sub("", f.expected or "") for f in verdict.findings if f.type in _HEDGE]
    hedge = next((h for h in hedges if h), None)
    att = _attribution_for(an, sids, text) if kinds & _ATTRIBUTION else None
    if kinds & _ATTRIBUTION and att is None:
        return None
    if isinstance(item, SaidItem):
        update: dict[str, Any] = {}
        if att is not None:
            chain = [_describe(v) for v in reversed(att.via)]
            if not chain:
                return None
            update["reported_by"] = chain
        if hedge:
            update["claim"] = f"{unended(item.claim)} (the article hedges it: “{hedge}”)"
            update["caveat"] = _unsaid(item.caveat, hedge)
        return item.model_copy(update=update)
    from briefing.brief.compose import according_to

    line = unended(item.text)
    if att is not None:
        if ", according to " in line:  # the line's own attribution, which the check found short
            line = line[: line.rindex(", according to ")]
        sent = an.sentence(att.sentence_ids[0]) if att.sentence_ids else None
        if sent is not None and att.source is not None and in_furniture(sent, att.source.end):
            # the engine read a kicker as the source: the outlet it names is the article's own
            outlet = kicker_outlet(sent.text)
            if outlet is None:
                return None
            line = f"{line}, according to {outlet}"
        else:
            who = according_to(att, line)
            if who is None:
                return None  # the speaker is a pronoun no one resolved: no line can name them
            line = f"{line}, according to {who}"
    update = {"text": line + "."}
    if hedge:
        update["text"] = f"{line} (the article hedges it: “{hedge}”)."
        if isinstance(item, BriefItem):  # a caveat's line carries no caveat of its own
            update["caveat"] = _unsaid(item.caveat, hedge)
    return item.model_copy(update=update)


def _unsaid(caveat: str | None, hedge: str) -> str | None:
    """The line's caveats less a hedge caveat naming only the hedge the line now says itself:
    "reportedly" is said once."""
    if not caveat:
        return caveat
    label = CAVEAT_LABELS["hedge"]
    kept = [
        c
        for c in caveat.split("; ")
        if not (c.startswith(f"{label}:") and re.findall(r"“([^”]+)”", c) == [hedge])
    ]
    return "; ".join(kept) or None


def _describe(v: Any) -> str:
    from briefing.brief.rows import describe

    return describe(v)


def _lower(m: re.Match[str]) -> str:
    return f"{m.group(1)} {m.group(2).lower()} "


def _headlined(g: Gate, story: Development) -> Development:
    """The story with the first of its headlines that passes (with its source restored if it
    had to be), or with none where none does. A headline that fails is not a line left out:
    the story's lines still say what happened."""
    for candidate in story.candidates:
        g.checked += 1
        verdict = g.judge(candidate)
        ok: Any = candidate if verdict is None or verdict.passed else None
        if ok is None and verdict is not None:
            kinds = {f.type for f in verdict.findings if f.severity == "error"}
            fixed = reword(candidate, verdict, g.analyses[candidate.refs[0].article_id])
            again = g.judge(fixed) if fixed is not None and kinds <= _ATTRIBUTION else None
            ok = fixed if again is not None and again.passed else None
        if ok is not None:
            text = re.sub(r"(according to|reported by) (A|An) ", _lower, ok.text.rstrip("."))
            return story.model_copy(update={"headline": text, "refs": ok.refs})
    return story


def gate(brief: Brief, analyses: list[Analysis], pages: int | None = 1) -> Brief:
    """The brief with every line judged: reworded where a rewording passes, left out where
    none does. ``pages`` bounds how many lines of each section are judged (None: all); the
    bottom line is always judged in full."""
    g = Gate({an.article.id: an for an in analyses})
    limit = None if pages is None else LINES_PER_PAGE * pages
    sections: dict[str, Callable[[], list[Any]]] = {
        "bottom_line": lambda: g.section(brief.bottom_line, None),
        "developments": lambda: g.section(brief.developments, limit),
        "who_said_what": lambda: g.section(brief.who_said_what, limit),
        "caveats": lambda: g.section(brief.caveats, limit),
    }
    before = sum(len(getattr(brief, name)) for name in sections)
    update: dict[str, Any] = {name: judge() for name, judge in sections.items()}
    after = sum(len(v) for v in update.values())
    update["stories"] = [_headlined(g, d) for d in brief.stories]
    unjudged = before - after - g.left_out
    update["lines_checked"] = brief.lines_checked + g.checked
    update["lines_reworded"] = brief.lines_reworded + g.reworded
    update["lines_left_out"] = brief.lines_left_out + g.left_out
    update["omitted"] = brief.omitted + unjudged
    return brief.model_copy(update=update)
