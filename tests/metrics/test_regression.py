"""Tests of OLS, ANCOVA and difference-in-differences against statsmodels.

Provenance of the pinned values: statsmodels 0.15.0 (numpy 2.4.6, scipy 1.17.1, Python 3.11) on
``regression_data()`` below, with ``X = sm.add_constant(np.column_stack([x1, x2, treated]))``:
``sm.OLS(y, X).fit(cov_type=COV)`` for the standard errors (statsmodels' defaults), and
``fit(..., use_t=True)`` for p-values and intervals, which sparkus always bases on t. For
``"CR1"``, ``cov_type="cluster", cov_kwds={"groups": cluster}``. The DiD design is
``add_constant([treated, post, treated*post, x1, x2])``; the ANCOVA design
``add_constant([treated, pre, x2])`` with outcome ``after``.
"""

import json
import warnings

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from sparkus import EstimationError, SchemaError, SparkusWarning
from sparkus.metrics import OLSResult, ancova, did, ols


def regression_data(n=120):
    """Deterministic data of the tests' own: two covariates, a 2x2 design, 30 clusters of 4."""
    i = np.arange(n)
    x1 = 50.0 + 3.0 * np.sin(1.3 * i)
    x2 = np.cos(0.7 * i) + i / n
    treated = (7 * i) % 11 < 5
    post = i % 2 == 1
    cluster = i // 4
    noise = np.sin(3.1 * i + 0.5) * (1.0 + treated) + 0.5 * np.cos(5.3 * i)
    y = 1.0 + 0.5 * treated + 0.2 * post + 0.4 * (treated & post) + 0.3 * x1 + x2 + noise
    pre = 3.0 + np.sin(0.9 * i)
    after = 0.5 + 0.8 * pre + 0.3 * treated + 0.5 * noise
    return {"x1": x1, "x2": x2, "treated": treated, "post": post, "cluster": cluster, "y": y,
            "pre": pre, "after": after}  # fmt: skip


DATA = regression_data()
REGRESSORS = np.column_stack([DATA["x1"], DATA["x2"], DATA["treated"]])

# sm.OLS(y, X).fit().params
PARAMS = (0.6772667294506622, 0.30801945850093915, 1.0010270058469932, 0.7536145890354906)
# sm.OLS(y, X).fit(cov_type=COV).bse
BSE = {
    "nonrobust": (2.5273050970194926, 0.050467868303704574, 0.1390532058560112,
                  0.21458721131426683),
    "HC0": (2.4835363510683464, 0.04951984346007511, 0.132406109424669, 0.22284387127563762),
    "HC1": (2.52599303936257, 0.05036639783293891, 0.1346696256859372, 0.22665344417637565),
    "HC2": (2.5312940488133235, 0.05047511505041033, 0.13507785403687286, 0.22674510154422678),
    "HC3": (2.5800488276482314, 0.051450385673298266, 0.13780882529175875, 0.23072351556837267),
    "CR1": (1.2566748604397837, 0.025273930147684736, 0.10078302046357616, 0.2283437298088761),
}  # fmt: skip
# sm.OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": cluster}, use_t=True): .pvalues and
# .conf_int().ravel()
CR1_P = (0.5940449013172738, 6.214450810464721e-13, 7.694387231634147e-11, 0.002564585930361304)
CR1_CI = (-1.8929219456437612, 3.247455404545086, 0.25632846738970294, 0.35971044961217535,
          0.7949025849712205, 1.207151426722766, 0.2865992242352363, 1.2206299538357448)  # fmt: skip
# sm.OLS(y, X).fit(cov_type="HC1", use_t=True): .pvalues and .rsquared
HC1_P = (0.7890839210371805, 1.3339621784751601e-08, 1.9706854935985784e-11, 0.001184257205890504)
RSQUARED = 0.47320822597619483
# DiD, cluster, use_t=True: (params[3], bse[3], pvalues[3], *conf_int()[3])
DID_CR1 = (1.0304728190801304, 0.3543750269973058, 0.006911205397261706, 0.30569450943366383,
           1.755251128726597)  # fmt: skip
# DiD, HC1, use_t=True: (params[3], bse[3], pvalues[3])
DID_HC1 = (1.0304728190801304, 0.39177162750841477, 0.009709854901463885)
# ANCOVA, HC1, use_t=True: (params[1], bse[1], pvalues[1], *conf_int()[1]); and HC3
ANCOVA_HC1 = (0.33330148779452884, 0.10348524643451693, 0.0016590936191077036,
              0.12833591783543785, 0.5382670577536198)  # fmt: skip
