"""The release: the split of epsilon over cells a person shares, the noise's scale, the ranges.

OpenDP draws its noise from the operating system's secure generator, which cannot be seeded,
so tests of releases made with ``rng=None`` check statistical properties with wide margins
(five standard errors: a false alarm about once in a million runs), never exact values. A
seeded release draws the same distributions from numpy and reproduces exactly.
"""

from __future__ import annotations

import math
import subprocess
import sys
import warnings
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sparkus import SchemaError, SparkusWarning
from sparkus.privacy import (
    DifferentialPrivacy,
    ExactCount,
    ExactRate,
    ExactSum,
    NoisyCount,
    NoisyRate,
    NoisySum,
    PrivateRelease,
    release_private,
)

STEPS = 4  # required steps a person can have due
RATINGS = 3  # sessions a person can rate
GROUPINGS = {"department": ("Sales", "Ops", "Legal"), "site": ("Berlin", "Lima")}


def _discrete_laplace_variance(scale: float) -> float:
    """The variance of the discrete Laplace of `scale`: 2e^(-1/b) / (1 - e^(-1/b))^2."""
    q = math.exp(-1.0 / scale)
    return 2.0 * q / (1.0 - q) ** 2


def _seeded(cells: Mapping[str, Mapping[str | int, object]], options: DifferentialPrivacy,
            **kwargs: object) -> PrivateRelease:  # fmt: skip
    with pytest.warns(SparkusWarning, match="seeded"):
        return release_private(cells, options, **kwargs)  # type: ignore[arg-type]


# -- the split: a person in several cells -------------------------------------------------------

People = list[dict[str, object]]


def _aggregates(people: People) -> dict[str, dict[str | int, object]]:
    """Dashboard figures by grouping and in total: every group of the public list, even empty."""
    groupings = {**GROUPINGS, "totals": ("all",)}
    cells: dict[str, dict[str | int, object]] = {}
    for grouping, groups in groupings.items():
        members = {g: [p for p in people if grouping == "totals" or p[grouping] == g]
                   for g in groups}  # fmt: skip
        cells[f"{grouping}/participants"] = {g: ExactCount(len(m)) for g, m in members.items()}
        cells[f"{grouping}/participation"] = {
            g: ExactRate(sum(int(p["active"]) for p in m), len(m)) for g, m in members.items()
        }
        cells[f"{grouping}/completion"] = {
            g: ExactRate(sum(int(p["done"]) for p in m), sum(int(p["due"]) for p in m),
                         per_person=STEPS)
            for g, m in members.items()
        }  # fmt: skip
        cells[f"{grouping}/rating"] = {
            g: ExactSum(float(sum(sum(p["ratings"]) for p in m)),  # type: ignore[arg-type]
                        sum(len(p["ratings"]) for p in m), 0.0, 10.0,  # type: ignore[arg-type]
                        per_person=RATINGS)
            for g, m in members.items()
        }  # fmt: skip
    return cells


def _numbers(aggregate: object) -> list[float]:
    """The numbers a cell releases, in the order of its noise scales."""
    if isinstance(aggregate, ExactCount):
        return [aggregate.count]
    if isinstance(aggregate, ExactRate):
        return [aggregate.numerator, aggregate.denominator]
    assert isinstance(aggregate, ExactSum)
    middle = (aggregate.low + aggregate.high) / 2
    return [aggregate.count, aggregate.total - middle * aggregate.count]


def _scales(cell: object) -> list[float]:
    if isinstance(cell, NoisyCount):
        return [cell.scale]
    assert isinstance(cell, NoisySum | NoisyRate)
    return list(cell.scales)


def _loss(release: PrivateRelease, with_: People, without: People) -> float:
    """The privacy loss of telling `with_` from `without` by the release's Laplace noise.

    For independent Laplace noises it is exactly the sum over released numbers of
    |change| / scale: the largest log-ratio of the two output densities.
    """
    before, after = _aggregates(with_), _aggregates(without)
    loss = 0.0
    for partition, cells in release.cells.items():
        for group, cell in cells.items():
            change = np.abs(np.subtract(_numbers(before[partition][group]),
                                        _numbers(after[partition][group])))  # fmt: skip
            loss += float(np.sum(change / np.array(_scales(cell))))
    return loss


def _person(department: str, site: str, active: bool, due: int, done: int,
            ratings: list[float]) -> dict[str, object]:  # fmt: skip
    return {"department": department, "site": site, "active": active, "due": due,
            "done": min(done, due), "ratings": ratings}  # fmt: skip


