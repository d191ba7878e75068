"""What a model sent back, read: a usable extraction, or which kind of failure it is.

The kinds matter because each calls for something different:

- ``schema``: the answer ended but does not fit the schema. One more try, with the validation
  errors (field and message, never an object dump) shown to the model, may fix it.
- ``cut_off``: the answer hit ``max_tokens`` (finish reason ``length``). The cap is the most a
  complete answer in the bounded schema can take (:mod:`briefing.llm.schema`), so a cut-off
  answer is a model that was not held to the schema; asking again with the same cap would loop
  again, so there is no retry.
- ``repetitive``: the answer ended, but repeats itself: one item three times or more, or one
  phrase over and over inside a string. That is a small model looping inside the schema; its
  other items are not to be trusted and a retry loops again.

Exact repeats of an item (twice) are dropped rather than failed: models often give the same
line as a bottom line and an event, or twice in a list.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from briefing.models import LLMExtraction

SCHEMA, CUT_OFF, REPETITIVE = "schema", "cut_off", "repetitive"
REPEATS_TO_FAIL = 3  # copies of one item that make an answer a loop
PHRASE_WORDS = 8  # words of a phrase that, repeated inside one string, make it a loop
PHRASE_REPEATS = 3
MAX_ERRORS = 3  # validation errors shown to the model on the retry
FIELDS = ("bottom_line", "events", "attributions", "caveats")


@dataclass(frozen=True)
class Reading:
    """An answer read: the extraction, or the kind of failure and a one-line reason."""

    extraction: LLMExtraction | None
    kind: str | None = None  # SCHEMA, CUT_OFF, REPETITIVE; None when it is usable
    reason: str | None = None


def validation_summary(exc: ValidationError) -> str:
    """The first few validation errors as "field: message" (what a model can act on)."""
    parts = []
    for err in exc.errors()[:MAX_ERRORS]:
        where = ".".join(str(p) for p in err.get("loc", ())) or "the answer"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    more = exc.error_count() - len(parts)
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")


def _key(item: Any) -> str:
    """What makes two items the same item: all they say, case and spacing aside."""
    return " ".join(json.dumps(item.model_dump(), sort_keys=True).lower().split())


def _repeated_phrase(text: str) -> str | None:
    """A phrase of ``PHRASE_WORDS`` words that recurs ``PHRASE_REPEATS`` times in ``text``."""
    words = text.lower().split()
    if len(words) < PHRASE_WORDS * PHRASE_REPEATS:
        return None
    grams = Counter(
        " ".join(words[i : i + PHRASE_WORDS]) for i in range(len(words) - PHRASE_WORDS + 1)
    )
    phrase, count = grams.most_common(1)[0]
    return phrase if count >= PHRASE_REPEATS else None


def repetition(extraction: LLMExtraction) -> str | None:
    """Why the answer is a loop, or None."""
    for name in FIELDS:
        items = getattr(extraction, name)
        counts = Counter(_key(i) for i in items)
        if counts:
            key, n = counts.most_common(1)[0]
            if n >= REPEATS_TO_FAIL:
                return f"the answer repeats one of its {name} {n} times"
        for item in items:
            for text in (getattr(item, f, None) for f in ("text", "claim", "quote")):
                phrase = _repeated_phrase(text) if text else None
                if phrase:
                    return f"the answer repeats “{phrase}” over and over"
    return None


def _deduped(extraction: LLMExtraction) -> LLMExtraction:
    """The extraction with exact repeats of an item within a list dropped."""
    update = {}
    for name in FIELDS:
        seen: set[str] = set()
        kept = []
        for item in getattr(extraction, name):
            if _key(item) not in seen:
                seen.add(_key(item))
                kept.append(item)
        update[name] = kept
    return extraction.model_copy(update=update)


def read(payload: str | dict[str, Any], finish_reason: str | None, cap: int | None) -> Reading:
    """Read one answer: its text (JSON content) or its parsed arguments (a tool call)."""
    if finish_reason == "length":
        where = f" at the {cap}-token cap" if cap else ""
        return Reading(None, CUT_OFF, f"the answer was cut off{where} before it was complete")
    try:
        if isinstance(payload, str):
            extraction = LLMExtraction.model_validate_json(payload)
        else:
            extraction = LLMExtraction.model_validate(payload)
    except ValidationError as e:
        if isinstance(payload, str) and _not_json(payload):
            return Reading(None, SCHEMA, "the answer was not JSON")
        return Reading(None, SCHEMA, validation_summary(e))
    loop = repetition(extraction)
    if loop:
        return Reading(None, REPETITIVE, loop)
    return Reading(_deduped(extraction))


def _not_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return not re.match(r"\s*[\[{]", text)
    return False
