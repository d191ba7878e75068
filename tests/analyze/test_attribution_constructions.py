"""Constructions of news attribution, each on a short sentence written for the test: the source,
cue and content found, as spans of the text."""

from __future__ import annotations

import pytest

from briefing.analyze import analyze
from briefing.models import Article, ArticleMeta, Attribution


def _atts(text: str) -> list[Attribution]:
    return analyze(Article(meta=ArticleMeta(id="t", path="t.txt"), text=text)).attributions


def _span(text: str, part: str, after: int = 0) -> tuple[int, int]:
    start = text.index(part, after)
    return start, start + len(part)


def _with_cue(text: str, cue: str) -> Attribution:
    found = [a for a in _atts(text) if a.cue is not None and a.cue.text == cue]
    assert len(found) == 1, [(a.cue, a.content.text) for a in _atts(text)]
    return found[0]


def _spans(a: Attribution) -> tuple:
    src = (a.source.start, a.source.end) if a.source else None
    return src, (a.cue.start, a.cue.end) if a.cue else None, (a.content.start, a.content.end)


# -- a quotation cut from its speaker by its own "?" or "!" ------------------------------------


def test_a_question_closed_by_its_speaker_in_the_next_sentence():
    text = "The meeting ran late. “Can we still win the state?” Ms. Ortiz asked on Tuesday."
    a = _with_cue(text, "asked")
    assert a.source.text == "Ms. Ortiz"
    assert _spans(a) == (
        _span(text, "Ms. Ortiz"),
        _span(text, "asked"),
        _span(text, "Can we still win the state?"),
    )


def test_an_exclamation_closed_by_a_cue_with_its_addressee():
    text = "Dale Park spoke first. “We are not done yet!” Lena Ruiz told reporters in Denver."
    a = _with_cue(text, "told")
    assert a.source.text == "Lena Ruiz"
    assert (a.content.start, a.content.end) == _span(text, "We are not done yet!")


def test_the_next_sentence_with_a_clause_of_its_own_does_not_take_the_question():
    text = "“Is the plan dead?” Ms. Ortiz said the committee would vote again in May."
    said = _with_cue(text, "said")
    assert said.content.text == "the committee would vote again in May"
    assert not any(a.content.text.startswith("Is the plan") and a.cue for a in _atts(text))


# -- a verb whose content is the object of its preposition -------------------------------------


# (only sentences with a reporting word the parse selection knows are parsed: "report", "said")


def test_talked_about_takes_the_object_of_about():
    text = "Governor Hale talked about the new toll road on Monday, before the report came out."
    a = _with_cue(text, "talked about")
    assert _spans(a) == (
        _span(text, "Governor Hale"),
        _span(text, "talked about"),
        _span(text, "the new toll road"),
    )


def test_railed_against_stops_before_a_relative_clause():
    text = "The mayor railed against the budget, which aides said was late."
    a = _with_cue(text, "railed against")
    assert a.source.text == "The mayor"
    assert a.content.text == "the budget"


def test_voted_for_and_pointed_to():
    text = (
        "Senator Bly voted for the farm bill and called it a relief. She pointed to the drought"
        " and called it a crisis."
    )
    voted = _with_cue(text, "voted for")
    assert (voted.source.text, voted.content.text) == ("Senator Bly", "the farm bill")
    pointed = _with_cue(text, "pointed to")
    assert pointed.content.text == "the drought"


def test_a_preposition_the_verb_does_not_take_is_no_content():
    text = "The governor talked for an hour, and the senator spoke at the rally, aides said."
    assert not any(a.cue and a.cue.text in {"talked for", "spoke at"} for a in _atts(text))


# -- a relative pronoun as the source -----------------------------------------------------------


def test_a_relative_pronoun_source_is_the_pronoun_named_as_its_antecedent():
    text = "The panel heard Sen. Ada Morrow of Ohio, who has repeatedly said the vote was rigged."
    a = _with_cue(text, "said")
    assert (a.source.text, a.source.canonical) == ("who", "Ada Morrow")
    assert _spans(a) == (
        _span(text, "who"),
        _span(text, "said"),
        _span(text, "the vote was rigged"),
    )


def test_a_relative_pronoun_without_a_named_antecedent_keeps_the_noun_phrase():
    text = "The rule angered local officials, who said it was unfair."
    a = _with_cue(text, "said")
    assert a.source.text == "local officials"
    assert a.source.canonical is None


