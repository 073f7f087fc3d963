"""The allowed pairs of an assignment as CSR arcs, read from a cost matrix.

:func:`~sparkus.matching.solve_assignment` and :func:`~sparkus.matching.assign` take the same
inputs: a dense or sparse cost matrix (NaN or ``+inf`` for a pair not allowed), one capacity per
provider, and forbidden pairs. This module reads them into :class:`Arcs`, the participants'
allowed providers and costs in CSR form, collecting every problem for the caller's
:class:`~sparkus.SchemaError`; and holds :func:`ranges`, the index helper the solvers share.
"""

from __future__ import annotations

from typing import Any, Final, cast

import attrs
import numpy as np
from numpy.typing import NDArray

from sparkus._checks import FloatArray, is_missing
from sparkus._errors import Problem, shown

__all__ = [
    "MAX_CAPACITY",
    "Arcs",
    "by_position_refused",
    "capacity_iv",
    "cost_arcs",
    "cost_labels",
    "csr_arcs",
    "drop_cells",
    "forbidden_cells",
    "is_mask_frame",
    "is_sparse",
    "label_mismatch",
    "listed",
    "provider_labels",
    "ranges",
    "reads_as_mask",
]

IntArray = NDArray[np.int64]
IndexArray = NDArray[np.intp]

MAX_CAPACITY: Final = 2**40
"""The largest capacity of one provider (about 1.1e12 places; sums of capacities stay exact
in 64-bit integers for millions of providers)."""

_MAX_LISTED: Final = 8
"""Offending entries named one by one in an error, before a count of the rest."""


def ranges(starts: IndexArray, lengths: IndexArray) -> IndexArray:
    """Concatenated ``arange(start, start + length)`` for each pair, in order."""
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.intp)
    shift = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
    return shift + np.arange(total, dtype=np.intp)


@attrs.frozen(eq=False)
class Arcs:
    """The allowed pairs in CSR form: row ``i`` allows ``cols[indptr[i]:indptr[i+1]]``."""

    n: int
    m: int
    indptr: IndexArray
    cols: IndexArray
    costs: FloatArray


def is_sparse(value: object) -> bool:
    from scipy.sparse import issparse

    return bool(issparse(value))


def listed(cells: IndexArray, describe: str) -> str:
    """``(r, c)`` pairs for a message: the first few, then how many in all."""
    shown = ", ".join(f"({int(r)}, {int(c)})" for r, c in cells[:_MAX_LISTED])
    more = f", ... ({len(cells)} in all)" if len(cells) > _MAX_LISTED else ""
    return f"{describe} at {shown}{more}"


def cost_arcs(cost: object, problems: list[Problem]) -> Arcs | None:
    """The finite entries of `cost` as arcs; NaN and +inf dropped, -inf refused."""
    if is_sparse(cost):
        from scipy.sparse import csr_array

        sparse: Any = cost
        if sparse.ndim != 2:
            problems.append(Problem(("cost",), f"expected a 2-D matrix, got {sparse.ndim}-D"))
            return None
        if sparse.dtype.kind not in "iuf":
            msg = f"expected real numbers, got dtype {sparse.dtype}; convert to float first"
            problems.append(Problem(("cost",), msg))
            return None
        csr = csr_array(sparse, dtype=np.float64)
        if not csr.has_canonical_format:
            csr = csr.copy()  # never change the caller's matrix
            csr.sum_duplicates()
        n, m = (int(s) for s in csr.shape)
        indptr = csr.indptr.astype(np.intp)
        cols = csr.indices.astype(np.intp)
        values = np.asarray(csr.data, dtype=np.float64)
        rows = np.repeat(np.arange(n, dtype=np.intp), np.diff(indptr))
    else:
        try:
            dense = np.asarray(cost)
            if dense.dtype.kind == "b" or dense.dtype.kind not in "iufO":
                raise TypeError(f"dtype {dense.dtype}")
            real = _real_cells(cost, dense, problems)
            if real is None:
                return None
            dense = real
        except OverflowError:  # a Python int past the floats, such as 10**400
            msg = (
                "holds a number beyond the float range (magnitudes up to 1.8e308); divide the "
                "costs by a common factor (the placement does not change)"
            )
            problems.append(Problem(("cost",), msg))
            return None
        except (TypeError, ValueError) as exc:
            msg = (
                f"could not be read as a matrix of real numbers ({exc}); pass a 2-D array "
                "(NaN or inf for pairs not allowed) or a scipy sparse matrix"
            )
            problems.append(Problem(("cost",), msg))
            return None
        if dense.ndim != 2:
            msg = f"expected a 2-D array (participants x providers), got shape {dense.shape}"
            problems.append(Problem(("cost",), msg))
            return None
        n, m = (int(s) for s in dense.shape)
        if m and np.isfinite(dense).all():  # every pair allowed: the rows as they are
            rows = np.repeat(np.arange(n, dtype=np.intp), m)
            cols = np.tile(np.arange(m, dtype=np.intp), n)
            values = dense.ravel()
            indptr = np.arange(0, n * m + 1, m, dtype=np.intp)
        else:
            rows, cols = np.nonzero(~np.isnan(dense) & (dense != np.inf))
            rows, cols = rows.astype(np.intp), cols.astype(np.intp)
            values = dense[rows, cols]
            indptr = np.zeros(n + 1, dtype=np.intp)
            np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    minus_inf = values == -np.inf
    if minus_inf.any():
        cells = np.column_stack([rows[minus_inf], cols[minus_inf]])
        msg = listed(cells, "-inf") + (
            "; a pair is either allowed, with a finite cost, or not allowed (NaN or +inf)"
        )
        problems.append(Problem(("cost",), msg))
        return None
    allowed = ~np.isnan(values) & (values != np.inf)
    if not allowed.all():
        keep_rows = rows[allowed]
        indptr = np.zeros(n + 1, dtype=np.intp)
        np.cumsum(np.bincount(keep_rows, minlength=n), out=indptr[1:])
        cols, values = cols[allowed], values[allowed]
    return Arcs(n, m, indptr, cols, values)


