"""The model's attributions as spans of the article: located exactly, grounded, reconciled.

The model gives each attribution's source, cue and content as strings copied from one of the
sentences it cites. Here they become character spans, or the attribution is withheld with the
reason it cannot be located exactly: a string that is not verbatim in the cited sentences (a
paraphrased "quote", a sentence it is not in), one that starts or ends inside a word (a
shifted span), ids that do not exist.

A located attribution is kept when it grounds, whether or not the engine found it:

- the cue is a reporting, belief or position expression: one of the engine's lexicon
  (``cues.yaml``: speech, belief and attitude verbs, and the prepositional cues such as
  "according to"); or a predicate of the parse rules' lexicon (``parse_cues.yaml``) that the
  sentence's parse ties to the content, a verb with its clause or object ("extolled their
  bravery"; not a deed's object, "approved the repairs"), a noun with its clause or object
  ("the announcement that ...", "concerns about ..."), an adjective with its complement; or
  any verb taking the content as its clause ("X groused that ..."), any noun taking it as a
  "that" clause of its own but a noun of fact or chance; or punctuation that introduces the
  content: a colon or dash right beside a quotation ("said: “...”", "“...” ― Name"), or a colon
  right after the source ("WALLACE: Let's start");
- the source is named in that sentence, or is a pronoun the engine resolved there ("it said":
  the engine's KCNA); an invented speaker is in no sentence, so it is never located;
- a direct quotation lies inside the article's quotation marks;
- every intermediary it gives is named in the article.

Then it is reconciled with the engine: where the engine has the same words (their spans
overlapping by half) from the same source through the same chain, the attribution is the
engine's, found by both; where the engine has nothing, the model's attribution is added, found
by the model. Where the engine has the same words from another source, or through another
chain, the two disagree, and the disagreement is counted. Then the engine's parse decides when
the engine is sure of its reading (``analyze.certainty``): the model's speaker is withheld, or
its chain is the engine's. Where the engine is not sure, both readings are kept: the engine's
attribution carries the model's as its ``alternative``, and the brief names both speakers and
says the speaker is uncertain. :func:`reconcile` is the one list ``briefing extract
--backend openai`` prints, each marked ``found_by``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefing.analyze.certainty import speaker_doubt
from briefing.analyze.claims import containment
from briefing.analyze.grounding import Grounding
from briefing.analyze.lexicon import registry
from briefing.analyze.sources import classify, is_pronoun
from briefing.analyze.words import content_words
from briefing.models import (
    Analysis,
    Attribution,
    Content,
    LLMAttribution,
    Quote,
    Sentence,
    Source,
    Span,
    Via,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from briefing.verify import Verified

MIN_OVERLAP = 0.5  # share of the shorter content two attributions must share to be one
CUE_CLASSES = ("speech", "belief", "attitude")  # reporting, belief and position expressions
_WORD = re.compile(r"\w", re.UNICODE)
# punctuation that introduces a quotation or a speaker's words, as a cue (a dash, a colon)
PUNCTUATION_CUES = frozenset({":", "―", "—", "–", "--", "-"})
QUOTE_MARKS = "\"“”‘’'"
_SPACES = " \t\n\u00a0"


@dataclass
class Located:
    """One model attribution as it came out: spans (or why not), and what the engine says."""

    attribution: Attribution | None
    reason: str | None = None
    engine_id: str | None = None  # the engine's attribution of the same words, if any
    disagrees: bool = False  # the engine has the same words from another source or chain
    # why the engine is not sure of its own reading, where it disagrees: both are kept
    doubt: str | None = None


def _at_word_bounds(text: str, start: int, end: int) -> bool:
    """The span neither starts nor ends inside a word."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    first, last = text[start], text[end - 1]
    return not (_WORD.match(before) and _WORD.match(first)) and not (
        _WORD.match(after) and _WORD.match(last)
    )


