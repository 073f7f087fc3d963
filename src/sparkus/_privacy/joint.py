"""The attacker's programs for a rating sum and its NPS read together.

A rating figure publishes two sums over the same cells: the ratings' sum (each rating 0 to 10)
and the NPS as a count (a rating of 9 or more counts +1, one of 6 or less -1, the rest 0). Read
apart, each is the polytope of :mod:`sparkus._privacy.lp`; read together, a rating's class
bounds its value, and the attacker learns more. Per atom of ``n`` ratings, with ``d``, ``p`` and
``r`` its detractors, passives and promoters (``d + p + r = n``, NPS ``q = r - d``), the sum
``s`` lies in ``6p + 9r <= s <= 6d + 9p + 10r`` (the passives' open range (6, 9) closed).
Eliminating the counts (as real numbers) leaves the pentagon

    -n <= q <= n,   4.5 (n + q) <= s,   s <= 9n + 3q,   s <= 9n + q,

the hull of all detractors (``q = -n``, ``s`` from 0 to ``6n``), all passives (``q = 0``, ``6n``
to ``9n``) and all promoters (``q = n``, ``9n`` to ``10n``). The joint program has two variables
per atom (``s`` then ``q``), every published cell's sum of each, and three inequalities per atom.
The class counts stay real numbers: for an NPS of ``q`` an atom's smallest sum is
``4.5 (n + q)`` rather than ``6n + 3q - 3 floor((n - q) / 2)``, a little less than the ratings
allow, so a range is never narrower than the exact attacker's by more than that; the NPS itself
is whole in the verifier's programs (``whole``).

:class:`JointSolver` solves the programs and :meth:`JointSolver.view` gives one measure's side
of it with the interface of :class:`~sparkus._privacy.lp.Solver` (``feasible``, ``extreme``,
``witnesses``, ``spread``), so the suppression loop and the verifier use either alike; every
solution is a witness for both measures. :func:`joint_box` is what one published cell teaches
of each atom, both sums of the cell read together (a total NPS of +100 says every rating is 9
or 10). :func:`programs` and :func:`boxes` pick the joint or the separate programs for a
figure's measures: joint when :func:`pair` finds a ``"rating"`` and an ``"nps"`` measure whose
bounds are those of ``n`` ratings on the 0 to 10 scale. The suppression loop
(:func:`~sparkus._privacy.linked.exposed_sets`) keeps each width read both jointly and apart:
the joint one-cell box is narrower than the separate ones, so a width met jointly can fall
short of what a reader of one measure alone (``verify_disclosure`` without ``ratings``) asks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, TypeAlias

import numpy as np
import numpy.typing as npt

from sparkus._privacy.lp import INTEGRAL, Inconsistent, Measure, Solver, box

if TYPE_CHECKING:
    from scipy import sparse

__all__ = ["JointSolver", "MeasureView", "boxes", "joint_box", "pair", "programs"]

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]

_FACES: Final = np.array([[0.0, 1.0], [0.0, -1.0], [-1.0, 4.5], [1.0, -3.0], [1.0, -1.0]])
"""The pentagon of one rating as ``_FACES @ (s, q) <= _LIMITS``; ``n`` ratings: ``n`` times."""
_LIMITS: Final = np.array([1.0, 1.0, -4.5, 9.0, 9.0])


def pair(measures: tuple[Measure, ...]) -> tuple[int, int] | None:
    """The indices of a rating sum and its NPS among `measures`, if they can be read jointly.

    Only when their bounds are those of ``n`` ratings per atom: the NPS from ``-n`` to ``n``,
    the sum from 0 to ``10 n``.
    """
    roles = [m.role for m in measures]
    if sorted(roles) != ["nps", "rating"]:
        return None
    i, j = roles.index("rating"), roles.index("nps")
    n = measures[j].high
    rating, nps = measures[i], measures[j]
    if (len(n) != len(rating.low) or np.any(n < 0) or not np.array_equal(nps.low, -n)
            or not np.allclose(rating.low, 0.0, rtol=0, atol=1e-9)
            or not np.allclose(rating.high, 10.0 * n, rtol=1e-12, atol=1e-9)):  # fmt: skip
        return None
    return i, j


class JointSolver:
    """Minimise and maximise sums of atoms' ratings and NPS subject to both published sums.

    Parameters
    ----------
    cells : csr matrix
        Cells by atoms, 0/1.
    published, published_nps : bool array
        Which cells' rating sums (and NPS, by default the same) the attacker has.
    rating, nps : Measure
        The two measures (see :func:`pair`).
    whole : bool
        Whether to keep the NPS whole (mixed-integer programs when an optimum is fractional).
    """

    def __init__(
        self,
        cells: sparse.csr_matrix,
        published: BoolArray,
        rating: Measure,
        nps: Measure,
        *,
        whole: bool = True,
        published_nps: BoolArray | None = None,
    ) -> None:
        from scipy import sparse

        atoms = cells.shape[1]
        on_s = np.flatnonzero(published)
        on_q = on_s if published_nps is None else np.flatnonzero(published_nps)
        self.a_eq = sparse.vstack([
            sparse.hstack([cells[on_s], sparse.csr_matrix((len(on_s), atoms))]),
            sparse.hstack([sparse.csr_matrix((len(on_q), atoms)), cells[on_q]]),
        ]).tocsr()  # fmt: skip
        self.b_eq = np.concatenate([rating.sums[on_s], nps.sums[on_q]])
        eye = sparse.identity(atoms, format="csr")
        self.a_ub = sparse.vstack([sparse.hstack([f[0] * eye, f[1] * eye]) for f in _FACES[2:]])
        self.a_ub = self.a_ub.tocsr()
        n = nps.high
        self.b_ub = np.concatenate([limit * n for limit in _LIMITS[2:]])
        self.low = np.concatenate([rating.low, nps.low])
        self.high = np.concatenate([rating.high, nps.high])
        self.rows = np.concatenate([on_s, on_q]).astype(np.int64)
        self.atoms = atoms
        self.integer = nps.integer and whole
        self.witnesses: list[FloatArray] = []
        self._views: list[MeasureView] = []
        self._feasible: bool | None = None

    def view(self, which: int) -> MeasureView:
        """The rating sum's side (`which` 0) or the NPS' (1) of these programs."""
        out = MeasureView(self, which)
        out.witnesses.extend(self._part(x, which) for x in self.witnesses)
        self._views.append(out)
        return out

    def _part(self, x: FloatArray, which: int) -> FloatArray:
        return x[which * self.atoms : (which + 1) * self.atoms]

    def _keep(self, x: FloatArray) -> None:
        self.witnesses.append(x)
        for v in self._views:
            v.witnesses.append(self._part(x, v.which))

    def _solve(self, c: FloatArray) -> tuple[FloatArray, FloatArray]:
        """A minimiser of ``c @ x`` and the equalities' marginals; Inconsistent if none."""
        from scipy.optimize import linprog

        if self.atoms == 0:
            if np.any(self.b_eq != 0):
                raise Inconsistent
            return np.zeros(0), np.zeros(len(self.b_eq))
        some = self.a_eq.shape[0] > 0
        for method in ("highs", "highs-ipm"):  # the simplex can stall on a tiny degenerate one
            res = linprog(c, A_ub=self.a_ub, b_ub=self.b_ub,  # type: ignore[call-overload]
                          A_eq=self.a_eq if some else None, b_eq=self.b_eq if some else None,
                          bounds=np.column_stack([self.low, self.high]), method=method,
                          options={"presolve": False})  # fmt: skip
            if res.status == 2:
                raise Inconsistent
            if res.status == 0:
                break
        else:  # pragma: no cover - bounded, small problems always solve
            msg = f"the attacker's joint program did not solve ({res.message})"
            raise RuntimeError(msg)
        x = np.clip(np.asarray(res.x, dtype=np.float64), self.low, self.high)
        marginals = np.asarray(res.eqlin.marginals, dtype=np.float64) if some else np.zeros(0)
        return x, marginals

    def _integer(self, c: FloatArray) -> FloatArray:
        from scipy.optimize import Bounds, LinearConstraint, milp

        whole = np.r_[np.zeros(self.atoms), np.ones(self.atoms)]
        limits = [LinearConstraint(self.a_ub, -np.inf, self.b_ub)]
        if self.a_eq.shape[0]:
            limits.append(LinearConstraint(self.a_eq, self.b_eq, self.b_eq))
        res = milp(c, integrality=whole, bounds=Bounds(self.low, self.high), constraints=limits)
        if res.status == 2:
            raise Inconsistent
        if res.x is None:  # pragma: no cover - a time limit is never set
            msg = f"the attacker's joint integer program did not solve ({res.message})"
            raise RuntimeError(msg)
        x = np.asarray(res.x, dtype=np.float64)
        x[self.atoms :] = np.round(x[self.atoms :])
        return x

    def feasible(self) -> bool:
        """Whether any ratings give every published sum and NPS."""
        if self._feasible is None:
            direction = np.random.default_rng(len(self.low)).random(len(self.low))
            try:
                x, _ = self._solve(direction)
            except Inconsistent:
                self._feasible = False
            else:
                self._keep(x)
                self._feasible = True
        return self._feasible

    def extreme(self, c: FloatArray) -> tuple[FloatArray, IntArray]:
        """A minimiser of ``c @ x`` (``x`` the sums then the NPS) and the binding cells."""
        x, marginals = self._solve(c)
        q = x[self.atoms :]
        if self.integer and np.any(np.abs(q - np.round(q)) > INTEGRAL):
            x = self._integer(c)
        self._keep(x)
        binding = self.rows[np.abs(marginals) > 1e-9] if len(marginals) else self.rows[:0]
        return x, np.unique(binding).astype(np.int64)


