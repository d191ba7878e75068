"""Key events: what happened, who did it, and when, as the article tells it.

A first, extractive version: the lead sentence, and any sentence in which a named actor does
something at a stated time (or meets, visits or talks with other named actors). An event the
article has only from a source keeps that attribution, so the brief says "according to ..."
rather than stating it as established.
"""

from __future__ import annotations

import re

from briefing.analyze.lexicon import lexicon, one_of, registry
from briefing.analyze.sources import NameBook, person_names
from briefing.analyze.words import capitals
from briefing.models import Attribution, Event, Sentence

_CALENDAR = lexicon().calendar
_MONTH = f"(?:{_CALENDAR.month_pattern()})"
_WEEKDAY = f"(?:{one_of(_CALENDAR.weekdays)})"
TIME = re.compile(
    rf"\b(?:{_MONTH}\s+\d{{1,2}}(?:\s*[-–]\s*\d{{1,2}})?(?:,?\s+\d{{4}})?"
    rf"|\d{{1,2}}\s+{_MONTH}(?:\s+\d{{4}})?"
    rf"|(?:between\s+)?{_MONTH}\s+\d{{4}}"
    rf"|(?:on\s+|last\s+|this\s+|next\s+|earlier\s+|late\s+)?{_WEEKDAY}"
    rf"(?:\s+(?:{one_of(_CALENDAR.day_parts)}))?"
    rf"|(?:this|last|next|earlier this|later this)\s+(?:{one_of(_CALENDAR.periods)})"
    rf"|{one_of(_CALENDAR.relative_days)}"
    r"|(?:in|since|by|until)\s+(?:19|20)\d\d)\b"
)
_BOILERPLATE = lexicon().boilerplate.pattern()
_CAPTIONS = lexicon().boilerplate.caption_pattern()
_MEETING = lexicon().event_words.meetings


def is_caption(sentence: Sentence) -> bool:
    """A photo's caption or credit ("FILE ...", "(Photo by ...)"): its paragraph is no
    reporting."""
    return bool(_CAPTIONS.search(sentence.text))


def is_boilerplate(sentence: Sentence) -> bool:
    """Headline kickers, newsletter prompts, photo credits: text that is not reporting.

    The engine asks this once per sentence and records it as ``Sentence.boilerplate``; every
    later question about boilerplate reads that flag.
    """
    t = sentence.text
    letters, caps = capitals(t)
    if letters > 8 and caps / letters > 0.8:
        return True
    return bool(_BOILERPLATE.search(t))


def lead_index(sentences: list[Sentence], title: str | None) -> int | None:
    """The index of the lead: the first reporting sentence after any headline."""
    for i, s in enumerate(sentences):
        if title and s.text.strip() == title.strip():
            continue
        if i == 0 and s.paragraph == 0 and not s.text.rstrip().endswith((".", "!", "?", "”", '"')):
            continue  # an unpunctuated first line is a headline
        if s.boilerplate:
            continue
        return i
    return None


def _actors(text: str, book: NameBook) -> list[str]:
    reg = registry()
    found: list[tuple[int, str]] = []
    for name, s, _ in person_names(text, reg):
        found.append((s, book.full(name)))
    for country, m in reg.find_places(text):
        found.append((m.start(), country.name))
    seen: list[str] = []
    for _, name in sorted(found):
        if name not in seen and not any(name in other and name != other for other in seen):
            seen.append(name)
    return seen


def find_events(
    sentences: list[Sentence],
    attributions: list[Attribution],
    book: NameBook,
    title: str | None = None,
) -> list[Event]:
    """Key events, in article order, with ids ``e1``, ``e2`` ..."""
    reg = registry()
    lead = lead_index(sentences, title)
    events: list[Event] = []
    for i, s in enumerate(sentences):
        if s.boilerplate or (i == 0 and lead != 0 and s.paragraph == 0):
            continue
        words = set(re.findall(r"[a-z]+", s.text.lower()))
        actors = _actors(s.text, book)
        when = TIME.search(s.text)
        acts = words & reg.event_words
        meeting = bool(words & _MEETING) and len(actors) >= 2
        if not (i == lead or (actors and acts and when) or (len(actors) >= 2 and acts) or meeting):
            continue
        # the article's source for the event, when the sentence is an attributed claim
        own = [
            a for a in attributions if s.id in a.sentence_ids and a.source is not None and not a.via
        ]
        # each one's pieces in this sentence (an interrupted quotation may run on past it)
        here = {a.id: a.content.within(s.start, s.end) or a.content for a in own}
        covering = max(own, key=lambda a: here[a.id].end - here[a.id].start, default=None)
        text, attribution_id = s.text, None
        if covering is not None and (c := here[covering.id]).end - c.start >= 0.4 * len(s.text):
            attribution_id = covering.id
            if c.start - s.start <= 2:
                text = c.said  # "X happened, according to Y": keep X, cite Y
        events.append(
            Event(
                id=f"e{len(events) + 1}",
                text=text,
                who=actors,
                when=when.group(0) if when else None,
                sentence_ids=[s.id],
                attribution_id=attribution_id,
            )
        )
    return events
