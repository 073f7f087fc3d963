"""The planning problem as data, and its general solver path: LP relaxation, then HiGHS' MILP.

An :class:`Instance` holds, for every person and option, whether the person may take the
option, its cost and its value (the equity-weighted expected effect), plus the budget, the
capacity of each pool and the minimum reach of each group. :func:`solve` chooses at most one
option per person to maximise the total value.

People whose rows are identical (same costs, values, eligibility and groups) are
interchangeable, so they are solved as one class with an integer count per option: an exact
reformulation that turns a population of 100,000 into a few hundred classes when people differ
only by level, readiness and dose. The steps:

1. The LP relaxation (``scipy.optimize.linprog``, HiGHS) gives the bound and the shadow
   prices. Its basic solution has at most one fractional count per coupling row (budget, pools,
   reach).
2. Every count the LP left integral is fixed, and ``scipy.optimize.milp`` chooses the
   fractional ones: a handful of variables.
3. If the gap to the LP bound is still above ``mip_rel_gap``, ``scipy.optimize.milp`` solves
   the whole class problem, within ``time_limit``; the better plan is kept and the bound is the
   smaller of the LP's and the MILP's dual bound.

Large instances of people who all differ go first to the structured solver (``lagrange.py``):
a Lagrangian dual over the few coupling rows, and this path on a small core of people.
"""

from __future__ import annotations

import math
import time
from typing import Any, Final, cast

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import BoolArray, FloatArray

__all__ = [
    "Instance",
    "Solution",
    "TimedOut",
    "Unsolvable",
    "diagnose",
    "gap_of",
    "min_cost",
    "solve",
]

IntArray = npt.NDArray[np.int64]

_IPM_FROM: Final = 20_000  # variables from which the LP uses the interior point method
_INTEGRAL: Final = 1e-6


class Unsolvable(Exception):
    """The problem has no feasible plan (raised before any diagnosis)."""


class TimedOut(Exception):
    """The LP relaxation is feasible, but no integer plan was found within the time limit."""


@attrs.frozen(eq=False)
class Instance:
    """One planning problem, as arrays.

    Attributes
    ----------
    eligible : bool array (n, O)
        Whether person i may take option o.
    cost : float array (n, O)
        Cost of option o for person i (read where eligible).
    value : float array (n, O)
        Objective coefficient: equity-weighted expected effect (read where eligible).
    effect : float array (n, O)
        Unweighted expected effect; only used to keep classes exact for reporting.
    option_pool : int array (O,)
        Pool each option draws one place from; -1 for none (unlimited).
    capacity : float array (P,)
        Places in each pool.
    budget : float
        Money for the options (the fixed cost already taken off); ``inf`` for no budget row.
    reach : bool array (R, n)
        Members of each group with a minimum reach.
    reach_min : int array (R,)
        People of each group who must get some option.
    pool_names, reach_names : tuple of str
        For messages.
    """

    eligible: BoolArray
    cost: FloatArray
    value: FloatArray
    effect: FloatArray
    option_pool: IntArray
    capacity: FloatArray
    budget: float
    reach: BoolArray
    reach_min: IntArray
    pool_names: tuple[str, ...] = ()
    reach_names: tuple[str, ...] = ()

    @property
    def n(self) -> int:
        return int(self.eligible.shape[0])

    def with_budget(self, budget: float) -> Instance:
        return attrs.evolve(self, budget=budget)


@attrs.frozen(eq=False)
class Solution:
    """What :func:`solve` found.

    ``choice[i]`` is person i's option, -1 for none. Shadow prices are the LP relaxation's:
    the change of the optimum per unit more of the row's limit (the budget's in value per
    currency unit, a pool's per place, a group's per person more of minimum reach).
    """

    choice: IntArray
    objective: float
    bound: float
    lp_bound: float
    gap: float
    reached: bool
    budget_price: float
    pool_price: FloatArray
    reach_price: FloatArray
    lp_seconds: float
    seconds: float
    classes: int
    variables: int
    method: str
    warm: object = None  # the structured solver's end (lagrange.Warm), to warm-start the next


