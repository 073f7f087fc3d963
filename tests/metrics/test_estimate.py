"""Tests of the Estimate result object: fields, printing, JSON, pickling and validation."""

import json
import pickle

import numpy as np
import pytest

from sparkus import EstimationError, SchemaError
from sparkus.metrics import ConfidenceInterval, Estimate, icc, welch_ttest

X = [5.1, 6.0, 6.3, 7.2, 5.9, 6.6]
Y = [4.2, 5.0, 4.4, 5.1, 4.8, 5.5, 4.9]


def test_fields_follow_the_design():
    """An Estimate has the estimate, se, ci with its level, pvalue, statistic, df, n, method."""
    r = welch_ttest(X, Y, level=0.9)
    assert isinstance(r, Estimate)
    assert isinstance(r.ci, ConfidenceInterval)
    assert r.ci.low < r.estimate < r.ci.high
    assert r.level == 0.9
    assert r.n == 13
    assert r.method == "Welch's t-test"
    assert r.statistic == pytest.approx(r.estimate / r.se)
    assert r.df is not None
    assert r.ci_method == "t"
    assert r.null == 0.0
    assert r.n_clusters is None


def test_repr_summary_and_html():
    """The repr is one line with n and the headline; summary and HTML show every quantity."""
    r = welch_ttest(X, Y)
    assert repr(r).startswith("Estimate(n=13, estimate=1.")
    assert "\n" not in repr(r)
    text = r.summary()
    for label in ("estimate", "standard error", "95% CI (t)", "statistic", "df", "p-value", "n"):
        assert label in text
    assert "<table>" in r._repr_html_()
    assert "Welch" in r._repr_html_()
    pair = icc(np.repeat([1.0, 2.0, 4.0], 3) + np.tile([0.0, 0.5, 1.0], 3), np.repeat([0, 1, 2], 3))
    assert "clusters" in pair.summary()


def test_to_dict_is_json_and_pickle_round_trips():
    """to_dict() gives JSON with the interval as a pair; the result pickles with its interval."""
    r = welch_ttest(X, Y)
    data = json.loads(json.dumps(r.to_dict()))
    assert data["ci"] == [r.ci.low, r.ci.high]
    assert data["level"] == 0.95
    assert "_interval" not in data
    assert "interval" not in data
    again = pickle.loads(pickle.dumps(r))
    assert again.confidence_interval(0.8) == r.confidence_interval(0.8)


def test_confidence_interval_recomputes_and_validates():
    """confidence_interval(level) reproduces ci at its level, narrows with it, checks level."""
    r = welch_ttest(X, Y)
    assert r.confidence_interval(0.95) == r.ci
    narrow = r.confidence_interval(0.5)
    assert r.ci.low < narrow.low < narrow.high < r.ci.high
    with pytest.raises(SchemaError, match="level"):
        r.confidence_interval(1.5)


_FIELDS = {"estimate": 1.0, "se": 0.1, "ci": ConfidenceInterval(0.8, 1.2), "level": 0.95,
           "pvalue": 0.01, "n": 10, "method": "by hand"}  # fmt: skip


@pytest.mark.parametrize(
    ("field", "value"),
    [("level", 0.0), ("ci", (0.8, 1.2)), ("ci", ConfidenceInterval(1.2, 0.8)),
     ("ci", ConfidenceInterval(float("nan"), 1.0)), ("estimate", float("inf")),
     ("estimate", "1.0"), ("se", -0.1), ("pvalue", 1.5), ("n", 0), ("n", 2.5), ("n", True),
     ("method", None), ("measure", "risk"), ("df", -1.0), ("n_clusters", 0),
     ("statistic", float("nan"))],
)  # fmt: skip
def test_construction_is_validated(field, value):
    """Every field of a hand-made Estimate is checked: a SchemaError naming the field (an
    interval that is not a ConfidenceInterval was a bare TypeError)."""
    with pytest.raises(SchemaError, match=field):
        Estimate(**{**_FIELDS, field: value})


def test_an_estimate_made_by_hand_has_no_other_interval():
    """Its interval at another level is an EstimationError (it was NotImplementedError)."""
    manual = Estimate(**_FIELDS)
    with pytest.raises(EstimationError, match="by hand"):
        manual.confidence_interval(0.9)


def test_result_is_frozen():
    """Fields cannot be reassigned."""
    r = welch_ttest(X, Y)
    with pytest.raises(AttributeError):
        r.estimate = 0.0  # type: ignore[misc]
