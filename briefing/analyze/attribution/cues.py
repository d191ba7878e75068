"""Cues: whether a cue word is a cue here, the content that follows it, and the outlet its
addressee names.

Many cue words are also nouns or have other senses ("the charges", "posted a map", "problems
add to"); the lists of such words are in ``data/cue_rules.yaml``.
"""

from __future__ import annotations

import re

from briefing.analyze.attribution.context import (
    QUOTE_CHARS,
    Context,
    in_quote,
    quotes_between,
    strip_final_punct,
    trim,
    words_of,
)
from briefing.analyze.lexicon import lexicon, one_of
from briefing.models import Via

_LEX = lexicon()
_CUES = _LEX.cue_rules
_ADV = _LEX.adverbials
_WEEKDAY = rf"(?:{one_of(_LEX.calendar.weekdays)})"
_NOUN_AMBIGUOUS = _CUES.noun_forms
_STANCE_REQUIRED = _CUES.stance_required
_OBJECT_BEFORE_THAT = _CUES.object_before_that
_NEEDS_THAT = _CUES.needs_that
_NP_VERBISH = _LEX.source_phrases.verbish
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
# "called for more funding in a statement on Thursday": how it was said, after the content
_TRAILING_STATEMENT = re.compile(
    r"\s+(?:in|on|during)\s+(?:a|an|the|its|his|her|their)\s+(?:[\w-]+\s+){0,3}?"
    rf"(?:{one_of(_ADV.statements)})(?:\s+(?:on|last|this)\s+\w+)?\s*$"
)
_ADVERBIAL_CLAUSE = re.compile(rf",\s+(?=(?:{one_of(_ADV.clause_openers)})\b)")
# "the earnings report showed a company taking shape": evidence, not a stance
_EVIDENCE_SHOWED = re.compile(rf"\b(?:{one_of(_CUES.evidence_nouns)})\s*$")


def cue_ok(
    ctx: Context, form: str, np: str, after: str, nested: bool = False, before: str = ""
) -> bool:
    """Filter cue words that are often something else (nouns, other senses)."""
    reg = ctx.reg
    lemma = reg.cue_lemma.get(form, form)
    cls = reg.cue_forms.get(form)
    after_l = after.lstrip().lower()
    if after_l.split(maxsplit=1)[:1] and after_l.split(maxsplit=1)[0].strip(".,;:") in (
        _CUES.phrasal.get(lemma, ())
    ):
        return False  # "will not back down": another verb
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
        head = words_of(after)[:5]
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


# "asked Pence whether that would happen": the "that" after a question word is no complementizer
_WH = re.compile(r"\b(?:whether|if|why|how|what|when|where|who)\b", re.I)


def content_after(ctx: Context, lemma: str, cue_end: int, hi: int) -> tuple[int, int] | None:
    """The content that follows a cue: skip an addressee, a time or place adverbial and "that"."""
    text = ctx.text
    e = strip_final_punct(text, cue_end, hi)
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
                and len(words_of(between)) <= 9
                and not any(c in between for c in QUOTE_CHARS)
                and not _WH.search(between)
                and not any(
                    w.lower() in _NP_VERBISH or w.lower() in ctx.reg.cue_forms
                    for w in words_of(between)
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
            (m for m in _ADVERBIAL_CLAUSE.finditer(text, s, e) if not in_quote(ctx, m.start())),
            None,
        )
        if adv:
            e = adv.start()
    if ctx.reg.cue_forms.get(lemma) == "attitude":
        stop = next(
            (m for m in _CLAUSE_AFTER_OBJECT.finditer(text, s, e) if not in_quote(ctx, m.start())),
            None,
        )
        if stop:
            e = stop.start()
    s, e = trim(text, s, e)
    tail = _TRAILING_STATEMENT.search(text, s, e)
    if tail and not in_quote(ctx, tail.start()) and tail.start() - s > 10:
        s, e = trim(text, s, tail.start())
    if text[s : s + 1] in "'‘":
        close = re.search(r"[’'](?![A-Za-z])|(?<=[?!.])\s", text[s + 1 : e])
        if close:
            s, e = s + 1, s + 1 + close.start()  # "people who say, 'Olive oil in coffee?'"
    q = next((q for q in quotes_between(ctx, s, s + 1) if q.start == s and q.end >= e), None)
    if q is not None:
        # 'He added: "The Far East ...' runs to the quotation's end, over sentences and paragraphs
        s, e = trim(text, q.inner_start, q.inner_end, " \t\n\u00a0,.")
    if e - s < 3 or len(words_of(text[s:e])) < 2:
        return None
    return s, e


def addressee_via(ctx: Context, form: str, start: int, end: int) -> list[Via]:
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
