"""Tests of sparkus.metrics.fixed_effect and random_effects: metafor, statsmodels, invariants."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sparkus import EstimationError, SchemaError
from sparkus.metrics import MetaAnalysis, fixed_effect, random_effects

from . import exact

# The BCG vaccine trials (Colditz et al. 1994), metafor's `dat.bcg`, as printed in the metafor
# README (github.com/wviechtb/metafor, README.md): TB cases and non-cases, vaccinated and not.
TPOS = np.array([4, 6, 3, 62, 33, 180, 8, 505, 29, 17, 186, 5, 27])
TNEG = np.array([119, 300, 228, 13536, 5036, 1361, 2537, 87886, 7470, 1699, 50448, 2493, 16886])
CPOS = np.array([11, 29, 11, 248, 47, 372, 10, 499, 45, 65, 141, 3, 29])
CNEG = np.array([128, 274, 209, 12619, 5761, 1079, 619, 87892, 7232, 1600, 27197, 2338, 17825])
# log risk ratios and their variances: metafor's escalc(measure="RR", ai=tpos, bi=tneg,
# ci=cpos, di=cneg, data=dat.bcg)
YI = np.log((TPOS / (TPOS + TNEG)) / (CPOS / (CPOS + CNEG)))
VI = 1 / TPOS - 1 / (TPOS + TNEG) + 1 / CPOS - 1 / (CPOS + CNEG)

# metafor prints four decimals: agreement to half a unit in the last place
FOUR = 5e-5


def test_effect_sizes_are_metafors():
    """The log risk ratios and variances match escalc's printed values (metafor README)."""
    assert YI[:3] == pytest.approx([-0.8893, -1.5854, -1.3481], abs=FOUR)
    assert VI[:3] == pytest.approx([0.3256, 0.1946, 0.4154], abs=FOUR)


def test_fixed_effect_matches_metafor():
    """FE on dat.bcg: metafor's rma(yi, vi, method="FE"), checked there against Stata metan."""
    # metafor tests/testthat/test_misc_metan_vs_rma.uni_with_dat.bcg.r, "FE model, measure='RR'"
    result = fixed_effect(YI, VI)
    assert result.estimate == pytest.approx(-0.4303, abs=FOUR)
    assert result.ci == pytest.approx((-0.5097, -0.3509), abs=FOUR)
    assert result.statistic == pytest.approx(-10.6247, abs=FOUR)
    assert result.q == pytest.approx(152.2330, abs=FOUR)
    assert result.tau2 == 0.0
    assert result.prediction_interval is None
    assert result.df is None


def test_dersimonian_laird_matches_metafor():
    """DL on dat.bcg: metafor's rma(yi, vi, method="DL")."""
    # metafor tests/testthat/test_misc_metan_vs_rma.uni_with_dat.bcg.r, "RE model w/ DL
    # estimator, measure='RR'": beta -0.7141, ci -1.0644 -0.3638, zval -3.9952, tau2 0.3088,
    # I2 92.1173 (%)
    result = random_effects(YI, VI, method="DL")
    assert result.estimate == pytest.approx(-0.7141, abs=FOUR)
    assert result.se == pytest.approx(0.1787, abs=FOUR)
    assert result.ci == pytest.approx((-1.0644, -0.3638), abs=FOUR)
    assert result.statistic == pytest.approx(-3.9952, abs=FOUR)
    assert result.tau2 == pytest.approx(0.3088, abs=FOUR)
    assert 100 * result.i2 == pytest.approx(92.1173, abs=FOUR)
    assert result.method == "random effects (DL)"


