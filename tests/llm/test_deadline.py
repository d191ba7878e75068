"""The deadline of a call: all its attempts together, through the real openai client and LangChain.

A slow model must not hold an article for minutes: once the ``deadline`` has passed no attempt,
retry or feedback retry starts, the article goes to the offline engine with the deadline as its
reason, and every call made is counted. The loopback server sleeps or asks for long waits; the
tests count the requests it got and read the reason, and time nothing.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import SecretStr

from briefing.analyze import analyze
from briefing.cli import main
from briefing.errors import UsageError
from briefing.ingest import load_article
from briefing.llm.cache import Cache
from briefing.llm.extract import plan, run
from briefing.llm.providers.base import TIMEOUT
from briefing.llm.providers.openai import OpenAIProvider
from briefing.llm.settings import DEFAULT_DEADLINE, Settings, load_settings
from tests.conftest import EXAMPLES, SEED
from tests.support.llm_server import FakeOpenAIServer, auto_step, model_env, sleep_step, status_step

KEY = "sk-test-deadline"
GOOD = {
    "bottom_line": [
        {
            "text": "Pyongyang is believed to have been supplying Russia with ballistic missiles.",
            "ids": ["s10"],
        }
    ],
    "events": [],
    "attributions": [],
    "caveats": [],
}


@pytest.fixture()
def env(tmp_path, monkeypatch):
    model_env(monkeypatch, tmp_path, KEY)
    return tmp_path


@pytest.fixture()
def server():
    with FakeOpenAIServer(model="test-model") as s:
        yield s


@pytest.fixture(scope="module")
def seed():
    return analyze(load_article(SEED))


def build(server):
    args = ["build", str(SEED), "-o", "brief.txt", "--backend", "openai"]
    args += ["--model", "test-model", "--base-url", server.base_url]
    return CliRunner().invoke(main, args, catch_exceptions=False)


def settings_for(server, tmp_path: Path, **kw) -> Settings:
    return Settings(
        backend="openai",
        model="test-model",
        base_url=server.base_url,
        api_key=SecretStr(KEY),
        cache_path=tmp_path / "cache.sqlite",
        **kw,
    )


# -- the setting ---------------------------------------------------------------------------------


def test_the_deadline_is_read_from_the_file_the_environment_and_the_command_line(env, monkeypatch):
    assert load_settings().deadline == DEFAULT_DEADLINE < 60
    Path("briefing.toml").write_text("[llm]\ndeadline = 12.5\n")
    assert load_settings().deadline == 12.5
    monkeypatch.setenv("BRIEFING_DEADLINE", "7")
    assert load_settings().deadline == 7.0
    assert load_settings({"deadline": 3}).deadline == 3.0


@pytest.mark.parametrize("value", ["soon", "0", "-5", "nan"])
def test_a_deadline_that_is_not_seconds_above_zero_is_a_clear_error(env, monkeypatch, value):
    monkeypatch.setenv("BRIEFING_DEADLINE", value)
    with pytest.raises(UsageError, match="deadline"):
        load_settings()


# -- through the command line --------------------------------------------------------------------


def test_a_model_slower_than_the_deadline_gets_one_request_and_the_article_falls_back(env, server):
    # each attempt may take a minute and be retried three times; the deadline cuts it at once
    Path("briefing.toml").write_text("[llm]\ntimeout = 60\nmax_retries = 3\ndeadline = 0.5\n")
    server.default = sleep_step(30, auto_step(GOOD))  # would answer well, far too late
    r = build(server)
    assert r.exit_code == 0, r.output
    assert server.calls == 1, "no retry may start once the deadline has passed"
    assert "the model failed (no answer within the deadline of 0.5 s" in r.stderr
    assert "using the offline engine" in r.stderr
    usage = re.search(r"LLM usage: 1 call\(s\) \(1 failed\), 0 cached, (\d+) input", r.stderr)
    assert usage and int(usage[1]) > 500, "the prompt the server read is counted"
    brief = " ".join(Path("brief.txt").read_text(encoding="utf-8").split())
    assert "offline engine wrote those entries" in brief


def test_no_retry_starts_when_its_wait_would_outlast_the_deadline(env, server):
    # a rate-limited server asking for 5 s between tries: the probe and one retry, then no more
    # (without the deadline the retries would go on: 1 + 4 requests, 20 s of waiting)
    Path("briefing.toml").write_text("[llm]\nmax_retries = 3\ndeadline = 2\n")
    server.default = status_step(429, headers={"retry-after-ms": "5000"})
    r = build(server)
    assert r.exit_code == 0, r.output
    assert server.calls == 2
    assert "no answer within the deadline of 2 s" in r.stderr
    assert "last: " in r.stderr and "RateLimitError" in r.stderr
    assert "LLM usage: 2 call(s) (2 failed), 0 cached, 0 input" in r.stderr  # both refused


# -- through the provider -----------------------------------------------------------------------


def test_no_feedback_retry_starts_after_the_deadline(seed, server, tmp_path):
    settings = settings_for(server, tmp_path, deadline=0.5, max_retries=3)
    provider = OpenAIProvider(settings, Cache(settings.cache_path, settings.cache_days))
    (job,) = plan([seed], settings)
    server.script(auto_step({"bottom_line": "not a list", "events": [], "attributions": []}))
    (first,) = provider.answer([job], {})
    assert first.retry and server.calls == 1  # off-schema, in time: due a retry with feedback
    time.sleep(0.6)  # the job's deadline passes
    (second,) = provider.answer([job], {job.key: first.error or ""})
    assert server.calls == 1, "the feedback retry must not start"
    assert second.kind == TIMEOUT and not second.retry and second.extraction is None
    assert "no answer within the deadline" in (second.error or "")
    assert "the answer before: the answer did not match the schema" in (second.error or "")
    assert second.usage.calls == 0  # no call made; the first one was counted with its answer


def test_a_streamed_answer_still_coming_at_the_deadline_is_closed(seed, tmp_path):
    def every_sentence(request: dict) -> dict:
        user = next(m["content"] for m in request["messages"] if m["role"] == "user")
        lines = re.findall(r"^\[(s\d+)\] (.*)$", user, flags=re.MULTILINE)
        return {
            "bottom_line": [{"text": t, "ids": [i]} for i, t in lines],
            "events": [],
            "attributions": [],
            "caveats": [],
        }

    with FakeOpenAIServer(model="test-model", streaming=True) as server:
        # a chunk every few ms: the whole answer takes several times the deadline
        server.default = auto_step(every_sentence)
        settings = settings_for(server, tmp_path, deadline=0.1, stream=True)
        results = run([seed], settings)
        r = results[seed.article.id]
        assert server.calls == 1
        for _ in range(100):  # the server finds the closed connection at its next writes
            if server.hung_up:
                break
            time.sleep(0.05)
        assert server.hung_up, "the client closes the stream"
        sent, total = server.hung_up[0]
        assert sent < total
    assert r.extraction is None and r.kind == TIMEOUT
    assert "no answer within the deadline of 0.1 s" in (r.error or "")
    assert "last: an answer still coming, closed" in (r.error or "")
    assert r.usage.calls == 1 and r.usage.failed == 1 and r.usage.input_tokens > 0


def test_an_answer_in_time_is_kept_and_counted_once(seed, server, tmp_path):
    settings = settings_for(server, tmp_path, deadline=30)
    server.default = auto_step(GOOD)
    r = run([seed], settings)[seed.article.id]
    assert r.extraction is not None and r.error is None
    assert server.calls == 1 and r.usage.calls == 1 and r.usage.failed == 0


def test_a_batch_waits_out_the_deadline_twice_then_asks_no_more(env, server):
    # three short articles, a call each, one at a time: two deadlines passed, the third unasked
    Path("briefing.toml").write_text(
        "[llm]\npack_articles = 1\nmax_concurrency = 1\nmax_retries = 3\ndeadline = 0.5\n"
    )
    server.default = sleep_step(30, auto_step(GOOD))
    paths = [str(p) for p in sorted(EXAMPLES.glob("*.txt"))[:3]]
    args = ["build", *paths, "-o", "brief.txt", "--backend", "openai", "--model", "test-model"]
    r = CliRunner().invoke(main, [*args, "--base-url", server.base_url], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert server.calls == 2
    assert "2 articles" in r.stderr and "(no answer within the deadline of 0.5 s" in r.stderr
    assert "not asked: the model failed on 2 short articles in a row" in r.stderr
    assert "LLM usage: 2 call(s) (2 failed)" in r.stderr
