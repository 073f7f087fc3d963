"""Tests of the E-value and the robustness value against published examples and closed forms.

Provenance:

- E-value: VanderWeele & Ding (2017), Annals of Internal Medicine 167(4), 268-274: a risk
  ratio of 3.9 (95% CI 1.8 to 8.7) has E-value 7.26, and its lower limit 3.0. Other values are
  the paper's closed form ``RR + sqrt(RR (RR - 1))`` and its Table 2 conversions, evaluated by
  hand in the comments.
- Robustness value: Cinelli & Hazlett (2020), JRSS-B 82(1), 39-67, the Darfur example
  (``directlyharmed``: t = 4.18445 with 783 residual d.f., as printed by their sensemakr
  package): partial R² 2.19%, RV_{q=1} 13.88%, RV_{q=1,alpha=0.05} 7.63%.
- The OLS case is pinned against statsmodels 0.15.0: ``sm.OLS(y, sm.add_constant(
  np.column_stack([d, x]))).fit()`` on ``sens_data()`` gives ``tvalues[1] = 3.417484999642948``
  with ``df_resid = 197``; the partial R² is also the squared correlation of the residuals of
  y and d on ``add_constant(x)`` (Frisch-Waugh-Lovell), 0.05596726225915412; the robustness
  values follow from the paper's formulas with scipy's t quantile.
"""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy import stats

from sparkus import SchemaError
from sparkus.metrics import (
    ConfidenceInterval,
    Estimate,
    EValue,
    RobustnessValue,
    ancova,
    e_value,
    hedges_g,
    ols,
    paired_ttest,
    robustness_value,
    welch_ttest,
)

# -- E-value -----------------------------------------------------------------------------------


def test_e_value_published_example():
    """RR 3.9 (1.8 to 8.7) has E-value 7.26 and 3.0 for the CI (VanderWeele & Ding 2017)."""
    result = e_value(3.9, (1.8, 8.7))
    assert isinstance(result, EValue)
    assert round(result.e_value, 2) == 7.26
    assert_allclose(result.e_value, 3.9 + math.sqrt(3.9 * 2.9), rtol=1e-15)
    assert result.e_value_ci == pytest.approx(3.0, rel=1e-15)  # 1.8 + sqrt(1.8 * 0.8)
    assert "E-value" in result.summary()


def test_e_value_protective_and_null_interval():
    """A risk ratio below 1 uses its inverse and the upper limit; a CI holding 1 gives 1."""
    result = e_value(0.8, (0.71, 0.91))
    assert_allclose(result.e_value, 1.25 + math.sqrt(1.25 * 0.25))  # 1/0.8 = 1.25
    inverse = 1.0 / 0.91
    assert_allclose(result.e_value_ci, inverse + math.sqrt(inverse * (inverse - 1.0)))
    assert e_value(1.3, (0.9, 1.8)).e_value_ci == 1.0
    assert e_value(1.0).e_value == 1.0
    assert e_value(2.0).e_value_ci is None


def test_e_value_conversions():
    """OR and HR of common outcomes and SMDs convert as in VanderWeele & Ding, Table 2."""
    common_or = e_value(4.0, measure="OR", common_outcome=True)
    assert common_or.risk_ratio == pytest.approx(2.0)  # sqrt(4)
    assert common_or.e_value == pytest.approx(2.0 + math.sqrt(2.0))
    assert e_value(4.0, measure="OR").risk_ratio == 4.0  # rare outcome: RR ~ OR
    common_hr = e_value(2.0, measure="HR", common_outcome=True)
    # (1 - 0.5**sqrt(2)) / (1 - 0.5**sqrt(1/2)), evaluated with numpy
    assert_allclose(common_hr.risk_ratio, 1.612547326536066, rtol=1e-12)
    smd = e_value(0.5, (0.3, 0.7), measure="SMD")
    assert_allclose(smd.risk_ratio, math.exp(0.91 * 0.5))
    # for an interval d +- 1.96 se the paper's limits are exp(0.91 d -+ 1.78 se)
    se = 0.2 / 1.959963984540054
    assert_allclose(smd.ci_risk_ratio, (math.exp(0.91 * 0.5 - 0.91 * 1.959963984540054 * se),
                                        math.exp(0.91 * 0.5 + 0.91 * 1.959963984540054 * se)))  # fmt: skip
    assert smd.conversion.startswith("a standardised mean difference")


