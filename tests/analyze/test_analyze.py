"""The deterministic engine on real articles: who said what, through whom, and the caveats."""

from __future__ import annotations

import pytest

from briefing.analyze import analyze
from briefing.models import Article, ArticleMeta


def _analyze_text(text: str):
    return analyze(Article(meta=ArticleMeta(id="t", path="t.txt"), text=text))


def _by_source(analysis, needle: str):
    return [
        a
        for a in analysis.attributions
        if a.source and needle.lower() in (a.source.canonical or a.source.text).lower()
    ]


# --- the seed article -----------------------------------------------------------------------


def test_seed_putin_willingness_is_via_north_korean_state_media(seed_analysis):
    putin = [a for a in _by_source(seed_analysis, "Putin") if "willingness" in a.content.text]
    assert putin, "Putin's willingness to visit must be attributed to Putin"
    for a in putin:
        assert a.source.canonical == "Vladimir Putin"
        assert a.via and a.via[0].type == "state_media"
        assert a.via[0].canonical == "KCNA"
        assert a.kind == "indirect"
    lead = next(a for a in putin if a.sentence_ids == ["s2"])
    assert lead.via[0].text == "North Korean state media"
    assert lead.content.text == "his willingness to visit Pyongyang in the near future"


def test_seed_state_media_caveat_applies_to_putin_attribution(seed_analysis):
    putin_ids = {a.id for a in _by_source(seed_analysis, "Putin")}
    caveats = [c for c in seed_analysis.caveats if c.kind == "state_media"]
    assert caveats
    assert putin_ids <= {aid for c in caveats for aid in c.applies_to}


def test_seed_quoted_fragments_belong_to_kcna_or_the_regime_never_choe(seed_analysis):
    fragments = [
        "in all fields this year",
        "had deep strategic communication",
        "through close cooperation",
    ]
    for frag in fragments:
        holders = [a for a in seed_analysis.attributions if frag in a.content.text and a.via == []]
        assert holders, frag
        for a in holders:
            name = (a.source.canonical or "") + " " + a.source.text
            assert "Choe" not in name
            assert "KCNA" in name or "North Korea" in name, (frag, name)


def test_seed_it_said_resolves_to_kcna(seed_analysis):
    a = next(
        a for a in seed_analysis.attributions if a.sentence_ids == ["s4"] and a.source.text == "it"
    )
    assert a.source.canonical == "KCNA" and a.source.type == "state_media"
    assert a.kind == "direct"
    assert a.content.text.startswith("President Putin expressed deep thanks")


def test_seed_hedge_is_believed_to(seed_analysis):
    hedges = [c for c in seed_analysis.caveats if c.kind == "hedge"]
    assert any(
        c.text == "is believed to" and c.sentence_ids == ["s10"] and c.applies_to for c in hedges
    )
    belief = next(a for a in seed_analysis.attributions if a.cue and a.cue.text == "is believed")
    assert belief.source is None
    assert "ballistic missiles" in belief.content.text


def test_seed_special_military_operation_is_moscows_phrase(seed_analysis):
    c = next(
        c
        for c in seed_analysis.caveats
        if c.kind == "characterization" and c.text == "special military operation"
    )
    assert "Moscow" in c.note and "invasion" in c.note
    assert c.sentence_ids == ["s9"]


def test_seed_key_events(seed_analysis):
    texts = " | ".join(e.text for e in seed_analysis.events)
    visit = next(e for e in seed_analysis.events if "Jan. 15-17" in e.text)
    assert visit.when == "Jan. 15-17"
    assert "Choe Son-hui" in visit.who
    # attributed to KCNA's summary, not stated as fact
    att = next(a for a in seed_analysis.attributions if a.id == visit.attribution_id)
    assert att.source.canonical == "KCNA"
    meetings = next(e for e in seed_analysis.events if "Lavrov" in e.text)
    assert {"Sergei Lavrov", "Alexander Novak"} <= set(meetings.who), texts


def test_seed_spans_are_exact(seed_analysis):
    text = open(seed_analysis.article.path, encoding="utf-8", newline="").read()
    for a in seed_analysis.attributions:
        for span in (a.source, a.cue, a.content):
            if span is not None:
                assert text[span.start : span.end] == span.text
        for v in a.via:
            if v.start is not None:
                assert text[v.start : v.end] == v.text


# --- patterns of real news ------------------------------------------------------------------


def test_speaker_after_quote_and_inverted_cue():
    an = _analyze_text(
        "\"It's good President Biden visited Ukraine, but a photo op isn't enough,\" said McCaul."
    )
    (a,) = an.attributions
    assert a.source.text == "McCaul" and a.cue.text == "said" and a.kind == "direct"
    assert (
        a.content.text == "It's good President Biden visited Ukraine, but a photo op isn't enough"
    )


def test_appositive_source_and_told():
    an = _analyze_text(
        '"We are really disappointed," Watson\'s attorney, Lanny Breuer, told the Journal after '
        "the arrest."
    )
    (a,) = an.attributions
    assert a.source.canonical == "Lanny Breuer"
    assert a.cue.text == "told"


def test_according_to_after_content():
    an = _analyze_text(
        "About 1,500 residents were evacuated during the burn, according to the Washington Post."
    )
    (a,) = an.attributions
    assert a.cue.text == "according to"
    assert a.source.canonical == "The Washington Post" and a.source.type == "outlet"
    assert a.content.text == "About 1,500 residents were evacuated during the burn"


def test_nested_chain_reported_that_said():
    an = _analyze_text(
        "The Associated Press reported that a spokesperson for the agency, Romona Bolla, "
        "said the request was approved by the tribunal."
    )
    inner = next(a for a in an.attributions if a.source and a.source.canonical == "Romona Bolla")
    assert [v.canonical for v in inner.via] == ["Associated Press"]
    assert inner.via[0].type == "wire"
    assert inner.content.text == "the request was approved by the tribunal"


