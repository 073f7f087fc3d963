"""plan_support: exact against brute force, honest gaps, constraints kept, typed errors."""

from __future__ import annotations

import itertools
import json
import math
import warnings
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given, reject, settings
from hypothesis import strategies as st

from sparkus import InfeasibleError, SchemaError, SparkusWarning
from sparkus.datasets import synthetic_org
from sparkus.matching import EffectPrior, EffectPriors, SupportPlan, SupportPolicy, plan_support
from sparkus.matching._planning import engine as _plan
from sparkus.matching._planning.integer_program import Instance, Unsolvable, solve
from sparkus.model import (
    CostModel,
    Goal,
    Level,
    Population,
    Program,
    Provider,
    Season,
    SupportType,
    default_journey,
)
from sparkus.triage import ReadinessLevel, TriageResult, triage

COACHING = SupportType.COACHING
MENTORING = SupportType.MENTORING
SELF = SupportType.SELF_GUIDED_REFLECTION
OPTIONS = (COACHING, MENTORING, SELF)  # the small worlds' options, in plan order


# -- small worlds: up to 8 people, coaching and mentoring pools, unlimited self-guided --------


@attrs.frozen
class World:
    population: Population
    triage: TriageResult
    program: Program
    providers: tuple[Provider, ...]
    priors: EffectPriors


def make_world(
    levels: list[int],
    readiness: list[int],
    dose: list[int],
    *,
    fees: tuple[float, float, float] = (300.0, 50.0, 90.0),
    capacity: tuple[int, int] = (2, 2),
    budget: float = 2_000.0,
    effects: tuple[float, float, float] = (0.4, 0.2, 0.1),
    modifier: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 1.0),
) -> World:
    """A population of len(levels) people with the given levels, readiness and triage dose."""
    n = len(levels)
    population = Population.from_columns({
        "id": [f"p{i}" for i in range(n)],
        "level": [list(Level)[lv].value for lv in levels],
        "department": ["A" if i % 2 else "B" for i in range(n)],
        "tenure_years": [1.0] * n,
    })  # fmt: skip
    result = TriageResult(
        ids=population.ids,
        level=np.asarray(readiness, dtype=np.int8),
        probabilities=None,
        score=None,
        review=np.zeros(n, dtype=bool),
        sessions=np.asarray(dose, dtype=np.int64),
        reflection_share=np.zeros(n),
        method="test",
        review_threshold=0.6,
        full_sessions=6,
        cost=None,
        cost_full=None,
        currency=None,
    )
    costs = CostModel(
        {COACHING: fees[0], MENTORING: fees[1], SELF: 0.0},
        per_participant_cost={SELF: fees[2]},
    )
    goals = (Goal.LEADERSHIP_DEVELOPMENT,)
    program = Program("t", goals, Season.SPRING, budget, "EUR", costs,
                      default_journey(Season.SPRING, goals))  # fmt: skip
    providers = (
        Provider("c1", COACHING, capacity[0], fees[0], Level.EXECUTIVE),
        Provider("m1", MENTORING, capacity[1], fees[1], Level.EXECUTIVE),
    )
    priors = EffectPriors(
        {s: EffectPrior(e, 0.05, 6 if s is not SELF else 0, "test")
         for s, e in zip(OPTIONS, effects, strict=True)},
        dict(zip(ReadinessLevel, modifier, strict=True)),
    )  # fmt: skip
    return World(population, result, program, providers, priors)


