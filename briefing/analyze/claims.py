"""A claim about an article and the problems it may have: the shapes ``grounding``, ``facts`` and
``check`` share, and the way texts are compared (quote marks folded, content words contained).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from briefing.analyze.lexicon import Registry, registry
from briefing.models import Attribution

# A quotation in a claim's text.
QUOTE = re.compile(r"[“\"]([^“”\"]{2,}?)[”\"]")
_OPENING_MARKS = {'"', "“", "‘", "'"}


def normalise(text: str) -> str:
    """Quote marks and apostrophes folded, whitespace collapsed: the form quotes are compared in."""
    text = re.sub(r"[“”„«»″]", '"', text)
    text = re.sub(r"[‘’‚′]", "'", text)
    return " ".join(text.split())


def containment(claim: set[str], unit: set[str]) -> float:
    """Share of the claim's words that the unit holds."""
    return len(claim & unit) / len(claim) if claim else 0.0


def has_hedge(text: str, reg: Registry | None = None) -> bool:
    """Does the text itself say the claim is less than certain?"""
    return any(p.search(text) for p in (reg or registry()).hedges)


def quoted_at(text: str, pos: int) -> bool:
    """Does a quotation mark open right before ``pos``: the writer's words are someone else's?"""
    return text[max(0, pos - 1) : pos] in _OPENING_MARKS


@dataclass(frozen=True)
class Problem:
    """One way a claim misstates its article. ``type`` is a ``check`` finding type."""

    type: str
    message: str
    expected: str | None
    found: str | None
    evidence: list[str] = field(default_factory=list)


@dataclass
class Claim:
    """One sentence of a summary or a brief line: where it is, and who it says holds it."""

    start: int
    end: int
    text: str
    attribution: Attribution | None  # the claim's own attribution, if it states one
    words: set[str] = field(default_factory=set)