class MeasureView:
    """One measure's side of a :class:`JointSolver`, with the interface of ``Solver``."""

    def __init__(self, joint: JointSolver, which: int) -> None:
        self.joint = joint
        self.which = which
        self.witnesses: list[FloatArray] = []

    def feasible(self) -> bool:
        """Whether any ratings give every published sum and NPS."""
        return self.joint.feasible()

    def extreme(
        self, target: FloatArray, sense: int, nudge: FloatArray | None = None
    ) -> tuple[float, IntArray]:
        """The smallest (`sense` -1) or largest (+1) ``target @ x`` of this measure.

        As :meth:`~sparkus._privacy.lp.Solver.extreme`; `nudge` weighs both measures' atoms.
        """
        atoms = self.joint.atoms
        c = np.zeros(2 * atoms)
        c[self.which * atoms : (self.which + 1) * atoms] = -float(sense) * target
        if nudge is not None:
            c += np.concatenate([nudge, nudge[::-1]])
        x, binding = self.joint.extreme(c)
        return float(target @ self.joint._part(x, self.which)), binding

    def spread(self, targets: sparse.csr_matrix) -> tuple[FloatArray, FloatArray]:
        """As :meth:`~sparkus._privacy.lp.Solver.spread`, over both measures' solutions."""
        if not self.witnesses:
            n = targets.shape[0]
            return np.full(n, np.inf), np.full(n, -np.inf)
        values = np.asarray(targets @ np.column_stack(self.witnesses))
        return values.min(axis=1), values.max(axis=1)


