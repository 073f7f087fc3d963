"""The result of the exact assignment solvers: the placement, its certificate and its reasons."""

from __future__ import annotations

from typing import Final, TypeAlias

import attrs
import numpy as np
from numpy.typing import NDArray

from sparkus._checks import FloatArray, describe, schema_error
from sparkus._frames import Framed, FrameSpec
from sparkus._results import Result, Table, format_number

__all__ = [
    "CANDIDATES_FULL",
    "CAPACITY",
    "NO_CANDIDATE",
    "AssignmentResult",
    "Label",
    "name_of",
    "named_columns",
    "named_pairs",
]

IntArray = NDArray[np.int64]
IndexArray = NDArray[np.intp]
Label: TypeAlias = str | int
"""A participant or provider as the caller knows it: its id or label, or its row or column index."""

NO_CANDIDATE: Final = "no candidate"
"""Reason for a participant with no allowed provider that has a place (capacity 0 offers none)."""

CAPACITY: Final = "capacity"
"""Reason for a participant whose allowed providers are full, and so is every other one."""
CANDIDATES_FULL: Final = "candidates full"
"""Reason for a participant whose allowed providers are full while others have places left."""


def _position(value: object, name: str, size: int) -> int:
    """`value` as a row or column number in ``[0, size)``; a SchemaError naming `name` else."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | np.integer):
        index = -1
    else:
        index = int(value)
    if 0 <= index < size:
        return index
    msg = f"expected an integer from 0 to {size - 1}, got {describe(value)}"
    raise schema_error(name, msg)


def name_of(names: tuple[Label, ...] | None, value: object, what: str, size: int) -> Label:
    """The name of row or column `value` (`what` ``"row"`` or ``"col"``): ``names[value]``.

    The position itself without `names`. A SchemaError naming `what` if `value` is not an
    integer from 0 to ``size - 1`` (a row number, not a Python index: no counting from the end).
    """
    index = _position(value, what, size)
    return names[index] if names is not None else index


def named_pairs(
    provider: IndexArray,
    participant_ids: tuple[Label, ...] | None,
    provider_ids: tuple[Label, ...] | None,
) -> dict[Label, Label]:
    """Each placed participant with its provider, by name (else by position)."""
    rows = np.flatnonzero(provider >= 0).tolist()
    cols = provider[provider >= 0].tolist()
    return {
        (participant_ids[i] if participant_ids is not None else i): (
            provider_ids[j] if provider_ids is not None else j
        )
        for i, j in zip(rows, cols, strict=True)
    }


def named_columns(
    provider: IndexArray,
    participant_ids: tuple[Label, ...] | None,
    provider_ids: tuple[Label, ...] | None,
) -> tuple[list[Label], list[Label | None]]:
    """For a table: every participant's name, and its provider's name (None when unplaced)."""
    rows: list[Label] = (
        list(participant_ids) if participant_ids is not None else list(range(provider.shape[0]))
    )
    cols: list[Label | None] = [
        None if j < 0 else provider_ids[j] if provider_ids is not None else j
        for j in provider.tolist()
    ]
    return rows, cols


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
    unassigned_reason : dict of int or str to str
        For each participant left unplaced (by its label for a labelled table, see
        `participant_ids`, else by its row): ``"no candidate"`` when no allowed provider has a
        place (one of capacity 0 offers none), ``"candidates full"`` when its allowed providers' places went to others while
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
    participant_ids, provider_ids : tuple of str or int, or None
        The labels of a pandas cost table's rows and columns when it is labelled otherwise
        than by position (strings and integers, each once), as an
        :class:`~sparkus.matching.Assignment` records them; None when rows and columns are
        named by position (a numpy or sparse cost, or a table whose labels are the
        positions, repeat, or are of another type). :meth:`pairs`, `unassigned_reason` and
        the table go by these names.

    Notes
    -----
    ``to_frame(backend="pandas")`` gives one row per participant, indexed by ``row`` (the
    cost table's row label, or the row number without labels): ``provider`` (its column's
    label or number, None when unplaced) and ``reason`` (why it is unplaced, None when
    placed); ``backend="polars"`` gives ``row`` as the first column.

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

    A pandas cost table names them by its labels:

    >>> import pandas as pd
    >>> table = pd.DataFrame([[1.0, 4.0], [2.0, 3.0], [5.0, np.inf]], index=["ana", "bo", "cy"],
    ...                      columns=["x", "y"])
    >>> labelled = solve_assignment(table, pd.Series({"y": 1, "x": 1}))
    >>> labelled.pairs(), labelled.unassigned_reason
    ({'ana': 'x', 'bo': 'y'}, {'cy': 'capacity'})
    """

    provider: IndexArray
    total_cost: float
    n_assigned: int
    unassigned_reason: dict[Label, str]
    load: IntArray
    capacity: IntArray
    prices: FloatArray
    max_violation: float
    gap_bound: float
    participant_ids: tuple[Label, ...] | None = None
    provider_ids: tuple[Label, ...] | None = None

    @property
    def n(self) -> int:
        """The number of participants (rows)."""
        return int(self.provider.shape[0])

    def participant_label(self, row: int) -> Label:
        """The label of participant `row` (the row itself without labels).

        Raises
        ------
        SchemaError
            If `row` is not an integer from 0 to ``n - 1`` (a row number, not a Python index:
            negative numbers do not count from the end).
        """
        return name_of(self.participant_ids, row, "row", self.n)

    def provider_label(self, col: int) -> Label:
        """The label of provider `col` (the column itself without labels).

        Raises
        ------
        SchemaError
            If `col` is not an integer from 0 to the number of providers minus one.
        """
        return name_of(self.provider_ids, col, "col", int(self.load.shape[0]))

    def pairs(self) -> dict[Label, Label]:
        """Each placed participant with its provider, by label (else by row and column)."""
        return named_pairs(self.provider, self.participant_ids, self.provider_ids)

    def _frame(self) -> FrameSpec:
        rows, providers = named_columns(self.provider, self.participant_ids, self.provider_ids)
        return {
            "row": rows,
            "provider": providers,
            "reason": [self.unassigned_reason.get(label) for label in rows],
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
