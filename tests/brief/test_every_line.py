"""Every line of a brief passes ``briefing check`` against the article its reference names."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing import pipeline
from briefing.brief.gate import text_of
from briefing.models import Brief, BriefItem

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "articles"
POLNEAR_DEV = ROOT.parent / "shared" / "datasets" / "polnear" / "data" / "dev" / "text"
POLNEAR_ARTICLES = 50


def _errors(brief: Brief) -> list[str]:
    by_id = {an.article.id: an for an in brief.analyses}
    checkers = {}
    found = []
    items = [*brief.bottom_line, *brief.developments, *brief.who_said_what, *brief.caveats]
    # every development's headline too, judged as the line it is
    items += [
        BriefItem(text=s.headline, refs=s.refs) for s in brief.stories if s.headline and s.refs
    ]
    for item in items:
        assert item.refs, f"a line without a reference: {text_of(item)}"
        aid = item.refs[0].article_id
        if aid not in checkers:
            checkers[aid] = pipeline.checker(by_id[aid])
        result = checkers[aid].check(text_of(item))
        found.extend(
            f"{aid}: {text_of(item)!r}: {f.type}: {f.message}"
            for f in result.findings
            if f.severity == "error"
        )
    return found


def _brief(paths: list[Path]) -> Brief:
    loaded = pipeline.load(paths)
    return pipeline.compose(loaded.analyses, pages=None)


def test_every_line_of_the_example_brief_passes_check() -> None:
    brief = _brief([EXAMPLES])
    assert brief.lines_checked > 50
    assert _errors(brief) == []


def test_every_line_of_a_one_article_brief_passes_check() -> None:
    brief = _brief([EXAMPLES / "kcna-putin-pyongyang.txt"])
    assert _errors(brief) == []
    # KCNA's account of Putin is never stated as plain fact
    assert all("KCNA" in x.text for x in brief.bottom_line if "Putin" in x.text)


@pytest.mark.skipif(not POLNEAR_DEV.is_dir(), reason="PolNeAR is not beside the repository")
def test_every_line_of_a_polnear_brief_passes_check() -> None:
    paths = sorted(POLNEAR_DEV.glob("*.txt"))[:POLNEAR_ARTICLES]
    brief = _brief(paths)
    assert brief.article_count == POLNEAR_ARTICLES
    assert _errors(brief) == []


def test_a_reworded_line_says_its_hedge_once() -> None:
    # the Tate article's "would reportedly challenge": the gate puts the hedge back into the
    # line, so the caveat beside it would only say it again
    from briefing.brief.render import render_text

    text = render_text(_brief([EXAMPLES / "andrew-tate-detention-extended.txt"]))
    line = next(p for p in text.split("\n  - ") if "Vidineac" in p)
    assert "hedges it: “reportedly”" in line
    assert line.count("reportedly") == 1


def test_a_caveats_line_that_lost_its_hedge_gets_it_back() -> None:
    """A caveat's line goes through the gate like any line; one without its article's hedge is
    reworded to say it (a caveat carries no caveat of its own to trim)."""
    from briefing.brief.gate import Gate
    from briefing.models import CaveatItem, Ref

    an = pipeline.load([EXAMPLES / "kcna-putin-pyongyang.txt"]).analyses[0]
    sid = next(s.id for s in an.sentences if "is believed to" in s.text)
    item = CaveatItem(
        kind="hedge",
        text="Pyongyang has been supplying Russia with ballistic missiles.",
        refs=[Ref(article_id=an.article.id, sentence_ids=[sid], label=sid)],
    )
    shown = Gate({an.article.id: an}).admit(item)
    assert shown is not None and "is believed to" in shown.text
