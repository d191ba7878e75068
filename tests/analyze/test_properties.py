"""Property tests: on any text the engine neither crashes nor returns a span that lies."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing.analyze import analyze
from briefing.ingest.sentences import split_sentences
from briefing.models import Article, ArticleMeta

# Fragments that exercise the rules: quote marks of every kind, cues, names, abbreviations,
# state media, hedges, odd whitespace and scripts.
_PIECES = [
    "“",
    "”",
    '"',
    "‘",
    "’",
    "'",
    ",",
    ".",
    " ",
    "\n",
    "\n\n",
    "\u00a0",
    "\u200b",
    "\u202e",
    "!",
    "?",
    ":",
    "said",
    " said ",
    "told",
    "according to",
    "is believed to",
    "reportedly",
    "expressed his willingness",
    "KCNA",
    "North Korean state media",
    "Putin",
    "President Vladimir Putin",
    "he",
    "it",
    "they",
    "U.S.",
    "Jan. 15",
    "Mr.",
    "Gen.",
    "officials said",
    "special military operation",
    "BBC",
    "Xinhua",
    "a spokesperson for the ministry",
    ", who",
    "that",
    "and",
    "The",
    "added",
    "could not be verified",
    "مرحبا",
    "你好",
    "😀",
    "\t",
    "—",
]
text_strategy = st.one_of(
    st.text(max_size=400),
    st.lists(st.sampled_from(_PIECES), max_size=80).map("".join),
    st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=6)), max_size=60).map("".join),
)
_SETTINGS = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(text_strategy)
def test_sentences_are_exact_unique_and_ordered(text):
    sents = split_sentences(text)
    ids = [s.id for s in sents]
    assert ids == [f"s{i + 1}" for i in range(len(sents))]
    prev_end = 0
    for s in sents:
        assert 0 <= s.start < s.end <= len(text)
        assert text[s.start : s.end] == s.text
        assert s.start >= prev_end
        prev_end = s.end


@_SETTINGS
@given(text_strategy)
def test_analyze_never_crashes_and_every_span_is_true(text):
    an = analyze(Article(meta=ArticleMeta(id="p", path="p.txt"), text=text))
    sids = {s.id for s in an.sentences}
    ids = {a.id for a in an.attributions} | {e.id for e in an.events}
    for a in an.attributions:
        for span in (a.source, a.cue, a.content):
            if span is not None:
                assert 0 <= span.start <= span.end <= len(text)
                assert text[span.start : span.end] == span.text
        for v in a.via:
            if v.start is not None:
                assert text[v.start : v.end] == v.text
        assert set(a.sentence_ids) <= sids
    for e in an.events:
        assert set(e.sentence_ids) <= sids
    for c in an.caveats:
        assert set(c.applies_to) <= ids
        assert set(c.sentence_ids) <= sids
