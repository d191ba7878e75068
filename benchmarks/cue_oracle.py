"""How much a perfect model could add, and how much a wrong one slips through: PolNeAR oracles.

Run by hand from the repository root (the corpus is not in the repository; see its README for
what may be done with it):

    .venv/bin/python -m benchmarks.cue_oracle [POLNEAR_DIR] [--split dev|train] [--limit N]
        [--examples N] [--json OUT]

The model is replaced by an oracle: for each article, one answer per gold attribution, its
source, cue and content copied verbatim from the article as a model is asked to copy them (the
content within one sentence: the part of it in the cue's sentence), with the ids of the
sentences they are in. The answers go through the real judging path, ``verify`` (whose
``SpanJudge`` locates, grounds and reconciles them) and ``spans.reconcile`` (the list
``briefing extract --backend openai`` prints), and that list is scored with the shared
scorer's rules (:mod:`briefing.evals.polnear`). Printed: the gold attributions the engine
misses (no prediction with the same content and source), how many of them reach the output,
the withheld answers by reason, and the scorer's figures with the oracle beside the engine's.

Then a negative oracle, answers that must not ground, to measure the rule's precision:

- ``action cue``: the gold source and content with the cue replaced by a word of the same
  sentence outside the source, cue and content that reports nothing (a verb, else a noun, of
  none of the lexicon's reporting lists: "visited", "killed", "the visit");
- ``other source``: the gold cue and content with another named person as source (a proper
  name of the same sentence, else another gold source of the article, its sentence cited too),
  where the gold source is not a pronoun or relative pronoun (whose antecedent, "Mr. Kamin, who
  emphasized", is the same person by another name).

A false acceptance is a negative answer that grounds (``SpanJudge`` keeps it): counted by what
became of it (added as the model's, kept beside the engine's as the uncertain other reading,
or confirming the engine's), with examples.
"""

from __future__ import annotations

import argparse
import functools
import json
import re
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefing import pipeline
from briefing.analyze.lexicon import lexicon, registry
from briefing.analyze.parse import parse
from briefing.analyze.sources import is_pronoun
from briefing.evals import polnear
from briefing.models import Analysis, LLMAttribution, LLMExtraction, Sentence
from briefing.verify import verify
from briefing.verify.spans import SpanJudge, reconcile

ROOT = Path(__file__).resolve().parent.parent
POLNEAR = ROOT.parent / "shared" / "datasets" / "polnear"
_QUOTE_MARKS = "\"“”'‘’"
_STRIP = " \t\n\u00a0,;:.—–-"
_CALENDAR = frozenset(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday".split()
)
_RELATIVE = frozenset({"who", "whom", "which", "that"})
_REASON_DETAIL = re.compile(r"“[^”]*”|\b[sm]\d+\b|\([^)]*\)")


def _reporting_words() -> frozenset[str]:
    """Every word of the lexicon's reporting lists: cue verbs, parse-rule verbs and nouns,
    adjectives of attitude, prepositional verbs and document nouns."""
    lex, reg = lexicon(), registry()
    p = lex.parse_cues
    words = set(reg.cue_forms) | set(reg.cue_lemma.values())
    for group in (p.speech, p.belief, p.intention, p.sourceless, p.sourceless_passive, p.nouns):
        words |= set(group)
    words |= set(p.adjectives) | set(p.documents)
    for lemmas in p.prepositional.values():
        words |= set(lemmas)
    for forms in p.irregular.values():
        words |= set(forms)
    return frozenset(words)


_REPORTING = _reporting_words()


def _reports(word: str) -> bool:
    """A word that may report: a form of a word of the lexicon's reporting lists."""
    from briefing.analyze.attribution.predicates import form_lemma

    w = word.lower()
    return w in _REPORTING or form_lemma(w) in _REPORTING


@dataclass
class Answer:
    """One oracle answer and what it stands for."""

    att: LLMAttribution
    gold: int  # the gold relation's index
    kind: str  # positive, action cue, other source
    note: str = ""


@dataclass
class Outcome:
    """What the judge made of one answer."""

    answer: Answer
    reason: str | None  # None: it grounded
    became: str | None = None  # found, uncertain, confirmed


@dataclass
class ArticleRun:
    name: str
    outcomes: list[Outcome] = field(default_factory=list)
    extraction: dict[str, Any] | None = None
    engine: dict[str, Any] | None = None


@functools.cache
def _read(path: str) -> str:
    with open(path, encoding="utf-8", newline="") as fh:
        return fh.read()


def _text(an: Analysis) -> str:
    """The article's text, as its offsets index it (read as the engine reads a file)."""
    return an.article.text or _read(an.article.path or "")


