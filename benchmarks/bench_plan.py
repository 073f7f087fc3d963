"""Benchmark of support planning: plan_support against the LP relaxation of the same instance.

Usage: ``python benchmarks/bench_plan.py [--quick] [--repeats N] [--only NAME]``.

The instance: ``synthetic_org(100_000, seed=0)``, triaged, with its providers grouped into 20
capacity pools (coaching, mentoring, peer support and team coaching in each of five regions) and
each pool open to the people of its region only. The policy allows every support type at every
readiness level and the resistant are not excluded, so each person has six options: nothing,
one pool of each human support type (their region's) and self-guided reflection (no pool). The
budget is the program's (15 million).

Two cases, each against the same floor, the LP relaxation of the per-person problem solved by
``scipy.optimize.linprog`` with HiGHS' interior point method (the fastest HiGHS method on it;
dual simplex takes several minutes):

- ``plan_support``: people differ by level, readiness, dose and region, as in an
  organisation; ``plan_support`` solves them as classes of interchangeable people.
- ``plan_support_distinct``: the same with a different equity weight for every person, so
  no two people are alike and there are 100,000 classes: the worst case.

The sparkus side times the whole ``plan_support`` call (building the options, LP relaxation,
integer program, result) and reports the gap it proved. Each repeat of each side runs in a fresh
interpreter that builds the instance first (not timed); the sides alternate; the ratio is of the
medians (see README.md and ``_harness.py``).

``plan_support_million``: 1,000,000 distinct people, with minimum reach of two levels (30% of
managers, 20% of individual contributors), one repeat per side: its LP relaxation takes more
than ten minutes. ``budget_frontier``: 20 budgets on 100,000 distinct people against one
``plan_support`` on the same people.

The children report extra fields (gap, status, LP time, the LP's size) that :func:`case_notes`
turns into notes. ``--quick`` uses 20,000 people.
"""

from __future__ import annotations

import statistics
import sys
from typing import Any

import _harness
from _harness import Case, CaseResult, Params, Report, Work, format_seconds, main

# The LP relaxation of the million-person case runs for more than ten minutes (measured: it had
# not finished after 600 s at load 7), beyond the harness's default limit per child.
_harness.CHILD_TIMEOUT_S = max(_harness.CHILD_TIMEOUT_S, 3600.0)

# Sites of the synthetic organisation (and providers' UTC offsets) by region.
REGION_OF_SITE = {"New York": "Americas", "Sao Paulo": "Americas", "London": "UK",
                  "Berlin": "Europe", "Paris": "Europe", "Bangalore": "India",
                  "Singapore": "Asia"}  # fmt: skip
REGION_OF_OFFSET = {-5.0: "Americas", -3.0: "Americas", 0.0: "UK", 1.0: "Europe",
                    5.5: "India", 8.0: "Asia"}  # fmt: skip


# Minimum reach of the million-person case: a share of each of two levels must get support.
MIN_REACH = {"manager": 0.3, "individual_contributor": 0.2}


# -- the instance, built in the child before timing ---------------------------------------------


