"""Who a pronoun or a description stands for, or no one when two could.

"She said" after a paragraph about John Podesta is not Podesta's; "he added" after a sentence
that names two men is neither's until one of them is clearly the one speaking. A wrong name is a
misattribution, the worst thing the brief can print; an unresolved "she" is honest. So a
pronoun source resolves only when exactly one of the people (or organisations) it agrees with is
in focus:

- agreement: "he" and "she" are people of that gender or of a gender the article does not show
  (titles "Mr."/"Mrs.", a first name in ``first_names.yaml``, "spokeswoman"); "it" is an
  organisation, never a person; "they" an organisation or group named as a source just before;
  "I" and "we" are the speaker of the quotation they stand in (``quotes.first_person``);
- focus: the latest sentence before the pronoun that mentions a fitting candidate. Names inside
  quotations are what a speaker talks about, not who speaks, so they do not count, and sentences
  that are only quotation are passed over: a quotation paragraph continues the speaker before it;
- one fitting candidate in focus resolves; two resolve only when exactly one of them is that
  sentence's speaker and the pronoun is in a later sentence; otherwise the source stays the
  pronoun with no canonical name. So does a pronoun whose focus is an unnamed person ("a
  spokesman") or a surname two people share.

Descriptions: "the senator" is the one person the article titles so ("Sen. Ted Cruz"), when there
is exactly one and they were mentioned lately; "the agency" the one organisation in focus.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace
from typing import Literal

from briefing.analyze.lexicon import Registry, lexicon
from briefing.analyze.sources import (
    NameBook,
    is_person,
    person_names,
    surname,
)
from briefing.ingest.quotes import Quote
from briefing.models import Sentence, Source, SourceType

_LEX = lexicon()
_PRONOUNS = _LEX.pronouns
_COREF = _LEX.coref
_FIRST = _LEX.first_names
_TITLES = _LEX.titles.words
_FUNCTION_WORDS = _LEX.stopwords.words | _LEX.names.party_words  # not part of a name
_MEDIA_TYPES = {"outlet", "state_media", "wire", "public_broadcaster"}
_ORG_TYPES = _MEDIA_TYPES | {"government"}
_DESCRIPTION = re.compile(r"^the\s+(.+)$", re.I)
_POSSESSIVE_END = re.compile(r"(?:’s|'s|’|')$")
_HEAD_END = re.compile(r"\s+(?:of|from|for|at|in|on|with)\s+|,")
# how far back (in sentences outside quotations) a pronoun's antecedent may be
FOCUS_WINDOW = 3

Gender = Literal["m", "f"] | None
Agreement = Literal["m", "f", "plural", "neuter", "first", "person", "org"]


@dataclass
class Entity:
    """A person or organisation a pronoun may stand for; ``name`` None when it has none to give
    (an unnamed spokesman, a surname two people share): such a one in focus blocks resolution."""

    name: str | None
    person: bool
    gender: Gender = None
    type: SourceType = "other"
    titles: set[str] = field(default_factory=set)
    bearers: list[Entity] = field(default_factory=list)  # of a shared surname: who it may be
    unknown: bool = False  # a source the article does not let us type: it fits any pronoun


@dataclass
class Mention:
    pos: int
    sent: int  # index of the sentence
    entity: Entity
    speaker: bool = False
    quoted: bool = False  # inside a quotation: a candidate only for a pronoun inside one
    possessor: bool = False  # "Bill Clinton's": someone else's relation is named next


def gender_of(first: str) -> Gender:
    low = first.lower()
    if low in _FIRST.male:
        return "m"
    if low in _FIRST.female:
        return "f"
    return None


def agreement(pronoun: str) -> Agreement | None:
    p = pronoun.strip().lower()
    for kind, words in (
        ("m", _PRONOUNS.male),
        ("f", _PRONOUNS.female),
        ("plural", _PRONOUNS.plural),
        ("neuter", _PRONOUNS.neuter),
        ("first", _PRONOUNS.first_person),
    ):
        if p in words:
            return kind  # type: ignore[return-value]
    return None


def description_head(text: str) -> str | None:
    """The head of a definite description ("the former secretary of state" -> "secretary")."""
    m = _DESCRIPTION.match(text.strip())
    if not m or any(w[:1].isupper() for w in m.group(1).split()):
        return None
    words = _HEAD_END.split(m.group(1), maxsplit=1)[0].split()
    return words[-1].lower() if words else None


class Coref:
    """The people and organisations of one article, and where they are mentioned."""

    def __init__(
        self,
        text: str,
        sentences: list[Sentence],
        quotes: list[Quote],
        book: NameBook,
        reg: Registry,
    ) -> None:
        self.text, self.book, self.reg = text, book, reg
        self._quotes = quotes
        self._quote_starts = [q.start for q in quotes]
        self._sent_starts = [s.start for s in sentences]
        # the rank of each sentence among those not wholly inside a quotation
        self._narrative: list[int] = []
        rank = 0
        for s in sentences:
            if not self._quoted_only(s):
                rank += 1
            self._narrative.append(rank)
        self.people: dict[str, Entity] = {}
        self._known = set(book.people())  # full names, and surnames given with a title
        self._shared: dict[str, Entity] = {}
        self._orgs: dict[str, Entity] = {}
        self.mentions: list[Mention] = []
        self._people_mentions()
        self._org_mentions()
        self.mentions.sort(key=lambda m: m.pos)
        self._mention_pos = [m.pos for m in self.mentions]
        # a speaker's entity, by its span and name: asked again for every later pronoun
        self._speakers: dict[tuple[int, int, str, str | None], Entity] = {}

    # --- the article's entities --------------------------------------------------------------

    def _quoted_only(self, s: Sentence) -> bool:
        return any(q.start <= s.start + 1 and q.end >= s.end - 2 for q in self._quotes_in(s))

    def _quotes_in(self, s: Sentence) -> list[Quote]:
        i = max(0, bisect.bisect_right(self._quote_starts, s.start) - 1)
        out = []
        while i < len(self._quotes) and self._quotes[i].start < s.end:
            if self._quotes[i].end > s.start:
                out.append(self._quotes[i])
            i += 1
        return out

    def in_quote(self, pos: int) -> bool:
        i = bisect.bisect_right(self._quote_starts, pos) - 1
        return i >= 0 and self._quotes[i].start < pos < self._quotes[i].end

    def sentence_of(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self._sent_starts, pos) - 1)

    def _person(self, name: str) -> Entity:
        """The entity of a person's name: the book's full name, a surname two people share (no
        name to give), or a name the book does not know in full ("Hannity")."""
        canonical = self.book.full(name)
        if canonical in self.people:
            return self.people[canonical]
        sur = surname(canonical)
        if canonical == name and sur in self.book.shared and " " not in name:
            if sur not in self._shared:
                bearers = [self._person(p) for p in self.book.bearers.get(sur, [])]
                genders = {b.gender for b in bearers}
                gender = genders.pop() if len(genders) == 1 else None
                self._shared[sur] = Entity(None, person=True, gender=gender, bearers=bearers)
            return self._shared[sur]
        ent = Entity(canonical, person=True, gender=gender_of(canonical.split()[0]))
        if " " not in canonical:
            ent.gender = None  # a surname alone says nothing of gender
        if self._place(sur):
            ent.person, ent.gender = False, None  # "Airservices Australia": an organisation
        self.people[canonical] = ent
        return ent

    def _place(self, name: str) -> bool:
        places = self.reg.find_places(name)
        return bool(places) and places[0][1].group(0) == name

    def _people_mentions(self) -> None:
        known = self._known
        found = [
            (_without_function_words(n), s, e)
            for n, s, e in person_names(self.text, self.reg)
            if _without_function_words(n)
        ]
        # a surname the article gives only with a title ("President Biden") is someone too
        known |= (
            {
                n
                for n, s, e in found
                if " " not in n
                and self._titles(n, s, e) & _COREF.person_title_words
                and not self._place(n)
            }
            - set(self.book.by_surname)
            - self.book.shared
        )
        for name, s, e in found:
            if self._place(name):
                continue  # "Israel's airlines": a country, whoever else is called so
            canonical = self.book.full(name)
            if canonical not in known and surname(canonical) not in self.book.shared:
                continue
            ent = self._person(name)
            titles = self._titles(name, s, e)
            gender: Gender = None
            if titles & _COREF.male_titles:
                gender = "m"
            elif titles & _COREF.female_titles:
                gender = "f"
            if ent.name is None and gender:
                # "Mrs. Clinton" beside Bill and Hillary Clinton: the one woman of them
                fits = [b for b in ent.bearers if b.gender in (gender, None)]
                ent = fits[0] if len(fits) == 1 else ent
            if ent.name is not None:
                ent.titles |= titles
                ent.gender = gender or ent.gender
            tokens = list(re.finditer(r"\S+", self.text[s:e]))
            at = s + tokens[max(0, len(tokens) - len(name.split()))].start()  # after titles
            possessor = bool(_POSSESSIVE_END.search(self.text[s:e]))
            self.mentions.append(
                Mention(
                    at, self.sentence_of(at), ent, quoted=self.in_quote(at), possessor=possessor
                )
            )

    def _titles(self, name: str, s: int, e: int) -> set[str]:
        """The title words before a name in its run, and the lowercase word before the run."""
        run = self.text[s:e].split()
        n = len(name.split())
        titles = {t.rstrip(".").lower() for t in run[: max(0, len(run) - n)]}
        before = re.search(r"([a-z]+)\.?\s+$", self.text[max(0, s - 30) : s])
        if before and (before.group(1) in _TITLES or before.group(1) in _COREF.female_titles):
            titles.add(before.group(1))
        return titles

    def _org(self, name: str, kind: SourceType) -> Entity:
        if name not in self._orgs:
            self._orgs[name] = Entity(name, person=False, type=kind)
        return self._orgs[name]

    def _org_mentions(self) -> None:
        """The outlets the article names; other organisations are known by what they say."""
        for outlet, m in self.reg.find_outlets(self.text):
            if not self.in_quote(m.start()):
                ent = self._org(outlet.name, outlet.type)
                self.mentions.append(Mention(m.start(), self.sentence_of(m.start()), ent))

    def _of_source(self, src: Source) -> Entity:
        """The entity a source found by the rules stands for."""
        low = src.text.strip().lower()
        if src.canonical is None:
            kind = agreement(low)
            head = (src.text.split(",")[0].strip().lower().split() or [""])[-1]
            gender: Gender = None
            if head in _COREF.male_roles or kind == "m":
                gender = "m"
            elif head in _COREF.female_roles or kind == "f":
                gender = "f"
            person = is_person(src) or kind in ("m", "f")
            return Entity(None, person=person, gender=gender, type=src.type)
        name = _without_function_words(src.canonical)
        if self.book.full(name) in self._known or surname(name) in self.book.shared:
            ent = self._person(name)
            ent.type = src.type
            return ent
        if not is_person(src):
            return self._org(src.canonical, src.type)
        # a capitalised source the book does not know as a person ("Democrats", "Amazon")
        return Entity(None, person=True, type=src.type, unknown=True)

    # --- resolution ----------------------------------------------------------------------------

    def resolve(self, src: Source, history: list[tuple[int, Source]]) -> Source:
        """``src`` with the canonical name and type of what it stands for, when that is clear;
        a pronoun or description it cannot resolve comes back with no canonical name."""
        low = src.text.strip().lower()
        kind = agreement(low)
        head = None
        if kind is None:
            if src.canonical is not None:
                return src
            head = description_head(src.text)
            if head in _COREF.person_titles:
                kind = "person"
            elif head in _COREF.org_heads:
                kind = "org"
            else:
                return src
        unresolved = src.model_copy(update={"canonical": None})
        if kind == "first":
            return unresolved  # the speaker of its quotation, once that is known: first_person
        here = self.sentence_of(src.start)
        spoke = False
        if kind == "person":
            ent = self._titled(src.text, head or "", here, src.start)
        elif kind == "org" and (named := self._org_named(head or "")) is not None:
            ent = named
        else:
            media = kind != "org" or head in _COREF.media_heads
            ent, spoke = self._focus(kind, src.start, here, history, media)
        if ent is None or ent.name is None:
            return unresolved
        titled = bool(ent.titles & _TITLES - _FUNCTION_WORDS)
        if (
            kind in ("m", "f")
            and ent.gender != kind
            and not (spoke and titled and ent.gender is None)
        ):
            # a name of no known gender may be no person ("Silicon Valley"), unless it is the
            # one who has just spoken, with a title ("CEO Stephane Bancel")
            return unresolved
        return src.model_copy(update={"canonical": ent.name, "type": ent.type})

    def _speaker_entity(self, src: Source) -> Entity:
        """A speaker's entity; nobody in particular when its phrase names two people ("Biden
        rubbished Trump's"): which of them speaks, the phrase does not settle; nor when it is
        someone's someone ("Bill Clinton's former chief of staff")."""
        key = (src.start, src.end, src.text, src.canonical)
        if key not in self._speakers:
            self._speakers[key] = self._new_speaker_entity(src)
        return self._speakers[key]

    def _mentions_between(self, start: int, end: int) -> list[Mention]:
        """The mentions at offsets ``start <= pos < end``, in order."""
        lo = bisect.bisect_left(self._mention_pos, start)
        hi = bisect.bisect_left(self._mention_pos, end, lo)
        return self.mentions[lo:hi]

    def _new_speaker_entity(self, src: Source) -> Entity:
        within = [m for m in self._mentions_between(src.start, src.end) if m.entity.person]
        inside = _distinct(m.entity for m in within if m.entity.name)
        if len(inside) > 1 or any(m.possessor for m in within):
            # "Bill Clinton's former chief of staff" is someone else, not Bill Clinton
            return Entity(None, person=True, unknown=True)
        return self._of_source(src)

    def named_person(self, src: Source) -> bool:
        """Whether a source is a person the article names ("Sanders", "Sen. Bernie Sanders")."""
        ent = self._of_source(src)
        return ent.person and ent.name is not None and not ent.unknown

    def agrees(self, pronoun: str, src: Source) -> bool:
        """Whether "he" or "she" can be this source ("Clinton said she ..."): an unnamed person
        of no other gender, or a named one of that gender."""
        kind = agreement(pronoun)
        if kind not in ("m", "f"):
            return True
        ent = self._of_source(src)
        if ent.name is None:
            return ent.person and not ent.unknown and ent.gender in (kind, None)
        return ent.gender == kind

    def _fits(self, kind: Agreement, ent: Entity, media: bool) -> bool:
        if ent.unknown:
            return kind != "first"
        if kind in ("m", "f"):
            return ent.person and ent.gender in (kind, None)
        if kind in ("neuter", "org", "plural"):
            return not ent.person and (media or ent.type not in _MEDIA_TYPES)
        return False

    def _as_fits(self, m: Mention, kind: Agreement, media: bool) -> Mention | None:
        """A shared surname's mention as the one bearer the pronoun agrees with, if one does."""
        if m.entity.name is not None or not m.entity.bearers:
            return m
        fits = [b for b in m.entity.bearers if self._fits(kind, b, media)]
        if not fits:
            return None
        return replace(m, entity=fits[0]) if len(fits) == 1 else m

    def _org_named(self, head: str) -> Entity | None:
        """The one organisation whose name has the description's head: "the Commission"."""
        named = [
            e
            for e in self._orgs.values()
            if e.name and re.search(rf"\b{re.escape(head)}\b", e.name, re.I)
        ]
        return named[0] if len(named) == 1 else None

    def _titled(self, text: str, head: str, here: int, pos: int) -> Entity | None:
        titles = _COREF.person_titles[head]
        words = {w.rstrip(".,").lower() for w in text.split()}
        wanted = words & _COREF.title_modifiers  # "the former president" is not the president
        holders = [
            e
            for e in self.people.values()
            if e.titles & titles and e.titles & _COREF.title_modifiers == wanted
        ]
        if len(holders) != 1:
            return None
        near = self._narrative[here] - FOCUS_WINDOW
        seen = any(
            m.entity is holders[0] and m.pos < pos and self._narrative[m.sent] >= near
            for m in self.mentions
        )
        return holders[0] if seen else None

    def _focus(
        self,
        kind: Agreement,
        pos: int,
        here: int,
        history: list[tuple[int, Source]],
        media: bool = True,
    ) -> tuple[Entity | None, bool]:
        window = FOCUS_WINDOW if kind != "plural" else 1
        near = self._narrative[here] - window
        quoted = self.in_quote(pos)
        speakers = [
            Mention(s.start, self.sentence_of(s.start), self._speaker_entity(s), speaker=True)
            for _, s in history
            if s.start < pos and not quoted  # in a quotation, "he" is not the one speaking
        ]
        cands = [
            m
            for m in [*self.mentions, *speakers]
            if m.pos < pos
            and (quoted or not m.quoted)
            and self._narrative[m.sent] >= near
            and self._fits(kind, m.entity, media)
        ]
        if kind == "plural":
            cands = [m for m in cands if m.speaker]
        cands = [c for m in cands if (c := self._as_fits(m, kind, media)) is not None]
        if not cands:
            return None, False
        latest = max(m.sent for m in cands)
        in_focus = [m for m in cands if m.sent == latest]
        entities = _distinct(m.entity for m in in_focus)
        if len(entities) == 1:
            return entities[0], any(m.speaker for m in in_focus)
        if latest == here:
            return None, False  # "Trump told Cruz he ...": either
        talking = _distinct(m.entity for m in in_focus if m.speaker)
        if len(talking) == 1:
            return talking[0], True  # "..., Biden said. “...,” he said.": the one speaking
        return None, False  # two fit and neither is the one speaking: either


def speaker(src: Source | None, depth: int) -> bool:
    """Whether a source is a speaker later pronouns may stand for: every source outside nested
    content, a resolved one inside it, but never "I" or "we". An unresolved "he" is kept too:
    the "he" after it is as unclear, not someone else's."""
    if src is None or agreement(src.text) == "first":
        return False
    return depth == 0 or src.canonical is not None


def _without_function_words(name: str) -> str:
    parts = name.split()
    while parts and parts[0].lower() in _FUNCTION_WORDS:
        parts = parts[1:]
    return " ".join(parts)


def _distinct(entities) -> list[Entity]:  # type: ignore[no-untyped-def]
    out: list[Entity] = []
    for e in entities:
        if not any(e is o or (e.name is not None and e.name == o.name) for o in out):
            out.append(e)
    return out
