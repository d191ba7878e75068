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
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from briefing.analyze.lexicon import Registry, lexicon, one_of, registry
from briefing.analyze.sources import (
    NameBook,
    is_person,
    is_pronoun,
    make_source,
    person_names,
    resolve_pronoun,
)
from briefing.ingest.quotes import CLOSE_MARKS, OPEN_MARKS, Quote, find_quotes
from briefing.models import Attribution, AttributionKind, Sentence, Source, Span, Via

_LEX = lexicon()
_CUES = _LEX.cue_rules
_NP = _LEX.source_phrases
_ADV = _LEX.adverbials
_WEEKDAY = rf"(?:{one_of(_LEX.calendar.weekdays)})"
_AUX = rf"(?:(?:{one_of(_NP.auxiliaries)}|on [A-Z][a-z]+day|[A-Z][a-z]+day)\s+)*"
_QUOTE_CHARS = '"“”„«»'
_NOUN_AMBIGUOUS = _CUES.noun_forms
_STANCE_REQUIRED = _CUES.stance_required
_OBJECT_BEFORE_THAT = _CUES.object_before_that
_NEEDS_THAT = _CUES.needs_that
_NP_BAD_START = _NP.bad_start
_NP_VERBISH = _NP.verbish
_PREPOSITIONS_END = _NP.bad_end
_INTRO_WORDS = _NP.intro
_MAX_NP_WORDS = 14
_PRONOUN_WINDOW = 40
_TIME_WORDS = _NP.time_words
_NP_LOWER_START = _NP.lower_start
# Cues that can close a sentence after their content ("..., KCNA said.", '"...," he added.').
_TAIL_LEMMAS = _CUES.tail
# "said Thursday", "said in a statement", "said in a regulatory filing last month": not content.
_LEADING_ADVERBIAL = re.compile(
    rf"\s*(?:(?:on\s+)?{_WEEKDAY}"
    r"|(?:in|on)\s+(?:a|an|the|its|his|her|their)\s+(?:[\w-]+\s+){0,3}?"
    rf"(?:{one_of(_ADV.statements)})(?:\s+(?:last|this|on|to)\s+\w+)?"
    r"|last\s+(?:week|month|year)|this\s+(?:week|month|year)|earlier\s+this\s+\w+"
    r"|on\s+\w+\s+\d{1,2})[,\s]+(?:that\s+)?"
)
# An attitude's object ends where a relative or appositive clause begins.
_CLAUSE_AFTER_OBJECT = re.compile(
    r",?\s+(?=to which\b)|,?\s+and\s+(?=[a-z]+ed\b)"
    r"|,\s+(?=which\b|who\b|a (?:phrase|term|move|step|word)\b)"
)
_HEDGE_ADVERB = re.compile(
    rf"(?<![\w-])({one_of(_LEX.hedges.adverbs)})(?![\w-]),?\s*",
    re.IGNORECASE,
)
_WHAT_X_CALLS = re.compile(
    r"\b(?:what|which)\s+(?P<np>it|they|he|she|[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,3})\s+"
    rf"(?P<cue>{one_of(_CUES.naming)})\s+"
)
_PARTICIPLE = re.compile(rf",\s+({one_of(_CUES.participles)})\b")
_ADVERBIAL_CLAUSE = re.compile(rf",\s+(?=(?:{one_of(_ADV.clause_openers)})\b)")
_ADDRESSEE_LEMMAS = _CUES.addressee
_ADVERBIAL_TAIL = re.compile(rf"\s*(?:{one_of(_ADV.after_cue)}|[A-Z][a-z]+day)\b")
_TIME_TAIL = re.compile(rf"\s+(?:{one_of(_ADV.time_tail)})\b(?:[^,]{{0,60}})$")
# "the earnings report showed a company taking shape": evidence, not a stance
_EVIDENCE_SHOWED = re.compile(rf"\b(?:{one_of(_CUES.evidence_nouns)})\s*$")
# "the family said": a word in -ly before the cue that is not an adverb
_NOT_ADVERB = re.compile(rf"(?:{one_of(_NP.not_adverbs)})\s*$", re.I)
# clause boundaries before a cue: the source phrase starts after the last one
_CLAUSE_CUT = re.compile(
    rf"(?:,\s+|\s+(?:{one_of(_NP.clause_words)})\s+"
    r"|,?\s+(?:and|but)\s+(?=(?:he|she|it|they|we|i)\s)|[:;]\s+|[”\"]\s+|\s[-–—]\s)"
)
_CONNECTIVES = re.compile(rf"(?:(?:{one_of(_NP.connectives)})\s+)+", re.I)
_STATEMENT_SUBJECT = re.compile(
    rf"^(?P<np>.+?)\s+(?:also\s+)?(?:{one_of(_CUES.statement_verbs)})\s+(?:a|an)\s+(?:\w+\s+)?"
    rf"(?:{one_of(_CUES.statement_nouns)})\s*,?\s*$"
)
_OPENING_ADVERBIAL = re.compile(rf"(?:{one_of(_ADV.sentence_openers)})\b", re.I)
_PASSIVE_BY = re.compile(
    r"\s(?:was|were|is|are|has been|have been|had been)\s+(?:first\s+|initially\s+|also\s+)?"
    rf"({one_of(_CUES.passive_by)})\s+by\s+"
)
_SELF_DESCRIPTION = re.compile(rf"the (?:{one_of(_LEX.role_words.self_descriptions)})")


@dataclass
class _Draft:
    source: Source | None
    cue: Span | None
    content: tuple[int, int]
    via: list[Via] = field(default_factory=list)
    depth: int = 0


@dataclass
class _Context:
    text: str
    sentences: list[Sentence]
    quotes: list[Quote]
    book: NameBook
    reg: Registry
    cue_re: re.Pattern[str]
    drafts: list[_Draft] = field(default_factory=list)
    # sorted starts, for bisecting instead of scanning on long articles
    quote_starts: list[int] = field(default_factory=list)
    sentence_starts: list[int] = field(default_factory=list)
    # (sentence index, source) of every source seen, and of every sentence-initial person name
    history: list[tuple[int, Source]] = field(default_factory=list)


