"""What the money buys: the budget frontier, and the usual answers beside the triaged plan.

:func:`budget_frontier` solves the plan at a range of budgets ("what does the next 100k
buy?"). :func:`compare_scenarios` puts "executives only", "everyone gets a coach", the triaged
plan and any plan of the user's side by side, all valued with the same priors, which is where a
claim such as "saves up to 75% of the coaching budget without sacrificing impact" is tested on
the user's own numbers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final, cast

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import describe
from sparkus._errors import Problem, SchemaError
from sparkus._fields import not_one_of
from sparkus._results import Result, Table, format_number
from sparkus.matching._planning.integer_program import min_cost
from sparkus.matching._planning.plan import (
    PlanConstraint,
    PlanSetup,
    PoolKey,
    SupportPlan,
    check_common,
    check_number,
    effect_interval,
    objects,
    plan_setup,
    solve_setup,
)
from sparkus.matching._planning.priors import EffectPriors
from sparkus.matching._planning.recommend import SupportPolicy
from sparkus.model import Level, Population, Program, Provider, SupportType
from sparkus.triage import ReadinessLevel, TriageResult

__all__ = ["BudgetFrontier", "ScenarioComparison", "budget_frontier", "compare_scenarios"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

EXECUTIVES_ONLY: Final = "executives only"
EVERYONE: Final = "everyone gets a coach"
TRIAGED: Final = "triaged"
_LEVELS: Final = tuple(Level)
_SELF: Final = SupportType.SELF_GUIDED_REFLECTION
_MAX_ROW_PROBLEMS: Final = 20


# -- the budget frontier -----------------------------------------------------------------------


@attrs.frozen(repr=False)
class BudgetFrontier(Result):
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
    array([277, 434, 434])
    >>> frontier.gains.round(1)  # expected effect bought by each further 25,000
    array([19.1,  4.8])
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

    @property
    def n(self) -> int:
        """Number of budgets solved."""
        return int(self.budgets.shape[0])

    @property
    def gains(self) -> FloatArray:
        """Expected effect gained from each budget to the next (one fewer than the budgets)."""
        out: FloatArray = np.diff(self.expected_effect)
        return out

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
                f"{low:,.1f} to {high:,.1f}", gained,
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
                note=(
                    "expected effect: people times standard deviations of improvement; the "
                    "marginal value is the LP relaxation's shadow price of the budget"
                ),
            )
        ]


def _budgets(value: object) -> tuple[FloatArray | None, list[Problem]]:
    if value is None:
        return None, []
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        return None, [
            Problem(("budgets",), f"expected a sequence of numbers, got {describe(value)}")
        ]
    items = list(cast(Iterable[object], value))
    problems: list[Problem] = []
    for i, b in enumerate(items):
        check_number(problems, "budgets", b, low=0.0)
        if problems and problems[-1].path == ("budgets",):
            problems[-1] = Problem(("budgets", i), problems[-1].message)
    if not items:
        problems.append(Problem(("budgets",), "must hold at least one budget"))
    if problems:
        return None, problems[:_MAX_ROW_PROBLEMS]
    return np.unique(np.asarray([float(cast(float, b)) for b in items])), []


def _budget_frontier_iv(
    population: object,
    triage: object,
    program: object,
    providers: object,
    budgets: object,
    points: object,
    **options: Any,
) -> tuple[PlanSetup, FloatArray | None, int]:
    problems: list[Problem] = []
    chosen, found = _budgets(budgets)
    problems += found
    if isinstance(points, bool) or not isinstance(points, int) or points < 2:
        problems.append(Problem(("points",), f"expected an integer >= 2, got {describe(points)}"))
    if problems:
        raise SchemaError(problems)
    setup = plan_setup(population, triage, program, providers, budget=None, **options)
    return setup, chosen, cast(int, points)


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
    return np.unique(np.round(budgets, 2))


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
    mip_rel_gap: float = 1e-3,
    time_limit: float = 60.0,
    confidence_level: float = 0.95,
) -> BudgetFrontier:
    """Solve the plan at a range of budgets: what each extra unit of money buys.

    Every argument but `budgets` and `points` means what it means for :func:`plan_support`.

    Parameters
    ----------
    population, triage, program, providers
        As for :func:`plan_support`.
    budgets : iterable of float, optional
        The budgets to solve, fixed cost included. By default `points` budgets evenly spaced
        from the least that meets minimum reach (the fixed cost, without it) to what the best
        plan without a budget limit costs, plus the program's budget. To see what the next
        100,000 buys, pass ``[budget, budget + 100_000]``.
    points : int
        Number of default budgets, ``>= 2``.
    priors, policy, pools, access, min_reach, exclude_resistant, weights, supports
        As for :func:`plan_support`.
    mip_rel_gap, time_limit, confidence_level
        As for :func:`plan_support`, for each budget.

    Returns
    -------
    BudgetFrontier

    Raises
    ------
    SchemaError
        For invalid arguments.
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
    setup, chosen, n_points = _budget_frontier_iv(
        population, triage, program, providers, budgets, points, priors=priors, policy=policy,
        pools=pools, access=access, min_reach=min_reach, exclude_resistant=exclude_resistant,
        weights=weights, supports=supports, mip_rel_gap=mip_rel_gap, time_limit=time_limit,
        confidence_level=confidence_level,
    )  # fmt: skip
    grid = _default_budgets(setup, n_points) if chosen is None else chosen
    plans: list[SupportPlan] = []
    best: SupportPlan | None = None
    for b in grid.tolist():
        at = attrs.evolve(
            setup, budget=b, instance=setup.instance.with_budget(b - setup.fixed_cost)
        )
        plan = solve_setup(at, stacklevel=4)
        if best is not None and best.objective > plan.objective:
            # The smaller budget's plan fits this budget too, and is better: keep it.
            bound = plan.bound if plan.bound is not None else best.objective
            gap = max(bound - best.objective, 0.0) / abs(bound) if bound else 0.0
            plan = attrs.evolve(best, budget=b, bound=bound, gap=gap,
                                budget_shadow_price=plan.budget_shadow_price)  # fmt: skip
        best = plan
        plans.append(plan)
    levels = [np.asarray(p.level) == lv.rank for p in plans[:1] for lv in _LEVELS]
    reach = np.array([
        [float(np.mean(p.support[m] != None)) if m.any() else math.nan for m in levels]
        for p in plans
    ])  # fmt: skip
    return BudgetFrontier(
        budgets=grid,
        total_cost=np.array([p.total_cost for p in plans]),
        expected_effect=np.array([p.expected_effect for p in plans]),
        confidence_interval=np.array([p.confidence_interval for p in plans]),
        objective=np.array([p.objective for p in plans]),
        supported=np.array([p.supported for p in plans], dtype=np.int64),
        reach=reach,
        shadow_price=np.array([p.budget_shadow_price or 0.0 for p in plans]),
        gap=np.array([p.gap or 0.0 for p in plans]),
        program_budget=setup.program.budget,
        currency=setup.program.currency,
        confidence_level=setup.confidence_level,
        weighted=setup.weighted,
    )


