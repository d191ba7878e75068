"""Fetching within limits, against a loopback server on 127.0.0.1 (no other address).

Waits are recorded, not slept: the fetcher is given a ``sleep`` that notes how long it was asked
to wait, so the backoff and ``Retry-After`` are checked exactly and the tests stay fast.
"""

from __future__ import annotations

import pytest

from briefing.ingest.fetch import (
    FEED_TYPES,
    MAX_BYTES,
    USER_AGENT,
    Fetcher,
    FetchError,
    FetchPolicy,
    private_host,
)
from tests.support.news_server import Answer, NewsServer, page, redirect, status

HTML = "<html><head><title>T</title></head><body><p>Text.</p></body></html>"


@pytest.fixture
def site():
    with NewsServer() as server:
        yield server


def fetcher(waits: list[float] | None = None, **policy) -> Fetcher:
    policy.setdefault("backoff", 0.25)
    record = waits.append if waits is not None else (lambda s: None)
    return Fetcher(FetchPolicy(**policy), sleep=record)


def failure(f: Fetcher, url: str, **kw) -> str:
    with pytest.raises(FetchError) as info:
        f.fetch(url, **kw)
    assert info.value.url == url and "\n" not in info.value.reason
    return info.value.reason


def test_a_page_is_fetched_once_with_a_clear_user_agent(site):
    site.route("/story", page(HTML))
    got = fetcher().fetch(site.url("/story"))
    assert (got.status, got.content_type, got.charset) == (200, "text/html", "utf-8")
    assert got.body == HTML.encode() and got.final_url == site.url("/story")
    assert site.hits("/story") == 1 and site.user_agents == [USER_AGENT]
    assert USER_AGENT.startswith("briefing/")


def test_redirects_are_followed_to_the_page(site):
    site.route("/old", redirect("/moved", 301))
    site.route("/moved", redirect(site.url("/story"), 307))
    site.route("/story", page(HTML))
    got = fetcher().fetch(site.url("/old"))
    assert got.url == site.url("/old") and got.final_url == site.url("/story")
    assert [site.hits(p) for p in ("/old", "/moved", "/story")] == [1, 1, 1]


def test_a_redirect_loop_is_stopped_at_once(site):
    site.route("/a", redirect("/b"))
    site.route("/b", redirect("/a"))
    assert failure(fetcher(), site.url("/a")) == f"redirect loop (back to {site.url('/a')})"
    assert site.hits("/a") == 1 and site.hits("/b") == 1


def test_at_most_five_redirects(site):
    for n in range(7):
        site.route(f"/r{n}", redirect(f"/r{n + 1}"))
    site.route("/r7", page(HTML))
    assert failure(fetcher(), site.url("/r0")) == "more than 5 redirects"
    assert site.hits("/r6") == 0  # the sixth redirect is not followed


def test_a_redirect_may_only_lead_to_http(site):
    site.route("/trap", redirect("file:///etc/passwd"))
    reason = failure(fetcher(), site.url("/trap"))
    assert reason == "redirects to file:///etc/passwd, which is not fetched"


def test_only_http_urls_are_fetched(site):
    reason = failure(fetcher(), "ftp://127.0.0.1/x")
    assert reason == "is not an http(s) URL and is not fetched"
    assert site.total == 0


def test_5xx_then_200_is_retried_with_backoff(site):
    site.route("/flaky", status(503), status(500), page(HTML))
    waits: list[float] = []
    got = fetcher(waits).fetch(site.url("/flaky"))
    assert got.body == HTML.encode() and site.hits("/flaky") == 3
    assert waits == [0.25, 0.5]  # doubled each time


def test_5xx_for_good_gives_up_after_the_retries(site):
    site.route("/down", status(502))
    waits: list[float] = []
    assert failure(fetcher(waits, retries=2), site.url("/down")) == "HTTP 502 after 3 tries"
    assert site.hits("/down") == 3 and waits == [0.25, 0.5]


