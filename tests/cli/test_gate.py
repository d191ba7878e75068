"""``check`` and ``eval`` as a CI gate: each exit code means one thing, and no traceback ever
reaches standard error."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.cli import main
from tests.conftest import SEED

FAITHFUL = (
    "KCNA reported that Putin expressed his willingness to visit North Korea at an early date."
)
TRAP = "Putin said he will visit Pyongyang soon."


def _check(*args: str, input: str | None = None):
    return CliRunner().invoke(main, ["check", "--article", str(SEED), *args], input=input)


def test_exit_0_when_the_summary_passes() -> None:
    r = _check("--summary", FAITHFUL)
    assert r.exit_code == 0, r.output
    assert r.stderr == ""


def test_exit_1_when_there_are_findings() -> None:
    r = _check("--summary", TRAP)
    assert r.exit_code == 1
    assert "dropped_intermediary" in r.stdout


@pytest.mark.parametrize("times", [10, 200])
def test_summary_text_of_any_length_is_text(times: int) -> None:
    text = " ".join([FAITHFUL] * times)
    assert len(text.encode()) > 255
    r = _check("--summary", text)
    assert r.exit_code == 0, r.output
    assert "Traceback" not in r.output


def test_one_word_summary_that_names_no_file_is_text() -> None:
    r = _check("--summary", "Pyongyang")
    assert r.exit_code in (0, 1)
    assert "no such file" not in r.stderr


def test_summary_file_and_stdin(tmp_path: Path) -> None:
    f = tmp_path / "summary"  # no suffix: --summary-file never guesses
    f.write_text(TRAP + "\n", encoding="utf-8")
    r = _check("--summary-file", str(f))
    assert r.exit_code == 1 and "dropped_intermediary" in r.stdout
    r = _check("--summary-file", "-", input=FAITHFUL + "\n")
    assert r.exit_code == 0, r.output
    r = _check("--summary", "-", input=TRAP)  # as before
    assert r.exit_code == 1


def test_summary_path_still_reads_the_file_with_a_warning(tmp_path: Path) -> None:
    f = tmp_path / "s.txt"
    f.write_text(TRAP, encoding="utf-8")
    r = _check("--summary", str(f))
    assert r.exit_code == 1 and "dropped_intermediary" in r.stdout
    assert "use --summary-file" in r.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        ([], "give one of --summary TEXT or --summary-file"),
        (["--summary", "x", "--summary-file", "y"], "give one of --summary TEXT or --summary-file"),
        (["--summary-file", "nope.txt"], "nope.txt: no such file"),
        (["--summary", "nope.txt"], "nope.txt: no such file"),
        (["--summary-file", "."], "is a folder"),
        (["--summary", "   "], "the summary is empty"),
        (["--format", "yaml", "--summary", "x"], "Invalid value for '--format'"),
    ],
)
def test_exit_2_on_bad_usage_or_unreadable_input(args: list[str], message: str) -> None:
    r = _check(*args)
    assert r.exit_code == 2
    assert message in r.stderr
    assert "Traceback" not in r.output


def test_undecodable_summary_file_is_exit_2(tmp_path: Path) -> None:
    f = tmp_path / "s.txt"
    f.write_bytes(b"\xff\xfe\xfa not utf-8")
    r = _check("--summary-file", str(f))
    assert r.exit_code == 2 and "cannot be read" in r.stderr


def test_article_and_summary_cannot_both_be_stdin() -> None:
    r = CliRunner().invoke(main, ["check", "--article", "-", "--summary-file", "-"], input="x")
    assert r.exit_code == 2 and "both be standard input" in r.stderr


def test_a_bug_is_one_line_and_exit_3(monkeypatch: pytest.MonkeyPatch) -> None:
    from briefing import pipeline

    def broken(*_a: object, **_k: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(pipeline, "checker", broken)
    r = _check("--summary", TRAP)
    assert r.exit_code == 3
    assert r.stderr.strip().splitlines() == [
        "briefing: internal error: RuntimeError: boom (a bug; BRIEFING_TRACEBACK=1 shows where)"
    ]


def _interruptible() -> None:
    """Ctrl-C as a terminal gives it, whoever started the tests: a shell's background job
    starts with SIGINT ignored, and a process inherits that through exec."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_during_a_long_eval_exits_130_without_a_traceback(tmp_path: Path) -> None:
    cases = "".join(
        f"  - id: c{i}\n    summary: {TRAP if i % 2 else FAITHFUL}\n" for i in range(20000)
    )
    suite = tmp_path / "long.yaml"
    suite.write_text(f"article: {SEED}\ncases:\n{cases}", encoding="utf-8")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("BRIEFING_TRACEBACK", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "briefing", "eval", str(suite), "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=_interruptible,
    )
    time.sleep(6)  # past start-up, into the cases
    assert proc.poll() is None, "the eval ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (out, err)
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1] == "briefing: interrupted"


def test_ctrl_c_during_a_long_extract_exits_130_without_a_traceback(tmp_path: Path) -> None:
    examples = sorted((Path(__file__).resolve().parents[2] / "examples" / "articles").glob("*.txt"))
    for i in range(300):
        shutil.copy(examples[i % len(examples)], tmp_path / f"a{i:03d}.txt")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("BRIEFING_TRACEBACK", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "briefing", "extract", str(tmp_path), "--format", "jsonl"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=_interruptible,
    )
    assert proc.stdout is not None
    proc.stdout.readline()  # the first article is out: the run is under way
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1] == "briefing: interrupted"
