"""URLs and feeds end to end, against a loopback server on 127.0.0.1 (no other address).

The pages are the example articles set as HTML with their metadata; the feeds list them. Every
run uses a cache folder under ``tmp_path``, so nothing is read from or written to the user's.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.cli import main
from briefing.ingest.web import WebOptions, WebRemote, story_key, url_id
from tests.support.news_server import NewsServer, feed, page, status

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "articles"
SEED = EXAMPLES / "kcna-putin-pyongyang.txt"
TIKTOK = EXAMPLES / "eu-commission-tiktok-ban.txt"


def paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in re.split(r"\n[ \t]*\n", text) if p.strip()]


def article_page(source: Path, *, head: str = "", extra: str = "", canonical: str = "") -> str:
    paras = paragraphs(source.read_text(encoding="utf-8"))
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paras[1:])
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(paras[0])}"
        f"</title>{link}{head}</head><body><article><h1>{html.escape(paras[0])}</h1>"
        f"{extra}{body}</article></body></html>"
    )


OG = (
    '<meta property="og:site_name" content="Korea Daily Wire">'
    '<meta property="article:published_time" content="2024-01-21T09:30:00+09:00">'
)


def run(*args: str | Path, cache: Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [*map(str, args), "--fetch-cache", str(cache)])
    return result.exit_code, result.stdout, result.stderr


def extracted(out: str) -> list[dict]:
    value = json.loads(out)
    return value if isinstance(value, list) else [value]


@pytest.fixture
def site():
    with NewsServer() as server:
        yield server


def test_a_url_is_fetched_and_extracted_with_its_metadata(site, tmp_path):
    site.route("/world/putin-visit", page(article_page(SEED, head=OG)))
    code, out, err = run("extract", site.url("/world/putin-visit"), cache=tmp_path / "c")
    assert code == 0, err
    [doc] = extracted(out)
    meta = doc["article"]
    assert meta["path"] == site.url("/world/putin-visit")
    assert meta["url"] == site.url("/world/putin-visit")
    assert (meta["title"], meta["outlet"]) == (
        "North Korea says Putin willing to visit Pyongyang",
        "Korea Daily Wire",
    )
    assert meta["published"] == "2024-01-21"
    assert meta["format"] == "html" and meta["id"] == "127-putin-visit"
    assert paragraphs(meta["text"]) == paragraphs(SEED.read_text(encoding="utf-8"))
    assert any(a["via"] and a["via"][0]["canonical"] == "KCNA" for a in doc["attributions"])


def test_nothing_the_page_links_to_is_ever_requested(site, tmp_path):
    extra = (
        f'<p>See also <a href="{site.url("/second")}">the second story</a>.</p>'
        f'<img src="{site.url("/photo.jpg")}"><script src="{site.url("/app.js")}"></script>'
        f'<link rel="stylesheet" href="{site.url("/style.css")}">'
        f'<iframe src="{site.url("/frame")}"></iframe>'
    )
    site.route("/story", page(article_page(SEED, extra=extra)))
    site.route("/second", page(article_page(TIKTOK)))
    code, _, err = run("extract", site.url("/story"), cache=tmp_path / "c")
    assert code == 0, err
    assert site.hits("/story") == 1
    assert site.hits("/second") == 0 and site.total == 1


@pytest.mark.parametrize(
    ("head", "extra", "path", "expected"),
    [
        (
            '<script type="application/ld+json">{"@context": "https://schema.org", "@type": '
            '"NewsArticle", "datePublished": "2024-01-22T08:00:00Z"}</script>',
            "",
            "/story",
            "2024-01-22",
        ),
        ("", '<time datetime="2024-01-23T10:00:00Z">23 January</time>', "/story", "2024-01-23"),
        ("", "", "/2024/01/24/story", "2024-01-24"),
        ("", "<p>FILE - A photo taken on July 29, 2016, in Pyongyang.</p>", "/story", None),
    ],
    ids=["json-ld", "time", "url", "never-a-caption"],
)
def test_the_date_comes_from_metadata_then_the_url(site, tmp_path, head, extra, path, expected):
    site.route(path, page(article_page(SEED, head=head, extra=extra)))
    code, out, err = run("extract", site.url(path), cache=tmp_path / "c")
    assert code == 0, err
    assert extracted(out)[0]["article"]["published"] == expected


def test_a_failed_fetch_spoils_one_entry_and_says_why(site, tmp_path):
    site.route("/good", page(article_page(SEED)))
    site.route("/image", page(b"\x89PNG", ctype="image/png"))
    out = tmp_path / "brief.md"
    code, _, err = run(
        "build",
        site.url("/good"),
        site.url("/missing"),
        site.url("/image"),
        "-o",
        out,
        cache=tmp_path / "c",
    )
    assert code == 0, err
    assert "1 article(s) read, 2 skipped" in err
    assert f"briefing: skipped {site.url('/missing')}: HTTP 404" in err
    assert f"briefing: skipped {site.url('/image')}: is image/png, not a web page" in err
    assert site.url("/missing") in out.read_text(encoding="utf-8")


RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Agency Wire</title><link>{base}/</link>
<description>d</description>
<item><title>Putin willing to visit</title><link>{base}/putin?utm_source=rss</link>
<pubDate>Sun, 21 Jan 2024 06:00:00 GMT</pubDate><description>Putin is willing.</description></item>
<item><title>TikTok banned on staff phones</title><link>{base}/gone</link>
<pubDate>Sun, 21 Jan 2024 05:00:00 GMT</pubDate>
<description>&lt;p&gt;The European Commission said staff must remove TikTok from their
phones, citing data protection concerns.&lt;/p&gt;&lt;p&gt;The app's owner said the
decision was misguided.&lt;/p&gt;</description></item>
<item><title>An old story</title><link>{base}/old</link>
<pubDate>Mon, 01 Jan 2024 06:00:00 GMT</pubDate><description>Old.</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Ministry Statements</title>
<id>urn:x</id><updated>2024-01-21T06:00:00Z</updated>
<entry><title>Putin willing to visit (AMP)</title><link href="{base}/amp/putin"/>
<id>urn:1</id><updated>2024-01-21T06:00:00Z</updated><summary>AMP copy.</summary></entry>
<entry><title>TikTok</title><link href="{base}/tiktok"/><id>urn:2</id>
<updated>2024-01-20T06:00:00Z</updated><summary>s</summary></entry>
</feed>"""


