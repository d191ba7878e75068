"""A line of the brief reads alone: no outlet furniture, no cut phrase, no dangling pronoun.

An article's sentence becomes a line here. Kickers ("FIRST ON FOX:"), datelines ("SELMA,
N.C.—", "NEW YORK -") and photo captions are not reporting: a kicker or a dateline is cut off,
a caption is never a line. A long sentence is shortened only at a clause boundary, and only
where the part kept holds every hedge and every attribution of the sentence; otherwise it stays
whole. A pronoun that opens a line is replaced by the name the engine resolved it to (its
coreference gives an attribution's source a canonical name) and by nothing else: where the
engine is not sure, the line is marked as dangling and ranks below lines that stand alone.
"""

from __future__ import annotations

import re

from briefing.analyze.grounding import has_hedge
from briefing.analyze.lexicon import lexicon, one_of
from briefing.ingest.sentences import dateline_length
from briefing.models import Analysis, Sentence

# A line longer than this is shortened at a clause boundary where one keeps what matters ...
MAX_LINE = 240
# ... and a part kept has at least this many words (a shorter head says too little).
MIN_HEAD_WORDS = 8
# A sentence longer than this with no boundary to shorten it at is no line at all: a reader
# cannot take it in at a glance, and a cut mid-phrase would misquote it.
MAX_UNCUT = 420

# An all-capitals label ending in a colon: "FIRST ON FOX:", "EXCLUSIVE:", "WATCH:".
_KICKER = re.compile(r"^\s*(?:[A-Z][A-Z0-9'’&.-]*\s+){0,5}[A-Z][A-Z0-9'’&.-]*:\s+(?=\S)")
# Photo captions and credits: "FILE - ...", "FILE Carlos Watson participates in ...", "(AP
# Photo/...)", "Getty Images".
_CAPTION = re.compile(
    r"^\s*FILE\b|\b(?:AP|AFP|Reuters|Getty)\s+(?:Photo|Images)\b|\(Photo\b|\bPhoto(?:graph)?:\s|"
    r"\bparticipates in\b.*\bpanel\b|\bposes? for a (?:photo|portrait)\b",
)
# A caption holds one of these, whichever of ``_CAPTION``'s forms it takes.
_CAPTION_WORDS = ("FILE", "hoto", "Images", "panel", "portrait")
# Where a sentence may be shortened: a semicolon or a dash, and a comma before a clause that
# adds to what precedes it (background, not the claim).
_BOUNDARY = re.compile(
    r";\s|\s[-–—]{1,2}\s|—|,\s(?=(?:"
    + one_of(re.escape(w) for w in lexicon().brief_lines.clause_openers)
    + r")\b)"
)
# A stylesheet's url() or @import in an article's sentence is page debris the ingest did not
# strip, not reporting: such a sentence is never a line. (Other markup is shown as the words it
# is, escaped, like any text.)
_MARKUP = re.compile(r"\burl\(|@import\b", re.I)
# A connective that ties a sentence to the one before it ("And now, ...", "But ..."): a line
# stands alone, so it goes.
_CONNECTIVE = re.compile(r"^(?:And now|And|But|So|Now|Meanwhile|Also)\b,?\s+(?=[A-Z])")
_OPENING = re.compile(r"^[“\"']*(\w+)(?:\s+(\w+))?")
_ALSO_OPENING = re.compile(r"^(?:The|This|That|These|Those)\s+(?:\w+\s+){0,3}also\b")
_PRONOUNS = {p.lower() for p in lexicon().pronouns.person} | {"it", "they", "its", "their"}


def unended(text: str) -> str:
    """A line without its closing punctuation, so that more may follow it ("..., according to
    KCNA"): a comma inside a closing quotation mark goes too ("development,”" ends
    "development”")."""
    text = text.rstrip().rstrip(".,;:")
    return re.sub(r"[.,;:]+([”\"’])$", r"\1", text)


def markup(text: str) -> bool:
    """Does the text hold a stylesheet's url() or @import?"""
    return bool(_MARKUP.search(text))


def caption(text: str) -> bool:
    """A photo caption or credit, which is never a line."""
    if not any(w in text for w in _CAPTION_WORDS):
        return False  # most sentences: the pattern's alternatives cost more than these looks
    return bool(_CAPTION.search(text))


def strip_furniture(text: str) -> str:
    """The sentence without a leading kicker or dateline."""
    text = " ".join(text.split())
    kickers = lexicon().boilerplate.kickers
    upper = text.upper()
    for k in sorted(kickers, key=len, reverse=True):
        if upper.startswith(k):
            text = text[len(k) :].lstrip(" :—–-")
            break
    text = _KICKER.sub("", text, count=1)
    return text[dateline_length(text) :]


