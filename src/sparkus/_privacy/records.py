"""The verifier's records: the cells a tool publishes, and what the attacker can learn of each.

:class:`Cell` and :class:`Figure` describe a table as published (who each cell aggregates,
what was shown); :class:`CellRange` is one finding and :class:`DisclosureCheck` the verdict of
:func:`~sparkus.privacy.verify_disclosure`. The wording of the suppression reasons sparkus
writes lives here too, so every door names the same rules.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any, Final, Literal, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import as_array, as_float, describe, is_finite_real, is_real
from sparkus._errors import Problem, SchemaError, shown
from sparkus._results import Result, Table, format_number, to_jsonable

__all__ = [
    "CHANGED",
    "COMPLEMENTARY",
    "EARLIER",
    "FIGURE_KINDS",
    "MAX_BOUND",
    "MAX_RELEASE",
    "OVERLAPPING",
    "SMALL",
    "UNRELEASED",
    "Cell",
    "CellRange",
    "DisclosureCheck",
    "Figure",
    "FigureKind",
    "FindingKind",
]

SMALL: Final = "fewer than the minimum group size"
COMPLEMENTARY: Final = "complementary: protects other hidden cells"
CHANGED: Final = "changed by fewer than the minimum since the last release"
OVERLAPPING: Final = "complementary: protects a small group that other published cells isolate"
EARLIER: Final = "withheld in an earlier release"
UNRELEASED: Final = "not shown as its day's point by a release"
"""Why a day of the engagement series before `as_of` is withheld: no release showed it."""

MAX_RELEASE: Final = 2**63 - 1
"""The largest release number a :class:`Cell` may carry (a signed 64-bit integer)."""
MAX_BOUND: Final = 1e12
"""The largest magnitude of a per-person bound or a mean: sums over a billion people stay
far inside the range HiGHS solves exactly (it reads a bound beyond 1e20 as no bound)."""

FigureKind: TypeAlias = Literal["count", "sum", "mean"]
FIGURE_KINDS: Final = ("count", "sum", "mean")
FindingKind: TypeAlias = Literal["hidden", "group", "small", "changed"]

IntArray: TypeAlias = npt.NDArray[np.int64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]
FloatArray: TypeAlias = npt.NDArray[np.float64]


def _cells(value: object) -> tuple[Any, ...]:
    """A figure's cells as a tuple; a value that is not a sequence of cells is a SchemaError."""
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        msg = f"expected a sequence of Cell, got {describe(value)}"
        raise SchemaError([Problem(("cells",), msg)])
    return tuple(value)


def _members(value: object) -> npt.NDArray[Any]:
    """Row indices (whole numbers) or a boolean mask, as a read-only array; else SchemaError."""
    array = as_array(value, "members")
    if array.ndim != 1:
        raise SchemaError([Problem(("members",), f"expected a 1-D array of row indices or a "
                                                 f"boolean mask, got shape {array.shape}")])  # fmt: skip
    if array.dtype.kind == "b":
        out = array.astype(bool, copy=True)
    elif array.dtype.kind in "iu" or len(array) == 0:
        out = array.astype(np.int64, copy=True)
        if len(out) and out.min() < 0:
            msg = "row indices must be 0 or more; pass a boolean mask or non-negative indices"
            raise SchemaError([Problem(("members",), msg)])
        if len(np.unique(out)) != len(out):
            raise SchemaError([Problem(("members",), "lists a row more than once")])
    else:
        msg = (f"expected row indices (integers) or a boolean mask, got dtype {array.dtype}; "
               "0/1 numbers read as indices, so pass booleans for a mask")  # fmt: skip
        raise SchemaError([Problem(("members",), msg)])
    out.setflags(write=False)
    return out


def _value(value: object) -> float | None:
    if value is None:
        return None
    if not is_finite_real(value):
        msg = f"expected a finite number, or None for a hidden cell, got {describe(value)}"
        raise SchemaError([Problem(("value",), msg)])
    return float(value)  # type: ignore[arg-type]


