"""The planning engine: the problem as data, checked once, solved and turned into a plan.

:func:`~sparkus.matching.plan_support`, :func:`~sparkus.matching.budget_frontier` and
:func:`~sparkus.matching.compare_scenarios` share it. :class:`PlanOptions` holds the options
every planner takes beside the data, with their defaults, in one place. :func:`plan_setup`
checks a plan's arguments once and builds :class:`PlanSetup`: an option per support type and
provider pool, its cost from the program's cost model and the dose, its expected effect from
the priors, and the budget, capacities and minimum reach. :func:`solve_setup` solves it as an
integer program (``integer_program.py``) and :func:`plan_from_choice` turns the choice into a
:class:`~sparkus.matching.SupportPlan`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Final, cast

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import (
    FloatArray,
    check_number,
    describe,
)
from sparkus._errors import InfeasibleError, Problem, SchemaError, SparkusWarning
from sparkus._fields import not_one_of, read_member
from sparkus._memory import taken
from sparkus.matching._planning.inputs import people_problems, providers_problems, same_people
from sparkus.matching._planning.integer_program import (
    Instance,
    Solution,
    TimedOut,
    Unsolvable,
    diagnose,
)
from sparkus.matching._planning.lagrange import Warm, solve_plan
from sparkus.matching._planning.policy import SupportPolicy, suitable
from sparkus.matching._planning.priors import EffectPriors
from sparkus.matching._planning.rows import (
    access_masks,
    equity_weights,
    expected_effects,
    reach_groups,
)
from sparkus.matching._planning.support_plan import SupportPlan, plan_from_choice
from sparkus.model import CostModel, Population, Program, Provider, SupportType
from sparkus.triage import ReadinessLevel, TriageResult

__all__ = [
    "CONFIDENCE_LEVEL",
    "MIP_REL_GAP",
    "TIME_LIMIT",
    "PlanOptions",
    "PlanSetup",
    "PoolKey",
    "build_setup",
    "check_common",
    "check_confidence_level",
    "check_money",
    "cost_per_person",
    "plan_setup",
    "readiness_modifier",
    "sessions_of",
    "solve_choice",
    "solve_setup",
    "solve_setup_warm",
]

IntArray = npt.NDArray[np.int64]
PoolKey = Callable[[Provider], str] | Mapping[str, str]

MIP_REL_GAP: Final = 1e-3
"""The default relative gap to the bound at which the solver may stop."""

TIME_LIMIT: Final = 60.0
"""The default seconds the solver may use."""

CONFIDENCE_LEVEL: Final = 0.95
"""The default level of the expected effect's interval."""

_SELF: Final = SupportType.SELF_GUIDED_REFLECTION
_MAX_ROW_PROBLEMS: Final = 20
_LEAST_WORTH: Final = 2.0**-1022
"""The least the largest value (effect x fit x weight) may be, when not 0: the smallest normal
float. Below it every value is subnormal, has lost digits, and the plan would change with the
unit of the weights or effects."""


# -- the options and the problem as data -------------------------------------------------------


@attrs.frozen(eq=False)
class PlanOptions:
    """The options every planner takes beside the data, as the caller passed them (unchecked).

    The keyword arguments of :func:`~sparkus.matching.plan_support` but `budget`, with its
    defaults; :func:`plan_setup` checks them.
    """

    priors: object = None
    policy: object = None
    pools: object = None
    access: object = None
    min_reach: object = None
    exclude_resistant: object = True
    weights: object = None
    supports: object = None
    mip_rel_gap: object = MIP_REL_GAP
    time_limit: object = TIME_LIMIT
    confidence_level: object = CONFIDENCE_LEVEL
    effects: object = None


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
    fit_weights: Mapping[SupportType, float]  # the policy's, for the planned types
    budget: float  # total, fixed cost included
    weighted: bool
    confidence_level: float
    mip_rel_gap: float
    time_limit: float
    effect_source: str = "priors"  # or "per-person effects" (then no prior interval)

    @property
    def fixed_cost(self) -> float:
        return self.program.cost_model.fixed_cost


# -- the checks ---------------------------------------------------------------------------------