def test_pronoun_resolves_to_named_antecedent():
    an = _analyze_text(
        '"UTM solutions are essential," says Phillip Swadling, technical director at Thales. '
        '"Standards are lacking," he adds.'
    )
    he = next(a for a in an.attributions if a.source.text == "he")
    assert he.source.canonical == "Phillip Swadling"


def test_floating_quote_goes_to_previous_speaker():
    an = _analyze_text(
        "“We have been acting in good faith,” Breuer told the Journal.\n\n"
        "“We are shocked by the actions this morning.”"
    )  # in the same paragraph it would be the second piece of one quotation (interrupted.py)
    floating = next(a for a in an.attributions if a.cue is None)
    assert floating.source.canonical == "Breuer"
    assert floating.content.text == "We are shocked by the actions this morning"


def test_anonymous_source_gets_single_source_caveat():
    an = _analyze_text(
        "An unnamed official told Politico that staff were ordered to remove the app."
    )
    (a,) = an.attributions
    assert a.source.type == "anonymous"
    assert any(c.kind == "single_source" and a.id in c.applies_to for c in an.caveats)


def test_public_broadcaster_is_not_state_media():
    an = _analyze_text(
        "Officials executed a controlled burn of vinyl chloride, NPR reported. "
        "The strike killed four people, the BBC reported. Xinhua said the talks went well."
    )
    types = {a.source.canonical: a.source.type for a in an.attributions}
    assert types["NPR"] == "public_broadcaster"
    assert types["BBC"] == "public_broadcaster"
    assert types["Xinhua"] == "state_media"
    state = [c for c in an.caveats if c.kind == "state_media"]
    assert len(state) == 1 and "Xinhua" in state[0].text


def test_unverified_and_disputed_caveats():
    an = _analyze_text(
        "Rebels said they shot down a helicopter, a claim that could not be independently "
        "verified. The ministry denied the report."
    )
    kinds = {c.kind for c in an.caveats}
    assert {"unverified", "disputed"} <= kinds


@pytest.mark.parametrize(
    "sentence, disputed",
    [
        ("The Kremlin denied that its troops had crossed the border.", True),
        ("The company strongly denies any wrongdoing.", True),
        ("His lawyers have denied the fraud claims.", True),
        ("The senator contests the results of the count.", True),
        ("The agency could deny them permits until the repairs are done.", False),
        ("Denying us a hearing is unfair, the families said.", False),
        ("He accused the party of trying to deny climate change.", False),
        ("Sanders won four of the six contests on Tuesday.", False),
        ("Delegates prepared for a contested convention in July.", False),
    ],
)
def test_a_denial_disputes_a_claim_a_refusal_or_an_election_does_not(sentence, disputed):
    an = _analyze_text(sentence)
    assert any(c.kind == "disputed" for c in an.caveats) is disputed, sentence


def test_every_example_article_yields_attributions_with_exact_spans(example_analyses):
    assert len(example_analyses) == 7
    for an in example_analyses:
        text = open(an.article.path, encoding="utf-8", newline="").read()
        assert an.attributions, an.article.id
        for a in an.attributions:
            assert set(a.sentence_ids) <= {s.id for s in an.sentences}
            for span in (a.source, a.cue, a.content):
                if span is not None:
                    assert text[span.start : span.end] == span.text
        for c in an.caveats:
            ids = {a.id for a in an.attributions} | {e.id for e in an.events}
            assert set(c.applies_to) <= ids


def test_registry_keeps_state_media_and_public_broadcasters_apart():
    from briefing.analyze.lexicon import registry

    reg = registry()
    types = {o.name: o.type for o in reg.outlets}
    for name in [
        "KCNA",
        "Rodong Sinmun",
        "TASS",
        "RIA Novosti",
        "RT",
        "Sputnik",
        "Xinhua",
        "CGTN",
        "Global Times",
        "IRNA",
        "Press TV",
        "Tasnim",
    ]:
        assert types[name] == "state_media", name
    for name in ["BBC", "NHK", "DW", "NPR", "CBC", "Yle"]:
        assert types[name] == "public_broadcaster", name
    assert types["Reuters"] == types["Associated Press"] == "wire"
    aliases = [a for o in reg.outlets for a in o.aliases]
    assert len(aliases) == len(set(aliases)), "an alias names two outlets"


@pytest.mark.parametrize(
    "text",
    [
        "The top British medical journal said the claims were false.",
        "China and Russia said the resolution went too far.",
    ],
)
def test_a_place_inside_a_description_is_not_the_source(text):
    # the journal is British, not the British government; two countries are not one of them
    an = analyze(Article(meta=ArticleMeta(id="t", path="t.txt"), text=text))
    sources = [a.source for a in an.attributions if a.source is not None]
    assert sources, an.attributions
    assert all(s.canonical not in ("United Kingdom", "China", "Russia") for s in sources)


@pytest.mark.parametrize(
    "sentence, hedged",
    [
        # a poll's likely voters and a prime minister called May hedge nothing (PolNeAR dev)
        ("Clinton leads Trump among likely voters by four points, the poll found.", False),
        ("Prime Minister Theresa May told reporters the plan would work.", False),
        # the modal and "likely" that do
        ("The storm may reach the coast by Friday.", True),
        ("The bill is likely to pass the Senate.", True),
    ],
)
def test_what_is_a_hedge(sentence: str, hedged: bool) -> None:
    an = analyze(Article(meta=ArticleMeta(id="h", path="<test>"), text=sentence))
    assert any(c.kind == "hedge" for c in an.caveats) is hedged
