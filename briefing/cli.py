"""The ``briefing`` command line: a thin layer over the stages.

Exit codes (GUIDE section 3): 0 success, 1 a check found errors, 2 bad usage or unreadable
input. Bad input is reported as one line per file on stderr, never as a traceback; in a batch
the bad file is skipped and listed, and the rest goes on.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import __version__
from .analyze import analyze
from .brief import make_brief
from .errors import BriefingError, InputError
from .ingest import load_all
from .models import Analysis

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2

_BUILD_EXAMPLES = """
\b
Examples:
  briefing build examples/articles -o brief.html
  briefing build today/*.html -o brief.pdf --paper Letter
  cat article.txt | briefing build - -o brief.md
"""
_EXTRACT_EXAMPLES = """
\b
Examples:
  briefing extract examples/articles/kcna-putin-pyongyang.txt --format json
  briefing extract examples/articles --format jsonl > analyses.jsonl
"""


def _report(errors: list[InputError]) -> None:
    for e in errors:
        click.echo(f"briefing: skipped {e}", err=True)


def _load(paths: tuple[str, ...], strict: bool) -> tuple[list[Analysis], list[InputError]]:
    articles, errors = load_all(list(paths))
    analyses = []
    for art in articles:
        try:
            analyses.append(analyze(art))
        except RecursionError:  # pathological text: spoil one entry, not the batch
            errors.append(InputError(art.meta.path, "could not be analysed (text too deeply nested)"))
    _report(errors)
    if not analyses:
        raise click.exceptions.Exit(EXIT_USAGE)
    if errors and strict:
        raise click.exceptions.Exit(EXIT_USAGE)
    return analyses, errors


def _backend(name: str) -> None:
    if name != "offline":
        raise click.UsageError(f"backend {name!r} is not available; this build runs the offline engine only")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="briefing")
def main() -> None:
    """Turn news articles into a one-page, attribution-accurate brief.

    Runs offline by default: no API key, no network. Inputs are .txt, .md, .html/.htm and
    .json files, folders (read recursively), or - for stdin.

    \b
    Examples:
      briefing build examples/articles -o brief.html
      briefing build examples/articles -o brief.pdf --paper Letter
      briefing extract examples/articles/kcna-putin-pyongyang.txt --format json
    """


@main.command(epilog=_BUILD_EXAMPLES)
@click.argument("paths", nargs=-1, required=True)
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False),
              help="Where to write the brief; the suffix picks the format: .html, .md, .txt or .pdf.")
@click.option("--paper", type=click.Choice(["A4", "Letter"], case_sensitive=False), default="A4", show_default=True,
              help="Page size the brief must fit on.")
@click.option("--date", "date", default=None, help="Date printed on the brief (default: today).")
@click.option("--title", default=None, help="Title of the brief.")
@click.option("--backend", default="offline", envvar="BRIEFING_BACKEND", show_default=True, help="Engine that writes the brief.")
@click.option("--strict", is_flag=True, help="Exit 2 if any input could not be read (the brief is still written).")
def build(paths: tuple[str, ...], output: str, paper: str, date: str | None, title: str | None, backend: str, strict: bool) -> None:
    """Make the one-page brief from PATHS."""
    from .render import fit_one_page, format_for, write

    _backend(backend)
    try:
        format_for(output)
    except BriefingError as e:
        raise click.UsageError(str(e)) from None
    articles, errors = load_all(list(paths))
    analyses = []
    for art in articles:
        try:
            analyses.append(analyze(art))
        except RecursionError:  # pathological text: spoil one entry, not the batch
            errors.append(InputError(art.meta.path, "could not be analysed (text too deeply nested)"))
    _report(errors)
    if not analyses:
        click.echo("briefing: error: no input could be read", err=True)
        raise click.exceptions.Exit(EXIT_USAGE)
    brief = make_brief(analyses, skipped=errors, date=date, title=title)
    brief = fit_one_page(brief, paper=paper.upper() if paper.lower() == "a4" else "Letter")
    try:
        out = write(brief, output, paper=paper.upper() if paper.lower() == "a4" else "Letter")
    except OSError as e:
        click.echo(f"briefing: error: cannot write {output}: {(e.strerror or str(e)).lower()}", err=True)
        raise click.exceptions.Exit(EXIT_USAGE) from None
    click.echo(f"briefing: wrote {out} ({len(analyses)} article(s), {len(errors)} skipped, {brief.omitted} item(s) left out to fit one page)", err=True)
    if errors and strict:
        raise click.exceptions.Exit(EXIT_USAGE)


@main.command(epilog=_EXTRACT_EXAMPLES)
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["json", "jsonl"]), default="json", show_default=True,
              help="json: one object for one article, an array for several; jsonl: one object per line.")
@click.option("--backend", default="offline", envvar="BRIEFING_BACKEND", show_default=True, help="Engine that extracts.")
@click.option("--strict", is_flag=True, help="Exit 2 if any input could not be read.")
def extract(paths: tuple[str, ...], fmt: str, backend: str, strict: bool) -> None:
    """Print who said what, the events and the caveats of each article in PATHS."""
    _backend(backend)
    analyses, errors = _load(paths, strict=False)
    dumps = [a.model_dump(mode="json", exclude_none=False) for a in analyses]
    for d in dumps:
        if d["article"].get("text") is None:
            d["article"].pop("text", None)
    if fmt == "jsonl":
        for d in dumps:
            sys.stdout.write(json.dumps(d, ensure_ascii=False) + "\n")
    else:
        payload = dumps[0] if len(dumps) == 1 else dumps
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    if errors and strict:
        raise click.exceptions.Exit(EXIT_USAGE)


def run() -> None:  # pragma: no cover - console entry for python -m
    main()


if __name__ == "__main__":  # pragma: no cover
    main()
