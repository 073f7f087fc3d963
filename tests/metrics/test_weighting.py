"""Tests of the propensity model, IPW, AIPW and the overlap diagnostics.

Provenance of the pinned values: statsmodels 0.15.0 (numpy 2.4.6, scipy 1.17.1, Python 3.11) on
``weighting_data()`` below, with ``Z = sm.add_constant(np.column_stack([x1, x2]))``:

- ``res = sm.Logit(t, Z).fit(disp=0, tol=1e-12, maxiter=100)``: ``res.params``;
- ``effects = TreatmentEffect(sm.OLS(y, Z), t, results_select=res)`` (from
  ``statsmodels.treatment.treatment_effects``): ``effects.ipw()``, ``effects.ipw(effect_group=1)`` and
  ``effects.aipw()``, each ``.effect[0]`` (the ATE or ATT) and ``.sd[0]`` (its standard error).

statsmodels' IPW standard error is the GMM sandwich of the stacked estimating equations, the
same as sparkus' M-estimation sandwich (statsmodels differentiates numerically, hence the
1e-8 tolerance). Its AIPW standard error stacks the outcome models too, where sparkus uses the
influence function alone; the AIPW standard errors are therefore pinned against the closed
form ``sqrt(sum(phi**2)) / n`` computed with numpy from statsmodels' fitted propensities
(``res.predict()``) and per-group ``sm.OLS(y[g], Z[g]).fit()`` predictions, and compared with
statsmodels' GMM value only to 5%.
"""

import warnings

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from sparkus import EstimationError, NotFittedError, SchemaError, SparkusWarning
from sparkus.metrics import OverlapDiagnostics, PropensityModel, aipw, ipw, overlap


def weighting_data(n=300):
    """Seeded data of the tests' own: selection on x1, heterogeneous effect 0.7 + 0.3 x1."""
    rng = np.random.default_rng(20261127)
    x1 = rng.normal(0.0, 1.0, n)
    x2 = rng.uniform(0.0, 3.0, n)
    p = 1.0 / (1.0 + np.exp(-(-0.4 + 0.6 * x1 + 0.3 * x2)))
    t = (rng.random(n) < p).astype(int)
    y = 1.0 + x1 + 0.5 * x2 + 0.7 * t + 0.3 * t * x1 + rng.normal(0.0, 1.0, n)
    return x1, x2, t, y


X1, X2, T, Y = weighting_data()
X = np.column_stack([X1, X2])

# sm.Logit(t, Z).fit(disp=0, tol=1e-12, maxiter=100).params
LOGIT_PARAMS = (0.20380873444275954, 0.632090270990636, -0.021804829502133288)
# effects.ipw() and effects.ipw(effect_group=1): (.effect[0], .sd[0])
IPW_ATE = (0.7790778939259037, 0.12853094770039922)
IPW_ATT = (0.8140505576979121, 0.13364705146538639)
# effects.aipw(): (.effect[0], .sd[0]); the SE is statsmodels' GMM sandwich
AIPW_ATE_STATSMODELS = (0.8028101768142974, 0.12246755608781315)
# closed form from statsmodels' fits (module docstring): ATE and ATT estimates, IF standard errors
AIPW_ATE_IF = (0.8028101768142974, 0.12425657491500433)
AIPW_ATT_IF = (0.9050301440758258, 0.13643587010148572)
# numpy on the same data: pooled-SD standardised mean differences (before; after ATE weights
# 1/p and 1/(1-p) from res.predict()), and Kish's effective sizes of those weights
SMD_BEFORE = (0.5889569944041776, -0.025960202694062094)
SMD_AFTER_ATE = (-0.0337868342012148, 0.01512938577523526)
ESS_ATE = (147.40476077551304, 120.3735928074203)


# -- the propensity model ----------------------------------------------------------------------


def test_propensity_model_matches_statsmodels_logit():
    """The propensity coefficients equal statsmodels' Logit MLE to 1e-8."""
    model = PropensityModel().fit({"x1": X1, "x2": X2}, T)
    assert_allclose([model.intercept_, *model.coef_], LOGIT_PARAMS, rtol=1e-8)
    assert model.feature_names_in_ == ("x1", "x2")
    assert model.n_features_in_ == 2


