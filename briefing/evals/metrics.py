"""Attribution metrics: predicted attributions scored against hand-annotated gold.

Library code so that the dev-set benchmark (``benchmarks/attribution.py``) and the tests that hold
the engine to its floors compute the same figures from one implementation. Everything here works
on the ``extract`` JSON shape (``article``, ``sentences``, ``attributions`` with ``source``,
``cue``, ``content`` and ``via`` spans); the gold files in ``tests/data/attribution/`` have that
shape too (conventions in ``docs/annotation.md``), so any producer of that JSON can be scored.

Span metrics follow the practice of news-attribution research (PARC 3.0, Citron): each span type
is scored on its own, precision / recall / F1 over the article's spans:

- source strict (same offsets) and lenient (overlapping, or the same head word in the same
  sentence: "Putin" for "Russian President Vladimir Putin");
- cue strict;
- content strict, and with at least 50% token overlap (tokens shared / tokens of the longer span).

Attribute metrics are scored on attributions aligned by content (>= 50% overlap): ``kind`` and
``via`` (the chain of canonical names) count as correct only on aligned pairs, so precision is
over predicted attributions and recall over gold ones. ``attribution`` is the end-to-end figure:
an aligned pair whose source also matches leniently (or both have none).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# Two contents are the same claim when they share at least half the tokens of the longer one:
# annotators and the engine disagree on where a paraphrase starts ("that" or not, a trailing
# clause), not on what it says.
CONTENT_OVERLAP = 0.5

_TOKEN = re.compile(r"\w+", re.UNICODE)

Span = dict
SpanMatch = Callable[[Span, Span], bool]


@dataclass
class PRF:
    """Precision, recall and F1 counted separately on each side.

    ``tp_p`` and ``tp_g`` are kept apart because a lenient match can accept several predicted
    items for one gold item (or the reverse); with one-to-one matching they are equal.
    """

    tp_p: float = 0  # predicted items judged correct
    tp_g: float = 0  # gold items found
    n_pred: int = 0
    n_gold: int = 0

    def add(self, tp_p: float, tp_g: float, n_pred: int, n_gold: int) -> None:
        self.tp_p += tp_p
        self.tp_g += tp_g
        self.n_pred += n_pred
        self.n_gold += n_gold

    @property
    def p(self) -> float:
        return self.tp_p / self.n_pred if self.n_pred else 0.0

    @property
    def r(self) -> float:
        return self.tp_g / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        return 2 * self.p * self.r / (self.p + self.r) if self.p + self.r else 0.0


@dataclass
class Report:
    """Metrics summed over articles (micro-averaged, so long articles weigh more), in the order
    they were first scored, and one line per error for reading the misses by hand."""

    metrics: dict[str, PRF] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def m(self, name: str) -> PRF:
        return self.metrics.setdefault(name, PRF())


class GoldError(ValueError):
    """A gold span whose offsets do not hold its text: the figures would be meaningless."""


def _tokens(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [(start + m.start(), start + m.end()) for m in _TOKEN.finditer(text[start:end])]


def token_overlap(text: str, a: Span, b: Span) -> float:
    """Tokens the two spans share, over the tokens of the longer one.

    Tokens are compared by offset, not by spelling, so the same word elsewhere in the article
    does not count as overlap.
    """
    ta, tb = set(_tokens(text, a["start"], a["end"])), set(_tokens(text, b["start"], b["end"]))
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / max(len(ta), len(tb))


def _head(span: Span) -> str:
    """The head word of a source: the last word before any apposition, possessive dropped
    ("Russian President Vladimir Putin, who ..." -> "putin")."""
    first = span["text"].split(",")[0]
    words = _TOKEN.findall(first)
    return re.sub(r"(?:’s|'s)$", "", words[-1]).lower() if words else ""


def _sentence_of(sentences: list[dict], pos: int) -> str | None:
    return next((s["id"] for s in sentences if s["start"] <= pos < s["end"]), None)


def _match(gold: list[Span], pred: list[Span], ok: SpanMatch) -> int:
    """One-to-one greedy matching; returns how many pairs ``ok`` accepts.

    One-to-one, so that one long predicted span cannot be credited for several gold spans.
    """
    used: set[int] = set()
    hits = 0
    for g in gold:
        for i, p in enumerate(pred):
            if i not in used and ok(g, p):
                used.add(i)
                hits += 1
                break
    return hits


def _unique(spans: list[Span | None]) -> list[Span]:
    """Distinct spans by offsets: a source that speaks three times is one source span."""
    seen, out = set(), []
    for s in spans:
        if s is not None and (s["start"], s["end"]) not in seen:
            seen.add((s["start"], s["end"]))
            out.append(s)
    return out


def _offsets(spans: list[Span]) -> set[tuple[int, int]]:
    return {(s["start"], s["end"]) for s in spans}


def chain(att: dict) -> list[str]:
    """The ``via`` chain as canonical names, lower-cased: "KCNA" and "the Korean Central News
    Agency" are the same intermediary."""
    return [(v.get("canonical") or v["text"]).lower() for v in att.get("via") or []]