def _cue_regex(reg: Registry) -> re.Pattern[str]:
    forms = sorted(reg.cue_forms, key=len, reverse=True)
    return re.compile(r"(?<![\w’'-])(" + "|".join(re.escape(f) for f in forms) + r")(?![\w-])")


def _words(s: str) -> list[str]:
    return re.findall(r"[\w’'.-]+", s)


def _trim(text: str, s: int, e: int, chars: str = " \t\n\u00a0,;:") -> tuple[int, int]:
    while s < e and text[s] in chars:
        s += 1
    while e > s and text[e - 1] in chars:
        e -= 1
    return s, e


def _strip_final_punct(text: str, s: int, e: int) -> int:
    while e > s and text[e - 1] in ".!?… \t\n\u00a0":
        e -= 1
    return e


def _valid_np(np: str, allow_comma: bool = True) -> bool:
    np = np.strip().rstrip(",")
    words = _words(np)
    if not words or len(words) > _MAX_NP_WORDS:
        return False
    if any(ch in np for ch in _QUOTE_CHARS) or "(" in np or ";" in np or ":" in np:
        return False
    if not allow_comma and "," in np:
        return False
    lw = [w.lower() for w in words]
    if lw[0] in _NP_BAD_START or lw[-1] in _PREPOSITIONS_END:
        return False
    if (
        words[0][0].islower()
        and lw[0] not in _NP_LOWER_START
        and not re.search(r"\b[A-Z][a-z]+", np)
    ):
        return False  # "leader Kim Jong Un" is fine, "chairs the committee" is not
    if any(w in _NP_VERBISH for w in lw):
        return False
    if np.count(",") > 2:
        return False
    if re.search(r"\b[a-z]+ed\s+(?:a|an|the|its|his|her|their|to)\b", np):
        return False  # "Eli Cohen also released a statement calling ...": a clause, not a name
    # something nominal: a capitalised word, a pronoun, or a determiner/plural noun phrase
    return bool(re.search(r"[A-Z]", np)) or lw[0] in _NP_LOWER_START


def _cue_ok(
    ctx: _Context, form: str, np: str, after: str, nested: bool = False, before: str = ""
) -> bool:
    """Filter cue words that are often something else (nouns, other senses)."""
    reg = ctx.reg
    lemma = reg.cue_lemma.get(form, form)
    cls = reg.cue_forms.get(form)
    after_l = after.lstrip().lower()
    if (
        form in _NOUN_AMBIGUOUS
        and form.endswith("s")
        and not (
            after_l.startswith(("that ", "the ", "a ", "it ", "he ", "she ", "they "))
            or after[:1].isspace()
            and after.lstrip()[:1].isupper()
        )
    ):
        return False
    if lemma in {"post", "tweet", "write"} and not (
        after_l.startswith(("that ", ":", '"', "“", ", ", "on ")) or not after_l.strip(" .")
    ):
        return False  # "posted a map of its routes"
    if lemma == "add" and after_l.startswith("to "):
        return False  # "problems add to a long list"
    if lemma == "show" and _EVIDENCE_SHOWED.search(np.lower()):
        return True  # "the earnings report showed a company taking shape"
    if lemma in _STANCE_REQUIRED:
        head = _words(after)[:5]
        return any(w.lower().strip("’'") in reg.attitude_objects for w in head)
    if lemma in _NEEDS_THAT and not (nested and lemma == "consider"):
        return after_l.startswith(("that ", "with ")) or (
            lemma == "find" and after_l.startswith("that ")
        )
    if (
        cls == "belief"
        and after_l.startswith("to ")
        and lemma not in {"expect", "believe", "think", "hope", "fear"}
    ):
        return False
    progressive = (
        form.endswith("ing")
        and cls in {"belief", "speech"}
        and re.search(r"\b(?:is|are|was|were|be|been)\s+$", before)
    )
    if (
        form.endswith("ing")
        and not progressive
        and not (
            after_l.startswith(("that ", ":", '"', "“", ', "', ", “")) or lemma in {"say", "call"}
        )
    ):
        return False
    return True


def _np_before(ctx: _Context, lo: int, cue_start: int) -> tuple[int, int] | None:
    """The source noun phrase just before a cue (skipping auxiliaries and adverbs)."""
    text = ctx.text
    end = cue_start
    for _ in range(3):  # "has consistently denied", "swiftly posted", "appears to agree"
        m = re.search(rf"{_AUX}$", text[lo:end] + " ")
        end = lo + min(m.start(), end - lo) if m else end
        adv = re.search(
            r"\s+(?:[a-z]+ly|appears? to|seems? to|continues? to|tends? to)\s*$", text[lo:end]
        )
        if not adv or adv.start() == 0 or _NOT_ADVERB.search(adv.group(0)):
            break
        end = lo + adv.start()
    _, end = _trim(text, lo, end)
    head = text[lo:end]
    rel = re.match(r"(.*?\S),\s+(?:who|which)\s[^,]*$", head)
    if rel:
        # "Smith, who chairs the committee, said": the name and its relative clause
        before = list(re.finditer(r",\s+|[:;]\s+|[”\"]\s+", rel.group(1)))
        rs, rend = _trim(text, lo + (before[-1].end() if before else 0), end)
        if _valid_np(text[rs : lo + rel.end(1)]):
            return rs, rend
    # clause boundaries: the NP starts after the last one
    cut = lo
    for b in _CLAUSE_CUT.finditer(head):
        cut = lo + b.end()
    s, e = _trim(text, cut, end)
    if s >= e:
        return None
    if s >= e or re.search(r"\bwho\s*$", text[lo:end]):
        for n in range(1, 5):  # "people who say ...": the shortest noun phrase before "who"
            rel = re.search(rf"((?:[\w’'-]+\s+){{{n - 1}}}[\w’'-]+)\s+who\s*$", text[lo:end])
            if rel and _valid_np(rel.group(1)):
                return lo + rel.start(1), lo + rel.end(1)
        return None
    lead = _CONNECTIVES.match(text[s:e])
    if lead and e - s > lead.end():
        s += lead.end()  # ", with a spokesperson stating ...", ", and now many fear ..."
    tm = _TIME_TAIL.search(text[s:e])
    if tm and tm.start() > 0 and len(_words(tm.group(0))) <= 6:
        s, e = _trim(text, s, s + tm.start())
    np = text[s:e]
    # appositive: "Michael J. Driscoll, the assistant director ..., said" / "Watson's attorney, Lanny Breuer, told"
    if (
        cut > lo
        and text[cut - 2 : cut].startswith(",")
        and re.match(r"(?:including|such as|among them)\b", text[s:e])
    ):
        # "Many governments, including the US, have accused": the head is before the comma
        prev = [b for b in re.finditer(r"(?:,\s+|[:;]\s+|[”\"]\s+)", text[lo : cut - 2])]
        ps = lo + (prev[-1].end() if prev else 0)
        if _valid_np(text[ps : cut - 2], allow_comma=False):
            s = ps
            np = text[s:e]
    elif cut > lo and text[cut - 2 : cut].startswith(","):
        prev_end = cut - 2
        while prev_end > lo and text[prev_end] != ",":
            prev_end -= 1
        pm = None
        for b in re.finditer(r"(?:,\s+|[:;]\s+|[”\"]\s+)", text[lo : cut - 2]):
            pm = b
        ps = lo + (pm.end() if pm else 0)
        ps, pe = _trim(text, ps, cut - 2)
        prev = text[ps:pe]
        first = (_words(prev) or [""])[0].lower()
        if (
            prev
            and first not in _INTRO_WORDS
            and first not in _TIME_WORDS
            and _valid_np(prev, allow_comma=False)
            and len(_words(prev)) <= 8
            and (person_names(prev) or person_names(np))
            and not re.search(r"\b(?:on|in|at)\s+[A-Z][a-z]+day\b", prev)
        ):
            if not re.match(r"(?:[A-Z][a-z]+day|[A-Z][a-z]+ \d)", prev):
                s = ps
                np = text[s:e]
    if not _valid_np(np):
        coord = re.match(r"\s*(we|i|they|he|she|it)\s+[^,;:]*\s+and\s*$", text[lo:cue_start], re.I)
        if coord:
            return lo + coord.start(1), lo + coord.end(1)
        return None
    return s, e


