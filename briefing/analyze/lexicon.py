"""The source registry and the lexicons, loaded from the YAML files in ``briefing/data``.

Who counts as state media, which words are reporting cues, which phrases hedge, which words
open a clause: these are judgements the team grows over time, so they live in data files that a
reviewer can read, not in code. Each file says at its top what its lists are for and how they
are matched. This module only loads them and answers questions about them.

Every file is read through its own schema (``briefing.analyze.lexicon_schema``): unknown keys,
empty lists, blank or repeated entries and regular expressions that do not compile are refused
when the file is loaded, with one line that names the file and the entry (``hedges.yaml:
patterns, entry 3: missing ), unterminated subpattern at position 0``), rather than quietly
changing what the engine finds. Loading happens once per process.
"""

from __future__ import annotations

import functools
import re
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from briefing.analyze.lexicon_schema import (
    WORD_END,
    WORD_START,
    Abbreviations,
    Adverbials,
    Boilerplate,
    BriefLines,
    Calendar,
    Characterization,
    Characterizations,
    Contrasts,
    Coref,
    CueRules,
    Cues,
    Descriptions,
    Disputed,
    EventWords,
    FirstNames,
    Hedges,
    Injection,
    Names,
    NewsReports,
    Numbers,
    OrgWords,
    ParseCues,
    Perturbations,
    Polarity,
    Pronouns,
    RoleWords,
    SourcePhrases,
    Sources,
    Stopwords,
    Titles,
    Unverified,
)
from briefing.errors import DataFileError
from briefing.models import SourceType
from briefing.resources import DATA_DIR

# libyaml when it is there: the data files take a tenth of the time to parse
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Lexicon:
    """Every data file, validated; one attribute per file, named as the file is."""

    abbreviations: Abbreviations
    adverbials: Adverbials
    boilerplate: Boilerplate
    brief_lines: BriefLines
    calendar: Calendar
    characterizations: Characterizations
    contrasts: Contrasts
    coref: Coref
    cue_rules: CueRules
    cues: Cues
    descriptions: Descriptions
    disputed: Disputed
    event_words: EventWords
    first_names: FirstNames
    hedges: Hedges
    injection: Injection
    names: Names
    news_reports: NewsReports
    numbers: Numbers
    org_words: OrgWords
    parse_cues: ParseCues
    perturbations: Perturbations
    polarity: Polarity
    pronouns: Pronouns
    role_words: RoleWords
    source_phrases: SourcePhrases
    sources: Sources
    stopwords: Stopwords
    titles: Titles
    unverified: Unverified


def lexicon_files() -> list[str]:
    """The names of the data files the lexicon is made of."""
    return [f"{f.name}.yaml" for f in fields(Lexicon)]


def load_lexicon(data_dir: Path) -> Lexicon:
    """Read and validate every data file in ``data_dir`` (not cached: see :func:`lexicon`)."""
    schemas = typing.get_type_hints(Lexicon)
    return Lexicon(**{f.name: _load(data_dir, f.name, schemas[f.name]) for f in fields(Lexicon)})


@functools.cache
def lexicon(data_dir: Path = DATA_DIR) -> Lexicon:
    """The lexicon from ``data_dir`` (by default the shipped files), loaded once per process."""
    return load_lexicon(data_dir)


_M = typing.TypeVar("_M", bound=BaseModel)


