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
from dataclasses import dataclass, field

from briefing.analyze.lexicon import lexicon, one_of
from briefing.analyze.provenance import names_of, origin
from briefing.analyze.sources import NameBook, NameMatcher
from briefing.analyze.words import content_words
from briefing.models import Analysis

_DENIAL = re.compile(rf"\b(?:{one_of(lexicon().disputed.denials)})\b", re.I)
_NUMBER = re.compile(r"\b\d[\d,.]*\b")


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
    development is up top, and the rest of an article wanders into background."""
    words = content_words(an.article.title or "")
    for s in [s for s in an.sentences if not s.boilerplate][:lead]:
        words |= content_words(s.text)
    return words


def group_articles(analyses: list[Analysis], threshold: float = 0.25) -> list[list[int]]:
    """Indices of analyses, grouped by shared actors and terms; groups in first-appearance order."""
    actors = [_actors(a) for a in analyses]
    terms = [_terms(a) for a in analyses]
    parent = list(range(len(analyses)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(analyses)):
        for j in range(i + 1, len(analyses)):
            shared_actors = actors[i] & actors[j]
            t_sim = len(terms[i] & terms[j]) / max(1, min(len(terms[i]), len(terms[j])))
            # the same development: the same key terms about a shared actor, or many shared actors
            if shared_actors and t_sim >= threshold:
                parent[find(j)] = find(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(analyses)):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


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
            for c, cw in zip(claims, words, strict=False):
                overlap = len(w & cw) / max(1, min(len(w), len(cw)))
                if overlap >= 0.5 and names.same(holder, c.holder):
                    match = c
                    break
            if match is None:
                claims.append(Claim(holder, att.content.said))
                words.append(w)
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


def _mark_disputes(members: list[Analysis], claims: list[Claim], words: list[set[str]]) -> None:
    """A sentence about the same thing that denies it, or gives another number, disputes it."""
    for c, cw in zip(claims, words, strict=False):
        carriers = {aid for aid, _ in c.carriers}
        c_nums = set(_NUMBER.findall(c.text))
        for an in members:
            if an.article.id in carriers:
                continue  # an article does not dispute itself
            for s in an.sentences:
                sw = content_words(s.text)
                topic = cw - {w for w in cw if _NUMBER.fullmatch(w)}
                if len(topic & sw) / max(1, len(topic)) < 0.5:
                    continue
                s_nums = set(_NUMBER.findall(s.text))
                negates = bool(_DENIAL.search(s.text)) and not _DENIAL.search(c.text)
                renumbers = bool(c_nums and s_nums and not (c_nums & s_nums))
                if negates or renumbers:
                    c.disputed_by.append((an.article.id, [s.id], s.text))
