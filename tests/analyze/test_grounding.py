"""verify and check share analyze.grounding, so they give one verdict on one sentence.

A line a model writes for the brief and a sentence of a summary are judged by the same functions:
a line ``check`` flags must not reach the brief, and a sentence ``check`` passes must not be
withheld for who-said-what reasons. Each sentence is given to ``verify`` citing the article
sentences it restates, as a faithful model would cite them.
"""

from __future__ import annotations

import pytest
import yaml

from briefing.analyze import analyze
from briefing.analyze.grounding import Grounding
from briefing.analyze.provenance import side_of
from briefing.evals.check import check
from briefing.ingest import load_article
from briefing.models import Analysis, LLMExtraction, LLMLine
from briefing.verify import verify

from ..conftest import ROOT, SEED

KCNA_SENTENCE = (
    "KCNA said Pyongyang gave full support to Moscow's special military operation in Ukraine."
)


@pytest.fixture(scope="module")
def seed() -> Analysis:
    return analyze(load_article(SEED))


def _seed_sentences() -> list[str]:
    suite = yaml.safe_load((ROOT / "evals" / "kcna-seed.yaml").read_text(encoding="utf-8"))
    return [KCNA_SENTENCE] + [c["summary"] for c in suite["cases"]]


def _cited(ground: Grounding, text: str) -> list[str]:
    """The article sentences a faithful model would cite for this line."""
    _, claims = ground.claims(text)
    ids: list[str] = []
    for c in claims:
        _, sents = ground.align(c)
        best = max(ground.sent_words, key=lambda sid: len(c.words & ground.sent_words[sid]))
        ids += sents[:2] or [best]
    return list(dict.fromkeys(ids))


def _verify_line(an: Analysis, text: str, ids: list[str]):
    answer = LLMExtraction(
        bottom_line=[LLMLine(text=text, sentence_ids=ids)], events=[], attributions=[], caveats=[]
    )
    return verify(an, answer)


@pytest.mark.parametrize("text", _seed_sentences())
def test_verify_withholds_exactly_what_check_flags(seed: Analysis, text: str) -> None:
    ground = Grounding(seed)
    result = check(seed, text)
    verified = _verify_line(seed, text, _cited(ground, text))
    assert bool(verified.withheld) == (not result.passed), (
        f"check {'passes' if result.passed else 'flags'} {text!r} "
        f"({[f.type for f in result.findings]}), verify "
        f"{'withholds it: ' + verified.withheld[0].reason if verified.withheld else 'keeps it'}"
    )


def test_the_kcna_sentence_is_withheld_for_checks_reason(seed: Analysis) -> None:
    result = check(seed, KCNA_SENTENCE)
    assert not result.passed
    assert "characterization_adopted" in {f.type for f in result.findings}
    verified = _verify_line(seed, KCNA_SENTENCE, ["s9"])
    # verify's own reading comes first: s9, the sentence that supports the line, does not name
    # KCNA, so the chain is the line's own
    reasons = [w.reason for w in verified.withheld]
    assert reasons == ["names KCNA, who is not in the cited sentences"]
    assert verified.bottom_line == []


def test_a_faithful_line_passes_both(seed: Analysis) -> None:
    text = (
        "KCNA reported that Putin expressed his willingness to visit North Korea at an early date."
    )
    assert check(seed, text).passed
    assert _verify_line(seed, text, ["s4"]).withheld == []


def test_a_term_two_sides_share_is_each_sides_to_use(seed: Analysis) -> None:
    # "multi-polarized international order" is Pyongyang's and Moscow's term: given to North
    # Korea, it is attributed, not adopted
    text = (
        "North Korea said both sides are committed to establishing a new multi-polarized "
        "international order."
    )
    types = [f.type for f in check(seed, text).findings]
    assert "characterization_adopted" not in types
    assert "characterization_adopted" in [
        f.type
        for f in check(seed, "Both sides want a new multi-polarized international order.").findings
    ]


@pytest.mark.parametrize(
    ("name", "side"),
    [
        ("KCNA", "North Korea"),
        ("Pyongyang", "North Korea"),
        ("TASS", "Russia"),
        ("Moscow", "Russia"),
        ("Reuters", None),
        ("a senior official", None),
    ],
)
def test_which_side_a_source_speaks_for(name: str, side: str | None) -> None:
    assert side_of(name) == side