def test_propensity_model_live_statsmodels():
    """A live comparison with statsmodels' Logit on other data agrees too."""
    rng = np.random.default_rng(5)
    Xl = rng.normal(size=(500, 3)) * [1.0, 10.0, 0.01] + [0.0, 100.0, 5.0]
    tl = rng.random(500) < 1.0 / (1.0 + np.exp(-(Xl[:, 0] + 0.05 * (Xl[:, 1] - 100.0))))
    theirs = sm.Logit(tl.astype(float), sm.add_constant(Xl)).fit(disp=0, tol=1e-12).params
    model = PropensityModel().fit(Xl, tl)
    assert_allclose([model.intercept_, *model.coef_], theirs, rtol=1e-7)


def test_predict_proba_layout_and_values():
    """predict_proba returns scikit-learn's two columns, P(treated) second, summing to one."""
    model = PropensityModel().fit(X, T)
    proba = model.predict_proba(X[:5])
    assert proba.shape == (5, 2)
    assert_allclose(proba.sum(axis=1), 1.0)
    eta = LOGIT_PARAMS[0] + X[:5] @ LOGIT_PARAMS[1:]
    assert_allclose(proba[:, 1], 1.0 / (1.0 + np.exp(-eta)), rtol=1e-8)


def test_predict_proba_before_fit_and_wrong_columns():
    """predict_proba before fit is NotFittedError; other columns than in fit a SchemaError."""
    with pytest.raises(NotFittedError, match="call fit"):
        PropensityModel().predict_proba(X)
    model = PropensityModel().fit({"x1": X1, "x2": X2}, T)
    with pytest.raises(SchemaError, match="expected 2 columns"):
        model.predict_proba(X1)
    with pytest.raises(SchemaError, match="as in fit"):
        model.predict_proba({"x2": X2, "x1": X1})


def test_propensity_model_large_sample_warm_start():
    """On 150,000 rows (subsample warm start) the fit is still the MLE."""
    rng = np.random.default_rng(8)
    Xl = rng.normal(size=(150_000, 2))
    tl = rng.random(150_000) < 1.0 / (1.0 + np.exp(-(0.3 + Xl @ [0.5, -0.8])))
    theirs = sm.Logit(tl.astype(float), sm.add_constant(Xl)).fit(disp=0, tol=1e-12).params
    model = PropensityModel().fit(Xl, tl)
    assert_allclose([model.intercept_, *model.coef_], theirs, rtol=1e-8)


def test_propensity_model_bad_options():
    """A non-positive tol or max_iter is a SchemaError naming it."""
    with pytest.raises(SchemaError, match="tol"):
        PropensityModel(tol=0.0).fit(X, T)
    with pytest.raises(SchemaError, match="max_iter"):
        PropensityModel(max_iter=0).fit(X, T)
    with pytest.raises(SchemaError, match=r"max_iter.*at most 10,000"):
        PropensityModel(max_iter=10**12).fit(X, T)
    with pytest.raises(SchemaError, match="max_iter"):
        PropensityModel(max_iter=100.0).fit(X, T)


# -- ipw and aipw against statsmodels ----------------------------------------------------------


@pytest.mark.parametrize(("estimand", "pinned"), [("ATE", IPW_ATE), ("ATT", IPW_ATT)])
def test_ipw_matches_statsmodels(estimand, pinned):
    """IPW estimate and stacked standard error equal statsmodels' TreatmentEffect.ipw."""
    result = ipw(Y, T, X, estimand=estimand)
    assert_allclose(result.estimate, pinned[0], rtol=1e-10)
    assert_allclose(result.se, pinned[1], rtol=1e-8)
    assert result.ci_method == "normal"
    assert result.df is None
    assert result.n == len(Y)
    assert_allclose(result.ci, (result.estimate - 1.959963984540054 * result.se,
                                result.estimate + 1.959963984540054 * result.se))  # fmt: skip


