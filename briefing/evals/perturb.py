"""Faulty summaries made on purpose, from gold attributions, with faithful controls beside them.

Each error type ``check`` must catch gets summaries built to carry exactly that error, from an
annotated article (the dev set in ``tests/data/attribution/``, or any ``extract`` output):

- ``misattributed_speaker``: the content given to another source of the same article;
- ``dropped_intermediary``: a reported chain told as the source's own words;
- ``hedge_dropped``: a hedged sentence with its hedge removed;
- ``quote_not_verbatim``: one word inside a quotation changed;
- ``quote_wrong_speaker``: a verbatim quotation given to another speaker;

and faithful controls: the same content with its real source (and chain) kept, which must pass.
Deterministic: the same input gives the same suite.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefing.analyze.claims import has_hedge
from briefing.analyze.figures import Number, numbers
from briefing.analyze.grounding import Grounding
from briefing.analyze.lexicon import lexicon, one_of, registry
from briefing.analyze.provenance import side_of
from briefing.analyze.readings import addressee, news_record
from briefing.analyze.sources import is_pronoun, person_names
from briefing.evals.faithful import Said, lower_first
from briefing.models import PIECE_JOINER, Analysis, Content, Span

_WORDS = lexicon().perturbations
_SPEECH_CUES = _WORDS.speech_cues
_SWAPS = _WORDS.swaps
_FINITE = re.compile(rf"\b(?:{one_of(_WORDS.finite_verbs)}|[a-z]+ed|[a-z]+s)\b")


def _name(src: dict[str, Any] | None) -> str | None:
    if not src:
        return None
    return src.get("canonical") or src.get("text")


def _side(src: dict[str, Any], reg: Any) -> set[str]:
    """The country a gold source speaks for, if any (``provenance.side_of``)."""
    side = side_of(src.get("canonical") or src.get("text"), reg=reg)
    return {side} if side else set()


def _side_of_name(name: str, gold: dict[str, Any], reg: Any) -> set[str]:
    return {
        c
        for a in gold["attributions"]
        if a.get("source") and (a["source"].get("canonical") or a["source"]["text"]) == name
        for c in _side(a["source"], reg)
    }


def _pieces(a: dict[str, Any]) -> list[Span]:
    """The pieces of an attribution's content (one, unless it is an interrupted quotation)."""
    return Content.model_validate(a["content"]).pieces


def _said(a: dict[str, Any]) -> str:
    """What the source said, without the words that interrupt a quotation ('she said')."""
    return Content.model_validate(a["content"]).said


def _quoted(a: dict[str, Any]) -> str:
    """The quotation as a summary quotes it: each piece in quote marks, word for word."""
    return PIECE_JOINER.join(f"“{' '.join(p.text.split())}”" for p in _pieces(a))


def _clause(text: str) -> str:
    text = " ".join(text.split()).strip(' ,.;:“”"')
    return (
        text[:1].lower() + text[1:]
        if text[:1].isupper()
        and not text[:2].isupper()
        and " " in text
        and not re.match(r"[A-Z][a-z]+ [A-Z]", text)
        else text
    )


def _alter(quote: str) -> str | None:
    """One word of the quotation changed, so it is no longer verbatim."""
    words = quote.split()
    for i, w in enumerate(words):
        if w.lower() in _SWAPS:
            return " ".join(words[:i] + [_SWAPS[w.lower()]] + words[i + 1 :])
    for i, w in enumerate(words):
        if len(w) > 4 and w.isalpha():
            return " ".join(words[:i] + ["very " + w] + words[i + 1 :])
    return None