def source_lenient(text: str, sentences: list[dict]) -> SpanMatch:
    """Sources match when they overlap, or name the same head word in the same sentence.

    A later mention ("Putin") of a source first named in full is the same speaker; the sentence
    condition keeps two different Putins in two different sentences apart.
    """

    def ok(g: Span, p: Span) -> bool:
        if g["start"] < p["end"] and p["start"] < g["end"]:
            return True
        return _head(g) == _head(p) and _sentence_of(sentences, g["start"]) == _sentence_of(
            sentences, p["start"]
        )

    return ok


def validate(gold: dict, text: str, name: str) -> None:
    """Raise :class:`GoldError` unless every gold span's offsets hold its text exactly."""
    for a in gold["attributions"]:
        parts = a["content"].get("parts") or []
        spans = [a.get("source"), a.get("cue"), a["content"], *parts, *(a.get("via") or [])]
        for s in spans:
            if s is None or s.get("start") is None:
                continue
            found = text[s["start"] : s["end"]]
            if found != s["text"]:
                raise GoldError(
                    f"{name} {a['id']}: span {s['start']}:{s['end']} is {found!r}, "
                    f"not {s['text']!r}"
                )


def align(gold_atts: list[dict], pred_atts: list[dict], text: str) -> list[tuple[dict, dict]]:
    """Gold and predicted attributions paired by content, best overlap first, one to one.

    Attributes (kind, via, source) are only comparable on the same claim, so they are scored on
    these pairs.
    """
    candidates = sorted(
        (
            (token_overlap(text, g["content"], p["content"]), gi, pi)
            for gi, g in enumerate(gold_atts)
            for pi, p in enumerate(pred_atts)
        ),
        reverse=True,
    )
    pairs: list[tuple[dict, dict]] = []
    used_g, used_p = set(), set()
    for ov, gi, pi in candidates:
        if ov < CONTENT_OVERLAP:
            break
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        pairs.append((gold_atts[gi], pred_atts[pi]))
    return pairs


def _text_of(span: Span | None) -> str | None:
    return (span or {}).get("text")