def in_furniture(sentence: Sentence, end: int) -> bool:
    """Does the span ending at ``end`` (an article offset) lie in the sentence's kicker or
    dateline, which the line cuts off?"""
    text = sentence.text.lstrip()
    lead = len(sentence.text) - len(text)
    cut = len(" ".join(text.split())) - len(strip_furniture(text))
    return cut > 0 and end - sentence.start <= lead + cut


def kicker_outlet(text: str) -> str | None:
    """The outlet a kicker names ("FIRST ON FOX:" is Fox News), or None."""
    upper = " ".join(text.split()).upper()
    kickers = lexicon().boilerplate.kickers
    return next(
        (kickers[k] for k in sorted(kickers, key=len, reverse=True) if upper.startswith(k)), None
    )


def _balanced(text: str) -> bool:
    """Every quotation opened in the text is closed in it."""
    return text.count("“") == text.count("”") and text.count('"') % 2 == 0


def _attributed_words(text: str) -> bool:
    """Does the text carry an attribution of its own ("according to", "said", "reported")?"""
    return bool(re.search(r"\b(?:according to|said|says|told|reported|reports|stated)\b", text))


def shorten(text: str, limit: int = MAX_LINE) -> str | None:
    """The sentence at most ``limit`` characters, cut at the last clause boundary that keeps
    its hedges and its attribution and closes its quotations; the whole sentence when it is
    short enough or nothing can go; None when it is too long to be a line and cannot be cut."""
    if len(text) <= limit:
        return text
    for m in reversed(list(_BOUNDARY.finditer(text, 0, limit + 1))):
        head, tail = text[: m.start()].rstrip(" ,;"), text[m.start() :]
        if len(head.split()) < MIN_HEAD_WORDS or not _balanced(head):
            continue
        if has_hedge(tail) and not has_hedge(head):
            continue
        if _attributed_words(tail) and not _attributed_words(head):
            continue
        return head.rstrip(".") + "."
    return text if len(text) <= MAX_UNCUT else None


def sentence_line(analysis: Analysis, sentence: Sentence, text: str | None = None) -> str | None:
    """An article's sentence (or ``text`` from it) as a line of the brief: furniture cut, an
    opening pronoun named where the engine resolved it, shortened at a clause; None for a
    caption, the article's headline (a partisan title is no development) or a sentence that
    cannot be a line."""
    if sentence.boilerplate and text is None:
        return None
    title = analysis.article.title
    if title and sentence.text.strip() == title.strip():
        return None  # the article's headline chooses a story's headline; it is never a line
    raw = sentence.text if text is None else text
    if caption(raw) or markup(raw):
        return None
    line = _CONNECTIVE.sub("", strip_furniture(raw), count=1)
    if not line or not re.search(r"[a-z]", line):
        return None  # an all-capitals subhead
    line = resolve_opening(analysis, sentence, line)
    return shorten(line)


def resolve_opening(analysis: Analysis, sentence: Sentence, line: str) -> str:
    """An opening pronoun replaced by the engine's name for it, where the engine resolved it as
    the source of an attribution in this sentence; otherwise the line unchanged."""
    m = _OPENING.match(line)
    if not m or m.group(1).lower() not in _PRONOUNS:
        return line
    # where the line starts in its sentence, past any furniture cut off
    offset = sentence.start + max(0, len(sentence.text.strip()) - len(line)) + 2
    for a in analysis.attributions:
        if (
            sentence.id in a.sentence_ids
            and a.source is not None
            and a.source.canonical
            and a.source.text.strip().lower() == m.group(1).lower()
            and a.source.start <= offset
        ):
            rest = line[m.end(1) :]
            if rest.startswith(" also "):
                rest = rest[len(" also") :]
            return a.source.canonical + rest
    return line


# "... agree with that assessment.", "... of this approach": a demonstrative that points at
# something the line does not say.
_POINTING = re.compile(r"\b(?:with|to|of|on|about|for)\s+(?:that|this|these|those)\s+\w+[.!?]?$")


def dangling(line: str) -> bool:
    """Does the line lean on a sentence before it: an opening pronoun ("She also ...", "They
    ..."), "The ... also", or a closing "that assessment" whose assessment is not in it?"""
    m = _OPENING.match(line)
    if m and m.group(1).lower() in _PRONOUNS:
        return True
    return bool(_ALSO_OPENING.match(line) or _POINTING.search(line.rstrip("”\"' ")))
