"""``benchmarks/polnear.py --backend openai``: the reconciled attributions scored on PolNeAR dev.

A loopback server answers as a model would for the first dev articles (packed into one call, as
``extract --backend openai`` sends them). The answer holds one gold attribution the engine
misses, copied verbatim from the corpus: it must reach the scored list marked ``found_by:
model`` and raise the score. A fabricated speaker for the same words must change nothing. The
list scored is the one ``extract --backend openai`` prints for the same answer, and the report
gives each article's calls, tokens and cost. The corpus is read from ``../shared`` and never
copied here; the tests skip without it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks import polnear as bench
from briefing.analyze.lexicon import registry
from briefing.analyze.sources import is_pronoun
from briefing.cli import main
from briefing.evals import polnear
from briefing.llm.prompts import clean
from briefing.llm.settings import DEFAULT_MODEL, Settings, load_settings
from tests.analyze.test_polnear import POLNEAR, needs_polnear
from tests.support.llm_server import FakeOpenAIServer, auto_step, json_step

pytestmark = needs_polnear

ARTICLES = 8  # the first dev articles, in name order: short ones, one packed call
CUE_CLASSES = ("speech", "belief", "attitude")


@dataclass(frozen=True)
class Missed:
    """A gold attribution the engine does not find, as verbatim strings of one sentence."""

    article: str
    sentence: str  # the engine's sentence text that holds it
    source: str
    cue: str
    content: str


def _missed(golds: list[polnear.GoldArticle], got: bench.Extracted) -> list[Missed]:
    """Gold relations the engine's content misses that a model could give as spans: source,
    cue and content one piece each in one sentence, a named (not pronoun) source, a reporting
    cue of the lexicon, and no engine attribution over the content or the cue."""
    forms = registry().cue_forms
    out = []
    for gold, ex in zip(golds, got.extractions, strict=True):
        assert ex is not None
        matched = {i for i, _ in polnear.score_article(gold, ex).content_pairs}
        spans = [(a["content"]["start"], a["content"]["end"]) for a in ex["attributions"]]
        for i, r in enumerate(gold.relations):
            if i in matched or not (r.source and r.cue) or len(r.source + r.cue + r.content) != 3:
                continue
            (s0, s1), (q0, q1), (c0, c1) = r.source[0], r.cue[0], r.content[0]
            source, cue = gold.text[s0:s1], gold.text[q0:q1]
            if is_pronoun(source) or not source[:1].isupper():
                continue
            if not any(forms.get(w) in CUE_CLASSES for w in cue.lower().split()):
                continue
            if any(a < c1 and c0 < b or a <= q0 < b for a, b in spans):
                continue
            sent = next(
                (
                    s
                    for s in ex["sentences"]
                    if s["start"] <= min(s0, q0, c0) and max(s1, q1, c1) <= s["end"]
                ),
                None,
            )
            if sent is not None:
                out.append(Missed(gold.name, sent["text"], source, cue, gold.text[c0:c1]))
    return out


@pytest.fixture(scope="module")
def offline() -> tuple[list[polnear.GoldArticle], bench.Extracted, Missed]:
    golds = list(polnear.gold_articles(POLNEAR, "dev"))[:ARTICLES]
    got = bench.extract_all(golds)
    missed = _missed(golds, got)
    assert missed, f"the engine misses no gold attribution of the first {ARTICLES} dev articles"
    return golds, got, missed[0]


def answer_with(missed: Missed, source: str):
    """The model's answer to a call: ``missed`` with ``source`` as its speaker, cited by the id
    its sentence has in this call's prompt ("a6.s4" when articles share the call)."""

    def answer(request: dict) -> dict:
        prompt = "\n".join(str(m.get("content")) for m in request["messages"])
        at = re.search(r"\[((?:a\d+\.)?s\d+)\] " + re.escape(clean(missed.sentence)), prompt)
        attributions = []
        if at:
            attributions.append(
                {
                    "speaker": source,
                    "via": [],
                    "claim": missed.content,
                    "quote": None,
                    "kind": "indirect",
                    "ids": [at.group(1)],
                    "source": source,
                    "cue": missed.cue,
                    "content": missed.content,
                }
            )
        return {"bottom_line": [], "events": [], "caveats": [], "attributions": attributions}

    return answer