def _np_after(ctx: _Context, start: int, hi: int) -> tuple[int, int] | None:
    """A source noun phrase right after an inverted cue: '..., said Breon Peace, the U.S. Attorney ...'.

    The phrase may carry an appositive and then trailing matter ("..., speaking at a conference");
    the longest valid candidate ending at a comma or at the end wins.
    """
    text = ctx.text
    e = _strip_final_punct(text, start, hi)
    s, e = _trim(text, start, e)
    if s >= e:
        return None
    ends = (
        [e]
        + [s + m.start() for m in re.finditer(r",", text[s:e])][::-1][:0]
        + sorted((s + m.start() for m in re.finditer(r",", text[s:e])), reverse=True)
    )
    for cand in ends:
        cs, ce = _trim(text, s, cand)
        np = text[cs:ce]
        # drop a trailing time or place adverbial: "on Sunday", "in a statement", "after the arrest"
        m = _TIME_TAIL.search(np)
        if m and m.start() > 0 and len(_words(m.group(0))) <= 6 and _valid_np(np[: m.start()]):
            cs, ce = _trim(text, cs, cs + m.start())
            np = text[cs:ce]
        if _valid_np(np) and len(_words(np.split(",")[0])) <= 10 and np.count(",") <= 1:
            return cs, ce
    return None


def _source(ctx: _Context, s: int, e: int, sent_idx: int) -> Source:
    src = make_source(ctx.text, s, e, ctx.book, ctx.reg)
    if is_pronoun(src.text):
        # nearest sentence first, named sources before unnamed ones; antecedents are close by
        recent = ctx.history[-_PRONOUN_WINDOW:]
        ranked = sorted(recent, key=lambda x: (-x[0], 0 if x[1].canonical else 1))
        ante = resolve_pronoun(src.text, [h for _, h in ranked])
        if ante is not None:
            src = src.model_copy(
                update={"canonical": ante.canonical or ante.text, "type": ante.type}
            )
    return src


def _quotes_between(ctx: _Context, s: int, e: int) -> list[Quote]:
    """Quotations that overlap [s, e). Quotations never overlap each other, so their ends are
    sorted like their starts and a bisection finds the first candidate."""
    i = bisect.bisect_right(ctx.quote_starts, s)
    i = max(0, i - 1)
    out = []
    while i < len(ctx.quotes) and ctx.quotes[i].start < e:
        if ctx.quotes[i].end > s:
            out.append(ctx.quotes[i])
        i += 1
    return out


def _kind(ctx: _Context, s: int, e: int, nested: bool = False) -> AttributionKind:
    inner = _quotes_between(ctx, s, e)
    if nested:
        inner = [q for q in inner if q.start >= s - 1 and q.end <= e + 1]
        return "mixed" if inner else "indirect"
    if not inner:
        return "indirect"
    for q in inner:
        if q.inner_start <= s + 1 and q.inner_end >= e - 1 and q.start <= s + 1:
            return "direct"
    return "mixed"


def _in_quote(ctx: _Context, pos: int) -> bool:
    i = bisect.bisect_left(ctx.quote_starts, pos) - 1
    return i >= 0 and ctx.quotes[i].start < pos < ctx.quotes[i].end


