"""sparkus-greedy: an example sparkus matcher plugin (regret-based greedy assignment).

A matcher is any object with a ``name`` and a ``match(cost, capacity, *, rng)`` method (the
:class:`sparkus.matching.Matcher` protocol); this package declares one under the entry-point
group ``sparkus.matchers`` in its ``pyproject.toml``, so that
``sparkus.matching.get_matcher("regret-greedy")`` finds it once the package is installed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from scipy.sparse import csr_array
else:
    csr_array = Any

__all__ = ["RegretGreedy"]
__version__ = "0.1.0"


class RegretGreedy:
    """Regret-based greedy assignment: the participant with most to lose is placed first.

    At each step, every unplaced participant's *regret* is the cost of its second-best
    provider with room minus that of its best (infinite when it has only one left). The
    participant of largest regret takes its best provider; ties go to the lowest row, then
    the lowest column. The rule is deterministic (the ``rng`` argument is not used). It is a
    heuristic: usually much closer to the optimum than the cheapest-pair-first greedy, never
    better than sparkus' ``"exact"`` matcher.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy.sparse import csr_array
    >>> from sparkus_greedy import RegretGreedy
    >>> cost = csr_array(np.array([[1.0, 2.0], [1.0, 9.0]]))
    >>> RegretGreedy().match(cost, np.array([1, 1]), rng=np.random.default_rng(0))
    array([1, 0])
    """

    name = "regret-greedy"

    def match(
        self, cost: csr_array, capacity: NDArray[np.int64], *, rng: np.random.Generator
    ) -> NDArray[np.intp]:
        """The provider column of each participant, -1 for none."""
        del rng  # deterministic
        n = int(cost.shape[0])
        indptr = np.asarray(cost.indptr, dtype=np.intp)
        rows = np.repeat(np.arange(n, dtype=np.intp), np.diff(indptr))
        cols = np.asarray(cost.indices, dtype=np.intp)
        data = np.asarray(cost.data, dtype=np.float64)
        order = np.lexsort((cols, data, rows))  # by row, then cost, then column
        rows, cols, data = rows[order], cols[order], data[order]

        provider = np.full(n, -1, dtype=np.intp)
        room = np.array(capacity, dtype=np.int64)  # a copy: never change the caller's input
        free = np.ones(n, dtype=bool)
        while True:
            alive = free[rows] & (room[cols] > 0)
            if not alive.any():
                return provider
            live_rows, live_cols, live_data = rows[alive], cols[alive], data[alive]
            # the first two live arcs of each row are its best and second-best providers
            first = np.ones(live_rows.shape[0], dtype=bool)
            first[1:] = live_rows[1:] != live_rows[:-1]
            starts = np.flatnonzero(first)
            best = live_data[starts]
            has_second = np.zeros(starts.shape[0], dtype=bool)
            nxt = starts + 1
            inside = nxt < live_rows.shape[0]
            has_second[inside] = live_rows[nxt[inside]] == live_rows[starts[inside]]
            regret = np.full(starts.shape[0], np.inf)
            regret[has_second] = live_data[nxt[has_second]] - best[has_second]
            pick = starts[int(np.argmax(regret))]  # the first of the largest: lowest row
            i, j = int(live_rows[pick]), int(live_cols[pick])
            provider[i] = j
            free[i] = False
            room[j] -= 1