def _occurrences(needle: str, sent: Sentence) -> Iterator[tuple[int, int, bool]]:
    """Each place ``needle`` is in ``sent``: its article offsets, and whether it lies at word
    bounds (not inside a word)."""
    at = sent.text.find(needle)
    while at >= 0:
        yield (
            sent.start + at,
            sent.start + at + len(needle),
            _at_word_bounds(sent.text, at, at + len(needle)),
        )
        at = sent.text.find(needle, at + 1)


def _mentions(words: str, sent: Sentence, avoid: tuple[int, int] | None) -> list[Span]:
    """Every mention of ``words`` in ``sent`` at word bounds, outside ``avoid`` where given."""
    return [
        Span(text=words, start=start, end=end)
        for start, end, bounded in _occurrences(words, sent)
        if bounded and (avoid is None or end <= avoid[0] or avoid[1] <= start)
    ]


def _find(
    needle: str, sent: Sentence, avoid: tuple[int, int] | None = None
) -> tuple[int, int] | None | bool:
    """``needle``'s span in ``sent`` (article offsets) at word bounds, outside ``avoid`` (article
    offsets) where given; False when it is there only inside words (shifted); None when it is
    not there at all, or only within ``avoid``."""
    found = _mentions(needle, sent, avoid)
    if found:
        return found[0].start, found[0].end
    return False if any(not bounded for *_, bounded in _occurrences(needle, sent)) else None


def _outside(cue: Span, content: tuple[int, int]) -> tuple[int, int] | None:
    """Where the source may not be: the content, but for an interrupted quotation's ('"A," X
    said, "B."'), whose cue and source lie between its pieces."""
    inner = content[0] <= cue.start and cue.end <= content[1]
    return None if inner else content


