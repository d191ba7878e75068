"""Where each content word of an article stands, and the words around it.

A summary rarely restates one sentence: it merges two, reorders them and says them in fewer
words, so a judgement that needs the sentence a clause restates misses most denials and
opposites. A word keeps its neighbours, though: "not looking ahead to filing" still has "filing"
next to "looking", and "an old image of the cluster" still has "image" next to "old". This index
lets ``facts`` compare a word of a summary with the same word, or its opposite, where the article
has it among the same neighbours, whichever sentence that is. The words that exclude one
another (opposites from ``polarity.yaml``, words of one kind from ``contrasts.yaml``) are read
here too.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from briefing.analyze.figures import Token, key
from briefing.analyze.lexicon import lexicon, registry

_NEGATORS = lexicon().polarity.negators
_PAST, _PRESENT = lexicon().polarity.past_markers, lexicon().polarity.present_markers
# A negator governs the content words at most this many words after it.
NEGATION_REACH = 3
# The neighbours of a word: this many content words on either side of it.
WINDOW = 3


@dataclass(frozen=True)
class Occurrence:
    """One content word where it stands: its key, whether it is denied, its neighbours' keys."""

    key: str
    text: str
    sentence: int  # index of the sentence (or clause) it is in
    negated: bool
    context: frozenset[str]
    adjacent: frozenset[str]  # the content words right before and after it


_BREAK = re.compile(r"[,;:()]|\s[-–—]\s")


def clause_starts(toks: list[Token], text: str, base: int = 0) -> list[int]:
    """For each token, the index of the first token of its clause: a negator reaches no word
    past a comma ("wittingly or not, Mr. Schultz ...")."""
    out, start = [], 0
    for i, t in enumerate(toks):
        if i and _BREAK.search(text[toks[i - 1].end - base : t.start - base]):
            start = i
        out.append(start)
    return out


def occurrences(
    toks: list[Token], sentence: int = 0, starts: list[int] | None = None
) -> list[Occurrence]:
    """The content words of one sentence or clause, each with its neighbours (``starts``: the
    first token of each token's clause, from ``clause_starts``)."""
    content = [i for i, t in enumerate(toks) if t.content]
    return [_occurrence(toks, content, n, sentence, starts) for n in range(len(content))]


def _occurrence(
    toks: list[Token], content: list[int], n: int, sentence: int, starts: list[int] | None
) -> Occurrence:
    """The ``n``-th content word of a sentence (``content``: its content words' indices)."""
    i = content[n]
    near = content[max(0, n - WINDOW) : n] + content[n + 1 : n + 1 + WINDOW]
    # denied: the first content word after a negator, within its reach and its clause
    since = max(content[n - 1] + 1 if n else 0, starts[i] if starts else 0)
    negated = any(t.low in _NEGATORS for t in toks[max(since, i - NEGATION_REACH) : i])
    return Occurrence(
        toks[i].key,
        toks[i].text,
        sentence,
        negated,
        frozenset(toks[j].key for j in near) - {toks[i].key},
        frozenset(toks[j].key for j in content[max(0, n - 1) : n] + content[n + 1 : n + 2]),
    )


class Contexts:
    """Every content word of an article, by key, where it stands.

    A word's occurrences in a sentence are worked out the first time that word is asked about:
    a check asks about a summary's few words, and most of an article's sentences hold none of
    them (a brief checks one or two lines against each of a hundred articles), and a sentence
    that holds one holds many words never asked about."""

    def __init__(
        self, keys: list[set[str]], read: Callable[[int], tuple[list[Token], list[int]]]
    ) -> None:
        """``keys``: each sentence's content-word keys; ``read``: a sentence's tokens and their
        clause starts (``clause_starts``), asked only of the sentences a word is asked of."""
        self._read_sentence = read
        self._holding: dict[str, list[int]] = defaultdict(list)
        for s, held in enumerate(keys):
            for k in held:
                self._holding[k].append(s)
        self._content: dict[int, list[int]] = {}  # each read sentence's content words
        self._read: dict[tuple[int, str], list[Occurrence]] = {}

    def _of(self, s: int, key: str) -> list[Occurrence]:
        got = self._read.get((s, key))
        if got is None:
            toks, starts = self._read_sentence(s)
            content = self._content.get(s)
            if content is None:
                content = self._content[s] = [i for i, t in enumerate(toks) if t.content]
            got = self._read[(s, key)] = [
                _occurrence(toks, content, n, s, starts)
                for n, i in enumerate(content)
                if toks[i].key == key
            ]
        return got

    def at(self, key: str) -> list[Occurrence]:
        """Every occurrence of ``key`` in the article, in the order of its sentences."""
        return [o for s in self._holding.get(key, ()) for o in self._of(s, key)]

    def near(self, key: str, context: frozenset[str], shared: int) -> list[Occurrence]:
        """The article's occurrences of ``key`` that share ``shared`` neighbours with
        ``context``."""
        return [o for o in self.at(key) if len(o.context & context) >= shared]


# -- words that exclude one another ------------------------------------------------------------

# each word's opposites (``polarity.yaml``), by key
ANTONYMS: dict[str, set[str]] = {}


for _a, _b in lexicon().polarity.antonyms:
    ANTONYMS.setdefault(key(_a), set()).add(key(_b))
    ANTONYMS.setdefault(key(_b), set()).add(key(_a))


def _rivals() -> dict[str, tuple[str, set[str], bool]]:
    """Each word of ``data/contrasts.yaml`` and of the registry's countries (a one-word name, a
    demonym, a capital), by key: its kind, the keys of the words of its kind it excludes, and
    whether a rival anywhere in the article counts (or only among the same neighbours)."""
    groups: list[tuple[str, set[str], bool]] = [
        (kind, {key(w) for w in entry.split("|")}, anywhere)
        for anywhere, sets in (
            (True, lexicon().contrasts.anywhere),
            (False, lexicon().contrasts.nearby),
        )
        for kind, entries in sets.items()
        for entry in entries
    ]
    for c in registry().countries:
        forms = [c.name, *c.demonyms, *c.metonyms]
        groups.append(("place", {key(f) for f in forms if " " not in f}, False))
    out: dict[str, tuple[str, set[str], bool]] = {}
    for kind, words, anywhere in groups:
        others = {w for k, ws, _ in groups if k == kind and ws is not words for w in ws} - words
        for w in words:
            out[w] = (kind, others, anywhere)
    return out


RIVALS = _rivals()


def _tense(toks: list[Token], markers: frozenset[str]) -> bool:
    return any(t.low in markers for t in toks)


def changed(article: list[Token], summary: list[Token]) -> bool:
    """Does the article tell a past state ("were banned") and the summary a present one ("is
    allowing")? Then an opposite is a change, not a contradiction."""
    return _tense(article, _PAST) and _tense(summary, _PRESENT) and not _tense(summary, _PAST)
