"""Who-said-what rows name someone a reader can tell: never "you", never a chain through a
pronoun no one resolved or through a clause read as a source."""

from __future__ import annotations

from pathlib import Path

from briefing import pipeline

# The shapes met in PolNeAR dev ("Do you know where your candidate's tax returns are?"; Rep.
# Lynch's "He said he wasn't too worried ... because he doubted ..."), written here.
ARTICLE = """Senate race tightens in Ohio

Senator Maria Lopez told reporters on Monday that the race had tightened. You know where your \
candidate's tax returns are, but voters do not.

Rep. Stephen Lynch said the law does not require witnesses to appear at a public hearing. He \
said he wasn't too worried about the resolution because he doubted any court would enforce it.
His surrogates said the resolution was a waste of the committee's time and money.

Obama has had a frosty relationship with Mitch McConnell, now the Senate majority leader, who in \
2010 said the GOP's most important goal was to make Obama a one-term president. McConnell became \
convinced that concrete reforms were underway.

"I don't think it should be done behind closed doors," Rep. Jason Chaffetz said. "I think it's the \
way this committee should operate."
"""


def test_no_row_is_given_to_you_or_reported_through_a_clause(tmp_path: Path) -> None:
    (tmp_path / "ohio.txt").write_text(ARTICLE, encoding="utf-8")
    brief = pipeline.compose(pipeline.load([tmp_path]).analyses, pages=None)
    speakers = [x.speaker for x in brief.who_said_what]
    assert "Stephen Lynch" in speakers
    assert not any(s.lower() == "you" or s.startswith("His ") for s in speakers)
    chains = [v for x in brief.who_said_what for v in x.reported_by]
    assert not any("wasn't" in v or v.lower() in {"he", "she", "they"} for v in chains)
    # "now the Senate majority leader" is an aside cut from its name, no speaker; a reporting
    # verb keeps the words it is written with ("became convinced", not "convinced")
    assert not any(s.startswith("now ") for s in speakers)
    assert any(x.claim.startswith("became convinced") for x in brief.who_said_what)
    # "I think ...," Chaffetz said: his own view, not his report of it
    assert not any(x.speaker in x.reported_by for x in brief.who_said_what)
    assert "Jason Chaffetz" in speakers


def test_example_rows_read_alone() -> None:
    """On the bundled examples: the interrupted "The ultimate goal, Gumley says, is to ..."
    keeps its subject, a plain reporting word ("notes") or an "also" is not left before the
    words, and a quotation's comma does not stand before "according to"."""
    from briefing.brief import render

    brief = pipeline.compose(pipeline.load([Path("examples/articles")]).analyses, pages=None)
    claims = {x.claim for x in brief.who_said_what if x.speaker == "Luke Gumley"}
    assert any(c.startswith("the ultimate goal is to fully-integrate FIMS") for c in claims)
    assert not any(x.claim.startswith(("also ", "notes ")) for x in brief.who_said_what)
    assert ",”, according to" not in render.render_text(brief)


def test_a_row_that_opens_on_its_reporting_verb_reads_as_a_sentence() -> None:
    """ "North Korea assured both sides ...", not "North Korea: assured ...": a colon before
    a verb reads as the speaker's words beginning with it."""
    from briefing.brief import render

    brief = pipeline.compose(
        pipeline.load([Path("examples/articles/kcna-putin-pyongyang.txt")]).analyses, pages=None
    )
    for page in (render.render_text(brief), render.render_markdown(brief)):
        flat = " ".join(page.replace("**", "").split())
        assert "North Korea assured both sides" in flat
        assert "North Korea: assured" not in flat


def test_a_row_keeps_who_was_urged() -> None:
    """ "Graham urged Republicans to join the ranks ..." (PolNeAR dev, written here): without
    "Republicans", the row reads as Graham being urged."""
    from briefing.analyze import analyze
    from briefing.brief.rows import said_row
    from briefing.models import Article, ArticleMeta

    text = (
        "Graham speaks on climate\n\nIn his speech, Sen. Lindsey Graham urged Republicans to "
        "join the ranks of climate change believers, and criticized the party's record.\n"
    )
    an = analyze(Article(meta=ArticleMeta(id="g", path="<test>"), text=text))
    urged = next(a for a in an.attributions if a.cue is not None and a.cue.text == "urged")
    row = said_row(an, urged, 0)
    assert row is not None and row.claim.startswith("urged Republicans to join"), row
