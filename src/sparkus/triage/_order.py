"""How the ordinal model reads the order of its levels from the labels, never guessing it.

Numbers keep their numeric order, an Enum its declaration order, an ordered pandas categorical
its categories, and text that names readiness levels the order of
:class:`~sparkus.triage.ReadinessLevel`. Other text has no order of its own: sorting it would
put ``"emerging"`` before ``"resistant"``, so :func:`encode_ordered` asks for an explicit
``order`` instead.
"""

from __future__ import annotations

import enum
from collections.abc import Hashable, Mapping, Sequence
from typing import Any, cast

import numpy as np
from numpy.typing import NDArray

from sparkus._checks import describe, mixed_labels
from sparkus._checks_fit import check_labels
from sparkus._errors import EstimationError, Problem, SchemaError, shown
from sparkus._labels import spelling_problem
from sparkus.triage._labels import fit_labels, listed, row_problems, scalar, show, unique_labels
from sparkus.triage._levels import ReadinessLevel, readiness_level

__all__ = ["check_order", "encode_ordered"]

IntArray = NDArray[np.intp]

_LISTED = 5
"""How many empty categories an error names before it only counts the rest."""


def _categorical_parts(y: object) -> tuple[NDArray[Any], IntArray] | None:
    """Categories and codes of an *ordered* pandas Categorical or categorical Series.

    Read by duck typing. An unordered categorical's categories are merely sorted, so it gives
    None: its values are then read like any other labels.
    """
    if not type(y).__module__.startswith("pandas"):
        return None
    source = getattr(y, "cat", y)
    categories = getattr(source, "categories", None)
    codes = getattr(source, "codes", None)
    if categories is None or codes is None or getattr(source, "ordered", False) is not True:
        return None
    return np.asarray(categories), np.asarray(codes, dtype=np.intp)


def _enum_class(labels: NDArray[Any]) -> type[enum.Enum] | None:
    """The Enum class every label belongs to, if they all belong to one."""
    if labels.dtype.kind != "O" or labels.shape[0] == 0:
        return None
    first = labels[0]
    if not isinstance(first, enum.Enum):
        return None
    cls = type(first)
    if all(isinstance(v, cls) for v in labels):
        return cls
    return None


def _empty_levels_error(
    levels: list[Any], total: int | None = None, hint: str = ""
) -> EstimationError:
    """The error naming the first empty levels (of `total`, by default all of `levels`)."""
    count = len(levels) if total is None else total
    shown = ", ".join(
        repr(scalar(v.value if isinstance(v, enum.Enum) else v)) for v in levels[:_LISTED]
    )
    more = f" and {count - min(count, _LISTED)} more" if count > _LISTED else ""
    plural = count > 1
    msg = (
        f"no row has the level{'s' if plural else ''} {shown}{more}, "
        f"{'categories' if plural else 'a category'} inside the observed range of `y`, so "
        f"{'their thresholds' if plural else 'its threshold'} cannot be estimated. Merge "
        f"{'them' if plural else 'it'} with a neighbouring level or collect rows of "
        f"{'them' if plural else 'it'}{hint}"
    )
    return EstimationError(msg)


def _span(codes: IntArray, levels: Sequence[Any]) -> tuple[NDArray[Any], IntArray]:
    """The levels from the lowest to the highest observed code, and the codes shifted to 0.

    A level inside that range with no rows is an EstimationError naming it.
    """
    lo, hi = int(codes.min()), int(codes.max())
    counts = np.bincount(codes - lo, minlength=hi - lo + 1)
    span = _as_labels(levels[lo : hi + 1])
    if (counts == 0).any():
        raise _empty_levels_error(list(span[counts == 0]))
    return span, codes - lo


def _as_labels(values: Sequence[Any]) -> NDArray[Any]:
    """Labels as an array: numpy's own dtype for plain strings or numbers, else objects."""
    items = list(values)
    if items and all(type(v) is str for v in items):
        return np.array(items, dtype=str)
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


def check_order(order: object) -> tuple[Hashable, ...] | list[Problem]:
    """The explicit order of the levels (lowest first): distinct, hashable, at least two.

    No two levels may differ only in case, white space or Unicode form: one level twice. A
    pandas Index (a categorical's ``categories``) or a pandas or polars Series gives its values.
    """
    order = listed(order)
    if isinstance(order, str | bytes | Mapping) or not isinstance(order, Sequence | np.ndarray):
        msg = f"expected None or a sequence of the levels, lowest first, got {describe(order)}"
        return [Problem(("order",), msg)]
    try:
        levels = tuple(scalar(v) for v in order)
        seen = dict.fromkeys(levels)
    except TypeError:
        return [Problem(("order",), "holds a level that cannot be hashed; pass scalar labels")]
    if len(levels) < 2:
        return [Problem(("order",), f"expected at least two levels, got {len(levels)}")]
    if len(seen) != len(levels):
        dupes = [v for v in seen if levels.count(v) > 1]
        return [Problem(("order",), f"lists {show(dupes)} more than once; give each level once")]
    if (wrong := spelling_problem(levels)) is not None:  # "low" and "Low": one level twice
        return [Problem(("order",), wrong)]
    cells = np.empty(len(levels), dtype=object)
    for k, level in enumerate(levels):  # one cell per level, even a tuple
        cells[k] = level
    if (mixed := mixed_labels(cells)) is not None:  # 1 and "1": two levels that print alike
        return [Problem(("order",), mixed)]
    return levels


