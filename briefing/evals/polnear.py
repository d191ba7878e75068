"""PolNeAR scores: ``extract`` JSON against the Political News Attribution Relations corpus.

PolNeAR (Newell, Margolin and Ruths, LREC 2018) annotates the source, cue and content of every
attribution in US political news, PARC style, as BRAT standoff. The rules here are the lenient
ones the shared scorer (``tools/polnear_score.py`` beside the corpus) uses, so the two give the
same figures; this is library code so that the benchmark (``benchmarks/polnear.py``) and the
dev-split test hold the engine to one implementation.

Scoring, per article, one-to-one and greedy, best candidate first:

- content: the overlap covers at least half the gold span and half the predicted span;
- source: distinct source spans; overlap, or the same head word (last token, case-folded);
- cue: any overlap;
- who-said-what: a matched content whose source also matches (or neither has one).

PolNeAR is univocal (a token belongs to at most one attribution), so predictions are first put
in that convention (:func:`univocal`): a relation whose cue lies inside another's content is
dropped (only the outermost of a nested chain is annotated), and an interrupted quotation's
second piece is merged into the first. The engine merges interrupted quotations itself (its
``content`` then runs from the first piece to the last and lists them as ``parts``, as PolNeAR's
fragments do); the merge here is for the pieces it leaves apart, and for other predictions.
Contents are scored by their extent, first piece to last, gold and predicted alike.

Everything is pure: gold relations and extract dicts in, counts out. Why each error happened is
:mod:`briefing.evals.polnear_errors`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# a content matches when the overlap covers at least this share of each of the two spans
CONTENT_SHARE = 0.5
# an interrupted quotation's pieces are at most this many characters apart
MERGE_GAP = 250
# the dev-split floors the engine is held to (human agreement under these rules: source 0.846,
# content 0.786, who-said-what 0.745)
GOAL_SOURCE, GOAL_CONTENT, GOAL_WSW = 0.78, 0.65, 0.60

Frag = tuple[int, int]
Extraction = dict[str, Any]

_T_LINE = re.compile(r"T\d+\t")
_HEAD_TOKEN = re.compile(r"[\w'-]+")
_ROLES = ("Source", "Cue", "Content")


@dataclass(frozen=True)
class Relation:
    """One gold attribution: each role as its fragments (a discontinuous span has several)."""

    content: tuple[Frag, ...]
    source: tuple[Frag, ...] | None = None
    cue: tuple[Frag, ...] | None = None


@dataclass(frozen=True)
class GoldArticle:
    name: str
    path: Path
    text: str
    relations: list[Relation]


def read_ann(ann: str) -> list[Relation]:
    """The relations of one BRAT file that have a content. A span's surface text may hold a
    newline, so its continuation lines are not spans: only ``T<n><TAB>`` lines are."""
    spans: dict[str, list[Frag]] = {}
    relations = []
    for line in ann.split("\n"):
        line = line.rstrip("\n")
        if _T_LINE.match(line):
            tid, mid, _surface = line.split("\t", 2)
            _label, offsets = mid.split(" ", 1)
            spans[tid] = [_frag(f) for f in offsets.split(";")]
        elif line.startswith("E"):
            roles: dict[str, tuple[Frag, ...]] = {}
            for part in line.split("\t")[1].split():
                role, tid = part.split(":")
                if role in _ROLES and tid in spans:
                    roles[role.lower()] = tuple(spans[tid])
            if "content" in roles:
                relations.append(Relation(**roles))
    return relations


def _frag(offsets: str) -> Frag:
    start, end = offsets.split()
    return int(start), int(end)


def gold_articles(root: Path, split: str = "dev") -> Iterator[GoldArticle]:
    """The split's articles in name order, each with the first annotator's relations (in sorted
    file order; the others give the human agreement). Articles without annotations are left out."""
    data = Path(root) / "data" / split
    for path in sorted((data / "text").glob("*.txt")):
        name = path.stem
        anns = sorted((data / "attributions").glob(f"{name}_*.ann"))
        if not anns:
            continue
        with open(path, encoding="utf-8", newline="") as fh:
            text = fh.read()
        relations = read_ann(anns[0].read_text(encoding="utf-8"))
        yield GoldArticle(name, path, text, relations)


# -- spans --------------------------------------------------------------------------------------


def extent(frags: Sequence[Frag]) -> Frag:
    """From the first fragment's start to the last one's end."""
    return min(a for a, _ in frags), max(b for _, b in frags)


def overlap(a: Frag, b: Frag) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def head(text: str) -> str:
    """The head word of a source, crudely: its last token, lowercased."""
    toks = _HEAD_TOKEN.findall(text.lower())
    return toks[-1] if toks else ""


def span_of(obj: dict | None) -> Frag | None:
    """A predicted span's offsets, or None where it has none."""
    if not obj or obj.get("start") is None or obj.get("end") is None:
        return None
    return int(obj["start"]), int(obj["end"])


