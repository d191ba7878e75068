"""The daily run's brief: two mornings of ``--feeds-only --since-last`` against a loopback feed
on 127.0.0.1; the second brief marks its developments and folds the unchanged into one line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from click.testing import CliRunner

from briefing.cli import main
from tests.ingest.test_daily import atom, story
from tests.support.news_server import NewsServer, feed, page

FOLD = "Unchanged since the last brief"


def build(site: NewsServer, tmp_path: Path, out: str, *window: str) -> tuple[int, str, str]:
    args = ["build", "--feeds-only", *(window or ["--since-last"]), "--feed", site.url("/f.xml")]
    args += ["-o", str(tmp_path / out), "--fetch-cache", str(tmp_path / "cache")]
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.stderr, (tmp_path / out).read_text(encoding="utf-8")


def test_the_second_brief_marks_new_and_updated_and_folds_the_unchanged(tmp_path: Path):
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    later = now + dt.timedelta(minutes=5)  # dated after the first run started
    hour = dt.timedelta(hours=1)
    with NewsServer() as site:
        base = site.url("")
        for path in ("/b", "/c", "/d"):
            site.route(path, page(story(path)))
        first = [("/b", now - hour, now - hour), ("/d", later, later)]
        site.route("/f.xml", feed(atom(base, first), ctype="application/atom+xml"))
        code, err, day1 = build(site, tmp_path, "day1.md")
        assert code == 0, err
        assert "developments since the last brief: 2 new, 0 updated, 0 unchanged" in err
        assert day1.count("*New · 1 article") == 2 and FOLD not in day1

        # the next morning: /b revised, /c new, /d as it was
        site.route("/b", page(story("/b", "The Commission later said the ban was temporary.")))
        second = [("/b", now - hour, later), ("/c", later, later), ("/d", later, later)]
        site.route("/f.xml", feed(atom(base, second), ctype="application/atom+xml"))
        code, err, day2 = build(site, tmp_path, "day2.json")
        assert code == 0, err
        assert (
            "developments since the last brief: 1 new, 1 updated, 1 unchanged "
            "(the unchanged folded into one line)" in err
        )
        brief = json.loads(day2)
        by_path = {
            src["path"]: next(d for d in brief["stories"] if src["article_id"] in d["article_ids"])
            for src in brief["sources"]
        }
        changes = {path[len(base) :]: d["change"] for path, d in by_path.items()}
        assert changes == {"/b": "updated", "/c": "new", "/d": "unchanged"}
        [folded] = brief["unchanged"]
        assert folded["text"] == by_path[site.url("/d")]["headline"]
        shown = [x["story"] for name in ("developments", "who_said_what") for x in brief[name]]
        assert by_path[site.url("/d")]["id"] not in shown

        # the same feed without --since-last: no marks, nothing folded
        code, err, plain = build(site, tmp_path, "plain.md", "--since", "2d")
        assert code == 0, err
        assert FOLD not in plain and "New · " not in plain and "Updated · " not in plain
        assert "since the last brief" not in err


def test_another_outlets_copy_of_a_story_read_yesterday_is_not_news(tmp_path: Path):
    from tests.conftest import SEED
    from tests.ingest.test_wire import as_run_by, wire_page

    seed = SEED.read_text(encoding="utf-8")
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    later = now + dt.timedelta(minutes=5)
    with NewsServer() as site:
        base = site.url("")
        site.route("/ap", page(wire_page(seed, "AP News")))
        site.route("/yahoo", page(wire_page(as_run_by("Yahoo News", seed), "Yahoo News")))
        site.route(
            "/f.xml", feed(atom(base, [("/ap", later, later)]), ctype="application/atom+xml")
        )
        code, err, _ = build(site, tmp_path, "day1.md")
        assert code == 0, err
        both = [("/ap", later, later), ("/yahoo", later, later)]
        site.route("/f.xml", feed(atom(base, both), ctype="application/atom+xml"))
        code, err, day2 = build(site, tmp_path, "day2.json")
    assert code == 0, err
    assert "since the last brief" in err and "1 new, 0 updated, 1 unchanged" in err  # inputs
    assert "developments since the last brief: 0 new, 0 updated, 1 unchanged" in err
    brief = json.loads(day2)
    [story] = brief["stories"]
    assert story["change"] == "unchanged" and story["outlets"] == ["AP News", "Yahoo News"]
    assert [x["story"] for x in brief["unchanged"]] == [story["id"]]


def _morning_page(name: str) -> str:
    import html

    from tests.conftest import ROOT

    d = json.loads((ROOT / "tests" / "data" / "morning" / f"{name}.json").read_text("utf-8"))
    paras = [" ".join(p.split()) for p in d["text"].split("\n\n") if p.strip()]
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paras[1:])
    return f"<html><head><title>{html.escape(d['title'])}</title></head><body><article>{body}"


def test_a_new_article_in_a_story_the_last_brief_told_makes_it_updated(tmp_path: Path):
    """Yesterday's article is out of today's window and not read again: today's article of the
    same story (the same launch, reported by another agency) makes the story updated, not new;
    a story the last brief did not tell is new."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    later = now + dt.timedelta(minutes=5)
    with NewsServer() as site:
        base = site.url("")
        site.route("/yonhap", page(_morning_page("yonhap-missile")))
        site.route("/japan", page(_morning_page("japan-missile")))
        site.route("/b", page(story("/b")))
        site.route(
            "/f.xml", feed(atom(base, [("/yonhap", later, later)]), ctype="application/atom+xml")
        )
        code, err, _ = build(site, tmp_path, "day1.md")
        assert code == 0, err
        today = [("/japan", later, later), ("/b", later, later)]
        site.route("/f.xml", feed(atom(base, today), ctype="application/atom+xml"))
        code, err, day2 = build(site, tmp_path, "day2.json")
    assert code == 0, err
    assert "since the last brief" in err and "2 new, 0 updated, 0 unchanged" in err  # articles
    assert "developments since the last brief: 1 new, 1 updated, 0 unchanged" in err
    brief = json.loads(day2)
    by_source = {
        src["path"][len(base) :]: next(
            d["change"] for d in brief["stories"] if src["article_id"] in d["article_ids"]
        )
        for src in brief["sources"]
    }
    assert by_source == {"/japan": "updated", "/b": "new"}
