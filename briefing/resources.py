"""Where the package's data, prompts and templates live, installed or in a checkout.

The wheel carries ``prompts/`` and ``templates/`` inside the package; in a source checkout
(editable install) they are the top-level folders. Looking in both places keeps one copy of
each file in the repository.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"


def _shipped_dir(name: str) -> Path:
    inside = PACKAGE_DIR / name
    if inside.is_dir():
        return inside
    beside = PACKAGE_DIR.parent / name
    if beside.is_dir():
        return beside
    raise FileNotFoundError(
        f"briefing is missing its {name}/ folder (looked in {inside} and {beside})"
    )


def templates_dir() -> Path:
    return _shipped_dir("templates")


def prompts_dir() -> Path:
    return _shipped_dir("prompts")


def data_file(name: str) -> Path:
    return DATA_DIR / name
