"""The result of :func:`~sparkus.matching.assign` and :func:`~sparkus.matching.rematch`.

:class:`Assignment` says who is placed with whom, what it costs (and how compatible the pairs
are, for a candidate matrix), why anyone is left out, and how evenly the load is spread over the
providers.
"""

from __future__ import annotations

from typing import Final, TypeAlias

import attrs
import numpy as np
from numpy.typing import NDArray

from sparkus._checks import BoolArray, FloatArray
from sparkus._frames import Framed, FrameSpec
from sparkus._results import Result, Table, format_number
from sparkus.matching._pairing.exact.result import Label, name_of, named_columns, named_pairs

__all__ = ["MAX_LOAD", "NOT_PLACED", "Assignment", "Label", "gini"]

IntArray: TypeAlias = NDArray[np.int64]
IndexArray: TypeAlias = NDArray[np.intp]

MAX_LOAD: Final = "max_load"
"""Reason for a participant whose allowed providers have room left only beyond `max_load`."""

NOT_PLACED: Final = "not placed by the matcher"
"""Reason for a participant left out although an allowed provider had room (a heuristic)."""


def gini(values: FloatArray) -> float:
    """The Gini coefficient of non-negative values: 0 when all are equal (or all zero)."""
    k = values.shape[0]
    total = float(values.sum())
    if k == 0 or total == 0:
        return 0.0
    ordered = np.sort(values)
    ranks = np.arange(1, k + 1, dtype=np.float64)
    # mean absolute difference / (2 * mean), in the O(k log k) form of the sorted values
    return float((2.0 * np.dot(ranks, ordered) / (k * total)) - (k + 1) / k)


