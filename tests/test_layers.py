"""The layers of the package, read from the source: which module may import which.

The design guide's "never" list (section 5): the engine does not import the LLM, verify does not
call a model, the models import no stage, and no stage below the command line imports it. Every
import counts, at the top of a module or inside a function, so a late ``from briefing.llm import
...`` cannot slip past. Read with ``ast``, nothing is imported, so a violation is reported even
when the import would fail.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "briefing"
MAX_LINES = 600  # a module longer than this holds more than one judgement; split it


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, e.g. "briefing.analyze.sources"
    path: str  # its file, relative to the repository
    line: int
    target: str  # the imported module, absolute, e.g. "briefing.llm.cache"

    def __str__(self) -> str:
        return f"{self.module} ({self.path}:{self.line}) imports {self.target}"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(module: str, is_package: bool, level: int, name: str | None) -> str:
    """The absolute module of a relative import (``from ..llm import x`` in briefing.analyze.y)."""
    if level == 0:
        return name or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, name] if name else base)


def imports_of(path: Path) -> list[Import]:
    """Every import in the file, wherever it is: statements, and import_module / __import__
    calls with a literal name. ``from a import b`` counts as importing ``a`` and ``a.b`` (b may
    be a submodule)."""
    module = module_name(path)
    rel = str(path.relative_to(ROOT))
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=rel)
    found: list[Import] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [Import(module, rel, node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(module, path.name == "__init__.py", node.level, node.module)
            found.append(Import(module, rel, node.lineno, base))
            found += [Import(module, rel, node.lineno, f"{base}.{a.name}") for a in node.names]
        elif isinstance(node, ast.Call) and (target := _imported_by_call(node)):
            found.append(Import(module, rel, node.lineno, target))
    return found


def _imported_by_call(call: ast.Call) -> str | None:
    """``importlib.import_module("x")``, ``import_module("x")`` or ``__import__("x")``."""
    func = call.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
    if name not in {"__import__", "import_module"} or not call.args:
        return None
    first = call.args[0]
    return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None


MODULES = sorted(PACKAGE.rglob("*.py"))
IMPORTS = [imp for path in MODULES for imp in imports_of(path)]


def under(imp: Import, *packages: str) -> bool:
    """The importing module is one of ``packages`` or inside one."""
    return any(imp.module == p or imp.module.startswith(p + ".") for p in packages)


def names(target: str, *modules: str) -> bool:
    """The import is of one of ``modules`` or something inside one."""
    return any(target == m or target.startswith(m + ".") for m in modules)


def third_party_llm(target: str) -> bool:
    top = target.split(".")[0]
    return top == "openai" or top == "langchain" or top.startswith("langchain_")


def offenders(rule) -> str:
    bad = [str(imp) for imp in IMPORTS if rule(imp)]
    return "\n".join(bad)


def test_the_package_is_read():
    # a wrong PACKAGE path would make every rule below pass on nothing
    assert len(MODULES) > 20
    assert any(imp.target.startswith("briefing.") for imp in IMPORTS)
    assert any(third_party_llm(imp.target) for imp in IMPORTS)


def test_the_engine_and_ingest_never_import_the_llm():
    engine = ("briefing.analyze", "briefing.ingest")
    bad = offenders(lambda i: under(i, *engine) and names(i.target, "briefing.llm"))
    assert not bad, f"the offline engine must not depend on the LLM stage:\n{bad}"


def test_verify_imports_nothing_that_calls_a_model():
    bad = offenders(
        lambda i: (
            under(i, "briefing.verify")
            and (names(i.target, "briefing.llm") or third_party_llm(i.target))
        )
    )
    assert not bad, f"verify judges the model's answer and must not call a model:\n{bad}"


def test_models_import_no_stage_only_pydantic_and_the_standard_library():
    allowed = set(sys.stdlib_module_names) | {"__future__", "pydantic", "pydantic_core"}
    bad = offenders(lambda i: under(i, "briefing.models") and i.target.split(".")[0] not in allowed)
    assert not bad, f"the shapes every stage speaks must not depend on a stage:\n{bad}"


def test_no_stage_imports_the_command_line():
    stages = (
        "briefing.brief",
        "briefing.analyze",
        "briefing.ingest",
        "briefing.llm",
        "briefing.evals",
        "briefing.verify",
        "briefing.models",
    )
    bad = offenders(lambda i: under(i, *stages) and names(i.target, "briefing.cli"))
    assert not bad, f"the command line sits on top; nothing below may import it:\n{bad}"


def test_openai_and_langchain_are_imported_only_in_the_llm_stage():
    bad = offenders(lambda i: third_party_llm(i.target) and not under(i, "briefing.llm"))
    assert not bad, f"model clients belong to briefing.llm:\n{bad}"


def test_no_module_is_over_600_lines():
    long = [
        f"{module_name(p)} ({p.relative_to(ROOT)}): {n} lines"
        for p in MODULES
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    ]
    assert not long, f"modules over {MAX_LINES} lines:\n" + "\n".join(long)
