"""``briefing eval --outputs``: summaries a model wrote, checked like a suite's cases, gated the
same way; a broken record is one line naming the file and the line or row, and spoils only
itself."""

from __future__ import annotations

import csv
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

from click.testing import CliRunner

from briefing.cli import main
from briefing.evals.outputs import run_outputs
from briefing.evals.suites import Runner
from tests.conftest import EXAMPLES, SEED

KCNA_FAITHFUL = (
    "KCNA reported that Putin expressed his willingness to visit North Korea at an early date."
)
KCNA_TO_PUTIN = "Putin said he will visit Pyongyang soon."  # KCNA's report given to Putin
KCNA_TO_LAVROV = (
    "Lavrov said Putin expressed his willingness to visit North Korea at an early date."
)
TIKTOK = EXAMPLES / "eu-commission-tiktok-ban.txt"
TIKTOK_FAITHFUL = (
    "Politico reports that European Commission staff is banned from using TikTok over security "
    "concerns."
)


def _articles(tmp: Path) -> Path:
    """The example articles beside the outputs file, so that records name them relatively."""
    folder = tmp / "articles"
    folder.mkdir()
    for src in (SEED, TIKTOK):
        shutil.copy(src, folder / src.name)
    return folder


def _jsonl(tmp: Path, records: list[dict | str]) -> Path:
    p = tmp / "outputs.jsonl"
    lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def _eval(*args: str):
    return CliRunner().invoke(main, ["eval", *args])


GOOD = [
    {"id": "kcna-ok", "article": "articles/kcna-putin-pyongyang.txt", "summary": KCNA_FAITHFUL},
    {"id": "kcna-putin", "article": "articles/kcna-putin-pyongyang.txt", "summary": KCNA_TO_PUTIN},
    {"article": "articles/kcna-putin-pyongyang.txt", "summary": KCNA_TO_LAVROV},  # id: line 3
    {
        "id": "tiktok-ok",
        "article": "articles/eu-commission-tiktok-ban.txt",
        "summary": TIKTOK_FAITHFUL,
    },
]


def test_jsonl_counts_findings_and_gates(tmp_path: Path) -> None:
    _articles(tmp_path)
    out = _jsonl(tmp_path, GOOD)
    junit = tmp_path / "report.xml"
    r = _eval("--outputs", str(out), "--junit", str(junit))
    assert r.exit_code == 1, r.output
    assert "2 passed, 2 failed" in r.stdout
    lines = {row.split("\t")[2]: row.split("\t") for row in r.stdout.splitlines() if "\t" in row}
    assert lines["kcna-ok"][0] == "pass" and lines["tiktok-ok"][0] == "pass"
    assert lines["kcna-putin"][0] == "FAIL" and "dropped_intermediary" in lines["kcna-putin"][3]
    assert lines["3"][0] == "FAIL" and "misattributed_speaker" in lines["3"][3]

    cases = {c.get("name"): c for c in ET.parse(junit).getroot().iter("testcase")}
    assert cases["kcna-ok"].find("failure") is None
    failure = cases["3"].find("failure")
    assert failure is not None
    assert "misattributed_speaker" in failure.get("message", "")
    assert "Lavrov" in failure.get("message", "") and "KCNA" in failure.get("message", "")
    assert KCNA_TO_LAVROV in (failure.text or "")  # the summary span

    # a gate on another type only: the failing cases still fail the run (they must pass check)
    r = _eval("--outputs", str(out), "--min-pass-rate", "0.5")
    assert r.exit_code == 0, r.output
    r = _eval(
        "--outputs", str(out), "--min-pass-rate", "0.5", "--max-rate", "misattributed_speaker=0"
    )
    assert r.exit_code == 1
    assert "misattributed_speaker in 1 of 4 cases" in r.stderr


def test_csv_with_quoted_cells_and_an_inline_article(tmp_path: Path) -> None:
    _articles(tmp_path)
    p = tmp_path / "outputs.csv"
    with p.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "article", "article_text", "summary", "model"])
        w.writerow(["", "articles/kcna-putin-pyongyang.txt", "", KCNA_FAITHFUL, "m1"])
        w.writerow(["lavrov", "articles/kcna-putin-pyongyang.txt", "", KCNA_TO_LAVROV, "m1"])
        w.writerow(["inline", "", SEED.read_text(encoding="utf-8"), KCNA_TO_PUTIN, "m1"])
    json_out = tmp_path / "report.json"
    r = _eval("--outputs", str(p), "--json", str(json_out))
    assert r.exit_code == 1, r.output
    assert "1 passed, 2 failed" in r.stdout
    report = json.loads(json_out.read_text(encoding="utf-8"))
    found = {c["id"]: (c["passed"], c["found"]) for c in report["suites"][0]["cases"]}
    assert found["2"] == (True, [])  # the row number, the header being row 1
    assert found["lavrov"] == (False, ["misattributed_speaker"])
    assert found["inline"][0] is False and "dropped_intermediary" in found["inline"][1]


