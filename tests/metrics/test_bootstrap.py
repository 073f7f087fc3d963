"""Tests of sparkus.metrics.bootstrap: scipy's resamples and intervals, clusters, bad input."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sparkus import EstimationError, SchemaError, SparkusWarning
from sparkus.metrics import BootstrapResult, ConfidenceInterval, bootstrap

# Small samples of the tests' own: outcome scores of coached (X) and other (Y) employees.
X = [3.1, 4.7, 2.9, 5.6, 4.4, 3.8, 6.2, 4.1, 3.3, 5.0, 7.9, 4.6]
Y = [2.8, 3.5, 3.1, 2.2, 4.0, 3.6, 2.5, 3.0, 5.9, 3.2]


def mean_difference(x, y, axis=-1):
    return np.mean(x, axis=axis) - np.mean(y, axis=axis)


def _scipy(data, statistic, **kwargs):
    from scipy import stats

    return stats.bootstrap(data, statistic, **kwargs)


# -- agreement with scipy ------------------------------------------------------------------------


def test_bca_matches_pinned_scipy_interval():
    """The BCa interval equals scipy's, pinned, for the same seed (so the same resamples)."""
    # scipy 1.17.1: stats.bootstrap((X, Y), mean_difference, n_resamples=999, method="BCa",
    #               rng=np.random.default_rng(12345)).confidence_interval
    result = bootstrap((X, Y), mean_difference, n_resamples=999, rng=12345)
    assert result.ci.low == pytest.approx(0.35327378872000426, abs=1e-10)
    assert result.ci.high == pytest.approx(2.240215637390471, abs=1e-10)
    # ... .standard_error
    assert result.se == pytest.approx(0.4859346176111283, abs=1e-12)
    assert result.jackknife == "leave-one-out"


def test_percentile_matches_pinned_scipy_interval():
    """The percentile interval equals scipy's, pinned, for the same seed."""
    # scipy 1.17.1: the same call with method="percentile"
    result = bootstrap((X, Y), mean_difference, n_resamples=999, method="percentile", rng=12345)
    assert tuple(result.ci) == pytest.approx((0.31149999999999994, 2.1985833333333336), abs=1e-12)
    assert result.acceleration is None
    assert result.bias_correction is None


def test_paired_and_unvectorised_match_pinned_scipy_intervals():
    """Paired resampling and a statistic without `axis` give scipy's pinned intervals."""
    # scipy 1.17.1: stats.bootstrap((X[:10], Y), mean_difference, n_resamples=999,
    #               method="BCa", paired=True, rng=np.random.default_rng(12345))
    paired = bootstrap((X[:10], Y), mean_difference, n_resamples=999, paired=True, rng=12345)
    assert tuple(paired.ci) == pytest.approx((-0.11288801757465407, 1.9081813900321), abs=1e-10)
    # scipy 1.17.1: stats.bootstrap((X,), np.median, n_resamples=999, method="BCa",
    #               vectorized=False, rng=np.random.default_rng(12345))
    median = bootstrap((X,), np.median, n_resamples=999, vectorized=False, rng=12345)
    assert tuple(median.ci) == pytest.approx((3.55, 5.3), abs=1e-10)


@pytest.mark.parametrize("paired", [False, True])
@pytest.mark.parametrize("batch", [None, 37])
def test_live_scipy_same_distribution_and_interval(paired, batch):
    """With the same seed and batch, the bootstrap distribution and BCa interval are scipy's."""
    rng = np.random.default_rng(4)
    x, y = rng.gamma(2.0, 1.0, 45), rng.gamma(2.6, 1.0, 45 if paired else 33)
    ours = bootstrap((x, y), mean_difference, n_resamples=500, paired=paired, batch=batch, rng=9)
    theirs = _scipy((x, y), mean_difference, n_resamples=500, method="BCa", paired=paired,
                    batch=batch, rng=np.random.default_rng(9))  # fmt: skip
    np.testing.assert_array_equal(ours.bootstrap_distribution, theirs.bootstrap_distribution)
    assert tuple(ours.ci) == pytest.approx(tuple(theirs.confidence_interval), abs=1e-10)
    assert ours.se == pytest.approx(float(theirs.standard_error), rel=1e-12)


def test_acceleration_of_the_mean_is_the_closed_form():
    """For the mean, the jackknife acceleration is sum(d^3) / (6 sum(d^2)^1.5), d = x - mean."""
    # Efron & Tibshirani (1993), eq. 14.15 with the jackknife values of the mean
    x = np.array(X)
    d = x - x.mean()
    expected = np.sum(d**3) / (6.0 * np.sum(d**2) ** 1.5)
    result = bootstrap((x,), np.mean, n_resamples=200, rng=0)
    assert result.acceleration == pytest.approx(expected, rel=1e-10)


