"""The attribution engine against the hand-annotated dev set (docs/annotation.md).

The floors are the attribution issue's targets; benchmarks/README.md records the figures.
"""

from __future__ import annotations

import json

import pytest

from briefing.analyze import analyze
from briefing.evals.metrics import score_dev_set
from briefing.ingest import load_article
from tests.conftest import ROOT

GOLD = ROOT / "tests" / "data" / "attribution"


@pytest.fixture(scope="module")
def scored():
    def engine(path):
        return analyze(load_article(path)).model_dump(mode="json")

    report, counts = score_dev_set(GOLD, engine, ROOT)
    return report.metrics, counts


def test_gold_is_large_enough_and_every_span_is_true():
    total, articles = 0, 0
    for path in sorted(GOLD.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        with open(ROOT / gold["article"]["path"], encoding="utf-8", newline="") as fh:
            text = fh.read()
        sids = {s["id"] for s in gold["sentences"]}
        for a in gold["attributions"]:
            parts = a["content"].get("parts", [])
            for span in (a["source"], a["cue"], a["content"], *parts, *a["via"]):
                if span is not None and span.get("start") is not None:
                    assert text[span["start"] : span["end"]] == span["text"], (path.name, a["id"])
            assert set(a["sentence_ids"]) <= sids
            assert a["kind"] in {"direct", "indirect", "mixed"}
        total += len(gold["attributions"])
        articles += 1
    assert articles >= 10 and total >= 150


@pytest.mark.parametrize(
    "metric, floor",
    [
        ("source lenient", 0.90),
        ("content overlap", 0.85),
        ("cue", 0.88),
    ],
)
def test_dev_set_f1_floors(scored, metric, floor):
    metrics, _ = scored
    assert metrics[metric].f1 >= floor, f"{metric} F1 {metrics[metric].f1:.3f} < {floor}"


def test_via_is_right_on_every_nested_chain(scored):
    metrics, _ = scored
    nested = metrics["via on nested chains"]
    assert nested.n_gold >= 10
    assert nested.tp_g == nested.n_gold