def _cell_kind(cell: object) -> str | None:
    """What a cost cell that is not a real number is ('text', 'a boolean', ...), else None."""
    if isinstance(cell, bool | np.bool_):
        return "a boolean"
    if isinstance(cell, str | bytes | np.str_ | np.bytes_):
        return "text"
    if isinstance(cell, complex | np.complexfloating):
        return "a complex number"
    return None


def _real_cells(cost: object, dense: NDArray[Any], problems: list[Problem]) -> FloatArray | None:
    """`dense` (read from `cost`) as float64: a missing cell (None, NaN, pandas NA) is NaN.

    A cell numpy would turn into a number silently is refused with its position: text
    (``"0.1"``, read from an export without conversion) and booleans, in an object array or
    mixed into nested lists (``[[True, 0.5]]`` reads as ``[[1.0, 0.5]]``).
    """
    if dense.dtype.kind != "O" and not isinstance(cost, list | tuple):
        return dense.astype(np.float64)
    cells = dense if dense.dtype.kind == "O" else np.asarray(cost, dtype=object)
    if cells.shape != dense.shape:  # pragma: no cover - numpy reads both alike
        return dense.astype(np.float64)
    flat = cells.ravel().tolist()
    kinds = [_cell_kind(c) for c in flat]
    bad = np.flatnonzero([k is not None for k in kinds])
    if bad.size:
        where = np.column_stack(np.unravel_index(bad, dense.shape)) if dense.ndim == 2 else None
        found = {str(kinds[int(k)]) for k in bad}
        kind = found.pop() if len(found) == 1 else "values that are not numbers"
        at = listed(where, kind) if where is not None else kind
        msg = (
            f"holds {at} (the first is {flat[int(bad[0])]!r}); costs are real numbers (NaN, "
            "None, pandas NA or +inf for a pair not allowed): convert the column to numbers first"
        )
        problems.append(Problem(("cost",), msg))
        return None
    if dense.dtype.kind != "O":
        return dense.astype(np.float64)
    out = np.array([np.nan if is_missing(c) else float(c) for c in flat], dtype=np.float64)
    return out.reshape(dense.shape)


