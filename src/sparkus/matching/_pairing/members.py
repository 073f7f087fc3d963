"""Which participants a matcher works on, and how large its groups may be.

One check serves every function that takes ``members`` (candidate matrices, peer circles, team
cohorts): everyone, a boolean mask, row indices or ids, so they accept the same forms and word
their errors the same way; a pandas boolean mask is read by its index, the participants' ids.
Another serves the two that form groups of a size range (peer circles and team cohorts):
``size``, a pair of smallest and largest.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Final, TypeAlias, cast

import numpy as np
from numpy.typing import NDArray

from sparkus._checks import align_rows, as_array, describe
from sparkus._errors import Problem, SchemaError, shown
from sparkus._ids import near_ids
from sparkus.model import Population

__all__ = ["Members", "members_iv", "size_range_iv"]

Members: TypeAlias = Sequence[int] | Sequence[str] | NDArray[Any] | None
"""The people to work on: None for everyone, a boolean mask, row indices or ids."""

IndexArray: TypeAlias = NDArray[np.intp]

_MAX_LISTED: Final = 8
"""Offending entries named one by one, before a count of the rest."""


def members_iv(participants: Population, members: object, problems: list[Problem]) -> IndexArray:
    """The members' rows: all rows, a boolean mask, row indices or ids (no duplicates)."""
    n = len(participants)
    if members is None:
        return np.arange(n, dtype=np.intp)
    if callable(getattr(members, "to_numpy", None)) and not isinstance(members, np.ndarray):
        try:
            members = as_array(_mask_by_ids(members, participants), "members")  # its values
        except SchemaError as err:
            problems.extend(Problem(("members",), p.message) for p in err.problems)
            return np.arange(0, dtype=np.intp)
    if isinstance(members, str | bytes) or not isinstance(members, Sequence | np.ndarray):
        msg = (
            f"expected None (everyone), a boolean mask, row indices or ids, got {describe(members)}"
        )
        problems.append(Problem(("members",), msg))
        return np.arange(0, dtype=np.intp)
    given = np.asarray(members, dtype=object) if not isinstance(members, np.ndarray) else members
    if given.ndim != 1:
        msg = f"expected a 1-D sequence, got shape {given.shape}"
        problems.append(Problem(("members",), msg))
        return np.arange(0, dtype=np.intp)
    values = given.tolist()
    if missing := [k for k, v in enumerate(values) if _is_missing(v)]:
        listed = ", ".join(str(k) for k in missing[:_MAX_LISTED])
        more = f" and {len(missing) - _MAX_LISTED} more" if len(missing) > _MAX_LISTED else ""
        msg = (
            f"has missing entries (None, NaN or NA) at positions {listed}{more}; drop or fill them"
        )
        problems.append(Problem(("members",), msg))
        return np.arange(0, dtype=np.intp)
    if values and all(isinstance(v, bool | np.bool_) for v in values):
        if len(values) != n:
            msg = f"a boolean mask needs one entry per participant ({n}), got {len(values)}"
            problems.append(Problem(("members",), msg))
            return np.arange(0, dtype=np.intp)
        return np.flatnonzero(np.asarray(values, dtype=bool)).astype(np.intp)
    if all(isinstance(v, int | np.integer) and not isinstance(v, bool | np.bool_) for v in values):
        values = [int(v) for v in values]  # numpy integers (rows from np.flatnonzero) as ints
        bad = [k for k, v in enumerate(values) if not 0 <= v < n]
        for k in bad[:_MAX_LISTED]:
            msg = f"row {shown(values[k])} is out of range; rows run from 0 to {n - 1}"
            problems.append(Problem(("members", k), msg))
        if bad:  # checked before the conversion: 10**30 would overflow it
            return np.arange(0, dtype=np.intp)
        rows = np.asarray(values, dtype=np.intp)
    elif all(isinstance(v, str) for v in values):
        index = {identifier: k for k, identifier in enumerate(participants.ids.tolist())}
        unknown = [k for k, v in enumerate(values) if v not in index]
        hints = near_ids(participants.ids, [values[k] for k in unknown[:_MAX_LISTED]])
        for k, hint in zip(unknown, hints, strict=False):
            msg = f"{values[k]!r} is not a participant id{hint}"
            problems.append(Problem(("members", k), msg))
        if len(unknown) > _MAX_LISTED:
            more = f"... and {len(unknown) - _MAX_LISTED} more unknown ids"
            problems.append(Problem(("members",), more))
        if unknown:
            return np.arange(0, dtype=np.intp)
        rows = np.fromiter((index[v] for v in values), dtype=np.intp, count=len(values))
    else:
        kinds = sorted({type(v).__name__ for v in values})
        got = f"a mix of {', '.join(kinds)}" if len(kinds) > 1 else f"values of type {kinds[0]}"
        msg = f"expected all row indices (int), all ids (str) or a boolean mask, got {got}"
        problems.append(Problem(("members",), msg))
        return np.arange(0, dtype=np.intp)
    unique, first, counts = np.unique(rows, return_index=True, return_counts=True)
    twice = np.sort(first[counts > 1])
    if twice.size:
        listed = ", ".join(shown(values[int(k)]) for k in twice[:_MAX_LISTED])
        msg = f"lists {listed} more than once; give each member once"
        problems.append(Problem(("members",), msg))
    del unique
    return rows


def _is_missing(value: object) -> bool:
    """Whether an entry is a missing value: None, a float NaN or pandas' NA (or NaT)."""
    if value is None or (isinstance(value, float | np.floating) and math.isnan(value)):
        return True
    return type(value).__name__ in ("NAType", "NaTType")


def _mask_by_ids(members: object, participants: Population) -> object:
    """A pandas boolean Series put in the participants' order by its index, or refused.

    Its index must hold the participants' ids (in any order): a mask is never paired with the
    rows by position when its labels say otherwise. A mask is told by its values, so one of
    dtype ``object`` or ``category`` holding only booleans is a mask too. Other Series (of ids
    or rows) stand as given.
    """
    if not type(members).__module__.startswith("pandas") or not _is_bool_series(members):
        return members
    import pandas as pd  # the caller passed pandas: it is imported already

    ids = pd.Series(np.zeros(len(participants)), index=pd.Index(participants.ids, name="id"))
    return align_rows(("participants.ids", ids), ("members", members))[1]


def _is_bool_series(members: Any) -> bool:
    """Whether a pandas object holds booleans: by its dtype, or by every one of its values."""
    if str(getattr(members, "dtype", "")) in ("bool", "boolean"):
        return True
    values = members.tolist()
    return bool(values) and all(isinstance(v, bool | np.bool_) for v in values)


def size_range_iv(size: object, problems: list[Problem], what: str = "circle") -> tuple[int, int]:
    """``(lowest, highest)``: two integers with ``2 <= lowest <= highest``."""
    ok = (
        isinstance(size, tuple | list)
        and len(size) == 2
        and all(isinstance(v, int | np.integer) and not isinstance(v, bool) for v in size)
    )
    if ok:
        low, high = (int(v) for v in cast("tuple[int, int]", size))
        if 2 <= low <= high:
            return low, high
    msg = (
        f"expected (smallest, largest) {what} sizes, two integers with 2 <= smallest <= "
        f"largest, got {describe(size)}"
    )
    problems.append(Problem(("size",), msg))
    return 2, 2
