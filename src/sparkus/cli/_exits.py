"""The exit statuses of the ``sparkus`` command and the two errors only the command raises.

A script tells the kinds of failure apart by the status alone: 2 means "fix the command line",
3 "fix the file", 4 "the constraints cannot all be met", 5 "the data cannot support the
estimate", 1 "a bug in sparkus: report it".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from sparkus._errors import SparkusError

__all__ = [
    "DATA",
    "ESTIMATION",
    "INFEASIBLE",
    "INTERNAL",
    "INTERRUPTED",
    "MAX_LISTED",
    "OK",
    "USAGE",
    "FileInputError",
    "UsageError",
]

OK: Final = 0
INTERNAL: Final = 1
USAGE: Final = 2
DATA: Final = 3
INFEASIBLE: Final = 4
ESTIMATION: Final = 5
INTERRUPTED: Final = 130
"""Ctrl-C, as shells report a command ended by SIGINT (128 + 2)."""

MAX_LISTED: Final = 50
"""At most this many problems are printed; the rest are counted."""


class UsageError(SparkusError, ValueError):
    """A command line sparkus cannot run as given (exit status 2).

    A bad option value, or an output path that cannot be written or already exists.
    """


class FileInputError(SparkusError, ValueError):
    """Problems in an input file, each located by file and line or JSON path (exit status 3).

    Parameters
    ----------
    lines : sequence of str
        One line per problem, each starting with the file's name and the place in it.
    """

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = tuple(lines)
        if not self.lines:
            msg = "FileInputError needs at least one problem"
            raise ValueError(msg)
        shown = list(self.lines[:MAX_LISTED])
        if len(self.lines) > MAX_LISTED:
            shown.append(f"... and {len(self.lines) - MAX_LISTED:,} more problems")
        self.shown = tuple(shown)
        super().__init__("\n".join(shown))