def programs(
    cells: sparse.csr_matrix,
    published: BoolArray,
    measures: tuple[Measure, ...],
    *,
    whole: bool,
    joint: bool = True,
    order: sparse.csr_matrix | None = None,
) -> list[Solver | MeasureView]:
    """Each measure's programs: one joint program for a rating and its NPS, else its own.

    ``joint=False`` gives each its own programs, as read apart. `order` (rows of
    ``order @ x <= 0``, see :class:`~sparkus._privacy.lp.Solver`) holds for measures read
    apart; a rating and its NPS never have one.
    """
    found = pair(measures) if joint and order is None else None
    if found is None:
        return [Solver(cells, published, m, whole=whole, order=order) for m in measures]
    i, j = found
    both = JointSolver(cells, published, measures[i], measures[j], whole=whole)
    out: list[Solver | MeasureView] = [Solver(cells, published, m, whole=whole) for m in measures]
    out[i], out[j] = both.view(0), both.view(1)
    return out


def boxes(
    cells: sparse.csr_matrix,
    published: BoolArray,
    measures: tuple[Measure, ...],
    *,
    joint: bool = True,
) -> list[tuple[FloatArray, FloatArray]]:
    """Each measure's :func:`~sparkus._privacy.lp.box`, joint for a rating and its NPS.

    ``joint=False`` gives each its own box, as read apart.
    """
    out = [box(cells, published, m) for m in measures]
    found = pair(measures) if joint else None
    if found is not None:
        i, j = found
        out[i], out[j] = joint_box(cells, published, measures[i], measures[j], out[i], out[j])
    return out