ANCOVA_HC3 = (0.33330148779452884, 0.10538353227871182)

COVS = ["nonrobust", "HC0", "HC1", "HC2", "HC3", "CR1"]
SM_COV = {"CR1": "cluster"}


def fit_ols(cov, **kwargs):
    """sparkus' OLS of the pinned data, clustered when cov is CR1."""
    if cov == "CR1":
        return ols(DATA["y"], REGRESSORS, clusters=DATA["cluster"], **kwargs)
    return ols(DATA["y"], REGRESSORS, cov=cov, **kwargs)


# -- agreement with statsmodels -------------------------------------------------------------------


@pytest.mark.parametrize("cov", COVS)
def test_ols_matches_statsmodels_pinned(cov):
    """Coefficients and standard errors equal statsmodels' for every covariance kind."""
    result = fit_ols(cov)
    assert_allclose(result.params, PARAMS, rtol=1e-10)
    assert_allclose(result.se, BSE[cov], rtol=1e-10)
    assert result.cov == cov


def test_ols_inference_matches_statsmodels_with_t():
    """P-values and intervals equal statsmodels' use_t=True (G - 1 d.f. when clustered)."""
    clustered = fit_ols("CR1")
    assert clustered.df == 29
    assert clustered.n_clusters == 30
    assert_allclose(clustered.pvalue, CR1_P, rtol=1e-9)
    assert_allclose(clustered.ci.ravel(), CR1_CI, rtol=1e-10)
    robust = fit_ols("HC1")
    assert robust.df == 116
    assert_allclose(robust.pvalue, HC1_P, rtol=1e-9)
    assert_allclose(robust.rsquared, RSQUARED, rtol=1e-12)


def test_did_matches_statsmodels_pinned():
    """The DiD interaction, its SE, p-value and interval equal statsmodels' (CR1 and HC1)."""
    d = DATA
    covariates = {"x1": d["x1"], "x2": d["x2"]}
    clustered = did(d["y"], d["treated"], d["post"], covariates=covariates, clusters=d["cluster"])
    got = (clustered.estimate, clustered.se, clustered.pvalue, *clustered.ci)
    assert_allclose(got, DID_CR1, rtol=1e-10)
    assert clustered.n_clusters == 30
    assert clustered.df == 29
    robust = did(d["y"], d["treated"], d["post"], covariates=covariates)
    assert_allclose((robust.estimate, robust.se, robust.pvalue), DID_HC1, rtol=1e-10)


def test_ancova_matches_statsmodels_pinned():
    """The ANCOVA treatment effect, SE, p-value and interval equal statsmodels' (HC1, HC3)."""
    d = DATA
    effect = ancova(d["after"], d["pre"], d["treated"], covariates=d["x2"])
    assert_allclose((effect.estimate, effect.se, effect.pvalue, *effect.ci), ANCOVA_HC1,
                    rtol=1e-10)  # fmt: skip
    hc3 = ancova(d["after"], d["pre"], d["treated"], covariates=d["x2"], cov="HC3")
    assert_allclose((hc3.estimate, hc3.se), ANCOVA_HC3, rtol=1e-10)


@pytest.mark.parametrize("cov", COVS)
def test_live_ols_matches_statsmodels(cov):
    """On fresh heteroskedastic, clustered data, every SE kind equals statsmodels' to 1e-8."""
    rng = np.random.default_rng(31)
    n = 400
    X = np.column_stack([rng.normal(40.0, 5.0, n), rng.normal(size=n), rng.integers(0, 2, n)])
    groups = rng.integers(0, 45, n)
    y = X @ [0.1, 1.0, -0.5] + rng.normal(size=n) * (1.0 + X[:, 2]) + rng.normal(size=45)[groups]
    ours = ols(y, X, cov=cov, clusters=groups if cov == "CR1" else None)
    kwargs = {"cov_kwds": {"groups": groups}} if cov == "CR1" else {}
    theirs = sm.OLS(y, sm.add_constant(X)).fit(cov_type=SM_COV.get(cov, cov), use_t=True, **kwargs)
    assert_allclose(ours.params, theirs.params, rtol=1e-10)
    assert_allclose(ours.se, theirs.bse, rtol=1e-8)
    assert_allclose(ours.pvalue, theirs.pvalues, rtol=1e-7)
    assert_allclose(ours.ci, theirs.conf_int(), rtol=1e-8)


