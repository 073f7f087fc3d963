"""The result of the exact assignment solvers: the placement, its certificate and its reasons."""

from __future__ import annotations

from typing import Final

import attrs
import numpy as np
from numpy.typing import NDArray

from sparkus._checks import FloatArray
from sparkus._frames import Framed, FrameSpec
from sparkus._results import Result, Table, format_number

__all__ = ["CANDIDATES_FULL", "CAPACITY", "NO_CANDIDATE", "AssignmentResult"]

IntArray = NDArray[np.int64]
IndexArray = NDArray[np.intp]

NO_CANDIDATE: Final = "no candidate"
"""Reason for a participant with no allowed provider at all."""

CAPACITY: Final = "capacity"
"""Reason for a participant whose allowed providers are full, and so is every other one."""
CANDIDATES_FULL: Final = "candidates full"
"""Reason for a participant whose allowed providers are full while others have places left."""


@attrs.frozen(repr=False, eq=False)
class AssignmentResult(Framed, Result):
    """The optimal placement of participants with providers, and its certificate.

    .. versionadded:: 0.1

    Attributes
    ----------
    provider : ndarray of int
        Per participant (row of `cost`), the provider (column) it is placed with, or -1.
    total_cost : float
        The sum of the costs of the placed pairs.
    n_assigned : int
        How many participants are placed: the most that the candidate lists and capacities
        allow together.
    unassigned_reason : dict of int to str
        For each participant left unplaced: ``"no candidate"`` when no provider is allowed for
        it at all, ``"candidates full"`` when its allowed providers' places went to others while
        providers it may not go to still have places (its candidate list is too short),
        ``"capacity"`` when they did and no provider has a place left (placing it would leave
        someone else out, or cost more).
    load : ndarray of int
        Per provider, how many participants it receives.
    capacity : ndarray of int
        Per provider, its capacity.
    prices : ndarray of float
        The optimality certificate: a dual price per provider (0 for a provider with room
        left, ``inf`` for one of capacity 0). Each placed participant's cost plus its
        provider's price is within `max_violation` of its cheapest cost-plus-price among its
        allowed providers.
    max_violation : float
        The largest such excess over all participants; 0 means the prices certify the
        placement exactly.
    gap_bound : float
        A proven upper bound on the exact total of the chosen costs (``total_cost`` before its
        one rounding) minus the least possible exact total for as many participants: the
        duality gap of `prices`, computed in exact arithmetic and rounded up. 0 when the costs
        sit on an integer grid (see ``solve_assignment``), at the level of floating-point
        rounding of the costs' range otherwise.

    Notes
    -----
    ``to_frame(backend="pandas")`` gives one row per participant, indexed by ``row``:
    ``provider`` (its column, None when unplaced) and ``reason`` (why it is unplaced, None
    when placed); ``backend="polars"`` gives ``row`` as the first column.

    Examples
    --------
    Three participants, two providers with one place each; the third participant may only go
    to the first provider (``inf`` forbids the other), which the first participant takes:

    >>> import numpy as np
    >>> from sparkus.matching import solve_assignment
    >>> result = solve_assignment(np.array([[1.0, 4.0], [2.0, 3.0], [5.0, np.inf]]), [1, 1])
    >>> result
    AssignmentResult(n=3, assigned=2, total_cost=4, gap_bound=0)
    >>> result.provider.tolist(), result.unassigned_reason, result.load.tolist()
    ([0, 1, -1], {2: 'capacity'}, [1, 1])
    """

    provider: IndexArray
    total_cost: float
    n_assigned: int
    unassigned_reason: dict[int, str]
    load: IntArray
    capacity: IntArray
    prices: FloatArray
    max_violation: float
    gap_bound: float

    @property
    def n(self) -> int:
        """The number of participants (rows)."""
        return int(self.provider.shape[0])

    def _frame(self) -> FrameSpec:
        return {
            "row": np.arange(self.n),
            "provider": [c if c >= 0 else None for c in self.provider.tolist()],
            "reason": [self.unassigned_reason.get(i) for i in range(self.n)],
        }, ("row",)

    def _headline(self) -> str:
        return (
            f"n={self.n}, assigned={self.n_assigned}, "
            f"total_cost={format_number(self.total_cost)}, gap_bound={self.gap_bound:.3g}"
        )

    def _tables(self) -> list[Table]:
        reasons = list(self.unassigned_reason.values())
        no_candidate = reasons.count(NO_CANDIDATE)
        short_list = reasons.count(CANDIDATES_FULL)
        full = int(np.count_nonzero(self.load >= self.capacity))
        unused = int(np.count_nonzero(self.load == 0))
        mean = self.total_cost / self.n_assigned if self.n_assigned else None
        rows = (
            ("participants", format_number(self.n)),
            ("assigned", format_number(self.n_assigned)),
            ("unassigned: no candidate", format_number(no_candidate)),
            ("unassigned: candidates full", format_number(short_list)),
            ("unassigned: capacity", format_number(len(reasons) - no_candidate - short_list)),
            ("providers", format_number(int(self.load.shape[0]))),
            ("providers full / unused", f"{full:,} / {unused:,}"),
            ("capacity used", f"{int(self.load.sum()):,} of {int(self.capacity.sum()):,}"),
            ("total cost", format_number(self.total_cost)),
            ("mean cost per assigned", format_number(mean)),
            ("gap bound (certified)", format_number(self.gap_bound)),
            ("max reduced-cost violation", format_number(self.max_violation)),
        )
        note = (
            "optimal: as many participants as possible, then the least total cost; "
            "the gap bound is certified by the dual prices (`prices`)"
        )
        return [Table("Assignment", ("quantity", "value"), rows, note)]
