"""URLs and feeds to articles: fetched (or read from the cache), extracted, one story once.

What is fetched is only what the user names: a URL among the inputs, a feed (``--feed`` or the
``[feeds]`` of ``briefing.toml``) and the links of that feed's items. Each page goes into the
cache (``cache``) with its URL, time and status; with ``offline`` the cache is all there is, so
a rerun builds the same brief with no network.

An article's date is its page's metadata, then a date in its URL, then its feed's date for it
(``pages``). A feed item whose page cannot be had is read from the feed's own summary, and its
title says so, so that the brief shows which of its lines rest on a summary. The same story
under two URLs (tracking parameters, an AMP copy, a canonical link) is read once.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from briefing.errors import InputError, UsageError
from briefing.ingest.cache import PageCache
from briefing.ingest.decode import Warn, decode
from briefing.ingest.feeds import FeedError, FeedItem, parse_feed, within
from briefing.ingest.fetch import FEED_TYPES, PAGE_TYPES, Fetcher, FetchError, FetchPolicy, Response
from briefing.ingest.files import is_url, slugify
from briefing.ingest.pages import extract_html, url_date
from briefing.models import Article, ArticleMeta

SUMMARY_MARK = " (feed summary)"
# query parameters that say how a reader arrived, not which story it is
_TRACKING = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|ocid|cmpid|"
    r"ref|ref_src|src|smid|sh|guccounter|outputtype|amp|_ga|at_\w+)$",
    re.IGNORECASE,
)


@dataclass
class WebOptions:
    """How URLs and feeds are read."""

    feeds: list[str] = field(default_factory=list)  # URLs or files
    since: object | None = None  # an aware datetime: feed items dated before it are left out
    offline: bool = False  # the cache alone, no network
    cache_dir: Path | None = None  # None: ``cache.default_dir()``
    policy: FetchPolicy = field(default_factory=FetchPolicy)


class WebRemote:
    """Reads the URLs among the inputs and the feeds' items (``files.Remote``)."""

    def __init__(self, options: WebOptions) -> None:
        self.options = options
        self.cache = PageCache(options.cache_dir)
        self.fetcher = Fetcher(options.policy)
        self._got: dict[str, Response | FetchError] = {}
        self._seen: dict[str, str] = {}  # a story's keys -> the URL it was first read from

    # --- files.Remote

    def prefetch(self, urls: Sequence[str], accept: Sequence[str] = PAGE_TYPES) -> None:
        wanted = [u for u in dict.fromkeys(urls) if u not in self._got]
        if not wanted:
            return
        if self.options.offline:
            for u in wanted:
                hit = self.cache.get(u)
                self._got[u] = hit or FetchError(u, "is not in the cache (--offline)")
            return
        for u, got in self.fetcher.fetch_many(wanted, accept).items():
            if isinstance(got, Response):
                self.cache.put(got)
            self._got[u] = got

    def load(self, url: str, warn: Warn | None, fallback: FeedItem | None = None) -> Article | None:
        self.prefetch([url])
        got = self._got[url]
        if isinstance(got, FetchError):
            raise InputError(url, got.reason)
        article = page_article(got, fallback, warn)
        first = self._first(article, url)
        if first is not None:
            if warn is not None:
                warn(f"{url}: the same story as {first}; read once")
            return None
        return article

    def extra(self, warn: Warn | None) -> Iterator[Article | InputError]:
        self.prefetch([f for f in self.options.feeds if is_url(f)], FEED_TYPES)
        for feed in self.options.feeds:
            try:
                items = self._feed(feed)
            except InputError as exc:
                yield exc
                continue
            items = [i for i in items if within(i, self.options.since)]  # type: ignore[arg-type]
            items = self._public(feed, items)
            self.prefetch([i.link for i in items if i.link])
            for item in items:
                try:
                    article = self._item(item, warn)
                except InputError as exc:
                    yield exc
                    continue
                if article is not None:
                    yield article
        self.close()

    def close(self) -> None:
        self.fetcher.close()
        self.cache.close()

    def fetched(self) -> list[tuple[str, int, str, bool]]:
        """Each page and feed read: its URL, HTTP status, when it was fetched, and whether it
        came from the cache (``--offline``), in the order they were asked for."""
        return [
            (url, got.status, got.fetched_at, self.options.offline)
            for url, got in self._got.items()
            if isinstance(got, Response)
        ]

    # --- feeds

    def _feed(self, feed: str) -> list[FeedItem]:
        if is_url(feed):
            self.prefetch([feed], FEED_TYPES)
            got = self._got[feed]
            if isinstance(got, FetchError):
                raise InputError(feed, got.reason)
            data = got.body
        else:
            try:
                with open(feed, "rb") as handle:
                    data = handle.read(self.options.policy.max_bytes + 1)
                if len(data) > self.options.policy.max_bytes:
                    raise InputError(feed, "is over the size limit of a feed (5 MB)")
            except FileNotFoundError:
                raise InputError(feed, "no such feed file (a feed is a URL or a file)") from None
            except OSError as exc:
                raise InputError(feed, f"cannot be read: {(exc.strerror or '').lower()}") from None
        try:
            return parse_feed(data, feed)
        except FeedError as exc:
            raise InputError(feed, exc.reason) from None

    def _public(self, feed: str, items: list[FeedItem]) -> list[FeedItem]:
        """A feed on a public host may not send the program into a private network: its item
        links to private addresses are not fetched (the summary is read, where there is one).
        A feed on a private host, or in a file, is the user's own and may link anywhere."""
        if not is_url(feed) or self.fetcher.is_private(urlsplit(feed).hostname or ""):
            return items
        for item in items:
            host = urlsplit(item.link).hostname if item.link else None
            if item.link and host and self.fetcher.is_private(host):
                reason = "is a private address, and the feed is public; not fetched"
                self._got.setdefault(item.link, FetchError(item.link, reason))
        return items

    def _item(self, item: FeedItem, warn: Warn | None) -> Article | None:
        if item.link is None:
            if item.summary is None:
                raise InputError(item.feed, f"item {item.title or '(untitled)'!r} has no link")
            return self._keep(summary_article(item), item.feed, warn)
        try:
            return self.load(item.link, warn, item)
        except InputError as exc:
            if item.summary is None:
                raise
            if warn is not None:
                warn(f"{item.link}: {exc.problem}; the feed's summary is read instead")
            return self._keep(summary_article(item), item.link, warn)

    def _keep(self, article: Article, url: str, warn: Warn | None) -> Article | None:
        first = self._first(article, url)
        if first is not None and warn is not None:
            warn(f"{url}: the same story as {first}; read once")
        return article if first is None else None

    def _first(self, article: Article, url: str) -> str | None:
        """The URL the same story was read from before, or None (and it is recorded)."""
        keys = {story_key(u) for u in (url, article.meta.url) if u}
        for key in keys:
            if key in self._seen:
                return self._seen[key]
        for key in keys:
            self._seen[key] = url
        return None


