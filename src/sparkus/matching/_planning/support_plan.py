"""The support plan: who gets which support, what it costs, and its constraints.

:class:`SupportPlan` is what :func:`~sparkus.matching.plan_support` returns, and what
:func:`~sparkus.matching.budget_frontier` and :func:`~sparkus.matching.compare_scenarios` put
side by side; :class:`PlanConstraint` is one of its constraints, with its shadow price.
:func:`plan_from_choice` makes one from the option the solver chose for each person, and
:func:`effect_interval` gives its expected effect with the priors' uncertainty.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, Literal, cast

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import BoolArray, FloatArray
from sparkus._errors import Problem, SchemaError, shown
from sparkus._frames import Framed, FrameSpec, decoded
from sparkus._quantiles import critical_value
from sparkus._results import Result, Table, format_number
from sparkus.matching._pairing.assign_result import Assignment
from sparkus.matching._planning.constraint import PlanConstraint
from sparkus.matching._planning.enrolment import Enrolment, enrolment
from sparkus.matching._planning.priors import EffectPriors
from sparkus.model import FrozenMapping, Level, SupportType, unstructure
from sparkus.triage import ReadinessLevel

if TYPE_CHECKING:
    from sparkus.matching._planning.engine import PlanSetup
    from sparkus.matching._planning.integer_program import Solution

__all__ = [
    "GroupBy",
    "PlanConstraint",
    "SupportPlan",
    "effect_interval",
    "objects",
    "plan_from_choice",
]

IntArray = npt.NDArray[np.int64]
GroupBy = Literal["support", "level", "department", "pool"]

_LEVELS: Final = tuple(Level)
_GROUP_BY: Final = ("support", "level", "department", "pool")


# -- results -----------------------------------------------------------------------------------


@attrs.frozen(repr=False)
class SupportPlan(Framed, Result):
    """Who gets which support, what it costs, and the good it is expected to do.

    Per-person arrays follow the population's rows. The plan holds individual decisions and
    is meant for the people who run the program.

    .. versionadded:: 0.1

    Attributes
    ----------
    ids : ndarray of str
        Participant ids.
    support : ndarray of object
        Each person's :class:`~sparkus.model.SupportType`, or None.
    pool : ndarray of object
        The provider pool each person draws a place from; None for no support or for an
        option without a pool (self-guided reflection without providers, or a plan that was
        not optimised).
    sessions : ndarray of int
        Sessions each person gets (0 for no support).
    cost : ndarray of float
        Fully loaded cost per person (the fixed cost is not spread over people).
    effect : ndarray of float
        Expected effect per person (not equity-weighted): standardised, from the priors, or
        in the units of the per-person `effects` the plan was made with (`effect_source`).
    level : ndarray of int8
        Organisational level ranks (:attr:`Level.rank <sparkus.model.Level.rank>`).
    readiness : ndarray of int8
        Readiness ranks from triage (-1: not assessed).
    department : ndarray of object
        Departments.
    supports : tuple of SupportType
        The support types the plan could choose from.
    budget : float
        The budget, fixed cost included.
    fixed_cost : float
        The cost model's fixed cost, counted once in `total_cost`.
    total_cost : float
        Sum of `cost` plus `fixed_cost`.
    expected_effect : float
        Sum of `effect`: people times standard deviations of improvement, or, with
        per-person effects, people times the units of those effects.
    confidence_interval : tuple of float
        Interval for `expected_effect` from the priors' uncertainty; ``(nan, nan)`` for a
        plan made with per-person effects, which carry no uncertainty the plan could use
        (the priors' interval is about their average effects, not about those). Each support type's mean
        effect is uncertain (normal with the prior's standard error) and shared by everyone
        who gets it, so people sharing a support type are perfectly correlated and types are
        independent. It reflects uncertainty about the average effects, not person-to-person
        variation.
    confidence_level : float
        The interval's level.
    objective : float
        The optimised total: each person's expected effect times their support type's
        `fit_weights` entry and, if given, their equity weight.
    bound : float or None
        Proven upper bound on the best possible `objective` (the smaller of the LP relaxation
        and the MILP dual bound), up to HiGHS' tolerances (an absolute gap of 1e-6 on the
        objective). None for a plan that was not optimised.
    lp_bound : float or None
        The LP relaxation's optimum.
    gap : float or None
        ``(bound - objective) / bound``: how far from optimal the plan may be, at most.
    budget_shadow_price : float or None
        The marginal value of one more unit of budget: the LP relaxation's shadow price of the
        budget row (objective per currency unit).
    constraints : tuple of PlanConstraint
        The budget, each pool and each minimum reach, with use, limit and shadow price.
    status : str
        ``"optimal"`` (within the requested gap), ``"time_limit"`` (stopped with a larger gap)
        or ``"fixed"`` (a plan evaluated, not optimised).
    method : str
        How the plan was made.
    weighted : bool
        Whether `objective` is equity-weighted.
    solve_seconds, lp_seconds : float or None
        Time of the whole solve and of the LP relaxation alone.
    currency : str
        The program's currency.
    priors : EffectPriors
        The priors the effects come from.
    fit_weights : mapping of SupportType to float
        The weight of each planned support type's effect in `objective`: its fit to the
        program's season and goals (:meth:`SupportPolicy.fit_weights
        <sparkus.matching.SupportPolicy.fit_weights>`). Empty for a plan that was not
        optimised.
    effect_source : {"priors", "per-person effects"}
        Where the expected effects come from: the priors (their effect times the readiness
        modifier), or the per-person `effects` given to :func:`~sparkus.matching.plan_support`
        (the priors then give only the sessions).

    Notes
    -----
    ``to_frame(backend="pandas")`` gives one row per person, indexed by ``id``: ``support``
    (the :class:`~sparkus.model.SupportType` value, None for no support), ``pool``,
    ``sessions``, ``cost``, ``effect``, ``level`` (the :class:`~sparkus.model.Level` value),
    ``readiness`` (the :class:`~sparkus.triage.ReadinessLevel` value, None if not assessed)
    and ``department``; ``backend="polars"`` gives ``id`` as the first column.

    Examples
    --------
    :func:`plan_support` returns one:

    >>> from sparkus.datasets import synthetic_org
    >>> from sparkus.matching import plan_support
    >>> from sparkus.triage import triage
    >>> org = synthetic_org(n=500, seed=1)
    >>> plan = plan_support(org.population, triage(org.population, program=org.program),
    ...                     org.program, org.providers)
    >>> plan.status, plan.binding
    ('optimal', ('budget', 'pool mentoring'))
    >>> bool(plan.total_cost <= plan.budget), plan.budget, plan.currency
    (True, 75000.0, 'EUR')
    >>> {support: t["people"] for support, t in plan.totals("support").items()}
    {'coaching': 6, 'mentoring': 15, 'peer_support': 0, 'self_guided_reflection': 413, 'none': 66}
    >>> str(plan.ids[3]), plan.support[3].value, int(plan.sessions[3]), plan.pool[3]
    ('E000004', 'coaching', 4, 'coaching')
    >>> plan.to_frame().loc["E000004", ["support", "level", "readiness"]].tolist()
    ['coaching', 'individual_contributor', 'highly_ready']
    """

    ids: npt.NDArray[np.str_]
    support: npt.NDArray[np.object_]
    pool: npt.NDArray[np.object_]
    sessions: IntArray
    cost: FloatArray
    effect: FloatArray
    level: npt.NDArray[np.int8]
    readiness: npt.NDArray[np.int8]
    department: npt.NDArray[np.object_]
    supports: tuple[SupportType, ...]
    budget: float
    fixed_cost: float
    total_cost: float
    expected_effect: float
    confidence_interval: tuple[float, float]
    confidence_level: float
    objective: float
    bound: float | None
    lp_bound: float | None
    gap: float | None
    budget_shadow_price: float | None
    constraints: tuple[PlanConstraint, ...]
    status: str
    method: str
    weighted: bool
    solve_seconds: float | None
    lp_seconds: float | None
    currency: str
    priors: EffectPriors
    fit_weights: Mapping[SupportType, float] = attrs.field(factory=FrozenMapping)
    effect_source: str = "priors"

    @property
    def n(self) -> int:
        """Number of people."""
        return int(self.ids.shape[0])

    @property
    def supported(self) -> int:
        """People who get some support."""
        return int(np.sum(self.support != None))  # element-wise on an object array

    def enrolled(self, assignments: Assignment | Sequence[Assignment] | None = None) -> Enrolment:
        """The people the plan supports, as the arguments of a journey schedule.

        Everyone whose support is None is left out: they are not in the program, and a
        journey for them would count them as participants (enrolled, overdue, in every
        rate). Scheduling every row of the plan would do that; schedule this instead.

        Parameters
        ----------
        assignments : Assignment or sequence of Assignment, optional
            Who was matched with whom (:func:`~sparkus.matching.assign` on a
            :func:`~sparkus.matching.candidate_matrix`, one per support type, say): adds
            each supported person's provider id (None where unmatched), so that each
            journey knows its provider and the tracker reports by provider.

        Returns
        -------
        dict
            ``ids``, ``support`` (:class:`~sparkus.model.SupportType`) and ``sessions`` of
            the supported people, in the plan's order (copies), and ``provider`` with
            `assignments`, to pass as
            ``schedule_journeys(program.journey, **plan.enrolled(), start=...)``.

        Raises
        ------
        SchemaError
            If `assignments` are not assignments made on candidate matrices, place someone
            the plan does not support, or place someone twice (naming the assignment).

        Examples
        --------
        >>> import datetime as dt
        >>> from sparkus.datasets import synthetic_org
        >>> from sparkus.matching import plan_support
        >>> from sparkus.model import schedule_journeys
        >>> from sparkus.triage import triage
        >>> org = synthetic_org(n=500, seed=1)
        >>> plan = plan_support(org.population, triage(org.population, program=org.program),
        ...                     org.program, org.providers)
        >>> plan.n, plan.supported
        (500, 434)
        >>> schedule = schedule_journeys(org.program.journey, **plan.enrolled(),
        ...                              start=dt.datetime(2027, 1, 4, tzinfo=dt.UTC),
        ...                              excess="truncate")
        >>> len(schedule)
        434

        .. versionadded:: 0.1
        """
        return enrolment(self.ids, self.support, self.sessions, assignments)

    @property
    def cost_per_effect(self) -> float:
        """Total cost per unit of expected effect (inf if the effect is not positive)."""
        return self.total_cost / self.expected_effect if self.expected_effect > 0 else math.inf

    @property
    def binding(self) -> tuple[str, ...]:
        """Names of the constraints that bind."""
        return tuple(c.name for c in self.constraints if c.binding)

    def totals(self, by: GroupBy = "support") -> dict[str, dict[str, float]]:
        """People, people supported, cost and expected effect per group.

        Parameters
        ----------
        by : {"support", "level", "department", "pool"}
            The grouping; ``"support"`` and ``"pool"`` have a ``"none"`` row for the people
            without support.
        """
        given: object = by  # checked at run time for callers without a type checker
        if not isinstance(given, str) or given not in _GROUP_BY:
            msg = f"`by` must be one of {', '.join(_GROUP_BY)}, got {shown(by)}"
            raise SchemaError([Problem(("by",), msg)])
        if by == "level":
            keys = np.array([_LEVELS[k].value for k in self.level.tolist()], dtype=object)
            order = [lv.value for lv in _LEVELS]
        elif by == "department":
            keys = self.department
            order = sorted({str(d) for d in keys.tolist()})
        elif by == "support":
            keys = np.array([s.value if s is not None else "none" for s in self.support.tolist()],
                            dtype=object)  # fmt: skip
            order = [s.value for s in self.supports] + ["none"]
        else:
            keys = np.array([p if p is not None else "none" for p in self.pool.tolist()],
                            dtype=object)  # fmt: skip
            order = [*sorted({str(p) for p in keys.tolist()} - {"none"}), "none"]
        has = self.support != None
        out: dict[str, dict[str, float]] = {}
        for key in order:
            m = keys == key
            out[key] = {
                "people": int(m.sum()),
                "supported": int(np.sum(m & has)),
                "cost": float(self.cost[m].sum()),
                "effect": float(self.effect[m].sum()),
            }
        return out

    def to_dict(self) -> dict[str, Any]:
        """Every field as JSON-ready data; the priors as :func:`~sparkus.model.unstructure` does."""
        out = super().to_dict()
        out["priors"] = unstructure(self.priors)
        return out

    def _frame(self) -> FrameSpec:
        return {
            "id": self.ids, "support": self.support, "pool": self.pool,
            "sessions": self.sessions, "cost": self.cost, "effect": self.effect,
            "level": decoded(self.level, [lv.value for lv in _LEVELS]),
            "readiness": decoded(self.readiness, [lv.value for lv in ReadinessLevel]),
            "department": self.department,
        }, ("id",)  # fmt: skip

    def _headline(self) -> str:
        gap = "" if self.gap is None else f", gap={self.gap:.3%}"
        source = "" if self.effect_source == "priors" else f" ({self.effect_source})"
        return (
            f"n={self.n}, supported={self.supported:,}, cost={self.total_cost:,.0f} "
            f"{self.currency}, expected_effect={self.expected_effect:,.1f}{source}{gap}"
        )

    def _tables(self) -> list[Table]:
        low, high = self.confidence_interval
        cur = self.currency
        rows: list[tuple[str, str]] = [
            ("budget", f"{self.budget:,.0f} {cur}"),
            ("total cost (fixed cost included)", f"{self.total_cost:,.0f} {cur}"),
            ("people supported", f"{self.supported:,} of {self.n:,}"),
            ("expected effect",
             f"{self.expected_effect:,.1f} ({self.confidence_level:.0%} interval {low:,.1f} to "
             + f"{high:,.1f})" if self.effect_source == "priors" else
             f"{self.expected_effect:,.4g} (in the units of the per-person effects; no interval)"),
            ("cost per unit of effect",
             f"{self.cost_per_effect:,.0f} {cur}" if math.isfinite(self.cost_per_effect)
             else "none (no positive expected effect to divide by)"),
        ]  # fmt: skip
        if self.effect_source != "priors":
            rows.insert(4, ("expected effects from", self.effect_source))
        fitted = any(w != 1.0 for w in self.fit_weights.values())
        if self.weighted or fitted:
            why = " and ".join(
                (["fit to season and goals"] if fitted else [])
                + (["equity weights"] if self.weighted else [])
            )
            rows.append((f"weighted objective ({why})", format_number(self.objective)))
        if fitted:
            weights = ", ".join(f"{s.value} {w:g}" for s, w in self.fit_weights.items())
            rows.append(("weight by fit to season and goals", weights))
        if self.bound is not None and self.gap is not None:
            rows += [
                ("bound (best possible objective)", format_number(self.bound)),
                ("LP relaxation", format_number(self.lp_bound)),
                ("gap", f"{self.gap:.3%}"),
            ]
        if self.budget_shadow_price is not None:
            rows.append((
                f"marginal value of 1,000 {cur} more (LP shadow price)",
                format_number(1000 * self.budget_shadow_price),
            ))  # fmt: skip
        rows.append(("status", self.status))
        plan = Table("Support plan", ("", "value"), tuple(rows), note=f"method: {self.method}")
        by_support = Table(
            "By support type",
            ("support", "people", "cost", "expected effect", "sessions"),
            tuple(
                (
                    key,
                    format_number(int(t["people"])),
                    f"{t['cost']:,.0f}",
                    f"{t['effect']:,.1f}",
                    format_number(int(self.sessions[self._is(key)].sum())),
                )
                for key, t in self.totals("support").items()
            ),
        )
        by_level = Table(
            "Reach by level",
            ("level", "people", "supported", "share", "cost", "expected effect"),
            tuple(
                (
                    key,
                    format_number(int(t["people"])),
                    format_number(int(t["supported"])),
                    f"{t['supported'] / t['people']:.1%}" if t["people"] else "-",
                    f"{t['cost']:,.0f}",
                    f"{t['effect']:,.1f}",
                )
                for key, t in self.totals("level").items()
            ),
        )
        constraints = Table(
            "Constraints",
            ("constraint", "used", "limit", "kept", "shadow price", "binds"),
            tuple(
                (
                    c.name,
                    f"{c.used:,.0f}",
                    f"{c.limit:,.0f}",
                    format_number(c.met),
                    format_number(c.shadow_price),
                    format_number(c.binding),
                )
                for c in self.constraints
            ),
            note=(
                "shadow prices are the LP relaxation's: objective per unit more of the limit "
                f"(per {self.currency} for the budget, per place, per person of minimum reach)"
            ),
        )
        return [plan, by_support, by_level, constraints]

    def _is(self, key: str) -> BoolArray:
        if key == "none":
            return cast(BoolArray, self.support == None)
        return cast(BoolArray, self.support == SupportType(key))


# -- from a choice to a plan -----------------------------------------------------------------


def effect_interval(
    priors: EffectPriors,
    modifier: FloatArray,
    support: IntArray,
    supports: tuple[SupportType, ...],
    confidence_level: float,
) -> tuple[float, float, float]:
    """Expected effect and its interval: each support type's mean effect ~ N(effect, se^2).

    ``support[i]`` indexes `supports` (-1: none). People sharing a support type share its
    uncertain mean effect (perfectly correlated); support types are independent.
    """
    # bin 0 gathers the unsupported (-1), dropped: the same sums, in the same order, unmasked
    weight = np.bincount(support + 1, weights=modifier, minlength=len(supports) + 1)[1:]
    effects = np.array([priors.priors[s].effect for s in supports])
    se = np.array([priors.priors[s].se for s in supports])
    mean = float(weight @ effects)
    sd = float(np.sqrt(np.sum((weight * se) ** 2)))
    z = critical_value(confidence_level)
    return mean, mean - z * sd, mean + z * sd


def objects(table: Sequence[object], codes: IntArray) -> npt.NDArray[np.object_]:
    lookup = np.empty(len(table) + 1, dtype=object)
    lookup[:-1] = list(table)
    lookup[-1] = None
    out: npt.NDArray[np.object_] = lookup[codes]
    return out


def plan_from_choice(setup: PlanSetup, choice: IntArray, solution: Solution | None) -> SupportPlan:
    """The plan that gives person i option ``choice[i]`` (-1: none)."""
    inst = setup.instance
    n = inst.n
    rows = np.arange(n)
    has = choice >= 0
    safe = np.where(has, choice, 0)
    cost = np.where(has, inst.cost[rows, safe], 0.0) if inst.cost.size else np.zeros(n)
    effect = np.where(has, inst.effect[rows, safe], 0.0) if inst.effect.size else np.zeros(n)
    sessions = np.where(has, setup.sessions[rows, safe], 0) if inst.cost.size else np.zeros(n, int)
    support = np.where(has, setup.option_support[safe], -1) if inst.cost.size else np.full(n, -1)
    pool_code = np.where(has, setup.option_pool[safe], -1) if inst.cost.size else np.full(n, -1)
    pool_code = np.where(pool_code >= 0, pool_code, len(setup.pool_names))
    if setup.effect_source == "priors":
        mean, low, high = effect_interval(
            setup.priors, setup.modifier, support, setup.supports, setup.confidence_level
        )
    else:  # the caller's effects: their sum, and no interval (the priors' does not apply)
        mean, low, high = float(effect.sum()), math.nan, math.nan
    total_cost = float(cost.sum()) + setup.fixed_cost
    objective = float(np.where(has, inst.value[rows, safe], 0.0).sum()) if inst.cost.size else 0.0
    # the largest |value|, without a copy of the (people, options) table
    scale = (
        max(float(np.max(inst.value, initial=0.0)), -float(np.min(inst.value, initial=0.0))) or 1.0
    )
    budget_price = solution.budget_price if solution is not None else None
    max_cost = float(np.max(inst.cost, initial=0.0)) or 1.0
    constraints = [
        PlanConstraint(
            "budget", "budget", total_cost, setup.budget, budget_price,
            budget_price is not None and abs(budget_price) * max_cost > 1e-9 * scale,
        )
    ]  # fmt: skip
    used = np.bincount(pool_code[has & (pool_code < len(setup.pool_names))],
                       minlength=len(setup.pool_names))  # fmt: skip
    for p, name in enumerate(setup.pool_names):
        price = float(solution.pool_price[p]) if solution is not None else None
        constraints.append(PlanConstraint(
            f"pool {name}", "capacity", float(used[p]), float(setup.capacity[p]), price,
            price is not None and abs(price) > 1e-9 * scale,
        ))  # fmt: skip
    for g, name in enumerate(inst.reach_names):
        price = float(solution.reach_price[g]) if solution is not None else None
        constraints.append(PlanConstraint(
            f"min_reach {name}", "reach", float(np.sum(inst.reach[g] & has)),
            float(inst.reach_min[g]), price, price is not None and abs(price) > 1e-9 * scale,
        ))  # fmt: skip
    if solution is None:
        status, method = "fixed", "fixed"
    else:
        status = "optimal" if solution.reached else "time_limit"
        method = (f"HiGHS via scipy.optimize: {solution.method}; {solution.classes:,} classes of "
                  f"interchangeable people, {solution.variables:,} variables")  # fmt: skip
    return SupportPlan(
        ids=setup.population.ids,
        support=objects(setup.supports, support),
        pool=objects(setup.pool_names, pool_code),
        sessions=sessions.astype(np.int64),
        cost=cost,
        effect=effect,
        level=setup.level,
        readiness=setup.readiness,
        department=setup.department,
        supports=setup.supports,
        budget=setup.budget,
        fixed_cost=setup.fixed_cost,
        total_cost=total_cost,
        expected_effect=mean,
        confidence_interval=(low, high),
        confidence_level=setup.confidence_level,
        objective=objective,
        bound=None if solution is None else solution.bound,
        lp_bound=None if solution is None else solution.lp_bound,
        gap=None if solution is None else solution.gap,
        budget_shadow_price=budget_price,
        constraints=tuple(constraints),
        status=status,
        method=method,
        weighted=setup.weighted,
        solve_seconds=None if solution is None else solution.seconds,
        lp_seconds=None if solution is None else solution.lp_seconds,
        currency=setup.program.currency,
        priors=setup.priors,
        fit_weights=FrozenMapping(setup.fit_weights),
        effect_source=setup.effect_source,
    )
