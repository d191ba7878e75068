"""Attributions read off the dependency parse of a sentence, and which sentences are parsed.

``predicates`` finds the reporting predicates of a parse; here they become drafts beside the
regular-expression rules' (never where those already hold the content or the cue), the
regular-expression drafts have their content cut where the parse ends the clause, and a
quotation with no cue of its own is given to the subject of the clause it stands in. A sentence
is parsed only when the parse could act on it.
"""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING

from briefing.analyze.attribution.context import (
    Context,
    Draft,
    in_quote,
    quotes_between,
    source_at,
    trim,
)
from briefing.analyze.attribution.predicates import (
    BE,
    CLAUSES,
    INHERITS,
    PREDICATES,
    PUNCT,
    RELATIVE,
    SUBJECTS,
    find_predicates,
    form_lemma,
    noun_phrase,
)
from briefing.analyze.lexicon import lexicon, registry
from briefing.models import Quote, Sentence, Span

if TYPE_CHECKING:
    from spacy.tokens import Doc

_P = lexicon().parse_cues
_REG = registry()

# What the parse can act on: a verb or noun whose lemma is a predicate's (``find_predicates``), an
# adjective of attitude, or a cue form the regular-expression drafts may have (``trim_found``).
_TRIGGER_LEMMAS = frozenset(w for w in PREDICATES | _P.nouns if " " not in w)
_TRIGGER_FORMS = frozenset(_P.adjectives) | frozenset(f for f in _REG.cue_forms if " " not in f)
_WORD = re.compile(r"[A-Za-z]+")


def _trigger(word: str) -> bool:
    form = word.lower()
    return form in _TRIGGER_FORMS or form_lemma(form) in _TRIGGER_LEMMAS


def parsed_drafts(
    ctx: Context, sent: Sentence, idx: int, doc: Doc, found: list[Draft]
) -> list[Draft]:
    """The outermost attributions the parse of this sentence shows that the drafts ``found`` by
    the regular-expression rules do not already hold (their content, or their cue)."""
    base = sent.start
    text = ctx.text
    taken = [(d.content, d.cue.start if d.cue is not None else None) for d in found]
    out = []
    for p in find_predicates(doc):
        cs = base + doc[p.content[0]].idx
        ce = base + doc[p.content[1]].idx + len(doc[p.content[1]])
        cs, ce = trim(text, cs, ce, PUNCT)
        cue_tok, cue_end = doc[p.cue[0]], doc[p.cue[1]]
        cue_at = base + cue_tok.idx
        if ce - cs < 3 or in_quote(ctx, cue_at):
            continue  # inside someone's quotation the quotation's speaker holds it
        cs, ce = _whole_quote(ctx, cue_at, cs, ce)
        if any(_clash((cs, ce), cue_at, c, q) for c, q in taken):
            continue
        src = None
        if p.source is not None:
            ss = base + doc[p.source[0]].idx
            se = base + doc[p.source[1]].idx + len(doc[p.source[1]])
            ss, se = trim(text, ss, se, PUNCT)
            if se <= ss:
                continue
            src = source_at(ctx, ss, se, idx)
        cue_to = base + cue_end.idx + len(cue_end)
        cue = Span(text=text[cue_at:cue_to], start=cue_at, end=cue_to)
        out.append(Draft(src, cue, (cs, ce)))
        taken.append(((cs, ce), cue_at))
    return out


def _whole_quote(ctx: Context, cue_at: int, cs: int, ce: int) -> tuple[int, int]:
    """A content that opens on a quotation after its cue ('said, "We are ready. ..."') runs to
    the quotation's end, over sentences, as the regular-expression rules read it; the parse of
    one sentence ends it with the sentence."""
    q = next((q for q in quotes_between(ctx, cs - 1, cs + 1) if cs - 1 <= q.start <= cs), None)
    if q is None or q.start < cue_at or q.end <= ce:
        return cs, ce
    return trim(ctx.text, q.inner_start, q.inner_end, PUNCT)


def _clash(
    content: tuple[int, int], cue: int, other: tuple[int, int], other_cue: int | None
) -> bool:
    """Whether two drafts are one attribution, or one holds the other's cue: their contents
    overlap by half the shorter, or a cue lies in the other's content."""
    o = min(content[1], other[1]) - max(content[0], other[0])
    if o > 0 and o >= 0.5 * min(content[1] - content[0], other[1] - other[0]):
        return True
    return (
        other[0] <= cue < other[1] or other_cue is not None and content[0] <= other_cue < content[1]
    )


# Sentences longer than this, or less than this share letters, are not parsed: no news sentence
# is, and the tokenizer's affix search slows to minutes on long runs of punctuation.
MAX_PARSE_CHARS = 2000
MIN_LETTER_SHARE = 0.5
# Of an article, at most this many sentences are parsed (the first): a long news article has a
# few hundred; what is longer (a log, a list, a repeated line) keeps the regular-expression rules.
MAX_PARSED_SENTENCES = 300


def wanted(sent: Sentence, quotes: list[Quote], quote_starts: list[int]) -> bool:
    """Whether a sentence may hold an attribution the parse can find or bound: a word the parse
    rules act on stands outside quotation marks (inside them the quotation's speaker holds what
    is said, and neither rule drafts there), and the sentence reads like a sentence."""
    text = sent.text
    if len(text) > MAX_PARSE_CHARS:
        return False
    if sum(map(str.isalpha, text)) < MIN_LETTER_SHARE * len(text):
        return False
    for m in _WORD.finditer(text):
        if _trigger(m.group(0)):
            pos = sent.start + m.start()
            i = bisect.bisect_left(quote_starts, pos) - 1
            if not (i >= 0 and quotes[i].start < pos < quotes[i].end):
                return True
    return False


