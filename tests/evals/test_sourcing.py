"""How ``check`` reads sourcing in articles written here: a newsroom's report credited as the
record may be stated plainly, a side's claim may not; words the article uses in its own voice
are no one speaker's."""

from __future__ import annotations

import pytest

from briefing.analyze.readings import news_record
from briefing.evals.check import Checker
from briefing.models import Article, ArticleMeta

ARTICLE = (
    "A chemical plant caught fire in Riverton on Sunday. "
    'Crews vented the gas in a "controlled release" to stop an explosion, the Daily Ledger '
    "reported. "
    "About 900 homes near the plant lost power, according to local media reports. "
    "The plant's owner, Halvorsen Chemicals, said the gas posed no danger to residents. "
    "State officials said the company had ignored two safety warnings last year. "
    'Mayor Ana Ruiz called the controlled release "a reckless gamble".'
)


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker(Article(meta=ArticleMeta(id="t", path="<test>"), text=ARTICLE))


def types(checker: Checker, summary: str) -> set[str]:
    return {f.type for f in checker.check(summary).findings}


@pytest.mark.parametrize(
    "summary",
    [
        # an event another newsroom reported, stated plainly
        "Crews vented the gas in a controlled release to stop an explosion.",
        "About 900 homes near the plant lost power.",
        # the article's own scare-quoted term, in a sentence whose subject is no speaker
        'After the fire, crews carried out a "controlled release" of the gas.',
    ],
)
def test_a_newsrooms_report_may_be_stated_plainly(checker, summary):
    assert types(checker, summary) == set()


@pytest.mark.parametrize(
    "summary",
    [
        "The gas posed no danger to residents.",  # the owner's claim
        "The company had ignored two safety warnings last year.",  # the officials' claim
    ],
)
def test_a_sides_claim_stated_plainly_is_still_a_finding(checker, summary):
    assert "attribution_dropped" in types(checker, summary)


def test_which_attributions_are_the_record(checker):
    by_holder = {a.source.text: news_record(a) for a in checker.an.attributions if a.source}
    assert by_holder.get("the Daily Ledger") is True
    assert by_holder.get("local media reports") is True
    assert by_holder.get("State officials") is False
    assert not any(
        news_record(a)
        for a in checker.an.attributions
        if a.source and "Halvorsen" in (a.source.canonical or a.source.text)
    )


def test_a_state_outlet_is_never_the_record():
    text = "Soldiers crossed the river at dawn, state news agency KCNA reported."
    c = Checker(Article(meta=ArticleMeta(id="k", path="<test>"), text=text))
    assert not any(news_record(a) for a in c.an.attributions)
    assert "attribution_dropped" in types(c, "Soldiers crossed the river at dawn.")


def test_a_speakers_own_words_keep_their_speaker(checker):
    # "a reckless gamble" is the mayor's alone: given to the company, it is the wrong speaker
    assert "quote_wrong_speaker" in types(
        checker, 'Halvorsen Chemicals called the release "a reckless gamble".'
    )


MERGED = (
    "Senators Maria Quist and Paul Enders said the dam inspection had been delayed for a year. "
    "Quist said the state would pay for the repairs. "
    "Governor Lila Brandt said the budget could not cover new dams. "
    "Water board chair Omar Haddad told the Valley Courier that the reservoir was half full. "
    "The Valley Courier reported that board engineer Ken Ito said the spillway had cracked."
)


@pytest.fixture(scope="module")
def merged() -> Checker:
    return Checker(Article(meta=ArticleMeta(id="m", path="<test>"), text=MERGED))


@pytest.mark.parametrize(
    "summary",
    [
        # two holders' claims merged in one sentence
        "Quist said the state would pay for the repairs, and Governor Brandt said the budget "
        "could not cover new dams.",
        # a pronoun for the person named before
        "Senator Quist said the dam inspection had been delayed. She also said the state would "
        "pay for the repairs.",
        # one of several holders
        "Enders said the dam inspection had been delayed for a year.",
        # the newsroom he spoke to is no link in a chain
        "Omar Haddad said the reservoir was half full.",
    ],
)
def test_merged_sentences_pronouns_and_several_holders_pass(merged, summary):
    assert merged.check(summary).passed, merged.check(summary).findings


def test_a_chain_through_a_newsroom_is_still_a_chain(merged):
    assert "dropped_intermediary" in types(merged, "Ken Ito said the spillway had cracked.")


def test_a_merged_sentence_still_finds_the_wrong_holder(merged):
    found = types(
        merged,
        "Quist said the state would pay for the repairs, and Haddad said the budget could not "
        "cover new dams.",
    )
    assert "misattributed_speaker" in found


def test_a_quotation_may_start_lowercase_in_the_summarys_sentence(merged):
    text = 'Ken Ito said "the spillway had cracked" last week.'
    assert "quote_not_verbatim" not in types(merged, text)
    assert "quote_not_verbatim" in types(merged, 'Ken Ito said "the spillway had crumbled".')


def test_the_articles_holder_named_first_is_no_other_speaker(merged):
    # read as Haddad announcing, but the summary gives Quist's words to Quist, named first
    assert "misattributed_speaker" not in types(
        merged, "Quist met Haddad at the dam and said the state would pay for the repairs."
    )


def test_a_kicker_is_the_articles_own_voice():
    text = "FIRST ON FOX: Senator Ana Ruiz flew to Riga on Monday to meet the prime minister."
    c = Checker(Article(meta=ArticleMeta(id="f", path="<test>"), text=text))
    assert c.check("Senator Ana Ruiz flew to Riga on Monday.").passed


def test_a_person_the_article_only_mentions_is_given_no_words():
    text = (
        "Mayor Ana Ruiz said the bridge would reopen to traffic in the spring. "
        "She spoke after meeting the city's chief engineer, Tomas Berg, at the site."
    )
    c = Checker(Article(meta=ArticleMeta(id="b", path="<test>"), text=text))
    f = next(
        f
        for f in c.check("Berg told reporters the bridge is reopening in spring.").findings
        if f.type == "misattributed_speaker"
    )
    assert "Berg" in f.message and "Ana Ruiz" in f.message and "s1" in f.message
    # the mayor herself, paraphrased, is fine; so is a person the article has speak
    assert c.check("Ruiz told reporters the bridge is reopening in spring.").passed


def test_what_the_article_states_itself_needs_no_speaker():
    """A death the article reports in its own voice is its fact, though a speaker also mentions
    it ("Crutcher was killed Friday" beside "Clinton criticized the officer for killing
    Crutcher", a shape met in PolNeAR dev); a claim only a speaker makes keeps its speaker."""
    text = (
        "Clinton criticized officer Betty Shelby for shooting and killing Terence Crutcher. "
        "Crutcher was killed Friday near a busy intersection in Tulsa. "
        "Shelby said he refused to follow her commands."
    )
    c = Checker(Article(meta=ArticleMeta(id="tulsa", path="<test>"), text=text))
    assert types(c, "Crutcher was killed.") == set()
    assert "attribution_dropped" in types(c, "Crutcher refused to follow her commands.")