def joint_box(
    cells: sparse.csr_matrix,
    published: BoolArray,
    rating: Measure,
    nps: Measure,
    rating_box: tuple[FloatArray, FloatArray],
    nps_box: tuple[FloatArray, FloatArray],
) -> tuple[tuple[FloatArray, FloatArray], tuple[FloatArray, FloatArray]]:
    """Each atom's sum and NPS as the published cells leave them one at a time, read jointly.

    For an atom of ``n`` ratings in a cell of ``N`` with sum ``S`` and NPS ``Q``: its ``(s, q)``
    lies in ``n`` pentagons and ``(S - s, Q - q)`` in ``N - n``; the corners of those ten
    half-planes bound both. Narrows the separate boxes (`rating_box`, `nps_box`), never widens
    them; a cell whose values no ratings give teaches nothing more here (the programs say so).
    """
    rows = np.flatnonzero(published)
    a = cells[rows].tocoo()
    s_low, s_high = rating_box[0].copy(), rating_box[1].copy()
    q_low, q_high = nps_box[0].copy(), nps_box[1].copy()
    if a.nnz == 0:
        return (s_low, s_high), (q_low, q_high)
    n = nps.high
    total = np.asarray(cells[rows] @ n).ravel()
    r, col = a.row, a.col
    own, rest = n[col], total[r] - n[col]
    point = np.column_stack([rating.sums[rows][r], nps.sums[rows][r]])
    faces = np.vstack([_FACES, -_FACES])
    limits = np.column_stack([np.outer(own, _LIMITS), np.outer(rest, _LIMITS) - point @ _FACES.T])
    tol = 1e-9 * np.maximum(1.0, 10.0 * total[r] + np.abs(point).sum(axis=1)) + 1e-7
    lo = np.full((len(col), 2), np.inf)
    hi = np.full((len(col), 2), -np.inf)
    for f in range(len(faces)):
        for g in range(f + 1, len(faces)):
            corner = faces[[f, g]]
            if abs(np.linalg.det(corner)) < 1e-12:
                continue
            x = np.linalg.solve(corner, limits[:, [f, g]].T).T
            ok = np.all(x @ faces.T <= limits + tol[:, None], axis=1)
            lo[ok] = np.minimum(lo[ok], x[ok])
            hi[ok] = np.maximum(hi[ok], x[ok])
    seen = np.isfinite(lo[:, 0])
    for k, (low, high) in enumerate([(s_low, s_high), (q_low, q_high)]):
        np.maximum.at(low, col[seen], lo[seen, k])
        np.minimum.at(high, col[seen], hi[seen, k])
        np.maximum(high, low, out=high)
    return (s_low, s_high), (q_low, q_high)
