"""The ``briefing`` command line."""

from briefing.cli.main import main

__all__ = ["main"]