def match(n_gold: int, n_pred: int, score: Callable[[int, int], float]) -> list[tuple[int, int]]:
    """Greedy one-to-one pairs (gold index, predicted index), highest score first; a score of 0
    is no candidate. Ties go to the later gold item, then the later prediction, as in the shared
    scorer, so the two pair alike."""
    cands = []
    for i in range(n_gold):
        for j in range(n_pred):
            s = score(i, j)
            if s:
                cands.append((s, i, j))
    cands.sort(reverse=True)
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for _s, i, j in cands:
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            pairs.append((i, j))
    return pairs


def content_score(g: Frag, p: Frag) -> int:
    """The overlap of two contents when it covers half of each, else 0."""
    o = overlap(g, p)
    if o >= CONTENT_SHARE * (g[1] - g[0]) and o >= CONTENT_SHARE * (p[1] - p[0]):
        return o
    return 0


def source_score(text: str, gold: Sequence[Frag], pred: dict | None) -> int:
    """2 when the spans overlap, 1 when they share a head word (with the predicted text or its
    canonical name), else 0."""
    ps = span_of(pred)
    if ps and overlap(extent(gold), ps):
        return 2
    h = head(" ".join(text[a:b] for a, b in gold))
    pred = pred or {}
    if h and (h == head(pred.get("text") or "") or h == head(pred.get("canonical") or "")):
        return 1
    return 0


# -- the univocal convention --------------------------------------------------------------------


def _source_key(a: Extraction) -> str:
    s = a.get("source") or {}
    return (s.get("canonical") or head(s.get("text") or "")).lower()


def _continues(q: Extraction | None, a: Extraction, text: str) -> bool:
    """``a`` is the second piece of the interrupted quotation ``q``: no cue of its own, the same
    source, both quoted, and only the cue and punctuation between them."""
    if not (q and a.get("content") and q.get("content") and a.get("cue") is None):
        return False
    if not (q.get("cue") and a.get("source") and q.get("source")):
        return False
    if _source_key(a) != _source_key(q):
        return False
    if a.get("kind") not in ("direct", "mixed") or q.get("kind") not in ("direct", "mixed"):
        return False
    end, start = q["content"]["end"], a["content"]["start"]
    return (
        0 <= start - end <= MERGE_GAP
        and q["cue"]["start"] >= end
        and q["cue"]["end"] <= start
        and "\n\n" not in text[end:start].strip('\n ”"“')
    )


def _joined(first: dict, second: dict, text: str) -> dict:
    """Two contents as one, from the first's start to the second's end, pieces as ``parts``."""
    start, end = first["start"], second["end"]
    parts = [p for c in (first, second) for p in (c.get("parts") or [c])]
    pieces = [{"text": p.get("text"), "start": p["start"], "end": p["end"]} for p in parts]
    return dict(first, text=text[start:end], end=end, parts=pieces)


def univocal(preds: list[Extraction], text: str) -> list[Extraction]:
    """Predictions in PolNeAR's convention: interrupted quotations merged, then only relations
    whose cue (or, without one, whose content) lies inside no other relation's content. The
    input is not changed; a merged piece's content is a copy, with the pieces as ``parts``."""
    ordered = sorted(preds, key=lambda a: (a.get("content") or {}).get("start") or 0)
    merged: list[Extraction] = []
    for a in ordered:
        q = merged[-1] if merged else None
        if _continues(q, a, text):
            assert q is not None
            q["content"] = _joined(q["content"], a["content"], text)
            continue
        merged.append(dict(a))
    spans = [span_of(a.get("content")) for a in merged]
    keep = []
    for j, a in enumerate(merged):
        cue = span_of(a.get("cue")) or spans[j]
        inside = cue is not None and any(
            k != j and s is not None and s[0] <= cue[0] and cue[1] <= s[1]
            for k, s in enumerate(spans)
        )
        if not inside:
            keep.append(a)
    return keep


# -- one article --------------------------------------------------------------------------------


@dataclass
class Counts:
    """True positives and sizes of each figure, summed over articles."""

    content_tp: int = 0
    content_pred: int = 0
    content_gold: int = 0
    source_tp: int = 0
    source_pred: int = 0
    source_gold: int = 0
    cue_tp: int = 0
    cue_pred: int = 0
    cue_gold: int = 0
    wsw_tp: int = 0  # who-said-what; its sizes are content's

    def add(self, other: Counts) -> None:
        for k, v in vars(other).items():
            setattr(self, k, getattr(self, k) + v)


@dataclass
class ArticleScore:
    """One article's counts, the predictions as scored, and the pairs behind the figures."""

    name: str
    counts: Counts
    preds: list[Extraction]  # in the univocal convention unless scored raw
    content_pairs: list[tuple[int, int]]  # (gold relation, prediction)
    wsw_pairs: list[tuple[int, int]]  # the content pairs whose source matches too


