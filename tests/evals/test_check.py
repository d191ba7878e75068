"""briefing check, briefing eval and the pytest collector: behaviour on real summaries and bad
input."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.cli import main
from briefing.evals.check import FINDING_TYPES, Checker
from briefing.ingest import load_article
from tests.conftest import ROOT, SEED


@pytest.fixture(scope="module")
def seed_checker():
    return Checker(load_article(SEED))


@pytest.mark.parametrize(
    "summary, expected",
    [
        ("Putin said he will visit Pyongyang soon.", "dropped_intermediary"),
        ("North Korea supplies Russia with ballistic missiles.", "hedge_dropped"),
        ("Choe said the two countries had deep strategic communication.", "misattributed_speaker"),
        ("Putin is willing to visit Pyongyang.", "attribution_dropped"),
        ('Choe said both sides "had deep strategic communication".', "quote_wrong_speaker"),
        ('KCNA said relations had "entered a glorious new era".', "quote_not_verbatim"),
        (
            "Novak said sanctions against both countries would be lifted next year.",
            "unsupported_attribution",
        ),
        (
            "Russia's special military operation in Ukraine continues with North Korean support.",
            "characterization_adopted",
        ),
    ],
)
def test_each_trap_gives_its_finding(seed_checker, summary, expected):
    result = seed_checker.check(summary)
    assert not result.passed
    found = {f.type for f in result.findings}
    assert expected in found
    f = next(f for f in result.findings if f.type == expected)
    assert (
        f.summary_span.text in summary
        and summary[f.summary_span.start : f.summary_span.end] == f.summary_span.text
    )
    if expected not in {"unsupported_attribution"}:
        assert f.evidence_sentence_ids and all(
            seed_checker.an.sentence(s) for s in f.evidence_sentence_ids
        )


@pytest.mark.parametrize(
    "summary",
    [
        "KCNA reported that Putin expressed his willingness to visit North Korea at an early date.",
        "According to North Korean state media, Putin is willing to visit Pyongyang in the near "
        "future.",
        "Pyongyang is believed to have been supplying Russia with ballistic missiles.",
        'The North Korean regime said both sides "had deep strategic communication".',
    ],
)
def test_faithful_paraphrase_passes(seed_checker, summary):
    result = seed_checker.check(summary)
    assert result.passed and result.findings == []


def test_dropped_intermediary_finding_matches_the_public_shape(seed_checker):
    f = seed_checker.check("Putin said he will visit Pyongyang soon.").findings[0]
    d = f.model_dump()
    assert set(d) == {
        "type",
        "severity",
        "message",
        "summary_span",
        "expected",
        "found",
        "evidence_sentence_ids",
    }
    assert d["expected"] == "via KCNA" and d["found"] == "direct" and d["severity"] == "error"
    assert "KCNA" in d["message"] and "state media" in d["message"]
    assert set(FINDING_TYPES) >= {d["type"]}


def test_check_is_deterministic(seed_checker):
    s = (
        "Choe said the two countries had deep strategic communication. "
        "Putin said he will visit soon."
    )
    assert seed_checker.check(s) == seed_checker.check(s)


def test_check_cli_json_and_exit_codes(tmp_path):
    r = CliRunner().invoke(
        main,
        [
            "check",
            "--article",
            str(SEED),
            "--summary",
            "Putin said he will visit Pyongyang soon.",
            "--format",
            "json",
        ],
    )
    assert r.exit_code == 1
    data = json.loads(r.stdout)
    assert data["passed"] is False and data["findings"][0]["type"] == "dropped_intermediary"
    summary = tmp_path / "s.txt"
    summary.write_text(
        "KCNA reported that Putin expressed his willingness to visit North Korea at an early "
        "date.\n"
    )
    r = CliRunner().invoke(main, ["check", "--article", str(SEED), "--summary", str(summary)])
    assert r.exit_code == 0 and "passed" in r.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["--article", "missing.txt", "--summary", "Putin said so."], "missing.txt: no such file"),
        (["--article", str(SEED), "--summary", "   "], "the summary is empty"),
        (["--article", str(SEED), "--summary", "nope.txt"], "nope.txt: no such file"),
    ],
)
def test_check_bad_input_is_one_line_and_exit_2(args, message):
    r = CliRunner().invoke(main, ["check", *args])
    assert r.exit_code == 2
    assert message in r.stderr and len(r.stderr.strip().splitlines()) == 1


def _suite(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "evals" / "s.yaml"
    p.parent.mkdir(exist_ok=True)
    p.write_text(body.replace("SEED", str(SEED)), encoding="utf-8")
    return p


@pytest.mark.parametrize(
    "body, message",
    [
        ("cases: []", "field 'cases'"),
        (
            "article: SEED\ncases:\n  - id: a\n    summary: x\n    expect: {find: [made_up_type]}",
            "case 1 (a): field 'expect.find'",
        ),
        ("article: SEED\ncases:\n  - id: b\n    expect: {passed: true}", "case 1 (b)"),
        (
            "article: SEED\ncases:\n  - id: c\n    summary: x\n    colour: red",
            "case 1 (c): field 'colour'",
        ),
        ("cases: [unclosed", "not valid YAML"),
    ],
)
def test_malformed_suite_names_file_case_and_field(tmp_path, body, message):
    p = _suite(tmp_path, body)
    r = CliRunner().invoke(main, ["eval", str(p)])
    assert r.exit_code == 2
    assert str(p) in r.stderr and message in r.stderr
    assert "Traceback" not in r.output


def test_eval_reports_junit_json_and_follows_the_threshold(tmp_path):
    p = _suite(
        tmp_path,
        """
