"""pytest runs eval suites: every case of every suite the project names is a test.

Registered as a pytest plugin (entry point ``pytest11``), it collects only the files that the
project's configuration names, never YAML it merely finds::

    # pyproject.toml (beside it, or the one pytest takes its configuration from)
    [tool.briefing]
    eval-suites = ["evals/*.yaml"]     # files or globs, relative to pyproject.toml

``pytest --briefing-suites PATH`` (repeatable, relative to the working directory) takes the place
of that list. An entry that matches no file stops the run with a usage error, so that a renamed
suite cannot silently stop being run. A named file is collected where pytest's collection
reaches it (the paths given to pytest, or ``testpaths``). A suite whose ``min_pass_rate`` is
below 1 is one test that holds the rate; otherwise each case is a test.
"""

from __future__ import annotations

import glob
import tomllib
from pathlib import Path
from typing import Any

import pytest

_SUITES = pytest.StashKey[frozenset[Path]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("briefing").addoption(
        "--briefing-suites",
        action="append",
        default=None,
        metavar="PATH",
        help="An eval suite (file or glob) to run as tests, instead of the list in "
        "pyproject.toml's [tool.briefing] eval-suites. Repeatable.",
    )


def _pyproject(config: pytest.Config) -> Path | None:
    if config.inipath is not None and config.inipath.name == "pyproject.toml":
        return config.inipath
    p = config.rootpath / "pyproject.toml"
    return p if p.is_file() else None


def _expand(entries: list[str], base: Path, where: str) -> frozenset[Path]:
    found: set[Path] = set()
    for entry in entries:
        pattern = entry if Path(entry).is_absolute() else str(base / entry)
        matches = [Path(m) for m in glob.glob(pattern, recursive=True) if Path(m).is_file()]
        if not matches:
            raise pytest.UsageError(f"briefing: {where}: {entry!r} names no file")
        found.update(m.resolve() for m in matches)
    return frozenset(found)


def configured_suites(config: pytest.Config) -> frozenset[Path]:
    """The suites to collect: ``--briefing-suites``, else ``[tool.briefing] eval-suites``."""
    given = config.getoption("briefing_suites", default=None)
    if given:
        return _expand(given, config.invocation_params.dir, "--briefing-suites")
    pyproject = _pyproject(config)
    if pyproject is None:
        return frozenset()
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return frozenset()  # pytest and the build tools say what is wrong with the file
    entries = data.get("tool", {}).get("briefing", {}).get("eval-suites")
    if entries is None:
        return frozenset()
    where = f"{pyproject}: [tool.briefing] eval-suites"
    if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
        raise pytest.UsageError(f"briefing: {where}: give a list of paths or globs")
    return _expand(entries, pyproject.parent, where)


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_SUITES] = configured_suites(config)


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.File | None:
    suites = parent.config.stash.get(_SUITES, frozenset())
    if suites and file_path.suffix in {".yaml", ".yml"} and file_path.resolve() in suites:
        return SuiteFile.from_parent(parent, path=file_path)
    return None


class SuiteFile(pytest.File):
    def collect(self) -> Any:
        from briefing.evals.suites import SuiteError, load_suite

        try:
            suite = load_suite(self.path)
        except SuiteError as e:
            yield BrokenSuite.from_parent(self, name="suite", message=str(e))
            return
        if suite.min_pass_rate < 1.0:
            yield SuiteRate.from_parent(self, name=f"pass-rate>={suite.min_pass_rate:g}")
        else:
            for case in suite.cases:
                yield CaseItem.from_parent(self, name=case.id)


def _runner() -> Any:
    from briefing.evals.suites import Runner

    global _RUNNER
    if _RUNNER is None:
        _RUNNER = Runner()
    return _RUNNER


_RUNNER: Any = None


class _EvalItem(pytest.Item):
    def repr_failure(self, excinfo: Any, style: Any = None) -> str:  # the finding, not a traceback
        if isinstance(excinfo.value, AssertionError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)


class CaseItem(_EvalItem):
    def runtest(self) -> None:
        from briefing.evals.suites import load_suite

        suite = load_suite(self.path)
        case = next(c for c in suite.cases if c.id == self.name)
        result = _runner().run_case(suite, case, self.path)
        if not result.passed:
            raise AssertionError(
                f"{case.id}: "
                + "; ".join(result.problems)
                + f" (findings: {', '.join(result.found) or 'none'})"
            )

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"eval case {self.name}"


class SuiteRate(_EvalItem):
    def runtest(self) -> None:
        run = _runner().run(self.path)
        from briefing.evals.suites import load_suite

        floor = load_suite(self.path).min_pass_rate
        passed = sum(r.passed for r in run.results)
        rate = passed / len(run.results)
        if rate < floor:
            failing = ", ".join(r.case.id for r in run.results if not r.passed)
            raise AssertionError(f"{run.name}: pass rate {rate:.3f} < {floor}; failing: {failing}")

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"eval suite {self.path.name}"


class BrokenSuite(_EvalItem):
    def __init__(self, *, message: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.message = message

    def runtest(self) -> None:
        raise AssertionError(self.message)
