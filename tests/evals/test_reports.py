"""briefing eval's reports and gates, as CI uses them: JUnit failures that say what is wrong and
where, one self-contained HTML file, folders of suites, per-type gates, plain lines in a log."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.cli import main
from briefing.ingest import load_article
from tests.conftest import SEED

HOSTILE = 'Putin said he will visit <script>alert("x")</script> & "]]> soon\x07.'

SUITE = """
suite: mini
article: SEED
cases:
  - id: good
    summary: KCNA reported that Putin expressed his willingness to visit North Korea at an early date.
    expect: {passed: true}
  - id: wrong-expectation
    summary: Putin said he will visit Pyongyang soon.
    expect: {passed: true}
  - id: hostile
    summary: HOSTILE
    expect: {passed: true}
"""  # noqa: E501 - the suite as a user writes it


def _write(folder: Path, name: str, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / name
    text = body.replace("SEED", str(SEED)).replace("HOSTILE", json.dumps(HOSTILE))  # YAML too
    p.write_text(text, encoding="utf-8")
    return p


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    tmp = tmp_path_factory.mktemp("reports")
    suite = _write(tmp / "suites", "mini.yaml", SUITE)
    junit, html = tmp / "r.xml", tmp / "r.html"
    r = CliRunner().invoke(main, ["eval", str(suite), "--junit", str(junit), "--html", str(html)])
    return {"run": r, "junit": junit, "html": html.read_text(encoding="utf-8")}


def _seed_sentence(sid: str) -> str:
    from briefing.evals.check import Checker

    s = Checker(load_article(SEED)).an.sentence(sid)
    assert s is not None
    return s.text


def test_junit_failure_carries_message_span_and_article_sentence(reports) -> None:
    assert reports["run"].exit_code == 1
    cases = {c.get("name"): c for c in ET.parse(reports["junit"]).findall(".//testcase")}
    assert cases["good"].find("failure") is None
    failure = cases["wrong-expectation"].find("failure")
    assert failure is not None
    message, body = failure.get("message"), failure.text or ""
    assert "expected the check to pass, it failed" in message
    assert "dropped_intermediary: States Putin's words directly" in message
    assert "summary [0:40]: Putin said he will visit Pyongyang soon." in body
    assert f"article s2: {_seed_sentence('s2')}" in body
    assert failure.get("type") == "dropped_intermediary"


def test_junit_holds_hostile_text_as_text(reports) -> None:
    failure = [
        c for c in ET.parse(reports["junit"]).findall(".//testcase") if c.get("name") == "hostile"
    ][0].find("failure")
    assert failure is not None
    assert '<script>alert("x")</script> & "]]> soon.' in (failure.text or "")


def test_html_report_lists_every_case_beside_the_cited_sentences(reports) -> None:
    page = reports["html"]
    for cid in ("good", "wrong-expectation", "hostile"):
        assert f"</span> {cid}</h3>" in page
    assert page.count('<section class="case') == 3
    assert "2 failed" in page and 'href="#case-2"' in page
    assert "dropped_intermediary" in page
    sentence = _seed_sentence("s2")
    import html as html_lib

    assert html_lib.escape(sentence) in page


def test_html_report_escapes_text_and_loads_nothing(reports) -> None:
    page = reports["html"]
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp;" in page
    assert "default-src 'none'" in page
    assert not re.search(r"\b(src|href)\s*=\s*[\"']?(https?:|//|data:)", page)
    assert "<link" not in page and "@import" not in page and "url(" not in page


def test_eval_dir_runs_every_suite_in_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "suites"
    one = "article: SEED\ncases:\n  - id: a\n    summary: Putin said he will visit soon.\n"
    _write(folder, "a.yaml", one)
    _write(folder, "b.yml", one.replace("id: a", "id: b"))
    _write(folder, "notes.txt", "not a suite")
    r = CliRunner().invoke(main, ["eval", str(folder)])
    assert r.exit_code == 0, r.output
    assert "2 passed, 0 failed" in r.stdout
    assert [line.split("\t")[1] for line in r.stdout.splitlines()[:2]] == ["a", "b"]


def test_eval_of_a_folder_without_suites_is_exit_2(tmp_path: Path) -> None:
    r = CliRunner().invoke(main, ["eval", str(tmp_path)])
    assert r.exit_code == 2 and "no suites" in r.stderr


@pytest.fixture()
def gated(tmp_path: Path) -> Path:
    return _write(
        tmp_path,
        "g.yaml",
        """
article: SEED
cases:
  - id: faithful
    summary: KCNA reported that Putin expressed his willingness to visit North Korea at an early date.
  - id: trap
    summary: Choe said the two countries had deep strategic communication.
    expect: {find: [misattributed_speaker]}
""",  # noqa: E501
    )


@pytest.mark.parametrize(
    "gate, code",
    [
        ("misattributed_speaker=0", 1),
        ("misattributed_speaker=0.4", 1),
        ("misattributed_speaker=50%", 0),
        ("hedge_dropped=0", 0),
    ],
)
def test_max_rate_gates_on_the_share_of_cases_with_the_finding(gated, gate, code) -> None:
    r = CliRunner().invoke(main, ["eval", str(gated), "--quiet", "--max-rate", gate])
    assert r.exit_code == code, r.output
    if code:
        assert r.stderr.strip().splitlines() == [
            "briefing: gate: misattributed_speaker in 1 of 2 cases (50.0%), more than "
            f"--max-rate misattributed_speaker={float(gate.split('=')[1]):g}"
        ]
    else:
        assert r.stderr == ""


def test_max_rate_is_repeatable(gated) -> None:
    args = ["eval", str(gated), "--quiet"]
    args += ["--max-rate", "hedge_dropped=0", "--max-rate", "misattributed_speaker=0"]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 1 and "misattributed_speaker in 1 of 2" in r.stderr


@pytest.mark.parametrize("gate", ["misattributed=0", "misattributed_speaker", "hedge_dropped=2"])
def test_a_bad_max_rate_is_exit_2(gated, gate) -> None:
    r = CliRunner().invoke(main, ["eval", str(gated), "--max-rate", gate])
    assert r.exit_code == 2 and "--max-rate" in r.stderr


def test_output_is_plain_lines_when_not_a_terminal(gated) -> None:
    r = CliRunner().invoke(main, ["eval", str(gated)])
    lines = r.stdout.splitlines()
    assert lines[0] == "pass\tg\tfaithful\t-\t-"
    assert lines[1] == "pass\tg\ttrap\tmisattributed_speaker\t-"
    assert not re.search("[\u2500-\u257f]", r.stdout)  # no box drawing