def score_article(gold: GoldArticle, extraction: Extraction, *, raw: bool = False) -> ArticleScore:
    """Score one article's ``extract`` JSON against its gold relations."""
    text, rels = gold.text, gold.relations
    preds = list(extraction.get("attributions") or [])
    if not raw:
        preds = univocal(preds, text)
    c = Counts()

    g_content = [extent(r.content) for r in rels]
    with_content = [j for j, a in enumerate(preds) if span_of(a.get("content"))]
    p_content = [span_of(preds[j].get("content")) for j in with_content]
    pairs = match(
        len(g_content), len(p_content), lambda i, j: content_score(g_content[i], p_content[j])
    )  # type: ignore[arg-type]
    content_pairs = [(i, with_content[j]) for i, j in pairs]
    c.content_tp, c.content_pred, c.content_gold = len(pairs), len(p_content), len(g_content)

    g_src: list[tuple[Frag, ...]] = []
    for r in rels:
        if r.source is not None and extent(r.source) not in [extent(s) for s in g_src]:
            g_src.append(r.source)
    p_src: list[dict] = []
    seen: set[Any] = set()
    for a in preds:
        s = a.get("source")
        key = span_of(s) or ((s or {}).get("text"),)
        if s and key not in seen:
            seen.add(key)
            p_src.append(s)
    spairs = match(len(g_src), len(p_src), lambda i, j: source_score(text, g_src[i], p_src[j]))
    c.source_tp, c.source_pred, c.source_gold = len(spairs), len(p_src), len(g_src)

    g_cue = [extent(r.cue) for r in rels if r.cue is not None]
    p_cue = [s for a in preds if (s := span_of(a.get("cue")))]
    qpairs = match(len(g_cue), len(p_cue), lambda i, j: overlap(g_cue[i], p_cue[j]))
    c.cue_tp, c.cue_pred, c.cue_gold = len(qpairs), len(p_cue), len(g_cue)

    wsw = []
    for i, j in content_pairs:
        gs, ps = rels[i].source, preds[j].get("source")
        if (gs and ps and source_score(text, gs, ps)) or (not gs and not ps):
            wsw.append((i, j))
    c.wsw_tp = len(wsw)
    return ArticleScore(gold.name, c, preds, content_pairs, wsw)


# -- a split ------------------------------------------------------------------------------------


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


@dataclass
class SplitScore:
    """Counts summed over a split (micro-averaged) and each article's score."""

    counts: Counts = field(default_factory=Counts)
    articles: list[ArticleScore] = field(default_factory=list)

    def add(self, score: ArticleScore) -> None:
        self.counts.add(score.counts)
        self.articles.append(score)

    def figures(self) -> dict[str, tuple[float, float, float]]:
        """(P, R, F1) of source, content, cue and who-said-what."""
        c = self.counts
        return {
            "source": prf(c.source_tp, c.source_pred, c.source_gold),
            "content": prf(c.content_tp, c.content_pred, c.content_gold),
            "cue": prf(c.cue_tp, c.cue_pred, c.cue_gold),
            "who-said-what": prf(c.wsw_tp, c.content_pred, c.content_gold),
        }

    def f1(self, name: str) -> float:
        return self.figures()[name][2]

    def line(self, split: str, raw: bool = False) -> str:
        """The shared scorer's one line of figures."""
        f = self.figures()
        (sp, sr, sf), (cp, cr, cf) = f["source"], f["content"]
        return (
            f"PolNeAR {split}{' raw' if raw else ''} ({len(self.articles)} articles, "
            f"{self.counts.content_gold} gold): source F1 {sf:.3f} (P {sp:.2f} R {sr:.2f}); "
            f"content F1 {cf:.3f} (P {cp:.2f} R {cr:.2f}); cue F1 {f['cue'][2]:.3f}; "
            f"who-said-what F1 {f['who-said-what'][2]:.3f}"
        )


def score_split(
    golds: Sequence[GoldArticle], extractions: Sequence[Extraction | None], *, raw: bool = False
) -> SplitScore:
    """Score each gold article against its extraction (same order); an article the engine could
    not read (None) counts as predicting nothing."""
    out = SplitScore()
    for gold, ex in zip(golds, extractions, strict=True):
        out.add(score_article(gold, ex or {"attributions": []}, raw=raw))
    return out


# -- what a model added -------------------------------------------------------------------------

FOUND_BY = ("model", "both", "engine")


def engine_only(extraction: Extraction) -> Extraction:
    """The reconciled extraction (``extract --backend openai``) without the attributions only
    the model found: the engine's own list, so the two can be scored side by side and the
    model's additions measured rather than guessed."""
    kept = [a for a in extraction.get("attributions") or [] if a.get("found_by") != "model"]
    return dict(extraction, attributions=kept)


def found_by_counts(extraction: Extraction) -> dict[str, int]:
    """How many attributions the engine alone, the model alone and both found (an attribution
    with no ``found_by``, the engine's without a model answer, counts as the engine's)."""
    counts = dict.fromkeys(FOUND_BY, 0)
    for a in extraction.get("attributions") or []:
        counts[a.get("found_by") or "engine"] += 1
    return counts


def model_matches(score: ArticleScore) -> tuple[int, int]:
    """Of the scored predictions the model alone found: how many matched a gold content, and
    how many of those had the gold source too (who-said-what)."""
    mine = {j for j, a in enumerate(score.preds) if a.get("found_by") == "model"}
    return (
        sum(1 for _, j in score.content_pairs if j in mine),
        sum(1 for _, j in score.wsw_pairs if j in mine),
    )
