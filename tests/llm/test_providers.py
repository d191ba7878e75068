"""The LLM stage above the wire, with the in-process mock provider: no server, no key.

``extract.run`` is driven over the bundled example articles; the mock answers from a script or a
function of the job, so these tests pin planning, the cache, the retry with feedback, the
fall-back and per-article results and usage. The wire itself is tested in ``test_llm.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefing.analyze import analyze
from briefing.errors import UsageError
from briefing.ingest import load_article
from briefing.llm.cache import Cache
from briefing.llm.extract import plan, run
from briefing.llm.planning import Job
from briefing.llm.pricing import cost
from briefing.llm.prompts import prompt_tokens
from briefing.llm.providers import Answer, get_provider, registered
from briefing.llm.providers.mock import MockProvider, first_sentences
from briefing.llm.settings import Settings
from briefing.llm.tokens import count_tokens
from briefing.models import Analysis, LLMExtraction, LLMLine, Usage
from briefing.verify import verify
from tests.conftest import EXAMPLES, SEED


@pytest.fixture(scope="module")
def analyses() -> list[Analysis]:
    return [analyze(load_article(p)) for p in sorted(EXAMPLES.glob("*.txt"))]


@pytest.fixture(scope="module")
def seed() -> Analysis:
    return analyze(load_article(SEED))


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    # No API key: the mock needs none, and a test that reached for the network would fail.
    return Settings(backend="mock", cache_path=tmp_path / "cache.sqlite")


def _sentence(an: Analysis, sid: str) -> str:
    return next(s.text for s in an.sentences if s.id == sid)


def _line(an: Analysis, sid: str) -> LLMExtraction:
    """A good answer for one article: one of its sentences, verbatim, as the bottom line."""
    return LLMExtraction(
        bottom_line=[LLMLine(text=_sentence(an, sid), sentence_ids=[sid])],
        events=[],
        attributions=[],
        caveats=[],
    )


def _total(results: dict) -> Usage:
    usage = Usage()
    for r in results.values():
        usage = usage.add(r.usage)
    return usage


def test_short_articles_share_one_call_and_each_gets_its_own_grounded_answer(analyses, settings):
    mock = MockProvider(settings)
    done: list[str] = []
    results = run(analyses, settings, provider=mock, on_done=done.append)

    ids = [an.article.id for an in analyses]
    assert list(results) == ids == done
    assert len(mock.calls) == 1  # seven short articles packed into one call
    ((job, feedback),) = mock.calls
    assert job.members == ids and feedback == ""
    for an in analyses:
        r = results[an.article.id]
        assert r.error is None and r.method == "mock"
        (line,) = r.extraction.bottom_line
        # the packed answer cited "a3.s1"; the article gets its own, unprefixed id back
        assert line.sentence_ids == ["s1"]
        assert line.text == " ".join(_sentence(an, "s1").split())
        checked = verify(an, r.extraction)
        assert checked.bottom_line and not checked.withheld

    total = _total(results)
    sent = prompt_tokens(job.inputs)
    answered = count_tokens(first_sentences(job).model_dump_json(by_alias=True))
    assert total.calls == 1 and total.cached == 0
    # each article's share is rounded down, so the sum is within one token per article
    assert sent - len(ids) < total.input_tokens <= sent
    assert answered - len(ids) < total.output_tokens <= answered
    assert total.cost_usd == pytest.approx(cost(settings.model, sent, answered))
    assert total.cost_usd > 0  # gpt-4o-mini is priced


def test_a_rerun_is_answered_from_the_cache_with_no_call(analyses, settings):
    first = run(analyses, settings, provider=MockProvider(settings))
    empty = MockProvider(settings, script=[])  # any call would raise: the script has no entry
    again = run(analyses, settings, provider=empty)

    assert empty.calls == []
    assert {k: r.extraction for k, r in again.items()} == {
        k: r.extraction for k, r in first.items()
    }
    total = _total(again)
    assert (total.calls, total.cached, total.input_tokens, total.cost_usd) == (0, 1, 0, 0.0)


def test_an_off_schema_answer_is_retried_once_with_the_validation_error_shown(seed, settings):
    good = _line(seed, "s2")
    off_schema = {"bottom_line": [{"text": "Putin will visit.", "ids": ["s2"]}], "events": []}
    mock = MockProvider(settings, script=[off_schema, good])
    results = run([seed], settings, provider=mock)

    r = results[seed.article.id]
    assert r.error is None and r.extraction == good
    assert [fb for _, fb in mock.calls][0] == ""
    retry_feedback = mock.calls[1][1]
    assert retry_feedback.startswith("the answer did not match the schema:")
    assert "attributions" in retry_feedback and "caveats" in retry_feedback  # the missing fields
    # the retry's prompt carried the feedback, and both calls were paid for
    assert r.usage.calls == 2
    job = mock.calls[1][0]
    assert r.usage.input_tokens == prompt_tokens(job.inputs) + prompt_tokens(
        dict(job.inputs, feedback=retry_feedback)
    )


def test_a_scripted_failure_falls_back_for_that_article_only_and_is_asked_again_next_run(
    analyses, settings
):
    two = analyses[:2]
    settings.pack_articles = 1  # one call per article
    mock = MockProvider(settings, script=[_line(two[0], "s1"), TimeoutError("no answer in 60s")])
    results = run(two, settings, provider=mock)

    ok, failed = (results[an.article.id] for an in two)
    assert ok.extraction == _line(two[0], "s1") and ok.error is None
    assert failed.extraction is None
    assert failed.error == "TimeoutError: no answer in 60s"
    assert len(mock.calls) == 2  # a failed call is not a schema error: no retry
    assert failed.usage == Usage(calls=1, failed=1)  # the call counts; no token came back

    # the good answer was committed; the rerun asks only for the article that failed
    second = MockProvider(settings, script=[_line(two[1], "s1")])
    again = run(two, settings, provider=second)
    assert [job.members for job, _ in second.calls] == [[two[1].article.id]]
    assert again[two[0].article.id].usage.cached == 1
    assert again[two[1].article.id].extraction == _line(two[1], "s1")


def test_off_schema_twice_falls_back_with_the_error_and_caches_nothing(seed, settings):
    bad = "{not json"
    mock = MockProvider(settings, script=[bad, bad])
    r = run([seed], settings, provider=mock)[seed.article.id]

    assert r.extraction is None
    assert r.error.startswith("the answer did not match the schema:") and "JSON" in r.error
    assert len(mock.calls) == 2 and r.usage.calls == 2
    (job,) = plan([seed], settings)
    assert Cache(settings.cache_path).get(job.key) is None


def test_a_long_article_in_windows_gets_one_merged_answer(seed, settings):
    settings.token_budget = 200  # the seed article needs several windows
    jobs = plan([seed], settings)
    assert len(jobs) > 2

    def window_lead(job: Job, feedback: str) -> dict:
        (article,) = job.inputs["articles"]
        first = article["sentences"][0]
        return {
            "bottom_line": [{"text": first["text"], "ids": [first["id"]]}],
            "events": [{"text": first["text"], "ids": [first["id"]]}],
            "attributions": [],
            "caveats": [],
        }

    mock = MockProvider(settings, respond=window_lead)
    r = run([seed], settings, provider=mock)[seed.article.id]

    assert len(mock.calls) == len(jobs)
    leads = [job.inputs["articles"][0]["sentences"][0]["id"] for job in jobs]
    assert [e.sentence_ids for e in r.extraction.events] == [[sid] for sid in leads]
    assert len(r.extraction.bottom_line) == 3  # merged windows keep three lines at most
    assert r.usage.calls == len(jobs)


def test_a_provider_that_raises_is_not_swallowed(seed, settings):
    mock = MockProvider(settings, script=[])
    with pytest.raises(LookupError, match="script has no entry left"):
        run([seed], settings, provider=mock)


def test_get_provider_knows_openai_and_mock_and_names_them_for_an_unknown_one(settings, tmp_path):
    assert {"mock", "openai"} <= set(registered())
    made = get_provider("mock")(settings, Cache(tmp_path / "c.sqlite"))
    assert isinstance(made, MockProvider)
    with pytest.raises(UsageError) as e:
        get_provider("nope")
    assert str(e.value) == "unknown LLM provider 'nope'; registered: mock, openai"


def test_run_picks_the_provider_named_by_the_backend(seed, settings):
    r = run([seed], settings)[seed.article.id]  # backend "mock": no key, no network
    assert r.method == "mock" and r.error is None
    assert r.extraction.bottom_line[0].sentence_ids == ["s1"]

    settings.backend = "nope"
    settings.cache_path = settings.cache_path.with_name("other.sqlite")
    with pytest.raises(UsageError, match="unknown LLM provider 'nope'"):
        run([seed], settings)


def test_the_openai_provider_still_needs_a_key(settings, tmp_path):
    with pytest.raises(UsageError, match="needs an API key"):
        get_provider("openai")(settings, Cache(tmp_path / "c.sqlite"))


def test_mock_answers_are_the_answer_type_the_run_expects(seed, settings):
    (job,) = plan([seed], settings)
    (answer,) = MockProvider(settings, script=[json.dumps({"bottom_line": []})]).answer([job], {})
    assert isinstance(answer, Answer)
    assert answer.job is job and answer.extraction is None and answer.retry
    assert answer.usage.calls == 1