def test_e_value_of_an_estimate_uses_its_interval():
    """An Estimate (here Hedges' g) brings its own interval."""
    g = hedges_g([5.1, 6.0, 6.3, 7.2, 5.9, 6.6], [4.2, 5.0, 4.4, 5.1, 4.8, 5.5])
    result = e_value(g, measure="SMD")
    assert result.estimate == g.estimate
    assert_allclose(result.ci_risk_ratio, [math.exp(0.91 * v) for v in g.ci])


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [((-1.0,), {}, "positive ratio"), ((2.0, (2.5, 3.0)), {}, "low <= estimate"),
     ((2.0,), {"measure": "RD"}, "measure"), ((2.0, (1.0,)), {}, "pair"),
     ((2.0,), {"common_outcome": "yes"}, "common_outcome"), ((0.0,), {}, "positive ratio")],
)  # fmt: skip
def test_e_value_bad_input(args, kwargs, match):
    """Non-positive ratios, an interval missing the estimate and unknown options are refused."""
    with pytest.raises(SchemaError, match=match):
        e_value(*args, **kwargs)


@given(st.floats(0.01, 100.0), st.floats(0.01, 100.0))
def test_e_value_is_symmetric_and_monotone(rr, other):
    """E(RR) = E(1/RR), E >= RR (or 1/RR), and E grows with the distance from 1."""
    e = e_value(rr).e_value
    assert e == pytest.approx(e_value(1.0 / rr).e_value, rel=1e-9)
    assert e >= max(rr, 1.0 / rr) - 1e-12
    if max(rr, 1 / rr) < max(other, 1 / other):
        assert e <= e_value(other).e_value + 1e-12


_COACHED = [5.1, 6.0, 6.3, 7.2, 5.9, 6.6]
_OTHERS = [4.2, 5.0, 4.4, 5.1, 4.8, 5.5]


def test_e_value_of_a_standardised_difference_needs_measure_smd():
    """An Estimate of Hedges' g is not read as a risk ratio (it was): without `measure` it is
    refused, naming `measure` and the conversion it would take."""
    g = hedges_g(_COACHED, _OTHERS)
    assert g.measure == "SMD"
    with pytest.raises(SchemaError, match=r"measure.*standardised mean difference.*SMD"):
        e_value(g)
    for ratio in ("RR", "OR", "HR"):
        with pytest.raises(SchemaError, match="measure"):
            e_value(g, measure=ratio)


def test_e_value_converts_an_smd_only_when_asked_and_says_how():
    """measure='SMD' converts d and its interval by RR = exp(0.91 d) (VanderWeele & Ding 2017),
    and the result says so."""
    g = hedges_g(_COACHED, _OTHERS)
    result = e_value(g, measure="SMD")
    rr = math.exp(0.91 * g.estimate)
    assert result.risk_ratio == pytest.approx(rr, rel=1e-15)
    assert result.e_value == pytest.approx(rr + math.sqrt(rr * (rr - 1.0)), rel=1e-15)
    assert_allclose(result.ci_risk_ratio, [math.exp(0.91 * v) for v in g.ci], rtol=1e-15)
    assert "exp(0.91 d)" in result.conversion
    assert "VanderWeele & Ding 2017" in result.conversion
    assert result.measure == "SMD"


