"""The deterministic engine: one article in, its attributions, events and caveats out.

This is the judge of what is grounded. It runs offline and gives the same answer every time,
so the brief, ``verify`` and ``check`` can rely on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from briefing.analyze.attribution import find_attributions
from briefing.analyze.attribution.parsed import to_parse
from briefing.analyze.caveats import find_caveats
from briefing.analyze.events import find_events, is_boilerplate
from briefing.analyze.lexicon import lexicon, registry
from briefing.analyze.sources import NameBook
from briefing.ingest.quotes import find_quotes
from briefing.ingest.sentences import split_sentences
from briefing.models import Analysis, Article, Sentence

if TYPE_CHECKING:
    from spacy.tokens import Doc

# articles parsed together: one ``nlp.pipe`` call over all their sentences that need a parse
PARSE_CHUNK = 16


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


def _parse_chunk(chunk: list[Article]) -> list[dict[int, Doc]]:
    from briefing.analyze.parse import parse

    chosen = [
        (i, s)
        for i, a in enumerate(chunk)
        for s in to_parse(split_sentences(a.text), find_quotes(a.text))
    ]
    docs: list[dict[int, Doc]] = [{} for _ in chunk]
    for (i, s), doc in zip(chosen, parse(s.text for _, s in chosen), strict=True):
        docs[i][s.start] = doc
    return docs


def parse_ahead(articles: Iterable[Article]) -> Iterator[tuple[Article, dict[int, Doc]]]:
    """Each article with the parses of its sentences (by start offset), parsed a chunk of
    articles at a time so that the parser works on many sentences at once. (Parsing a chunk
    ahead in a second thread was slower on two busy cores: the rules and the parser contend
    for the interpreter lock.)"""
    for chunk in _chunks(articles):
        yield from zip(chunk, _parse_chunk(chunk), strict=True)


def analyze_many(articles: Iterable[Article]) -> Iterator[Analysis]:
    """``analyze`` over many articles, their sentences parsed in batches."""
    for art, docs in parse_ahead(articles):
        yield analyze(art, docs)


def analyze(article: Article, docs: dict[int, Doc] | None = None) -> Analysis:
    """Split, then find who said what, what happened, and what to be careful about.

    ``docs`` are the parses of the article's sentences when ``parse_ahead`` has made them.
    What is judged here once (boilerplate, quotations, the name book) travels on the analysis,
    so later stages reuse it instead of judging it again.
    """
    text = article.text
    sentences = _sentences(text)
    quotes = find_quotes(text)
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
