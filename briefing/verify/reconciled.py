"""One reconciled result: the engine's attributions and the model's grounded ones, as one analysis.

``briefing extract --backend openai`` prints the reconciled attributions (:func:`spans.reconcile`);
the brief and ``briefing check`` must judge by the same list, or a speaker only the model found
would reach ``extract`` and be called a misattribution by the brief's gate and by ``check``. So
the model's attributions that :mod:`briefing.verify.spans` located and grounded, and that the
engine did not find, are put among the engine's in the order of the article, and every later
stage reads that analysis as it reads the engine's. Where the model read the engine's words with
another speaker or chain and the engine is not sure of its own reading, the engine's attribution
carries the model's as its ``alternative``: both readings, one attribution, so that no stage
shows one of the two names alone. Nothing the model gave that failed to ground is in it: those
attributions were withheld before this point.
"""

from __future__ import annotations

from typing import Literal

from briefing.models import Analysis, Attribution
from briefing.verify import Verified

FoundBy = Literal["engine", "model", "both"]


def reconciled(analysis: Analysis, checked: Verified | None) -> Analysis:
    """The analysis with the model's grounded attributions the engine missed among the
    engine's, each where its words sit in the article (the engine's keep their order: their
    position is part of their rank), and the model's other readings of words the engine is not
    sure of on the engine's attributions. Without a model answer, or with nothing added, the
    analysis itself."""
    if checked is None or not (checked.found or checked.uncertain):
        return analysis
    order = {s.id: i for i, s in enumerate(analysis.sentences)}

    def at(a: Attribution) -> tuple[int, int]:
        first = a.sentence_ids[0] if a.sentence_ids else None
        return order.get(first, len(order)) if first else len(order), a.content.start

    merged = [
        a.model_copy(update={"alternative": checked.uncertain[a.id][0]})
        if a.id in checked.uncertain
        else a
        for a in analysis.attributions
    ]
    for found in sorted(checked.found, key=at):
        where = next((i for i, a in enumerate(merged) if at(a) > at(found)), len(merged))
        merged.insert(where, found)
    return analysis.model_copy(update={"attributions": merged})


def found_by(checked: Verified | None, attribution_id: str) -> FoundBy | None:
    """Who found an attribution of the reconciled analysis: the engine alone, the model alone,
    or both; None where the model gave no answer for the article (the engine's alone, unsaid).
    Where the engine is not sure and the model read the words otherwise, the attribution is
    the engine's reading (``engine``) and its ``alternative`` the model's."""
    if checked is None:
        return None
    if any(a.id == attribution_id for a in checked.found):
        return "model"
    return "both" if attribution_id in checked.confirmed else "engine"