# -- scenarios ---------------------------------------------------------------------------------


@attrs.frozen(repr=False)
class ScenarioComparison(Result):
    """Plans side by side: cost, reach by level, expected effect, cost per unit of effect.

    Every scenario is valued with the same priors. The first two are the usual answers:
    ``"executives only"`` (every executive gets full coaching) and ``"everyone gets a
    coach"`` (everyone gets full coaching, the triage's ``full_sessions``), neither held to
    the budget or to capacity (the table says whether they fit); ``"triaged"`` is the
    five-step approach (:func:`plan_support`); then the user's plans.

    .. versionadded:: 0.1

    Attributes
    ----------
    names : tuple of str
        Scenario names, in table order.
    plans : tuple of SupportPlan
        The plan of each scenario.
    budget : float
        The program's budget.
    currency : str
        The program's currency.
    confidence_level : float
        The level of the effect intervals.
    reference : str
        The scenario savings are measured against: ``"everyone gets a coach"``.

    Examples
    --------
    :func:`compare_scenarios` returns one:

    >>> from sparkus.datasets import synthetic_org
    >>> from sparkus.matching import compare_scenarios
    >>> from sparkus.triage import triage
    >>> org = synthetic_org(n=500, seed=1)
    >>> result = triage(org.population, program=org.program)
    >>> table = compare_scenarios(org.population, result, org.program, org.providers)
    >>> table
    ScenarioComparison(n=500, scenarios=3, triaged: cost 6.4% and effect 23.4% of
    'everyone gets a coach')
    >>> for name, m in table.metrics.items():
    ...     print(f"{name:<21}  cost {m['cost']:>9,.0f}  fits budget: {m['fits_budget']}")
    executives only        cost    29,560  fits budget: True
    everyone gets a coach  cost 1,165,000  fits budget: False
    triaged                cost    74,660  fits budget: True
    >>> table.plan("triaged").supported
    434
    """

    names: tuple[str, ...]
    plans: tuple[SupportPlan, ...]
    budget: float
    currency: str
    confidence_level: float
    reference: str = EVERYONE

    @property
    def n(self) -> int:
        """Number of people."""
        return self.plans[0].n

    def plan(self, name: str) -> SupportPlan:
        """The plan of scenario `name`."""
        if name not in self.names:
            msg = f"no scenario {name!r}; the scenarios are: {', '.join(self.names)}"
            raise SchemaError([Problem(("name",), msg)])
        return self.plans[self.names.index(name)]

    @property
    def metrics(self) -> dict[str, dict[str, float | bool]]:
        """Per scenario: cost, reach, expected effect, interval, cost per effect, fits, ratios.

        ``cost_vs_reference`` and ``effect_vs_reference`` are the scenario's cost and expected
        effect as shares of the reference scenario's ("everyone gets a coach").
        """
        ref = self.plan(self.reference)
        out: dict[str, dict[str, float | bool]] = {}
        for name, p in zip(self.names, self.plans, strict=True):
            low, high = p.confidence_interval
            by_level = p.totals("level")
            row: dict[str, float | bool] = {
                "cost": p.total_cost,
                "share_of_budget": p.total_cost / self.budget if self.budget else math.inf,
                "supported": p.supported,
                "expected_effect": p.expected_effect,
                "effect_low": low,
                "effect_high": high,
                "cost_per_effect": p.cost_per_effect,
                "fits_budget": p.total_cost <= self.budget * (1 + 1e-12),
                "fits_capacity": all(c.met for c in p.constraints if c.kind == "capacity"),
                "cost_vs_reference": p.total_cost / ref.total_cost if ref.total_cost else math.nan,
                "effect_vs_reference": (
                    p.expected_effect / ref.expected_effect if ref.expected_effect else math.nan
                ),
            }
            for level, t in by_level.items():
                row[f"reach_{level}"] = t["supported"] / t["people"] if t["people"] else math.nan
            out[name] = row
        return out

    def _headline(self) -> str:
        m = self.metrics.get(TRIAGED)
        if m is None:
            return f"n={self.n}, scenarios={len(self.names)}"
        return (
            f"n={self.n}, scenarios={len(self.names)}, triaged: cost "
            f"{m['cost_vs_reference']:.1%} and effect {m['effect_vs_reference']:.1%} of "
            f"{self.reference!r}"
        )

    def _tables(self) -> list[Table]:
        metrics = self.metrics
        cur = self.currency
        level = f"{self.confidence_level:.0%}"
        main = Table(
            "Scenarios",
            (
                "scenario",
                "supported",
                f"cost ({cur})",
                "share of budget",
                "expected effect",
                f"{level} interval",
                f"cost per unit of effect ({cur})",
                "fits budget",
                "fits capacity",
            ),
            tuple(
                (
                    name,
                    format_number(int(m["supported"])),
                    f"{m['cost']:,.0f}",
                    f"{m['share_of_budget']:.1%}",
                    f"{m['expected_effect']:,.1f}",
                    f"{m['effect_low']:,.1f} to {m['effect_high']:,.1f}",
                    f"{m['cost_per_effect']:,.0f}",
                    format_number(bool(m["fits_budget"])),
                    format_number(bool(m["fits_capacity"])),
                )
                for name, m in metrics.items()
            ),
            note=(
                "expected effect: people times standard deviations of improvement, from the "
                "priors; the interval reflects uncertainty about each support type's average "
                "effect; costs include the fixed cost"
            ),
        )
        reach = Table(
            "Reach by level (share supported)",
            ("scenario", *(lv.value for lv in _LEVELS)),
            tuple(
                (name, *(f"{m[f'reach_{lv.value}']:.1%}" for lv in _LEVELS))
                for name, m in metrics.items()
            ),
        )
        triaged = metrics.get(TRIAGED)
        verdict = ""
        if triaged is not None:
            saving = 1 - float(triaged["cost_vs_reference"])
            kept = float(triaged["effect_vs_reference"])
            holds = "holds" if saving > 0 and kept >= 1 else "does not hold"
            verdict = (
                f"; here the triaged plan saves {saving:.1%} of the cost and keeps {kept:.1%} "
                f"of the expected effect, so the claim {holds} under these priors"
            )
        against = Table(
            f"Against {self.reference!r}",
            ("scenario", "cost", "saving", "expected effect kept"),
            tuple(
                (
                    name,
                    f"{float(m['cost_vs_reference']):.1%}",
                    f"{1 - float(m['cost_vs_reference']):.1%}",
                    f"{float(m['effect_vs_reference']):.1%}",
                )
                for name, m in metrics.items()
            ),
            note=(
                "'saves up to 75% of the coaching budget without sacrificing impact' holds for "
                f"a scenario only if it saves money and keeps at least 100% of the effect{verdict}"
            ),
        )
        return [main, reach, against]


