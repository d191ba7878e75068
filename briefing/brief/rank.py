"""How much each line of the brief matters: the ranks that decide its order and what fits a page.

A rank is a float, higher is more important. Lines from every article compete on one scale: a
crowded page drops the lowest ranks first (``brief.fit``), and each section is printed in rank
order. Every judgement behind a rank is one function here over named weights, so a reader can
see why a statement outranks an event, and a change of weight is a change of one number.

The functions keep the arithmetic exactly as the brief has always done it (the same operations in
the same order), so a brief's ranks, and so its page, do not move when the weights are read here.
"""

from __future__ import annotations

import re

from briefing.analyze.lexicon import lexicon, one_of
from briefing.models import Attribution, CaveatKind, Event

# --- Articles ---------------------------------------------------------------------------------

# Input order only breaks ties: the last article loses at most this much against the first,
# far less than any judgement below.
ORDER_SPREAD = 0.05
# Recency across a batch that spans several days: the oldest day's articles weigh this much ...
RECENCY_OLDEST = 0.85
# ... and each later day a share of this much more, so the newest day weighs 1 (0.85 + 0.15).
RECENCY_SPAN = 0.15

# --- Leads and events -------------------------------------------------------------------------

# An event in an article's lead sentence is what the article is about: it competes for the
# bottom line above the article's other events.
LEAD_BONUS = 0.5
# The engine's events: every event starts here ...
EVENT_BASE = 0.6
# ... one with a stated time is a development rather than background ...
EVENT_WHEN_BONUS = 0.2
# ... each named actor makes it more concrete ...
EVENT_ACTOR_BONUS = 0.03
# ... and an article's later events matter a little less than its first (news puts it first).
EVENT_POSITION_STEP = 0.02
# A line that leans on the sentence before it ("She also ...", "The agency also ..."), its
# pronoun not one the engine resolved, reads badly alone: a line that stands alone goes first.
DANGLING_FACTOR = 0.6
# A model-written bottom-line sentence (checked by ``verify``) outranks any engine lead, the
# model's first sentence most ...
MODEL_LEAD_BASE = 1.2
# ... and each later one a tenth less: the model was asked for its lines in order of importance.
MODEL_LEAD_STEP = 0.1
# A model-written event (checked) ranks above the engine's plain events, below its leads ...
MODEL_EVENT_BASE = 0.8
# ... and in the model's order.
MODEL_EVENT_STEP = 0.02

# --- Who said what ----------------------------------------------------------------------------

# Every attributed statement starts here: a demand or an allegation is as much the news as an
# event, so a statement starts level with one.
SAID_BASE = 0.6
# A claim the article has only through an intermediary ("KCNA said Putin said") needs its chain
# shown, and gains a little; only a little, because how a statement reached the article says
# nothing of what it is worth ("AP reported a spokesperson said a request was approved" is not
# more the news than the prosecutors' allegations themselves).
SAID_REPORTED_BONUS = 0.1
# A statement the article marks with a reporting verb ("said", "claimed") is one the reader can
# rely on being attributed ...
SAID_CUE_BONUS = 0.1
# ... one without (a quote given to the speaker nearby) is the engine's inference: it ranks
# below a cued statement that is otherwise alike.
SAID_NO_CUE = -0.2
# A paraphrase states the claim in a whole sentence; a direct quote is often a fragment that
# needs its article around it.
SAID_INDIRECT_BONUS = 0.1
# ... and so does a quotation this long: a whole statement, not a fragment ...
WHOLE_QUOTE_WORDS = 12
# ... which, being the speaker's own words, edges out the reporter's paraphrase beside it
# ("McCaul said the U.S. needs to send more aid", then his words: "especially ATACMS"): a quote
# cannot put words in the speaker's mouth, and it keeps the detail a paraphrase sums up.
SAID_OWN_WORDS_BONUS = 0.01
# Later statements in an article matter a little less than its first ones.
SAID_POSITION_STEP = 0.005

# --- Caveats ----------------------------------------------------------------------------------

# Stated uncertainty is the last thing a one-page brief should lose: caveats outrank most lines,
# sourcing (state media, one source, a dispute) before hedges. A side's own wording is colour
# beside them: it ranks below a story's statements, so that a story's one line on a page says
# what happened rather than whose term "astonishing growth" is.
CAVEAT_WEIGHT: dict[CaveatKind, float] = {
    "state_media": 1.3,
    "single_source": 1.2,
    "unverified": 1.15,
    "disputed": 1.25,
    "hedge": 1.1,
    "characterization": 0.7,
}
# An article's second and later caveats of one kind say the same thing again: half weight.
CAVEAT_REPEAT = 0.5
# One article alone: its sourcing caveat (state media, one source) joins the bottom line.
SOURCING_BOTTOM_RANK = 1.0

# --- Across articles --------------------------------------------------------------------------

# The bottom line holds this many lines (the design guide: two or three sentences).
BOTTOM_LINE_LINES = 3
# A development several articles tell gains this much per article ...
CORROBORATED_LEAD_STEP = 0.05
# ... a claim several articles carry ranks from here, above any one article's plain claim ...
MERGED_CLAIM_BASE = 1.0
# ... gaining this much per article ...
MERGED_CLAIM_STEP = 0.02
# ... counting at most this many: past five copies, more say nothing new.
CORROBORATION_CAP = 5
# "In 3 articles, all citing KCNA": one source repeated looks like corroboration, which is the
# mistake the brief exists to prevent; it ranks above every single article's caveats.
ECHOED_CAVEAT_RANK = 1.4
# Articles that disagree about a claim: the strongest warning a brief gives.
DISPUTED_CAVEAT_RANK = 1.45


