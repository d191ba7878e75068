"""Caveats: the reasons a reader should hold a claim loosely.

Hedges, state-media sourcing, claims that rest on one source, claims the article says it could
not verify, claims a party disputes, and a side's own loaded terms. Each caveat points at the
attributions and events it qualifies, so the brief can print it next to them and ``check`` can
notice when a summary drops it.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import defaultdict
from collections.abc import Iterator

from briefing.analyze.lexicon import Registry, lexicon, one_of, registry
from briefing.analyze.lexicon_schema import WORD_START
from briefing.analyze.provenance import origin
from briefing.ingest.quotes import find_quotes
from briefing.models import Attribution, Caveat, CaveatKind, Event, Quote, Sentence

_SINGLE_ANON = re.compile(
    r"^(?:an?|one)\s+(?:unnamed\s+|senior\s+|anonymous\s+)?"
    rf"(?:{one_of(lexicon().role_words.single_anonymous)})\b",
    re.I,
)


def _targets(
    sid: str, span: tuple[int, int], attributions: list[Attribution], events: list[Event]
) -> list[str]:
    """Attributions whose content or cue holds the span, else all in the sentence; events too."""
    s, e = span
    inside = [
        a.id
        for a in attributions
        if a.content.holds(s, e) or (a.cue and a.cue.start <= s < a.cue.end + 1)
    ]
    if not inside:
        inside = [a.id for a in attributions if sid in a.sentence_ids]
    return inside + [ev.id for ev in events if sid in ev.sentence_ids]


@functools.cache
def _scanner(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """The pattern without its opening look-behind, which keeps the matcher from skipping
    ahead to where the pattern's first word could start: a fast first pass."""
    if not pattern.pattern.startswith(WORD_START):
        return None
    return re.compile(pattern.pattern[len(WORD_START) :], pattern.flags)


