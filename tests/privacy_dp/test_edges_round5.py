"""Edges of the private release mode: the ledger's arithmetic, group labels, tiny ranges, the
seeded sampler's tails, and the noise's whole distribution against its closed form.

The distribution tests of OpenDP's noise (``rng=None``) cannot be seeded: each uses a
false-alarm rate of 1e-6 (a goodness-of-fit p-value below 1e-6 fails). Those of the seeded
numpy path fix the seed, so they pass or fail the same way every run.
"""

from __future__ import annotations

import math
import warnings
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from sparkus import InfeasibleError, SchemaError
from sparkus._privacy.dp_release import _contrib, _numpy_noise
from sparkus.privacy import (
    DifferentialPrivacy,
    ExactCount,
    ExactSum,
    PrivacyLedger,
    PrivateRelease,
    release_private,
)

OPENDP_ALPHA = 1e-6
"""The false-alarm rate of a goodness-of-fit test of OpenDP's (unseedable) noise."""
SEEDED_ALPHA = 1e-3
"""The level of a goodness-of-fit test of the seeded path: its seed is fixed, so it never flakes."""


def _seeded(cells: Any, options: DifferentialPrivacy, rng: int) -> PrivateRelease:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the seeded-noise warning
        return release_private(cells, options, rng=rng)


# -- the ledger: one arithmetic for can_spend, charge, the cross-check and releases_allowed ---


@pytest.mark.parametrize(
    "epsilon",
    [
        *(math.nan, -1.0, 0.0, math.inf, 1e-300, 1e308, True, "0.5", None, 10**400),
        *(Decimal("0.5"), Fraction(1, 2)),
    ],
)
def test_can_spend_checks_epsilon_as_charge_does(epsilon: object) -> None:
    """can_spend refuses what charge refuses, with a SchemaError naming epsilon, never True."""
    ledger = PrivacyLedger(10.0)
    with pytest.raises(SchemaError, match="epsilon"):
        ledger.can_spend(epsilon)  # type: ignore[arg-type]
    with pytest.raises(SchemaError, match="epsilon"):
        ledger.charge(epsilon, "r")  # type: ignore[arg-type]


def test_a_release_a_hair_past_the_budget_is_infeasible_not_a_schema_error() -> None:
    """fsum(spent) + epsilon and fsum(all) disagree by a float step: the charge is refused as
    over budget (InfeasibleError naming the release), and can_spend agrees."""
    ledger = PrivacyLedger(3.0, (0.451, 0.491), ("a", "b"))
    epsilon = 2.0580000030000005  # 0.942 + this rounds to within the budget; their fsum does not
    assert not ledger.can_spend(epsilon)
    with pytest.raises(InfeasibleError, match=r"'c' needs epsilon 2\.0580000030000005"):
        ledger.charge(epsilon, "c")


@given(
    spent=st.lists(st.floats(1e-3, 1.0), min_size=1, max_size=6),
    steps=st.integers(-3, 3),
)
def test_can_spend_is_exactly_what_charge_accepts(spent: list[float], steps: int) -> None:
    """Near the boundary, a charge succeeds exactly when can_spend says so."""
    total = math.fsum(spent) * 1.5
    ledger = PrivacyLedger(total, tuple(spent), tuple(f"r{i}" for i in range(len(spent))))
    epsilon = total * (1 + 1e-9) - math.fsum(spent)
    for _ in range(abs(steps)):
        epsilon = math.nextafter(epsilon, math.inf if steps > 0 else 0.0)
    if ledger.can_spend(epsilon):
        assert ledger.charge(epsilon, "next").n_releases == len(spent) + 1
    else:
        with pytest.raises(InfeasibleError):
            ledger.charge(epsilon, "next")


def _accepted(options: DifferentialPrivacy) -> int:
    ledger = PrivacyLedger(options.total_epsilon)
    while ledger.can_spend(options.epsilon_per_release):
        ledger = ledger.charge(options.epsilon_per_release, f"r{ledger.n_releases}")
    return ledger.n_releases


