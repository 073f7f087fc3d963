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

- ``plan_support_100k``: people differ by level, readiness, dose and region, as in an
  organisation; ``plan_support`` solves them as classes of interchangeable people.
- ``plan_support_100k_distinct``: the same with a different equity weight for every person, so
  no two people are alike and there are 100,000 classes: the worst case.

The sparkus side times the whole ``plan_support`` call (building the options, LP relaxation,
integer program, result) and reports the gap it proved. Each repeat of each side runs in a fresh
interpreter that builds the instance first (not timed); the sides alternate; the ratio is of the
medians (see README.md and ``_harness.py``).

To run these cases from ``run.py``, add :data:`CHILD_SETUPS` to its setups and the cases of
:func:`build_cases` to its list; the children here report extra fields (gap, classes, LP time)
that :func:`case_notes` turns into notes.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from _harness import (
    MARKER,
    CaseResult,
    Params,
    Side,
    format_seconds,
    format_table,
    machine_facts,
    peak_rss_kib,
    reset_peak_rss,
    ru_maxrss_kib,
    run_interleaved,
    write_json,
)

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
FULL_N = 100_000
QUICK_N = 20_000
# Sites of the synthetic organisation (and providers' UTC offsets) by region.
REGION_OF_SITE = {"New York": "Americas", "Sao Paulo": "Americas", "London": "UK",
                  "Berlin": "Europe", "Paris": "Europe", "Bangalore": "India",
                  "Singapore": "Asia"}  # fmt: skip
REGION_OF_OFFSET = {-5.0: "Americas", -3.0: "Americas", 0.0: "UK", 1.0: "Europe",
                    5.5: "India", 8.0: "Asia"}  # fmt: skip
Work = Callable[[], object]
Report = Callable[[object], dict[str, Any]]


# -- the instance, built in the child before timing ---------------------------------------------


def _instance(n: int, *, distinct: bool) -> dict[str, Any]:
    """Population, triage, program, providers and the plan options of the benchmark."""
    import attrs
    import numpy as np

    from sparkus.datasets import synthetic_org
    from sparkus.matching._priors import EffectPriors
    from sparkus.matching._recommend import SupportPolicy
    from sparkus.model import SupportType
    from sparkus.triage import ReadinessLevel, triage

    org = synthetic_org(n, seed=0)
    result = triage(org.population, program=org.program)
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
    return {"org": org, "triage": result, "options": options}


