"""The shape of each data file in ``briefing/data``: one pydantic model per file.

A model refuses keys it does not know, empty lists, blank entries and an entry written twice in
one list; entries are stripped. Lists that the code compares with lowercased text must be
lowercase (an entry in capitals there could never match). Lists that are built into a regular
expression hold either plain words (letters, spaces, hyphens and apostrophes, so they can be
joined as written) or pattern fragments, which are compiled here, so a broken pattern stops the
load instead of the first article that meets it.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)
from pydantic import StringConstraints as _Str

from briefing.models import SourceType


def _no_repeats(value: Any) -> Any:
    """An entry written twice is a slip (and a set would merge the two without a word)."""
    if isinstance(value, list):
        seen: dict[str, int] = {}
        for i, item in enumerate(value, 1):
            if not isinstance(item, str):
                continue  # the item's own validation reports it
            key = item.strip()
            if key in seen:
                raise ValueError(f"entry {i} repeats entry {seen[key]} ({key!r})")
            seen[key] = i
    return value


def _lowercase(value: str) -> str:
    if value != value.lower():
        raise ValueError(f"{value!r} must be lowercase: the text it is compared with is")
    return value


_PLAIN = re.compile(r"[A-Za-z][A-Za-z '’-]*")


def _plain(value: str) -> str:
    if not _PLAIN.fullmatch(value):
        raise ValueError(f"{value!r} must be a plain word (letters, spaces, hyphens, apostrophes)")
    return value


def _compiled(pattern: str, flags: int = 0) -> re.Pattern[str]:
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise ValueError(str(exc)) from None


def _compiles(value: str) -> str:
    _compiled(value)
    return value


# how a word pattern is bounded: no letter, digit or hyphen either side of it
WORD_START, WORD_END = r"(?<![\w-])", r"(?![\w-])"


def _bounded(value: Any) -> Any:
    """A pattern matched case-insensitively as whole words, not inside a word or a compound."""
    if not isinstance(value, str):
        return value  # not text: the pattern type reports it
    body = _compiles(value.strip())  # first on its own, so an error's position is the entry's
    return _compiled(f"{WORD_START}{body}{WORD_END}", re.IGNORECASE)


def _ignoring_case(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    return _compiled(value.strip(), re.IGNORECASE)


def _capitals(value: str) -> str:
    if value != value.upper():
        raise ValueError(f"{value!r} must be in capitals: the text it is compared with is")
    return value


def _date_form(value: str) -> str:
    if not re.fullmatch(r"[A-Z][a-z]*\.?", value):
        raise ValueError(f"{value!r} must be a capitalised word, with or without a full stop")
    return value


Text = Annotated[str, _Str(strip_whitespace=True, min_length=1)]
Lower = Annotated[Text, AfterValidator(_lowercase)]
Word = Annotated[Text, AfterValidator(_plain)]
LowerWord = Annotated[Word, AfterValidator(_lowercase)]
Fragment = Annotated[Text, AfterValidator(_compiles)]
WordPattern = Annotated[re.Pattern[str], BeforeValidator(_bounded)]
Pattern = Annotated[re.Pattern[str], BeforeValidator(_ignoring_case)]
DateForm = Annotated[Text, AfterValidator(_date_form)]
Upper = Annotated[Text, AfterValidator(_capitals)]

_Listed = (Field(min_length=1), BeforeValidator(_no_repeats))

# Sets: what matters is whether a word is in it. Lists: the order is the order of a pattern's
# alternatives, or the order in which entries are tried.
LowerSet = Annotated[frozenset[Lower], *_Listed]
TextSet = Annotated[frozenset[Text], *_Listed]
Texts = Annotated[tuple[Text, ...], *_Listed]
Words = Annotated[tuple[Word, ...], *_Listed]
LowerWords = Annotated[tuple[LowerWord, ...], *_Listed]
Fragments = Annotated[tuple[Fragment, ...], *_Listed]
WordPatterns = Annotated[tuple[WordPattern, ...], *_Listed]
Patterns = Annotated[tuple[Pattern, ...], *_Listed]


class DataFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Abbreviations(DataFile):
    never_final: LowerSet
    maybe_final: LowerSet
    openers: LowerSet


class Adverbials(DataFile):
    statements: LowerWords
    clause_openers: LowerWords
    after_cue: LowerWords
    time_tail: LowerWords
    sentence_openers: LowerWords


class Boilerplate(DataFile):
    patterns: Fragments
    captions: Fragments
    kickers: Annotated[dict[Upper, Text | None], Field(min_length=1)]

    def pattern(self) -> re.Pattern[str]:
        """All the patterns as one, case-insensitive, in their order (captions too)."""
        return re.compile("|".join([*self.patterns, *self.captions]), re.IGNORECASE)

    def caption_pattern(self) -> re.Pattern[str]:
        """The caption patterns as one, case-insensitive."""
        return re.compile("|".join(self.captions), re.IGNORECASE)


class BriefLines(DataFile):
    plain_cues: LowerSet
    clause_openers: Texts
    time_nouns: LowerSet
    weighty_words: LowerSet
    colour_words: LowerSet


class Calendar(DataFile):
    weekdays: Words
    months: Annotated[tuple[Annotated[tuple[Word, ...], *_Listed], ...], *_Listed]
    date_months: Annotated[tuple[Annotated[tuple[DateForm, ...], *_Listed], ...], *_Listed]
    day_parts: LowerWords
    periods: LowerWords
    relative_days: LowerWords

    def names(self) -> frozenset[str]:
        """Weekdays, months and their abbreviations: words that are no one's name."""
        return frozenset([*self.weekdays, *(w for month in self.months for w in month)])

    def month_pattern(self) -> str:
        """An alternation of the forms a date writes months in, each month's forms factored on
        their common stem and tried longest first: ``Jan(?:uary|\\.)?|...|June?|...``."""
        return "|".join(_factored(forms) for forms in self.date_months)


