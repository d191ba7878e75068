"""The prompt: its template, its version, its variables and what it costs in tokens.

The words live in ``prompts/system.jinja`` and ``prompts/user.jinja`` (shipped in the wheel, see
:mod:`briefing.resources`), so they can be read and reviewed as prose; this module only fills
them. The article goes inside ``<article>`` tags as numbered sentences, one per line, and is
cleaned so that it stays data: no text from an article can close its block and speak as the
instructions. The prompt version hashes the templates and the answer schema, so changing either
makes fresh cache keys instead of replaying answers to a different question.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from typing import TYPE_CHECKING, Any

from briefing.llm.schema import SCHEMA_VERSION, bounded_schema, bounds_for
from briefing.llm.tokens import count_tokens
from briefing.models import Analysis, LLMExtraction, Sentence
from briefing.resources import prompts_dir

if TYPE_CHECKING:
    from pydantic import BaseModel

TEMPLATE_FILES = ("system.jinja", "user.jinja")
MESSAGE_OVERHEAD = 4  # tokens each chat message adds around its content
SCHEMA_WRAPPER = 20  # tokens of the response format or tool definition around the schema

# One article's part of a call: the analysis, the sentences shown, and "2 of 3" for a window.
Member = tuple[Analysis, list[Sentence], str | None]


@functools.cache
def chat_template(files: tuple[str, str]) -> Any:
    """A two-message LangChain ``ChatPromptTemplate`` (jinja2) from a system and a user
    template in ``prompts/``, built once per process."""
    from langchain_core.prompts import ChatPromptTemplate

    d = prompts_dir()
    system, user = ((d / name).read_text(encoding="utf-8") for name in files)
    return ChatPromptTemplate.from_messages(
        [("system", system), ("human", user)], template_format="jinja2"
    )


@functools.cache
def template_version(files: tuple[str, str], schema: type[BaseModel], version: str) -> str:
    """A short hash of the templates, the answer schema and its version: part of every cache
    key, so a changed prompt or schema is never answered from the cache."""
    d = prompts_dir()
    h = hashlib.sha256()
    for name in files:
        h.update((d / name).read_bytes())
    h.update(str(sorted(schema.model_json_schema().items())).encode())
    h.update(version.encode())
    return h.hexdigest()[:16]


def prompt_template() -> Any:
    """The extraction prompt's ``ChatPromptTemplate``."""
    return chat_template(TEMPLATE_FILES)


def prompt_version() -> str:
    """The extraction prompt's version (``template_version``)."""
    return template_version(TEMPLATE_FILES, LLMExtraction, SCHEMA_VERSION)


def clean(text: str, blocks: tuple[str, ...] = ("article",)) -> str:
    """Text as prompt data: one line, and unable to open or close any of the prompt's
    ``blocks`` (the ``<`` of such a tag becomes ``‹``). Every prompt fences its data so."""
    text = " ".join(text.split())
    return _tags(blocks).sub(lambda m: m.group(0).replace("<", "‹"), text)


@functools.cache
def _tags(blocks: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(rf"<\s*/?\s*(?:{'|'.join(map(re.escape, blocks))})", re.IGNORECASE)


def _article_block(
    analysis: Analysis, window: list[Sentence], key: str, label: str | None
) -> dict[str, Any]:
    """One ``<article>`` of the user message; ``key`` ("a2") prefixes its ids in a shared call."""
    meta = analysis.article
    prefix = f"{key}." if key else ""
    return {
        "key": key,
        "title": clean(meta.title or meta.id),
        "outlet": clean(meta.outlet) if meta.outlet else "",
        "window": label or "",
        "sentences": [{"id": prefix + s.id, "text": clean(s.text)} for s in window],
    }


def prompt_inputs(members: list[Member], feedback: str | None = None) -> dict[str, Any]:
    """The template's variables for one call: one article (ids "s3") or several ("a2.s3")."""
    keyed = len(members) > 1
    return {
        "articles": [
            _article_block(an, window, f"a{i + 1}" if keyed else "", label)
            for i, (an, window, label) in enumerate(members)
        ],
        "feedback": feedback or "",
    }


def prompt_tokens(inputs: dict[str, Any], schema: dict[str, Any] | None = None) -> int:
    """Tokens of the rendered messages plus the schema the request carries (``schema``: the
    call's bounded one; by default the schema of the same articles, bounded)."""
    messages = prompt_template().format_messages(**inputs)
    if schema is None:
        schema = bounded_schema(bounds_for(inputs["articles"]))
    return request_tokens(messages, schema)


def request_tokens(messages: list[Any], schema: dict[str, Any]) -> int:
    """Tokens of a request: its rendered messages, each with its overhead, and the schema it
    carries (any call's: the extraction's, the headlines')."""
    text = sum(count_tokens(str(m.content)) + MESSAGE_OVERHEAD for m in messages)
    return text + count_tokens(json.dumps(schema)) + SCHEMA_WRAPPER
