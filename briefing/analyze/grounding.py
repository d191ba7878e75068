"""Grounding: the judgements ``verify`` and ``check`` share.

A line of a brief written by a model and a sentence of a summary written by anyone are the same
kind of thing: a claim about an article. Whether it names the speaker the article names, keeps
the reporting chain, keeps the hedge, quotes verbatim and from the right person, or adopts a
side's own term is decided here, once, so that ``verify`` (between the model and the brief) and
``check`` (the eval gate) give the same verdict on the same sentence.

A claim is read by the same engine as its article, so both sides are in the same terms: who holds
the claim, through whom, quoted or not. It is aligned to the article's attributions and sentences
by shared content words (stems, so a paraphrase aligns), then compared. Each judgement returns
``Problem`` values; the caller decides what a problem costs (a finding, a withheld line).
"""

from __future__ import annotations

import re

from briefing.analyze.claims import (
    Claim,
    Problem,
    containment,
    has_hedge,
    normalise,
    quoted_at,
)
from briefing.analyze.hedging import Hedging
from briefing.analyze.lexicon import lexicon, one_of, registry
from briefing.analyze.provenance import names_of, side_of, state_outlet
from briefing.analyze.quoting import Quoting
from briefing.analyze.readings import addressee, coordinated, news_record
from briefing.analyze.sources import NameMatcher, classify, is_pronoun, person_names
from briefing.analyze.words import content_words
from briefing.models import Analysis, Article, ArticleMeta, Attribution, Source

# what callers have imported from here since before the shapes had a module of their own
__all__ = [
    "Claim",
    "Grounding",
    "Problem",
    "addressee",
    "containment",
    "has_hedge",
    "news_record",
    "normalise",
]

# Share of a claim's content words an article unit must hold for the claim to align with it.
MIN_ALIGN = 0.5
# Share of a claim's words an attribution's content must hold before an unattributed claim is
# taken as a restatement of it (and so must keep its source).
MIN_RESTATEMENT = 0.6
# A cue within this many characters and words after a person's name may make them a speaker.
_CUE_REACH, _CUE_WORDS = 60, 6
# Below this best overlap with any sentence, nothing in the article is like the claim.
MIN_ANY_SUPPORT = 0.3

# A definite description that may stand for an organisation the article names elsewhere.
_ORG_DESCRIPTION = re.compile(rf"^the (?:{one_of(lexicon().descriptions.org_nouns)})\b", re.I)
_PERSON_PRONOUNS = lexicon().pronouns.person


