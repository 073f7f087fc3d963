"""Tests of ``policy_value`` and ``policy_difference``, the doubly robust value of a policy.

References: closed forms computed here with numpy (the AIPW value with the groups' means as
outcome models when there is no `X`; the AIPW terms with least squares from
``numpy.linalg.lstsq`` and the logistic propensity from statsmodels' ``Logit``), and
simulations whose true values are known in closed form (stated in each test).
"""

import math
import warnings

import numpy as np
import pytest
import statsmodels.api as sm

from sparkus import EstimationError, SchemaError, SparkusWarning
from sparkus.metrics import policy_difference, policy_value

PHI0 = 1.0 / math.sqrt(2.0 * math.pi)  # the standard normal density at 0: E[x; x > 0]


def _randomised(seed=11, n=400):
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, 1.0, n)
    t = rng.random(n) < 0.5
    y = 1.0 + x + t * (0.5 + x) + rng.normal(0.0, 1.0, n)
    return x, t, y


def test_known_half_propensity_without_x_is_aipw_with_the_group_means():
    x, t, y = _randomised()
    policy = x > 0
    m1, m0 = y[t].mean(), y[~t].mean()
    terms = np.where(policy, m1 + t * (y - m1) / 0.5, m0 + (1 - t) * (y - m0) / 0.5)
    value = policy_value(y, t, policy, propensity=0.5)
    assert value.estimate == pytest.approx(terms.mean(), rel=1e-13)
    assert value.se == pytest.approx(terms.std() / math.sqrt(len(y)), rel=1e-12)
    assert value.ci.low == pytest.approx(terms.mean() - 1.959963984540054 * value.se, rel=1e-12)
    assert value.n == len(y)
    assert value.ci_method == "normal"


def test_default_propensity_is_the_treated_share():
    x, t, y = _randomised(12)
    policy = x > 0.3
    e = t.mean()
    m1, m0 = y[t].mean(), y[~t].mean()
    expected = np.where(policy, m1 + t * (y - m1) / e, m0 + (~t) * (y - m0) / (1 - e)).mean()
    assert policy_value(y, t, policy).estimate == pytest.approx(expected, rel=1e-13)


def test_with_covariates_equals_aipw_by_hand():
    x, t, y = _randomised(13)
    policy = x > 0
    Z = np.column_stack([np.ones_like(x), x])
    m1 = Z @ np.linalg.lstsq(Z[t], y[t], rcond=None)[0]
    m0 = Z @ np.linalg.lstsq(Z[~t], y[~t], rcond=None)[0]
    e = sm.Logit(t.astype(float), Z).fit(disp=0, tol=1e-12, maxiter=100).predict()
    for given, prop in ((0.5, 0.5), (None, e)):
        g1 = m1 + t * (y - m1) / prop
        g0 = m0 + (1 - t) * (y - m0) / (1 - prop)
        terms = np.where(policy, g1, g0)
        value = policy_value(y, t, policy, X={"x": x}, propensity=given)
        assert value.estimate == pytest.approx(terms.mean(), rel=1e-9)
        assert value.se == pytest.approx(terms.std() / math.sqrt(len(y)), rel=1e-7)
        diff_terms = (policy.astype(float) - 1.0) * (g1 - g0)
        gain = policy_difference(y, t, policy, np.ones(len(y)), X={"x": x}, propensity=given)
        assert gain.estimate == pytest.approx(diff_terms.mean(), rel=1e-9)
        assert gain.se == pytest.approx(diff_terms.std() / math.sqrt(len(y)), rel=1e-7)


def test_difference_is_the_difference_of_values():
    x, t, y = _randomised(14)
    a, b = x > 0, x > -0.5
    va = policy_value(y, t, a, X=x, propensity=0.5)
    vb = policy_value(y, t, b, X=x, propensity=0.5)
    gain = policy_difference(y, t, a, b, X=x, propensity=0.5)
    assert gain.estimate == pytest.approx(va.estimate - vb.estimate, abs=1e-12)
    assert gain.se < math.hypot(va.se, vb.se)  # pairing: shared people cancel
    assert gain.measure == "difference"
    assert va.measure is None


def test_propensity_per_person():
    x, t, y = _randomised(15)
    same = policy_value(y, t, x > 0, propensity=np.full(len(y), 0.5))
    assert same.estimate == policy_value(y, t, x > 0, propensity=0.5).estimate


def test_coverage_under_confounding_against_the_truth():
    """Selection on x (logit 0.8 x); y = 1 + x + t (0.5 + x) + N(0, 1), x ~ N(0, 1).

    Truth: treating x > 0 is worth E[1 + x + (0.5 + x) 1{x > 0}] = 1.25 + φ(0); against
    treating everyone the gain is -E[(0.5 + x) 1{x < 0}] = φ(0) - 0.25. 300 samples of 400:
    the 95% intervals must cover at a rate within simulation error (±3 SE, 0.0126) of 0.95;
    the naive comparison is biased (checked on the means).
    """
    truth_value, truth_gain = 1.25 + PHI0, PHI0 - 0.25
    rng = np.random.default_rng(2026)
    covered, gains, estimates = [], [], []
    reps, n = 300, 400
    for _ in range(reps):
        x = rng.normal(0.0, 1.0, n)
        t = rng.random(n) < 1.0 / (1.0 + np.exp(-0.8 * x))
        y = 1.0 + x + t * (0.5 + x) + rng.normal(0.0, 1.0, n)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SparkusWarning)
            v = policy_value(y, t, x > 0, X={"x": x})
            g = policy_difference(y, t, x > 0, np.ones(n), X={"x": x})
        covered.append(v.ci.low <= truth_value <= v.ci.high)
        gains.append(g.ci.low <= truth_gain <= g.ci.high)
        estimates.append(v.estimate)
    tolerance = 3 * math.sqrt(0.95 * 0.05 / reps) + 0.005
    assert abs(np.mean(covered) - 0.95) <= tolerance
    assert abs(np.mean(gains) - 0.95) <= tolerance
    assert abs(np.mean(estimates) - truth_value) < 0.02


def test_inputs_not_mutated():
    x, t, y = _randomised(16)
    policy = (x > 0).astype(int)
    copies = (x.copy(), t.copy(), y.copy(), policy.copy())
    policy_value(y, t, policy, X=x)
    for before, after in zip(copies, (x, t, y, policy), strict=True):
        assert np.array_equal(before, after)


def test_bad_input():
    x, t, y = _randomised(17, 60)
    with pytest.raises(SchemaError, match="policy"):
        policy_value(y, t, x)
    with pytest.raises(SchemaError, match="baseline"):
        policy_difference(y, t, x > 0, np.full(60, 2))
    with pytest.raises(SchemaError, match="treated"):
        policy_value(y, np.ones(60), x > 0)
    with pytest.raises(SchemaError, match="treated"):
        policy_value(y, np.zeros(60), x > 0)
    with pytest.raises(SchemaError, match="propensity"):
        policy_value(y, t, x > 0, propensity=1.0)
    with pytest.raises(SchemaError, match="propensity"):
        policy_value(y, t, x > 0, propensity=np.r_[np.full(59, 0.5), 0.0])
    with pytest.raises(EstimationError, match="policy"):
        policy_value(y, t, (x > 0)[:-1])
    with pytest.raises(EstimationError, match="propensity"):
        policy_value(y, t, x > 0, propensity=np.full(59, 0.5))
    with pytest.raises(EstimationError, match="standard error is zero"):
        policy_difference(y, t, x > 0, x > 0)