def brute_force(world: World, *, budget: float, exclude_resistant: bool = True,
                weights: Any = None) -> float:  # fmt: skip
    """The best objective over every assignment, computed without the planner's code."""
    n = len(world.population)
    readiness = world.triage.level.astype(int)
    dose = world.triage.sessions
    fees = world.program.cost_model.session_cost
    platform = world.program.cost_model.per_participant_cost[SELF]
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    value = np.zeros((n, 3))
    cost = np.zeros((n, 3))
    eligible = np.zeros((n, 3), dtype=bool)
    for k, s in enumerate(OPTIONS):
        prior = world.priors.priors[s]
        mod = np.array([world.priors.readiness_modifier[ReadinessLevel(r)] for r in
                        ("resistant", "emerging", "ready", "highly_ready")])[readiness]  # fmt: skip
        # The default policy's fit weight (fit_weight=1): the rule's mean goal score plus its
        # season score, read from the policy table rather than from SupportPolicy.fit_weights.
        rule = SupportPolicy().rules[s]
        fit = np.mean([rule.goals[g] for g in world.program.goals])
        fit += rule.seasons[world.program.season]
        value[:, k] = prior.effect * mod * w * fit
        if s is SELF:
            cost[:, k] = platform
            eligible[:, k] = ~((readiness == 0) & exclude_resistant)
        else:
            sessions = np.where(dose > 0, dose, prior.sessions)
            cost[:, k] = sessions * fees[s]
            eligible[:, k] = readiness >= 2  # the default policy: human support from "ready"
    combos = np.array(list(itertools.product(range(-1, 3), repeat=n)), dtype=np.int64)
    take = combos >= 0
    idx = np.where(take, combos, 0)
    rows = np.arange(n)[None, :]
    ok = np.all(~take | eligible[rows, idx], axis=1)
    total_cost = np.where(take, cost[rows, idx], 0.0).sum(axis=1)
    ok &= total_cost <= budget + 1e-9
    capacity = [p.capacity for p in world.providers]
    for k in range(2):
        ok &= (combos == k).sum(axis=1) <= capacity[k]
    total = np.where(take, value[rows, idx], 0.0).sum(axis=1)
    return float(total[ok].max())


@st.composite
def worlds(draw: st.DrawFn) -> tuple[World, float]:
    n = draw(st.integers(1, 8))
    levels = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    readiness = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    dose = draw(st.lists(st.sampled_from([0, 4, 6]), min_size=n, max_size=n))
    fees = (draw(st.sampled_from([100.0, 250.0, 320.0])), draw(st.sampled_from([0.0, 40.0])),
            draw(st.sampled_from([30.0, 90.0])))  # fmt: skip
    capacity = (draw(st.integers(0, 4)), draw(st.integers(0, 4)))
    effects = tuple(draw(st.lists(st.floats(0.01, 1.0), min_size=3, max_size=3)))
    modifier = tuple(draw(st.lists(st.floats(0.0, 1.5), min_size=4, max_size=4)))
    budget = draw(st.floats(0.0, 4_000.0))
    world = make_world(levels, readiness, dose, fees=fees, capacity=capacity, budget=budget,
                       effects=effects, modifier=modifier)  # fmt: skip
    return world, budget


def plan_of(world: World, **options: Any) -> SupportPlan:
    return plan_support(world.population, world.triage, world.program, world.providers,
                        priors=world.priors, **options)  # fmt: skip


# -- exactness and honest gaps -----------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(worlds(), st.booleans())
def test_plan_equals_brute_force(drawn, exclude_resistant):
    """With mip_rel_gap=0 the plan's objective is the brute-force optimum (<= 8 people x 3)."""
    world, budget = drawn
    plan = plan_of(world, mip_rel_gap=0.0, exclude_resistant=exclude_resistant)
    best = brute_force(world, budget=budget, exclude_resistant=exclude_resistant)
    # HiGHS proves optimality up to an absolute gap of 1e-6 on the objective.
    assert plan.objective == pytest.approx(best, rel=1e-7, abs=1e-6)
    assert plan.gap == pytest.approx(0.0, abs=1e-6)


@settings(max_examples=30, deadline=None)
@given(worlds(), st.lists(st.floats(0.0, 3.0), min_size=8, max_size=8))
def test_reported_gap_is_honest(drawn, raw_weights):
    """The true optimum lies between the plan's objective and its bound, within the gap."""
    world, budget = drawn
    weights = raw_weights[: len(world.population)]
    try:
        plan = plan_of(world, mip_rel_gap=0.2, weights=weights)
    except SchemaError as error:  # every value subnormal: refused (tested apart)
        if "subnormal" not in str(error):
            raise
        reject()
    best = brute_force(world, budget=budget, weights=weights)
    assert plan.objective <= best + 1e-9
    assert best <= plan.bound + 1e-6  # up to HiGHS' absolute tolerance
    assert plan.objective >= (1 - plan.gap) * plan.bound - 1e-9
    assert plan.lp_bound >= plan.bound - 1e-7


