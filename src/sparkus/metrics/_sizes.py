"""The sizes a caller controls, their documented limits, and the one check at every door.

A number of resamples, of Monte Carlo draws, a batch or a count of iterations decides how much
memory and time a call takes. Each is checked here before anything is allocated: an integer
(a float such as ``1e9`` is refused, not rounded), at least its minimum and at most its limit,
or a :class:`~sparkus.SchemaError` that names the parameter and says the limit.

The limits keep every array a door allocates for them under a few hundred MiB, and are far
above what any statistical use needs (the Monte Carlo error of a 95% bound is already about
0.2% of the spread at a million draws).
"""

from __future__ import annotations

from typing import Final

from sparkus._checks import check_number, schema_error

__all__ = [
    "MAX_BATCH_ELEMENTS",
    "MAX_DRAWS",
    "MAX_DRAW_CELLS",
    "MAX_ITER",
    "MAX_JACKKNIFE_GROUPS",
    "MAX_RESAMPLES",
    "check_count",
]

MAX_RESAMPLES: Final = 10_000_000
"""The most bootstrap resamples (their distribution is 80 MB)."""
MAX_BATCH_ELEMENTS: Final = 1 << 24
"""The most resampled values a batch holds per sample, ``batch x`` its length (128 MiB)."""
MAX_JACKKNIFE_GROUPS: Final = 100_000
"""The most groups of the grouped jackknife (each costs one evaluation of the statistic)."""
MAX_DRAWS: Final = 10_000_000
"""The most Monte Carlo draws of an ROI interval."""
MAX_DRAW_CELLS: Final = 1 << 25
"""The most draws times benefits of an ROI interval (their normal draws take 256 MiB)."""
MAX_ITER: Final = 10_000
"""The most Newton steps of a propensity fit."""


def check_count(value: object, name: str, *, low: int, high: int, why: str = "") -> int:
    """`value` as an int in ``[low, high]``, or a SchemaError naming `name` and the limit.

    `why` says what the limit protects, for the message.
    """
    count = int(check_number(value, name, low=low, integer=True, what="an integer"))
    if count > high:
        reason = f" ({why})" if why else ""
        msg = f"expected at most {high:,}{reason}, got {count:,}"
        raise schema_error(name, msg)
    return count