def _within(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return b[0] <= a[0] and a[1] <= b[1]


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _is_cue(cue: str) -> bool:
    """A reporting, belief or position expression of the engine's lexicon."""
    reg = registry()
    lower = " ".join(cue.lower().split())
    if lower in reg.prepositional_cues:
        return True
    return any(reg.cue_forms.get(w) in CUE_CLASSES for w in re.findall(r"[a-z]+", lower))


def _takes(doc: Doc, sent: Sentence, cue: Span, content: tuple[int, int]) -> bool:
    """A cue outside ``cues.yaml``: a predicate that, in the sentence's parse, takes the content
    as its clause, or a reporting word of the parse rules that governs it (both asked of the
    engine's parse rules)."""
    from briefing.analyze.attribution.ties import reports_content, takes_as_complement

    span = (cue.start, cue.end)
    return takes_as_complement(doc, sent.start, span, content) or reports_content(
        doc, sent.start, span, content
    )


def _introduces(
    sent: Sentence, cue: Span, content: tuple[int, int], quotes: list[Quote], source: str
) -> bool:
    """Punctuation as the cue: a colon or dash right beside the content (only spaces and
    quotation marks between), where the content is a quotation ("said: “...”", "“...” ―
    Name") or the colon follows the source itself, as a transcript's ("WALLACE: Let's
    start")."""
    mark = cue.text.strip()
    if mark not in PUNCTUATION_CUES:
        return False
    if cue.end <= content[0]:
        gap = _slice(sent, cue.end, content[0])
    elif content[1] <= cue.start:
        gap = _slice(sent, content[1], cue.start)
    else:
        return False
    if gap.strip(_SPACES + QUOTE_MARKS):
        return False
    words = _slice(sent, *content)
    quoted = any(q.covers(*content) for q in quotes) or any(
        m in QUOTE_MARKS for m in gap + words[:1] + words[-1:]
    )
    if quoted:
        return True
    before = _slice(sent, sent.start, cue.start).rstrip(_SPACES)
    return mark == ":" and bool(source.strip()) and before.endswith(source.strip())


class SpanJudge:
    """Locates, grounds and reconciles the model's attributions for one article."""

    def __init__(self, analysis: Analysis, ground: Grounding) -> None:
        self.an = analysis
        self.ground = ground
        self.sentences = {s.id: s for s in analysis.sentences}
        self.count = 0
        self._docs: dict[str, Doc] = {}

    def _doc(self, sent: Sentence) -> Doc:
        """The engine's parse of a sentence, parsed once for all the answers that cite it."""
        if sent.id not in self._docs:
            from briefing.analyze.parse import parse

            (self._docs[sent.id],) = parse([sent.text])
        return self._docs[sent.id]

    def judge(self, att: LLMAttribution) -> Located:
        try:
            return self._judge(att)
        except _Withhold as w:
            return Located(None, str(w))

    def _judge(self, att: LLMAttribution) -> Located:
        missing = [i for i in att.sentence_ids if i not in self.sentences]
        if missing or not att.sentence_ids:
            raise _Withhold(f"cites sentence ids that do not exist: {', '.join(missing) or '-'}")
        sent, (c_start, c_end) = self._content(att)
        first = self._span(att.cue, sent, "cue")
        # every mention of the cue that reports ("said" twice: the one the source does)
        cues = [
            c
            for c in _mentions(first.text, sent, None)
            if _is_cue(c.text)
            or _introduces(sent, c, (c_start, c_end), self.an.quotes, att.source or "")
            or _takes(self._doc(sent), sent, c, (c_start, c_end))
        ]
        if not cues:
            raise _Withhold(f"“{first.text}” is not a reporting or belief expression")
        source, cue, untied = self._source(att, sent, cues, (c_start, c_end))
        if att.kind == "direct" and not any(q.covers(c_start, c_end) for q in self.an.quotes):
            raise _Withhold("gives as a direct quotation words that are not in quotation marks")
        via = self._via(att)
        content = Content(text=_slice(sent, c_start, c_end), start=c_start, end=c_end)
        self.count += 1
        located = Attribution(
            id=f"m{self.count}",
            source=source,
            cue=cue,
            content=content,
            kind=att.kind,
            via=via,
            sentence_ids=[sent.id],
        )
        reconciled = self._reconcile(located)
        if untied is not None and reconciled.attribution is not None:
            # withheld; where the engine is sure of its own speaker for these words, as its
            raise _Withhold(untied)
        return reconciled

    def _content(self, att: LLMAttribution) -> tuple[Sentence, tuple[int, int]]:
        words = (att.content or "").strip()
        if not words:
            raise _Withhold("gives no content")
        shifted = False
        for sid in att.sentence_ids:
            found = _find(words, self.sentences[sid])
            if found:
                return self.sentences[sid], found  # type: ignore[return-value]
            shifted = shifted or found is False
        if shifted:
            raise _Withhold(f"the content “{words[:60]}” starts or ends inside a word")
        elsewhere = [s.id for s in self.an.sentences if _find(words, s)]
        if elsewhere:
            raise _Withhold(
                f"the content is in {elsewhere[0]}, not in the cited {', '.join(att.sentence_ids)}"
            )
        raise _Withhold(f"the content “{words[:60]}” is not verbatim in the cited sentences")

    def _span(
        self, words: str | None, sent: Sentence, what: str, avoid: tuple[int, int] | None = None
    ) -> Span:
        words = (words or "").strip()
        found = _find(words, sent, avoid) if words else None
        if not found:
            if avoid is not None and words and _find(words, sent):
                # "Clinton said Trump is unfit": Trump, inside the words said, is not their source
                raise _Withhold(
                    f"the {what} “{words[:40]}” is in {sent.id} only within the content"
                )
            raise _Withhold(f"the {what} “{words[:40]}” is not in {sent.id}")
        start, end = found  # type: ignore[misc]
        return Span(text=_slice(sent, start, end), start=start, end=end)

    def _source(
        self, att: LLMAttribution, sent: Sentence, cues: list[Span], content: tuple[int, int]
    ) -> tuple[Source, Span, str | None]:
        """The source's span outside ``content`` (words said are not their own source), the
        mention of the cue it does, and why it is not the cue's (None where it is): a pronoun
        the engine resolved there (with the first cue), or a name or description the parse ties
        to one of ``cues`` (:meth:`tied`), the first such pair."""
        if not (att.source or "").strip():
            raise _Withhold("names no source")
        span = self._span(att.source, sent, "source", _outside(cues[0], content))
        if is_pronoun(span.text):
            resolved = next(
                (
                    a.source
                    for a in self.an.attributions
                    if a.source is not None
                    and a.source.start == span.start
                    and a.source.canonical
                    and sent.id in a.sentence_ids
                ),
                None,
            )
            if resolved is None:
                raise _Withhold(f"“{span.text}” in {sent.id} is not resolved to a source")
            return resolved, cues[0], None
        tied = next(
            (
                (s, c)
                for c in cues
                for s in _mentions(span.text, sent, _outside(c, content))
                if self.tied(sent, s, c)
            ),
            None,
        )
        cue, untied = cues[0], None
        if tied is None:
            # "Trump said Clinton lied" given to Clinton: named there, but not the one who said
            untied = (
                f"“{span.text[:40]}” is not who does “{cue.text[:40]}” in the parse of {sent.id}"
            )
        else:
            span, cue = tied
        canonical, kind = classify(span.text, self.ground.book)
        source = Source(
            text=span.text, start=span.start, end=span.end, canonical=canonical, type=kind
        )
        named = source.canonical or source.text
        if att.speaker.strip() and not self.ground.same(att.speaker, named):
            if not self.ground.same(att.speaker, source.text):
                raise _Withhold(f"names {att.speaker} as the speaker; the sentence has {named}")
        return source, cue, untied

    def tied(self, sent: Sentence, source: Span, cue: Span) -> bool:
        """Is ``source`` the one who does ``cue``? The engine has it so (an attribution of its
        own with that cue whose source holds these words, or lies within them, and names the
        same person: "Flynn, a top Trump surrogate, said", which the parse reads wrong), or the
        sentence's parse ties the two (``ties.is_cue_source``: the cue verb's subject or
        agent, a noun cue's possessor, the object of "according to", the speaker beside a
        colon)."""
        from briefing.analyze.attribution.ties import is_cue_source

        canonical, _ = classify(source.text, self.ground.book)
        named = canonical or source.text
        for a in self.an.attributions:
            if a.source is None or a.cue is None or sent.id not in a.sentence_ids:
                continue
            theirs, ours = (a.source.start, a.source.end), (source.start, source.end)
            if (
                _within(theirs, ours)
                and _overlap((a.cue.start, a.cue.end), (cue.start, cue.end))
                and any(self.ground.same(named, n) for n in self.ground.holder_names(a))
            ):
                return True
        return is_cue_source(
            self._doc(sent), sent.start, (source.start, source.end), (cue.start, cue.end)
        )

    def _via(self, att: LLMAttribution) -> list[Via]:
        out = []
        for v in att.via:
            if v.lower() not in self.ground.article_text.lower() and not self.ground.mentions(
                self.ground.article_text, [v]
            ):
                raise _Withhold(f"gives a chain through {v}, whom the article does not name")
            canonical, kind = classify(v, self.ground.book)
            out.append(Via(text=v, canonical=canonical, type=kind))
        return out

    def _reconcile(self, located: Attribution) -> Located:
        """The engine's attribution of the same words, if any, decides who said them."""
        c = located.content
        # the engine's words most like the model's: sharing most of the shorter, then most of
        # both (the inner "Putin expressed X" of KCNA's "'Putin expressed X,' it said")
        best, share, fit = None, 0.0, 0.0
        for a in self.an.attributions:
            if located.sentence_ids[0] not in a.sentence_ids:
                continue
            overlap = min(c.end, a.content.end) - max(c.start, a.content.start)
            shorter = min(c.end - c.start, a.content.end - a.content.start) or 1
            union = max(c.end, a.content.end) - min(c.start, a.content.start) or 1
            if (overlap / shorter, overlap / union) > (share, fit):
                best, share, fit = a, overlap / shorter, overlap / union
        if best is None or share < MIN_OVERLAP:
            return Located(located)
        ours = located.source.canonical or located.source.text if located.source else None
        same = best.source is not None and any(
            self.ground.same(ours, n) for n in self.ground.holder_names(best)
        )
        if same and self._same_chain(located.via, best.via):
            return Located(located, None, best.id)
        doubt = speaker_doubt(self.an, best)
        if doubt is not None:
            return Located(located, None, best.id, disagrees=True, doubt=doubt)
        # the engine is sure: its speaker and its chain stand
        return Located(located if same else None, None, best.id, disagrees=True)

    def one_reading(
        self, text: str, ids: list[str], uncertain: dict[str, tuple[Attribution, str]]
    ) -> str | None:
        """Why a line of the model's must be withheld: it gives words the engine is not sure of
        (most of them) to one of their two readings' speakers alone, which may be the wrong
        one; None where it names both, or neither, or says other things."""
        words = content_words(text)
        for aid, (other, _) in uncertain.items():
            engine = next(a for a in self.an.attributions if a.id == aid)
            if engine.source is None:
                continue  # no speaker the line could be naming instead (a hedge: "is believed")
            if not set(ids) & {*engine.sentence_ids, *other.sentence_ids}:
                continue
            held = (containment(content_words(x.content.said), words) for x in (engine, other))
            if max(held) < MIN_OVERLAP:
                continue
            ours = self.ground.mentions(text, self.ground.holder_names(engine))
            theirs = self.ground.mentions(text, self.ground.holder_names(other))
            if ours != theirs:
                alone, unsaid = (engine, other) if ours else (other, engine)
                return (
                    f"gives {self.ground.describe(alone)} alone words the article may give to "
                    f"{self.ground.describe(unsaid)} ({aid}: the speaker is uncertain)"
                )
        return None

    def _same_chain(self, ours: list[Via], theirs: list[Via]) -> bool:
        """Every intermediary of each chain is one of the other's (by name, or as the same
        side: "KCNA" and "North Korea")."""

        def within(a: list[Via], b: list[Via]) -> bool:
            return all(
                any(
                    self.ground.same(x.canonical or x.text, y.canonical or y.text)
                    or self.ground.same_side(x.canonical or x.text, y.canonical or y.text)
                    for y in b
                )
                for x in a
            )

        return within(ours, theirs) and within(theirs, ours)


def _slice(sent: Sentence, start: int, end: int) -> str:
    """The article's text between two article offsets inside ``sent``."""
    return sent.text[start - sent.start : end - sent.start]


class _Withhold(Exception):
    """Why a model attribution cannot be located or does not ground (its message)."""


def reconcile(analysis: Analysis, checked: Verified | None) -> list[dict]:
    """The reconciled attributions (:func:`briefing.verify.reconciled.reconciled`, the list the
    brief and ``check`` judge by) as ``briefing extract`` prints them, each marked ``found_by``:
    the engine's alone (``engine``), confirmed by the model (``both``), or the model's
    (``model``). Where the engine is not sure of a reading the model disagrees with, its
    attribution carries the model's as ``alternative`` (found by the model) and says why it is
    ``uncertain``."""
    from briefing.verify.reconciled import found_by, reconciled

    out = []
    for a in reconciled(analysis, checked).attributions:
        d = a.model_dump(mode="json")
        d["found_by"] = found_by(checked, a.id) or "engine"
        if a.alternative is not None and checked is not None:
            d["alternative"]["found_by"] = "model"
            d["uncertain"] = checked.uncertain[a.id][1]
        out.append(d)
    return out