@attrs.frozen(eq=False)
class Cell:
    """One cell of a published table: the people it aggregates and what was shown.

    .. versionadded:: 0.1

    Parameters
    ----------
    name : str
        The cell's name (``"department=Legal"``). Cells of one figure that share a name are
        the same cell in different releases.
    members : array-like
        The people it aggregates: row indices into the population, or a boolean mask over it.
        Whole numbers are indices; pass booleans for a mask.
    value : float or None
        The published value, in the figure's units (a count, a sum or a mean); None for a
        hidden cell.
    release : int, default 0
        Which release published it (0, 1, 2, ... in the order they were shown), at most
        ``2**63 - 1``.

    Examples
    --------
    >>> from sparkus.privacy import Cell
    >>> Cell("Legal", [0, 1, 2], None)
    Cell(name='Legal', members=3, value=None, release=0)
    """

    name: str
    members: npt.NDArray[Any] = attrs.field(converter=_members)
    value: float | None = attrs.field(converter=_value)
    release: int = 0

    def __attrs_post_init__(self) -> None:
        problems = []
        name: object = self.name
        if not isinstance(name, str) or not name:
            problems.append(Problem(("name",), f"expected a non-empty str, got "
                                               f"{describe(name)}"))  # fmt: skip
        release: object = self.release
        if (not isinstance(release, int | np.integer) or isinstance(release, bool)
                or not 0 <= int(release) <= MAX_RELEASE):  # fmt: skip
            problems.append(Problem(("release",), f"expected a whole number from 0 to "
                                                  f"{MAX_RELEASE:,} (2**63 - 1), got "
                                                  f"{describe(release)}"))  # fmt: skip
        if problems:
            raise SchemaError(problems)

    @property
    def size(self) -> int:
        """How many people the cell aggregates."""
        if self.members.dtype == bool:
            return int(self.members.sum())
        return len(self.members)

    def mask(self, n: int) -> BoolArray:
        """The members as a boolean mask over `n` people.

        Raises
        ------
        SchemaError
            If `n` is not a whole number of people the members fit: a boolean mask's length,
            or more than the largest row index.
        """
        boolean = self.members.dtype == bool
        fit = len(self.members) if boolean else int(self.members.max(initial=-1)) + 1
        given: object = n
        if (not isinstance(given, int | np.integer) or isinstance(given, bool)
                or not fit <= int(given) <= (fit if boolean else MAX_RELEASE)):  # fmt: skip
            want = (f"{fit:,}, the length of the members' mask" if boolean else
                    f"a whole number from {fit:,} (past the largest row index) to {MAX_RELEASE:,}")  # fmt: skip
            raise SchemaError([Problem(("n",), f"expected {want}, got {describe(given)}")])
        if boolean:
            return np.asarray(self.members)
        out = np.zeros(n, dtype=bool)
        out[self.members] = True
        return out

    def __repr__(self) -> str:
        return (f"Cell(name={self.name!r}, members={self.size}, value={self.value!r}, "
                f"release={self.release})")  # fmt: skip


def _bound(value: object, name: str) -> float | FloatArray:
    if is_real(value):
        return as_float(value)
    array = as_array(value, name)
    if array.ndim != 1 or array.dtype.kind not in "iuf":
        msg = f"expected a number or a 1-D array of numbers (one per person), got {describe(value)}"
        raise SchemaError([Problem((name,), msg)])
    out = array.astype(np.float64, copy=True)
    out.setflags(write=False)
    return out


def _low(value: object) -> float | FloatArray:
    return _bound(value, "low")


def _high(value: object) -> float | FloatArray:
    return _bound(value, "high")