@settings(max_examples=40, deadline=None)
@given(worlds(), st.booleans())
def test_no_plan_exceeds_budget_or_capacity(drawn, exclude_resistant):
    """Every plan keeps the budget and each pool's capacity; excluded resistant get nothing."""
    world, budget = drawn
    plan = plan_of(world, exclude_resistant=exclude_resistant)
    assert plan.total_cost <= budget + 1e-6
    for provider in world.providers:
        assert np.sum(plan.support == provider.support_type) <= provider.capacity
    assert all(c.met for c in plan.constraints)
    if exclude_resistant:
        assert all(s is None for s in plan.support[world.triage.level == 0])
    assert all(s is None for s in plan.support[world.triage.level == 1] if s is not SELF)


@settings(max_examples=30, deadline=None)
@given(worlds(), st.floats(0.0, 3_000.0))
def test_raising_the_budget_never_lowers_the_optimum(drawn, extra):
    """The optimum at a larger budget is at least the optimum at a smaller one."""
    world, budget = drawn
    low = plan_of(world, budget=budget, mip_rel_gap=0.0)
    high = plan_of(world, budget=budget + extra, mip_rel_gap=0.0)
    assert high.objective >= low.objective - 1e-6


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_solver_core_matches_enumeration(data):
    """The class-aggregated solver finds the enumerated optimum, minimum reach included."""
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    n, n_options, n_pools = int(rng.integers(1, 8)), int(rng.integers(1, 4)), 2
    eligible = rng.random((n, n_options)) < 0.8
    cost = rng.integers(0, 5, (n, n_options)).astype(float)
    value = rng.integers(0, 4, (n, n_options)) / 2.0  # ties and identical people on purpose
    pool = rng.integers(-1, n_pools, n_options)
    capacity = rng.integers(0, 4, n_pools).astype(float)
    reach = rng.random((int(rng.integers(0, 3)), n)) < 0.6
    need = rng.integers(0, 3, reach.shape[0])
    instance = Instance(eligible, cost, value, value, pool, capacity, float(rng.integers(0, 10)),
                        reach, need)  # fmt: skip
    best = -math.inf
    for combo in itertools.product(range(-1, n_options), repeat=n):
        c = np.array(combo)
        sel = c >= 0
        rows = np.flatnonzero(sel)
        if not eligible[rows, c[sel]].all() or cost[rows, c[sel]].sum() > instance.budget:
            continue
        pools = pool[c[sel]]
        if np.any(np.bincount(pools[pools >= 0], minlength=n_pools) > capacity):
            continue
        if reach.shape[0] and np.any((reach & sel).sum(axis=1) < need):
            continue
        best = max(best, float(value[rows, c[sel]].sum()))
    try:
        found = solve(instance, mip_rel_gap=0.0, time_limit=10.0)
    except Unsolvable:
        assert best == -math.inf
        return
    assert found.objective == pytest.approx(best)
    chosen = found.choice >= 0
    assert value[np.flatnonzero(chosen), found.choice[chosen]].sum() == pytest.approx(best)


# -- the plan on a synthetic organisation ------------------------------------------------------


@pytest.fixture(scope="module")
def org():
    return synthetic_org(1_500, seed=2)


@pytest.fixture(scope="module")
def triaged(org):
    return triage(org.population, program=org.program)


@pytest.fixture(scope="module")
def plan(org, triaged):
    return plan_support(org.population, triaged, org.program, org.providers)


def test_plan_reaches_the_gap_and_keeps_the_budget(plan, org):
    """The default plan is within 0.1% of its bound, and within the program's budget."""
    assert plan.status == "optimal"
    assert plan.gap <= 1e-3
    assert plan.objective <= plan.bound + 1e-9 <= plan.lp_bound + 2e-9
    assert plan.total_cost <= org.program.budget
    assert plan.total_cost == pytest.approx(plan.cost.sum() + org.program.cost_model.fixed_cost)


def test_costs_follow_the_cost_model_and_the_dose(plan, org, triaged):
    """Each person's cost is the cost model's for their support and triage dose."""
    costs = org.program.cost_model
    for i in np.flatnonzero(plan.support != None)[:200]:
        support = plan.support[i]
        dose = int(triaged.sessions[i])
        expected = (
            dose if support is not SELF and dose > 0 else plan.priors.priors[support].sessions
        )
        assert plan.sessions[i] == expected
        assert plan.cost[i] == pytest.approx(costs.per_person(support, sessions=expected))
        assert plan.effect[i] == pytest.approx(plan.priors.priors[support].effect)


