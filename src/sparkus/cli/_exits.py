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
    "shown",
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

MAX_LINE: Final = 1_000
"""The longest problem line printed: a 100,000-character cell is cut, not printed whole."""


def shown(value: str, width: int = 40) -> str:
    """`value` quoted for a message, cut to `width` characters (with its full length)."""
    if len(value) <= width:
        return repr(value)
    return f"{value[: width - 3]!r}... ({len(value):,} characters)"


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
        listed = [_cut(line) for line in self.lines[:MAX_LISTED]]
        if len(self.lines) > MAX_LISTED:
            listed.append(f"... and {len(self.lines) - MAX_LISTED:,} more problems")
        self.shown = tuple(listed)
        super().__init__("\n".join(listed))


def _cut(line: str) -> str:
    return line if len(line) <= MAX_LINE else line[: MAX_LINE - 3] + "..."
