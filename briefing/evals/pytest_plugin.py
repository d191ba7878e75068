"""pytest collects eval suites: ``pytest evals/`` runs every case of every suite as a test.

Registered as a pytest plugin (entry point ``pytest11``), it collects YAML files that sit in a
folder named ``evals`` and hold a ``cases`` list, so it never touches other YAML. A suite whose
``min_pass_rate`` is below 1 is one test that holds the rate; otherwise each case is a test.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.File | None:
    if file_path.suffix in {".yaml", ".yml"} and "evals" in file_path.parts:
        try:
            head = yaml.safe_load(file_path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError, UnicodeDecodeError):
            head = {"cases": []}  # let the suite loader report it, as a failing test
        if isinstance(head, dict) and "cases" in head:
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