@attrs.frozen(eq=False)
class _Classes:
    """People grouped into classes of identical rows, and the problem over class counts."""

    inverse: IntArray  # class of each person
    size: IntArray  # people per class
    var_class: IntArray  # class of each variable
    var_option: IntArray  # option of each variable
    var_cost: FloatArray
    var_value: FloatArray
    A: Any  # sparse rows: classes, budget (if any), pools, reach (as <=)
    b: FloatArray
    budget_row: int  # -1 if there is no budget row
    pool_rows: slice
    reach_rows: slice
    money: float  # the budget row is in units of this (a power of two: exact)
    worth: float  # the solver's objective is var_value / worth (a power of two)

    @property
    def objective(self) -> FloatArray:
        """The objective the solvers maximise: the values in units of `worth`."""
        scaled: FloatArray = self.var_value / self.worth
        return scaled


def _row_key(instance: Instance) -> npt.NDArray[np.void]:
    """One opaque key per person: equal keys mean interchangeable people."""
    e = instance.eligible
    parts = [
        e.astype(np.float64),
        np.where(e, instance.cost, 0.0) + 0.0,  # + 0.0 turns -0.0 into 0.0
        np.where(e, instance.value, 0.0) + 0.0,
        np.where(e, instance.effect, 0.0) + 0.0,
        instance.reach.T.astype(np.float64),
    ]
    key = np.ascontiguousarray(np.column_stack(parts))
    return key.view(np.dtype((np.void, key.dtype.itemsize * key.shape[1]))).ravel()


def _classes(instance: Instance) -> _Classes:
    from scipy import sparse

    _, first, inverse, size = np.unique(
        _row_key(instance), return_index=True, return_inverse=True, return_counts=True
    )
    inverse = inverse.ravel().astype(np.int64)
    k = first.shape[0]
    rep_eligible = instance.eligible[first]
    var_class, var_option = np.nonzero(rep_eligible)
    var_class = var_class.astype(np.int64)
    var_option = var_option.astype(np.int64)
    rep = first[var_class]
    var_cost = instance.cost[rep, var_option].astype(np.float64)
    var_value = instance.value[rep, var_option].astype(np.float64)
    nv = var_class.shape[0]
    cols = np.arange(nv)
    rows: list[IntArray] = [var_class]
    columns: list[IntArray] = [cols]
    values: list[FloatArray] = [np.ones(nv)]
    bounds: list[FloatArray] = [size.astype(np.float64)]
    row = k
    budget_row = -1
    # Money and value are solved in units of a power of two near their largest magnitude, so
    # that fees and effects anywhere in the float range reach HiGHS as numbers near one (it
    # treats 1e20 as infinite); the answers are scaled back exactly.
    money, worth = _unit(var_cost), _unit(var_value)
    if math.isfinite(instance.budget):
        budget_row = row
        rows.append(np.full(nv, row))
        columns.append(cols)
        values.append(var_cost / money)
        # a budget above what everyone's dearest option costs cannot bind: cap it there
        dearest = np.zeros(k)
        np.maximum.at(dearest, var_class, var_cost / money)
        with np.errstate(over="ignore"):
            reachable = float(dearest @ size) if nv else 0.0
        bounds.append(np.array([min(instance.budget / money, reachable * (1 + 1e-9) + 1.0)]))
        row += 1
    p = instance.capacity.shape[0]
    pool_of_var = instance.option_pool[var_option]
    pooled = pool_of_var >= 0
    rows.append(row + pool_of_var[pooled])
    columns.append(cols[pooled])
    values.append(np.ones(int(pooled.sum())))
    bounds.append(instance.capacity.astype(np.float64))
    pool_rows = slice(row, row + p)
    row += p
    r = instance.reach.shape[0]
    if r:
        member = instance.reach[:, first].T[var_class]  # (nv, R): the variable's class in group?
        vi, gi = np.nonzero(member)
        rows.append(row + gi)
        columns.append(vi)
        values.append(np.full(vi.shape[0], -1.0))
        bounds.append(-instance.reach_min.astype(np.float64))
    reach_rows = slice(row, row + r)
    row += r
    A = sparse.csc_array(
        (np.concatenate(values), (np.concatenate(rows), np.concatenate(columns))),
        shape=(row, nv),
    )
    return _Classes(
        inverse, size.astype(np.int64), var_class, var_option, var_cost, var_value, A,
        np.concatenate(bounds), budget_row, pool_rows, reach_rows, money, worth,
    )  # fmt: skip