people_strategy = st.lists(
    st.builds(
        _person,
        st.sampled_from(GROUPINGS["department"]),
        st.sampled_from(GROUPINGS["site"]),
        st.booleans(),
        st.integers(0, STEPS),
        st.integers(0, STEPS),
        st.lists(st.integers(0, 10).map(float), max_size=RATINGS),
    ),
    min_size=1,
    max_size=25,
)


def test_a_person_in_every_partition_costs_at_most_epsilon() -> None:
    """A person in one cell of each of 12 partitions, at every per-person bound, costs ε, not 12ε."""
    options = DifferentialPrivacy(0.8, 10.0)
    crowd = [_person("Sales", "Lima", True, 2, 1, [7.0]) for _ in range(6)]
    extreme = _person("Legal", "Berlin", True, STEPS, STEPS, [0.0] * RATINGS)
    release = _seeded(_aggregates([*crowd, extreme]), options, rng=3)
    assert len(release.cells) == 12
    assert all(e == pytest.approx(0.8 / 12) for e in release.epsilon_by_partition.values())
    loss = _loss(release, [*crowd, extreme], crowd)
    assert loss <= 0.8 * (1 + 1e-9)
    assert loss == pytest.approx(0.8, rel=1e-9)  # the bound is tight for the extreme person


def test_calibrating_each_cell_to_the_whole_epsilon_would_fail() -> None:
    """The loss computed above can fail: noise calibrated per cell, not split, costs 12ε."""
    options = DifferentialPrivacy(0.8, 10.0)
    crowd = [_person("Sales", "Lima", True, 2, 1, [7.0]) for _ in range(6)]
    extreme = _person("Legal", "Berlin", True, STEPS, STEPS, [0.0] * RATINGS)
    one_partition = DifferentialPrivacy(0.8 * 12, 100.0)  # what a naive split gives each
    release = _seeded(_aggregates([*crowd, extreme]), one_partition, rng=3)
    assert _loss(release, [*crowd, extreme], crowd) > 5 * options.epsilon_per_release


@given(people=people_strategy, who=st.integers(0, 24), epsilon=st.floats(0.01, 5.0))
def test_every_person_costs_at_most_epsilon(people: People, who: int, epsilon: float) -> None:
    """For random organisations, removing any one person changes the output by at most ε."""
    options = DifferentialPrivacy(epsilon, 100.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SparkusWarning)
        release = release_private(_aggregates(people), options, rng=0)  # type: ignore[arg-type]
    i = who % len(people)
    assert _loss(release, people, people[:i] + people[i + 1 :]) <= epsilon * (1 + 1e-9)


# -- the noise: its scale matches theory ----------------------------------------------------------


def test_opendp_count_noise_has_the_variance_of_its_scale() -> None:
    """20,000 cells of one partition (plus a second partition: ε/2 each): variance of 2(Δ/ε)²."""
    options = DifferentialPrivacy(1.0, 10.0)
    n = 20_000
    cells = {
        "many": {i: ExactCount(1_000) for i in range(n)},
        "other": {"all": ExactCount(5)},
    }
    release = release_private(cells, options)  # type: ignore[arg-type]
    scale = 1.0 / (options.epsilon_per_release / 2)  # Δ = 1, ε split over two partitions
    noisy = np.array([release.cells["many"][i].count for i in range(n)], dtype=float)
    assert release.cells["many"][0].scale == pytest.approx(scale)
    theory = _discrete_laplace_variance(scale)
    assert theory == pytest.approx(2 * scale**2, rel=0.03)  # ≈ 2(Δ/ε)²
    se_var = theory * math.sqrt(
        5.0 / n
    )  # excess kurtosis of a Laplace is 3: Var(s^2) = 5 var^2 / n
    assert abs(noisy.var(ddof=1) - theory) < 5 * se_var
    assert abs(noisy.mean() - 1_000) < 5 * math.sqrt(theory / n)  # unbiased


def test_repeated_releases_of_one_count_vary_as_theory_says() -> None:
    """600 releases of the same count, per_person 3: the noise variance of scale 3/ε."""
    options = DifferentialPrivacy(0.5, 300.0)
    cells = {"totals/steps due": {"all": ExactCount(250, per_person=3)}}
    ledger = None
    draws = []
    for _ in range(600):
        release = release_private(cells, options, ledger=ledger)
        ledger = release.ledger
        draws.append(release.cells["totals/steps due"]["all"].count)
    theory = _discrete_laplace_variance(3 / 0.5)
    se_var = theory * math.sqrt(5.0 / len(draws))
    assert abs(np.var(draws, ddof=1) - theory) < 5 * se_var
    assert ledger is not None
    assert ledger.spent == pytest.approx(300.0)


