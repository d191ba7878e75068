"""The pytest plugin collects the suites the project names, and nothing else."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEED

SUITE = f"""
article: {SEED}
cases:
  - id: trap
    summary: Putin said he will visit Pyongyang soon.
    expect: {{find: [dropped_intermediary]}}
  - id: wrong
    summary: Putin said he will visit Pyongyang soon.
    expect: {{passed: true}}
"""


def _pytest(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", *args, "-q", "-p", "no:cacheprovider"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "evals").mkdir()
    (tmp_path / "evals" / "named.yaml").write_text(SUITE, encoding="utf-8")
    (tmp_path / "evals" / "unnamed.yaml").write_text(SUITE, encoding="utf-8")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "elsewhere.yaml").write_text(SUITE, encoding="utf-8")
    return tmp_path


def _configure(project: Path, entries: str) -> None:
    (project / "pyproject.toml").write_text(
        f"[project]\nname = 'x'\n\n[tool.briefing]\neval-suites = {entries}\n", encoding="utf-8"
    )


def test_collects_only_the_suites_pyproject_names(project: Path) -> None:
    _configure(project, '["evals/named.yaml"]')
    r = _pytest(project, "evals", "other")
    assert "1 failed, 1 passed" in r.stdout, r.stdout
    assert "named.yaml" in r.stdout and "unnamed.yaml" not in r.stdout
    assert (
        "wrong: expected the check to pass, it failed (findings: dropped_intermediary)" in r.stdout
    )
    assert "Traceback" not in r.stdout


def test_globs_in_pyproject(project: Path) -> None:
    _configure(project, '["evals/*.yaml", "other/**/*.yaml"]')
    r = _pytest(project, "evals", "other", "--co")
    for name in ("named.yaml", "unnamed.yaml", "elsewhere.yaml"):
        assert name in r.stdout, r.stdout


def test_no_configuration_collects_no_yaml(project: Path) -> None:
    r = _pytest(project, "evals")
    assert r.returncode == 5, r.stdout  # no tests collected
    assert "named.yaml" not in r.stdout


def test_briefing_suites_takes_the_place_of_the_configured_list(project: Path) -> None:
    _configure(project, '["evals/named.yaml"]')
    r = _pytest(project, "evals", "other", "--co", "--briefing-suites", "other/elsewhere.yaml")
    assert "elsewhere.yaml" in r.stdout and "named.yaml" not in r.stdout, r.stdout


@pytest.mark.parametrize("configured", [True, False])
def test_an_entry_that_names_no_file_is_a_usage_error(project: Path, configured: bool) -> None:
    if configured:
        _configure(project, '["evals/renamed.yaml"]')
        r = _pytest(project, "evals")
    else:
        r = _pytest(project, "evals", "--briefing-suites", "evals/renamed.yaml")
    assert r.returncode == 4, r.stdout + r.stderr
    assert "'evals/renamed.yaml' names no file" in r.stderr
    assert "Traceback" not in r.stderr


def test_the_project_names_every_committed_suite() -> None:
    import tomllib

    from briefing.evals.pytest_plugin import _expand

    entries = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["briefing"][
        "eval-suites"
    ]
    named = _expand(entries, ROOT, "pyproject.toml")
    committed = {p.resolve() for p in (ROOT / "evals").glob("*.y*ml")}
    assert committed and committed <= named
