"""The structured solver: a Lagrangian dual over the few coupling rows, and a core to settle.

The planning problem is a multiple-choice knapsack: every person takes at most one option, and
a handful of coupling rows tie people together (the budget, each pool's capacity, each group's
minimum reach). With multipliers ``x = (lam, mu, nu) >= 0`` on those rows, the problem splits
into one choice per person: take the option of largest reduced value

    ``value - lam * cost - mu[pool] + nu . groups``

or nothing when none is positive. The Lagrangian ``L(x)``, the sum of those best reduced values
plus ``lam * budget + mu . capacity - nu . reach_min``, is an upper bound on the optimum for
every ``x >= 0``; its minimum equals the LP relaxation's optimum (the per-person polytope is a
simplex, so the relaxation has no duality gap). Each evaluation is one vectorised pass over
people.

1. :func:`minimise_dual` minimises ``L``: L-BFGS-B first (over many people the pieces of
   ``L`` are fine, so a quasi-Newton method gets near the minimum in a few dozen passes), then
   cutting planes in a box around the best point (a box-step bundle method over every pass's
   cut, its small LP solved by ``scipy.optimize.linprog``), until the model of ``L`` cannot
   promise more than a small share of ``L`` within the box.
2. :func:`solve_structured` fixes every person whose best choice at the final multipliers wins
   by a clear margin, and hands the rest, a *core* of the people nearest a tie (the LP's basic
   optimum has at most one fractional person per coupling row), to the general solver
   (``integer_program.solve_general``) with what the fixed people left of the budget, the pools
   and the minimum reach. The core grows when its problem has no plan or the gap is above the
   target; the caller falls back to the general solver on the whole problem if it still is.

The bound reported is the least ``L`` evaluated, which is never below the true optimum.

Along a frontier (:class:`Warm`), only the budget's term ``lam * budget`` of ``L`` changes, so
the last budget's end is moved to the next budget without a pass over the people; the start is
the better of that point and the multipliers extrapolated along the last two budgets. Its
quasi-Newton steps are ``quasi_newton.descend``, a BFGS method whose model of the curvature is
carried from budget to budget (it stays valid: only the budget's term changes); the first warm
budget's steps start as long as the last budget's move, and they stop once a step improves
``L`` by less than a small share of ``mip_rel_gap`` (the cutting planes follow if the gap is
still unproven).
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Iterator
from typing import Final

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import FloatArray
from sparkus.matching._planning.core import fit, repair, residual, settle, top_up, value_of
from sparkus.matching._planning.integer_program import (
    Instance,
    Solution,
    TimedOut,
    Unsolvable,
    gap_of,
    solve,
)
from sparkus.matching._planning.passes import (
    Block,
    Evaluation,
    best_of,
    best_two,
    blocks_of,
    rows_of,
)
from sparkus.matching._planning.quasi_newton import descend
from sparkus.matching._planning.warm import Dual, Warm

__all__ = [
    "STRUCTURED_FROM",
    "Dual",
    "Lagrangian",
    "Warm",
    "minimise_dual",
    "solve_plan",
    "solve_structured",
]

IntArray = npt.NDArray[np.int64]

_MAX_EVALUATIONS: Final = 300

_TOLERANCES: Final = (0.25, 0.05, 0.01, 0.001)  # the dual's, in shares of mip_rel_gap
# A warm start (another budget's end) first tries the quasi-Newton steps alone (an infinite
# tolerance): starting near the minimum, their bound mostly proves the gap already, and the
# cutting planes (the most passes, at the budgets where the pools fill) are left out.
_WARM_TOLERANCES: Final = (math.inf, *_TOLERANCES)

STRUCTURED_FROM: Final = 20_000
"""People from which :func:`solve_plan` tries the structured path first."""


class Lagrangian:
    """The Lagrangian of an instance's coupling rows, in scaled units.

    Values are divided by their mean largest entry and costs by their mean entry, so that every
    multiplier is of the order of one person's value; :meth:`prices` scales them back. The
    arrays are held by :class:`Block` of people open to the same options, option by option
    (O, n) so that each pass reads them contiguously, and only where open (in the benchmark's
    organisation each person is open to 5 or 6 of 21 options).
    """

    def __init__(
        self,
        eligible: npt.NDArray[np.bool_],
        cost: FloatArray,
        value: FloatArray,
        option_pool: IntArray,
        capacity: FloatArray,
        budget: float,
        reach: npt.NDArray[np.bool_],
        reach_min: IntArray,
    ) -> None:
        n, n_options = eligible.shape
        self.reach = reach.astype(np.float32)
        self.blocks = blocks_of(eligible, value, cost, self.reach)  # to be scaled, below
        best = np.full(n, -np.inf)  # each person's largest value, in people's order
        spent = 0.0
        for block in self.blocks:
            most = block.value.max(axis=0, initial=-np.inf)
            if block.people is None:
                best = most
            else:
                best[block.people] = most
            spent += float(np.abs(block.cost).sum())  # 0 where not open
        top = best[np.isfinite(best)]
        self.worth = float(np.mean(np.abs(top))) if top.size and np.any(top) else 1.0
        mean_cost = spent / max(int(np.count_nonzero(eligible)), 1)
        self.money = mean_cost if mean_cost > 0 else 1.0
        for block in self.blocks:
            np.divide(block.value, self.worth, out=block.value)
            np.divide(block.cost, self.money, out=block.cost)
        self.option_pool = option_pool
        self.capacity = capacity.astype(np.float64)
        self.has_budget = math.isfinite(budget)
        self.budget = budget / self.money if self.has_budget else 0.0
        self.reach_min = reach_min.astype(np.float64)
        self.n, self.n_options = n, n_options
        self.pools = int(capacity.shape[0])
        self.groups = int(reach.shape[0])
        # Multipliers: [budget (if any), pools..., groups...]
        self.size = int(self.has_budget) + self.pools + self.groups

    def at_budget(self, budget: float) -> Lagrangian | None:
        """The same people's Lagrangian at another finite budget (arrays shared), or None."""
        if not (self.has_budget and math.isfinite(budget)):
            return None
        out = copy.copy(self)
        out.budget = budget / self.money
        return out

    def split(self, x: FloatArray) -> tuple[float, FloatArray, FloatArray]:
        b = int(self.has_budget)
        lam = float(x[0]) if self.has_budget else 0.0
        return lam, x[b : b + self.pools], x[b + self.pools :]

    def _passes(
        self, x: FloatArray
    ) -> Iterator[tuple[Block, Iterator[FloatArray], tuple[int, int]]]:
        """Each block's reduced values at `x`, row by row (:func:`rows_of`), and their shape."""
        lam, mu, nu = self.split(x)
        per_option = np.append(mu, 0.0)[self.option_pool]  # pool -1 takes the appended 0
        bonus = None
        if self.groups and np.any(nu):
            bonus = (nu.astype(np.float32) @ self.reach).astype(np.float64)
        for block in self.blocks:
            mine = bonus if bonus is None or block.people is None else bonus[block.people]
            yield block, rows_of(block, lam, per_option[block.options], mine), block.value.shape

    def evaluate(self, x: FloatArray) -> Evaluation:
        """``L`` at `x`, a subgradient and each person's choice there: one pass over people."""
        lam, mu, nu = self.split(x)
        value = lam * self.budget + float(mu @ self.capacity) - float(nu @ self.reach_min)
        taken = np.zeros(self.n_options)  # people per option
        reached = np.zeros(self.groups)
        spent = 0.0
        slots = []
        for block, rows, (k, n) in self._passes(x):
            slot, best = best_of(rows, (k, n))
            slots.append(slot)
            value += float(best.sum())  # nothing, and people open to no option: 0
            got = slot >= 0
            mine = np.flatnonzero(got)
            chosen = slot[mine].astype(np.intp)
            if self.has_budget:
                spent += float(block.cost.ravel()[chosen * n + mine].sum())
            taken[block.options] += np.bincount(chosen, minlength=k)
            if self.groups:
                reach = self.reach if block.people is None else block.reach
                reached += reach @ got.astype(np.float32)
        gradient = np.empty(self.size)
        b = int(self.has_budget)
        if self.has_budget:
            gradient[0] = self.budget - spent
        pooled = self.option_pool >= 0
        used = np.bincount(self.option_pool[pooled], weights=taken[pooled],
                           minlength=self.pools)[: self.pools]  # fmt: skip
        gradient[b : b + self.pools] = self.capacity - used
        if self.groups:
            gradient[b + self.pools :] = reached - self.reach_min
        return Evaluation(value, gradient, tuple(slots), self.blocks, self.n)

    def margins(self, x: FloatArray) -> tuple[IntArray, FloatArray]:
        """Each person's best choice at `x` (-1: nothing) and its lead over the runner-up."""
        choice, lead, _, _ = self.leads(x)
        return choice, lead

    def leads(self, x: FloatArray) -> tuple[IntArray, FloatArray, FloatArray, IntArray]:
        """:meth:`margins`, each person's best reduced value at `x` (0: nothing) and runner-up.

        The runner-up is -1 for nothing; where nothing is the best, it is the best option.
        """
        choice = np.full(self.n, -1, dtype=np.int64)
        lead = np.full(self.n, np.inf)  # open to no option: nothing, by any margin
        top = np.zeros(self.n)
        runner = np.full(self.n, -1, dtype=np.int64)
        for block, rows, shape in self._passes(x):
            slot, first, other, second = best_two(rows, shape)
            options = np.append(block.options, -1)  # a slot's option; slot -1 reads the -1
            second -= first
            np.negative(second, out=second)  # the lead
            if block.people is None:
                choice, lead, top, runner = options[slot], second, first, options[other]
            else:
                choice[block.people] = options[slot]
                lead[block.people] = second
                top[block.people] = first
                runner[block.people] = options[other]
        return choice, lead, top, runner

    def prices(self, x: FloatArray) -> tuple[float, FloatArray, FloatArray]:
        """The multipliers in the instance's units: value per currency unit, place, person."""
        lam, mu, nu = self.split(x)
        return lam * self.worth / self.money, mu * self.worth, nu * self.worth


