"""The door table: for every public name, the bad inputs it must refuse and how.

Each area of the library keeps its entries in a ``doors_<area>.py`` module of this folder, as a
list ``DOORS`` of :class:`Door` and :class:`NotADoor`. ``test_doors.py`` runs every case and
fails when a public name (or a command of the ``sparkus`` command line) has no entry, so no
new function can skip its door.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sparkus import SparkusError


@dataclass(frozen=True)
class Case:
    """One bad input: the call that makes it, the error it must raise, and what it must name.

    `names` are substrings the error's message must contain: the parameter, field or row at
    fault (``"rng"``, ``"participants[3].level"``, ``"row 17"``).
    """

    label: str
    call: Callable[[], object]
    error: type[SparkusError]
    names: tuple[str, ...]


def case(label: str, call: Callable[[], object], error: type[SparkusError], *names: str) -> Case:
    """A :class:`Case`; the names as positional arguments read better in a table."""
    if not names:
        msg = f"case {label!r}: name at least the parameter, field or row the error must name"
        raise ValueError(msg)
    return Case(label, call, error, names)


@dataclass(frozen=True)
class CommandCase:
    """One bad command line: the arguments, the files it reads, the exit status it must end
    with, and the strings its error output must contain (a file, line, column or option).

    `files` maps a relative path to its content; the command runs in a fresh folder holding
    them. The output must never contain a Python traceback.
    """

    label: str
    argv: tuple[str, ...]
    status: int
    names: tuple[str, ...]
    files: tuple[tuple[str, str | bytes], ...] = ()


def command(
    label: str,
    argv: list[str],
    status: int,
    *names: str,
    files: dict[str, str | bytes] | None = None,
) -> CommandCase:
    """A :class:`CommandCase`; the names as positional arguments read better in a table."""
    if not names:
        msg = f"command case {label!r}: name what the error output must point at"
        raise ValueError(msg)
    return CommandCase(label, tuple(argv), status, names, tuple((files or {}).items()))


@dataclass(frozen=True)
class Door:
    """The cases of one public name: ``"sparkus.metrics.ols"``, a class, a method of one
    (``"sparkus.metrics.Tracker.load"``), or a command (``"sparkus demo"``)."""

    name: str
    cases: tuple[Case | CommandCase, ...]


@dataclass(frozen=True)
class NotADoor:
    """A public name that takes no input (a constant, a type alias, a protocol), and why."""

    name: str
    reason: str


Entry = Door | NotADoor