BROKEN = '{"article": "articles/kcna-putin-pyongyang.txt", "summary": '  # cut off


def test_broken_records_spoil_themselves_not_the_run(tmp_path: Path) -> None:
    _articles(tmp_path)
    out = _jsonl(
        tmp_path,
        [
            GOOD[0],
            {"id": "gone", "article": "articles/missing.txt", "summary": KCNA_FAITHFUL},
            '{"article": "articles/kcna-putin-pyongyang.txt", "summary": ',
            {"article": "articles/kcna-putin-pyongyang.txt"},
            {"article": "articles/kcna-putin-pyongyang.txt", "article_text": "x", "summary": "y"},
            GOOD[1],
            {"id": "gone-again", "article": "articles/missing.txt", "summary": KCNA_TO_PUTIN},
        ],
    )
    junit = tmp_path / "report.xml"
    r = _eval("--outputs", str(out), "--junit", str(junit))
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output
    errors = [line for line in r.stderr.splitlines() if line.startswith("briefing: error:")]
    cut = len(BROKEN) + 1  # where the text ends
    assert errors == [
        f"briefing: error: {out}: line 2: article articles/missing.txt: no such file or directory",
        f"briefing: error: {out}: line 3: not valid JSON (Expecting value, column {cut})",
        f"briefing: error: {out}: line 4: no summary",
        f"briefing: error: {out}: line 5: give one of article (a path) or article_text",
        f"briefing: error: {out}: line 7: article articles/missing.txt: no such file or directory",
    ]
    # the readable records were still checked and reported
    assert "1 passed, 1 failed, 5 unreadable" in r.stdout
    root = ET.parse(junit).getroot()
    names = [c.get("name") for c in root.iter("testcase")]
    assert names == ["kcna-ok", "gone", "3", "4", "5", "kcna-putin", "gone-again"]
    # an unreadable record is an error of the run in JUnit, not a failed summary
    suite = root.find("testsuite")
    assert (suite.get("errors"), suite.get("failures")) == ("5", "1")
    gone = next(c for c in root.iter("testcase") if c.get("name") == "gone")
    assert gone.find("error") is not None and gone.find("failure") is None


def test_a_csv_without_the_columns_is_one_line(tmp_path: Path) -> None:
    p = tmp_path / "outputs.csv"
    p.write_text("name,text\na,b\n", encoding="utf-8")
    r = _eval("--outputs", str(p))
    assert r.exit_code == 2
    assert r.stderr.strip() == (
        f"briefing: error: {p}: row 1: the header has no summary column (it has: name, text)"
    )
    p.write_text("id,summary\na,b\n", encoding="utf-8")
    r = _eval("--outputs", str(p))
    assert r.exit_code == 2 and "no article (or article_text) column" in r.stderr


def test_bad_usage(tmp_path: Path) -> None:
    r = _eval("--outputs", str(tmp_path / "none.jsonl"))
    assert r.exit_code == 2 and "none.jsonl: no such file" in r.stderr
    other = tmp_path / "outputs.txt"
    other.write_text("x", encoding="utf-8")
    r = _eval("--outputs", str(other))
    assert r.exit_code == 2 and "is .jsonl or .csv" in r.stderr
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    r = _eval("--outputs", str(empty))
    assert r.exit_code == 2 and "no records" in r.stderr
    r = _eval("run")
    assert r.exit_code == 2 and "--outputs" in r.stderr


def test_an_article_used_by_many_records_is_analysed_once(tmp_path: Path, monkeypatch) -> None:
    from briefing import pipeline

    _articles(tmp_path)
    out = _jsonl(tmp_path, GOOD * 3)
    analysed: list[str] = []
    real = pipeline.checker

    def counting(article):
        analysed.append(article.meta.path)
        return real(article)

    monkeypatch.setattr(pipeline, "checker", counting)
    run = run_outputs(Runner(), out)
    assert len(run.results) == 12
    assert sum(r.passed for r in run.results) == 6
    assert len(analysed) == 2
