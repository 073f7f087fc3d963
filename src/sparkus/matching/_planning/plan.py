"""Support planning: the support each person gets, to do the most good for the money.

:func:`plan_support` builds the problem as data (an option per support type and provider pool,
its cost from the program's cost model and the dose, its expected effect from the priors) and
solves it as an integer program with HiGHS (``sparkus.matching._planning.integer_program``).
"""

from __future__ import annotations

import math
import statistics
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final, Literal, cast

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import describe
from sparkus._errors import InfeasibleError, Problem, SchemaError, SparkusWarning
from sparkus._fields import not_one_of
from sparkus._results import Result, Table, format_number
from sparkus.matching._planning.integer_program import (
    Instance,
    Solution,
    TimedOut,
    Unsolvable,
    diagnose,
    solve,
)
from sparkus.matching._planning.priors import EffectPriors
from sparkus.matching._planning.recommend import SupportPolicy, suitable
from sparkus.model import Level, Population, Program, Provider, SupportType, unstructure
from sparkus.triage import ReadinessLevel, TriageResult

__all__ = ["PlanConstraint", "SupportPlan", "plan_support"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
PoolKey = Callable[[Provider], str] | Mapping[str, str]
GroupBy = Literal["support", "level", "department", "pool"]

_SELF: Final = SupportType.SELF_GUIDED_REFLECTION
_LEVELS: Final = tuple(Level)
_GROUP_BY: Final = ("support", "level", "department", "pool")
_MAX_ROW_PROBLEMS: Final = 20


# -- results -----------------------------------------------------------------------------------


@attrs.frozen(repr=False)
class PlanConstraint(Result):
    """One constraint of a plan: how much of it the plan uses, and what relaxing it is worth.

    .. versionadded:: 0.1

    Attributes
    ----------
    name : str
        ``"budget"``, ``"pool <name>"`` or ``"min_reach <group>"``.
    kind : {"budget", "capacity", "reach"}
        What the constraint limits. Budget and capacity are upper limits; reach a lower one.
    used : float
        What the plan uses: money (fixed cost included), places, or people supported.
    limit : float
        The budget, the pool's places, or the people the group must have supported.
    shadow_price : float or None
        The LP relaxation's shadow price: the change of the optimum (expected effect, equity-
        weighted if weights were given) per unit more of `limit` (one currency unit, one
        place, one person more of minimum reach). A shadow price is exact for the LP and a
        marginal rate for the integer plan. None for a plan that was not optimised.
    binding : bool
        Whether the constraint limits the optimum (non-zero shadow price).

    Examples
    --------
    A :class:`SupportPlan` holds one per constraint, in `constraints`:

    >>> from sparkus.datasets import synthetic_org
    >>> from sparkus.matching import plan_support
    >>> from sparkus.triage import triage
    >>> org = synthetic_org(n=500, seed=1)
    >>> plan = plan_support(org.population, triage(org.population, program=org.program),
    ...                     org.program, org.providers)
    >>> for c in plan.constraints:
    ...     print(f"{c.name:<17} {c.kind:<8} limit {c.limit:>6,.0f}  binding: {c.binding}")
    budget            budget   limit 75,000  binding: True
    pool coaching     capacity limit     21  binding: False
    pool mentoring    capacity limit     15  binding: True
    pool peer_support capacity limit      8  binding: True
    >>> mentoring = plan.constraints[2]
    >>> mentoring
    PlanConstraint(pool mentoring: used=15, limit=15, binding=True)
    >>> mentoring.met, round(mentoring.shadow_price, 2)  # effect per extra mentoring place
    (True, 0.07)
    """

    name: str
    kind: str
    used: float
    limit: float
    shadow_price: float | None
    binding: bool

    @property
    def met(self) -> bool:
        """Whether the plan keeps the constraint."""
        if self.kind == "reach":
            return self.used >= self.limit - 1e-9
        return self.used <= self.limit * (1 + 1e-9) + 1e-9

    def _headline(self) -> str:
        return (
            f"{self.name}: used={self.used:,.6g}, limit={self.limit:,.6g}, binding={self.binding}"
        )

    def _tables(self) -> list[Table]:
        price = format_number(self.shadow_price)
        row = (self.name, format_number(self.used), format_number(self.limit), price,
               format_number(self.binding))  # fmt: skip
        return [Table("Constraint", ("name", "used", "limit", "shadow price", "binds"), (row,))]


@attrs.frozen(repr=False)
class SupportPlan(Result):
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
        Expected standardised effect per person (not equity-weighted).
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
        Sum of `effect`: people times standard deviations of improvement.
    confidence_interval : tuple of float
        Interval for `expected_effect` from the priors' uncertainty. Each support type's mean
        effect is uncertain (normal with the prior's standard error) and shared by everyone
        who gets it, so people sharing a support type are perfectly correlated and types are
        independent. It reflects uncertainty about the average effects, not person-to-person
        variation.
    confidence_level : float
        The interval's level.
    objective : float
        The optimised total: `expected_effect`, or its equity-weighted version.
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
    ('optimal', ('budget', 'pool mentoring', 'pool peer_support'))
    >>> bool(plan.total_cost <= plan.budget), plan.budget, plan.currency
    (True, 75000.0, 'EUR')
    >>> {support: t["people"] for support, t in plan.totals("support").items()}
    {'coaching': 5, 'mentoring': 15, 'peer_support': 8, 'self_guided_reflection': 406, 'none': 66}
    >>> str(plan.ids[3]), plan.support[3].value, int(plan.sessions[3]), plan.pool[3]
    ('E000004', 'coaching', 4, 'coaching')
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

    @property
    def n(self) -> int:
        """Number of people."""
        return int(self.ids.shape[0])

    @property
    def supported(self) -> int:
        """People who get some support."""
        return int(np.sum(self.support != None))  # element-wise on an object array

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
        if by not in _GROUP_BY:
            msg = f"`by` must be one of {', '.join(_GROUP_BY)}, got {by!r}"
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

    def _headline(self) -> str:
        gap = "" if self.gap is None else f", gap={self.gap:.3%}"
        return (
            f"n={self.n}, supported={self.supported:,}, cost={self.total_cost:,.0f} "
            f"{self.currency}, expected_effect={self.expected_effect:,.1f}{gap}"
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
             + f"{high:,.1f})"),
            ("cost per unit of effect", f"{self.cost_per_effect:,.0f} {cur}"),
        ]  # fmt: skip
        if self.weighted:
            rows.append(("equity-weighted objective", format_number(self.objective)))
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


# -- the problem as data -----------------------------------------------------------------------


@attrs.frozen(eq=False)
class PlanSetup:
    """Everything a plan needs, checked: people, options, pools and groups as arrays."""

    population: Population
    triage: TriageResult
    program: Program
    priors: EffectPriors
    supports: tuple[SupportType, ...]
    option_support: IntArray  # index into supports
    option_pool: IntArray  # -1: no pool
    option_names: tuple[str, ...]
    pool_names: tuple[str, ...]
    pool_support: IntArray
    capacity: FloatArray
    sessions: IntArray  # (n, O)
    instance: Instance
    level: npt.NDArray[np.int8]
    readiness: npt.NDArray[np.int8]
    department: npt.NDArray[np.object_]
    modifier: FloatArray  # (n,)
    budget: float  # total, fixed cost included
    weighted: bool
    confidence_level: float
    mip_rel_gap: float
    time_limit: float

    @property
    def fixed_cost(self) -> float:
        return self.program.cost_model.fixed_cost


def _problem(path: Sequence[str | int], message: str) -> Problem:
    return Problem(tuple(path), message)


def is_real(value: object) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_
    )


