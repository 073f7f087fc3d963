"""Coefficients of columns that hardly vary against the penalty: exact, not left at the solver's
tolerance (issue 16, round 13).

A column of values near 1e-150 has an optimal coefficient near 1e-150 under the L2 penalty, far
below any absolute gradient tolerance: the solver used to leave it at an arbitrary value, wrong
in sign and by eleven orders of magnitude (-8.1e-139 for an optimum of 3.3e-150). The
reference is the optimum's own stationarity condition (a closed form, independent of any
solver): for scikit-learn's objective ``0.5 * ||coef||**2 + C * sum_i sw_i * loss_i``, the
gradient in ``coef[k]`` is zero, so ``coef[k] = -C * X.T @ (sw * (P[:, k] - Y[:, k]))``
(``k`` the class of the row for two classes). scikit-learn 1.9.1's own lbfgs does not resolve such
a coefficient either (it gives 1.16e-150 for the 3.28e-150 above), so it cannot be the reference.
"""

import numpy as np
import pytest

from sparkus.triage import LogisticReadinessModel


def _data(n_classes: int, scale: float):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    y = np.digitize(X[:, 0] + rng.normal(size=200), [-1.0, 1.0])
    if n_classes == 2:
        y = (y > 0).astype(int)
    X[:, 1] *= scale
    return X, y, rng.uniform(0.5, 2.0, 200)


@pytest.mark.parametrize("fit_intercept", [True, False], ids=["intercept", "no intercept"])
@pytest.mark.parametrize("n_classes", [2, 3], ids=["binomial", "multinomial"])
@pytest.mark.parametrize("scale", [1e-20, 1e-60, 1e-150, 1e-310])
def test_coefficient_of_a_tiny_column_meets_the_stationarity_condition(
    scale, n_classes, fit_intercept
):
    """Every coefficient, a tiny column's included, solves ``coef = -C X.T (sw (P - Y))`` to 1e-7."""
    X, y, sw = _data(n_classes, scale)
    C = 0.5
    model = LogisticReadinessModel(C=C, fit_intercept=fit_intercept).fit(X, y, sample_weight=sw)
    P = model.predict_proba(X)
    residual = sw[:, None] * (P - np.eye(P.shape[1])[y])
    stationary = -C * (X.T @ residual).T
    if n_classes == 2:
        stationary = stationary[1:]
    np.testing.assert_allclose(model.coef_, stationary, rtol=1e-7, atol=0)
