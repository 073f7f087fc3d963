"""What each extra unit of money buys: the plan solved at a range of budgets.

:func:`budget_frontier` ("what does the next 100k buy?") checks its arguments once, builds the
problem with the planning engine (``engine.py``) and solves it at each budget.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Final, cast

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import FloatArray, check_number, describe
from sparkus._errors import Problem, SchemaError
from sparkus._frames import Framed, FrameSpec
from sparkus._results import Result, Table, format_number
from sparkus.matching._planning.engine import (
    CONFIDENCE_LEVEL,
    MIP_REL_GAP,
    TIME_LIMIT,
    PlanOptions,
    PlanSetup,
    PoolKey,
    plan_setup,
    solve_choice,
    solve_setup,
)
from sparkus.matching._planning.integer_program import Solution, min_cost
from sparkus.matching._planning.policy import SupportPolicy
from sparkus.matching._planning.priors import EffectPriors
from sparkus.matching._planning.support_plan import effect_interval
from sparkus.model import Level, Population, Program, Provider, SupportType
from sparkus.triage import TriageResult

__all__ = ["BudgetFrontier", "budget_frontier"]

IntArray = npt.NDArray[np.int64]

_LEVELS: Final = tuple(Level)
_MAX_ROW_PROBLEMS: Final = 20
_UNITS: Final = {
    "priors": "expected effect: people times standard deviations of improvement",
    "per-person effects": "expected effect: the sum of the per-person effects given (in "
    "their units, no interval)",
}


MAX_BUDGETS: Final = 1_000
"""The most budgets one frontier solves (`points`, or the length of `budgets`)."""


@attrs.frozen(repr=False)
class BudgetFrontier(Framed, Result):
    """Expected effect as a function of budget: a curve of solved plans.

    Every array has one entry per budget, in increasing order of budget. Each point is the
    best plan found at that budget (within the requested gap); where a plan for a smaller
    budget was better, it is kept (it fits the larger budget too), so the curve never falls.

    .. versionadded:: 0.1

    Attributes
    ----------
    budgets : ndarray of float
        The budgets, fixed cost included.
    total_cost : ndarray of float
        What each plan spends.
    expected_effect : ndarray of float
        Expected effect of each plan (not equity-weighted).
    confidence_interval : ndarray of shape (k, 2)
        Interval of each expected effect (see :attr:`SupportPlan.confidence_interval`).
    objective : ndarray of float
        The optimised total (equity-weighted if weights were given).
    supported : ndarray of int
        People who get support.
    reach : ndarray of shape (k, 4)
        Share of each :class:`~sparkus.model.Level` supported, most senior first.
    shadow_price : ndarray of float
        The LP relaxation's marginal value of one more unit of budget at each point.
    gap : ndarray of float
        Each plan's proven gap to its bound.
    program_budget : float
        The program's budget, for reference.
    currency : str
        The program's currency.
    confidence_level : float
        The intervals' level.
    weighted : bool
        Whether `objective` is equity-weighted.
    effect_source : {"priors", "per-person effects"}
        Where the expected effects come from (see :attr:`SupportPlan.effect_source`); with
        per-person effects they are in those effects' units and have no interval (NaN).

    Notes
    -----
    ``to_frame(backend="pandas")`` gives one row per budget, indexed by ``budget``:
    ``total_cost``, ``expected_effect``, ``effect_low`` and ``effect_high`` (the interval),
    ``objective``, ``supported``, ``reach_executive``, ``reach_senior_leader``,
    ``reach_manager`` and ``reach_individual_contributor`` (the columns of `reach`),
    ``shadow_price`` and ``gap``; ``backend="polars"`` gives ``budget`` as the first column.

    Examples
    --------
    :func:`budget_frontier` returns one; here at half, the whole and one and a half times the
    program's budget of 75,000:

    >>> from sparkus.datasets import synthetic_org
    >>> from sparkus.matching import budget_frontier
    >>> from sparkus.triage import triage
    >>> org = synthetic_org(n=500, seed=1)
    >>> result = triage(org.population, program=org.program)
    >>> frontier = budget_frontier(org.population, result, org.program, org.providers,
    ...                            budgets=[50_000, 75_000, 100_000])
    >>> frontier
    BudgetFrontier(n=3, budgets=50,000 to 100,000 EUR, expected_effect=27.7 to 51.6)
    >>> frontier.supported
    array([276, 434, 434])
    >>> frontier.gains.round(1)  # expected effect bought by each further 25,000
    array([19. ,  4.9])
    >>> frontier.to_frame().loc[75_000, ["supported", "reach_executive"]].tolist()
    [434.0, 1.0]
    """

    budgets: FloatArray
    total_cost: FloatArray
    expected_effect: FloatArray
    confidence_interval: FloatArray
    objective: FloatArray
    supported: IntArray
    reach: FloatArray
    shadow_price: FloatArray
    gap: FloatArray
    program_budget: float
    currency: str
    confidence_level: float
    weighted: bool
    effect_source: str = "priors"

    @property
    def n(self) -> int:
        """Number of budgets solved."""
        return int(self.budgets.shape[0])

    @property
    def gains(self) -> FloatArray:
        """Expected effect gained from each budget to the next (one fewer than the budgets)."""
        out: FloatArray = np.diff(self.expected_effect)
        return out

    def _frame(self) -> FrameSpec:
        reach = {f"reach_{lv.value}": self.reach[:, k] for k, lv in enumerate(_LEVELS)}
        return {
            "budget": self.budgets, "total_cost": self.total_cost,
            "expected_effect": self.expected_effect, "effect_low": self.confidence_interval[:, 0],
            "effect_high": self.confidence_interval[:, 1], "objective": self.objective,
            "supported": self.supported, **reach, "shadow_price": self.shadow_price,
            "gap": self.gap,
        }, ("budget",)  # fmt: skip

    def _headline(self) -> str:
        cur = self.currency
        return (
            f"n={self.n}, budgets={self.budgets[0]:,.0f} to {self.budgets[-1]:,.0f} {cur}, "
            f"expected_effect={self.expected_effect[0]:,.1f} to {self.expected_effect[-1]:,.1f}"
        )

    def _tables(self) -> list[Table]:
        rows = []
        for k in range(self.n):
            low, high = self.confidence_interval[k]
            if k:
                step = self.budgets[k] - self.budgets[k - 1]
                gain = 1000 * self.gains[k - 1] / step if step > 0 else math.nan
                gained = format_number(float(gain))
            else:
                gained = "-"
            rows.append((
                f"{self.budgets[k]:,.0f}", f"{self.total_cost[k]:,.0f}",
                format_number(int(self.supported[k])), f"{self.expected_effect[k]:,.1f}",
                f"{low:,.1f} to {high:,.1f}" if math.isfinite(low) else "-", gained,
                format_number(float(1000 * self.shadow_price[k])), f"{self.gap[k]:.3%}",
            ))  # fmt: skip
        cur = self.currency
        return [
            Table(
                "Budget frontier",
                (
                    f"budget ({cur})",
                    "cost",
                    "supported",
                    "expected effect",
                    f"{self.confidence_level:.0%} interval",
                    f"gain per 1,000 {cur} (from previous)",
                    f"marginal value per 1,000 {cur} (LP)",
                    "gap",
                ),
                tuple(rows),
                note=f"{_UNITS[self.effect_source]}; the marginal value is the LP "
                "relaxation's shadow price of the budget",
            )
        ]


def _budgets(value: object) -> tuple[FloatArray | None, list[Problem]]:
    if value is None:
        return None, []
    # a mapping would be read by its keys, which are rarely what it means
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        return None, [
            Problem(("budgets",), f"expected a sequence of numbers, got {describe(value)}")
        ]
    items = list(itertools.islice(cast(Iterable[object], value), MAX_BUDGETS + 1))
    problems: list[Problem] = []
    if len(items) > MAX_BUDGETS:
        msg = f"holds more than {MAX_BUDGETS:,} budgets; each is a plan to solve: pass fewer"
        return None, [Problem(("budgets",), msg)]
    for i, b in enumerate(items):
        check_number(b, "budgets", low=0.0, problems=problems)
        if problems and problems[-1].path == ("budgets",):
            problems[-1] = Problem(("budgets", i), problems[-1].message)
    if not items:
        problems.append(Problem(("budgets",), "must hold at least one budget"))
    if problems:
        return None, problems[:_MAX_ROW_PROBLEMS]
    # + 0.0: a budget of -0.0 is 0, as for plan_support (and one budget with 0.0)
    return np.unique(np.asarray([float(cast(float, b)) + 0.0 for b in items])), []


def _budget_frontier_iv(
    population: object,
    triage: object,
    program: object,
    providers: object,
    budgets: object,
    points: object,
    options: PlanOptions,
) -> tuple[PlanSetup, FloatArray | None, int]:
    """Validate the inputs of :func:`budget_frontier` and build the problem."""
    problems: list[Problem] = []
    chosen, found = _budgets(budgets)
    problems += found
    check_number(points, "points", low=2, high=MAX_BUDGETS, integer=True, problems=problems)
    if problems:
        raise SchemaError(problems)
    setup = plan_setup(population, triage, program, providers, budget=None, options=options)
    return setup, chosen, int(cast(int, points))


def _default_budgets(setup: PlanSetup, points: int) -> FloatArray:
    """From the least money that meets minimum reach to what the best plan without budget costs."""
    fixed = setup.fixed_cost
    lowest = min_cost(setup.instance)
    low = fixed + (lowest if lowest is not None else 0.0)
    unlimited = solve_setup(
        attrs.evolve(setup, budget=math.inf, instance=setup.instance.with_budget(math.inf)),
        stacklevel=5,
    )
    high = unlimited.total_cost
    budgets = np.linspace(low, max(high, low), points)
    if low < setup.budget < high:
        budgets = np.append(budgets, setup.budget)
    with np.errstate(over="ignore"):  # cents only where they are within the float's digits
        rounded = np.where(np.abs(budgets) < 1e15, np.round(budgets, 2), budgets)
    return np.unique(rounded)


@attrs.frozen
class _Point:
    """What the frontier reports of one budget's plan (its totals, not the plan itself)."""

    total_cost: float
    expected_effect: float
    confidence_interval: tuple[float, float]
    objective: float
    supported: int
    reach: list[float]
    shadow_price: float
    gap: float