def cases_for(gold: dict[str, Any], article_path: str, limit: int = 3) -> list[dict[str, Any]]:
    """Perturbed and control cases for one annotated article, at most ``limit`` of each kind."""
    reg = registry()
    # attributions a summary can restate as "X said ...": a named source, a reporting verb, a clause
    atts = [
        a
        for a in gold["attributions"]
        if a.get("source")
        and a["source"].get("type") != "anonymous"
        and not a["source"]["text"].isupper()
        and (a.get("cue") or {}).get("text", "").lower() in _SPEECH_CUES
        and len(_said(a).split()) >= 4
        and (a["kind"] == "direct" or _FINITE.search(_said(a)))
    ]
    people = []
    described: dict[
        str, str
    ] = {}  # name -> how the article describes them ("a spokeswoman for Lordstown")
    for a in atts:
        n = _name(a["source"])
        if n and n.lower() not in {"he", "she", "it", "they", "we", "i"} and n not in people:
            people.append(n)
            described[n] = a["source"]["text"]
    base = gold["article"]["id"]
    sentences = {s["id"]: s["text"] for s in gold["sentences"]}
    out: list[dict[str, Any]] = []
    counts: dict[str, int] = {}

    def add(kind: str, summary: str, expect: dict[str, Any], note: str) -> None:
        if counts.get(kind, 0) >= limit:
            return
        counts[kind] = counts.get(kind, 0) + 1
        out.append(_case(f"{base}-{kind}-{counts[kind]}", article_path, summary, expect, note))

    for a in atts:
        speaker = _name(a["source"])
        if not speaker or speaker.lower() in {"he", "she", "it", "they", "we", "i"}:
            continue
        vias = [_name(v) for v in a.get("via") or [] if _name(v)]
        quoted = a["kind"] == "direct"
        # an interrupted statement told in a summary's words is its first piece: the pieces
        # joined by an ellipsis read as a quotation cut, not as one clause
        content = _clause(_said(a) if quoted else _pieces(a)[0].text)
        # faithful control: the real source, the whole chain, the article's words
        restated = f"said: {_quoted(a)}" if quoted else f"said {content}."
        control = (
            f"According to {vias[0]}, {speaker} {restated}" if vias else f"{speaker} {restated}"
        )
        add("control", control, {"passed": True}, f"faithful to {a['id']}")
        # another source of the article, unrelated to this claim: not named in it, not in its chain,
        # not the same side (a state outlet and its government speak as one)
        side = _side(a["source"], reg) | {s for v in a.get("via") or [] for s in _side(v, reg)}
        others = [
            p
            for p in people
            if p != speaker
            and p not in vias
            and p.split()[-1] not in speaker
            and not any(
                w in _said(a) or w in a["source"]["text"] for w in (p.split()[0], p.split()[-1])
            )
            and not (_side_of_name(p, gold, reg) & side)
            and not any(
                w in described.get(p, "") for w in (speaker.split()[0], speaker.split()[-1])
            )
        ]  # speaks for them
        if others and not quoted and not re.search(r"[“”\"]", _said(a)):
            add(
                "misattributed_speaker",
                f"{others[0]} said {content}.",
                {"find": ["misattributed_speaker"]},
                f"{a['id']} given to {others[0]}",
            )
        sentence = " ".join(sentences.get(sid, "") for sid in a.get("sentence_ids", []))
        heard = any(
            addressee(sentence, v.get(k) or "") for v in a.get("via") or [] for k in ("text",)
        )
        if vias and not heard:
            add(
                "dropped_intermediary",
                f"{speaker} said {content}.",
                {"find": ["dropped_intermediary"]},
                f"{a['id']} without {vias[0]}",
            )
        elif vias:
            # a newsroom the source spoke to ("told the Journal") heard the words: no chain
            add(
                "control-addressee",
                f"{speaker} {restated}",
                {"passed": True},
                f"{a['id']} without {vias[0]}, which {speaker.split()[-1]} spoke to, so no chain",
            )
        if quoted:
            # one piece of an interrupted quotation, the longest: the others are not changed
            words = max((" ".join(p.text.split()) for p in _pieces(a)), key=len)
            changed = _alter(words)
            if changed:
                add(
                    "quote_not_verbatim",
                    f"{speaker} said: “{changed}”",
                    {"find": ["quote_not_verbatim"]},
                    f"{a['id']} with one word changed",
                )
            if others:
                add(
                    "quote_wrong_speaker",
                    f"{others[0]} said: “{words}”",
                    {"find": ["quote_wrong_speaker"]},
                    f"{a['id']} given to {others[0]}",
                )
    # hedges: the hedged sentence, its hedge removed
    sentences = {s["id"]: s["text"] for s in gold["sentences"]}
    for sid, text in sentences.items():
        for pattern in reg.hedges[:6]:
            m = pattern.search(text)
            if not m or m.group(0).strip().lower() in {"alleged", "suspected", "likely"}:
                continue
            plain = (text[: m.start()] + text[m.end() :]).replace("  ", " ")
            if any(p.search(plain) for p in reg.hedges):
                continue  # another hedge would still stand
            plain = re.sub(r"\bto have been (\w+ing)\b", r"has been \1", plain)
            plain = plain.lstrip(" ,;:")
            plain = plain[:1].upper() + plain[1:]
            add(
                "hedge_dropped",
                plain,
                {"find": ["hedge_dropped"]},
                f"{sid} without “{m.group(0).strip()}”",
            )
            break
    return out