def _load(data_dir: Path, stem: str, schema: type[_M]) -> _M:
    name = f"{stem}.yaml"
    try:
        raw = yaml.load((data_dir / name).read_text(encoding="utf-8"), Loader=_Loader)
    except OSError as exc:
        raise DataFileError(name, f"cannot be read ({exc.strerror or exc})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise DataFileError(name, f"is not valid YAML{where}") from None
    try:
        return schema.model_validate(raw)
    except ValidationError as exc:
        raise DataFileError(name, _first_problem(exc)) from None


def _first_problem(exc: ValidationError) -> str:
    """One line for the first problem: where it is (key, entry number from 1) and what it is."""
    errors = exc.errors()
    err = errors[0]
    where = ", ".join(f"entry {p + 1}" if isinstance(p, int) else str(p) for p in err["loc"])
    msg = err["msg"].removeprefix("Value error, ")
    msg = msg[:1].lower() + msg[1:]
    if err["type"].endswith("_type"):
        msg += f" (got {err['input']!r})"  # YAML reads a bare no, on or yes as a boolean
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {msg}{more}" if where else f"{msg}{more}"


def one_of(words: Iterable[str]) -> str:
    """The body of a regular-expression alternation of ``words``, in their order: a|b|c.

    The lists built into patterns hold plain words (the schema checks that) or pattern
    fragments, so they are joined as written.
    """
    return "|".join(words)


@dataclass(frozen=True)
class Outlet:
    name: str
    type: SourceType
    country: str | None
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Country:
    name: str
    demonyms: tuple[str, ...]
    metonyms: tuple[str, ...]


# how many names ``Registry.place_or_outlet`` remembers: more than a day's news has, and few enough
# that memory stays flat over a long run
_REMEMBERED_NAMES = 16_384


@dataclass
class Registry:
    """Sources and lexicons, with the regular expressions built from them once."""

    outlets: list[Outlet]
    countries: list[Country]
    state_media_phrases: list[str]
    roles: dict[str, list[str]]
    cue_forms: dict[str, str]  # surface form -> cue class (speech, belief, attitude)
    cue_lemma: dict[str, str]  # surface form -> lemma
    attitude_objects: frozenset[str]
    prepositional_cues: list[str]
    hedges: list[re.Pattern[str]]
    unverified: list[re.Pattern[str]]
    disputed: list[re.Pattern[str]]
    characterizations: list[Characterization]
    characterization_flags: list[re.Pattern[str]]
    event_words: frozenset[str]
    _alias_re: re.Pattern[str] = field(init=False)
    _alias_map: dict[str, Outlet] = field(init=False)
    _place_re: re.Pattern[str] = field(init=False)
    _place_map: dict[str, Country] = field(init=False)
    _by_name: dict[str, Outlet] = field(init=False)
    cue_re: re.Pattern[str] = field(init=False)
    demonym_words: frozenset[str] = field(init=False)  # lowercase: "russian", "north korean"
    role_patterns: dict[str, re.Pattern[str]] = field(init=False)  # kind -> any of its words
    # one per characterization, in its order
    term_patterns: list[re.Pattern[str]] = field(init=False)
    _place_or_outlet: dict[str, bool] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        # a cue form, whole: built once, for every article and every summary read
        self.cue_re = re.compile(rf"(?<![\w’'-])({word_trie(self.cue_forms)})(?![\w-])")
        self._by_name = {o.name: o for o in reversed(self.outlets)}  # the first entry wins
        self.demonym_words = frozenset(d.lower() for c in self.countries for d in c.demonyms)
        self.role_patterns = {
            kind: _alternation(dict.fromkeys(words), flags=0) for kind, words in self.roles.items()
        }
        self.term_patterns = [_word(c.term.lower()) for c in self.characterizations]
        self._alias_map = {a: o for o in self.outlets for a in o.aliases}
        self._alias_re = _alternation(self._alias_map, flags=0)
        self._place_map = {}
        for c in self.countries:
            for w in (c.name, *c.demonyms, *c.metonyms):
                self._place_map.setdefault(w.lower(), c)
        self._place_re = _alternation(self._place_map, flags=re.IGNORECASE)

    def find_outlets(self, text: str) -> list[tuple[Outlet, re.Match[str]]]:
        """Every outlet named in ``text``, as (outlet, match), in order."""
        return [(self._alias_map[m.group(0)], m) for m in self._alias_re.finditer(text)]

    def find_places(self, text: str) -> list[tuple[Country, re.Match[str]]]:
        """Countries named in ``text`` by name, demonym or metonym ("Pyongyang", "the Kremlin")."""
        return [(self._place_map[m.group(0).lower()], m) for m in self._place_re.finditer(text)]

    def place_or_outlet(self, name: str) -> bool:
        """Whether a name run is an outlet's, or is itself a place's name ("Israel", not
        "Israel Katz"): no person. Remembered per name, since an article repeats its names."""
        known = self._place_or_outlet.get(name)
        if known is None:
            places = self.find_places(name)
            known = bool(self.find_outlets(name)) or bool(places and places[0][1].group(0) == name)
            if len(self._place_or_outlet) < _REMEMBERED_NAMES:
                self._place_or_outlet[name] = known
        return known

    def country(self, name: str) -> Country | None:
        return next((c for c in self.countries if c.name == name), None)

    def outlet(self, name: str | None) -> Outlet | None:
        """The registry's outlet of this canonical name, if it lists one."""
        return self._by_name.get(name) if name else None

    def state_media_label(self, name: str) -> str:
        """How the brief names a state outlet: "KCNA (North Korean state media)"."""
        outlet = self.outlet(name)
        country = self.country(outlet.country) if outlet and outlet.country else None
        if country and country.demonyms:
            return f"{name} ({country.demonyms[0]} state media)"
        return name if "state media" in name else f"{name} (state media)"


def _word(phrase: str) -> re.Pattern[str]:
    """A phrase as a whole word, in any case: no letter, digit or hyphen either side."""
    return re.compile(f"{WORD_START}{re.escape(phrase)}{WORD_END}", re.IGNORECASE)


def _alternation(words: dict[str, Any], flags: int) -> re.Pattern[str]:
    """Any of ``words``, whole, the longest that ends at a word boundary, written as a trie:
    the words share their prefixes, so a word start costs a walk down one branch instead of a
    try of every word (three times faster over news text than the plain longest-first
    alternation, with the same matches). Each optional tail is greedy, so longer words are
    tried first; with ``re.IGNORECASE`` the words are lowercased so that no two branches
    start with one letter."""
    keys = {w.lower() for w in words} if flags & re.IGNORECASE else set(words)
    return re.compile(rf"(?<![\w-])(?:{word_trie(keys)})(?![\w-])", flags)


def word_trie(words: Iterable[str]) -> str:
    """A pattern that matches any of ``words`` as a trie (see ``_alternation``), longest
    first where one word begins another; no bounds of its own."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_body(trie)


def _trie_body(node: dict[str, dict]) -> str:
    alts = [re.escape(ch) + _trie_body(sub) for ch, sub in sorted(node.items()) if ch]
    if not alts:
        return ""
    body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    return f"(?:{body})?" if "" in node else body


def _forms(lemma: str, irregular: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    if lemma in irregular:
        return irregular[lemma]
    if lemma.endswith("e"):
        return (lemma, lemma + "s", lemma + "d", lemma[:-1] + "ing")
    if lemma.endswith("y") and lemma[-2] not in "aeiou":
        return (lemma, lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing")
    if lemma.endswith(("s", "sh", "ch", "x", "z")):
        return (lemma, lemma + "es", lemma + "ed", lemma + "ing")
    return (lemma, lemma + "s", lemma + "ed", lemma + "ing")


def build_registry(lex: Lexicon) -> Registry:
    """The registry of a lexicon: outlets and countries, cue forms, compiled caveat patterns."""
    src = lex.sources
    outlets = [
        Outlet(o.name, o.type, o.country, tuple(dict.fromkeys([o.name, *o.aliases])))
        for o in src.outlets
    ]
    countries = [Country(name, c.demonyms, c.metonyms) for name, c in src.countries.items()]
    cue_forms: dict[str, str] = {}
    cue_lemma: dict[str, str] = {}
    cues = lex.cues
    for cls, lemmas in (
        ("speech", cues.speech),
        ("belief", cues.belief),
        ("attitude", cues.attitude),
    ):
        for lemma in lemmas:
            for f in _forms(lemma, cues.irregular):
                cue_forms.setdefault(f, cls)
                cue_lemma.setdefault(f, lemma)
    return Registry(
        outlets=outlets,
        countries=countries,
        state_media_phrases=list(src.state_media_phrases),
        roles={k: [w.lower() for w in v] for k, v in src.roles.model_dump().items()},
        cue_forms=cue_forms,
        cue_lemma=cue_lemma,
        attitude_objects=cues.attitude_objects,
        prepositional_cues=list(cues.prepositional),
        hedges=list(lex.hedges.patterns),
        unverified=list(lex.unverified.patterns),
        disputed=list(lex.disputed.patterns),
        characterizations=list(lex.characterizations.terms),
        characterization_flags=list(lex.characterizations.flags),
        event_words=lex.event_words.actions,
    )


@functools.cache
def registry(data_dir: Path = DATA_DIR) -> Registry:
    """The registry built from the data files (by default the shipped ones), once per process."""
    return build_registry(lexicon(data_dir))