def check_common(
    population: object,
    triage: object,
    program: object,
    providers: object,
    priors: object,
    policy: object,
    options: PlanOptions,
) -> list[Problem]:
    """Checks of the arguments every planning function shares; the problems found."""
    problems = people_problems(population, triage, program) + providers_problems(providers)
    if not isinstance(priors, EffectPriors):
        got = type(priors).__name__
        problems.append(Problem(("priors",), f"expected EffectPriors or None, got {got}"))
    if not isinstance(policy, SupportPolicy):
        got = type(policy).__name__
        problems.append(Problem(("policy",), f"expected a SupportPolicy or None, got {got}"))
    if not isinstance(options.exclude_resistant, bool):
        msg = f"expected true or false, got {describe(options.exclude_resistant)}"
        problems.append(Problem(("exclude_resistant",), msg))
    check_number(options.mip_rel_gap, "mip_rel_gap", low=0.0, high=0.5, problems=problems)
    check_number(options.time_limit, "time_limit", low=0.0, low_open=True, problems=problems)
    check_confidence_level(options.confidence_level, problems)
    if not problems:
        problems += same_people(cast(Population, population), cast(TriageResult, triage))
    return problems


def check_confidence_level(value: object, problems: list[Problem]) -> None:
    """The level of the expected effect's interval: strictly between 0 and 1."""
    check_number(value, "confidence_level", low=0.0, high=1.0, low_open=True, high_open=True,
                 problems=problems)  # fmt: skip


def _supports(
    supports: object, program: Program, priors: EffectPriors, policy: SupportPolicy
) -> tuple[tuple[SupportType, ...], list[Problem]]:
    priced = program.cost_model.session_cost
    offered = program.journey.support_types
    problems: list[Problem] = []
    if supports is None:
        unpriced = [
            s for s in SupportType if s not in priced and s in policy.rules and s in offered
        ]
        if unpriced:
            names = ", ".join(repr(s.value) for s in unpriced)
            known = ", ".join(repr(s.value) for s in priced) or "none"
            msg = (f"has no session fee for {names}, which the program's journey offers (fees "
                   f"are set for: {known}); add a fee for each (0.0 if it costs nothing), or "
                   f"plan without them by naming the types to plan in `supports`")  # fmt: skip
            problems.append(Problem(("program", "cost_model", "session_cost"), msg))
        chosen = tuple(s for s in SupportType if s in priced and s in policy.rules and s in offered)
        if not chosen and not unpriced:
            msg = (
                "no support type is priced by the program's cost model, covered by the policy "
                "and offered by the program's journey; add session fees, rules or journey steps"
            )
            problems.append(Problem(("supports",), msg))
    else:
        if isinstance(supports, str | bytes) or not isinstance(supports, Iterable):
            msg = f"expected an iterable of SupportType, got {describe(supports)}"
            return (), [Problem(("supports",), msg)]
        given = [read_member(s, SupportType) or s for s in cast(Iterable[object], supports)]
        for i, s in enumerate(given):
            if not isinstance(s, SupportType):
                problems.append(Problem(("supports", i), not_one_of(s, SupportType)))
            elif s not in priced:
                known = ", ".join(x.value for x in priced) or "none"
                msg = (f"{s.value!r} has no session fee in the program's cost model (it prices: "
                       f"{known}); add one or leave it out")  # fmt: skip
                problems.append(Problem(("supports", i), msg))
            elif s not in policy.rules:
                msg = f"{s.value!r} has no rule in the policy; add a SupportRule or leave it out"
                problems.append(Problem(("supports", i), msg))
            elif s not in offered:
                msg = (f"the program's journey ({program.journey.name!r}) has no steps for "
                       f"{s.value!r}, so nobody could receive it; add them or leave it out")  # fmt: skip
                problems.append(Problem(("supports", i), msg))
        if not given:
            problems.append(Problem(("supports",), "must name at least one SupportType"))
        named = {s for s in given if isinstance(s, SupportType)}
        chosen = tuple(s for s in SupportType if s in named)
    for s in chosen:
        if s not in priors.priors and not problems:
            msg = (f"no prior for {s.value!r}: add one with EffectPriors.with_estimate, or "
                   "leave it out with `supports`")  # fmt: skip
            problems.append(Problem(("priors", "priors", s.value), msg))
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
        return grouped, [Problem(("pools",), msg)]
    for i, p in enumerate(providers):
        if p.support_type not in supports:
            continue
        if pools is None:
            name: object = p.support_type.value
        elif isinstance(pools, Mapping):
            if p.id not in pools:
                msg = f"provider {p.id!r} has no pool in `pools`; map every provider id"
                problems.append(Problem(("pools", p.id), msg))
                continue
            name = pools[p.id]
        else:
            name = cast(Callable[[Provider], object], pools)(p)
        if not isinstance(name, str) or not name:
            msg = f"a pool name must be a non-empty string, got {describe(name)} for {p.id!r}"
            problems.append(Problem(("pools", i), msg))
            continue
        grouped.setdefault(name, []).append(p)
    for name, members in grouped.items():
        kinds = sorted({p.support_type.value for p in members})
        if len(kinds) > 1:
            msg = f"a pool holds one support type; {name!r} mixes {', '.join(kinds)}"
            problems.append(Problem(("pools", name), msg))
    return dict(sorted(grouped.items())), problems


