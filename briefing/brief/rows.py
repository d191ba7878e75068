"""Who-said-what rows: a statement as its speaker, its reporting words and what was said, read
alone.

A row names someone a reader can tell (never "you", an unresolved pronoun or someone of one's),
keeps the words a speaker interrupts whole with their subject, keeps a denied reporting verb
("weren't too concerned"), and shows a reporting verb the row opens on as the sentence has it.
A source is labelled here too (:func:`describe`), so that rows, lines and the gate name a
source alike.
"""

from __future__ import annotations

import re

from briefing.analyze.lexicon import lexicon, one_of, registry
from briefing.analyze.sources import is_pronoun
from briefing.brief import lines, rank
from briefing.models import Analysis, Attribution, Ref, SaidItem, Sentence, Source, Via

# The longest claim a line or row shows whole; a longer one is cut at a word and marked.
MAX_CLAIM = 240


def describe(src: Source | Via | None, *, inline: bool = False) -> str:
    """A source as a reader should see it: 'KCNA (North Korean state media)', 'Vladimir Putin'.

    ``inline`` gives the form that reads inside a parenthesis: 'KCNA, North Korean state media'.
    """
    label = _describe(src)
    if inline and label.endswith(")") and " (" in label:
        name, _, desc = label[:-1].partition(" (")
        return f"{name}, {desc}"
    return label


def _describe(src: Source | Via | None) -> str:
    """The label of :func:`describe`: state media always say whose they are, an anonymous
    source keeps the article's own words ("a senior official")."""
    if src is None:
        return "unattributed"
    name = src.canonical or src.text.strip()
    if src.type == "state_media":
        return registry().state_media_label(name)
    if src.type == "anonymous":
        return src.text.strip()
    return name


def ref(analysis: Analysis, sids: list[str]) -> Ref:
    """The reference a line carries back to the sentences it came from."""
    return Ref(
        article_id=analysis.article.id,
        sentence_ids=sids,
        label=f"{analysis.article.id} {','.join(sids)}",
    )


# Reporting words a row shows as "Speaker: words" (``brief_lines.yaml``); with any other cue the
# row keeps the cue, which says what kind of statement it was.
_PLAIN_CUES = lexicon().brief_lines.plain_cues
# A statement of fewer words than this ("their futures", "that assessment") says nothing alone.
_MIN_SAID_WORDS = 4


_SECOND_PERSON = lexicon().pronouns.second_person
_POSSESSIVES = lexicon().pronouns.possessive
# words that open a clause or an aside, never a name ("now the Senate majority leader")
_OPENERS = {w.lower() for w in lexicon().source_phrases.connectives}
# before the cue, words of small letters that may stay with it ("further described", "became
# convinced"), and those that may not open them (a preposition, a relative, another cue)
_ADVERBS_AND_CUE = re.compile(r"(?:[a-z]+ ){0,2}[a-z]+")
_NOT_BEFORE_CUE = _OPENERS | {"in", "on", "at", "to", "of", "said", "says", "do", "does", "did"}


def _named(src: Source | Via) -> bool:
    """Does the source name someone a reader can tell: not a pronoun the engine left
    unresolved, nor "you", nor someone of a pronoun's ("His surrogates", "Her campaign"),
    whose the row cannot say."""
    text = src.text.strip().lower()
    if text in _SECOND_PERSON:
        return False
    first = text.split()[0] if text.split() else ""
    if not src.canonical and first in _OPENERS:
        return False  # "now the Senate majority leader": an aside cut from its name
    return bool(src.canonical) or not (is_pronoun(text) or first in _POSSESSIVES)


def said_row(analysis: Analysis, a: Attribution, position: int) -> SaidItem | None:
    """A who-said-what row; none for words without a source, which the brief cannot attribute,
    and none for a row that would not read alone (a fragment, a subhead in capitals)."""
    if a.source is None:
        return None
    said = " ".join(a.content.said.split())
    words = re.findall(r"[A-Za-z]+", said)
    if len(words) < _MIN_SAID_WORDS or not re.search(r"[a-z]", said + a.source.text[1:]):
        return None
    if lines.markup(said):
        return None  # page debris the ingest did not strip
    sent = analysis.sentence(a.sentence_ids[0]) if a.sentence_ids else None
    if sent is not None and (lines.caption(sent.text) or sent.boilerplate):
        return None
    if sent is not None and lines.in_furniture(sent, a.source.end):
        return None  # a kicker ("FIRST ON FOX:") read as a speaker
    if not _named(a.source) or not all(_named(v) for v in a.via):
        return None  # "We: ...", "you: ...", "(as reported by she)": no one a reader can name
    if a.source.canonical and any(v.canonical == a.source.canonical for v in a.via):
        return None  # "I think ...," Chaffetz said: his quotation's own row says it whole
    if a.kind != "direct" and sent is not None:
        said = _with_subject(sent, a, said)
    claim = lines.shorten(said) if a.kind != "direct" else _clip_quote(said)
    if claim is None:
        return None
    cue = None
    negated = sent is not None and _negated(sent, a)
    if a.kind == "direct" and not negated:
        claim = f"“{claim}”"
    elif a.cue is not None and (a.cue.text.lower() not in _PLAIN_CUES or negated):
        cue = _cue_words(sent, a, negated) if sent is not None else a.cue.text
        cue += _whom(sent, a) if sent is not None else ""
        claim = f"{cue} {claim}" if a.kind != "direct" else f"{cue}: “{claim}”"
    return SaidItem(
        speaker=describe(a.source),
        speaker_type=a.source.type,
        claim=claim,
        cue=cue,
        reported_by=[describe(v) for v in a.via],
        kind=a.kind,
        refs=[ref(analysis, a.sentence_ids)],
        rank=rank.said_rank(a, position) + rank.said_substance(said, a.source.type),
    )