def test_aipw_matches_statsmodels_and_closed_form():
    """AIPW ATE equals statsmodels' estimate; its IF standard error equals the closed form."""
    result = aipw(Y, T, X)
    assert_allclose(result.estimate, AIPW_ATE_STATSMODELS[0], rtol=1e-10)
    assert_allclose(result.se, AIPW_ATE_IF[1], rtol=1e-9)
    # the GMM sandwich of statsmodels stacks the nuisance models: close, not equal
    assert_allclose(result.se, AIPW_ATE_STATSMODELS[1], rtol=0.05)


def test_aipw_att_matches_closed_form():
    """AIPW ATT and its IF standard error equal the closed form on statsmodels' fits."""
    result = aipw(Y, T, X, estimand="ATT")
    assert_allclose([result.estimate, result.se], AIPW_ATT_IF, rtol=1e-9)


def test_estimators_recover_known_effect_where_naive_fails():
    """On confounded data with a constant effect, IPW and AIPW cover it, the naive gap does not."""
    rng = np.random.default_rng(11)
    n = 3000
    x = rng.normal(size=n)
    t = rng.random(n) < 1.0 / (1.0 + np.exp(-1.2 * x))
    y = 2.0 * x + 1.0 * t + rng.normal(size=n)
    naive = y[t].mean() - y[~t].mean()
    assert naive > 2.0
    for estimate in (ipw(y, t, x), aipw(y, t, x), aipw(y, t, x, estimand="ATT")):
        assert estimate.ci.low < 1.0 < estimate.ci.high


# -- overlap diagnostics -----------------------------------------------------------------------


def test_overlap_diagnostics_match_closed_form():
    """SMDs before and after ATE weighting and the effective sizes equal numpy's closed form."""
    check = overlap(T, {"x1": X1, "x2": X2})
    assert isinstance(check, OverlapDiagnostics)
    assert check.covariates == ("x1", "x2")
    assert check.smd_before.dtype == np.float64
    assert_allclose(check.smd_before, SMD_BEFORE, rtol=1e-10)
    assert_allclose(check.smd_after, SMD_AFTER_ATE, rtol=1e-7)
    assert_allclose((check.ess_treated, check.ess_control), ESS_ATE, rtol=1e-8)
    assert (check.n_treated, check.n_control) == (int(T.sum()), int(len(T) - T.sum()))
    assert check.problems == ()
    assert check.trimmed_treated == check.trimmed_control == 0
    assert check.propensity_treated[0] <= check.propensity_treated[1]
    assert "Covariate balance" in check.summary()
    assert check.to_dict()["covariates"] == ["x1", "x2"]


def test_overlap_att_treated_weights_are_one():
    """Under ATT weights the treated keep weight one, so their effective size is their count."""
    check = overlap(T, X, estimand="ATT")
    assert check.ess_treated == pytest.approx(check.n_treated)
    assert check.covariates == ("x1", "x2")