def score_article(gold: dict, pred: dict, text: str, rep: Report, name: str) -> None:
    """Add one article's counts to ``rep``, and its missed, spurious and mis-sourced
    attributions to ``rep.errors``."""
    g_atts, p_atts = gold["attributions"], pred["attributions"]
    sentences = gold["sentences"]

    gs, ps = _unique([a.get("source") for a in g_atts]), _unique([a.get("source") for a in p_atts])
    exact = len(_offsets(gs) & _offsets(ps))
    rep.m("source strict").add(exact, exact, len(ps), len(gs))
    lenient = _match(gs, ps, source_lenient(text, sentences))
    rep.m("source lenient").add(lenient, lenient, len(ps), len(gs))

    gc, pc = _unique([a.get("cue") for a in g_atts]), _unique([a.get("cue") for a in p_atts])
    exact = len(_offsets(gc) & _offsets(pc))
    rep.m("cue").add(exact, exact, len(pc), len(gc))

    gt, pt = _unique([a["content"] for a in g_atts]), _unique([a["content"] for a in p_atts])
    exact = len(_offsets(gt) & _offsets(pt))
    rep.m("content strict").add(exact, exact, len(pt), len(gt))
    overlap = _match(gt, pt, lambda g, p: token_overlap(text, g, p) >= CONTENT_OVERLAP)
    rep.m("content overlap").add(overlap, overlap, len(pt), len(gt))

    pairs = align(g_atts, p_atts, text)
    src_ok = source_lenient(text, sentences)

    def same_source(g: dict, p: dict) -> bool:
        gsrc, psrc = g.get("source"), p.get("source")
        if gsrc is None or psrc is None:
            return gsrc is None and psrc is None
        return src_ok(gsrc, psrc)

    kind_ok = sum(g["kind"] == p["kind"] for g, p in pairs)
    via_ok = sum(chain(g) == chain(p) for g, p in pairs)
    full_ok = sum(same_source(g, p) for g, p in pairs)
    rep.m("kind").add(kind_ok, kind_ok, len(p_atts), len(g_atts))
    rep.m("via").add(via_ok, via_ok, len(p_atts), len(g_atts))
    rep.m("attribution").add(full_ok, full_ok, len(p_atts), len(g_atts))
    nested_ok = sum(chain(g) == chain(p) for g, p in pairs if g.get("via"))
    rep.m("via on nested chains").add(
        nested_ok,
        nested_ok,
        sum(1 for p in p_atts if p.get("via")),
        sum(1 for g in g_atts if g.get("via")),
    )

    def describe(a: dict, limit: int = 90) -> str:
        src, cue = _text_of(a.get("source")), _text_of(a.get("cue"))
        return f"{a['sentence_ids']} {src!r} {cue!r} :: {a['content']['text'][:limit]!r}"

    matched_g = {id(g) for g, _ in pairs}
    matched_p = {id(p) for _, p in pairs}
    rep.errors.extend(f"{name} MISSED {describe(g)}" for g in g_atts if id(g) not in matched_g)
    rep.errors.extend(f"{name} SPURIOUS {describe(p)}" for p in p_atts if id(p) not in matched_p)
    for g, p in pairs:
        content = repr(g["content"]["text"][:60])
        if not same_source(g, p):
            gsrc, psrc = _text_of(g.get("source")), _text_of(p.get("source"))
            rep.errors.append(
                f"{name} SOURCE {g['sentence_ids']} gold {gsrc!r} got {psrc!r} :: {content}"
            )
        if chain(g) != chain(p):
            rep.errors.append(
                f"{name} VIA {g['sentence_ids']} gold {chain(g)} got {chain(p)} :: {content}"
            )


def score_dev_set(
    gold_dir: Path, predict: Callable[[Path], dict], root: Path
) -> tuple[Report, dict[str, int]]:
    """Score ``predict`` (an article's path to its ``extract`` JSON) on every gold file.

    Gold article paths are relative to ``root`` (the repository). Every gold span is checked
    against its article's text first (:class:`GoldError` on a mismatch); a gold file without
    attributions is checked but not scored. Returns the report and the gold attributions per
    article scored.
    """
    rep = Report()
    counts: dict[str, int] = {}
    for path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        article_path = root / gold["article"]["path"]
        with open(article_path, encoding="utf-8", newline="") as fh:
            text = fh.read()
        validate(gold, text, path.name)
        if not gold["attributions"]:
            continue
        counts[path.stem] = len(gold["attributions"])
        score_article(gold, predict(article_path), text, rep, path.stem)
    return rep, counts