def readiness_modifier(priors: EffectPriors, readiness: npt.NDArray[np.int8]) -> FloatArray:
    """Each person's modifier of the expected effect; 1 for the not assessed (rank -1)."""
    table = np.array([priors.readiness_modifier[r] for r in ReadinessLevel] + [1.0])
    out: FloatArray = table[readiness.astype(np.int64)]  # -1 takes the last entry: 1
    return out


def sessions_of(priors: EffectPriors, support: SupportType, dose: IntArray) -> IntArray | int:
    """Sessions of `support` per person: the triage dose where above zero, else the prior's.

    Self-guided reflection always takes the prior's sessions.
    """
    prior = priors.priors[support].sessions
    return prior if support is _SELF else np.where(dose > 0, dose, prior)


def cost_per_person(
    cost_model: CostModel, support: SupportType, sessions: IntArray | int
) -> FloatArray:
    """The cost model's cost of `support` for people getting `sessions` sessions each."""
    one_off = cost_model.per_person(support, sessions=0)
    per_session = cost_model.per_person(support, sessions=1) - one_off
    with np.errstate(over="ignore", invalid="ignore"):  # beyond the floats: refused by the caller
        out: FloatArray = one_off + per_session * np.asarray(sessions)
    return out


def check_money(cost: FloatArray, supports: tuple[SupportType, ...]) -> None:
    """A SchemaError naming the cost model when a cost, or everyone's dearest total, overflows."""
    bad = ~np.isfinite(cost)
    if bad.any():
        rows, cols = np.nonzero(bad)
        msg = (
            f"the cost of {supports[int(cols[0])].value!r} for a person (row {int(rows[0])}) is "
            "beyond the float range; fees times sessions must stay below 1.8e308 (state the "
            "costs in a larger unit, thousands say)"
        )
        raise SchemaError([Problem(("program", "cost_model"), msg)])
    with np.errstate(over="ignore"):
        dearest = float(np.max(cost, axis=1, initial=0.0).sum()) if cost.size else 0.0
    if not math.isfinite(dearest):
        msg = (
            "everyone's dearest support together costs more than the float range holds "
            "(1.8e308); state the costs in a larger unit (thousands, millions) and plan again"
        )
        raise SchemaError([Problem(("program", "cost_model"), msg)])


def _check_worth(
    value: FloatArray, effect: FloatArray, supports: tuple[SupportType, ...], source: str
) -> None:
    """A SchemaError naming `source` when a value (effect x fit x equity weight) overflows.

    The plan sums values and effects over everyone: each person's largest, summed, must be
    finite too, or the objective and the expected effect would be infinite.
    """
    for table, what in ((effect, "expected effect"), (value, "value (effect x fit x weight)")):
        bad = ~np.isfinite(table)
        if bad.any():
            rows, cols = np.nonzero(bad)
            msg = (f"the {what} of {supports[int(cols[0])].value!r} for a person (row "
                   f"{int(rows[0])}) is beyond the float range (1.8e308); state effects in a "
                   "smaller unit")  # fmt: skip
            raise SchemaError([Problem((source,), msg)])
        with np.errstate(over="ignore"):
            total = float(np.max(np.abs(table), axis=1, initial=0.0).sum()) if table.size else 0.0
        if not math.isfinite(total):
            msg = (f"everyone's largest {what} together is more than the float range holds "
                   "(1.8e308); state effects in a smaller unit and plan again")  # fmt: skip
            raise SchemaError([Problem((source,), msg)])


