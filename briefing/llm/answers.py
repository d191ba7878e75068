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
STREAM_REPEATS = 6  # times a phrase must recur in a streamed answer for it to be cut short
STREAM_CHECK_EVERY = 400  # characters a streamed answer grows between two looks at it
_STRING_VALUE = re.compile(
    r'"(?:text|claim|quote|content|speaker|source|cue)"\s*:\s*"((?:[^"\\]|\\.)*)'
)
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


def _repeated_phrase(text: str, repeats: int = PHRASE_REPEATS) -> str | None:
    """A phrase of ``PHRASE_WORDS`` words that recurs ``repeats`` times in ``text``."""
    words = text.lower().split()
    if len(words) < PHRASE_WORDS * repeats:
        return None
    grams = Counter(
        " ".join(words[i : i + PHRASE_WORDS]) for i in range(len(words) - PHRASE_WORDS + 1)
    )
    phrase, count = grams.most_common(1)[0]
    return phrase if count >= repeats else None


class LoopWatch:
    """Watches a streamed answer grow and says when it has begun to loop, so the stream can be
    closed then rather than at the token cap, minutes later.

    Only the answer's words are watched (the string values of its texts), never its ids or
    keys: a good answer may cite the same ids in every item. A good answer may also give one
    sentence as a bottom line, an event, a claim and a quote, so a phrase must come back
    :data:`STREAM_REPEATS` times, which a looping answer passes within a few items.
    """

    def __init__(self) -> None:
        self._checked = 0

    def looping(self, partial: str) -> str | None:
        if len(partial) - self._checked < STREAM_CHECK_EVERY:
            return None
        self._checked = len(partial)
        words = " | ".join(m.group(1) for m in _STRING_VALUE.finditer(partial))
        phrase = _repeated_phrase(words, STREAM_REPEATS)
        return f"the answer began repeating “{phrase}”; stopped there" if phrase else None


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
