"""Naming sources: what a source phrase resolves to, and what kind of source it is.

"Russian President Vladimir Putin", "President Putin" and "Putin" are one person; "North
Korean state media" is KCNA when the article names KCNA; "Pyongyang" and "the North Korean
regime" are the government of North Korea; "it" is whoever "it" last was. Those decisions sit
here, apart from finding the spans, so the brief and ``check`` agree on who is who.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from briefing.analyze.lexicon import Outlet, Registry, lexicon, one_of, registry
from briefing.ingest.sentences import dateline_length, title_case
from briefing.models import Source, SourceType

_LEX = lexicon()
PRONOUNS = _LEX.pronouns.all
_PERSON_PRONOUNS = _LEX.pronouns.person
_ORG_TYPES = {"outlet", "state_media", "wire", "public_broadcaster", "government"}
_MEDIA_TYPES = {"outlet", "state_media", "wire", "public_broadcaster"}
TITLES = _LEX.titles.words
# capital and small letters, accented ones too ("Jorge Castañeda", "François Hollande")
_UP, _LOW = "A-ZÀ-ÖØ-Þ", "a-zß-öø-ÿ"
_WORD_TOKEN = (
    rf"(?:[{_UP}][{_LOW}’']*[{_UP}]?[{_LOW}’']+(?:-[A-Za-z][{_LOW}’']+)*"
    rf"|[{_UP}][{_UP}]+(?=[ \u00a0][{_UP}][{_LOW}]))"
)
# a lowercase particle inside a name, before its next capitalised word ("Bill de Blasio",
# "Ursula von der Leyen")
_NAME_CONNECTORS = _LEX.names.connectors
_CONNECTORS = one_of(_NAME_CONNECTORS - {"and", "&"})
_PARTICLE = rf"(?:{_CONNECTORS})(?=(?:[ \u00a0](?:{_CONNECTORS}))*[ \u00a0][{_UP}])"
_NAME_TOKEN = rf"(?:{_WORD_TOKEN}|[A-Z]\.|{_PARTICLE})"
NAME_RUN = re.compile(rf"{_WORD_TOKEN}(?:[ \u00a0]{_NAME_TOKEN})*")
ORG_WORDS = _LEX.org_words.words
_CALENDAR = _LEX.calendar.names()
_NOT_NAMES = _LEX.names.not_names
_NEGATIVE_OPENERS = _LEX.names.negative_openers
# words of the longest name a run of capitalised words is taken for ("Martin Luther King Jr.")
_MAX_NAME_WORDS = 5
_POSSESSIVE = re.compile(r"(?:’s|'s|’|')$")
_DETERMINERS = re.compile(rf"^(?:{one_of(_LEX.source_phrases.determiners)})\s+", re.I)


def _strip_titles(tokens: list[str], reg: Registry) -> list[str]:
    demonyms = reg.demonym_words
    i = 0
    while i < len(tokens) - 1 and _POSSESSIVE.search(tokens[i]) and tokens[i][-1] in "s’'":
        i += 1  # "Russia’s Foreign Minister Sergei Lavrov"
    while i < len(tokens) - 1 and (
        (low := tokens[i].lower()) in TITLES or low in demonyms or low in _QUALIFIED
    ):  # "Senior Adviser Sidney Blumenthal", "Correspondent Cynthia McFadden"
        i += 1
    return tokens[i:]


# phrases and sentences shorter than this have their names remembered: the engine asks for the
# names of one phrase several times (its actors, its source, its speaker); whole articles are
# asked once and are not kept
_REMEMBERED_CHARS = 400


def person_names(text: str, reg: Registry | None = None) -> list[tuple[str, int, int]]:
    """Capitalised name runs that look like people: (name without titles, start, end).

    A run must keep two tokens after titles are stripped ("Vladimir Putin"), or one token that
    is not a place, outlet or title ("Putin" after "President").
    """
    if (reg is None or reg is registry()) and len(text) < _REMEMBERED_CHARS:
        return list(_shipped_person_names(text))
    return _person_names(text, reg or registry())


@functools.lru_cache(maxsize=4096)
def _shipped_person_names(text: str) -> tuple[tuple[str, int, int], ...]:
    return tuple(_person_names(text, registry()))


def _without_openers(words: list[str]) -> list[str]:
    """A capitalised run's words without the openers in front that name no one: quantifiers,
    adverbs and number words ("Nearly", "Only", "Even"), and days and months."""
    i = 0
    while i < len(words) and (
        words[i].lower().split("-")[0] in _NOT_NAMES or words[i] in _CALENDAR
    ):  # "Twenty-four percent"
        i += 1
    return words[i:]


def _title(token: str) -> bool:
    lower = token.lower()
    return lower not in _STOPWORDS and (lower in TITLES or lower + "." in TITLES)


def _abbreviated_title(token: str) -> bool:
    """A title only ever written short ("Gov", "Sen" before their full stop), never a name."""
    lower = token.lower()
    return lower + "." in TITLES and lower not in TITLES


def _after_inner_title(tokens: list[str]) -> list[str] | None:
    """A run's words after a title inside it ("New Jersey Governor Chris Christie": Chris
    Christie), where two words at least follow it ("Martin Luther King Jr." keeps its King);
    None where the run ends on a short title ("New Jersey Gov" before ". Chris Christie"): what
    precedes a title is where or what the person is, not their name."""
    if len(tokens) > 1 and _abbreviated_title(tokens[-1]):
        return None
    for j in range(len(tokens) - 3, 0, -1):
        if _title(tokens[j]) and not _title(tokens[j - 1]):
            return tokens[j + 1 :]
    return tokens


def _person_names(text: str, reg: Registry) -> list[tuple[str, int, int]]:
    out = []
    for m in NAME_RUN.finditer(text):
        raw = m.group(0)
        tokens = raw.split()
        tokens[-1] = _POSSESSIVE.sub("", tokens[-1])
        inner = _after_inner_title(tokens)
        if inner is None:
            continue
        stripped = _strip_titles(inner, reg)
        stripped = [t for t in stripped if t not in _CALENDAR] or stripped
        stripped = _without_openers(stripped)  # "Although E.U. nations", "Only Trump"
        name = " ".join(stripped)
        if not re.search(r"[A-Za-z][a-z]", name) or len(stripped) > _MAX_NAME_WORDS:
            continue  # "U.", "E."; a headline in capitals is no name
        if not name or name.lower() in TITLES or name in _CALENDAR:
            continue
        if any(t.strip(".,’'") in ORG_WORDS for t in stripped):
            continue  # "Civil Aviation Authority", "Lordstown Motors": an organisation
        if reg.place_or_outlet(name):
            continue
        if len(stripped) == 1 and len(tokens) == 1 and m.start() == 0:
            continue  # a capitalised first word on its own is usually not a name
        out.append((name, m.start(), m.end()))
    return out


_SUFFIXES = _LEX.names.suffixes
_STOPWORDS = _LEX.stopwords.words
_FUNCTION_WORDS = _STOPWORDS | _LEX.names.party_words


def _suffix(parts: list[str]) -> str | None:
    last = parts[-1].rstrip(".").lower() if parts else ""
    return last if len(parts) > 1 and last in _SUFFIXES else None


def surname(name: str) -> str:
    """The surname of a full name: its last word, or the one before "Jr." and the like."""
    parts = name.split()
    return parts[-2] if _suffix(parts) else (parts[-1] if parts else "")


def same_person(a: str, b: str) -> bool:
    """Whether two full names can be one person: one surname and one suffix, and the words of
    the shorter among the longer's, in order ("Hillary Clinton", "Hillary Rodham Clinton"); never
    "Donald Trump" and "Donald Trump Jr.", nor "Bill Clinton" and "Hillary Clinton"."""
    pa, pb = a.lower().split(), b.lower().split()  # "De Blasio" is "Bill de Blasio"'s
    if surname(a) != surname(b) or _suffix(pa) != _suffix(pb):
        return False
    short, long_ = (pa, pb) if len(pa) <= len(pb) else (pb, pa)
    it = iter(long_)
    return all(any(w == x for x in it) for w in short)


@dataclass
class NameBook:
    """Full names seen in an article, so "Putin" resolves to "Vladimir Putin".

    A surname two people in the article bear ("Donald Trump" and "Donald Trump Jr.", "Bill" and
    "Hillary Clinton") is ``shared``: on its own it names neither of them.
    """

    by_surname: dict[str, str] = field(default_factory=dict)
    state_outlets: dict[str, set[str]] = field(default_factory=dict)
    outlet_short: dict[str, Outlet] = field(default_factory=dict)  # "Post" -> The Washington Post
    own_outlets: set[str] = field(default_factory=set)  # the article's own outlet: never a "via"
    bearers: dict[str, list[str]] = field(default_factory=dict)  # surname -> its people
    shared: set[str] = field(default_factory=set)

    @classmethod
    def from_text(cls, text: str, reg: Registry | None = None) -> NameBook:
        reg = reg or registry()
        book = cls()
        headings = _title_case_lines(text)
        for name, start, _ in person_names(text, reg):
            if len(name.split()) > 2 and any(a <= start < b for a, b in headings):
                continue  # "Chris Christie Calls Hillary Clinton": a heading's words run on
            parts = name.split()
            while parts and parts[0].lower() in _FUNCTION_WORDS:
                parts = parts[1:]  # "And Clinton", "When Maddow": a sentence's first word
            if len(parts) >= 2 and all(p[0].isupper() or p in _NAME_CONNECTORS for p in parts):
                book.add(" ".join(parts))
        for outlet, m in reg.find_outlets(text):
            last = m.group(0).split()[-1]
            if last != m.group(0):
                book.outlet_short.setdefault(last, outlet)
            if outlet.type == "state_media" and outlet.country:
                book.state_outlets.setdefault(outlet.country, set()).add(outlet.name)
        return book

    def add(self, name: str) -> None:
        """A full name seen in the article: a new person, or another way of naming one."""
        parts = name.split()
        sur = surname(name)
        if len(parts) == 2 and _suffix(parts):
            # "Donald Jr." beside "Donald J. Trump" is a Trump: his surname is shared
            fathers = [p for ps in self.bearers.values() for p in ps if p.split()[0] == parts[0]]
            sur = surname(fathers[0]) if len(fathers) == 1 else sur
        people = self.bearers.setdefault(sur, [])
        same = [i for i, p in enumerate(people) if same_person(p, name)]
        if not same:
            people.append(name)
        elif len(same) == 1 and len(name.split()) > len(people[same[0]].split()):
            # "De Blasio" from a headline, then "Bill de Blasio": the fuller name
            if self.by_surname.get(sur) == people[same[0]]:
                self.by_surname[sur] = name
            people[same[0]] = name
        self.by_surname.setdefault(sur, name)
        if len(people) > 1:
            self.shared.add(sur)

    def people(self) -> list[str]:
        """Every person the article names in full, by the first full name it gives them."""
        return [p for people in self.bearers.values() for p in people]

    def full(self, name: str) -> str:
        parts = name.split()
        if not parts:
            return name
        if len(parts) == 1:
            if parts[0] in self.shared:
                return name  # "Trump" beside "Donald Trump Jr.": which one, the name does not say
            return self.by_surname.get(parts[0], name)
        fits = [p for p in self.bearers.get(surname(name), []) if same_person(p, name)]
        if not self.bearers and self.by_surname.get(parts[-1], "").endswith(name):
            return self.by_surname[parts[-1]]  # a book filled by hand, surname by surname
        return fits[0] if len(fits) == 1 else name


_LINE = re.compile(r"[^\n]+")


def _title_case_lines(text: str) -> list[tuple[int, int]]:
    """Where the text has a line set in title case (a headline: "Chris Christie Calls Hillary
    Clinton 'A Disgrace'"). Every long word in it is capitalised, so a run of capitalised words
    longer than a first name and a surname may run names and verbs together: the full names the
    article gives are read from its other lines."""
    return [(m.start(), m.end()) for m in _LINE.finditer(text) if title_case(m.group(0))]


def _role_type(lower: str, reg: Registry) -> SourceType | None:
    for kind in ("government", "expert"):
        if reg.role_patterns[kind].search(lower):
            return kind  # type: ignore[return-value]
    return None


def classify(
    text: str, book: NameBook, reg: Registry | None = None
) -> tuple[str | None, SourceType]:
    """Resolve a source phrase to (canonical name, source type)."""
    reg = reg or registry()
    phrase = _own_words(
        re.split(r",\s+(?:which|who|whose|that)\b", text.strip(), maxsplit=1)[0].strip().rstrip(",")
    )
    lower = phrase.lower()
    if lower.split()[:1] and lower.split()[0] in _NEGATIVE_OPENERS:
        return None, _role_type(lower, reg) or "other"  # "few Americans" are not Americans
    bare = _DETERMINERS.sub("", phrase)
    bare_lower = bare.lower()

    outlets = reg.find_outlets(phrase)
    after = outlets[-1][1].end() if outlets else 0
    if outlets and person_names(_head(phrase)[after:], reg):
        # "Fox News host Sean Hannity", "CNN's Jake Tapper": the person spoke, for the outlet
        outlets = []
    if outlets:
        named = list(dict.fromkeys(o.name for o, _ in outlets))
        outlet = outlets[-1][0]
        if len(named) > 1:  # "a New York Times/CBS News poll": both, not the last named
            return " and ".join(named), outlet.type
        return outlet.name, outlet.type

    for p in reg.state_media_phrases:
        if p in lower:
            country = None
            for c, _m in reg.find_places(phrase):
                country = c.name
                break
            named = book.state_outlets.get(country or "", set())
            if len(named) == 1:
                return next(iter(named)), "state_media"
            return (f"{country} state media" if country else "state media"), "state_media"

    head = re.split(r",", bare_lower, maxsplit=1)[0].strip()
    if not person_names(bare, reg):
        for w in reg.roles["anonymous"]:
            w = _DETERMINERS.sub("", w)
            if head == w or head.startswith(w + " "):
                return None, "anonymous"

    short = book.outlet_short.get(bare.strip())
    if short is not None:
        return short.name, short.type

    if _two_sources(phrase):
        return None, _role_type(lower, reg) or "other"
    names = _speaker_names(phrase, book, reg)
    if not names and bare.strip() in book.by_surname:
        names = [(bare.strip(), 0, len(bare))]
    role = _role_type(lower, reg)
    if names:
        best = next((n for n in names if " " in n[0]), names[0])
        name = book.full(best[0])
        return name, role or "other"

    places = reg.find_places(bare)
    if places:
        country, m = places[0]
        rest = (bare[: m.start()] + bare[m.end() :]).strip().lower()
        if not rest or rest in _LEX.role_words.government:
            return country.name, "government"
        if role:
            return None, role
        # a place inside another description ("the top British medical journal", "a Russian
        # analyst") names where the source is from, not the source: no name, rather than the
        # wrong one
        return None, "other"

    if role:
        return None, role
    caps = NAME_RUN.search(bare)
    if any(_ties_to_another(bare, m.end()) for m in NAME_RUN.finditer(bare)):
        return None, "other"  # "Trump's running mate": who it is, the phrase does not say
    if caps and _PREPOSITION.search(bare[: caps.start()]):
        return None, "other"  # "a supporter of Hillary Clinton": whose supporter, not who
    if caps and all(w.lower().rstrip("s") in _QUALIFIED for w in caps.group(0).split()):
        return None, "other"  # "Aides to Clinton", "Supporters of Sanders": no name
    # "Nearly eight of 10 voters", "Only 52 percent", "Even Friday": no name
    words = _without_openers(caps.group(0).split()) if caps else []
    while words and words[0].lower() in _STOPWORDS:
        words = words[1:]  # "In the military we", "The now-closely watched data"
    lead = len(phrase) - len(bare)  # the determiners ``bare`` dropped
    if caps and _modifies(phrase, lead + caps.start(), lead + caps.end(), broad=True):
        words = []  # "Political observers", "Florida election officials": who, it does not say
    if len(words) == 1 and words[0].lower() in _PARTY_WORDS and not words[0].endswith("s"):
        words = []  # "The Democratic senator": a party, not the senator ("Republicans" stay)
    if words and re.search(r"[a-z]{2}", " ".join(words)):
        name = _POSSESSIVE.sub("", " ".join(words))
        short = book.outlet_short.get(name)
        if short is not None:
            return short.name, short.type
        return name, "other"
    return None, "other"


_PARTY_WORDS = _LEX.names.party_words
_PERSON_HEADS = _LEX.role_words.person | _LEX.role_words.relations
_QUALIFIED = _PERSON_HEADS | _LEX.role_words.qualified
_MADE_BY = _LEX.role_words.made_by
_PRINCIPALS = _LEX.role_words.principals
_RELATIONS = _LEX.role_words.relations
# where a source phrase's head ends: an appositive or an aside after it
_HEAD_END = re.compile(r",\s+|\s+(?:--|[—–])\s+|\s+\(")
_AND = re.compile(r"\s(?:and|&)\s")
_PREPOSITION = re.compile(r"\b(?:of|for|at|from|in|with|by|to|on)\s", re.IGNORECASE)


# an adverbial clause that opens a source phrase ("Although Scott lacks ..., elected officials")
_OPENING_CLAUSE = re.compile(
    rf"^(?:{one_of(_LEX.adverbials.sentence_openers)})\b[^,]*,\s+(?=\S)", re.IGNORECASE
)


def _own_words(phrase: str) -> str:
    """The source phrase without what opens it and names no one: a dateline ("WASHINGTON --
    President Obama") and adverbial clauses ("Although Scott lacks a signature achievement,
    elected officials from both parties"). A name in either is not the speaker's."""
    phrase = phrase[dateline_length(phrase) :]
    while (m := _OPENING_CLAUSE.match(phrase)) is not None:
        phrase = phrase[m.end() :]
    return phrase


def _modifies(phrase: str, start: int, end: int, broad: bool = False) -> bool:
    """Whether the name run from ``start`` to ``end`` qualifies a noun after it that names
    people ("Clinton aides", "Florida election officials", "Political observers", "a top Donald
    Trump adviser"), or is a sentence's first word before what a pollster puts out ("Exit
    polls", "Early analysis"): who spoke is not the name. Not a possessive, which
    ``_ties_to_another`` judges, nor a campaign or team, which speaks for its principal, nor a
    pollster before its poll ("a Marquette Law School poll"). ``broad``: any common noun after
    the name counts ("The New York businessman"), where the name is only the phrase's first
    capitalised word and not a person's."""
    if _POSSESSIVE.search(phrase[:end]):
        return False
    opener = " " not in phrase[start:end].strip() and not phrase[:start].strip()
    principal = False  # "A Clinton campaign official": the official, still
    for word in re.findall(r"[^\s,;:()]+", _head(phrase[end:]))[:3]:
        if not re.fullmatch(r"[a-z][a-z-]*", word) or word in _STOPWORDS:
            return False  # "Kaine now", "Trump isn't", "Trump, the nominee"
        singular = word[:-1] if word.endswith("s") else word
        if {word, singular} & _QUALIFIED or (opener and {word, singular} & _MADE_BY):
            return True
        if {word, singular} & _PRINCIPALS:
            principal = True  # "Clinton campaign": hers, as "Clinton's campaign" is
            continue
        if (
            broad
            and not principal
            and word not in _NOT_NAMES
            and not word.endswith(("ly", "ed", "self"))
        ):
            return not ({word, singular} & _MADE_BY) or opener
    return False


def _head(phrase: str) -> str:
    return _HEAD_END.split(phrase, maxsplit=1)[0]


def _ties_to_another(phrase: str, end: int) -> bool:
    """Whether the name run ending at ``end`` is a possessor whose phrase names someone tied
    to them ("Scott's wife", "Obama's former campaign strategist"): that someone spoke, not
    the person named."""
    if not _POSSESSIVE.search(phrase[:end]):
        return False
    words = re.findall(r"[a-z]+", _head(phrase[end:]).lower())
    if not words:
        return False
    head = words[-1]
    return head in _PERSON_HEADS or head.endswith("s") and head[:-1] in _PERSON_HEADS


def _speaker_names(phrase: str, book: NameBook, reg: Registry) -> list[tuple[str, int, int]]:
    """The names in a source phrase that may be its speaker's. Not a possessor whose phrase
    names someone tied to them ("Scott's wife"); not a party word alone ("Democratic"); and
    when the phrase's head names someone,
    not the names in what follows it ("Mr. Barrett, the lawyer for West Virginia's ...", "Kall
    -- co-editor of Debating The Donald")."""
    names = [
        n
        for n in person_names(phrase, reg)  # openers and places are no names there already
        if not all(w.lower() in _PARTY_WORDS for w in n[0].split())
        and not _ties_to_another(phrase, n[2])
        and not _modifies(phrase, n[1], n[2])
    ]
    head = _head(phrase)
    # a name the head leads with, not one in its prepositional phrase ("partner at Lenox")
    in_head = [n for n in names if n[2] <= len(head) and not _PREPOSITION.search(phrase[: n[1]])]
    if not in_head and head.strip() in book.by_surname:
        in_head = [(head.strip(), 0, len(head))]
    if in_head:
        return in_head
    before = re.findall(r"[a-z]+", _PREPOSITION.split(head, maxsplit=1)[0].lower())
    if before and (before[-1] in _RELATIONS or before[-1].rstrip("s") in _RELATIONS):
        # "a supporter of Hillary Clinton": the supporter spoke, not Clinton (a name after the
        # head is the supporter's own: "His former business partner at Lenox, Lawrence B. ...")
        names = [n for n in names if n[1] >= len(head)]
    # a name after "from" is where the source is from ("Senator from Texas"), not who
    return [n for n in names if not _FROM.search(phrase[: n[1]])]


_FROM = re.compile(r"\bfrom\s+(?:the\s+)?(?:[A-Z][\w.’']*,?\s+)*$")


def _two_sources(phrase: str) -> bool:
    """Whether a source phrase's head joins two named sources ("Obama and Michelle", "Brexit
    and Trump's threats"): one name for both would be a wrong name for one of them."""
    head = _head(phrase)
    parts = _AND.split(head)
    return len(parts) > 1 and all(NAME_RUN.search(p) for p in parts)


def is_pronoun(text: str) -> bool:
    return text.strip().lower() in PRONOUNS


PERSON_ROLES = _LEX.role_words.person


def is_person(src: Source) -> bool:
    """A source that is one person: named, or an unnamed individual ("a spokesperson")."""
    if src.type in _MEDIA_TYPES:
        return False
    head = _DETERMINERS.sub("", src.text.split(",")[0].strip().lower())
    if (
        head.split(" ")[-1:]
        and head.split(" ")[-1] in PERSON_ROLES
        and " of " not in head
        and " for " not in head
    ):
        return True
    if src.type == "anonymous":
        return False
    reg = registry()
    if src.canonical and reg.country(src.canonical):
        return False
    text = src.text if not is_pronoun(src.text) else (src.canonical or "")
    return bool(person_names(text, reg)) or src.text.strip().lower() in _PERSON_PRONOUNS


def make_source(
    text: str, start: int, end: int, book: NameBook, reg: Registry | None = None
) -> Source:
    canonical, kind = classify(text[start:end], book, reg)
    return Source(text=text[start:end], start=start, end=end, canonical=canonical, type=kind)


_MATCH_SKIP = _LEX.names.match_skip


class NameMatcher:
    """Whether two ways of naming a source name the same one, and whether a text names a source.

    "President Putin", "Vladimir Putin" and "Putin" match; "Lordstown Motors" and "Lordstown"
    match; "KCNA" and "North Korean state media" match through the article's own outlets.
    ``verify`` and ``check`` both judge speakers with it, so they agree.
    """

    def __init__(self, book: NameBook, reg: Registry | None = None) -> None:
        self.book = book
        self.reg = reg or registry()
        # each name's keys and person, once: corroboration asks about the same few names of
        # its articles thousands of times
        self._keys: dict[str, frozenset[str]] = {}
        self._people: dict[str, str | None] = {}

    def keys(self, name: str | None) -> set[str]:
        if not name or not name.strip():
            return set()
        got = self._keys.get(name)
        if got is None:
            got = self._keys[name] = frozenset(self._name_keys(name))
        return set(got)

    def _name_keys(self, name: str) -> set[str]:
        canonical, _ = classify(name, self.book, self.reg)
        words = [w for w in re.findall(r"[\w’'-]+", name.lower()) if w not in _MATCH_SKIP]
        keys = {name.lower().strip()}
        if canonical:
            keys |= {canonical.lower(), surname(canonical).lower()}
        if words:
            keys.add(re.sub(r"(?:’s|'s)$", "", words[-1]))
            tokens = name.split()
            if len(tokens) >= 2 and any(t.strip(".,") in ORG_WORDS for t in tokens):
                keys.add(words[0])  # "Lordstown Motors" is also "Lordstown"
        return {k for k in keys if k}

    def person(self, name: str | None) -> str | None:
        """The article's person this name names, when it names exactly one."""
        if not name or not name.strip():
            return None
        if name not in self._people:
            self._people[name] = self._person(name)
        return self._people[name]

    def _person(self, name: str) -> str | None:
        canonical, _ = classify(name, self.book, self.reg)
        if canonical not in self.book.people():
            return None
        places = self.reg.find_places(surname(canonical))
        if places and places[0][1].group(0) == surname(canonical):
            return None  # "Airservices Australia", "Airspace Australia": not people
        return canonical

    def same(self, a: str | None, b: str | None) -> bool:
        pa, pb = self.person(a), self.person(b)
        if pa and pb and pa != pb:
            return False  # "Donald Trump" is not "Donald Trump Jr.", though both are "Trump"
        return bool(self.keys(a) & self.keys(b))

    def mentions(self, text: str, names: list[str]) -> bool:
        low = text.lower()
        for n in names:
            for k in self.keys(n):
                if len(k) >= 3 and re.search(rf"(?<![\w-]){re.escape(k)}(?![\w-])", low):
                    return True
        return False
