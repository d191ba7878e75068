"""Quotations: a summary's quoted words must be the article's, word for word, and from the
speaker it names (``quote_not_verbatim``, ``quote_wrong_speaker``). One judgement of
``grounding``, apart so that module stays short.
"""

from __future__ import annotations

import re

from briefing.analyze.claims import QUOTE, Problem, containment, normalise
from briefing.analyze.words import content_words
from briefing.models import Analysis, Attribution

# A quotation shorter than this (in words and characters) is a scare quote, not a quotation.
MIN_QUOTE_WORDS, MIN_QUOTE_CHARS = 2, 12


class Quoting:
    """The quotation judgements, asked of the article ``self.an`` (``Grounding`` is one)."""

    an: Analysis
    article_text: str
    sent_words: dict[str, set[str]]

    def same(self, a: str | None, b: str | None) -> bool:
        raise NotImplementedError

    def holder_names(self, a: Attribution) -> list[str]:
        raise NotImplementedError

    def via_names(self, a: Attribution) -> list[str]:
        raise NotImplementedError

    def describe(self, a: Attribution) -> str:
        raise NotImplementedError

    def contradicts(self, said_by: str, a: Attribution, lenient_orgs: bool = True) -> bool:
        raise NotImplementedError

    def cite(self, sentence_ids: list[str], limit: int = 160) -> str:
        raise NotImplementedError

    def judge_quote(self, quote: str, said_by: str | None) -> Problem | None:
        """Quoted words must be the article's, word for word, and from the speaker named."""
        q = normalise(quote).strip(" ,.")
        if len(q.split()) < MIN_QUOTE_WORDS and len(q) < MIN_QUOTE_CHARS:
            return None
        if q not in self.article_text and q[:1].swapcase() + q[1:] in self.article_text:
            q = q[:1].swapcase() + q[1:]  # its first letter follows the summary ("said “we ...”")
        if q not in self.article_text:
            words = content_words(q)
            near = max(
                self.sent_words,
                key=lambda sid: containment(words, self.sent_words[sid]),
                default=None,
            )
            return Problem(
                "quote_not_verbatim",
                f"Quotes “{quote[:120]}”, which the article does not have word for word",
                "the article's exact words",
                quote,
                [near] if near else [],
            )
        holders = [
            a
            for a in self.an.attributions
            if q in normalise(a.content.said) and a.source is not None and a.kind != "indirect"
        ]
        in_holders = sum(normalise(a.content.said).count(q) for a in holders)
        if (
            said_by
            and holders
            # words the article also uses in its own voice ("a controlled burn") are no one's own
            and self.article_text.count(q) <= in_holders
            and not any(
                self.same(said_by, n)
                for a in holders
                for n in self.holder_names(a) + self.via_names(a)
            )
            and all(self.contradicts(said_by, a, lenient_orgs=False) for a in holders)
        ):
            h = holders[0]
            return Problem(
                "quote_wrong_speaker",
                f"Gives {said_by} words that the article has from {self.describe(h)}"
                f"{self.cite(h.sentence_ids)}",
                self.describe(h),
                said_by,
                h.sentence_ids,
            )
        return None

    def quotes_in(self, text: str, san: Analysis) -> list[tuple[re.Match[str], Problem]]:
        """Every quotation in a text read as ``san``, with the problem it has, if any."""
        out = []
        for m in QUOTE.finditer(text):
            holder = next(
                (
                    a
                    for a in san.attributions
                    if a.source is not None and a.content.holds(m.start(1), m.start(1))
                ),
                None,
            )
            said_by = (holder.source.canonical or holder.source.text) if holder else None
            problem = self.judge_quote(m.group(1), said_by)
            if problem is not None:
                out.append((m, problem))
        return out
