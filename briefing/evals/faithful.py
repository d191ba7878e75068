"""Faithful summaries written by rule from annotated attributions, the way people and models
write them, each of which ``check`` must pass.

A gate that flags faithful summaries loses its users, so its false alarms are measured on
summaries that say what the article says in other words. From an article and its gold
attributions (PolNeAR's, say: annotated by people, not by this engine), each kind below rewrites
one or two attributions and keeps who said what:

- ``said``: "X said C", whatever the article's cue ("told", "added", "according to");
- ``reordered``: "C, X said";
- ``according``: "According to X, C";
- ``surname``: a person by surname alone ("Podesta said C");
- ``role``: a person by the role the article gives them ("The campaign manager said C");
- ``partial_quote``: a piece of a quotation, word for word, in quote marks;
- ``two_claims``: two things one source said, in one sentence;
- ``pronoun``: two sentences, the second one's speaker a pronoun;
- ``two_sources``: two sources' claims merged into one sentence.

Deterministic: the same article and relations give the same summaries.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from briefing.analyze.lexicon import lexicon, one_of
from briefing.evals.polnear import Relation, content_score, head
from briefing.models import Analysis

_WORDS = lexicon().perturbations
_SPEECH_CUES = _WORDS.speech_cues
_FINITE = re.compile(rf"\b(?:{one_of(_WORDS.finite_verbs)}|[a-z]+ed|[a-z]+s)\b")
_PRONOUNS = lexicon().pronouns.all
_QUOTES = "\"“”'‘’"
# A content shorter than this (in words) is no claim worth a summary.
MIN_WORDS = 5
# A source longer than this (in words) is a description, not a name to restate.
MAX_SOURCE_WORDS = 8
# A piece of a quotation: this many words from its middle.
PIECE_WORDS = 5
_NAME = re.compile(r"(?:[A-Z][\w.'’-]+\s+){0,2}[A-Z][\w'’-]+$")
_ROLE = re.compile(r"^(?:[a-z][\w-]*\s+){1,3}$")
_SUBORDINATE = re.compile(r"(?:because|if|when|although|though|since|unless|while)\b", re.I)


@dataclass(frozen=True)
class Said:
    """One attribution as text: who, the cue, what, whether the content is a quotation, and
    the pronoun the article uses for the source ("he", "she"; None where it is unclear)."""

    source: str
    cue: str
    content: str
    quoted: bool
    pronoun: str | None = None


def pronoun_for(source: str, text: str) -> str | None:
    """The pronoun an article uses for a person: "he" or "she", whichever the sentences naming
    them use (and the other not), or None."""
    surname = _surname(source)
    if surname is None:
        return None
    he = she = 0
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if surname in sentence:
            low = f" {sentence.lower()} "
            he += len(re.findall(r"\b(?:he|his|him)\b", low))
            she += len(re.findall(r"\b(?:she|her|hers)\b", low))
    if he and not she:
        return "he"
    if she and not he:
        return "she"
    return None


@dataclass(frozen=True)
class Faithful:
    kind: str
    summary: str


def _clean(text: str) -> str:
    text = " ".join(text.split())
    return re.sub(r"^(?:that|whether)\s+", "", text).rstrip(" ,.;:")


def lower_first(text: str) -> str:
    """The content's first letter lowercased, unless it starts a name ("Clinton ...", "I")."""
    first = text.split()[0] if text else ""
    if len(first) > 1 and first[:1].isupper() and first[1:].islower() and first not in {"I"}:
        if first.lower() in lexicon().stopwords.words:
            return text[:1].lower() + text[1:]
    return text


def usable(source: str, cue: str, content: str, text: str = "") -> Said | None:
    """The attribution as a summary can restate it, or None: a named source (not a pronoun,
    not a long description), a reporting cue, one sentence of content that reads as a clause or
    is a whole quotation."""
    source = re.sub(r"\s*\([^)]*\)", "", " ".join(source.split()))  # "Lynch (D-Mass.)"
    cue, content = " ".join(cue.split()).lower(), _clean(content)
    if not source or source.lower() in _PRONOUNS or len(source.split()) > MAX_SOURCE_WORDS:
        return None
    if cue.rstrip(":,") not in _SPEECH_CUES or not source[:1].isupper():
        return None
    if len(content.split()) < MIN_WORDS or re.search(r"[.!?][\"”’]?\s+[A-Z]", content):
        return None  # too short, or more than one sentence
    if re.search(r"\b[A-Z]\.[A-Z]?$|''|``", content):
        return None  # ends on an abbreviation ("N.C."), or quotes in doubled apostrophes
    quoted = content[:1] in _QUOTES
    if quoted:
        inner = content.strip(_QUOTES + " ,.")
        if any(q in inner for q in _QUOTES):
            return None  # a quotation with pieces or quotes inside
        content = f"“{inner}”"
    elif any(q in content for q in '"“”') or not _FINITE.search(content):
        return None
    return Said(source, cue, content, quoted, pronoun_for(source, text) if text else None)