def test_grouped_jackknife_is_exact_with_one_unit_per_group_and_close_otherwise():
    """jackknife_groups >= n is the exact jackknife; fewer groups give a close interval."""
    rng = np.random.default_rng(11)
    x, y = rng.lognormal(0.0, 0.8, 3000), rng.lognormal(0.1, 0.8, 2500)
    exact = bootstrap((x, y), mean_difference, n_resamples=400, rng=5)
    same = bootstrap((x, y), mean_difference, n_resamples=400, rng=5, jackknife_groups=3000)
    grouped = bootstrap((x, y), mean_difference, n_resamples=400, rng=5, jackknife_groups=200)
    assert same.ci == exact.ci
    assert grouped.jackknife == "grouped (200 groups)"
    np.testing.assert_array_equal(grouped.bootstrap_distribution, exact.bootstrap_distribution)
    width = exact.ci.high - exact.ci.low
    assert abs(grouped.ci.low - exact.ci.low) < 0.02 * width
    assert abs(grouped.ci.high - exact.ci.high) < 0.02 * width


def test_other_levels_from_the_same_resamples():
    """confidence_interval(level) recomputes from the stored resamples; 0.95 gives ci again."""
    result = bootstrap((X, Y), mean_difference, n_resamples=999, rng=12345)
    assert result.confidence_interval(0.95) == result.ci
    low, high = result.confidence_interval(0.5)
    assert result.ci.low < low < high < result.ci.high
    narrow = bootstrap((X, Y), mean_difference, n_resamples=999, rng=12345, level=0.5)
    assert narrow.ci == pytest.approx((low, high), abs=1e-12)


# -- clusters ------------------------------------------------------------------------------------


def test_singleton_clusters_are_the_ordinary_bootstrap():
    """With one row per cluster (labelled in row order), the cluster bootstrap is the ordinary one."""
    x = np.array(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SparkusWarning)  # 12 clusters: few, on purpose
        clustered = bootstrap((x,), np.mean, n_resamples=300, clusters=np.arange(12), rng=2)
    plain = bootstrap((x,), np.mean, n_resamples=300, rng=2)
    np.testing.assert_array_equal(clustered.bootstrap_distribution, plain.bootstrap_distribution)
    assert clustered.ci == plain.ci
    assert clustered.n_clusters == 12
    assert clustered.jackknife == "leave-one-cluster-out"


@pytest.mark.parametrize("sizes", [[3] * 40, [1, 2, 3, 4, 5, 6, 7, 8] * 5])
def test_clusters_are_resampled_whole(sizes):
    """Every resample holds whole clusters: each label appears a multiple of its size times."""
    labels = np.repeat(np.arange(len(sizes)), sizes)
    size_of = dict(enumerate(sizes))
    broken: list[int] = []

    def statistic(values):
        counts = np.bincount(values.astype(int), minlength=len(sizes))
        broken.extend(g for g, c in enumerate(counts) if c % size_of[g])
        return float(np.mean(values))

    bootstrap((labels.astype(float),), statistic, n_resamples=50, clusters=labels, rng=1)
    assert broken == []


def test_cluster_bootstrap_of_paired_columns_compares_groups():
    """Paired columns with clusters: a statistic splits them; unequal clusters run one by one."""
    rng = np.random.default_rng(8)
    team = rng.integers(0, 35, 300)
    treated = (team % 2).astype(float)
    y = rng.normal(0, 0.3, 35)[team] + 0.5 * treated + rng.normal(0, 1, 300)

    def effect(y, t, axis=-1):
        t = t.astype(bool)
        return np.sum(y * t, axis=axis) / np.sum(t, axis=axis) - np.sum(y * ~t, axis=axis) / np.sum(
            ~t, axis=axis
        )

    result = bootstrap((y, treated), effect, paired=True, clusters=team, n_resamples=300, rng=4)
    assert result.n_clusters == 35
    assert result.ci.low < result.estimate < result.ci.high
    naive = bootstrap((y, treated), effect, paired=True, n_resamples=300, rng=4)
    assert result.se > naive.se  # team effects make the rows of a team alike


def test_few_clusters_warn():
    """Fewer than 30 clusters is a SparkusWarning."""
    with pytest.warns(SparkusWarning, match="only 6 clusters"):
        bootstrap((np.arange(30.0),), np.mean, clusters=np.repeat(np.arange(6), 5),
                  n_resamples=50, rng=0)  # fmt: skip


# -- reproducibility and invariants ---------------------------------------------------------------


