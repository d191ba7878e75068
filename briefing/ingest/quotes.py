"""Quotation spans over a whole article.

Quotes are found on the article text, not per sentence, because news quotes run across
sentences and across paragraphs: by convention a quoted paragraph that continues into the next
one has no closing mark, and the next paragraph opens with a fresh one. Straight quotes toggle;
curly quotes say which way they face. A quote left open at the end of a paragraph that is not
continued ends there, so one stray mark cannot swallow the rest of the article.
"""

from __future__ import annotations

from briefing.ingest.sentences import paragraph_spans
from briefing.models import Quote

OPEN_MARKS = "“„«"
CLOSE_MARKS = "”»"
STRAIGHT = '"'


def _quote(start: int, end: int, closed: bool) -> Quote:
    """A quotation from its opening mark to its end (past the closing mark when ``closed``)."""
    return Quote(
        start=start,
        end=end,
        inner_start=start + 1,
        inner_end=end - 1 if closed else end,
        closed=closed,
    )


def _opens_at(text: str, i: int) -> bool:
    ch = text[i]
    if ch in OPEN_MARKS:
        return True
    if ch == STRAIGHT:
        prev = text[i - 1] if i else " "
        return prev.isspace() or prev in "([{—–-:;,/"
    return False


def find_quotes(text: str) -> list[Quote]:
    """All quotations in ``text``, in order, never overlapping."""
    quotes: list[Quote] = []
    paragraphs = paragraph_spans(text)
    carried: int | None = None  # a quotation continued from the previous paragraph
    for n, (pstart, pend) in enumerate(paragraphs):
        open_at: int | None = carried
        carried = None
        first = pstart
        if open_at is not None:
            first = pstart + 1  # the continuation paragraph's own opening mark
        for i in range(first, pend):
            ch = text[i]
            if ch not in OPEN_MARKS and ch not in CLOSE_MARKS and ch != STRAIGHT:
                continue
            if open_at is None:
                if _opens_at(text, i):
                    open_at = i
            elif ch in CLOSE_MARKS or ch == STRAIGHT:
                quotes.append(_quote(open_at, i + 1, True))
                open_at = None
            elif ch in OPEN_MARKS and i > first:
                open_at = i  # a stray opening mark: restart from the newer one
        if open_at is not None:
            nxt = paragraphs[n + 1][0] if n + 1 < len(paragraphs) else None
            if nxt is not None and (text[nxt] in OPEN_MARKS or text[nxt] == STRAIGHT):
                carried = open_at  # the convention: no closing mark, the next paragraph reopens
            else:
                # a stray mark: the quotation ends with its paragraph
                quotes.append(_quote(open_at, pend, False))
    return quotes