def build_suite(gold_files: list[Path], root: Path, out: Path, limit: int = 3) -> dict[str, Any]:
    """A suite from annotated articles; article paths are written relative to the suite file."""
    import json
    import os

    cases: list[dict[str, Any]] = []
    for gf in gold_files:
        gold = json.loads(gf.read_text(encoding="utf-8"))
        article = (root / gold["article"]["path"]).resolve()
        rel = os.path.relpath(article, out.parent.resolve())
        cases.extend(cases_for(gold, rel, limit))
        cases.extend(_misattribution_cases(gold, article, rel, limit))
    return {
        "suite": "perturbations",
        "min_pass_rate": 0.95,
        "description": "Made by `briefing eval perturb` from the attribution dev set: each "
        "case carries one attribution error check must find (a speaker swapped, invented or "
        "promoted from the background, a chain or a hedge dropped, a side's claim stated as "
        "fact, a number moved between speakers, a quotation changed), or is a faithful "
        "control that must pass.",
        "cases": cases,
    }


# -- misattributions real summaries show, from any article and the attributions a summary can
# restate (``faithful.from_gold``) ------------------------------------------------------------


@dataclass(frozen=True)
class Perturbed:
    kind: str
    summary: str
    expect: tuple[str, ...]  # ``check`` must give one of these finding types
    note: str


def _surname_in(name: str, text: str) -> bool:
    return bool(name.split()) and re.search(rf"\b{re.escape(name.split()[-1])}\b", text) is not None


def _kind(n: Number) -> str:
    """What a number counts: a year, an amount of money, a share, an ordinal or a count."""
    if n.text[:1] in "$€£":
        return "money"
    if n.text.endswith("%") or "percent" in n.text or "per cent" in n.text:
        return "share"
    if n.ordinal:
        return "ordinal"
    if n.digits and n.value.is_integer() and 1900 <= n.value <= 2100 and n.text.isdigit():
        return "year"
    return "count"


def _background(analysis: Analysis, holders: list[str]) -> list[str]:
    """People the article names (a first name from ``first_names.yaml`` and a surname) and
    quotes on nothing: no attribution's holder or intermediary."""
    first = lexicon().first_names.female | lexicon().first_names.male
    out = []
    for s in analysis.sentences:
        for name, _, _ in person_names(s.text):
            words = name.split()
            if len(words) >= 2 and words[0].lower() in first and name not in out:
                if not any(_surname_in(name, h) for h in holders):
                    out.append(name)
    return out


