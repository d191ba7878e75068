"""Sentence splitting with stable ids and exact character offsets.

Every line of the brief points back at a sentence id, and ``check`` cites sentence ids as
evidence, so the split must be deterministic and its offsets exact: ``text[start:end]`` is the
sentence, with surrounding whitespace (including non-breaking and zero-width spaces) left
outside. News text defeats naive splitting in known ways, handled here:

- abbreviations (listed in ``data/abbreviations.yaml``): titles (Mr., Gen., Reps.) and initials
  never end a sentence; "U.S.", "Inc." end one only when a typical sentence opener follows;
- closing quote marks and brackets after the full stop belong to the sentence they close;
- a headline or dateline line without a full stop is a sentence of its own;
- a missing space after a full stop ("concerns.Allegedly") still ends a sentence, and so does
  one after a closing bracket or quote ("... leave TikTok).EC employees"), where no
  abbreviation, decimal, domain or initial can stand before the stop.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from briefing.models import Sentence

if TYPE_CHECKING:
    from briefing.analyze.lexicon_schema import Abbreviations

_SPACE = (
    " \t\r\n\f\v\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u202f\u205f\u3000\u200b\u200c\u200d\u2060\ufeff"
)
_CLOSERS = "\"”’'»)]"
_OPENERS = "\"“‘'«(["

_PARAGRAPH_BREAK = re.compile(r"\n[ \t\u00a0\u200b\r]*\n\s*")
_TERMINATOR = re.compile(r"[.!?…]+")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.'’-]*)\.$")
_NEXT_WORD = re.compile(r"[A-Za-z’']+")
_LIST_LINE = re.compile(r"(?:[#>*+-]|\d+[.)])\s")
# A dateline: a place in capitals (with its state, date or agency) and a dash before the story
# ("SELMA, N.C.—", "LOS ANGELES, Sept. 28 (UPI) —", "WASHINGTON ―").
_DATELINE = re.compile(
    r"^\s*[A-Z][A-Z.'’-]+(?:[ ,]+[A-Z0-9][A-Za-z0-9.'’-]*){0,4}\.?\s*(?:\([A-Za-z. ]+\)\s*)?"
    r"(?:—|–|―|--|-(?=\s))\s*(?=[A-Z“\"'])"
)


_LONG_WORD = re.compile(r"[A-Za-z][\w’'-]{3,}")


def title_case(line: str) -> bool:
    """Is the line set in title case, as a headline is ("Chris Christie Calls Hillary Clinton
    'A Disgrace' Over Police Shooting Comments."): four long words at least, every one of them
    capitalised."""
    words = _LONG_WORD.findall(line)
    return len(words) >= 4 and all(w[0].isupper() for w in words)


def dateline_length(text: str) -> int:
    """How many characters of the text's start are a dateline ("WASHINGTON — "), 0 where it
    opens with none: where the story was filed is no part of what it says or who says it."""
    m = _DATELINE.match(text)
    return m.end() if m else 0


@functools.cache
def _abbreviations() -> Abbreviations:
    """Abbreviations and sentence openers from ``data/abbreviations.yaml``.

    Read on first use rather than at import: the lexicon lives in ``briefing.analyze``, whose
    engine imports this module.
    """
    from briefing.analyze.lexicon import lexicon

    return lexicon().abbreviations


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _SPACE:
        start += 1
    while end > start and text[end - 1] in _SPACE:
        end -= 1
    return start, end


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Paragraphs are separated by blank lines (which may hold stray spaces)."""
    spans, pos = [], 0
    for m in _PARAGRAPH_BREAK.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    return [(s, e) for s, e in (_trim(text, s, e) for s, e in spans) if s < e]


def _is_abbreviation_stop(text: str, dot: int, start: int, next_pos: int, end: int) -> bool:
    """True when the full stop at ``dot`` belongs to an abbreviation, not a sentence end."""
    m = _WORD_BEFORE.search(text, max(start, dot - 30), dot + 1)
    if not m:
        return False
    word = m.group(1).lower().rstrip(".")
    if len(word) == 1 and word.isalpha() and text[m.start(1)].isupper():
        return True  # an initial: "Michael J. Driscoll"
    nxt = _NEXT_WORD.match(text, next_pos, end)
    next_word = nxt.group(0).lower() if nxt else ""
    abbr = _abbreviations()
    if word in abbr.never_final:
        return True
    if word in abbr.maybe_final or re.fullmatch(r"(?:[a-z]\.)+[a-z]", word):
        return next_word not in abbr.openers  # "U.S. officials" vs "in the U.S. The ..."
    return False


def _glued_end(text: str, dot: int, start: int, nxt: int, end: int) -> bool:
    """Whether a lone full stop at ``dot`` with no space after it ends a sentence.

    Two shapes do: a lowercase word glued to a capitalised one ("concerns.Allegedly"), and a
    closing bracket or quote glued to any capitalised word ("TikTok).EC employees"). Each
    leaves out what a glued stop usually is: "U.S.", "J.K." and "Amazon.com" have no lowercase
    run of two before the stop or no lowercase letter after the capital, "3.5" has digits, and
    nothing of that kind ends in a bracket or quote before its stop.
    """
    if not (dot + 1 == nxt < end and text[dot] == "." and text[nxt].isupper()):
        return False
    if dot > start + 1 and text[dot - 1] in _CLOSERS and text[dot - 2] not in _SPACE:
        return True  # a closer right after a word, so it closes something: ")." or "”."
    return bool(
        re.search(r"[a-z]{2,}$", text[max(start, dot - 20) : dot])
        and nxt + 1 < end
        and text[nxt + 1].islower()
    )


def _boundaries(text: str, start: int, end: int) -> list[int]:
    """Offsets (exclusive ends) where sentences end inside one paragraph."""
    cuts: list[int] = []
    for m in _TERMINATOR.finditer(text, start, end):
        stop = m.end()
        while (
            stop < end
            and text[stop] in _CLOSERS
            and (stop + 1 >= end or text[stop + 1] in _SPACE or text[stop + 1] in _CLOSERS)
        ):
            stop += 1
        nxt = stop
        while nxt < end and text[nxt] in _SPACE:
            nxt += 1
        if nxt >= end:
            continue  # the paragraph's end is a boundary anyway
        ch = text[nxt]
        glued = nxt == stop
        if glued:
            if not _glued_end(text, m.start(), start, nxt, end):
                continue
        elif not (ch.isupper() or ch.isdigit() and m.group(0) in "!?" or ch in _OPENERS):
            continue
        if ch in _OPENERS and nxt + 1 < end and text[nxt + 1].islower():
            continue
        if m.group(0) == "." and _is_abbreviation_stop(
            text, m.start(), start, nxt + (1 if ch in _OPENERS else 0), end
        ):
            continue
        cuts.append(stop)
    return cuts


def _line_cuts(text: str, start: int, end: int) -> list[int]:
    """Single line breaks that end a sentence: after a headline-like line or before a list item."""
    cuts = []
    for m in re.finditer(r"\n", text[start:end]):
        nl = start + m.start()
        prev = text[start:nl].rstrip(_SPACE)
        after = text[nl + 1 : end].lstrip(_SPACE)
        if not prev or not after:
            continue
        last = prev[-1]
        if _LIST_LINE.match(after) or last in '.!?…:"”’)' or not (last.isalnum() or last in ",;-–"):
            cuts.append(nl)
        elif after[0].isupper() and len(prev.rsplit("\n", 1)[-1]) < 80 and not last.islower():
            cuts.append(nl)  # a short line ending in a capitalised word or number: a title
    return cuts


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences ``s1``, ``s2`` ... with exact offsets, in order."""
    out: list[Sentence] = []
    for pno, (pstart, pend) in enumerate(paragraph_spans(text)):
        cuts = sorted(set(_boundaries(text, pstart, pend)) | set(_line_cuts(text, pstart, pend)))
        pos = pstart
        for cut in [*cuts, pend]:
            s, e = _trim(text, pos, cut)
            if s < e:
                out.append(
                    Sentence(id=f"s{len(out) + 1}", start=s, end=e, text=text[s:e], paragraph=pno)
                )
            pos = cut
    return out
