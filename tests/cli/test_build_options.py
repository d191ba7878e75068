"""``briefing build``: how long the brief is (``--pages``, ``--all``, each format's default), its
dates (``--date``, the masthead's span, each line's outlet and date) and what the masthead says
made it. Built from the example articles and the morning fixtures (three dated reports)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing import pipeline
from briefing.brief.compose import OFFLINE_ENGINE
from briefing.cli import main
from briefing.llm.settings import load_settings
from briefing.models import Usage
from tests.conftest import EXAMPLES, ROOT
from tests.support.pdf import pdf_pages

MORNING = ROOT / "tests" / "data" / "morning"


def build(tmp_path: Path, name: str, *args: str, paths: tuple[Path, ...] = (MORNING, EXAMPLES)):
    out = tmp_path / name
    r = CliRunner().invoke(
        main,
        ["build", *map(str, paths), "-o", str(out), "--quiet", *args],
        catch_exceptions=False,
    )
    return r, out


def brief_json(tmp_path: Path, *args: str) -> dict:
    r, out = build(tmp_path, "brief.json", *args)
    assert r.exit_code == 0, r.output
    return json.loads(out.read_text(encoding="utf-8"))


def items(brief: dict) -> int:
    return sum(len(brief[k]) for k in ("developments", "who_said_what", "caveats"))


# --- lengths -------------------------------------------------------------------------------------


def test_markdown_text_and_json_keep_every_item_unless_asked(tmp_path: Path):
    whole = brief_json(tmp_path)
    assert whole["omitted"] == 0 and whole["pages"] is None
    for fmt in ("md", "txt"):
        r, out = build(tmp_path, f"brief.{fmt}")
        assert r.exit_code == 0, r.output
        text = out.read_text(encoding="utf-8")
        assert "left out" not in text
        assert whole["who_said_what"][-1]["claim"][:25] in " ".join(text.split())
    cut = brief_json(tmp_path, "--pages", "1")
    assert cut["pages"] == 1 and cut["omitted"] > 0
    assert items(cut) + cut["omitted"] == items(whole)
    r, out = build(tmp_path, "one.md", "--pages", "1")
    assert f"{cut['omitted']} lower-ranked items left out to fit one page" in out.read_text()


def test_pdf_is_one_page_by_default_and_takes_what_it_is_given(tmp_path: Path):
    r, one = build(tmp_path, "one.pdf")
    assert r.exit_code == 0 and pdf_pages(one.read_bytes()) == 1
    r, two = build(tmp_path, "two.pdf", "--pages", "2")
    assert r.exit_code == 0 and pdf_pages(two.read_bytes()) == 2
    r, every = build(tmp_path, "all.pdf", "--all")
    assert r.exit_code == 0 and pdf_pages(every.read_bytes()) > 2
    assert two.stat().st_size > one.stat().st_size
    one_page = brief_json(tmp_path, "--pages", "1")
    two_pages = brief_json(tmp_path, "--pages", "2")
    assert one_page["omitted"] > two_pages["omitted"] > 0


def test_html_prints_one_page_by_default_and_all_keeps_every_item(tmp_path: Path):
    r, html = build(tmp_path, "brief.html")
    text = html.read_text(encoding="utf-8")
    assert "left out to fit one page" in text
    r, html = build(tmp_path, "all.html", "--all")
    assert r.exit_code == 0 and "left out" not in html.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "args, message",
    [
        (("--pages", "0"), "--pages: '0' is not a number of pages"),
        (("--pages", "two"), "--pages: 'two' is not a number of pages"),
        (("--pages", "-1"), "--pages: '-1' is not a number of pages"),
        (("--pages", "2", "--all"), "--pages and --all cannot be used together"),
    ],
)
def test_bad_page_options_are_one_line_and_exit_2(tmp_path: Path, args, message):
    r, out = build(tmp_path, "brief.pdf", *args)
    assert r.exit_code == 2
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"briefing: error: {message}"), r.output
    assert not out.exists()


# --- dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["2024-13-01", "2024-02-30", "yesterday", "2024-6-1", "20240601"])
def test_date_must_be_a_real_day(tmp_path: Path, value: str):
    r, out = build(tmp_path, "brief.md", "--date", value)
    assert r.exit_code == 2
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        f"briefing: error: --date: '{value}' is not a date"
    )
    assert "YYYY-MM-DD" in lines[0]
    assert not out.exists()


def test_a_real_date_is_the_briefs_day_and_filters_other_days(tmp_path: Path):
    r, out = build(tmp_path, "brief.md", "--date", "2026-11-25")
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[2].startswith("Brief of 2026-11-25 · Covers 2026-11-25 ·")


def _dated(tmp_path: Path) -> Path:
    folder = tmp_path / "dated"
    folder.mkdir()
    for name, outlet, day in [
        ("yonhap-missile", "Yonhap", "2024-06-12"),
        ("japan-missile", "NHK", "2024-06-14T08:00:00+09:00"),
        ("wire-missile", None, None),
    ]:
        article = json.loads((MORNING / f"{name}.json").read_text(encoding="utf-8"))
        article.update(outlet=outlet, published=day)
        (folder / f"{name}.json").write_text(json.dumps(article), encoding="utf-8")
    return folder


def test_the_masthead_gives_the_span_of_days_covered(tmp_path: Path):
    r, out = build(tmp_path, "brief.txt", paths=(_dated(tmp_path),))
    assert r.exit_code == 0, r.output
    head = " ".join(out.read_text(encoding="utf-8").split("=" * 78)[0].split())
    assert "| Covers 2024-06-12 to 2024-06-14 |" in head
    r, out = build(tmp_path, "undated.txt", paths=(EXAMPLES,))
    assert "| Article dates not known |" in " ".join(out.read_text().split())


def test_every_line_shows_its_articles_outlet_and_date(tmp_path: Path):
    folder = _dated(tmp_path)
    r, out = build(tmp_path, "brief.md", paths=(folder,))
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    body = text.split("## Bottom line", 1)[1].split("## Sources", 1)[0]
    lines = [" ".join(x.split()) for x in re.split(r"\n(?=- )", body) if x.startswith("- ")]
    assert len(lines) >= 5
    expected = {"yonhap-missile": "Yonhap, 2024-06-12", "japan-missile": "NHK, 2024-06-14"}
    for line in lines:
        cited = set(re.findall(r"\[(\S+?) s[\d,s]+\]", line))
        assert cited, line
        for article in cited & expected.keys():
            assert expected[article] in line, line
        if cited == {"wire-missile"}:  # neither outlet nor date known: nothing to show
            assert not re.search(r"\(\w[^()]*, \d{4}-\d\d-\d\d\)", line), line
    html = build(tmp_path, "brief.html", paths=(folder,))[1].read_text()
    assert '<span class="origin">(NHK, 2024-06-14)</span>' in html


# --- masthead ------------------------------------------------------------------------------------


def test_the_masthead_never_shows_the_endpoint():
    internal = load_settings(
        {"backend": "openai", "model": "m-7b", "base_url": "http://10.1.2.3:8000/v1"}
    )
    openai = load_settings({"backend": "openai", "model": "gpt-4o-mini"})
    assert pipeline.made_by(internal).startswith("m-7b (an OpenAI-compatible endpoint)")
    assert pipeline.made_by(openai).startswith("gpt-4o-mini (OpenAI)")
    for settings in (internal, openai):
        assert not re.search(r"https?:|10\.1\.2\.3|:8000|/v1", pipeline.made_by(settings))


def test_a_model_that_wrote_nothing_leaves_the_offline_engine_on_the_masthead():
    unused = pipeline.ModelRun(
        verified={}, usage=Usage(), made_by="m-7b (an OpenAI-compatible endpoint)"
    )
    assert "made_by" not in unused.brief_args()
    from briefing.analyze import analyze
    from briefing.ingest import load_all

    articles, _ = load_all([str(EXAMPLES / "kcna-putin-pyongyang.txt")])
    brief = pipeline.compose([analyze(a) for a in articles], run=unused)
    assert brief.made_by == OFFLINE_ENGINE and "offline engine" in brief.made_by