def misattributions(
    text: str, claims: Sequence[Said], analysis: Analysis, limit: int = 2
) -> list[Perturbed]:
    """Summaries that each carry one misattribution of the kinds real summaries show:

    - ``invented_speaker``: the claim given to someone the article never mentions;
    - ``promoted_background``: a named source's claim given to a person the article names but
      quotes on nothing;
    - ``article_voice``: a side's claim stated as the summary's own (a newsroom's report of
      what happened is the record, and is left out);
    - ``hedge_weakened``: a hedged sentence with its hedge made certain ("is believed to" to
      "is known to");
    - ``number_moved``: one speaker's claim with a number another speaker gave.
    """
    ground = Grounding(analysis)
    out: list[Perturbed] = []
    counts: dict[str, int] = {}

    def add(kind: str, summary: str, expect: tuple[str, ...], note: str) -> None:
        if counts.get(kind, 0) < limit:
            counts[kind] = counts.get(kind, 0) + 1
            out.append(Perturbed(kind, summary, expect, note))

    wrong_speaker = ("misattributed_speaker",)
    holders = [
        n for a in analysis.attributions for n in ground.holder_names(a) + ground.via_names(a)
    ]
    invented = next((n for n in _WORDS.invented_speakers if not _surname_in(n, text)), None)
    background = _background(analysis, holders)
    indirect = [c for c in claims if not c.quoted]
    for c in indirect:
        content = lower_first(c.content)
        own = [
            a
            for a in analysis.attributions
            if a.source is not None
            and _surname_in(c.source, a.source.text + " " + (a.source.canonical or ""))
        ]
        if invented:
            add(
                "invented_speaker",
                f"{invented} said {content}.",
                wrong_speaker,
                f"{c.source}'s words given to {invented}, whom the article never mentions",
            )
        person = next(
            (p for p in background if not _surname_in(p, c.content + " " + c.source)), None
        )
        if person and any(a.source and a.source.canonical for a in own):
            add(
                "promoted_background",
                f"{person} said {content}.",
                wrong_speaker,
                f"{c.source}'s words given to {person}, whom the article quotes on nothing",
            )
        if own and not any(news_record(a) for a in own) and not is_pronoun(c.content.split()[0]):
            add(
                "article_voice",
                f"{c.content[:1].upper()}{c.content[1:]}.",
                ("attribution_dropped", "dropped_intermediary"),
                f"{c.source}'s claim stated as fact",
            )
    # a number another holder gave, of the same kind (a year for a year, an amount for an amount)
    donors = [
        (a, n)
        for a in analysis.attributions
        if a.source is not None
        for n in numbers(a.content.said)
    ]
    for c in indirect:
        for n in numbers(c.content):
            given = next(
                (
                    (a, m)
                    for a, m in donors
                    if _kind(m) == _kind(n)
                    and m.value != n.value
                    and not _surname_in(a.source.text, c.source)  # type: ignore[union-attr]
                ),
                None,
            )
            if given is not None:
                a, m = given
                moved = c.content[: n.start] + m.text + c.content[n.end :]
                add(
                    "number_moved",
                    f"{c.source} said {lower_first(moved)}.",
                    ("number_mismatch",),
                    f"{a.source.text}'s {m.text} in {c.source}'s claim, for {n.text}",
                )  # type: ignore[union-attr]
                break
    for cv in analysis.caveats:
        sent = analysis.sentence(cv.sentence_ids[0]) if cv.kind == "hedge" else None
        if sent is None or re.search("[\"“”]|''", sent.text) or cv.text not in sent.text:
            continue
        if any(
            o is not cv and o.kind == "hedge" and sent.id in o.sentence_ids
            for o in analysis.caveats
        ):
            continue  # another hedge would still stand
        at = sent.text.index(cv.text)
        # the longest wording of the hedge that starts where it does ("appeared to be")
        m = next(
            (
                m
                for hedge in sorted(_WORDS.weakened, key=len, reverse=True)
                if (m := re.compile(rf"\b{re.escape(hedge)}\b", re.I).match(sent.text, at))
            ),
            None,
        )
        if m is None or at == 0:
            continue  # a hedge that opens the sentence ("Probably not.") leaves no claim
        certain = _WORDS.weakened[m.group(0).lower()]
        plain = " ".join((sent.text[: m.start()] + certain + sent.text[m.end() :]).split())
        still = any(re.search(rf"\b{re.escape(h)}\b", plain, re.I) for h in _WORDS.weakened)
        if not has_hedge(plain) and not still:  # another hedge would still stand
            add("hedge_weakened", plain, ("hedge_dropped",), f"{sent.id}: “{cv.text}” made certain")
    return out


def _misattribution_cases(
    gold: dict[str, Any], article: Path, rel: str, limit: int
) -> list[dict[str, Any]]:
    """The misattributions real summaries show (:func:`misattributions`) as suite cases, made
    from the gold attributions a summary can restate (``faithful.usable``)."""
    from briefing.analyze import analyze
    from briefing.evals.faithful import usable
    from briefing.ingest import load_article

    art = load_article(article)
    claims = [
        said
        for a in gold["attributions"]
        if a.get("source") and a.get("cue")
        if (said := usable(a["source"]["text"], a["cue"]["text"], _said(a), art.text))
    ]
    made = misattributions(art.text, claims, analyze(art), limit)
    base = gold["article"]["id"]
    counts: dict[str, int] = {}
    out = []
    for p in made:
        counts[p.kind] = counts.get(p.kind, 0) + 1
        expect = {"find_any" if len(p.expect) > 1 else "find": list(p.expect)}
        out.append(_case(f"{base}-{p.kind}-{counts[p.kind]}", rel, p.summary, expect, p.note))
    return out


def _case(
    case_id: str, article: str, summary: str, expect: dict[str, Any], note: str
) -> dict[str, Any]:
    """One suite case as the YAML holds it."""
    return {"id": case_id, "article": article, "summary": summary, "expect": expect, "note": note}
