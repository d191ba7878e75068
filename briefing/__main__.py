"""``python -m briefing`` runs the command line."""

from briefing.cli import main

main()
