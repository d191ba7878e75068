"""Which cues of a model's attribution ground: reporting, belief and position expressions as the
parse shows them tied to the content, beyond the verbs of ``cues.yaml``.

Short news sentences, each attribution given as a model gives it (source, cue and content copied
verbatim from one sentence). A noun whose clause or object is the content ("the announcement
that ...", "concerns about ..."), a colon or dash beside a quotation, a transcript's colon after
the speaker, and a speech verb whose object is what was said ground; a verb of action, a deed
done to an object ("approved the repairs"), a noun like "visit" or "attack" with a plain object,
and a noun of fact ("the fact that") stay withheld, and a name inside the words said is not
their source.
"""

from __future__ import annotations

import pytest

from briefing.analyze import analyze
from briefing.analyze.grounding import Grounding
from briefing.models import Analysis, Article, ArticleMeta, LLMExtraction, Span
from briefing.verify import verify
from briefing.verify.spans import SpanJudge

ARTICLE = (
    "Senate passes spending bill\n\n"
    "The White House made the announcement that the summit would be postponed. "
    "Senator Dana Whitfield raised concerns about the cost of the program. "
    "The governor's claim that the budget was balanced drew criticism. "
    "Whitfield told reporters: “We will not vote for this bill.” "
    "“The vote was a disgrace.” ― Maria Lopez\n\n"
    "WALLACE: Let us start with the news on the debate.\n\n"
    "The senator extolled the bravery of the firefighters. "
    "The mayor visited the flooded town on Tuesday. "
    "Rebels killed three soldiers near the border, officials said. "
    "The council approved the repairs to the bridge. "
    "The minister's visit to the region lasted three days. "
    "The attack on the convoy was condemned. "
    "The fact that the bridge collapsed surprised engineers. "
    "Lopez said Whitfield had misled voters.\n"
)


def _analysed(name: str, text: str) -> Analysis:
    return analyze(Article(meta=ArticleMeta(id=name, path=f"{name}.txt"), text=text))


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    return _analysed("senate", ARTICLE)


def judged(an: Analysis, source: str, cue: str, content: str, kind: str = "indirect"):
    sid = next(s.id for s in an.sentences if content in s.text and cue in s.text)
    answer = {
        "bottom_line": [],
        "events": [],
        "caveats": [],
        "attributions": [
            {
                "speaker": source,
                "via": [],
                "claim": f"{source} {cue} {content}",
                "quote": content if kind == "direct" else None,
                "kind": kind,
                "ids": [sid],
                "source": source,
                "cue": cue,
                "content": content,
            }
        ],
    }
    return verify(an, LLMExtraction.model_validate(answer))


def _kept(checked) -> bool:
    return bool(checked.attributions) and not checked.withheld


@pytest.mark.parametrize(
    "source, cue, content, kind",
    [
        # a noun of saying with its clause, and one with its prepositional object
        ("The White House", "announcement", "the summit would be postponed", "indirect"),
        ("Senator Dana Whitfield", "concerns", "the cost of the program", "indirect"),
        ("governor", "claim", "the budget was balanced", "indirect"),
        # a colon before a quotation, a dash after one, a transcript's colon after the speaker
        ("Whitfield", ":", "We will not vote for this bill.", "direct"),
        ("Maria Lopez", "―", "The vote was a disgrace.", "direct"),
        ("WALLACE", ":", "Let us start with the news on the debate.", "indirect"),
        # a speech verb whose object is what was said
        ("The senator", "extolled", "the bravery of the firefighters", "indirect"),
    ],
)
def test_a_reporting_expression_tied_to_the_content_grounds(analysis, source, cue, content, kind):
    checked = judged(analysis, source, cue, content, kind)
    assert _kept(checked), [w.reason for w in checked.withheld]
    (att,) = checked.attributions
    assert (att.source, att.cue, att.content) == (source, cue, content)
    located = checked.found or []
    for a in located:  # found by the model alone: its spans are the article's words
        assert ARTICLE[a.content.start : a.content.end] == a.content.text
        assert ARTICLE[a.cue.start : a.cue.end] == a.cue.text


