"""The daily run: ``--feeds-only --since-last`` against a loopback feed on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

from click.testing import CliRunner

from briefing.cli import main
from tests.support.news_server import NewsServer, feed, page

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "articles"
STORIES = {
    "/a": EXAMPLES / "kcna-putin-pyongyang.txt",
    "/b": EXAMPLES / "eu-commission-tiktok-ban.txt",
    "/c": EXAMPLES / "east-palestine-derailment.txt",
    "/d": EXAMPLES / "mccaul-delegation-kyiv.txt",
}


def story(path: str, addendum: str = "") -> str:
    text = STORIES[path].read_text(encoding="utf-8")
    paras = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]
    body = "".join(f"<p>{html.escape(p)}</p>" for p in [*paras[1:], addendum] if p)
    return f"<html><head><title>{html.escape(paras[0])}</title></head><body><article>{body}"


def atom(base: str, entries: list[tuple[str, dt.datetime, dt.datetime]]) -> str:
    def stamp(when: dt.datetime) -> str:
        return when.strftime("%Y-%m-%dT%H:%M:%SZ")

    items = "".join(
        f'<entry><title>{path}</title><link href="{base}{path}"/><id>urn:{path}</id>'
        f"<published>{stamp(pub)}</published><updated>{stamp(upd)}</updated></entry>"
        for path, pub, upd in entries
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Desk</title><id>urn:desk</id><updated>{stamp(entries[0][2])}</updated>"
        f"{items}</feed>"
    )


def build(site: NewsServer, tmp_path: Path, out: str) -> tuple[int, str]:
    args = ["build", "--feeds-only", "--since-last", "--feed", site.url("/feed.xml")]
    args += ["-o", str(tmp_path / out), "--fetch-cache", str(tmp_path / "cache")]
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.stderr


def test_the_second_run_says_what_is_new_updated_and_unchanged(tmp_path: Path):
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    later = now + dt.timedelta(minutes=5)  # dated after the first run started
    old = now - dt.timedelta(days=3)
    with NewsServer() as site:
        base = site.url("")
        site.route("/a", page(story("/a")))
        site.route("/b", page(story("/b")))
        site.route("/c", page(story("/c")))
        site.route("/d", page(story("/d")))
        first = [
            ("/a", now - dt.timedelta(hours=2), now - dt.timedelta(hours=2)),
            ("/b", now - dt.timedelta(hours=3), now - dt.timedelta(hours=3)),
            ("/d", later, later),
            ("/c", old, old),  # older than the first run's 24 hours
        ]
        site.route("/feed.xml", feed(atom(base, first), ctype="application/atom+xml"))
        code, err = build(site, tmp_path, "day1.md")
        assert code == 0, err
        assert "since the last brief (none; the last 24 h): 3 new, 0 updated, 0 unchanged" in err
        assert site.hits("/c") == 0

        # the next morning's feed: /b was revised, /c is back as a new story, /d is as it was
        site.route("/b", page(story("/b", "The Commission later said the ban was temporary.")))
        second = [
            ("/a", now - dt.timedelta(hours=2), now - dt.timedelta(hours=2)),
            ("/b", now - dt.timedelta(hours=3), later),
            ("/c", later, later),
            ("/d", later, later),
        ]
        site.route("/feed.xml", feed(atom(base, second), ctype="application/atom+xml"))
        code, err = build(site, tmp_path, "day2.md")
        assert code == 0, err
        assert re.search(
            r"since the last brief \(\d{4}-\d\d-\d\dT\d\d:\d\d\+00:00\): "
            r"1 new, 1 updated, 1 unchanged",
            err,
        ), err
        assert site.hits("/a") == 1  # not in the window: not fetched again
        unchanged = [line for line in err.splitlines() if line.startswith("briefing: unchanged:")]
        assert unchanged == ["briefing: unchanged: " + story_title("/d")]
    assert (tmp_path / "cache" / "state.sqlite").is_file()


def story_title(path: str) -> str:
    return STORIES[path].read_text(encoding="utf-8").split("\n", 1)[0].strip()


def test_feeds_only_needs_feeds_and_no_paths(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("BRIEFING_CONFIG", str(tmp_path / "none.toml"))
    out = str(tmp_path / "b.md")
    result = CliRunner().invoke(main, ["build", "--feeds-only", "-o", out])
    assert result.exit_code == 2 and "--feeds-only: no feeds" in result.stderr
    result = CliRunner().invoke(main, ["build", "--feeds-only", "x.txt", "--feed", "f", "-o", out])
    assert result.exit_code == 2 and "give no PATHS" in result.stderr