def _content_after(ctx: _Context, lemma: str, cue_end: int, hi: int) -> tuple[int, int] | None:
    """The content that follows a cue: skip an addressee, a time or place adverbial and "that"."""
    text = ctx.text
    e = _strip_final_punct(text, cue_end, hi)
    s = cue_end
    m = re.match(r"\s*[,:]\s*", text[s:e])
    if m:
        s += m.end()
    elif lemma in _NEEDS_THAT and re.match(r"\s*with\s+", text[s:e]):
        s += re.match(r"\s*with\s+", text[s:e]).end()  # "agree with that assessment"
    else:
        if ctx.reg.cue_forms.get(lemma) != "attitude":
            t = re.search(r"\bthat\s+", text[s : min(e, s + 120)])
            between = text[s : s + t.start()] if t else ""
            if (
                t
                and len(_words(between)) <= 9
                and not any(c in between for c in _QUOTE_CHARS)
                and not any(
                    w.lower() in _NP_VERBISH or w.lower() in ctx.reg.cue_forms
                    for w in _words(between)
                )
            ):
                s += t.end()
            else:
                adv = _LEADING_ADVERBIAL.match(text, s, e)
                if adv:
                    s = adv.end()
                elif lemma in _OBJECT_BEFORE_THAT:
                    obj = re.match(
                        r"\s*(?:the |a |an )?(?:[A-Z][\w.’'-]*\s*)+(?:[A-Z][a-z]+day\s+)?",
                        text[s:e],
                    )
                    if obj and obj.end() < len(text[s:e]):
                        s += obj.end()
        m2 = re.match(r"\s*,?\s*that\s+", text[s:e]) or (
            re.match(r"\s*(?:for|about|over)\s+", text[s:e]) if lemma in {"fear", "worry"} else None
        )
        if m2:
            s += m2.end()
    if ctx.reg.cue_forms.get(lemma) in {"belief", "attitude"}:
        adv = next(
            (m for m in _ADVERBIAL_CLAUSE.finditer(text, s, e) if not _in_quote(ctx, m.start())),
            None,
        )
        if adv:
            e = adv.start()
    if ctx.reg.cue_forms.get(lemma) == "attitude":
        stop = next(
            (m for m in _CLAUSE_AFTER_OBJECT.finditer(text, s, e) if not _in_quote(ctx, m.start())),
            None,
        )
        if stop:
            e = stop.start()
    s, e = _trim(text, s, e)
    if text[s : s + 1] in "'‘":
        close = re.search(r"[’'](?![A-Za-z])|(?<=[?!.])\s", text[s + 1 : e])
        if close:
            s, e = s + 1, s + 1 + close.start()  # "people who say, 'Olive oil in coffee?'"
    q = next((q for q in _quotes_between(ctx, s, s + 1) if q.start == s and q.end >= e), None)
    if q is not None:
        # 'He added: "The Far East ...' runs to the quotation's end, over sentences and paragraphs
        s, e = _trim(text, q.inner_start, q.inner_end, " \t\n\u00a0,.")
    if e - s < 3 or len(_words(text[s:e])) < 2:
        return None
    return s, e


def _addressee_via(ctx: _Context, form: str, start: int, end: int) -> list[Via]:
    """'told the folks at Politico that ...': the words reached us through that outlet."""
    if ctx.reg.cue_lemma.get(form) not in {"tell", "inform"}:
        return []
    span = ctx.text[start:end]
    found = ctx.reg.find_outlets(span)
    outlet = found[0][0] if found else None
    if outlet is None:
        short = next(
            (
                ctx.book.outlet_short[w]
                for w in re.findall(r"[A-Z][a-z]+", span)
                if w in ctx.book.outlet_short
            ),
            None,
        )
        outlet = short
    if outlet is None or outlet.name in ctx.book.own_outlets:
        return []
    m = re.search(re.escape(outlet.name.split()[-1]), span)
    mstart = start + (m.start() if m else 0)
    return [
        Via(
            text=outlet.name if not m else ctx.text[mstart : mstart + len(m.group(0))],
            canonical=outlet.name,
            type=outlet.type,
            start=mstart if m else None,
            end=mstart + len(m.group(0)) if m else None,
        )
    ]


def _cut_at_next_clause(ctx: _Context, content: tuple[int, int], depth: int) -> tuple[int, int]:
    """'while Bancel pointed to X, the earnings report showed Y': X ends before the new clause."""
    cs, ce = content
    for c in re.finditer(r",\s+", ctx.text[cs:ce]):
        b = cs + c.end()
        if _in_quote(ctx, b):
            continue
        m = ctx.cue_re.search(ctx.text, b, ce)
        if m is None or _in_quote(ctx, m.start()):
            continue
        if _valid_np(ctx.text[cs : cs + c.start()]):
            continue  # "a spokesperson from the agency, Romona Bolla, said": an appositive, not a clause
        np = _np_before(ctx, b, m.start())
        if (
            np is not None
            and np[0] == b
            and _cue_ok(
                ctx, m.group(1), ctx.text[np[0] : np[1]], ctx.text[m.end() : ce], nested=depth > 0
            )
            and len(_words(ctx.text[b : m.start()])) <= 5
        ):
            return _trim(ctx.text, cs, cs + c.start())
    return content


def _statement_subject(ctx: _Context, lo: int, cue_start: int) -> tuple[int, int] | None:
    """'Eli Cohen also released a statement calling ...': the subject of the statement."""
    m = _STATEMENT_SUBJECT.search(ctx.text[lo:cue_start])
    if not m:
        return None
    s, e = _trim(ctx.text, lo + m.start("np"), lo + m.end("np"))
    return (s, e) if _valid_np(ctx.text[s:e]) else None


