"""The deterministic engine: one article in, its attributions, events and caveats out.

This is the judge of what is grounded. It runs offline and gives the same answer every time,
so the brief, ``verify`` and ``check`` can rely on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefing.analyze.attribution import find_attributions
from briefing.analyze.caveats import find_caveats
from briefing.analyze.events import find_events, is_boilerplate, is_caption
from briefing.analyze.lexicon import lexicon, registry
from briefing.analyze.sources import NameBook
from briefing.ingest.quotes import find_quotes
from briefing.ingest.sentences import split_sentences
from briefing.models import Analysis, Article, Quote, Sentence

if TYPE_CHECKING:
    from spacy.tokens import Doc


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


def article_sentences(text: str) -> list[Sentence]:
    """The article's sentences, those that are the outlet's furniture marked boilerplate: a
    photo caption's whole paragraph with it."""
    sentences = split_sentences(text)
    captioned = {s.paragraph for s in sentences if is_caption(s)}
    return [
        s.model_copy(update={"boilerplate": True})
        if s.paragraph in captioned or is_boilerplate(s)
        else s
        for s in sentences
    ]


@dataclass(frozen=True)
class Prepared:
    """What ``batch.analyze_many`` has judged of an article before its rules run: its sentences,
    its quotations (both needed to choose what to parse) and the parses of the chosen sentences
    by their start offset. ``analyze`` takes them as they are instead of judging them again."""

    sentences: list[Sentence]
    quotes: list[Quote]
    docs: dict[int, Doc]


def analyze(article: Article, prepared: Prepared | None = None, *, parse: bool = True) -> Analysis:
    """Split, then find who said what, what happened, and what to be careful about.

    ``prepared``: the article's sentences, quotations and parses when ``batch.analyze_many``
    has made them. ``parse=False`` reads the article with the regular-expression rules alone (a
    summary checked against its article is short and plain, and is read thousands of times).
    What is judged here once (boilerplate, quotations, the name book) travels on the analysis,
    so later stages reuse it instead of judging it again.
    """
    text = article.text
    if prepared is None:
        sentences, quotes, docs = article_sentences(text), find_quotes(text), None if parse else {}
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