def _check_digits(
    value: FloatArray, effect: FloatArray, fit: FloatArray, weighted: bool, given: bool
) -> None:
    """A SchemaError when the caller's weights or effects leave every value subnormal.

    Subnormal values have lost digits, so the plan would change with the unit of the weights
    (or effects). Priors are left as they are.
    """
    top = max(float(np.max(value, initial=0.0)), -float(np.min(value, initial=0.0)))  # no copy
    if not 0.0 < top < _LEAST_WORTH:
        return
    with np.errstate(over="ignore"):  # only reached for tiny values: the pass costs nothing
        base = float(np.max(np.abs(effect * fit), initial=0.0))
    source = "weights" if weighted and base >= _LEAST_WORTH else "effects" if given else None
    if source is None:
        return
    msg = (f"the largest value (effect x fit x weight) is {top:.3g}, below {_LEAST_WORTH:.3g}, "
           f"where floats are subnormal and lose digits; only the ratios of the {source} matter, so multiply them "
           "all by a large power of ten and plan again")  # fmt: skip
    raise SchemaError([Problem((source,), msg)])


def build_setup(
    population: Population,
    triage: TriageResult,
    program: Program,
    providers: Sequence[Provider],
    *,
    budget: object,
    priors: EffectPriors,
    policy: SupportPolicy,
    options: PlanOptions,
) -> PlanSetup:
    """Check the arguments particular to a plan and build the problem as arrays.

    The arguments every planner shares are checked already (:func:`check_common`).
    """
    n = len(population)
    problems: list[Problem] = []
    total_budget = program.budget if budget is None else budget
    check_number(total_budget, "budget", low=0.0, problems=problems)
    chosen, found = _supports(options.supports, program, priors, policy)
    problems += found
    if problems:
        raise SchemaError(problems)
    grouped, found = _pools(providers, options.pools, chosen)
    problems += found
    unlimited_self = _SELF in chosen and not any(
        ps[0].support_type is _SELF for ps in grouped.values()
    )
    pool_names = tuple(grouped)
    if unlimited_self and _SELF.value in grouped:  # else one name for two options
        kind = grouped[_SELF.value][0].support_type.value
        msg = (f"names a pool of {kind} providers {_SELF.value!r}, which `access` reads as "
               "self-guided reflection without providers; name the pool otherwise")  # fmt: skip
        problems.append(Problem(("pools", _SELF.value), msg))
    option_names = pool_names + ((_SELF.value,) if unlimited_self else ())
    level = np.asarray(population["level"], dtype=np.int8)
    readiness = np.asarray(triage.level, dtype=np.int8)
    masks = access_masks(options.access, option_names, population, problems)
    w = equity_weights(options.weights, population, problems)
    given = expected_effects(options.effects, population, chosen, problems)
    department = population.decode("department")
    reach, reach_min, reach_names = reach_groups(options.min_reach, population, level, department,
                                           problems)  # fmt: skip
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
    if options.exclude_resistant:
        ok &= (readiness != ReadinessLevel.RESISTANT.rank)[:, None]
    dose = np.asarray(triage.sessions, dtype=np.int64)
    costs = program.cost_model
    sessions_s = np.empty((n, len(chosen)), dtype=np.int64)
    cost_s = np.empty((n, len(chosen)))
    for k, s in enumerate(chosen):
        sessions_s[:, k] = sessions_of(priors, s, dose)
        cost_s[:, k] = cost_per_person(costs, s, sessions_s[:, k])
    check_money(cost_s, chosen)
    modifier = readiness_modifier(priors, readiness)
    if given is None:
        effect_s = np.array([priors.priors[s].effect for s in chosen])[None, :] * modifier[:, None]
    else:  # the caller's per-person effects replace the priors' effect times the modifier
        effect_s = given
    fits = policy.fit_weights(program)
    fit_s = np.array([fits[s] for s in chosen])
    with np.errstate(over="ignore", invalid="ignore"):  # beyond the floats: refused below
        value_s = effect_s * fit_s[None, :] * w[:, None]
    source = (
        "effects" if given is not None else "weights" if options.weights is not None else "priors"
    )
    _check_worth(value_s, np.broadcast_to(effect_s, value_s.shape), chosen, source)
    _check_digits(value_s, effect_s, fit_s[None, :], options.weights is not None,
                  given is not None)  # fmt: skip

    # The (people, options) arrays are the plan's largest: in plain pages (sparkus._memory).
    eligible = taken(ok, o_support)
    eligible &= level[:, None].astype(np.int64) >= top_rank[None, :]
    for j, name in enumerate(option_names):
        if name in masks:
            eligible[:, j] &= masks[name]
    instance = Instance(
        eligible=eligible,
        cost=taken(cost_s, o_support),
        value=taken(value_s, o_support),
        effect=taken(np.asarray(effect_s, dtype=np.float64), o_support),
        option_pool=o_pool,
        capacity=capacity,
        budget=float(cast(float, total_budget)) + 0.0 - costs.fixed_cost,
        reach=reach,
        reach_min=reach_min,
        pool_names=pool_names,
        reach_names=reach_names,
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
        sessions=taken(sessions_s, o_support),
        instance=instance,
        level=level,
        readiness=readiness,
        department=department,
        modifier=modifier,
        fit_weights={s: fits[s] for s in chosen},
        budget=float(cast(float, total_budget)) + 0.0,  # + 0.0: a budget of -0.0 is 0
        weighted=options.weights is not None,
        confidence_level=float(cast(float, options.confidence_level)),
        mip_rel_gap=float(cast(float, options.mip_rel_gap)),
        time_limit=float(cast(float, options.time_limit)),
        effect_source="priors" if given is None else "per-person effects",
    )


