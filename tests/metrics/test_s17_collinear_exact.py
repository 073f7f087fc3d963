"""Near-collinear regressors: ols against exact rational arithmetic.

Tenure that follows age to a small noise gives a design whose condition number (centred) is
about 3e3 and 3e4. The reference is the exact least-squares solution of the same floats,
computed in ``fractions.Fraction`` (normal equations solved by Gauss-Jordan elimination without
rounding), with the classical, HC1 and CR1 covariances from the same exact residuals (CR1 with
statsmodels' small-sample factor, ``G / (G - 1) · (n - 1) / (n - k)``): a closed form,
independent of any floating-point method. Solving the cross products in floats loses the
condition number squared (1.3e-6 relative on the coefficients at 3e4, before session 17); the
factor refined by a second pass (Cholesky QR twice) keeps about 1e-11.
"""

import warnings
from fractions import Fraction

import numpy as np
import pytest

from sparkus import SparkusWarning
from sparkus.metrics import ols
from tests.exact import inverse


def _exact(y, X, kind, team):
    n = len(y)
    rows = [[Fraction(1)] + [Fraction(float(v)) for v in row] for row in X]
    k = len(rows[0])
    ys = [Fraction(float(v)) for v in y]
    gram = [[sum(r[i] * r[j] for r in rows) for j in range(k)] for i in range(k)]
    inv = inverse(gram)
    xty = [sum(r[i] * v for r, v in zip(rows, ys, strict=True)) for i in range(k)]
    beta = [sum(inv[i][j] * xty[j] for j in range(k)) for i in range(k)]
    resid = [v - sum(r[j] * beta[j] for j in range(k)) for r, v in zip(rows, ys, strict=True)]
    if kind == "nonrobust":
        s2 = sum(e * e for e in resid) / (n - k)
        var = [inv[i][i] * s2 for i in range(k)]
    else:  # HC1 and CR1: inv · Σ s s' · inv, s a row's (a team's) score, times the correction
        groups = range(n) if kind == "HC1" else sorted(set(team.tolist()))
        members = [[i] for i in range(n)] if kind == "HC1" else [
            [i for i in range(n) if team[i] == g] for g in groups]  # fmt: skip
        scores = [[sum(rows[i][j] * resid[i] for i in m) for j in range(k)] for m in members]
        meat = [[sum(s[i] * s[j] for s in scores) for j in range(k)] for i in range(k)]
        left = [[sum(inv[i][a] * meat[a][b] for a in range(k)) for b in range(k)]
                for i in range(k)]  # fmt: skip
        g = len(members)
        factor = (Fraction(n, n - k) if kind == "HC1"
                  else Fraction(g, g - 1) * Fraction(n - 1, n - k))  # fmt: skip
        var = [sum(left[i][b] * inv[b][i] for b in range(k)) * factor for i in range(k)]
    return np.array([float(b) for b in beta]), np.sqrt([float(v) for v in var])


@pytest.mark.parametrize("kind", ["nonrobust", "HC1", "CR1"])
@pytest.mark.parametrize("noise", [1e-3, 1e-4])
@pytest.mark.parametrize("seed", [0, 1])
def test_close_regressors_keep_their_digits(seed, noise, kind):
    rng = np.random.default_rng(seed)
    n = 60
    age = rng.normal(45, 10, n)
    tenure = 0.4 * age + rng.normal(0, 4 * noise, n)
    other = rng.normal(0, 1, n)
    X = np.column_stack([age, tenure, other])
    y = 1.0 + 0.02 * age + 0.5 * tenure + 0.3 * other + rng.normal(0, 1, n)
    team = np.arange(n) // 2  # 30 teams of two, for CR1
    params, se = _exact(y, X, kind, team)
    with warnings.catch_warnings():  # some draws rest on few effective teams: said, not tested
        warnings.simplefilter("ignore", SparkusWarning)
        fit = ols(y, X, cov=kind, clusters=team if kind == "CR1" else None)
    np.testing.assert_allclose(fit.params, params, rtol=1e-9, atol=0)
    np.testing.assert_allclose(fit.se, se, rtol=1e-9, atol=0)