@attrs.frozen(repr=False, eq=False)
class Assignment(Framed, Result):
    """Who is placed with whom, what it costs, and how evenly the load is spread.

    .. versionadded:: 0.1

    Attributes
    ----------
    provider : ndarray of int
        Per participant (row), the provider (column) it is placed with, or -1.
    matcher : str
        The name of the matcher that made the assignment.
    n_assigned : int
        How many participants are placed, fixed pairs included.
    total_cost : float
        The sum of the costs of the placed pairs (fixed pairs included; the penalty is not).
    penalty : float
        The load penalty of the result, ``load_penalty * Σ_j load_j**2 / capacity_j``
        (0 without a penalty).
    load_penalty : float
        The weight of the load penalty the assignment was made with.
    pair_cost : ndarray of float
        Per participant, the cost of its pair (NaN when unassigned).
    compatibility : ndarray of float or None
        Per participant, the compatibility score of its pair (NaN when unassigned), when the
        input was a candidate matrix; None for a plain cost matrix.
    fixed : ndarray of bool
        Per participant, whether its pair was fixed by the caller.
    unassigned : dict
        For each participant left unplaced (by id or label, or by row for a cost matrix), why:
        ``"no candidate"`` (no allowed provider with a place: a provider of capacity 0 is
        none, here and in :func:`solve_assignment`), ``"candidates full"`` (its allowed
        providers' places went to others while other providers have places left: its candidate
        list is too short, e.g. ``candidate_matrix(k=...)`` too small), ``"capacity"`` (the
        places went to others and no provider has one left),
        ``"max_load"`` (places were left only beyond the load cap), ``"not placed by the
        matcher"`` (an allowed provider had room: the matcher is a heuristic).
    load : ndarray of int
        Per provider, how many participants it receives.
    capacity : ndarray of int
        Per provider, its capacity.
    max_load : ndarray of int
        Per provider, the most it may receive here: its capacity, or less under a load cap.
    load_gini : float
        The Gini coefficient of the providers' utilisation (load / capacity, over providers
        of positive capacity): 0 when every provider is filled to the same share.
    max_utilisation : float
        The largest load / capacity.
    peak_to_mean : float
        The largest utilisation over the mean utilisation (1 is perfectly even; NaN when
        nobody is placed).
    participant_ids, provider_ids : tuple of str or int, or None
        The names of the rows and columns: a candidate matrix's ids, or a pandas cost table's
        labels when it is labelled otherwise than by position (strings and integers, each
        once); None when they are named by position (a numpy or sparse cost, or a table
        whose labels are the positions, repeat, or are of another type). The pairs, the
        reasons, the table and :func:`rematch` go by these names.

    Notes
    -----
    ``to_frame(backend="pandas")`` gives one row per participant, indexed by
    ``participant`` (its id or label, or its row for a cost matrix, so that it joins a
    labelled cost table by label): ``provider`` (the provider's id, label or column, None
    when unplaced), ``pair_cost``, ``compatibility`` (for a candidate
    matrix), ``fixed`` and ``reason`` (why it is unplaced, None when placed);
    ``backend="polars"`` gives ``participant`` as the first column.

    Examples
    --------
    :func:`assign` returns one; here five participants and two providers with three places:

    >>> import numpy as np
    >>> from sparkus.matching import assign
    >>> cost = np.array([[0.1, 0.5], [0.2, 0.7], [0.1, 0.4], [0.3, 0.4], [0.2, np.nan]])
    >>> result = assign(cost, capacity=3)
    >>> result
    Assignment(n=5, assigned=5, total_cost=1.3, load_gini=0.100, matcher='exact')
    >>> result.pairs()
    {0: 0, 1: 0, 2: 1, 3: 1, 4: 0}
    >>> result.load, result.capacity, result.unassigned
    (array([3, 2]), array([3, 3]), {})
    >>> result.to_frame()["provider"].tolist()
    [0, 0, 1, 1, 0]
    >>> print(result.summary())
    Assignment
    quantity                value
    ----------------------  -----
    matcher                 exact
    participants                5
    assigned                    5
    of which fixed              0
    total cost                1.3
    mean cost per assigned   0.26
    <BLANKLINE>
    Load
    quantity                                     value
    -----------------------------  -------------------
    providers                                        2
    providers used / with places                 2 / 2
    capacity used                               5 of 6
    utilisation: min / mean / max  0.6667 / 0.8333 / 1
    peak / mean utilisation                        1.2
    Gini of utilisation                            0.1
    utilisation = load / capacity; a Gini of 0 means every provider equally full
    """

    provider: IndexArray
    matcher: str
    n_assigned: int
    total_cost: float
    penalty: float
    load_penalty: float
    pair_cost: FloatArray
    compatibility: FloatArray | None
    fixed: BoolArray
    unassigned: dict[Label, str]
    load: IntArray
    capacity: IntArray
    max_load: IntArray
    load_gini: float
    max_utilisation: float
    peak_to_mean: float
    participant_ids: tuple[Label, ...] | None
    provider_ids: tuple[Label, ...] | None

    @property
    def n(self) -> int:
        """The number of participants (rows)."""
        return int(self.provider.shape[0])

    @property
    def mean_compatibility(self) -> float | None:
        """The mean compatibility of the placed pairs.

        None without a candidate matrix, or when nobody is placed (a mean of nothing).
        """
        if self.compatibility is None:
            return None
        placed = self.compatibility[self.provider >= 0]
        return float(placed.mean()) if placed.size else None

    @property
    def utilisation(self) -> FloatArray:
        """Per provider, load / capacity (NaN for a provider of capacity 0)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            out = self.load / self.capacity.astype(np.float64)
        out[self.capacity == 0] = np.nan
        return out

    def participant_label(self, row: int) -> Label:
        """The id or label of participant `row` (the row itself without them).

        Raises
        ------
        SchemaError
            If `row` is not an integer from 0 to ``n - 1`` (a row number, not a Python index:
            negative numbers do not count from the end).
        """
        return name_of(self.participant_ids, row, "row", self.n)

    def provider_label(self, col: int) -> Label:
        """The id or label of provider `col` (the column itself without them).

        Raises
        ------
        SchemaError
            If `col` is not an integer from 0 to the number of providers minus one.
        """
        return name_of(self.provider_ids, col, "col", int(self.load.shape[0]))

    def pairs(self) -> dict[Label, Label]:
        """Each placed participant with its provider, by id or label (else by index)."""
        return named_pairs(self.provider, self.participant_ids, self.provider_ids)

    def _frame(self) -> FrameSpec:
        who, providers = named_columns(self.provider, self.participant_ids, self.provider_ids)
        columns: dict[str, object] = {
            "participant": who,
            "provider": providers,
            "pair_cost": self.pair_cost,
        }
        if self.compatibility is not None:
            columns["compatibility"] = self.compatibility
        columns["fixed"] = self.fixed
        columns["reason"] = [self.unassigned.get(label) for label in who]
        return columns, ("participant",)

    def _headline(self) -> str:
        extra = ""
        mean = self.mean_compatibility
        if mean is not None:
            extra = f", mean_compatibility={format_number(mean)}"
        return (
            f"n={self.n}, assigned={self.n_assigned}, total_cost={format_number(self.total_cost)}"
            f"{extra}, load_gini={self.load_gini:.3f}, matcher={self.matcher!r}"
        )

    def _tables(self) -> list[Table]:
        reasons = list(self.unassigned.values())
        mean_cost = self.total_cost / self.n_assigned if self.n_assigned else None
        positive = self.capacity > 0
        rows: list[tuple[str, str]] = [
            ("matcher", self.matcher),
            ("participants", format_number(self.n)),
            ("assigned", format_number(self.n_assigned)),
            ("of which fixed", format_number(int(self.fixed.sum()))),
        ]
        rows += [
            (f"unassigned: {reason}", format_number(reasons.count(reason)))
            for reason in sorted(set(reasons))
        ]
        rows += [
            ("total cost", format_number(self.total_cost)),
            ("mean cost per assigned", format_number(mean_cost)),
        ]
        if self.compatibility is not None:
            rows.append(("mean compatibility", format_number(self.mean_compatibility)))
        if self.load_penalty:
            rows.append(("load penalty (weight)", format_number(self.load_penalty)))
            rows.append(("load penalty (value)", format_number(self.penalty)))
        quality = Table("Assignment", ("quantity", "value"), tuple(rows))
        util = self.utilisation[positive]
        spread = (
            ("providers", format_number(int(self.load.shape[0]))),
            ("providers used / with places",
             f"{int((self.load > 0).sum()):,} / {int(positive.sum()):,}"),
            ("capacity used", f"{int(self.load.sum()):,} of {int(self.capacity.sum()):,}"),
            ("utilisation: min / mean / max", " / ".join(
                format_number(float(f(util))) if util.size else "-"
                for f in (np.min, np.mean, np.max)
            )),
            ("peak / mean utilisation", format_number(self.peak_to_mean)),
            ("Gini of utilisation", format_number(self.load_gini)),
        )  # fmt: skip
        note = "utilisation = load / capacity; a Gini of 0 means every provider equally full"
        return [quality, Table("Load", ("quantity", "value"), spread, note)]
