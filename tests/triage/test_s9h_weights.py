"""Sample weights at the float limits: accuracy and logistic fits read only their ratios and scale."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from sparkus.triage import LogisticReadinessModel, OrdinalReadinessModel


def _data() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 3))
    y = (X[:, 0] + rng.normal(size=80) > 0).astype(int)
    y3 = np.digitize(X[:, 0] + rng.normal(size=80), [-0.5, 0.5])
    return X, y, y3


# scikit-learn 1.9.1, LogisticRegression(penalty=None, tol=1e-14, max_iter=100000).fit(X, y)
# on _data() with unit weights (binomial y, then multinomial y3); its solver stops ~1e-8 short
_SKLEARN_BINOMIAL = ([[2.249508439102387, 0.32709267353368393, 0.537101412305576]],
                     [-0.00755156340309181])  # fmt: skip
_SKLEARN_MULTINOMIAL = (
    [[-1.1821954804588728, -0.1487511996615517, 0.12916344624936005],
     [0.03892410644171395, 0.22140204718159967, -0.26597633197688203],
     [1.1432713740171594, -0.07265084752004757, 0.13681288572752232]],
    [-0.01492169938823273, 0.15106506233559458, -0.13614336294736148],
)  # fmt: skip


@pytest.mark.parametrize("weight", [1e307, 1e308, 5e-324])
def test_score_with_extreme_weights_equals_the_unweighted_accuracy(weight: float) -> None:
    """Equal weights near the float limits give the plain accuracy, not NaN (both models)."""
    X, y, y3 = _data()
    for model, labels in ((LogisticReadinessModel(), y), (OrdinalReadinessModel(), y3)):
        model.fit(X, labels)
        plain = model.score(X, labels)
        weighted = model.score(X, labels, sample_weight=np.full(80, weight))
        assert weighted == pytest.approx(plain, rel=1e-15)


@pytest.mark.parametrize("scale", [5e-324, 2.0**-1060, 1e-300, 1e300])
@pytest.mark.parametrize("multinomial", [False, True])
def test_unpenalised_fit_reads_only_the_ratios_of_the_weights(
    scale: float, multinomial: bool
) -> None:
    """With C=None, weights k * scale fit as weights k, and unit weights as scikit-learn does."""
    X, y, y3 = _data()
    labels = y3 if multinomial else y
    ratios = np.arange(80) % 3 + 1.0
    reference = LogisticReadinessModel(C=None).fit(X, labels, sample_weight=ratios)
    tiny = LogisticReadinessModel(C=None).fit(X, labels, sample_weight=ratios * scale)
    np.testing.assert_allclose(tiny.coef_, reference.coef_, rtol=0, atol=1e-8)
    np.testing.assert_allclose(tiny.intercept_, reference.intercept_, rtol=0, atol=1e-8)
    unit = LogisticReadinessModel(C=None).fit(X, labels, sample_weight=np.full(80, scale))
    coef, intercept = _SKLEARN_MULTINOMIAL if multinomial else _SKLEARN_BINOMIAL
    np.testing.assert_allclose(unit.coef_, coef, rtol=0, atol=1e-6)
    np.testing.assert_allclose(unit.intercept_, intercept, rtol=0, atol=1e-6)


@pytest.mark.parametrize(("C", "weight"), [(1.0, 5e-324), (1.0, 1e-320), (5e-324, 1.0)])
@pytest.mark.parametrize("multinomial", [False, True])
def test_overwhelming_penalty_holds_the_coefficients_at_zero(
    C: float, weight: float, multinomial: bool
) -> None:
    """C * total weight below the floats: no NaN, no warning; coef 0, intercepts the log-odds.

    The objective ``0.5 * ||coef||**2 + C * sum(w * loss)`` then has its optimum at
    coefficients below 1e-300 (scikit-learn's lbfgs also returns zeros); the unpenalised
    intercepts are the log-odds of the weighted class shares.
    """
    X, y, y3 = _data()
    labels = y3 if multinomial else y
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = LogisticReadinessModel(C=C).fit(X, labels, sample_weight=np.full(80, weight))
    assert np.all(np.abs(model.coef_) < 1e-290)
    share = np.bincount(labels) / 80
    if multinomial:
        expected = np.log(share) - np.log(share).mean()
    else:
        expected = np.array([np.log(share[1] / share[0])])
    np.testing.assert_allclose(model.intercept_, expected, rtol=0, atol=1e-10)
