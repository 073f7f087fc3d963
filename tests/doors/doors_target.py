"""Door table of issue 15's targeting part: per-person effects in planning, randomisation tests.

The planners already have their doors (``doors_matching*``); the cases of their new `effects`
argument are entries of their own, named ``<planner>.effects`` (the door of that argument).
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

from sparkus import SchemaError

from .table import Door, NotADoor, case

NAN, INF = math.nan, math.inf


@functools.cache
def _org() -> Any:
    from sparkus.datasets import synthetic_org
    from sparkus.triage import triage

    org = synthetic_org(60, seed=1)
    return org, triage(org.population, program=org.program)


def _effects(**change: Any) -> dict[str, Any]:
    from sparkus.model import SupportType

    n = len(_org()[0].population)
    out: dict[str, Any] = {s.value: np.full(n, 0.2) for s in SupportType}
    out.update(change)
    return {k: v for k, v in out.items() if v is not None}


def _nan_row() -> Any:
    column = np.full(len(_org()[0].population), 0.2)
    column[7] = NAN
    return column


def _plan(effects: Any) -> Any:
    from sparkus.matching import plan_support

    org, tri = _org()
    return plan_support(org.population, tri, org.program, org.providers, effects=effects)


def _frontier(effects: Any) -> Any:
    from sparkus.matching import budget_frontier

    org, tri = _org()
    return budget_frontier(org.population, tri, org.program, org.providers, budgets=[1e5],
                           effects=effects)  # fmt: skip


def _compare(effects: Any) -> Any:
    from sparkus.matching import compare_scenarios

    org, tri = _org()
    return compare_scenarios(org.population, tri, org.program, org.providers, effects=effects)


def _shuffled_series() -> Any:
    import pandas as pd

    n = len(_org()[0].population)
    return pd.Series(np.full(n, 0.2), index=[f"X{i}" for i in range(n)])


@functools.cache
def _design() -> Any:
    from sparkus.metrics import design_rollout

    return design_rollout({"site": ["a"] * 6 + ["b"] * 6}, waves=3, strata="site", rng=0)


def _test(**kwargs: Any) -> Any:
    from sparkus.metrics import randomization_test

    args: dict[str, Any] = {"design": _design(), "y": np.arange(12.0)}
    args.update(kwargs)
    return randomization_test(args.pop("design"), args.pop("y"), **args)


DOORS = [
    Door(
        "sparkus.matching.plan_support.effects",
        (
            case("not a mapping", lambda: _plan([0.1, 0.2]), SchemaError, "effects", "mapping"),
            case(
                "wrong length",
                lambda: _plan(_effects(coaching=[0.1, 0.2])),
                SchemaError,
                "effects.coaching",
                "60",
            ),
            case(
                "NaN row",
                lambda: _plan(_effects(mentoring=_nan_row())),
                SchemaError,
                "effects.mentoring[7]",
                "E000008",
            ),
            case(
                "unknown support label",
                lambda: _plan(_effects(yoga=np.zeros(60))),
                SchemaError,
                "effects",
                "yoga",
            ),
            case(
                "missing support type",
                lambda: _plan(_effects(peer_support=None)),
                SchemaError,
                "effects",
                "peer_support",
                "supports",
            ),
            case(
                "text effects",
                lambda: _plan(_effects(coaching=["high"] * 60)),
                SchemaError,
                "effects.coaching",
            ),
            case(
                "a Series indexed by other labels",
                lambda: _plan(_effects(coaching=_shuffled_series())),
                SchemaError,
                "effects.coaching",
                "population.ids",
            ),
        ),
    ),
    Door(
        "sparkus.matching.budget_frontier.effects",
        (
            case(
                "infinite row",
                lambda: _frontier(_effects(coaching=np.r_[INF, np.zeros(59)])),
                SchemaError,
                "effects.coaching[0]",
                "finite",
            ),
        ),
    ),
    Door(
        "sparkus.matching.compare_scenarios.effects",
        (
            case(
                "missing coaching",
                lambda: _compare(_effects(coaching=None)),
                SchemaError,
                "effects",
                "coaching",
            ),
            case(
                "NaN row",
                lambda: _compare(_effects(coaching=_nan_row())),
                SchemaError,
                "effects.coaching[7]",
            ),
        ),
    ),
    Door(
        "sparkus.metrics.randomization_test",
        (
            case("design a dict", lambda: _test(design={"wave": [1, 2]}), SchemaError, "design"),
            case("y too short", lambda: _test(y=[1.0, 2.0]), SchemaError, "y", "12"),
            case(
                "y with NaN", lambda: _test(y=np.r_[NAN, np.zeros(11)]), SchemaError, "y", "rows 0"
            ),
            case("y as text", lambda: _test(y=["a"] * 12), SchemaError, "y"),
            case("period the last wave", lambda: _test(period=3), SchemaError, "period"),
            case("statistic unknown", lambda: _test(statistic="median"), SchemaError, "statistic"),
            case(
                "statistic NaN",
                lambda: _test(statistic=lambda y, w: NAN),
                SchemaError,
                "statistic",
                "finite",
            ),
            case("draws zero", lambda: _test(draws=0), SchemaError, "draws"),
            case("draws a float", lambda: _test(draws=9.5), SchemaError, "draws"),
            case(
                "alternative unknown", lambda: _test(alternative="both"), SchemaError, "alternative"
            ),
            case("rng negative", lambda: _test(rng=-1), SchemaError, "rng"),
            case(
                "exact too large",
                lambda: _test(design=_big(), y=np.zeros(40), draws="exact"),
                SchemaError,
                "draws",
                "200,000",
            ),
        ),
    ),
    Door(
        "sparkus.metrics.RolloutDesign.to_frame",
        (
            case("unknown table", lambda: _design().to_frame("people"), SchemaError, "table"),
            case(
                "unknown backend",
                lambda: _design().to_frame(backend="excel"),
                SchemaError,
                "backend",
            ),
        ),
    ),
    NotADoor("sparkus.metrics.RandomizationTest", "a result class, made by randomization_test"),
]


def _big() -> Any:
    from sparkus.metrics import design_rollout

    return design_rollout({"site": ["a"] * 40}, waves=2, rng=0)