_PRECISION: Final = 2.2e-9  # scipy's default ftol for L-BFGS-B
# The structured path stops the quasi-Newton steps when one improves L by less than this share
# of mip_rel_gap (relative): further digits of the dual's minimum do not change what the gap
# proves, and where they would, the cutting planes follow.
_PRECISION_SHARE: Final = 1e-3

_KEEP_CUTS: Final = 200  # the most recent cuts a warm start carries
_CORE_LEAST = 100
_CORE_PER_ROW = 5


def minimise_dual(
    lagrangian: Lagrangian,
    *,
    tolerance: float,
    start: FloatArray | None = None,
    deadline: float,
    resume: Dual | None = None,
    precision: float = _PRECISION,
) -> Dual:
    """Minimise ``L`` over ``x >= 0`` by box-step cutting planes.

    Stops when the cutting-plane model, within a box around the best point, cannot promise a
    decrease above ``tolerance`` times ``|L|`` (and the box does not bind), or at `deadline`
    (a ``time.perf_counter`` value), or after a few hundred evaluations. `resume` carries on
    from an earlier call's cuts (to a smaller tolerance, say). An infinite `tolerance` stops
    after the quasi-Newton steps.
    """
    from scipy.optimize import linprog

    m = lagrangian.size
    curvature = None
    if resume is not None:
        x, centre, evaluations = resume.x, resume.best, resume.evaluations
        cuts_g, cuts_c, box = list(resume.cuts_g), list(resume.cuts_c), resume.box
        curvature = resume.curvature
        if resume.warm and m:  # a warm start (Warm.resume): the quasi-Newton steps too
            x, centre, extra, curvature = _warm_quasi_newton(
                lagrangian, x, centre, cuts_g, cuts_c, deadline, precision, resume
            )
            evaluations += extra
    else:
        x = np.zeros(m) if start is None or start.shape != (m,) else np.maximum(start, 0.0)
        centre = lagrangian.evaluate(x)
        evaluations = 1
        cuts_g = [centre.gradient]
        cuts_c = [centre.value - float(centre.gradient @ x)]
        box = 0.25
        if m:
            x, centre, extra = _quasi_newton(
                lagrangian, x, centre, cuts_g, cuts_c, deadline, precision
            )
            evaluations += extra
            box = 0.05 * max(1.0, float(np.max(x)))
    if m == 0 or math.isinf(tolerance):  # no cutting planes: the quasi-Newton steps alone
        return Dual(x, centre, evaluations, cuts_g, cuts_c, box, curvature=curvature)
    while evaluations < _MAX_EVALUATIONS:
        if time.perf_counter() > deadline:
            break
        # min t  s.t.  t >= c_k + g_k . y,  max(0, x - box) <= y <= x + box
        g = np.asarray(cuts_g)
        a_ub = np.column_stack([g, -np.ones(len(cuts_g))])
        b_ub = -np.asarray(cuts_c)
        bounds = [(max(0.0, float(v) - box), float(v) + box) for v in x] + [(None, None)]
        c = np.zeros(m + 1)
        c[-1] = 1.0
        res = linprog(c, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
        if res.status != 0 or res.x is None:
            break
        solved = np.asarray(res.x, dtype=np.float64)
        y = solved[:m]
        promised = centre.value - float(solved[-1])
        binds = bool(np.any(np.abs(y - x) >= 0.999 * box))
        if promised <= tolerance * max(abs(centre.value), 1e-12) and not binds:
            break
        trial = lagrangian.evaluate(y)
        evaluations += 1
        cuts_g.append(trial.gradient)
        cuts_c.append(trial.value - float(trial.gradient @ y))
        if centre.value - trial.value >= 0.1 * promised:  # a serious step
            if binds:
                box *= 2.0
            x, centre = y, trial
        elif not binds:
            box = max(box * 0.5, 1e-9)
    return Dual(x, centre, evaluations, cuts_g, cuts_c, box, curvature=curvature)


def _warm_quasi_newton(
    lagrangian: Lagrangian,
    x: FloatArray,
    centre: Evaluation,
    cuts_g: list[FloatArray],
    cuts_c: list[float],
    deadline: float,
    precision: float,
    resume: Dual,
) -> tuple[FloatArray, Evaluation, int, FloatArray]:
    """The warm start's quasi-Newton steps, from the curvature the last budget ended with."""
    kept = _Kept(x, centre, cuts_g, cuts_c)
    _, _, count, curvature = descend(lagrangian.evaluate, x, centre, inverse=resume.curvature,
                                     step=resume.step, precision=precision,
                                     most=_MAX_EVALUATIONS // 2, deadline=deadline,
                                     keep=kept.add)  # fmt: skip
    return kept.x, kept.best, count, curvature


class _Kept:
    """Every point a quasi-Newton method evaluates: kept as a cut, and the best one."""

    def __init__(
        self, x: FloatArray, centre: Evaluation, cuts_g: list[FloatArray], cuts_c: list[float]
    ) -> None:
        self.x, self.best, self.cuts_g, self.cuts_c = x, centre, cuts_g, cuts_c

    def add(self, y: FloatArray, found: Evaluation) -> None:
        self.cuts_g.append(found.gradient)
        self.cuts_c.append(found.value - float(found.gradient @ y))
        if found.value < self.best.value:
            self.x, self.best = y, found


def _quasi_newton(
    lagrangian: Lagrangian,
    x: FloatArray,
    centre: Evaluation,
    cuts_g: list[FloatArray],
    cuts_c: list[float],
    deadline: float,
    precision: float,
) -> tuple[FloatArray, Evaluation, int]:
    """L-BFGS-B on ``L`` from `x` (a cold start): the best point it evaluates, and how many evaluations.

    ``L`` is piecewise linear, but over many people its pieces are fine, so a quasi-Newton
    method gets near the minimum in a few dozen passes; every pass is kept as a cut for the
    cutting planes that finish the job (and every point evaluated is a valid bound).
    """
    from scipy.optimize import minimize

    kept = _Kept(x, centre, cuts_g, cuts_c)
    count = [0]

    def fun(z: FloatArray) -> tuple[float, FloatArray]:
        y = np.maximum(z, 0.0)
        if count[0] == 0 and np.array_equal(z, x):  # L-BFGS-B starts where we are
            count[0] = -1
            return centre.value, centre.gradient
        if time.perf_counter() > deadline:  # pretend a flat function: L-BFGS-B stops
            return kept.best.value, np.zeros_like(y)
        count[0] = max(count[0], 0) + 1
        found = lagrangian.evaluate(y)
        kept.add(y, found)
        return found.value, found.gradient

    minimize(fun, x, jac=True, method="L-BFGS-B", bounds=[(0.0, None)] * lagrangian.size,
             options={"maxiter": 100, "maxfun": _MAX_EVALUATIONS // 2,
                      "ftol": precision})  # fmt: skip
    return kept.x, kept.best, max(count[0], 0)


def solve_structured(
    instance: Instance,
    *,
    mip_rel_gap: float,
    time_limit: float,
    start: Warm | None = None,
) -> Solution | None:
    """The structured path; None when its plan's gap stays above `mip_rel_gap`."""
    started = time.perf_counter()
    deadline = started + 0.5 * time_limit
    shared = None if start is None else start.lagrangian_for(instance)  # built once a frontier
    lagrangian = shared or Lagrangian(instance.eligible, instance.cost, instance.value,
                                      instance.option_pool, instance.capacity, instance.budget,
                                      instance.reach, instance.reach_min)  # fmt: skip
    n = instance.n
    dual = None if start is None else start.resume(lagrangian)
    # A warm start stops its quasi-Newton steps early (the cutting planes follow if need be);
    # a cold one, far from the minimum, takes them to the end before the cutting planes.
    precision = _PRECISION if dual is None else _PRECISION_SHARE * mip_rel_gap
    for share in _TOLERANCES if dual is None else _WARM_TOLERANCES:
        dual = minimise_dual(lagrangian, tolerance=mip_rel_gap * share, deadline=deadline,
                             resume=dual, precision=precision)  # fmt: skip
        dual_seconds = time.perf_counter() - started
        bound = dual.best.value * lagrangian.worth
        choice, lead, top, runner = lagrangian.leads(dual.x)
        # The LP's basic optimum has at most one fractional person per coupling row: a core
        # of 25 people per row (500 at least) leaves its rounding room; it grows if short.
        size = min(n, max(_CORE_LEAST, _CORE_PER_ROW * lagrangian.size, n // 500))
        # Along a frontier, the choices at the dual's prices, dropped where they overfill,
        # mostly prove the gap without the core's two HiGHS calls.
        cores = [0] if start is not None else []
        cores += [size, min(n, size * 8)] if size < n else [n]
        for size in cores:
            held = size
            if size == 0:
                plan = fit(instance, choice, top, lead, runner)
            else:
                core = np.zeros(n, dtype=bool)
                core[np.argpartition(lead, size - 1)[:size] if size < n else slice(None)] = True
                repair(instance, choice, lead, core)
                held = int(core.sum())
                remaining = time_limit - (time.perf_counter() - started)
                if remaining <= 0:
                    return None
                plan = settle(instance, choice, core, bound=bound, scale=lagrangian.worth,
                              mip_rel_gap=mip_rel_gap,
                              time_limit=min(remaining, max(5.0, 0.1 * time_limit)))  # fmt: skip
            if plan is not None:
                best = value_of(instance, plan)
                gap = gap_of(best, max(bound, best), scale=lagrangian.worth)
                if gap <= mip_rel_gap:
                    lam, mu, nu = lagrangian.prices(dual.x)
                    kept = Warm(dual.x, tuple(dual.cuts_g[-_KEEP_CUTS:]),
                                tuple(dual.cuts_c[-_KEEP_CUTS:]), lagrangian.budget,
                                (lagrangian.worth, lagrangian.money), dual.box, lagrangian,
                                instance, dual.best,
                                None if start is None else (start.x, start.budget),
                                dual.curvature)  # fmt: skip
                    settled = (
                        f"milp on a core of {held:,} people nearest a tie"
                        if held
                        else "its choices at those prices, the least keen dropped to fit"
                    )
                    return Solution(
                        choice=plan,
                        objective=best,
                        bound=max(bound, best),
                        lp_bound=bound,
                        gap=gap,
                        reached=True,
                        budget_price=lam,
                        pool_price=mu,
                        reach_price=nu,
                        lp_seconds=dual_seconds,
                        seconds=time.perf_counter() - started,
                        classes=n,
                        variables=int(np.count_nonzero(instance.eligible)),
                        method=(
                            f"Lagrangian dual over {lagrangian.size} coupling rows "
                            f"({dual.evaluations} passes over the people), then {settled}"
                        ),
                        warm=kept,
                    )
    return None


def solve_plan(
    instance: Instance,
    *,
    mip_rel_gap: float,
    time_limit: float,
    structured: bool | None = None,
    start: Warm | None = None,
) -> Solution:
    """Solve `instance`: the structured path first for large ones, the general one otherwise.

    `structured` None chooses by size (from ``STRUCTURED_FROM`` people); True tries it at any
    size. When the structured plan's gap stays above `mip_rel_gap`, the general path solves the
    whole problem and its method says so.
    """
    use = instance.n >= STRUCTURED_FROM if structured is None else structured
    if not use or mip_rel_gap <= 0:  # a zero gap is the general path's to prove
        alone = solve(instance, mip_rel_gap=mip_rel_gap, time_limit=time_limit)
        return _topped_up(instance, alone, mip_rel_gap, time_limit)
    started = time.perf_counter()
    found = solve_structured(instance, mip_rel_gap=mip_rel_gap, time_limit=time_limit,
                             start=start)  # fmt: skip
    if found is not None:
        return found
    remaining = max(time_limit - (time.perf_counter() - started), min(1.0, time_limit))
    general = _topped_up(instance, solve(instance, mip_rel_gap=mip_rel_gap, time_limit=remaining),
                         mip_rel_gap, remaining)  # fmt: skip
    method = "the structured path's gap stayed above mip_rel_gap, so: " + general.method
    return attrs.evolve(general, method=method, seconds=time.perf_counter() - started)


def _topped_up(
    instance: Instance, solution: Solution, mip_rel_gap: float, time_limit: float
) -> Solution:
    """The general path's plan, its idle people planned again where money and places remain.

    HiGHS stops within tolerances relative to the largest value: beside an effect of 1e9,
    effects near 1 are below them, and their people were left idle with money and places to
    spare (a plan reported optimal). When a greedy fill (:func:`top_up`) shows that some idle
    person still fits, the idle people's own problem, around everyone else's choices and in
    its own units, is solved too; the better plan is kept. Adding people only adds value and
    reach, so neither plan breaks a constraint.
    """
    greedy = top_up(instance, solution.choice)
    if greedy is solution.choice:
        return solution
    choice, best = greedy, value_of(instance, greedy)
    idle = np.flatnonzero(solution.choice < 0)
    sub = residual(instance, solution.choice, idle)
    if sub is not None:
        try:
            found = solve(sub, mip_rel_gap=mip_rel_gap, time_limit=time_limit)
        except (Unsolvable, TimedOut):
            found = None
        if found is not None:
            planned = solution.choice.copy()
            planned[idle] = found.choice
            if (value := value_of(instance, planned)) > best:
                choice, best = planned, value
    if not best > solution.objective:
        return solution
    bound = max(solution.bound, best)
    gap = gap_of(best, bound, scale=float(np.abs(instance.value).max(initial=0.0)) or 1.0)
    return attrs.evolve(solution, choice=choice, objective=best, bound=bound, gap=gap,
                        reached=solution.reached or gap <= mip_rel_gap + 1e-12)  # fmt: skip