def capacity_iv(
    capacity: object, m: int | None, problems: list[Problem], providers: object = None
) -> IntArray | None:
    """Per provider a non-negative integer (a single integer means the same for all).

    A pandas Series is put in the order of `providers` (the cost's column labels, or a
    candidate matrix's provider ids) by its index, or refused: never paired by position.
    Without labels (a numpy `cost`) its index must be the positions ``0..m-1``, as a mask's.
    """
    if _is_pandas(capacity) and (providers is not None or m is not None):
        labels = list(cast(Any, providers)) if providers is not None else list(range(cast(int, m)))
        capacity = _by_provider(capacity, labels, problems, positions=providers is None)
        if capacity is None:
            return None
    try:
        array = np.asarray(capacity)
    except (TypeError, ValueError) as exc:
        problems.append(Problem(("capacity",), f"could not be read as an array ({exc})"))
        return None
    if array.dtype.kind == "b" or array.dtype.kind not in "iuf":
        msg = f"expected non-negative integers, got dtype {array.dtype}"
        problems.append(Problem(("capacity",), msg))
        return None
    if isinstance(capacity, list | tuple):  # numpy reads [True, 2] as [1, 2]: refuse the bool
        flat = np.asarray(capacity, dtype=object).ravel().tolist()
        if at := [j for j, v in enumerate(flat) if isinstance(v, bool | np.bool_)]:
            listed = ", ".join(f"[{j}]={flat[j]!r}" for j in at[:_MAX_LISTED])
            more = f", ... ({len(at)} in all)" if len(at) > _MAX_LISTED else ""
            msg = f"expected non-negative integers, got booleans {listed}{more}"
            problems.append(Problem(("capacity",), msg))
            return None
    if array.dtype.kind == "f":  # float16 cannot hold 2**40: compare in float64
        array = array.astype(np.float64)
    if array.ndim == 0:  # the same for all (checked once when `cost` could not be read)
        array = np.full(m if m is not None else 1, array)
    if array.ndim != 1 or (m is not None and array.shape[0] != m):
        want = f"{m} (one per provider, i.e. per column of `cost`)" if m is not None else "1-D"
        msg = f"expected an integer or an array of length {want}, got shape {array.shape}"
        problems.append(Problem(("capacity",), msg))
        return None
    bad = ~np.isfinite(array) | (array < 0) | (array != np.round(array)) | (array > MAX_CAPACITY)
    if bad.any():
        where = np.flatnonzero(bad).tolist()
        names = list(cast(Any, providers)) if providers is not None else range(array.shape[0])
        listed = ", ".join(  # by the providers' labels: a Series' order is not the columns'
            f"[{names[j]!r}]={'missing' if np.isnan(array[j]) else shown(array[j])}"
            for j in where[:_MAX_LISTED]
        )
        more = f", ... ({len(where)} in all)" if len(where) > _MAX_LISTED else ""
        msg = f"expected non-negative integers up to 2**40, got {listed}{more}"
        problems.append(Problem(("capacity",), msg))
        return None
    return array.astype(np.int64)


def provider_labels(cost: object) -> object:
    """The column labels of a pandas cost table (its providers), else None (by position)."""
    return getattr(cost, "columns", None) if _is_pandas(cost) else None


def _is_pandas(value: object) -> bool:
    return type(value).__module__.startswith("pandas")


def cost_labels(cost: object) -> tuple[object, object] | None:
    """The row and column labels of a pandas cost table, else None (by position)."""
    if _is_pandas(cost) and hasattr(cost, "columns"):
        frame: Any = cost
        return frame.index, frame.columns
    return None


def by_position_refused(labels: tuple[object, object] | None, n: int, m: int) -> str | None:
    """Why row and column numbers cannot be read against `cost`, or None when they can.

    A pandas cost table labelled other than by its positions (``0..n-1``, ``0..m-1``) makes a
    number ambiguous: the label 2 or the third row. Numbers are then refused, never guessed.
    """
    if labels is None:
        return None
    parts = []
    for given, size, what in ((labels[0], n, "rows"), (labels[1], m, "columns")):
        values = list(cast(Any, given))
        if values != list(range(size)):
            head = ", ".join(map(repr, values[:_MAX_LISTED]))
            parts.append(f"its {what} {head}{', ...' if len(values) > _MAX_LISTED else ''}")
    if not parts:
        return None
    return (
        "pairs are read by position (row and column numbers), but `cost` is a pandas DataFrame "
        f"labelled otherwise ({' and '.join(parts)}), where a pair could mean labels or "
        "positions; pass `cost.to_numpy()` and positions"
    )