def _fixed_plan(
    population: Population,
    triage: TriageResult,
    program: Program,
    providers: Sequence[Provider],
    priors: EffectPriors,
    support: npt.NDArray[np.object_],
    sessions: IntArray,
    confidence_level: float,
    method: str,
) -> SupportPlan:
    """Value a given assignment (SupportType or None per person) with the priors; no solving."""
    n = len(population)
    used = tuple(s for s in SupportType if np.any(support == s))
    code = np.full(n, -1, dtype=np.int64)
    cost = np.zeros(n)
    effect = np.zeros(n)
    readiness = np.asarray(triage.level, dtype=np.int8)
    modifier_table = np.array([priors.readiness_modifier[r] for r in ReadinessLevel] + [1.0])
    modifier = modifier_table[readiness.astype(np.int64)]
    costs = program.cost_model
    for k, s in enumerate(used):
        m = support == s
        code[m] = k
        one_off = costs.per_person(s, sessions=0)
        per_session = costs.per_person(s, sessions=1) - one_off
        cost[m] = one_off + per_session * sessions[m]
        effect[m] = priors.priors[s].effect * modifier[m]
    mean, low, high = effect_interval(priors, modifier, code, used, confidence_level)
    total = float(cost.sum()) + costs.fixed_cost
    constraints = [PlanConstraint("budget", "budget", total, program.budget, None, False)]
    for k, s in enumerate(used):
        places = [p.capacity for p in providers if p.support_type is s]
        if s is _SELF and not places:
            continue  # self-guided reflection without providers has no limit
        constraints.append(PlanConstraint(
            f"capacity {s.value}", "capacity", float(np.sum(code == k)), float(sum(places)),
            None, False,
        ))  # fmt: skip
    return SupportPlan(
        ids=population.ids,
        support=objects(used, code),
        pool=np.full(n, None, dtype=object),
        sessions=np.where(code >= 0, sessions, 0).astype(np.int64),
        cost=cost,
        effect=effect,
        level=np.asarray(population["level"], dtype=np.int8),
        readiness=readiness,
        department=population.decode("department"),
        supports=used,
        budget=program.budget,
        fixed_cost=costs.fixed_cost,
        total_cost=total,
        expected_effect=mean,
        confidence_interval=(low, high),
        confidence_level=confidence_level,
        objective=mean,
        bound=None,
        lp_bound=None,
        gap=None,
        budget_shadow_price=None,
        constraints=tuple(constraints),
        status="fixed",
        method=method,
        weighted=False,
        solve_seconds=None,
        lp_seconds=None,
        currency=program.currency,
        priors=priors,
    )