def _instance(n: int, *, distinct: bool, reach: bool = False) -> dict[str, Any]:
    """Population, triage, program, providers and the plan options of the benchmark."""
    import attrs
    import numpy as np

    from sparkus.datasets import synthetic_org
    from sparkus.matching import EffectPriors, SupportPolicy
    from sparkus.model import Goal, Level, SupportType, default_journey
    from sparkus.triage import ReadinessLevel, triage

    org = synthetic_org(n, seed=0)
    # A journey that offers team coaching too, so that all four human support types are planned.
    goals = (*org.program.goals, Goal.TEAM_COLLABORATION)
    program = attrs.evolve(org.program, journey=default_journey(org.program.season, goals))
    result = triage(org.population, program=program)
    region = np.array([REGION_OF_SITE[s] for s in org.population.decode("site").tolist()])
    human = [s for s in SupportType if s is not SupportType.SELF_GUIDED_REFLECTION]
    access = {
        f"{s.value}/{r}": region == r for s in human for r in sorted(set(REGION_OF_SITE.values()))
    }
    rules = SupportPolicy().rules
    policy = SupportPolicy(
        {s: attrs.evolve(rule, min_readiness=ReadinessLevel.RESISTANT) for s, rule in rules.items()}
    )
    priors = EffectPriors(readiness_modifier={ReadinessLevel.RESISTANT: 0.2,
                                              ReadinessLevel.EMERGING: 0.5,
                                              ReadinessLevel.READY: 1.0,
                                              ReadinessLevel.HIGHLY_READY: 1.1})  # fmt: skip
    weights = np.random.default_rng(1).uniform(0.8, 1.2, n) if distinct else None
    options = {
        "priors": priors,
        "policy": policy,
        "pools": lambda p: f"{p.support_type.value}/{REGION_OF_OFFSET[p.utc_offset]}",
        "access": access,
        "exclude_resistant": False,
        "weights": weights,
        "mip_rel_gap": 1e-3,
        "time_limit": 300.0,
    }
    options["min_reach"] = {Level(k): v for k, v in MIN_REACH.items()} if reach else None
    return {"org": org, "program": program, "triage": result, "options": options}


def _plan_side(params: Params) -> tuple[Work, Report]:
    import scipy.optimize  # noqa: F401 (imported before timing, as the peer does)

    from sparkus.matching import plan_support

    built = _instance(params["n"], distinct=params["distinct"], reach=params.get("reach", False))
    org = built["org"]

    def work() -> object:
        return plan_support(org.population, built["triage"], built["program"], org.providers,
                            **built["options"])  # fmt: skip

    def report(plan: Any) -> dict[str, Any]:
        return {
            "gap": plan.gap,
            "status": plan.status,
            "objective": plan.objective,
            "lp_seconds": plan.lp_seconds,
            "method": plan.method,
        }

    return work, report


def _lp_side(params: Params) -> tuple[Work, Report]:
    import numpy as np
    from scipy import sparse
    from scipy.optimize import linprog

    from sparkus.matching._planning.engine import PlanOptions, plan_setup

    built = _instance(params["n"], distinct=params["distinct"], reach=params.get("reach", False))
    org = built["org"]
    setup = plan_setup(org.population, built["triage"], built["program"], org.providers,
                       budget=None, options=PlanOptions(**built["options"]))  # fmt: skip
    inst = setup.instance
    person, option = np.nonzero(inst.eligible)
    nv = person.shape[0]
    cols = np.arange(nv)
    pool = inst.option_pool[option]
    pooled = pool >= 0
    top = inst.n + 1 + len(inst.capacity)
    group, var = np.nonzero(inst.reach[:, person])  # minimum reach: -sum <= -least
    rows = np.concatenate([person, np.full(nv, inst.n), inst.n + 1 + pool[pooled], top + group])
    columns = np.concatenate([cols, cols, cols[pooled], var])
    values = np.concatenate([np.ones(nv), inst.cost[person, option], np.ones(pooled.sum()),
                             -np.ones(group.shape[0])])  # fmt: skip
    A = sparse.csr_array((values, (rows, columns)), shape=(top + len(inst.reach_min), nv))
    b = np.concatenate([np.ones(inst.n), [inst.budget], inst.capacity, -inst.reach_min])
    c = -inst.value[person, option]

    def work() -> object:
        return linprog(c, A_ub=A, b_ub=b, bounds=(0, 1), method="highs-ipm")

    def report(res: Any) -> dict[str, Any]:
        return {
            "lp_value": -float(res.fun),
            "status": int(res.status),
            "variables": nv,
            "options_per_person": 1 + nv / inst.n,  # the "none" option included
            "pools": len(inst.capacity),
        }

    return work, report