def _news(site: NewsServer) -> None:
    base = site.url("")
    site.route("/rss", feed(RSS.format(base=base)))
    site.route("/atom", feed(ATOM.format(base=base), ctype="application/atom+xml"))
    site.route("/putin", page(article_page(SEED, head=OG, canonical=site.url("/putin"))))
    site.route("/amp/putin", page(article_page(SEED, head=OG, canonical=site.url("/putin"))))
    site.route("/tiktok", page(article_page(TIKTOK)))
    site.route("/old", page(article_page(TIKTOK)))


def test_rss_and_atom_feeds_give_their_items_once_each(site, tmp_path):
    _news(site)
    code, out, err = run(
        "extract",
        "--feed",
        site.url("/rss"),
        "--feed",
        site.url("/atom"),
        "--since",
        "2024-01-15",
        cache=tmp_path / "c",
    )
    assert code == 0, err
    docs = extracted(out)
    titles = [d["article"]["title"] for d in docs]
    assert titles == [
        "North Korea says Putin willing to visit Pyongyang",
        "TikTok banned on staff phones (feed summary)",
        paragraphs(TIKTOK.read_text(encoding="utf-8"))[0],
    ]
    assert len(docs) == 3  # the AMP copy of /putin is the same story; /old is before --since
    summary = docs[1]["article"]
    assert (
        summary["outlet"] == "Agency Wire" and summary["published"] == "2024-01-21T05:00:00+00:00"
    )
    assert paragraphs(summary["text"]) == [
        "The European Commission said staff must remove TikTok from their phones, citing data "
        "protection concerns.",
        "The app's owner said the decision was misguided.",
    ]
    assert f"briefing: warning: {site.url('/gone')}: HTTP 404; the feed's summary is read" in err
    assert "the same story as" in err and site.url("/amp/putin") in err
    assert site.hits("/old") == 0  # outside the window, never fetched
    assert docs[2]["article"]["path"] == site.url("/tiktok")


def test_since_takes_a_duration(site, tmp_path):
    _news(site)
    code, out, err = run("extract", "--feed", site.url("/rss"), "--since", "24h", cache=tmp_path)
    # every item is from January 2024, long before the last 24 hours
    assert code == 2 and out == ""
    code, _, err = run("extract", "--feed", site.url("/rss"), "--since", "soon", cache=tmp_path)
    assert code == 2 and "--since: 'soon' is neither a duration" in err


