"""Many articles, one page: which articles tell the same development, and how far it is sourced.

Articles are grouped when they share named actors and key terms (deterministic: the same inputs
give the same groups in the same order). Within a group, the same claim from several articles is
merged: every ``via`` chain is kept, and the number of *independent* sources is counted by where
each chain starts, so "reported by 3 outlets; all cite KCNA" counts as one source, not three.
Claims about the same thing that disagree (a denial, a negation, a different number) are marked
disputed.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from briefing.analyze.lexicon import lexicon, one_of
from briefing.analyze.provenance import names_of, origin
from briefing.analyze.sources import NameBook, NameMatcher
from briefing.analyze.words import content_words
from briefing.brief.lines import strip_furniture
from briefing.models import Analysis, Sentence

_DENIAL = re.compile(rf"\b(?:{one_of(lexicon().disputed.denials)})\b", re.I)
_NUMBER = re.compile(r"\b\d[\d,.]*\b")
# What a number counts: the word written after it ("600 kilometers", "52 percent", "a
# 63-year-old"), after "-" or "per"; two numbers of different things never dispute each other.
_COUNTED = re.compile(r"\s*(?:-|\s)?(?:per\s+)?([A-Za-z]+)")


def _counts(text: str) -> dict[str, set[str]]:
    """The numbers of a text by what each counts (the word after it; "" when none follows)."""
    out: dict[str, set[str]] = {}
    for m in _NUMBER.finditer(text):
        after = _COUNTED.match(text, m.end())
        what = after.group(1).lower() if after else ""
        out.setdefault(what, set()).add(m.group(0).rstrip(".,"))
    return out


def renumbers(claim: str, sentence: str) -> bool:
    """Does the sentence give another number for what the claim counts: a number of the same
    thing ("600 kilometers" against "1,000 kilometers") and none of the claim's? A percentage
    of voters is no other figure for a man's age."""
    mine, theirs = _counts(claim), _counts(sentence)
    if {n for ns in mine.values() for n in ns} & {n for ns in theirs.values() for n in ns}:
        return False
    return any(what in theirs for what in mine)


def _actors(an: Analysis) -> set[str]:
    """Who the article is about: the actors of its events and its named sources (names of two
    letters or fewer are too ambiguous to join articles on)."""
    names = {w for e in an.events for w in e.who}
    names |= {
        a.source.canonical for a in an.attributions if a.source is not None and a.source.canonical
    }
    return {n for n in names if n and len(n) > 2}


def _terms(an: Analysis, lead: int = 3) -> set[str]:
    """Content words of the headline and the first reporting sentences: news says what the
    development is up top, and the rest of an article wanders into background. A kicker ("The
    Latest:") is the outlet's format, not the story."""
    words = content_words(strip_furniture(an.article.title or ""))
    for s in [s for s in an.sentences if not s.boilerplate][:lead]:
        words |= content_words(s.text)
    return words


# What an article's story is known by: who it is about and its key terms.
Signature = tuple[set[str], set[str]]
# Two articles sharing an actor and this share of their key terms tell one story.
SAME_STORY = 0.25


def signature(an: Analysis) -> Signature:
    """The actors and key terms a story is matched on (``likeness``)."""
    return _actors(an), _terms(an)


# Two stories share at least this many key terms: two words of a short lead ("cast", "vote")
# are a quarter of it, and no sign of one story.
MIN_SHARED_TERMS = 4


def likeness(a: Signature, b: Signature) -> float | None:
    """How alike two articles' stories are: the share of key terms they have in common (of the
    smaller set), 0 below ``MIN_SHARED_TERMS`` of them; None when they share no actor, and so
    are no one story."""
    if not a[0] & b[0]:
        return None
    shared = len(a[1] & b[1])
    return shared / max(1, min(len(a[1]), len(b[1]))) if shared >= MIN_SHARED_TERMS else 0.0


# A term or an actor more than this share of the articles carry (and more than ``COMMON_FLOOR``
# of them) names the day's topic, not a development: it joins no two articles, so an election
# splits into its stories, and the index never walks a posting list as long as the batch.
COMMON_SHARE = 0.1
COMMON_FLOOR = 8
# How much more alike two articles' terms must be when the one actor they share is the topic's.
TOPIC_ACTOR = 1.5


def group_articles(analyses: list[Analysis], threshold: float = SAME_STORY) -> list[list[int]]:
    """Indices of analyses, grouped by shared actors and terms; groups in first-appearance order.

    Each group is one story: an article joins the group whose first article (its seed) it is
    most like, sharing an actor and at least ``threshold`` of their key terms, so one article
    like two stories does not chain them into one. Seeds are found through an inverted index of
    their terms, so the cost grows with the articles, not with their pairs.
    """
    actors = [_actors(a) for a in analyses]
    terms = [_terms(a) for a in analyses]
    df: Counter[str] = Counter(t for ts in terms for t in ts)
    common = max(COMMON_FLOOR, int(len(analyses) * COMMON_SHARE))
    # an actor most of the day's articles are about (an election's candidates) is the topic too:
    # two articles sharing only such an actor tell one story only where their terms are half
    # again as alike ("Clinton" and Tulsa's shooting, the officer, the victim: one story)
    seen: Counter[str] = Counter(n for names in actors for n in names)
    own = [{n for n in names if seen[n] <= common} for names in actors]
    groups: list[list[int]] = []
    by_term: dict[str, list[int]] = {}  # term -> groups whose seed has it
    rare = [{t for t in ts if df[t] <= common} for ts in terms]
    for i in range(len(analyses)):
        candidates = {g for t in rare[i] for g in by_term.get(t, ())}
        best, best_sim = None, threshold
        for g in sorted(candidates):
            seed = groups[g][0]
            # the day's topic words ("Trump", "debate", "campaign") make no two stories alike
            sim = likeness((own[i], rare[i]), (own[seed], rare[seed]))
            if sim is None:
                topical = likeness((actors[i], rare[i]), (actors[seed], rare[seed]))
                if topical is None or topical < TOPIC_ACTOR * threshold:
                    continue
                sim = topical / TOPIC_ACTOR
            if sim >= best_sim and (best is None or sim > best_sim):
                best, best_sim = g, sim
        if best is not None:
            groups[best].append(i)
            continue
        groups.append([i])
        for t in rare[i]:
            by_term.setdefault(t, []).append(len(groups) - 1)
    return groups