def _plan_side(params: Params) -> tuple[Work, Report]:
    import scipy.optimize  # noqa: F401 (imported before timing, as the peer does)

    from sparkus.matching._plan import plan_support

    built = _instance(params["n"], distinct=params["distinct"])
    org = built["org"]

    def work() -> object:
        return plan_support(org.population, built["triage"], org.program, org.providers,
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

    from sparkus.matching._plan import plan_setup

    built = _instance(params["n"], distinct=params["distinct"])
    org = built["org"]
    setup = plan_setup(org.population, built["triage"], org.program, org.providers,
                       budget=None, min_reach=None, supports=None, confidence_level=0.95,
                       **built["options"])  # fmt: skip
    inst = setup.instance
    person, option = np.nonzero(inst.eligible)
    nv = person.shape[0]
    cols = np.arange(nv)
    pool = inst.option_pool[option]
    pooled = pool >= 0
    rows = np.concatenate([person, np.full(nv, inst.n), inst.n + 1 + pool[pooled]])
    columns = np.concatenate([cols, cols, cols[pooled]])
    values = np.concatenate([np.ones(nv), inst.cost[person, option], np.ones(pooled.sum())])
    A = sparse.csr_array((values, (rows, columns)), shape=(inst.n + 1 + len(inst.capacity), nv))
    b = np.concatenate([np.ones(inst.n), [inst.budget], inst.capacity])
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


CHILD_SETUPS: dict[str, Callable[[Params], tuple[Work, Report]]] = {
    "plan:sparkus": _plan_side,
    "plan:peer": _lp_side,
}


def measure_with_report(setup: Callable[[Params], tuple[Work, Report]], params: Params) -> None:
    """As ``_harness.measure``, plus the fields `report` reads from the result (not timed)."""
    work, report = setup(params)
    gc.collect()
    reset = reset_peak_rss()
    baseline = peak_rss_kib()
    start = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - start
    peak = peak_rss_kib()
    extra = report(result)
    del result
    out = {
        "seconds": seconds,
        "baseline_kib": baseline,
        "peak_kib": peak,
        "reset": reset,
        "ru_maxrss_kib": ru_maxrss_kib(),
        **extra,
    }
    print(MARKER + repr(out), flush=True)


# -- the cases, as the parent sees them ---------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    what: str
    sparkus: Side
    peer: Side
    repeats: int


def _side(label: str, side: str, params: Params) -> Side:
    spec = f"plan:{side}"
    command = (str(HERE / "bench_plan.py"), "--child", spec, "--params", json.dumps(params))
    return Side(label, command)


def build_cases(n: int, repeats: int) -> list[Case]:
    cases = []
    for name, distinct, what in (
        ("plan_support_100k", False, "people as in an organisation"),
        ("plan_support_100k_distinct", True, "every person distinct (own equity weight)"),
    ):
        params = {"n": n, "distinct": distinct}
        cases.append(Case(
            name if n == FULL_N else name.replace("100k", f"{n // 1000}k"),
            f"plan_support on {n:_} people x 6 options, a budget and 20 pools: {what}",
            _side("sparkus", "sparkus", params),
            _side("LP relaxation, HiGHS IPM (floor)", "peer", params),
            repeats,
        ))  # fmt: skip
    return cases


def case_notes(result: CaseResult) -> list[str]:
    ours = result.sparkus.samples
    theirs = result.peer.samples
    gaps = [s.extra["gap"] for s in ours]
    lp_inside = statistics.median(s.extra["lp_seconds"] for s in ours)
    first = theirs[0].extra
    objective = statistics.median(s.extra["objective"] for s in ours)
    lp_value = statistics.median(s.extra["lp_value"] for s in theirs)
    name = result.name
    statuses = ", ".join(sorted({s.extra["status"] for s in ours}))
    size = (
        f"{name}: {first['variables']:,} variables in the per-person LP, "
        f"{first['options_per_person']:.2f} options per person (nothing included), "
        f"{first['pools']} pools"
    )
    gap = (
        f"{name}: proven gap {max(gaps):.4%} at most (target 0.1%), status {statuses}; "
        f"objective {objective:,.2f} against the per-person LP bound {lp_value:,.2f}"
    )
    lp = (
        f"{name}: sparkus's own LP relaxation took {format_seconds(lp_inside)} (median); "
        f"method: {ours[0].extra['method']}"
    )
    return [size, gap, lp]


def main(args: argparse.Namespace) -> int:
    started = datetime.now(UTC)
    clock = time.perf_counter()
    n = QUICK_N if args.quick else FULL_N
    repeats = args.repeats or (1 if args.quick else 3)
    facts = machine_facts()
    results = []
    for case in build_cases(n, repeats):
        if args.only not in (None, case.name):
            continue
        print(f"{case.name}: {case.what}", file=sys.stderr)
        ours, theirs = run_interleaved(case.name, case.sparkus, case.peer, case.repeats)
        result = CaseResult(case.name, case.what, ours, theirs)
        result.notes.extend(case_notes(result))
        results.append(result)
    facts["load_average_after"] = machine_facts()["load_average"]
    elapsed = time.perf_counter() - clock
    print(
        f"sparkus planning benchmark, {started:%Y-%m-%d %H:%M} UTC, {facts['cpu_count']} CPUs, "
        f"Python {facts['python']}, numpy {facts['versions']['numpy']}"
        f"{' (--quick)' if args.quick else ''}"
    )
    print("ratio = sparkus median / peer median (interleaved runs, fresh process each)\n")
    print(format_table(results))
    notes = [note for r in results for note in r.notes]
    if notes:
        print("\n" + "\n".join(f"- {note}" for note in notes))
    record = {
        "started_utc": started.isoformat(),
        "wall_seconds": elapsed,
        "machine": facts,
        "options": {"quick": args.quick, "repeats": repeats, "n": n, "only": args.only},
        "cases": [r.to_dict() for r in results],
    }
    path = write_json(RESULTS, record)
    print(f"\nwrote {path.relative_to(HERE.parent)} ({format_seconds(elapsed)} in all)")
    return 0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_N:,} people, 1 repeat")
    parser.add_argument("--repeats", type=int, default=None, metavar="N",
                        help="repeats per side (default 3; 1 with --quick)")  # fmt: skip
    parser.add_argument("--only", default=None, metavar="NAME", help="run one case by name")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--params", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.repeats is not None and args.repeats < 1:
        parser.error(f"--repeats must be at least 1, got {args.repeats}")
    return args


if __name__ == "__main__":
    arguments = parse_args()
    if arguments.child:
        measure_with_report(CHILD_SETUPS[arguments.child], json.loads(arguments.params))
        sys.exit(0)
    sys.exit(main(arguments))
