"""The attacker's linear programs: how far a hidden sum can move given everything published.

One figure is a set of *atoms* (people, or steps of people, with identical membership in every
cell of the figure) and *cells* (unions of atoms). A :class:`Measure` gives each atom the range
its sum can take (the sum of its people's lowest and highest values) and each cell its sum
(published or true). The attacker's knowledge of a measure is the polytope

    low[a] <= x[a] <= high[a]  for every atom,   sum(x[a] for a in c) = sums[c]  for every
    published cell c,

and, where values only grow between releases (a completion is final: the figure then has an
atom's count in each release as a variable of its own), ``x[a] <= x[b]`` for each such pair of
an atom's releases (the ``order`` rows of a :class:`Solver`). The range of any union of atoms
is found by minimising and maximising its sum over that polytope with HiGHS
(``scipy.optimize.linprog``). For a measure of whole numbers (counts), an optimum at a
fractional point is redone as a mixed-integer program (``scipy.optimize.milp``), so the range
is the integer attacker's. Atoms carry sums, not people: any value of an atom's sum within its
bounds is reached by some values of its people (and any whole counts that grow from release to
release by some people's steps completed in turn), so the atoms' program has the same ranges
as the per-person one, at the size of the table rather than of the population.

:func:`box` is what each published cell teaches on its own (a cell at its top pins every atom
in it); :func:`required` is the protection width a checked set must keep: ``share`` of the
range of ``min(k, n)`` of its people, and never more than the box leaves it.

scipy is imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, Literal, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from scipy import sparse

__all__ = ["INTEGRAL", "Inconsistent", "Measure", "Solver", "box", "required", "tolerance"]

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]

INTEGRAL: Final = 1e-6
"""How far from a whole number an optimum's atom may be and still count as whole."""


class Inconsistent(Exception):
    """The published sums cannot all hold for any values within the bounds."""


@attrs.frozen(eq=False)
class Measure:
    """One per-person quantity summed over the cells of a figure.

    `low` and `high` are per atom (the sum of its people's bounds); `sums` per cell (NaN where
    the cell's sum is unknown); `integer` when every person's value is a whole number.
    `role` marks the two measures of one figure of ratings: ``"rating"`` the ratings' sum (0 to
    10 each), ``"nps"`` their promoters less detractors, read jointly by
    :mod:`sparkus._privacy.joint`; ``""`` for any other measure.
    """

    name: str
    low: FloatArray
    high: FloatArray
    sums: FloatArray
    integer: bool
    role: Literal["", "rating", "nps"] = ""


def tolerance(scale: float | FloatArray) -> Any:
    """The slack allowed in comparing widths: a few parts in a billion of the sums involved."""
    return 1e-9 * np.maximum(1.0, np.abs(scale)) + 1e-7


