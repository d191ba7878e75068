"""The deterministic engine: one article in, its attributions, events and caveats out.

This is the judge of what is grounded. It runs offline and gives the same answer every time,
so the brief, ``verify`` and ``check`` can rely on it.
"""

from __future__ import annotations

from briefing.analyze.attribution import find_attributions
from briefing.analyze.caveats import find_caveats
from briefing.analyze.events import find_events, is_boilerplate
from briefing.analyze.lexicon import lexicon, registry
from briefing.analyze.sources import NameBook
from briefing.ingest.quotes import find_quotes
from briefing.ingest.sentences import split_sentences
from briefing.models import Analysis, Article, Sentence


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


def analyze(article: Article) -> Analysis:
    """Split, then find who said what, what happened, and what to be careful about.

    What is judged here once (boilerplate, quotations, the name book) travels on the analysis,
    so later stages reuse it instead of judging it again.
    """
    text = article.text
    sentences = [
        s.model_copy(update={"boilerplate": True}) if is_boilerplate(s) else s
        for s in split_sentences(text)
    ]
    quotes = find_quotes(text)
    book = NameBook.from_text(text)
    book.own_outlets = own_outlets(article, sentences)
    attributions = find_attributions(text, sentences, book, quotes)
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
