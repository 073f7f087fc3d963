"""Linked-table suppression: hide further cells until every hidden cell keeps its width.

One :class:`LinkedTable` is one figure as the attacker sees it (atoms, cells, measures: see
:mod:`sparkus._privacy.lp`), every grouping of the figure together, and any cells published
in earlier releases as *fixed* cells (published, never to be hidden again). :func:`protect`
starts from the primary suppressions and repeats:

1. solve the attacker's programs for every hidden cell and every small group of people
   (a group of fewer than the minimum, which published cells could isolate by differencing);
2. stop when each keeps its protection width (:func:`~sparkus._privacy.lp.required`);
3. otherwise hide, for each exposed one, the cheapest published cell that binds its range
   (its marginal in the attacker's program is not zero), and go to 1;
4. at the end, show again each secondary suppression, dearest first, that the others have made
   unneeded (verified again with the programs).

Hiding a cell only removes a constraint, so the loop ends (at worst with every cell of the
figure hidden) and each round's choice is guided by the programs that failed. This is a greedy,
LP-guided choice, not the optimum: the least-cost pattern is a mixed-integer problem
(Fischetti & Salazar-González 2000, solved by τ-ARGUS and sdcTable for large tables), and the
greedy choice can hide more than it. Solutions found along the way serve as witnesses: a checked
set whose value already differs by its width across two of them is protected without its own
programs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._privacy.joint import MeasureView, boxes, pair, programs
from sparkus._privacy.lp import Inconsistent, Measure, Solver, required, tolerance

if TYPE_CHECKING:
    from scipy import sparse

__all__ = [
    "COMPLEMENT",
    "EARLIER",
    "NONE",
    "OVERLAP",
    "PRIMARY",
    "LinkedTable",
    "Protection",
    "protect_linked",
]

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]

NONE: Final = 0
PRIMARY: Final = 1
"""Hidden before the loop (the caller's rule: a small cell, a change since the last release)."""
COMPLEMENT: Final = 2
"""Hidden to keep another hidden cell's width."""
OVERLAP: Final = 3
"""Hidden to keep a small group of people, isolated by published cells, unrecoverable."""
EARLIER: Final = 4
"""Hidden to keep a cell that an earlier release withheld as wide as it was."""


@attrs.frozen(eq=False)
class LinkedTable:
    """One figure: cells by atoms, who each describes, what hiding it costs, what to check.

    Parameters
    ----------
    cells : csr matrix
        Cells by atoms (0/1).
    people : int array
        People each cell describes.
    fixed : bool array
        Cells published earlier: always published, never hidden.
    cost : float array
        What hiding each cell loses (its people, say).
    measures : tuple of Measure
        The figure's quantities (one, or two sharing the cells: a mean rating and the NPS).
    groups : csr matrix
        Small groups of people to keep unrecoverable (groups by atoms), and `group_people`.
    again : csr matrix, optional
        Cells earlier releases withheld, as they were then (sets by atoms): this release must
        not narrow them below their width; and `again_people`.
    order : csr matrix, optional
        Inequalities ``order @ x <= 0`` between the columns (see :class:`~.lp.Solver`).
    """

    cells: sparse.csr_matrix
    people: IntArray
    fixed: BoolArray
    cost: FloatArray
    measures: tuple[Measure, ...]
    groups: sparse.csr_matrix
    group_people: IntArray
    again: sparse.csr_matrix | None = None
    """Cells earlier releases withheld (sets by atoms), checked again, and `again_people`."""
    again_people: IntArray | None = None
    order: sparse.csr_matrix | None = None
    """Rows of ``order @ x <= 0`` the attacker knows besides the cells (columns that are one
    atom's count in two releases, the earlier at most the later: a completion is final)."""


@attrs.frozen(eq=False)
class Protection:
    """The outcome: why each cell is hidden (NONE if shown), and what stayed exposed."""

    kind: IntArray
    exposed: bool
    """True when a checked set could not be protected by hiding this release's cells (only
    earlier releases pin it); the caller hides the whole figure then."""


def _checks(table: LinkedTable, hidden: BoolArray) -> tuple[sparse.csr_matrix, IntArray, IntArray]:
    """The sets to check.

    The hidden cells (as their rows), the small groups, then the cells earlier releases
    withheld.

    Returns the stacked rows, their people, and for each row the hidden cell it is (or -1
    for a small group, -2 for an earlier withheld cell).
    """
    from scipy import sparse

    rows = np.flatnonzero(hidden & ~table.fixed)
    blocks = [table.cells[rows], table.groups]
    people = [table.people[rows], table.group_people]
    which = [rows, np.full(table.groups.shape[0], -1)]
    if table.again is not None and table.again_people is not None:
        blocks.append(table.again)
        people.append(table.again_people)
        which.append(np.full(table.again.shape[0], -2))
    stacked = sparse.vstack(blocks).tocsr()
    return (stacked, np.concatenate(people).astype(np.int64),
            np.concatenate(which).astype(np.int64))  # fmt: skip


def exposed_sets(
    table: LinkedTable, hidden: BoolArray, k: int, share: float, *, first: bool = False
) -> list[tuple[int, IntArray]]:
    """Each checked set narrower than its width: (its row among the checks, binding cells).

    With `first`, the first such set alone (whether any is exposed is all the caller asks).
    Raises Inconsistent when the published sums cannot all hold (earlier releases whose
    values changed).
    """
    checks, people, _ = _checks(table, hidden)
    if checks.shape[0] == 0:
        return []
    published = ~hidden
    found: dict[int, set[int]] = {}
    # A rating sum and its NPS are read jointly (joint.py), and apart as well: each hidden
    # set keeps the width either reading asks of it. Apart, the joint solutions serve as
    # witnesses, so few sets need programs of their own. Ratings that changed since an earlier
    # release may leave no joint solution: then they are read apart only.
    readings = []
    together: list[Solver | MeasureView] = []
    if pair(table.measures) is not None:
        together = programs(table.cells, published, table.measures, whole=False,
                            order=table.order)  # fmt: skip
        if together[0].feasible():
            readings.append((together, boxes(table.cells, published, table.measures), True))
        else:
            together = []
    apart = programs(table.cells, published, table.measures, whole=False, joint=False,
                     order=table.order)  # fmt: skip
    readings.append((apart, boxes(table.cells, published, table.measures, joint=False), False))
    for solvers, boxed, joint in readings:
        if not joint and together:
            for solver, seen in zip(solvers, together, strict=True):
                solver.witnesses.extend(seen.witnesses)
        earlier: list[Solver | MeasureView] | None = None
        for m, measure in enumerate(table.measures):
            solver = solvers[m]
            if not solver.feasible():
                raise Inconsistent
            need = required(checks, people, measure, boxed[m], k, share)
            scale = np.asarray(checks @ np.maximum(np.abs(measure.low), np.abs(measure.high)))
            slack = tolerance(scale.ravel())
            pending = np.flatnonzero(need > slack)
            low, high = _certify(solver, checks, pending, need - slack, measure.integer)
            nudge = _NUDGE * np.random.default_rng(len(pending)).random(len(measure.low))
            for i in pending:
                if _seen(low, high, i, measure.integer) >= need[i] - slack[i]:
                    continue  # a witness found since shows it wide enough
                target = checks[int(i)].toarray().ravel().astype(np.float64)
                solver.extreme(target, +1, nudge)  # near-extremes first: a tenth of the pivots
                solver.extreme(target, -1, nudge)
                _widen(low, high, checks, pending, solver.witnesses[-2:])
                if _seen(low, high, i, measure.integer) >= need[i] - slack[i]:
                    continue
                top, up = solver.extreme(target, +1)
                bottom, down = solver.extreme(target, -1)
                _widen(low, high, checks, pending, solver.witnesses[-2:])
                if measure.integer:
                    top, bottom = np.floor(top + _EPS), np.ceil(bottom - _EPS)
                if top - bottom >= need[i] - slack[i]:
                    continue
                if table.fixed.any():  # what earlier releases alone leave: no release widens it
                    if earlier is None:
                        earlier = programs(table.cells, table.fixed, table.measures, whole=False,
                                           joint=joint, order=table.order)  # fmt: skip
                    before = earlier[m]
                    wide = before.extreme(target, +1)[0] - before.extreme(target, -1)[0]
                    if top - bottom >= min(need[i], wide) - slack[i]:
                        continue
                found.setdefault(int(i), set()).update(up.tolist(), down.tolist())
                if first:
                    break
            if first and found:
                break
        if first and found:
            break
    return [(i, np.array(sorted(b), dtype=np.int64)) for i, b in sorted(found.items())]


_EPS: Final = 1e-6
_ROUNDS: Final = 16
"""At most this many shared witness programs before checking sets one by one."""
_FEW: Final = 3
"""Sets left unproven at which shared rounds stop paying for themselves."""
_NUDGE: Final = 1e-3
"""Random weights added to one set's objective for a cheap near-extreme: against a 0/1
objective the simplex makes thousands of degenerate pivots, with the nudge a few hundred."""


def _seen(low: FloatArray, high: FloatArray, i: Any, integer: bool) -> Any:
    """The width witnesses show, whole numbers only for an integer measure."""
    if integer:
        return np.floor(high[i] + _EPS) - np.ceil(low[i] - _EPS)
    return high[i] - low[i]


def _widen(low: FloatArray, high: FloatArray, checks: sparse.csr_matrix, rows: IntArray,
           points: Sequence[FloatArray]) -> None:  # fmt: skip
    """Stretch the seen ranges of `rows` of `checks` to hold the values at `points`."""
    if not len(rows) or not points:
        return
    values = np.asarray(checks[rows] @ np.column_stack(points))
    low[rows] = np.minimum(low[rows], values.min(axis=1))
    high[rows] = np.maximum(high[rows], values.max(axis=1))


def _certify(solver: Solver | MeasureView, checks: sparse.csr_matrix, pending: IntArray,
             need: FloatArray, integer: bool = False) -> tuple[FloatArray, FloatArray]:  # fmt: skip
    """Each checked set's range over witnesses shared by many sets at once.

    Each program pushes every still-unproven set up or down at random (one sign per set,
    seeded): a set whose value differs by its width between two solutions is protected without
    programs of its own. Rounds stop when two in a row prove nothing new. Returns the seen
    low and high of every checked set (inf and -inf where unseen).
    """
    n = checks.shape[0]
    low, high = np.full(n, np.inf), np.full(n, -np.inf)
    _widen(low, high, checks, np.arange(n), solver.witnesses)
    rng = np.random.default_rng(len(pending))
    nudge = _NUDGE * rng.random(checks.shape[1])
    idle = 0
    for r in range(_ROUNDS):
        open_ = pending[_seen(low, high, pending, integer) < need[pending]]
        if len(open_) <= _FEW or idle >= 2:
            break
        signs = np.ones(len(open_)) if r < 2 else rng.choice([-1.0, 1.0], size=len(open_))
        # random weights: equal ones leave the simplex thousands of degenerate pivots
        weights = signs * rng.uniform(0.5, 1.5, size=len(open_))
        direction = np.asarray(checks[open_].T @ weights).ravel()
        solver.extreme(direction, -1 if r == 1 else +1, None if r < 2 else nudge)
        before = len(open_)
        _widen(low, high, checks, open_, solver.witnesses[-1:])
        after = int(np.count_nonzero(_seen(low, high, open_, integer) < need[open_]))
        idle = idle + 1 if after == before else 0
    return low, high


def protect_linked(table: LinkedTable, primary: BoolArray, k: int, share: float) -> Protection:
    """Hide cells until every hidden cell and every small group keeps its protection width.

    `primary` marks the cells the caller's rules hide. Raises Inconsistent when the fixed
    cells (earlier releases) and this release's true sums cannot all hold.
    """
    hidden = primary & ~table.fixed
    kind = np.where(hidden, PRIMARY, NONE).astype(np.int64)
    while True:
        found = exposed_sets(table, hidden, k, share)
        if not found:
            return Protection(_prune(table, hidden, kind, k, share), exposed=False)
        _, _, which = _checks(table, hidden)
        chosen: set[int] = set()
        stuck = False
        for row, binding in found:
            options = [int(c) for c in binding if not hidden[c] and not table.fixed[c]]
            if not options:
                options = _touching(table, hidden, int(row))
            if not options:
                stuck = True
                continue
            if chosen.intersection(options):
                continue
            pick = min(options, key=lambda c: (table.cost[c], c))
            chosen.add(pick)
            kind[pick] = COMPLEMENT if which[row] >= 0 else OVERLAP if which[row] == -1 else EARLIER
        if not chosen:
            if stuck:  # only earlier releases pin it: hide everything this release has
                rest = ~hidden & ~table.fixed
                kind[rest] = COMPLEMENT
                return Protection(kind, exposed=True)
            return Protection(kind, exposed=False)  # pragma: no cover - found implies a choice
        hidden[list(chosen)] = True


def _prune(table: LinkedTable, hidden: BoolArray, kind: IntArray, k: int, share: float) -> IntArray:
    """Show again each secondary suppression, dearest first, that the others make unneeded.

    The greedy rounds choose for the sets exposed at the time; a cell chosen early can become
    redundant once later ones are hidden. Each candidate is shown again only if every hidden
    cell and small group still keeps its width without it.
    """
    kind = kind.copy()
    secondary = [int(c) for c in np.flatnonzero(kind >= COMPLEMENT)]
    for c in sorted(secondary, key=lambda c: (-table.cost[c], c)):
        hidden[c] = False
        try:
            fine = not exposed_sets(table, hidden, k, share, first=True)
        except Inconsistent:  # pragma: no cover - showing a true value keeps them consistent
            fine = False
        if fine:
            kind[c] = NONE
        else:
            hidden[c] = True
    return kind


def _touching(table: LinkedTable, hidden: BoolArray, row: int) -> list[int]:
    """Published cells of this release sharing an atom with a checked set.

    The fallback when no marginal points at a binding cell.
    """
    checks, _, _ = _checks(table, hidden)
    atoms = checks[row].indices
    touching = np.flatnonzero(np.asarray(table.cells[:, atoms].sum(axis=1)).ravel() > 0)
    return [int(c) for c in touching if not hidden[c] and not table.fixed[c]]