suite: mini
article: SEED
cases:
  - id: good
    summary: KCNA reported that Putin expressed his willingness to visit North Korea at an early date.
    expect: {passed: true}
  - id: trap
    summary: Putin said he will visit Pyongyang soon.
    expect: {find: [dropped_intermediary]}
  - id: wrong-expectation
    summary: Putin said he will visit Pyongyang soon.
    expect: {passed: true}
  - id: generated
    generate: true
    expect: {passed: true}
""",  # noqa: E501 - the suite as a user writes it, one summary a line
    )
    junit, js = tmp_path / "r.xml", tmp_path / "r.json"
    r = CliRunner().invoke(main, ["eval", str(p), "--junit", str(junit), "--json", str(js)])
    assert r.exit_code == 1
    assert "3 passed, 1 failed" in r.stdout
    tree = ET.parse(junit)
    cases = tree.findall(".//testcase")
    assert [c.get("name") for c in cases] == ["good", "trap", "wrong-expectation", "generated"]
    failure = cases[2].find("failure")
    assert failure is not None and "dropped_intermediary" in failure.text
    report = json.loads(js.read_text())
    assert report["passed"] == 3 and report["total"] == 4
    ok = CliRunner().invoke(main, ["eval", str(p), "--min-pass-rate", "0.75", "--quiet"])
    assert ok.exit_code == 0


def test_committed_suites_pass_under_the_cli():
    suites = sorted((ROOT / "evals").glob("*.yaml"))
    assert len(suites) >= 2
    r = CliRunner().invoke(main, ["eval", *map(str, suites), "--quiet"])
    assert r.exit_code == 0, r.stdout
    seed = [p for p in suites if "kcna" in p.name][0]
    import yaml

    cases = yaml.safe_load(seed.read_text())["cases"]
    assert len(cases) >= 15
    found = {t for c in cases for t in c.get("expect", {}).get("find", [])}
    assert found == set(FINDING_TYPES), "the seed suite exercises every finding type"


def test_perturb_builds_a_suite_with_every_kind(tmp_path):
    out = tmp_path / "evals" / "p.yaml"
    out.parent.mkdir()
    gold = sorted((ROOT / "tests" / "data" / "attribution").glob("*.json"))
    r = CliRunner().invoke(main, ["eval", "perturb", *map(str, gold), "-o", str(out)])
    assert r.exit_code == 0, r.output
    import yaml

    suite = yaml.safe_load(out.read_text())
    kinds = {c["id"].split("-")[-2] for c in suite["cases"]}
    assert {
        "control",
        "misattributed_speaker",
        "dropped_intermediary",
        "hedge_dropped",
        "quote_not_verbatim",
        "quote_wrong_speaker",
    } <= {k for c in suite["cases"] for k in [c["id"]] for k in kinds if f"-{k}-" in c["id"]}
    r = CliRunner().invoke(main, ["eval", str(out), "--quiet"])
    assert r.exit_code == 0, r.stdout


def test_generate_uses_the_configured_llm_backend(tmp_path, monkeypatch):
    from tests.support.llm_server import FakeOpenAIServer, auto_step

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BRIEFING_CACHE", str(tmp_path / "c.sqlite"))
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("BRIEFING_BACKEND", "openai")
    monkeypatch.setenv("BRIEFING_HEADLINES", "false")  # the calls counted: the extraction's
    answer = {
        "bottom_line": [
            {"text": "Putin will visit Pyongyang soon.", "ids": ["s2"]},
            {
                "text": "KCNA reports that Putin expressed his willingness to visit North Korea "
                "at an early date.",
                "ids": ["s4"],
            },
        ],
        "events": [],
        "attributions": [],
        "caveats": [],
    }
    p = _suite(
        tmp_path,
        "article: SEED\ncases:\n  - id: generated\n    generate: true\n"
        "    expect: {passed: true}\n",
    )
    with FakeOpenAIServer() as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        server.default = auto_step(answer)
        out = tmp_path / "r.json"
        r = CliRunner().invoke(main, ["eval", str(p), "--json", str(out)])
        assert server.calls == 1
    assert r.exit_code == 0, r.stdout
    summary = json.loads(out.read_text())["suites"][0]["cases"][0]["summary"]
    assert "KCNA reports that Putin expressed" in summary
    assert (
        "Putin will visit Pyongyang soon" not in summary
    )  # withheld by verify before the check saw it
