"""The doors of sparkus.metrics.staggered_did and its results (issue 15).

A small balanced panel of eight units over four periods: two groups start in periods 3 and 4,
two units are never treated.
"""

from __future__ import annotations

import numpy as np

from sparkus import EstimationError, SchemaError
from sparkus.metrics import staggered_did

from .table import Door, NotADoor, case

_N, _T = 8, 4
UNIT = np.repeat(np.arange(_N), _T)
TIME = np.tile(np.arange(1, _T + 1), _N)
FIRST = np.repeat([3, 3, 3, 4, 4, 4, 0, 0], _T)
Y = np.random.default_rng(3).normal(size=_N * _T)
TWICE = np.concatenate([UNIT[:-1], [0]])
# units 0-2 (group 3) have covariate 1..3, the rest 0: a perfect split for the propensity
SEPARATES = np.repeat([1.0, 2.0, 3.0, 0.0, 0.0, 0.0, 0.0, 0.0], _T)
NEVER_NONE = np.repeat([3, 3, 3, 4, 4, 4, 4, 4], _T)

DOORS = [
    Door(
        "sparkus.metrics.staggered_did",
        (
            case(
                "unit observed twice in a period",
                lambda: staggered_did(Y, TWICE, TIME, FIRST),
                SchemaError,
                "unit",
                "observed 2 times",
            ),
            case(
                "unbalanced panel",
                lambda: staggered_did(Y[:-1], UNIT[:-1], TIME[:-1], FIRST[:-1]),
                SchemaError,
                "unit 7",
                "not observed",
            ),
            case(
                "first treated after the panel",
                lambda: staggered_did(Y, UNIT, TIME, np.where(UNIT == 0, 9, FIRST)),
                SchemaError,
                "first_treated",
                "outside the panel",
            ),
            case(
                "first treated in the first period",
                lambda: staggered_did(Y, UNIT, TIME, np.where(UNIT == 0, 1, FIRST)),
                SchemaError,
                "first_treated",
                "outside the panel",
            ),
            case(
                "first treated changes within a unit",
                lambda: staggered_did(Y, UNIT, TIME, np.where(TIME == 1, 0, FIRST)),
                SchemaError,
                "first_treated",
                "more than one",
            ),
            case(
                "no never-treated comparison",
                lambda: staggered_did(Y, UNIT, TIME, NEVER_NONE),
                EstimationError,
                "(g=3, t=2)",
            ),
            case(
                "no not-yet-treated comparison",
                lambda: staggered_did(Y, UNIT, TIME, NEVER_NONE, control="not_yet"),
                EstimationError,
                "(g=3, t=4)",
            ),
            case(
                "NaN covariate",
                lambda: staggered_did(
                    Y, UNIT, TIME, FIRST, covariates=np.where(UNIT == 1, np.nan, Y)
                ),
                SchemaError,
                "covariates",
                "row 4",
            ),
            case(
                "constant covariate column",
                lambda: staggered_did(Y, UNIT, TIME, FIRST, covariates=np.column_stack([Y, 0 * Y])),
                SchemaError,
                "covariates",
                "column 1",
            ),
            case(
                "covariates collinear among the comparison units",
                lambda: staggered_did(Y, UNIT, TIME, FIRST, control="not_yet", covariates=Y),
                EstimationError,
                "(g=3, t=4)",
                "collinear",
            ),
            case(
                "covariates separate the group from its comparison",
                lambda: staggered_did(
                    Y, UNIT, TIME, FIRST, control="not_yet", covariates=SEPARATES, est_method="ipw"
                ),
                EstimationError,
                "(g=3, t=2)",
            ),
            case(
                "a never-treated comparison group too small to compare with (R's did stops)",
                lambda: staggered_did(Y, UNIT, TIME, FIRST),
                EstimationError,
                "never treated comparison group",
                "not_yet",
            ),
            case(
                "unknown est_method",
                lambda: staggered_did(Y, UNIT, TIME, FIRST, est_method="ols"),  # type: ignore[arg-type]
                SchemaError,
                "est_method",
            ),
            case(
                "too few bootstrap draws",
                lambda: staggered_did(Y, UNIT, TIME, FIRST, bootstrap=10),
                SchemaError,
                "bootstrap",
            ),
            case(
                "unknown multipliers",
                lambda: staggered_did(Y, UNIT, TIME, FIRST, bootstrap=100, multipliers="normal"),  # type: ignore[arg-type]
                SchemaError,
                "multipliers",
            ),
            case(
                "a unit in two clusters",
                lambda: staggered_did(Y, UNIT, TIME, FIRST, cluster=np.where(TIME == 1, 0, UNIT)),
                SchemaError,
                "cluster",
                "one cluster",
            ),
            case(
                "a single cluster",
                lambda: staggered_did(Y, UNIT, TIME, FIRST, cluster=np.zeros(len(Y))),
                SchemaError,
                "cluster",
                "at least two",
            ),
            case(
                "a row without a cluster",
                lambda: staggered_did(
                    Y, UNIT, TIME, FIRST, cluster=np.where(UNIT == 1, np.nan, UNIT % 2)
                ),
                SchemaError,
                "cluster",
                "is missing in",
            ),
            case(
                "clusters of another length",
                lambda: staggered_did(Y, UNIT, TIME, FIRST, cluster=UNIT[:-1]),
                SchemaError,
                "cluster",
            ),
            case(
                "bad rng",
                lambda: staggered_did(Y, UNIT, TIME, FIRST, bootstrap=100, rng=-1),
                SchemaError,
                "rng",
            ),
            case(
                "unknown control",
                lambda: staggered_did(Y, UNIT, TIME, FIRST, control="all"),  # type: ignore[arg-type]
                SchemaError,
                "control",
            ),
            case(
                "outcome as text",
                lambda: staggered_did(["a"] * (_N * _T), UNIT, TIME, FIRST),
                SchemaError,
                "y",
            ),
            case(
                "lengths differ",
                lambda: staggered_did(Y[:-1], UNIT, TIME, FIRST),
                EstimationError,
                "`unit`",
            ),
            case(
                "bad level",
                lambda: staggered_did(Y, UNIT, TIME, FIRST, level=2),
                SchemaError,
                "level",
            ),
        ),
    ),
    NotADoor("sparkus.metrics.StaggeredDiD", "a result: built by staggered_did, not by callers"),
    NotADoor("sparkus.metrics.DiDAggregation", "a result: built by staggered_did, not by callers"),
]
