"""Attributions from the model, as spans: located exactly, grounded, reconciled with the engine.

A loopback server answers ``extract --backend openai`` with a recorded-style answer holding a
correct attribution the engine misses (it must reach the output, marked ``found_by: model``), one
the engine found too (``both``), and the kinds that must not: a fabricated speaker, shifted
spans, a paraphrased "quote", an id that does not exist, another speaker for the engine's words.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from briefing.cli import main
from tests.support.llm_server import FakeOpenAIServer, json_step

ARTICLE = (
    "Bridge repairs approved\n\n"
    "The city council approved the bridge repairs on Friday. "
    "According to Reyes the repairs cost $2 million. "
    'Mayor Jane Ortiz said the work "finished ahead of schedule." '
    "The bridge will reopen in June, the council said. "
    "The work was cheap, Reyes told the mayor.\n"
)


def att(source, cue, content, ids, kind="indirect", speaker=None, via=()):
    return {
        "speaker": speaker or source or "",
        "via": list(via),
        "claim": content,
        "quote": content if kind == "direct" else None,
        "kind": kind,
        "ids": ids,
        "source": source,
        "cue": cue,
        "content": content,
    }


ANSWER = {
    "bottom_line": [],
    "events": [],
    "caveats": [],
    "attributions": [
        # correct, and the engine misses it ("According to X" with no comma)
        att("Reyes", "According to", "the repairs cost $2 million", ["s3"]),
        # correct, and the engine has it too
        att("Mayor Jane Ortiz", "said", "finished ahead of schedule", ["s4"], kind="direct"),
        # a speaker the article does not have
        att("Governor Tom Smith", "said", "The bridge will reopen in June", ["s5"]),
        # shifted: cut inside words, and the right words cited to the wrong sentence
        att("Reyes", "According to", "he repairs cost $2 millio", ["s3"]),
        att("the council", "said", "The bridge will reopen in June", ["s3"]),
        # a paraphrase given as a quotation
        att("Mayor Jane Ortiz", "said", "the job was done early", ["s4"], kind="direct"),
        # an id that does not exist
        att("Reyes", "According to", "the repairs cost $2 million", ["s9"]),
        # the engine's words given to someone else in the sentence
        att("the mayor", "told", "The work was cheap", ["s6"]),
        # not a reporting expression, and a chain the article never names
        att("Reyes", "the repairs", "cost $2 million", ["s3"]),
        att("Reyes", "According to", "the repairs cost $2 million", ["s3"], via=["KCNA"]),
    ],
}


@pytest.fixture()
def extracted(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-spans")
    monkeypatch.setenv("BRIEFING_CACHE", str(tmp_path / "cache.sqlite"))
    for var in ("BRIEFING_BACKEND", "BRIEFING_MODEL", "OPENAI_BASE_URL", "BRIEFING_CONFIG"):
        monkeypatch.delenv(var, raising=False)
    path = tmp_path / "bridge.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    with FakeOpenAIServer() as server:
        server.script(json_step(ANSWER))
        args = ["extract", str(path), "--backend", "openai", "--base-url", server.base_url]
        r = CliRunner().invoke(main, args, catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def by(data: dict, found_by: str) -> list[dict]:
    return [a for a in data["attributions"] if a["found_by"] == found_by]


def test_a_correct_attribution_the_engine_missed_reaches_the_output_as_spans(extracted):
    (model,) = by(extracted, "model")
    assert (model["source"]["text"], model["cue"]["text"], model["content"]["text"]) == (
        "Reyes",
        "According to",
        "the repairs cost $2 million",
    )
    for part in ("source", "cue", "content"):
        span = model[part]
        assert ARTICLE[span["start"] : span["end"]] == span["text"]
    assert model["source"]["canonical"] == "Reyes" and model["sentence_ids"] == ["s3"]


def test_the_engine_s_attributions_say_whether_the_model_found_them_too(extracted):
    found = {a["content"]["text"]: a["found_by"] for a in extracted["attributions"]}
    assert found['the work "finished ahead of schedule."'] == "both"
    assert found["The bridge will reopen in June"] == "engine"
    assert found["The work was cheap"] == "engine"  # the engine's speaker, not the model's


def test_fabricated_shifted_paraphrased_and_nonexistent_never_reach_the_output(extracted):
    sources = {a["source"]["text"] for a in extracted["attributions"] if a["source"]}
    contents = {a["content"]["text"] for a in extracted["attributions"]}
    assert "Governor Tom Smith" not in sources and "the mayor" not in sources
    assert not contents & {"he repairs cost $2 millio", "the job was done early"}
    assert len(by(extracted, "model")) == 1
    reasons = [w["reason"] for w in extracted["llm"]["withheld"]]
    assert reasons == [
        "the source “Governor Tom Smith” is not in s5",
        "the content “he repairs cost $2 millio” starts or ends inside a word",
        "the content is in s5, not in the cited s3",
        "the content “the job was done early” is not verbatim in the cited sentences",
        "cites sentence ids that do not exist: s9",
        "the engine has these words from another source (a4)",
        "“the repairs” is not a reporting or belief expression",
        "gives a chain through KCNA, whom the article does not name",
    ]
    assert extracted["llm"]["disagreements"] == 1