def poor_overlap_data(n=1000):
    """A strong predictor of treatment: extreme propensities on both sides."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=n)
    t = rng.random(n) < 1.0 / (1.0 + np.exp(-5.0 * x))
    y = x + t + rng.normal(size=n)
    return x, t, y


def test_poor_overlap_warns_and_says_why():
    """Extreme propensities and low effective size raise a SparkusWarning naming the reasons."""
    x, t, y = poor_overlap_data()
    with pytest.warns(SparkusWarning, match="weights above 100") as record:
        check = overlap(t, x)
    assert any("poor overlap" in str(w.message) for w in record)
    assert check.problems
    with pytest.warns(SparkusWarning, match="poor overlap"):
        ipw(y, t, x)
    with pytest.warns(SparkusWarning, match="poor overlap"):
        aipw(y, t, x)


def test_trimming_drops_extreme_units_and_reports_them():
    """trim=0.1 drops units outside [0.1, 0.9], refits, and the result says how many."""
    x, t, y = poor_overlap_data()
    full = PropensityModel().fit(x, t).predict_proba(x)[:, 1]
    outside = (full < 0.1) | (full > 0.9)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SparkusWarning)
        check = overlap(t, x, trim=0.1)
        result = ipw(y, t, x, trim=0.1)
    assert check.trimmed_treated + check.trimmed_control == int(outside.sum())
    assert check.trimmed_treated == int((outside & t).sum())
    assert result.n == len(y) - int(outside.sum())
    assert "trimmed" in result.method
    assert check.trim == 0.1


def test_imbalance_after_weighting_is_flagged():
    """A covariate left imbalanced by a misspecified propensity model is named in the warning."""
    rng = np.random.default_rng(2)
    x = rng.normal(size=2000)
    rng.normal(size=2000)
    t = rng.random(2000) < np.where(x > np.log(2.5), 0.85, 0.15)  # a step, not a logistic
    with pytest.warns(SparkusWarning, match=r"SMD\| > 0.1 for `x`"):
        check = overlap(t, {"x": x})
    assert any("SMD" in p for p in check.problems)


# -- bad input ---------------------------------------------------------------------------------


def test_perfect_separation_is_no_overlap():
    """Covariates that split the groups give an EstimationError saying 'no overlap'."""
    x = np.arange(20.0)
    t = x >= 10
    with pytest.raises(EstimationError, match="no overlap"):
        PropensityModel().fit(x, t)
    with pytest.raises(EstimationError, match="no overlap"):
        ipw(x, t, x)


def test_quasi_separation_is_no_overlap():
    """A binary covariate that only treated units have (quasi-separation) is no overlap."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=60)
    flag = np.zeros(60)
    flag[:10] = 1.0
    t = np.where(flag == 1.0, True, rng.random(60) < 0.5)
    with pytest.raises(EstimationError, match="no overlap"):
        aipw(rng.normal(size=60), t, {"x": x, "flag": flag})


def test_singular_design_names_the_columns():
    """Linearly dependent covariates give an EstimationError naming them."""
    with pytest.raises(EstimationError, match=r"`x2` is \(almost\) a linear combination"):
        ipw(Y, T, {"x1": X1, "x2": 2.0 * X1 + 1.0})
    with pytest.raises(EstimationError, match="`c` is constant"):
        overlap(T, {"x1": X1, "c": np.ones_like(X1)})


def test_nan_rows_are_named():
    """A missing covariate or outcome gives an EstimationError naming the rows."""
    bad = X.copy()
    bad[[3, 17], 1] = np.nan
    with pytest.raises(EstimationError, match="rows 3 and 17"):
        ipw(Y, T, bad)
    y = Y.copy()
    y[5] = np.nan
    with pytest.raises(EstimationError, match="row 5"):
        aipw(y, T, X)


def test_empty_group_and_mismatched_lengths():
    """No treated or no control units, or inputs of different lengths, are EstimationErrors."""
    with pytest.raises(EstimationError, match="no treated units"):
        ipw(Y, np.zeros_like(T), X)
    with pytest.raises(EstimationError, match="no control units"):
        overlap(np.ones_like(T), X)
    with pytest.raises(EstimationError, match="differ in length"):
        aipw(Y[:-1], T, X)


def test_trimming_everything_is_an_error():
    """A trim that removes a whole group is an EstimationError."""
    x, t, y = poor_overlap_data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SparkusWarning)
        with pytest.raises(EstimationError, match="drops every"):
            ipw(y, t, x, trim=0.4999)


def test_aipw_small_group_is_an_error():
    """A group smaller than its outcome model needs is an EstimationError naming the group."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(40, 2))
    t = np.zeros(40, dtype=bool)
    t[[0, 5, 9]] = True
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SparkusWarning)
        with pytest.raises(EstimationError, match="treated group has 3 units"):
            aipw(rng.normal(size=40), t, x)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"estimand": "ATC"}, "estimand"), ({"trim": 0.5}, "trim"), ({"trim": 0.0}, "trim"),
     ({"level": 1.0}, "level")],
)  # fmt: skip
def test_bad_options_are_schema_errors(kwargs, match):
    """An unknown estimand, a trim outside (0, 0.5) or a bad level is a SchemaError."""
    with pytest.raises(SchemaError, match=match):
        ipw(Y, T, X, **kwargs)


def test_inputs_are_not_mutated():
    """The caller's arrays are left as they were."""
    y, t, x = Y.copy(), T.copy(), X.copy()
    aipw(y, t, x)
    ipw(y, t, x, estimand="ATT")
    assert np.array_equal(y, Y)
    assert np.array_equal(t, T)
    assert np.array_equal(x, X)