def _factored(forms: tuple[str, ...]) -> str:
    stem = forms[0]
    for f in forms[1:]:
        while not f.startswith(stem):
            stem = stem[:-1]
    tails = sorted((f[len(stem) :] for f in forms), key=len, reverse=True)
    optional = "" in tails
    tails = [t for t in tails if t]
    if not tails:
        return re.escape(stem)
    if len(tails) == 1 and len(tails[0]) == 1:
        return re.escape(stem) + re.escape(tails[0]) + ("?" if optional else "")
    body = "|".join(re.escape(t) for t in tails)
    return f"{re.escape(stem)}(?:{body})" + ("?" if optional else "")


class Characterization(BaseModel):
    """A party's own loaded term: ``by`` is whose phrase it is, ``neutral`` what neutral wording
    would say (``for`` in the file)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    term: Text
    by: Text
    neutral: Text = Field(alias="for")


class Characterizations(DataFile):
    terms: Annotated[tuple[Characterization, ...], Field(min_length=1)]
    flags: Patterns


class Cues(DataFile):
    speech: LowerWords
    belief: LowerWords
    attitude: LowerWords
    irregular: dict[LowerWord, LowerWords]
    attitude_objects: LowerSet
    prepositional: LowerWords


class CueRules(DataFile):
    noun_forms: LowerSet
    stance_required: LowerSet
    object_before_that: LowerSet
    needs_that: LowerSet
    tail: LowerSet
    quote_tail_only: LowerWords
    addressee: LowerSet
    participles: LowerWords
    naming: LowerWords
    passive_by: LowerWords
    statement_verbs: LowerWords
    statement_nouns: LowerWords
    evidence_nouns: Fragments
    phrasal: dict[LowerWord, LowerSet]


class ParseCues(DataFile):
    speech: LowerSet
    belief: LowerSet
    intention: LowerSet
    clause_only: LowerSet
    sourceless: LowerSet
    sourceless_passive: LowerSet
    nouns: LowerSet
    adjectives: LowerSet
    documents: LowerSet
    prepositional: dict[LowerWord, LowerSet]
    irregular: dict[LowerWord, LowerWords]
    deeds: LowerSet
    unsaid_nouns: LowerSet


class Descriptions(DataFile):
    org_nouns: LowerWords


class Injection(DataFile):
    patterns: Patterns


class Disputed(DataFile):
    patterns: WordPatterns
    denials: LowerWords


class EventWords(DataFile):
    actions: LowerSet
    meetings: LowerSet


class Hedges(DataFile):
    patterns: WordPatterns
    adverbs: LowerWords


class Names(DataFile):
    connectors: LowerSet
    match_skip: LowerSet
    suffixes: LowerSet
    party_words: LowerSet
    not_names: LowerSet
    negative_openers: LowerSet


class Numbers(DataFile):
    cardinals: Annotated[dict[LowerWord, int], Field(min_length=1)]
    ordinals: Annotated[dict[LowerWord, int], Field(min_length=1)]
    magnitudes: Annotated[dict[LowerWord, int], Field(min_length=1)]
    percent: LowerWords


class OrgWords(DataFile):
    words: TextSet


class Perturbations(DataFile):
    speech_cues: LowerSet
    finite_verbs: LowerWords
    swaps: Annotated[dict[Lower, Text], Field(min_length=1)]
    invented_speakers: Texts
    weakened: Annotated[dict[Lower, Text], Field(min_length=1)]


def _pairs_apart(value: Any) -> Any:
    """A pair of one word twice, or a pair written twice (in either order), is a slip."""
    if isinstance(value, list):
        seen: dict[frozenset[str], int] = {}
        for i, pair in enumerate(value, 1):
            if not (isinstance(pair, list) and all(isinstance(w, str) for w in pair)):
                continue  # the pair's own validation reports it
            key = frozenset(w.strip() for w in pair)
            if len(key) < len(pair):
                raise ValueError(f"entry {i} pairs a word with itself ({pair[0]!r})")
            if key in seen:
                raise ValueError(f"entry {i} repeats entry {seen[key]} ({pair!r})")
            seen[key] = i
    return value


_CONTRAST_ENTRY = re.compile(r"[a-z][a-z0-9'-]*(?:\|[a-z][a-z0-9'-]*)*")


def _contrast_entry(value: str) -> str:
    if not _CONTRAST_ENTRY.fullmatch(value):
        raise ValueError(f"{value!r} must be lowercase words joined by '|'")
    return value


ContrastEntry = Annotated[Text, AfterValidator(_contrast_entry)]


ContrastSets = Annotated[
    dict[Text, Annotated[tuple[ContrastEntry, ...], *_Listed]], Field(min_length=1)
]


class Contrasts(DataFile):
    anywhere: ContrastSets
    nearby: ContrastSets


class NewsReports(DataFile):
    source_types: Annotated[frozenset[SourceType], Field(min_length=1)]
    holders: LowerSet
    masthead_words: LowerSet
    cues: LowerSet
    addressed: LowerWords


class Polarity(DataFile):
    negators: LowerSet
    past_markers: LowerSet
    present_markers: LowerSet
    antonyms: Annotated[
        tuple[tuple[LowerWord, LowerWord], ...], Field(min_length=1), BeforeValidator(_pairs_apart)
    ]


class Pronouns(DataFile):
    all: LowerSet
    person: LowerSet
    male: LowerSet
    female: LowerSet
    plural: LowerSet
    neuter: LowerSet
    first_person: LowerSet
    singular_first: LowerSet
    second_person: LowerSet
    possessive: LowerSet


class Coref(DataFile):
    male_titles: LowerSet
    female_titles: LowerSet
    male_roles: LowerSet
    female_roles: LowerSet
    person_titles: Annotated[dict[LowerWord, LowerSet], Field(min_length=1)]
    org_heads: LowerSet
    media_heads: LowerSet
    title_modifiers: LowerSet
    person_title_words: LowerSet


class FirstNames(DataFile):
    female: LowerSet
    male: LowerSet

    @model_validator(mode="after")
    def _apart(self) -> FirstNames:
        both = sorted(self.female & self.male)
        if both:
            raise ValueError(f"{both[0]!r} is in both lists: a name of either gender is in neither")
        return self


class RoleWords(DataFile):
    person: LowerSet
    relations: LowerSet
    qualified: LowerSet
    made_by: LowerSet
    principals: LowerSet
    government: LowerSet
    self_descriptions: Fragments
    single_anonymous: LowerWords


class SourcePhrases(DataFile):
    auxiliaries: LowerWords
    bad_start: LowerSet
    verbish: LowerSet
    bad_end: LowerSet
    lower_start: LowerSet
    intro: LowerSet
    time_words: LowerSet
    not_adverbs: LowerWords
    clause_words: LowerWords
    connectives: LowerWords
    determiners: LowerWords


class Stopwords(DataFile):
    words: LowerSet


class Titles(DataFile):
    words: LowerSet


class Unverified(DataFile):
    patterns: WordPatterns


class OutletEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Text
    type: SourceType
    country: Text | None = None
    aliases: tuple[Text, ...] = ()


class CountryEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    demonyms: tuple[Text, ...] = ()
    metonyms: tuple[Text, ...] = ()


class Roles(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    government: Texts
    anonymous: Texts
    expert: Texts


class Sources(DataFile):
    outlets: Annotated[tuple[OutletEntry, ...], Field(min_length=1)]
    state_media_phrases: Texts
    countries: Annotated[dict[Text, CountryEntry], Field(min_length=1)]
    roles: Roles