def _unit(values: FloatArray) -> float:
    """The power of two at or just below the largest magnitude of `values` (1 when all are 0)."""
    top = float(np.abs(values).max(initial=0.0))
    return math.ldexp(1.0, math.frexp(top)[1] - 1) if top > 0 else 1.0


def _lp(c: FloatArray, A: Any, b: FloatArray, ub: FloatArray) -> Any:
    """``linprog`` (HiGHS) of min c @ y, A @ y <= b, 0 <= y <= ub.

    Large problems use the interior point method, with crossover to a basic solution: there it
    is much the faster (about 17 s against several minutes for dual simplex at 500,000
    variables).
    """
    from scipy.optimize import linprog

    bounds = cast(Any, np.column_stack([np.zeros_like(ub), ub]))
    if c.shape[0] >= _IPM_FROM:
        return linprog(c, A_ub=A, b_ub=b, bounds=bounds, method="highs-ipm")
    return linprog(c, A_ub=A, b_ub=b, bounds=bounds, method="highs")


def _milp(
    c: FloatArray,
    A: Any,
    lower: FloatArray,
    upper: FloatArray,
    b: FloatArray,
    *,
    gap: float,
    time_limit: float,
) -> Any:
    from scipy.optimize import Bounds, LinearConstraint, milp

    return milp(
        c,
        constraints=LinearConstraint(A, -np.inf, b),
        integrality=np.ones(c.shape[0], dtype=np.int8),
        bounds=Bounds(lower, upper),
        options={"mip_rel_gap": gap, "time_limit": max(time_limit, 1e-3), "disp": False},
    )


def _value(cl: _Classes, y: FloatArray) -> float:
    return float(cl.var_value @ y)


def _fix_and_solve(cl: _Classes, y_lp: FloatArray, *, time_limit: float) -> FloatArray | None:
    """Keep the LP's integral counts; let the MILP choose the fractional ones."""
    low = np.floor(y_lp + _INTEGRAL)
    high = np.ceil(y_lp - _INTEGRAL)
    free = np.flatnonzero(high > low)
    fixed = low.copy()
    if not free.size:
        return fixed if np.all(cl.A @ fixed <= cl.b + 1e-6) else None
    fixed[free] = 0.0
    rhs = cl.b - cl.A @ fixed
    sub = cl.A[:, free]
    res = _milp(-cl.objective[free], sub, low[free], high[free], rhs, gap=0.0,
                time_limit=time_limit)  # fmt: skip
    if res.x is None:
        return None
    y = fixed
    y[free] = np.round(res.x)
    return y


def _assign(cl: _Classes, y: FloatArray, n: int) -> IntArray:
    """Per person an option (-1: none), people of a class taking the class's counts in row order."""
    counts = np.round(y).astype(np.int64)
    take = np.flatnonzero(counts > 0)
    order = np.argsort(cl.inverse, kind="stable")  # people grouped by class, in row order
    class_start = np.concatenate([[0], np.cumsum(cl.size)[:-1]])
    # Variables are grouped by class (np.nonzero is row-major): offsets within each class.
    c = counts[take]
    k = cl.var_class[take]
    ends = np.cumsum(c)
    starts = ends - c
    first_of_class = np.concatenate([[True], k[1:] != k[:-1]]) if take.size else np.zeros(0, bool)
    class_offset = np.maximum.accumulate(np.where(first_of_class, starts, 0)) if take.size else c
    within = starts - class_offset
    total = int(c.sum())
    position = np.arange(total) - np.repeat(starts, c) + np.repeat(class_start[k] + within, c)
    choice = np.full(n, -1, dtype=np.int64)
    choice[order[position]] = np.repeat(cl.var_option[take], c)
    return choice