# --- Substance -------------------------------------------------------------------------------

# A line that carries a decision, demand, allegation or action ("banned", "needs to", "accused",
# "arrested": ``brief_lines.yaml``) is what a policy reader acts on: it ranks this much higher
# than procedure, per word ...
SUBSTANCE_BONUS = 0.15
# ... for each such word, counting at most this many (a line of them is not three times news).
SUBSTANCE_CAP = 3
# ... and a line of colour (thanks, feelings, meditation) this much lower than what happened.
COLOUR_PENALTY = 0.3
_WEIGHTY = re.compile(
    rf"\b(?:{one_of(sorted(lexicon().brief_lines.weighty_words, key=len, reverse=True))})\b", re.I
)
_COLOUR = re.compile(
    rf"\b(?:{one_of(sorted(lexicon().brief_lines.colour_words, key=len, reverse=True))})\b", re.I
)
# The words either list's entries start with: a text holding none of them matches neither
# pattern, and most lines hold none (the patterns' many alternatives cost more than a split).
_FIRST_WORDS = {
    w.split()[0].lower()
    for w in (*lexicon().brief_lines.weighty_words, *lexicon().brief_lines.colour_words)
}
_WORD = re.compile(r"\w+")


# A decision, demand or allegation from an authority (a government source: prosecutors, a
# U.S. Attorney, a ministry) is the source of the news itself: its substance counts this many
# times.
AUTHORITY_FACTOR = 2.0


def said_substance(text: str, source_type: str) -> float:
    """A statement's substance (:func:`substance`), an authority's counted more."""
    value = substance(text)
    return value * AUTHORITY_FACTOR if source_type == "government" and value > 0 else value


def substance(text: str) -> float:
    """What a line's words are worth to a reader who must act: each word of a decision,
    demand, allegation or action up (at most ``SUBSTANCE_CAP`` of them), colour down."""
    if _FIRST_WORDS.isdisjoint(_WORD.findall(text.lower())):
        return 0.0
    weighty = min(len(_WEIGHTY.findall(text)), SUBSTANCE_CAP)
    colour = bool(_COLOUR.search(text))
    return SUBSTANCE_BONUS * weighty - (COLOUR_PENALTY if colour else 0.0)


def article_weight(order: int, n: int, day_index: int | None, days: int) -> float:
    """What an article's lines are worth against other articles': by input order (ties only)
    and, when the batch spans ``days`` days, by recency (``day_index`` 0 is the oldest day;
    None for an undated article, which is not weighed by date)."""
    weight = 1.0 - ORDER_SPREAD * order / max(n, 1)
    if day_index is not None and days > 1:
        weight *= RECENCY_OLDEST + RECENCY_SPAN * day_index / (days - 1)
    return weight


def event_rank(event: Event, position: int, weight: float) -> float:
    """An engine event: timed, with named actors, early in its article ranks higher."""
    return weight * (
        EVENT_BASE
        + (EVENT_WHEN_BONUS if event.when else 0)
        + EVENT_ACTOR_BONUS * len(event.who)
        - EVENT_POSITION_STEP * position
    )


def standalone_rank(rank: float, dangling: bool) -> float:
    """A line's rank, less where it does not stand alone."""
    return rank * DANGLING_FACTOR if dangling else rank


def lead_rank(rank: float) -> float:
    """An event in the article's lead: it competes for the bottom line."""
    return rank + LEAD_BONUS


def model_lead_rank(position: int, weight: float) -> float:
    """A checked model-written bottom-line sentence, in the model's order."""
    return weight * (MODEL_LEAD_BASE - MODEL_LEAD_STEP * position)


def model_event_rank(position: int, weight: float) -> float:
    """A checked model-written event, in the model's order."""
    return weight * (MODEL_EVENT_BASE - MODEL_EVENT_STEP * position)


def said_rank(attribution: Attribution, position: int) -> float:
    """An attributed statement on its own: reported through others, with a cue, paraphrased and
    early in the article ranks higher. ``position`` is its index among the article's
    attributions."""
    a = attribution
    return (
        SAID_BASE
        + (SAID_REPORTED_BONUS if a.via else 0)
        + (SAID_CUE_BONUS if a.cue else SAID_NO_CUE)
        + (SAID_INDIRECT_BONUS if a.kind != "direct" or _whole(a) else 0)
        + (SAID_OWN_WORDS_BONUS if a.kind == "direct" and _whole(a) else 0)
        - SAID_POSITION_STEP * position
    )


def _whole(a: Attribution) -> bool:
    """Is the quotation a whole statement rather than a fragment?"""
    return len(a.content.said.split()) >= WHOLE_QUOTE_WORDS


def caveat_rank(kind: CaveatKind, first: bool, weight: float) -> float:
    """An article's caveat: by kind, and the first of its kind in the article at full weight."""
    return CAVEAT_WEIGHT[kind] * weight * (1.0 if first else CAVEAT_REPEAT)


def corroborated_lead_rank(rank: float, articles: int) -> float:
    """The best lead of a development that ``articles`` articles tell."""
    return rank + CORROBORATED_LEAD_STEP * min(articles, CORROBORATION_CAP)


def merged_claim_rank(articles: int) -> float:
    """One claim as ``articles`` articles carry it."""
    return MERGED_CLAIM_BASE + MERGED_CLAIM_STEP * min(articles, CORROBORATION_CAP)