def _find_cue_clause(
    ctx: _Context, lo: int, hi: int, sent_idx: int, allow_quoted: bool, depth: int, via: list[Via]
) -> list[_Draft]:
    """Pattern 4: SOURCE [aux] CUE CONTENT, first valid cue in [lo, hi)."""
    text = ctx.text
    out: list[_Draft] = []
    for m in ctx.cue_re.finditer(text, lo, hi):
        if not allow_quoted and _in_quote(ctx, m.start()):
            continue
        if re.search(r"\bto\s+$", text[max(lo, m.start() - 4) : m.start()]) and not re.search(
            r"\b(?:appears?|seems?|continues?|tends?)\s+to\s+$",
            text[max(lo, m.start() - 16) : m.start()],
        ):
            continue
        form = m.group(1)
        lemma = ctx.reg.cue_lemma.get(form, form)
        np = _np_before(ctx, lo, m.start())
        after = text[m.end() : hi]
        passive = (
            None
            if form.endswith("ing")
            else re.search(
                r"(?:is|are|was|were|being|been)\s+(?:widely\s+|also\s+|now\s+)?$",
                text[lo : m.start()],
            )
        )
        if (
            passive
            and ctx.reg.cue_forms.get(form) == "belief"
            and (
                after.lstrip().startswith("to ")
                or lemma == "suspect"
                and after.lstrip().startswith("of ")
            )
        ):
            # "X is believed to have ...": a belief with no named holder
            cue = Span(
                text=text[passive.start() + lo : m.end()], start=passive.start() + lo, end=m.end()
            )
            end = _strip_final_punct(text, m.end(), hi)
            comma = next(
                (
                    c.start()
                    for c in re.finditer(r",\s", text[m.end() : end])
                    if not _in_quote(ctx, m.end() + c.start())
                ),
                None,
            )
            dash = re.search(r"\s[-–—]\s", text[m.end() : end])
            cut = min(
                x for x in (comma, dash.start() if dash else None, end - m.end()) if x is not None
            )
            content = _trim(text, m.end(), m.end() + cut)
            if lemma == "suspect":
                content = _trim(
                    text,
                    content[0] + len(re.match(r"\s*of\s+", text[content[0] :]).group(0))
                    if re.match(r"\s*of\s+", text[content[0] :])
                    else content[0],
                    content[1],
                )
            out.append(_Draft(None, cue, content, list(via), depth))
            break
        if np is None and form.endswith("ing"):
            np = _statement_subject(ctx, lo, m.start())
        if np is None or not _cue_ok(
            ctx,
            form,
            text[np[0] : np[1]],
            after,
            nested=depth > 0,
            before=text[max(lo, m.start() - 12) : m.start()],
        ):
            continue
        if passive:
            continue
        content = _content_after(ctx, lemma, m.end(), hi)
        if content is None:
            continue
        content = _cut_at_next_clause(ctx, content, depth)
        src = _source(ctx, np[0], np[1], sent_idx)
        cue = Span(text=text[m.start() : m.end()], start=m.start(), end=m.end())
        via = _addressee_via(ctx, form, m.end(), content[0]) + list(via)
        # "expressed deep thanks ... and expressed his willingness ...": one source, two cues
        cs, ce = content
        coord = None
        for c2 in ctx.cue_re.finditer(text, cs, _strip_final_punct(text, cs, hi)):
            pre = text[max(cs, c2.start() - 6) : c2.start()]
            if re.search(r"\band\s+$", pre) and _cue_ok(ctx, c2.group(1), "x", text[c2.end() : hi]):
                coord = c2
                ce = max(ce, _strip_final_punct(text, cs, hi))
                break
        if coord is not None:
            cut = re.search(r"\s*,?\s*and\s+$", text[cs : coord.start()])
            first_end = cs + (cut.start() if cut else coord.start() - cs)
            out.append(_Draft(src, cue, _trim(text, cs, first_end), list(via), depth))
            c2_content = _content_after(
                ctx, ctx.reg.cue_lemma.get(coord.group(1), ""), coord.end(), ce
            )
            if c2_content:
                cue2 = Span(text=coord.group(1), start=coord.start(), end=coord.end())
                out.append(_Draft(src, cue2, c2_content, list(via), depth))
        else:
            out.append(_Draft(src, cue, content, list(via), depth))
        # "Pyongyang praised X to which Moscow showed its thanks ...": a second clause after the content
        rest = max(d.content[1] for d in out)
        if depth == 0 and rest < hi - 10:
            out.extend(_find_cue_clause(ctx, rest, hi, sent_idx, allow_quoted, depth, via))
        break
    return out


def _tail(ctx: _Context, q: Quote, idx: int) -> _Draft | None:
    """The speaker named right after a closing quote: '"...," it said.' / '"...," said McCaul.'"""
    text = ctx.text
    sent = ctx.sentences[idx]
    tail_s = q.end
    tail_e = _strip_final_punct(text, tail_s, sent.end)
    tail = text[tail_s:tail_e]
    if not tail.strip() or tail.lstrip()[:1] in OPEN_MARKS:
        return None
    # stop the tail at a second quote: '"X," he said, "Y."'
    stop = next(
        (qq.start for qq in _quotes_between(ctx, tail_s, tail_e) if tail_s < qq.start < tail_e),
        tail_e,
    )
    lead = re.match(r"\s*,?\s*", tail)
    ts = tail_s + (lead.end() if lead else 0)
    inv = ctx.cue_re.match(text, ts)
    cs, ce = _trim(text, q.inner_start, q.inner_end, " \t\n\u00a0,")
    if inv and ctx.reg.cue_lemma.get(inv.group(1)) in _TAIL_LEMMAS - _ADDRESSEE_LEMMAS:
        np = _np_after(ctx, inv.end(), stop)
        if np:
            cue = Span(text=inv.group(1), start=inv.start(), end=inv.end())
            return _Draft(_source(ctx, np[0], np[1], idx), cue, (cs, ce))
    for m in ctx.cue_re.finditer(text, ts, stop):
        if ctx.reg.cue_lemma.get(m.group(1)) not in _TAIL_LEMMAS:
            continue
        np = _np_before(ctx, ts, m.start())
        if np is None or text[ts : np[0]].strip():
            continue
        cue = Span(text=m.group(1), start=m.start(), end=m.end())
        return _Draft(
            _source(ctx, np[0], np[1], idx),
            cue,
            (cs, ce),
            _addressee_via(ctx, m.group(1), m.end(), stop),
        )
    return None


def _opens_sentence(ctx: _Context, q: Quote) -> bool:
    i = bisect.bisect_left(ctx.sentence_starts, q.start)
    return i < len(ctx.sentence_starts) and ctx.sentence_starts[i] == q.start


def _quote_first(ctx: _Context, sent: Sentence, idx: int) -> list[_Draft]:
    """Pattern 1: a quotation that opens a sentence (this one or an earlier one) and closes in
    this sentence on its speaker: '"...," it said.', '"A. B," Mr Schultz said.'"""
    for q in _quotes_between(ctx, sent.start, sent.end):
        if sent.start <= q.end < sent.end and q.start <= sent.start and _opens_sentence(ctx, q):
            d = _tail(ctx, q, idx)
            return [d] if d else []
    return []


def _closed_later_by_speaker(ctx: _Context, q: Quote, idx: int) -> bool:
    """A quotation that runs on into a later sentence and ends there on its speaker."""
    if q.end <= ctx.sentences[idx].end or not _opens_sentence(ctx, q):
        return False
    j = _sentence_of(ctx, q.end - 1)
    return j > idx and q.end < ctx.sentences[j].end and _tail(ctx, q, j) is not None


