"""Option values of the command line, checked as they are parsed (a bad one exits with 2).

Every number an option takes has a documented range, and every path is not empty, so a mistyped ``--n 10**12`` is refused
at once instead of running out of memory an hour later.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from typing import Final

__all__ = ["MAX_DEMO_HEADCOUNT", "MAX_HEADCOUNT", "MAX_SEED", "path", "real", "whole"]

MAX_HEADCOUNT: Final = 1_000_000
"""The largest ``sparkus synthetic --n``: about 7 s and 1 GB of memory."""

MAX_DEMO_HEADCOUNT: Final = 20_000
"""The largest ``sparkus demo --n``: the whole pipeline, a few seconds at this size (its
matching step slows down sharply beyond about 40,000 people)."""

MAX_SEED: Final = 2**63 - 1
"""The largest seed."""


def whole(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from `low` to `high` (``_`` may group digits)."""

    def parse(text: str) -> int:
        try:
            value = int(text.strip().replace("_", ""))
        except ValueError:
            msg = f"expected a whole number from {low:,} to {high:,}, got {text!r}"
            raise argparse.ArgumentTypeError(msg) from None
        if not low <= value <= high:
            msg = f"expected a whole number from {low:,} to {high:,}, got {value:,}"
            raise argparse.ArgumentTypeError(msg)
        return value

    return parse


def real(
    low: float, high: float, *, low_open: bool = False, high_open: bool = False
) -> Callable[[str], float]:
    """An argparse type: a finite number in the range from `low` to `high`."""
    left, right = "(" if low_open else "[", ")" if high_open else "]"
    wanted = f"a number in {left}{low:g}, {high:g}{right}"

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {wanted}, got {text!r}") from None
        inside = (low < value if low_open else low <= value) and (
            value < high if high_open else value <= high
        )
        if not (math.isfinite(value) and inside):
            raise argparse.ArgumentTypeError(f"expected {wanted}, got {text}")
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
