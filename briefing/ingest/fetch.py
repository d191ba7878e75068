"""Fetching what the user names, and nothing else, politely and within limits.

The program fetches a URL given on the command line, a feed, and a feed's item links; never a
link inside an article, an image, a script or a stylesheet (the HTML is parsed locally, see
``pages``). Each fetch is bounded: a timeout, a size limit (:data:`MAX_BYTES`), at most
:data:`MAX_REDIRECTS` redirects and only to http(s), a content type that must be what was asked
for, a User-Agent that says what is asking, and a bounded number of fetches at once. A server
that is busy (429) or failing (5xx) is asked again after a backoff, or after the wait its
``Retry-After`` asks for; a wait longer than the policy allows is a failure, not an early retry.

A page on a public host may not lead the program into a private network by redirecting there
(a loopback, private, link-local or reserved address): the user named the public page, not
the address it points at.

Every failure is a :class:`FetchError` with a one-line reason, so one bad URL spoils one entry.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
import ipaddress
import math
import socket
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from briefing import __version__

MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
USER_AGENT = (
    f"briefing/{__version__} (news brief builder; fetches only the pages and feeds it is given)"
)
PAGE_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
    # many servers label feeds as plain text or a generic binary type; feedparser decides
    "text/plain",
    "application/octet-stream",
)
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class FetchPolicy:
    """The limits of every fetch. The waits are short by default: a brief for the morning
    should not hang on one server."""

    timeout: float = 20.0  # seconds to connect, and between bytes
    max_bytes: int = MAX_BYTES
    max_redirects: int = MAX_REDIRECTS
    retries: int = 3  # further tries after a 429 or 5xx
    backoff: float = 1.0  # seconds before the first retry, doubled each time
    max_wait: float = 30.0  # the longest wait (backoff or Retry-After) accepted
    concurrency: int = 4  # fetches at once
    user_agent: str = USER_AGENT


@dataclass(frozen=True)
class Response:
    """A page as fetched: what was asked for, where it ended up, and when."""

    url: str
    final_url: str
    status: int
    content_type: str  # the media type, lowercase ("text/html")
    charset: str | None
    body: bytes
    fetched_at: str  # ISO 8601, UTC


class FetchError(Exception):
    """A fetch that failed; ``reason`` is one line ("HTTP 404", "timed out after 20 s")."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


@functools.lru_cache(maxsize=1024)  # a feed's items mostly share one host: one lookup
def private_host(host: str) -> bool:
    """Whether ``host`` is, or resolves to, an address outside the public internet (loopback,
    private, link-local, reserved). A name that does not resolve is not private: its fetch
    fails on its own."""
    name = host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        addresses = [ipaddress.ip_address(name)]
    except ValueError:
        try:
            infos = socket.getaddrinfo(name, None)
        except (OSError, UnicodeError):
            return False
        addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    return any(not a.is_global or a.is_multicast for a in addresses)