def solve(instance: Instance, *, mip_rel_gap: float, time_limit: float) -> Solution:
    """Choose at most one option per person to maximise total value; see the module docstring.

    Raises
    ------
    Unsolvable
        If the LP relaxation is infeasible (so is every integer plan).
    """
    started = time.perf_counter()
    cl = _classes(instance)
    nv = cl.var_value.shape[0]
    ub = cl.size[cl.var_class].astype(np.float64)
    if nv == 0:
        if np.any(instance.reach_min > 0):
            raise Unsolvable
        return Solution(np.full(instance.n, -1, dtype=np.int64), 0.0, 0.0, 0.0, 0.0, True,
                        0.0, np.zeros(instance.capacity.shape[0]), np.zeros(0), 0.0,
                        time.perf_counter() - started, int(cl.size.shape[0]), 0,
                        "nothing to choose")  # fmt: skip
    t0 = time.perf_counter()
    lp = _lp(-cl.objective, cl.A, cl.b, ub)
    lp_seconds = time.perf_counter() - t0
    if lp.status == 2:
        raise Unsolvable
    if lp.status != 0:
        msg = f"the LP relaxation failed: {lp.message}"
        raise RuntimeError(msg)
    lp_bound = -float(lp.fun) * cl.worth
    marginals = -np.asarray(lp.ineqlin.marginals, dtype=np.float64) * cl.worth
    budget_price = float(marginals[cl.budget_row]) / cl.money if cl.budget_row >= 0 else 0.0
    pool_price = marginals[cl.pool_rows]
    reach_price = -marginals[cl.reach_rows]  # rows were written as -reach <= -min
    remaining = time_limit - (time.perf_counter() - started)
    y = _fix_and_solve(cl, np.asarray(lp.x), time_limit=max(remaining, min(1.0, time_limit)))
    best = -np.inf if y is None else _value(cl, y)
    bound = lp_bound
    method = "LP relaxation, then milp on its fractional counts"
    if y is None or gap_of(best, bound, scale=cl.worth) > mip_rel_gap:
        remaining = time_limit - (time.perf_counter() - started)
        res = _milp(-cl.objective, cl.A, np.zeros(nv), ub, cl.b, gap=mip_rel_gap,
                    time_limit=max(remaining, min(1.0, time_limit)))  # fmt: skip
        if res.x is not None:
            candidate = np.round(res.x)
            if _value(cl, candidate) > best:
                y, best = candidate, _value(cl, candidate)
        if res.status == 2:
            raise Unsolvable
        dual = getattr(res, "mip_dual_bound", None)
        if dual is not None and math.isfinite(dual):
            bound = min(bound, -float(dual) * cl.worth)
        method = "LP relaxation, then milp on the whole problem"
    if y is None:
        raise TimedOut
    bound = max(bound, best)
    gap = gap_of(best, bound, scale=cl.worth)
    return Solution(
        choice=_assign(cl, y, instance.n),
        objective=best,
        bound=bound,
        lp_bound=lp_bound,
        gap=gap,
        reached=gap <= mip_rel_gap + 1e-12,
        budget_price=budget_price,
        pool_price=pool_price,
        reach_price=reach_price,
        lp_seconds=lp_seconds,
        seconds=time.perf_counter() - started,
        classes=int(cl.size.shape[0]),
        variables=nv,
        method=method,
    )


def gap_of(objective: float, bound: float, *, scale: float) -> float:
    """Share of the bound the plan may fall short of the optimum by (0 when they agree).

    A shortfall within 1e-9 of the larger of `bound` and `scale` (the objective's own unit,
    such as its largest coefficient) is rounding and counts as none: the test is the same
    whatever the unit the values are stated in, so a plan does not change when every value
    is multiplied by a power of two.
    """
    if not math.isfinite(objective):
        return math.inf
    shortfall = max(bound - objective, 0.0)
    if shortfall <= 1e-9 * max(abs(scale), abs(bound)):
        return 0.0
    return shortfall / abs(bound) if bound else math.inf