def page_article(
    response: Response, item: FeedItem | None = None, warn: Warn | None = None
) -> Article:
    """A fetched page as an article: its text and metadata, dated by its metadata, then its
    URL, then its feed."""
    url = response.url
    if response.content_type not in PAGE_TYPES:
        raise InputError(url, f"is {response.content_type}, not a web page")
    text = _page_text(response, warn)
    page = extract_html(text, url)
    canonical = response.final_url
    if page.url and is_url(page.url) and same_site(page.url, response.final_url):
        canonical = page.url
    published = page.published or url_date(canonical) or url_date(response.final_url)
    if published is None and item is not None:
        published = item.published
    meta = ArticleMeta(
        id=url_id(canonical),
        path=url,
        title=page.title or (item.title if item else None),
        outlet=page.outlet or (item.feed_title if item else None),
        published=published,
        author=page.author,
        url=canonical,
        format="html",
        text=page.text,
    )
    return Article(meta=meta, text=page.text)


def _page_text(response: Response, warn: Warn | None) -> str:
    charset = response.charset
    if charset and charset not in ("utf-8", "utf8"):
        try:
            return response.body.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong header: the page's own declaration, then the detector
    return decode(response.body, response.url, html=True, warn=warn)


def summary_article(item: FeedItem) -> Article:
    """A feed item read from the feed's own summary; its title is marked as a summary."""
    assert item.summary is not None
    title = (item.title or "Untitled item") + SUMMARY_MARK
    where = item.link or item.feed
    meta = ArticleMeta(
        id=url_id(item.link) if item.link else slugify(item.title or "feed-item"),
        path=where,
        title=title,
        outlet=item.feed_title,
        published=item.published or url_date(item.link),
        url=item.link,
        format="html",
        text=item.summary,
    )
    return Article(meta=meta, text=item.summary)


