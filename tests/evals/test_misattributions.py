"""The misattributions real summaries show (``perturb.misattributions``), on an article written
here and on PolNeAR dev (read from the shared folder; skipped without it): each kind is found,
and its explanation names the people and quotes the article's sentence."""

from __future__ import annotations

from collections import Counter

import pytest

from briefing.evals.check import Checker
from briefing.evals.faithful import Said, from_gold
from briefing.evals.perturb import misattributions
from briefing.evals.polnear import gold_articles
from briefing.models import Article, ArticleMeta
from tests.conftest import ROOT

POLNEAR = ROOT.parent / "shared" / "datasets" / "polnear"
# recall each kind must reach on PolNeAR dev
MIN_RECALL = 0.9
KINDS = {
    "invented_speaker",
    "promoted_background",
    "article_voice",
    "hedge_weakened",
    "number_moved",
}

ARTICLE = (
    "Harbour minister Ines Duarte said the new ferry line would carry 400 passengers a day. "
    "Opposition leader Karl Brandt said the line would lose 12 million euros a year. "
    "The ferry is believed to have been built in Norway. "
    "Duarte spoke at the pier, where shipyard owner Paula Moreno had opened a cafe."
)


@pytest.fixture(scope="module")
def harbour() -> tuple[Checker, list[Said]]:
    checker = Checker(Article(meta=ArticleMeta(id="h", path="<test>"), text=ARTICLE))
    claims = [
        Said("Ines Duarte", "said", "the new ferry line would carry 400 passengers a day", False),
        Said("Karl Brandt", "said", "the line would lose 12 million euros a year", False),
    ]
    return checker, claims


def test_each_kind_is_written_and_found_with_the_right_people(harbour):
    checker, claims = harbour
    made = {p.kind: p for p in misattributions(ARTICLE, claims, checker.an, limit=1)}
    assert set(made) == KINDS
    for p in made.values():
        result = checker.check(p.summary)
        found = [f for f in result.findings if f.type in p.expect]
        assert found, (p.kind, p.summary, result.findings)
        f = found[0]
        assert f.evidence_sentence_ids and f.evidence_sentence_ids[0] in f.message
    invented = checker.check(made["invented_speaker"].summary).findings[0]
    assert "never mentions" in invented.message and "Ines Duarte" in invented.message
    promoted = checker.check(made["promoted_background"].summary).findings[0]
    assert "Paula Moreno" in promoted.message and "Ines Duarte" in promoted.message
    assert made["hedge_weakened"].summary == "The ferry is known to have been built in Norway."
    moved = next(
        f
        for f in checker.check(made["number_moved"].summary).findings
        if f.type == "number_mismatch"
    )
    assert moved.expected in {"400", "12 million"} and moved.found != moved.expected


@pytest.mark.skipif(not POLNEAR.exists(), reason="PolNeAR is not in the shared folder")
def test_each_misattribution_kind_is_found_on_polnear_dev():
    made: Counter[str] = Counter()
    caught: Counter[str] = Counter()
    for g in gold_articles(POLNEAR, "dev"):
        checker = Checker(Article(meta=ArticleMeta(id=g.name, path=str(g.path)), text=g.text))
        for p in misattributions(g.text, from_gold(g.text, g.relations, checker.an), checker.an):
            made[p.kind] += 1
            caught[p.kind] += bool(
                set(p.expect) & {f.type for f in checker.check(p.summary).findings}
            )
    assert set(made) == KINDS
    recall = {k: caught[k] / made[k] for k in made}
    assert all(r >= MIN_RECALL for r in recall.values()), recall


def test_a_suite_case_may_ask_for_any_one_of_several_findings(tmp_path):
    """``find_any``: a side's claim stated as fact is a dropped attribution or, where the
    article had it through an intermediary, a dropped intermediary; either one passes the case,
    neither fails it."""
    import subprocess
    import sys

    from tests.conftest import ROOT, SEED

    suite = tmp_path / "any.yaml"
    suite.write_text(
        "suite: any\n"
        "cases:\n"
        "  - id: stated-as-fact\n"
        f"    article: {SEED}\n"
        "    summary: Putin expressed his willingness to visit Pyongyang at an early date.\n"
        "    expect:\n"
        "      find_any: [attribution_dropped, dropped_intermediary]\n"
        "  - id: faithful\n"
        f"    article: {SEED}\n"
        "    summary: According to KCNA, Putin expressed his willingness to visit Pyongyang.\n"
        "    expect:\n"
        "      find_any: [attribution_dropped, dropped_intermediary]\n",
        encoding="utf-8",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "briefing", "eval", str(suite)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    lines = {line.split("\t")[2]: line for line in proc.stdout.splitlines() if "\t" in line}
    assert lines["stated-as-fact"].startswith("pass"), proc.stdout
    assert lines["faithful"].startswith("FAIL")
    assert "expected one of attribution_dropped, dropped_intermediary, none found" in proc.stdout
    assert proc.returncode == 1
