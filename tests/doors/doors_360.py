"""The door table of 360 feedback and goal attainment: sparkus.metrics.rater_change, its
result's estimate, and sparkus.metrics.gas_tscore.

Each case is one bad input, the error it must raise and the names its message must hold.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from sparkus import EstimationError, SchemaError
from sparkus.metrics import gas_tscore, rater_change
from sparkus.model import Assessment, AssessmentSource

from .table import Door, case

_T0 = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
_T1 = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
_PRE = [Assessment(p, AssessmentSource.SELF, {"x": 3.0}, _T0) for p in ("a", "b", "c")]
_POST = [
    Assessment(p, AssessmentSource.SELF, {"x": v}, _T1)
    for p, v in zip("abc", (4, 5, 3), strict=True)
]


def _result():  # built on call, so that importing the table does no work
    return rater_change(_PRE, _POST)


DOORS = [
    Door(
        "sparkus.metrics.rater_change",
        (
            case("pre a string", lambda: rater_change("pre", _POST), SchemaError, "pre"),  # type: ignore[arg-type]
            case("post a mapping", lambda: rater_change(_PRE, {"a": 1}), SchemaError, "post"),  # type: ignore[arg-type]
            case("not an Assessment", lambda: rater_change([*_PRE, 3], _POST), SchemaError,  # type: ignore[list-item]
                 "pre[3]", "Assessment"),
            case("no assessments", lambda: rater_change([], _POST), SchemaError, "pre"),
            case("one rater minimum", lambda: rater_change(_PRE, _POST, min_raters=1),
                 SchemaError, "min_raters"),
            case("minimum not an integer", lambda: rater_change(_PRE, _POST, min_raters=3.0),  # type: ignore[arg-type]
                 SchemaError, "min_raters"),
            case("items a string", lambda: rater_change(_PRE, _POST, items="x"),
                 SchemaError, "items"),
            case("items none scored", lambda: rater_change(_PRE, _POST, items=["y"]),
                 SchemaError, "pre[0].scores"),
            case("scales differ",
                 lambda: rater_change(_PRE, [Assessment("a", AssessmentSource.SELF, {"x": 1.0},
                                                        _T1, scale=(0.0, 10.0))]),
                 SchemaError, "post[0].scale"),
        ),
    ),
    Door(
        "sparkus.metrics.RaterChange.estimate",
        (
            case("unknown group", lambda: _result().estimate("peers"), SchemaError, "group",
                 "'peers'"),
            case("participants a string", lambda: _result().estimate("self", participants="a"),
                 SchemaError, "participants"),
            case("level of 95", lambda: _result().estimate("self", level=95), SchemaError,
                 "level"),
            case("one person", lambda: _result().estimate("self", participants=["a"]),
                 EstimationError, "self", "at least 2"),
            case("no rows of the group", lambda: _result().estimate("peer"), EstimationError,
                 "peer"),
        ),
    ),
    Door(
        "sparkus.metrics.gas_tscore",
        (
            case("a level of 3", lambda: gas_tscore([[0, 3]]), SchemaError, "attainment[0][1]"),
            case("a half level", lambda: gas_tscore([[0.5]]), SchemaError, "attainment[0][0]"),
            case("a row without goals", lambda: gas_tscore([[1, 0], [np.nan, np.nan]]),
                 SchemaError, "attainment[1]", "no goal"),
            case("one person as 1-D", lambda: gas_tscore([1, 0]), SchemaError, "attainment"),
            case("no rows", lambda: gas_tscore(np.zeros((0, 2))), SchemaError, "attainment"),
            case("text", lambda: gas_tscore([["a"]]), SchemaError, "attainment"),
            case("ragged", lambda: gas_tscore([[1], [1, 2]]), SchemaError, "attainment"),
            case("zero weight", lambda: gas_tscore([[1, 0]], weights=[[1, 0]]), SchemaError,
                 "weights[0][1]"),
            case("weights of another shape", lambda: gas_tscore([[1]], weights=[[1, 1]]),
                 SchemaError, "weights"),
            case("rho above 1", lambda: gas_tscore([[1]], rho=1.5), SchemaError, "rho"),
            case("rho not a number", lambda: gas_tscore([[1]], rho="0.3"), SchemaError, "rho"),  # type: ignore[arg-type]
        ),
    ),
]  # fmt: skip
