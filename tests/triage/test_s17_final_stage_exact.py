"""BenefitModel's final stage on near-collinear features, against exact rational arithmetic.

The final stage is least squares (or ridge, the intercept unpenalised) of the pseudo-outcomes
on ``[1, X]`` with an HC1 covariance, statsmodels' ``OLS(...).fit(cov_type="HC1")`` without a
penalty. Features that follow each other closely (tenure beside age: condition numbers about
3e3 and 3e4 after centring) lost the condition number squared when the cross products were
solved (1e-6 relative on the slopes at 3e4, before session 17). The reference solves the same
floats in ``fractions.Fraction``: the normal equations of the centred design (the stage's own
centring, taken exactly) with the penalty on the slopes' diagonal, by Gauss-Jordan elimination,
and the HC1 sandwich from the exact residuals. A closed form, independent of any float method.
"""

from fractions import Fraction

import numpy as np
import pytest

from sparkus.triage._benefit_final import fit_final, stage_design
from tests.exact import inverse


def _exact(X, y, shift, penalty):
    n = len(y)
    rows = [[Fraction(1)] + [Fraction(float(v)) - Fraction(float(m))
                             for v, m in zip(row, shift[1:], strict=True)] for row in X]  # fmt: skip
    k = len(rows[0])
    ys = [Fraction(float(v)) for v in y]
    bread = [[sum(r[i] * r[j] for r in rows) for j in range(k)] for i in range(k)]
    for j in range(1, k):
        bread[j][j] += Fraction(float(penalty[j - 1])) if penalty is not None else 0
    inv = inverse(bread)
    zty = [sum(r[i] * v for r, v in zip(rows, ys, strict=True)) for i in range(k)]
    beta = [sum(inv[i][j] * zty[j] for j in range(k)) for i in range(k)]
    resid = [v - sum(r[j] * beta[j] for j in range(k)) for r, v in zip(rows, ys, strict=True)]
    scores = [[r[j] * e for j in range(k)] for r, e in zip(rows, resid, strict=True)]
    meat = [[sum(s[i] * s[j] for s in scores) for j in range(k)] for i in range(k)]
    back = [[Fraction(int(i == j)) for j in range(k)] for i in range(k)]
    for j in range(1, k):
        back[0][j] = -Fraction(float(shift[j]))
    left = [[sum(back[i][a] * inv[a][b] for a in range(k)) for b in range(k)] for i in range(k)]
    middle = [[sum(left[i][a] * meat[a][b] for a in range(k)) for b in range(k)]
              for i in range(k)]  # fmt: skip
    var = [sum(middle[i][b] * left[i][b] for b in range(k)) * Fraction(n, n - k)
           for i in range(k)]  # fmt: skip
    coef = [sum(back[i][j] * beta[j] for j in range(k)) for i in range(k)]
    return np.array([float(c) for c in coef]), np.sqrt([float(v) for v in var])


@pytest.mark.parametrize("ridge", [False, True])
@pytest.mark.parametrize("noise", [1e-3, 1e-4])
@pytest.mark.parametrize("seed", [0, 1])
def test_close_features_keep_their_digits(seed, noise, ridge):
    rng = np.random.default_rng(seed)
    n = 60
    age = rng.normal(0.45, 0.1, n)  # in the stage's scaled units (every magnitude below 1)
    tenure = 0.4 * age + rng.normal(0, 0.04 * noise, n)
    other = rng.normal(0, 0.3, n)
    X = np.column_stack([age, tenure, other])
    pseudo = 0.1 + 0.02 * age + 0.5 * tenure + 0.3 * other + rng.normal(0, 0.1, n)
    design = stage_design(X)
    penalty = np.array([1e-3, 2e-3, 5e-4]) if ridge else None
    coef, cov = fit_final(design, pseudo, penalty, ("intercept", "a", "t", "o"), "the stage")
    want_coef, want_se = _exact(X, pseudo, design.shift, penalty)
    np.testing.assert_allclose(coef, want_coef, rtol=1e-10, atol=0)
    np.testing.assert_allclose(np.sqrt(np.diag(cov)), want_se, rtol=1e-10, atol=0)
