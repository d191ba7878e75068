"""Facts: what an article gives beyond who said what, its names, numbers, dates and polarity.

``grounding`` decides whether a claim keeps the article's speakers, chains and hedges; this
module decides whether it keeps the article's facts, the judgements ``check`` reports as

- ``unsupported_entity``: a name, place or organisation the article never mentions, in any of
  the forms it may take (a surname for a full name, a demonym or a capital for a country, an
  acronym for its words, the registry's aliases);
- ``number_mismatch``: a number, amount, ordinal or date the article gives in no equivalent form
  ("5bn", "5 billion" and "5,000,000,000" are one amount; "fourth" and "4th" one ordinal);
- ``negation_flipped``: a clause that restates an article sentence but denies what it says, or
  says the opposite ("closing" for "opening", from the antonyms of ``data/polarity.yaml``);
- ``unsupported_claim``: a clause whose content words no article sentence has.

Each is conservative: a false alarm costs a gate its users, so a judgement is made only where
the article's own words show the difference. The article is read once (``Facts``), then asked of
any number of claims; everything here is regular expressions and sets, no parse.
"""

from __future__ import annotations

import functools
import math
import re

from briefing.analyze.claims import Claim, Problem, containment
from briefing.analyze.contexts import (
    ANTONYMS,
    RIVALS,
    Contexts,
    Occurrence,
    changed,
    clause_starts,
    occurrences,
)
from briefing.analyze.figures import (
    Number,
    Token,
    acronym,
    capital_runs,
    number_slot,
    numbers,
    same_number,
    tokens,
    unit_after,
    with_unit,
    word_forms,
)
from briefing.analyze.lexicon import lexicon, registry
from briefing.ingest.sentences import split_sentences
from briefing.models import Sentence

_LEX = lexicon()
_NUMBERS = _LEX.numbers
_NEGATORS = _LEX.polarity.negators
_STOP = _LEX.stopwords.words
_TITLES = _LEX.titles.words
_WEEKDAYS = {d.lower() for d in _LEX.calendar.weekdays}
_MONTHS = {w.lower(): i for i, forms in enumerate(_LEX.calendar.months, 1) for w in forms}

# A clause must share this share of its content words with an article sentence to restate it,
# and at least this many of them.
MIN_RESTATE = 0.5
MIN_SHARED = 2
# A word of a summary is the article's word where the two share this many neighbours.
MIN_NEIGHBOURS = 2
# A clause restates an article sentence this closely before a number in it must be that
# sentence's own.
MOVED_SHARE = 0.6
# A clause with fewer content words than this is too short to be a claim of its own.
MIN_CLAIM_WORDS = 3
# Below this best overlap with any sentence, and below the second share against the article's
# words as a whole, no sentence of the article supports the clause.
MAX_SUPPORT, MAX_ARTICLE_SUPPORT = 0.2, 0.34
# A negator governs the first content word at most this many words after it.
NEGATION_REACH = 3
# Shortest root that a demonym and its country must share ("Israel" in "Israeli").
MIN_ROOT = 4

_CLAUSE_CUT = re.compile(r"[,;:]\s|\s[-–—]\s|\s(?=(?:but|while|whereas|although|because)\s)")
_ABOUT_ARTICLE = re.compile(r"\b(?:the|this) (?:article|account|report|story)\b", re.IGNORECASE)
_OPENERS = ".!?:;\"“‘'(–—-"
_DEMONYM_SUFFIXES = ("ians", "ian", "eans", "ean", "ans", "an", "ese", "ish", "is", "i", "n", "s")


def clauses(sentence: Sentence) -> list[tuple[int, int]]:
    """The clauses of a sentence, as (start, end) offsets in the text the sentence is in."""
    cuts = [0, *(m.end() for m in _CLAUSE_CUT.finditer(sentence.text)), len(sentence.text)]
    return [
        (sentence.start + a, sentence.start + b)
        for a, b in zip(cuts, cuts[1:], strict=False)
        if b > a
    ]


def _about_the_article(clause: str) -> bool:
    """Does the clause speak of the article and its sourcing ("the article cites no independent
    confirmation") rather than state something the article should support?"""
    return bool(_ABOUT_ARTICLE.search(clause)) or any(
        p.search(clause) for p in registry().unverified
    )


