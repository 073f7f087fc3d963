"""BenefitModel, the doubly robust learner of who benefits, against EconML and known truths.

References (independent computations, run live in these tests):

- EconML 0.17 ``econml.dr.DRLearner`` (Microsoft Research's implementation of the DR-learner of
  Kennedy 2023 / Foster & Syrgkanis 2023) with scikit-learn's ``LogisticRegression(C=inf)``
  propensity, ``LinearRegression`` outcome model on ``[X, T]`` and ``LinearRegression`` final
  stage, ``min_propensity`` set to our ``clip``;
- statsmodels' ``OLS(...).fit(cov_type="HC1")`` for the final stage's robust covariance;
- scikit-learn's ``Ridge`` (which leaves the intercept unpenalised) for the ridge final stage;
- simulated data whose per-person effect function is known.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus import NotFittedError, SchemaError, SparkusWarning
from sparkus.model import SupportType
from sparkus.triage import BenefitModel

econml_dr = pytest.importorskip("econml.dr")
linear_model = pytest.importorskip("sklearn.linear_model")


def _simulate(seed: int, n: int = 2_000, *, nonlinear: bool = False, k: int = 4):
    """Confounded data: the propensity and the baseline depend on X; the effect is known."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, k))
    e = 1.0 / (1.0 + np.exp(-(0.6 * X[:, 0] - 0.4 * X[:, 2])))
    t = (rng.random(n) < e).astype(int)
    if nonlinear:
        tau = 1.0 + np.sin(2.0 * X[:, 1]) + 0.5 * X[:, 3] ** 2
    else:
        tau = 1.0 + 2.0 * X[:, 1] - X[:, 3]
    y = X[:, 0] + 0.5 * X[:, 1] + t * tau + rng.normal(size=n)
    return X, t, y, tau


def _logistic():
    # C=inf is the unpenalised fit (`penalty=None` is deprecated from scikit-learn 1.8).
    return linear_model.LogisticRegression(C=np.inf, max_iter=1_000, tol=1e-12)


def _econml(cv, clip=0.01):
    return econml_dr.DRLearner(
        model_propensity=_logistic(),
        model_regression=linear_model.LinearRegression(),
        model_final=linear_model.LinearRegression(),
        cv=cv,
        min_propensity=clip,
        random_state=0,
    )


def _splits(fold):
    return [(np.flatnonzero(fold != f), np.flatnonzero(fold == f)) for f in np.unique(fold)]


