"""The answer schema as sent to the model: bounded, so a grammar-constrained decoder must finish.

A server that constrains decoding to the JSON schema (llama.cpp, vLLM, Ollama) lets a small
model loop for ever inside it: the same item again and again, or one string that never ends,
until the token cap, minutes later. The recorded answers of a 1.5B model did exactly that on
every article with the plain schema, and ended on their own once every array had ``maxItems``
and every string ``maxLength``. So the schema of each call is sized to what it carries: a few
items per article, a line no longer than the longest sentence shown, sentence ids from the ids
shown (an enum, so a constrained decoder cannot invent one), and ``max_tokens`` is the most a
complete answer in that schema can take, so a cut-off answer means the server did not hold the
model to the schema, not that the cap was tight.

OpenAI's strict mode takes ``maxItems`` and ``enum`` but refuses ``maxLength``; for its own
endpoint the lengths are left out (its decoder does not loop) and the cap still holds.
"""

from __future__ import annotations

import copy
import functools
import json
import math
from dataclasses import dataclass
from typing import Any

from briefing.models import LLMExtraction

SCHEMA_VERSION = "bounded-3"  # part of the prompt version: a change of bounds makes fresh keys

# Items per article in each list, at most (fewer when the article has fewer sentences).
PER_ARTICLE_ITEMS = {"bottom_line": 3, "events": 5, "attributions": 6, "caveats": 3}
IDS_PER_ITEM = 4  # sentence ids an item may cite
VIA_ITEMS = 3  # intermediaries in a chain
NAME_LENGTH = 80  # characters of a speaker's or an intermediary's name
CUE_LENGTH = 40  # characters of a reporting expression ("said", "according to")
CAVEAT_LENGTH = 160  # characters of a caveat's text
LINE_MIN, LINE_MAX = 60, 300  # a line's length: the longest sentence shown, within these
# Tokens, for max_tokens: a JSON string's characters per token (low: escapes, names, numbers),
# what each item and each string costs around its text (keys, quotes, indentation), and the
# object around it all.
CHARS_PER_TOKEN = 3.0
STRING_OVERHEAD, ITEM_OVERHEAD, ANSWER_OVERHEAD = 4, 12, 40
ID_TOKENS = 4  # '"a2.s13", '


@dataclass(frozen=True)
class Bounds:
    """How much one call's answer may hold, from the sentences it shows."""

    items: dict[str, int]
    ids: tuple[str, ...]
    line_length: int

    @property
    def ids_per_item(self) -> int:
        return max(1, min(IDS_PER_ITEM, len(self.ids)))


def bounds_for(articles: list[dict[str, Any]]) -> Bounds:
    """The bounds of a call showing ``articles`` (the prompt's article blocks)."""
    sentences = [s for a in articles for s in a["sentences"]]
    n = max(1, len(sentences))
    items = {
        name: max(1, min(per * max(1, len(articles)), n)) for name, per in PER_ARTICLE_ITEMS.items()
    }
    longest = max((len(s["text"]) for s in sentences), default=LINE_MIN)
    return Bounds(
        items=items,
        ids=tuple(s["id"] for s in sentences),
        line_length=max(LINE_MIN, min(LINE_MAX, longest)),
    )


@functools.cache
def _base_schema() -> dict[str, Any]:
    """The answer models' schema, titles and defaults dropped (they cost tokens, say nothing
    to the model, and strict mode refuses defaults)."""

    def strip(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k not in ("title", "default")}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    return strip(LLMExtraction.model_json_schema(by_alias=True))


def _string(node: dict[str, Any], length: int, lengths: bool) -> None:
    """Bound a string property (or the string branch of a nullable one)."""
    if not lengths:
        return
    for branch in node.get("anyOf", [node]):
        if branch.get("type") == "string":
            branch["maxLength"] = length


def bounded_schema(bounds: Bounds, *, lengths: bool = True) -> dict[str, Any]:
    """The schema of one call: every array bounded, every string too (unless ``lengths`` is
    False), ids restricted to those shown."""
    schema = copy.deepcopy(_base_schema())
    for name, limit in bounds.items.items():
        schema["properties"][name]["maxItems"] = limit
    ids = {"type": "string", "enum": list(bounds.ids)} if bounds.ids else {"type": "string"}
    text_length = {
        "speaker": NAME_LENGTH,
        "source": NAME_LENGTH,
        "cue": CUE_LENGTH,
        "content": bounds.line_length,
        "claim": bounds.line_length,
        "quote": bounds.line_length,
        "text": bounds.line_length,
    }
    for name, model in schema["$defs"].items():
        props = model["properties"]
        model["required"] = list(props)  # strict mode wants every key, nullable or not
        props["ids"]["items"] = dict(ids)
        props["ids"]["maxItems"] = bounds.ids_per_item
        for key, length in text_length.items():
            if key in props:
                limit = CAVEAT_LENGTH if name == "LLMCaveat" and key == "text" else length
                _string(props[key], limit, lengths)
        if "via" in props:
            props["via"]["maxItems"] = VIA_ITEMS
            _string(props["via"]["items"], NAME_LENGTH, lengths)
    return schema


def _string_tokens(length: int) -> int:
    return math.ceil(length / CHARS_PER_TOKEN) + STRING_OVERHEAD


def max_tokens(bounds: Bounds) -> int:
    """The most tokens a complete answer within ``bounds`` can take: the call's ``max_tokens``.

    Every item at its longest, every list full: a model held to the schema ends before it.
    """
    ids = bounds.ids_per_item * ID_TOKENS
    line = _string_tokens(bounds.line_length)
    per_item = {
        "bottom_line": line + ids,
        "events": line + ids,
        "caveats": _string_tokens(CAVEAT_LENGTH) + ids + STRING_OVERHEAD,
        "attributions": (
            _string_tokens(NAME_LENGTH) * (2 + VIA_ITEMS)
            + _string_tokens(CUE_LENGTH)
            + 3 * line
            + ids
            + STRING_OVERHEAD
        ),
    }
    return ANSWER_OVERHEAD + sum(
        bounds.items[name] * (per_item[name] + ITEM_OVERHEAD) for name in per_item
    )


def schema_tokens_text(schema: dict[str, Any]) -> str:
    """The schema as it travels (compact JSON), for counting its tokens."""
    return json.dumps(schema, separators=(",", ":"))