def _hedge_adverbs(ctx: _Context, sent: Sentence, idx: int, found: list[_Draft]) -> list[_Draft]:
    """'reportedly', 'allegedly', 'As alleged,': the claim is someone's, though no one is named."""
    text = ctx.text
    out = []
    for m in _HEDGE_ADVERB.finditer(text, sent.start, sent.end):
        start = m.end()
        inq = next(
            (
                q
                for q in _quotes_between(ctx, m.start(), m.start() + 1)
                if q.inner_start <= m.start() < q.inner_end
            ),
            None,
        )
        end = inq.inner_end if inq else _strip_final_punct(text, sent.start, sent.end)
        stop = re.compile(r",\s+(?:and|but|while|whereas)\s+|;\s").search(text, start, end)
        if stop:
            end = stop.start()
        cs, ce = _trim(text, start, end, " \t\n\u00a0,.")
        if len(_words(text[cs:ce])) >= 2:
            cue = Span(text=m.group(1), start=m.start(1), end=m.end(1))
            # inside someone's quotation the hedge is theirs: via that speaker
            holder = next(
                (
                    d
                    for d in reversed(found)
                    if d.source is not None and d.content[0] <= m.start() < d.content[1]
                ),
                None,
            )
            out.append(_Draft(None, cue, (cs, ce), _via_of(holder) if holder else []))
    return out


def _what_it_calls(ctx: _Context, sent: Sentence, idx: int) -> list[_Draft]:
    """'in response to what it calls "astonishing growth"': the term is the source's."""
    text = ctx.text
    out = []
    for m in _WHAT_X_CALLS.finditer(text, sent.start, sent.end):
        q = next(
            (q for q in _quotes_between(ctx, m.end(), m.end() + 1) if q.start == m.end()), None
        )
        if q is None:
            continue
        cs, ce = _trim(text, q.inner_start, q.inner_end, " \t\n\u00a0,.")
        cue = Span(text=m.group("cue"), start=m.start("cue"), end=m.end("cue"))
        out.append(_Draft(_source(ctx, m.start("np"), m.end("np"), idx), cue, (cs, ce)))
    return out


def _caps_headline(ctx: _Context, sent: Sentence, idx: int) -> list[_Draft]:
    """Kicker headlines in capitals: 'BIDEN ANNOUNCES ...', '...: REPORTS', "...: 'THEY CAN KEEP HIM!'"."""
    text = ctx.text
    letters = [c for c in sent.text if c.isalpha()]
    if len(letters) < 8 or sum(c.isupper() for c in letters) / len(letters) < 0.8:
        return []
    lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text[sent.start : sent.end])
    out: list[_Draft] = []
    colon = sent.text.rfind(":")
    head_end = sent.start + colon if colon > 0 else sent.end
    for m in ctx.cue_re.finditer(lowered):
        cs0 = sent.start + m.start()
        if cs0 >= head_end:
            break
        np = (sent.start, cs0 - 1)
        if not 1 <= len(_words(text[np[0] : np[1]])) <= 5 or _in_quote(ctx, cs0):
            continue
        content = _trim(text, sent.start + m.end(), head_end)
        if content[1] - content[0] < 3:
            continue
        src = _source(ctx, np[0], np[1], idx)
        outer = _Draft(
            src,
            Span(text=text[cs0 : sent.start + m.end()], start=cs0, end=sent.start + m.end()),
            content,
        )
        out.append(outer)
        # "TATE CLAIMS BIG TECH BANNED HIM AFTER 'LARGE SWATHS' OF PEOPLE AGREED WITH ...": a nested claim
        for m2 in ctx.cue_re.finditer(lowered, content[0] - sent.start, head_end - sent.start):
            c2 = sent.start + m2.start()
            lead = list(
                re.finditer(
                    r"\b(?:after|that|as|when|because|since|while)\s+", lowered[: m2.start()]
                )
            )
            if not lead or lead[-1].end() + sent.start <= content[0]:
                continue
            n2 = (sent.start + lead[-1].end(), c2 - 1)
            if not 1 <= len(_words(text[n2[0] : n2[1]])) <= 5:
                continue
            rest = re.match(r"\s*(?:with|that)?\s*", lowered[m2.end() :])
            inner = _trim(text, sent.start + m2.end() + (rest.end() if rest else 0), head_end)
            if inner[1] - inner[0] >= 3:
                out.append(
                    _Draft(
                        _source(ctx, n2[0], n2[1], idx),
                        Span(
                            text=text[c2 : sent.start + m2.end()],
                            start=c2,
                            end=sent.start + m2.end(),
                        ),
                        inner,
                        _via_of(outer),
                        1,
                    )
                )
            break
        break
    if colon > 0:
        after = _trim(text, head_end + 1, _strip_final_punct(text, head_end + 1, sent.end))
        colon_cue = Span(text=":", start=head_end, end=head_end + 1)
        quoted = next(
            (q for q in _quotes_between(ctx, after[0], after[0] + 1) if q.start == after[0]), None
        )
        if quoted is not None or text[after[0] : after[0] + 1] in "'‘":
            inner = (
                after[0] + 1,
                after[1] - (1 if text[after[1] - 1 : after[1]] in "'’\"”" else 0),
            )
            if out and out[0].source is not None:
                out.append(_Draft(out[0].source, colon_cue, _trim(text, *inner, chars=" !?.,")))
        elif 1 <= len(_words(text[after[0] : after[1]])) <= 5:
            out.append(
                _Draft(
                    _source(ctx, after[0], after[1], idx),
                    colon_cue,
                    _trim(text, sent.start, head_end),
                )
            )
    return out


