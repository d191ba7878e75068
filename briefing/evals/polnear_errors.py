"""Why the PolNeAR errors happen: each miss and each false positive, by construction.

Every gold attribution that who-said-what does not credit (missed) and every prediction it does
not credit (false positive) gets two labels:

- its *outcome*: ``wrong source`` (the content matched, the source did not), ``content
  boundary`` (a content on the other side overlaps it, but not by half of each) or, with nothing
  overlapping, ``not found`` (a miss) / ``spurious`` (a false positive);
- its *construction*, by the first test of :data:`CONSTRUCTIONS` that holds, read from the
  relation's own cue, source and content and the words around them. The tests are crude on
  purpose, so that anyone can check a label by looking at the example: they say where errors
  gather, not what a parser would call the sentence.

Pure functions over the gold article, its score (:mod:`briefing.evals.polnear`) and the extract
JSON. A cue the engine's lexicon does not know is flagged (``cue_known``), since a missed
attribution whose cue the engine has never heard of needs a data file, not a rule.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass

from briefing.evals.polnear import ArticleScore, Extraction, Frag, GoldArticle, extent, span_of

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_QUOTES = "“\"‘'"
RELATIVE = ("who", "which", "that", "whom")
PRONOUNS = ("he", "she", "they", "it", "we", "i", "you")
# heads of a source that is a document, not a person: the poll "shows", the report "found"
DOCUMENTS = ("poll", "survey", "report", "study", "studies", "data", "statement", "memo")
DOCUMENTS_TOO = ("letter", "document", "analysis", "ad", "filing", "record", "book", "video")
PREPOSITIONS = ("according", "citing", "in", "per", "from", "under", "on")
DETERMINERS = ("a", "an", "the", "his", "her", "their", "its", "our", "my", "this", "your")
NOUN_ENDINGS = ("ment", "tion", "sion", "ance", "ence")
COPULAS = ("is", "are", "was", "were", "be", "been", "being", "am")
ADVERBS = ("not", "also", "still", "again", "once", "now", "already", "never", "just", "so")
PARTICIPLES = ("told", "said", "known", "thought", "seen", "shown", "given", "written")
# stems of verbs of wanting and deciding: "plans to", "refused to", "sought"
INTENTIONS = ("want", "plan", "intend", "seek", "sought", "decid", "refus", "aim", "wish")
KNOWING = ("know", "knew", "underst", "see", "saw", "seem", "appear")
WH_WORDS = ("that", "whether", "if", "what", "why", "how", "when", "where", "who", "which")
PARTICLES = ("for", "on", "of", "as", "to", "about", "against", "with", "at")
# a content with none of these and a determiner first is a noun phrase: "the new tax plan"
FINITE = ("is", "are", "was", "were", "will", "would", "has", "have", "had", "can", "could")
# an object of a speech verb is a short phrase: "called for a ban", "criticized Trump"
SHORT_OBJECT = 6


@dataclass(frozen=True)
class View:
    """What the tests read of one relation, gold or predicted."""

    text: str
    cue: Frag | None
    source: Frag | None
    source_text: str | None  # a predicted source may have a name and no span
    content: Frag
    sentences: list[Frag]

    def words(self, span: Frag | None) -> list[str]:
        return [w.lower() for w in _WORD.findall(self.text[span[0] : span[1]])] if span else []

    @property
    def cue_words(self) -> list[str]:
        return self.words(self.cue)

    @property
    def before_cue(self) -> str:
        """The word just before the cue, lowercased ('' at the start)."""
        if not self.cue:
            return ""
        words = _WORD.findall(self.text[max(0, self.cue[0] - 40) : self.cue[0]])
        return words[-1].lower() if words else ""

    @property
    def content_text(self) -> str:
        return self.text[self.content[0] : self.content[1]]

    @property
    def cue_first(self) -> bool:
        return self.cue is not None and self.cue[1] <= self.content[0]

    @property
    def source_words(self) -> list[str]:
        if self.source:
            return self.words(self.source)
        return [w.lower() for w in _WORD.findall(self.source_text or "")]


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


def _copula_then(v: View) -> str | None:
    """The word after a form of "be" in the cue or just before it ("is expected"), adverbs
    skipped ("is once again questioning"); None without a copula or when the cue is a verb in
    -ing (a progressive: "is promoting")."""
    words = [v.before_cue, *v.cue_words]
    if any(w.endswith("ing") for w in v.cue_words):
        return None
    for k, w in enumerate(words[:-1]):
        if w in COPULAS:
            rest = [x for x in words[k + 1 :] if not x.endswith("ly") and x not in ADVERBS]
            return rest[0] if rest else None
    return None


def _passive(v: View) -> bool:
    after = _copula_then(v)
    return after is not None and (after.endswith(("ed", "en")) or after in PARTICIPLES)


def _adjectival(v: View) -> bool:
    after = _copula_then(v)
    return after is not None and after not in DETERMINERS + PARTICLES and not _passive(v)


def _nominal(v: View) -> bool:
    words = v.cue_words
    if not words:
        return False
    return (
        words[0] in DETERMINERS
        or v.before_cue in DETERMINERS
        or v.before_cue.endswith(("'s", "’s"))
        or words[-1].endswith(NOUN_ENDINGS)
        or _copula_then(v) in DETERMINERS  # "has been a supporter of"
    )


def _belief(v: View, cue_class: Callable[[str], str | None]) -> bool:
    words = v.cue_words
    return bool(words) and (
        any(cue_class(w) == "belief" for w in words)
        or words[0].startswith(INTENTIONS + KNOWING)
        or v.content_text.lstrip().lower().startswith("to ")
    )


def _run_on(v: View) -> bool:
    return sum(1 for a, b in v.sentences if a < v.content[1] and v.content[0] < b) > 1


def _first_content_word(v: View) -> str:
    words = _WORD.findall(v.content_text)
    return words[0].lower() if words else ""


def _np_object(v: View) -> bool:
    words = v.cue_words
    content = [w.lower() for w in _WORD.findall(v.content_text)]
    short = len(content) <= SHORT_OBJECT
    phrase = bool(content) and content[0] in DETERMINERS and not set(content) & set(FINITE)
    quoted = v.content_text.lstrip()[:1] in _QUOTES
    particle = bool(words) and words[-1] in PARTICLES
    return v.cue_first and not quoted and (particle or short or phrase)


Test = Callable[[View, Callable[[str], str | None]], bool]

# (construction, test), tried in this order; the first that holds names the error
CONSTRUCTIONS: list[tuple[str, Test]] = [
    ("sourceless", lambda v, _: v.source is None and not v.source_text),
    ("relative-pronoun source", lambda v, _: " ".join(v.source_words) in RELATIVE),
    ("pronoun source", lambda v, _: " ".join(v.source_words) in PRONOUNS),
    (
        "document/poll as source",
        lambda v, _: (
            bool(v.source_words) and _singular(v.source_words[-1]) in DOCUMENTS + DOCUMENTS_TOO
        ),
    ),
    ("no cue", lambda v, _: v.cue is None),
    (
        "punctuation cue",
        lambda v, _: not any(c.isalpha() for c in v.text[v.cue[0] : v.cue[1]]),  # type: ignore[index]
    ),
    ("prepositional cue", lambda v, _: v.cue_words[:1] != [] and v.cue_words[0] in PREPOSITIONS),
    ("nominal cue", lambda v, _: _nominal(v)),
    ("passive", lambda v, _: _passive(v)),
    ("adjectival cue", lambda v, _: _adjectival(v)),
    ("belief/intention", _belief),
    (
        "quotation-led",
        lambda v, _: v.content_text.lstrip()[:1] in _QUOTES and not v.cue_first,
    ),
    ("content run-on", lambda v, _: _run_on(v)),
    ("that-/wh-clause", lambda v, _: v.cue_first and _first_content_word(v) in WH_WORDS),
    ("speech verb + NP object", lambda v, _: _np_object(v)),
    ("speech verb + clause", lambda v, _: v.cue_first),
    ("trailing cue", lambda v, _: not v.cue_first),
]


def construction(v: View, cue_class: Callable[[str], str | None]) -> str:
    return next((name for name, test in CONSTRUCTIONS if test(v, cue_class)), "other")


@dataclass(frozen=True)
class Case:
    """One error, with what is needed to read it by hand."""

    article: str
    side: str  # "missed" or "false positive"
    outcome: str
    construction: str
    cue: str | None
    source: str | None
    content: str
    cue_known: bool  # the engine's lexicon has a form of the cue


def _gold_view(gold: GoldArticle, i: int, sentences: list[Frag]) -> View:
    r = gold.relations[i]
    src = extent(r.source) if r.source else None
    src_text = " ".join(gold.text[a:b] for a, b in r.source) if r.source else None
    cue = extent(r.cue) if r.cue else None
    return View(gold.text, cue, src, src_text, extent(r.content), sentences)


def _pred_view(text: str, a: Extraction, sentences: list[Frag]) -> View:
    src = a.get("source") or {}
    content = span_of(a.get("content"))
    assert content is not None
    return View(text, span_of(a.get("cue")), span_of(src), src.get("text"), content, sentences)


def cases(
    gold: GoldArticle,
    score: ArticleScore,
    extraction: Extraction,
    cue_class: Callable[[str], str | None],
) -> list[Case]:
    """Every missed gold attribution and every false positive of one article, labelled."""
    text = gold.text
    sentences = [(s["start"], s["end"]) for s in extraction.get("sentences") or []]
    matched_g = {i: j for i, j in score.content_pairs}
    matched_p = {j: i for i, j in score.content_pairs}
    right = set(score.wsw_pairs)
    g_spans = [extent(r.content) for r in gold.relations]
    p_spans = {j: s for j, a in enumerate(score.preds) if (s := span_of(a.get("content")))}

    def touches(span: Frag, others: list[Frag]) -> bool:
        return any(a < span[1] and span[0] < b for a, b in others)

    def label(v: View, side: str, outcome: str) -> Case:
        cue_text = text[v.cue[0] : v.cue[1]] if v.cue else None
        known = any(cue_class(w) for w in v.cue_words)
        return Case(
            gold.name,
            side,
            outcome,
            construction(v, cue_class),
            cue_text,
            v.source_text,
            v.content_text,
            known,
        )

    out = []
    for i in range(len(gold.relations)):
        if i in matched_g and (i, matched_g[i]) in right:
            continue
        v = _gold_view(gold, i, sentences)
        if i in matched_g:
            outcome = "wrong source"
        elif touches(v.content, list(p_spans.values())):
            outcome = "content boundary"
        else:
            outcome = "not found"
        out.append(label(v, "missed", outcome))
    for j, span in p_spans.items():
        if j in matched_p and (matched_p[j], j) in right:
            continue
        v = _pred_view(text, score.preds[j], sentences)
        if j in matched_p:
            outcome = "wrong source"
        elif touches(span, g_spans):
            outcome = "content boundary"
        else:
            outcome = "spurious"
        out.append(label(v, "false positive", outcome))
    return out


MISSED_OUTCOMES = ("not found", "content boundary", "wrong source")
FALSE_OUTCOMES = ("spurious", "content boundary", "wrong source")


def table(all_cases: list[Case]) -> list[str]:
    """A Markdown table: per construction, misses and false positives, their shares and their
    outcomes, most errors first."""
    by = Counter((c.construction, c.side) for c in all_cases)
    outcomes = Counter((c.construction, c.side, c.outcome) for c in all_cases)
    unknown = Counter(c.construction for c in all_cases if c.side == "missed" and not c.cue_known)
    n_missed = sum(1 for c in all_cases if c.side == "missed") or 1
    n_false = sum(1 for c in all_cases if c.side == "false positive") or 1
    names = sorted(
        {c.construction for c in all_cases},
        key=lambda n: -(by[n, "missed"] + by[n, "false positive"]),
    )
    lines = [
        "| construction | missed | share | not found | boundary | wrong source | cue unknown "
        "| false pos. | share | spurious | boundary | wrong source |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for n in [*names, "all"]:
        if n == "all":
            m, f = n_missed, n_false
            mo = [sum(outcomes[k, "missed", o] for k in names) for o in MISSED_OUTCOMES]
            fo = [sum(outcomes[k, "false positive", o] for k in names) for o in FALSE_OUTCOMES]
            unk = sum(unknown.values())
        else:
            m, f = by[n, "missed"], by[n, "false positive"]
            mo = [outcomes[n, "missed", o] for o in MISSED_OUTCOMES]
            fo = [outcomes[n, "false positive", o] for o in FALSE_OUTCOMES]
            unk = unknown[n]
        lines.append(
            f"| {n} | {m} | {m / n_missed:.0%} | {' | '.join(map(str, mo))} | {unk} "
            f"| {f} | {f / n_false:.0%} | {' | '.join(map(str, fo))} |"
        )
    return lines


def examples(all_cases: list[Case], n: int) -> list[str]:
    """Up to ``n`` errors of each construction and side, to read the labels by hand."""
    lines, shown = [], Counter()
    for c in sorted(all_cases, key=lambda c: (c.construction, c.side)):
        key = (c.construction, c.side)
        if shown[key] >= n:
            continue
        if not shown[key]:
            lines.append(f"\n{c.construction}, {c.side}:")
        shown[key] += 1
        content = c.content.replace("\n", " ")
        content = content if len(content) <= 110 else content[:107] + "..."
        lines.append(
            f"  [{c.outcome}] {c.article}: source {c.source!r} cue {c.cue!r} :: {content!r}"
        )
    return lines


def as_json(all_cases: list[Case]) -> list[dict]:
    return [asdict(c) for c in all_cases]