class Grounding(Hedging, Quoting):
    """What one article supports, asked of any number of claims; the article is read once."""

    def __init__(self, analysis: Analysis) -> None:
        self.an = analysis
        self.reg = registry()
        self.book = names_of(analysis)
        self.names = NameMatcher(self.book, self.reg)
        self.sent_words = {s.id: content_words(s.text) for s in analysis.sentences}
        self.att_words = {a.id: content_words(a.content.said) for a in analysis.attributions}
        # sentences in the article's own voice: no one is given as their source
        attributed = {sid for a in analysis.attributions if a.source for sid in a.sentence_ids}
        self.narrated = {s.id for s in analysis.sentences} - attributed
        self.article_text = normalise(" ".join(s.text for s in analysis.sentences))

    # -- names ----------------------------------------------------------------------------------
    def same(self, a: str | None, b: str | None) -> bool:
        return self.names.same(a, b)

    def holder_names(self, a: Attribution) -> list[str]:
        return [n for n in ((a.source.canonical, a.source.text) if a.source else ()) if n]

    def via_names(self, a: Attribution) -> list[str]:
        return [n for v in a.via for n in (v.canonical, v.text) if n]

    def describe(self, a: Attribution) -> str:
        who = (a.source.canonical or a.source.text) if a.source else "an unnamed holder"
        return who + (" via " + ", ".join(v.canonical or v.text for v in a.via) if a.via else "")

    def mentions(self, text: str, names: list[str]) -> bool:
        """Does the text name one of these sources? "state media" stands for a state outlet."""
        if self.names.mentions(text, names):
            return True
        return "state media" in text.lower() and any(
            n and ("state" in n.lower() or state_outlet(n, self.reg) is not None) for n in names
        )

    def same_side(self, a: str, b: str) -> bool:
        """A state outlet and its country's government speak as one ("KCNA", "North Korea")."""
        sa, sb = side_of(a, self.book, self.reg), side_of(b, self.book, self.reg)
        return sa is not None and sa == sb

    def generic(self, name: str) -> bool:
        """A description rather than a name: 'the company', 'officials', 'the ministry'."""
        canonical, _ = classify(name, self.book, self.reg)
        return (
            canonical is None
            and not person_names(name)
            and bool(re.match(r"(?:the|a|an|its|their)\s", name.strip(), re.I) or name.islower())
        )

    def contradicts(self, said_by: str, a: Attribution, lenient_orgs: bool = True) -> bool:
        """The article's holder is not the claim's. A named holder can be compared directly; an
        unnamed one ("the agency", "the startup") only rules out someone the article quotes
        elsewhere as a source of their own and who is not part of the holder's description."""
        if a.source is None:
            return False
        if self.mentions(a.source.text, [said_by]):
            return False  # one of several holders ("Senators Grassley and Leahy said")
        if a.source.canonical:
            return True
        if a.source.text.strip().lower() in _PERSON_PRONOUNS:
            # an unresolved "he": someone the article leaves open, so only a non-person is not it
            return not person_names(said_by)
        if self.same(said_by, a.source.text) or self.mentions(a.source.text, [said_by]):
            return False
        if (lenient_orgs or _ORG_DESCRIPTION.match(a.source.text.strip())) and not person_names(
            said_by
        ):
            return False  # "Lordstown Motors said" for "the startup said": likely the same org
        return any(
            self.same(said_by, n)
            for other in self.an.attributions
            if other is not a
            for n in self.holder_names(other)
        )

    def named_first(self, c: Claim, a: Attribution) -> bool:
        """Does the claim name the article's holder before the holder it is read as having
        ("Biden met Zelenskyy and announced ...": Biden's announcement, read as Zelenskyy's)?"""
        att = c.attribution
        if att is None or att.source is None:
            return False
        before = c.text[: max(0, att.source.start - c.start)] + " " + att.source.text
        names = [n for n in self.holder_names(a) if not self.same(n, att.source.canonical)]
        return bool(names) and self.mentions(before, names)

    def background_speaker(self, c: Claim, said_by: str, best: float) -> Problem | None:
        """A person the article names but never has speak (no attribution of theirs, no cue
        right after their name), given words like those the article has from someone else:
        "Lavrov told reporters Putin is coming to Pyongyang", where the article has Putin's
        willingness to visit from KCNA and Lavrov only as someone the minister met."""
        if best < MIN_ANY_SUPPORT or self.quotes_holder(said_by):
            return None
        people = person_names(said_by)
        if people:
            surname = people[0][0].split()[-1]
        elif re.fullmatch(r"[A-Z][\w'’-]+", said_by) and not self.reg.place_or_outlet(said_by):
            surname = said_by  # a surname alone ("Lavrov")
        else:
            return None
        for m in re.finditer(rf"\b{re.escape(surname)}\b", self.article_text):
            after = self.article_text[m.end() : m.end() + _CUE_REACH].lower().split()
            if any(w.strip(",.;:") in self.reg.cue_forms for w in after[:_CUE_WORDS]):
                return None  # the article may have them speak where the engine did not see it
        if not re.search(rf"\b{re.escape(surname)}\b", self.article_text):
            return None  # never mentioned at all: ``never_named`` speaks of that
        sid = max(self.sent_words, key=lambda k: containment(c.words, self.sent_words[k]))
        theirs = [a for a in self.an.attributions if sid in a.sentence_ids and a.source]
        if not theirs:
            return None
        a = theirs[0]
        return Problem(
            "misattributed_speaker",
            f"Gives this to {said_by}, whom the article quotes on nothing; the nearest it has "
            f"is from {self.describe(a)}{self.cite([sid])}",
            self.describe(a),
            said_by,
            [sid],
        )

    def quotes_holder(self, name: str) -> bool:
        """Is this person a holder or intermediary of any attribution of the article?"""
        return any(
            self.same(name, n)
            for a in self.an.attributions
            for n in self.holder_names(a) + self.via_names(a)
        )

    def cite(self, sentence_ids: list[str], limit: int = 160) -> str:
        """The article's sentence a finding rests on, as its message quotes it: ' (s3: “...”)'."""
        sent = self.an.sentence(sentence_ids[0]) if sentence_ids else None
        if sent is None:
            return ""
        text = " ".join(sent.text.split())
        text = text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
        return f" ({sent.id}: “{text}”)"

    def never_named(self, name: str) -> bool:
        """A person the article never mentions: no word of the name's surname is in it."""
        people = person_names(name)
        if not people:
            return False
        surname = people[0][0].split()[-1]
        return re.search(rf"\b{re.escape(surname)}\b", self.article_text) is None

    # -- reading and aligning claims --------------------------------------------------------------
    def claims(self, text: str) -> tuple[Analysis, list[Claim]]:
        """The text read by the engine, one claim a sentence with the holder it states.

        A claim is read by the engine's rules over its text, without the dependency parse
        (``parse=False``): a summary's sentence states its holder plainly ("X said", "according to
        X"), and the parse would cost several times the rest of a check."""
        from briefing.analyze.engine import analyze  # the engine is this module's caller too

        san = analyze(
            Article(meta=ArticleMeta(id="summary", path="<summary>"), text=text), parse=False
        )
        out = []
        named: Source | None = None  # the last holder the summary named, for its pronouns
        for s in san.sentences:
            own = [a for a in san.attributions if s.id in a.sentence_ids and a.source is not None]
            pair = coordinated(own, text)
            if pair is not None:
                outer, inner, cut = pair
                out.append(
                    Claim(
                        s.start,
                        cut,
                        text[s.start : cut],
                        outer,
                        content_words(text[outer.content.start : cut]),
                    )
                )
                alone = inner.model_copy(update={"via": []})
                out.append(
                    Claim(cut, s.end, text[cut : s.end], alone, content_words(inner.content.said))
                )
                continue
            top = min(own, key=lambda a: (len(a.via), a.content.start), default=None)
            inner = max(own, key=lambda a: len(a.via), default=None)
            # the innermost holder ("KCNA said Putin expressed ..."), where the article gives
            # that holder these words too; otherwise a word of the content read as a speaker
            # ("He finally believes ..., Trump said"; "RT's management never told them ...")
            att = (
                inner
                if inner is not None
                and inner.via
                and not is_pronoun(inner.source.text.split()[0])
                and self.gives(inner.source.canonical or inner.source.text, inner.content.said)
                else top
            )
            if att is not None and att.source is not None:
                if att.source.text.strip().lower() in _PERSON_PRONOUNS and named is not None:
                    # "He also said ...": the person the summary named before
                    att = att.model_copy(update={"source": named})
                elif not is_pronoun(att.source.text):
                    named = att.source
            words = content_words(att.content.said if att is not None else s.text)
            out.append(Claim(s.start, s.end, s.text, att, words))
        return san, out

    def gives(self, name: str, said: str) -> bool:
        """Does the article give these words (or most of them) to this holder, as source or
        intermediary?"""
        words = content_words(said)
        return any(
            (self.same(name, n) or self.mentions(n, [name]))
            and containment(words, self.att_words[a.id]) >= MIN_ALIGN
            for a in self.an.attributions
            for n in self.holder_names(a) + self.via_names(a)
        )

    def narrates(self, claim: Claim, att: Attribution, sents: list[str]) -> bool:
        """Does the article state the claim in its own voice, in a sentence that gives no one
        as its source, as fully as the attribution does? ("Crutcher was killed Friday" beside
        "Clinton criticized the officer for killing Crutcher": the death is the article's fact,
        not Clinton's claim.)"""
        said = containment(claim.words, self.att_words[att.id])
        return any(
            containment(claim.words, self.sent_words[sid]) >= said
            for sid in sents
            if sid in self.narrated
        )

    def align(self, claim: Claim) -> tuple[list[Attribution], list[str]]:
        """Article attributions and sentences that hold the claim's content, best first."""
        atts = [
            a
            for a in self.an.attributions
            if containment(claim.words, self.att_words[a.id]) >= MIN_ALIGN
        ]
        atts.sort(key=lambda a: -containment(claim.words, self.att_words[a.id]))
        sents = [
            sid for sid, w in self.sent_words.items() if containment(claim.words, w) >= MIN_ALIGN
        ]
        sents.sort(key=lambda sid: -containment(claim.words, self.sent_words[sid]))
        return atts, sents

    def judge_claim(self, c: Claim) -> list[Problem]:
        """Speaker, chain, hedge and loaded terms of one claim against the article."""
        out: list[Problem] = []
        atts, sents = self.align(c)
        a_src = c.attribution.source if c.attribution else None
        said_by = (a_src.canonical or a_src.text) if a_src else None
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
        if said_by and self.generic(said_by):
            pass  # "the company said ...": a description the article may use for anyone it quotes
        elif said_by:
            best = max((containment(c.words, w) for w in self.sent_words.values()), default=0.0)
            if not atts and not sents and best < MIN_ANY_SUPPORT:
                # nothing like it anywhere: the one thing to say about this claim
                return [
                    Problem(
                        "unsupported_attribution",
                        f"Attributes this to {said_by}; nothing in the article supports it",
                        "content the article contains",
                        said_by,
                        [],
                    )
                ]
            speaker = self._judge_speaker(c, said_by, summary_via, sents, attributed, best)
            if speaker is not None:
                out.append(speaker)
        elif (
            attributed
            and containment(c.words, self.att_words[attributed[0].id]) >= MIN_RESTATEMENT
            and not news_record(attributed[0])
            and not self.narrates(c, attributed[0], sents)
        ):
            a = attributed[0]
            if not self.mentions(c.text, self.holder_names(a) + self.via_names(a)):
                out.append(
                    Problem(
                        "attribution_dropped",
                        f"States as fact what the article attributes to {self.describe(a)}"
                        f"{self.cite(a.sentence_ids)}",
                        f"attributed to {self.describe(a)}",
                        "stated as fact",
                        a.sentence_ids,
                    )
                )
        hedge = None if self.only_quotes(c) else self.judge_hedge(c, atts, sents)
        if hedge is not None:
            out.append(hedge)
        out.extend(self.judge_terms(c.text, said_by, sents[:1]))
        return out

    def _judge_speaker(
        self,
        c: Claim,
        said_by: str,
        summary_via: list[str],
        sents: list[str],
        attributed: list[Attribution],
        best: float,
    ) -> Problem | None:
        """Is the named holder the article's holder, through the article's chain?"""
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
                self.same(sv, v.canonical or v.text) or self.same_side(sv, v.canonical or v.text)
                for sv in summary_via
                for v in match.via
            )
        ):
            chain = ", ".join(v.canonical or v.text for v in match.via)
            return Problem(
                "misattributed_speaker",
                f"Has {said_by}'s words reported by {', '.join(summary_via)}; "
                f"the article has them from {chain}{self.cite(match.sentence_ids)}",
                f"via {chain}",
                f"via {', '.join(summary_via)}",
                match.sentence_ids,
            )
        if match is not None:
            said_in = " ".join(
                s.text for sid in match.sentence_ids if (s := self.an.sentence(sid)) is not None
            )
            missing = [
                v
                for v in match.via
                if not any(self.same(v.canonical or v.text, sv) for sv in summary_via)
                and not self.mentions(c.text, [v.canonical or "", v.text])
                and not addressee(said_in, v.text)
            ]
            if not missing:
                return None
            chain = ", ".join(v.canonical or v.text for v in match.via)
            state = " (state media)" if any(v.type == "state_media" for v in match.via) else ""
            return Problem(
                "dropped_intermediary",
                f"States {said_by}'s words directly; the article has them only as reported by "
                f"{chain}{state}{self.cite(match.sentence_ids)}",
                f"via {chain}",
                "direct",
                match.sentence_ids,
            )
        if via_match is None and attributed and self.never_named(said_by):
            a = attributed[0]
            return Problem(
                "misattributed_speaker",
                f"Gives this to {said_by}, whom the article never mentions; the article has it "
                f"from {self.describe(a)}{self.cite(a.sentence_ids)}",
                self.describe(a),
                said_by,
                a.sentence_ids,
            )
        if (
            via_match is None
            and attributed
            and self.contradicts(said_by, attributed[0])
            and not self.named_first(c, attributed[0])
        ):
            a = attributed[0]
            return Problem(
                "misattributed_speaker",
                f"Gives this to {said_by}; the article has it from {self.describe(a)}"
                f"{self.cite(a.sentence_ids)}",
                self.describe(a),
                said_by,
                a.sentence_ids,
            )
        background = self.background_speaker(c, said_by, best) if via_match is None else None
        if background is not None:
            return background
        if via_match is None and not attributed and not sents and best < MIN_ANY_SUPPORT:
            return Problem(
                "unsupported_attribution",
                f"Attributes this to {said_by}; the article attributes it to no one",
                "unattributed",
                said_by,
                [],
            )
        return None

    def judge_terms(self, text: str, said_by: str | None, evidence: list[str]) -> list[Problem]:
        """A side's own loaded term used in the claim's own words, neither quoted nor given to
        the side whose term it is ("Moscow calls it a special military operation" is fine)."""
        out = []
        for term, pattern in zip(self.reg.characterizations, self.reg.term_patterns, strict=True):
            m = pattern.search(text)
            if not m or quoted_at(text, m.start()):
                continue
            owners = re.split(r",\s*|\s+and\s+", term.by)  # "Pyongyang and Moscow": each
            if said_by is not None and any(self.same(said_by, o) for o in owners):
                continue
            if said_by is not None and term.by.endswith(" using it"):
                continue  # "the party using it": the speaker the summary gives the words to
            out.append(
                Problem(
                    "characterization_adopted",
                    f"Uses “{term.term}”, {term.by}'s own term for {term.neutral}, "
                    "as neutral wording",
                    f"attributed or neutral ({term.neutral})",
                    term.term,
                    evidence,
                )
            )
        return out

    def judge_text(self, text: str) -> list[tuple[Claim, Problem]]:
        """Every problem of a text of one or more sentences, each with the claim it is in.

        A sentence whose quotation is wrong is judged on its quotation alone: its other words are
        the quotation's frame, and one error a sentence reads better than three. (A quotation
        running on into the next sentence widens its span, and then the sentence is judged too.)
        """
        san, claims = self.claims(text)
        out: list[tuple[Claim, Problem]] = []
        flagged: set[tuple[int, int]] = set()
        for m, problem in self.quotes_in(text, san):
            c = next((c for c in claims if c.start <= m.start() < c.end), claims[0])
            end = max(c.end, m.end())
            out.append((Claim(c.start, end, text[c.start : end], c.attribution, c.words), problem))
            flagged.add((c.start, end))
        for c in claims:
            if (c.start, c.end) not in flagged:
                out.extend((c, p) for p in self.judge_claim(c))
        return out
