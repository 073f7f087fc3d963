"""Bad input to the private release's public pieces: typed errors naming the field, never a
bare KeyError, an impossible noisy cell or a count past its exact limit."""

from __future__ import annotations

import warnings

import pytest

from sparkus import SchemaError
from sparkus.privacy import (
    DifferentialPrivacy,
    ExactCount,
    ExactRate,
    ExactSum,
    NoisyCount,
    NoisyRate,
    NoisySum,
    PrivacyLedger,
    release_private,
)

NAN, INF = float("nan"), float("inf")


def _release():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the seeded-noise warning
        cells = {"d/participants": {"Sales": ExactCount(40), 2: ExactCount(30)}}
        return release_private(cells, DifferentialPrivacy(1.0, 3.0), rng=1)


def test_releases_allowed_is_what_the_ledger_accepts():
    """releases_allowed never passes MAX_RELEASES nor total // per_release."""
    assert DifferentialPrivacy(1e-6, 2.0).releases_allowed == 1_000_000
    assert DifferentialPrivacy(1e-3, 1e3).releases_allowed == 1_000_000
    assert DifferentialPrivacy(0.1, 0.3).releases_allowed == 3  # 2.9999999999999996
    assert DifferentialPrivacy(0.3, 1.0).releases_allowed == 3
    assert DifferentialPrivacy(1.0, 2.9999999).releases_allowed == 2


def test_releases_allowed_can_all_be_charged():
    """The ledger accepts exactly releases_allowed charges of epsilon_per_release."""
    options = DifferentialPrivacy(0.1, 0.3)
    ledger = PrivacyLedger(options.total_epsilon)
    for i in range(options.releases_allowed):
        ledger = ledger.charge(options.epsilon_per_release, f"r{i}")
    assert ledger.n_releases == options.releases_allowed


NOISY_BAD = [
    (NoisyCount, (-5, 1.0, 1.0), "count"),
    (NoisyCount, (5, NAN, 1.0), "epsilon"),
    (NoisyCount, (5, 1.0, -1.0), "scale"),
    (NoisyCount, (5, 1.0, INF), "scale"),
    (NoisyCount, (5.0, 1.0, 1.0), "count"),
    (NoisyRate, (7, 3, 7 / 3, 1.0, (1.0, 1.0)), "numerator"),
    (NoisyRate, (1, 3, 0.9, 1.0, (1.0, 1.0)), "rate"),
    (NoisyRate, (0, 0, 0.0, 1.0, (1.0, 1.0)), "rate"),
    (NoisyRate, (1, 2, 0.5, -1.0, (1.0, 1.0)), "epsilon"),
    (NoisyRate, (1, 2, 0.5, 1.0, (1.0,)), "scales"),
    (NoisyRate, (1, 2, 0.5, 1.0, (1.0, NAN)), "scales"),
    (NoisySum, (3, NAN, 3.0, 0.0, 10.0, 1.0, (1.0, 1.0)), "mean"),
    (NoisySum, (3, 1.0, INF, 0.0, 10.0, 1.0, (1.0, 1.0)), "total"),
    (NoisySum, (3, 1.0, 3.0, 10.0, 0.0, 1.0, (1.0, 1.0)), "high"),
    (NoisySum, (3, 11.0, 33.0, 0.0, 10.0, 1.0, (1.0, 1.0)), "mean"),
    (NoisySum, (3, 1.0, 4.0, 0.0, 10.0, 1.0, (1.0, 1.0)), "total"),
    (NoisySum, (0, 1.0, 0.0, 0.0, 10.0, 1.0, (1.0, 1.0)), "mean"),
    (NoisySum, (3, 1.0, 3.0, 0.0, 10.0, 1.0, (1.0,)), "scales"),
]


