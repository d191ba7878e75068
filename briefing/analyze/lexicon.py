"""The source registry and lexicons, loaded from the YAML files in ``briefing/data``.

Who counts as state media, which words are reporting cues, which phrases hedge: these are
judgements the team grows over time, so they live in data files that a reviewer can read, not
in code. This module only loads them and answers questions about them.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

import yaml

from briefing.models import SourceType
from briefing.resources import data_file


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


@dataclass(frozen=True)
class Characterization:
    term: str
    by: str
    neutral: str


@dataclass
class Registry:
    """Sources and lexicons, with the regular expressions built from them once."""

    outlets: list[Outlet]
    countries: list[Country]
    state_media_phrases: list[str]
    roles: dict[str, list[str]]
    cue_forms: dict[str, str]  # surface form -> cue class (speech, belief, attitude)
    cue_lemma: dict[str, str]  # surface form -> lemma
    attitude_objects: set[str]
    prepositional_cues: list[str]
    hedges: list[re.Pattern[str]]
    unverified: list[re.Pattern[str]]
    disputed: list[re.Pattern[str]]
    characterizations: list[Characterization]
    characterization_flags: list[re.Pattern[str]]
    event_words: set[str]
    _alias_re: re.Pattern[str] = field(init=False)
    _alias_map: dict[str, Outlet] = field(init=False)
    _place_re: re.Pattern[str] = field(init=False)
    _place_map: dict[str, Country] = field(init=False)

    def __post_init__(self) -> None:
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

    def country(self, name: str) -> Country | None:
        return next((c for c in self.countries if c.name == name), None)


def _alternation(words: dict[str, object], flags: int) -> re.Pattern[str]:
    alts = sorted(words, key=len, reverse=True)
    body = "|".join(re.escape(a) for a in alts)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", flags)


def _forms(lemma: str, irregular: dict[str, list[str]]) -> list[str]:
    if lemma in irregular:
        return irregular[lemma]
    if lemma.endswith("e"):
        return [lemma, lemma + "s", lemma + "d", lemma[:-1] + "ing"]
    if lemma.endswith("y") and lemma[-2] not in "aeiou":
        return [lemma, lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"]
    if lemma.endswith(("s", "sh", "ch", "x", "z")):
        return [lemma, lemma + "es", lemma + "ed", lemma + "ing"]
    return [lemma, lemma + "s", lemma + "ed", lemma + "ing"]


def _patterns(items: list[str]) -> list[re.Pattern[str]]:
    return [re.compile(rf"(?<![\w-]){p}(?![\w-])", re.IGNORECASE) for p in items]


@functools.cache
def registry() -> Registry:
    """The registry built from the shipped data files (loaded once per process)."""
    src = yaml.safe_load(data_file("sources.yaml").read_text(encoding="utf-8"))
    lex = yaml.safe_load(data_file("lexicon.yaml").read_text(encoding="utf-8"))
    outlets = [
        Outlet(
            o["name"],
            o["type"],
            o.get("country"),
            tuple(dict.fromkeys([o["name"], *o.get("aliases", [])])),
        )
        for o in src["outlets"]
    ]
    countries = [
        Country(name, tuple(v.get("demonyms", [])), tuple(v.get("metonyms", [])))
        for name, v in src["countries"].items()
    ]
    cue_forms: dict[str, str] = {}
    cue_lemma: dict[str, str] = {}
    irregular = lex.get("irregular", {})
    for cls in ("speech", "belief", "attitude"):
        for lemma in lex["cues"][cls]:
            for f in _forms(lemma, irregular):
                cue_forms.setdefault(f, cls)
                cue_lemma.setdefault(f, lemma)
    return Registry(
        outlets=outlets,
        countries=countries,
        state_media_phrases=list(src["state_media_phrases"]),
        roles={k: [w.lower() for w in v] for k, v in src["roles"].items()},
        cue_forms=cue_forms,
        cue_lemma=cue_lemma,
        attitude_objects=set(lex["attitude_objects"]),
        prepositional_cues=list(lex["prepositional_cues"]),
        hedges=_patterns(lex["hedges"]),
        unverified=_patterns(lex["unverified"]),
        disputed=_patterns(lex["disputed"]),
        characterizations=[
            Characterization(c["term"], c["by"], c["for"]) for c in lex["characterizations"]
        ],
        characterization_flags=[
            re.compile(p, re.IGNORECASE) for p in lex["characterization_flags"]
        ],
        event_words=set(lex["event_words"]),
    )
