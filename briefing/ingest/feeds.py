"""RSS and Atom feeds: their items, within the time window asked for.

feedparser reads RSS 0.9x, 1.0 (RDF) and 2.0 and Atom. It is always given the feed's bytes,
never a URL, so it fetches nothing itself: the feed is fetched (or read from a file, or from
the cache) by the caller. An item gives its link, title, date and summary; the page at the link
is then fetched and extracted, and the summary is kept for when it cannot be.

``--since`` takes a duration back from now (``24h``, ``2d``, ``90m``) or a date or time
(``2024-06-14``, ``2024-06-14T06:00:00+00:00``). Items with no date are kept: a feed that dates
nothing would otherwise give nothing.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from briefing.errors import UsageError

MAX_ITEMS = 100  # items read from one feed, newest first as the feed lists them
_DURATION = re.compile(r"(?P<n>\d+)\s*(?P<unit>[mhdw])", re.IGNORECASE)
_UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed: where its story is, and what the feed itself says of it."""

    feed: str  # the feed's URL or file, as the user named it
    feed_title: str | None
    link: str | None
    title: str | None
    published: str | None  # ISO 8601, UTC, where the feed dates the item
    summary: str | None  # the feed's own text, as plain text
    updated: str | None = None  # ISO 8601, UTC: when the feed says the item last changed


class FeedError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_feed(data: bytes, name: str) -> list[FeedItem]:
    """The items of the feed in ``data`` (``name``: where it came from). Raises
    :class:`FeedError` when it is not a feed."""
    import feedparser

    parsed = feedparser.parse(data)  # bytes: parsed here, nothing fetched
    version = parsed.get("version") or ""
    if not version and not parsed.entries:
        problem = parsed.get("bozo_exception")
        detail = f" ({' '.join(str(problem).split())[:100]})" if problem else ""
        raise FeedError(f"is not an RSS or Atom feed{detail}")
    feed_title = _clean(parsed.feed.get("title"))
    items = []
    for entry in parsed.entries[:MAX_ITEMS]:
        link = _clean(entry.get("link"))
        if link is not None and not re.match(r"https?://", link, re.IGNORECASE):
            link = None  # a feed's item may only lead to a web page
        items.append(
            FeedItem(
                feed=name,
                feed_title=feed_title,
                link=link,
                title=_clean(entry.get("title")),
                published=_when(entry, ("published_parsed", "created_parsed", "updated_parsed")),
                summary=_plain(entry.get("summary") or _content(entry)),
                updated=_when(entry, ("updated_parsed",)),
            )
        )
    return items


def since(value: str, now: dt.datetime | None = None) -> dt.datetime:
    """``--since`` as an aware UTC time; raises :class:`UsageError` for a value it cannot
    read."""
    now = now or dt.datetime.now(dt.UTC)
    text = value.strip()
    match = _DURATION.fullmatch(text)
    if match:
        seconds = int(match["n"]) * _UNIT_SECONDS[match["unit"].lower()]
        return now - dt.timedelta(seconds=seconds)
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"--since: {value!r} is neither a duration (24h, 2d, 90m) nor a date (YYYY-MM-DD)"
        ) from None
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


def within(item: FeedItem, start: dt.datetime | None) -> bool:
    """Whether the item is in the window: published or updated at or after ``start``, or not
    dated (a story updated since is in: the daily run says what changed)."""
    stamps = [s for s in (item.published, item.updated) if s]
    if start is None or not stamps:
        return True
    return max(dt.datetime.fromisoformat(s) for s in stamps) >= start


def _when(entry: dict, keys: tuple[str, ...]) -> str | None:
    for key in keys:
        # dict.get, not feedparser's own: that maps a missing "updated" to "published" (with a
        # deprecation warning), and an updated date must be the feed's own
        value = dict.get(entry, key)
        if value:
            try:
                stamp = dt.datetime.fromtimestamp(calendar.timegm(value), dt.UTC)
            except (OverflowError, ValueError, OSError, TypeError):
                continue  # a date no calendar holds ("year 99999") dates nothing
            return stamp.isoformat()
    return None


def _content(entry: dict) -> str | None:
    content = entry.get("content")
    if content:
        return content[0].get("value")
    return None


def _plain(value: str | None) -> str | None:
    """A summary as plain text: markup dropped, paragraphs kept. lxml parses the markup
    locally; nothing it names is loaded."""
    if not value or not value.strip():
        return None
    if "<" not in value:
        return _paragraphs(value)
    import lxml.html

    try:
        root = lxml.html.fromstring(f"<div>{value}</div>")
    except (ValueError, lxml.etree.ParserError):
        return _paragraphs(re.sub(r"<[^>]*>", " ", value))
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    for block in root.xpath("//p|//br|//div|//li|//h1|//h2|//h3|//h4"):
        block.tail = "\n\n" + (block.tail or "")
    return _paragraphs(root.text_content())


def _paragraphs(text: str) -> str | None:
    paras = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    joined = "\n\n".join(p for p in paras if p)
    return joined or None


def _clean(value: object) -> str | None:
    if value is None:
        return None
    value = " ".join(str(value).split())
    return value or None
