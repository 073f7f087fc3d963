"""Tests of ``policy_value`` without covariates: the outcome models are the groups' means.

References: the AIPW terms with the arm means as outcome models, computed here with numpy
(Robins, Sued, Lei-Gomez & Rotnitzky 2007, Statistical Science 22(4)); statsmodels'
``TreatmentEffect.aipw`` with intercept-only models; a constant outcome, whose value under any
policy is that constant.
"""

import math
import warnings

import numpy as np
import pytest

from sparkus.metrics import policy_difference, policy_value


def _sample(seed=21, n=300):
    rng = np.random.default_rng(seed)
    t = rng.random(n) < 0.4
    policy = rng.random(n) < 0.3
    y = 2.0 + t * policy + rng.normal(0.0, 1.0, n)
    return y, t, policy


@pytest.mark.parametrize("propensity", [None, 0.5, 0.25])
def test_a_constant_outcome_is_valued_at_that_constant(propensity):
    """Without `X`, a constant outcome (up to noise of 1e-9) is valued at the constant."""
    y, t, policy = _sample()
    rng = np.random.default_rng(0)
    constant = 7.0 + rng.normal(0.0, 1e-9, len(y))
    value = policy_value(constant, t, policy, propensity=propensity)
    assert value.estimate == pytest.approx(7.0, abs=1e-8)


@pytest.mark.parametrize("propensity", [None, 0.5])
def test_without_x_equals_aipw_with_the_group_means(propensity):
    """Without `X`, the value and SE are the AIPW ones with ``m1 = ȳ1``, ``m0 = ȳ0``."""
    y, t, policy = _sample(22)
    e = t.mean() if propensity is None else propensity
    m1, m0 = y[t].mean(), y[~t].mean()
    g1 = m1 + t * (y - m1) / e
    g0 = m0 + (1 - t) * (y - m0) / (1 - e)
    terms = np.where(policy, g1, g0)
    value = policy_value(y, t, policy, propensity=propensity)
    assert value.estimate == pytest.approx(terms.mean(), rel=1e-12)
    assert value.se == pytest.approx(terms.std() / math.sqrt(len(y)), rel=1e-10)
    diff = (policy.astype(float) - 0.0) * (g1 - g0)
    gain = policy_difference(y, t, policy, np.zeros(len(y)), propensity=propensity)
    assert gain.estimate == pytest.approx(diff.mean(), rel=1e-12)
    if propensity is None:
        _treat_all_and_none_are_statsmodels_aipw(y, t)


def _treat_all_and_none_are_statsmodels_aipw(y, t):
    """All treated, none treated and their difference against statsmodels' AIPW.

    ``TreatmentEffect(OLS(y, 1), t, results_select=Logit(t, 1)).aipw()`` fits the same
    intercept-only outcome models and the treated share as propensity; its standard error
    (GMM, counting the models' estimation) is not compared.
    """
    import statsmodels.api as sm
    from statsmodels.treatment.treatment_effects import TreatmentEffect

    ones = np.ones((len(y), 1))
    with warnings.catch_warnings():  # statsmodels' own GMM covariance warns; not compared
        warnings.simplefilter("ignore", RuntimeWarning)
        select = sm.Logit(t.astype(float), ones).fit(disp=0, tol=1e-12)
        model = TreatmentEffect(sm.OLS(y, ones), t.astype(int), results_select=select)
        ate, pom0, pom1 = model.aipw().effect
    everyone, no_one = np.ones(len(y)), np.zeros(len(y))
    assert policy_difference(y, t, everyone, no_one).estimate == pytest.approx(ate, rel=1e-9)
    assert policy_value(y, t, everyone).estimate == pytest.approx(pom1, rel=1e-9)
    assert policy_value(y, t, no_one).estimate == pytest.approx(pom0, rel=1e-9)


def test_shifting_the_outcome_shifts_the_value():
    """Without `X`, ``value(y + c) = value(y) + c`` with the same standard error."""
    y, t, policy = _sample(23)
    base = policy_value(y, t, policy, propensity=0.5)
    shifted = policy_value(y + 100.0, t, policy, propensity=0.5)
    assert shifted.estimate == pytest.approx(base.estimate + 100.0, rel=1e-12)
    assert shifted.se == pytest.approx(base.se, rel=1e-9)
