"""The source noun phrase: where it starts before a cue, where it ends after an inverted one.

"Foreign Minister Sergei Lavrov, who ..., has repeatedly said" is cut down to its source by
skipping auxiliaries and adverbs, clause boundaries, connectives, time tails and appositives;
the word lists that decide those cuts are in ``data/source_phrases.yaml`` and
``data/adverbials.yaml``.
"""

from __future__ import annotations

import re

from briefing.analyze.attribution.context import (
    QUOTE_CHARS,
    Context,
    strip_final_punct,
    trim,
    words_of,
)
from briefing.analyze.lexicon import lexicon, one_of
from briefing.analyze.sources import person_names

_LEX = lexicon()
_NP = _LEX.source_phrases
_CUES = _LEX.cue_rules
_AUX = rf"(?:(?:{one_of(_NP.auxiliaries)}|on [A-Z][a-z]+day|[A-Z][a-z]+day)\s+)*"
_NP_BAD_START = _NP.bad_start
_NP_VERBISH = _NP.verbish
_PREPOSITIONS_END = _NP.bad_end
_INTRO_WORDS = _NP.intro
_MAX_NP_WORDS = 14
_TIME_WORDS = _NP.time_words
_NP_LOWER_START = _NP.lower_start
_TIME_TAIL = re.compile(rf"\s+(?:{one_of(_LEX.adverbials.time_tail)})\b(?:[^,]{{0,60}})$")
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


# what may stand between a name and its relative clause: an age, a town, a state's abbreviation
_DESCRIPTOR = re.compile(r"\d{1,3}|of [A-Z][\w.’' -]*|[A-Z][a-z]{1,3}\.|[A-Z]\.[A-Z]\.")


# A free relative before its cue ("encourage Americans to check out what he called ..."): its
# pronoun is the source, not the clause before it.
_FREE_RELATIVE = re.compile(r"\bwhat\s+(he|she|they|we|I|it)\s*$")
# A pronoun and a verb after it open a clause, not a source ("she appreciated Machado's
# courage through what she calls ...").
_CLAUSE_START = re.compile(r"^(?:he|she|they|we|i)\s+[a-z]+(?:ed|es)\b", re.I)


def valid_np(np: str, allow_comma: bool = True, lower_ok: bool = False) -> bool:
    """Whether a stretch reads as a source noun phrase; ``lower_ok``: one that opens on any
    lowercase word may (after "according to": "attorneys for the family", "exit polls")."""
    np = np.strip().rstrip(",")
    words = words_of(np)
    if not words or len(words) > _MAX_NP_WORDS:
        return False
    if any(ch in np for ch in QUOTE_CHARS) or "(" in np or ";" in np or ":" in np:
        return False
    if not allow_comma and "," in np:
        return False
    lw = [w.lower() for w in words]
    if lw[0] in _NP_BAD_START or lw[-1] in _PREPOSITIONS_END:
        return False
    if (
        words[0][0].islower()
        and not lower_ok
        and lw[0] not in _NP_LOWER_START
        and not re.search(r"\b[A-Z][a-z]+", np)
    ):
        return False  # "leader Kim Jong Un" is fine, "chairs the committee" is not
    if any(w in _NP_VERBISH or re.sub(r"n[’']t$", "", w) in _NP_VERBISH for w in lw):
        return False  # "he wasn't too [worried]": a clause, not who
    if np.count(",") > 2:
        return False
    if _CLAUSE_START.match(np.strip()) and len(words_of(np)) > 2:
        return False
    if re.search(r"\b[a-z]+ed\s+(?:a|an|the|its|his|her|their|to)\b", np):
        return False  # "Eli Cohen also released a statement calling ...": a clause, not a name
    # something nominal: a capitalised word, a pronoun, or a determiner/plural noun phrase
    return bool(re.search(r"[A-Z]", np)) or lw[0] in _NP_LOWER_START or lower_ok