@attrs.frozen(eq=False)
class Figure:
    """One published figure: the kind of per-person value it sums, and its cells.

    Cells of one figure share per-person values (within a release and across releases: the
    attacker's worst case, values that did not change); cells of different figures do not.

    .. versionadded:: 0.1

    Parameters
    ----------
    name : str
        The figure's name (``"active"``, ``"mean rating"``).
    cells : sequence of Cell
        Its cells, every grouping and every release together.
    kind : {"count", "sum", "mean"}, default "count"
        ``"count"``: each person adds a whole number from `low` to `high` (default 0 or 1);
        ``"sum"``: each person adds a value from `low` to `high`; ``"mean"``: as ``"sum"``,
        published as the mean over the cell's members.
    low, high : float or array-like
        Each person's smallest and largest value (one number, or one per person), as the
        attacker knows them. Within ``±1e12`` (state larger values in larger units); whole
        numbers for a count. A published value must be within the same
        range for a mean, within ``±1e12`` times the cell's people for a count or a sum.
    width : float, optional
        The protection width, in the figure's units; default ``share * min(k, n)`` people's
        range (see :func:`~sparkus.privacy.verify_disclosure`).

    Examples
    --------
    >>> from sparkus.privacy import Cell, Figure
    >>> Figure("active", [Cell("all", [0, 1, 2, 3, 4, 5], 4), Cell("Legal", [0, 1], None)])
    Figure(name='active', kind='count', cells=2)
    """

    name: str
    cells: tuple[Cell, ...] = attrs.field(converter=_cells)
    kind: FigureKind = "count"
    low: float | FloatArray = attrs.field(default=0.0, converter=_low)
    high: float | FloatArray = attrs.field(default=1.0, converter=_high)
    width: float | None = None

    def __attrs_post_init__(self) -> None:
        problems = []
        name: object = self.name
        if not isinstance(name, str) or not name:
            problems.append(Problem(("name",), f"expected a non-empty str, got "
                                               f"{describe(name)}"))  # fmt: skip
        kind: object = self.kind
        if not isinstance(kind, str) or kind not in FIGURE_KINDS:
            problems.append(Problem(("kind",), f"expected one of {', '.join(FIGURE_KINDS)}, got "
                                               f"{describe(kind)}"))  # fmt: skip
            kind = None  # the checks below compare it: an array would be ambiguous there
        seen: set[tuple[str, int]] = set()
        cells: tuple[object, ...] = self.cells
        for i, cell in enumerate(cells):
            if not isinstance(cell, Cell):
                problems.append(Problem(("cells", i), f"expected a Cell, got {describe(cell)}"))
            elif (cell.name, cell.release) in seen:
                msg = f"{shown(cell.name)} appears twice in release {cell.release}"
                problems.append(Problem(("cells", i), msg))
            else:
                seen.add((cell.name, cell.release))
        low, high = np.asarray(self.low), np.asarray(self.high)
        if not (np.all(np.isfinite(low)) and np.all(np.isfinite(high))):
            problems.append(Problem(("low",), "the bounds must be finite numbers"))
        elif low.shape and high.shape and low.shape != high.shape:
            problems.append(Problem(("high",), f"has {high.shape[0]} values, `low` has "
                                               f"{low.shape[0]}"))  # fmt: skip
        elif np.any(low > high):
            problems.append(Problem(("high",), "is below `low` for some people"))
        elif kind == "count" and (np.any(low != np.round(low)) or
                                       np.any(high != np.round(high))):  # fmt: skip
            problems.append(Problem(("low",), "a count's bounds must be whole numbers"))
        elif np.any(np.abs(low) > MAX_BOUND) or np.any(np.abs(high) > MAX_BOUND):
            problems.append(Problem(("high",), f"the bounds must be within ±{MAX_BOUND:g}; "
                                               "state the values in larger units (thousands, "
                                               "say)"))  # fmt: skip
        problems += _values_in_range(self.cells, kind)
        width: object = self.width
        if width is not None and (not is_real(width) or not 0 <= as_float(width) < math.inf):
            problems.append(Problem(("width",), f"expected a finite number of 0 or more, got "
                                                f"{describe(width)}"))  # fmt: skip
        if problems:
            raise SchemaError(problems)

    def __repr__(self) -> str:
        return f"Figure(name={self.name!r}, kind={self.kind!r}, cells={len(self.cells)})"


