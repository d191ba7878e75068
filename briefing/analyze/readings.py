"""How a claim's sourcing reads: the judgements of who is speaking that ``grounding`` asks of an
article's attributions and of a summary's sentences.

- a newsroom's report credited as the record ("NPR reported", "according to reports", the
  article's own kicker), which a summary may state plainly, unlike a side's claim;
- a newsroom the holder spoke to ("Breuer told the Journal"), which heard the words and is no
  link in a chain;
- two reports coordinated in one sentence ("A said X, and B said Y"), which the engine may read
  as one nested in the other.

The word lists are data (``data/news_reports.yaml``, the kickers of ``data/boilerplate.yaml``).
"""

from __future__ import annotations

import re

from briefing.analyze.lexicon import lexicon, one_of
from briefing.models import Attribution

_NEWS = lexicon().news_reports
_KICKERS = lexicon().boilerplate.kickers


def news_record(a: Attribution) -> bool:
    """Is this attribution a newsroom's report credited as the record ("NPR reported", "according
    to reports"), rather than a side's claim? Stating its content plainly keeps the article's
    meaning; a state outlet, a chain through a side, or an opinion cue ("argued") does not."""
    if a.source is not None and a.source.text.strip().upper() in _KICKERS:
        return True  # "FIRST ON FOX: ...": the article's own kicker, no one's claim
    if a.source is None or a.via or a.cue is None:
        return False
    text = a.source.text.strip()
    holder = re.sub(r"^the\s+", "", text.lower())
    last = text.split()[-1]
    newsroom = (
        a.source.type in _NEWS.source_types
        or holder in _NEWS.holders
        or (last[:1].isupper() and last.lower() in _NEWS.masthead_words)
    )
    return newsroom and " ".join(a.cue.text.lower().split()) in _NEWS.cues


# What joins two reports in one sentence ("A said X, and B said Y"; "A said X while B said Y").
_COORDINATION = re.compile(r"(?:[,;]\s*(?:and|but|while|whereas)?|\s(?:while|whereas))\s*$")


def coordinated(own: list[Attribution], text: str) -> tuple[Attribution, Attribution, int] | None:
    """Two reports coordinated in one sentence, which the engine may read as one nested in the
    other: the first, the second, and where the second begins."""
    for inner in own:
        if not inner.via or inner.source is None:
            continue
        for outer in own:
            if outer is inner or not (
                outer.content.start <= inner.source.start < outer.content.end
            ):
                continue
            m = _COORDINATION.search(text[outer.content.start : inner.source.start])
            if m:
                return outer, inner, outer.content.start + m.start()
    return None


_ADDRESSED = re.compile(rf"\b(?:{one_of(_NEWS.addressed)})\s+$", re.I)


def addressee(sentence: str, via: str) -> bool:
    """Is this newsroom the one the holder spoke to ("Breuer told the Journal"), in the
    sentence that reports it? Then it heard the words; it is no link in a chain."""
    for m in re.finditer(re.escape(via), sentence):
        # the rest of the newsroom's name may come first ("told The Washington Post")
        before = re.sub(
            r"(?:(?:the|The)\s+)?(?:[A-Z][\w.’'-]*\s+){0,3}$", "", sentence[: m.start()]
        )
        if _ADDRESSED.search(before):
            return True
    return False