def label_mismatch(labels: list[Any], wanted: list[Any], what: str, plural: str) -> list[str]:
    """How `labels` fail to hold each of `wanted` once (empty if they do), for a message."""
    known, given = set(wanted), set(labels)
    if len(known) != len(wanted):  # the labels to read by are themselves ambiguous
        return [f"cannot be read by {what} labels that `cost` repeats"]
    lacks = [w for w in wanted if w not in given]
    extra = [label for label in labels if label not in known]
    parts = ["repeats labels"] if len(given) != len(labels) else []
    if lacks:
        parts.append(f"lacks the {plural} {', '.join(map(repr, lacks[:_MAX_LISTED]))}")
    if extra:
        parts.append(f"has labels {', '.join(map(repr, extra[:_MAX_LISTED]))} that are no {what}")
    return parts


def _by_provider(capacity: Any, providers: list[Any], problems: list[Problem], *,
                 positions: bool = False) -> object:  # fmt: skip
    """A pandas Series of capacities in the providers' order, by its index; None if it cannot."""
    index = getattr(capacity, "index", None)
    if index is None or getattr(capacity, "ndim", 1) != 1:
        return capacity  # not a Series: read (and refused, if need be) as an array
    parts = label_mismatch(list(index), providers, "provider", "providers")
    if parts:
        whose = ("the positions of `cost`'s columns (a numpy `cost` has no labels)" if positions
                 else "the providers' labels (the cost's columns)")  # fmt: skip
        msg = (f"a pandas Series is read by its index, {whose}, but it {' and '.join(parts)}; "
               "pass a numpy array to pair by position")  # fmt: skip
        problems.append(Problem(("capacity",), msg))
        return None
    return capacity.reindex(providers).to_numpy()


def is_mask_frame(value: object) -> bool:
    """Whether `value` is a pandas DataFrame of booleans (a mask, read by its labels)."""
    dtypes = getattr(value, "dtypes", None)
    return (_is_pandas(value) and getattr(value, "ndim", 0) == 2 and dtypes is not None
            and all(getattr(t, "kind", "O") == "b" for t in cast(Any, dtypes)))  # fmt: skip


def _mask_by_label(
    mask: Any, n: int, m: int, labels: tuple[object, object] | None, problems: list[Problem]
) -> object:
    """A pandas DataFrame mask put in the order of the cost's rows and columns; None if it cannot.

    Without labels (a numpy or sparse `cost`) the rows and columns are the positions ``0..n-1``
    and ``0..m-1``: a DataFrame labelled otherwise is refused, never paired by position.
    """
    if labels is None:
        rows: list[Any] = list(range(n))
        cols: list[Any] = list(range(m))
    else:
        rows, cols = list(cast(Any, labels[0])), list(cast(Any, labels[1]))
    by_rows = label_mismatch(list(mask.index), rows, "row", "rows")
    by_cols = label_mismatch(list(mask.columns), cols, "column", "columns")
    if not by_rows and not by_cols:
        aligned = mask.reindex(index=rows, columns=cols)
        missing = np.asarray(aligned.isna().to_numpy(), dtype=bool)  # nullable "boolean" NA
        if missing.any():
            msg = listed(np.argwhere(missing), "a pandas DataFrame mask is missing (NA)") + (
                " (positions in `cost`'s order); fill it with True or False first"
            )
            problems.append(Problem(("forbidden",), msg))
            return None
        return aligned.to_numpy(dtype=bool)
    parts = [f"its row index {' and '.join(by_rows)}"] if by_rows else []
    parts += [f"its column index {' and '.join(by_cols)}"] if by_cols else []
    whose = (
        "the labels of `cost`'s rows and columns"
        if labels is not None
        else "the positions of `cost`'s rows and columns (a numpy `cost` has no labels)"
    )
    msg = (
        f"a pandas DataFrame mask is read by its labels, {whose}, but {'; '.join(parts)}; "
        "pass a numpy array to pair by position"
    )
    problems.append(Problem(("forbidden",), msg))
    return None


def reads_as_mask(given: object, n: int, m: int) -> bool:
    """Whether pairs could as well be a 0/1 mask: not a list of tuples, (n, m) integers 0/1.

    Only a cost of two columns meets this (pairs have two columns); a DataFrame or an array
    of 0/1 there is most likely a mask, which had been read as pairs, silently.
    """
    if m != 2 or (isinstance(given, list | tuple) and all(isinstance(p, tuple) for p in given)):
        return False
    try:
        array = np.asarray(given)
    except (TypeError, ValueError):
        return False
    return (array.dtype.kind in "iu" and array.shape == (n, m)
            and bool(np.all((array == 0) | (array == 1))))  # fmt: skip