def _surname(source: str) -> str | None:
    m = _NAME.search(source)
    if not m or len(m.group(0).split()) < 2:
        return None
    return m.group(0).split()[-1]


def _role(source: str) -> str | None:
    m = _NAME.search(source)
    if not m or len(m.group(0).split()) < 2:
        return None
    before = source[: m.start()]
    before = re.sub(r"^(?:the|a|an)\s+", "", before, flags=re.I)
    if before and _ROLE.match(before) and not before.strip().endswith(("of", "and", "for")):
        return "The " + before.strip()
    return None


def _said(source: str, s: Said) -> str:
    if s.quoted:
        return f"{source} said: {s.content}"
    return f"{source} said {lower_first(s.content)}."


def summaries(claims: Sequence[Said], limit: int = 2) -> Iterator[Faithful]:
    """Faithful summaries of an article's attributions, at most ``limit`` of each kind."""
    counts: dict[str, int] = {}

    def take(kind: str, summary: str) -> Iterator[Faithful]:
        if counts.get(kind, 0) < limit:
            counts[kind] = counts.get(kind, 0) + 1
            yield Faithful(kind, summary)

    for s in claims:
        yield from take("said", _said(s.source, s))
        if not s.quoted:
            head = s.content[:1].upper() + s.content[1:]
            if not _SUBORDINATE.match(s.content):  # "Because X does not mean Y, Obama said"
                yield from take("reordered", f"{head}, {s.source} said.")
            yield from take("according", f"According to {s.source}, {lower_first(s.content)}.")
        surname = _surname(s.source)
        if surname:
            yield from take("surname", _said(surname, s))
        role = _role(s.source)
        if role:
            yield from take("role", _said(role, s))
        words = s.content.strip("“”").split()
        if s.quoted and len(words) >= PIECE_WORDS + 2:
            mid = (len(words) - PIECE_WORDS) // 2
            piece = " ".join(words[mid : mid + PIECE_WORDS]).strip(",;:")
            yield from take("partial_quote", f"{s.source} spoke of “{piece}”.")
    indirect = [s for s in claims if not s.quoted]
    for a, b in zip(indirect, indirect[1:], strict=False):
        if a.source == b.source:
            yield from take(
                "two_claims",
                f"{a.source} said {lower_first(a.content)} and that {lower_first(b.content)}.",
            )
            if a.pronoun:
                yield from take(
                    "pronoun",
                    f"{a.source} said {lower_first(a.content)}. "
                    f"{a.pronoun.capitalize()} also said {lower_first(b.content)}.",
                )
        else:
            yield from take(
                "two_sources",
                f"{a.source} said {lower_first(a.content)}, and {b.source} said "
                f"{lower_first(b.content)}.",
            )


def from_gold(text: str, relations: Sequence[Relation], analysis: Analysis) -> list[Said]:
    """The gold attributions a summary can restate, where the engine reads the article the same
    way (a content it finds, from a source with the same head word): a faithful summary of an
    attribution the engine misreads tests the engine, not the check."""
    out = []
    for r in relations:
        if not r.source or not r.cue or len(r.content) != 1 or len(r.source) != 1:
            continue
        (cs, ce), (ss, se) = r.content[0], r.source[0]
        said = usable(text[ss:se], " ".join(text[a:b] for a, b in r.cue), text[cs:ce], text)
        if said is None:
            continue
        agrees = any(
            a.source is not None
            and content_score((cs, ce), (a.content.start, a.content.end))
            and head(text[ss:se]) in {head(a.source.text), head(a.source.canonical or "")}
            for a in analysis.attributions
        )
        if agrees:
            out.append(said)
    return out
