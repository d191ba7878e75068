"""Shared fixtures: the bundled example articles, read exactly as the engine reads them."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "articles"
SEED = EXAMPLES / "kcna-putin-pyongyang.txt"


@pytest.fixture(scope="session")
def seed_analysis():
    from briefing.analyze import analyze
    from briefing.ingest import load_article

    return analyze(load_article(SEED))


@pytest.fixture(scope="session")
def example_analyses():
    from briefing.analyze import analyze
    from briefing.ingest import load_all

    articles, errors = load_all([str(EXAMPLES)])
    assert not errors
    return [analyze(a) for a in articles]