@pytest.mark.parametrize(
    "make",
    [
        lambda: welch_ttest(_COACHED, _OTHERS),
        lambda: paired_ttest(_OTHERS, _COACHED),
        lambda: ancova(np.r_[_COACHED, _OTHERS], np.r_[_OTHERS, _COACHED], [1] * 6 + [0] * 6),
    ],
    ids=["welch_ttest", "paired_ttest", "ancova"],
)
def test_e_value_refuses_a_difference_on_the_outcome_scale(make):
    """A difference of means is no ratio and no standardised difference: refused, naming
    `estimate` and what to pass instead, whatever the measure."""
    estimate = make()
    assert estimate.measure == "difference"
    for measure in (None, "RR", "SMD"):
        with pytest.raises(SchemaError, match=r"estimate.*outcome's own scale"):
            e_value(estimate, measure=measure)


def test_e_value_of_an_estimate_without_a_measure_needs_one():
    """An Estimate that carries no measure (made by hand) needs `measure` said explicitly;
    one that carries a ratio is used as it is."""
    fields = {"se": 0.1, "ci": ConfidenceInterval(1.5, 2.6), "level": 0.95, "pvalue": 0.01,
              "n": 100, "method": "a published risk ratio"}  # fmt: skip
    bare = Estimate(estimate=2.0, **fields)
    with pytest.raises(SchemaError, match="measure"):
        e_value(bare)
    assert e_value(bare, measure="RR").e_value == pytest.approx(2.0 + math.sqrt(2.0))
    carried = Estimate(estimate=2.0, measure="RR", **fields)
    assert e_value(carried).e_value == pytest.approx(2.0 + math.sqrt(2.0))


@pytest.mark.parametrize(
    ("value", "measure", "name"),
    [(1e308, "RR", "estimate"), (1e-308, "RR", "estimate"), (800.0, "SMD", "estimate"),
     (-800.0, "SMD", "estimate")],
)  # fmt: skip
def test_e_value_beyond_the_float_range_is_refused_with_the_range(value, measure, name):
    """An E-value that would exceed 1.8e308 is a SchemaError naming the parameter and range."""
    with pytest.raises(SchemaError, match=rf"{name}.*(at most|range)"):
        e_value(value, measure=measure)


@given(st.floats(5e-324, 1.7e308), st.sampled_from(["RR", "OR", "HR"]), st.booleans())
def test_e_value_over_the_float_range(rr, measure, common):
    """Any positive finite ratio gives a finite E-value of at least 1, or a typed error."""
    try:
        result = e_value(rr, measure=measure, common_outcome=common)
    except SchemaError as error:
        message = str(error)
    else:
        message = ""
        assert math.isfinite(result.e_value)
        assert result.e_value >= 1.0
    if message:
        assert "estimate" in message


# -- robustness value --------------------------------------------------------------------------


def test_robustness_value_darfur():
    """The Darfur example: partial R² 2.19%, RV 13.88%, RV_alpha 7.63% (Cinelli & Hazlett)."""
    rv = RobustnessValue.from_statistic(4.18445, 783, term="directlyharmed")
    assert round(100 * rv.partial_r2, 2) == 2.19
    assert round(100 * rv.rv_q, 2) == 13.88
    assert round(100 * rv.rv_qa, 2) == 7.63
    assert rv.q == 1.0
    assert rv.alpha == 0.05
    assert "directlyharmed" in rv.summary()


def sens_data(n=200):
    """Seeded data of the tests' own: a binary treatment selected on x."""
    rng = np.random.default_rng(42)
    x = rng.normal(size=n)
    d = (rng.random(n) < 1 / (1 + np.exp(-x))).astype(float)
    y = 0.4 * d + x + rng.normal(size=n)
    return x, d, y