@pytest.mark.parametrize(
    ("cls", "args", "field"),
    NOISY_BAD,
    ids=[f"{c.__name__}-{f}-{i}" for i, (c, _, f) in enumerate(NOISY_BAD)],
)
def test_noisy_cells_are_checked(cls, args, field):
    """A noisy cell with NaN, infinity or impossible figures is refused at its field."""
    with pytest.raises(SchemaError) as error:
        cls(*args)
    assert field in {p.path[0] for p in error.value.problems}


def test_noisy_cells_that_fit_are_built():
    """Consistent noisy cells, as release_private builds them, are accepted."""
    assert NoisyCount(0, 0.5, 2.0).value == 0.0
    assert NoisyRate(0, 0, None, 0.5, (2.0, 2.0)).value is None
    assert NoisyRate(1, 3, 1 / 3, 0.5, (2.0, 2.0)).value == pytest.approx(1 / 3)
    assert NoisySum(0, None, 0.0, 0.0, 10.0, 0.5, (2.0, 20.0)).value is None
    assert NoisySum(3, 2.5, 7.5, 0.0, 10.0, 0.5, (2.0, 20.0)).value == 2.5


def test_release_private_builds_valid_cells():
    """Every cell kind release_private makes passes the noisy cells' checks."""
    cells = {
        "c": {"a": ExactCount(0), "b": ExactCount(5)},
        "r": {"a": ExactRate(0, 0), "b": ExactRate(3, 4)},
        "s": {"a": ExactSum(0.0, 0, 0.0, 10.0), "b": ExactSum(41.0, 5, 0.0, 10.0)},
    }
    for seed in range(20):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            release = release_private(cells, DifferentialPrivacy(0.05, 1.0), rng=seed)
        assert release.n_cells == 6


def test_count_limit_is_exact():
    """2**53 is the largest count; 2**53 + 1 is refused with the bound shown exactly."""
    assert ExactCount(2**53).count == 2**53
    with pytest.raises(SchemaError, match=r"count: 9007199254740993 is out of range; expected "
                                          r"an integer from 0 to 9,007,199,254,740,992"):  # fmt: skip
        ExactCount(2**53 + 1)
    with pytest.raises(SchemaError, match=r"denominator: 9007199254740993 is out of range"):
        ExactRate(0, 2**53 + 1)
    with pytest.raises(SchemaError, match=r"count: 9007199254740993 is out of range"):
        ExactSum(0.0, 2**53 + 1, 0.0, 1.0)


@pytest.mark.parametrize(
    ("partition", "group", "message"),
    [
        ("d/participants", "Ops", (r"group: 'Ops' is not a group of 'd/participants' "
                                   r"\(its groups: 'Sales', 2\)")),
        ("d/participants", "2", r"group: '2' is not a group"),
        ("d/participants", True, r"group: True is not a group"),
        ("d/participants", [1], r"group: \[1\] is not a group"),
        ("nope", "Sales", (r"partition: 'nope' is not a partition of this release "
                           r"\(its partitions: 'd/participants'\)")),
        (None, "Sales", r"partition: None is not a partition"),
    ],
)  # fmt: skip
def test_value_of_an_unknown_cell(partition, group, message):
    """An unknown partition or group is a SchemaError naming it and listing what exists."""
    release = _release()
    with pytest.raises(SchemaError, match=message):
        release.value(partition, group)


def test_value_of_known_cells():
    """Known cells are read, an int group as a numpy integer too."""
    import numpy as np

    release = _release()
    assert release.value("d/participants", 2) == release.value("d/participants", np.int64(2))
    assert release.value("d/participants", "Sales") is not None


@pytest.mark.parametrize("aggregates", [{}, {"empty": {}}, {"a": {}, "b": {}}])
def test_an_empty_release_is_refused_and_not_charged(aggregates):
    """A release without cells is a SchemaError at aggregates, and the ledger stays as it was."""
    ledger = PrivacyLedger(3.0)
    with pytest.raises(SchemaError, match=r"aggregates: holds no cells"):
        release_private(aggregates, DifferentialPrivacy(1.0, 3.0), ledger=ledger)
    assert ledger.n_releases == 0
