"""Provenance: where a claim comes from, and which side a source speaks for.

A claim KCNA reports from Putin comes from North Korea; "Pyongyang" and KCNA speak for the same
state. Caveats (state-media sourcing), grouping (whether two articles corroborate each other),
``verify``, ``check`` and the perturbations all ask these questions, so they are answered here,
once.
"""

from __future__ import annotations

from briefing.analyze.lexicon import Outlet, Registry, registry
from briefing.analyze.sources import NameBook, classify
from briefing.models import Analysis, Attribution


def names_of(analysis: Analysis) -> NameBook:
    """The engine's name book for this analysis; rebuilt from the sentences when the analysis was
    read back from JSON (which does not carry it)."""
    if analysis.names is None:
        analysis.names = NameBook.from_text(" ".join(s.text for s in analysis.sentences))
    return analysis.names


def state_outlet(name: str | None, reg: Registry | None = None) -> Outlet | None:
    """The registry's state-controlled outlet of this name, if it is one."""
    if not name:
        return None
    outlet = (reg or registry()).outlet(name)
    return outlet if outlet is not None and outlet.type == "state_media" else None


def side_of(
    name: str | None, book: NameBook | None = None, reg: Registry | None = None
) -> str | None:
    """The country a source speaks for, when it speaks for one: a state outlet speaks for its
    state ("KCNA" for North Korea), a country's name for its government ("Pyongyang" for North
    Korea). Anyone else (a person, a private outlet, an unnamed official) speaks for no side here.
    """
    if not name:
        return None
    reg = reg or registry()
    canonical, _ = classify(name, book or NameBook(), reg)
    outlet = state_outlet(canonical or name, reg)
    if outlet is not None and outlet.country:
        return outlet.country
    return canonical if canonical and reg.country(canonical) else None


def origin(att: Attribution, reg: Registry | None = None) -> str | None:
    """Where a claim ultimately comes from: the outermost link of its chain, with a state outlet
    counted as its state ("KCNA said Putin said ..." comes from North Korea). Two claims with one
    origin are one source repeated, not corroboration."""
    top = att.via[-1] if att.via else att.source
    if top is None:
        return None
    name = top.canonical or top.text
    outlet = (reg or registry()).outlet(name) if top.type == "state_media" else None
    return outlet.country if outlet is not None and outlet.country else name