def plan_setup(
    population: object,
    triage: object,
    program: object,
    providers: object,
    *,
    budget: object,
    options: PlanOptions,
) -> PlanSetup:
    """Validate every argument of a plan once, and build the problem (shared by the planners)."""
    priors = EffectPriors() if options.priors is None else options.priors
    policy = SupportPolicy() if options.policy is None else options.policy
    problems = check_common(population, triage, program, providers, priors, policy, options)
    if problems:
        raise SchemaError(problems)
    return build_setup(
        cast(Population, population),
        cast(TriageResult, triage),
        cast(Program, program),
        tuple(cast(Iterable[Provider], providers)),
        budget=budget,
        priors=cast(EffectPriors, priors),
        policy=cast(SupportPolicy, policy),
        options=options,
    )


# -- solving ----------------------------------------------------------------------------------


def solve_setup(setup: PlanSetup, *, stacklevel: int = 3) -> SupportPlan:
    """Solve the setup's instance; InfeasibleError with the reason if there is no plan."""
    plan, _ = solve_setup_warm(setup, start=None, stacklevel=stacklevel + 1)
    return plan


def solve_setup_warm(
    setup: PlanSetup, *, start: Warm | None, stacklevel: int = 3
) -> tuple[SupportPlan, Warm | None]:
    """:func:`solve_setup`, the structured path starting from where another budget's ended.

    Also returns where the structured path ended (None if it was not used), to start the next
    solve of the same people from (the frontier's next budget).
    """
    solution, warm = solve_choice(setup, start=start, stacklevel=stacklevel + 1)
    return plan_from_choice(setup, solution.choice, solution), warm


def solve_choice(
    setup: PlanSetup, *, start: Warm | None, stacklevel: int = 3
) -> tuple[Solution, Warm | None]:
    """:func:`solve_setup_warm` without building the plan: the solver's choice per person.

    The frontier reads its totals off the choice (building a full plan per budget cost it
    about 15 ms a budget at 100,000 people).
    """
    if setup.budget < setup.fixed_cost:
        raise InfeasibleError(diagnose(setup.instance, fixed_cost=setup.fixed_cost,
                                       total_budget=setup.budget,
                                       currency=setup.program.currency))  # fmt: skip
    try:
        solution = solve_plan(setup.instance, mip_rel_gap=setup.mip_rel_gap,
                              time_limit=setup.time_limit, start=start)  # fmt: skip
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
    warm = solution.warm if isinstance(solution.warm, Warm) else None
    return solution, warm
