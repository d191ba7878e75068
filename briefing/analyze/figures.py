"""Words and numbers as the fact checks compare them.

``facts`` asks whether a claim keeps the article's names, numbers and polarity; it compares
words by a key that two spellings share ("closing", "closed" -> "clos") and numbers by value,
whatever way they are written ("5bn", "5 billion", "5,000,000,000"; "fourth", "4th"). Reading
them is here, apart from the judgements.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass

from briefing.analyze.lexicon import lexicon
from briefing.analyze.words import stem
from briefing.models import Sentence

_LEX = lexicon()
_NUMBERS = _LEX.numbers
_NEGATORS = _LEX.polarity.negators
_STOP = _LEX.stopwords.words
_KEEP_DOUBLE = "aeioulsdfz"  # "added", "calling", "passed": the double letter is the word's

# Words, with "didn't" read as "did" and "n't", and "U.S." as one word.
_TOKEN = re.compile(
    r"(?:[A-Z]\.){2,}|n[’']t\b|[A-Za-z]+(?=n[’']t\b)|[A-Za-z][\w’'&]*(?:-[\w’'&]+)*"
)
# A number in digits, with a currency sign before it; what follows is read by ``_number_at``.
_DIGITS = re.compile(
    r"(?<![\w.,/:])(?<![A-Za-z]-)([$€£]\s?)?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\d,]\d)"
)
_ATTACHED = re.compile(r"[A-Za-z]+\b|\s?%")
_NEXT_WORD = re.compile(r"\s+(?:of\s+)?([A-Za-z]+(?:\s(?:cent|points))?)")
_ORDINAL_SUFFIX = ("st", "nd", "rd", "th")
# A rounder number within this share of the article's ("about 32,000" for 31,873) is the same.
ROUNDING = 0.1
_POSSESSIVE = re.compile(r"(?:[’']s?)$")


@functools.cache
def key(word: str) -> str:
    """The form two spellings of a word are compared in: its stem without a final "e"
    ("close", "closing", "closed" -> "clos")."""
    low = word.lower()
    k = stem(low)
    if k != low and len(k) > 3 and k[-1] == k[-2] and k[-1] not in _KEEP_DOUBLE:
        return k[:-1]  # "cutting" -> "cut", "stopped" -> "stop"
    return k[:-1] if len(k) > 3 and k.endswith("e") else k


@functools.lru_cache(maxsize=65536)
def _low(text: str) -> str:
    return _POSSESSIVE.sub("", text.lower())


@functools.lru_cache(maxsize=65536)
def _forms(text: str) -> tuple[str, str, bool]:
    """A word's compared forms (lower case, key, whether it carries content), worked out once
    per spelling: a check reads every token of every article it meets."""
    low = _low(text)
    return low, key(low), low not in _STOP and low not in _NEGATORS and len(low) > 1


class Token:
    """A word of a text at its offsets, with the forms a check compares it by. The forms are
    plain attributes set once, not cached properties: they are read millions of times."""

    __slots__ = ("text", "start", "end", "low", "key", "content")

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text, self.start, self.end = text, start, end
        self.low, self.key, self.content = _forms(text)

    @property
    def capital(self) -> bool:
        return self.text[0].isupper()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Token):
            return NotImplemented
        return (self.text, self.start, self.end) == (other.text, other.start, other.end)

    def __hash__(self) -> int:
        return hash((self.text, self.start, self.end))

    def __repr__(self) -> str:
        return f"Token({self.text!r}, {self.start}, {self.end})"


def tokens(text: str, base: int = 0) -> list[Token]:
    return [Token(m.group(0), base + m.start(), base + m.end()) for m in _TOKEN.finditer(text)]


def word_forms(text: str) -> list[tuple[str, str, str, bool]]:
    """Each word of ``text`` as :func:`tokens` reads it, as (text, low, key, content), without
    offsets or objects: reading an article's vocabulary needs no more."""
    return [(w, *_forms(w)) for w in _TOKEN.findall(text)]


@dataclass(frozen=True)
class Number:
    """A number as written (``text``) and as compared (``value``; an ordinal apart)."""

    value: float
    figure: float  # the value as written, before its magnitude: 5 of "5 billion"
    ordinal: bool
    start: int
    end: int
    text: str
    digits: bool  # written in digits (a digit ordinal may stand for a day or a cardinal)

    @property
    def significant(self) -> int:
        """Significant digits: 32,000 has 2, 32,500 has 3."""
        n = f"{self.value:.6g}".replace(".", "").replace("-", "").lstrip("0").split("e")[0]
        return len(n.rstrip("0")) or 1