def test_reml_matches_metafor():
    """REML on dat.bcg: metafor's rma(yi, vi) (Viechtbauer 2010), its default."""
    # metafor 4.x output of rma(yi, vi, data=dat) for dat.bcg (REML): tau^2 0.3132, I^2 92.22%,
    # H^2 12.86, Q(df = 12) = 152.2330; estimate -0.7145, se 0.1798, zval -3.9744,
    # ci -1.0669 -0.3622
    result = random_effects(YI, VI)
    assert result.estimate == pytest.approx(-0.7145, abs=FOUR)
    assert result.se == pytest.approx(0.1798, abs=FOUR)
    assert result.statistic == pytest.approx(-3.9744, abs=FOUR)
    assert result.ci == pytest.approx((-1.0669, -0.3622), abs=FOUR)
    assert result.tau2 == pytest.approx(0.3132, abs=FOUR)
    assert 100 * result.i2 == pytest.approx(92.22, abs=0.005)
    assert result.h2 == pytest.approx(12.86, abs=0.005)
    assert result.q == pytest.approx(152.2330, abs=FOUR)
    assert result.k == 13


def test_reml_solves_the_score_equation():
    """At the REML estimate, the restricted likelihood's derivative in tau² is zero."""
    tau2 = random_effects(YI, VI).tau2
    w = 1 / (VI + tau2)
    mu = np.sum(w * YI) / np.sum(w)
    score = np.sum((w * (YI - mu)) ** 2) - (np.sum(w) - np.sum(w**2) / np.sum(w))
    assert score == pytest.approx(0.0, abs=1e-9)


def test_reml_where_fisher_scoring_oscillates():
    """REML converges where plain Fisher scoring from DL oscillates; it maximises the likelihood."""
    from scipy.optimize import minimize_scalar

    y = np.array([0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 1.0])
    v = np.array([2.0, 1.0, 1.0, 2.0, 0.125, 1.0, 1.0])

    def minus_loglik(tau2):
        w = 1 / (v + tau2)
        mu = np.sum(w * y) / np.sum(w)
        return 0.5 * (np.sum(np.log(v + tau2)) + np.log(np.sum(w)) + np.sum(w * (y - mu) ** 2))

    best = minimize_scalar(minus_loglik, bounds=(0.0, 5.0), method="bounded",
                           options={"xatol": 1e-10})  # fmt: skip
    assert random_effects(y, v).tau2 == pytest.approx(best.x, abs=1e-6)


def test_hartung_knapp_matches_metafor():
    """REML with Hartung-Knapp on dat.bcg: metafor's rma(yi, vi, test="knha")."""
    # metafor README (github.com/wviechtb/metafor), rma(yi, vi, data=dat, test="knha"):
    # estimate -0.7145, se 0.1808, tval -3.9522, df 12, pval 0.0019, ci -1.1084 -0.3206
    result = random_effects(YI, VI, hartung_knapp=True)
    assert result.estimate == pytest.approx(-0.7145, abs=FOUR)
    assert result.se == pytest.approx(0.1808, abs=FOUR)
    assert result.statistic == pytest.approx(-3.9522, abs=FOUR)
    assert result.df == 12
    assert result.pvalue == pytest.approx(0.0019, abs=FOUR)
    assert result.ci == pytest.approx((-1.1084, -0.3206), abs=FOUR)
    assert result.method == "random effects (REML), Hartung-Knapp"


def test_hartung_knapp_closed_form():
    """The Hartung-Knapp SE is sqrt(sum w (y - mu)² / ((k - 1) sum w))."""
    from scipy import stats

    result = random_effects(YI, VI, method="DL", hartung_knapp=True)
    w = 1 / (VI + result.tau2)
    mu = np.sum(w * YI) / np.sum(w)
    se = math.sqrt(np.sum(w * (YI - mu) ** 2) / (12 * np.sum(w)))
    assert result.se == pytest.approx(se, rel=1e-12)
    q = stats.t.ppf(0.975, 12)
    assert result.ci == pytest.approx((mu - q * se, mu + q * se), rel=1e-12)


def test_prediction_interval_closed_form_and_metafor():
    """The prediction interval is mu ± t(k-2) sqrt(tau² + se²) (Higgins et al. 2009)."""
    from scipy import stats

    result = random_effects(YI, VI)
    half = stats.t.ppf(0.975, 11) * math.sqrt(result.tau2 + result.se**2)
    assert result.prediction_interval == pytest.approx(
        (result.estimate - half, result.estimate + half), rel=1e-12
    )
    # metafor's predict(rma(yi, vi, test="knha"), transf=exp) uses t(k-1) instead and prints
    # pi.lb 0.14, pi.ub 1.76 (metafor README); the same inputs under that rule agree
    knha = random_effects(YI, VI, hartung_knapp=True)
    half = stats.t.ppf(0.975, 12) * math.sqrt(knha.tau2 + knha.se**2)
    assert math.exp(knha.estimate - half) == pytest.approx(0.14, abs=0.005)
    assert math.exp(knha.estimate + half) == pytest.approx(1.76, abs=0.005)


