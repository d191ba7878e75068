"""Faithful summaries of PolNeAR dev, written by rule from its gold attributions
(``briefing.evals.faithful``): every one must pass ``check``. Skipped without the corpus, which
is read from the shared folder and never copied here."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from briefing.evals.check import Checker
from briefing.evals.faithful import Said, summaries, usable
from briefing.evals.polnear import gold_articles
from briefing.models import Article, ArticleMeta
from tests.conftest import ROOT

POLNEAR = ROOT.parent / "shared" / "datasets" / "polnear"
# the suite is at least this large, and has every kind
MIN_SUMMARIES = 300
KINDS = {
    "said",
    "reordered",
    "according",
    "surname",
    "role",
    "partial_quote",
    "two_claims",
    "pronoun",
    "two_sources",
}


def test_summaries_are_written_the_way_people_write():
    a = Said("Senator Ana Ruiz", "told", "the bridge would reopen in May", False, "she")
    b = Said("Senator Ana Ruiz", "said", "repairs had cost 40 million euros", False, "she")
    q = Said("Mayor Tom Lee", "said", "“we will not let this bridge fall into the river”", True)
    got: dict[str, str] = {}
    for f in summaries([a, b, q], limit=5):
        got.setdefault(f.kind, f.summary)
    assert got["said"] == "Senator Ana Ruiz said the bridge would reopen in May."
    assert got["reordered"] == "The bridge would reopen in May, Senator Ana Ruiz said."
    assert got["surname"] == "Ruiz said the bridge would reopen in May."
    assert got["two_claims"].endswith("and that repairs had cost 40 million euros.")
    assert got["pronoun"].split(". ")[1].startswith("She also said repairs")
    assert got["partial_quote"] == "Mayor Tom Lee spoke of “not let this bridge fall”."


def test_only_restatable_attributions_are_used():
    assert usable("he", "said", "the bridge would reopen in May") is None  # a pronoun
    assert usable("Ruiz", "hopes", "the bridge would reopen in May") is None  # no speech cue
    assert usable("Ruiz", "said", "reopening") is None  # too short
    assert usable("Rep. Lynch (D-Mass.)", "said", "the law does not require it").source == (
        "Rep. Lynch"
    )


@pytest.mark.skipif(not POLNEAR.exists(), reason="PolNeAR is not in the shared folder")
def test_every_faithful_summary_of_polnear_dev_passes():
    from briefing.evals.faithful import from_gold

    kinds: Counter[str] = Counter()
    flagged = []
    for g in gold_articles(POLNEAR, "dev"):
        checker = Checker(Article(meta=ArticleMeta(id=g.name, path=str(g.path)), text=g.text))
        for f in summaries(from_gold(g.text, g.relations, checker.an)):
            kinds[f.kind] += 1
            result = checker.check(f.summary)
            if not result.passed:
                flagged.append((g.name, f.kind, f.summary, [x.message for x in result.findings]))
    assert sum(kinds.values()) >= MIN_SUMMARIES and set(kinds) >= KINDS - {"role"}, kinds
    assert flagged == []


@pytest.mark.skipif(not POLNEAR.exists(), reason="PolNeAR is not in the shared folder")
def test_the_faithful_suite_reads_polnear_where_it_is(tmp_path: Path):
    # nothing of the corpus is in the repository
    assert not list(ROOT.glob("**/*.ann"))
