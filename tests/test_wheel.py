"""The built wheel works on its own: installed elsewhere, away from the source tree.

GUIDE section 5: prompts and templates ship inside the installed package. This test builds the
wheel, installs it into a fresh virtual environment outside the repository, and runs the
installed command from a directory outside the repository with no PYTHONPATH, so nothing can be
found in the checkout by accident.

No network: the wheel is built with the build backend already installed in this environment
(hatchling is a test extra), and the new environment borrows this one's third-party packages
through a ``.pth`` line instead of downloading them. A plain ``.pth`` line adds the folder to
``sys.path`` without running the ``.pth`` files inside it, so this environment's editable
install of ``briefing`` (which points at the checkout) stays invisible to the new one.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "examples" / "articles" / "kcna-putin-pyongyang.txt"
TIMEOUT = 120


def _run(
    cmd: list[str], *, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        cmd,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, (
        f"{' '.join(map(str, cmd))} exited {proc.returncode}\n"
        f"--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"
    )
    return proc


def _clean_env() -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP"}
    }
    env["PYTHONNOUSERSITE"] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _under_repo(path: str | Path) -> bool:
    return Path(path).resolve().is_relative_to(REPO)


def _repo_files(folder: str) -> set[str]:
    root = REPO / folder
    return {
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and not p.name.startswith(".")
    }


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "wheel",
        str(REPO),
        "--no-deps",
        "--no-index",
        "-w",
        str(out),
        "-q",
    ]
    if importlib.util.find_spec("hatchling") is not None:
        cmd.insert(cmd.index("--no-deps"), "--no-build-isolation")
    else:  # pragma: no cover - an environment without the test extras: let pip fetch the backend
        cmd.remove("--no-index")
    _run(cmd, cwd=out, env=_clean_env())
    built = sorted(out.glob("briefing-*.whl"))
    assert len(built) == 1, built
    return built[0]


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv outside the repository with the wheel installed; returns its python."""
    root = tmp_path_factory.mktemp("venv")
    assert not _under_repo(root)
    venv = root / "env"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=root, env=_clean_env())
    python = venv / "bin" / "python"
    # pip from this environment, acting on the new interpreter: correct paths and script shebangs.
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "--no-index",
            "-q",
            str(wheel),
        ],
        cwd=root,
        env=_clean_env(),
    )
    site = _run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        cwd=root,
        env=_clean_env(),
    ).stdout.strip()
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(site) / "_outer_deps.pth").write_text(
        "".join(f"{d}\n" for d in sorted(deps)), encoding="utf-8"
    )
    return python


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("work")
    assert not _under_repo(work)
    shutil.copy(SEED, work / SEED.name)
    return work


def test_wheel_carries_templates_prompts_and_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder, inside in (
        ("templates", "briefing/templates"),
        ("prompts", "briefing/prompts"),
        ("briefing/data", "briefing/data"),
    ):
        expected = _repo_files(folder)
        assert expected, f"{folder}/ is empty in the checkout"
        missing = {f"{inside}/{name}" for name in expected} - names
        assert not missing, f"wheel lacks {sorted(missing)}"
    for required in (
        "briefing/templates/brief.html",
        "briefing/templates/brief.md",
        "briefing/templates/brief.txt",
        "briefing/templates/brief-email.html",
        "briefing/templates/fonts/SourceSansPro-Regular.ttf",
        "briefing/templates/fonts/SourceSansPro-Bold.ttf",
        "briefing/templates/fonts/OFL-SourceSansPro.txt",
        "briefing/data/cues.yaml",
        "briefing/data/hedges.yaml",
        "briefing/data/sources.yaml",
        "briefing/data/o200k_base.tiktoken.gz",
        "briefing/__main__.py",
        "briefing/cli/__init__.py",
    ):
        assert required in names
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "briefing = briefing.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_installed_package_is_not_the_checkout(installed: Path, workdir: Path) -> None:
    code = (
        "import json, briefing, briefing.resources as r; "
        "print(json.dumps({'file': briefing.__file__, 'templates': str(r.templates_dir()), "
        "'prompts': str(r.prompts_dir()), 'package': str(r.PACKAGE_DIR), "
        "'data': [str(r.data_file(n)) "
        "for n in ('cues.yaml', 'sources.yaml', 'o200k_base.tiktoken.gz')]}))"
    )
    info = json.loads(_run([str(installed), "-c", code], cwd=workdir, env=_clean_env()).stdout)
    assert not _under_repo(info["file"]), info
    package = Path(info["package"])
    assert Path(info["templates"]) == package / "templates", (
        "templates found outside the installed package"
    )
    assert Path(info["prompts"]) == package / "prompts", (
        "prompts found outside the installed package"
    )
    assert (package / "templates" / "brief.html").is_file()
    for data in info["data"]:
        assert Path(data).is_file() and Path(data).is_relative_to(package), data


def test_installed_build_writes_html_brief(installed: Path, workdir: Path) -> None:
    out = workdir / "out.html"
    proc = _run(
        [str(installed), "-m", "briefing", "build", SEED.name, "-o", "out.html"],
        cwd=workdir,
        env=_clean_env(),
    )
    assert "Traceback" not in proc.stderr
    html = out.read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html")
    assert "KCNA" in html


def test_installed_console_script_and_extract(installed: Path, workdir: Path) -> None:
    script = installed.parent / "briefing"
    version = _run([str(script), "--version"], cwd=workdir, env=_clean_env()).stdout
    assert "briefing" in version and "0." in version
    proc = _run(
        [str(script), "extract", SEED.name, "--format", "json"], cwd=workdir, env=_clean_env()
    )
    doc = json.loads(proc.stdout)
    assert set(doc) >= {"article", "sentences", "attributions", "events", "caveats"}
    assert doc["sentences"] and doc["attributions"]
    assert any(a["source"] and a["source"]["canonical"] == "KCNA" for a in doc["attributions"])
