"""The deterministic engine: one article in, its attributions, events and caveats out.

This is the judge of what is grounded. It runs offline and gives the same answer every time,
so the brief, ``verify`` and ``check`` can rely on it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefing.analyze.attribution import find_attributions
from briefing.analyze.attribution.parsed import to_parse
from briefing.analyze.caveats import find_caveats
from briefing.analyze.events import find_events, is_boilerplate
from briefing.analyze.lexicon import lexicon, registry
from briefing.analyze.sources import NameBook
from briefing.ingest.quotes import find_quotes
from briefing.ingest.sentences import split_sentences
from briefing.models import Analysis, Article, Quote, Sentence

if TYPE_CHECKING:
    from spacy.tokens import Doc

# articles parsed together: one ``nlp.pipe`` call over all their sentences that need a parse
PARSE_CHUNK = 16
# new strings a memory zone of parses may hold before it is renewed (see ``parse_ahead``): the 84
# PolNeAR dev articles add about 1,200 in all, the 840 train articles 9,500 (a renewal every 150
# or so articles of news)
ZONE_STRINGS = 2_000


def own_outlets(article: Article, sentences: list[Sentence]) -> set[str]:
    """The article's own outlet, which is never an intermediary: from its metadata, and from
    the outlet's own furniture in the text ("FIRST ON FOX:", "Sign up for CNN's newsletter")."""
    reg = registry()
    kickers = lexicon().boilerplate.kickers  # "FIRST ON" -> None, "FIRST ON FOX" -> "Fox News"
    own = {o.name for o, _ in reg.find_outlets(article.meta.outlet or "")}
    for s in sentences:
        kicked = [k for k in kickers if s.text.upper().startswith(k)]
        if s.boilerplate or kicked:
            own |= {o.name for o, _ in reg.find_outlets(s.text)}
            own |= {outlet for k in kicked if (outlet := kickers[k]) is not None}
    return own


def _sentences(text: str) -> list[Sentence]:
    return [
        s.model_copy(update={"boilerplate": True}) if is_boilerplate(s) else s
        for s in split_sentences(text)
    ]


def _chunks(articles: Iterable[Article]) -> Iterator[list[Article]]:
    chunk: list[Article] = []
    for art in articles:
        chunk.append(art)
        if len(chunk) == PARSE_CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@dataclass(frozen=True)
class Prepared:
    """What ``parse_ahead`` has judged of an article before its rules run: its sentences, its
    quotations (both needed to choose what to parse) and the parses of the chosen sentences by
    their start offset. ``analyze`` takes them as they are instead of judging them again."""

    sentences: list[Sentence]
    quotes: list[Quote]
    docs: dict[int, Doc]


def _prepare_chunk(chunk: list[Article]) -> list[Prepared]:
    from briefing.analyze.parse import parse

    prepared = [Prepared(_sentences(a.text), find_quotes(a.text), {}) for a in chunk]
    chosen = [(p, s) for p in prepared for s in to_parse(p.sentences, p.quotes)]
    for (p, s), doc in zip(chosen, parse(s.text for _, s in chosen), strict=True):
        p.docs[s.start] = doc
    return prepared


def parse_ahead(articles: Iterable[Article]) -> Iterator[tuple[Article, Prepared]]:
    """Each article with its sentences, quotations and parses, parsed a chunk of articles at a
    time so that the parser works on many sentences at once. (Parsing a chunk ahead in a second
    thread or process was slower on two busy cores.)

    The parses live in a spaCy memory zone, which frees the words first seen in it when it
    ends: without one the parser's vocabulary keeps every new word of every article, and memory
    grows with the number of articles read. A zone ends, and a new one begins, between chunks
    once it holds ``ZONE_STRINGS`` new words; it is not ended sooner because ending it also
    empties the tokenizer's cache, and every word would go through the affix rules again. So a
    caller must be done with an article's parses when it asks for the next article, and keep
    only what it made of them (analyses hold text, never parses).
    """
    from briefing.analyze.parse import known_strings, memory_zone

    with contextlib.ExitStack() as zones:
        start = None
        for chunk in _chunks(articles):
            if start is not None and known_strings() - start > ZONE_STRINGS:
                zones.close()  # frees the last chunk's parses: its articles are analysed
                start = None
            if start is None:
                zones.enter_context(memory_zone())
                start = known_strings()
            yield from zip(chunk, _prepare_chunk(chunk), strict=True)


def analyze_many(articles: Iterable[Article]) -> Iterator[Analysis]:
    """``analyze`` over many articles, their sentences parsed in batches."""
    for art, prepared in parse_ahead(articles):
        yield analyze(art, prepared)


def analyze(article: Article, prepared: Prepared | None = None, *, parse: bool = True) -> Analysis:
    """Split, then find who said what, what happened, and what to be careful about.

    ``prepared``: the article's sentences, quotations and parses when ``parse_ahead`` has
    made them. ``parse=False`` reads the article with the regular-expression rules alone (a
    summary checked against its article is short and plain, and is read thousands of times).
    What is judged here once (boilerplate, quotations, the name book) travels on the analysis,
    so later stages reuse it instead of judging it again.
    """
    text = article.text
    if prepared is None:
        sentences, quotes, docs = _sentences(text), find_quotes(text), None if parse else {}
    else:
        sentences, quotes, docs = prepared.sentences, prepared.quotes, prepared.docs
    book = NameBook.from_text(text)
    book.own_outlets = own_outlets(article, sentences)
    attributions = find_attributions(text, sentences, book, quotes, docs)
    events = find_events(sentences, attributions, book, title=article.meta.title)
    caveats = find_caveats(text, sentences, attributions, events, quotes)
    return Analysis(
        article=article.meta,
        sentences=sentences,
        attributions=attributions,
        events=events,
        caveats=caveats,
        quotes=quotes,
        names=book,
    )
