"""The reconciled attributions feed the brief and ``check``, not only ``extract``.

A loopback server answers with the recorded-style answer of ``test_model_attributions``: one
correct attribution the engine misses, one the engine has too, and the kinds that must not pass
(a fabricated speaker, shifted spans, a paraphrased "quote", an id that does not exist, the
engine's words given to another speaker, a cue that is not one, an invented chain). The correct
one must become a who-said-what row of the brief, ranked as the engine ranks its own and marked
as the model's; none of the others may reach any line. ``check`` with the model judges a summary
by the same list, and the masthead counts the calls that failed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.analyze import analyze
from briefing.brief import make_brief
from briefing.brief.gate import gate
from briefing.brief.render import render
from briefing.cli import main
from briefing.ingest import load_article
from briefing.models import Brief, BriefItem, LLMExtraction, Ref
from briefing.verify import verify
from briefing.verify.reconciled import found_by, reconciled
from tests.conftest import EXAMPLES
from tests.llm.test_model_attributions import ANSWER, ARTICLE
from tests.support.llm_server import FakeOpenAIServer, json_step, model_env

# the engine reads the same words with a comma after the speaker: its own row, for the ranks
WITH_COMMA = ARTICLE.replace("According to Reyes the", "According to Reyes, the")
NOT_JSON = [json_step("not json"), json_step("still not json")]  # the answer and its retry


@pytest.fixture()
def env(tmp_path, monkeypatch):
    model_env(monkeypatch, tmp_path, "sk-brief", headlines=False)
    path = tmp_path / "bridge.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def run(*args: str | Path, server: FakeOpenAIServer | None = None):
    extra = ["--backend", "openai", "--base-url", server.base_url] if server else []
    return CliRunner().invoke(main, [*map(str, args), *extra], catch_exceptions=False)


@pytest.fixture()
def built(env, tmp_path):
    """The brief as JSON and as Markdown, and ``extract``'s output, from one model answer."""
    with FakeOpenAIServer() as server:
        server.script(json_step(ANSWER))
        out = {}
        for name in ("brief.json", "brief.md"):
            r = run("build", env, "-o", tmp_path / name, server=server)
            assert r.exit_code == 0, r.output
        r = run("extract", env, server=server)
        assert r.exit_code == 0, r.output
        assert server.calls == 1  # the other two runs read the cached answer
    out["json"] = json.loads((tmp_path / "brief.json").read_text(encoding="utf-8"))
    out["md"] = (tmp_path / "brief.md").read_text(encoding="utf-8")
    out["extract"] = json.loads(r.stdout)
    return out


def rows(brief: dict, by: str | None = None) -> list[dict]:
    return [x for x in brief["who_said_what"] if by is None or x["found_by"] == by]


def test_a_correct_model_attribution_the_engine_missed_is_a_row_of_the_brief(built):
    (row,) = rows(built["json"], "model")
    assert (row["speaker"], row["claim"], row["kind"]) == (
        "Reyes",
        "the repairs cost $2 million",
        "indirect",
    )
    assert [(r["article_id"], r["sentence_ids"]) for r in row["refs"]] == [("bridge", ["s3"])]
    assert built["json"]["lines_left_out"] == 0  # it passed the gate as it is


def test_the_brief_and_extract_add_the_same_attributions(built):
    added = [a for a in built["extract"]["attributions"] if a["found_by"] == "model"]
    assert [(a["source"]["canonical"], a["content"]["text"]) for a in added] == [
        (r["speaker"], r["claim"]) for r in rows(built["json"], "model")
    ]
    by_claim = {r["claim"]: r["found_by"] for r in rows(built["json"])}
    assert by_claim == {
        "the repairs cost $2 million": "model",
        'the work "finished ahead of schedule."': "both",
        "The bridge will reopen in June": "engine",
        "The work was cheap": "engine",
    }


def test_fabricated_shifted_paraphrased_and_nonexistent_never_reach_the_brief(built):
    brief = built["json"]
    said = {(r["speaker"], r["claim"]) for r in rows(brief)}
    assert ("Reyes", "The work was cheap") in said  # the engine's speaker, not the model's
    assert not {s for s, _ in said} & {"Governor Tom Smith", "the mayor", "Mayor Jane Ortiz"}
    assert not {c for _, c in said} & {"he repairs cost $2 millio", "the job was done early"}
    assert all(not r["reported_by"] for r in rows(brief))  # no invented chain through KCNA
    text = json.dumps({k: v for k, v in brief.items() if k != "sources"})
    for invented in ("Governor Tom Smith", "the job was done early", "KCNA", "millio "):
        assert invented not in text
    assert len(rows(brief, "model")) == 1 and brief["withheld"] == 8


def test_a_model_row_ranks_as_the_engine_ranks_the_same_statement(built, tmp_path):
    path = tmp_path / "comma.txt"
    path.write_text(WITH_COMMA, encoding="utf-8")
    r = run("build", path, "-o", tmp_path / "offline.json")
    assert r.exit_code == 0, r.output
    offline = json.loads((tmp_path / "offline.json").read_text(encoding="utf-8"))
    engine = next(x for x in rows(offline) if x["claim"] == "the repairs cost $2 million")
    (model,) = rows(built["json"], "model")
    assert engine["found_by"] is None  # no model: the brief does not say who found it
    assert model["rank"] == pytest.approx(engine["rank"])
    ranks = [x["rank"] for x in rows(built["json"])]
    assert ranks == sorted(ranks, reverse=True)