_AUXILIARY = re.compile(r"^(?:has|have|had|is|was|were|will|would)\s")
_NEGATION = re.compile(r"\b(?:not|never|no longer)\b|n[’']t\b", re.I)
# A content that opens on its verb: its subject is before the speaker ("The ultimate goal,
# Gumley says, is to ...").
_OPENS_ON_VERB = re.compile(rf"^(?:{one_of(lexicon().source_phrases.verbish)})\b")


def _with_subject(sent: Sentence, a: Attribution, said: str) -> str:
    """The words with their subject where the speaker interrupts them: "The ultimate goal,
    Gumley says, is to fully-integrate FIMS" is the goal's, and "is to fully-integrate FIMS"
    alone says nothing."""
    if a.source is None or not _OPENS_ON_VERB.match(said) or a.content.start < a.source.end:
        return said
    before = sent.text[: a.source.start - sent.start].strip()
    if not before.endswith(",") or len(before.split()) > 8:
        return said
    before = before.rstrip(",").strip()
    if re.match(r"(?:The|A|An)\s", before):
        before = before[0].lower() + before[1:]  # "Luke Gumley: the ultimate goal is ..."
    return f"{before} {said}"


def _between(sent: Sentence, a: Attribution) -> str | None:
    """The words between the speaker and what they said, where the cue is among them."""
    if a.source is None or a.cue is None or not a.source.end <= a.cue.start < a.content.start:
        return None
    between = sent.text[a.source.end - sent.start : a.content.start - sent.start]
    return re.sub(r"\s+that\s*$", "", " ".join(between.split()).strip(" ,"))


def _negated(sent: Sentence, a: Attribution) -> bool:
    """Is the reporting verb denied ("Republicans weren’t too concerned about ...", "did not
    say")? Without the denial the row would say the opposite."""
    between = _between(sent, a)
    return between is not None and bool(_NEGATION.search(between))


def _cue_words(sent: Sentence, a: Attribution, negated: bool = False) -> str:
    """The reporting words as the sentence has them between speaker and words ("has shown"),
    where that is only the cue and its auxiliary, or where they deny it ("weren't too
    concerned"); else the cue alone."""
    cue = " ".join(a.cue.text.split()) if a.cue else ""
    between = _between(sent, a)
    if between is None:
        return cue
    between = re.sub(r"\balso\s+", "", between)  # "also assured": the row stands alone
    plain = bool(_ADVERBS_AND_CUE.fullmatch(between)) and between.split()[0] not in _NOT_BEFORE_CUE
    if between.endswith(cue) and (
        plain or _AUXILIARY.match(between) or (negated and len(between.split()) <= 5)
    ):
        return between  # "has long said", "became convinced": the reporting words as written
    return cue


# Between a cue and its words, the one addressed or urged ("urged Republicans", "told
# reporters"): a few words, no punctuation, no "that".
_WHOM = re.compile(r"\s+((?:[A-Za-z][\w’'-]*\s+){0,3}[A-Za-z][\w’'-]*)\s*")


def _whom(sent: Sentence, a: Attribution) -> str:
    """Who the statement was made to or asked of, where it stands between the cue and the
    words ("Graham urged Republicans to join the ranks ...": without them, Graham is the one
    urged)."""
    if a.cue is None or not a.cue.end < a.content.start:
        return ""
    gap = sent.text[a.cue.end - sent.start : a.content.start - sent.start]
    m = _WHOM.fullmatch(gap)
    if m is None or m.group(1).split()[-1].lower() in {"that", "if", "whether"}:
        return ""
    return " " + m.group(1)


def _clip_quote(said: str) -> str | None:
    """Quoted words as the row shows them: each piece of an interrupted quotation its own
    quotation ("A” … “B"), a long one cut after a whole sentence of it, never mid-phrase."""
    pieces = [p.strip() for p in said.split(" … ")]
    kept: list[str] = []
    for p in pieces:
        if len(" ".join(kept + [p])) > MAX_CLAIM and kept:
            break
        if len(p) > MAX_CLAIM:
            cut = [m.end() for m in re.finditer(r"[.!?;,](?=\s)", p[:MAX_CLAIM])]
            if not cut:
                return None if not kept else "” … “".join(kept)
            kept.append(p[: cut[-1]].rstrip(",;"))
            break
        kept.append(p)
    return "” … “".join(kept)
