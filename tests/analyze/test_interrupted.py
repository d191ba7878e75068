"""Interrupted quotations ('"A," X said, "B."') are one attribution whose content lists its
pieces; what the source said is the pieces, never the interruption."""

from __future__ import annotations

import json

import pytest

from briefing import pipeline
from briefing.analyze import analyze
from briefing.evals.check import Checker
from briefing.evals.perturb import cases_for
from briefing.models import Analysis, Article, ArticleMeta, Attribution, Content, Span


def _analysis(text: str) -> Analysis:
    return analyze(Article(meta=ArticleMeta(id="t", path="t.txt"), text=text))


def _atts(text: str) -> list[Attribution]:
    return _analysis(text).attributions


def _pieces(text: str, a: Attribution) -> list[tuple[int, int, str]]:
    for p in a.content.parts:
        assert text[p.start : p.end] == p.text
    return [(p.start, p.end, p.text) for p in a.content.parts]


def test_interrupted_in_one_sentence():
    text = '"We will win," she said, "and soon."'
    (a,) = _atts(text)
    assert a.source.text == "she" and a.cue.text == "said" and a.kind == "direct"
    assert _pieces(text, a) == [(1, 12, "We will win"), (26, 34, "and soon")]
    assert (a.content.start, a.content.end) == (1, 34)
    assert a.content.text == text[1:34] == 'We will win," she said, "and soon'
    assert a.content.said == "We will win … and soon"
    assert a.sentence_ids == ["s1"] and a.id == "a1"


def test_interrupted_by_an_inverted_cue():
    text = "“We will win,” said Smith, “and soon.”"
    (a,) = _atts(text)
    assert a.source.text == "Smith" and a.cue.text == "said"
    assert _pieces(text, a) == [(1, 12, "We will win"), (28, 36, "and soon")]


def test_interrupted_by_a_cue_and_its_addressee():
    text = "“We will win,” Jones told reporters, “too.”"
    (a,) = _atts(text)
    assert a.source.text == "Jones" and a.cue.text == "told"
    assert _pieces(text, a) == [(1, 12, "We will win"), (38, 41, "too")]


def test_interrupted_across_sentences():
    text = "“We will win,” Smith said. “And we will do it soon.”"
    (a,) = _atts(text)
    assert _pieces(text, a) == [(1, 12, "We will win"), (28, 50, "And we will do it soon")]
    assert a.sentence_ids == ["s1", "s2"]
    assert a.content.said == "We will win … And we will do it soon"


def test_interrupted_by_a_speaker_with_a_relative_clause_that_holds_a_cue():
    text = (
        '"He tried to scare me," said Ann Lee, who wrote about the visit in her book. '
        '"Thank goodness, none of it worked."'
    )
    quoted = [a for a in _atts(text) if a.content.parts]
    assert len(quoted) == 1 and quoted[0].source.canonical == "Ann Lee"
    assert [p.text for p in quoted[0].content.parts] == [
        "He tried to scare me",
        "Thank goodness, none of it worked",
    ]


def test_three_pieces_chain():
    text = "“We will win,” Smith said. “And soon.” “Very soon.”"
    (a,) = _atts(text)
    assert _pieces(text, a) == [(1, 12, "We will win"), (28, 36, "And soon"), (40, 49, "Very soon")]
    assert a.sentence_ids == ["s1", "s2", "s3"]


def test_interrupted_by_a_long_aside():
    text = (
        "“We will win,” Smith said on Monday in an interview with reporters at the party "
        "headquarters, “and soon.”"
    )
    (a,) = _atts(text)
    assert [p.text for p in a.content.parts] == ["We will win", "and soon"]


def test_a_quotation_resumed_in_the_next_sentence():
    text = "Smith said: “We will win.” “It will be soon.”"
    (a,) = _atts(text)
    assert a.cue.start < a.content.start
    assert _pieces(text, a) == [(13, 24, "We will win"), (28, 43, "It will be soon")]


@pytest.mark.parametrize(
    "text",
    [
        # the second piece has its own cue and speaker
        "“We will win,” Smith said. “And we will do it soon,” Jones said.",
        # its own cue, same speaker
        "“We will win,” Smith said. “And soon,” she added.",
        # another speaker's attribution between the pieces
        "“We will win,” Smith said, but Jones replied: “Never.”",
        # a sentence between the pieces
        "“We will win,” Smith said. Jones disagreed. “Never.”",
        # a new paragraph
        "“We will win,” Smith said.\n\n“And soon.”",
        # the quotation is inside a clause of its own, not resumed
        "“We will win,” Smith said, as Jones went on about “the polls.”",
    ],
)
def test_not_merged(text):
    atts = _atts(text)
    assert len(atts) >= 2
    assert all(not a.content.parts for a in atts)


