"""Hedges: the words a hedge in an article governs, and whether a claim that restates them
keeps it. One judgement of ``grounding`` (``hedge_dropped``), apart so that module stays one
screenful of reading and aligning.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from briefing.analyze.claims import QUOTE, Claim, Problem, has_hedge
from briefing.analyze.words import content_words
from briefing.models import Attribution, Caveat

if TYPE_CHECKING:
    from briefing.analyze.lexicon import Registry
    from briefing.models import Analysis


class Hedging:
    """The hedge judgement, asked of the article ``self.an`` (``Grounding`` is one)."""

    an: Analysis
    reg: Registry

    def align(self, claim: Claim) -> tuple[list[Attribution], list[str]]:
        raise NotImplementedError

    def cite(self, sentence_ids: list[str], limit: int = 160) -> str:
        raise NotImplementedError

    def hedged_words(self, caveat: Caveat) -> set[str]:
        """The words a hedge governs: its clause's subject before it ("About one of every nine
        voters is expected to ..."), and what follows it to the end of its clause."""
        sent = self.an.sentence(caveat.sentence_ids[0])
        if sent is None:
            return set()
        pos = sent.text.find(caveat.text)
        if pos < 0:
            return content_words(sent.text)
        # the subject runs back to the clause's start, or to a conjunction ("... and is believed")
        cuts = list(re.finditer(r",\s|;\s|\s[-–—]\s|\s(?:and|but|or|while)\s", sent.text[:pos]))
        subject = sent.text[cuts[-1].end() if cuts else 0 : pos]
        return content_words(subject) | self._hedged_tail(sent.text[pos:])

    def _hedged_tail(self, tail: str) -> set[str]:
        cut = re.search(r",\s|;\s|\s[-–—]\s", tail)
        if cut and len(tail[: cut.start()].split()) <= 2:  # "Allegedly, there are ...": next clause
            nxt = re.search(r",\s|;\s|\s[-–—]\s", tail[cut.end() :])
            return content_words(tail[: cut.end() + nxt.start()] if nxt else tail)
        return content_words(tail[: cut.start()] if cut else tail)

    def _in_quotation(self, caveat: Caveat) -> bool:
        """Is the hedge the speaker's own word, inside a quotation? A summary that quotes from
        the quotation quotes the speaker; it asserts nothing the hedge qualifies."""
        sent = self.an.sentence(caveat.sentence_ids[0])
        pos = sent.text.find(caveat.text) if sent is not None else -1
        if sent is None or pos < 0:
            return False
        at = sent.start + pos
        return any(q.start < at < q.end for q in self.an.quotes)

    # -- judgements -----------------------------------------------------------------------------
    def only_quotes(self, c: Claim) -> bool:
        """Does the claim say nothing of its own beyond a quotation and who said it ("Obama spoke
        of “understand the pain and anger”")? Then a hedge around the quoted words is the
        article's to keep, not the summary's to repeat."""
        if not QUOTE.search(c.text):
            return False
        frame = content_words(QUOTE.sub(" ", c.text))
        att = c.attribution
        if att is not None and att.source is not None:
            frame -= content_words(att.source.text)
            frame -= content_words(att.cue.text) if att.cue else set()
        return len(frame) <= 1

    def judge_hedge(self, c: Claim, atts: list[Attribution], sents: list[str]) -> Problem | None:
        """A hedge on the sentence the claim restates must survive in the claim."""
        att = c.attribution
        own = [s for a in atts[:1] for s in a.sentence_ids]
        # a claim that names its speaker restates that speaker's sentence: a hedge in another
        # sentence with words in common ("experts say a provision could exclude single
        # mothers" beside "Miller said the policy would extend to single mothers") is not its
        near = (
            set(own) if own and att is not None and att.source is not None else set(sents[:2] + own)
        )
        words = c.words
        if att is not None and att.source is not None and att.source.start > c.start:
            # "X did Y, but Obama said Z": the clause before the speaker is the summary's own
            # (in "Z, Obama said" the clause before the speaker is what he said: no frame)
            frame = c.text[: att.source.start - c.start]
            if att.content.start > att.source.start:
                words = words | content_words(frame)
                framed = Claim(c.start, c.end, frame, None, content_words(frame))
                near |= set(self.align(framed)[1][:2])
        quoting = QUOTE.search(c.text) is not None
        hedged = [
            cv
            for cv in self.an.caveats
            if cv.kind == "hedge"
            and set(cv.sentence_ids) & near
            and len(words & self.hedged_words(cv)) >= min(2, len(words))
            and not (quoting and self._in_quotation(cv))
        ]
        if not hedged or not sents or has_hedge(c.text, self.reg):
            return None
        cv = hedged[0]
        return Problem(
            "hedge_dropped",
            f"States as certain what the article hedges (“{cv.text}”){self.cite(cv.sentence_ids)}",
            f"hedged: {cv.text}",
            "certain",
            cv.sentence_ids,
        )
