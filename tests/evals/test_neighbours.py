"""Denials, opposites and words of one kind swapped, judged by a word's neighbours wherever the
article has it (``facts.judge_neighbours``), on an article written here: merged and reordered
summaries that keep the facts pass, those that turn one word around do not."""

from __future__ import annotations

import pytest

from briefing.evals.check import Checker
from briefing.models import Article, ArticleMeta

ARTICLE = (
    "Port officials in Valdora said on Monday that the new container terminal would open to "
    "cargo ships in May. The harbour had been closed to large vessels for two years while the "
    "channel was dredged. The project's engineer, Lena Okafor, and her brother Tomas designed "
    "the floating cranes. Shipping companies are looking ahead to shorter waiting times, the "
    "harbour master said. Astronomers at the nearby observatory complained that the new lights "
    "would hide faint galaxies from their telescopes. The terminal cost 40 million euros and "
    "took 30 months to build."
)

NEW = {"unsupported_entity", "number_mismatch", "negation_flipped", "unsupported_claim"}


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker(Article(meta=ArticleMeta(id="t", path="<test>"), text=ARTICLE))


def found(checker: Checker, summary: str) -> set[str]:
    return {f.type for f in checker.check(summary).findings} & NEW


@pytest.mark.parametrize(
    "summary",
    [
        # merged, reordered, pronouns, words of the article's own kind kept
        "After two years of dredging, Valdora's new container terminal will open to cargo ships "
        "in May, port officials said.",
        "Lena Okafor and her brother designed the cranes; the terminal took 30 months to build.",
        "Shipping firms look ahead to shorter waits, according to the harbour master.",
        "Astronomers say the terminal's lights would hide faint galaxies.",
        "The harbour was closed to large vessels while its channel was dredged.",
        # the article's own denial kept
        "Large vessels could not use the harbour for two years.",
    ],
)
def test_faithful_summaries_pass(checker, summary):
    assert found(checker, summary) == set()


@pytest.mark.parametrize(
    "summary, expected, word",
    [
        # a denial of what the article says, in a summary that merges two sentences
        (
            "Valdora's terminal, dredged for two years, will not open to cargo ships in May.",
            "negation_flipped",
            "open",
        ),
        (
            "Shipping companies are not looking ahead to shorter waiting times.",
            "negation_flipped",
            "look",
        ),
        # an opposite among the same neighbours
        (
            "The new container terminal would close to cargo ships in May.",
            "negation_flipped",
            "close",
        ),
        # another word of the same kind
        (
            "The project's engineer, Lena Okafor, and her sister designed the floating cranes.",
            "unsupported_entity",
            "sister",
        ),
        (
            "Biologists at the observatory complained that the lights would hide faint galaxies.",
            "unsupported_entity",
            "Biologists",
        ),
        (
            "Astronomers complained that the new lights would hide faint planets from telescopes.",
            "unsupported_entity",
            "planets",
        ),
        (
            "The terminal cost 40 million euros and took 30 weeks to build.",
            "number_mismatch",
            "weeks",
        ),
    ],
)
def test_a_word_turned_around_is_found(checker, summary, expected, word):
    res = checker.check(summary)
    f = next((f for f in res.findings if f.type == expected), None)
    assert f is not None, res.findings
    assert word.lower() in (f.found or "").lower()
    assert f.evidence_sentence_ids and f.evidence_sentence_ids[0] in f.message


def test_the_article_denying_a_word_elsewhere_keeps_a_denial_open(checker):
    # the article has "closed" and "open": a summary saying the harbour was not open is fair
    assert "negation_flipped" not in found(
        checker, "For two years the harbour was not open to large vessels."
    )


def test_an_opposite_must_stand_where_the_word_does(checker):
    # "closed" is in the article, but beside other words than the summary's "open"
    assert "negation_flipped" not in found(
        checker, "Cargo ships will find the terminal open in May, and the dredged channel too."
    )


def test_a_state_told_in_the_past_may_have_changed():
    text = (
        "Foreign trucks were banned from the bridge for a decade. "
        "The city council voted on Monday to open the bridge to foreign trucks."
    )
    c = Checker(Article(meta=ArticleMeta(id="b", path="<test>"), text=text))
    assert found(c, "The city is allowing foreign trucks on the bridge.") == set()
    assert "negation_flipped" in found(
        c, "The council voted to close the bridge to foreign trucks."
    )


def test_a_number_of_a_unit_of_time_must_be_the_articles_of_that_unit(checker):
    # the article has 40 only as an amount of euros, and 30 as months
    f = next(
        f
        for f in checker.check("The terminal took 40 months to build.").findings
        if f.type == "number_mismatch"
    )
    assert f.found == "40 months" and "“30 months”" in f.message
    assert found(checker, "It took 30 months and cost 40 million euros.") == set()