def test_robustness_value_of_an_ols_fit():
    """From an OLS fit: t and df as statsmodels, partial R² as Frisch-Waugh-Lovell."""
    x, d, y = sens_data()
    fit = ols(y, {"d": d, "x": x}, cov="nonrobust")
    rv = robustness_value(fit, "d")
    assert_allclose(rv.statistic, 3.417484999642948, rtol=1e-10)
    assert rv.df == 197
    assert_allclose(rv.partial_r2, 0.05596726225915412, rtol=1e-10)
    f = 3.417484999642948 / math.sqrt(197)
    assert_allclose(rv.rv_q, 0.5 * (math.sqrt(f**4 + 4 * f**2) - f**2), rtol=1e-10)
    fa = f - abs(stats.t.ppf(0.025, 196)) / math.sqrt(196)
    assert_allclose(rv.rv_qa, 0.5 * (math.sqrt(fa**4 + 4 * fa**2) - fa**2), rtol=1e-10)
    assert rv.estimate == fit.params[1]


def test_robustness_value_needs_classical_se():
    """A robust fit, an unknown term or a non-OLS result is a SchemaError saying what to do."""
    x, d, y = sens_data()
    with pytest.raises(SchemaError, match="cov='nonrobust'"):
        robustness_value(ols(y, {"d": d, "x": x}), "d")
    fit = ols(y, {"d": d, "x": x}, cov="nonrobust")
    with pytest.raises(SchemaError, match="term"):
        robustness_value(fit, "z")
    with pytest.raises(SchemaError, match="OLSResult"):
        robustness_value(fit.term("d"), "d")  # type: ignore[arg-type]
    with pytest.raises(SchemaError, match="q"):
        robustness_value(fit, "d", q=0.0)
    with pytest.raises(SchemaError, match="df"):
        RobustnessValue.from_statistic(2.0, 1)


def test_robustness_value_edge_cases():
    """Not significant gives RV_alpha 0; an extreme t uses the non-binding formula."""
    weak = RobustnessValue.from_statistic(1.0, 100)
    assert weak.rv_qa == 0.0
    assert weak.rv_q > 0.0
    strong = RobustnessValue.from_statistic(10.0, 3)
    # f_q = 10/sqrt(3) > 1/f_crit: (f_q² - f_crit²) / (1 + f_q²), by hand with scipy's quantile
    assert_allclose(strong.rv_qa, 0.7012696041822256, rtol=1e-10)


def _adjusted_t(t, df, r2dz, r2yz, q=1.0):
    """Cinelli & Hazlett's adjusted estimate / adjusted SE, on the scale se = 1."""
    bias = math.sqrt(df) * math.sqrt(r2yz * r2dz / (1 - r2dz))
    se = math.sqrt((1 - r2yz) / (1 - r2dz)) * math.sqrt(df / (df - 1))
    return (abs(t) - bias) / se, bias / abs(t)


@given(st.floats(2.5, 30.0), st.integers(20, 5000), st.floats(0.2, 1.0))
def test_robustness_values_solve_their_defining_equations(t, df, q):
    """At r2 = RV_q the bias is q|estimate|; at RV_{q,alpha} the adjusted t is critical."""
    rv = RobustnessValue.from_statistic(t, df, q=q)
    _, share = _adjusted_t(t, df, rv.rv_q, rv.rv_q)
    assert share == pytest.approx(q, rel=1e-9)
    f_q = q * t / math.sqrt(df)
    f_crit = stats.t.ppf(0.975, df - 1) / math.sqrt(df - 1)
    if f_q > f_crit and f_q <= 1 / f_crit:
        # the estimate reduced by (1 - q) is tested: t of (estimate - bias) where the
        # confounder removes q of it plus the rest down to the critical value
        target = (1 - q) * t
        bias = math.sqrt(df) * math.sqrt(rv.rv_qa**2 / (1 - rv.rv_qa))
        se = math.sqrt((1 - rv.rv_qa) / (1 - rv.rv_qa)) * math.sqrt(df / (df - 1))
        adjusted = (t - target - bias) / se
        assert adjusted == pytest.approx(stats.t.ppf(0.975, df - 1), rel=1e-7)
