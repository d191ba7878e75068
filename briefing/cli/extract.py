"""``briefing extract``: who said what, the events and the caveats, as JSON."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

import click

from briefing.cli.options import EXIT_USAGE, GateCommand, load, model_options, web, web_options
from briefing.cli.options import model_run as run_model
from briefing.cli.options import settings as load_settings
from briefing.errors import InputError

if TYPE_CHECKING:
    from briefing.ingest.web import WebOptions

_EXAMPLES = """
\b
Examples:
  briefing extract examples/articles/kcna-putin-pyongyang.txt --format json
  briefing extract examples/articles --format jsonl > analyses.jsonl
  briefing extract https://example.org/news/story --format json
"""


@click.command(epilog=_EXAMPLES, cls=GateCommand)
@click.argument("paths", nargs=-1)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "jsonl"]),
    default="json",
    show_default=True,
    help="json: one object for one article, an array for several; jsonl: one object per line.",
)
@model_options(
    'offline (default) or openai; with openai each article also gets an "llm" key: the '
    "model's verified items and what was withheld, and why. Env: BRIEFING_BACKEND.",
    "Model for --backend openai. Env: BRIEFING_MODEL.",
    "OpenAI-compatible endpoint. Env: OPENAI_BASE_URL.",
)
@web_options
@click.option("--strict", is_flag=True, help="Exit 2 if any input could not be read.")
def extract(
    paths: tuple[str, ...],
    fmt: str,
    backend: str | None,
    model: str | None,
    base_url: str | None,
    feeds: tuple[str, ...],
    since: str | None,
    offline: bool,
    fetch_cache: str | None,
    strict: bool,
) -> None:
    """Print who said what, the events and the caveats of each article in PATHS (files,
    folders, - for stdin, or http(s) URLs) and the feeds."""
    from briefing import pipeline

    settings = load_settings(backend, model, base_url)
    reading = web(feeds, since, offline, fetch_cache, configured=not paths)
    if not paths and not reading.feeds:
        raise click.UsageError("give PATHS (files, folders, -, URLs) or a --feed")
    if settings.backend == "openai":
        # the model stage packs several articles into one call, so it needs them all first
        loaded = load(paths, web=reading)
        run = run_model(loaded, settings)
        write = _Writer(fmt)
        for an in loaded.analyses:
            write(_reconciled(pipeline.extraction(an, run), an, run))
        write.close()
        errors = bool(loaded.errors)
    else:
        errors = _stream(paths, fmt, reading)
    if errors and strict:
        raise click.exceptions.Exit(EXIT_USAGE)


def _reconciled(d: dict, analysis: Any, run: Any) -> dict:
    """With a model, one list of attributions: the engine's and the model's, each marked
    ``found_by`` (engine, model or both); without an answer from the model, the engine's."""
    from briefing.verify.spans import reconcile

    d["attributions"] = reconcile(analysis, run.verified.get(analysis.article.id))
    return d


def _stream(paths: tuple[str, ...], fmt: str, reading: WebOptions | None = None) -> bool:
    """Print each article as soon as it is analysed and each skipped input as it is met; exit
    2 when nothing could be read. Says whether anything was skipped."""
    from briefing import pipeline

    write = _Writer(fmt)
    errors = False

    def warn(line: str) -> None:
        click.echo(f"briefing: warning: {line}", err=True)

    for item in pipeline.stream(paths, web=reading, warn=warn):
        if isinstance(item, InputError):
            errors = True
            click.echo(f"briefing: skipped {item}", err=True)
        else:
            write(pipeline.extraction(item))
    if not write.count:
        raise click.exceptions.Exit(EXIT_USAGE)
    write.close()
    return errors


class _Writer:
    """Writes extractions to stdout as they come, flushed. jsonl: one line each; json: one
    article is an object, several an array, written item by item with the same bytes as
    ``json.dumps(items, indent=2)``, so the first is held back until the second arrives."""

    def __init__(self, fmt: str) -> None:
        self.fmt = fmt
        self.count = 0
        self._held: dict | None = None

    def __call__(self, d: dict) -> None:
        self.count += 1
        if self.fmt == "jsonl":
            self._out(json.dumps(d, ensure_ascii=False) + "\n")
        elif self.count == 1:
            self._held = d
        else:
            if self._held is not None:
                self._out("[\n" + _item(self._held))
                self._held = None
            self._out(",\n" + _item(d))

    def close(self) -> None:
        if self.fmt == "jsonl":
            return
        if self._held is not None:
            self._out(json.dumps(self._held, ensure_ascii=False, indent=2) + "\n")
        elif self.count:
            self._out("\n]\n")
        else:
            self._out("[]\n")

    @staticmethod
    def _out(s: str) -> None:
        sys.stdout.write(s)
        sys.stdout.flush()


def _item(d: dict) -> str:
    """One array item as ``json.dumps(list, indent=2)`` writes it: each line two spaces in (a
    JSON string never holds a raw newline, so lines are the dump's own)."""
    return "\n".join(
        "  " + line for line in json.dumps(d, ensure_ascii=False, indent=2).split("\n")
    )