def check_number(
    problems: list[Problem], name: str, value: object, *, low: float, high: float | None = None,
    low_open: bool = False,
) -> None:  # fmt: skip
    bounds = f"> {low:g}" if low_open else f">= {low:g}"
    if high is not None:
        bounds += f" and <= {high:g}"
    if not is_real(value) or not math.isfinite(float(cast(float, value))):
        problems.append(
            _problem((name,), f"expected a finite number {bounds}, got {describe(value)}")
        )
        return
    x = float(cast(float, value))
    if x < low or (low_open and x == low) or (high is not None and x > high):
        problems.append(_problem((name,), f"expected a number {bounds}, got {x!r}"))


def check_common(
    population: object,
    triage: object,
    program: object,
    providers: object,
    priors: object,
    policy: object,
    exclude_resistant: object,
    mip_rel_gap: object,
    time_limit: object,
    confidence_level: object,
) -> list[Problem]:
    """Checks of the arguments every planning function shares; the problems found."""
    problems: list[Problem] = []
    if not isinstance(population, Population):
        got = type(population).__name__
        problems.append(_problem(("population",), f"expected a Population, got {got}"))
    if not isinstance(triage, TriageResult):
        got = type(triage).__name__
        msg = f"expected a TriageResult (from sparkus.triage.triage), got {got}"
        problems.append(_problem(("triage",), msg))
    if not isinstance(program, Program):
        problems.append(_problem(("program",), f"expected a Program, got {type(program).__name__}"))
    if isinstance(providers, str | bytes) or not isinstance(providers, Iterable):
        msg = f"expected a sequence of Provider, got {describe(providers)}"
        problems.append(_problem(("providers",), msg))
    else:
        problems += [
            _problem(("providers", i), f"expected a Provider, got {describe(p)}")
            for i, p in enumerate(cast(Iterable[object], providers))
            if not isinstance(p, Provider)
        ]
    if not isinstance(priors, EffectPriors):
        got = type(priors).__name__
        problems.append(_problem(("priors",), f"expected EffectPriors or None, got {got}"))
    if not isinstance(policy, SupportPolicy):
        got = type(policy).__name__
        problems.append(_problem(("policy",), f"expected a SupportPolicy or None, got {got}"))
    if not isinstance(exclude_resistant, bool):
        msg = f"expected true or false, got {describe(exclude_resistant)}"
        problems.append(_problem(("exclude_resistant",), msg))
    check_number(problems, "mip_rel_gap", mip_rel_gap, low=0.0, high=0.5)
    check_number(problems, "time_limit", time_limit, low=0.0, low_open=True)
    check_number(problems, "confidence_level", confidence_level, low=0.0, high=1.0, low_open=True)
    if (
        not problems
        and isinstance(population, Population)
        and isinstance(triage, TriageResult)
        and not np.array_equal(triage.ids, population.ids)
    ):
        msg = "must be the triage of this population: its ids, in the same order"
        problems.append(_problem(("triage", "ids"), msg))
    return problems


