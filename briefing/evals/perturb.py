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
from pathlib import Path
from typing import Any

from briefing.analyze.lexicon import lexicon, one_of, registry
from briefing.analyze.provenance import side_of
from briefing.models import PIECE_JOINER, Content, Span

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
    out: list[dict[str, Any]] = []
    counts: dict[str, int] = {}

    def add(kind: str, summary: str, expect: dict[str, Any], note: str) -> None:
        if counts.get(kind, 0) >= limit:
            return
        counts[kind] = counts.get(kind, 0) + 1
        out.append(
            {
                "id": f"{base}-{kind}-{counts[kind]}",
                "article": article_path,
                "summary": summary,
                "expect": expect,
                "note": note,
            }
        )

    for a in atts:
        speaker = _name(a["source"])
        if not speaker or speaker.lower() in {"he", "she", "it", "they", "we", "i"}:
            continue
        content = _clause(_said(a))
        vias = [_name(v) for v in a.get("via") or [] if _name(v)]
        quoted = a["kind"] == "direct"
        # faithful control: the real source, the whole chain, the article's words
        if vias:
            control = f"According to {vias[0]}, {speaker} said {content}."
        elif quoted:
            control = f"{speaker} said: {_quoted(a)}"
        else:
            control = f"{speaker} said {content}."
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
        if vias:
            add(
                "dropped_intermediary",
                f"{speaker} said {content}.",
                {"find": ["dropped_intermediary"]},
                f"{a['id']} without {vias[0]}",
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
    return {
        "suite": "perturbations",
        "min_pass_rate": 0.95,
        "description": "Made by `briefing eval perturb` from the attribution dev set: each "
        "case carries one attribution error check must find, or is a faithful control that "
        "must pass.",
        "cases": cases,
    }