class _Sent:
    """One article sentence as this module reads it: its content words' keys at once, its
    tokens and clauses when a claim is compared with it (most sentences never are)."""

    __slots__ = ("sentence", "keys", "_tokens", "_starts")

    def __init__(
        self,
        sentence: Sentence,
        toks: list[Token] | None = None,
        keys: set[str] | None = None,
        starts: list[int] | None = None,
    ) -> None:
        self.sentence = sentence
        self._tokens = toks
        self._starts = starts or None  # each token's clause (``clause_starts``)
        if keys is None:
            keys = {t.key for t in self.tokens if t.content}
        self.keys = keys

    @property
    def tokens(self) -> list[Token]:
        if self._tokens is None:
            self._tokens = tokens(self.sentence.text, self.sentence.start)
        return self._tokens

    @property
    def starts(self) -> list[int]:
        if self._starts is None:
            self._starts = clause_starts(self.tokens, self.sentence.text, self.sentence.start)
        return self._starts

    def negated(self, i: int) -> bool:
        """Is the word at index ``i`` in the reach of a negator, in its clause?"""
        since = max(i - NEGATION_REACH - 1, self.starts[i] if i < len(self.starts) else 0, 0)
        return any(t.low in _NEGATORS for t in self.tokens[since:i])

    def quote(self, limit: int = 160) -> str:
        text = " ".join(self.sentence.text.split())
        return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _span(toks: list[Token]) -> str:
    return " ".join(t.text for t in toks)


