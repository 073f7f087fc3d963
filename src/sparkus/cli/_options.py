"""Option values of the command line, checked as they are parsed (a bad one exits with 2).

Every number an option takes has a documented range and is read by the one rule for numbers
written as text, and every path is not empty, so a mistyped ``--n 10**12`` or ``--budget 1_000``
is refused at once instead of running out of memory an hour later or meaning another number.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from typing import Final

from sparkus._labels import number

__all__ = ["MAX_DEMO_HEADCOUNT", "MAX_HEADCOUNT", "MAX_SEED", "path", "real", "whole"]

MAX_HEADCOUNT: Final = 1_000_000
"""The largest ``sparkus synthetic --n``: about 7 s and 1 GB of memory."""

MAX_DEMO_HEADCOUNT: Final = 20_000
"""The largest ``sparkus demo --n``: the whole pipeline, a few seconds at this size (its
matching step slows down sharply beyond about 40,000 people)."""

MAX_SEED: Final = 2**63 - 1
"""The largest seed."""

_DIGITS: Final = "written with the digits 0-9 (no '_')"


def whole(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from `low` to `high`, written as :func:`real` says."""
    wanted = f"a whole number from {low:,} to {high:,}"

    def parse(text: str) -> int:
        try:  # int() of what the number rule accepts: exact, for seeds beyond 2**53 too
            value = int(text) if number(text) is not None else None
        except ValueError:  # a number, but not a whole one ("2.5", "1e3")
            value = None
        if value is None:
            raise argparse.ArgumentTypeError(f"expected {wanted} {_DIGITS}, got {text!r}")
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"expected {wanted}, got {value:,}")
        return value

    return parse


def real(
    low: float, high: float, *, low_open: bool = False, high_open: bool = False
) -> Callable[[str], float]:
    """An argparse type: a finite number in the range from `low` to `high`.

    The text is read by :func:`sparkus._labels.number`, the rule for numbers written as text
    everywhere in sparkus: ASCII digits, as a spreadsheet writes them (``1000``, ``1e3``), not
    ``1_000`` or fullwidth digits, which Python's :func:`float` would also take.
    """
    left, right = "(" if low_open else "[", ")" if high_open else "]"
    wanted = f"a number in {left}{low:g}, {high:g}{right}"

    def parse(text: str) -> float:
        value = number(text)
        if value is None:
            raise argparse.ArgumentTypeError(f"expected {wanted} {_DIGITS}, got {text!r}")
        inside = (low < value if low_open else low <= value) and (
            value < high if high_open else value <= high
        )
        if not (math.isfinite(value) and inside):
            raise argparse.ArgumentTypeError(f"expected {wanted}, got {text.strip()}")
        return value

    return parse


def path(text: str) -> str:
    """An argparse type: a file or folder path, not empty.

    An empty value (``--out "$OUT"`` with ``OUT`` unset) would otherwise be the current folder,
    or, for ``--providers``, no file at all.
    """
    if not text.strip():
        raise argparse.ArgumentTypeError(f"expected a path, got {text!r}")
    return text
