"""Between the LLM and the brief: nothing passes that the article does not ground.

Each item the model returns is checked against the article and the deterministic engine:

- every cited sentence id exists;
- every quotation is verbatim in the cited sentences (after normalising quote marks and
  whitespace) and was spoken by the speaker it is given to;
- an attribution names a speaker the engine finds in the cited sentences; where the engine's
  chain has an intermediary the model dropped, the engine's chain wins (counted as a
  disagreement);
- a line that restates an attributed claim keeps its source (and its intermediary, if any);
- a hedge the cited sentences carry survives; a side's loaded term is not adopted as neutral.

Failing items are withheld, with the reason; the brief shows only how many.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from briefing.analyze.lexicon import registry
from briefing.analyze.sources import NameBook, NameMatcher
from briefing.analyze.words import content_words
from briefing.models import Analysis, Attribution, LLMAttribution, LLMEvent, LLMExtraction, LLMLine

_QUOTED = re.compile(r"[“\"]([^“”\"]{3,}?)[”\"]")
_REPORTING = re.compile(
    r"\b(?:said|says|say|told|tells|reported|reports|according to|claimed|claims|stated|announced|believes?|believed|alleged|cited|citing|quoted)\b",
    re.I,
)
# Text that addresses a model rather than reporting: an item resting on it is withheld.
_INJECTION = re.compile(
    r"\b(?:ignore|disregard|forget)\b[^.]{0,40}\b(?:above|previous|prior|earlier|all)\b[^.]{0,30}\b(?:instructions?|text|rules|prompt)?"
    r"|\byou are now\b|\b(?:system|assistant) prompt\b|\bas an ai\b|\b(?:instead|now)\s+(?:report|write|say|state)\s+that\b"
    r"|\bnew instructions?\b|\bdo not (?:mention|report)\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\d[\d,.]*")
_MIN_SUPPORT = 0.5  # share of a line's content words its cited sentences must hold
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]{2,}\b")


def normalise(text: str) -> str:
    """Quote marks and apostrophes folded, whitespace collapsed: the form quotes are compared in."""
    text = re.sub(r"[“”„«»″]", '"', text)
    text = re.sub(r"[‘’‚′]", "'", text)
    return " ".join(text.split())


@dataclass
class Withheld:
    kind: str  # bottom_line, event, attribution, caveat
    text: str
    reason: str


@dataclass
class Verified:
    """What may reach the brief from one article's LLM answer, and what may not."""

    article_id: str
    bottom_line: list[LLMLine] = field(default_factory=list)
    events: list[LLMEvent] = field(default_factory=list)
    attributions: list[LLMAttribution] = field(default_factory=list)
    withheld: list[Withheld] = field(default_factory=list)
    disagreements: int = 0