class Facts:
    """What one article gives, asked of any number of claims; the article is read once."""

    def __init__(self, sentences: list[Sentence]) -> None:
        reg = registry()
        forms = [word_forms(s.text) for s in sentences]
        self.sents = [
            _Sent(s, keys={k for _, _, k, content in f if content})
            for s, f in zip(sentences, forms, strict=True)
        ]
        words = {low for f in forms for _, low, _, _ in f}
        self.vocab = words | {w.replace(".", "") for w in words}
        self.capitals = {low for f in forms for w, low, _, _ in f if w[0].isupper()}
        text = " ".join(s.text for s in sentences)
        for country, _ in reg.find_places(text):
            for name in (country.name, *country.demonyms, *country.metonyms):
                for t in tokens(name):
                    self.vocab |= {t.low, t.low.replace(".", "")}
                    self.capitals.add(t.low)
        for outlet, _ in reg.find_outlets(text):
            for alias in outlet.aliases:
                self.vocab |= {t.low for t in tokens(alias)}
        self.keys = {k for s in self.sents for k in s.keys}
        self.months = {
            _MONTHS[low] for f in forms for w, low, _, _ in f if w[0].isupper() and low in _MONTHS
        }
        self.weekdays = {low for f in forms for _, low, _, _ in f if low in _WEEKDAYS}
        self.contexts = Contexts(
            [s.keys for s in self.sents], lambda i: (self.sents[i].tokens, self.sents[i].starts)
        )

    @functools.cached_property
    def acronyms(self) -> set[str]:
        """The initials of the article's runs of capitalised words ("eu" of "European Union"):
        read when a claim has a word in capitals the article does not spell out."""
        return {
            acronym(r)
            for s in self.sents
            for r in capital_runs(s.tokens, s.sentence.text, s.sentence.start)
            if len(r) > 1
        }

    @functools.cached_property
    def numbers(self) -> list[tuple[Number, _Sent]]:
        """Every number the article gives, with its sentence: read when a claim has a number."""
        return [(n, s) for s in self.sents for n in numbers(s.sentence.text, s.sentence.start)]

    # -- alignment --------------------------------------------------------------------------------
    def align(self, words: set[str]) -> tuple[_Sent | None, float]:
        """The article sentence that holds most of these content words, and the share it holds."""
        best = max(self.sents, key=lambda s: containment(words, s.keys), default=None)
        return best, (containment(words, best.keys) if best is not None else 0.0)

    def restated(self, words: set[str]) -> _Sent | None:
        """The article sentence a clause of these content words restates, if one does."""
        found = self.restating(words)
        return found[0] if found else None

    def restating(self, words: set[str], share: float = MIN_RESTATE) -> list[_Sent]:
        """Every article sentence a clause of these content words restates, best first."""
        found = [
            s
            for s in self.sents
            if containment(words, s.keys) >= share and len(words & s.keys) >= MIN_SHARED
        ]
        return sorted(found, key=lambda s: -containment(words, s.keys))

    # -- names ------------------------------------------------------------------------------------
    def known(self, t: Token, run: list[Token]) -> bool:
        """Does the article mention this word of a name, in any form it may take?"""
        low = t.low
        if low in self.vocab or low.replace(".", "") in self.vocab:
            return True
        if low in _STOP or low in _TITLES or low in _MONTHS or low in _WEEKDAYS:
            return True
        if t.text.isupper() and low.replace(".", "") in self.acronyms:
            return True  # "EU" for "European Union"
        if len(run) > 1 and acronym(run) in self.vocab:
            return True  # "European Union" for "EU"
        for suffix in _DEMONYM_SUFFIXES:
            root = low.removesuffix(suffix)
            if (
                root != low
                and len(root) >= MIN_ROOT
                and any(c.startswith(root) for c in self.capitals)
            ):
                return True  # "Ukrainian" for "Ukraine"
        return len(low) >= MIN_ROOT and any(c.startswith(low) for c in self.capitals)

    def judge_entities(self, sent: Sentence, toks: list[Token]) -> list[Problem]:
        out = []
        reg = registry()
        for run in capital_runs(toks, sent.text, sent.start):
            head = run[0]
            before = sent.text[: head.start - sent.start].rstrip()
            if len(run) == 1 and (not before or before[-1] in _OPENERS):
                if not reg.find_places(head.text):
                    continue  # "Previously, ...": a sentence's first word is capitalised anyway
            unknown = [t for t in run if not self.known(t, run)]
            if not unknown:
                continue
            name = _span(run)
            words = {t.key for t in toks if t.content} - {t.key for t in unknown}
            near = self.restated(words)
            theirs = self._counterpart(run, near) if near else None
            missing = ", ".join(f"“{t.text}”" for t in unknown)
            where = f" ({near.sentence.id}: “{near.quote()}”)" if near else ""
            if theirs:
                message = f"Names “{name}”; the article has “{theirs}”{where}, never {missing}"
            else:
                message = f"Names “{name}”; the article never mentions {missing}"
            out.append(
                Problem(
                    "unsupported_entity",
                    message,
                    theirs or "a name the article mentions",
                    name,
                    [near.sentence.id] if near else [],
                )
            )
        return out

    def _counterpart(self, run: list[Token], near: _Sent) -> str | None:
        """The name in the article's sentence that the summary's name stands in for: the one
        that shares a word with it ("Ozy Media" for "UFO Media")."""
        mine = {t.low for t in run if t.low not in _TITLES}
        for r in capital_runs(near.tokens, near.sentence.text, near.sentence.start):
            theirs = {t.low for t in r if t.low not in _TITLES}
            if theirs & mine and theirs != mine:
                return " ".join(t.text for t in r)
        return None

    # -- numbers and dates ------------------------------------------------------------------------
    def number_known(self, n: Number, unit: str | None = None) -> bool:
        """Does the article give this number in some form? A number of a unit of time ("30
        days") is the article's only where the article gives it of that unit."""
        return any(
            same_number(a, n)
            for a, s in self.numbers
            if unit is None or unit_after(s.sentence.text, a.end - s.sentence.start) == unit
        )

    def judge_numbers(self, sent: Sentence, toks: list[Token]) -> list[Problem]:
        out = []
        words = {t.key for t in toks if t.content}
        near = self.restated(words)
        for n in numbers(sent.text, sent.start):
            unit = unit_after(sent.text, n.end - sent.start)
            if self.number_known(n, unit):
                moved = self._moved(n, sent, toks)
                if moved is not None:
                    out.append(moved)
                continue
            theirs = [
                with_unit(a, s.sentence) if unit else a.text
                for a, s in self.numbers
                if near is not None and s is near and a.ordinal == n.ordinal
            ]
            out.append(self._mismatch(with_unit(n, sent) if unit else n.text, theirs, near))
        for t in toks:
            if (
                t.capital
                and t.low in _MONTHS
                and t is not toks[0]
                and _MONTHS[t.low] not in self.months
            ):
                out.append(self._mismatch(t.text, self._dates(near, _MONTHS), near))
            elif t.low in _WEEKDAYS and t.low not in self.weekdays:
                out.append(self._mismatch(t.text, self._dates(near, _WEEKDAYS), near))
        return out

    def _moved(self, n: Number, sent: Sentence, toks: list[Token]) -> Problem | None:
        """A number the article gives, but for something else: the summary's clause restates an
        article sentence closely, has the number where that sentence has another one (the
        same word before it or after it), and that sentence never gives the summary's."""
        a, b = next(((a, b) for a, b in clauses(sent) if a <= n.start < b), (sent.start, sent.end))
        words = {t.key for t in toks if t.content and a <= t.start < b}
        if len(words) < MIN_CLAIM_WORDS:  # "..., in 1984, ...": the sentence is the claim
            words = {t.key for t in toks if t.content}
        mine = number_slot(toks, n.start, n.end)
        for near in self.restating(words, MOVED_SHARE):
            theirs = [m for m, s in self.numbers if s is near]
            if any(same_number(m, n) for m in theirs):
                return None
            for m in theirs:
                if m.ordinal != n.ordinal:
                    continue
                if number_slot(near.tokens, m.start, m.end) & mine:
                    elsewhere = next(
                        (s for x, s in self.numbers if math.isclose(x.value, n.value)), None
                    )
                    other = (
                        f"; {elsewhere.sentence.id} gives it for something else"
                        if elsewhere
                        else ""
                    )
                    where = f" ({near.sentence.id}: “{near.quote()}”)"
                    return Problem(
                        "number_mismatch",
                        f"The article gives “{m.text}” here{where}; the summary says “{n.text}”"
                        f"{other}",
                        m.text,
                        n.text,
                        [near.sentence.id] + ([elsewhere.sentence.id] if elsewhere else []),
                    )
            return None
        return None

    def _dates(self, near: _Sent | None, names: dict[str, int] | set[str]) -> list[str]:
        return [t.text for t in near.tokens if t.capital and t.low in names] if near else []

    def _mismatch(self, found: str, theirs: list[str], near: _Sent | None) -> Problem:
        where = f" ({near.sentence.id}: “{near.quote()}”)" if near else ""
        if theirs:
            given = " and ".join(f"“{x}”" for x in dict.fromkeys(theirs))
            message = f"The article gives {given}{where}; the summary says “{found}”"
        else:
            message = f"The summary says “{found}”, which the article gives nowhere{where}"
        return Problem(
            "number_mismatch",
            message,
            ", ".join(dict.fromkeys(theirs)) or "a figure the article gives",
            found,
            [near.sentence.id] if near else [],
        )

    # -- polarity ---------------------------------------------------------------------------------
    def judge_polarity(self, toks: list[Token]) -> Problem | None:
        words = {t.key for t in toks if t.content}
        near = self.restated(words)
        if near is None:
            return None
        mine = _Sent(near.sentence, toks, starts=[0] * len(toks))  # one clause already
        # the summary denies what the article says
        for i, t in enumerate(toks):
            if t.low not in _NEGATORS:
                continue
            governed = next((u for u in toks[i + 1 : i + 1 + NEGATION_REACH] if u.content), None)
            if governed is None:
                continue
            where = [j for j, u in enumerate(near.tokens) if u.key == governed.key]
            if where and not any(near.negated(j) for j in where):
                return self._flipped(near, f"{t.text} {governed.text}", governed.text)
        # the summary says what the article denies
        for j, u in enumerate(near.tokens):
            if u.low not in _NEGATORS:
                continue
            after = [
                v
                for k, v in enumerate(near.tokens[j + 1 : j + 1 + NEGATION_REACH], j + 1)
                if v.content and near.starts[k] <= j
            ]
            if not after or after[0].key not in words:
                continue
            if sum(v.key in words for v in after) < min(2, len(after)):
                continue
            at = [i for i, t in enumerate(toks) if t.key == after[0].key]
            if at and not any(mine.negated(i) for i in at):
                return self._flipped(near, after[0].text, f"{u.text} {after[0].text}")
        return None

    def judge_neighbours(self, toks: list[Token], starts: list[int]) -> Problem | None:
        """A word the summary denies, asserts or turns into its opposite where the article has it
        among the same neighbours, in whichever sentence: "not looking ahead to filing" where the
        article is "looking ahead to filing", "an old image of the cluster" for "a new image"."""
        mine = occurrences(toks, 0, starts)
        keys = {o.key for o in mine}
        for o in mine:
            there = self.contexts.near(o.key, o.context, MIN_NEIGHBOURS)
            everywhere = self.contexts.at(o.key)
            opposite = any(
                self.contexts.near(u, o.context, MIN_NEIGHBOURS) for u in ANTONYMS.get(o.key, ())
            )
            if o.negated and opposite:
                continue  # "not open" where the article has "closed"
            if o.negated and there and not any(a.negated for a in everywhere):
                return self._flipped(self.sents[there[0].sentence], f"not {o.text}", o.text)
            if o.negated:
                continue
            if there and all(a.negated for a in there) and all(a.negated for a in everywhere):
                return self._flipped(self.sents[there[0].sentence], o.text, f"not {o.text}")
            if there:
                continue
            rival = self._rival(o, keys)
            if rival is not None:
                return rival
            for u in sorted(ANTONYMS.get(o.key, ())):
                if u in keys:
                    continue  # "rose, then fell": the summary has both
                for a in self.contexts.near(u, o.context, MIN_NEIGHBOURS):
                    there_s = self.sents[a.sentence]
                    if (
                        a.negated
                        or not a.adjacent & o.adjacent  # an opposite stands where the word does
                        or o.key in there_s.keys
                        or changed(there_s.tokens, toks)
                    ):
                        continue
                    return self._flipped(there_s, o.text, a.text)
        return None

    def _rival(self, o: Occurrence, keys: set[str]) -> Problem | None:
        """A word of a kind ("sister", "years", "Saudi") where the article has another of that
        kind ("brother", "days", "Israeli") and never the summary's: anywhere in the article for
        things and people, among the same neighbours for qualities, units and places."""
        kind, others, anywhere = RIVALS.get(o.key, ("", set(), False))
        if not others or o.key in self.keys:
            return None
        for u in sorted(others - keys):
            found = self.contexts.at(u) if anywhere else []
            found = found or self.contexts.near(u, o.context, MIN_NEIGHBOURS)
            for a in found:
                near = self.sents[a.sentence]
                where = f" ({near.sentence.id}: “{near.quote()}”)"
                kind_type = "number_mismatch" if kind == "time" else "unsupported_entity"
                return Problem(
                    kind_type,
                    f"Says “{o.text}” where the article has “{a.text}”{where}",
                    a.text,
                    o.text,
                    [near.sentence.id],
                )
        return None

    def _flipped(self, near: _Sent, found: str, theirs: str) -> Problem:
        return Problem(
            "negation_flipped",
            f"Says “{found}” where the article says “{theirs}” "
            f"({near.sentence.id}: “{near.quote()}”)",
            theirs,
            found,
            [near.sentence.id],
        )

    # -- support ----------------------------------------------------------------------------------
    def judge_support(self, toks: list[Token]) -> Problem | None:
        words = {t.key for t in toks if t.content}
        if len(words) < MIN_CLAIM_WORDS:
            return None
        best, share = self.align(words)
        if share >= MAX_SUPPORT or containment(words, self.keys) >= MAX_ARTICLE_SUPPORT:
            return None
        return Problem(
            "unsupported_claim",
            f"States “{_span(toks)}”, which no sentence of the article supports",
            "content the article contains",
            _span(toks),
            [best.sentence.id] if best is not None and share > 0 else [],
        )

    # -- a whole text -----------------------------------------------------------------------------
    def judge_text(self, text: str) -> list[tuple[Claim, Problem]]:
        """Every problem of a text of one or more sentences, each with the sentence it is in."""
        out: list[tuple[Claim, Problem]] = []
        for sent in split_sentences(text):
            toks = tokens(sent.text, sent.start)
            claim = Claim(sent.start, sent.end, sent.text, None)
            problems = self.judge_entities(sent, toks) + self.judge_numbers(sent, toks)
            for a, b in clauses(sent):
                part = [t for t in toks if a <= t.start < b]
                flipped = self.judge_polarity(part)
                if flipped is not None:
                    problems.append(flipped)
                unsupported = None if _about_the_article(text[a:b]) else self.judge_support(part)
                if unsupported is not None:
                    problems.append(unsupported)
            if not any(p.type == "negation_flipped" for p in problems):
                turned = self.judge_neighbours(toks, clause_starts(toks, sent.text, sent.start))
                if turned is not None:
                    problems.append(turned)
            seen: set[tuple[str, str | None]] = set()
            for p in problems:
                if (p.type, p.found) not in seen:
                    seen.add((p.type, p.found))
                    out.append((claim, p))
        return out