def _sentences_of(an: Analysis, lo: int, hi: int) -> list[Sentence]:
    return [s for s in an.sentences if s.start < hi and lo < s.end]


def _clip(text: str, lo: int, hi: int) -> tuple[int, int]:
    """The span without the spaces and punctuation at its ends."""
    while lo < hi and text[lo] in _STRIP:
        lo += 1
    while hi > lo and text[hi - 1] in _STRIP:
        hi -= 1
    return lo, hi


def _content_span(an: Analysis, rel: polnear.Relation, anchor: int | None) -> tuple[int, int]:
    """The gold content as a model copies it from one sentence: the whole where it lies in one,
    else its part in the sentence of ``anchor`` (the cue), else its longest part."""
    text = _text(an)
    lo, hi = polnear.extent(rel.content)
    sents = _sentences_of(an, lo, hi)
    if len(sents) > 1:
        home = next((s for s in sents if anchor is not None and s.start <= anchor < s.end), None)
        if home is None:
            home = max(sents, key=lambda s: min(s.end, hi) - max(s.start, lo))
        lo, hi = max(lo, home.start), min(hi, home.end)
    return _clip(text, lo, hi)


def _kind(an: Analysis, lo: int, hi: int) -> str:
    text = _text(an)
    if any(q.covers(lo, hi) for q in an.quotes) or (
        lo > 0 and text[lo - 1] in _QUOTE_MARKS or text[lo : lo + 1] in _QUOTE_MARKS
    ):
        return "direct"
    return "indirect"


def _answer(
    an: Analysis, source: str, cue: str, content: tuple[int, int], ids: list[str]
) -> LLMAttribution:
    text = _text(an)
    words = text[content[0] : content[1]]
    kind = _kind(an, *content)
    return LLMAttribution.model_validate(
        {
            "speaker": source,
            "via": [],
            "claim": f"{source} {cue} {words}",
            "quote": words if kind == "direct" else None,
            "kind": kind,
            "ids": ids,
            "source": source,
            "cue": cue,
            "content": words,
        }
    )


def _ids(an: Analysis, *spans: tuple[int, int] | None) -> list[str]:
    out: list[str] = []
    for sp in spans:
        if sp is None:
            continue
        for s in _sentences_of(an, *sp):
            if s.id not in out:
                out.append(s.id)
    return out


def positives(an: Analysis, rels: list[polnear.Relation]) -> Iterator[Answer]:
    """One answer per gold relation, as a perfect model would give it."""
    text = _text(an)
    for i, rel in enumerate(rels):
        cue = polnear.extent(rel.cue) if rel.cue else None
        src = polnear.extent(rel.source) if rel.source else None
        content = _content_span(an, rel, cue[0] if cue else None)
        yield Answer(
            _answer(
                an,
                text[src[0] : src[1]] if src else "",
                text[cue[0] : cue[1]] if cue else "",
                content,
                _ids(an, content, cue, src),
            ),
            i,
            "positive",
        )