def min_cost(instance: Instance) -> float | None:
    """The least money that meets every minimum reach within capacity (no budget), or None.

    Solved as an integer program (exactly); 0 without minimum reach.
    """
    if not instance.reach_min.size or not np.any(instance.reach_min > 0):
        return 0.0
    cl = _classes(instance.with_budget(math.inf))
    if not cl.var_cost.size:
        return None
    ub = cl.size[cl.var_class].astype(np.float64)
    res = _milp(cl.var_cost / cl.money, cl.A, np.zeros_like(ub), ub, cl.b, gap=0.0,
                time_limit=60.0)  # fmt: skip
    return None if res.x is None else float(cl.var_cost @ np.round(res.x))


def diagnose(instance: Instance, *, fixed_cost: float, total_budget: float, currency: str) -> str:
    """Say which constraint cannot be met, and by how much, for a problem with no plan."""
    if total_budget < fixed_cost:
        return (
            f"the fixed cost {fixed_cost:,.0f} {currency} exceeds the budget "
            f"{total_budget:,.0f} {currency}: short by {fixed_cost - total_budget:,.0f} {currency}"
        )
    n_supportable = instance.eligible.any(axis=1)
    short = []
    for g, name in enumerate(instance.reach_names):
        can = int(np.sum(instance.reach[g] & n_supportable))
        need = int(instance.reach_min[g])
        if can < need:
            short.append(
                f"`min_reach` for {name} needs {need:,} people supported, but only {can:,} of "
                f"its {int(instance.reach[g].sum()):,} can be offered any support (the others "
                f"are resistant and excluded, not assessed, or ruled out by readiness or "
                f"pool access): short by {need - can:,}"
            )
    if short:
        return "; ".join(short)
    # Cheapest way to meet the reach within capacity, without the budget: an LP bound.
    no_budget = instance.with_budget(math.inf)
    cl = _classes(no_budget)
    ub = cl.size[cl.var_class].astype(np.float64)
    res = _lp(cl.var_cost, cl.A, cl.b, ub)
    if res.status == 2:
        pieces = []
        for g, name in enumerate(instance.reach_names):
            alone = attrs.evolve(
                no_budget, reach=instance.reach[g : g + 1], reach_min=instance.reach_min[g : g + 1]
            )
            one = _classes(alone)
            ub1 = one.size[one.var_class].astype(np.float64)
            rows = one.reach_rows.start
            out = _lp(-np.ones(ub1.shape[0]), one.A[:rows], one.b[:rows], ub1)
            members = instance.reach[g]
            most = min(math.floor(-out.fun + 1e-6), int(members.sum())) if out.status == 0 else 0
            need = int(instance.reach_min[g])
            if most < need:
                pieces.append(
                    f"`min_reach` for {name} needs {need:,} people supported, but the pools' "
                    f"capacity allows at most {most:,}: short by {need - most:,} places"
                )
        if pieces:
            return "; ".join(pieces)
        return (
            "the `min_reach` constraints together need more places than the pools' capacity "
            "holds; lower them or add providers"
        )
    money = float(res.fun) + fixed_cost
    how = "the LP bound, fixed cost included; the integer plan may need a little more"
    if money <= total_budget:  # fractions of people fit the budget, whole ones do not
        least = min_cost(instance)
        if least is None:
            return (
                "the `min_reach` constraints can be met within the pools' capacity and access "
                "by fractions of people only (or no plan of whole people was found within 60 "
                "s); lower them or add providers"
            )
        money, how = least + fixed_cost, "the least an integer plan costs, fixed cost included"
    return (
        f"meeting `min_reach` within the pools' capacity needs a budget of at least "
        f"{money:,.0f} {currency} ({how}), but the budget is {total_budget:,.0f} {currency}: "
        f"short by {money - total_budget:,.0f} {currency}"
    )
