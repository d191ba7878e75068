"""Regression tests: the attribution patterns of real news, one sentence or paragraph each."""

from __future__ import annotations

import pytest

from briefing.analyze import analyze
from briefing.models import Article, ArticleMeta


def _atts(text: str):
    return analyze(Article(meta=ArticleMeta(id="t", path="t.txt"), text=text)).attributions


def _one(text: str, **where):
    found = [a for a in _atts(text) if all(_get(a, k) == v for k, v in where.items())]
    assert len(found) == 1, [
        (a.source and a.source.text, a.cue and a.cue.text, a.content.text) for a in _atts(text)
    ]
    return found[0]


def _get(a, key):
    if key == "cue":
        return a.cue.text if a.cue else None
    if key == "source":
        return a.source.text if a.source else None
    if key == "canonical":
        return a.source.canonical if a.source else None
    return getattr(a, key)


def test_speaker_after_the_quote_source_then_cue():
    a = _one("“We will not back down,” the ministry said.", cue="said")
    assert a.source.text == "the ministry" and a.source.type == "government"
    assert a.content.text == "We will not back down" and a.kind == "direct"


def test_speaker_before_the_quote():
    a = _one('The minister said: "We will not back down."', cue="said")
    assert a.source.text == "The minister"
    assert a.content.text == "We will not back down" and a.kind == "direct"


def test_told_someone_that():
    a = _one("A senior official told reporters on Monday that the talks had stalled.", cue="told")
    assert a.source.text == "A senior official" and a.source.type == "anonymous"
    assert a.content.text == "the talks had stalled"


def test_source_with_a_relative_clause():
    a = _one("Smith, who chairs the committee, said the vote would be delayed.", cue="said")
    assert a.source.canonical == "Smith"
    assert a.content.text == "the vote would be delayed"


def test_spokesperson_for_an_organisation():
    a = _one(
        "A spokesperson for the foreign ministry said the ambassador had been recalled.", cue="said"
    )
    assert a.source.text == "A spokesperson for the foreign ministry"
    assert a.content.text == "the ambassador had been recalled"


@pytest.mark.parametrize(
    "text, source",
    [
        ("Officials said the border would reopen on Friday.", "Officials"),
        (
            "A person familiar with the matter said the deal was close.",
            "A person familiar with the matter",
        ),
    ],
)
def test_anonymous_sources(text, source):
    a = _one(text, cue="said")
    assert a.source.text == source and a.source.type == "anonymous"


def test_he_added_resolves_to_the_named_antecedent():
    atts = _atts(
        "Defence Minister Ana Ruiz said the drills were routine. "
        "“They pose no threat to anyone,” she added."
    )
    added = next(a for a in atts if a.cue and a.cue.text == "added")
    assert added.source.text == "she" and added.source.canonical == "Ana Ruiz"


def test_quote_across_sentences_closed_by_its_speaker():
    a = _one("“The market is weak. Prices will fall,” the analyst said.", cue="said")
    assert a.content.text == "The market is weak. Prices will fall"
    assert a.sentence_ids == ["s1", "s2"]


def test_quote_across_paragraphs_without_closing_mark():
    text = (
        "The mayor said: “We have rebuilt the bridge.\n\n"
        "“Next we will rebuild the school.”\n\nThe council agreed."
    )
    a = _one(text, cue="said")
    assert a.content.text.startswith("We have rebuilt the bridge.")
    assert a.content.text.endswith("Next we will rebuild the school")
    assert a.kind == "direct"


def test_floating_quote_goes_to_the_previous_speaker():
    # a new paragraph: in the same one, the quotation is one attribution in two pieces
    atts = _atts("“We did nothing wrong,” the company said in a statement.\n\n“We will appeal.”")
    floating = next(a for a in atts if a.cue is None)
    assert floating.source.text == "the company"
    assert floating.content.text == "We will appeal"


def test_nested_chain_reported_that_said():
    atts = _atts("Reuters reported that the defence minister said troops would stay.")
    inner = next(a for a in atts if a.source and a.source.text == "the defence minister")
    assert [v.canonical for v in inner.via] == ["Reuters"]
    assert inner.via[0].type == "wire"


def test_state_media_chain_keeps_its_type():
    atts = _atts("KCNA said leader Kim Jong Un expressed satisfaction with the test.")
    kim = next(a for a in atts if a.source and "Kim" in a.source.text)
    assert kim.via[0].canonical == "KCNA" and kim.via[0].type == "state_media"


@pytest.mark.parametrize(
    "text, cue, source",
    [
        ("The drone is believed to have been launched from the sea.", "is believed", None),
        (
            "The central bank believes inflation will ease next year.",
            "believes",
            "The central bank",
        ),
        ("The party backs a ceasefire in the region.", "backs", "The party"),
    ],
)
def test_belief_and_position_cues(text, cue, source):
    a = _one(text, cue=cue)
    assert (a.source.text if a.source else None) == source


def test_hedge_inside_content_is_kept_and_flagged():
    an = analyze(
        Article(
            meta=ArticleMeta(id="t", path="t.txt"),
            text="Police said the suspect reportedly fled across the border.",
        )
    )
    said = next(a for a in an.attributions if a.cue and a.cue.text == "said")
    assert "reportedly" in said.content.text
    assert any(c.kind == "hedge" and c.text == "reportedly" for c in an.caveats)


def test_headline_says():
    a = _one("North Korea says Putin willing to visit Pyongyang", cue="says")
    assert (
        a.source.canonical == "North Korea" and a.content.text == "Putin willing to visit Pyongyang"
    )


def test_capital_letter_headline_with_colon_source():
    a = _one("ANDREW TATE DETAINED IN ROMANIA ON SUSPICION OF HUMAN TRAFFICKING: REPORTS", cue=":")
    assert a.source.text == "REPORTS"


def test_told_another_outlet_is_via_that_outlet():
    atts = _atts("An unnamed official told Politico that staff must delete the app.")
    assert [v.canonical for v in atts[0].via] == ["Politico"]


def test_posting_a_map_is_not_an_attribution():
    assert _atts("The airline posted a map of its new routes on Instagram.") == []