def test_matches_pinned_statsmodels():
    """FE, DL and DL with Hartung-Knapp equal statsmodels' combine_effects, pinned."""
    # statsmodels 0.15.0: res = combine_effects(YI, VI, method_re="dl"); res.mean_effect_fe,
    # res.sd_eff_w_fe, res.mean_effect_re, res.sd_eff_w_re, res.tau2, res.q, res.i2, and
    # res.conf_int()[0] (FE) and [1] (RE)
    fe = fixed_effect(YI, VI)
    assert fe.estimate == pytest.approx(-0.43028516365409053, rel=1e-10)
    assert fe.se == pytest.approx(0.04049875171086381, rel=1e-10)
    assert fe.ci == pytest.approx((-0.5096612584262135, -0.35090906888196755), rel=1e-10)
    assert fe.q == pytest.approx(152.23300808237337, rel=1e-10)
    assert fe.i2 == pytest.approx(0.9211734685456205, rel=1e-10)
    dl = random_effects(YI, VI, method="DL")
    assert dl.estimate == pytest.approx(-0.7141172220732269, rel=1e-10)
    assert dl.se == pytest.approx(0.17874208953540316, rel=1e-10)
    assert dl.tau2 == pytest.approx(0.30876026286237634, rel=1e-10)
    assert dl.i2 == pytest.approx(0.9211734685456205, rel=1e-10)
    assert dl.ci == pytest.approx((-1.064445280084051, -0.36378916406240297), rel=1e-10)
    # combine_effects(YI, VI, method_re="dl", use_t=True): res.sd_eff_w_re_hksj and
    # res.conf_int()[3] (random effects, WLS scale, i.e. Hartung-Knapp-Sidik-Jonkman)
    hk = random_effects(YI, VI, method="DL", hartung_knapp=True)
    assert hk.se == pytest.approx(0.18069662833554745, rel=1e-10)
    assert hk.ci == pytest.approx((-1.1078213541683288, -0.3204130899781251), rel=1e-10)


def test_matches_live_statsmodels():
    """A live comparison with statsmodels on other data agrees to 1e-10."""
    from statsmodels.stats.meta_analysis import combine_effects

    rng = np.random.default_rng(3)
    y, v = rng.normal(0.4, 0.3, 9), rng.uniform(0.01, 0.08, 9)
    theirs = combine_effects(y, v, method_re="dl")
    ours = random_effects(y, v, method="DL")
    assert ours.estimate == pytest.approx(float(theirs.mean_effect_re), rel=1e-10)
    assert ours.se == pytest.approx(float(theirs.sd_eff_w_re), rel=1e-10)
    assert ours.tau2 == pytest.approx(float(theirs.tau2), rel=1e-10, abs=1e-14)


def test_per_study_results():
    """Study intervals are normal; weights sum to one and follow 1 / (v + tau²)."""
    result = random_effects(YI, VI, labels=[f"trial {i}" for i in range(1, 14)])
    assert result.labels[0] == "trial 1"
    assert result.study_ci[:, 0] == pytest.approx(YI - 1.959963984540054 * np.sqrt(VI))
    assert result.weights.sum() == pytest.approx(1.0)
    w = 1 / (VI + result.tau2)
    assert result.weights == pytest.approx(w / w.sum())
    assert not result.weights.flags.writeable


def test_homogeneous_studies_give_zero_tau2():
    """Studies that agree more than chance allows give tau² = 0 and I² = 0: RE equals FE."""
    y, v = [0.30, 0.31, 0.29, 0.30], [0.02, 0.03, 0.025, 0.02]
    for method in ("DL", "REML"):
        result = random_effects(y, v, method=method)
        assert result.tau2 == 0.0
        assert result.i2 == 0.0
        assert result.estimate == pytest.approx(fixed_effect(y, v).estimate, rel=1e-12)