class Solver:
    """Minimise and maximise sums of atoms subject to a measure's published cells.

    Parameters
    ----------
    cells : csr matrix
        Cells by atoms, 0/1.
    published : bool array
        Which cells the attacker has.
    measure : Measure
        Bounds per atom and sums per cell.
    whole : bool
        Whether a measure of whole numbers is solved in whole numbers.
    order : csr matrix, optional
        Rows of ``order @ x <= 0`` the attacker also knows (an atom's count in one release
        at most its count in a later one: completion is final).
    """

    def __init__(
        self,
        cells: sparse.csr_matrix,
        published: BoolArray,
        measure: Measure,
        *,
        whole: bool = True,
        order: sparse.csr_matrix | None = None,
    ) -> None:
        rows = np.flatnonzero(published)
        self.a_eq = cells[rows]
        self.b_eq = measure.sums[rows]
        self.order = order if order is not None and order.shape[0] else None
        self.low = measure.low
        self.high = measure.high
        self.integer = measure.integer and whole
        self.rows = rows
        self.witnesses: list[FloatArray] = []

    def _solve(self, c: FloatArray) -> tuple[FloatArray, FloatArray]:
        """A minimiser of ``c @ x`` and the constraints' marginals; Inconsistent if none."""
        from scipy.optimize import linprog

        if len(c) == 0:  # nobody (every cell empty): each published sum must be 0
            if np.any(self.b_eq != 0):
                raise Inconsistent
            return np.zeros(0), np.zeros(self.a_eq.shape[0])
        if self.a_eq.shape[0] == 0 and self.order is None:
            x = np.where(c > 0, self.low, self.high)
            return x, np.zeros(0)
        some = self.a_eq.shape[0] > 0
        b_ub = None if self.order is None else np.zeros(self.order.shape[0])
        # HiGHS' presolve costs ten times the solve on these wide, short programs (a hundred
        # rows, ten thousand atoms: 0.24 s against 0.027 s), and finds nothing to remove.
        res = linprog(c, A_eq=self.a_eq if some else None, b_eq=self.b_eq if some else None,  # type: ignore[call-overload]
                      A_ub=self.order, b_ub=b_ub,
                      method="highs", bounds=np.column_stack([self.low, self.high]),
                      options={"presolve": False})  # fmt: skip
        if res.status == 2:
            raise Inconsistent
        if res.status != 0:  # pragma: no cover - bounded, small problems always solve
            msg = f"the attacker's program did not solve ({res.message})"
            raise RuntimeError(msg)
        x = np.clip(np.asarray(res.x, dtype=np.float64), self.low, self.high)
        if not some:
            return x, np.zeros(0)
        return x, np.asarray(res.eqlin.marginals, dtype=np.float64)

    def _integer(self, c: FloatArray) -> FloatArray:
        from scipy.optimize import Bounds, LinearConstraint, milp

        if len(c) == 0:
            return self._solve(c)[0]
        limits = []
        if self.a_eq.shape[0]:
            limits.append(LinearConstraint(self.a_eq, self.b_eq, self.b_eq))
        if self.order is not None:
            limits.append(LinearConstraint(self.order, -np.inf, 0.0))
        res = milp(c, integrality=np.ones(len(c), dtype=np.int64), bounds=Bounds(self.low, self.high),
                   constraints=limits)  # fmt: skip
        if res.status == 2:
            raise Inconsistent
        if res.x is None:  # pragma: no cover - a time limit is never set
            msg = f"the attacker's integer program did not solve ({res.message})"
            raise RuntimeError(msg)
        return np.asarray(np.round(np.asarray(res.x, dtype=np.float64)), dtype=np.float64)

    def feasible(self) -> bool:
        """Whether any values within the bounds give every published sum."""
        # Any objective answers the question; a zero or uniform one leaves the simplex
        # thousands of degenerate pivots (1.1 s on a 100 by 13,702 program), a random one a
        # hundred or two (0.03 s). Seeded, so the witness is the same every run.
        direction = np.random.default_rng(len(self.low)).random(len(self.low))
        try:
            x, _ = self._solve(direction)
        except Inconsistent:
            return False
        self.witnesses.append(x)
        return True

    def extreme(
        self, target: FloatArray, sense: int, nudge: FloatArray | None = None
    ) -> tuple[float, IntArray]:
        """The smallest (`sense` -1) or largest (+1) ``target @ x``, and the binding cells.

        The binding cells are the published cells (indices into the figure's cells) whose
        marginal is not zero at the linear optimum: hiding one of them can widen the range.
        With `nudge` (small per-atom weights added to the objective) the point is a cheap
        near-optimum instead: still a solution, so its value is one the target can take, but
        perhaps short of the extreme.
        """
        c = -float(sense) * target
        if nudge is not None:
            c = c + nudge
        x, marginals = self._solve(c)
        if self.integer and np.any(np.abs(x - np.round(x)) > INTEGRAL):
            x = self._integer(c)
        self.witnesses.append(x)
        binding = self.rows[np.abs(marginals) > 1e-9] if len(marginals) else self.rows[:0]
        return float(target @ x), binding.astype(np.int64)

    def spread(self, targets: sparse.csr_matrix) -> tuple[FloatArray, FloatArray]:
        """The smallest and largest value of each target over the solutions seen so far.

        Every solution is a point the attacker cannot rule out, so the true range of each
        target holds at least this interval.
        """
        if not self.witnesses:
            n = targets.shape[0]
            return np.full(n, np.inf), np.full(n, -np.inf)
        values = np.asarray(targets @ np.column_stack(self.witnesses))
        return values.min(axis=1), values.max(axis=1)


def box(cells: sparse.csr_matrix, published: BoolArray, measure: Measure) -> tuple[
    FloatArray, FloatArray
]:  # fmt: skip
    """Each atom's bounds as the published cells leave them one at a time.

    A cell whose sum is near its top (or bottom) pins every atom in it near its own top: the
    attacker learns that from the cell alone, and no suppression of other cells can undo it.
    """
    a = cells[np.flatnonzero(published)].tocoo()
    low, high = measure.low, measure.high
    if a.nnz == 0:
        return low.copy(), high.copy()
    v = measure.sums[np.flatnonzero(published)]
    cell_low = np.asarray(cells[np.flatnonzero(published)] @ low).ravel()
    cell_high = np.asarray(cells[np.flatnonzero(published)] @ high).ravel()
    rows, cols = a.row, a.col
    lo_e = v[rows] - (cell_high[rows] - high[cols])
    hi_e = v[rows] - (cell_low[rows] - low[cols])
    new_low, new_high = low.copy(), high.copy()
    np.maximum.at(new_low, cols, lo_e)
    np.minimum.at(new_high, cols, hi_e)
    return new_low, np.maximum(new_high, new_low)


def required(
    targets: sparse.csr_matrix,
    people: IntArray,
    measure: Measure,
    boxed: tuple[FloatArray, FloatArray],
    k: int,
    share: float,
    width: FloatArray | None = None,
) -> FloatArray:
    """The width each target's range must keep, in the measure's sum units.

    ``share * min(k, n) / n`` of the target's whole range (the range of ``min(k, n)`` of its
    ``n`` people, on average), or `width` where given; capped by the width the cells one at a
    time leave it (`boxed`), since no suppression can widen what a single cell already pins.
    """
    span = np.asarray(targets @ (measure.high - measure.low)).ravel()
    n = np.maximum(people, 1).astype(np.float64)
    wanted = share * np.minimum(k, n) / n * span if width is None else width
    boxed_span = np.asarray(targets @ (boxed[1] - boxed[0])).ravel()
    out: FloatArray = np.minimum(wanted, boxed_span)
    return out