def test_live_did_and_ancova_match_statsmodels():
    """On fresh panel data, did (clustered by person) and ancova equal statsmodels' fits."""
    rng = np.random.default_rng(32)
    people = 300
    person = np.repeat(np.arange(people), 2)
    post = np.tile([0.0, 1.0], people)
    treated = (rng.random(people) < 0.4)[person].astype(float)
    age = rng.normal(40.0, 9.0, people)[person]
    y = rng.normal(size=people)[person] + 0.3 * treated * post + 0.02 * age + rng.normal(size=600)
    ours = did(y, treated, post, covariates=age, clusters=person)
    X = sm.add_constant(np.column_stack([treated, post, treated * post, age]))
    theirs = sm.OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": person}, use_t=True)
    assert_allclose((ours.estimate, ours.se, ours.pvalue), (theirs.params[3], theirs.bse[3],
                    theirs.pvalues[3]), rtol=1e-8)  # fmt: skip
    before, after, group = y[post == 0], y[post == 1], treated[post == 1]
    ours = ancova(after, before, group, cov="HC2")
    theirs = sm.OLS(after, sm.add_constant(np.column_stack([group, before]))).fit(cov_type="HC2")
    assert_allclose((ours.estimate, ours.se), (theirs.params[1], theirs.bse[1]), rtol=1e-9)


def test_large_means_keep_full_precision():
    """Covariates with large means are handled by shifting: SEs stay exact to 1e-12.

    The reference is statsmodels on the centred design, an exact reparametrisation that leaves
    every slope and its SE unchanged; statsmodels on the raw design itself drifts by about 1e-10.
    """
    rng = np.random.default_rng(33)
    n = 500
    X = np.column_stack([rng.normal(1000.0, 1.0, n), rng.normal(size=n)])
    groups = rng.integers(0, 40, n)
    y = X @ [0.5, 2.0] + rng.normal(size=n)
    ours = ols(y, X, clusters=groups)
    centred = sm.OLS(y, sm.add_constant(X - X.mean(axis=0))).fit(
        cov_type="cluster", cov_kwds={"groups": groups}
    )
    assert_allclose(ours.se[1:], centred.bse[1:], rtol=1e-12)
    assert_allclose(ours.params[1:], centred.params[1:], rtol=1e-12)


def test_ols_without_intercept_matches_statsmodels():
    """With intercept=False the design is used as given, as in statsmodels without a constant."""
    ours = ols(DATA["y"], REGRESSORS, intercept=False, cov="HC0")
    theirs = sm.OLS(DATA["y"], REGRESSORS).fit(cov_type="HC0")
    assert_allclose(ours.params, theirs.params, rtol=1e-10)
    assert_allclose(ours.se, theirs.bse, rtol=1e-10)
    assert_allclose(ours.rsquared, theirs.rsquared, rtol=1e-12)


# -- the result object ------------------------------------------------------------------------


def test_result_names_terms_and_intervals():
    """Names come from mappings or `names`; term() is an Estimate; intervals recompute by level."""
    result = ols(DATA["y"], {"x1": DATA["x1"], "x2": DATA["x2"], "coached": DATA["treated"]})
    assert isinstance(result, OLSResult)
    assert result.names == ("intercept", "x1", "x2", "coached")
    term = result.term("coached")
    assert term.estimate == result.params[3]
    assert term.df == result.df
    assert_allclose(result.confidence_interval(0.95), result.ci, rtol=1e-14)
    assert_allclose(term.confidence_interval(0.9), result.confidence_interval(0.9)[3], rtol=1e-14)
    named = ols(DATA["y"], REGRESSORS, names=["a", "b", "c"])
    assert named.names == ("intercept", "a", "b", "c")
    with pytest.raises(SchemaError, match="'intercept', 'x1', 'x2', 'coached'"):
        result.term("treated")


def test_data_frames_and_cluster_labels_of_any_kind():
    """A data frame gives named columns; sparse integer and string cluster labels are equivalent."""
    import pandas as pd

    d = DATA
    frame = pd.DataFrame({"x1": d["x1"], "x2": d["x2"], "coached": d["treated"]})
    from_frame = ols(d["y"], frame, clusters=d["cluster"])
    assert from_frame.names == ("intercept", "x1", "x2", "coached")
    assert_allclose(from_frame.se, BSE["CR1"], rtol=1e-10)
    sparse = ols(d["y"], REGRESSORS, clusters=d["cluster"] * 1000 + 7)
    text = ols(d["y"], REGRESSORS, clusters=[f"team {c}" for c in d["cluster"]])
    assert_allclose(sparse.se, BSE["CR1"], rtol=1e-10)
    assert_allclose(text.se, BSE["CR1"], rtol=1e-10)
    assert sparse.n_clusters == text.n_clusters == 30