def test_two_studies_have_no_prediction_interval():
    """With two studies there is no t(k-2) prediction interval."""
    result = random_effects([0.2, 0.5], [0.01, 0.02])
    assert result.prediction_interval is None
    assert "prediction" not in result.summary()


def test_result_reports():
    """One-line repr, a summary with a row per study, a JSON-ready dict and HTML."""
    result = random_effects(YI, VI)
    assert isinstance(result, MetaAnalysis)
    assert repr(result) == (
        "MetaAnalysis(k=13, estimate=-0.7145, 95% CI [-1.067, -0.3622], tau2=0.3132, "
        "I2=92.2%, random effects (REML))"
    )
    text = result.summary()
    assert "study 13" in text
    assert "92.22%" in text
    data = result.to_dict()
    assert len(data["effects"]) == 13
    assert data["prediction_interval"][0] < data["ci"][0]
    assert "<table>" in result._repr_html_()


# -- invariants ---------------------------------------------------------------------------------

studies = (
    st.integers(3, 12)
    .flatmap(
        lambda k: st.tuples(
            st.lists(st.floats(-3, 3, allow_nan=False), min_size=k, max_size=k),
            st.lists(st.floats(0.001, 2.0, allow_nan=False), min_size=k, max_size=k),
        )
    )
    .filter(lambda d: np.ptp(d[0]) > 1e-6)
)  # identical effects: no Hartung-Knapp SE (tested below)
methods = st.sampled_from(["DL", "REML"])


@given(studies, methods, st.booleans(), st.randoms(use_true_random=False))
def test_invariant_to_study_order(data, method, hk, random):
    """Estimates do not depend on the order of the studies."""
    y, v = data
    order = list(range(len(y)))
    random.shuffle(order)
    a = random_effects(y, v, method=method, hartung_knapp=hk)
    b = random_effects([y[i] for i in order], [v[i] for i in order], method=method,
                       hartung_knapp=hk)  # fmt: skip
    assert b.estimate == pytest.approx(a.estimate, rel=1e-9, abs=1e-9)
    assert b.se == pytest.approx(a.se, rel=1e-9, abs=1e-12)
    assert b.tau2 == pytest.approx(a.tau2, rel=1e-7, abs=1e-10)
    assert b.q == pytest.approx(a.q, rel=1e-9, abs=1e-9)


@given(studies, methods, st.floats(-5, 5), st.floats(0.2, 5))
def test_location_scale_equivariance(data, method, shift, scale):
    """Effects a + b y with variances b² v give estimate a + b mu and tau² b² tau²; I² stays."""
    y, v = np.array(data[0]), np.array(data[1])
    a = random_effects(y, v, method=method)
    b = random_effects(shift + scale * y, scale**2 * v, method=method)
    assert b.estimate == pytest.approx(shift + scale * a.estimate, rel=1e-8, abs=1e-8)
    assert b.se == pytest.approx(scale * a.se, rel=1e-8)
    assert b.tau2 == pytest.approx(scale**2 * a.tau2, rel=1e-6, abs=1e-9)
    assert b.i2 == pytest.approx(a.i2, rel=1e-6, abs=1e-8)


@given(studies, methods, st.booleans())
def test_intervals_contain_the_estimate(data, method, hk):
    """The CI contains the estimate and the prediction interval contains the CI."""
    result = random_effects(*data, method=method, hartung_knapp=hk)
    assert result.ci.low <= result.estimate <= result.ci.high
    pi = result.prediction_interval
    assert pi is not None
    assert pi.low <= result.ci.low
    assert result.ci.high <= pi.high
    assert 0.0 <= result.i2 < 1.0
    assert result.tau2 >= 0.0


# -- bad input ----------------------------------------------------------------------------------


def test_negative_variances_are_named():
    """A negative or zero variance is an EstimationError naming the studies."""
    with pytest.raises(EstimationError, match=r"got -0.1, 0 in rows 1 and 3"):
        random_effects([0.1, 0.2, 0.3, 0.4], [0.01, -0.1, 0.02, 0.0])