@pytest.fixture()
def env(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-polnear")
    monkeypatch.setenv("BRIEFING_CACHE", str(tmp_path / "cache.sqlite"))
    for var in ("BRIEFING_BACKEND", "BRIEFING_MODEL", "OPENAI_BASE_URL", "BRIEFING_CONFIG"):
        monkeypatch.delenv(var, raising=False)
    with FakeOpenAIServer() as server:
        yield server


def model(server: FakeOpenAIServer) -> Settings:
    return load_settings({"backend": "openai", "base_url": server.base_url})


def scores(golds, got: bench.Extracted) -> tuple[polnear.SplitScore, polnear.SplitScore]:
    """The reconciled list's score and the engine-alone list's of the same run."""
    alone = [polnear.engine_only(ex) if ex else None for ex in got.extractions]
    return polnear.score_split(golds, got.extractions), polnear.score_split(golds, alone)


def test_a_correct_attribution_the_engine_missed_is_found_by_the_model_and_raises_the_score(
    offline, env
):
    golds, engine, missed = offline
    env.default = auto_step(answer_with(missed, missed.source))
    got = bench.extract_all(golds, model(env))
    assert env.calls == 1  # the short articles share one call
    with_model, alone = scores(golds, got)
    i = [g.name for g in golds].index(missed.article)
    assert polnear.found_by_counts(got.extractions[i])["model"] == 1
    assert sum(polnear.found_by_counts(ex)["model"] for ex in got.extractions) == 1
    assert polnear.model_matches(with_model.articles[i]) == (1, 1)
    # without the model's addition the score is the engine's own, to the count
    assert vars(alone.counts) == vars(polnear.score_split(golds, engine.extractions).counts)
    more, base = with_model.counts, alone.counts
    assert (more.content_tp, more.wsw_tp, more.content_pred) == (
        base.content_tp + 1,
        base.wsw_tp + 1,
        base.content_pred + 1,
    )
    assert with_model.f1("content") > alone.f1("content")
    assert with_model.f1("who-said-what") > alone.f1("who-said-what")


def test_a_fabricated_speaker_is_withheld_and_changes_no_figure(offline, env):
    golds, engine, missed = offline
    env.default = auto_step(answer_with(missed, "Governor Tom Smith"))
    got = bench.extract_all(golds, model(env))
    with_model, alone = scores(golds, got)
    assert all(polnear.found_by_counts(ex)["model"] == 0 for ex in got.extractions)
    assert vars(with_model.counts) == vars(alone.counts)
    assert vars(with_model.counts) == vars(polnear.score_split(golds, engine.extractions).counts)
    i = [g.name for g in golds].index(missed.article)
    (withheld,) = got.extractions[i]["llm"]["withheld"]
    assert withheld["reason"] == f"the source “Governor Tom Smith” is not in {_sid(got, i, missed)}"


def _sid(got: bench.Extracted, i: int, missed: Missed) -> str:
    ex = got.extractions[i]
    return next(s["id"] for s in ex["sentences"] if s["text"] == missed.sentence)


def test_the_list_scored_is_the_one_extract_prints(offline, env):
    golds, _, missed = offline
    env.default = auto_step(answer_with(missed, missed.source))
    got = bench.extract_all(golds, model(env))
    args = ["extract", *map(str, (g.path for g in golds)), "--backend", "openai"]
    r = CliRunner().invoke(main, [*args, "--base-url", env.base_url], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert env.calls == 1, "extract read the benchmark's answer from the cache"
    printed = json.loads(r.stdout)
    assert [d["attributions"] for d in printed] == [ex["attributions"] for ex in got.extractions]


def test_the_report_gives_each_article_s_calls_tokens_and_cost(offline, env, capsys):
    golds, _, missed = offline
    env.default = auto_step(answer_with(missed, missed.source))
    argv = [str(POLNEAR), "--limit", str(ARTICLES), "--backend", "openai"]
    bench.main([*argv, "--base-url", env.base_url, "--json", "out.json"])
    out = capsys.readouterr().out
    rows = {
        line.split(" | ")[0].lstrip("| "): line
        for line in out.splitlines()
        if line.startswith("| ") and line.split(" | ")[0].lstrip("| ") in {g.name for g in golds}
    }
    assert len(rows) == ARTICLES
    payload = json.loads(Path("out.json").read_text(encoding="utf-8"))
    usage = [a["usage"] for a in payload["per_article"]]
    assert sum(u["calls"] for u in usage) == payload["usage"]["calls"] == env.calls == 1
    assert payload["usage"]["input_tokens"] > 0 and payload["usage"]["output_tokens"] > 0
    assert sum(u["input_tokens"] for u in usage) <= payload["usage"]["input_tokens"]
    assert sum(u["seconds"] for u in usage) == payload["usage"]["seconds"] > 0
    first = usage[0]
    assert rows[golds[0].name].startswith(
        f"| {golds[0].name} | 1 | 0 | 0 | {first['input_tokens']} | {first['output_tokens']} | "
    )
    assert [a["found_by"]["model"] for a in payload["per_article"]] == [
        int(g.name == missed.article) for g in golds
    ]
    assert "attributions: 1 found by the model alone" in out
    assert f"model {DEFAULT_MODEL}: 1 call(s) (0 failed), 0 cached, " in out
    change = next(line for line in out.splitlines() if line.startswith("| who-said-what | 0."))
    assert float(change.split(" | ")[-1].rstrip(" |")) > 0
    alone, with_model = payload["figures_engine_alone"], payload["figures"]
    assert with_model["content"]["f"] > alone["content"]["f"]


def test_failed_calls_are_counted_and_the_articles_scored_as_the_engine_s(offline, env, capsys):
    golds, engine, _ = offline
    env.script(json_step("not json"), json_step("still not json"))  # the answer and its retry
    got = bench.extract_all(golds, model(env))
    assert (got.run.usage.calls, got.run.usage.failed) == (2, 2)
    per_article = [got.usage(i) for i in range(len(golds))]
    assert (sum(u.calls for u in per_article), sum(u.failed for u in per_article)) == (2, 2)
    assert len(got.run.fell_back) == ARTICLES
    assert "the model failed" in capsys.readouterr().err
    with_model, alone = scores(golds, got)
    assert vars(with_model.counts) == vars(polnear.score_split(golds, engine.extractions).counts)
    assert vars(alone.counts) == vars(with_model.counts)


def test_no_key_is_one_line_not_a_traceback(offline, env, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY")
    argv = [str(POLNEAR), "--limit", "1", "--backend", "openai", "--base-url", env.base_url]
    with pytest.raises(SystemExit) as e:
        bench.main(argv)
    assert str(e.value).startswith("polnear: --backend openai needs an API key")
    assert env.calls == 0
