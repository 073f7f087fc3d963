"""Rows that belong together: every metrics door that pairs rows aligns pandas inputs by index.

Each door is called twice on the same data: once with numpy arrays in one row order, once with
pandas inputs whose rows are shuffled, each input in its own order but with the same labels. The
results must be equal, since the rows are the same. Before the fix, the shuffled call paired
rows by position and returned other numbers (statsmodels refuses such input). Indexes that hold
different labels are refused with a SchemaError naming both inputs.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import polars as pl
import pytest
from numpy.testing import assert_allclose

from sparkus import SchemaError, SparkusWarning
from sparkus.metrics import (
    PropensityModel,
    aipw,
    ancova,
    bootstrap,
    did,
    fixed_effect,
    icc,
    ipw,
    ols,
    overlap,
    paired_dz,
    paired_ttest,
    random_effects,
    subgroup_effects,
)

N = 80
_rng = np.random.default_rng(12)
X1 = _rng.normal(0.0, 1.0, N)
X2 = _rng.normal(0.0, 1.0, N)
TREATED = _rng.random(N) < 1.0 / (1.0 + np.exp(-0.5 * X1))
TREATED[:4] = [True, False, True, False]
POST = np.arange(N) % 2 == 1
PRE = _rng.normal(3.0, 1.0, N)
Y = 1.0 + 0.5 * TREATED + 0.3 * POST + 0.8 * X1 + 0.4 * X2 + _rng.normal(0.0, 1.0, N)
AFTER = 0.5 + 0.8 * PRE + 0.4 * TREATED + _rng.normal(0.0, 0.5, N)
GROUPS = np.where(np.arange(N) % 2 == 0, "Sales", "Finance")
CLUSTER = np.arange(N) // 2
LABELS = [f"p{i}" for i in range(N)]


_STRANGER = {"at": -1, "made": 0}
"""When the ``made``-th pandas input made is number ``at``, its label ``p0`` becomes
``stranger`` (a label the other inputs lack)."""


def _index(order):
    labels = [LABELS[i] for i in order]
    if _STRANGER["made"] == _STRANGER["at"]:
        labels = ["stranger" if label == LABELS[0] else label for label in labels]
    _STRANGER["made"] += 1
    return labels


def _series(values, order):
    """`values` as a Series labelled ``p0..``, its rows in the given `order`."""
    return pd.Series(np.asarray(values)[order], index=_index(order))


def _frame(columns, order):
    return pd.DataFrame({k: np.asarray(v)[order] for k, v in columns.items()}, index=_index(order))


def _orders(k):
    """`k` different row orders, the first the identity."""
    rng = np.random.default_rng(k)
    return [np.arange(N), *(rng.permutation(N) for _ in range(k - 1))]


def _value(result):
    if hasattr(result, "params"):
        return np.asarray(result.params)
    if hasattr(result, "coef_"):
        return np.r_[result.intercept_, result.coef_]
    if hasattr(result, "smd_after"):
        return np.r_[result.smd_before, result.smd_after]
    if hasattr(result, "estimates"):
        return np.array([e.estimate for e in result.estimates.values()])
    return np.r_[result.estimate, result.ci]


def _quiet(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SparkusWarning)
        return call()


# name, call with numpy inputs, call with pandas inputs in the given orders, number of inputs
DOORS = {
    "ols": (
        lambda: ols(Y, {"x1": X1, "x2": X2}),
        lambda o: ols(_series(Y, o[0]), _frame({"x1": X1, "x2": X2}, o[1])),
        2,
    ),
    "ols dict of Series": (
        lambda: ols(Y, {"x1": X1, "x2": X2}),
        lambda o: ols(_series(Y, o[0]), {"x1": _series(X1, o[1]), "x2": _series(X2, o[2])}),
        3,
    ),
    "ols clusters": (
        lambda: ols(Y, {"x1": X1}, clusters=CLUSTER),
        lambda o: ols(_series(Y, o[0]), _frame({"x1": X1}, o[1]), clusters=_series(CLUSTER, o[2])),
        3,
    ),
    "ancova": (
        lambda: ancova(AFTER, PRE, TREATED, covariates={"x1": X1}),
        lambda o: ancova(
            _series(AFTER, o[0]),
            _series(PRE, o[1]),
            _series(TREATED, o[2]),
            covariates=_frame({"x1": X1}, o[3]),
        ),
        4,
    ),
    "did": (
        lambda: did(Y, TREATED, POST, clusters=CLUSTER),
        lambda o: did(
            _series(Y, o[0]),
            _series(TREATED, o[1]),
            _series(POST, o[2]),
            clusters=_series(CLUSTER, o[3]),
        ),
        4,
    ),
    "ipw": (
        lambda: ipw(Y, TREATED, {"x1": X1}),
        lambda o: ipw(_series(Y, o[0]), _series(TREATED, o[1]), _frame({"x1": X1}, o[2])),
        3,
    ),
    "aipw": (
        lambda: aipw(Y, TREATED, {"x1": X1}),
        lambda o: aipw(_series(Y, o[0]), _series(TREATED, o[1]), _frame({"x1": X1}, o[2])),
        3,
    ),
    "overlap": (
        lambda: overlap(TREATED, {"x1": X1}),
        lambda o: overlap(_series(TREATED, o[0]), _frame({"x1": X1}, o[1])),
        2,
    ),
    "PropensityModel.fit": (
        lambda: PropensityModel().fit({"x1": X1}, TREATED),
        lambda o: PropensityModel().fit(_frame({"x1": X1}, o[0]), _series(TREATED, o[1])),
        2,
    ),
    "subgroup_effects": (
        lambda: subgroup_effects(AFTER, TREATED, GROUPS, pre=PRE),
        lambda o: subgroup_effects(
            _series(AFTER, o[0]),
            _series(TREATED, o[1]),
            _series(GROUPS, o[2]),
            pre=_series(PRE, o[3]),
        ),
        4,
    ),
    "paired_ttest": (
        lambda: paired_ttest(PRE, AFTER),
        lambda o: paired_ttest(_series(PRE, o[0]), _series(AFTER, o[1])),
        2,
    ),
    "paired_dz": (
        lambda: paired_dz(PRE, AFTER),
        lambda o: paired_dz(_series(PRE, o[0]), _series(AFTER, o[1])),
        2,
    ),
    "icc": (
        lambda: icc(Y, CLUSTER // 4),
        lambda o: icc(_series(Y, o[0]), _series(CLUSTER // 4, o[1])),
        2,
    ),
    "fixed_effect": (
        lambda: fixed_effect(X1, np.exp(X2)),
        lambda o: fixed_effect(_series(X1, o[0]), _series(np.exp(X2), o[1])),
        2,
    ),
    "random_effects": (
        lambda: random_effects(X1, np.exp(X2)),
        lambda o: random_effects(_series(X1, o[0]), _series(np.exp(X2), o[1])),
        2,
    ),
    "bootstrap paired": (
        lambda: bootstrap(
            (PRE, AFTER), _mean_change, paired=True, n_resamples=200, method="percentile", rng=1
        ),
        lambda o: bootstrap(
            (_series(PRE, o[0]), _series(AFTER, o[1])),
            _mean_change,
            paired=True,
            n_resamples=200,
            method="percentile",
            rng=1,
        ),
        2,
    ),
    "bootstrap clusters": (
        lambda: bootstrap(
            (Y,), np.mean, clusters=CLUSTER // 2, n_resamples=200, method="percentile", rng=1
        ),
        lambda o: bootstrap(
            (_series(Y, o[0]),),
            np.mean,
            clusters=_series(CLUSTER // 2, o[1]),
            n_resamples=200,
            method="percentile",
            rng=1,
        ),
        2,
    ),
}


def _mean_change(pre, post, axis=-1):
    return np.mean(post - pre, axis=axis)


@pytest.mark.parametrize("name", list(DOORS))
def test_pandas_inputs_are_paired_by_index_not_position(name):
    """Inputs in different row orders give the result of the same rows in numpy arrays."""
    plain, indexed, k = DOORS[name]
    expected = _value(_quiet(plain))
    shuffled = _value(_quiet(lambda: indexed(_orders(k))))
    # the first input keeps its order, so the result is the same rows in the same order
    assert_allclose(shuffled, expected, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", list(DOORS))
def test_indexes_with_other_labels_are_refused_naming_both(name):
    """An index that does not hold the first input's labels is a SchemaError, never a guess."""
    _, indexed, k = DOORS[name]
    _STRANGER.update(at=k - 1, made=0)  # the last input has a label the others lack
    try:
        with pytest.raises(SchemaError) as info:
            _quiet(lambda: indexed([np.arange(N)] * k))
    finally:
        _STRANGER.update(at=-1, made=0)
    text = str(info.value)
    for expected in ("'stranger'", "'p0'", "index"):
        assert expected in text


def test_polars_table_keeps_its_column_names():
    """A polars DataFrame of regressors is read by column name, like a pandas one."""
    table = pl.DataFrame({"hours": X1, "tenure": X2})
    fit = ols(Y, table)
    assert fit.names == ("intercept", "hours", "tenure")
    assert_allclose(fit.params, ols(Y, {"hours": X1, "tenure": X2}).params)
    model = PropensityModel().fit(table.select("hours"), TREATED)
    assert model.feature_names_in_ == ("hours",)
    assert_allclose(model.predict_proba(table.select("hours")), model.predict_proba({"hours": X1}))
