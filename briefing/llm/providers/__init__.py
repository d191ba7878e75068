"""Providers: the one part of the LLM stage that talks to a model, one small module each.

``openai`` is any OpenAI-compatible endpoint through LangChain; ``mock`` answers in process, for
tests. Each registers itself by name (:func:`register`); :func:`get_provider` looks one up, and
``extract.run`` makes one per run with ``get_provider(settings.backend)(settings, cache)``.
"""

from __future__ import annotations

from briefing.errors import UsageError
from briefing.llm.providers import mock, openai  # noqa: F401  (importing registers them)
from briefing.llm.providers.base import (
    Answer,
    Provider,
    ProviderFactory,
    register,
    registered,
)

__all__ = ["Answer", "Provider", "ProviderFactory", "get_provider", "register", "registered"]


def get_provider(name: str) -> ProviderFactory:
    """The factory registered as ``name``; a clear error naming the choices if there is none."""
    factories = registered()
    if name not in factories:
        raise UsageError(
            f"unknown LLM provider {name!r}; registered: {', '.join(sorted(factories))}"
        )
    return factories[name]
