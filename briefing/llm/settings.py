"""Settings for the LLM stage: command line, then environment, then ``briefing.toml``.

Without configuration the backend is ``offline`` and nothing here is used. The API key is held as
a ``SecretStr`` and never printed: :func:`redact` scrubs it from any message that leaves the
program, since exception texts from HTTP clients may echo request details.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from briefing.errors import UsageError

BACKENDS = ("offline", "openai")
DEFAULT_MODEL = "gpt-4o-mini"
# Seconds one call (a job: an article, a window of one, or packed short articles) may take in
# all, every attempt, retry and feedback retry included; then it goes to the offline engine.
# Below a minute so that a 500-word article on a slow local model is written, by the model or by
# the engine, within 60 s: a cold `briefing build` of one such article also spends some 10 s
# loading the engine and the client, analysing, and checking the brief's lines.
DEFAULT_DEADLINE = 45.0


def default_cache_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "briefing" / "llm.sqlite"


@dataclass
class Settings:
    backend: str = "offline"
    model: str = DEFAULT_MODEL
    base_url: str | None = None
    api_key: SecretStr | None = field(default=None, repr=False)
    max_concurrency: int = 4
    timeout: float = 60.0  # seconds one HTTP attempt may take (and no more than the deadline)
    max_retries: int = 3
    deadline: float = DEFAULT_DEADLINE  # seconds a job may take, all its attempts together
    token_budget: int = 6000  # article tokens per call; longer articles go in overlapping windows
    window_overlap: int = 2  # sentences shared by neighbouring windows
    pack_articles: int = 8  # short articles sharing one call, at most
    cache_path: Path = field(default_factory=default_cache_path)
    cache_days: int = 30
    # stream answers, so one that loops is cut off as it starts to (a small local model)
    stream: bool = False
    # the model also writes the brief's headlines and bottom line: one more call a brief
    headlines: bool = True

    @property
    def endpoint(self) -> str:
        return self.base_url or "https://api.openai.com/v1"

    @property
    def is_openai(self) -> bool:
        """Whether the endpoint is OpenAI's own (whose strict schemas and token parameters
        differ from those of the compatible servers)."""
        from urllib.parse import urlsplit

        return (urlsplit(self.endpoint).hostname or "") == "api.openai.com"

    def require_key(self) -> SecretStr:
        if self.api_key is None or not self.api_key.get_secret_value():
            raise UsageError(
                "--backend openai needs an API key: set OPENAI_API_KEY "
                "(or api_key in briefing.toml); "
                "for a local server that needs none, any non-empty value will do"
            )
        return self.api_key


_OTHER_TABLES = {"feeds", "fetch"}


def _from_file(path: Path | None) -> dict[str, Any]:
    if path is None:
        candidate = Path(os.environ.get("BRIEFING_CONFIG", "briefing.toml"))
        if not candidate.is_file():
            return {}
        path = candidate
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise UsageError(f"{path}: cannot read the configuration: {e}") from None
    # with no [llm] table the file's own keys are the model's settings; the tables of the other
    # stages ([feeds], [fetch]) are theirs
    section = (
        data["llm"] if "llm" in data else {k: v for k, v in data.items() if k not in _OTHER_TABLES}
    )
    return {k.replace("-", "_"): v for k, v in section.items()}


def load_settings(
    overrides: dict[str, Any] | None = None, config_file: Path | None = None
) -> Settings:
    """Merge, highest first: ``overrides`` (the command line), environment, ``briefing.toml``."""
    values: dict[str, Any] = {}
    values.update(_from_file(config_file))
    env = {
        "backend": os.environ.get("BRIEFING_BACKEND"),
        "model": os.environ.get("BRIEFING_MODEL"),
        "api_key": os.environ.get("OPENAI_API_KEY"),
        "base_url": os.environ.get("OPENAI_BASE_URL"),
        "cache_path": os.environ.get("BRIEFING_CACHE"),
        "headlines": os.environ.get("BRIEFING_HEADLINES"),
        "deadline": os.environ.get("BRIEFING_DEADLINE"),
    }
    values.update({k: v for k, v in env.items() if v})
    values.update({k: v for k, v in (overrides or {}).items() if v is not None})
    known = set(Settings.__dataclass_fields__)
    unknown = set(values) - known
    if unknown:
        raise UsageError(f"unknown setting(s): {', '.join(sorted(unknown))}")
    if "api_key" in values and not isinstance(values["api_key"], SecretStr):
        values["api_key"] = SecretStr(str(values["api_key"]))
    if "cache_path" in values:
        values["cache_path"] = Path(values["cache_path"]).expanduser()
    for key, kind in (
        ("max_concurrency", int),
        ("timeout", float),
        ("deadline", float),
        ("max_retries", int),
        ("token_budget", int),
        ("window_overlap", int),
        ("cache_days", int),
        ("pack_articles", int),
    ):
        if key in values:
            try:
                values[key] = kind(values[key])
            except (TypeError, ValueError):
                raise UsageError(f"setting {key} must be a number, got {values[key]!r}") from None
    for key in ("stream", "headlines"):
        if key in values and not isinstance(values[key], bool):
            text = str(values[key]).strip().lower()
            if text not in ("true", "false", "1", "0", "yes", "no"):
                raise UsageError(f"setting {key} must be true or false, got {values[key]!r}")
            values[key] = text in ("true", "1", "yes")
    for key in ("timeout", "deadline"):
        if key in values and not values[key] > 0:
            raise UsageError(f"setting {key} must be seconds above 0, got {values[key]!r}")
    settings = Settings(**values)
    if settings.backend not in BACKENDS:
        raise UsageError(
            f"unknown backend {settings.backend!r}; choose one of: {', '.join(BACKENDS)}"
        )
    return settings


def redact(message: str, settings: Settings | None) -> str:
    """``message`` with the API key, if any, replaced by ``***``."""
    if settings is not None and settings.api_key is not None:
        key = settings.api_key.get_secret_value()
        if key:
            message = message.replace(key, "***")
    return message
