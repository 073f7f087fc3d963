"""Blank text is a missing label, and one group spelled several ways is refused, in triage.

A CSV export writes a missing cell as empty text. ``""`` in `y` used to become a class of its
own (a fitted model, cross-validation and the metrics counted it), and in the audit's `groups`
a group; ``"F"``, ``"F "`` and ``"f"`` were audited as three groups, two of them printed alike.
"""

from __future__ import annotations

import numpy as np
import pytest

import sparkus
from sparkus.triage import (
    LogisticReadinessModel,
    OrdinalReadinessModel,
    audit,
    confusion_matrix,
    cross_validate,
)


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    y = np.array(["resistant", "emerging", "ready", "highly_ready"], dtype=object)[
        np.digitize(X[:, 0] + 0.3 * rng.normal(size=60), [-0.7, 0.0, 0.7])
    ]
    return X, y


def _filled(y):
    """`y` with its blank labels read as 'ready' (to fit a model that `score` then checks)."""
    return np.array(["ready" if not v.strip() else v for v in y], dtype=object)


@pytest.mark.parametrize("blank", ["", "   "])
@pytest.mark.parametrize(
    "call",
    [lambda X, y: LogisticReadinessModel().fit(X, y),
     lambda X, y: OrdinalReadinessModel().fit(X, y),
     lambda X, y: cross_validate(LogisticReadinessModel(), X, y, k=3, rng=0),
     lambda X, y: confusion_matrix(y, y),
     lambda X, y: LogisticReadinessModel().fit(X, _filled(y)).score(X, y)],
    ids=["logistic", "ordinal", "cross_validate", "confusion_matrix", "score"],
)  # fmt: skip
def test_a_blank_label_is_missing_not_a_class(data, call, blank):
    """Rows with empty or white-space labels are named; no class '' is learned or counted."""
    X, y = data
    y = y.copy()
    y[[3, 7]] = blank
    with pytest.raises(sparkus.SchemaError) as caught:
        call(X, y)
    rows = [p.path[1] for p in caught.value.problems if len(p.path) == 2]
    assert rows == [3, 7]
    assert "blank label" in caught.value.problems[0].message


def test_audit_refuses_a_blank_group():
    """An empty group label names its row instead of forming a hidden group."""
    groups = np.array(["F", "M"] * 10, dtype=object)
    groups[4] = ""
    with pytest.raises(sparkus.SchemaError) as caught:
        audit(np.arange(20) % 3 == 0, groups)
    assert caught.value.problems[0].path == ("groups",)
    assert "holds the blank label '' in row 4" in caught.value.problems[0].message


@pytest.mark.parametrize(("one", "other"), [("F", "F "), ("F", "f"), ("\u00c9", "E\u0301")])
def test_audit_refuses_one_group_spelled_two_ways(one, other):
    """'F' and 'F ' (or 'f', or another Unicode form) are one group: refused, naming both.

    Named in ASCII escapes, so that two Unicode forms of one text do not print alike.
    """
    groups = np.array([one, "M"] * 10, dtype=object)
    groups[[0, 2, 4, 6, 8]] = other
    with pytest.raises(sparkus.SchemaError) as caught:
        audit(np.arange(20) % 3 == 0, groups)
    (problem,) = caught.value.problems
    assert problem.path == ("groups",)
    assert ascii(one) in problem.message
    assert ascii(other) in problem.message


def test_audit_keeps_distinct_groups():
    """Groups that differ in more than case or white space are audited as before."""
    groups = np.array(["F", "M", "X"] * 10)
    result = audit(np.arange(30) % 2 == 0, groups)
    assert sorted(result.counts) == ["F", "M", "X"]