def _user_assignment(
    name: str,
    value: object,
    population: Population,
    triage: TriageResult,
    priors: EffectPriors,
) -> tuple[npt.NDArray[np.object_], IntArray, list[Problem]]:
    """A user's plan as support per person and sessions per person, with any problems."""
    n = len(population)
    path: tuple[str | int, ...] = ("plans", name)
    if isinstance(value, SupportPlan):
        if not np.array_equal(value.ids, population.ids):
            msg = "must be a plan of this population: its ids, in the same order"
            return np.empty(0, object), np.empty(0, np.int64), [Problem(path, msg)]
        return value.support.copy(), value.sessions.copy(), []
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        msg = f"expected a SupportPlan or one SupportType or None per person, got {describe(value)}"
        return np.empty(0, object), np.empty(0, np.int64), [Problem(path, msg)]
    items = list(cast(Iterable[object], value))
    problems: list[Problem] = []
    if len(items) != n:
        msg = f"expected one SupportType or None per person ({n}), got {len(items)}"
        return np.empty(0, object), np.empty(0, np.int64), [Problem(path, msg)]
    bad = [i for i, s in enumerate(items) if s is not None and not isinstance(s, SupportType)]
    problems += [
        Problem((*path, i), not_one_of(items[i], SupportType)) for i in bad[:_MAX_ROW_PROBLEMS]
    ]
    if problems:
        return np.empty(0, object), np.empty(0, np.int64), problems
    support = np.empty(n, dtype=object)
    support[:] = items
    dose = np.asarray(triage.sessions, dtype=np.int64)
    sessions = np.zeros(n, dtype=np.int64)
    for s in SupportType:
        m = support == s
        if not m.any():
            continue
        if s not in priors.priors:
            problems.append(Problem(path, f"uses {s.value!r}, which has no prior"))
            continue
        prior = priors.priors[s].sessions
        sessions[m] = prior if s is _SELF else np.where(dose[m] > 0, dose[m], prior)
    return support, sessions, problems