def test_the_resistant_and_unready_are_not_given_human_support(plan, triaged):
    """The resistant get nothing; the emerging get self-guided reflection at most."""
    assert all(s is None for s in plan.support[triaged.level == 0])
    assert set(plan.support[triaged.level == 1]) <= {SELF, None}


def test_totals_add_up(plan):
    """Totals by support type, level and department each add up to the plan's totals."""
    for by in ("support", "level", "department", "pool"):
        totals = plan.totals(by)
        assert sum(t["people"] for t in totals.values()) == plan.n
        assert sum(t["cost"] for t in totals.values()) == pytest.approx(plan.cost.sum())
        assert sum(t["effect"] for t in totals.values()) == pytest.approx(plan.expected_effect)
    with pytest.raises(SchemaError, match="`by`"):
        plan.totals("site")


def test_interval_follows_the_priors(plan):
    """The interval is normal with each support type's se, shared within a type."""
    low, high = plan.confidence_interval
    by_type = plan.totals("support")
    sd = math.sqrt(sum((by_type[s.value]["supported"] * plan.priors.priors[s].se) ** 2
                       for s in plan.supports))  # fmt: skip
    assert (high - low) / 2 == pytest.approx(1.959964 * sd, rel=1e-5)
    assert low < plan.expected_effect < high


def test_marginal_value_and_binding_constraints(org, triaged, plan):
    """A tight budget binds with a positive shadow price; a huge one does not bind."""
    assert "budget" in plan.binding
    assert plan.budget_shadow_price > 0
    rich = plan_support(org.population, triaged, org.program, org.providers, budget=1e9)
    assert "budget" not in rich.binding
    assert rich.budget_shadow_price == pytest.approx(0.0, abs=1e-12)
    full = [c.name for c in rich.constraints if c.kind == "capacity" and c.used == c.limit]
    assert set(rich.binding) <= set(full)


def test_result_prints_and_serialises(plan):
    """repr is one line with n; summary has the tables; to_dict is JSON."""
    assert repr(plan).startswith(f"SupportPlan(n={plan.n}, supported=")
    assert "\n" not in repr(plan)
    text = plan.summary()
    for title in ("Support plan", "By support type", "Reach by level", "Constraints"):
        assert title in text
    data = json.loads(json.dumps(plan.to_dict()))
    assert data["priors"]["priors"]["coaching"]["effect"] == 0.4
    assert "<table>" in plan._repr_html_()


def test_equity_weights_move_support(org, triaged):
    """Weighting one level up gives it more support at the same budget."""
    level = org.population["level"]
    plain = plan_support(org.population, triaged, org.program, org.providers, budget=200_000.0)
    weights = np.where(level == Level.MANAGER.rank, 3.0, 1.0)
    before = weights.copy()
    weighted = plan_support(org.population, triaged, org.program, org.providers,
                            budget=200_000.0, weights=weights)  # fmt: skip
    managers = level == Level.MANAGER.rank
    assert np.sum(weighted.support[managers] != None) >= np.sum(plain.support[managers] != None)
    assert weighted.weighted
    fit = [weighted.fit_weights[x] if x is not None else 0.0 for x in weighted.support]
    assert weighted.objective == pytest.approx(float(np.sum(weighted.effect * weights * fit)))
    np.testing.assert_array_equal(weights, before)


def test_pools_by_key_and_access(org, triaged):
    """Pools from a key function; access masks keep people out of a pool."""
    sales = org.population.decode("department") == "Sales"
    plan = plan_support(
        org.population, triaged, org.program, org.providers,
        pools=lambda p: f"{p.support_type.value}/{p.seniority.value}",
        access={"mentoring/executive": sales, "mentoring/senior_leader": sales},
    )  # fmt: skip
    mentored = plan.support == MENTORING
    assert np.all(sales[mentored])
    names = {c.name for c in plan.constraints if c.kind == "capacity"}
    assert "pool coaching/manager" in names


