"""Wire copies: one story carried by several outlets is one article with all its outlets.

An agency's story (AP, Reuters, AFP) runs word for word on many sites, each with its own
headline, furniture and sometimes its last paragraphs cut. Read as separate articles, the copies
would look like outlets confirming each other; they are one report. So inputs whose words are
(nearly) the same, from different outlets, become one article: the first read, with each other
copy's outlet, address and date in ``ArticleMeta.copies``. Grouping and corroboration then meet
the story once.

The judgement is :func:`same_text`: the share of one text's word 5-grams that the other holds,
over the shorter of the two (a copy cut short is still a copy), at least ``COPY_SHARE``; the
n-grams are taken within paragraphs of some length, so that each outlet's headline, byline
and furniture do not count. Two texts from one outlet are not copies here (the same story
under two addresses is ``web.story_key``'s), nor are texts whose outlet is not known (two
files a user gives).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from briefing.models import Analysis, Article, ArticleCopy, ArticleMeta

Item = TypeVar("Item", Article, Analysis)

# Measured with ``benchmarks/wire_copies.py`` over the 840 PolNeAR training articles and the
# bundled examples (357,000 pairs): articles from two outlets share at most 0.17 of their
# 5-grams; one outlet's two versions of a story (an updated live file, a rewrite for print) up
# to 0.80, and such versions must stay two articles, since each has news the other lacks; an
# example as another outlet runs it (its own headline, byline and furniture, the last third
# cut) 0.995 and more.
COPY_SHARE = 0.9
# Word n-grams compared: five words in a row are rarely shared by chance, and a quotation two
# stories share is a small part of either.
SHINGLE = 5
# Texts shorter than this many words (a one-line feed summary) are too short to call copies.
MIN_WORDS = 25
# Shorter paragraphs are left out of the comparison: headlines, bylines, furniture.
PARAGRAPH_WORDS = 12
_WORD = re.compile(r"\w+")


def shingles(text: str, n: int = SHINGLE) -> frozenset[int]:
    """The text's word n-grams (case, spacing and punctuation aside), hashed, taken within
    each of its paragraphs of ``PARAGRAPH_WORDS`` words or more: a headline, a byline or a
    "Sign up" line is each outlet's own, and an n-gram across a paragraph's edge would count
    what stands next to the story, not the story. Empty for a text too short to judge."""
    grams: set[int] = set()
    total = 0
    for line in text.splitlines():
        words = _WORD.findall(line.lower())
        if len(words) < PARAGRAPH_WORDS:
            continue
        total += len(words)
        grams.update(hash(" ".join(words[i : i + n])) for i in range(len(words) - n + 1))
    return frozenset(grams) if total >= MIN_WORDS else frozenset()


def shared(a: frozenset[int], b: frozenset[int]) -> float:
    """The share of the shorter text's n-grams the other text holds (0 when either is too
    short to judge)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def same_text(a: frozenset[int], b: frozenset[int]) -> bool:
    """Whether two texts are copies of one story (their n-grams, from :func:`shingles`)."""
    return shared(a, b) >= COPY_SHARE


@dataclass
class _Seen:
    index: int  # the article's place in the output
    outlet: str
    grams: frozenset[int]


def copy_groups(texts: Sequence[str], outlets: Sequence[str | None]) -> list[list[int]]:
    """Indices grouped as one article and its copies, the first read first, in input order.
    An input joins the earliest article before it that it copies, from another outlet."""
    groups: list[list[int]] = []
    seen: list[_Seen] = []
    by_gram: dict[int, list[int]] = {}  # n-gram -> places in ``seen`` that have it
    for i, (text, outlet) in enumerate(zip(texts, outlets, strict=True)):
        grams = shingles(text) if outlet else frozenset()
        # n-grams in common with each earlier text, through the index: only a text that
        # shares enough of them is judged, so the cost grows with the texts, not their pairs
        common: Counter[int] = Counter(k for g in grams for k in by_gram.get(g, ()))
        match = next(
            (
                k
                for k in sorted(common)
                if common[k] >= COPY_SHARE * min(len(grams), len(seen[k].grams))
                and seen[k].outlet.casefold() != str(outlet).casefold()
                and same_text(grams, seen[k].grams)
            ),
            None,
        )
        if match is not None:
            groups[seen[match].index].append(i)
            continue
        groups.append([i])
        if grams:
            seen.append(_Seen(len(groups) - 1, str(outlet), grams))
            for g in grams:
                by_gram.setdefault(g, []).append(len(seen) - 1)
    return groups


def with_copies(meta: ArticleMeta, copies: Sequence[ArticleMeta]) -> ArticleMeta:
    """The article with the other outlets that carried it."""
    more = [
        ArticleCopy(path=c.path, url=c.url, outlet=c.outlet, published=c.published, title=c.title)
        for c in copies
    ]
    return meta.model_copy(update={"copies": [*meta.copies, *more]})


def one_per_story(items: Sequence[Item]) -> tuple[list[Item], list[str]]:
    """The articles (or their analyses) with each wire copy folded into the first of its
    story (:func:`copy_groups`), and a line for the reader about each fold."""
    metas = [_meta(x) for x in items]
    groups = copy_groups([_text(x) for x in items], [m.outlet for m in metas])
    out: list[Item] = []
    said: list[str] = []
    for group in groups:
        first = items[group[0]]
        if len(group) == 1:
            out.append(first)
            continue
        others = [metas[i] for i in group[1:]]
        merged = with_copies(metas[group[0]], others)
        field = "meta" if isinstance(first, Article) else "article"
        out.append(first.model_copy(update={field: merged}))
        said.extend(
            f"{o.path}: the same text as {merged.path} ({merged.outlet}), carried by "
            f"{o.outlet}; read as one article"
            for o in others
        )
    return out, said


def _meta(item: Article | Analysis) -> ArticleMeta:
    return item.meta if isinstance(item, Article) else item.article


def _text(item: Article | Analysis) -> str:
    """The words of an article: its text, or, for an analysis of a file, its sentences."""
    if isinstance(item, Article):
        return item.text
    return item.article.text or " ".join(s.text for s in item.sentences)
