"""``briefing eval`` with a model: a ``generate: true`` case is judged on the model's text, or
says that the model was not used; it never passes on the offline engine's text in silence."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from briefing.cli import main
from tests.conftest import SEED
from tests.llm.test_llm import SEED_ANSWER
from tests.support.llm_server import FakeOpenAIServer, auto_step, status_step


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
