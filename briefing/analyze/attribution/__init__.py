"""Who said what: finding attributions (source, cue, content) in an article.

The engine is rules over the text, in the order a reader resolves them:

1. a sentence that opens with a quote and closes on its speaker (``"...," it said.``);
2. content followed by its source (``..., KCNA said.`` / ``..., according to X.``);
3. ``According to X, ...``;
4. a source and a cue ahead of the content (``X said``, ``X told Y that``, ``X expressed
   his willingness``, ``the agency said, ...``);
5. attributions nested inside content ("KCNA said President Putin expressed ...": the inner
   source gets the outer one as ``via``);
6. quoted fragments with no speaker of their own (floating quotes) go to the last speaker.

Pronoun sources ("it said", "he added") resolve to the nearest fitting source before them.
Offsets are absolute into the article text throughout.

Each construction family has its module: ``quotes`` (1 and 6, and "what it calls '...'"),
``trailing`` (2, 3 and "was reported by X"), ``clauses`` (4), ``nested`` (5), ``headlines``
(kickers in capitals), ``hedges`` ("reportedly": a claim with no named source) and
``interrupted`` (one quotation in pieces). Over the dependency parse, ``predicates`` finds the
reporting predicates and ``parsed`` makes them drafts and bounds the others'. They share
``spans`` (the source noun phrase), ``cues`` (whether a cue word is a cue here, and its content)
and ``context`` (the draft attributions and the article they are read from). The word lists the
rules consult are in ``briefing/data`` (``cue_rules.yaml``, ``source_phrases.yaml``,
``adverbials.yaml`` ...).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from briefing.analyze.attribution.clauses import find_cue_clause, split_participle
from briefing.analyze.attribution.context import (
    Context,
    Draft,
    quote_kind,
    relative_source,
    sentence_of,
)
from briefing.analyze.attribution.headlines import caps_headline, name_colon
from briefing.analyze.attribution.hedges import hedge_adverbs
from briefing.analyze.attribution.interrupted import merge_interrupted
from briefing.analyze.attribution.nested import nested_drafts
from briefing.analyze.attribution.parsed import parse_sentences, parsed_drafts, trim_found
from briefing.analyze.attribution.quotes import (
    doubled_quotes,
    first_person,
    floating_quotes,
    quote_first,
    tail_only_lead,
    what_it_calls,
)
from briefing.analyze.attribution.trailing import leading_according, passive_by, trailing_source
from briefing.analyze.coref import Coref, speaker
from briefing.analyze.lexicon import registry
from briefing.analyze.sources import NameBook
from briefing.ingest.quotes import find_quotes
from briefing.models import Attribution, Quote, Sentence, Span

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["find_attributions"]


def find_attributions(
    text: str,
    sentences: list[Sentence],
    book: NameBook | None = None,
    quotes: list[Quote] | None = None,
    docs: dict[int, Doc] | None = None,
) -> list[Attribution]:
    """All attributions in an article, in text order, with ids ``a1``, ``a2`` ...

    ``quotes`` are the article's quotations when the caller has found them already; ``docs``
    the parses of its sentences by their start offset (see ``parse_sentences``), parsed here
    when not given.
    """
    reg = registry()
    quotes = find_quotes(text) if quotes is None else quotes
    docs = parse_sentences(sentences, quotes) if docs is None else docs
    quotes = doubled_quotes(text, quotes)
    ctx = Context(
        text=text,
        sentences=sentences,
        quotes=quotes,
        book=book or NameBook.from_text(text, reg),
        reg=reg,
        cue_re=reg.cue_re,
        quote_starts=[q.start for q in quotes],
        sentence_starts=[s.start for s in sentences],
    )
    ctx.coref = Coref(text, sentences, quotes, ctx.book, reg)
    for idx, sent in enumerate(sentences):
        found: list[Draft] = []
        rules = (caps_headline, name_colon, quote_first, trailing_source, leading_according)
        for rule in (*rules, passive_by, tail_only_lead):
            found = rule(ctx, sent, idx)
            if found:
                break
        if not found:
            found = find_cue_clause(
                ctx, sent.start, sent.end, idx, allow_quoted=False, depth=0, via=[]
            )
        doc = docs.get(sent.start)
        if doc is not None:
            found = trim_found(ctx, sent, doc, found)
            found = found + parsed_drafts(ctx, sent, idx, doc, found)
        found = [x for d in found for x in split_participle(ctx, d)]
        nested = [n for d in found for n in nested_drafts(ctx, d, idx)]
        if doc is not None and nested:
            nested = trim_found(ctx, sent, doc, nested)
        found = found + nested + what_it_calls(ctx, sent, idx)
        floating = floating_quotes(ctx, idx, found, doc)
        found += floating + [n for d in floating for n in nested_drafts(ctx, d, idx)]
        found += hedge_adverbs(ctx, sent, idx, found)
        ctx.history.extend((idx, d.source) for d in found if speaker(d.source, d.depth))
        ctx.drafts.extend(found)
    ctx.drafts = [relative_source(ctx, d) for d in first_person(ctx.drafts, ctx.coref)]
    return merge_interrupted(ctx, _to_models(ctx))


def _to_models(ctx: Context) -> list[Attribution]:
    text = ctx.text
    seen: set[tuple[int, int, int | None]] = set()
    drafts = sorted(ctx.drafts, key=lambda d: (d.content[0], d.depth))
    out: list[Attribution] = []
    for d in drafts:
        key = (d.content[0], d.content[1], d.source.start if d.source else None)
        if key in seen or d.content[1] <= d.content[0]:
            continue
        seen.add(key)
        cs, ce = d.content
        first = sentence_of(ctx, cs)
        last = sentence_of(ctx, max(cs, ce - 1))
        if d.cue is not None:
            first, last = (
                min(first, sentence_of(ctx, d.cue.start)),
                max(last, sentence_of(ctx, d.cue.start)),
            )
        sids = [
            ctx.sentences[i].id
            for i in range(first, last + 1)
            if ctx.sentences[i].start < ce
            and ctx.sentences[i].end > cs
            or d.cue is not None
            and ctx.sentences[i].start <= d.cue.start < ctx.sentences[i].end
        ]
        out.append(
            Attribution(
                id=f"a{len(out) + 1}",
                source=d.source,
                cue=d.cue,
                content=Span(text=text[cs:ce], start=cs, end=ce),
                kind=quote_kind(ctx, cs, ce, nested=d.depth > 0),
                via=d.via,
                sentence_ids=sids,
            )
        )
    return out
