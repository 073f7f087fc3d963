"""The door table of the targeting checks in sparkus.metrics: ``qini``, its result, and the
doubly robust value of a policy (``policy_value``, ``policy_difference``)."""

from __future__ import annotations

import numpy as np

from sparkus import EstimationError, SchemaError
from sparkus.metrics import policy_difference, policy_value, qini

from .table import Door, Entry, NotADoor, case

N = 40
_RNG = np.random.default_rng(15)
X = _RNG.normal(0.0, 1.0, N)
T = np.arange(N) % 2 == 0
Y01 = (_RNG.random(N) < 0.4).astype(int)
Y = X + T + _RNG.normal(0.0, 1.0, N)
POLICY = X > 0
RESULT = qini(Y01, T, X)

DOORS: list[Entry] = [
    NotADoor(
        "sparkus.metrics.QiniResult",
        "a result class: built by qini from values already checked at that door",
    ),
    Door(
        "sparkus.metrics.qini",
        (
            case("y not 0/1", lambda: qini(Y, T, X), SchemaError, "y"),
            case("treated not 0/1", lambda: qini(Y01, T * 2, X), SchemaError, "treated"),
            case("everyone treated", lambda: qini(Y01, np.ones(N), X), SchemaError, "treated"),
            case("no one treated", lambda: qini(Y01, np.zeros(N), X), SchemaError, "treated"),
            case("score as text", lambda: qini(Y01, T, ["a"] * N), SchemaError, "score"),
            case(
                "NaN score", lambda: qini(Y01, T, np.r_[X[:-1], np.nan]), EstimationError, "score"
            ),
            case("lengths differ", lambda: qini(Y01, T, X[:-1]), EstimationError, "`score`"),
            case("no responders", lambda: qini(np.zeros(N), T, X), EstimationError, "no y is 1"),
            case("only responders", lambda: qini(np.ones(N), T, X), EstimationError, "every y"),
        ),
    ),
    Door(
        "sparkus.metrics.QiniResult.plot",
        (case("unknown curve", lambda: RESULT.plot(curve="gain"), SchemaError, "curve"),),
    ),
    Door(
        "sparkus.metrics.policy_value",
        (
            case("policy not 0/1", lambda: policy_value(Y, T, X), SchemaError, "policy"),
            case("policy as text", lambda: policy_value(Y, T, ["yes"] * N), SchemaError, "policy"),
            case(
                "everyone treated",
                lambda: policy_value(Y, np.ones(N), POLICY),
                SchemaError,
                "treated",
            ),
            case(
                "no one treated",
                lambda: policy_value(Y, np.zeros(N), POLICY),
                SchemaError,
                "treated",
            ),
            case(
                "propensity 1",
                lambda: policy_value(Y, T, POLICY, propensity=1.0),
                SchemaError,
                "propensity",
            ),
            case(
                "propensity 0 in a row",
                lambda: policy_value(Y, T, POLICY, propensity=np.r_[0.0, np.full(N - 1, 0.5)]),
                SchemaError,
                "propensity",
                "row 0",
            ),
            case(
                "lengths differ",
                lambda: policy_value(Y, T, POLICY[:-1]),
                EstimationError,
                "`policy`",
            ),
            case("no outcome", lambda: policy_value(None, T, POLICY), SchemaError, "y"),  # type: ignore[arg-type]
            case("level 2", lambda: policy_value(Y, T, POLICY, level=2.0), SchemaError, "level"),
        ),
    ),
    Door(
        "sparkus.metrics.policy_difference",
        (
            case(
                "policy not 0/1", lambda: policy_difference(Y, T, X, POLICY), SchemaError, "policy"
            ),
            case(
                "baseline not 0/1",
                lambda: policy_difference(Y, T, POLICY, X),
                SchemaError,
                "baseline",
            ),
            case(
                "everyone treated",
                lambda: policy_difference(Y, np.ones(N), POLICY, ~POLICY),
                SchemaError,
                "treated",
            ),
            case(
                "same policies",
                lambda: policy_difference(Y, T, POLICY, POLICY),
                EstimationError,
                "standard error",
            ),
            case(
                "lengths differ",
                lambda: policy_difference(Y, T, POLICY, POLICY[:-1]),
                EstimationError,
                "`baseline`",
            ),
        ),
    ),
]
