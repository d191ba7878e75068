"""Score the attribution engine against the hand-annotated dev set.

Run by hand from the repository root:

    .venv/bin/python benchmarks/attribution.py [--gold tests/data/attribution] [--errors] [--json OUT]

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

Every gold span is checked against its article's text first; a mismatch stops the run.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_TOKEN = re.compile(r"\w+", re.UNICODE)


@dataclass
class PRF:
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
    metrics: dict[str, PRF] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def m(self, name: str) -> PRF:
        return self.metrics.setdefault(name, PRF())


def _tokens(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [(start + m.start(), start + m.end()) for m in _TOKEN.finditer(text[start:end])]


def token_overlap(text: str, a: dict, b: dict) -> float:
    """Tokens the two spans share, over the tokens of the longer one."""
    ta, tb = set(_tokens(text, a["start"], a["end"])), set(_tokens(text, b["start"], b["end"]))
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / max(len(ta), len(tb))


def _head(span: dict) -> str:
    first = span["text"].split(",")[0]
    words = _TOKEN.findall(first)
    return re.sub(r"(?:’s|'s)$", "", words[-1]).lower() if words else ""


def _sentence_of(sentences: list[dict], pos: int) -> str | None:
    return next((s["id"] for s in sentences if s["start"] <= pos < s["end"]), None)


def _match(gold: list[dict], pred: list[dict], ok) -> int:
    """One-to-one greedy matching; returns how many pairs ``ok`` accepts."""
    used: set[int] = set()
    hits = 0
    for g in gold:
        for i, p in enumerate(pred):
            if i not in used and ok(g, p):
                used.add(i)
                hits += 1
                break
    return hits


def _unique(spans: list[dict | None]) -> list[dict]:
    seen, out = set(), []
    for s in spans:
        if s is not None and (s["start"], s["end"]) not in seen:
            seen.add((s["start"], s["end"]))
            out.append(s)
    return out


def _chain(att: dict) -> list[str]:
    return [(v.get("canonical") or v["text"]).lower() for v in att.get("via") or []]


def _source_lenient(text: str, sentences: list[dict]):
    def ok(g: dict, p: dict) -> bool:
        if g["start"] < p["end"] and p["start"] < g["end"]:
            return True
        return _head(g) == _head(p) and _sentence_of(sentences, g["start"]) == _sentence_of(
            sentences, p["start"]
        )

    return ok


def validate(gold: dict, text: str, name: str) -> None:
    for a in gold["attributions"]:
        spans = [a.get("source"), a.get("cue"), a["content"], *(a.get("via") or [])]
        for s in spans:
            if s is None or s.get("start") is None:
                continue
            if text[s["start"] : s["end"]] != s["text"]:
                raise SystemExit(
                    f"{name} {a['id']}: span {s['start']}:{s['end']} is {text[s['start'] : s['end']]!r}, not {s['text']!r}"
                )


def score_article(gold: dict, pred: dict, text: str, rep: Report, name: str) -> None:
    g_atts, p_atts = gold["attributions"], pred["attributions"]
    sentences = gold["sentences"]

    gs, ps = _unique([a.get("source") for a in g_atts]), _unique([a.get("source") for a in p_atts])
    exact = len({(s["start"], s["end"]) for s in gs} & {(s["start"], s["end"]) for s in ps})
    rep.m("source strict").add(exact, exact, len(ps), len(gs))
    lenient = _match(gs, ps, _source_lenient(text, sentences))
    rep.m("source lenient").add(lenient, lenient, len(ps), len(gs))

    gc, pc = _unique([a.get("cue") for a in g_atts]), _unique([a.get("cue") for a in p_atts])
    exact = len({(s["start"], s["end"]) for s in gc} & {(s["start"], s["end"]) for s in pc})
    rep.m("cue").add(exact, exact, len(pc), len(gc))

    gt, pt = _unique([a["content"] for a in g_atts]), _unique([a["content"] for a in p_atts])
    exact = len({(s["start"], s["end"]) for s in gt} & {(s["start"], s["end"]) for s in pt})
    rep.m("content strict").add(exact, exact, len(pt), len(gt))
    overlap = _match(gt, pt, lambda g, p: token_overlap(text, g, p) >= 0.5)
    rep.m("content overlap").add(overlap, overlap, len(pt), len(gt))

    # align attributions by content, best overlap first
    pairs: list[tuple[dict, dict]] = []
    candidates = sorted(
        (
            (token_overlap(text, g["content"], p["content"]), gi, pi)
            for gi, g in enumerate(g_atts)
            for pi, p in enumerate(p_atts)
        ),
        reverse=True,
    )
    used_g, used_p = set(), set()
    for ov, gi, pi in candidates:
        if ov < 0.5:
            break
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        pairs.append((g_atts[gi], p_atts[pi]))
    src_ok = _source_lenient(text, sentences)
    kind_ok = sum(g["kind"] == p["kind"] for g, p in pairs)
    via_ok = sum(_chain(g) == _chain(p) for g, p in pairs)
    full_ok = sum(
        (g.get("source") is None and p.get("source") is None)
        or (
            g.get("source") is not None
            and p.get("source") is not None
            and src_ok(g["source"], p["source"])
        )
        for g, p in pairs
    )
    rep.m("kind").add(kind_ok, kind_ok, len(p_atts), len(g_atts))
    rep.m("via").add(via_ok, via_ok, len(p_atts), len(g_atts))
    rep.m("attribution").add(full_ok, full_ok, len(p_atts), len(g_atts))
    nested = [(g, p) for g, p in pairs if g.get("via")]
    rep.m("via on nested chains").add(
        sum(_chain(g) == _chain(p) for g, p in nested),
        sum(_chain(g) == _chain(p) for g, p in nested),
        sum(1 for p in p_atts if p.get("via")),
        sum(1 for g in g_atts if g.get("via")),
    )

    matched_g = {id(g) for g, _ in pairs}
    matched_p = {id(p) for _, p in pairs}
    for g in g_atts:
        if id(g) not in matched_g:
            src = (g.get("source") or {}).get("text")
            rep.errors.append(
                f"{name} MISSED {g['sentence_ids']} {src!r} {(g.get('cue') or {}).get('text')!r} :: {g['content']['text'][:90]!r}"
            )
    for p in p_atts:
        if id(p) not in matched_p:
            src = (p.get("source") or {}).get("text")
            rep.errors.append(
                f"{name} SPURIOUS {p['sentence_ids']} {src!r} {(p.get('cue') or {}).get('text')!r} :: {p['content']['text'][:90]!r}"
            )
    for g, p in pairs:
        gsrc, psrc = g.get("source"), p.get("source")
        if not ((gsrc is None and psrc is None) or (gsrc and psrc and src_ok(gsrc, psrc))):
            rep.errors.append(
                f"{name} SOURCE {g['sentence_ids']} gold {(gsrc or {}).get('text')!r} got {(psrc or {}).get('text')!r} :: {g['content']['text'][:60]!r}"
            )
        if _chain(g) != _chain(p):
            rep.errors.append(
                f"{name} VIA {g['sentence_ids']} gold {_chain(g)} got {_chain(p)} :: {g['content']['text'][:60]!r}"
            )


def run(gold_dir: Path) -> tuple[Report, dict[str, int]]:
    from briefing.analyze import analyze
    from briefing.ingest import load_article

    rep = Report()
    counts: dict[str, int] = {}
    for path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        article_path = ROOT / gold["article"]["path"]
        with open(article_path, encoding="utf-8", newline="") as fh:
            text = fh.read()
        validate(gold, text, path.name)
        if not gold["attributions"]:
            continue
        pred = analyze(load_article(article_path)).model_dump(mode="json")
        counts[path.stem] = len(gold["attributions"])
        score_article(gold, pred, text, rep, path.stem)
    return rep, counts


def main() -> None:
    ap = argparse.ArgumentParser(
        description="Score briefing's attribution engine against the dev set."
    )
    ap.add_argument("--gold", type=Path, default=ROOT / "tests" / "data" / "attribution")
    ap.add_argument(
        "--errors", action="store_true", help="list missed, spurious and mis-sourced attributions"
    )
    ap.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = ap.parse_args()
    rep, counts = run(args.gold)
    print(f"dev set: {len(counts)} articles, {sum(counts.values())} gold attributions")
    print("| metric | P | R | F1 |")
    print("|---|---|---|---|")
    for name, prf in rep.metrics.items():
        print(f"| {name} | {prf.p:.3f} | {prf.r:.3f} | {prf.f1:.3f} |")
    if args.errors:
        print()
        print("\n".join(rep.errors))
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    n: {"p": m.p, "r": m.r, "f1": m.f1, "n_gold": m.n_gold, "n_pred": m.n_pred}
                    for n, m in rep.metrics.items()
                },
                indent=1,
            )
        )


if __name__ == "__main__":
    sys.exit(main())