def _point(setup: PlanSetup, solution: Solution, levels: list[npt.NDArray[np.bool_]]) -> _Point:
    """The totals of the plan that gives person i option ``solution.choice[i]``.

    Each is computed as :func:`~sparkus.matching._planning.support_plan.plan_from_choice`
    computes it (the same expressions, so the same floats), without the per-person arrays.
    """
    inst = setup.instance
    choice = solution.choice
    has = choice >= 0
    if inst.cost.size:
        safe = np.where(has, choice, 0)
        cell = np.arange(inst.n) * inst.cost.shape[1] + safe  # (row, safe) in the flat tables
        cost = np.where(has, inst.cost.ravel().take(cell), 0.0)
        objective = float(np.where(has, inst.value.ravel().take(cell), 0.0).sum())
        support = np.where(has, setup.option_support.take(safe), -1)
    else:
        cell = np.zeros(0, dtype=np.int64)
        cost, objective, support = np.zeros(inst.n), 0.0, np.full(inst.n, -1)
    if setup.effect_source == "priors":
        mean, low, high = effect_interval(
            setup.priors, setup.modifier, support, setup.supports, setup.confidence_level
        )
    else:  # the caller's effects: their sum, and no interval
        effect = np.where(has, inst.effect.ravel().take(cell), 0.0) if inst.cost.size else cost
        mean, low, high = float(effect.sum()), math.nan, math.nan
    # a level's share supported: the mean of `has` over its members, as integers over integers
    reach = [
        np.count_nonzero(has & m) / members if (members := np.count_nonzero(m)) else math.nan
        for m in levels
    ]
    return _Point(
        total_cost=float(cost.sum()) + setup.fixed_cost,
        expected_effect=mean,
        confidence_interval=(low, high),
        objective=objective,
        supported=int(np.sum(has)),
        reach=reach,
        shadow_price=solution.budget_price or 0.0,
        gap=solution.gap or 0.0,
    )


