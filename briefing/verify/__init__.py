"""Between the LLM and the brief: nothing passes that the article does not ground.

Each item the model returns is checked against the article and the deterministic engine. What is
particular to a model's answer is judged here:

- every cited sentence id exists, and no cited sentence addresses the model instead of reporting;
- an item is judged on the cited sentences that support it (a small model cites every id, or
  every id from the right one to the end): the others are dropped from its ids, so that a hedge
  or a source of an unrelated sentence is neither held against it nor attached to it later;
- numbers and names in the item are in the sentences it rests on, and most of its words are; a
  name is any capitalised word, all-capitals ones ("KCNA") included;
- the subject is the sentence's: where a line restates a sentence's predicate, the name before
  it must be the one the sentence has there ("President Putin has been supporting ..." where the
  article says Pyongyang is withheld);
- every quotation is verbatim in the cited sentences;
- an attribution names a speaker the engine finds in the cited sentences, and every
  intermediary it adds is named in the article; where the engine's chain has an intermediary the
  model dropped, the engine's chain wins (counted as a disagreement). An attribution given as
  verbatim source, cue and content is located as spans and grounded on its own, found by the
  engine or not (:mod:`briefing.verify.spans`);
- where the engine is not sure who said words the model gives to someone else, and so keeps both
  readings, a line that names one of the two speakers alone for those words is withheld.

What a line claims about who said what is judged by ``analyze.grounding``, the same judgements
``briefing check`` makes: speaker and reporting chain kept, attribution kept, hedge kept,
quotations from the right speaker, no side's term adopted as neutral wording. So a line the brief
shows is one ``check`` passes.

Failing items are withheld, with the reason; the brief shows only how many. Nothing here calls a
model.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from briefing.analyze.facts import Facts
from briefing.analyze.grounding import Claim, Grounding, normalise
from briefing.analyze.lexicon import lexicon
from briefing.analyze.words import content_words
from briefing.models import Analysis, Attribution, LLMAttribution, LLMEvent, LLMExtraction, LLMLine
from briefing.verify.spans import SpanJudge

_QUOTED = re.compile(r"[“\"]([^“”\"]{3,}?)[”\"]")
# Text that addresses a model rather than reporting (data/injection.yaml)
_INJECTION = lexicon().injection.patterns
_NUMBER = re.compile(r"\d[\d,.]*")
_MIN_SUPPORT = 0.5  # share of a line's content words its cited sentences must hold
_MIN_SUPPORT_WORDS = 3  # a shorter line is too short to measure
# A name: a capitalised word not opening a sentence, or a word in capitals anywhere ("KCNA").
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]{2,}\b|\b[A-Z]{2,}s?\b")
_SENTENCE_OPENERS = {"According", "The", "This", "That"}
_WORD = re.compile(r"[\w’'-]+")
# A run of capitalised words ending a stretch of text: the name right before a predicate.
_NAME_BEFORE = re.compile(r"((?:[A-Z][\w’'.-]*\s+)*[A-Z][\w’'.-]*)\s*$")
_NOT_NAMES = {"A", "An", "The", "This", "That", "It", "He", "She", "They", "We", "I", "In", "On"}
SUBJECT_RUN = 4  # words of a sentence's predicate a line must restate for its subject to count
SUPPORT_NEW_WORDS = 2  # words of the line a further cited sentence must add to support it

__all__ = ["Verified", "Withheld", "normalise", "verify"]


def _name_before(text: str) -> str | None:
    """The name that ends ``text`` (the subject right before a predicate), if one does."""
    m = _NAME_BEFORE.search(text)
    if m is None:
        return None
    words = m.group(1).split()
    while words and words[0] in _NOT_NAMES:
        words = words[1:]
    return " ".join(words) or None


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
    # model attributions located as spans and grounded that the engine did not find, and the
    # engine's that the model found too (ids): what ``spans.reconcile`` marks found_by
    found: list[Attribution] = field(default_factory=list)
    confirmed: set[str] = field(default_factory=set)
    # the engine's attributions (ids) whose speaker or chain the model reads otherwise where the
    # engine is not sure of its own: the model's reading, and why the engine is not sure
    uncertain: dict[str, tuple[Attribution, str]] = field(default_factory=dict)


class _Judge:
    """The checks particular to a model's answer; each returns a reason or None."""

    def __init__(self, analysis: Analysis) -> None:
        self.an = analysis
        self.ground = Grounding(analysis)
        self.facts = Facts(analysis.sentences)
        self.sentences = {s.id: s for s in analysis.sentences}
        self.words = {s.id: content_words(s.text) for s in analysis.sentences}

    def reading(self, analysis: Analysis) -> _Judge:
        """The same judge over another list of the article's attributions (the reconciled
        one); the sentences, and what is read of them, are shared."""
        if analysis is self.an:
            return self
        other = copy.copy(self)
        other.an, other.ground = analysis, Grounding(analysis)
        return other

    def cited_text(self, ids: list[str]) -> str:
        return " ".join(self.sentences[i].text for i in ids if i in self.sentences)

    def attributions_in(self, ids: list[str]) -> list[Attribution]:
        wanted = set(ids)
        return [a for a in self.an.attributions if wanted & set(a.sentence_ids)]

    def supporting(self, text: str, ids: list[str]) -> list[str]:
        """The cited sentences that support ``text``: the one holding most of its words, then
        each that adds words of it the others lack. Ids that do not exist are kept (``ids``
        rejects them); an item no cited sentence supports keeps its ids (``supported`` says so).
        """
        known = [i for i in ids if i in self.sentences]
        words = content_words(text)
        if len(known) <= 1 or not words or len(known) < len(ids):
            return ids
        ranked = sorted(known, key=lambda i: -len(words & self.words[i]))
        chosen: set[str] = set()
        covered: set[str] = set()
        for sid in ranked:
            new = (words & self.words[sid]) - covered
            if len(new) >= (1 if not chosen else SUPPORT_NEW_WORDS):
                chosen.add(sid)
                covered |= new
        return [i for i in known if i in chosen] or ids

    def subject(self, text: str, ids: list[str]) -> str | None:
        """A line that restates a cited sentence's predicate with another name before it."""
        line = [(m.group().lower(), m.start()) for m in _WORD.finditer(text)]
        for sid in ids:
            sent = self.sentences.get(sid)
            if sent is None:
                continue
            words = [(m.group().lower(), m.start()) for m in _WORD.finditer(sent.text)]
            match = SequenceMatcher(
                None, [w for w, _ in line], [w for w, _ in words], autojunk=False
            ).find_longest_match(0, len(line), 0, len(words))
            if match.size < SUBJECT_RUN or match.a == 0 or match.b == 0:
                continue
            ours = _name_before(text[: line[match.a][1]])
            theirs = _name_before(sent.text[: words[match.b][1]])
            if ours and theirs and not self._same_subject(ours, theirs):
                return f"makes {ours} the subject of what {sid} says of {theirs}"
        return None

    def _same_subject(self, a: str, b: str) -> bool:
        """One holder named twice: the matcher's judgement, a side's ("Pyongyang", "North
        Korea"), or a shared name ("Choe", "Choe Son-hui")."""
        if self.ground.same(a, b) or self.ground.same_side(a, b):
            return True
        return bool(set(_WORD.findall(a.lower())) & set(_WORD.findall(b.lower())) - {"the"})

    def via_named(self, att: LLMAttribution) -> str | None:
        """Every intermediary the model gives must be named in the article."""
        for v in att.via:
            if not self.ground.mentions(self.ground.article_text, [v]) and (
                normalise(v).lower() not in self.ground.article_text.lower()
            ):
                return f"gives a chain through {v}, whom the article does not name"
        return None

    def ids(self, ids: list[str]) -> str | None:
        if not ids:
            return "cites no sentence"
        missing = [i for i in ids if i not in self.sentences]
        return f"cites sentence ids that do not exist: {', '.join(missing)}" if missing else None

    def verbatim(self, text: str, ids: list[str], extra: str | None = None) -> str | None:
        """Quoted words must be in the sentences the item cites, not merely somewhere."""
        cited = normalise(self.cited_text(ids))
        quoted = [m.group(1) for m in _QUOTED.finditer(text)] + ([extra] if extra else [])
        for q in quoted:
            nq = normalise(q).strip(" ,.")
            if nq and nq not in cited:
                return f"quotes words that are not in the cited sentences: “{q[:80]}”"
        return None

    def grounded(self, text: str, ids: list[str]) -> str | None:
        """Numbers and names must be in the cited sentences, and none of those an injection."""
        for sid in ids:
            sent = self.sentences.get(sid)
            if sent is not None and any(p.search(sent.text) for p in _INJECTION):
                return f"rests on {sid}, which addresses the model instead of reporting"
        cited = normalise(self.cited_text(ids)).lower()
        for n in _NUMBER.findall(text):
            n = n.rstrip(".,")
            if n and n not in cited:
                return f"gives a number the cited sentences do not have: {n}"
        keys = self.ground.names.keys(self.cited_text(ids))
        # the holders the engine found there, pronouns resolved ("it said": KCNA)
        holders = [
            n
            for a in self.attributions_in(ids)
            for n in self.ground.holder_names(a) + self.ground.via_names(a)
        ]
        for name in _NAME.findall(text):
            if name.lower() in cited or any(name.lower() in k for k in keys):
                continue
            if any(self.ground.same(name, h) or name.lower() in h.lower() for h in holders):
                continue
            if not self.ground.book.by_surname.get(name) and name not in _SENTENCE_OPENERS:
                return f"names {name}, who is not in the cited sentences"
        return None

    def supported(self, text: str, ids: list[str]) -> str | None:
        """Most of what the line says must be in the sentences it cites (a paraphrase keeps
        its content words); otherwise it says something they do not."""
        words = content_words(text)
        if len(words) < _MIN_SUPPORT_WORDS:
            return None
        cited = content_words(self.cited_text(ids))
        share = len(words & cited) / len(words)
        if share < _MIN_SUPPORT:
            return f"says what the cited sentences do not ({share:.0%} of its words are in them)"
        return None

    def attribution_right(self, text: str) -> str | None:
        """Who said what, as ``check`` judges it: the first problem, in ``check``'s words."""
        problems = self.ground.judge_text(text)
        return problems[0][1].message if problems else None

    def facts_right(self, text: str) -> str | None:
        """Names, numbers, dates and polarity, as ``check`` judges them: the first problem."""
        problems = self.facts.judge_text(text)
        return problems[0][1].message if problems else None

    def line(self, text: str, ids: list[str]) -> str | None:
        return (
            self.ids(ids)
            or self.grounded(text, ids)
            or self.verbatim(text, ids)
            or self.supported(text, ids)
            or self.subject(text, ids)
            or self.attribution_right(text)
            or self.facts_right(text)
        )

    def speaker(self, att: LLMAttribution, engine: list[Attribution]) -> Attribution | None:
        """The engine's attribution in the cited sentences that has the model's speaker."""
        return next(
            (a for a in engine if any(self.ground.same(att.speaker, n) for n in self._names(a))),
            None,
        )

    def _names(self, a: Attribution) -> list[str]:
        return self.ground.holder_names(a)

    def attribution(self, att: LLMAttribution) -> tuple[str | None, Attribution | None]:
        """A reason to withhold the model's attribution, or the engine's that confirms it."""
        ids = att.sentence_ids
        reason = (
            self.ids(ids)
            or self.grounded(att.claim, ids)
            or self.verbatim(att.claim, ids, att.quote)
            or self.supported(att.claim, ids)
            or self.subject(att.claim, ids)
            or self.via_named(att)
        )
        if reason:
            return reason, None
        for quote in [m.group(1) for m in _QUOTED.finditer(att.claim)] + [att.quote or ""]:
            problem = self.ground.judge_quote(quote, att.speaker) if quote.strip() else None
            if problem is not None:
                return f"gives {att.speaker} words that {problem.expected} said", None
        match = self.speaker(att, self.attributions_in(ids))
        if match is None:
            return (
                f"names {att.speaker} as the source, which the article does not support "
                "for these sentences",
                None,
            )
        claim = Claim(0, len(att.claim), att.claim, None, content_words(att.claim))
        atts, sents = self.ground.align(claim)
        hedge = self.ground.judge_hedge(claim, atts, sents)
        terms = self.ground.judge_terms(att.claim, att.speaker, sents[:1])
        problem = hedge or (terms[0] if terms else None)
        return (problem.message if problem else None), match