def _supports(
    supports: object, program: Program, priors: EffectPriors, policy: SupportPolicy
) -> tuple[tuple[SupportType, ...], list[Problem]]:
    priced = program.cost_model.session_cost
    offered = program.journey.support_types
    problems: list[Problem] = []
    if supports is None:
        chosen = tuple(s for s in SupportType if s in priced and s in policy.rules and s in offered)
        if not chosen:
            msg = (
                "no support type is priced by the program's cost model, covered by the policy "
                "and offered by the program's journey; add session fees, rules or journey steps"
            )
            problems.append(_problem(("supports",), msg))
    else:
        if isinstance(supports, str | bytes) or not isinstance(supports, Iterable):
            msg = f"expected an iterable of SupportType, got {describe(supports)}"
            return (), [_problem(("supports",), msg)]
        given = list(cast(Iterable[object], supports))
        for i, s in enumerate(given):
            if not isinstance(s, SupportType):
                problems.append(_problem(("supports", i), not_one_of(s, SupportType)))
            elif s not in priced:
                known = ", ".join(x.value for x in priced) or "none"
                msg = (f"{s.value!r} has no session fee in the program's cost model (it prices: "
                       f"{known}); add one or leave it out")  # fmt: skip
                problems.append(_problem(("supports", i), msg))
            elif s not in policy.rules:
                msg = f"{s.value!r} has no rule in the policy; add a SupportRule or leave it out"
                problems.append(_problem(("supports", i), msg))
            elif s not in offered:
                msg = (f"the program's journey ({program.journey.name!r}) has no steps for "
                       f"{s.value!r}, so nobody could receive it; add them or leave it out")  # fmt: skip
                problems.append(_problem(("supports", i), msg))
        if not given:
            problems.append(_problem(("supports",), "must name at least one SupportType"))
        chosen = tuple(s for s in SupportType if s in given)
    for s in chosen:
        if s not in priors.priors and not problems:
            msg = (f"no prior for {s.value!r}: add one with EffectPriors.with_estimate, or "
                   "leave it out with `supports`")  # fmt: skip
            problems.append(_problem(("priors", "priors", s.value), msg))
    return chosen, problems


