"""Content words: what two texts must share to be about the same thing.

Lower-cased, function words and reporting verbs dropped, crude suffix stripping ("supplies",
"supplying" and "supplied" are one stem), so a paraphrase still shares its words with its source.
Used to align a summary's claims with the article (``check``), to test that a model's line is
supported by the sentences it cites (``verify``), and to group articles (``group``).
"""

from __future__ import annotations

import functools
import re

from briefing.analyze.lexicon import lexicon

_STOP = lexicon().stopwords.words


def capitals(text: str) -> tuple[int, int]:
    """(letters, capital letters) in a text: a headline or kicker set in capitals has nearly
    every letter a capital. Counted with ``map`` over the string's own methods, since every
    sentence of every article is asked."""
    return sum(map(str.isalpha, text)), sum(map(str.isupper, text))


_POSSESSIVE = re.compile(r"(?:’s|'s)$")
_WORDS = re.compile(r"[A-Za-z][\w’'-]*|\d[\d,.]*")


@functools.lru_cache(maxsize=131072)
def stem(word: str) -> str:
    """The crude stem two forms of a word share: "supplies", "supplying", "supplied". Cached:
    every check and grouping stems the same few thousand words again and again."""
    w = word.lower().strip("’'")
    w = _POSSESSIVE.sub("", w)
    if len(w) > 5 and w.endswith("ies"):
        return w[:-3] + "y"  # supplies -> supply
    for suffix in ("ingly", "ing", "edly", "ied", "ed", "es", "s", "ly"):
        if len(w) > len(suffix) + 3 and w.endswith(suffix):
            return w[: -len(suffix)] + ("y" if suffix == "ied" else "")
    return w


def content_words(text: str) -> set[str]:
    """The stems of the words that carry content."""
    return {stem(w) for w in _WORDS.findall(text) if w.lower() not in _STOP and len(w) > 1}