def verify(analysis: Analysis, extraction: LLMExtraction) -> Verified:
    """Sort the model's items into those the brief may use and those it must withhold."""
    judge = _Judge(analysis)
    out = Verified(article_id=analysis.article.id)
    spans = SpanJudge(analysis, judge.ground)
    for att in extraction.attributions:
        if att.content is not None:
            _span_attribution(att, spans, out)
            continue
        ids = judge.supporting(" ".join([att.claim, att.quote or ""]), att.sentence_ids)
        att = att.model_copy(update={"sentence_ids": ids})
        reason, match = judge.attribution(att)
        if reason or match is None:
            out.withheld.append(
                Withheld("attribution", f"{att.speaker}: {att.claim}", reason or "")
            )
            continue
        engine_via = [v.canonical or v.text for v in match.via]
        if engine_via and not all(
            any(judge.ground.same(v, mv) for mv in att.via) for v in engine_via
        ):
            att = att.model_copy(update={"via": engine_via})  # the engine's chain wins
            out.disagreements += 1
        out.attributions.append(att)
    # the lines are judged by the reconciled attributions, as the brief's gate and ``check``
    # judge them: a line crediting a speaker only the model found, and grounded, is not his
    # words given to no one
    line_judge = judge.reading(_reconciled(analysis, out))
    lines: list[tuple[str, list[Any], list[Any]]] = [
        ("bottom_line", extraction.bottom_line, out.bottom_line),
        ("event", extraction.events, out.events),
    ]
    for kind, items, kept in lines:
        for item in items:
            ids = line_judge.supporting(item.text, item.sentence_ids)
            item = item.model_copy(update={"sentence_ids": ids})
            reason = line_judge.line(item.text, ids)
            if reason:
                out.withheld.append(Withheld(kind, item.text, reason))
            else:
                kept.append(item)
    for kind, kept in (("bottom_line", out.bottom_line), ("event", out.events)):
        for item in list(kept):
            reason = spans.one_reading(item.text, item.sentence_ids, out.uncertain)
            if reason:  # one of two doubtful speakers, alone, may be the wrong one
                kept.remove(item)
                out.withheld.append(Withheld(kind, item.text, reason))
    return out