# -- invariants (hypothesis) -------------------------------------------------------------------


@st.composite
def weighting_problems(draw):
    """Small seeded problems with selection on two covariates and a known structure."""
    seed = draw(st.integers(0, 2**32 - 1))
    n = draw(st.integers(60, 150))
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 2))
    t = rng.random(n) < 1.0 / (1.0 + np.exp(-(0.5 * x[:, 0] - 0.3 * x[:, 1])))
    t[:5], t[5:10] = True, False  # both groups, enough units for the outcome models
    y = x @ [1.0, -0.5] + t + rng.normal(size=n)
    return y, t, x, rng.permutation(n)


ESTIMATORS = [(ipw, "ATE"), (ipw, "ATT"), (aipw, "ATE"), (aipw, "ATT")]


def _quiet(func, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SparkusWarning)
        return func(*args, **kwargs)


@given(weighting_problems())
def test_row_order_does_not_matter(problem):
    """Permuting the rows leaves every estimate and standard error unchanged."""
    y, t, x, order = problem
    for func, estimand in ESTIMATORS:
        a = _quiet(func, y, t, x, estimand=estimand)
        b = _quiet(func, y[order], t[order], x[order], estimand=estimand)
        assert_allclose([a.estimate, a.se], [b.estimate, b.se], rtol=1e-7, atol=1e-10)
        assert a.ci.low <= a.estimate <= a.ci.high


@given(weighting_problems(), st.floats(-1e3, 1e3), st.floats(0.01, 100.0))
def test_location_and_scale_equivariance(problem, shift, scale):
    """Shifting y leaves the effect unchanged; scaling y scales the effect and its SE."""
    y, t, x, _ = problem
    for func, estimand in ESTIMATORS:
        base = _quiet(func, y, t, x, estimand=estimand)
        moved = _quiet(func, y + shift, t, x, estimand=estimand)
        scaled = _quiet(func, scale * y, t, x, estimand=estimand)
        tol = 1e-7 * (1.0 + abs(shift)) * (1.0 + np.abs(y).max())
        assert abs(moved.estimate - base.estimate) <= tol
        assert abs(moved.se - base.se) <= tol
        assert_allclose([scaled.estimate, scaled.se], [scale * base.estimate, scale * base.se],
                        rtol=1e-7, atol=1e-10 * scale)  # fmt: skip


@given(weighting_problems())
def test_overlap_smd_sign_flips_with_groups(problem):
    """Swapping treated and control negates the SMDs before weighting (ATE weights: after too)."""
    _, t, x, _ = problem
    a = _quiet(overlap, t, x)
    b = _quiet(overlap, ~t, x)
    assert_allclose(a.smd_before, -b.smd_before, rtol=1e-9, atol=1e-12)
    assert_allclose(a.smd_after, -b.smd_after, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("estimator", [ipw, aipw])
@pytest.mark.parametrize("value", [1.0, -3.5e300, 5e-324])
def test_a_constant_outcome_is_refused(estimator, value):
    """An outcome the same for every unit has no effect to estimate: ipw had reported rounding
    noise (1e-16) over a standard error of rounding noise, p = 1e-41."""
    rng = np.random.default_rng(2)
    X = rng.normal(size=(200, 2))
    t = (rng.random(200) < 1 / (1 + np.exp(-X[:, 0]))).astype(int)
    with pytest.raises(EstimationError, match="same for every unit"):
        estimator(np.full(200, value), t, X)


@pytest.mark.parametrize("estimator", [ipw, aipw])
def test_a_group_of_one_is_refused(estimator):
    """One treated unit has no spread of its own: ipw's standard error left its uncertainty
    out (p = 1.6e-4 with no effect at all). welch_ttest refuses the same data."""
    rng = np.random.default_rng(1)
    pre = rng.normal(size=40)
    treated = np.r_[1, np.zeros(39)].astype(int)
    with pytest.raises(EstimationError, match="has 1 treated unit"):
        estimator(pre + rng.normal(size=40), treated, pre[:, None])