def _outside(tok_span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return not any(tok_span[0] < b and a < tok_span[1] for a, b in taken)


def negatives(an: Analysis, rels: list[polnear.Relation], docs: dict[str, Any]) -> Iterator[Answer]:
    """Per gold relation with a source and a cue: the cue replaced by a word that reports
    nothing, and the source replaced by another named person."""
    text = _text(an)
    gold_sources = [polnear.extent(r.source) for r in rels if r.source]
    for i, rel in enumerate(rels):
        if not (rel.cue and rel.source):
            continue
        cue, src = polnear.extent(rel.cue), polnear.extent(rel.source)
        content = _content_span(an, rel, cue[0])
        home = next((s for s in an.sentences if s.start <= content[0] < s.end), None)
        if home is None:
            continue
        doc = docs[home.id]
        taken = [cue, src, content]
        spans = [
            (home.start + t.idx, home.start + t.idx + len(t), t)
            for t in doc
            if _outside((home.start + t.idx, home.start + t.idx + len(t)), taken)
        ]
        verbs = [
            x
            for x in spans
            if x[2].tag_.startswith("VB")
            and x[2].dep_ not in {"aux", "auxpass"}
            and not _reports(x[2].text)
            and x[2].is_alpha
            and x[2].lower_ not in {"is", "was", "are", "were", "be", "been", "being", "'s", "’s"}
        ]
        nouns = [
            x
            for x in spans
            if x[2].tag_ in {"NN", "NNS"}
            and x[2].is_alpha
            and not _reports(x[2].text)
            and len(x[2].text) > 2
        ]
        pick = (verbs or nouns or [None])[0]
        ids = _ids(an, content, src)
        if pick is not None:
            yield Answer(
                _answer(an, text[src[0] : src[1]], pick[2].text, content, ids),
                i,
                "action cue",
                f"{pick[2].text} ({pick[2].tag_})",
            )
        if is_pronoun(text[src[0] : src[1]]) or text[src[0] : src[1]].lower() in _RELATIVE:
            continue  # another name may be the very one the pronoun stands for ("X, who said")
        other = _other_person(an, home, doc, taken, src, gold_sources)
        if other is not None:
            name, at = other
            yield Answer(
                _answer(an, name, text[cue[0] : cue[1]], content, _ids(an, content, cue, at)),
                i,
                "other source",
                name,
            )


def _other_person(
    an: Analysis,
    home: Sentence,
    doc: Any,
    taken: list[tuple[int, int]],
    src: tuple[int, int],
    gold_sources: list[tuple[int, int]],
) -> tuple[str, tuple[int, int]] | None:
    """A person named in the sentence (a run of proper nouns) other than the source, else
    another gold source of the article that is a name and not the source's."""
    text = _text(an)
    gold_name = text[src[0] : src[1]]
    gold_head = polnear.head(gold_name)
    run: list[Any] = []
    runs: list[list[Any]] = []
    for t in doc:
        if t.tag_ in {"NNP", "NNPS"} and t.lower_ not in _CALENDAR:
            run.append(t)
        else:
            if run:
                runs.append(run)
            run = []
    if run:
        runs.append(run)
    for r in runs:
        lo = home.start + r[0].idx
        hi = home.start + r[-1].idx + len(r[-1])
        name = text[lo:hi]
        if _outside((lo, hi), taken[:2]) and _outside((lo, hi), [taken[2]]):
            if polnear.head(name) != gold_head and not _same_name(name, gold_name):
                return name, (lo, hi)
    for lo, hi in gold_sources:
        name = text[lo:hi]
        if is_pronoun(name) or not name[:1].isupper():
            continue
        if polnear.head(name) != gold_head and not _same_name(name, gold_name):
            return name, (lo, hi)
    return None


def _same_name(a: str, b: str) -> bool:
    words = {w.lower() for w in re.findall(r"[A-Z][\w'-]+", a)}
    return bool(words & {w.lower() for w in re.findall(r"[A-Z][\w'-]+", b)})


def _became(judge: SpanJudge, att: LLMAttribution) -> tuple[str | None, str | None]:
    located = judge.judge(att)
    if located.reason or located.attribution is None:
        return (
            located.reason
            or f"the engine has these words from another source ({located.engine_id})",
            None,
        )
    if located.doubt is not None:
        return None, "uncertain"
    return None, "confirmed" if located.engine_id is not None else "found"


def run_article(gold: polnear.GoldArticle, an: Analysis, negative: bool) -> ArticleRun:
    out = ArticleRun(gold.name)
    answers = list(positives(an, gold.relations))
    extraction = LLMExtraction(
        bottom_line=[], events=[], attributions=[a.att for a in answers], caveats=[]
    )
    checked = verify(an, extraction)
    judge = SpanJudge(an, _grounding(an))
    for a in answers:
        reason, became = _became(judge, a.att)
        out.outcomes.append(Outcome(a, reason, became))
    d = pipeline.extraction(an)
    out.engine = d
    out.extraction = dict(d, attributions=reconcile(an, checked))
    if negative:
        docs = dict(
            zip([s.id for s in an.sentences], parse([s.text for s in an.sentences]), strict=True)
        )
        for a in negatives(an, gold.relations, docs):
            reason, became = _became(judge, a.att)
            out.outcomes.append(Outcome(a, reason, became))
    return out


def _grounding(an: Analysis) -> Any:
    from briefing.analyze.grounding import Grounding

    return Grounding(an)


def reason_kind(reason: str) -> str:
    """A withholding reason without its particulars (the words, ids and engine ids)."""
    return " ".join(_REASON_DETAIL.sub("…", reason).split())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root", nargs="?", type=Path, default=POLNEAR)
    ap.add_argument("--split", default="dev", choices=["dev", "train"])
    ap.add_argument("--limit", type=int, help="only the first N articles")
    ap.add_argument("--examples", type=int, default=0, help="print N examples of each outcome")
    ap.add_argument("--no-negative", action="store_true", help="the positive oracle only")
    ap.add_argument("--json", type=Path, help="write every outcome as JSON")
    args = ap.parse_args(argv)
    golds = list(polnear.gold_articles(args.root, args.split))[: args.limit]
    loaded = pipeline.load([g.path for g in golds])
    by_path = {an.article.path: an for an in loaded.analyses}
    runs: list[ArticleRun] = []
    for g in golds:
        an = by_path.get(str(g.path))
        runs.append(
            run_article(g, an, not args.no_negative) if an is not None else ArticleRun(g.name)
        )
    engine = polnear.score_split(golds, [r.engine for r in runs])
    oracle = polnear.score_split(golds, [r.extraction for r in runs])
    report(golds, runs, engine, oracle, args.examples)
    if args.json:
        rows = [
            {
                "article": r.name,
                "gold": o.answer.gold,
                "kind": o.answer.kind,
                "note": o.answer.note,
                "source": o.answer.att.source,
                "cue": o.answer.att.cue,
                "content": o.answer.att.content,
                "reason": o.reason,
                "became": o.became,
            }
            for r in runs
            for o in r.outcomes
        ]
        args.json.write_text(json.dumps(rows, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


def report(
    golds: list[polnear.GoldArticle],
    runs: list[ArticleRun],
    engine: polnear.SplitScore,
    oracle: polnear.SplitScore,
    examples: int,
) -> None:
    n_gold = sum(len(g.relations) for g in golds)
    missed: set[tuple[int, int]] = set()
    for k, (g, art) in enumerate(zip(golds, engine.articles, strict=True)):
        hit = {i for i, _ in art.wsw_pairs}
        missed |= {(k, i) for i in range(len(g.relations)) if i not in hit}
    reached = {(k, i) for k, art in enumerate(oracle.articles) for i, _ in art.wsw_pairs}
    reasons: Counter[str] = Counter()
    samples: dict[str, list[str]] = {}
    for k, r in enumerate(runs):
        for o in r.outcomes:
            if o.answer.kind != "positive" or (k, o.answer.gold) not in missed:
                continue
            if o.reason is not None:
                key = reason_kind(o.reason)
                reasons[key] += 1
                samples.setdefault(key, []).append(_show(r.name, o))
    print(f"{len(golds)} articles, {n_gold} gold attributions")
    print(
        f"missed by the engine (no prediction with their content and source): {len(missed)}; "
        f"with the oracle, {len(missed & reached)} of them reach the output; "
        f"{sum(reasons.values())} withheld"
    )
    print()
    print("| withheld, by reason | answers |")
    print("|---|---|")
    for key, n in reasons.most_common():
        print(f"| {key} | {n} |")
    print()
    print("| figure | F1 engine | F1 engine + oracle | change |")
    print("|---|---|---|---|")
    for name, (_p, _r, f) in oracle.figures().items():
        print(f"| {name} | {engine.f1(name):.3f} | {f:.3f} | {f - engine.f1(name):+.3f} |")
    print()
    print(engine.line("dev").replace("PolNeAR", "engine:", 1))
    print(oracle.line("dev").replace("PolNeAR", "oracle:", 1))
    neg: Counter[tuple[str, str]] = Counter()
    false_samples: dict[str, list[str]] = {}
    for r in runs:
        for o in r.outcomes:
            if o.answer.kind == "positive":
                continue
            neg[(o.answer.kind, "asked")] += 1
            if o.reason is None:
                neg[(o.answer.kind, o.became or "?")] += 1
                false_samples.setdefault(o.answer.kind, []).append(_show(r.name, o))
    if neg:
        print()
        print("negative oracle: answers that must not ground")
        print()
        print("| answer | asked | grounded (false) | found | uncertain | confirmed |")
        print("|---|---|---|---|---|---|")
        for kind in ("action cue", "other source"):
            got = [neg[(kind, b)] for b in ("found", "uncertain", "confirmed")]
            print(
                f"| {kind} | {neg[(kind, 'asked')]} | {sum(got)} | "
                + " | ".join(map(str, got))
                + " |"
            )
    if examples:
        for key, lines in samples.items():
            print(f"\nwithheld: {key}")
            print("\n".join(lines[:examples]))
        for kind, lines in false_samples.items():
            print(f"\nfalse acceptance: {kind}")
            print("\n".join(lines[:examples]))


def _show(name: str, o: Outcome) -> str:
    a = o.answer.att
    note = f" [{o.answer.note}]" if o.answer.note else ""
    return (
        f"  {name[:40]} {','.join(a.sentence_ids[:2])}: {a.source!r} | {a.cue!r}{note} | "
        f"{(a.content or '')[:90]!r}"
    )


if __name__ == "__main__":
    sys.exit(main())
