"""Many articles, one page: grouping, merged claims, corroboration, disputes, and the page limit.

Fixtures in tests/data/morning: three short reports of one missile launch, two citing North Korean
state media (KCNA) and one from Japan's defence ministry that gives another distance.
"""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from briefing.analyze import analyze
from briefing.brief import make_brief
from briefing.brief.fit import fit_one_page
from briefing.brief.group import group_articles, merge_claims
from briefing.brief.render import page_count
from briefing.cli import main
from briefing.ingest import load_all
from tests.conftest import EXAMPLES, ROOT
from tests.support.adversarial import varied_copies

MORNING = ROOT / "tests" / "data" / "morning"


@pytest.fixture(scope="module")
def analyses():
    articles, errors = load_all([str(MORNING), str(EXAMPLES)])
    assert not errors
    return [analyze(a) for a in articles]


def test_reports_of_one_launch_are_grouped_and_nothing_else(analyses):
    groups = group_articles(analyses)
    ids = [[analyses[i].article.id for i in g] for g in groups]
    assert ["japan-missile", "wire-missile", "yonhap-missile"] in ids
    assert sum(len(g) for g in groups) == len(analyses)
    assert all(len(g) == 1 for g in ids if "japan-missile" not in g)


def test_a_claim_echoed_from_one_source_counts_once(analyses):
    groups = group_articles(analyses)
    group = next(g for g in groups if len(g) == 3)
    claims = merge_claims(analyses, group)
    tested = next(c for c in claims if "solid-fuel ballistic missile" in c.text)
    assert sorted(tested.articles) == ["wire-missile", "yonhap-missile"]
    assert tested.independent == 1
    assert tested.sources_text == "all citing KCNA"


def test_a_contradiction_between_articles_is_disputed(analyses):
    group = next(g for g in group_articles(analyses) if len(g) == 3)
    claims = merge_claims(analyses, group)
    distance = next(c for c in claims if "1,000 kilometers" in c.text)
    assert distance.disputed_by and distance.disputed_by[0][0] == "japan-missile"
    assert "600 kilometers" in distance.disputed_by[0][2]


def test_the_brief_says_what_the_repetition_is_worth(analyses):
    brief = make_brief(analyses)
    text = " ".join(f"{c.text} ({c.note})" for c in brief.caveats)
    assert "all citing KCNA: one source repeated, not corroboration" in text
    assert "disputed by japan-missile" in text
    launch = [x for x in brief.bottom_line + brief.developments if "3 articles" in (x.note or "")]
    assert len(launch) == 1, "one line for the launch, not three"
    assert {r.article_id for r in launch[0].refs} == {
        "japan-missile",
        "wire-missile",
        "yonhap-missile",
    }


@pytest.mark.parametrize("n, paper", [(1, "A4"), (10, "A4"), (50, "A4"), (50, "Letter")])
def test_the_pdf_is_one_page_whatever_the_number_of_articles(tmp_path, n, paper):
    folder = varied_copies(tmp_path, n)
    out = tmp_path / "brief.pdf"
    r = CliRunner().invoke(
        main, ["build", str(folder), "-o", str(out), "--paper", paper, "--quiet"]
    )
    assert r.exit_code == 0, r.output
    assert out.read_bytes().startswith(b"%PDF")
    articles, _ = load_all([str(folder)])
    brief = fit_one_page(make_brief([analyze(a) for a in articles], pages=1), paper=paper)
    assert page_count(brief, paper=paper) == 1
    if n == 50:
        assert brief.omitted > 0
        r = CliRunner().invoke(
            main, ["build", str(folder), "-o", str(tmp_path / "b.txt"), "--quiet", "--pages", "1"]
        )
        assert r.exit_code == 0, r.output
        assert "left out to fit one page" in (tmp_path / "b.txt").read_text()


def test_json_output_is_the_whole_brief(tmp_path):
    out = tmp_path / "brief.json"
    r = CliRunner().invoke(main, ["build", str(MORNING), str(EXAMPLES), "-o", str(out), "--quiet"])
    assert r.exit_code == 0
    data = json.loads(out.read_text())
    assert data["article_count"] == 10 and data["omitted"] == 0
    assert {"bottom_line", "developments", "who_said_what", "caveats", "sources"} <= set(data)
    assert all(item["refs"] for item in data["developments"])


def test_date_picks_the_day_and_the_summary_line_counts(tmp_path):
    folder = tmp_path / "day"
    shutil.copytree(MORNING, folder)
    other = json.loads((folder / "japan-missile.json").read_text())
    other["published"] = "2026-11-24"
    (folder / "japan-missile.json").write_text(json.dumps(other))
    r = CliRunner().invoke(
        main, ["build", str(folder), "-o", str(tmp_path / "b.txt"), "--date", "2026-11-25"]
    )
    assert r.exit_code == 0
    assert "left out" in r.stderr and "japan-missile.json: published 2026-11-24" in r.stderr
    assert "2 article(s) read, 0 skipped" in r.stderr and " s" in r.stderr.splitlines()[-1]
    assert "2026-11-25" in (tmp_path / "b.txt").read_text()
    quiet = CliRunner().invoke(
        main, ["build", str(folder), "-o", str(tmp_path / "c.txt"), "--quiet"]
    )
    assert quiet.stderr == ""


def test_newer_articles_rank_higher(tmp_path):
    folder = tmp_path / "days"
    folder.mkdir()
    for day, name in (("2026-11-20", "old"), ("2026-11-25", "new")):
        (folder / f"{name}.json").write_text(
            json.dumps(
                {
                    "title": f"Council votes on budget ({name})",
                    "published": day,
                    "text": f"The city council approved a budget of {len(name)} million dollars "
                    "on Monday, the mayor said.",
                }
            )
        )
    articles, _ = load_all([str(folder)])
    brief = make_brief([analyze(a) for a in articles])
    ranks = {x.refs[0].article_id: x.rank for x in brief.bottom_line + brief.developments}
    assert ranks["new"] > ranks["old"]


def test_a_number_of_another_thing_disputes_nothing():
    """Only another figure for the same thing disputes a claim: a poll's percentages say nothing
    of a man's age, and a year is no distance."""
    from briefing.brief.group import renumbers

    age = "A letter from his doctor said he was in excellent health for a 70-year-old."
    poll = "Only 48 percent of voters said he was in good health, against 61 percent in May."
    assert not renumbers(age, poll)
    assert not renumbers("The missile flew 1,000 kilometers.", "It was tested in 2017.")
    assert renumbers("The missile flew 1,000 kilometers.", "Japan put it at 600 kilometers.")
    assert not renumbers("The missile flew 1,000 kilometers.", "It flew 1,000 kilometers.")
    assert renumbers("He is a 70-year-old.", "The 72-year-old senator spoke.")