class _Judge:
    def __init__(self, analysis: Analysis) -> None:
        self.an = analysis
        self.sentences = {s.id: s for s in analysis.sentences}
        self.book = NameBook.from_text(" ".join(s.text for s in analysis.sentences))
        self.reg = registry()
        self.names = NameMatcher(self.book, self.reg)

    # -- facts from the engine ------------------------------------------------------------------
    def cited_text(self, ids: list[str]) -> str:
        return " ".join(self.sentences[i].text for i in ids if i in self.sentences)

    def attributions_in(self, ids: list[str]) -> list[Attribution]:
        wanted = set(ids)
        return [a for a in self.an.attributions if wanted & set(a.sentence_ids)]

    def hedges_in(self, ids: list[str]) -> list[str]:
        wanted = set(ids)
        return [
            c.text for c in self.an.caveats if c.kind == "hedge" and wanted & set(c.sentence_ids)
        ]

    def terms_in(self, ids: list[str]) -> list[str]:
        wanted = set(ids)
        return [
            c.text
            for c in self.an.caveats
            if c.kind == "characterization" and wanted & set(c.sentence_ids)
        ]

    # -- names ----------------------------------------------------------------------------------
    def _keys(self, name: str) -> set[str]:
        return self.names.keys(name)

    def same(self, a: str, b: str) -> bool:
        return self.names.same(a, b)

    def names_of(self, att: Attribution) -> list[str]:
        names = []
        if att.source is not None:
            names += [n for n in (att.source.canonical, att.source.text) if n]
        return names

    def mentions(self, text: str, names: list[str]) -> bool:
        return self.names.mentions(text, names)

    # -- checks, each returning a reason or None ------------------------------------------------
    def ids(self, ids: list[str]) -> str | None:
        if not ids:
            return "cites no sentence"
        missing = [i for i in ids if i not in self.sentences]
        return f"cites sentence ids that do not exist: {', '.join(missing)}" if missing else None

    def quotes(
        self, text: str, ids: list[str], speaker: str | None, extra: str | None = None
    ) -> str | None:
        cited = normalise(self.cited_text(ids))
        quoted = [m.group(1) for m in _QUOTED.finditer(text)] + ([extra] if extra else [])
        for q in quoted:
            nq = normalise(q).strip(" ,.")
            if not nq:
                continue
            if nq not in cited:
                return f"quotes words that are not in the cited sentences: “{q[:80]}”"
            if speaker:
                holders = [
                    a
                    for a in self.attributions_in(ids)
                    if nq in normalise(a.content.text) and a.kind != "indirect"
                ]
                if holders and not any(
                    self.same(speaker, n) for a in holders for n in self.names_of(a)
                ):
                    who = holders[0].source.canonical if holders[0].source else "someone else"
                    return f"gives {speaker} words that {who} said"
        return None

    def grounded(self, text: str, ids: list[str]) -> str | None:
        """Numbers and names in the item must be in the cited sentences; none may be an injection."""
        for sid in ids:
            sent = self.sentences.get(sid)
            if sent is not None and _INJECTION.search(sent.text):
                return f"rests on {sid}, which addresses the model instead of reporting"
        cited = normalise(self.cited_text(ids)).lower()
        for n in _NUMBER.findall(text):
            n = n.rstrip(".,")
            if n and n not in cited:
                return f"gives a number the cited sentences do not have: {n}"
        for name in _NAME.findall(text):
            if name.lower() not in cited and not any(
                name.lower() in k for k in self._keys(self.cited_text(ids))
            ):
                if not self.book.by_surname.get(name) and name not in {
                    "According",
                    "The",
                    "This",
                    "That",
                }:
                    return f"names {name}, who is not in the cited sentences"
        return None

    def supported(self, text: str, ids: list[str]) -> str | None:
        """Most of what the line says must be in the sentences it cites (a paraphrase keeps
        its content words); otherwise it says something they do not."""
        words = content_words(text)
        if len(words) < 3:
            return None
        cited = content_words(self.cited_text(ids))
        share = len(words & cited) / len(words)
        if share < _MIN_SUPPORT:
            return f"says what the cited sentences do not ({share:.0%} of its words are in them)"
        return None

    def hedge(self, text: str, ids: list[str]) -> str | None:
        hedges = self.hedges_in(ids)
        if not hedges:
            return None
        if any(p.search(text) for p in self.reg.hedges):
            return None
        return f"drops the hedge “{hedges[0]}” the article puts on this"

    def adopted_term(self, text: str) -> str | None:
        for term in self.terms_in([s for s in self.sentences]):
            for m in re.finditer(re.escape(term), text, re.I):
                before = text[max(0, m.start() - 1) : m.start()]
                if before not in {'"', "“", "‘", "'"} and not _REPORTING.search(text):
                    return f"uses “{term}”, one side's own term, as neutral wording"
        return None

    def keeps_attribution(self, text: str, ids: list[str]) -> str | None:
        """A line restating an attributed sentence must name its source (and intermediary)."""
        for sid in ids:
            sent = self.sentences.get(sid)
            if sent is None:
                continue
            covering = [
                a
                for a in self.an.attributions
                if sid in a.sentence_ids
                and a.source is not None
                and (a.content.end - a.content.start) >= 0.4 * (sent.end - sent.start)
            ]
            for a in covering:
                chain = [a.source.canonical or a.source.text] + [
                    v.canonical or v.text for v in a.via
                ]
                if (
                    a.via
                    and not self.mentions(text, [v.canonical or v.text for v in a.via])
                    and "state media" not in text.lower()
                ):
                    return f"drops the intermediary: the article has this only as reported by {chain[-1]}"
                if not self.mentions(text, chain) and not _REPORTING.search(text):
                    return f"states as fact what the article attributes to {chain[0]}"
        return None


def verify(analysis: Analysis, extraction: LLMExtraction) -> Verified:
    """Sort the model's items into those the brief may use and those it must withhold."""
    judge = _Judge(analysis)
    out = Verified(article_id=analysis.article.id)

    def check_line(text: str, ids: list[str]) -> str | None:
        return (
            judge.ids(ids)
            or judge.grounded(text, ids)
            or judge.quotes(text, ids, None)
            or judge.supported(text, ids)
            or judge.hedge(text, ids)
            or judge.keeps_attribution(text, ids)
            or judge.adopted_term(text)
        )

    lines: list[tuple[str, list[Any], list[Any]]] = [
        ("bottom_line", extraction.bottom_line, out.bottom_line),
        ("event", extraction.events, out.events),
    ]
    for kind, items, kept in lines:
        for item in items:
            reason = check_line(item.text, item.sentence_ids)
            if reason:
                out.withheld.append(Withheld(kind, item.text, reason))
            else:
                kept.append(item)
    for att in extraction.attributions:
        reason = judge.ids(att.sentence_ids)
        engine = judge.attributions_in(att.sentence_ids) if reason is None else []
        if reason is None:
            reason = (
                judge.grounded(att.claim, att.sentence_ids)
                or judge.quotes(att.claim, att.sentence_ids, att.speaker, att.quote)
                or judge.supported(att.claim, att.sentence_ids)
            )
        match = None
        if reason is None:
            match = next(
                (a for a in engine if any(judge.same(att.speaker, n) for n in judge.names_of(a))),
                None,
            )
            if match is None:
                reason = f"names {att.speaker} as the source, which the article does not support for these sentences"
        if reason is None:
            reason = judge.hedge(att.claim, att.sentence_ids)
        if reason:
            out.withheld.append(Withheld("attribution", f"{att.speaker}: {att.claim}", reason))
            continue
        engine_via = [v.canonical or v.text for v in match.via]
        if engine_via and not all(any(judge.same(v, mv) for mv in att.via) for v in engine_via):
            att = att.model_copy(update={"via": engine_via})  # the engine's chain wins
            out.disagreements += 1
        out.attributions.append(att)
    return out
