"""An in-process provider for tests: canned answers, no network, no key.

The real provider is tested against a fake OpenAI server (``tests/llm_server.py``), which is the
way to test the wire. This one is for everything above the wire: planning, the cache, the retry
with feedback, the fall-back to the offline engine, per-article results and usage. It answers
each job, in order, with the next entry of a ``script``, or with ``respond(job, feedback)``:

- an :class:`~briefing.models.LLMExtraction`: a good answer;
- a ``dict`` or a JSON ``str``: what the model sent, validated as the real provider would, so an
  off-schema entry comes back as a schema error with pydantic's own message, due one retry;
- an exception: a call that failed (a timeout, a refused request); the article falls back.

Answers are read as the real provider reads them (:func:`briefing.llm.answers.read`), so a
looping answer is one here too.

Without either it answers every article with its first sentence as the bottom line. Usage is
counted as a real call would be: prompt tokens as rendered, answer tokens, priced by model.
Every request is kept in :attr:`MockProvider.calls` with the feedback it carried.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from briefing.llm import answers
from briefing.llm.cache import Cache
from briefing.llm.planning import Job
from briefing.llm.pricing import cost
from briefing.llm.prompts import prompt_tokens
from briefing.llm.providers.base import Answer, call_error, register, settle
from briefing.llm.settings import Settings
from briefing.llm.tokens import count_tokens
from briefing.models import LLMExtraction, LLMLine, Usage

Entry = LLMExtraction | Mapping[str, Any] | str | BaseException
Respond = Callable[[Job, str], Entry]


def first_sentences(job: Job, feedback: str = "") -> LLMExtraction:
    """A grounded answer for any job: each article's first sentence, verbatim, as its bottom line
    (cited with the ids the prompt showed, so a packed call's answer splits correctly)."""
    lines = [
        LLMLine(text=a["sentences"][0]["text"], sentence_ids=[a["sentences"][0]["id"]])
        for a in job.inputs["articles"]
        if a["sentences"]
    ]
    return LLMExtraction(bottom_line=lines, events=[], attributions=[], caveats=[])


@register("mock")
class MockProvider:
    """Answers from a script of canned entries or a function of the job."""

    name = "mock"
    method = "mock"

    def __init__(
        self,
        settings: Settings,
        cache: Cache | None = None,
        *,
        script: Iterable[Entry] | None = None,
        respond: Respond | None = None,
    ) -> None:
        if script is not None and respond is not None:
            raise ValueError("give the mock provider a script or a respond function, not both")
        self.settings = settings
        self._script = deque(script) if script is not None else None
        self._respond = respond or first_sentences
        self.calls: list[tuple[Job, str]] = []

    def answer(self, jobs: Sequence[Job], feedback: Mapping[str, str]) -> Iterator[Answer]:
        for job in jobs:
            fb = feedback.get(job.key, "")
            self.calls.append((job, fb))
            yield self._settle(job, self._next(job, fb), fb)

    def _next(self, job: Job, feedback: str) -> Entry:
        if self._script is None:
            return self._respond(job, feedback)
        if not self._script:
            raise LookupError(
                f"the mock provider's script has no entry left for call {len(self.calls)} "
                f"(articles {', '.join(job.members)})"
            )
        return self._script.popleft()

    def _settle(self, job: Job, entry: Entry, feedback: str) -> Answer:
        if isinstance(entry, BaseException):
            return call_error(job, entry, Usage(calls=1), self.settings)
        text = (
            entry
            if isinstance(entry, str)
            else entry.model_dump_json(by_alias=True)
            if isinstance(entry, LLMExtraction)
            else json.dumps(entry, ensure_ascii=False)
        )
        usage = self._usage(job, feedback, text)
        return settle(job, answers.read(text, None, job.max_tokens), usage, self.settings)

    def _usage(self, job: Job, feedback: str, text: str) -> Usage:
        i = prompt_tokens(dict(job.inputs, feedback=feedback))
        o = count_tokens(text)
        return Usage(
            calls=1, input_tokens=i, output_tokens=o, cost_usd=cost(self.settings.model, i, o)
        )