def budget_frontier(
    population: Population,
    triage: TriageResult,
    program: Program,
    providers: Sequence[Provider],
    *,
    budgets: Iterable[float] | None = None,
    points: int = 9,
    priors: EffectPriors | None = None,
    policy: SupportPolicy | None = None,
    pools: PoolKey | None = None,
    access: Mapping[str, npt.ArrayLike] | None = None,
    min_reach: Mapping[Level | str, float] | None = None,
    exclude_resistant: bool = True,
    weights: npt.ArrayLike | None = None,
    supports: Iterable[SupportType] | None = None,
    mip_rel_gap: float = MIP_REL_GAP,
    time_limit: float = TIME_LIMIT,
    confidence_level: float = CONFIDENCE_LEVEL,
    effects: Mapping[SupportType | str, npt.ArrayLike] | None = None,
) -> BudgetFrontier:
    """Solve the plan at a range of budgets: what each extra unit of money buys.

    Every argument but `budgets` and `points` means what it means for :func:`plan_support`.

    Parameters
    ----------
    population, triage, program, providers
        As for :func:`plan_support`.
    budgets : iterable of float, optional
        The budgets to solve, fixed cost included; the frontier holds them in increasing
        order, each once (`BudgetFrontier.budgets` says which were solved). By default `points` budgets evenly spaced
        from the least that meets minimum reach (the fixed cost, without it) to what the best
        plan without a budget limit costs, plus the program's budget. To see what the next
        100,000 buys, pass ``[budget, budget + 100_000]``.
    points : int
        Number of default budgets, from 2 to 1,000 (each budget is a plan to solve; `budgets`
        may hold at most 1,000 too).
    priors, policy, pools, access, min_reach, exclude_resistant, weights, supports, effects
        As for :func:`plan_support` (with per-person `effects`, every plan is valued with
        them).
    mip_rel_gap, time_limit, confidence_level
        As for :func:`plan_support`, for each budget.

    Returns
    -------
    BudgetFrontier

    Raises
    ------
    SchemaError
        For invalid arguments, more than 1,000 budgets or `points`, or a budget that is
        negative or not finite.
    InfeasibleError
        If a budget is too small for the constraints; the message says by how much.

    Examples
    --------
    >>> from sparkus.datasets import synthetic_org
    >>> from sparkus.matching import budget_frontier
    >>> from sparkus.triage import triage
    >>> org = synthetic_org(2_000, seed=3)
    >>> result = triage(org.population, program=org.program)
    >>> now = org.program.budget
    >>> frontier = budget_frontier(org.population, result, org.program, org.providers,
    ...                            budgets=[now, now + 100_000])
    >>> bool(frontier.gains[0] > 0)  # what the next 100,000 buys, in expected effect
    True

    .. versionadded:: 0.1
    """
    options = PlanOptions(
        priors=priors, policy=policy, pools=pools, access=access, min_reach=min_reach,
        exclude_resistant=exclude_resistant, weights=weights, supports=supports,
        mip_rel_gap=mip_rel_gap, time_limit=time_limit, confidence_level=confidence_level,
        effects=effects,
    )  # fmt: skip
    setup, chosen, n_points = _budget_frontier_iv(
        population, triage, program, providers, budgets, points, options
    )
    grid = _default_budgets(setup, n_points) if chosen is None else chosen
    solved: list[_Point] = []
    best: _Point | None = None
    start = None  # the structured path starts each budget where the last one's ended
    levels = [setup.level == lv.rank for lv in _LEVELS]
    free = False  # whether the last plan's proof does not depend on the budget
    for b in grid.tolist():
        if free and best is not None and best.total_cost <= b:
            # The last budget's Lagrangian bound has a zero budget price: it bounds every
            # larger budget too, and the last plan fits them with the same proven gap.
            solved.append(best)
            continue
        at = attrs.evolve(
            setup, budget=b, instance=setup.instance.with_budget(b - setup.fixed_cost)
        )
        solution, start = solve_choice(at, start=start, stacklevel=4)
        free = start is not None and solution.reached and solution.budget_price == 0.0
        point = _point(at, solution, levels)
        if best is not None and best.objective > point.objective:
            # The smaller budget's plan fits this budget too, and is better: keep it.
            bound = solution.bound
            gap = max(bound - best.objective, 0.0) / abs(bound) if bound else 0.0
            point = attrs.evolve(best, gap=gap, shadow_price=point.shadow_price)
        best = point
        solved.append(point)
    return BudgetFrontier(
        budgets=grid,
        total_cost=np.array([p.total_cost for p in solved]),
        expected_effect=np.array([p.expected_effect for p in solved]),
        confidence_interval=np.array([p.confidence_interval for p in solved]),
        objective=np.array([p.objective for p in solved]),
        supported=np.array([p.supported for p in solved], dtype=np.int64),
        reach=np.array([p.reach for p in solved]),
        shadow_price=np.array([p.shadow_price for p in solved]),
        gap=np.array([p.gap for p in solved]),
        program_budget=setup.program.budget,
        currency=setup.program.currency,
        confidence_level=setup.confidence_level,
        weighted=setup.weighted,
        effect_source=setup.effect_source,
    )
