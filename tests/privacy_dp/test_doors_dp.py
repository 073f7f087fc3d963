"""Door-table style checks: every bad field or argument of the DP mode is a SchemaError naming it."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.privacy import (
    DifferentialPrivacy,
    ExactCount,
    ExactRate,
    ExactSum,
    PrivacyLedger,
    release_private,
)

OPTIONS = DifferentialPrivacy(1.0, 10.0)
CELLS = {"department/participation": {"Sales": ExactRate(3, 4)}}

BAD: list[tuple[str, Callable[[], object], tuple[str, ...]]] = [
    # DifferentialPrivacy
    ("epsilon_per_release text", lambda: DifferentialPrivacy("1", 2.0), ("epsilon_per_release",)),
    ("epsilon_per_release bool", lambda: DifferentialPrivacy(True, 2.0), ("epsilon_per_release",)),
    ("epsilon_per_release 0", lambda: DifferentialPrivacy(0.0, 2.0), ("epsilon_per_release",)),
    ("epsilon_per_release < 0", lambda: DifferentialPrivacy(-1.0, 2.0), ("epsilon_per_release",)),
    (
        "epsilon_per_release nan",
        lambda: DifferentialPrivacy(math.nan, 2.0),
        ("epsilon_per_release",),
    ),
    (
        "epsilon_per_release inf",
        lambda: DifferentialPrivacy(math.inf, 2.0),
        ("epsilon_per_release",),
    ),
    ("epsilon_per_release 1000", lambda: DifferentialPrivacy(1e3, 1e4), ("epsilon_per_release",)),
    ("total_epsilon None", lambda: DifferentialPrivacy(1.0, None), ("total_epsilon",)),
    ("total_epsilon 0", lambda: DifferentialPrivacy(1.0, 0.0), ("total_epsilon",)),
    ("total_epsilon inf", lambda: DifferentialPrivacy(1.0, math.inf), ("total_epsilon",)),
    ("total below one release", lambda: DifferentialPrivacy(2.0, 1.0), ("total_epsilon",)),
    (
        "mechanism unknown",
        lambda: DifferentialPrivacy(1.0, 2.0, mechanism="gaussian"),
        ("mechanism", "'laplace'"),
    ),
    # PrivacyLedger
    ("ledger total 0", lambda: PrivacyLedger(0.0), ("total_epsilon",)),
    ("ledger total text", lambda: PrivacyLedger("1"), ("total_epsilon",)),
    ("ledger epsilons list", lambda: PrivacyLedger(1.0, [0.5], ("a",)), ("epsilons",)),
    ("ledger epsilon 0", lambda: PrivacyLedger(1.0, (0.0,), ("a",)), ("epsilons[0]",)),
    ("ledger label empty", lambda: PrivacyLedger(1.0, (0.5,), ("",)), ("labels[0]",)),
    ("ledger labels short", lambda: PrivacyLedger(1.0, (0.5, 0.2), ("a",)), ("labels",)),
    ("ledger overspent", lambda: PrivacyLedger(1.0, (0.6, 0.6), ("a", "b")), ("epsilons",)),
    ("charge epsilon 0", lambda: PrivacyLedger(1.0).charge(0.0, "a"), ("epsilon",)),
    ("charge epsilon text", lambda: PrivacyLedger(1.0).charge("0.1", "a"), ("epsilon",)),  # type: ignore[arg-type]
    ("charge label empty", lambda: PrivacyLedger(1.0).charge(0.1, " "), ("label",)),
    ("from_dict not a mapping", lambda: PrivacyLedger.from_dict([1]), ("$",)),
    (
        "from_dict extra key",
        lambda: PrivacyLedger.from_dict({"total_epsilon": 1.0, "releases": [], "spent": 0}),
        ("spent",),
    ),
    (
        "from_dict missing total",
        lambda: PrivacyLedger.from_dict({"releases": []}),
        ("total_epsilon",),
    ),
    (
        "from_dict bad release",
        lambda: PrivacyLedger.from_dict({"total_epsilon": 1.0, "releases": [{"label": "a"}]}),
        ("releases[0]",),
    ),
    (
        "from_dict bad epsilon",
        lambda: PrivacyLedger.from_dict(
            {"total_epsilon": 1.0, "releases": [{"label": "a", "epsilon": -1}]}
        ),
        ("releases[0].epsilon",),
    ),
    (
        "from_dict bad label",
        lambda: PrivacyLedger.from_dict(
            {"total_epsilon": 1.0, "releases": [{"label": 3, "epsilon": 0.1}]}
        ),
        ("releases[0].label",),
    ),
    (
        "from_arrays missing",
        lambda: PrivacyLedger.from_arrays({"total_epsilon": np.array(1.0)}),
        ("epsilon", "label"),
    ),
    (
        "from_arrays object labels",
        lambda: PrivacyLedger.from_arrays(
            {
                "total_epsilon": np.array(1.0),
                "epsilon": np.array([0.1]),
                "label": np.array(["a"], dtype=object),
            }
        ),
        ("label",),
    ),
    (
        "from_arrays 2-d epsilon",
        lambda: PrivacyLedger.from_arrays(
            {"total_epsilon": np.array(1.0), "epsilon": np.zeros((1, 1)), "label": np.array(["a"])}
        ),
        ("epsilon",),
    ),
    (
        "from_arrays bad epsilon",
        lambda: PrivacyLedger.from_arrays(
            {
                "total_epsilon": np.array(1.0),
                "epsilon": np.array([np.nan]),
                "label": np.array(["a"]),
            }
        ),
        ("epsilon[0]",),
    ),
    # the exact aggregates
    ("count negative", lambda: ExactCount(-1), ("count",)),
    ("count float", lambda: ExactCount(3.0), ("count",)),
    ("count bool", lambda: ExactCount(True), ("count",)),
    ("count too large", lambda: ExactCount(2**60), ("count",)),
    ("count per_person 0", lambda: ExactCount(3, per_person=0), ("per_person",)),
    ("sum total nan", lambda: ExactSum(math.nan, 3, 0.0, 10.0), ("total",)),
    ("sum total past the range", lambda: ExactSum(31.0, 3, 0.0, 10.0), ("total", "clamp")),
    ("sum total below the range", lambda: ExactSum(-1.0, 3, 0.0, 10.0), ("total",)),
    ("sum low above high", lambda: ExactSum(3.0, 3, 10.0, 1.0), ("high",)),
    ("sum low equal high", lambda: ExactSum(3.0, 3, 1.0, 1.0), ("high",)),
    ("sum bound too large", lambda: ExactSum(3.0, 3, 0.0, 1e13), ("high",)),
    ("sum count negative", lambda: ExactSum(0.0, -3, 0.0, 1.0), ("count",)),
    ("rate numerator over", lambda: ExactRate(5, 4), ("numerator",)),
    ("rate denominator float", lambda: ExactRate(3, 4.0), ("denominator",)),
    ("rate per_person text", lambda: ExactRate(3, 4, per_person="2"), ("per_person",)),
    # release_private
    ("aggregates a list", lambda: release_private([1], OPTIONS), ("aggregates",)),
    (
        "partition not text",
        lambda: release_private({3: {"a": ExactCount(1)}}, OPTIONS),
        ("aggregates.3",),
    ),
    (
        "partition cells a list",
        lambda: release_private({"p": [ExactCount(1)]}, OPTIONS),
        ("aggregates.p",),
    ),
    (
        "group a bool",
        lambda: release_private({"p": {True: ExactCount(1)}}, OPTIONS),
        ("aggregates.p.True",),
    ),
    (
        "group a float",
        lambda: release_private({"p": {1.5: ExactCount(1)}}, OPTIONS),
        ("aggregates.p.1.5",),
    ),
    (
        "aggregate a number",
        lambda: release_private({"p": {"a": 3}}, OPTIONS),
        ("aggregates.p.a", "ExactCount"),
    ),
    ("options a dict", lambda: release_private(CELLS, {"epsilon_per_release": 1}), ("options",)),
    ("ledger a float", lambda: release_private(CELLS, OPTIONS, ledger=1.0), ("ledger",)),
    (
        "ledger of another budget",
        lambda: release_private(CELLS, OPTIONS, ledger=PrivacyLedger(3.0)),
        ("ledger", "total"),
    ),
    ("label empty", lambda: release_private(CELLS, OPTIONS, label=""), ("label",)),
    ("label a date", lambda: release_private(CELLS, OPTIONS, label=20270301), ("label",)),
    ("rng negative", lambda: release_private(CELLS, OPTIONS, rng=-1), ("rng",)),
    ("rng text", lambda: release_private(CELLS, OPTIONS, rng="seed"), ("rng",)),
]


@pytest.mark.parametrize(("label", "call", "names"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_a_schema_error_naming_it(
    label: str, call: Callable[[], object], names: tuple[str, ...]
) -> None:
    """Each bad field or argument raises SchemaError whose message names it."""
    with pytest.raises(SchemaError) as info:
        call()
    for name in names:
        assert name in str(info.value), (label, str(info.value))


def test_release_collects_every_problem_at_once() -> None:
    """One SchemaError lists the problems of every argument, each at its path."""
    with pytest.raises(SchemaError) as info:
        release_private({"p": {"a": 3, "b": "x"}}, "options", ledger=2, label="", rng=-1)  # type: ignore[arg-type]
    paths = [p.location for p in info.value.problems]
    assert paths == ["aggregates.p.a", "aggregates.p.b", "options", "ledger", "label", "rng"]


def test_nothing_the_caller_passed_changes() -> None:
    """The release neither changes the caller's mapping nor the ledger it was given."""
    cells = {"p": {"a": ExactCount(10)}}
    ledger = PrivacyLedger(10.0)
    release_private(cells, OPTIONS, ledger=ledger)
    assert cells == {"p": {"a": ExactCount(10)}}
    assert ledger.n_releases == 0