def _pools(
    providers: Sequence[Provider], pools: object, supports: tuple[SupportType, ...]
) -> tuple[dict[str, list[Provider]], list[Problem]]:
    """Providers of the planned support types, grouped into named pools."""
    problems: list[Problem] = []
    grouped: dict[str, list[Provider]] = {}
    if pools is not None and not callable(pools) and not isinstance(pools, Mapping):
        msg = (f"expected a function of a Provider or a mapping of provider id to pool name, "
               f"got {describe(pools)}")  # fmt: skip
        return grouped, [_problem(("pools",), msg)]
    for i, p in enumerate(providers):
        if p.support_type not in supports:
            continue
        if pools is None:
            name: object = p.support_type.value
        elif isinstance(pools, Mapping):
            if p.id not in pools:
                msg = f"provider {p.id!r} has no pool in `pools`; map every provider id"
                problems.append(_problem(("pools", p.id), msg))
                continue
            name = pools[p.id]
        else:
            name = cast(Callable[[Provider], object], pools)(p)
        if not isinstance(name, str) or not name:
            msg = f"a pool name must be a non-empty string, got {describe(name)} for {p.id!r}"
            problems.append(_problem(("pools", i), msg))
            continue
        grouped.setdefault(name, []).append(p)
    for name, members in grouped.items():
        kinds = sorted({p.support_type.value for p in members})
        if len(kinds) > 1:
            msg = f"a pool holds one support type; {name!r} mixes {', '.join(kinds)}"
            problems.append(_problem(("pools", name), msg))
    return dict(sorted(grouped.items())), problems


def _bool_rows(
    problems: list[Problem], path: tuple[str | int, ...], value: object, n: int
) -> BoolArray | None:
    array = np.asarray(value)
    if array.shape != (n,) or array.dtype != np.bool_:
        msg = (f"expected a bool array of one value per person ({n}), got "
               f"{array.dtype} of shape {array.shape}")  # fmt: skip
        problems.append(_problem(path, msg))
        return None
    return array.copy()


