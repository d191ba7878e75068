"""The daily run on the page: developments marked new, updated or unchanged, the unchanged
folded into one line, in every format (``briefing.brief.changes``).

The brief is built from the three reports of one launch in ``tests/data/morning`` and the
bundled examples; which articles were read before is given as the state would give it.
"""

from __future__ import annotations

import email
import io
import json

import pytest

from briefing.analyze import analyze
from briefing.brief import make_brief
from briefing.brief.changes import counts, mark, story_change
from briefing.brief.render import render
from briefing.ingest import load_all
from tests.conftest import EXAMPLES, ROOT

MORNING = ROOT / "tests" / "data" / "morning"
LAUNCH = {"japan-missile", "wire-missile", "yonhap-missile"}
FOLD = "Unchanged since the last brief"


@pytest.fixture(scope="module")
def brief():
    articles, errors = load_all([str(MORNING), str(EXAMPLES)])
    assert not errors
    return make_brief([analyze(a) for a in articles])


def story_of(brief, article_id: str):
    return next(d for d in brief.stories if article_id in d.article_ids)


def test_a_development_takes_its_state_from_its_articles():
    assert story_change(["new", "new"]) == "new"
    assert story_change(["unchanged", "unchanged"]) == "unchanged"
    assert story_change(["new", "unchanged"]) == "updated"  # a new article in a known story
    assert story_change(["unchanged", "updated"]) == "updated"  # a changed claim
    assert story_change(["updated"]) == "updated"


def test_each_story_is_marked_from_the_state_of_its_articles(brief):
    launch = story_of(brief, "wire-missile")
    assert set(launch.article_ids) == LAUNCH
    ids = [aid for d in brief.stories for aid in d.article_ids]
    all_new = mark(brief, dict.fromkeys(ids, "new"))
    assert {d.change for d in all_new.stories} == {"new"} and not all_new.unchanged
    one_more = mark(brief, {**dict.fromkeys(ids, "unchanged"), "japan-missile": "new"})
    assert story_of(one_more, "wire-missile").change == "updated"
    assert counts(one_more) == {"new": 0, "updated": 1, "unchanged": len(brief.stories) - 1}


def test_unchanged_stories_leave_the_page_and_fold_into_one_line(brief):
    tate = story_of(brief, "andrew-tate-detention-extended")
    ozy = story_of(brief, "ozy-media-founder-arrested")
    assert tate.headline and ozy.headline
    states = {aid: "new" for d in brief.stories for aid in d.article_ids}
    states.update({"andrew-tate-detention-extended": "unchanged"})
    states.update({"ozy-media-founder-arrested": "unchanged", "wire-missile": "updated"})
    marked = mark(brief, states)
    gone = {tate.id, ozy.id}
    assert [x.story for x in marked.unchanged] == [d.id for d in brief.stories if d.id in gone]
    assert {x.text for x in marked.unchanged} == {tate.headline, ozy.headline}
    assert all(x.refs for x in marked.unchanged)
    for name in ("bottom_line", "developments", "who_said_what", "caveats"):
        assert not [x for x in getattr(marked, name) if x.story in gone], name
    # the bottom line keeps its length, from the stories still on the page
    assert len(marked.bottom_line) == len(brief.bottom_line)
    before = [x for x in brief.developments if x.story not in gone]
    assert len(marked.bottom_line) + len(marked.developments) == len(
        [x for x in brief.bottom_line if x.story not in gone]
    ) + len(before)

    line = f"{FOLD}: 2 developments: "
    md = render(marked, "md")
    assert f"*{FOLD}:* 2 developments: " in md
    assert "*Updated · 3 articles" in md and "*New · 1 article" in md
    txt = render(marked, "txt")
    flat = " ".join(txt.split())
    assert line in flat
    assert f"{tate.headline} [{tate.refs[0].label}]" in flat
    assert "Updated · 3 articles" in flat
    assert tate.headline.upper() not in flat  # no longer a story of its own
    assert brief.stories and " ".join(render(brief, "txt").split()).count(tate.headline.upper())
    html = render(marked, "html")
    assert f"<strong>{FOLD}:</strong> 2 developments: " in html
    assert html.count('class="story"') == len(brief.stories) - 2
    data = json.loads(render(marked, "json"))
    assert {d["id"]: d["change"] for d in data["stories"]}[tate.id] == "unchanged"
    assert [x["text"] for x in data["unchanged"]] == [x.text for x in marked.unchanged]
    message = email.message_from_bytes(render(marked, "eml"))
    parts = {
        p.get_content_type(): p.get_payload(decode=True).decode()
        for p in message.walk()
        if not p.is_multipart()
    }
    assert line in " ".join(parts["text/plain"].split())
    assert f"{FOLD}:</strong> 2 developments: " in parts["text/html"]


def test_the_pdf_carries_the_marks_and_the_folded_line(brief):
    from pypdf import PdfReader

    states = {aid: "new" for d in brief.stories for aid in d.article_ids}
    states["andrew-tate-detention-extended"] = "unchanged"
    pdf = render(mark(brief, states), "pdf")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert f"{FOLD}: 1 development:" in text
    assert "New · " in text


def test_a_brief_with_nothing_new_says_so(brief):
    marked = mark(brief, {aid: "unchanged" for d in brief.stories for aid in d.article_ids})
    assert not marked.bottom_line and not marked.developments and not marked.who_said_what
    md = render(marked, "md")
    assert "*Nothing new or updated since the last brief.*" in md
    assert f"{len(brief.stories)} developments: " in md
    assert "None found" not in md and "No attributed statements" not in md


def test_without_the_daily_run_the_brief_has_no_marks(brief):
    data = json.loads(render(brief, "json"))
    assert "unchanged" not in data and all("change" not in d for d in data["stories"])
    md = render(brief, "md")
    assert FOLD not in md and "New · " not in md and "Updated · " not in md
