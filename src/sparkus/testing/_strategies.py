"""Hypothesis strategies for matching instances (hypothesis is imported when they are built)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Final, TypeAlias

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from sparkus._checks import align_rows, check_number, describe, real_array, schema_error
from sparkus._errors import Problem, SchemaError, shown

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy
    from scipy.sparse import csr_array
else:
    csr_array = Any

__all__ = ["AssignmentInstance", "assignment_instances", "require_hypothesis"]

MAX_SIDE: Final = 1_000
"""The most rows or columns :func:`assignment_instances` may be asked for."""

MAX_CAPACITY: Final = 1_000_000
"""The largest provider capacity :func:`assignment_instances` may be asked for."""

DRAWN_CELLS: Final = 256
"""The most cells (or providers) whose costs and capacities hypothesis draws one by one.

Hypothesis holds a test case's choices in a small buffer: a larger instance is filled from a
drawn seed, so sizes up to :data:`MAX_SIDE` square can be generated at all.
"""

FloatArray: TypeAlias = NDArray[np.float64]


def require_hypothesis() -> Any:
    """The ``hypothesis`` module, or an ImportError that says how to install it."""
    try:
        import hypothesis
    except ImportError as exc:  # pragma: no cover - hypothesis is a test dependency
        msg = (
            "sparkus.testing needs hypothesis: install it with `pip install hypothesis` "
            "(or `pip install sparkus[test]`)"
        )
        raise ImportError(msg) from exc
    return hypothesis


@attrs.frozen(eq=False, repr=False)
class AssignmentInstance:
    """One matching problem as a matcher receives it: allowed pairs' costs and capacities.

    .. versionadded:: 0.1

    Attributes
    ----------
    cost : scipy.sparse.csr_array
        Shape (n_participants, n_providers), canonical (sorted, unique column indices),
        finite costs; a stored entry is an allowed pair.
    capacity : ndarray of int64
        One non-negative capacity per provider.

    Raises
    ------
    SchemaError
        If `cost` is not a canonical CSR array of finite floats, or `capacity` is not a 1-D
        int64 array of one non-negative capacity per column (:meth:`from_dense` builds both).

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.testing import AssignmentInstance
    >>> instance = AssignmentInstance.from_dense([[1.0, np.nan], [0.0, 2.0]], capacity=[1, 1])
    >>> instance
    AssignmentInstance.from_dense([[1.0, np.nan], [0.0, 2.0]], capacity=[1, 1])
    >>> instance.cost.nnz
    3
    """

    cost: csr_array
    capacity: NDArray[np.int64]

    def __attrs_post_init__(self) -> None:
        problems = _instance_problems(self.cost, self.capacity)
        if problems:
            raise SchemaError(problems)

    @classmethod
    def from_dense(cls, cost: ArrayLike, capacity: ArrayLike) -> AssignmentInstance:
        """Build from a dense cost array, NaN marking the pairs not allowed.

        An empty `cost` (``[]``, or rows without columns) has as many columns as `capacity`
        has entries. A capacity Series with a cost DataFrame is put in the order of its
        columns by its index, or refused when the labels differ.

        Raises
        ------
        SchemaError
            If `cost` is not a 2-D array of finite numbers or NaN, or `capacity` is not one
            non-negative integer per column of `cost`.
        """
        from scipy.sparse import csr_array

        caps = _capacity(_by_columns(cost, capacity))
        dense = real_array(cost, "cost")
        if dense.size == 0:
            dense = dense.reshape(dense.shape[0] if dense.ndim == 2 else 0, caps.shape[0])
        if dense.ndim != 2:
            raise schema_error("cost", f"expected a 2-D array, got shape {dense.shape}")
        if np.isinf(dense).any():
            msg = "holds an infinite cost; mark a pair not allowed with NaN, not inf"
            raise schema_error("cost", msg)
        if caps.shape[0] != dense.shape[1]:
            msg = f"has {caps.shape[0]} entries for {dense.shape[1]} providers (columns of `cost`)"
            raise schema_error("capacity", msg)
        rows, cols = np.nonzero(~np.isnan(dense))
        matrix = csr_array((dense[rows, cols], (rows, cols)), shape=dense.shape)
        matrix.sum_duplicates()
        return cls(matrix, caps)

    def dense(self) -> FloatArray:
        """The costs as a dense array, NaN for the pairs not allowed."""
        out = np.full(self.cost.shape, np.nan)
        coo = self.cost.tocoo()
        out[coo.coords[0], coo.coords[1]] = coo.data
        return out

    def __repr__(self) -> str:
        def number(x: float) -> str:
            return "np.nan" if math.isnan(x) else repr(float(x))

        dense = self.dense()
        rows = ", ".join("[" + ", ".join(number(x) for x in row) + "]" for row in dense.tolist())
        return f"AssignmentInstance.from_dense([{rows}], capacity={self.capacity.tolist()})"


def _instance_problems(cost: object, capacity: object) -> list[Problem]:
    """What is wrong with an instance built directly: the cost and capacity a matcher expects."""
    from scipy.sparse import issparse

    problems: list[Problem] = []
    sparse: Any = cost
    ok = bool(issparse(cost)) and getattr(sparse, "format", None) == "csr" and sparse.ndim == 2
    if not ok:
        msg = (f"expected a scipy.sparse CSR array, got {describe(cost)}; build an instance "
               "with AssignmentInstance.from_dense")  # fmt: skip
        problems.append(Problem(("cost",), msg))
    elif not sparse.has_canonical_format:
        msg = "is not canonical (sorted, unique column indices per row); call sum_duplicates()"
        problems.append(Problem(("cost",), msg))
    elif sparse.data.dtype.kind != "f" or not np.isfinite(sparse.data).all():
        problems.append(Problem(("cost",), "holds costs that are not finite floats"))
    if (
        not isinstance(capacity, np.ndarray)
        or capacity.dtype != np.int64
        or capacity.ndim != 1
        or (capacity < 0).any()
    ):
        msg = f"expected a 1-D int64 array of non-negative integers, got {describe(capacity)}"
        problems.append(Problem(("capacity",), msg))
    elif ok and capacity.shape[0] != sparse.shape[1]:
        msg = f"has {capacity.shape[0]} entries for {sparse.shape[1]} providers (columns of `cost`)"
        problems.append(Problem(("capacity",), msg))
    return problems


def _by_columns(cost: object, capacity: object) -> object:
    """A capacity Series put in the order of a cost DataFrame's columns, or refused.

    Paired by position when either is not pandas (as :func:`~sparkus._checks.align_rows`).
    """
    columns = getattr(cost, "columns", None)
    if not (type(cost).__module__.startswith("pandas") and columns is not None):
        return capacity
    import pandas as pd  # the caller passed pandas: it is imported already

    providers = pd.Series(np.zeros(len(columns)), index=columns)
    return align_rows(("cost.columns", providers), ("capacity", capacity))[1]


def _capacity(capacity: object) -> NDArray[np.int64]:
    array = real_array(capacity, "capacity").reshape(-1)
    with np.errstate(invalid="ignore"):
        bad = ~((array >= 0) & (array == np.round(array)) & (array < 2**62))
    if bad.any():
        raise schema_error("capacity", f"expected non-negative integers, got {array[bad][:5]}")
    return array.astype(np.int64)


def _strategy_iv(sizes: dict[str, object], integer_costs: object) -> dict[str, int]:
    """The sizes as Python ints (numpy integers included: hypothesis takes ints only)."""
    problems: list[Problem] = []
    for name, value in sizes.items():
        limit = MAX_CAPACITY if name == "max_capacity" else MAX_SIDE
        check_number(value, name, low=0, high=limit, integer=True, problems=problems)
    if integer_costs is not None and not isinstance(integer_costs, bool):
        msg = f"expected True, False or None, got {shown(integer_costs)}"
        problems.append(Problem(("integer_costs",), msg))
    if problems:
        raise SchemaError(problems)
    ints = {name: int(value) for name, value in sizes.items()}  # type: ignore[call-overload]
    for smallest, largest in (
        ("min_participants", "max_participants"),
        ("min_providers", "max_providers"),
    ):
        if ints[smallest] > ints[largest]:
            msg = f"is {ints[smallest]}, above `{largest}` ({ints[largest]})"
            problems.append(Problem((smallest,), msg))
    if problems:
        raise SchemaError(problems)
    return ints


def assignment_instances(
    *,
    max_participants: int = 6,
    max_providers: int = 4,
    max_capacity: int = 3,
    min_participants: int = 0,
    min_providers: int = 0,
    integer_costs: bool | None = None,
) -> SearchStrategy[AssignmentInstance]:
    """A hypothesis strategy of small matching instances, edge cases included.

    Instances have up to `max_participants` rows and `max_providers` columns (zero included),
    a random subset of allowed pairs (sometimes none, sometimes all), costs that are small
    integers or floats (stored zeros included), and capacities from 0 to `max_capacity`.
    An instance of more than 256 cells (or providers) is filled from a drawn seed, since
    hypothesis cannot draw that many values one by one: its size shrinks, its costs do not.

    .. versionadded:: 0.1

    Parameters
    ----------
    max_participants, max_providers : int
        The largest numbers of rows and columns, at most 1,000 each.
    max_capacity : int
        The largest capacity of a provider, at most 1,000,000.
    min_participants, min_providers : int
        The smallest numbers of rows and columns, not above the largest.
    integer_costs : bool, optional
        Integer costs only (True), floats only (False), or both (None, the default).

    Raises
    ------
    SchemaError
        If a size is not an integer in its range (numpy integers are read as ints), a
        smallest size is above its largest, or `integer_costs` is not a bool or None.

    Returns
    -------
    hypothesis.strategies.SearchStrategy of AssignmentInstance

    Examples
    --------
    >>> from hypothesis import given
    >>> from sparkus.testing import assignment_instances
    >>> @given(assignment_instances(max_participants=3))
    ... def test_shape(instance):
    ...     assert instance.cost.shape[0] <= 3
    >>> test_shape()
    """
    sizes = _strategy_iv(
        {"max_participants": max_participants, "max_providers": max_providers,
         "max_capacity": max_capacity, "min_participants": min_participants,
         "min_providers": min_providers},
        integer_costs,
    )  # fmt: skip
    require_hypothesis()
    from hypothesis import strategies as st

    integers = st.integers(0, 9).map(float)
    floats = st.floats(0, 10, allow_nan=False, allow_infinity=False, width=32).map(float)
    values = {True: integers, False: floats, None: st.one_of(integers, floats)}[integer_costs]

    @st.composite
    def build(draw: st.DrawFn) -> AssignmentInstance:
        n = draw(st.integers(sizes["min_participants"], sizes["max_participants"]))
        m = draw(st.integers(sizes["min_providers"], sizes["max_providers"]))
        density = draw(st.sampled_from([0.0, 0.5, 1.0, None]))
        if n * m > DRAWN_CELLS or m > DRAWN_CELLS:  # past what hypothesis draws cell by cell
            seed = draw(st.integers(0, 2**32 - 1))
            return _filled(seed, (n, m), density, integer_costs, sizes["max_capacity"])
        if density is None:
            allowed = draw(st.lists(st.booleans(), min_size=n * m, max_size=n * m))
        else:
            allowed = [density == 1.0 or (density > 0 and (k % 2 == 0)) for k in range(n * m)]
        costs = draw(st.lists(values, min_size=n * m, max_size=n * m))
        capacity = draw(st.lists(st.integers(0, sizes["max_capacity"]), min_size=m, max_size=m))
        dense = np.array(costs, dtype=np.float64).reshape(n, m)
        dense[~np.array(allowed, dtype=bool).reshape(n, m)] = np.nan
        return AssignmentInstance.from_dense(dense, np.array(capacity, dtype=np.int64))

    strategy: SearchStrategy[AssignmentInstance] = build()
    return strategy


def _filled(
    seed: int,
    shape: tuple[int, int],
    density: float | None,
    integer_costs: bool | None,
    max_capacity: int,
) -> AssignmentInstance:
    """A large instance filled from `seed`, with the costs and capacities of a small one."""
    rng = np.random.default_rng(seed)
    n, m = shape
    if density is None:
        allowed = rng.random(shape) < 0.5
    else:
        allowed = np.full(shape, density == 1.0) | (
            (density > 0) & (np.arange(n * m).reshape(shape) % 2 == 0)
        )
    integers = rng.integers(0, 10, size=shape).astype(np.float64)
    floats = (10.0 * rng.random(shape)).astype(np.float32).astype(np.float64)
    if integer_costs is None:
        dense = np.where(rng.random(shape) < 0.5, integers, floats)
    else:
        dense = integers if integer_costs else floats
    dense[~allowed] = np.nan
    capacity = rng.integers(0, max_capacity + 1, size=m, dtype=np.int64)
    return AssignmentInstance.from_dense(dense, capacity)