def test_a_feed_from_a_file_and_from_briefing_toml(site, tmp_path, monkeypatch):
    _news(site)
    local = tmp_path / "agency.xml"
    local.write_text(RSS.format(base=site.url("")), encoding="utf-8")
    config = tmp_path / "briefing.toml"
    # (an [llm] table keeps the LLM settings from reading [feeds] as theirs)
    config.write_text('[llm]\nbackend = "offline"\n\n[feeds]\nurls = ["agency.xml"]\n')
    monkeypatch.setenv("BRIEFING_CONFIG", str(config))
    code, out, err = run("extract", "--since", "2024-01-15", cache=tmp_path / "c")
    assert code == 0, err
    assert [d["article"]["path"] for d in extracted(out)] == [
        site.url("/putin?utm_source=rss"),
        site.url("/gone"),
    ]
    assert site.hits("/rss") == 0  # the file was read, not the URL


def test_offline_rebuilds_the_same_brief_from_the_cache(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    config = tmp_path / "briefing.toml"
    config.write_text('[llm]\nbackend = "offline"\n\n[fetch]\nbackoff = 0.01\n')
    monkeypatch.setenv("BRIEFING_CONFIG", str(config))
    with NewsServer() as site:
        _news(site)
        site.route("/flaky", status(503), page(article_page(TIKTOK)))
        first = tmp_path / "online.md"
        args = ["--feed", site.url("/rss"), "--since", "2024-01-15", "--title", "Morning"]
        code, _, err = run("build", site.url("/flaky"), *args, "-o", first, cache=cache)
        assert code == 0, err
        flaky = site.url("/flaky")
        hits = site.total
    second = tmp_path / "offline.md"
    code, _, err = run("build", flaky, *args, "--offline", "-o", second, cache=cache)
    assert code == 0, err
    assert second.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")
    # what was read, and when: /flaky, the feed and /putin (/gone is its summary), from the cache
    read = re.search(r"briefing: read (\d+) page\(s\) and feed\(s\) fetched (.+)", err)
    assert read and read.group(1) == "3" and read.group(2).endswith(", 3 from the cache"), err
    assert hits > 0 and (cache / "pages.sqlite").is_file()
    # a URL never fetched is not in the cache: one entry spoiled, said so
    gone = flaky.replace("/flaky", "/never")
    code, _, err = run("build", gone, flaky, "--offline", "-o", tmp_path / "x.md", cache=cache)
    assert code == 0 and f"briefing: skipped {gone}: is not in the cache (--offline)" in err


def test_story_keys_drop_tracking_and_amp():
    same = [
        "https://www.example.org/world/story",
        "https://example.org/world/story/?utm_source=twitter&utm_medium=social",
        "https://example.org/world/story/amp",
        "https://amp.example.org/world/story#comments",
        "http://example.org/amp/world/story?fbclid=abc",
    ]
    assert len({story_key(u) for u in same}) == 1
    assert story_key("https://example.org/world/story?id=2") != story_key(same[0])
    assert url_id("https://www.example.org/world/story.html") == "example-story"


def test_the_remote_reads_only_the_urls_it_is_given(site, tmp_path):
    site.route("/a", page(article_page(SEED)))
    remote = WebRemote(WebOptions(cache_dir=tmp_path))
    remote.prefetch([site.url("/a"), site.url("/a")])
    article = remote.load(site.url("/a"), None)
    remote.close()
    assert article is not None and site.hits("/a") == 1


def test_fetch_limits_come_from_briefing_toml(tmp_path):
    from briefing.errors import UsageError
    from briefing.ingest.web import configured_policy

    config = tmp_path / "briefing.toml"
    config.write_text("[fetch]\ntimeout = 5\nretries = 1\nmax-wait = 2\n")
    policy = configured_policy(config)
    assert (policy.timeout, policy.retries, policy.max_wait, policy.backoff) == (5.0, 1, 2.0, 1.0)
    config.write_text("[fetch]\nredirects = 50\n")
    with pytest.raises(UsageError, match=r"\[fetch\] redirects: unknown setting"):
        configured_policy(config)


def test_a_public_feed_cannot_send_the_program_into_a_private_network(site, tmp_path):
    from briefing.ingest import load_all

    port = site.url("").rsplit(":", 1)[1]
    inside = f"http://localhost:{port}/secret"
    rss = RSS.format(base=site.url("")).replace(site.url("/putin?utm_source=rss"), inside)
    site.route("/rss", feed(rss))
    site.route("/secret", page(article_page(SEED)))
    remote = WebRemote(WebOptions(feeds=[site.url("/rss")], cache_dir=tmp_path))
    remote.fetcher.is_private = lambda host: host == "localhost"  # 127.0.0.1 plays public
    heard: list[str] = []
    articles, _ = load_all([], remote=remote, warn=heard.append)
    assert site.hits("/secret") == 0
    assert articles[0].meta.title == "Putin willing to visit (feed summary)"
    assert f"{inside}: is a private address, and the feed is public; not fetched" in heard[0]


def test_configured_feeds_are_not_read_by_a_command_given_files(site, tmp_path, monkeypatch):
    _news(site)
    config = tmp_path / "briefing.toml"
    config.write_text(f'[llm]\nbackend = "offline"\n\n[feeds]\nurls = ["{site.url("/rss")}"]\n')
    monkeypatch.setenv("BRIEFING_CONFIG", str(config))
    code, out, err = run("extract", SEED, cache=tmp_path / "c")
    assert code == 0, err
    assert len(extracted(out)) == 1 and site.total == 0
    code, out, err = run("extract", "--since", "2024-01-15", cache=tmp_path / "c")
    assert code == 0, err
    assert len(extracted(out)) == 2 and site.hits("/rss") == 1


def test_a_bad_feed_spoils_its_own_items_only(site, tmp_path):
    _news(site)
    site.route("/not-a-feed", feed("this is not XML at all", ctype="application/xml"))
    site.route("/page-not-feed", page(article_page(SEED)))
    code, out, err = run(
        "extract",
        "--feed",
        site.url("/not-a-feed"),
        "--feed",
        site.url("/page-not-feed"),
        "--feed",
        str(tmp_path / "missing.xml"),
        "--feed",
        site.url("/rss"),
        "--since",
        "2024-01-15",
        cache=tmp_path / "c",
    )
    assert code == 0, err
    assert len(extracted(out)) == 2  # the good feed's two items
    assert f"briefing: skipped {site.url('/not-a-feed')}: is not an RSS or Atom feed" in err
    assert f"briefing: skipped {site.url('/page-not-feed')}: is text/html, not a feed" in err
    assert f"briefing: skipped {tmp_path / 'missing.xml'}: no such feed file" in err


def test_a_page_in_another_encoding_is_read_with_a_warning(site, tmp_path):
    markup = article_page(SEED).replace("<meta charset='utf-8'>", "")
    site.route("/cp", page(markup.encode("cp1252"), ctype="text/html"))
    code, out, err = run("extract", site.url("/cp"), cache=tmp_path / "c")
    assert code == 0, err
    assert "decoded as windows-1252" in err
    text = extracted(out)[0]["article"]["text"]
    assert paragraphs(text) == paragraphs(SEED.read_text(encoding="utf-8"))


def test_the_cache_keeps_pages_and_drops_the_long_unfetched(tmp_path):
    import dataclasses

    from briefing.ingest.cache import KEEP_DAYS, PageCache
    from briefing.ingest.fetch import Response

    now = dt.datetime.now(dt.UTC)
    old = (now - dt.timedelta(days=KEEP_DAYS + 1)).isoformat()
    page_a = Response("http://a/", "http://a/x", 200, "text/html", "utf-8", b"<p>a</p>", old)
    cache = PageCache(tmp_path)
    cache.put(page_a)
    assert cache.get("http://a/") == page_a  # URL, final URL, status, type, time, bytes
    cache.close()
    later = PageCache(tmp_path)
    later.put(dataclasses.replace(page_a, url="http://b/", fetched_at=now.isoformat()))
    assert later.get("http://a/") is None and later.get("http://b/") is not None


def test_a_page_cannot_claim_another_sites_story_as_its_own(site, tmp_path):
    port = site.url("").rsplit(":", 1)[1]
    other = f"http://localhost:{port}/story"  # "localhost" plays another site
    site.route("/evil", page(article_page(TIKTOK, canonical=other)))
    site.route("/story", page(article_page(SEED)))
    code, out, err = run("extract", site.url("/evil"), other, cache=tmp_path / "c")
    assert code == 0, err
    docs = extracted(out)
    assert [d["article"]["url"] for d in docs] == [site.url("/evil"), other]
    assert "the same story" not in err


def test_feed_items_with_odd_or_missing_parts(tmp_path):
    from briefing.ingest.feeds import parse_feed

    rss = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        "<item><title>No link, a summary</title><description>Text.</description></item>"
        "<item><title>A mail link</title><link>mailto:a@example.org</link></item>"
        "<item><title>Far future</title><link>https://e.example/x</link>"
        "<pubDate>Sun, 01 Jan 99999 00:00:00 GMT</pubDate></item>"
        "</channel></rss>"
    )
    items = parse_feed(rss.encode(), "f.xml")
    assert [(i.title, i.link, i.summary) for i in items] == [
        ("No link, a summary", None, "Text."),
        ("A mail link", None, None),
        ("Far future", "https://e.example/x", None),
    ]
    assert items[2].published is None
