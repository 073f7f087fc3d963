"""The door table of the differentially private release mode: its names in sparkus.privacy and
``Tracker.private_snapshot``.

Each case is one bad input, the error it must raise and the names its message must hold. The
verifier's names of sparkus.privacy have their own file (``doors_privacy.py``). No case draws
noise: every bad input is refused before OpenDP is asked for anything.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from sparkus import InfeasibleError, SchemaError
from sparkus.datasets import simulate_events
from sparkus.metrics import Tracker
from sparkus.model import (
    CostModel,
    Goal,
    Program,
    Season,
    SupportType,
    default_journey,
    schedule_journeys,
)
from sparkus.privacy import (
    DifferentialPrivacy,
    ExactCount,
    ExactRate,
    ExactSum,
    PrivacyLedger,
    release_private,
)

from .table import Door, Entry, NotADoor, case

START = dt.datetime(2027, 1, 4, tzinfo=dt.UTC)
DAY = dt.datetime(2027, 2, 1, tzinfo=dt.UTC)
TEMPLATE = default_journey(Season.WINTER, [Goal.LEADERSHIP_DEVELOPMENT])
PROGRAM = Program(
    "Pilot",
    (Goal.LEADERSHIP_DEVELOPMENT,),
    Season.WINTER,
    1e5,
    "EUR",
    CostModel({SupportType.COACHING: 200.0}),
    TEMPLATE,
)
SCHEDULE = schedule_journeys(
    TEMPLATE, [f"p{i:02d}" for i in range(12)], ["coaching"] * 12, [4] * 12, start=START
)
EVENTS = simulate_events(SCHEDULE, rng=1)
OPTIONS = DifferentialPrivacy(1.0, 2.0)
CELLS = {"department/participation": {"Sales": ExactRate(3, 4)}}
SPENT = PrivacyLedger(2.0, (1.0, 1.0), ("2027-01-18", "2027-01-25"))


def _tracker(groups: dict[str, list[str]] | None = None) -> Tracker:
    tracker = Tracker(PROGRAM, SCHEDULE, groups=groups or {"half": ["a", "b"] * 6})
    tracker.update(EVENTS)
    return tracker


_RESULT = "a result class: built by release_private from aggregates already checked at its door"

DOORS: list[Entry] = [
    NotADoor("sparkus.privacy", "a subpackage, imported on first use; its names have doors"),
    # -- the options and the ledger ----------------------------------------------------------
    Door(
        "sparkus.privacy.DifferentialPrivacy",
        (
            case(
                "epsilon_per_release 0",
                lambda: DifferentialPrivacy(0.0, 1.0),
                SchemaError,
                "epsilon_per_release",
            ),
            case(
                "epsilon_per_release NaN",
                lambda: DifferentialPrivacy(math.nan, 1.0),
                SchemaError,
                "epsilon_per_release",
            ),
            case(
                "epsilon_per_release text",
                lambda: DifferentialPrivacy("1", 2.0),  # type: ignore[arg-type]
                SchemaError,
                "epsilon_per_release",
            ),
            case(
                "total below one release",
                lambda: DifferentialPrivacy(2.0, 1.0),
                SchemaError,
                "total_epsilon",
            ),
            case(
                "total infinite",
                lambda: DifferentialPrivacy(1.0, math.inf),
                SchemaError,
                "total_epsilon",
            ),
            case(
                "mechanism unknown",
                lambda: DifferentialPrivacy(1.0, 2.0, mechanism="gaussian"),  # type: ignore[arg-type]
                SchemaError,
                "mechanism",
                "'laplace'",
            ),
        ),
    ),
    Door(
        "sparkus.privacy.PrivacyLedger",
        (
            case("total 0", lambda: PrivacyLedger(0.0), SchemaError, "total_epsilon"),
            case(
                "epsilon 0",
                lambda: PrivacyLedger(1.0, (0.0,), ("a",)),
                SchemaError,
                "epsilons[0]",
            ),
            case(
                "labels short",
                lambda: PrivacyLedger(1.0, (0.5, 0.2), ("a",)),
                SchemaError,
                "labels",
            ),
            case(
                "overspent",
                lambda: PrivacyLedger(1.0, (0.6, 0.6), ("a", "b")),
                SchemaError,
                "epsilons",
            ),
        ),
    ),
    Door(
        "sparkus.privacy.PrivacyLedger.charge",
        (
            case(
                "epsilon text",
                lambda: PrivacyLedger(1.0).charge("0.1", "a"),  # type: ignore[arg-type]
                SchemaError,
                "epsilon",
            ),
            case("label empty", lambda: PrivacyLedger(1.0).charge(0.1, " "), SchemaError, "label"),
            case(
                "past the budget",
                lambda: SPENT.charge(1.0, "2027-02-01"),
                InfeasibleError,
                "2027-02-01",
                "total budget 2",
            ),
        ),
    ),
    Door(
        "sparkus.privacy.PrivacyLedger.from_dict",
        (
            case("not a mapping", lambda: PrivacyLedger.from_dict([1]), SchemaError, "$"),
            case(
                "extra key",
                lambda: PrivacyLedger.from_dict({"total_epsilon": 1.0, "releases": [], "x": 0}),
                SchemaError,
                "x",
            ),
            case(
                "bad epsilon",
                lambda: PrivacyLedger.from_dict(
                    {"total_epsilon": 1.0, "releases": [{"label": "a", "epsilon": -1}]}
                ),
                SchemaError,
                "releases[0].epsilon",
            ),
        ),
    ),
    Door(
        "sparkus.privacy.PrivacyLedger.from_arrays",
        (
            case(
                "missing arrays",
                lambda: PrivacyLedger.from_arrays({"total_epsilon": np.array(1.0)}),
                SchemaError,
                "epsilon",
                "label",
            ),
            case(
                "object labels",
                lambda: PrivacyLedger.from_arrays(
                    {
                        "total_epsilon": np.array(1.0),
                        "epsilon": np.array([0.1]),
                        "label": np.array(["a"], dtype=object),
                    }
                ),
                SchemaError,
                "label",
            ),
        ),
    ),
    # -- the exact aggregates ----------------------------------------------------------------
    Door(
        "sparkus.privacy.ExactCount",
        (
            case("negative", lambda: ExactCount(-1), SchemaError, "count"),
            case("a float", lambda: ExactCount(3.0), SchemaError, "count"),  # type: ignore[arg-type]
            case("per_person 0", lambda: ExactCount(3, per_person=0), SchemaError, "per_person"),
        ),
    ),
    Door(
        "sparkus.privacy.ExactRate",
        (
            case("numerator over", lambda: ExactRate(5, 4), SchemaError, "numerator"),
            case("denominator a float", lambda: ExactRate(3, 4.0), SchemaError, "denominator"),  # type: ignore[arg-type]
        ),
    ),
    Door(
        "sparkus.privacy.ExactSum",
        (
            case("total NaN", lambda: ExactSum(math.nan, 3, 0.0, 10.0), SchemaError, "total"),
            case(
                "total past the range",
                lambda: ExactSum(31.0, 3, 0.0, 10.0),
                SchemaError,
                "total",
                "clamp",
            ),
            case("low above high", lambda: ExactSum(3.0, 3, 10.0, 1.0), SchemaError, "high"),
        ),
    ),
    NotADoor("sparkus.privacy.NoisyCount", _RESULT),
    NotADoor("sparkus.privacy.NoisyRate", _RESULT),
    NotADoor("sparkus.privacy.NoisySum", _RESULT),
    NotADoor("sparkus.privacy.PrivateRelease", f"{_RESULT} (or Tracker.private_snapshot)"),
    # -- the releases ------------------------------------------------------------------------
    Door(
        "sparkus.privacy.release_private",
        (
            case(
                "aggregates a list",
                lambda: release_private([1], OPTIONS),  # type: ignore[arg-type]
                SchemaError,
                "aggregates",
            ),
            case(
                "aggregate a number",
                lambda: release_private({"p": {"a": 3}}, OPTIONS),  # type: ignore[dict-item]
                SchemaError,
                "aggregates.p.a",
                "ExactCount",
            ),
            case(
                "options a dict",
                lambda: release_private(CELLS, {"epsilon_per_release": 1.0}),  # type: ignore[arg-type]
                SchemaError,
                "options",
            ),
            case(
                "ledger of another budget",
                lambda: release_private(CELLS, OPTIONS, ledger=PrivacyLedger(3.0)),
                SchemaError,
                "ledger",
                "total",
            ),
            case(
                "rng negative",
                lambda: release_private(CELLS, OPTIONS, rng=-1),
                SchemaError,
                "rng",
            ),
            case(
                "budget spent",
                lambda: release_private(CELLS, OPTIONS, ledger=SPENT, label="2027-02-01"),
                InfeasibleError,
                "2027-02-01",
                "remains",
            ),
        ),
    ),
    Door(
        "sparkus.metrics.Tracker.private_snapshot",
        (
            case(
                "options None",
                lambda: _tracker().private_snapshot(None),  # type: ignore[arg-type]
                SchemaError,
                "options",
            ),
            case(
                "ledger a float",
                lambda: _tracker().private_snapshot(OPTIONS, ledger=1.0),  # type: ignore[arg-type]
                SchemaError,
                "ledger",
            ),
            case(
                "ledger of another budget",
                lambda: _tracker().private_snapshot(OPTIONS, ledger=PrivacyLedger(3.0)),
                SchemaError,
                "ledger",
                "total",
            ),
            case(
                "rng text",
                lambda: _tracker().private_snapshot(OPTIONS, rng="seed"),
                SchemaError,
                "rng",
            ),
            case(
                "naive as_of",
                lambda: _tracker().private_snapshot(OPTIONS, as_of=dt.datetime(2027, 2, 1)),
                SchemaError,
                "as_of",
            ),
            case(
                "grouping named total",
                lambda: _tracker({"total": ["x"] * 12}).private_snapshot(OPTIONS),
                SchemaError,
                "groups.total",
            ),
            case(
                "budget spent",
                lambda: _tracker().private_snapshot(OPTIONS, as_of=DAY, ledger=SPENT),
                InfeasibleError,
                DAY.isoformat(),
                "remains",
            ),
        ),
    ),
]