def _compare_scenarios_iv(
    population: object,
    triage: object,
    program: object,
    providers: object,
    triaged: object,
    plans: object,
    priors: object,
    confidence_level: object,
) -> tuple[Population, TriageResult, Program, tuple[Provider, ...], EffectPriors]:
    if triaged is not None and not isinstance(triaged, SupportPlan):
        got = type(triaged).__name__
        msg = f"expected a SupportPlan (from plan_support) or None, got {got}"
        raise SchemaError([Problem(("triaged",), msg)])
    if priors is None:
        priors = triaged.priors if isinstance(triaged, SupportPlan) else EffectPriors()
    problems = check_common(population, triage, program, providers, priors, SupportPolicy(),
                            True, 1e-3, 1.0, confidence_level)  # fmt: skip
    if isinstance(triaged, SupportPlan):
        if isinstance(population, Population) and not np.array_equal(triaged.ids, population.ids):
            msg = "must be a plan of this population: its ids, in the same order"
            problems.append(Problem(("triaged",), msg))
        if triaged.priors != priors:
            msg = "was made with other priors; pass the priors it was made with, or none"
            problems.append(Problem(("priors",), msg))
        if triaged.confidence_level != confidence_level:
            msg = (f"the triaged plan's intervals are at {triaged.confidence_level:g}; pass "
                   "the same `confidence_level`")  # fmt: skip
            problems.append(Problem(("confidence_level",), msg))
    if plans is not None:
        if not isinstance(plans, Mapping):
            msg = f"expected a mapping of scenario name to plan, got {describe(plans)}"
            problems.append(Problem(("plans",), msg))
        else:
            for key in plans:
                if not isinstance(key, str) or not key.strip():
                    msg = f"a scenario name must be a non-empty string, got {describe(key)}"
                    problems.append(Problem(("plans",), msg))
                elif key in (EXECUTIVES_ONLY, EVERYONE, TRIAGED):
                    msg = f"{key!r} is a built-in scenario; give your plan another name"
                    problems.append(Problem(("plans", key), msg))
    if problems:
        raise SchemaError(problems)
    prog = cast(Program, program)
    if SupportType.COACHING not in prog.cost_model.session_cost:
        msg = "the scenarios give coaching: the program's cost model needs a coaching fee"
        raise SchemaError([Problem(("program", "cost_model", "session_cost", "coaching"), msg)])
    priors = cast(EffectPriors, priors)
    if SupportType.COACHING not in priors.priors:
        msg = "the scenarios give coaching: the priors need a prior for coaching"
        raise SchemaError([Problem(("priors", "priors", "coaching"), msg)])
    return (
        cast(Population, population),
        cast(TriageResult, triage),
        prog,
        tuple(cast(Iterable[Provider], providers)),
        priors,
    )