def _quiet_fit(estimator, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # EconML's and scikit-learn's own notices
        return estimator.fit(*args, **kwargs)


# -- against EconML --------------------------------------------------------------------------


@pytest.mark.parametrize("nonlinear", [False, True], ids=["linear effect", "nonlinear effect"])
def test_same_folds_same_coefficients_as_econml(nonlinear):
    """Fed our folds, EconML's DRLearner gives the same final coefficients: to 1e-8 with our
    built-in Newton logistic and least squares (scikit-learn's lbfgs at tol=1e-12 is the
    difference, ~4e-11 seen), and to 1e-10 with the very same scikit-learn plug-ins."""
    X, t, y, _ = _simulate(3, nonlinear=nonlinear)
    built_in = BenefitModel(rng=1).fit(X, t, y)
    propensity, outcome = _logistic(), linear_model.LinearRegression()
    plugged = BenefitModel(propensity=propensity, outcome=outcome, rng=1).fit(X, t, y)
    assert not hasattr(propensity, "coef_")  # cloned per fold: the caller's stay unfitted
    assert not hasattr(outcome, "coef_")
    np.testing.assert_array_equal(plugged.fold_, built_in.fold_)
    reference = _quiet_fit(_econml(_splits(built_in.fold_)), y, t, X=X).model_cate(T=1)
    for model, tol in ((built_in, 1e-8), (plugged, 1e-10)):
        np.testing.assert_allclose(model.coef_["treated"], reference.coef_, rtol=0, atol=tol)
        assert model.intercept_["treated"] == pytest.approx(reference.intercept_, abs=tol)


@pytest.mark.parametrize("nonlinear", [False, True], ids=["linear effect", "nonlinear effect"])
def test_recovers_effects_no_worse_than_econml(nonlinear):
    """The RMSE of the per-person effects, averaged over 8 simulated data sets of 2,000 rows,
    is at most 1.02 x EconML's (its own cv=5 stratified folds, same models) + 1e-3."""
    ours, theirs = [], []
    for seed in range(8):
        X, t, y, tau = _simulate(seed, nonlinear=nonlinear)
        model = BenefitModel(rng=seed).fit(X, t, y)
        reference = _quiet_fit(_econml(5), y, t, X=X)
        ours.append(np.sqrt(np.mean((model.predict(X) - tau) ** 2)))
        theirs.append(np.sqrt(np.mean((reference.effect(X) - tau) ** 2)))
    assert np.mean(ours) <= 1.02 * np.mean(theirs) + 1e-3, (ours, theirs)
    if not nonlinear:  # the linear final stage can represent the truth: the error is small
        assert np.mean(ours) < 0.25


# -- the final stage ---------------------------------------------------------------------------


def test_linear_stage_covariance_is_statsmodels_hc1():
    """predict_interval and to_frame use the HC1 covariance of OLS on the pseudo-outcomes."""
    sm = pytest.importorskip("statsmodels.api")
    X, t, y, _ = _simulate(5, n=800)
    model = BenefitModel(rng=2).fit(X, t, y)
    psi = model.pseudo_outcomes_["treated"]
    fit = sm.OLS(psi, sm.add_constant(X)).fit(cov_type="HC1")
    frame = model.to_frame()
    np.testing.assert_allclose(frame["estimate"].to_numpy(), fit.params, rtol=1e-9)
    np.testing.assert_allclose(frame["std_error"].to_numpy(), fit.bse, rtol=1e-9)
    x0 = X[:3]
    lower, upper = model.predict_interval(x0, level=0.9)
    ref = fit.get_prediction(sm.add_constant(x0, has_constant="add")).conf_int(alpha=0.1)
    np.testing.assert_allclose(lower, ref[:, 0], rtol=1e-9)
    np.testing.assert_allclose(upper, ref[:, 1], rtol=1e-9)


def test_ridge_stage_is_sklearn_ridge_on_the_pseudo_outcomes():
    """final="ridge": scikit-learn's Ridge (intercept unpenalised) fitted on our pseudo-outcomes."""
    X, t, y, _ = _simulate(6, n=600)
    model = BenefitModel(final="ridge", alpha=50.0, rng=3).fit(X, t, y)
    ref = linear_model.Ridge(alpha=50.0).fit(X, model.pseudo_outcomes_["treated"])
    np.testing.assert_allclose(model.coef_["treated"], ref.coef_, rtol=1e-9)
    assert model.intercept_["treated"] == pytest.approx(ref.intercept_, rel=1e-9)
    lower, upper = model.predict_interval(X[:5])
    assert np.all(lower < upper)


def test_plug_in_final_stage_and_its_refused_interval():
    """A scikit-learn regressor as the final stage; cloned, so the caller's object stays unfitted."""
    tree = pytest.importorskip("sklearn.tree")
    X, t, y, tau = _simulate(7, n=1_500, nonlinear=True)
    final = tree.DecisionTreeRegressor(max_depth=3, random_state=0)
    model = BenefitModel(final=final, rng=0).fit(X, t, y)
    assert not hasattr(final, "tree_")
    assert model.predict(X).shape == (1_500,)
    assert np.corrcoef(model.predict(X), tau)[0, 1] > 0.5
    with pytest.raises(SchemaError, match="final"):
        model.predict_interval(X)
    with pytest.raises(SchemaError, match="final"):
        model.to_frame()


class _Interacted:
    """An outcome plug-in: least squares on ``[X, t, X * t]`` (the last column is ``t``), i.e.
    one linear model per arm, correctly specified for the simulation below."""

    def fit(self, XT, y):
        self.model = linear_model.LinearRegression().fit(self._design(XT), y)
        return self

    def predict(self, XT):
        return self.model.predict(self._design(XT))

    @staticmethod
    def _design(XT):
        return np.column_stack([XT, XT[:, :-1] * XT[:, -1:]])


def test_interval_coverage_is_nominal():
    """Over 200 simulated data sets (n=400), the 95% intervals of the effect at three points
    and of the ATE cover the truth within the binomial 3-sigma band around 0.95.

    The outcome model is correctly specified (one linear model per arm). With the default
    outcome model (one model on ``[X, t]``, misspecified when the effect varies) the intervals
    are conservative, as the DR-learner's are in EconML too: the estimated propensity then
    soaks up part of the variance the sandwich counts."""
    points = np.array([[0.0, 0.0], [1.0, -0.5], [-1.0, 1.5]])
    truth = 1.0 + 2.0 * points[:, 0] - points[:, 1]
    hits = np.zeros(4)
    runs = 200
    for seed in range(runs):
        rng = np.random.default_rng(1_000 + seed)
        X = rng.normal(size=(400, 2))
        t = (rng.random(400) < 1.0 / (1.0 + np.exp(-0.5 * X[:, 0]))).astype(int)
        tau = 1.0 + 2.0 * X[:, 0] - X[:, 1]
        y = X[:, 0] + X[:, 1] + t * tau + rng.normal(size=400) * (1.0 + 0.5 * np.abs(X[:, 1]))
        model = BenefitModel(outcome=_Interacted(), rng=seed).fit(X, t, y)
        lower, upper = model.predict_interval(points)
        hits[:3] += (lower <= truth) & (truth <= upper)
        lo, hi = model.ate_interval()
        hits[3] += lo <= 1.0 <= hi  # the population's mean effect: 1 + 2 E[x1] - E[x2]
    band = 3.0 * np.sqrt(0.95 * 0.05 / runs)
    assert np.all(np.abs(hits / runs - 0.95) <= band), hits / runs


# -- several support types -------------------------------------------------------------------


def test_one_vs_none_equals_a_binary_fit_on_those_rows():
    """Each type's model is the binary model on that type's rows and the untreated rows."""
    rng = np.random.default_rng(11)
    n = 1_500
    X = rng.normal(size=(n, 3))
    labels = rng.choice(["none", "coaching", "mentoring"], size=n)
    gain = {"none": 0.0, "coaching": 1.0 + X[:, 0], "mentoring": 0.5 - X[:, 1]}
    y = X[:, 2] + np.select(
        [labels == k for k in gain], [np.broadcast_to(v, n) for v in gain.values()]
    )
    y = y + rng.normal(size=n)
    model = BenefitModel(rng=4).fit(X, labels, y)
    assert model.supports_ == (SupportType.COACHING, SupportType.MENTORING)
    for support in model.supports_:
        rows = (labels == "none") | (labels == support.value)
        alone = BenefitModel().fit(X[rows], labels[rows] == support.value, y[rows],
                                   fold=model.fold_[rows])  # fmt: skip
        np.testing.assert_allclose(model.coef_[support], alone.coef_["treated"], rtol=1e-12)
        np.testing.assert_allclose(model.predict(X[:4], support.value), alone.predict(X[:4]))
    effects = model.effects(X[:10])
    assert list(effects) == [SupportType.COACHING, SupportType.MENTORING]
    np.testing.assert_array_equal(
        effects[SupportType.MENTORING], model.predict(X[:10], "mentoring")
    )
    assert np.isnan(model.pseudo_outcomes_[SupportType.COACHING][labels == "mentoring"]).all()
    with pytest.raises(SchemaError, match="support"):
        model.predict(X)
    assert model.ate(SupportType.COACHING) == pytest.approx(1.0, abs=0.2)


def test_support_type_members_as_labels():
    rng = np.random.default_rng(12)
    X = rng.normal(size=(300, 2))
    labels = np.array([SupportType.PEER_SUPPORT if r else "none" for r in rng.random(300) < 0.5],
                      dtype=object)  # fmt: skip
    y = X[:, 0] + (labels != "none") + rng.normal(size=300)
    model = BenefitModel(rng=0).fit(X, labels, y)
    assert model.supports_ == (SupportType.PEER_SUPPORT,)
    assert model.predict(X[:2]).shape == (2,)


# -- frames ----------------------------------------------------------------------------------


def test_frames_are_aligned_by_column_name():
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    X, t, y, _ = _simulate(8, n=600, k=4)
    frame = pd.DataFrame(X, columns=["tenure", "readiness", "level", "age"])
    model = BenefitModel(rng=0).fit(frame, pd.Series(t), pd.Series(y))
    assert model.feature_names_ == ("tenure", "readiness", "level", "age")
    expected = BenefitModel(rng=0).fit(X, t, y).predict(X)
    np.testing.assert_allclose(model.predict(frame), expected, rtol=1e-12)
    shuffled = frame[["level", "age", "tenure", "readiness"]]
    np.testing.assert_allclose(model.predict(shuffled), expected, rtol=1e-12)
    np.testing.assert_allclose(model.predict(pl.from_pandas(shuffled)), expected, rtol=1e-12)
    with pytest.raises(SchemaError, match="'level'"):
        model.predict(frame[["tenure", "readiness", "age"]])
    from_polars = BenefitModel(rng=0).fit(pl.from_pandas(frame), t, y)
    assert from_polars.feature_names_ == model.feature_names_
    np.testing.assert_allclose(from_polars.predict(shuffled), expected, rtol=1e-12)
    table = model.to_frame(backend="polars")
    assert table["term"].to_list() == ["intercept", "tenure", "readiness", "level", "age"]


# -- warnings and state ----------------------------------------------------------------------


def test_poor_overlap_warns_naming_the_type_and_counts():
    rng = np.random.default_rng(13)
    X = rng.normal(size=(1_000, 2))
    t = (rng.random(1_000) < 1.0 / (1.0 + np.exp(-4.0 * X[:, 0]))).astype(int)
    y = X[:, 0] + t + rng.normal(size=1_000)
    with pytest.warns(SparkusWarning, match=r"poor overlap for 'treated': [\d,]+ of 1,000"):
        BenefitModel(rng=0).fit(X, t, y)


def test_no_warning_with_good_overlap():
    X, t, y, _ = _simulate(9, n=500)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        BenefitModel(rng=0).fit(X, t, y)


def test_used_before_fit():
    with pytest.raises(NotFittedError, match="fit"):
        BenefitModel().predict([[1.0]])
    with pytest.raises(NotFittedError, match="fit"):
        BenefitModel().to_frame()


def test_get_params_round_trips_through_sklearn_clone():
    base = pytest.importorskip("sklearn.base")
    model = BenefitModel(final="ridge", alpha=2.0, folds=3, clip=0.05, rng=7)
    copy = base.clone(model)
    assert copy.get_params() == model.get_params()


# -- invariants (hypothesis) -------------------------------------------------------------------


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**16), final=st.sampled_from(["linear", "ridge"]))
def test_row_order_given_the_folds_does_not_matter(seed, final):
    """Rows permuted with their fold labels give the same fit; same rng, same result; the
    caller's arrays are not changed."""
    X, t, y, _ = _simulate(seed, n=200, k=4)
    Xc, tc, yc = X.copy(), t.copy(), y.copy()
    first = BenefitModel(final=final, rng=seed).fit(X, t, y)
    again = BenefitModel(final=final, rng=seed).fit(X, t, y)
    np.testing.assert_array_equal(first.predict(X), again.predict(X))
    order = np.random.default_rng(seed + 1).permutation(200)
    permuted = BenefitModel(final=final).fit(X[order], t[order], y[order], fold=first.fold_[order])
    np.testing.assert_allclose(permuted.predict(X), first.predict(X), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(
        permuted.pseudo_outcomes_["treated"], first.pseudo_outcomes_["treated"][order], atol=1e-9
    )
    for before, after in ((Xc, X), (tc, t), (yc, y)):
        np.testing.assert_array_equal(before, after)
