"""Who said what with a model configured: the reconciled attributions, each row saying who found it.

The model's attributions that grounded and that the engine missed are rows like the engine's:
made by the same function, ranked by the same weights, judged by the same gate (against the
reconciled analysis, :mod:`briefing.verify.reconciled`, so that the gate and ``briefing check``
know the speaker the model found). What differs is only that the row says so: ``found_by`` is
``model``, and the page marks it.

Where the model reads the engine's words with another speaker and the engine is not sure of its
own reading, the attribution carries both (its ``alternative``), and so does its row: the
speaker is both names and says so ("experts or Ryan Ellis (the speaker is uncertain)"); one
speaker through either of two chains says that instead. The speaker is what every later line
built from the row repeats (the gate's sentence, a headline's "according to"), so neither name
is ever shown alone.
Where either reading cannot make a row that reads alone, there is no row: one name alone may be
the wrong one, the worst line a brief can print.
"""

from __future__ import annotations

from collections.abc import Callable

from briefing.models import Analysis, Attribution, SaidItem
from briefing.verify import Verified
from briefing.verify.reconciled import found_by, reconciled

__all__ = ["UNCLEAR_CHAIN", "UNCLEAR_SPEAKER", "reconciled_all", "said_rows"]

Row = Callable[[Analysis, Attribution, int], SaidItem | None]

# What a row of two readings says after the two names, and after one speaker of two chains.
UNCLEAR_SPEAKER = "(the speaker is uncertain)"
UNCLEAR_CHAIN = "(perhaps through {chain}; the chain is uncertain)"


def reconciled_all(analyses: list[Analysis], verified: dict[str, Verified]) -> list[Analysis]:
    """Each analysis with the model's grounded attributions among the engine's."""
    return [reconciled(an, verified.get(an.article.id)) for an in analyses]


def said_rows(analysis: Analysis, checked: Verified | None, row: Row) -> list[SaidItem]:
    """The article's who-said-what rows (``row`` makes one of an attribution and its position,
    or none where it would not read alone), each marked with who found it where the model
    answered for the article."""
    out = []
    for position, a in enumerate(analysis.attributions):
        if a.alternative is not None:
            item = _uncertain_row(analysis, a, position, row)
        else:
            item = row(analysis, a, position)
        if item is None:
            continue
        by = found_by(checked, a.id)
        out.append(item if by is None else item.model_copy(update={"found_by": by}))
    return out


def _uncertain_row(analysis: Analysis, a: Attribution, position: int, row: Row) -> SaidItem | None:
    """One row of both readings of the same words: the engine's words where they read alone,
    else the model's, given to both speakers (or to the one speaker through either chain)."""
    other = a.alternative
    assert other is not None
    for words in (a, other):
        mine = row(analysis, _reading(a, words), position)
        theirs = row(analysis, _reading(other, words), position)
        if mine is not None and theirs is not None:
            return _both(mine, theirs)
    return None


def _reading(who: Attribution, words: Attribution) -> Attribution:
    """``who``'s speaker and chain with ``words``' words (content, cue, kind, sentences)."""
    return words.model_copy(
        update={"source": who.source, "via": who.via, "id": who.id, "alternative": None}
    )


def _both(mine: SaidItem, theirs: SaidItem) -> SaidItem:
    """The engine's row naming the model's speaker (or chain) beside its own."""
    if mine.speaker != theirs.speaker:
        same_chain = mine.reported_by == theirs.reported_by
        return mine.model_copy(
            update={
                "speaker": f"{mine.speaker} or {theirs.speaker} {UNCLEAR_SPEAKER}",
                "reported_by": mine.reported_by if same_chain else [],
            }
        )
    chains = [" and ".join(x.reported_by) for x in (mine, theirs) if x.reported_by]
    chain = " or through ".join(dict.fromkeys(chains))
    return mine.model_copy(
        update={"speaker": f"{mine.speaker} {UNCLEAR_CHAIN.format(chain=chain)}", "reported_by": []}
    )
