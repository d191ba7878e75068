"""The recorded exchanges with a small local model (``../shared/datasets/local-llm-answers``).

Not a test module: it finds each recording's article (a bundled example, or the short article
the prompt carried, rebuilt from its numbered sentences) and reads the items a reply holds,
the complete ones even when the reply was cut off, so that tests can replay real answers
through the loopback server. Tests skip when the recordings are absent.
"""

from __future__ import annotations

import json
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

from tests.conftest import EXAMPLES, ROOT

RECORDINGS = Path(
    os.environ.get("BRIEFING_LLM_ANSWERS")
    or ROOT.parent / "shared" / "datasets" / "local-llm-answers"
)
FIELDS = ("bottom_line", "events", "attributions", "caveats")
_SENTENCE = re.compile(r"^\[(s\d+)\] (.*)$", re.MULTILINE)
_TITLE = re.compile(r"^Title: (.*)$", re.MULTILINE)


def available() -> bool:
    return (RECORDINGS / "INDEX.md").is_file()


@cache
def load(name: str) -> dict[str, Any]:
    return json.loads((RECORDINGS / name).read_text(encoding="utf-8"))


def prompt_sentences(recording: dict[str, Any]) -> list[tuple[str, str]]:
    user = next(m for m in recording["request"]["messages"] if m["role"] == "user")
    return _SENTENCE.findall(user["content"])


def content(recording: dict[str, Any]) -> str:
    """The reply's text: the JSON content, or a tool call's arguments."""
    message = recording["response"]["choices"][0]["message"]
    calls = message.get("tool_calls") or []
    return calls[0]["function"]["arguments"] if calls else message.get("content") or ""


def finish_reason(recording: dict[str, Any]) -> str:
    return recording["response"]["choices"][0]["finish_reason"]


def article_path(recording: dict[str, Any], tmp: Path) -> Path:
    """The article the recording was about: the bundled example whose opening is its first
    sentence, or a text file rebuilt from the prompt (title, then its sentences)."""
    sentences = prompt_sentences(recording)
    first = sentences[0][1]
    for path in sorted(EXAMPLES.glob("*.txt")):
        if " ".join(path.read_text(encoding="utf-8").split()).startswith(first):
            return path
    user = next(m for m in recording["request"]["messages"] if m["role"] == "user")
    title = _TITLE.search(user["content"]).group(1)
    body = " ".join(text for sid, text in sentences if text != title)
    path = tmp / (re.sub(r"\W+", "-", title.lower()).strip("-") + ".txt")
    path.write_text(f"{title}\n\n{body}\n", encoding="utf-8")
    return path


def items(recording: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The complete items of the reply, by list, in order; a cut-off reply keeps those that
    ended before the cut. Exact repeats within a list are kept once."""
    text = content(recording)
    decoder = json.JSONDecoder()
    out: dict[str, list[dict[str, Any]]] = {f: [] for f in FIELDS}
    field = re.compile('"(' + "|".join(FIELDS) + r')"\s*:')
    marks = [(m.start(), m.group(1)) for m in field.finditer(text)]
    for m in re.finditer(r"\{", text):
        if m.start() == text.find("{"):
            continue  # the answer itself
        owner = [f for at, f in marks if at < m.start()]
        if not owner:
            continue
        try:
            item, _ = decoder.raw_decode(text, m.start())
        except ValueError:
            continue
        if isinstance(item, dict) and "ids" in item and item not in out[owner[-1]]:
            out[owner[-1]].append(item)
    return out