def _build(
    population: Population,
    triage: TriageResult,
    program: Program,
    providers: Sequence[Provider],
    *,
    budget: object,
    priors: EffectPriors,
    policy: SupportPolicy,
    pools: object,
    access: object,
    min_reach: object,
    exclude_resistant: bool,
    weights: object,
    supports: object,
    mip_rel_gap: float,
    time_limit: float,
    confidence_level: float,
) -> PlanSetup:
    """Check the arguments particular to a plan and build the problem as arrays."""
    n = len(population)
    problems: list[Problem] = []
    total_budget = program.budget if budget is None else budget
    check_number(problems, "budget", total_budget, low=0.0)
    chosen, found = _supports(supports, program, priors, policy)
    problems += found
    if problems:
        raise SchemaError(problems)
    grouped, found = _pools(providers, pools, chosen)
    problems += found
    unlimited_self = _SELF in chosen and not any(
        ps[0].support_type is _SELF for ps in grouped.values()
    )
    pool_names = tuple(grouped)
    option_names = pool_names + ((_SELF.value,) if unlimited_self else ())
    level = np.asarray(population["level"], dtype=np.int8)
    readiness = np.asarray(triage.level, dtype=np.int8)
    masks: dict[str, BoolArray] = {}
    if access is not None:
        if not isinstance(access, Mapping):
            msg = f"expected a mapping of pool name to a bool array, got {describe(access)}"
            problems.append(_problem(("access",), msg))
        else:
            for key, value in access.items():
                if key not in option_names:
                    known = ", ".join(option_names) or "none"
                    msg = f"{key!r} is not a pool of this plan (pools: {known})"
                    problems.append(_problem(("access", str(key)), msg))
                    continue
                mask = _bool_rows(problems, ("access", key), value, n)
                if mask is not None:
                    masks[key] = mask
    w = np.ones(n)
    if weights is not None:
        w = np.asarray(weights, dtype=object)
        if w.shape != (n,):
            msg = f"expected one weight per person ({n}), got shape {w.shape}"
            problems.append(_problem(("weights",), msg))
        else:
            bad = [i for i, x in enumerate(w.tolist())
                   if not is_real(x) or not math.isfinite(float(x)) or float(x) < 0]  # fmt: skip
            problems += [
                _problem(("weights", i), f"expected a finite number >= 0, got {describe(w[i])}")
                for i in bad[:_MAX_ROW_PROBLEMS]
            ]
        w = np.asarray([float(x) for x in w.tolist()]) if not problems else np.ones(n)
    department = population.decode("department")
    reach_rows: list[BoolArray] = []
    reach_min: list[int] = []
    reach_names: list[str] = []
    if min_reach is not None:
        if not isinstance(min_reach, Mapping):
            msg = f"expected a mapping of Level or department to a share, got {describe(min_reach)}"
            problems.append(_problem(("min_reach",), msg))
        else:
            departments = {str(d) for d in population.schema["department"].categories}
            for key, share in min_reach.items():
                label = key.value if isinstance(key, Level) else str(key)
                if isinstance(key, Level):
                    members = level == key.rank
                    name = f"level {key.value}"
                elif isinstance(key, str) and key in departments:
                    members = department == key
                    name = f"department {key}"
                else:
                    known = ", ".join(sorted(departments))
                    msg = (f"{key!r} is neither a Level nor a department (departments: "
                           f"{known})")  # fmt: skip
                    problems.append(_problem(("min_reach", label), msg))
                    continue
                if not is_real(share) or not 0.0 <= float(share) <= 1.0:
                    msg = f"expected a share from 0 to 1, got {describe(share)}"
                    problems.append(_problem(("min_reach", label), msg))
                    continue
                reach_rows.append(np.asarray(members, dtype=bool))
                reach_min.append(math.ceil(float(share) * int(members.sum()) - 1e-9))
                reach_names.append(name)
    if problems:
        raise SchemaError(problems)

    # Options: one per pool, plus self-guided reflection without a pool when it has none.
    support_index = {s: k for k, s in enumerate(chosen)}
    option_support = [support_index[grouped[p][0].support_type] for p in pool_names]
    option_pool = list(range(len(pool_names)))
    if unlimited_self:
        option_support.append(support_index[_SELF])
        option_pool.append(-1)
    o_support = np.asarray(option_support, dtype=np.int64)
    o_pool = np.asarray(option_pool, dtype=np.int64)
    capacity = np.asarray([sum(p.capacity for p in grouped[name]) for name in pool_names],
                          dtype=np.float64)  # fmt: skip
    top_rank = np.asarray(
        [min(p.seniority.rank for p in grouped[name]) for name in pool_names]
        + [0] * unlimited_self,
        dtype=np.int64,
    )

    # Per person and support type: may they take it, how many sessions, what cost and effect.
    ok = suitable(policy, chosen, readiness) & (readiness >= 0)[:, None]
    if exclude_resistant:
        ok &= (readiness != ReadinessLevel.RESISTANT.rank)[:, None]
    dose = np.asarray(triage.sessions, dtype=np.int64)
    costs = program.cost_model
    sessions_s = np.empty((n, len(chosen)), dtype=np.int64)
    cost_s = np.empty((n, len(chosen)))
    for k, s in enumerate(chosen):
        prior = priors.priors[s].sessions
        sessions_s[:, k] = prior if s is _SELF else np.where(dose > 0, dose, prior)
        one_off = costs.per_person(s, sessions=0)
        per_session = costs.per_person(s, sessions=1) - one_off
        cost_s[:, k] = one_off + per_session * sessions_s[:, k]
    modifier_table = np.array([priors.readiness_modifier[r] for r in ReadinessLevel] + [1.0])
    modifier = modifier_table[readiness.astype(np.int64)]  # -1 (not assessed) takes the last: 1
    effect_s = np.array([priors.priors[s].effect for s in chosen])[None, :] * modifier[:, None]

    eligible = ok[:, o_support] & (level[:, None].astype(np.int64) >= top_rank[None, :])
    for j, name in enumerate(option_names):
        if name in masks:
            eligible[:, j] &= masks[name]
    instance = Instance(
        eligible=eligible,
        cost=cost_s[:, o_support],
        value=(effect_s * w[:, None])[:, o_support],
        effect=effect_s[:, o_support],
        option_pool=o_pool,
        capacity=capacity,
        budget=float(cast(float, total_budget)) - costs.fixed_cost,
        reach=np.asarray(reach_rows, dtype=bool).reshape(len(reach_rows), n),
        reach_min=np.asarray(reach_min, dtype=np.int64),
        pool_names=pool_names,
        reach_names=tuple(reach_names),
    )
    return PlanSetup(
        population=population,
        triage=triage,
        program=program,
        priors=priors,
        supports=chosen,
        option_support=o_support,
        option_pool=o_pool,
        option_names=option_names,
        pool_names=pool_names,
        pool_support=o_support[: len(pool_names)],
        capacity=capacity,
        sessions=sessions_s[:, o_support],
        instance=instance,
        level=level,
        readiness=readiness,
        department=department,
        modifier=modifier,
        budget=float(cast(float, total_budget)),
        weighted=weights is not None,
        confidence_level=float(confidence_level),
        mip_rel_gap=float(mip_rel_gap),
        time_limit=float(time_limit),
    )


