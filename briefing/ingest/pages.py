"""HTML to an article: the text trafilatura extracts and the page's own metadata.

One place reads HTML, whether it came from a file, an email's HTML part or a fetched page, so
the three give the same text and the same metadata for the same markup. trafilatura is given a
string and never a URL: it parses locally and fetches nothing (no link, image, script or
stylesheet of the page is ever requested).

The date is the page's first publication as its metadata gives it (``article:published_time``
and the like, JSON-LD ``datePublished``, ``<time datetime>``); failing that, a date in the URL's
path (``/2024/06/14/``); failing that, the caller's (a feed's). Never the first date found in
the text: that is often a photo caption's ("FILE ... July 29, 2016"), and no date is better than
a wrong one.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from briefing.errors import InputError

# htmldate: metadata only, the first publication rather than the last update
_HTML_DATE_PARAMS = {"extensive_search": False, "original_date": True}
_URL_DATE = re.compile(
    r"/(?P<y>(?:19|20)\d\d)[/-](?P<m>0?[1-9]|1[0-2])[/-](?P<d>0?[1-9]|[12]\d|3[01])(?=[/._-]|$)"
)


@dataclass(frozen=True)
class Page:
    """What an HTML page holds for a reader: its text (one paragraph per block, blank lines
    between) and the metadata it declares."""

    text: str
    title: str | None
    outlet: str | None
    published: str | None
    author: str | None
    url: str | None  # the page's canonical URL, where it names one


def extract_html(html: str, path: str) -> Page:
    """The article in ``html``; raises :class:`InputError` naming ``path`` when there is none."""
    import trafilatura

    markup = html.lstrip("\ufeff")
    if not re.search(r"<html\b", markup[:4096], re.IGNORECASE):
        # trafilatura discards bare fragments ("<p>...</p>"); give it a whole page.
        markup = f"<html><body>{markup}</body></html>"
    try:
        doc = trafilatura.bare_extraction(
            markup,
            with_metadata=True,
            include_comments=False,
            include_images=False,
            include_links=False,
            include_formatting=False,
            date_extraction_params=_HTML_DATE_PARAMS,
        )
    except Exception as exc:  # noqa: BLE001 - any parser failure is a bad input, not a crash
        detail = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise InputError(path, f"HTML could not be parsed ({detail})") from None
    raw = getattr(doc, "text", None) if doc is not None else None
    # One paragraph per extracted block, separated by a blank line as in the .txt articles.
    lines = [line.strip() for line in (raw or "").splitlines()]
    text = "\n\n".join(line for line in lines if line)
    if not text:
        raise InputError(path, "HTML has no extractable article text")
    return Page(
        text=text,
        title=clean(doc.title),
        outlet=clean(doc.sitename),
        published=clean(doc.date),
        author=clean(doc.author),
        url=clean(doc.url),
    )


def url_date(url: str | None) -> str | None:
    """A publication date in a URL's path (``/2024/06/14/story``), as YYYY-MM-DD, or None."""
    if not url:
        return None
    from urllib.parse import urlsplit

    match = _URL_DATE.search(urlsplit(url).path)
    if not match:
        return None
    try:
        day = dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        return None
    return day.isoformat()


def clean(value: Any) -> str | None:
    """A metadata value on one line, or None when it is empty."""
    if value is None:
        return None
    value = " ".join(str(value).split())
    return value or None
