"""``python -m briefing.cli``: the same command line as ``briefing``."""

from briefing.cli import main

main()