def _trailing(ctx: _Context, sent: Sentence, idx: int) -> list[_Draft]:
    """Pattern 2: '..., KCNA said.' / '..., according to X.' / '..., said X.'"""
    text = ctx.text
    end = _strip_final_punct(text, sent.start, sent.end)
    for b in reversed(
        list(re.finditer(r",[”\"]?\s+|[”\"]\s+(?=[a-z])|[”\"],?\s+", text[sent.start : end]))
    ):
        bs, be = sent.start + b.start(), sent.start + b.end()
        if _in_quote(ctx, be) or be >= end:
            continue
        if len(_words(text[sent.start : bs])) < 3:
            continue
        if _OPENING_ADVERBIAL.match(text[sent.start : bs]) and "," not in text[sent.start : bs]:
            continue  # "Shortly after the ruling, Andrew posted again": an adverbial clause, not content
        tail = text[be:end]
        content_end = bs
        if text[bs] == "," and bs > 0 and text[bs + 1 : bs + 2] in CLOSE_MARKS + '"':
            content_end = bs + 2  # keep the closing quote with its content
        content = _trim(ctx.text, sent.start, content_end)
        if text[bs] in CLOSE_MARKS + '"':
            content = _trim(ctx.text, sent.start, bs + 1)
        pm = re.match(r"(according to|as reported by|citing)\s+", tail, re.I)
        if pm:
            np = _np_after(ctx, be + pm.end(), end)
            if np:
                cue = Span(
                    text=text[be : be + pm.end()].strip(), start=be, end=be + len(pm.group(1))
                )
                return [_Draft(_source(ctx, np[0], np[1], idx), cue, content)]
            continue
        inv = ctx.cue_re.match(text, be)
        if inv and ctx.reg.cue_lemma.get(inv.group(1)) in _TAIL_LEMMAS - _ADDRESSEE_LEMMAS:
            np = _np_after(ctx, inv.end(), end)
            if np:
                cue = Span(text=inv.group(1), start=inv.start(), end=inv.end())
                return [_Draft(_source(ctx, np[0], np[1], idx), cue, content)]
            continue
        for m in ctx.cue_re.finditer(text, be, end):
            if ctx.reg.cue_lemma.get(m.group(1)) not in _TAIL_LEMMAS:
                continue
            np = _np_before(ctx, be, m.start())
            if np is None or text[be : np[0]].strip():
                continue
            rest = text[m.end() : end]
            if len(_words(rest)) > 8 or "," in rest or " that " in f" {rest} ":
                break
            lemma = ctx.reg.cue_lemma.get(m.group(1))
            if (
                len(_words(rest)) > 2
                and lemma not in {"tell", "inform"}
                and not _ADVERBIAL_TAIL.match(rest)
            ):
                break
            if not _cue_ok(ctx, m.group(1), "x", rest if rest.strip() else " that it"):
                break
            cue = Span(text=m.group(1), start=m.start(), end=m.end())
            np, content = _name_before_appositive(ctx, sent, bs, np, content)
            return [_Draft(_source(ctx, np[0], np[1], idx), cue, content)]
    return []


def _name_before_appositive(
    ctx: _Context, sent: Sentence, bs: int, np: tuple[int, int], content: tuple[int, int]
) -> tuple[tuple[int, int], tuple[int, int]]:
    """'..., Jonathan Sivarajah, an El Al frequent flier, told CNN.': the name before the
    appositive belongs to the source, and the content ends before it."""
    text = ctx.text
    prev = list(re.finditer(r",\s+", text[sent.start : bs]))
    if not prev:
        return np, content
    ps = sent.start + prev[-1].end()
    name = text[ps:bs]
    names = person_names(name)
    if (
        names
        and names[0][1] == 0
        and names[0][2] >= len(name.rstrip()) - 1
        and len(name.split()) <= 4
    ):
        return (ps, np[1]), _trim(text, content[0], sent.start + prev[-1].start())
    return np, content


def _leading_according(ctx: _Context, sent: Sentence, idx: int) -> list[_Draft]:
    """Pattern 3: 'According to X, ...' and '..., according to X, ...' in mid-sentence."""
    text = ctx.text
    end = _strip_final_punct(text, sent.start, sent.end)
    for m in re.finditer(
        r"(?:^|,\s+)(according to|as reported by)\s+([^,]{2,120}),\s+", text[sent.start : end], re.I
    ):
        if _in_quote(ctx, sent.start + m.start(1)):
            continue
        np = _np_after(ctx, sent.start + m.start(2), sent.start + m.end(2))
        if not np:
            continue
        cue = Span(text=m.group(1), start=sent.start + m.start(1), end=sent.start + m.end(1))
        if m.start() == 0:
            content = _trim(text, sent.start + m.end(), end)
        else:
            content = _trim(text, sent.start, end)
        return [_Draft(_source(ctx, np[0], np[1], idx), cue, content)]
    return []


def _passive_by(ctx: _Context, sent: Sentence, idx: int) -> list[_Draft]:
    """'The guilty pleas were first reported by the Wall Street Journal.'"""
    text = ctx.text
    end = _strip_final_punct(text, sent.start, sent.end)
    m = _PASSIVE_BY.search(text[sent.start : end])
    if not m:
        return []
    np = _np_after(ctx, sent.start + m.end(), end)
    if not np:
        return []
    content = _trim(text, sent.start, sent.start + m.start())
    cue = Span(
        text=text[sent.start + m.start() + 1 : sent.start + m.end()].strip(),
        start=sent.start + m.start() + 1,
        end=sent.start + m.end() - 1,
    )
    cue = Span(text=text[cue.start : cue.end], start=cue.start, end=cue.end)
    return [_Draft(_source(ctx, np[0], np[1], idx), cue, content)]


def _split_participle(ctx: _Context, d: _Draft) -> list[_Draft]:
    """'told reporters that X, insisting Y': two relations with one source."""
    if d.source is None or d.cue is None:
        return [d]
    cs, ce = d.content
    m = _PARTICIPLE.search(ctx.text, cs, ce)
    if not m or _in_quote(ctx, m.start()) or ctx.reg.cue_lemma.get(m.group(1)) is None:
        return [d]
    second = _content_after(ctx, ctx.reg.cue_lemma[m.group(1)], m.end(1), ce)
    first = _trim(ctx.text, cs, m.start())
    if second is None or first[1] - first[0] < 3:
        return [d]
    cue2 = Span(text=m.group(1), start=m.start(1), end=m.end(1))
    return [
        _Draft(d.source, d.cue, first, list(d.via), d.depth),
        _Draft(d.source, cue2, second, list(d.via), d.depth),
    ]


