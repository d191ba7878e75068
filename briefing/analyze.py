"""The deterministic engine: one article in, its attributions, events and caveats out.

This is the judge of what is grounded. It runs offline and gives the same answer every time,
so the brief, ``verify`` and ``check`` can rely on it.
"""

from __future__ import annotations

from .attribution import find_attributions
from .caveats import find_caveats
from .events import find_events
from .models import Analysis, Article
from .sentences import split_sentences
from .sources import NameBook


def analyze(article: Article) -> Analysis:
    """Split, then find who said what, what happened, and what to be careful about."""
    text = article.text
    sentences = split_sentences(text)
    book = NameBook.from_text(text)
    attributions = find_attributions(text, sentences, book)
    events = find_events(sentences, attributions, book, title=article.meta.title)
    caveats = find_caveats(text, sentences, attributions, events)
    return Analysis(
        article=article.meta,
        sentences=sentences,
        attributions=attributions,
        events=events,
        caveats=caveats,
    )