# -- from a solution (or a fixed assignment) to a plan -----------------------------------------


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
    has = support >= 0
    weight = np.bincount(support[has], weights=modifier[has], minlength=len(supports))
    effects = np.array([priors.priors[s].effect for s in supports])
    se = np.array([priors.priors[s].se for s in supports])
    mean = float(weight @ effects)
    sd = float(np.sqrt(np.sum((weight * se) ** 2)))
    z = statistics.NormalDist().inv_cdf(0.5 + confidence_level / 2)
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
    mean, low, high = effect_interval(
        setup.priors, setup.modifier, support, setup.supports, setup.confidence_level
    )
    total_cost = float(cost.sum()) + setup.fixed_cost
    objective = float(np.where(has, inst.value[rows, safe], 0.0).sum()) if inst.cost.size else 0.0
    scale = float(np.max(np.abs(inst.value), initial=0.0)) or 1.0
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
    )


def solve_setup(setup: PlanSetup, *, stacklevel: int = 3) -> SupportPlan:
    """Solve the setup's instance; InfeasibleError with the reason if there is no plan."""
    if setup.budget < setup.fixed_cost:
        raise InfeasibleError(diagnose(setup.instance, fixed_cost=setup.fixed_cost,
                                       total_budget=setup.budget,
                                       currency=setup.program.currency))  # fmt: skip
    try:
        solution = solve(setup.instance, mip_rel_gap=setup.mip_rel_gap, time_limit=setup.time_limit)
    except Unsolvable:
        reason = diagnose(setup.instance, fixed_cost=setup.fixed_cost, total_budget=setup.budget,
                          currency=setup.program.currency)  # fmt: skip
        raise InfeasibleError(f"no plan meets every constraint: {reason}") from None
    except TimedOut:
        msg = (f"no integer plan was found within the time limit ({setup.time_limit:g} s), "
               "though the LP relaxation has one; raise `time_limit`")  # fmt: skip
        raise InfeasibleError(msg) from None
    if not solution.reached:
        msg = (f"the solver stopped at the time limit ({setup.time_limit:g} s) with a gap of "
               f"{solution.gap:.3%} to the bound, above mip_rel_gap={setup.mip_rel_gap:g}; the "
               "plan keeps every constraint but may not be the best: raise `time_limit`")  # fmt: skip
        warnings.warn(msg, SparkusWarning, stacklevel=stacklevel)
    return plan_from_choice(setup, solution.choice, solution)


