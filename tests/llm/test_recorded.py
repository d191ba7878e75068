"""Real answers of a small local model, replayed through the loopback server.

The recordings (``../shared/datasets/local-llm-answers``, see its INDEX.md) are what a 1.5B and
a 0.5B model on a llama.cpp server sent back to briefing: answers that loop until the token
cap, copy the prompt's example, cite every sentence id, swap a subject or invent a chain. Each
test replays the exact response body (or the complete items of a cut-off one) and asserts what
the pipeline does with it. They skip when the recordings are absent.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.cli import main
from briefing.llm.cache import Cache
from tests.conftest import EXAMPLES, SEED
from tests.llm import recorded
from tests.support.llm_server import (
    FakeOpenAIServer,
    json_step,
    model_env,
    recorded_step,
    sleep_step,
)

pytestmark = pytest.mark.skipif(not recorded.available(), reason="recorded answers not present")

KEY = "sk-recorded-replay"


@pytest.fixture()
def env(tmp_path, monkeypatch):
    model_env(monkeypatch, tmp_path, KEY, headlines=False)
    return tmp_path


@pytest.fixture()
def server():
    with FakeOpenAIServer(model="qwen2.5-coder-1.5b-instruct") as s:
        yield s


def cli(server, command: str, *paths, out: str = "brief.txt"):
    args = [command, *map(str, paths)]
    if command == "build":
        args += ["-o", out]
    args += ["--backend", "openai", "--model", "qwen2.5-coder-1.5b-instruct"]
    args += ["--base-url", server.base_url]
    return CliRunner().invoke(main, args, catch_exceptions=False)


def step(name: str) -> dict:
    return recorded_step(recorded.RECORDINGS / name)


def read(path: str) -> str:
    return " ".join(Path(path).read_text(encoding="utf-8").split())


# -- the request: bounded, and capped ----------------------------------------------------------


def _unbounded(node, where="schema"):
    """Paths of arrays without maxItems and strings without maxLength or an enum."""
    out = []
    if isinstance(node, dict):
        if node.get("type") == "array" and "maxItems" not in node:
            out.append(where)
        if node.get("type") == "string" and "maxLength" not in node and "enum" not in node:
            out.append(where)
        for k, v in node.items():
            out += _unbounded(v, f"{where}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _unbounded(v, f"{where}[{i}]")
    return out


def test_every_list_and_string_is_bounded_and_the_cap_holds_a_complete_answer(env, server):
    server.script(step("0013.json"))  # the bounded-schema answer that ended on its own
    r = cli(server, "build", SEED)
    assert r.exit_code == 0, r.output
    (body,) = server.bodies
    schema = body["response_format"]["json_schema"]["schema"]
    assert _unbounded(schema) == []
    shown = [f"s{i}" for i in range(1, 11)]
    assert schema["$defs"]["LLMLine"]["properties"]["ids"]["items"]["enum"] == shown
    assert all(p["maxItems"] <= 6 for p in schema["properties"].values())
    # the cap goes under both names (llama.cpp and Ollama read max_tokens) and holds the
    # complete recorded answer, which used 561 tokens
    assert body["max_tokens"] == body["max_completion_tokens"]
    assert body["max_tokens"] > recorded.load("0013.json")["response"]["usage"]["completion_tokens"]
    assert "the model failed" not in r.stderr


# -- failures: cut off, looping, given up on -----------------------------------------------------


def test_a_cut_off_answer_is_its_own_error_counted_with_its_tokens_and_not_retried(env, server):
    rec = recorded.load("0029.json")  # the storm article: looped until the 1,536-token cap
    article = recorded.article_path(rec, env)
    server.script(step("0029.json"))
    r = cli(server, "build", article)
    assert r.exit_code == 0, r.output
    assert server.calls == 1  # no schema-feedback retry for a cut-off answer
    assert "the answer was cut off at the" in r.stderr
    assert "did not match the schema" not in r.stderr
    assert "LLM usage: 1 call(s) (1 failed)" in r.stderr
    assert "353 input and 1536 output tokens" in r.stderr  # the recorded usage, failed or not
    assert "LLM usage: 1 call" in read("brief.txt")  # the masthead counts the failed call


def test_a_looping_answer_that_ended_is_a_failure_and_not_retried(env, server):
    rec = recorded.load("0028.json")  # the bridge article: one attribution three times, "KCNA"
    assert recorded.finish_reason(rec) == "stop"
    server.script(step("0028.json"))
    r = cli(server, "build", recorded.article_path(rec, env))
    assert r.exit_code == 0, r.output
    assert server.calls == 1
    assert "the answer repeats one of its attributions 3 times" in r.stderr
    assert "using the offline engine" in r.stderr


def test_a_model_failing_twice_on_short_articles_is_reported_once_and_asked_no_more(env, server):
    Path("briefing.toml").write_text("[llm]\npack_articles = 1\nmax_concurrency = 1\n")
    articles = sorted(EXAMPLES.glob("*.txt"))[:4]
    server.default = step("0029.json")  # every call cut off at the cap
    r = cli(server, "build", *articles)
    assert r.exit_code == 0, r.output
    assert server.calls == 2  # two strikes, then the other two articles go offline unasked
    lines = [ln for ln in r.stderr.splitlines() if "not asked" in ln]
    assert len(lines) == 1 and "2 articles" in lines[0], r.stderr
    assert "LLM usage: 2 call(s) (2 failed)" in r.stderr


def test_function_calling_answered_in_prose_is_a_schema_error_then_the_engine(env, server):
    server.reject_json_schema = True  # llama.cpp's 500, as the recording's proxy answered
    server.script(step("fc/0002.json"), step("fc/0003.json"))
    r = cli(server, "build", SEED)
    assert r.exit_code == 0, r.output
    assert server.calls == 3  # refused json_schema, prose, then "<tools></tools>"
    tools = [b for b in server.bodies if b.get("tools")]
    assert len(tools) == 2 and all("max_tokens" in b for b in tools)
    assert "instead of calling the function" in server.bodies[2]["messages"][-1]["content"]
    assert "using the offline engine" in r.stderr
    assert "LLM usage: 3 call(s) (3 failed)" in r.stderr
    assert Cache(env / "cache.sqlite").method(f"{server.base_url}|{_model()}") == (
        "function_calling"
    )


def _model() -> str:
    return "qwen2.5-coder-1.5b-instruct"


def test_a_probe_that_timed_out_is_not_remembered(env, server):
    Path("briefing.toml").write_text("[llm]\ntimeout = 0.5\nmax_retries = 0\n")
    server.script(sleep_step(3, step("0013.json")))
    r = cli(server, "build", SEED)
    assert "Timeout" in r.stderr and "using the offline engine" in r.stderr
    assert "(1 failed)" in r.stderr
    endpoint = f"{server.base_url}|{_model()}"
    assert Cache(env / "cache.sqlite").method(endpoint) is None
    server.script(step("0013.json"))
    r = cli(server, "build", SEED)
    assert r.exit_code == 0, r.output
    assert Cache(env / "cache.sqlite").method(endpoint) == "json_schema"


# -- verify, on the answers' own items -----------------------------------------------------------


def _replayed(server, env, name: str) -> tuple[dict, dict]:
    """``extract`` over the recording's article, the server answering with the recording's
    complete items (all of them for an answer that ended, those before the cut otherwise)."""
    rec = recorded.load(name)
    server.script(json_step(recorded.items(rec)))
    r = cli(server, "extract", recorded.article_path(rec, env))
    assert r.exit_code == 0, r.output
    return rec, json.loads(r.stdout)["llm"]


def _kept(llm: dict) -> list[str]:
    return [x["text"] for k in ("bottom_line", "events") for x in llm[k]]


def _withheld(llm: dict, start: str) -> str:
    return next(w["reason"] for w in llm["withheld"] if w["text"].startswith(start))


def test_a_subject_swap_in_a_bottom_line_is_withheld(env, server):
    _, llm = _replayed(server, env, "0038.json")
    assert not any("President Putin has been supporting" in t for t in _kept(llm))
    reason = _withheld(llm, "President Putin has been supporting")
    assert reason == "makes President Putin the subject of what s10 says of Pyongyang"


def test_an_invented_chain_and_a_name_in_capitals_are_withheld(env, server):
    _, llm = _replayed(server, env, "0012.json")  # McCaul's trip "via KCNA"
    assert llm["attributions"] == []
    assert (
        _withheld(llm, "Michael McCaul:")
        == "gives a chain through KCNA, whom the article does not name"
    )
    _, llm = _replayed(server, env, "0009.json")  # the prompt's example, copied
    assert _withheld(llm, "Vladimir Putin: KCNA reported") == (
        "names KCNA, who is not in the cited sentences"
    )


def test_putin_met_with_putin_is_withheld(env, server):
    _, llm = _replayed(server, env, "0013.json")
    assert not any("Putin met with Putin" in a["claim"] for a in llm["attributions"])


def test_lines_citing_every_sentence_are_kept_on_the_sentences_that_support_them(env, server):
    rec, llm = _replayed(server, env, "0029.json")  # every line cites s1-s4
    kept = {x["text"]: x["sentence_ids"] for x in llm["bottom_line"]}
    assert kept == {
        "Storm expected to reach coast": ["s1"],
        "A tropical storm is expected to reach the coast by Thursday, the National Weather "
        "Service said.": ["s2"],
        "Forecasters said winds may reach 60 mph.": ["s3"],
        "Schools in Harbor County will close on Thursday, the district announced.": ["s4"],
    }
    _, llm = _replayed(server, env, "0039.json")  # every event cites s1-s10
    pyongyang = next(x for x in llm["events"] if "Pyongyang has been supporting" in x["text"])
    assert pyongyang["sentence_ids"] == ["s10"]


@pytest.mark.parametrize(
    "name", ["0004.json", "0015.json", "0028.json", "0029.json", "0038.json", "0039.json"]
)
def test_citing_more_sentences_changes_no_judgement(name, env, server):
    """An item that copies one of the sentences it cites is judged as it would be citing that
    sentence alone: the other ids it cites neither save nor sink it."""
    rec = recorded.load(name)
    items = recorded.items(rec)
    article = recorded.article_path(rec, env)
    from briefing.analyze import analyze
    from briefing.analyze.grounding import normalise
    from briefing.ingest import load_article
    from briefing.models import LLMExtraction
    from briefing.verify import verify

    an = analyze(load_article(article))
    text_of = {s.id: normalise(s.text).strip(" .") for s in an.sentences}
    copies = [
        (kind, x, sid)
        for kind in ("bottom_line", "events")
        for x in items[kind]
        for sid in x["ids"]
        if len(x["ids"]) > 1 and text_of.get(sid) == normalise(x["text"]).strip(" .")
    ]
    assert copies, "the recording has no item citing many sentences"
    for kind, item, sid in copies:
        alone = dict(item, ids=[sid])
        judged = [
            verify(an, LLMExtraction.model_validate({**{k: [] for k in items}, kind: [it]}))
            for it in (item, alone)
        ]
        outcome = [
            (len(v.bottom_line) + len(v.events), [w.reason for w in v.withheld]) for v in judged
        ]
        assert outcome[0] == outcome[1], (item["text"], outcome)


def test_modal_hedges_are_kept_or_the_line_is_withheld(env, server, tmp_path):
    """ "may reach" and "could collapse" hedge a claim: a line dropping them is withheld."""
    rec = recorded.load("0029.json")
    answer = {
        "bottom_line": [
            {"text": "Forecasters said winds will reach 60 mph.", "ids": ["s3"]},
            {"text": "Forecasters said winds may reach 60 mph.", "ids": ["s3"]},
        ],
        "events": [],
        "attributions": [],
        "caveats": [],
    }
    server.script(json_step(answer))
    r = cli(server, "extract", recorded.article_path(rec, env))
    llm = json.loads(r.stdout)["llm"]
    assert _kept(llm) == ["Forecasters said winds may reach 60 mph."]
    assert _withheld(llm, "Forecasters said winds will").startswith(
        "States as certain what the article hedges (“may”)"
    )
    article = tmp_path / "bridge.txt"
    article.write_text(
        "Old bridge closed\n\nEngineers said on Monday that the old river bridge could collapse "
        "under heavy trucks.\n",
        encoding="utf-8",
    )
    server.script(
        json_step(
            dict(
                answer,
                bottom_line=[
                    {
                        "text": "Engineers said the old river bridge will collapse under "
                        "heavy trucks.",
                        "ids": ["s2"],
                    }
                ],
            )
        )
    )
    r = cli(server, "extract", article)
    llm = json.loads(r.stdout)["llm"]
    assert _kept(llm) == []
    assert "hedges (“could”)" in llm["withheld"][0]["reason"]


def test_a_model_too_slow_for_two_short_articles_is_not_waited_on_for_the_rest(env, server):
    Path("briefing.toml").write_text(
        "[llm]\npack_articles = 1\nmax_concurrency = 1\ntimeout = 0.5\nmax_retries = 0\n"
    )
    server.default = sleep_step(3, step("0013.json"))
    r = cli(server, "build", *sorted(EXAMPLES.glob("*.txt"))[:3])
    assert r.exit_code == 0, r.output
    assert server.calls == 2
    assert "1 articles" not in r.stderr and "not asked" in r.stderr
    assert "LLM usage: 2 call(s) (2 failed)" in r.stderr


def test_a_streamed_answer_that_loops_is_closed_as_it_begins_to(env):
    """With ``stream = true`` the recorded loop (one claim repeated until the 1,536-token cap)
    is cut off after a few repeats: the client hangs up and the server stops sending."""
    Path("briefing.toml").write_text("[llm]\nstream = true\n")
    rec = recorded.load("0029.json")
    with FakeOpenAIServer(model=_model(), streaming=True) as server:
        server.script(step("0029.json"))
        r = cli(server, "build", recorded.article_path(rec, env))
        assert r.exit_code == 0, r.output
        assert server.bodies[0]["stream"] is True
        ((sent, total),) = server.hung_up
    assert sent < total / 2, (sent, total)
    assert "the answer began repeating" in r.stderr and "using the offline engine" in r.stderr
    usage = next(ln for ln in r.stderr.splitlines() if "LLM usage" in ln)
    assert "1 call(s) (1 failed)" in usage
    output = int(usage.split(" output tokens")[0].split()[-1])
    assert 0 < output < 1536 / 2


def test_a_streamed_answer_that_ends_is_read_whole(env):
    from tests.llm.test_llm import SEED_ANSWER

    Path("briefing.toml").write_text("[llm]\nstream = true\n")
    with FakeOpenAIServer(streaming=True) as server:
        server.default = {"kind": "auto", "payload": SEED_ANSWER}
        r = cli(server, "build", SEED)
        assert server.hung_up == []
    assert r.exit_code == 0, r.output
    assert "the model failed" not in r.stderr and "LLM usage: 1 call(s), 0 cached" in r.stderr
    assert "Pyongyang is believed to have been supplying Russia" in read("brief.txt")


def test_a_streamed_function_call_is_read_whole(env):
    from tests.llm.test_llm import SEED_ANSWER

    Path("briefing.toml").write_text("[llm]\nstream = true\n")
    with FakeOpenAIServer(streaming=True, reject_json_schema=True) as server:
        server.default = {"kind": "auto", "payload": SEED_ANSWER}
        r = cli(server, "build", SEED)
        assert [bool(b.get("tools")) for b in server.bodies] == [False, True]
    assert r.exit_code == 0, r.output
    assert "Pyongyang is believed to have been supplying Russia" in read("brief.txt")