def _word_matches(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)``, found faster: the scanner finds where a match may start,
    the pattern itself decides there. Every match of the pattern starts where the scanner
    matches, so the matches are the same, in the same order."""
    scan = _scanner(pattern)
    if scan is None:
        yield from pattern.finditer(text)
        return
    pos = 0
    while (cand := scan.search(text, pos)) is not None:
        m = pattern.match(text, cand.start())
        if m is None:
            pos = cand.start() + 1
            continue
        yield m
        pos = m.end() if m.end() > m.start() else m.end() + 1


def _lexical(
    kind: CaveatKind,
    patterns: list[re.Pattern[str]],
    text: str,
    sentences: list[Sentence],
    attributions: list[Attribution],
    events: list[Event],
    note: str,
) -> list[Caveat]:
    """Each match of a caveat list that lies within one sentence, the longest first where
    matches overlap. Each pattern runs over the whole text once: run sentence by sentence, the
    call overhead cost more than the matching."""
    starts = [s.start for s in sentences]
    hits: dict[int, list[re.Match[str]]] = {}
    for p in patterns:
        for m in _word_matches(p, text):
            i = bisect.bisect_right(starts, m.start()) - 1
            if i >= 0 and m.end() <= sentences[i].end:
                hits.setdefault(i, []).append(m)
    out = []
    for i in sorted(hits):
        sent = sentences[i]
        taken: list[tuple[int, int]] = []
        for m in sorted(hits[i], key=lambda m: (m.start(), -(m.end() - m.start()))):
            if any(m.start() < te and ts < m.end() for ts, te in taken):
                continue
            taken.append((m.start(), m.end()))
            out.append(
                Caveat(
                    id="",
                    kind=kind,
                    text=m.group(0).strip(),
                    applies_to=_targets(sent.id, (m.start(), m.end()), attributions, events),
                    sentence_ids=[sent.id],
                    note=note,
                )
            )
    return out


def _characterizations(
    text: str,
    sentences: list[Sentence],
    attributions: list[Attribution],
    events: list[Event],
    reg: Registry,
    quotes: list[Quote],
) -> list[Caveat]:
    """Loaded terms from the lexicon, and quoted terms the article itself flags as one side's.

    Quotations, flags and terms are matched by bisection over sorted offsets, so an article that
    repeats such sentences thousands of times costs time in proportion to its length.
    """
    out: list[Caveat] = []
    q_starts = [q.start for q in quotes]
    q_ends = [q.end for q in quotes]  # quotations never overlap, so their ends are sorted too
    flagged: dict[tuple[int, int], str] = {}
    for sent in sentences:
        for flag in reg.characterization_flags:
            for m in flag.finditer(sent.text):
                pos, after_pos = sent.start + m.start(), sent.start + m.end()
                # the quoted term just before the flag
                # ("... operation in Ukraine," a phrase it uses)
                i = bisect.bisect_right(q_ends, pos) - 1
                if i >= 0 and pos - quotes[i].end <= 4:
                    flagged[(quotes[i].inner_start, quotes[i].inner_end)] = m.group(0)
                j = bisect.bisect_left(q_starts, after_pos)
                if j < len(quotes) and quotes[j].start - after_pos <= 3:
                    flagged[(quotes[j].inner_start, quotes[j].inner_end)] = m.group(0)
    spans = sorted(flagged)
    span_starts = [a for a, _ in spans]

    def inside_flag(a: int, b: int) -> bool:
        k = bisect.bisect_right(span_starts, a) - 1
        return k >= 0 and spans[k][0] <= a and b <= spans[k][1]

    term_starts: list[int] = []
    for sent in sentences:
        low = sent.text.lower()
        for c, pattern in zip(reg.characterizations, reg.term_patterns, strict=True):
            if c.term.lower() not in low:
                continue  # a substring test is far cheaper than the word pattern
            for m in pattern.finditer(low):
                span = (sent.start + m.start(), sent.start + m.end())
                term_starts.append(span[0])
                note = f"{c.by}'s own term for {c.neutral}" + (
                    "; the article flags it as such" if inside_flag(*span) else ""
                )
                out.append(
                    Caveat(
                        id="",
                        kind="characterization",
                        text=sent.text[m.start() : m.end()],
                        applies_to=_targets(sent.id, span, attributions, events),
                        sentence_ids=[sent.id],
                        note=note,
                    )
                )
    term_starts.sort()
    starts = [s.start for s in sentences]
    for (qs, qe), flag in flagged.items():
        k = bisect.bisect_left(term_starts, qs)
        if k < len(term_starts) and term_starts[k] < qe:
            continue  # the lexicon already names this term, with its side
        sent = sentences[max(0, bisect.bisect_right(starts, qs) - 1)]
        term = text[qs:qe].strip(" ,.")
        out.append(
            Caveat(
                id="",
                kind="characterization",
                text=term,
                applies_to=_targets(sent.id, (qs, qe), attributions, events),
                sentence_ids=[sent.id],
                note=f"One side's own wording; the article flags it ({flag!r})",
            )
        )
    return out


def _state_media(attributions: list[Attribution], reg: Registry) -> list[Caveat]:
    groups: dict[str, list[Attribution]] = defaultdict(list)
    for a in attributions:
        chain = ([a.source] if a.source else []) + list(a.via)
        for link in chain:
            if link is not None and link.type == "state_media":
                groups[link.canonical or link.text].append(a)
                break
    out = []
    for name, atts in groups.items():
        outlet = reg.outlet(name)
        country = reg.country(outlet.country) if outlet and outlet.country else None
        desc = (
            f"{country.demonyms[0]} state media"
            if country and country.demonyms
            else "state-controlled media"
        )
        label = f"{name} ({desc})" if outlet else name
        sids = sorted({sid for a in atts for sid in a.sentence_ids}, key=lambda x: int(x[1:]))
        out.append(
            Caveat(
                id="",
                kind="state_media",
                text=label,
                applies_to=[a.id for a in atts],
                sentence_ids=sids,
                note=f"The account comes from {label}, which is state-controlled; "
                "the article cites no independent confirmation",
            )
        )
    return out


def _single_source(attributions: list[Attribution], reg: Registry) -> list[Caveat]:
    out = []
    rooted = [(a, origin(a, reg)) for a in attributions if a.source is not None or a.via]
    roots = {r for _, r in rooted if r}
    if len(rooted) >= 3 and len(roots) == 1:
        root = next(iter(roots))
        sids = sorted({sid for a, _ in rooted for sid in a.sentence_ids}, key=lambda x: int(x[1:]))
        out.append(
            Caveat(
                id="",
                kind="single_source",
                text=root,
                applies_to=[a.id for a, _ in rooted],
                sentence_ids=sids,
                note=f"Every attributed claim in the article traces back to one source: {root}",
            )
        )
    for a in attributions:
        if (
            a.source is not None
            and a.source.type == "anonymous"
            and _SINGLE_ANON.match(a.source.text)
        ):
            out.append(
                Caveat(
                    id="",
                    kind="single_source",
                    text=a.source.text,
                    applies_to=[a.id],
                    sentence_ids=list(a.sentence_ids),
                    note="Rests on one unnamed source",
                )
            )
    return out


def find_caveats(
    text: str,
    sentences: list[Sentence],
    attributions: list[Attribution],
    events: list[Event],
    quotes: list[Quote] | None = None,
) -> list[Caveat]:
    """All caveats of an article, with ids ``c1``, ``c2`` ... in a stable order.

    ``quotes`` are the article's quotations when the caller has found them already.
    """
    reg = registry()
    found = (
        _lexical(
            "hedge",
            reg.hedges,
            text,
            sentences,
            attributions,
            events,
            "The article presents this as uncertain",
        )
        + _lexical(
            "unverified",
            reg.unverified,
            text,
            sentences,
            attributions,
            events,
            "The article says this has not been verified",
        )
        + _lexical(
            "disputed", reg.disputed, text, sentences, attributions, events, "A party disputes this"
        )
        + _characterizations(
            text,
            sentences,
            attributions,
            events,
            reg,
            find_quotes(text) if quotes is None else quotes,
        )
        + _state_media(attributions, reg)
        + _single_source(attributions, reg)
    )
    return [c.model_copy(update={"id": f"c{i + 1}"}) for i, c in enumerate(found)]
