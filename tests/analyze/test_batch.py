"""Many articles at once: chunks parsed together, spread over worker processes, in input order.

Whatever the number of processes and the size of the chunks, every article's analysis must be
the one ``analyze`` gives it alone, in the order the articles came, and an article the engine
cannot read spoils its own entry only.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys

import pytest

from briefing.analyze import Unanalysable, analyze, analyze_many, batch
from briefing.errors import UsageError
from briefing.ingest import load_all
from tests.conftest import EXAMPLES, ROOT

ATTRIBUTION = ROOT / "tests" / "data" / "attribution" / "articles"


@pytest.fixture(scope="module")
def articles():
    """The example articles and the attribution dev set: 13 real news articles."""
    found, errors = load_all([str(EXAMPLES), str(ATTRIBUTION)])
    assert not errors and len(found) >= 12
    return found


@pytest.fixture(scope="module")
def one_at_a_time(articles):
    return [analyze(a).model_dump() for a in articles]


@pytest.mark.parametrize("processes, chunk", [(1, 3), (2, 3), (2, 1), (3, 4)])
def test_every_way_of_spreading_the_articles_gives_the_analyses_of_one_at_a_time(
    articles, one_at_a_time, processes, chunk
):
    many = list(analyze_many(articles, processes=processes, chunk=chunk))
    assert [a.model_dump() for a in many] == one_at_a_time
    assert not multiprocessing.active_children()  # the workers are gone when it is done


def test_an_article_the_engine_cannot_read_spoils_its_own_entry_in_a_worker(articles, monkeypatch):
    bad = articles[7].meta.id

    def analyze_or_fail(article, prepared=None):
        if article.meta.id == bad:
            raise RecursionError("maximum recursion depth exceeded")
        return analyze(article, prepared)

    monkeypatch.setattr(batch, "analyze", analyze_or_fail)  # the forked workers inherit it
    many = list(analyze_many(articles, processes=2, chunk=2))
    assert [type(r).__name__ for r in many].count("Unanalysable") == 1
    assert isinstance(many[7], Unanalysable) and "too deeply nested" in many[7].reason
    assert [r.article.id for r in many if not isinstance(r, Unanalysable)] == [
        a.meta.id for a in articles if a.meta.id != bad
    ]


def test_input_is_read_as_the_work_goes_not_all_before_it(articles):
    """Only a few chunks are in flight: the first analysis is out long before the last article
    is read, so memory does not grow with the number of articles."""
    pulled = 0

    def endless():
        nonlocal pulled
        while True:
            for a in articles:
                pulled += 1
                yield a

    it = analyze_many(endless(), processes=2, chunk=2)
    first = [next(it) for _ in range(len(articles))]
    assert pulled <= len(articles) + 2 * (2 * batch._AHEAD + 1)
    it.close()  # the caller stops reading: no worker is left running
    assert not multiprocessing.active_children()
    assert [a.model_dump() for a in first][:3] == [analyze(a).model_dump() for a in articles[:3]]


@pytest.mark.parametrize("said, expected", [("1", 1), (" 3 ", 3)])
def test_briefing_workers_says_how_many_processes(monkeypatch, said, expected):
    monkeypatch.setenv("BRIEFING_WORKERS", said)
    assert batch.workers() == expected


@pytest.mark.parametrize("said", ["0", "two", "-1", "1.5"])
def test_a_briefing_workers_that_is_not_a_count_is_refused(monkeypatch, said):
    monkeypatch.setenv("BRIEFING_WORKERS", said)
    with pytest.raises(UsageError, match="BRIEFING_WORKERS"):
        batch.workers()


def test_without_briefing_workers_one_process_a_core_at_most_four(monkeypatch):
    monkeypatch.delenv("BRIEFING_WORKERS", raising=False)
    assert 1 <= batch.workers() <= batch.MAX_WORKERS


def test_extract_says_a_bad_briefing_workers_in_one_line_and_exits_2():
    proc = subprocess.run(
        [sys.executable, "-m", "briefing", "extract", str(EXAMPLES)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "BRIEFING_WORKERS": "lots"},
    )
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr.splitlines() == [
        "briefing: error: BRIEFING_WORKERS must be a whole number from 1, not 'lots'"
    ]


def test_an_analysis_from_a_worker_shares_its_field_sets_and_dumps_and_copies_as_before(articles):
    """Analyses come back from workers pickled; unpickled, their models share one set of field
    names per class (the memory of a thousand analyses halves), and nothing else differs."""
    import pickle

    made = analyze(articles[0])
    back = pickle.loads(pickle.dumps(made))
    assert back.model_dump_json() == made.model_dump_json()
    sets = {id(s.__pydantic_fields_set__) for s in back.sentences}
    assert len(back.sentences) > 1 and len(sets) == 1
    # assigning and copying still work, and touch no other model's fields
    first, second = back.attributions[0], back.attributions[1]
    first.kind = "direct"
    moved = second.model_copy(update={"kind": "mixed"})
    assert first.kind == "direct" and second.kind == made.attributions[1].kind
    assert moved.kind == "mixed" and moved.content == second.content
    assert set(second.model_fields_set) == set(type(second).model_fields)