def test_result_prints_and_serialises():
    """summary(), repr, _repr_html_ and to_dict() work and give JSON."""
    result = fit_ols("CR1")
    assert "30 clusters" in result.summary()
    assert repr(result).startswith("OLSResult(n=120, k=4, cov=CR1")
    assert "<table>" in result._repr_html_()
    data = json.loads(json.dumps(result.to_dict()))
    assert data["names"][0] == "intercept"
    assert len(data["ci"]) == 4
    assert result.params.flags.writeable is False


# -- properties -----------------------------------------------------------------------------------


def panel(seed, people=40):
    """A small random 2x2 panel with a covariate and clusters of people."""
    rng = np.random.default_rng(seed)
    person = np.repeat(np.arange(people), 2)
    post = np.tile([0, 1], people)
    treated = (np.arange(people) % 3 == 0)[person]
    covariate = rng.normal(10.0, 3.0, 2 * people)
    y = (
        rng.normal(size=people)[person]
        + 0.5 * treated * post
        + covariate
        + rng.normal(size=2 * people)
    )
    return y, treated, post, covariate, person


@given(st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1))
def test_did_is_invariant_to_row_order(seed, order):
    """Permuting the rows leaves the DiD estimate and its clustered SE unchanged."""
    y, treated, post, covariate, person = panel(seed)
    before = did(y, treated, post, covariates=covariate, clusters=person)
    p = np.random.default_rng(order).permutation(len(y))
    after = did(y[p], treated[p], post[p], covariates=covariate[p], clusters=person[p])
    assert after.estimate == pytest.approx(before.estimate, rel=1e-9, abs=1e-12)
    assert after.se == pytest.approx(before.se, rel=1e-9)


@given(st.integers(0, 2**32 - 1), st.floats(-1e4, 1e4), st.floats(0.001, 1000.0),
       st.floats(-1e6, 1e6), st.sampled_from(COVS))  # fmt: skip
def test_did_is_location_and_scale_equivariant(seed, shift, scale, covariate_shift, cov):
    """y -> a y + b scales the effect and SE by a; shifting a covariate changes neither."""
    y, treated, post, covariate, person = panel(seed)
    clusters = person if cov == "CR1" else None
    before = did(y, treated, post, covariates=covariate, clusters=clusters, cov=cov)
    after = did(scale * y + shift, treated, post, covariates=covariate + covariate_shift,
                clusters=clusters, cov=cov)  # fmt: skip
    assert after.estimate == pytest.approx(scale * before.estimate, rel=1e-7, abs=1e-9 * scale)
    assert after.se == pytest.approx(scale * before.se, rel=1e-7)
    assert after.ci.low <= after.estimate <= after.ci.high


@given(st.integers(0, 2**32 - 1), st.floats(0.5, 0.999))
def test_ancova_interval_contains_estimate(seed, level):
    """The ANCOVA interval contains its estimate and widens with the level."""
    y, treated, post, _covariate, _ = panel(seed)
    effect = ancova(y[post == 1], y[post == 0], treated[post == 1], level=level)
    assert effect.ci.low <= effect.estimate <= effect.ci.high
    wider = effect.confidence_interval(min(level + 0.0009, 0.9999))
    assert wider.low <= effect.ci.low
    assert effect.ci.high <= wider.high


# -- bad input ------------------------------------------------------------------------------------


def test_singular_design_names_the_columns():
    """Duplicated, constant, all-zero and combined columns are named in the error."""
    d = DATA
    with pytest.raises(EstimationError, match=r"`copy` is \(almost\) a linear combination of `x1`"):
        ols(d["y"], {"x1": d["x1"], "x2": d["x2"], "copy": 2.0 * d["x1"]})
    with pytest.raises(EstimationError, match="`flat` is constant, so it duplicates `intercept`"):
        ols(d["y"], {"x1": d["x1"], "flat": np.full(120, 7.0)})
    with pytest.raises(EstimationError, match="`zero` is all zeros"):
        ols(d["y"], {"x1": d["x1"], "zero": np.zeros(120)}, intercept=False)
    with pytest.raises(EstimationError, match=r"`sum` is .* of `intercept`, `x1`, `x2`"):
        ols(d["y"], {"x1": d["x1"], "x2": d["x2"], "sum": d["x1"] + d["x2"] + 1.0})


