"""``briefing check``: does a summary attribute what it says the way its article does?

The summary is split into claims and read by the same engine as the article, so both sides are
in the same terms: who holds each claim, through whom, quoted or not, hedged or not. Each claim is
aligned to the article's attributions and sentences by shared content words (stems, so a
paraphrase aligns) and then compared:

- the article attributes the content and the summary states it as plain fact: ``attribution_dropped``;
- the summary names another holder: ``misattributed_speaker``;
- the summary keeps the holder but loses the chain ("as reported by KCNA"): ``dropped_intermediary``;
- the article hedges and the summary does not: ``hedge_dropped``;
- quoted words that are not in the article: ``quote_not_verbatim``; in the article but said by
  someone else: ``quote_wrong_speaker``;
- a claim given to a speaker where the article has nothing like it: ``unsupported_attribution``;
- a side's loaded term used as the summary's own words: ``characterization_adopted``.

Deterministic: the same article and summary give the same findings every time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, Field

from briefing.analyze import analyze
from briefing.analyze.lexicon import registry
from briefing.analyze.sources import NameBook, NameMatcher, classify, is_pronoun, person_names
from briefing.analyze.words import content_words
from briefing.models import Analysis, Article, ArticleMeta, Attribution
from briefing.verify import normalise

FindingType = Literal[
    "misattributed_speaker",
    "dropped_intermediary",
    "attribution_dropped",
    "hedge_dropped",
    "quote_not_verbatim",
    "quote_wrong_speaker",
    "unsupported_attribution",
    "characterization_adopted",
]
FINDING_TYPES: tuple[str, ...] = FindingType.__args__  # type: ignore[attr-defined]

_QUOTE = re.compile(r"[“\"]([^“”\"]{2,}?)[”\"]")
_MIN_ALIGN = 0.5
# A definite description that may stand for an organisation the article names elsewhere.
_ORG_DESCRIPTION = re.compile(
    r"^the (?:automaker|company|firm|startup|agency|group|carrier|airline|regulator|ministry|government|bank|"
    r"organi[sz]ation|manufacturer|retailer|network|outlet|paper|newspaper|broadcaster|department|authority)\b",
    re.I,
)  # share of the claim's content words an article unit must hold to align


class SummarySpan(BaseModel):
    start: int
    end: int
    text: str


class Finding(BaseModel):
    type: FindingType
    severity: Literal["error", "warning"] = "error"
    message: str
    summary_span: SummarySpan
    expected: str | None = None
    found: str | None = None
    evidence_sentence_ids: list[str] = Field(default_factory=list)


class CheckResult(BaseModel):
    passed: bool
    findings: list[Finding] = Field(default_factory=list)


def _containment(claim: set[str], unit: set[str]) -> float:
    return len(claim & unit) / len(claim) if claim else 0.0


@dataclass
class _Claim:
    start: int
    end: int
    text: str
    attribution: Attribution | None  # the summary's own attribution for this claim, if any
    words: set[str] = field(default_factory=set)


class Checker:
    """Check any number of summaries against one article, analysing the article once."""

    def __init__(self, article: Article | Analysis) -> None:
        self.an = article if isinstance(article, Analysis) else analyze(article)
        self.reg = registry()
        self.book = NameBook.from_text(" ".join(s.text for s in self.an.sentences))
        self.names = NameMatcher(self.book, self.reg)
        self.sent_words = {s.id: content_words(s.text) for s in self.an.sentences}
        self.att_words = {a.id: content_words(a.content.text) for a in self.an.attributions}
        self.article_text = normalise(" ".join(s.text for s in self.an.sentences))

    # -- names ----------------------------------------------------------------------------------
    def _keys(self, name: str | None) -> set[str]:
        return self.names.keys(name)

    def same(self, a: str | None, b: str | None) -> bool:
        return self.names.same(a, b)

    def holder_names(self, a: Attribution) -> list[str]:
        return [n for n in ((a.source.canonical, a.source.text) if a.source else ()) if n]

    def via_names(self, a: Attribution) -> list[str]:
        return [n for v in a.via for n in (v.canonical, v.text) if n]

    def describe(self, a: Attribution) -> str:
        who = (a.source.canonical or a.source.text) if a.source else "an unnamed holder"
        return who + (" via " + ", ".join(v.canonical or v.text for v in a.via) if a.via else "")

    # -- claims ---------------------------------------------------------------------------------
    def claims(self, summary: str) -> tuple[Analysis, list[_Claim]]:
        san = analyze(Article(meta=ArticleMeta(id="summary", path="<summary>"), text=summary))
        out = []
        for s in san.sentences:
            own = [a for a in san.attributions if s.id in a.sentence_ids and a.source is not None]
            top = min(own, key=lambda a: (len(a.via), a.content.start), default=None)
            inner = max(own, key=lambda a: len(a.via), default=None)
            # the innermost holder ("KCNA said Putin expressed ..."), unless it is only a pronoun
            att = (
                inner
                if inner is not None and inner.via and not is_pronoun(inner.source.text)
                else top
            )
            words = content_words(att.content.text if att is not None else s.text)
            out.append(_Claim(s.start, s.end, s.text, att, words))
        return san, out

    def align(self, claim: _Claim) -> tuple[list[Attribution], list[str]]:
        """Article attributions and sentences that hold the claim's content."""
        atts = [
            a
            for a in self.an.attributions
            if _containment(claim.words, self.att_words[a.id]) >= _MIN_ALIGN
        ]
        atts.sort(key=lambda a: -_containment(claim.words, self.att_words[a.id]))
        sents = [
            sid for sid, w in self.sent_words.items() if _containment(claim.words, w) >= _MIN_ALIGN
        ]
        sents.sort(key=lambda sid: -_containment(claim.words, self.sent_words[sid]))
        return atts, sents

    # -- the check ------------------------------------------------------------------------------
    def check(self, summary: str) -> CheckResult:
        findings: list[Finding] = []
        san, claims = self.claims(summary)
        quoted = self._check_quotes(summary, san, claims)
        findings.extend(quoted)
        flagged = {(f.summary_span.start, f.summary_span.end) for f in quoted}
        for c in claims:
            if (c.start, c.end) in flagged:
                continue
            findings.extend(self._check_claim(c))
        return CheckResult(
            passed=not any(f.severity == "error" for f in findings), findings=findings
        )

    def _check_quotes(self, summary: str, san: Analysis, claims: list[_Claim]) -> list[Finding]:
        """Quoted words must be the article's, word for word, and from the speaker named."""
        out = []
        for m in _QUOTE.finditer(summary):
            q = normalise(m.group(1)).strip(" ,.")
            if len(q.split()) < 2 and len(q) < 12:
                continue
            c = next((c for c in claims if c.start <= m.start() < c.end), claims[0])
            holder = next(
                (
                    a
                    for a in san.attributions
                    if a.source is not None and a.content.start <= m.start(1) < a.content.end + 1
                ),
                None,
            )
            said_by = (
                (holder.source.canonical or holder.source.text)
                if holder and holder.source
                else None
            )
            span_claim = _Claim(
                c.start,
                max(c.end, m.end()),
                summary[c.start : max(c.end, m.end())],
                c.attribution,
                c.words,
            )
            if q not in self.article_text:
                words = content_words(q)
                near = max(
                    self.sent_words,
                    key=lambda sid: _containment(words, self.sent_words[sid]),
                    default=None,
                )
                out.append(
                    self._finding(
                        "quote_not_verbatim",
                        span_claim,
                        f"Quotes “{m.group(1)[:120]}”, which the article does not have word for word",
                        "the article's exact words",
                        m.group(1),
                        [near] if near else [],
                    )
                )
                continue
            holders = [
                a
                for a in self.an.attributions
                if q in normalise(a.content.text) and a.source is not None and a.kind != "indirect"
            ]
            if (
                said_by
                and holders
                and not any(
                    self.same(said_by, n)
                    for a in holders
                    for n in self.holder_names(a) + self.via_names(a)
                )
                and all(self._contradicts(said_by, a, lenient_orgs=False) for a in holders)
            ):
                h = holders[0]
                out.append(
                    self._finding(
                        "quote_wrong_speaker",
                        span_claim,
                        f"Gives {said_by} words that the article has from {self.describe(h)}",
                        self.describe(h),
                        said_by,
                        h.sentence_ids,
                    )
                )
        return out

    def _finding(
        self,
        kind: str,
        c: _Claim,
        message: str,
        expected: str | None,
        found: str | None,
        sids: list[str],
    ) -> Finding:
        return Finding(
            type=kind,
            message=message,
            summary_span=SummarySpan(start=c.start, end=c.end, text=c.text),
            expected=expected,
            found=found,
            evidence_sentence_ids=sids,
        )

    def _check_claim(self, c: _Claim) -> list[Finding]:
        out: list[Finding] = []
        atts, sents = self.align(c)
        said_by = (
            c.attribution.source.canonical or c.attribution.source.text
            if c.attribution and c.attribution.source
            else None
        )
        # an unresolved pronoun ("it said", its antecedent not in the summary) names no one
        summary_via = (
            [
                v.canonical or v.text
                for v in c.attribution.via
                if v.canonical or not is_pronoun(v.text)
            ]
            if c.attribution
            else []
        )

        attributed = [a for a in atts if a.source is not None]
        if said_by and self._generic(said_by):
            pass  # "the company said ...": a description the article may use for anyone it quotes
        elif said_by:
            best = max((_containment(c.words, w) for w in self.sent_words.values()), default=0.0)
            if not atts and not sents and best < 0.3:
                out.append(
                    self._finding(
                        "unsupported_attribution",
                        c,
                        f"Attributes this to {said_by}; nothing in the article supports it",
                        "content the article contains",
                        said_by,
                        [],
                    )
                )
                return out
            match = next(
                (a for a in attributed if any(self.same(said_by, n) for n in self.holder_names(a))),
                None,
            )
            via_match = next(
                (a for a in attributed if any(self.same(said_by, n) for n in self.via_names(a))),
                None,
            )
            if (
                match is not None
                and match.via
                and summary_via
                and not any(
                    self.same(sv, v.canonical or v.text)
                    or self._same_side(sv, v.canonical or v.text)
                    for sv in summary_via
                    for v in match.via
                )
            ):
                chain = ", ".join(v.canonical or v.text for v in match.via)
                out.append(
                    self._finding(
                        "misattributed_speaker",
                        c,
                        f"Has {said_by}'s words reported by {', '.join(summary_via)}; the article has them from {chain}",
                        f"via {chain}",
                        f"via {', '.join(summary_via)}",
                        match.sentence_ids,
                    )
                )
            elif match is not None:
                missing = [
                    v
                    for v in match.via
                    if not any(self.same(v.canonical or v.text, sv) for sv in summary_via)
                    and not self._mentions(c.text, [v.canonical or "", v.text])
                ]
                if missing:
                    chain = ", ".join(v.canonical or v.text for v in match.via)
                    out.append(
                        self._finding(
                            "dropped_intermediary",
                            c,
                            f"States {said_by}'s words directly; the article has them only as reported by {chain}"
                            + (
                                " (state media)"
                                if any(v.type == "state_media" for v in match.via)
                                else ""
                            ),
                            f"via {chain}",
                            "direct",
                            match.sentence_ids,
                        )
                    )
            elif via_match is None and attributed and self._contradicts(said_by, attributed[0]):
                a = attributed[0]
                out.append(
                    self._finding(
                        "misattributed_speaker",
                        c,
                        f"Gives this to {said_by}; the article has it from {self.describe(a)}",
                        self.describe(a),
                        said_by,
                        a.sentence_ids,
                    )
                )
            elif via_match is None and not attributed and not sents and best < 0.3:
                out.append(
                    self._finding(
                        "unsupported_attribution",
                        c,
                        f"Attributes this to {said_by}; the article attributes it to no one",
                        "unattributed",
                        said_by,
                        [s for s in sents[:1]],
                    )
                )
        elif attributed and _containment(c.words, self.att_words[attributed[0].id]) >= 0.6:
            a = attributed[0]
            if not self._mentions(c.text, self.holder_names(a) + self.via_names(a)):
                out.append(
                    self._finding(
                        "attribution_dropped",
                        c,
                        f"States as fact what the article attributes to {self.describe(a)}",
                        f"attributed to {self.describe(a)}",
                        "stated as fact",
                        a.sentence_ids,
                    )
                )

        # hedges the aligned sentence carries must survive
        near = set(sents[:2] + [s for a in atts[:1] for s in a.sentence_ids])
        hedged = [
            cv
            for cv in self.an.caveats
            if cv.kind == "hedge"
            and set(cv.sentence_ids) & near
            and len(c.words & self._hedged_words(cv)) >= min(2, len(c.words))
        ]
        if hedged and sents and not any(p.search(c.text) for p in self.reg.hedges):
            cv = hedged[0]
            out.append(
                self._finding(
                    "hedge_dropped",
                    c,
                    f"States as certain what the article hedges (“{cv.text}”)",
                    f"hedged: {cv.text}",
                    "certain",
                    cv.sentence_ids,
                )
            )

        # a side's own loaded term, used as the summary's own words
        for term in self.reg.characterizations:
            m = re.search(rf"(?<![\w-]){re.escape(term.term)}(?![\w-])", c.text, re.IGNORECASE)
            if not m:
                continue
            quoted = c.text[max(0, m.start() - 1) : m.start()] in {'"', "“", "‘", "'"}
            theirs = said_by is not None and self.same(
                said_by, term.by
            )  # "Moscow calls it a special military operation"
            if not quoted and not theirs:
                out.append(
                    self._finding(
                        "characterization_adopted",
                        c,
                        f"Uses “{term.term}”, {term.by}'s own term for {term.neutral}, as neutral wording",
                        f"attributed or neutral ({term.neutral})",
                        term.term,
                        sents[:1],
                    )
                )
        return out

    def _contradicts(self, said_by: str, a: Attribution, lenient_orgs: bool = True) -> bool:
        """The article's holder is not the summary's. A named holder can be compared directly; an
        unnamed one ("the agency", "the startup") only rules out someone the article quotes
        elsewhere as a source of their own and who is not part of the holder's description."""
        if a.source is None:
            return False
        if a.source.canonical:
            return True
        if self.same(said_by, a.source.text) or self._mentions(a.source.text, [said_by]):
            return False
        if (lenient_orgs or _ORG_DESCRIPTION.match(a.source.text.strip())) and not person_names(
            said_by
        ):
            return False  # "Lordstown Motors said" for "the startup said": likely the same organisation
        return any(
            self.same(said_by, n)
            for other in self.an.attributions
            if other is not a
            for n in self.holder_names(other)
        )

    def _same_side(self, a: str, b: str) -> bool:
        """A state outlet and its country's government speak as one ("KCNA", "North Korea")."""

        def side(name: str) -> str | None:
            canonical, kind = classify(name, self.book, self.reg)
            outlet = next((o for o in self.reg.outlets if o.name == canonical), None)
            if outlet is not None and outlet.type == "state_media":
                return outlet.country
            return canonical if canonical and self.reg.country(canonical) else None

        sa, sb = side(a), side(b)
        return sa is not None and sa == sb

    def _generic(self, name: str) -> bool:
        """A description rather than a name: 'the company', 'officials', 'the ministry'."""
        canonical, _ = classify(name, self.book, self.reg)
        return (
            canonical is None
            and not person_names(name)
            and bool(re.match(r"(?:the|a|an|its|their)\s", name.strip(), re.I) or name.islower())
        )

    def _hedged_words(self, caveat) -> set[str]:
        """The words the hedge governs: from the hedge to the end of its clause."""
        sent = self.an.sentence(caveat.sentence_ids[0])
        if sent is None:
            return set()
        pos = sent.text.find(caveat.text)
        if pos < 0:
            return content_words(sent.text)
        tail = sent.text[pos:]
        cut = re.search(r",\s|;\s|\s[-–—]\s", tail)
        if (
            cut and len(tail[: cut.start()].split()) <= 2
        ):  # "Allegedly, there are ties ...": the next clause
            nxt = re.search(r",\s|;\s|\s[-–—]\s", tail[cut.end() :])
            return content_words(tail[: cut.end() + nxt.start()] if nxt else tail)
        return content_words(tail[: cut.start()] if cut else tail)

    def _mentions(self, text: str, names: list[str]) -> bool:
        if self.names.mentions(text, names):
            return True
        return "state media" in text.lower() and any(
            n and ("state" in n.lower() or n == "KCNA") for n in names
        )


def check(article: Article | Analysis, summary: str) -> CheckResult:
    """Findings for one summary of one article."""
    return Checker(article).check(summary)