def np_before(ctx: Context, lo: int, cue_start: int) -> tuple[int, int] | None:
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
    _, end = trim(text, lo, end)
    head = text[lo:end]
    rel = re.match(r"(.*?\S),\s+(?:who|which)\s[^,]*$", head)
    if rel and "," in text[end:cue_start]:
        # the relative clause closes before the cue; without the comma the cue is its verb
        # ("the extract, which the show praised, was ...")
        # "Smith, who chairs the committee, said": the name and its relative clause
        before = list(re.finditer(r",\s+|[:;]\s+|[”\"]\s+", rel.group(1)))
        starts = [0] + [b.end() for b in before]
        ends = [b.start() for b in before] + [len(rel.group(1))]
        k = len(starts) - 1
        while k > 0 and _DESCRIPTOR.fullmatch(rel.group(1)[starts[k] : ends[k]]):
            k -= 1  # "Mary Rawlings, 59, of Ashton, Md., who ...": her age and her town
        if k == len(starts) - 1 or not person_names(rel.group(1)[starts[k] : ends[k]]):
            k = len(starts) - 1
        rs, rend = trim(text, lo + starts[k], end)
        if valid_np(text[rs : lo + rel.end(1)]):
            return rs, rend
    # clause boundaries: the NP starts after the last one
    cut = lo
    for b in _CLAUSE_CUT.finditer(head):
        cut = lo + b.end()
    s, e = trim(text, cut, end)
    if s >= e:
        return None
    if s >= e or re.search(r"\bwho\s*$", text[lo:end]):
        for n in range(1, 5):  # "people who say ...": the shortest noun phrase before "who"
            rel = re.search(rf"((?:[\w’'-]+\s+){{{n - 1}}}[\w’'-]+)\s+who\s*$", text[lo:end])
            if rel and valid_np(rel.group(1)):
                return lo + rel.start(1), lo + rel.end(1)
        return None
    lead = _CONNECTIVES.match(text[s:e])
    if lead and e - s > lead.end():
        s += lead.end()  # ", with a spokesperson stating ...", ", and now many fear ..."
    tm = _TIME_TAIL.search(text[s:e])
    if tm and tm.start() > 0 and len(words_of(tm.group(0))) <= 6:
        s, e = trim(text, s, s + tm.start())
    np = text[s:e]
    # appositive: "Michael J. Driscoll, the assistant director ..., said" /
    # "Watson's attorney, Lanny Breuer, told"
    if (
        cut > lo
        and text[cut - 2 : cut].startswith(",")
        and re.match(r"(?:including|such as|among them)\b", text[s:e])
    ):
        # "Many governments, including the US, have accused": the head is before the comma
        prev = [b for b in re.finditer(r"(?:,\s+|[:;]\s+|[”\"]\s+)", text[lo : cut - 2])]
        ps = lo + (prev[-1].end() if prev else 0)
        if valid_np(text[ps : cut - 2], allow_comma=False):
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
        ps, pe = trim(text, ps, cut - 2)
        prev = text[ps:pe]
        first = (words_of(prev) or [""])[0].lower()
        if (
            prev
            and first not in _INTRO_WORDS
            and first not in _TIME_WORDS
            and valid_np(prev, allow_comma=False)
            and len(words_of(prev)) <= 8
            and (person_names(prev) or person_names(np))
            and not re.search(r"\b(?:on|in|at)\s+[A-Z][a-z]+day\b", prev)
        ):
            if not re.match(r"(?:[A-Z][a-z]+day|[A-Z][a-z]+ \d)", prev):
                s = ps
                np = text[s:e]
    free = _FREE_RELATIVE.search(np)
    if free:
        return s + free.start(1), s + free.end(1)  # "... what he called": he
    if not valid_np(np):
        coord = re.match(r"\s*(we|i|they|he|she|it)\s+[^,;:]*\s+and\s*$", text[lo:cue_start], re.I)
        if coord:
            return lo + coord.start(1), lo + coord.end(1)
        return None
    return s, e


def np_after(ctx: Context, start: int, hi: int, lower_ok: bool = False) -> tuple[int, int] | None:
    """A source noun phrase right after an inverted cue: '..., said Breon Peace, the U.S.
    Attorney ...'.

    The phrase may carry an appositive and then trailing matter ("..., speaking at a conference");
    the longest valid candidate ending at a comma or at the end wins; ``lower_ok`` as in
    :func:`valid_np`.
    """
    text = ctx.text
    e = strip_final_punct(text, start, hi)
    s, e = trim(text, start, e)
    if s >= e:
        return None
    dash = re.search(r"\s[-–—]{1,2}\s", text[s:e])
    if dash:
        e = s + dash.start()  # "according to the Tax Policy Center - half a point of GDP"
    ends = (
        [e]
        + [s + m.start() for m in re.finditer(r",", text[s:e])][::-1][:0]
        + sorted((s + m.start() for m in re.finditer(r",", text[s:e])), reverse=True)
    )
    for cand in ends:
        cs, ce = trim(text, s, cand)
        np = text[cs:ce]
        # drop a trailing time or place adverbial: "on Sunday", "in a statement", "after the arrest"
        m = _TIME_TAIL.search(np)
        if m and m.start() > 0 and len(words_of(m.group(0))) <= 6 and valid_np(np[: m.start()]):
            cs, ce = trim(text, cs, cs + m.start())
            np = text[cs:ce]
        if (
            valid_np(np, lower_ok=lower_ok)
            and len(words_of(np.split(",")[0])) <= 10
            and np.count(",") <= 1
        ):
            return cs, ce
    return None


def statement_subject(ctx: Context, lo: int, cue_start: int) -> tuple[int, int] | None:
    """'Eli Cohen also released a statement calling ...': the subject of the statement."""
    m = _STATEMENT_SUBJECT.search(ctx.text[lo:cue_start])
    if not m:
        return None
    s, e = trim(ctx.text, lo + m.start("np"), lo + m.end("np"))
    return (s, e) if valid_np(ctx.text[s:e]) else None