def test_identical_effects_have_no_hartung_knapp_se():
    """Identical effects leave the Hartung-Knapp SE at zero: an EstimationError."""
    with pytest.raises(EstimationError, match="Hartung-Knapp standard error is zero"):
        random_effects([0.2, 0.2, 0.2], [0.01, 0.02, 0.03], hartung_knapp=True)
    assert random_effects([0.2, 0.2, 0.2], [0.01, 0.02, 0.03]).se > 0
    # where the weighted mean rounds an ulp away from the effects, the spread around it had
    # been rounding noise: SE 8e-18, p = 1e-48 for four identical effects
    for effect, k in ((0.1, 4), (0.3, 4), (1 / 3, 6), (0.7, 6), (0.2, 7)):
        with pytest.raises(EstimationError, match="Hartung-Knapp standard error is zero"):
            random_effects([effect] * k, [0.1 * (i + 1) for i in range(k)], hartung_knapp=True)


def test_lengths_must_match():
    """Effects and variances of different lengths are an EstimationError."""
    with pytest.raises(EstimationError, match="differ in length"):
        fixed_effect([0.1, 0.2, 0.3], [0.01, 0.02])


def test_one_study_is_not_enough():
    """A single study is an EstimationError."""
    with pytest.raises(EstimationError, match="at least two studies"):
        random_effects([0.3], [0.01])


def test_missing_values_are_named():
    """NaN in the effects is an EstimationError naming the row."""
    with pytest.raises(EstimationError, match="row 2"):
        fixed_effect([0.1, 0.2, float("nan")], [0.01, 0.02, 0.03])


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"method": "PM"}, "method"),
        ({"labels": ["a", "b"]}, "labels"),
        ({"labels": "abc"}, "labels"),
        ({"level": 1.5}, "level"),
        ({"hartung_knapp": "yes"}, "hartung_knapp"),
    ],
)
def test_bad_options_are_schema_errors(kwargs, field):
    """Each malformed option is a SchemaError naming it."""
    with pytest.raises(SchemaError) as info:
        random_effects([0.1, 0.2, 0.3], [0.01, 0.02, 0.03], **kwargs)
    assert info.value.problems[0].path == (field,)


# -- the edge of the float range ----------------------------------------------------------------


def _exact_dl(effects, variances):
    """DerSimonian-Laird in rational arithmetic: mu, Q, tau², s², I², H² (metafor's formulas)."""
    y = [Fraction(float(e)) for e in effects]
    w = [1 / Fraction(float(v)) for v in variances]
    k = len(y)
    sw = sum(w)
    mu = sum(wi * yi for wi, yi in zip(w, y, strict=True)) / sw
    q = sum(wi * (yi - mu) ** 2 for wi, yi in zip(w, y, strict=True))
    c = sw - sum(wi * wi for wi in w) / sw
    tau2 = max(Fraction(0), (q - (k - 1)) / c)
    s2 = (k - 1) * sw / (sw * sw - sum(wi * wi for wi in w))
    return {"q": q, "tau2": tau2, "i2": tau2 / (tau2 + s2), "h2": (tau2 + s2) / s2}


@pytest.mark.parametrize(
    ("effects", "variances"),
    [
        ([1.0, 2.0, 3.0], [1e300, 1e305, 1e307]),  # h² was NaN: Σw² underflowed
        ([1e150, -3e150, 2e150], [1e300, 4e300, 9e299]),
        ([1e-160, 3e-160, -2e-160, 5e-160], [1e-310, 2e-311, 3e-310, 4e-320]),  # subnormal
        ([0.1, 0.4, 0.2], [1e-300, 1e-10, 1e300]),  # weights 1e600 apart
    ],
)
def test_dersimonian_laird_is_exact_across_the_float_range(effects, variances):
    """Huge, tiny and wildly unequal variances give the exact Q, τ², I² and H², never NaN."""
    result = random_effects(effects, variances, method="DL")
    expected = _exact_dl(effects, variances)
    for name in ("q", "tau2", "i2", "h2"):
        value = getattr(result, name)
        assert math.isfinite(value), name
        assert value == pytest.approx(float(expected[name]), rel=1e-9, abs=1e-300), name
    for field in ("estimate", "se", "statistic", "pvalue", "q_pvalue"):
        assert math.isfinite(getattr(result, field)), field
    assert np.isfinite(result.study_ci).all()
    assert np.isfinite(result.weights).all()