def _scale(text: str, pos: int) -> tuple[float, int, str]:
    """The magnitude or percent written after ``pos`` ("5 million", "5bn", "5%"), as
    (factor, end, unit); a factor of 0 for letters that make the number a code ("5G")."""
    m = _ATTACHED.match(text, pos)
    if m:
        word = m.group(0).strip().lower()
        if word == "%":
            return 1.0, m.end(), "%"
        if word in _ORDINAL_SUFFIX:
            return 1.0, m.end(), "ordinal"
        if word in _NUMBERS.magnitudes:
            return float(_NUMBERS.magnitudes[word]), m.end(), word
        return 0.0, m.end(), ""
    m = _NEXT_WORD.match(text, pos)
    if m:
        word = m.group(1).lower()
        if word in _NUMBERS.magnitudes:
            return float(_NUMBERS.magnitudes[word]), m.end(), word
        if word in _NUMBERS.percent or word.split()[0] in _NUMBERS.percent:
            return 1.0, m.end(), "%"
    return 1.0, pos, ""


def numbers(text: str, base: int = 0) -> list[Number]:
    """Every number in ``text``: digits ("32,000", "$5bn", "4th", "40%") and words ("five",
    "twenty-five", "fourth")."""
    out: list[Number] = []
    for m in _DIGITS.finditer(text):
        value = float(m.group(2).replace(",", "") + (m.group(3) or ""))
        factor, end, unit = _scale(text, m.end())
        if factor == 0.0:
            continue
        out.append(
            Number(
                value * factor,
                value,
                unit == "ordinal",
                base + m.start(),
                base + end,
                text[m.start() : end],
                True,
            )
        )
    for t in tokens(text):
        parts = t.low.split("-")
        if all(p in _NUMBERS.cardinals for p in parts):
            value = float(sum(_NUMBERS.cardinals[p] for p in parts))
            factor, end, _ = _scale(text, t.end)
            span = text[t.start : end]
            out.append(
                Number(
                    value * (factor or 1.0), value, False, base + t.start, base + end, span, False
                )
            )
        elif t.low in _NUMBERS.ordinals:
            value = float(_NUMBERS.ordinals[t.low])
            out.append(Number(value, value, True, base + t.start, base + t.end, t.text, False))
    return sorted(out, key=lambda n: n.start)


# -- comparing numbers --------------------------------------------------------------------------

TIME_UNITS = {
    key(w): i for i, entry in enumerate(_LEX.contrasts.nearby["time"]) for w in entry.split("|")
}
_NEXT = re.compile(r"[\s-]+([A-Za-z]+)")


def same_number(a: Number, n: Number) -> bool:
    """Is the summary's number ``n`` the article's ``a``, in some form?"""
    if n.ordinal and not n.digits:  # "fourth": the article's 4th, in words or digits
        return a.ordinal and a.value == n.value
    if math.isclose(a.value, n.value) or math.isclose(a.figure, n.value):
        return True  # the same value, or an amount's bare figure ("5" of "5 billion")
    return (
        a.digits
        and not a.ordinal
        and abs(n.value - a.value) <= ROUNDING * a.value
        and n.significant < a.significant
    )  # "about 32,000" for 31,873


def number_slot(toks: list[Token], start: int, end: int) -> set[tuple[str, str]]:
    """Where a number stands: the content word right before it and right after it."""
    before = next((t for t in reversed(toks) if t.end <= start and t.content), None)
    after = next((t for t in toks if t.start >= end and t.content), None)
    slot = {("before", before.key)} if before else set()
    return slot | ({("after", after.key)} if after else set())


def with_unit(n: Number, sent: Sentence) -> str:
    """The number with the word written after it ("30 days")."""
    m = _NEXT.match(sent.text, n.end - sent.start)
    return sent.text[n.start - sent.start : m.end()] if m else n.text


def unit_after(text: str, end: int) -> str | None:
    """The unit of time written after a number that ends at ``end`` ("30 days", "a 30-day")."""
    m = _NEXT.match(text, end)
    unit = TIME_UNITS.get(key(m.group(1).lower())) if m else None
    return str(unit) if unit is not None else None


# -- names ----------------------------------------------------------------------------------------


def acronym(run: list[Token]) -> str:
    return "".join(t.text[0] for t in run if t.capital).lower()


def capital_runs(toks: list[Token], text: str, base: int) -> list[list[Token]]:
    """Runs of capitalised words ("European Union", "House Foreign Affairs"), "of" inside."""
    runs: list[list[Token]] = []
    cur: list[Token] = []
    for i, t in enumerate(toks):
        gap = text[cur[-1].end - base : t.start - base] if cur else ""
        joined = cur and gap.strip() == ""
        if t.capital and (joined or not cur):
            cur.append(t)
            continue
        if t.low == "of" and cur and i + 1 < len(toks) and toks[i + 1].capital:
            cur.append(t)
            continue
        if cur:
            runs.append(cur)
        cur = [t] if t.capital else []
    if cur:
        runs.append(cur)
    return [[t for t in r if t.capital] for r in runs]
