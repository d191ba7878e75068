"""The dependency parse under the attribution rules: the model, batching, and the constructions
the rules over the parse find."""

from __future__ import annotations

import pytest

from briefing.analyze import analyze, analyze_many, batch
from briefing.analyze.parse import MODEL_NAME, MODEL_VERSION, nlp
from briefing.models import Article, ArticleMeta


def _article(text: str, i: int = 0) -> Article:
    return Article(meta=ArticleMeta(id=f"t{i}", path=f"t{i}.txt"), text=text)


def _attrs(text: str) -> list[tuple[str | None, str | None, str]]:
    an = analyze(_article(text))
    return [
        (a.source.text if a.source else None, a.cue.text if a.cue else None, a.content.text)
        for a in an.attributions
    ]


def test_the_model_is_the_pinned_one_with_only_the_pipes_the_rules_read():
    model = nlp()
    assert (model.meta["lang"], model.meta["name"], model.meta["version"]) == (
        "en",
        MODEL_NAME,
        MODEL_VERSION,
    )
    assert model.pipe_names == ["tok2vec", "tagger", "parser"]
    assert nlp() is model  # loaded once per process


def test_batched_analysis_is_the_same_as_one_article_at_a_time(monkeypatch):
    texts = [
        "The senator praised the firefighters for their bravery.",
        "Officials said the bridge would reopen on Monday.",
        "The plan was denounced by the mayor as reckless.",
        "Nothing here is anyone's claim.",
        "Voters were worried that prices would rise.",
    ]
    articles = [_article(t, i) for i, t in enumerate(texts)]
    one = [analyze(a).model_dump() for a in articles]
    # chunk boundaries inside the batch, in this process and spread over two worker processes
    assert [a.model_dump() for a in analyze_many(articles, processes=1, chunk=2)] == one
    assert [a.model_dump() for a in analyze_many(articles, processes=2, chunk=2)] == one


def test_the_words_of_a_run_are_freed_and_zones_renew_without_changing_what_is_found(monkeypatch):
    """Parses live in memory zones: when a run ends, the parser's vocabulary is what it was
    before it; a zone renewed between chunks (here after every chunk) frees only parses whose
    articles are done, so the analyses are those of one article at a time."""
    from briefing.analyze.parse import known_strings

    monkeypatch.setattr(batch, "ZONE_STRINGS", 0)
    texts = [
        f"Zorvathian envoy Klemmistrand {i} said the Quorblat accord would hold, officials said."
        for i in range(5)
    ] + ["Snarfellian ministers were worried that Plonkvist prices would rise."]
    articles = [_article(t, i) for i, t in enumerate(texts)]
    before = known_strings()
    many = list(analyze_many(articles, processes=1, chunk=2))
    assert known_strings() == before
    one = [analyze(a) for a in articles]
    assert [a.model_dump() for a in many] == [a.model_dump() for a in one]
    assert any(a.attributions for a in many)


@pytest.mark.parametrize(
    "text, source, cue, content",
    [
        # a speech verb with a noun-phrase object
        (
            "Clinton extolled the bravery of the first responders.",
            "Clinton",
            "extolled",
            "the bravery of the first responders",
        ),
        # a passive with its agent
        (
            "The proposal was denounced by Senator Warren.",
            "Senator Warren",
            "denounced",
            "The proposal",
        ),
        # a relative pronoun stands for its antecedent: the pronoun, named as its antecedent
        # (tests/analyze/test_attribution_constructions.py)
        (
            "The protest was led by Maria Lopez, who said the city had ignored them.",
            "who",
            "said",
            "the city had ignored them",
        ),
        # an adjective of attitude
        (
            "Democrats were worried that turnout would fall.",
            "Democrats",
            "worried",
            "that turnout would fall",
        ),
        # a noun with a clause of its own
        (
            "Trump repeated his claim that the election was rigged.",
            "his",
            "claim",
            "that the election was rigged",
        ),
        # predicates with no source
        ("The bill is expected to pass the House.", None, "is expected", "to pass the House"),
        ("The economy seems to be slowing down.", None, "seems", "The economy"),
    ],
)
def test_constructions_the_parse_finds(text, source, cue, content):
    found = _attrs(text)
    match = [f for f in found if f[1] == cue]
    assert match, found
    src, _, got = match[0]
    assert src == source, found
    assert got.startswith(content) or content in got, found