def case_notes(result: CaseResult, _params: Params, _agreement: dict[str, Any]) -> list[str]:
    ours = result.sparkus.samples
    theirs = result.peer.samples
    gaps = [s.extra["gap"] for s in ours]
    lp_inside = statistics.median(s.extra["lp_seconds"] for s in ours)
    first = theirs[0].extra
    objective = statistics.median(s.extra["objective"] for s in ours)
    lp_value = statistics.median(s.extra["lp_value"] for s in theirs)
    statuses = ", ".join(sorted({s.extra["status"] for s in ours}))
    size = (
        f"{first['variables']:,} variables in the per-person LP, "
        f"{first['options_per_person']:.2f} options per person (nothing included), "
        f"{first['pools']} pools"
    )
    gap = (
        f"proven gap {max(gaps):.4%} at most (target 0.1%), status {statuses}; "
        f"objective {objective:,.2f} against the per-person LP bound {lp_value:,.2f}"
    )
    lp = (
        f"sparkus's own LP relaxation took {format_seconds(lp_inside)} (median); "
        f"method: {ours[0].extra['method']}"
    )
    return [size, gap, lp]


def _frontier_side(params: Params) -> tuple[Work, Report]:
    import numpy as np
    import scipy.optimize  # noqa: F401 (imported before timing, as the peer does)

    from sparkus.matching import budget_frontier

    built = _instance(params["n"], distinct=True)
    org = built["org"]
    budgets = np.linspace(0.25, 1.5, FRONTIER_BUDGETS) * built["program"].budget

    def work() -> object:
        return budget_frontier(org.population, built["triage"], built["program"], org.providers,
                               budgets=budgets, **built["options"])  # fmt: skip

    def report(frontier: Any) -> dict[str, Any]:
        return {"max_gap": float(np.max(frontier.gap)), "budgets": int(frontier.n)}

    return work, report


def frontier_notes(result: CaseResult, _params: Params, _agreement: dict[str, Any]) -> list[str]:
    ours = result.sparkus.samples
    gaps = max(s.extra["max_gap"] for s in ours)
    theirs = result.peer.samples
    budgets = (f"{ours[0].extra['budgets']} budgets from 0.25x to 1.5x the program's, each to "
               f"a proven gap of at most {gaps:.4%} (target 0.1%)")  # fmt: skip
    one = (f"the one plan's gap {max(s.extra['gap'] for s in theirs):.4%}, method: "
           f"{theirs[0].extra['method']}")  # fmt: skip
    return [budgets, one]


FRONTIER_BUDGETS = 20
_WHAT = "plan_support on {n:_} people x 6 options, a budget and 20 pools: "
_PEER = "LP relaxation, HiGHS IPM (floor)"
CASES = [
    Case("plan_support", _WHAT + "people as in an organisation", _plan_side, _lp_side, _PEER,
         {"n": 100_000, "distinct": False}, {"n": 20_000, "distinct": False},
         notes=case_notes),
    Case("plan_support_distinct", _WHAT + "every person distinct (own equity weight)",
         _plan_side, _lp_side, _PEER, {"n": 100_000, "distinct": True},
         {"n": 20_000, "distinct": True}, notes=case_notes),
    Case("plan_support_million", _WHAT + "every person distinct, minimum reach of two levels",
         _plan_side, _lp_side, _PEER, {"n": 1_000_000, "distinct": True, "reach": True},
         {"n": 20_000, "distinct": True, "reach": True}, repeats=1, target=0.1,
         notes=case_notes),
    Case("budget_frontier", "budget_frontier of 20 budgets on {n:_} distinct people",
         _frontier_side, _plan_side, "one plan_support on the same people",
         {"n": 100_000, "distinct": True}, {"n": 20_000, "distinct": True}, target=2.0,
         notes=frontier_notes),
]  # fmt: skip

if __name__ == "__main__":
    sys.exit(main(CASES, title="sparkus planning benchmark", doc=__doc__, script=__file__))