@dataclass
class Fetcher:
    """Fetches with one HTTP client (connections reused) under a :class:`FetchPolicy`."""

    policy: FetchPolicy = field(default_factory=FetchPolicy)
    sleep: Callable[[float], None] = time.sleep
    is_private: Callable[[str], bool] = private_host
    _client: object | None = None

    def client(self):  # -> httpx.Client
        if self._client is None:
            import httpx

            self._client = httpx.Client(
                follow_redirects=False,  # each hop is checked here
                timeout=httpx.Timeout(self.policy.timeout),
                headers={"User-Agent": self.policy.user_agent},
                trust_env=False,  # no proxy or .netrc from the environment is used
            )
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()  # type: ignore[attr-defined]
            self._client = None

    def fetch(self, url: str, accept: Sequence[str] = PAGE_TYPES) -> Response:
        """One URL, following at most ``max_redirects`` redirects to http(s) only, retrying
        429 and 5xx. Raises :class:`FetchError`."""
        _check_scheme(url, url)
        public = None  # whether the URL named is on a public host, asked at the first redirect
        current, seen = url, {url}
        for _hop in range(self.policy.max_redirects + 1):
            status, headers, body = self._get(url, current, accept)
            if status not in _REDIRECTS:
                break
            location = headers.get("location")
            if not location:
                raise FetchError(url, f"HTTP {status} redirect with no Location")
            target = urljoin(current, location)
            _check_scheme(url, target, redirect=True)
            if public is None:
                public = not self.is_private(urlsplit(url).hostname or "")
            if public and self.is_private(urlsplit(target).hostname or ""):
                raise FetchError(url, f"redirects to a private address ({target}); not fetched")
            if target in seen:
                raise FetchError(url, f"redirect loop (back to {target})")
            seen.add(target)
            current = target
        else:
            raise FetchError(url, f"more than {self.policy.max_redirects} redirects")
        media, charset = _content_type(headers.get("content-type", ""))
        return Response(url, current, status, media, charset, body, _now())

    def fetch_many(
        self, urls: Sequence[str], accept: Sequence[str] = PAGE_TYPES
    ) -> dict[str, Response | FetchError]:
        """Each URL's response or error, at most ``concurrency`` at once."""
        unique = list(dict.fromkeys(urls))

        def one(u: str) -> Response | FetchError:
            try:
                return self.fetch(u, accept)
            except FetchError as exc:
                return exc

        if len(unique) <= 1:
            return {u: one(u) for u in unique}
        self.client()  # made once, before the threads share it
        with ThreadPoolExecutor(max_workers=max(1, self.policy.concurrency)) as pool:
            return dict(zip(unique, pool.map(one, unique), strict=True))

    def _get(self, url: str, current: str, accept: Sequence[str]) -> tuple[int, dict, bytes]:
        """One hop, with retries: (status, headers, body); the body only of a final answer."""
        import httpx

        policy = self.policy
        for attempt in range(policy.retries + 1):
            try:
                with self.client().stream("GET", current) as r:
                    headers = {k.lower(): v for k, v in r.headers.items()}
                    status = r.status_code
                    if status in _REDIRECTS:
                        return status, headers, b""
                    retry = status == 429 or 500 <= status < 600
                    if retry and attempt < policy.retries:
                        wait = _retry_after(headers.get("retry-after"))
                        if wait is None:
                            wait = policy.backoff * (2**attempt)
                        elif wait > policy.max_wait:
                            raise FetchError(
                                url, f"HTTP {status}, asked to wait {wait:.0f} s (Retry-After)"
                            )
                    elif not 200 <= status < 300:
                        tries = f" after {attempt + 1} tries" if retry else ""
                        raise FetchError(url, f"HTTP {status}{tries}")
                    else:
                        _check_type(url, headers.get("content-type", ""), accept)
                        return status, headers, self._body(url, r, headers)
            except httpx.TimeoutException:
                raise FetchError(url, f"timed out after {policy.timeout:g} s") from None
            except httpx.HTTPError as exc:
                detail = " ".join(str(exc).split())[:120] or type(exc).__name__
                raise FetchError(url, f"cannot be fetched ({detail})") from None
            self.sleep(min(wait, policy.max_wait))
        raise AssertionError("unreachable")  # pragma: no cover

    def _body(self, url: str, r, headers: dict) -> bytes:
        limit = self.policy.max_bytes
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise FetchError(url, f"is {_size(int(declared))}; the limit is {_size(limit)}")
        chunks, size = [], 0
        for chunk in r.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise FetchError(url, f"is over the limit of {_size(limit)}")
            chunks.append(chunk)
        return b"".join(chunks)


def _check_scheme(url: str, target: str, *, redirect: bool = False) -> None:
    scheme = urlsplit(target).scheme.lower()
    if scheme not in ("http", "https") or not urlsplit(target).hostname:
        what = f"redirects to {target}, which" if redirect else "is not an http(s) URL and"
        raise FetchError(url, f"{what} is not fetched")


def _content_type(value: str) -> tuple[str, str | None]:
    parts = [p.strip() for p in value.split(";")]
    media = parts[0].lower()
    charset = None
    for p in parts[1:]:
        key, _, val = p.partition("=")
        if key.strip().lower() == "charset":
            charset = val.strip().strip("\"'").lower() or None
    return media, charset


def _check_type(url: str, value: str, accept: Sequence[str]) -> None:
    media, _ = _content_type(value)
    if media not in accept:
        shown = media or "no content type"
        raise FetchError(
            url, f"is {shown}, not {'a web page' if accept == PAGE_TYPES else 'a feed'}"
        )


def _retry_after(value: str | None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (a number, or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def _size(size: int) -> str:
    """A size as people read it: "5.0 MB", "4 KB"."""
    if size >= 1024 * 1024:
        return f"{math.ceil(size / (1024 * 1024) * 10) / 10:.1f} MB"  # over is never "5.0"
    return f"{-(-size // 1024)} KB"