@dataclass
class Claim:
    """One claim as several articles carry it."""

    holder: str
    text: str
    chains: list[list[str]] = field(default_factory=list)  # each carrier's via chain, nearest first
    carriers: list[tuple[str, list[str]]] = field(
        default_factory=list
    )  # (article id, sentence ids)
    roots: set[str] = field(default_factory=set)  # where each chain starts: the independent sources
    root_names: dict[str, str] = field(default_factory=dict)  # a root as a reader knows it ("KCNA")
    disputed_by: list[tuple[str, list[str], str]] = field(
        default_factory=list
    )  # (article id, sids, text)

    @property
    def independent(self) -> int:
        """How many independent sources the claim has: chains that start apart."""
        return len(self.roots)

    @property
    def sources_text(self) -> str:
        """What the repetition is worth, for the line: "all citing KCNA" or "2 independent
        sources (...)"."""
        names = sorted({self.root_names.get(r, r) for r in self.roots})
        return (
            f"all citing {names[0]}"
            if len(names) == 1
            else f"{len(names)} independent sources ({', '.join(names)})"
        )

    @property
    def articles(self) -> list[str]:
        """The ids of the articles that carry the claim, in the order they were met."""
        return [aid for aid, _ in self.carriers]


def _group_book(members: list[Analysis]) -> NameBook:
    """One name book for the group, from the engine's own books, so "Putin" in one article and
    "Vladimir Putin" in another are one holder. Only full names and state outlets are pooled (a
    later article wins a surname the articles disagree on): a short outlet name ("the Post") and
    an article's own outlet mean something in their own article only."""
    book = NameBook()
    for an in members:
        b = names_of(an)
        book.by_surname.update(b.by_surname)
        for k, v in b.state_outlets.items():
            book.state_outlets.setdefault(k, set()).update(v)
    return book


def merge_claims(analyses: list[Analysis], group: list[int]) -> list[Claim]:
    """The group's attributed claims, merged across articles when the same holder says the same."""
    members = [analyses[i] for i in group]
    names = NameMatcher(_group_book(members))
    claims: list[Claim] = []
    words: list[set[str]] = []
    by_word: dict[str, list[int]] = {}  # content word -> claims that have it
    for an in members:
        for att in an.attributions:
            if att.source is None or att.cue is None:
                continue
            holder = att.source.canonical or att.source.text
            w = content_words(att.content.said) - {n.lower() for n in holder.split()}
            if len(w) < 2:
                continue
            chain = [v.canonical or v.text for v in att.via]
            match = None
            for k in sorted({k for x in w for k in by_word.get(x, ())}):
                c, cw = claims[k], words[k]
                overlap = len(w & cw) / max(1, min(len(w), len(cw)))
                if overlap >= 0.5 and names.same(holder, c.holder):
                    match = c
                    break
            if match is None:
                claims.append(Claim(holder, att.content.said))
                words.append(w)
                for x in w:
                    by_word.setdefault(x, []).append(len(claims) - 1)
                match = claims[-1]
            if chain not in match.chains:
                match.chains.append(chain)
            if all(aid != an.article.id for aid, _ in match.carriers):
                match.carriers.append((an.article.id, att.sentence_ids))
            root = origin(att) or "unnamed"
            match.roots.add(root)
            top = att.via[-1] if att.via else att.source
            match.root_names.setdefault(
                root, (top.canonical or top.text) if top is not None else root
            )
    _mark_disputes(members, claims, words)
    return claims


# A sentence shares at least this many of a claim's words to speak of the same matter.
MIN_DISPUTE_WORDS = 3


def _mark_disputes(members: list[Analysis], claims: list[Claim], words: list[set[str]]) -> None:
    """A sentence about the same thing that denies it, or gives another number, disputes it.

    Only sentences with a denial or a number can dispute anything, so only they are indexed,
    by their content words; a claim meets the sentences that share its words, never all."""
    sents: list[tuple[str, Sentence, set[str]]] = []
    by_word: dict[str, list[int]] = {}
    for an in members:
        for s in an.sentences:
            if not (_DENIAL.search(s.text) or _NUMBER.search(s.text)):
                continue
            sw = content_words(s.text)
            for w in sw:
                by_word.setdefault(w, []).append(len(sents))
            sents.append((an.article.id, s, sw))
    for c, cw in zip(claims, words, strict=False):
        carriers = {aid for aid, _ in c.carriers}
        c_denies = bool(_DENIAL.search(c.text))
        topic = {w for w in cw if not _NUMBER.fullmatch(w)}
        hits: Counter[int] = Counter(k for w in topic for k in by_word.get(w, ()))
        for k in sorted(hits):
            aid, s, _ = sents[k]
            if aid in carriers or hits[k] / max(1, len(topic)) < 0.5:
                continue  # an article does not dispute itself
            if hits[k] < MIN_DISPUTE_WORDS:
                continue  # "73 percent said the same of Trump": too few words to be one matter
            negates = bool(_DENIAL.search(s.text)) and not c_denies
            if negates or renumbers(c.text, s.text):
                c.disputed_by.append((aid, [s.id], s.text))
