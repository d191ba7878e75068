"""Errors a user can act on.

Bad input is never a traceback: every problem with an input becomes an :class:`InputError`
whose message is one line naming the file and the problem, so a batch can skip that file,
list it, and go on.
"""

from __future__ import annotations


class BriefingError(Exception):
    """Base class for errors reported to the user as one line, without a traceback."""


class InputError(BriefingError):
    """An input file cannot be used: missing, unreadable, empty, binary, too large ..."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class UsageError(BriefingError):
    """The command line asks for something impossible (an unknown output format ...)."""


class DataFileError(BriefingError):
    """A data file of the package (a lexicon, the source registry) is malformed."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"{name}: {problem}")
        self.name = name
        self.problem = problem