def plan_setup(
    population: object,
    triage: object,
    program: object,
    providers: object,
    *,
    budget: object,
    priors: object,
    policy: object,
    pools: object,
    access: object,
    min_reach: object,
    exclude_resistant: object,
    weights: object,
    supports: object,
    mip_rel_gap: object,
    time_limit: object,
    confidence_level: object,
) -> PlanSetup:
    """Validate every argument of a plan once, and build the problem (shared by every planner)."""
    priors = EffectPriors() if priors is None else priors
    policy = SupportPolicy() if policy is None else policy
    problems = check_common(population, triage, program, providers, priors, policy,
                             exclude_resistant, mip_rel_gap, time_limit, confidence_level)  # fmt: skip
    if problems:
        raise SchemaError(problems)
    return _build(
        cast(Population, population),
        cast(TriageResult, triage),
        cast(Program, program),
        tuple(cast(Iterable[Provider], providers)),
        budget=budget,
        priors=cast(EffectPriors, priors),
        policy=cast(SupportPolicy, policy),
        pools=pools,
        access=access,
        min_reach=min_reach,
        exclude_resistant=cast(bool, exclude_resistant),
        weights=weights,
        supports=supports,
        mip_rel_gap=float(cast(float, mip_rel_gap)),
        time_limit=float(cast(float, time_limit)),
        confidence_level=float(cast(float, confidence_level)),
    )


def _plan_support_iv(
    population: object,
    triage: object,
    program: object,
    providers: object,
    **options: Any,
) -> PlanSetup:
    return plan_setup(population, triage, program, providers, **options)


