"""Hypothesis strategies for matching instances (hypothesis is imported when they are built)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, TypeAlias

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy
    from scipy.sparse import csr_array
else:
    csr_array = Any

__all__ = ["AssignmentInstance", "assignment_instances", "require_hypothesis"]

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

    @classmethod
    def from_dense(cls, cost: ArrayLike, capacity: ArrayLike) -> AssignmentInstance:
        """Build from a dense cost array, NaN marking the pairs not allowed."""
        from scipy.sparse import csr_array

        dense = np.asarray(cost, dtype=np.float64)
        if dense.ndim != 2:
            dense = dense.reshape(0, np.asarray(capacity).shape[0])
        rows, cols = np.nonzero(~np.isnan(dense))
        matrix = csr_array((dense[rows, cols], (rows, cols)), shape=dense.shape)
        matrix.sum_duplicates()
        return cls(matrix, np.asarray(capacity, dtype=np.int64).reshape(-1))

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

    .. versionadded:: 0.1

    Parameters
    ----------
    max_participants, max_providers : int
        The largest numbers of rows and columns.
    max_capacity : int
        The largest capacity of a provider.
    min_participants, min_providers : int
        The smallest numbers of rows and columns.
    integer_costs : bool, optional
        Integer costs only (True), floats only (False), or both (None, the default).

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
    require_hypothesis()
    from hypothesis import strategies as st

    integers = st.integers(0, 9).map(float)
    floats = st.floats(0, 10, allow_nan=False, allow_infinity=False, width=32).map(float)
    values = {True: integers, False: floats, None: st.one_of(integers, floats)}[integer_costs]

    @st.composite
    def build(draw: st.DrawFn) -> AssignmentInstance:
        n = draw(st.integers(min_participants, max_participants))
        m = draw(st.integers(min_providers, max_providers))
        density = draw(st.sampled_from([0.0, 0.5, 1.0, None]))
        if density is None:
            allowed = draw(st.lists(st.booleans(), min_size=n * m, max_size=n * m))
        else:
            allowed = [density == 1.0 or (density > 0 and (k % 2 == 0)) for k in range(n * m)]
        costs = draw(st.lists(values, min_size=n * m, max_size=n * m))
        capacity = draw(st.lists(st.integers(0, max_capacity), min_size=m, max_size=m))
        dense = np.array(costs, dtype=np.float64).reshape(n, m)
        dense[~np.array(allowed, dtype=bool).reshape(n, m)] = np.nan
        return AssignmentInstance.from_dense(dense, np.array(capacity, dtype=np.int64))

    strategy: SearchStrategy[AssignmentInstance] = build()
    return strategy