def to_parse(sentences: list[Sentence], quotes: list[Quote]) -> list[Sentence]:
    """The sentences of an article that are parsed (``quotes``: the article's quotations)."""
    starts = [q.start for q in quotes]
    return [s for s in sentences if wanted(s, quotes, starts)][:MAX_PARSED_SENTENCES]


def parse_sentences(sentences: list[Sentence], quotes: list[Quote]) -> dict[int, Doc]:
    """The parses of the sentences that may hold an attribution, by sentence start."""
    from briefing.analyze.parse import parse

    chosen = to_parse(sentences, quotes)
    return {s.start: doc for s, doc in zip(chosen, parse(s.text for s in chosen), strict=True)}


# what hangs on a cue verb after its content and is not part of it: "claimed that X, although
# he refused ...", "urged Y, although they say ...", "blasted Clinton Wednesday on the show"
_NOT_VERB = ("NN", "JJ", "RB", "RP", "IN", "DT", "CD")
_AFTER_CONTENT = {"advcl", "conj", "cc", "parataxis"}


def trim_found(ctx: Context, sent: Sentence, doc: Doc, found: list[Draft]) -> list[Draft]:
    """The regular-expression drafts of a sentence without those whose cue word is no verb here,
    and with each outer content cut where the parse ends the clause its cue verb governs: what
    follows and hangs on the cue is no part of it."""
    base = sent.start
    by_start = {base + t.idx: t for t in doc}
    out = []
    for d in found:
        tok = by_start.get(d.cue.start) if d.cue is not None else None
        if (
            tok is not None
            and tok.text == d.cue.text
            and tok.text in _REG.cue_forms
            and tok.tag_.startswith(_NOT_VERB)
        ):
            continue  # "his home state of Vermont", "a back door": the cue word is no verb here
        cs, ce = d.content
        if tok is not None and d.depth == 0 and tok.tag_.startswith("VB") and cs > d.cue.start:
            stops = [
                base + c.left_edge.idx
                for c in tok.children
                if c.dep_ in _AFTER_CONTENT
                and cs < base + c.left_edge.idx < ce
                and c.i > tok.i
                and not in_quote(ctx, base + c.idx)
            ]
            comp = [c for c in tok.children if c.dep_ in CLAUSES | {"dobj"} and c.i > tok.i]
            if stops and comp and min(stops) > base + comp[0].idx:
                cut = trim(ctx.text, cs, min(stops), PUNCT)
                if cut[1] - cut[0] >= 3:
                    d = Draft(d.source, d.cue, cut, d.via, d.depth)
        out.append(d)
    return out


# subjects that name no holder of the words quoted in their clause
_NO_HOLDER = {"it", "this", "that", "there", "these", "those", "what"}


def quote_holder(sent: Sentence, doc: Doc, q: Quote) -> tuple[int, int] | None | bool:
    """The subject of the clause a quotation stands in, as offsets ('Flea shared the news,
    writing "Feels great."', 'Cruz ..., calling them "corporate welfare."', 'The ad targets a
    "corrupt political system."'): of the verb the quotation hangs on, or the verb that one hangs
    on. False where that clause says the quotation of its subject, not by it (a copula's or a
    passive's subject: 'the claim was "true."') or its subject names no one; None where the parse
    does not tell."""
    base = sent.start
    inside = [t for t in doc if q.inner_start <= base + t.idx < q.inner_end]
    if not inside:
        return None
    tok = inside[0]
    for _ in range(len(inside)):
        if not (q.start <= base + tok.head.idx < q.end) or tok.head.i == tok.i:
            break
        tok = tok.head
    # a clause of its own ('..., and "I had to think."') is speech even beside a copula
    clause = any(c.dep_ in SUBJECTS and c in inside for c in tok.children)
    verb = tok.head
    for _ in range(3):
        if verb.tag_.startswith("VB") or verb.dep_ == "ROOT":
            break
        verb = verb.head
    if not verb.tag_.startswith("VB") or base + verb.idx >= q.start:
        return None
    if verb.lower_ in BE or any(c.dep_ in {"nsubjpass", "auxpass"} for c in verb.children):
        # 'the claim was "true."': said of the subject, not by it
        return None if clause else False
    # the verb's own subject, or that of the verb it hangs on ('..., calling them "X"'); no
    # further ('Both sides shared X and agreed to deal with it "through cooperation"')
    subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subj is None and verb.dep_ in INHERITS and verb.head.i != verb.i:
        subj = next((c for c in verb.head.children if c.dep_ == "nsubj"), None)
    if subj is None or base + subj.idx >= q.start:
        return None
    if subj.lower_ in _NO_HOLDER | RELATIVE or not subj.tag_.startswith(("NN", "PRP")):
        return False
    lo, hi = noun_phrase(subj)
    ss = base + doc[lo].idx
    se = base + doc[hi].idx + len(doc[hi])
    if se > q.start or "\n" in sent.text[ss - base : q.start - base]:
        return None
    return ss, se