def _via_of(d: _Draft) -> list[Via]:
    if d.source is None:
        return list(d.via)
    return [
        Via(
            text=d.source.text,
            canonical=d.source.canonical,
            type=d.source.type,
            start=d.source.start,
            end=d.source.end,
        ),
        *d.via,
    ]


def _same_holder(inner: Source, outer: Source) -> bool:
    t = inner.text.strip().lower()
    if t in {"we", "i"} and is_person(outer):
        return False  # a person's "we believe" is reported through that person
    if inner.canonical and outer.canonical and inner.canonical == outer.canonical:
        return True
    org = outer.type != "other" or not person_names(outer.text)
    if t == "it" or (
        t in {"we", "they"} and org and outer.type not in {"anonymous"} and not is_person(outer)
    ):
        return org
    if t in {"he", "she"} and not org:
        return True
    return bool(_SELF_DESCRIPTION.fullmatch(t)) and org


def _nested(ctx: _Context, outer: _Draft, idx: int) -> list[_Draft]:
    if outer.depth >= 2 or outer.source is None:
        return []
    cs, ce = outer.content
    inner = _find_cue_clause(
        ctx, cs, ce, idx, allow_quoted=True, depth=outer.depth + 1, via=_via_of(outer)
    )
    inner = [d for d in inner if d.source is not None and d.source.start >= cs]
    for d in inner:
        if _same_holder(d.source, outer.source):
            # "Pfizer said it expects ...", "Lordstown said ... the company believes": the
            # holder reports its own belief, so it is not an intermediary
            d.source = d.source.model_copy(
                update={"canonical": outer.source.canonical, "type": outer.source.type}
            )
            d.via = list(outer.via)
    more = []
    for d in inner:
        more.extend(_nested(ctx, d, idx))
    return inner + more


def _sentence_of(ctx: _Context, pos: int) -> int:
    """The sentence holding ``pos``, or the next one when ``pos`` falls between sentences."""
    i = bisect.bisect_right(ctx.sentence_starts, pos) - 1
    if i >= 0 and pos < ctx.sentences[i].end:
        return i
    return min(i + 1, len(ctx.sentences) - 1)


def _floating(ctx: _Context, idx: int, found: list[_Draft]) -> list[_Draft]:
    """Quotes in this sentence that no attribution covers go to the latest speaker."""
    sent = ctx.sentences[idx]
    out = []
    for q in _quotes_between(ctx, sent.start, sent.end):
        if not (sent.start <= q.start < sent.end):
            continue
        if any(d.content[0] <= q.inner_start and q.inner_end <= d.content[1] + 1 for d in found):
            continue
        if _closed_later_by_speaker(ctx, q, idx):
            continue
        cs, ce = _trim(ctx.text, q.inner_start, q.inner_end, " \t\n\u00a0,.")
        if ce - cs < 2:
            continue
        words = _words(ctx.text[cs:ce])
        if len(words) >= 4 and sum(w[0].isupper() for w in words) / len(words) > 0.7:
            continue  # a quoted headline ("Pfizer's COVID-19 Franchise Hits The Downturn"), not speech
        # the latest named speaker in this sentence or within the two before it
        speaker = None
        for d in reversed(found + ctx.drafts):
            if d.source is None or d.depth > 0:
                continue
            d_idx = _sentence_of(ctx, d.source.start) if d.source.start is not None else -99
            c_idx = _sentence_of(ctx, d.content[0])
            if idx - max(d_idx, c_idx) <= 2:
                speaker = d
            break
        if speaker is None or speaker.source is None:
            continue
        out.append(_Draft(speaker.source, None, (cs, ce), list(speaker.via), 0))
    return out


def find_attributions(
    text: str, sentences: list[Sentence], book: NameBook | None = None
) -> list[Attribution]:
    """All attributions in an article, in text order, with ids ``a1``, ``a2`` ..."""
    reg = registry()
    quotes = find_quotes(text)
    ctx = _Context(
        text=text,
        sentences=sentences,
        quotes=quotes,
        book=book or NameBook.from_text(text, reg),
        reg=reg,
        cue_re=_cue_regex(reg),
        quote_starts=[q.start for q in quotes],
        sentence_starts=[s.start for s in sentences],
    )
    for idx, sent in enumerate(sentences):
        found: list[_Draft] = []
        for rule in (_caps_headline, _quote_first, _trailing, _leading_according, _passive_by):
            found = rule(ctx, sent, idx)
            if found:
                break
        if not found:
            found = _find_cue_clause(
                ctx, sent.start, sent.end, idx, allow_quoted=False, depth=0, via=[]
            )
        found = [x for d in found for x in _split_participle(ctx, d)]
        nested = [n for d in found for n in _nested(ctx, d, idx)]
        found = found + nested + _what_it_calls(ctx, sent, idx)
        floating = _floating(ctx, idx, found)
        found += floating + [n for d in floating for n in _nested(ctx, d, idx)]
        found += _hedge_adverbs(ctx, sent, idx, found)
        for d in found:
            if d.source is not None and not is_pronoun(d.source.text) and d.depth == 0:
                ctx.history.append((idx, d.source))
            elif d.source is not None and d.source.canonical:
                ctx.history.append((idx, d.source))
        # a sentence-initial person is a candidate antecedent for a later "he"/"she"
        for _name, s, e in person_names(sent.text, reg)[:1]:
            if s <= 2:
                src = make_source(text, sent.start + s, sent.start + e, ctx.book, reg)
                if src.type not in {"state_media", "outlet", "wire", "public_broadcaster"}:
                    ctx.history.append((idx, src))
        ctx.drafts.extend(found)
    return _to_models(ctx)


def _to_models(ctx: _Context) -> list[Attribution]:
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
        first = _sentence_of(ctx, cs)
        last = _sentence_of(ctx, max(cs, ce - 1))
        if d.cue is not None:
            first, last = (
                min(first, _sentence_of(ctx, d.cue.start)),
                max(last, _sentence_of(ctx, d.cue.start)),
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
                kind=_kind(ctx, cs, ce, nested=d.depth > 0),
                via=d.via,
                sentence_ids=sids,
            )
        )
    return out
