"""Door table of issue 15's rollout part: learning priors, rollout designs and their power."""

from __future__ import annotations

import math
from typing import Any

from sparkus import SchemaError

from .table import Door, NotADoor, case

NAN, INF = math.nan, math.inf


def M() -> Any:
    import sparkus.matching

    return sparkus.matching


def R() -> Any:
    import sparkus.metrics

    return sparkus.metrics


_PEOPLE = {"site": ["x", "y", "x", "y"], "team": ["a", "a", "b", None], "x": [1.0, 2, 3, 4]}


def _raw_difference() -> Any:
    from sparkus.metrics import welch_ttest

    return welch_ttest([3.0, 4.0, 5.0, 4.5], [3.0, 2.5, 3.5, 4.0])


def _coaching() -> Any:
    from sparkus.model import SupportType

    return SupportType.COACHING


DOORS = [
    Door(
        "sparkus.matching.EffectPriors.update",
        (
            case(
                "estimates as a list",
                lambda: M().EffectPriors().update([(0.1, 0.1)]),
                SchemaError,
                "estimates",
            ),
            case(
                "key not a support type",
                lambda: M().EffectPriors().update({"coach": (0.1, 0.1)}),
                SchemaError,
                "estimates",
                "coaching",
            ),
            case(
                "estimate a bare number",
                lambda: M().EffectPriors().update({_coaching(): 0.3}),
                SchemaError,
                "estimates.coaching",
            ),
            case(
                "NaN effect",
                lambda: M().EffectPriors().update({_coaching(): (NAN, 0.1)}),
                SchemaError,
                "estimates.coaching.effect",
            ),
            case(
                "negative se",
                lambda: M().EffectPriors().update({_coaching(): (0.1, -0.1)}),
                SchemaError,
                "estimates.coaching.se",
            ),
            case(
                "an Estimate on the outcome's scale",
                lambda: M().EffectPriors().update({_coaching(): _raw_difference()}),
                SchemaError,
                "estimates.coaching.measure",
            ),
            case(
                "infinite tau",
                lambda: M().EffectPriors().update({_coaching(): (0.1, 0.1)}, tau=INF),
                SchemaError,
                "tau",
            ),
            case(
                "empty source",
                lambda: M().EffectPriors().update({_coaching(): (0.1, 0.1)}, source=""),
                SchemaError,
                "source",
            ),
        ),
    ),
    NotADoor(
        "sparkus.metrics.RolloutDesign",
        "a frozen result that only design_rollout makes; its door is design_rollout's",
    ),
    Door(
        "sparkus.metrics.design_rollout",
        (
            case(
                "population a number",
                lambda: R().design_rollout(3, waves=2),
                SchemaError,
                "population",
            ),
            case(
                "empty population",
                lambda: R().design_rollout({"x": []}, waves=2),
                SchemaError,
                "population",
            ),
            case("zero waves", lambda: R().design_rollout(_PEOPLE, waves=0), SchemaError, "waves"),
            case(
                "fractional waves",
                lambda: R().design_rollout(_PEOPLE, waves=1.5),
                SchemaError,
                "waves",
            ),
            case(
                "too many waves",
                lambda: R().design_rollout(_PEOPLE, waves=10**6),
                SchemaError,
                "waves",
            ),
            case(
                "unknown stratum column",
                lambda: R().design_rollout(_PEOPLE, waves=2, strata="dept"),
                SchemaError,
                "strata",
                "dept",
            ),
            case(
                "two cluster columns",
                lambda: R().design_rollout(_PEOPLE, waves=2, cluster=["site", "team"]),
                SchemaError,
                "cluster",
            ),
            case(
                "missing cluster value",
                lambda: R().design_rollout(_PEOPLE, waves=2, cluster="team"),
                SchemaError,
                "team",
                "row 3",
            ),
            case(
                "text covariate",
                lambda: R().design_rollout(_PEOPLE, waves=2, covariates=["site"]),
                SchemaError,
                "covariates",
                "site",
            ),
            case(
                "negative seed",
                lambda: R().design_rollout(_PEOPLE, waves=2, rng=-3),
                SchemaError,
                "rng",
            ),
        ),
    ),
    Door(
        "sparkus.metrics.rollout_power",
        (
            case(
                "NaN effect",
                lambda: R().rollout_power(NAN, clusters=8, steps=4, cluster_size=10, icc=0.05),
                SchemaError,
                "effect",
            ),
            case(
                "one step",
                lambda: R().rollout_power(0.3, clusters=8, steps=1, cluster_size=10, icc=0.05),
                SchemaError,
                "steps",
            ),
            case(
                "fewer clusters than steps",
                lambda: R().rollout_power(0.3, clusters=3, steps=4, cluster_size=10, icc=0.05),
                SchemaError,
                "clusters",
            ),
            case(
                "fractional clusters",
                lambda: R().rollout_power(0.3, clusters=8.5, steps=4, cluster_size=10, icc=0.05),
                SchemaError,
                "clusters",
            ),
            case(
                "cluster size below one",
                lambda: R().rollout_power(0.3, clusters=8, steps=4, cluster_size=0, icc=0.05),
                SchemaError,
                "cluster_size",
            ),
            case(
                "icc of one",
                lambda: R().rollout_power(0.3, clusters=8, steps=4, cluster_size=10, icc=1.0),
                SchemaError,
                "icc",
            ),
            case(
                "infinite icc",
                lambda: R().rollout_power(0.3, clusters=8, steps=4, cluster_size=10, icc=INF),
                SchemaError,
                "icc",
            ),
            case(
                "alpha of one",
                lambda: R().rollout_power(
                    0.3, clusters=8, steps=4, cluster_size=10, icc=0.05, alpha=1.0
                ),
                SchemaError,
                "alpha",
            ),
        ),
    ),
]