def plan_support(
    population: Population,
    triage: TriageResult,
    program: Program,
    providers: Sequence[Provider],
    *,
    budget: float | None = None,
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
) -> SupportPlan:
    """Choose each person's support to maximise the total expected effect under the budget.

    Each person gets at most one option: a support type and the provider pool it draws a place
    from (or nothing). An option's cost is the program's cost model for the person's dose; its
    value is the prior's expected effect, times the person's readiness modifier and, if given,
    their equity weight. The plan maximises the total value subject to

    * the budget (fixed cost included);
    * each pool's capacity: the sum of its providers' capacities (self-guided reflection
      without providers has no limit and costs its platform fee);
    * a minimum reach (share of people supported) per level or department, if given;
    * the exclusion of the resistant, if `exclude_resistant`;
    * what each person's readiness rules out under the policy, and pools a person cannot use
      (a pool serves the levels up to its most senior provider's seniority, and `access`).

    It is solved as an integer program with HiGHS (``scipy.optimize.milp``) after its LP
    relaxation (``scipy.optimize.linprog``): people with identical options are solved as
    one class (exact), the LP bound and the gap are reported, and the marginal value of the
    budget and the binding constraints come from the LP's shadow prices.

    Parameters
    ----------
    population : Population
        The people.
    triage : TriageResult
        Their readiness and dose, from :func:`sparkus.triage.triage` on `population`. Human
        support gives a person their triage dose where it is above zero, else the prior's
        sessions; self-guided reflection always takes the prior's. People in the review queue
        are planned at their proposed level; people not assessed get nothing until a person
        decides.
    program : Program
        Budget, currency and cost model. Support types without a session fee in the cost
        model are not offered.
    providers : sequence of Provider
        Coaches, mentors, peer facilitators and team coaches; their capacities make the pools.
    budget : float, optional
        Total budget, fixed cost included; the program's if omitted.
    priors : EffectPriors, optional
        Expected effect and sessions per support type; :class:`EffectPriors` ``()`` if omitted.
    policy : SupportPolicy, optional
        What each readiness level rules out; :class:`SupportPolicy` ``()`` if omitted. Support
        types without a rule are not offered.
    pools : callable or mapping, optional
        How providers form capacity pools: a function of a :class:`~sparkus.model.Provider` returning the
        pool's name, or a mapping of every provider id to a pool name. By default one pool per
        support type, named by its value (``"coaching"``). A pool holds one support type.
    access : mapping of str to bool array, optional
        For a pool (or ``"self_guided_reflection"`` without providers), who may draw on it: one
        bool per person. Pools not named are open to everyone.
    min_reach : mapping of Level or str to float, optional
        Minimum share of people supported (any support) per :class:`~sparkus.model.Level` or department name.
    exclude_resistant : bool
        Give the resistant nothing (the method's default).
    weights : array of float, optional
        Equity weight per person, ``>= 0``: the objective is the weighted effect.
    supports : iterable of SupportType, optional
        The support types to plan with; by default every type the cost model prices, the
        policy covers and the program's journey offers (a plan cannot give what the journey
        has no steps for).
    mip_rel_gap : float
        Relative gap to the bound at which the solver may stop (0 for a proven optimum).
    time_limit : float
        Seconds the solver may use; past it, the best plan found stands with a
        :class:`~sparkus.SparkusWarning` giving the gap reached.
    confidence_level : float
        Level of the expected effect's interval.

    Returns
    -------
    SupportPlan

    Raises
    ------
    SchemaError
        For invalid arguments (negative budget, unknown support types, a weight that is NaN,
        a policy or priors that do not cover a support type planned, ...).
    InfeasibleError
        If no plan keeps every constraint; the message says which, and by how much (for
        instance the budget that minimum reach needs).

    Warns
    -----
    SparkusWarning
        If the time limit stopped the solver above `mip_rel_gap`.

    Examples
    --------
    >>> from sparkus.datasets import synthetic_org
    >>> from sparkus.matching import plan_support
    >>> from sparkus.triage import triage
    >>> org = synthetic_org(2_000, seed=3)
    >>> plan = plan_support(org.population, triage(org.population, program=org.program),
    ...                     org.program, org.providers)
    >>> plan.total_cost <= org.program.budget, plan.gap <= 1e-3
    (True, True)
    >>> {k: int(v["people"]) for k, v in plan.totals("support").items()}
    {'coaching': ..., 'mentoring': ..., 'peer_support': ..., 'self_guided_reflection': ..., 'none': ...}

    .. versionadded:: 0.1
    """
    setup = _plan_support_iv(
        population, triage, program, providers, budget=budget, priors=priors, policy=policy,
        pools=pools, access=access, min_reach=min_reach, exclude_resistant=exclude_resistant,
        weights=weights, supports=supports, mip_rel_gap=mip_rel_gap, time_limit=time_limit,
        confidence_level=confidence_level,
    )  # fmt: skip
    return solve_setup(setup)
