"""A line reads alone: furniture cut, shortened only at a clause, references to its own article."""

from __future__ import annotations

import pytest

from briefing.analyze import analyze
from briefing.analyze.words import content_words
from briefing.brief import lines, make_brief
from briefing.ingest import load_all
from tests.conftest import EXAMPLES, ROOT


@pytest.fixture(scope="module")
def analyses():
    articles, errors = load_all([str(ROOT / "tests" / "data" / "morning"), str(EXAMPLES)])
    assert not errors
    return [analyze(a) for a in articles]


def test_kickers_and_datelines_are_cut_and_captions_are_no_lines() -> None:
    assert lines.strip_furniture("FIRST ON FOX: Chairman McCaul traveled to Kyiv.").startswith(
        "Chairman McCaul"
    )
    assert lines.strip_furniture("SELMA, N.C.—Voters lined up early.") == "Voters lined up early."
    assert lines.strip_furniture("NEW YORK - The founder was arrested.") == (
        "The founder was arrested."
    )
    assert lines.caption('FILE Carlos Watson participates in "The Contenders" panel in 2016.')
    assert not lines.caption("Watson was arrested on Thursday.")
    # PolNeAR dev's datelines and the AP's running-story label
    assert lines.strip_furniture("WASHINGTON ― Donald Trump’s obsession is an insult.") == (
        "Donald Trump’s obsession is an insult."
    )
    assert lines.strip_furniture("LOS ANGELES, Sept. 28 (UPI) — In a clip, Blige sings.") == (
        "In a clip, Blige sings."
    )
    assert lines.strip_furniture("The Latest: Trump urges supporters to vote.") == (
        "Trump urges supporters to vote."
    )
    assert lines.strip_furniture("In 2016 - the year of the vote - he won.").startswith("In 2016")


def test_a_long_sentence_is_cut_at_a_clause_and_keeps_its_hedge() -> None:
    text = (
        "Pyongyang has been supporting Russia's war in Ukraine and is believed to have been "
        "supplying it with ballistic missiles in exchange for Moscow providing military "
        "assistance in other areas, at a time when North Korea is focused on its weapons "
        "programmes and has been testing missiles of every range at an unprecedented pace."
    )
    short = lines.shorten(text)
    assert short is not None and short.endswith("other areas.")
    assert "is believed to" in short
    hedged_tail = "A court agreed to extend the detention of the four suspects for a month, " * 3
    kept = lines.shorten(hedged_tail + "who are alleged to have formed a crime group.")
    assert kept is None or "alleged" in kept


def test_an_opening_pronoun_is_dangling() -> None:
    assert lines.dangling("She also reminded the crowd of the stakes.")
    assert lines.dangling("The private sector also agrees.")
    assert not lines.dangling("Clinton reminded the crowd of the stakes.")


def test_a_line_refers_first_to_the_article_its_words_come_from(analyses) -> None:
    brief = make_brief(analyses)
    by_id = {an.article.id: an for an in analyses}
    for item in brief.bottom_line + brief.developments:
        ref = item.refs[0]
        sent = by_id[ref.article_id].sentence(ref.sentence_ids[0])
        assert sent is not None
        words = content_words(item.text)
        assert len(words & content_words(sent.text)) >= 0.6 * len(words), item.text


def test_a_line_never_gives_its_words_to_an_unresolved_pronoun():
    """ "..., according to She." names no one: where the engine could not resolve the pronoun
    that said the words, no line restores that attribution."""
    from briefing.brief.compose import according_to
    from briefing.models import Attribution, Content, Source, Span

    said = "Denying us justice is un-American."
    att = Attribution(
        id="a1",
        source=Source(text="She", start=0, end=3),
        cue=Span(text="said", start=4, end=8),
        content=Content(text=said, start=9, end=9 + len(said)),
        kind="indirect",
        sentence_ids=["s1"],
    )
    assert according_to(att, said) is None
    named = att.model_copy(
        update={"source": Source(text="She", start=0, end=3, canonical="Terry Strada")}
    )
    assert according_to(named, said) == "Terry Strada"
