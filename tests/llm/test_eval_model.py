"""``briefing eval`` with a model: a ``generate: true`` case is judged on the model's text, or
says that the model was not used; it never passes on the offline engine's text in silence.

It is judged by the list the brief's gate used and ``check --backend openai`` judges by: the
engine's attributions and the model's that grounded. In the article below the engine has the
mayor's statement and misses Maria Reyes's ("In the words of ..."), so against the engine's list
alone a line crediting her is a misattribution; the model's grounded attribution makes it hers.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing import pipeline
from briefing.analyze import analyze
from briefing.cli import main
from briefing.evals.suites import Generated, Runner, generate_offline, load_suite
from briefing.ingest import load_article
from tests.conftest import SEED
from tests.llm.test_llm import SEED_ANSWER
from tests.llm.test_model_attributions import att
from tests.support.llm_server import FakeOpenAIServer, auto_step, json_step, status_step


@pytest.fixture()
def server(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with FakeOpenAIServer() as s:
        monkeypatch.setenv("BRIEFING_BACKEND", "openai")
        monkeypatch.setenv("OPENAI_API_KEY", "sk-eval")
        monkeypatch.setenv("OPENAI_BASE_URL", s.base_url)
        monkeypatch.setenv("BRIEFING_CACHE", str(tmp_path / "cache.sqlite"))
        monkeypatch.delenv("BRIEFING_CONFIG", raising=False)
        (tmp_path / "briefing.toml").write_text("[llm]\nmax_retries = 0\n")
        (tmp_path / "suite.yaml").write_text(
            f"suite: model\narticle: {SEED}\ncases:\n"
            "  - id: own-bottom-line\n    generate: true\n    expect: {passed: true}\n"
        )
        yield s


def run(*extra: str):
    return CliRunner().invoke(main, ["eval", "suite.yaml", *extra])


def test_a_model_that_failed_makes_the_case_an_error(server):
    server.default = status_step(400)  # every call refused
    r = run()
    assert r.exit_code == 1, r.output
    assert "FAIL" in r.stdout and "the model was not used" in r.stdout
    assert "0 passed, 1 failed" in r.stdout


def test_allow_offline_skips_the_case_instead(server):
    server.default = status_step(400)
    r = run("--allow-offline")
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("skip\tmodel\town-bottom-line")
    assert "0 passed, 0 failed, 1 skipped (the model failed)" in r.stdout


def test_a_model_that_answered_is_judged_on_its_text(server):
    server.default = auto_step(SEED_ANSWER)
    r = run()
    assert r.exit_code == 0, r.output
    assert "1 passed, 0 failed" in r.stdout
    assert server.calls >= 1


ARTICLE = (
    "Bridge repairs approved\n\n"
    "The city council approved the bridge repairs on Friday. "
    "In the words of engineer Maria Reyes the repairs cost $2 million, "
    "but the mayor said the work will take a year. "
    "The bridge will reopen in June, the council said.\n"
)
HERS = "Maria Reyes said the repairs cost $2 million."
WRONG = ("misattributed_speaker", "unsupported_attribution")


def answer(grounds: bool) -> dict:
    """A bottom line stating the cost as fact, and Maria Reyes's attribution: as spans that
    ground, or with a cue that is no reporting expression (withheld)."""
    cue, content = ("In the words of", "the repairs cost $2 million")
    if not grounds:
        cue, content = ("the repairs", "cost $2 million")
    return {
        "bottom_line": [{"text": "The repairs cost $2 million.", "ids": ["s3"]}],
        "events": [],
        "caveats": [],
        "attributions": [att("engineer Maria Reyes", cue, content, ["s3"], speaker="Maria Reyes")],
    }


@pytest.fixture()
def bridge(server, tmp_path):
    path = tmp_path / "bridge.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "bridge.yaml").write_text(
        f"suite: bridge\narticle: {path}\ncases:\n"
        "  - id: own-bottom-line\n    generate: true\n"
        f"    expect: {{passed: true, not_find: [{', '.join(WRONG)}]}}\n"
    )
    return path


def test_a_line_resting_on_a_grounded_model_attribution_is_not_called_a_misattribution(
    server, bridge
):
    server.default = json_step(answer(grounds=True))
    r = CliRunner().invoke(main, ["eval", "bridge.yaml", "--json", "report.json"])
    assert r.exit_code == 0, r.output
    (case,) = json.loads(Path("report.json").read_text(encoding="utf-8"))["suites"][0]["cases"]
    # the brief's gate credited the speaker only the model found, and the case judges it so
    assert case["summary"] == "The repairs cost $2 million, according to Maria Reyes."
    assert case["passed"] and case["findings"] == []
    # against the engine's attributions alone the same line is a misattribution
    alone = pipeline.check(analyze(load_article(str(bridge))), case["summary"])
    assert [f.type for f in alone.findings] == ["misattributed_speaker"]


def test_a_model_attribution_that_did_not_ground_credits_no_one(server, bridge):
    server.default = json_step(answer(grounds=False))
    r = CliRunner().invoke(main, ["eval", "bridge.yaml", "--json", "report.json"])
    assert r.exit_code == 0, r.output
    (case,) = json.loads(Path("report.json").read_text(encoding="utf-8"))["suites"][0]["cases"]
    assert case["summary"] == "The repairs cost $2 million."


@pytest.mark.parametrize("grounds", [True, False], ids=["grounded", "withheld"])
def test_a_line_crediting_the_model_s_speaker_is_flagged_only_when_it_did_not_ground(
    server, bridge, grounds
):
    """The generated summary with one more line, crediting Maria Reyes: judged against the
    model's grounded attribution it is hers; with that attribution withheld it is not."""
    server.default = json_step(answer(grounds))

    def and_hers(checker) -> Generated:
        made = generate_offline(checker)
        return Generated(f"{made.summary} {HERS}", made.analysis)

    suite = load_suite(Path("bridge.yaml"))
    r = Runner(generate=and_hers).run_case(suite, suite.cases[0], Path("bridge.yaml"))
    assert r.summary.endswith(HERS)
    flagged = [f for f in r.result.findings if f.type in WRONG]
    if grounds:
        assert r.passed and flagged == [], r.problems
    else:
        assert not r.passed
        (f,) = flagged
        assert f.type == "misattributed_speaker" and f.summary_span.text in HERS