def _values_in_range(cells: tuple[object, ...], kind: object) -> list[Problem]:
    """Published values beyond what `MAX_BOUND` per person allows, named by cell."""
    out = []
    for i, cell in enumerate(cells):
        if not isinstance(cell, Cell) or cell.value is None:
            continue
        top = MAX_BOUND * (1 if kind == "mean" else max(cell.size, 1))
        if abs(cell.value) > top:
            msg = (f"{cell.value:g} is beyond ±{top:g} (±{MAX_BOUND:g} a person); state the "
                   "values in larger units (thousands, say)")  # fmt: skip
            out.append(Problem(("cells", i, "value"), msg))
    return out


@attrs.frozen
class CellRange:
    """One finding of the verifier: a cell or a group of people, and what the attacker knows.

    .. versionadded:: 0.1

    Attributes
    ----------
    figure, cell : str
        The figure, and the cell's name; for a group of people, the cells it lies in
        (``"only in: all, Ops, Berlin"``: the people in exactly those cells).
    release : int
        The release of the cell (the latest release involved, for a group).
    kind : {"hidden", "group", "small", "changed"}
        ``"hidden"``: a hidden cell; ``"group"``: fewer than the minimum number of people
        whom the published cells isolate; ``"small"``: a cell published about fewer than the
        minimum; ``"changed"``: a cell published again with a new value after its members
        changed by fewer than the minimum (when values changed between releases).
    low, high : float or None
        The smallest and largest value consistent with everything published, in the figure's
        units (None for ``"changed"``).
    required : float or None
        The width the range must keep.
    protected : bool
        Whether it keeps it.
    """

    figure: str
    cell: str
    release: int
    kind: FindingKind
    low: float | None
    high: float | None
    required: float | None
    protected: bool

    @property
    def width(self) -> float | None:
        """``high - low``: how far the attacker's knowledge of it spreads."""
        return None if self.low is None or self.high is None else self.high - self.low


@attrs.frozen(repr=False, eq=False)
class DisclosureCheck(Result):
    """What an attacker who knows every published cell can learn of each hidden one.

    .. versionadded:: 0.1

    Attributes
    ----------
    cells : tuple of CellRange
        Every hidden cell with its range, then every finding that is not protected: small
        groups the published cells isolate, cells published about too few people, and cells
        published again after too small a change.
    consistent : dict of str to bool
        Per figure, whether its releases agree with values that did not change (then they are
        verified together; else each release alone, plus the change rule).
    min_group_size : int
        The minimum group size `k`.
    share : float
        The share of ``min(k, n)`` people's range a hidden cell's range must keep.

    Examples
    --------
    See :func:`~sparkus.privacy.verify_disclosure`.
    """

    cells: tuple[CellRange, ...]
    consistent: dict[str, bool]
    min_group_size: int
    share: float

    @property
    def protected(self) -> bool:
        """True when every hidden cell keeps its width and nothing else is exposed."""
        return all(c.protected for c in self.cells)

    @property
    def exposed(self) -> tuple[CellRange, ...]:
        """The findings that are not protected."""
        return tuple(c for c in self.cells if not c.protected)

    def to_dict(self) -> dict[str, Any]:
        """The verdict as JSON-ready data (each finding as a dict)."""
        return {
            "cells": [to_jsonable(attrs.asdict(c)) for c in self.cells],
            "consistent": dict(self.consistent),
            "min_group_size": self.min_group_size,
            "share": self.share,
            "protected": self.protected,
        }

    def _headline(self) -> str:
        hidden = sum(c.kind == "hidden" for c in self.cells)
        return f"hidden={hidden}, exposed={len(self.exposed)}, protected={self.protected}"

    def _tables(self) -> list[Table]:
        rows = tuple(
            (c.figure, c.cell, str(c.release), c.kind, format_number(c.low),
             format_number(c.high), format_number(c.required), format_number(c.protected))
            for c in self.cells
        )  # fmt: skip
        changed = [name for name, ok in self.consistent.items() if not ok]
        note = (
            f"k = {self.min_group_size}, share = {self.share:g}"
            + (f"; releases verified one by one (values changed): {', '.join(changed)}"
               if changed else "")
        )  # fmt: skip
        headers = ("figure", "cell", "release", "kind", "low", "high", "required", "protected")
        return [Table("Disclosure check", headers, rows, note)]