def test_different_speakers_are_never_merged():
    text = "“We will win,” Smith said. “And we will do it soon,” Jones said."
    smith, jones = _atts(text)
    assert (smith.source.text, smith.content.text) == ("Smith", "We will win")
    assert (jones.source.text, jones.content.text) == ("Jones", "And we will do it soon")


def test_the_next_attribution_keeps_its_place():
    text = "“We will win,” Smith said, “and soon.” Jones disagreed. “Never,” he said."
    atts = _atts(text)
    assert [a.id for a in atts] == ["a1", "a2"]
    assert [p.text for p in atts[0].content.parts] == ["We will win", "and soon"]
    assert (atts[1].content.text, atts[1].content.parts) == ("Never", [])


# -- the model and the JSON -----------------------------------------------------------------------


def test_content_in_one_piece_has_no_parts_in_the_json():
    an = _analysis("“We will not back down,” the ministry said.")
    d = pipeline.extraction(an)
    assert "parts" not in d["attributions"][0]["content"]
    assert d["attributions"][0]["content"]["text"] == "We will not back down"


def test_interrupted_json_lists_the_pieces_and_reads_back():
    text = '"We will win," she said, "and soon."'
    d = pipeline.extraction(_analysis(text))
    content = d["attributions"][0]["content"]
    assert content["start"] == 1 and content["end"] == 34
    assert content["text"] == text[1:34]
    assert content["parts"] == [
        {"text": "We will win", "start": 1, "end": 12},
        {"text": "and soon", "start": 26, "end": 34},
    ]
    back = Analysis.model_validate(json.loads(json.dumps(d)))
    assert back.attributions[0].content.said == "We will win … and soon"


def test_content_helpers():
    c = Content(
        text='A," X said, "B',
        start=0,
        end=14,
        parts=[Span(text="A", start=0, end=1), Span(text="B", start=13, end=14)],
    )
    assert c.said == "A … B"
    assert c.holds(13, 14) and not c.holds(4, 10)
    assert c.within(10, 20) == Content(text="B", start=13, end=14)
    assert c.within(0, 20) is c and c.within(3, 9) is None
    one = Content(text="A", start=0, end=1)
    assert one.pieces == [Span(text="A", start=0, end=1)] and one.said == "A"
    a = Attribution(
        id="a1", source=None, cue=None, content=Span(text="A", start=0, end=1), kind="direct",
        sentence_ids=["s1"],
    )  # fmt: skip
    assert isinstance(a.content, Content)


# -- what the brief and check show ----------------------------------------------------------------

ARTICLE = (
    "Jane Smith, the party leader, spoke in Leeds on Monday.\n\n"
    "“We will win this election,” Smith told reporters, “and we will win it by a wide margin.”\n\n"
    "Tom Jones, her rival, was not convinced."
)


def test_the_brief_quotes_the_pieces_not_the_interruption():
    an = _analysis(ARTICLE)
    brief = pipeline.compose([an])
    said = [s for s in brief.who_said_what if "win" in s.claim]
    assert said, brief.who_said_what
    for s in said:
        assert "told reporters" not in s.claim
        # each piece quoted as it stands in the article, the interruption left out between them
        assert s.claim == "“We will win this election” … “and we will win it by a wide margin”"
    for item in brief.bottom_line + brief.developments:
        assert "win this election,” Smith told" not in item.text


def test_check_judges_the_pieces():
    checker = Checker(_analysis(ARTICLE))
    ok = checker.check("Smith said: “We will win this election.”")
    assert ok.passed, ok.findings
    wrong = checker.check("Jones said: “we will win it by a wide margin.”")
    assert [f.type for f in wrong.findings] == ["quote_wrong_speaker"]
    # the interruption is not words Smith said, and no finding quotes it as hers
    odd = checker.check("Smith said: “We will win this election,” Smith told reporters.")
    assert all("told reporters" not in (f.expected or "") for f in odd.findings)


def test_perturbed_cases_quote_each_piece():
    an = _analysis(ARTICLE)
    gold = pipeline.extraction(an)
    cases = cases_for(gold, "article.txt")
    quoted = [c["summary"] for c in cases if "“" in c["summary"]]
    assert quoted
    assert all("told reporters" not in q for q in quoted)
    control = next(c["summary"] for c in cases if c["id"].endswith("control-1"))
    assert control == (
        "Jane Smith said: “We will win this election” … “and we will win it by a wide margin”"
    )
    checker = Checker(an)
    assert checker.check(control).passed


def test_a_cue_with_a_place_then_the_next_sentence():
    text = "“We did nothing wrong,” the company said in a statement. “We will appeal.”"
    (a,) = _atts(text)
    assert a.source.text == "the company"
    assert [p.text for p in a.content.parts] == ["We did nothing wrong", "We will appeal"]