# -- a short quoted term inside the writer's sentence ------------------------------------------


def test_a_quoted_term_is_not_given_to_the_last_speaker():
    text = (
        "“We will fight this,” Mayor Dana Kell said. Her critics joined the “Stop Kell” campaign"
        " on Monday."
    )
    assert [a.content.text for a in _atts(text)] == ["We will fight this"]


def test_a_quoted_piece_after_a_comma_or_closing_the_sentence_is_still_speech():
    text = "“We will fight this,” Mayor Dana Kell said. She would act “without delay.”"
    assert "without delay" in [a.content.text for a in _atts(text)]


# -- a line that opens on a name and a colon ---------------------------------------------------


def test_a_headline_that_opens_on_a_name_and_a_colon():
    text = (
        "Nora Vance: ‘We Will Not Raise Taxes.’\n\n"
        "Governor Nora Vance said on Monday that the budget would balance."
    )
    a = _with_cue(text, ":")
    assert (a.source.text, a.source.canonical) == ("Nora Vance", "Nora Vance")
    assert _spans(a) == (
        _span(text, "Nora Vance"),
        (10, 11),
        _span(text, "We Will Not Raise Taxes"),
    )


def test_a_colon_after_a_label_or_a_name_never_named_again_is_no_attribution():
    text = "Q: Did the agency help you?\n\nBudget Talks Collapse: What Comes Next.\n\nIt rained."
    assert not any(a.cue and a.cue.text == ":" for a in _atts(text))


# -- "cited", and a report that goes on past its "citing" --------------------------------------


def test_cited_takes_its_object():
    text = "Governor Hale cited a 2001 memo from the agency, his office said."
    found = [a for a in _atts(text) if a.cue and a.cue.text == "cited"]
    outer = _with_cue(text, "said")
    assert outer.content.text == "Governor Hale cited a 2001 memo from the agency"
    assert not found or found[0].content.text == "a 2001 memo from the agency"


def test_citing_inside_a_report_is_not_a_trailing_source():
    text = "The Ledger reported, citing two aides, that the deal was off."
    a = _with_cue(text, "reported")
    assert a.source.text == "The Ledger"
    assert not any(a.source and a.source.text == "two aides" for a in _atts(text))


# -- quotation marks written as two apostrophes ------------------------------------------------


def test_a_quotation_in_doubled_apostrophes_closes_on_its_speaker():
    text = "Rates rose again. ''This is no reform at all,'' said Mara Quill, a tax lawyer."
    a = _with_cue(text, "said")
    assert a.source.text.startswith("Mara Quill")
    assert a.kind == "direct"
    assert (a.content.start, a.content.end) == _span(text, "This is no reform at all")
    assert not any(a.source and a.source.text.startswith("''") for a in _atts(text))


def test_a_doubled_apostrophe_quotation_after_its_cue_runs_to_its_closing_pair():
    text = "Dan Orr spoke last. He said, ''We will win the county. Nobody can stop us.''"
    a = _with_cue(text, "said")
    assert a.source.canonical == "Dan Orr"
    assert (a.content.start, a.content.end) == _span(
        text, "We will win the county. Nobody can stop us"
    )


def test_a_quotation_opened_after_its_cue_runs_over_its_sentences_when_found_by_the_parse():
    text = (
        "Hale spoke first. Mayor Ada Pryce, at a later briefing, said, “I have been told "
        "about the fires. We need to do everything we can.”"
    )
    a = _with_cue(text, "said")
    assert a.source.text == "Mayor Ada Pryce"
    assert (a.content.start, a.content.end) == _span(
        text, "I have been told about the fires. We need to do everything we can"
    )
    assert not any(x.cue is None for x in _atts(text))


# -- a quotation that continues its speaker's words after the cue -------------------------------


def test_the_second_piece_of_an_interrupted_quotation_is_its_own_speakers():
    text = (
        "Ms. Lark spoke first. “We will win,” she said. "
        "“It is a good day,” Tom Reyes told reporters, “for all of us.”"
    )
    holders = [a for a in _atts(text) if "for all of us" in a.content.text]
    assert holders and all(a.source.canonical == "Tom Reyes" for a in holders)
    told = _with_cue(text, "told")
    assert told.content.parts and told.content.parts[-1].text == "for all of us"


