"""Wire copies: one story carried by several outlets is one article with all its outlets
(``briefing.ingest.wire``), measured on real text: the PolNeAR training articles (skipped when
absent) and the bundled examples, set as another outlet would run them."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.cli import main
from briefing.ingest.state import RunState, combined
from briefing.ingest.wire import COPY_SHARE, copy_groups, shared, shingles
from briefing.models import ArticleMeta
from tests.conftest import EXAMPLES, ROOT, SEED
from tests.support.news_server import NewsServer, page

POLNEAR = Path("/work/shared/datasets/polnear/data/train/text")
MORNING = ROOT / "tests" / "data" / "morning"
TIKTOK = EXAMPLES / "eu-commission-tiktok-ban.txt"


def paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in re.split(r"\n[ \t]*\n", text) if p.strip()]


def as_run_by(outlet: str, text: str) -> str:
    """An article as another outlet runs a wire story: its own headline, a byline, its last
    third cut, its own furniture."""
    paras = paragraphs(text)[1:]
    kept = paras[: max(1, len(paras) * 2 // 3)]
    return "\n\n".join(
        [f"{outlet}: the story as we ran it", "By The Associated Press", *kept, "Sign up now."]
    )


@pytest.mark.skipif(not POLNEAR.is_dir(), reason="PolNeAR is not in /work/shared")
def test_no_two_polnear_articles_are_copies():
    paths = sorted(POLNEAR.glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in paths]
    outlets = [p.name.split("_", 1)[0] for p in paths]
    groups = copy_groups(texts, outlets)
    assert len(groups) == len(paths) == 840
    # the nearest pair of outlets is far below the line: two outlets' articles of one day's
    # news share quotations, not their text
    grams = [shingles(t) for t in texts]
    by_outlet: dict[str, list[int]] = {}
    for i, o in enumerate(outlets):
        by_outlet.setdefault(o, []).append(i)
    samples = [ids[:40] for ids in by_outlet.values()]
    nearest = max(
        shared(grams[a], grams[b])
        for x in range(len(samples))
        for y in range(x + 1, len(samples))
        for a in samples[x]
        for b in samples[y]
    )
    assert nearest < COPY_SHARE / 2


@pytest.mark.parametrize("source", sorted(EXAMPLES.glob("*.txt")), ids=lambda p: p.stem)
def test_an_example_run_by_another_outlet_is_its_copy(source: Path):
    text = source.read_text(encoding="utf-8")
    copy = as_run_by("Yahoo News", text)
    assert copy_groups([text, copy], ["AP", "Yahoo News"]) == [[0, 1]]
    # one outlet's two texts are its own business (a story under two addresses is the URL's);
    # a text whose outlet is not known is no outlet's copy
    assert copy_groups([text, copy], ["AP", "ap"]) == [[0], [1]]
    assert copy_groups([text, copy], ["AP", None]) == [[0], [1]]


def test_the_examples_are_no_copies_of_each_other():
    texts = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.txt"))]
    assert len(copy_groups(texts, [f"outlet {i}" for i in range(len(texts))])) == len(texts)


def wire_page(text: str, outlet: str, *, extra: str = "") -> str:
    paras = paragraphs(text)
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paras[1:])
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(paras[0])}</title>"
        f'<meta property="og:site_name" content="{outlet}">'
        '<meta property="article:published_time" content="2024-01-21T09:30:00+09:00">'
        f"</head><body><article><h1>{html.escape(paras[0])}</h1>{body}{extra}</article></body>"
        "</html>"
    )


def test_a_wire_story_on_two_sites_is_one_article_with_both_outlets(tmp_path: Path):
    seed = SEED.read_text(encoding="utf-8")
    with NewsServer() as site:
        site.route("/ap/putin", page(wire_page(seed, "AP News")))
        site.route("/yahoo/putin-visit", page(wire_page(as_run_by("Yahoo News", seed), "Yahoo")))
        site.route("/tiktok", page(wire_page(TIKTOK.read_text(encoding="utf-8"), "Politico")))
        urls = [site.url(p) for p in ("/ap/putin", "/yahoo/putin-visit", "/tiktok")]
        out = tmp_path / "brief.json"
        result = CliRunner().invoke(
            main, ["build", *urls, "-o", str(out), "--fetch-cache", str(tmp_path / "c")]
        )
    assert result.exit_code == 0, result.stderr
    assert f"{urls[1]}: the same text as {urls[0]} (AP News), carried by Yahoo" in result.stderr
    assert "2 article(s) read" in result.stderr
    brief = json.loads(out.read_text(encoding="utf-8"))
    assert brief["article_count"] == 2
    [putin] = [d for d in brief["stories"] if "127-putin" in d["article_ids"]]
    assert putin["article_count"] == 1 and putin["outlets"] == ["AP News", "Yahoo"]
    [source] = [s for s in brief["sources"] if s["article_id"] == "127-putin"]
    assert [(c["outlet"], c["path"]) for c in source["copies"]] == [("Yahoo", urls[1])]
    assert all("copies" not in s for s in brief["sources"] if s is not source)


def test_a_copy_is_not_counted_as_corroboration(tmp_path: Path):
    folder = tmp_path / "morning"
    shutil.copytree(MORNING, folder)
    wire = json.loads((folder / "wire-missile.json").read_text(encoding="utf-8"))
    wire.update(outlet="Yahoo News", title="North Korea launches a new missile")
    (folder / "yahoo-missile.json").write_text(json.dumps(wire), encoding="utf-8")
    out = tmp_path / "brief.json"
    result = CliRunner().invoke(main, ["build", str(folder), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    brief = json.loads(out.read_text(encoding="utf-8"))
    [launch] = [d for d in brief["stories"] if "wire-missile" in d["article_ids"]]
    assert launch["article_count"] == 3 and "Yahoo News" in launch["outlets"]
    notes = [x["note"] for x in brief["who_said_what"] if x.get("note")]
    assert "2 articles, all citing KCNA" in notes and not any("4 articles" in n for n in notes)


def test_a_copy_read_yesterday_makes_another_outlets_copy_known_today(tmp_path: Path):
    state = RunState(tmp_path)
    ap = ArticleMeta(id="ap", path="https://ap.example/putin", url="https://ap.example/putin")
    yahoo = ArticleMeta(id="y", path="https://yahoo.example/p", url="https://yahoo.example/p")
    state.record("cfg", [(ap, "the words")], dt.datetime.now(dt.UTC))
    today = state.changes("cfg", [(ap, "the words"), (yahoo, "the words, cut")])
    state.close()
    assert today == {"ap": "unchanged", "y": "new"}
    assert combined(today.values()) == "unchanged"  # the article: read yesterday
    assert combined(["new", "updated"]) == combined(["unchanged", "updated"]) == "updated"
    assert combined(["new", "new"]) == "new"
