"""Tests of ``qini``: scikit-uplift's Qini and uplift curves and their normalised areas.

Provenance: scikit-uplift 0.5.1 (``sklift.metrics``: ``qini_curve``, ``uplift_curve``,
``qini_auc_score`` with its default ``negative_effect=True``, ``uplift_auc_score``), run live on
the same data in these tests; and a hand computation of those definitions on four people
(``test_qini_by_hand``), worked in its docstring.
"""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from sparkus import EstimationError, SchemaError
from sparkus.metrics import QiniResult, qini


def _sklift(y, t, s):
    """scikit-uplift's curves and scores (it warns about a deprecated scikit-learn helper)."""
    from sklift import metrics as m

    y, t = np.asarray(y, dtype=int), np.asarray(t, dtype=int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return (
            m.qini_curve(y, s, t),
            m.uplift_curve(y, s, t),
            m.qini_auc_score(y, s, t),
            m.uplift_auc_score(y, s, t),
        )


def _data(seed, n, rounding=None):
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, 1.0, n)
    t = rng.random(n) < 0.5
    y = rng.random(n) < 0.25 + 0.2 * t * (x > 0) - 0.1 * t * (x < -1)
    score = x + rng.normal(0.0, 0.5, n)
    if rounding is not None:  # ties: people with the same score enter together
        score = np.round(score, rounding)
    return y, t, score


@pytest.mark.parametrize(("seed", "n", "rounding"), [(1, 500, None), (2, 200, 1), (3, 50, 0),
                                                     (4, 1000, 2), (5, 31, None)])  # fmt: skip
def test_qini_equals_scikit_uplift(seed, n, rounding):
    y, t, score = _data(seed, n, rounding)
    result = qini(y, t, score)
    (qx, qv), (ux, uv), q_auc, u_auc = _sklift(y, t, score)
    assert_allclose(result.targeted, qx, rtol=0, atol=0)
    assert_allclose(result.targeted, ux, rtol=0, atol=0)
    assert_allclose(result.qini_curve, qv, rtol=0, atol=1e-9)
    assert_allclose(result.uplift_curve, uv, rtol=0, atol=1e-9)
    assert abs(result.coefficient - q_auc) <= 1e-9
    assert abs(result.uplift_auc - u_auc) <= 1e-9


def test_qini_by_hand():
    """Four people, y = (1, 0, 1, 0), treated = (1, 1, 0, 0), scores 4, 3, 2, 1.

    Qini curve at k = 0..4: 0, 1, 1, 1 - 1 * 2/1 = -1, 1 - 1 * 2/2 = 0; trapezoid area 1, the
    random line ends at 0. Perfect Qini ranking (score y t - y (1 - t) = 1, 0, -1, 0: rows 2
    and 4 tie) has points (0, 0), (1, 1), (3, 1), (4, 0), area 3: coefficient 1/3.
    Uplift curve: 0, 1, (1/2 - 0) 2 = 1, (1/2 - 1) 3 = -1.5, 0, area 0.5. Perfect uplift
    ranking (1 control responder, 1 treated non-responder, so the summand is t: scores 3, 1,
    0, 2) has points 0, 1, 2, 1.5, 0, area 4.5: uplift AUC 1/9.
    """
    result = qini([1, 0, 1, 0], [1, 1, 0, 0], [4.0, 3.0, 2.0, 1.0])
    assert_allclose(result.targeted, [0, 1, 2, 3, 4])
    assert_allclose(result.qini_curve, [0, 1, 1, -1, 0], atol=1e-15)
    assert_allclose(result.uplift_curve, [0, 1, 1, -1.5, 0], atol=1e-15)
    assert result.coefficient == pytest.approx(1 / 3, abs=1e-15)
    assert result.uplift_auc == pytest.approx(1 / 9, abs=1e-15)
    assert (result.n, result.n_treated) == (4, 2)


def test_perfect_score_has_coefficient_one():
    y, t, _ = _data(6, 300)
    yf, tf = y.astype(float), t.astype(float)
    assert qini(y, t, yf * tf - yf * (1 - tf)).coefficient == pytest.approx(1.0, abs=1e-12)


def test_result_is_frozen_and_reads():
    y, t, score = _data(7, 100)
    result = qini(y, t, score)
    assert isinstance(result, QiniResult)
    with pytest.raises(AttributeError):
        result.coefficient = 0.0  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        result.qini_curve[0] = 1.0
    assert repr(result).startswith("QiniResult(coefficient=")
    assert "Qini coefficient" in result.summary()
    assert result.to_dict()["n"] == 100


def test_inputs_not_mutated_and_pandas_accepted():
    pd = pytest.importorskip("pandas")
    y, t, score = _data(8, 80)
    copies = (y.copy(), t.copy(), score.copy())
    first = qini(y, t, score)
    for before, after in zip(copies, (y, t, score), strict=True):
        assert np.array_equal(before, after)
    second = qini(pd.Series(y), pd.Series(t), pd.Series(score))
    assert second.coefficient == first.coefficient


def test_plot_draws_both_curves():
    import matplotlib as mpl

    mpl.use("Agg")
    import matplotlib.pyplot as plt

    y, t, score = _data(9, 120)
    result = qini(y, t, score)
    fig, ax = plt.subplots()
    try:
        assert result.plot(ax) is ax
        assert len(ax.lines) == 2
        result.plot(ax, curve="uplift")
        assert_allclose(ax.lines[2].get_ydata(), result.uplift_curve)
        with pytest.raises(SchemaError, match="curve"):
            result.plot(ax, curve="gain")
    finally:
        plt.close(fig)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(8, 60), data=st.data())
def test_order_and_monotone_transforms_do_not_matter(seed, n, data):
    y, t, score = _data(seed, n, rounding=1)
    if min(t.sum(), n - t.sum()) < 2 or y.all() or not y.any():
        return
    order = np.random.default_rng(data.draw(st.integers(0, 99))).permutation(n)
    try:
        base = qini(y, t, score)
    except EstimationError:  # no ranking beats random (y = t, say): refused in any order
        with pytest.raises(EstimationError, match="random line"):
            qini(y[order], t[order], score[order])
        return
    shuffled = qini(y[order], t[order], score[order])
    stretched = qini(y, t, np.exp(score) * 3.0 + 1.0)
    for other in (shuffled, stretched):
        assert_allclose(other.qini_curve, base.qini_curve, atol=1e-12)
        assert other.coefficient == pytest.approx(base.coefficient, abs=1e-12)
        assert other.uplift_auc == pytest.approx(base.uplift_auc, abs=1e-12)


def test_bad_input():
    y, t, score = _data(10, 40)
    with pytest.raises(SchemaError, match="treated"):
        qini(y, np.ones(40), score)
    with pytest.raises(SchemaError, match="treated"):
        qini(y, np.zeros(40), score)
    with pytest.raises(SchemaError, match="y"):
        qini(np.arange(40.0), t, score)
    # a constant outcome: no responders, or only responders (which gave a coefficient of 0
    # and an uplift AUC of -0.25 where scikit-uplift 0.5.1 refuses a y that is not binary)
    with pytest.raises(EstimationError, match="no y is 1"):
        qini(np.zeros(40), t, score)
    with pytest.raises(EstimationError, match="every y is 1"):
        qini(np.ones(40), t, score)
    with pytest.raises(EstimationError, match="score"):
        qini(y, t, score[:-1])