def test_access_masks_as_zero_one_numbers_are_read_as_booleans(org, triaged):
    """0/1 integers (as pandas hands a boolean column over) give the plan of the booleans.

    A pandas Series is read by its index, the ids (test_aligned_rows.py).
    """
    import pandas as pd

    sales = org.population.decode("department") == "Sales"
    by_bool = plan_support(org.population, triaged, org.program, org.providers,
                           access={"mentoring": sales})  # fmt: skip
    as_int = pd.Series(sales.astype(int), index=org.population.ids)
    by_int = plan_support(org.population, triaged, org.program, org.providers,
                          access={"mentoring": as_int})  # fmt: skip
    np.testing.assert_array_equal(by_int.support, by_bool.support)


def test_pool_seniority_limits_who_may_use_it():
    """A pool of manager-level coaches serves no executive."""
    world = make_world([0, 0, 2], [3, 3, 3], [6, 6, 6], capacity=(3, 0), budget=1e6)
    junior = (Provider("c1", COACHING, 3, 300.0, Level.MANAGER),
              Provider("m1", MENTORING, 0, 50.0, Level.EXECUTIVE))  # fmt: skip
    plan = plan_support(world.population, world.triage, world.program, junior,
                        priors=world.priors)  # fmt: skip
    assert plan.support.tolist() == [SELF, SELF, COACHING]


def test_a_plan_with_no_effect_says_so_in_its_summary(org, triaged):
    """With every weight 0 there is no effect to divide the cost by: the summary says so
    rather than printing "inf EUR", and a bound of negative zero reads 0."""
    plan = plan_support(org.population, triaged, org.program, org.providers,
                        weights=np.zeros(len(org.population)))  # fmt: skip
    assert plan.cost_per_effect == math.inf  # the documented convention
    text = plan.summary()
    assert "no positive expected effect" in text
    assert "inf" not in text
    assert " -0\n" not in text + "\n"


def test_min_reach_takes_a_level_by_its_value(org, triaged):
    """A level spelled as exports spell it ("senior_leader", "Senior Leader") is the Level; a
    name that is neither a level nor a department is refused, and the message lists the
    levels' values and the one probably meant."""
    keys = (Level.SENIOR_LEADER, "senior_leader", "Senior Leader")
    plans = [plan_support(org.population, triaged, org.program, org.providers, budget=400_000.0,
                          min_reach={key: 0.8}) for key in keys]  # fmt: skip
    for plan in plans[1:]:
        assert plan.support.tolist() == plans[0].support.tolist()
        assert plan.objective == plans[0].objective
    with pytest.raises(SchemaError, match="did you mean 'senior_leader'") as info:
        plan_support(org.population, triaged, org.program, org.providers,
                     min_reach={"senior leadr": 0.8})  # fmt: skip
    assert [p.path for p in info.value.problems] == [("min_reach", "senior leadr")]


def test_min_reach_is_met(org, triaged):
    """A minimum reach per level and department holds in the plan."""
    plan = plan_support(org.population, triaged, org.program, org.providers, budget=400_000.0,
                        min_reach={Level.SENIOR_LEADER: 0.8, "Finance": 0.8})  # fmt: skip
    for c in plan.constraints:
        if c.kind == "reach":
            assert c.used >= c.limit
    leaders = org.population["level"] == Level.SENIOR_LEADER.rank
    assert np.mean(plan.support[leaders] != None) >= 0.8 - 1e-9


# -- errors ------------------------------------------------------------------------------------


def test_infeasible_reach_says_what_budget_it_needs(org, triaged):
    """Minimum reach a budget cannot pay for: the error gives the budget needed."""
    with pytest.raises(InfeasibleError, match=r"needs a budget of at least [\d,]+ EUR") as info:
        plan_support(org.population, triaged, org.program, org.providers, budget=30_000.0,
                     min_reach={Level.INDIVIDUAL_CONTRIBUTOR: 0.5})  # fmt: skip
    assert "short by" in str(info.value)


def test_infeasible_reach_beyond_who_can_be_supported(org, triaged):
    """Full reach of a level with resistant people: the error says by how many it is short."""
    with pytest.raises(InfeasibleError, match=r"level manager .* short by \d+"):
        plan_support(org.population, triaged, org.program, org.providers,
                     min_reach={Level.MANAGER: 1.0})  # fmt: skip


def test_infeasible_capacity_for_reach():
    """Reach that needs more places than the pools hold is named with the shortfall."""
    world = make_world([2, 2, 2], [2, 2, 2], [6, 6, 6], capacity=(1, 0), budget=1e6)
    with pytest.raises(InfeasibleError, match="capacity allows at most 1: short by 2"):
        plan_of(world, supports=[COACHING, MENTORING], min_reach={Level.MANAGER: 1.0})