def test_same_seed_same_result_and_generator_accepted():
    """A seed reproduces the result exactly; a Generator seeded alike gives the same."""
    a = bootstrap((X, Y), mean_difference, n_resamples=300, rng=3)
    b = bootstrap((X, Y), mean_difference, n_resamples=300, rng=np.random.default_rng(3))
    c = bootstrap((X, Y), mean_difference, n_resamples=300, rng=4)
    np.testing.assert_array_equal(a.bootstrap_distribution, b.bootstrap_distribution)
    assert a.ci == b.ci
    assert not np.array_equal(a.bootstrap_distribution, c.bootstrap_distribution)


samples = st.lists(
    st.floats(-100, 100, allow_nan=False, allow_infinity=False), min_size=4, max_size=30
).filter(lambda v: np.ptp(v) > 1e-3)


@given(samples, st.randoms(use_true_random=False), st.integers(0, 2**32 - 1))
def test_estimate_invariant_to_row_order(values, random, seed):
    """The estimate does not depend on the order of the rows."""
    shuffled = list(values)
    random.shuffle(shuffled)
    a = bootstrap((values,), np.mean, n_resamples=20, method="percentile", rng=seed)
    b = bootstrap((shuffled,), np.mean, n_resamples=20, method="percentile", rng=seed)
    assert a.estimate == pytest.approx(b.estimate, rel=1e-12, abs=1e-9)


@given(samples, st.floats(-50, 50), st.floats(0.1, 10), st.integers(0, 2**32 - 1))
def test_location_scale_equivariance(values, shift, scale, seed):
    """Shifting and scaling the data shifts and scales estimate, interval and SE alike."""
    x = np.array(values)
    a = bootstrap((x,), np.mean, n_resamples=50, method="percentile", rng=seed)
    b = bootstrap((shift + scale * x,), np.mean, n_resamples=50, method="percentile", rng=seed)
    tol = 1e-9 * (1 + abs(shift) + scale * np.max(np.abs(x)))
    assert b.estimate == pytest.approx(shift + scale * a.estimate, abs=tol)
    assert b.ci.low == pytest.approx(shift + scale * a.ci.low, abs=tol)
    assert b.ci.high == pytest.approx(shift + scale * a.ci.high, abs=tol)
    assert b.se == pytest.approx(scale * a.se, abs=tol)


@given(samples, st.integers(0, 2**32 - 1))
def test_percentile_interval_of_the_mean_contains_the_estimate(values, seed):
    """The percentile interval of a mean contains the mean; the interval is ordered."""
    result = bootstrap((values,), np.mean, n_resamples=400, method="percentile", rng=seed)
    assert result.ci.low <= result.estimate <= result.ci.high


@given(samples, st.integers(0, 2**32 - 1))
def test_reproducible_under_a_seed(values, seed):
    """The same seed gives the same bootstrap distribution and interval, bit for bit."""
    a = bootstrap((values,), np.mean, n_resamples=30, rng=seed)
    b = bootstrap((values,), np.mean, n_resamples=30, rng=seed)
    np.testing.assert_array_equal(a.bootstrap_distribution, b.bootstrap_distribution)
    assert a.ci == b.ci


# -- the result object ----------------------------------------------------------------------------


def test_result_reports():
    """The result has a one-line repr, a summary, JSON-ready dict and HTML."""
    result = bootstrap((X, Y), mean_difference, n_resamples=200, rng=1)
    assert isinstance(result, BootstrapResult)
    assert isinstance(result.ci, ConfidenceInterval)
    assert repr(result).startswith("BootstrapResult(n=22, estimate=")
    assert "acceleration a" in result.summary()
    data = result.to_dict()
    assert len(data["bootstrap_distribution"]) == 200
    assert data["n"] == [12, 10]
    assert "<table>" in result._repr_html_()
    assert not result.bootstrap_distribution.flags.writeable


# -- bad input ----------------------------------------------------------------------------------


def test_single_array_instead_of_samples_is_a_schema_error():
    """A bare 1-D array for `data` is refused with the fix: wrap it in a tuple."""
    with pytest.raises(SchemaError, match=r"pass one sample as `\(x,\)`"):
        bootstrap(np.array(X), np.mean)


def test_too_few_observations():
    """A sample with a single observation is an EstimationError naming it."""
    with pytest.raises(EstimationError, match=r"`data\[1\]` has 1 values; at least 2"):
        bootstrap((X, [1.0]), mean_difference)


def test_nan_rows_are_named():
    """Missing values are an EstimationError naming the sample and the rows."""
    bad = list(X)
    bad[3] = float("nan")
    bad[7] = float("nan")
    with pytest.raises(EstimationError, match=r"`data\[0\]` is missing .* rows 3 and 7"):
        bootstrap((bad, Y), mean_difference)