@pytest.mark.parametrize(
    ("epsilon", "total", "accepted"),
    [
        (0.05892436250750773, 58.92436250161529, 1_000),  # 1e-10 short of 1,000 releases
        (6.391601125398449e-06, 0.006391601124759289, 1_000),
        (0.1, 0.3, 3),
        (1.0, 2.9999999, 2),
        (0.3, 1.0, 3),
    ],
)
def test_releases_allowed_is_exactly_what_the_ledger_accepts(
    epsilon: float, total: float, accepted: int
) -> None:
    """releases_allowed counts the charges the ledger accepts, by the ledger's own arithmetic."""
    options = DifferentialPrivacy(epsilon, total)
    assert _accepted(options) == accepted
    assert options.releases_allowed == accepted


@given(
    epsilon=st.floats(1e-6, 100.0),
    k=st.integers(1, 40),
    shift=st.sampled_from([0.0, -1e-12, -1e-10, -1e-9, -1e-8, 1e-12, 1e-10]),
)
def test_releases_allowed_matches_the_ledger_near_whole_ratios(
    epsilon: float, k: int, shift: float
) -> None:
    """For totals a hair off k releases, releases_allowed and the ledger agree."""
    total = epsilon * k * (1 + shift)
    if not 1e-6 <= total <= 1e6 or epsilon > total * (1 + 1e-9):  # not even one release
        return
    options = DifferentialPrivacy(epsilon, total)
    assert options.releases_allowed == _accepted(options)


def test_a_ledger_at_its_release_limit_refuses_the_next_release_as_infeasible() -> None:
    """At MAX_RELEASES the next charge is an InfeasibleError saying so, and can_spend is False."""
    n = 1_000_000
    ledger = PrivacyLedger(2.0, (1e-6,) * n, ("r",) * n)
    assert not ledger.can_spend(1e-6)
    with pytest.raises(InfeasibleError, match="1,000,000"):
        ledger.charge(1e-6, "next")


# -- group labels: written one way, printed apart --------------------------------------------


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        ({"Sales": ExactCount(3), "sales ": ExactCount(4)}, "differ only in case"),
        ({"Caf\u00e9": ExactCount(3), "Cafe\u0301": ExactCount(4)}, "Unicode form"),
        ({"": ExactCount(3), "Ops": ExactCount(4)}, "blank"),
        ({"  ": ExactCount(3)}, "blank"),
        ({1: ExactCount(3), "1": ExactCount(200)}, "print alike"),
    ],
)
def test_groups_written_several_ways_are_refused(groups: dict[Any, Any], message: str) -> None:
    """One group spelled two ways, a blank group, or groups that print alike (and would be
    saved by to_dict under one key, one cell lost) are a SchemaError at the partition."""
    with pytest.raises(SchemaError, match=message) as info:
        release_private({"dept/participants": groups}, DifferentialPrivacy(1.0, 2.0), rng=0)
    assert "aggregates.dept/participants" in str(info.value)


def test_partitions_written_several_ways_are_refused() -> None:
    """Two partitions that differ only in case are one figure written twice: refused."""
    cells = {"Dept/rate": {"a": ExactCount(3)}, "dept/rate": {"a": ExactCount(3)}}
    with pytest.raises(SchemaError, match=r"aggregates: holds labels that differ only in case"):
        release_private(cells, DifferentialPrivacy(1.0, 2.0), rng=0)


def test_every_cell_survives_to_dict() -> None:
    """The groups a release accepts are all in its to_dict: none collapses into another."""
    groups = {1: ExactCount(3), "2": ExactCount(4), "Sales": ExactCount(5)}
    release = _seeded({"p": groups}, DifferentialPrivacy(1.0, 2.0), rng=0)
    assert len(release.to_dict()["cells"]["p"]) == release.n_cells == 3


# -- the sensitivity of a sum: rounded up, never down ----------------------------------------


@pytest.mark.parametrize("rng", [None, 0])
def test_a_range_one_float_step_wide_is_released(rng: int | None) -> None:
    """[0, 5e-324]: half its width underflows to 0 in floats; the noise scale stays positive."""
    cells = {"p": {"a": ExactSum(0.0, 1, 0.0, 5e-324)}}
    options = DifferentialPrivacy(1.0, 2.0)
    release = _seeded(cells, options, rng) if rng is not None else release_private(cells, options)
    cell = release.cells["p"]["a"]
    assert cell.scales[1] > 0.0
    assert release.epsilon_by_partition["p"] <= 1.0