def test_a_quotation_after_a_word_of_the_writers_clause_is_not_taken_as_continued():
    text = (
        "The agency said the talks went well. Both sides shared their concern “over the "
        "tests,” and agreed to act “through close cooperation.”"
    )
    holders = [a for a in _atts(text) if a.content.text == "through close cooperation"]
    assert holders and all(a.source.text == "The agency" for a in holders)


# -- a cue verb with a particle that makes another verb of it ----------------------------------


def test_a_cue_verb_with_a_particle_of_another_verb_is_no_cue():
    text = 'The ministry said: "We will not back down. We will win." Lee backed down on Tuesday.'
    said = _with_cue(text, "said")
    assert said.content.text == "We will not back down. We will win"
    assert not any(a.cue and a.cue.text in {"back", "backed"} for a in _atts(text))


def test_a_cue_word_used_as_a_particle_is_no_cue():
    text = "The fight was set back by the rulings, the judge said. Ray Olin backed the plan."
    assert [a.cue.text for a in _atts(text) if a.cue] == ["said", "backed"]


def test_an_effort_or_a_bid_is_no_attribution():
    text = "The senator, in an effort to win back voters, opened an office. His bid to lead failed."
    assert not any(a.cue and a.cue.text in {"effort", "bid"} for a in _atts(text))


# -- "according to" a source in lowercase, and after a dash ------------------------------------


def test_according_to_a_lowercase_source():
    text = "Rain fell. The officer wore a body camera, according to attorneys for the family."
    a = _with_cue(text, "according to")
    assert _spans(a) == (
        _span(text, "attorneys for the family"),
        _span(text, "according to"),
        _span(text, "The officer wore a body camera"),
    )
    lead = "Rain fell. According to exit polls, Ms. Ruiz led among young voters."
    b = _with_cue(lead, "According to")
    assert b.source.text == "exit polls"
    assert b.content.text == "Ms. Ruiz led among young voters"


def test_according_to_after_a_dash():
    text = (
        "Rain fell. Half of the advice is wrong — or at best unproven — according to the journal."
    )
    a = _with_cue(text, "according to")
    assert a.source.text == "the journal"
    assert a.content.text == "Half of the advice is wrong — or at best unproven"


# -- a transcript: turns that open on a speaker's name in capitals ------------------------------


def test_a_transcripts_turns_are_their_speakers_and_the_quotation_around_them_is_no_ones():
    text = (
        "Mike Pence spoke to Chris Wallace on Sunday.\n\n"
        '"WALLACE: Let us start with the debate. Why would he do that?\n\n'
        '"PENCE: Well, look, this is serious business. We will win."'
    )
    turns = [a for a in _atts(text) if a.cue and a.cue.text == ":"]
    assert [(a.source.text, a.content.text) for a in turns] == [
        ("WALLACE", "Let us start with the debate. Why would he do that"),
        ("PENCE", "Well, look, this is serious business. We will win"),
    ]
    assert not any(a.content.text.startswith("WALLACE") for a in _atts(text))


def test_a_headline_that_opens_on_a_surname_the_article_names_in_full():
    text = "Pence: Flowers Will Not Be at Debate.\n\nMike Pence said that she would not come."
    a = _with_cue(text, ":")
    assert (a.source.text, a.source.canonical) == ("Pence", "Mike Pence")
    assert a.content.text == "Flowers Will Not Be at Debate"


def test_asked_someone_about_takes_the_object_of_about():
    text = "Rain fell. In the debate, moderator Ann Cole asked Carson about his ties to a firm."
    a = _with_cue(text, "asked")
    assert a.source.canonical == "Ann Cole"
    assert (a.content.start, a.content.end) == _span(text, "his ties to a firm")


# -- a relative clause before the cue: the speaker is before it --------------------------------


def test_a_name_with_its_age_and_town_and_a_relative_clause_before_said():
    text = (
        "Rain fell. Mary Olin, 59, of Ashton, Md., who watched on a screen, said the event "
        "brought back memories of her father."
    )
    said = _with_cue(text, "said")
    assert said.source.canonical == "Mary Olin"
    assert said.content.text == "the event brought back memories of her father"
    assert not any(a.cue and a.cue.text == "back" for a in _atts(text))


def test_a_relative_clause_on_a_noun_said_of_a_named_subject_stands_for_the_subject():
    text = (
        "Rain fell.\n\nNote: Jon Pratt often shouts and is a liar, bully, crank and braggart "
        "who has repeatedly pledged to close the border to everyone."
    )
    a = _with_cue(text, "pledged")
    assert a.source.canonical == "Jon Pratt"


