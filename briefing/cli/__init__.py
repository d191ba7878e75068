"""The ``briefing`` command line: a thin layer over ``briefing.pipeline``.

One module per command; each parses its options, calls one pipeline function and prints. This
module only gathers them. Commands import their stages when they run, so ``--help`` and
``extract`` do not load the brief's renderer or the LLM stack.
"""

from __future__ import annotations

import click

from briefing import __version__
from briefing.cli.build import build
from briefing.cli.check import check
from briefing.cli.eval import eval_group
from briefing.cli.extract import extract


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


main.add_command(build)
main.add_command(extract)
main.add_command(check)
main.add_command(eval_group, name="eval")

__all__ = ["main"]