def test_paired_lengths_must_match():
    """paired=True with samples of different lengths is an EstimationError."""
    with pytest.raises(EstimationError, match="differ in length"):
        bootstrap((X, Y), mean_difference, paired=True)


def test_single_cluster():
    """A single cluster is an EstimationError."""
    with pytest.raises(EstimationError, match="single cluster"):
        bootstrap((X,), np.mean, clusters=["a"] * len(X))


def test_clusters_need_one_sample_or_paired():
    """Clusters with two unpaired samples are refused, with what to do instead."""
    with pytest.raises(SchemaError, match="paired=True"):
        bootstrap((X, Y), mean_difference, clusters=np.arange(12))


def test_degenerate_distribution_for_bca():
    """BCa on constant data (every resample equal) is an EstimationError; percentile is not."""
    with pytest.raises(EstimationError, match="degenerate"):
        bootstrap(([2.0] * 10,), np.mean, n_resamples=50, rng=0)
    result = bootstrap(([2.0] * 10,), np.mean, n_resamples=50, rng=0, method="percentile")
    assert result.ci == (2.0, 2.0)


def test_estimate_beyond_every_resample_for_bca():
    """BCa is refused when every resample lies on one side of the estimate (infinite z0)."""

    def distinct(x):
        return float(len(np.unique(x)))  # all 12 values differ; a resample repeats some

    with pytest.raises(EstimationError, match="every resample's statistic lies below"):
        bootstrap((X,), distinct, n_resamples=200, rng=0)


def test_statistic_with_wrong_shape():
    """A vectorised statistic that does not reduce along `axis` is a SchemaError."""
    with pytest.raises(SchemaError, match="one number per resample"):
        bootstrap((X,), lambda x, axis=-1: x, n_resamples=10)


def test_statistic_returning_nan():
    """A statistic that is NaN on some resamples is an EstimationError saying how many."""

    def ratio(x, axis=-1):
        spread = np.ptp(x, axis=axis)
        return np.where(spread > 2.5, spread, np.nan)

    with pytest.raises(EstimationError, match="NaN or infinite on"):
        bootstrap((X,), ratio, n_resamples=200, rng=0)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"method": "basic"}, "method"),
        ({"n_resamples": 1}, "n_resamples"),
        ({"level": 95}, "level"),
        ({"rng": "seed"}, "rng"),
        ({"batch": 0}, "batch"),
        ({"jackknife_groups": 1}, "jackknife_groups"),
        ({"vectorized": "yes"}, "vectorized"),
        ({"paired": 1}, "paired"),
    ],
)
def test_bad_options_are_schema_errors(kwargs, field):
    """Each malformed option is a SchemaError naming it."""
    with pytest.raises(SchemaError) as info:
        bootstrap((X, Y), mean_difference, **kwargs)
    assert info.value.problems[0].path == (field,)


# -- sizes the caller controls ------------------------------------------------------------------

_SMALL = np.linspace(0.0, 1.0, 100)


@pytest.mark.parametrize(
    ("kwargs", "field", "limit"),
    [
        ({"n_resamples": 10**9}, "n_resamples", "10,000,000"),  # was a bare MemoryError
        ({"n_resamples": 1e9}, "n_resamples", "integer"),  # a float is no count
        ({"batch": 10**9}, "batch", "16,777,216"),
        ({"batch": 10**6, "n_resamples": 10**6}, "batch", "16,777,216"),
        ({"jackknife_groups": 10**9}, "jackknife_groups", "100,000"),
    ],
)
def test_sizes_beyond_their_documented_limit_are_refused_before_allocating(kwargs, field, limit):
    """Resamples, batches and jackknife groups past their limits are a SchemaError naming
    the parameter and the limit, raised before any memory is allocated."""
    with pytest.raises(SchemaError, match=rf"{field}.*{limit}"):
        bootstrap((_SMALL,), np.mean, **kwargs)


@pytest.mark.parametrize("k", [-1000, -360, 340, 1000])
def test_bootstrap_is_exactly_equivariant_to_a_power_of_two(k):
    """Data times 2**k give the interval, the SE and the BCa acceleration times 2**k, to the
    bit: the acceleration cubed deviations of 1e103 (overflow) and squared those of 1e-110
    (0/0), and the SE squared 1e-301 to zero."""
    import warnings

    x = np.random.default_rng(5).normal(size=30)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        base = bootstrap([x], np.mean, n_resamples=200, rng=0)
        scaled = bootstrap([np.ldexp(x, k)], np.mean, n_resamples=200, rng=0)
    assert scaled.se == math.ldexp(base.se, k)
    assert tuple(scaled.ci) == tuple(math.ldexp(v, k) for v in base.ci)