def test_opendp_sum_noise_has_the_variance_of_its_halved_scale() -> None:
    """A sum of values in [0, 10] gets Laplace noise of scale 5/ε_number: variance 2·(5/ε)²."""
    options = DifferentialPrivacy(1.0, 10.0)
    n, count = 20_000, 1_000_000
    cells = {"rating": {i: ExactSum(5.0 * count, count, 0.0, 10.0) for i in range(n)}}
    release = release_private(cells, options)  # type: ignore[arg-type]
    sums = [release.cells["rating"][i] for i in range(n)]
    noise = np.array([c.total - 5.0 * c.count for c in sums])  # total = middle · count + noise
    scale = 5.0 / 0.5  # (high - low) / 2 over the half of ε the sum gets
    assert sums[0].scales == pytest.approx((1 / 0.5, scale))
    assert abs(noise.var(ddof=1) - 2 * scale**2) < 5 * 2 * scale**2 * math.sqrt(5.0 / n)


def test_seeded_noise_has_the_same_variance() -> None:
    """The seeded numpy path draws the same discrete Laplace as OpenDP."""
    options = DifferentialPrivacy(1.0, 10.0)
    n = 20_000
    release = _seeded({"many": {i: ExactCount(1_000) for i in range(n)}}, options, rng=11)
    noisy = np.array([release.cells["many"][i].count for i in range(n)], dtype=float)
    theory = _discrete_laplace_variance(1.0)
    assert abs(noisy.var(ddof=1) - theory) < 5 * theory * math.sqrt(5.0 / n)
    assert np.all(noisy == np.round(noisy))


def test_a_seed_reproduces_the_release_exactly_and_says_it_is_not_private() -> None:
    """The same seed gives the same figures; another seed others; the result says 'seeded'."""
    options = DifferentialPrivacy(1.0, 10.0)
    cells = _aggregates([_person("Sales", "Lima", True, 2, 1, [7.0, 8.0]) for _ in range(9)])
    one, two = _seeded(cells, options, rng=5), _seeded(cells, options, rng=5)
    other = _seeded(cells, options, rng=6)
    assert one.cells == two.cells
    assert one.cells != other.cells
    assert one.seeded
    assert "NOT private" in one.summary()
    unseeded = release_private(cells, options)  # type: ignore[arg-type]
    assert not unseeded.seeded


# -- post-processing: every figure stays in range -------------------------------------------------

aggregate_strategy = st.one_of(
    st.builds(ExactCount, st.integers(0, 20), per_person=st.integers(1, 5)),
    st.integers(0, 20).flatmap(
        lambda d: st.builds(ExactRate, st.integers(0, d), st.just(d), per_person=st.integers(1, 5))
    ),
    st.tuples(st.integers(0, 20), st.floats(-50, 50), st.floats(0.5, 100), st.floats(0, 1)).map(
        lambda t: ExactSum(t[0] * (t[1] + t[3] * t[2]), t[0], t[1], t[1] + t[2])
    ),
)


def _check_ranges(release: PrivateRelease) -> None:
    for cells in release.cells.values():
        for cell in cells.values():
            if isinstance(cell, NoisyCount):
                assert isinstance(cell.count, int)
                assert cell.count >= 0
            elif isinstance(cell, NoisyRate):
                assert 0 <= cell.numerator <= cell.denominator
                assert (cell.rate is None) == (cell.denominator == 0)
                assert cell.rate is None or 0.0 <= cell.rate <= 1.0
            else:
                assert cell.count >= 0
                assert (cell.mean is None) == (cell.count == 0)
                assert cell.mean is None or cell.low <= cell.mean <= cell.high
                assert cell.total == (cell.mean or 0.0) * cell.count