def same_site(a: str, b: str) -> bool:
    """Whether two URLs are on one site (``www.`` and ``amp.`` aside, subdomains included).
    A page's canonical link is believed only on its own site: a page is untrusted, and one
    claiming to be another site's story would otherwise have that story read "once", as its."""

    def site(url: str) -> str:
        host = (urlsplit(url).hostname or "").lower()
        return host.removeprefix("www.").removeprefix("amp.")

    x, y = site(a), site(b)
    return bool(x) and (x == y or x.endswith("." + y) or y.endswith("." + x))


def url_id(url: str) -> str:
    """An article id from its URL: the host and the last part of the path."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.").split(".")[0]
    last = [p for p in parts.path.split("/") if p and p.lower() != "amp"]
    stem = re.sub(r"\.(html?|php|aspx?)$", "", last[-1]) if last else ""
    return slugify(f"{host}-{stem}" if stem else host)


def story_key(url: str) -> str:
    """A URL as the story it names: no scheme, ``www.``, fragment, tracking parameter, AMP
    marker or trailing slash, the rest of the query sorted."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("amp.")
    path = re.sub(r"/amp/?$|^/amp(?=/)", "", parts.path)
    path = re.sub(r"\.amp(\.html?)$", r"\1", path).rstrip("/")
    query = sorted((k, v) for k, v in parse_qsl(parts.query) if not _TRACKING.match(k))
    return urlunsplit(("", host, path, urlencode(query), ""))


def _config(config: Path | None) -> tuple[Path, dict]:
    path = config or Path(os.environ.get("BRIEFING_CONFIG", "briefing.toml"))
    if not path.is_file():
        return path, {}
    try:
        return path, tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise UsageError(f"{path}: cannot read the configuration: {e}") from None


def configured_feeds(config: Path | None = None) -> list[str]:
    """The feeds ``briefing.toml`` lists (or the file ``BRIEFING_CONFIG`` names)::

        [feeds]
        urls = ["https://example.org/rss", "feeds/agency.xml"]

    Other keys of ``[feeds]`` that hold a string name one feed each (``reuters = "https://..."``).
    Files are relative to the configuration file.
    """
    path, data = _config(config)
    section = data.get("feeds")
    if section is None:
        return []
    if isinstance(section, list):
        section = {"urls": section}
    if not isinstance(section, dict):
        raise UsageError(f"{path}: [feeds] must be a table with a list of urls")
    out: list[str] = []
    for key, value in section.items():
        values = value if isinstance(value, list) else [value]
        for v in values:
            if not isinstance(v, str) or not v.strip():
                raise UsageError(f"{path}: [feeds] {key}: each feed is a URL or a file name")
            v = v.strip()
            out.append(v if is_url(v) else str((path.parent / v).resolve()))
    return out


_POLICY_KEYS = {
    "timeout": float,
    "retries": int,
    "backoff": float,
    "max_wait": float,
    "concurrency": int,
}


def configured_policy(config: Path | None = None) -> FetchPolicy:
    """The fetch limits, from the ``[fetch]`` table of ``briefing.toml`` where it sets them::

        [fetch]
        timeout = 20      # seconds
        retries = 3       # after a 429 or 5xx
        backoff = 1.0     # seconds before the first retry, doubled each time
        max_wait = 30     # the longest Retry-After obeyed
        concurrency = 4   # fetches at once

    The size limit (5 MB) and the redirect limit (5) are fixed.
    """
    path, data = _config(config)
    section = data.get("fetch") or {}
    if not isinstance(section, dict):
        raise UsageError(f"{path}: [fetch] must be a table")
    values = {}
    for key, value in section.items():
        name = key.replace("-", "_")
        kind = _POLICY_KEYS.get(name)
        if kind is None:
            known = ", ".join(_POLICY_KEYS)
            raise UsageError(f"{path}: [fetch] {key}: unknown setting; known: {known}")
        try:
            values[name] = kind(value)
        except (TypeError, ValueError):
            raise UsageError(f"{path}: [fetch] {key} must be a number, got {value!r}") from None
        if values[name] < 0 or (name == "concurrency" and values[name] < 1):
            raise UsageError(f"{path}: [fetch] {key} must be positive, got {value!r}")
    return FetchPolicy(**values)