def test_the_page_marks_only_the_rows_the_model_found(built):
    marked = [line for line in built["md"].splitlines() if "found by the model" in line]
    assert len(marked) == 1 and "**Reyes**: the repairs cost $2 million" in marked[0]


@pytest.mark.parametrize("fmt", ["html", "txt", "eml"])
def test_every_format_marks_the_model_row_in_a_story_and_on_its_own(env, fmt):
    an = analyze(load_article(str(env)))
    brief = make_brief([an], verified={"bridge": verify(an, LLMExtraction.model_validate(ANSWER))})
    for shown in (brief, brief.model_copy(update={"stories": []})):  # story lines, loose rows
        page = render(shown, fmt)
        page = page if isinstance(page, str) else page.decode()
        if fmt == "eml":  # the plain-text part: the HTML part is quoted-printable
            page = page.split("Content-Type: text/html")[0]
        assert page.count("found by the model") == 1, page


def test_the_gate_judges_lines_by_the_reconciled_attributions(env):
    """A line stating as fact what only the model attributed is reworded to credit the model's
    speaker; against the engine's attributions alone nothing tells the gate it is a claim."""
    an = analyze(load_article(str(env)))
    checked = verify(an, LLMExtraction.model_validate(ANSWER))
    both = reconciled(an, checked)
    assert [a.id for a in both.attributions] == ["a1", "m1", "a2", "a3", "a4"]
    assert [found_by(checked, a.id) for a in both.attributions] == [
        "engine",
        "model",
        "both",
        "engine",
        "engine",
    ]
    assert reconciled(an, None) is an and found_by(None, "a1") is None
    line = BriefItem(
        text="The repairs cost $2 million.",
        refs=[Ref(article_id="bridge", sentence_ids=["s3"], label="bridge s3")],
    )
    brief = Brief(title="t", date="2026-01-01", made_by="m", article_count=1, developments=[line])
    (kept,) = gate(brief, [both], None).developments
    assert kept.text == "The repairs cost $2 million, according to Reyes."
    (alone,) = gate(brief, [an], None).developments
    assert alone.text == "The repairs cost $2 million."


def check(summary: str, server: FakeOpenAIServer, article: Path):
    r = run("check", "--article", article, "--summary", summary, "--format", "json", server=server)
    return r, json.loads(r.stdout)


def test_check_with_a_model_judges_a_summary_by_the_reconciled_attributions(env):
    with FakeOpenAIServer() as server:
        server.script(json_step(ANSWER))
        r, ok = check("Reyes said the repairs cost $2 million.", server, env)
        assert r.exit_code == 0 and ok["passed"], r.output
        r, wrong = check("Mayor Jane Ortiz said the repairs cost $2 million.", server, env)
        assert r.exit_code == 1
        r, fact = check("The repairs cost $2 million.", server, env)
        assert r.exit_code == 1
        assert server.calls == 1  # the later checks read the cached answer
    (f,) = wrong["findings"]
    assert (f["type"], f["evidence_sentence_ids"]) == ("misattributed_speaker", ["s3"])
    assert "from Reyes" in f["message"]
    assert [f["type"] for f in fact["findings"]] == ["attribution_dropped"]
    assert "LLM usage: 0 call(s), 1 cached" in r.stderr  # the usage line, on stderr


def test_check_judges_by_the_engine_alone_when_the_model_fails(env):
    summary = "The repairs cost $2 million."
    offline = run("check", "--article", env, "--summary", summary, "--format", "json")
    with FakeOpenAIServer() as server:
        server.script(*NOT_JSON)
        r, result = check(summary, server, env)
    assert (r.exit_code, result) == (offline.exit_code, json.loads(offline.stdout))
    assert "the model failed" in r.stderr and "(2 failed)" in r.stderr


def test_the_masthead_counts_the_calls_that_failed(env, tmp_path):
    with FakeOpenAIServer() as server:
        server.script(*NOT_JSON)
        r = run("build", env, "-o", tmp_path / "brief.md", server=server)
    assert r.exit_code == 0, r.output
    assert "LLM usage: 2 call(s) (2 failed)" in r.stderr
    page = (tmp_path / "brief.md").read_text(encoding="utf-8")
    assert "*LLM usage: 2 calls (2 failed), " in page
    assert "Made by: offline engine" in page


def test_an_article_whose_model_lines_were_all_withheld_keeps_the_engine_s_events() -> None:
    """Verification withholding every line the model wrote must not leave the article with no
    event line at all: the engine's stand, as they would with no model."""
    an = analyze(load_article(str(EXAMPLES / "east-palestine-derailment.txt")))
    answer = LLMExtraction.model_validate(
        {
            "bottom_line": [{"text": "The train was carrying grain.", "ids": ["s99"]}],
            "events": [{"text": "Officials resigned.", "ids": ["s98"]}],
            "attributions": [],
            "caveats": [],
        }
    )
    checked = verify(an, answer)
    assert not checked.bottom_line and not checked.events and len(checked.withheld) == 2
    offline = make_brief([an])
    with_model = make_brief([an], verified={an.article.id: checked})
    lines = [x.text for x in [*with_model.bottom_line, *with_model.developments]]
    assert lines and lines == [x.text for x in [*offline.bottom_line, *offline.developments]]