def _reconciled(analysis: Analysis, out: Verified) -> Analysis:
    from briefing.verify.reconciled import reconciled  # it reads ``Verified``

    return reconciled(analysis, out)


def _span_attribution(att: LLMAttribution, spans: SpanJudge, out: Verified) -> None:
    """A model attribution given as verbatim strings: located, grounded, reconciled."""
    located = spans.judge(att)
    out.disagreements += located.disagrees
    if located.reason or located.attribution is None:
        reason = (
            located.reason
            or f"the engine has these words from another source ({located.engine_id})"
        )
        out.withheld.append(Withheld("attribution", f"{att.speaker}: {att.content}", reason))
        return
    if located.doubt is not None and located.engine_id is not None:
        out.uncertain.setdefault(located.engine_id, (located.attribution, located.doubt))
    elif located.engine_id is not None:
        out.confirmed.add(located.engine_id)
        if located.disagrees:  # the same speaker through another chain: the engine's wins
            engine = next(a for a in spans.an.attributions if a.id == located.engine_id)
            att = att.model_copy(update={"via": [v.canonical or v.text for v in engine.via]})
    else:
        out.found.append(located.attribution)
    ids = located.attribution.sentence_ids
    out.attributions.append(att.model_copy(update={"sentence_ids": ids}))
