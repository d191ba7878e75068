"""Content words: what two texts must share to be about the same thing.

Lower-cased, function words and reporting verbs dropped, crude suffix stripping ("supplies",
"supplying" and "supplied" are one stem), so a paraphrase still shares its words with its source.
Used to align a summary's claims with the article (``check``), to test that a model's line is
supported by the sentences it cites (``verify``), and to group articles (``group``).
"""

from __future__ import annotations

import re

from briefing.analyze.lexicon import lexicon

_STOP = lexicon().stopwords.words


def capitals(text: str) -> tuple[int, int]:
    """(letters, capital letters) in a text: a headline or kicker set in capitals has nearly
    every letter a capital. Counted with ``map`` over the string's own methods, since every
    sentence of every article is asked."""
    return sum(map(str.isalpha, text)), sum(map(str.isupper, text))


def stem(word: str) -> str:
    """The crude stem two forms of a word share: "supplies", "supplying", "supplied"."""
    w = word.lower().strip("’'")
    w = re.sub(r"(?:’s|'s)$", "", w)
    if len(w) > 5 and w.endswith("ies"):
        return w[:-3] + "y"  # supplies -> supply
    for suffix in ("ingly", "ing", "edly", "ied", "ed", "es", "s", "ly"):
        if len(w) > len(suffix) + 3 and w.endswith(suffix):
            return w[: -len(suffix)] + ("y" if suffix == "ied" else "")
    return w


def content_words(text: str) -> set[str]:
    """The stems of the words that carry content."""
    return {
        stem(w)
        for w in re.findall(r"[A-Za-z][\w’'-]*|\d[\d,.]*", text)
        if w.lower() not in _STOP and len(w) > 1
    }