def _encode_by_order(labels: NDArray[Any], order: tuple[Hashable, ...]) -> IntArray:
    """Each label's position in `order`; a label not in it is a SchemaError naming its rows."""
    index = {v: k for k, v in enumerate(order)}
    values = [scalar(v) for v in labels.tolist()]
    codes = np.fromiter((index.get(v, -1) for v in values), dtype=np.intp, count=len(values))
    bad = np.flatnonzero(codes < 0)
    if bad.size:
        problems = row_problems("y", bad, lambda r: f"{shown(values[r])} is not one of `order`")
        problems.append(Problem(("order",), f"lists {show(list(order))}; add the missing levels"))
        raise SchemaError(problems)
    return codes


def _encode_readiness(labels: NDArray[Any], distinct: list[Any]) -> tuple[NDArray[Any], IntArray]:
    """Labels that all name readiness levels, ordered by the levels' ranks."""
    level_of = {v: readiness_level(v) for v in distinct}
    by_level: dict[ReadinessLevel, list[Any]] = {}
    for v, level in level_of.items():
        by_level.setdefault(cast(ReadinessLevel, level), []).append(v)
    clash = {lv: vs for lv, vs in by_level.items() if len(vs) > 1}
    if clash:
        level, spellings = next(iter(clash.items()))
        msg = (
            f"spells the level {shown(level.value)} in several ways ({show(spellings)}); they would "
            "be separate classes of one level: use one spelling"
        )
        raise SchemaError([Problem(("y",), msg)])
    ranks = np.fromiter(
        (cast(ReadinessLevel, level_of[v]).rank for v in labels.tolist()),
        dtype=np.intp,
        count=labels.shape[0],
    )
    levels: list[Any] = [
        by_level[level][0] if level in by_level else level.value for level in ReadinessLevel
    ]
    return _span(ranks, levels)


def encode_ordered(
    y: object, n_rows: int, order: tuple[Hashable, ...] | None
) -> tuple[NDArray[Any], IntArray]:
    """The ordered classes (from the lowest to the highest observed) and each row's code.

    The order comes from, in turn: `order` when given; an ordered pandas categorical's
    categories; an Enum's declaration order; :class:`ReadinessLevel` for labels that all name
    readiness levels (in the accepted spellings); the integers between the smallest and the
    largest label; the sorted distinct labels for other numbers. Other text has no order of
    its own and is a SchemaError asking for `order`. A level inside the observed range with no
    rows is an EstimationError.
    """
    parts = _categorical_parts(y)
    if parts is not None and order is None:
        categories, codes = parts
        codes = check_labels(codes, n_rows).astype(np.intp)
        if (codes < 0).any():
            (rows,) = np.nonzero(codes < 0)
            listed = ", ".join(str(r) for r in rows[:_LISTED])
            msg = f"missing label in rows {listed}{' ...' if len(rows) > _LISTED else ''}"
            raise SchemaError([Problem(("y", int(rows[0])), msg)])
        return _span(codes, list(categories))
    labels = fit_labels(np.asarray(y) if parts is not None else y, n_rows)
    if order is not None:
        return _span(_encode_by_order(labels, order), list(order))
    enum_cls = _enum_class(labels)
    if enum_cls is not None:
        members = list(enum_cls)
        rank = {m: i for i, m in enumerate(members)}
        codes = np.fromiter((rank[v] for v in labels), dtype=np.intp, count=labels.shape[0])
        return _span(codes, members)
    distinct = unique_labels(labels, "y")
    if all(isinstance(v, str | np.str_) for v in distinct):
        if all(readiness_level(v) is not None for v in distinct):
            return _encode_readiness(labels, distinct)
        msg = (
            f"holds text labels ({show(sorted(str(v) for v in distinct))}) that have no order "
            "of their own, and sparkus does not guess one (alphabetical order is rarely the "
            "order of levels): pass OrdinalReadinessModel(order=[lowest, ..., highest]), an "
            "ordered pandas Categorical, Enum members, ReadinessLevel values or integer levels"
        )
        raise SchemaError([Problem(("y",), msg)])
    if not all(_is_number(v) for v in distinct):
        kinds = sorted({type(v).__name__ for v in distinct})
        msg = (
            f"holds labels of several kinds ({', '.join(kinds)}); pass numbers, text with "
            "`order`, or members of one Enum"
        )
        raise SchemaError([Problem(("y",), msg)])
    if beyond := [v for v in distinct if isinstance(v, int) and not -(2**63) <= v < 2**63]:
        msg = f"holds {shown(beyond[0])}, beyond the 64-bit integers; number the levels 0, 1, ..."
        raise SchemaError([Problem(("y",), msg)])
    classes, codes = np.unique(labels, return_inverse=True)
    codes = codes.reshape(-1).astype(np.intp)
    if labels.dtype.kind in "iu" or (
        labels.dtype.kind == "O" and all(isinstance(v, int | np.integer) for v in distinct)
    ):
        steps = np.diff(classes.astype(np.int64))
        if (steps > 1).any():
            gaps = np.nonzero(steps > 1)[0]
            missing: list[Any] = []
            for g in gaps[:_LISTED]:
                start, stop = int(classes[g]) + 1, int(classes[g + 1])
                missing.extend(range(start, min(stop, start + _LISTED)))
            total = int((steps[gaps] - 1).sum())
            hint = (
                " (integer labels are read as a scale from the smallest to the largest; if the "
                "numbers only name the levels, pass consecutive codes 0 .. K-1)"
            )
            raise _empty_levels_error(missing[:_LISTED], total, hint)
    return classes, codes


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | np.integer | np.floating | bool | np.bool_)