# -- a quotation with no cue of its own: the subject of the clause it stands in -----------------


def test_a_quotation_goes_to_the_subject_of_the_clause_it_stands_in_not_the_last_speaker():
    text = (
        "“We will win,” Ann Lee said. Band member Flea shared the news on social media last "
        "week, writing “Feels great to back someone I believe in.”"
    )
    held = [a for a in _atts(text) if a.content.text.startswith("Feels great")]
    assert held and all(a.source.canonical == "Flea" for a in held)


def _holder(text: str, quoted: str):
    from briefing.analyze.attribution.parsed import quote_holder
    from briefing.analyze.parse import parse
    from briefing.models import Quote, Sentence

    (doc,) = parse([text])
    s = text.index(quoted)
    q = Quote(
        start=s - 1, end=s + len(quoted) + 1, inner_start=s, inner_end=s + len(quoted), closed=True
    )
    held = quote_holder(Sentence(id="s1", start=0, end=len(text), text=text), doc, q)
    return text[held[0] : held[1]] if isinstance(held, tuple) else held


def test_the_holder_of_a_quotation_is_within_one_clause_of_it_and_never_a_copulas_subject():
    assert _holder("Cruz made a call, calling them “corporate welfare.”", "corporate welfare.") == (
        "Cruz"
    )
    assert _holder("The extract was a “magic cure for every body type.”", "magic cure") is False
    both = "Both sides shared their worry and agreed to deal with it “through close cooperation.”"
    assert _holder(both, "through close cooperation.") is None


def test_a_relative_clause_whose_verb_is_the_cue_is_not_the_source_phrase():
    text = (
        "Rain fell. The extract, which the show once praised, was a hit. "
        "He attacked the donations, which he said were tied to favors."
    )
    assert not any(a.cue and a.cue.text == "praised" for a in _atts(text))
    said = _with_cue(text, "said")
    assert said.source.text == "he"
    assert said.content.text == "were tied to favors"


def test_called_for_takes_its_preposition_into_the_cue_and_leaves_how_it_was_said_out():
    text = "Rain fell. The union called for more school funding in a statement on Thursday."
    a = _with_cue(text, "called for")
    assert _spans(a) == (
        _span(text, "The union"),
        _span(text, "called for"),
        _span(text, "more school funding"),
    )


def test_argues_for_someone_to_act_keeps_for_in_the_content():
    text = "Rain fell. The report argues for the government to take a larger role."
    a = _with_cue(text, "argues")
    assert a.content.text == "for the government to take a larger role"


def test_appeared_to_with_a_verb_of_saying_is_the_subjects():
    text = (
        "Rain fell. Stumpf appeared to blame the workers for the scheme. The economy seems to slow."
    )
    a = _with_cue(text, "appeared to blame")
    assert _spans(a) == (
        _span(text, "Stumpf"),
        _span(text, "appeared to blame"),
        _span(text, "the workers for the scheme"),
    )
    seems = _with_cue(text, "seems")
    assert seems.source is None and seems.content.text == "The economy seems to slow"


def test_a_quote_tail_only_cue_before_its_quotation():
    text = "Rain fell. Ann Lee continued: “They are demanding this of us.” The rally continued."
    a = _with_cue(text, "continued")
    assert _spans(a) == (
        _span(text, "Ann Lee"),
        _span(text, "continued"),
        _span(text, "They are demanding this of us"),
    )


@pytest.mark.parametrize(
    "sentence, cue, wrong",
    [
        # PolNeAR dev's shapes, written here: the pronoun of "what he called" is the source,
        # not the clause before it; a pronoun and its verb open no source phrase
        (
            "Trump took to Twitter to encourage Americans to check out what he called her "
            "“sex tape.”",
            "called",
            "Americans",
        ),
        (
            "Clinton says she appreciated Machado’s courage through what she calls a “war of "
            "some pretty unpleasant words.”",
            "calls",
            "Machado",
        ),
    ],
)
def test_a_free_relatives_pronoun_is_its_source(sentence: str, cue: str, wrong: str) -> None:
    an = analyze(Article(meta=ArticleMeta(id="fr", path="<test>"), text=sentence))
    for a in an.attributions:
        if a.cue is not None and a.cue.text == cue and a.source is not None:
            assert wrong not in a.source.text and wrong not in (a.source.canonical or "")
