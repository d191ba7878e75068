"""Sentence splitting: exact offsets, stable ids, and the traps of news text."""

from __future__ import annotations

from briefing.ingest.sentences import split_sentences
from tests.conftest import EXAMPLES, SEED


def _texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


def test_offsets_are_exact_and_ids_ordered_on_every_example():
    for path in sorted(EXAMPLES.iterdir()):
        text = path.read_text(encoding="utf-8")
        sents = split_sentences(text)
        assert [s.id for s in sents] == [f"s{i + 1}" for i in range(len(sents))]
        for s in sents:
            assert text[s.start : s.end] == s.text
            assert s.text == s.text.strip(" \t\n\u00a0")
        assert all(a.end <= b.start for a, b in zip(sents, sents[1:], strict=False))


def test_seed_headline_and_non_breaking_space():
    text = SEED.read_text(encoding="utf-8")
    sents = split_sentences(text)
    assert sents[0].text == "North Korea says Putin willing to visit Pyongyang"
    # the lead starts after a non-breaking space, which stays outside the sentence
    assert text[sents[1].start - 1] == "\u00a0"
    assert sents[1].text.startswith("Russian President Vladimir Putin")
    assert len(sents) == 11
    assert sents[-1].text == "By Nadeem Faisal Baiga"


def test_abbreviations_do_not_end_sentences():
    text = (
        "Gen. Mark Milley met Sen. Jim Risch in the U.S. Capitol on Jan. 15. "
        "Mr. Smith said the U.S. would respond. Michael J. Driscoll agreed."
    )
    assert _texts(text) == [
        "Gen. Mark Milley met Sen. Jim Risch in the U.S. Capitol on Jan. 15.",
        "Mr. Smith said the U.S. would respond.",
        "Michael J. Driscoll agreed.",
    ]


def test_abbreviation_at_end_of_sentence_before_an_opener():
    assert _texts("Sanctions were imposed by the U.S. The move angered Moscow.") == [
        "Sanctions were imposed by the U.S.",
        "The move angered Moscow.",
    ]


def test_closing_quotes_stay_with_their_sentence_curly_and_straight():
    curly = "“We will act,” he said. “It is time.” She agreed."
    assert _texts(curly) == ["“We will act,” he said.", "“It is time.”", "She agreed."]
    straight = '"We will act," he said. "It is time." She agreed.'
    assert _texts(straight) == ['"We will act," he said.', '"It is time."', "She agreed."]


def test_quote_running_across_paragraphs_keeps_paragraph_numbers():
    text = "“First part of the quote.\n\n“Second paragraph of the same quote,” she said."
    sents = split_sentences(text)
    assert [s.paragraph for s in sents] == [0, 1]
    assert sents[1].text.endswith("she said.")


def test_missing_space_after_full_stop_still_splits():
    assert _texts("It was banned over security concerns.Allegedly, there are ties.") == [
        "It was banned over security concerns.",
        "Allegedly, there are ties.",
    ]


def test_missing_space_after_a_closing_bracket_or_quote_still_splits():
    """The EU Commission article: "... and leave TikTok).EC employees received ..."."""
    assert _texts("They can delete the apps (or leave TikTok).EC employees were told.") == [
        "They can delete the apps (or leave TikTok).",
        "EC employees were told.",
    ]
    assert _texts("He called it \u201ca breach\u201d.The ministry denied it.") == [
        "He called it \u201ca breach\u201d.",
        "The ministry denied it.",
    ]
    text = (examples := EXAMPLES / "eu-commission-tiktok-ban.txt").read_text(encoding="utf-8")
    assert any(s.text.startswith("EC employees received") for s in split_sentences(text)), examples


def test_a_glued_full_stop_that_is_no_sentence_end_does_not_split():
    for text in (
        "Shares of Amazon.com rose 3.5 percent in the U.S. on Monday, said J.K. Rowling.",
        "The memo (at https://ec.europa.eu/news.html) went to 32,000.5 staff at 9 a.m. Friday.",
        "The (U.S.) team and the U.K. team met in Washington.",
    ):
        assert _texts(text) == [text], text


def test_lowercase_after_full_stop_does_not_split():
    assert len(split_sentences("The rate rose 2.5 percent. it was a surprise, said a trader.")) == 1


def test_split_is_deterministic():
    text = SEED.read_text(encoding="utf-8")
    assert split_sentences(text) == split_sentences(text)
