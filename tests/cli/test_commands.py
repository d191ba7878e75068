"""The command line as a package: every entry point reaches every command, and commands load only
what they use."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from ..conftest import ROOT, SEED

SUMMARY = "Putin said he will visit Pyongyang soon."


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120
    )


def test_python_m_briefing_cli_has_every_command() -> None:
    r = _run("-m", "briefing.cli", "check", "--article", str(SEED), "--summary", SUMMARY)
    assert r.returncode == 1, r.stderr  # a finding, not "No such command"
    assert "dropped_intermediary" in r.stdout
    help_text = _run("-m", "briefing.cli", "--help").stdout
    for command in ("build", "check", "eval", "extract"):
        assert f"  {command}" in help_text


def test_a_long_summary_is_text_not_a_path() -> None:
    summary = "KCNA reported that Putin expressed his willingness to visit. " * 10
    assert len(summary.encode()) > 255  # longer than a file name may be
    r = _run("-m", "briefing", "check", "--article", str(SEED), "--summary", summary)
    assert "Traceback" not in r.stderr
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("passed")


def test_extract_loads_neither_the_renderer_nor_the_llm_stack() -> None:
    code = (
        "import sys, json\n"
        "from click.testing import CliRunner\n"
        "from briefing.cli import main\n"
        f"r = CliRunner().invoke(main, ['extract', {str(SEED)!r}])\n"
        "assert r.exit_code == 0, r.output\n"
        # not jinja2: spaCy's own import brings it (its command line's templates), and the
        # engine's parse needs spaCy; the renderer is briefing.brief and weasyprint
        "heavy = ('weasyprint', 'langchain_core', 'langchain_openai', 'openai', 'tiktoken',\n"
        "         'briefing.brief', 'briefing.llm.extract', 'briefing.evals')\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith(heavy))))\n"
    )
    r = _run("-c", code)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout.splitlines()[-1]) == []