def forbidden_cells(
    forbidden: object,
    n: int,
    m: int,
    problems: list[Problem],
    labels: tuple[object, object] | None = None,
) -> IndexArray:
    """Linear indices ``row * m + col`` of the forbidden pairs, sorted (empty if none).

    A pandas DataFrame mask is aligned to `labels` (the cost's rows and columns) on both axes,
    or refused; with no labels, it must be labelled by position.
    """
    empty = np.zeros(0, dtype=np.intp)
    if forbidden is None:
        return empty
    if is_mask_frame(forbidden):
        forbidden = _mask_by_label(forbidden, n, m, labels, problems)
        if forbidden is None:
            return empty
    if is_sparse(forbidden):
        from scipy.sparse import coo_array

        coo = coo_array(cast(Any, forbidden))
        if coo.shape != (n, m):
            msg = f"a mask must have the shape of `cost`, {(n, m)}; got {coo.shape}"
            problems.append(Problem(("forbidden",), msg))
            return empty
        nz = coo.data != 0
        rows, cols = coo.coords[0][nz], coo.coords[1][nz]
    else:
        try:
            array = np.asarray(forbidden)
        except (TypeError, ValueError) as exc:
            msg = f"could not be read ({exc}); pass a boolean mask or (row, col) pairs"
            problems.append(Problem(("forbidden",), msg))
            return empty
        if array.dtype.kind == "b":
            if array.shape != (n, m):
                msg = f"a boolean mask must have the shape of `cost`, {(n, m)}; got {array.shape}"
                problems.append(Problem(("forbidden",), msg))
                return empty
            rows, cols = np.nonzero(array)
        else:
            if array.size == 0:
                return empty
            if refused := by_position_refused(labels, n, m):
                msg = f"{refused}, or a boolean DataFrame mask (read by labels)"
                problems.append(Problem(("forbidden",), msg))
                return empty
            if array.dtype.kind not in "iu" or array.ndim != 2 or array.shape[1] != 2:
                msg = (
                    "expected a boolean mask of the shape of `cost` or (row, col) pairs of "
                    f"integers, got an array of dtype {array.dtype} and shape {array.shape}"
                )
                problems.append(Problem(("forbidden",), msg))
                return empty
            if reads_as_mask(forbidden, n, m):
                msg = (
                    f"0/1 integers of the shape of `cost`, {(n, m)}, read as a mask and as "
                    "(row, col) pairs alike; pass a mask as booleans (`mask.astype(bool)`), or "
                    "the pairs as a list of tuples"
                )
                problems.append(Problem(("forbidden",), msg))
                return empty
            rows, cols = array[:, 0], array[:, 1]
            outside = (rows < 0) | (rows >= n) | (cols < 0) | (cols >= m)
            if outside.any():
                cells = np.unique(array[outside], axis=0)  # each pair once
                msg = listed(cells, "pairs outside the cost matrix") + f" (shape {(n, m)})"
                problems.append(Problem(("forbidden",), msg))
                return empty
    return np.unique(rows.astype(np.intp) * m + cols.astype(np.intp))


def drop_cells(arcs: Arcs, cells: IndexArray) -> Arcs:
    """`arcs` without the pairs whose ``row * m + col`` is in `cells`."""
    if not cells.size:
        return arcs
    rows = np.repeat(np.arange(arcs.n, dtype=np.intp), np.diff(arcs.indptr))
    keep = ~np.isin(rows * arcs.m + arcs.cols, cells)
    indptr = np.zeros(arcs.n + 1, dtype=np.intp)
    np.cumsum(np.bincount(rows[keep], minlength=arcs.n), out=indptr[1:])
    return Arcs(arcs.n, arcs.m, indptr, arcs.cols[keep], arcs.costs[keep])


def csr_arcs(cost: Any) -> Arcs:
    """The arcs of a canonical CSR matrix of allowed pairs, as a matcher receives it (unchecked).

    Canonical: sorted, unique column indices per row and finite costs, as
    :class:`~sparkus.matching.Matcher` promises; nothing is checked or dropped here.
    """
    n, m = (int(s) for s in cost.shape)
    indptr = np.asarray(cost.indptr).astype(np.intp)  # copies: the caller's arrays stay as they are
    cols = np.asarray(cost.indices).astype(np.intp)
    return Arcs(n, m, indptr, cols, np.asarray(cost.data, dtype=np.float64))
