"""``check`` beyond attribution: names, numbers, negation and support, on short articles written
here, with the faithful paraphrases that must not be flagged; and the floors on SummEdits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefing.analyze.facts import Facts
from briefing.analyze.figures import key, numbers
from briefing.evals.check import Checker
from briefing.models import Article, ArticleMeta
from tests.conftest import ROOT

NEW = {"unsupported_entity", "number_mismatch", "negation_flipped", "unsupported_claim"}

ARTICLE = (
    "The Russian Defence Ministry said on Tuesday that 12 soldiers were killed in the attack "
    "near Belgorod. Officials in Moscow did not say who carried it out. "
    "Acme Motors will recall 1,900 trucks in March because of a faulty brake that could cause "
    "a loss of control. The company reported a fourth quarter decline in sales of $5bn, "
    "a 30 percent fall. Chief executive Maria Lopez said the plant would open in 2025."
)


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker(Article(meta=ArticleMeta(id="t", path="<test>"), text=ARTICLE))


def types(checker: Checker, summary: str) -> set[str]:
    return {f.type for f in checker.check(summary).findings} & NEW


@pytest.mark.parametrize(
    "summary",
    [
        "Acme Motors will recall 1900 trucks in March.",  # digits written differently
        "The company reported fourth-quarter sales down by 5 billion dollars.",
        "Acme's sales fell 30% in the 4th quarter.",
        "Lopez said the plant would open in 2025.",  # a surname for the full name
        "The Russian Defence Ministry said 12 soldiers were killed near Belgorod.",
        "Russia's Defence Ministry said twelve soldiers died near Belgorod on Tuesday.",
        "Moscow did not say who carried out the attack.",  # the article's own negation
        "Officials in Russia did not say who was behind the attack.",  # the country for Moscow
        "Acme Motors is recalling about 2,000 trucks.",  # rounded
    ],
)
def test_faithful_paraphrases_are_not_flagged(checker, summary):
    assert types(checker, summary) == set()


def test_a_name_the_article_never_mentions(checker):
    res = checker.check("Chief executive Maria Gonzalez said the plant would open in 2025.")
    f = next(f for f in res.findings if f.type == "unsupported_entity")
    assert "Gonzalez" in f.message and "Maria Lopez" in f.message
    assert f.found == "Maria Gonzalez" and f.expected == "Maria Lopez"
    assert types(checker, "Acme Motors will recall 1,900 trucks in Ukraine.") == {
        "unsupported_entity"
    }


def test_a_number_the_article_does_not_give(checker):
    res = checker.check("The Russian Defence Ministry said 15 soldiers were killed near Belgorod.")
    f = next(f for f in res.findings if f.type == "number_mismatch")
    assert f.found == "15" and f.expected == "12" and f.evidence_sentence_ids == ["s1"]
    assert "The article gives “12” (s1: " in f.message and "the summary says “15”" in f.message
    assert types(checker, "The company reported sales of $5mn.") == {"number_mismatch"}
    assert types(checker, "The company reported a third quarter decline.") == {"number_mismatch"}
    assert types(checker, "Acme Motors will recall 1,900 trucks in May.") == {"number_mismatch"}
    assert types(checker, "The plant would open in 2026, Lopez said.") == {"number_mismatch"}


def test_a_negation_or_an_opposite(checker):
    assert types(checker, "Acme Motors will not recall its trucks.") == {"negation_flipped"}
    res = checker.check("The company reported a fourth quarter increase in sales.")
    f = next(f for f in res.findings if f.type == "negation_flipped")
    assert f.found == "increase" and f.expected == "decline"
    assert types(checker, "The brake could cause a gain of control.") == {"negation_flipped"}
    # the article's "did not say", dropped
    assert types(checker, "Officials in Moscow said who carried out the attack.") == {
        "negation_flipped"
    }


def test_a_clause_no_sentence_supports(checker):
    res = checker.check("Acme Motors will recall 1,900 trucks, and its shares doubled overnight.")
    f = next(f for f in res.findings if f.type == "unsupported_claim")
    assert "shares doubled overnight" in f.message
    assert types(checker, "Acme Motors will recall 1,900 trucks.") == set()


def test_number_forms_are_one_value():
    values = {n.value for n in numbers("$5bn, 5 billion, 5,000,000,000 and five")}
    assert values == {5e9, 5.0}
    assert {(n.value, n.ordinal) for n in numbers("the fourth and the 4th")} == {(4.0, True)}
    assert [n.value for n in numbers("40% or 40 percent")] == [40.0, 40.0]
    assert numbers("SARS-CoV-2 and COVID-19") == []
    assert key("closing") == key("closed") == key("close")
    assert key("cutting") == key("cut")


def test_the_article_is_read_once_and_any_summary_judged_fast():
    facts = Facts(Checker(Article(meta=ArticleMeta(id="t", path="<t>"), text=ARTICLE)).an.sentences)
    assert facts.judge_text("") == []
    assert facts.judge_text("Nothing.") == []


SUMMEDITS = ROOT.parent / "shared" / "datasets" / "summedits-news" / "dev.json"
# the targets (measured 2026-12-01: 0.718, 2.9% and 0.7%): balanced accuracy of the whole
# check at least 0.70, and the share of the consistent summaries it flags at most 5%, in all;
# by the finding types beyond attribution, the measured share plus 0.02
MIN_BALANCED_ACCURACY = 0.70
MAX_FAITHFUL_FLAGGED = 0.05
MAX_FAITHFUL_FLAGGED_BY_FACTS = 0.027


@pytest.mark.skipif(not SUMMEDITS.exists(), reason="SummEdits news dev is not here")
def test_summedits_dev_floors():
    items = json.loads(Path(SUMMEDITS).read_text(encoding="utf-8"))
    checkers = {
        doc: Checker(Article(meta=ArticleMeta(id="doc", path="<summedits>"), text=doc))
        for doc in {it["doc"] for it in items}
    }
    flagged, by_facts = {0: 0, 1: 0}, 0
    for it in items:
        res = checkers[it["doc"]].check(it["summary"])
        flagged[it["label"]] += not res.passed
        if it["label"] == 1:
            by_facts += bool({f.type for f in res.findings} & NEW)
    pos = sum(it["label"] == 0 for it in items)
    neg = len(items) - pos
    balanced = (flagged[0] / pos + 1 - flagged[1] / neg) / 2
    assert balanced >= MIN_BALANCED_ACCURACY
    assert flagged[1] / neg <= MAX_FAITHFUL_FLAGGED
    assert by_facts / neg <= MAX_FAITHFUL_FLAGGED_BY_FACTS