def test_clusters_single_and_few():
    """One cluster is an error; fewer than 30 is a SparkusWarning."""
    d = DATA
    with pytest.raises(EstimationError, match="single cluster"):
        did(d["y"], d["treated"], d["post"], clusters=np.zeros(120, dtype=int))
    with pytest.warns(SparkusWarning, match="only 12 clusters"):
        did(d["y"], d["treated"], d["post"], clusters=d["cluster"] % 12)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        did(d["y"], d["treated"], d["post"], clusters=d["cluster"])  # 30 clusters: no warning


def test_groups_and_cells_must_all_occur():
    """No treated or no control units, and an empty 2x2 cell, are errors saying which."""
    d = DATA
    with pytest.raises(EstimationError, match="no treated units"):
        did(d["y"], np.zeros(120), d["post"])
    with pytest.raises(EstimationError, match="no control units"):
        ancova(d["after"], d["pre"], np.ones(120))
    with pytest.raises(EstimationError, match="no rows before the program"):
        did(d["y"], d["treated"], np.ones(120))
    with pytest.raises(EstimationError, match="no rows in: treated before"):
        did(d["y"], d["treated"], d["post"] | d["treated"])


def test_missing_values_and_lengths_are_named():
    """NaN rows are listed for every input; mismatched lengths name both inputs."""
    d = DATA
    covariates = np.column_stack([d["x1"], d["x2"]])
    covariates[[5, 9], 1] = np.nan
    with pytest.raises(EstimationError, match=r"`covariates` is missing .* rows 5 and 9"):
        did(d["y"], d["treated"], d["post"], covariates=covariates)
    y = d["y"].copy()
    y[17] = np.inf
    with pytest.raises(EstimationError, match=r"`y` is missing or not finite .* row 17"):
        ols(y, REGRESSORS)
    with pytest.raises(EstimationError, match="`y` has 120 rows but `post` has 119"):
        did(d["y"], d["treated"], d["post"][:-1])
    labels = d["cluster"].astype(object)
    labels[3] = None
    with pytest.raises(SchemaError, match=r"clusters: is missing in row 3"):
        ols(d["y"], REGRESSORS, clusters=labels)


def test_degenerate_fits_are_refused():
    """Constant outcome, exact fit, too few rows and leverage-one rows are errors."""
    d = DATA
    with pytest.raises(EstimationError, match="`y` is constant"):
        did(np.ones(120), d["treated"], d["post"])
    with pytest.raises(EstimationError, match="fit `y` exactly"):
        ols(2.0 * d["x1"] + 1.0, d["x1"])
    with pytest.raises(EstimationError, match="3 rows cannot fit 3 coefficients"):
        ols([1.0, 2.0, 4.0], [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    dummy = np.zeros(120)
    dummy[7] = 1.0
    with pytest.raises(EstimationError, match="row 7 has leverage 1"):
        ols(d["y"], {"x1": d["x1"], "dummy": dummy}, cov="HC3")


def test_options_are_checked():
    """Unknown cov lists the choices; cov and clusters must agree; intercept must be a bool."""
    d = DATA
    with pytest.raises(SchemaError, match="'nonrobust', 'HC0', 'HC1', 'HC2', 'HC3', 'CR1'"):
        ols(d["y"], REGRESSORS, cov="HC4")  # type: ignore[arg-type]
    with pytest.raises(SchemaError, match="needs `clusters`"):
        ols(d["y"], REGRESSORS, cov="CR1")
    with pytest.raises(SchemaError, match="only used by cov='CR1'"):
        did(d["y"], d["treated"], d["post"], clusters=d["cluster"], cov="HC1")
    with pytest.raises(SchemaError, match="intercept"):
        ols(d["y"], REGRESSORS, intercept=1)  # type: ignore[arg-type]
    with pytest.raises(SchemaError, match="0/1"):
        did(d["y"], d["treated"] * 2.0, d["post"])
    with pytest.raises(SchemaError, match="taken by the design"):
        did(d["y"], d["treated"], d["post"], covariates={"post": d["x1"]})


def test_inputs_are_not_mutated():
    """The caller's arrays are unchanged after a fit."""
    d = regression_data()
    X = REGRESSORS.copy()
    ols(d["y"], X, clusters=d["cluster"])
    did(d["y"], d["treated"], d["post"], covariates=X[:, :2], clusters=d["cluster"])
    fresh = regression_data()
    assert all(np.array_equal(d[k], fresh[k]) for k in d)
    assert np.array_equal(X, REGRESSORS)
