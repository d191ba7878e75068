"""``briefing check``: misattribution in a summary of an article."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from briefing.cli.options import EXIT_FINDINGS, EXIT_OK, fail
from briefing.errors import BriefingError

# A --summary longer than this, or with a line break, is the text itself, never a path.
_MAX_PATH = 4096


def summary_text(summary: str) -> str:
    """``--summary`` is a file if one exists at that path, ``-`` for stdin, else the text."""
    if summary == "-":
        return sys.stdin.read()
    if len(summary) >= _MAX_PATH or "\n" in summary:
        return summary
    p = Path(summary)
    try:
        exists, is_file = p.exists(), p.is_file()
    except OSError:  # a name too long for the file system, and the like: text, not a path
        return summary
    if p.suffix in {".txt", ".md"} and not exists:
        raise BriefingError(f"{summary}: no such file")
    if is_file:
        try:
            return p.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise BriefingError(f"{summary}: cannot be read: {e}") from None
    return summary


@click.command(
    epilog="""
\b
Examples:
  briefing check --article examples/articles/kcna-putin-pyongyang.txt \\
    --summary "Putin said he will visit soon."
  briefing check --article article.html --summary summary.txt --format json
"""
)
@click.option("--article", required=True, help="The article the summary claims to summarise.")
@click.option(
    "--summary", required=True, help="The summary: a file, - for stdin, or the text itself."
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def check(article: str, summary: str, fmt: str) -> None:
    """Find misattribution and misstated facts in a summary of an article. Exit 1 on errors."""
    from briefing import pipeline
    from briefing.ingest import load_article

    try:
        art = load_article(article)
        text = summary_text(summary)
        if not text.strip():
            raise BriefingError(
                f"{summary if len(summary) < 80 else 'summary'}: the summary is empty"
            )
    except BriefingError as e:
        fail(str(e))
    result = pipeline.check(art, text)
    if fmt == "json":
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
    else:
        if result.passed and not result.findings:
            click.echo("passed: no problems found")
        for f in result.findings:
            click.echo(f"{f.severity}: {f.type}: {f.message}")
            click.echo(f"  summary: {f.summary_span.text!r}")
            if f.evidence_sentence_ids:
                click.echo(
                    f"  article: {', '.join(f.evidence_sentence_ids)}; "
                    f"expected {f.expected}, found {f.found}"
                )
    raise click.exceptions.Exit(EXIT_OK if result.passed else EXIT_FINDINGS)