@given(
    cells=st.dictionaries(
        st.sampled_from(["a", "b", "c"]),
        st.dictionaries(
            st.one_of(st.integers(0, 5), st.text(min_size=1, max_size=3)),
            aggregate_strategy,
            max_size=4,
        ),
        min_size=1,
        max_size=3,
    ).filter(lambda cells: any(cells.values())),  # a release without cells is refused
    epsilon=st.sampled_from([0.01, 0.1, 1.0]),
    seed=st.integers(0, 2**32),
)
def test_post_processing_keeps_every_figure_in_range(
    cells: dict[str, dict[str | int, object]], epsilon: float, seed: int
) -> None:
    """Counts >= 0, numerators within denominators, rates in [0, 1], means in [low, high]."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SparkusWarning)
        release = release_private(cells, DifferentialPrivacy(epsilon, 1.0), rng=seed)  # type: ignore[arg-type]
    _check_ranges(release)
    assert math.fsum(release.epsilon_by_partition.values()) <= epsilon * (1 + 1e-9)


def test_post_processing_with_opendp_noise() -> None:
    """With OpenDP's noise at a tiny ε, small cells still come out in range."""
    cells = {
        "n": {i: ExactCount(i % 3) for i in range(300)},
        "rate": {i: ExactRate(i % 2, 1 + i % 2) for i in range(300)},
        "mean": {i: ExactSum(9.5 * (i % 3), i % 3, 1.0, 10.0) for i in range(300)},
    }
    release = release_private(cells, DifferentialPrivacy(0.01, 1.0))  # type: ignore[arg-type]
    _check_ranges(release)
    means = [c.mean for c in release.cells["mean"].values() if isinstance(c, NoisySum)]
    assert any(m == 10.0 for m in means)  # clamped at high
    assert any(m == 1.0 for m in means)  # and at low


def test_empty_partitions_cost_nothing() -> None:
    """A partition without cells takes no share of ε; a release without any cell is refused."""
    options = DifferentialPrivacy(1.0, 10.0)
    release = release_private({"empty": {}, "p": {"a": ExactCount(4)}}, options)
    assert dict(release.epsilon_by_partition) == pytest.approx({"empty": 0.0, "p": 1.0})
    for nothing in ({}, {"empty": {}}):
        with pytest.raises(SchemaError, match=r"aggregates: holds no cells"):
            release_private(nothing, options)


# -- without OpenDP -------------------------------------------------------------------------------

SRC = Path(__file__).resolve().parents[2] / "src"


def test_without_opendp_a_release_asks_for_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """With opendp unimportable, the release raises ImportError naming `sparkus[dp]`."""
    monkeypatch.setitem(sys.modules, "opendp", None)
    monkeypatch.setitem(sys.modules, "opendp.prelude", None)
    options = DifferentialPrivacy(1.0, 2.0)
    with pytest.raises(ImportError, match=r"pip install 'sparkus\[dp\]'"):
        release_private({"p": {"a": ExactCount(3)}}, options)


def test_the_engine_imports_and_keeps_its_ledger_without_opendp() -> None:
    """In a fresh interpreter without opendp: the modules import, options and ledgers work."""
    code = (
        "import sys; sys.modules['opendp'] = None\n"
        "from sparkus.privacy import DifferentialPrivacy, ExactCount, PrivacyLedger\n"
        "from sparkus.privacy import release_private\n"
        "options = DifferentialPrivacy(1.0, 2.0)\n"
        "ledger = PrivacyLedger(2.0).charge(1.0, 'a')\n"
        "try:\n"
        "    release_private({'p': {'a': ExactCount(3)}}, options, ledger=ledger)\n"
        "except ImportError as e:\n"
        "    print('refused:', e)\n"
        "print('opendp' in sys.modules and sys.modules['opendp'] is not None)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={"PYTHONPATH": str(SRC)}, check=True, timeout=60)  # fmt: skip
    assert "refused: the differentially private release mode needs OpenDP" in done.stdout
    assert "sparkus[dp]" in done.stdout
    assert done.stdout.strip().endswith("False")


def test_opendp_features_are_left_as_they_were() -> None:
    """The release enables OpenDP's 'contrib' only while it builds, and restores the setting."""
    import opendp.mod
    import opendp.prelude as dp

    was = "contrib" in opendp.mod.GLOBAL_FEATURES
    try:
        dp.disable_features("contrib")
        release_private({"p": {"a": ExactCount(3)}}, DifferentialPrivacy(1.0, 2.0))
        assert "contrib" not in opendp.mod.GLOBAL_FEATURES
        dp.enable_features("contrib")
        release_private({"p": {"a": ExactCount(3)}}, DifferentialPrivacy(1.0, 2.0))
        assert "contrib" in opendp.mod.GLOBAL_FEATURES
    finally:
        (dp.enable_features if was else dp.disable_features)("contrib")
