"""Which name a source phrase gives its speaker, and when it gives none.

A wrong name is a misattribution; a phrase whose speaker the words do not name ("Scott's
wife", "Nearly eight of 10 voters") keeps no canonical name rather than take the nearest
capitalised word. The phrases are written here, after constructions met in news.
"""

from __future__ import annotations

import pytest

from briefing.analyze.sources import NameBook, classify

_ARTICLE = (
    "Donald Trump spoke in Ohio. Jorge Castañeda wrote. Sean Hannity asked. Tom Smith spoke. "
    "Kevin Barrett, a lawyer, answered. "
    "Lawrence B. Cummings agreed. "
    "Vladimir Putin and Dmitry Peskov met. Mehmet Oz appeared."
)


@pytest.mark.parametrize(
    "phrase, name",
    [
        # someone tied to the person named, not that person
        ("Keith Lamont Scott's wife", None),
        ("Trump's running mate", None),
        ("McCrory's opponent", None),
        ("Obama's former campaign strategist", None),
        ("Pagliano's lawyer", None),
        ("Scott's relatives", None),
        ("Putin's spokesman", None),
        # a campaign speaks for its principal; a possessive with a thing names its owner
        ("Trump's campaign", "Trump"),
        ("Trump's plan", "Trump"),
        # who the tied person is, when the phrase says so
        ("Putin's spokesman Dmitry Peskov", "Dmitry Peskov"),
        # a capitalised opener is no name
        ("Nearly eight of 10 voters", None),
        ("Twelve percent", None),
        ("Only 52 percent of registered voters", None),
        ("Another 19 percent", None),
        # a party word alone is a party, not the person
        ("The Democratic senator", None),
        ("Republicans", "Republicans"),
        # two sources joined are neither one's name
        ("Obama and Michelle", None),
        ("Mr. Kerry and Mr. Obama", None),
        # the head's name, not one from what follows it or its prepositional phrase
        ("Mr. Barrett, the lawyer for West Virginia's environmental agency", "Kevin Barrett"),
        ("His former business partner at Lenox, Lawrence B. Cummings", "Lawrence B. Cummings"),
        ("Russian President Vladimir Putin", "Vladimir Putin"),
        # a two-letter surname is a name
        ("Dr. Oz", "Mehmet Oz"),
        # a name that qualifies the people who spoke is not theirs
        ("Clinton aides", None),
        ("A top Donald Trump adviser", None),
        ("the Christie supporter", None),
        ("Political observers", None),
        ("Florida election officials", None),
        ("The Florida senator", None),
        ("Patient advocacy groups", None),
        # a sentence's first word before a poll is no pollster; a name after "the" is
        ("Exit polls", None),
        ("The Monmouth poll", "Monmouth"),
        # ... while a name before an adverb or a verb is the speaker's
        ("Kaine now", "Kaine"),
        ("Trump isn’t", "Trump"),
        # a number word, hyphenated or not, is no name
        ("Twenty-four percent", None),
        # a place and a title before the name are neither ("New Jersey Gov. Chris Christie")
        ("New Jersey Gov. Chris Christie", "Chris Christie"),
        ("Former New York Mayor Rudy Giuliani", "Rudy Giuliani"),
        ("Senior Adviser Sidney Blumenthal", "Sidney Blumenthal"),
        # what opens the phrase and names no one: a dateline, an adverbial clause
        ("WASHINGTON -- President Obama, dedicating the National Museum", "Obama"),
        ("Although Scott lacks a signature achievement, elected officials from both parties", None),
        ("In the military we", None),
        # a group only some of which spoke, or whose members are denied, is no one's name
        ("few Americans", None),
        ("55 percent of Democrats", None),
        # a place before a description, or after "from", is where they are from
        ("The New York businessman", None),
        ("Senator from Texas", None),
        ("an African-American delegate from Houston, Texas", None),
        # the one tied to a name spoke, not the name; a campaign's own official too
        ("a supporter of Hillary Clinton", None),
        ("Aides to Clinton", None),
        ("A Clinton campaign official", None),
        # ... but a campaign speaks for its principal, with "'s" or without
        ("the Trump campaign", "Donald Trump"),
        # a person named for an outlet spoke; a poll of two outlets is both of theirs
        ("Fox News host Sean Hannity", "Sean Hannity"),
        ("the Associated Press, citing Tom Smith", "Associated Press"),
        ("a New York Times/CBS News poll", "The New York Times and CBS News"),
        # accented names are whole names
        ("Jorge Castañeda", "Jorge Castañeda"),
    ],
)
def test_the_name_a_source_phrase_gives(phrase: str, name: str | None) -> None:
    canonical, _ = classify(phrase, NameBook.from_text(_ARTICLE))
    assert canonical == name


def test_a_name_with_a_particle_is_one_name_and_the_fullest_is_kept() -> None:
    """PolNeAR dev's "De Blasio says ..." above "Mayor Bill de Blasio": one person, named in
    full; "Though she" opens with a connective, not a name."""
    book = NameBook.from_text(
        "De Blasio says Chelsea explosion was an intentional act.\n\n"
        "New York Mayor Bill de Blasio said the blast was intentional. Ursula von der Leyen spoke."
    )
    assert classify("De Blasio", book)[0] == "Bill de Blasio"
    assert classify("Mayor Bill de Blasio", book)[0] == "Bill de Blasio"
    assert classify("Ursula von der Leyen", book)[0] == "Ursula von der Leyen"


def test_a_heading_in_title_case_gives_no_full_name() -> None:
    """ "Chris Christie Calls Hillary Clinton 'A Disgrace'" (a PolNeAR dev title) runs two
    names and a verb together: "Clinton" is Hillary Clinton, as the article's body names her."""
    book = NameBook.from_text(
        "Chris Christie Calls Hillary Clinton ‘A Disgrace’ Over Police Shooting Comments.\n\n"
        "New Jersey Gov. Chris Christie described Democratic presidential nominee Hillary "
        "Clinton as a “disgrace”. Clinton criticized the officer."
    )
    assert classify("Clinton", book)[0] == "Hillary Clinton"
    assert classify("Christie", book)[0] == "Chris Christie"


def test_the_outlets_running_story_label_is_no_speaker() -> None:
    """ "The Latest: Trump urges ..." (the AP's format, met in PolNeAR dev) is the outlet's
    label before a headline, not a person called Latest."""
    from briefing.analyze import analyze
    from briefing.models import Article, ArticleMeta

    text = (
        "The Latest: Trump urges supporters to monitor polling places.\n\n"
        "WASHINGTON (AP) — The Latest on the U.S. presidential race (all times EDT):\n\n"
        "Donald Trump told a rally in Ohio that the vote would be rigged. Trump spoke for an hour."
    )
    an = analyze(Article(meta=ArticleMeta(id="latest", path="latest.txt"), text=text))
    sources = [a.source.text for a in an.attributions if a.source is not None]
    assert "Donald Trump" in sources
    assert not any("Latest" in s for s in sources)