def test_reml_with_huge_variances_solves_its_score_exactly():
    """REML's τ² on variances near 1e305 is a root of the exact score (or 0 where it is
    negative), and every reported number is finite."""
    effects, variances = [1e152, -2e152, 3e152, 0.5e152], [1e304, 2e305, 1e305, 4e304]
    result = random_effects(effects, variances)
    assert all(math.isfinite(v) for v in (result.tau2, result.i2, result.h2, result.se))
    y = [Fraction(e) for e in effects]
    v = [Fraction(x) for x in variances]

    def score(tau2):
        w = [1 / (vi + tau2) for vi in v]
        mu = sum(wi * yi for wi, yi in zip(w, y, strict=True)) / sum(w)
        first = sum((wi * (yi - mu)) ** 2 for wi, yi in zip(w, y, strict=True))
        return first - (sum(w) - sum(wi * wi for wi in w) / sum(w))

    tau2 = Fraction(result.tau2)
    scale = float(sum(1 / vi for vi in v)) ** 2 * 1e-9  # the score's terms are of order Σw²
    if tau2 == 0:
        assert score(Fraction(0)) <= 0
    else:
        assert abs(float(score(tau2))) / scale < 1e-3
        assert score(tau2 * Fraction(99, 100)) > 0 > score(tau2 * Fraction(101, 100))


def test_fixed_effect_with_huge_and_tiny_variances():
    """The inverse-variance mean of studies with variances 1e-300 and 1e300 is exact."""
    effects, variances = [0.1, 0.4, 0.2], [1e-300, 1e-10, 1e300]
    result = fixed_effect(effects, variances)
    w = [1 / Fraction(x) for x in variances]
    mu = sum(wi * Fraction(e) for wi, e in zip(w, effects, strict=True)) / sum(w)
    assert result.estimate == pytest.approx(float(mu), rel=1e-12)
    assert result.se == pytest.approx(exact.sqrt(1 / sum(w)), rel=1e-12)
    assert math.isfinite(result.h2)


def test_results_beyond_the_float_range_are_refused_with_the_range():
    """A z statistic or a Q beyond 1.8e308 is an EstimationError that says the range."""
    with pytest.raises(EstimationError, match=r"test statistic.*1\.8e308"):
        fixed_effect([1e308, 1e308], [1e-300, 1e-300])
    with pytest.raises(EstimationError, match=r"Q.*1\.8e308"):
        fixed_effect([1e308, -1e308], [1e-300, 1e-300])
    huge = fixed_effect([1.7e308, 1.6e308], [1e308, 1e308])  # fits: finite everywhere
    assert np.isfinite(huge.study_ci).all()


@given(
    st.lists(st.floats(-1e308, 1e308, allow_nan=False), min_size=2, max_size=6),
    st.lists(st.floats(5e-324, 1e308, allow_nan=False), min_size=6, max_size=6),
    st.sampled_from(["DL", "REML"]),
    st.booleans(),
)
def test_meta_analysis_over_the_float_range(effects, variances, method, hk):
    """Any finite effects and positive variances give finite results or an EstimationError."""
    variances = variances[: len(effects)]
    try:
        result = random_effects(effects, variances, method=method, hartung_knapp=hk)
    except EstimationError:
        return
    numbers = [result.estimate, result.se, *result.ci, result.statistic, result.pvalue, result.q,
               result.q_pvalue, result.i2, result.h2, result.tau2]  # fmt: skip
    assert all(math.isfinite(x) for x in numbers)
    assert 0.0 <= result.i2 <= 1.0
    assert result.h2 >= 1.0 - 1e-12
    assert np.isfinite(result.study_ci).all()
    assert result.weights.sum() == pytest.approx(1.0)
