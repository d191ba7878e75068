"""Who said what with a model configured: the reconciled attributions, each row saying who found it.

The model's attributions that grounded and that the engine missed are rows like the engine's:
made by the same function, ranked by the same weights, judged by the same gate (against the
reconciled analysis, :mod:`briefing.verify.reconciled`, so that the gate and ``briefing check``
know the speaker the model found). What differs is only that the row says so: ``found_by`` is
``model``, and the page marks it.
"""

from __future__ import annotations

from collections.abc import Callable

from briefing.models import Analysis, Attribution, SaidItem
from briefing.verify import Verified
from briefing.verify.reconciled import found_by, reconciled

__all__ = ["reconciled_all", "said_rows"]

Row = Callable[[Analysis, Attribution, int], SaidItem | None]


def reconciled_all(analyses: list[Analysis], verified: dict[str, Verified]) -> list[Analysis]:
    """Each analysis with the model's grounded attributions among the engine's."""
    return [reconciled(an, verified.get(an.article.id)) for an in analyses]


def said_rows(analysis: Analysis, checked: Verified | None, row: Row) -> list[SaidItem]:
    """The article's who-said-what rows (``row`` makes one of an attribution and its position,
    or none where it would not read alone), each marked with who found it where the model
    answered for the article."""
    out = []
    for position, a in enumerate(analysis.attributions):
        item = row(analysis, a, position)
        if item is None:
            continue
        by = found_by(checked, a.id)
        out.append(item if by is None else item.model_copy(update={"found_by": by}))
    return out