@pytest.mark.parametrize(
    ("low", "high", "per_person"),
    [(0.1, 0.3, 1), (-1e12, 1e-5, 3), (0.0, 5e-324, 1), (1.0 / 3.0, 2.0 / 3.0, 7), (0.0, 10.0, 16)],
)
def test_a_sums_noise_is_calibrated_to_at_least_its_exact_sensitivity(
    low: float, high: float, per_person: int
) -> None:
    """scale * ε_number >= per_person * (high - low) / 2 computed exactly, for any float range."""
    cells = {"p": {"a": ExactSum(0.0 if low <= 0.0 <= high else low, 1, low, high,
                                  per_person=per_person)}}  # fmt: skip
    release = _seeded(cells, DifferentialPrivacy(1.0, 2.0), rng=1)
    scale = release.cells["p"]["a"].scales[1]
    exact = per_person * (Fraction(high) - Fraction(low)) / 2
    assert Fraction(scale) * 2 >= exact  # ε_number = 1 / 2: one partition, two numbers


# -- the seeded sampler: no saturation in the tails -------------------------------------------


def test_seeded_discrete_laplace_does_not_saturate_at_huge_scales() -> None:
    """Scale 2e18 (reachable: per_person 1e6, ε 1e-6 over a million cells): the tails pass the
    int64 limit as the closed form says, and no draw is the 0 of two saturated geometrics."""
    n, scale = 100_000, 2e18
    noise = _numpy_noise(
        np.random.default_rng(5), np.zeros(n), np.full(n, scale), np.ones(n, dtype=bool)
    )
    beyond = int(np.sum(np.abs(noise) > 1e19))
    expected = n * math.exp(-1e19 / scale)  # P(|X| > t) ~ exp(-t / b) for the discrete Laplace
    assert abs(beyond - expected) < 6 * math.sqrt(expected)
    assert np.all(noise == np.floor(noise))


# -- the whole distribution of the noise, against its closed form ------------------------------


def _discrete_laplace_pvalue(noise: np.ndarray[Any, Any], scale: float) -> float:
    """Chi-square p-value of integer noise against the discrete Laplace of `scale`.

    pmf(k) = (1 - a) / (1 + a) * a**|k| with a = exp(-1 / scale); bins with fewer than 20
    expected draws are pooled into the two tails.
    """
    a = math.exp(-1.0 / scale)
    n = noise.size
    edge = 0
    while n * (1 - a) / (1 + a) * a ** (edge + 1) >= 20:
        edge += 1
    ks = np.arange(-edge, edge + 1)
    expected = n * (1 - a) / (1 + a) * a ** np.abs(ks)
    tail = n * a ** (edge + 1) / (1 + a)  # P(X > edge) = P(X < -edge)
    observed = [float(np.sum(noise == k)) for k in ks]
    observed += [float(np.sum(noise < -edge)), float(np.sum(noise > edge))]
    expect = [*expected.tolist(), tail, tail]
    return float(stats.chisquare(observed, expect).pvalue)


COUNT_CASES = [(1, 1.0, 1), (3, 0.5, 2), (1, 0.1, 1), (12, 1.0, 12), (1, 4.0, 1)]


def _count_noise(per_person: int, epsilon: float, partitions: int, rng: int | None) -> Any:
    n = 20_000
    cells = {f"p{j}": {i: ExactCount(100_000, per_person=per_person) for i in range(n if j == 0 else 1)}
             for j in range(partitions)}  # fmt: skip
    options = DifferentialPrivacy(epsilon, 100.0)
    release = release_private(cells, options) if rng is None else _seeded(cells, options, rng)
    scale = per_person / (epsilon / partitions)
    assert release.cells["p0"][0].scale == pytest.approx(scale, rel=1e-12)
    return np.array([release.cells["p0"][i].count - 100_000 for i in range(n)]), scale


