"""``briefing extract``: who said what, the events and the caveats, as JSON."""

from __future__ import annotations

import json
import sys

import click

from briefing.cli.options import EXIT_USAGE, load, model_options
from briefing.cli.options import model_run as run_model
from briefing.cli.options import settings as load_settings

_EXAMPLES = """
\b
Examples:
  briefing extract examples/articles/kcna-putin-pyongyang.txt --format json
  briefing extract examples/articles --format jsonl > analyses.jsonl
"""


@click.command(epilog=_EXAMPLES)
@click.argument("paths", nargs=-1, required=True)
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
@click.option("--strict", is_flag=True, help="Exit 2 if any input could not be read.")
def extract(
    paths: tuple[str, ...],
    fmt: str,
    backend: str | None,
    model: str | None,
    base_url: str | None,
    strict: bool,
) -> None:
    """Print who said what, the events and the caveats of each article in PATHS."""
    from briefing import pipeline

    settings = load_settings(backend, model, base_url)
    loaded = load(paths)
    run = run_model(loaded, settings) if settings.backend == "openai" else None
    dumps = [pipeline.extraction(an, run) for an in loaded.analyses]
    if fmt == "jsonl":
        for d in dumps:
            sys.stdout.write(json.dumps(d, ensure_ascii=False) + "\n")
    else:
        payload = dumps[0] if len(dumps) == 1 else dumps
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    if loaded.errors and strict:
        raise click.exceptions.Exit(EXIT_USAGE)