def compare_scenarios(
    population: Population,
    triage: TriageResult,
    program: Program,
    providers: Sequence[Provider],
    *,
    triaged: SupportPlan | None = None,
    plans: Mapping[str, SupportPlan | Sequence[SupportType | None]] | None = None,
    priors: EffectPriors | None = None,
    confidence_level: float = 0.95,
) -> ScenarioComparison:
    """Put the usual answers, the triaged plan and the user's plans side by side.

    The scenarios, all valued with the same priors (a person's expected effect from a support
    type is the prior's effect times their readiness modifier):

    * ``"executives only"``: every executive gets coaching with the triage's ``full_sessions``;
    * ``"everyone gets a coach"``: everyone gets the same;
    * ``"triaged"``: the five-step approach, `triaged` or :func:`plan_support` with its
      defaults (the resistant excluded, the policy's readiness rules, the program's budget);
    * each of `plans`: a :class:`SupportPlan`, or one :class:`~sparkus.model.SupportType` (or None) per
      person, given human sessions as :func:`plan_support` does.

    The first two are not held to the budget or to capacity; the table says whether each
    scenario fits them. Measured against "everyone gets a coach", the table says how much each
    scenario saves and how much of the expected effect it keeps: the honest test of "saves up
    to 75% of the coaching budget without sacrificing impact" on the user's own numbers.

    Parameters
    ----------
    population, triage, program, providers
        As for :func:`plan_support`.
    triaged : SupportPlan, optional
        The triaged plan, if made already (with other options than the defaults).
    plans : mapping of str to SupportPlan or sequence, optional
        The user's own scenarios, by name.
    priors : EffectPriors, optional
        The priors every scenario is valued with: `triaged`'s if given, else the defaults.
    confidence_level : float
        Level of the effect intervals.

    Returns
    -------
    ScenarioComparison

    Raises
    ------
    SchemaError
        For invalid arguments, a user plan that is not one support type or None per person,
        or a `triaged` plan made with other priors.
    InfeasibleError
        If the default triaged plan has no feasible plan (see :func:`plan_support`).

    Examples
    --------
    >>> from sparkus.datasets import synthetic_org
    >>> from sparkus.matching import compare_scenarios
    >>> from sparkus.triage import triage
    >>> org = synthetic_org(2_000, seed=3)
    >>> result = triage(org.population, program=org.program)
    >>> table = compare_scenarios(org.population, result, org.program, org.providers)
    >>> table.names
    ('executives only', 'everyone gets a coach', 'triaged')
    >>> bool(table.metrics["triaged"]["fits_budget"])
    True

    .. versionadded:: 0.1
    """
    pop, tri, prog, provs, prs = _compare_scenarios_iv(
        population, triage, program, providers, triaged, plans, priors, confidence_level
    )
    level = float(confidence_level)
    n = len(pop)
    full = np.full(n, tri.full_sessions, dtype=np.int64)
    coaching = np.full(n, SupportType.COACHING, dtype=object)
    execs = coaching.copy()
    execs[pop["level"] != Level.EXECUTIVE.rank] = None
    names = [EXECUTIVES_ONLY, EVERYONE, TRIAGED]
    out = [
        _fixed_plan(
            pop, tri, prog, provs, prs, execs, full, level, "fixed assignment: executives only"
        ),
        _fixed_plan(
            pop,
            tri,
            prog,
            provs,
            prs,
            coaching,
            full,
            level,
            "fixed assignment: everyone gets a coach",
        ),
    ]
    if triaged is None:
        setup = plan_setup(pop, tri, prog, provs, budget=None, priors=prs, policy=None,
                           pools=None, access=None, min_reach=None, exclude_resistant=True,
                           weights=None, supports=None, mip_rel_gap=1e-3, time_limit=60.0,
                           confidence_level=level)  # fmt: skip
        triaged = solve_setup(setup)
    out.append(triaged)
    problems: list[Problem] = []
    for name, value in (plans or {}).items():
        support, sessions, found = _user_assignment(name, value, pop, tri, prs)
        priced = prog.cost_model.session_cost
        for s in sorted({x for x in support.tolist() if x is not None} - set(priced),
                        key=lambda x: x.value):  # fmt: skip
            msg = f"uses {s.value!r}, which the program's cost model does not price"
            found.append(Problem(("plans", name), msg))
        problems += found
        if not found:
            names.append(name)
            out.append(_fixed_plan(pop, tri, prog, provs, prs, support, sessions, level,
                                   f"fixed assignment: {name}"))  # fmt: skip
    if problems:
        raise SchemaError(problems)
    return ScenarioComparison(
        names=tuple(names),
        plans=tuple(out),
        budget=prog.budget,
        currency=prog.currency,
        confidence_level=level,
    )