def test_budget_below_fixed_cost(org, triaged):
    """A budget below the fixed cost is infeasible, by the difference."""
    with pytest.raises(InfeasibleError, match="fixed cost 25,000 EUR exceeds the budget 1,000"):
        plan_support(org.population, triaged, org.program, org.providers, budget=1_000.0)


@pytest.mark.parametrize(
    ("options", "location"),
    [
        ({"budget": -1.0}, "budget"),
        ({"budget": math.nan}, "budget"),
        ({"weights": [math.nan] + [1.0] * 7}, "weights[0]"),
        ({"weights": [1.0] * 3}, "weights"),
        ({"supports": ["coach"]}, "supports[0]"),
        ({"supports": [SupportType.PEER_SUPPORT]}, "supports[0]"),
        ({"min_reach": {"Atlantis": 0.5}}, "min_reach.Atlantis"),
        ({"min_reach": {Level.MANAGER: 1.5}}, "min_reach.manager"),
        ({"access": {"hypnosis": [True] * 8}}, "access.hypnosis"),
        ({"access": {"coaching": [2] * 8}}, "access.coaching"),
        ({"access": {"coaching": [-1] + [1] * 7}}, "access.coaching"),
        ({"access": {"coaching": [1] * 7}}, "access.coaching"),
        ({"pools": {"c1": "coaching"}}, "pools.m1"),
        ({"pools": lambda p: "one"}, "pools.one"),
        ({"mip_rel_gap": -0.1}, "mip_rel_gap"),
        ({"time_limit": 0}, "time_limit"),
        ({"exclude_resistant": "yes"}, "exclude_resistant"),
        ({"priors": {"coaching": 0.4}}, "priors"),
    ],
)
def test_bad_arguments_are_schema_errors(options, location):
    """Each bad argument is a SchemaError whose path names it."""
    world = make_world([3] * 8, [2] * 8, [6] * 8)
    with pytest.raises(SchemaError) as info:
        plan_support(world.population, world.triage, world.program, world.providers, **options)
    assert location in [p.location for p in info.value.problems]


def test_negative_costs_capacities_and_nan_effects_are_refused():
    """Negative fees and capacities, and NaN effects, never reach the planner."""
    with pytest.raises(SchemaError, match=r"session_cost\.coaching"):
        CostModel({COACHING: -1.0})
    with pytest.raises(SchemaError, match="capacity"):
        Provider("c", COACHING, -2, 100.0, Level.MANAGER)
    with pytest.raises(SchemaError, match="effect"):
        EffectPrior(math.nan, 0.1, 6, "x")


def test_triage_of_another_population_is_refused(org, triaged):
    """A triage whose ids are not the population's is a SchemaError."""
    world = make_world([3], [2], [6])
    with pytest.raises(SchemaError, match=r"triage\.ids"):
        plan_support(world.population, triaged, org.program, org.providers)


def test_time_limit_warns_with_the_gap(monkeypatch):
    """A solve stopped above the requested gap warns, saying the gap reached."""
    world = make_world([3, 3], [2, 2], [6, 6])
    real = _plan.solve_plan

    def stopped(instance, **kwargs):
        found = real(instance, **kwargs)
        return attrs.evolve(found, gap=0.05, reached=False)

    monkeypatch.setattr(_plan, "solve_plan", stopped)
    with pytest.warns(SparkusWarning, match=r"time limit .* gap of 5\.000%"):
        plan = plan_of(world, time_limit=5.0)
    assert plan.status == "time_limit"


def test_inputs_are_not_mutated():
    """The caller's arrays and records come back unchanged."""
    world = make_world([3, 2, 1], [2, 3, 2], [6, 4, 6])
    weights = np.array([1.0, 2.0, 0.5])
    access = {"coaching": np.array([True, False, True])}
    before = (weights.copy(), access["coaching"].copy(), world.population.to_columns())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plan_of(world, weights=weights, access=access)
    np.testing.assert_array_equal(weights, before[0])
    np.testing.assert_array_equal(access["coaching"], before[1])
    for name, column in world.population.to_columns().items():
        np.testing.assert_array_equal(column, before[2][name])