@pytest.mark.parametrize(("per_person", "epsilon", "partitions"), COUNT_CASES)
def test_opendp_count_noise_is_discrete_laplace_of_scale_delta_over_epsilon(
    per_person: int, epsilon: float, partitions: int
) -> None:
    """OpenDP's count noise is the discrete Laplace of scale Δ / ε_number (chi-square, false alarms 1e-6)."""
    noise, scale = _count_noise(per_person, epsilon, partitions, None)
    assert _discrete_laplace_pvalue(noise, scale) > OPENDP_ALPHA


@pytest.mark.parametrize(("per_person", "epsilon", "partitions"), COUNT_CASES)
def test_seeded_count_noise_is_the_same_discrete_laplace(
    per_person: int, epsilon: float, partitions: int
) -> None:
    """The seeded path draws the same discrete Laplace (chi-square at 1e-3, seed fixed)."""
    noise, scale = _count_noise(per_person, epsilon, partitions, 20_261_207)
    assert _discrete_laplace_pvalue(noise, scale) > SEEDED_ALPHA


SUM_CASES = [(1.0, 0.0, 10.0, 1), (0.3, -3.0, 7.0, 4), (2.0, 0.0, 1.0, 16)]


def _sum_noise(epsilon: float, low: float, high: float, k: int, rng: int | None) -> Any:
    n, count = 20_000, 10**9
    middle = (low + high) / 2
    cells = {"s": {i: ExactSum(middle * count, count, low, high, per_person=k) for i in range(n)}}
    options = DifferentialPrivacy(epsilon, 100.0)
    release = release_private(cells, options) if rng is None else _seeded(cells, options, rng)
    scale = k * (high - low) / 2 / (epsilon / 2)
    assert release.cells["s"][0].scales[1] == pytest.approx(scale, rel=1e-12)
    # mean = middle + noisy centred sum / noisy count: the centred sum's noise, recovered
    noise = np.array([(c.mean - middle) * c.count for c in release.cells["s"].values()])
    return noise, scale


@pytest.mark.parametrize(("epsilon", "low", "high", "k"), SUM_CASES)
def test_opendp_sum_noise_is_laplace_of_the_halved_sensitivity(
    epsilon: float, low: float, high: float, k: int
) -> None:
    """OpenDP's sum noise is Laplace of scale k (high - low) / 2 / ε_number (KS, false alarms 1e-6)."""
    noise, scale = _sum_noise(epsilon, low, high, k, None)
    assert stats.kstest(noise, stats.laplace(scale=scale).cdf).pvalue > OPENDP_ALPHA


@pytest.mark.parametrize(("epsilon", "low", "high", "k"), SUM_CASES)
def test_seeded_sum_noise_is_the_same_laplace(
    epsilon: float, low: float, high: float, k: int
) -> None:
    """The seeded path draws the same Laplace (KS at 1e-3, seed fixed)."""
    noise, scale = _sum_noise(epsilon, low, high, k, 20_261_207)
    assert stats.kstest(noise, stats.laplace(scale=scale).cdf).pvalue > SEEDED_ALPHA


def test_the_scales_are_opendps_own_calibration() -> None:
    """OpenDP's privacy map of each released scale certifies the ε sparkus says it spent."""
    import opendp.prelude as dp

    cells = {"c": {"a": ExactCount(9, per_person=3)},
             "s": {"a": ExactSum(12.0, 3, 0.0, 10.0, per_person=2)}}  # fmt: skip
    release = _seeded(cells, DifferentialPrivacy(0.8, 2.0), rng=0)
    with _contrib(dp):
        count = release.cells["c"]["a"]
        space = (dp.vector_domain(dp.atom_domain(T="i64")), dp.l1_distance(T="i64"))
        assert dp.m.make_laplace(*space, scale=count.scale).map(3) <= 0.4
        fspace = (dp.vector_domain(dp.atom_domain(T=float, nan=False)), dp.l1_distance(T=float))
        sum_scale = release.cells["s"]["a"].scales[1]
        assert dp.m.make_laplace(*fspace, scale=sum_scale).map(10.0) <= 0.2
        assert sum_scale == pytest.approx(2 * 10.0 / 2 / 0.2)