@pytest.mark.parametrize(
    "source, cue, content",
    [
        ("The mayor", "visited", "the flooded town"),  # a verb of action
        ("Rebels", "killed", "three soldiers near the border"),
        ("The council", "approved", "the repairs to the bridge"),  # a deed done to its object
        ("The minister", "visit", "to the region"),  # nouns of events with a plain object
        ("The attack", "attack", "on the convoy"),
        ("engineers", "fact", "the bridge collapsed"),  # a noun of fact with its clause
    ],
)
def test_a_word_that_reports_nothing_stays_withheld(analysis, source, cue, content):
    checked = judged(analysis, source, cue, content)
    assert not checked.attributions and not checked.found
    (w,) = checked.withheld
    assert w.reason == f"“{cue}” is not a reporting or belief expression"


def test_a_colon_away_from_the_words_it_would_introduce_is_no_cue(analysis):
    checked = judged(analysis, "Whitfield", ":", "for this bill", "direct")
    assert not checked.attributions and not checked.found
    (w,) = checked.withheld
    assert w.reason == "“:” is not a reporting or belief expression"


def test_a_name_inside_the_words_said_is_not_their_source(analysis):
    checked = judged(analysis, "Whitfield", "said", "Whitfield had misled voters")
    assert not checked.found
    (w,) = checked.withheld
    assert "only within the content" in w.reason


# Who does the cue: the source must be the one the parse ties to it, not any name of the sentence.
TIED = (
    "Debate night in Ohio\n\n"
    "Trump said Clinton lied about the emails. "
    "Clinton's claim that the economy was rigged drew criticism. "
    "The economy grew by two percent in Ohio, according to officials. "
    "The Clinton campaign's statement that Trump is unfit for office was sharp. "
    "The bill is dead, said Senator Dana Whitfield of Ohio. "
    "Whitfield is worried that the bill will fail. "
    "At a rally with Pence, Trump told reporters: “We will win Ohio.” "
    "Bleak news for Clinton, the polls show.\n"
)


@pytest.fixture(scope="module")
def tied() -> Analysis:
    return _analysed("debate", TIED)


@pytest.mark.parametrize(
    "source, cue, content, kind",
    [
        ("Trump", "said", "Clinton lied about the emails", "indirect"),  # the verb's subject
        ("Clinton", "claim", "the economy was rigged", "indirect"),  # a noun cue's possessor
        ("officials", "according to", "The economy grew by two percent in Ohio", "indirect"),
        ("The Clinton campaign", "statement", "Trump is unfit for office", "indirect"),
        ("Senator Dana Whitfield", "said", "The bill is dead", "indirect"),  # after a trailing cue
        ("Whitfield", "worried", "the bill will fail", "indirect"),  # an adjective's subject
        ("Trump", ":", "We will win Ohio.", "direct"),  # the doer of the clause a colon closes
    ],
)
def test_the_one_the_parse_ties_to_the_cue_grounds(tied, source, cue, content, kind):
    checked = judged(tied, source, cue, content, kind)
    assert _kept(checked), [w.reason for w in checked.withheld]
    (att,) = checked.attributions
    assert (att.source, att.cue) == (source, cue)
    assert _tied(tied, source, cue, content)


def _tied(an: Analysis, source: str, cue: str, content: str) -> bool:
    """The judge's own answer: is ``source`` (its first mention) the one who does ``cue``?"""
    sent = next(s for s in an.sentences if content in s.text and cue in s.text)
    at, where = sent.start + sent.text.index(source), sent.start + sent.text.index(cue)
    return SpanJudge(an, Grounding(an)).tied(
        sent,
        Span(text=source, start=at, end=at + len(source)),
        Span(text=cue, start=where, end=where + len(cue)),
    )


@pytest.mark.parametrize(
    "source, cue, content, kind",
    [
        ("Clinton", "said", "lied about the emails", "indirect"),  # "Trump said Clinton lied"
        ("Ohio", "according to", "The economy grew by two percent", "indirect"),
        ("Ohio", "said", "The bill is dead", "indirect"),  # a place in the speaker's title
        ("Pence", "told", "We will win Ohio.", "direct"),  # a name beside the speaker
        ("reporters", ":", "We will win Ohio.", "direct"),  # the ones told, not the teller
        ("Clinton", "show", "Bleak news", "indirect"),  # a fragment's name, no subject of it
    ],
)
def test_another_name_of_the_sentence_is_not_the_source(tied, source, cue, content, kind):
    checked = judged(tied, source, cue, content, kind)
    assert not checked.attributions and not checked.found
    (w,) = checked.withheld
    # where the engine is sure of its own speaker for the words, its reading is the reason
    assert w.reason.startswith(f"“{source}” is not who does “{cue}” in the parse of s") or (
        w.reason.startswith("the engine has these words from another source")
    )
    assert not _tied(tied, source, cue, content)