def test_429_obeys_retry_after(site):
    site.route("/busy", status(429, {"Retry-After": "3"}), page(HTML))
    waits: list[float] = []
    fetcher(waits, max_wait=10).fetch(site.url("/busy"))
    assert waits == [3.0] and site.hits("/busy") == 2


def test_a_retry_after_longer_than_allowed_is_a_failure_not_an_early_retry(site):
    site.route("/later", status(429, {"Retry-After": "120"}), page(HTML))
    waits: list[float] = []
    reason = failure(fetcher(waits, max_wait=10), site.url("/later"))
    assert reason == "HTTP 429, asked to wait 120 s (Retry-After)"
    assert waits == [] and site.hits("/later") == 1


def test_other_errors_are_not_retried(site):
    waits: list[float] = []
    assert failure(fetcher(waits), site.url("/missing")) == "HTTP 404"
    assert site.hits("/missing") == 1 and waits == []


def test_a_slow_server_times_out(site):
    site.route("/slow", page(HTML, delay=30))
    assert failure(fetcher(timeout=0.3), site.url("/slow")) == "timed out after 0.3 s"


def test_an_oversized_body_is_refused(site):
    site.route("/huge", page(b"x" * (MAX_BYTES + 1)))
    assert failure(fetcher(), site.url("/huge")) == "is 5.1 MB; the limit is 5.0 MB"
    site.route("/big", page(b"x" * 2048))
    assert failure(fetcher(max_bytes=1024), site.url("/big")) == "is 2 KB; the limit is 1 KB"


def test_an_oversized_body_with_no_declared_length_is_cut_off(site):
    site.route("/stream", Answer(200, b"x" * 8192, {"Content-Type": "text/html"}, chunked=True))
    reason = failure(fetcher(max_bytes=4000), site.url("/stream"))
    assert reason == "is over the limit of 4 KB"
    site.route("/fits", Answer(200, b"y" * 3000, {"Content-Type": "text/html"}, chunked=True))
    assert fetcher(max_bytes=4000).fetch(site.url("/fits")).body == b"y" * 3000


def test_a_wrong_content_type_is_refused(site):
    site.route("/photo.jpg", page(b"\xff\xd8\xff", ctype="image/jpeg"))
    assert failure(fetcher(), site.url("/photo.jpg")) == "is image/jpeg, not a web page"
    site.route("/rss", page(HTML))
    assert failure(fetcher(), site.url("/rss"), accept=FEED_TYPES) == "is text/html, not a feed"


def test_concurrency_is_bounded(site):
    urls = []
    for n in range(6):
        site.route(f"/p{n}", page(HTML, delay=0.2))
        urls.append(site.url(f"/p{n}"))
    got = fetcher(concurrency=2).fetch_many(urls)
    assert all(not isinstance(v, FetchError) for v in got.values())
    assert site.max_in_flight == 2


def test_a_public_page_may_not_redirect_into_a_private_network(site):
    # 127.0.0.1 plays a public host here and "localhost" the private network
    port = site.url("").rsplit(":", 1)[1]
    inside = f"http://localhost:{port}/admin"
    site.route("/out", redirect(inside))
    site.route("/admin", page(HTML))
    f = fetcher()
    f.is_private = lambda host: host == "localhost"
    assert failure(f, site.url("/out")) == f"redirects to a private address ({inside}); not fetched"
    assert site.hits("/admin") == 0
    # a private page (the user's own intranet) may redirect within it
    f.is_private = lambda host: True
    site.route("/out", redirect(inside))
    assert f.fetch(site.url("/out")).final_url == inside


@pytest.mark.parametrize(
    ("host", "private"),
    [
        ("127.0.0.1", True),
        ("10.1.2.3", True),
        ("192.168.0.10", True),
        ("169.254.169.254", True),
        ("[::1]", True),
        ("localhost", True),
        ("93.184.216.34", False),
        ("2606:4700::1111", False),
    ],
)
def test_private_hosts(host, private):
    assert private_host(host) is private
