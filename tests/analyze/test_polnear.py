"""The engine on PolNeAR's dev split (84 real US political news articles), and the scorer's rules.

The corpus is not in the repository and must never be copied into it: the dev-split tests read
it from ``../shared/datasets/polnear`` beside the repository (or where ``BRIEFING_POLNEAR``
says) and skip when it is absent. The rules of the scorer are tested on made-up relations.

Two floors per figure. The target is the issue's (source F1 0.78, content 0.65, who-said-what
0.60); while the engine is below it the test is an expected failure that says the measured
figure, and it passes outright as soon as the target is met. The regression floor is the
figure measured when the floor was set, less :data:`MARGIN`: falling below it fails.
benchmarks/README.md records the figures.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from briefing import pipeline
from briefing.evals import polnear
from tests.conftest import ROOT

POLNEAR = Path(
    os.environ.get("BRIEFING_POLNEAR") or ROOT.parent / "shared" / "datasets" / "polnear"
)

# the targets for the dev split
SOURCE_TARGET = polnear.GOAL_SOURCE  # 0.78
CONTENT_TARGET = polnear.GOAL_CONTENT  # 0.65
WSW_TARGET = polnear.GOAL_WSW  # 0.60

# the dev figures when these floors were set, less MARGIN; raise them as the engine improves
MARGIN = 0.02
SOURCE_MEASURED, CONTENT_MEASURED, WSW_MEASURED = 0.788, 0.672, 0.622  # at 53fcfe8
SOURCE_REGRESSION = SOURCE_MEASURED - MARGIN
CONTENT_REGRESSION = CONTENT_MEASURED - MARGIN
WSW_REGRESSION = WSW_MEASURED - MARGIN

needs_polnear = pytest.mark.skipif(
    not (POLNEAR / "data" / "dev" / "text").is_dir(),
    reason=f"PolNeAR not found at {POLNEAR} (set BRIEFING_POLNEAR)",
)


@pytest.fixture(scope="module")
def dev() -> polnear.SplitScore:
    golds = list(polnear.gold_articles(POLNEAR, "dev"))
    loaded = pipeline.load([g.path for g in golds])
    by_path = {an.article.path: pipeline.extraction(an) for an in loaded.analyses}
    return polnear.score_split(golds, [by_path.get(str(g.path)) for g in golds])


@needs_polnear
def test_the_dev_split_is_all_there(dev):
    assert len(dev.articles) == 84
    assert dev.counts.content_gold == 2192


@needs_polnear
@pytest.mark.parametrize(
    "figure, target, regression, met",
    [
        ("source", SOURCE_TARGET, SOURCE_REGRESSION, True),
        ("content", CONTENT_TARGET, CONTENT_REGRESSION, True),
        ("who-said-what", WSW_TARGET, WSW_REGRESSION, True),
    ],
    ids=["source", "content", "who-said-what"],
)
def test_dev_split_floors(dev, figure, target, regression, met):
    """A target once met is held; one not yet met is an expected failure with the figure."""
    f1 = dev.f1(figure)
    assert f1 >= regression, f"PolNeAR dev {figure} F1 fell to {f1:.3f} (floor {regression:.3f})"
    if met:
        assert f1 >= target, f"PolNeAR dev {figure} F1 fell to {f1:.3f}, under the target {target}"
    elif f1 < target:
        pytest.xfail(f"PolNeAR dev {figure} F1 is {f1:.3f}, under the target {target}")


# -- the scorer's rules, on made-up relations ---------------------------------------------------


def _gold(text: str, relations: list[polnear.Relation]) -> polnear.GoldArticle:
    return polnear.GoldArticle("made-up", Path("made-up.txt"), text, relations)


def _span(text: str, part: str, after: int = 0) -> dict:
    start = text.index(part, after)
    return {"text": part, "start": start, "end": start + len(part)}


def test_a_surface_text_with_a_newline_is_not_a_span():
    ann = (
        "T1\tSource 0 3\tBob\n"
        "T2\tCue 4 8\tsaid\n"
        "T3\tContent 9 12;20 30\tit.\n\nThe rest\n"
        "The rest of the surface, on its own line\n"
        "E1\tAttribution:T9 Source:T1 Cue:T2 Content:T3\n"
        "E2\tAttribution:T8 Cue:T2\n"
    )
    assert polnear.read_ann(ann) == [
        polnear.Relation(content=((9, 12), (20, 30)), source=((0, 3),), cue=((4, 8),))
    ]


def test_content_needs_half_of_each_span_and_source_a_head_word():
    text = "Senator Jane Smith said the bill would pass. Smith added nothing."
    claim = _span(text, "the bill would pass")
    gold = polnear.Relation(
        content=((claim["start"], claim["end"]),), source=((0, 18),), cue=((19, 23),)
    )
    pred = {
        "source": {"text": "Smith", "start": 45, "end": 50},
        "cue": _span(text, "said"),
        "content": _span(text, "the bill would pass"),
    }
    score = polnear.score_article(_gold(text, [gold]), {"attributions": [pred]})
    assert (score.counts.content_tp, score.counts.source_tp, score.counts.wsw_tp) == (1, 1, 1)
    too_long = dict(pred, content={"start": claim["start"], "end": len(text)})
    score = polnear.score_article(_gold(text, [gold]), {"attributions": [too_long]})
    assert score.counts.content_tp == 0


def test_univocal_merges_an_interrupted_quotation_and_drops_nested_relations():
    text = '"We will win," she said, "and soon." He said she thinks it is over.'
    she = {"text": "she", "start": 14, "end": 17}
    first = {
        "source": she,
        "cue": _span(text, "said"),
        "content": _span(text, '"We will win,"'),
        "kind": "direct",
    }
    second = {
        "source": she,
        "cue": None,
        "content": _span(text, '"and soon."'),
        "kind": "direct",
    }
    outer = {
        "source": _span(text, "He"),
        "cue": _span(text, "said", 30),
        "content": _span(text, "she thinks it is over", 30),
        "kind": "indirect",
    }
    inner = {
        "source": _span(text, "she", 40),
        "cue": _span(text, "thinks"),
        "content": _span(text, "it is over"),
        "kind": "indirect",
    }
    kept = polnear.univocal([second, inner, first, outer], text)
    assert [a["cue"]["text"] for a in kept] == ["said", "said"]
    assert (kept[0]["content"]["start"], kept[0]["content"]["end"]) == (0, text.index(" He"))
    assert first["content"]["end"] == 14  # the input is left as it was
