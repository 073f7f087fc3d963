"""pandas rows and frame columns are paired by their labels in dosage, the rubric and metrics.

``DosagePolicy.dose(readiness, level)`` used to pair two pandas Series by position whatever
their indexes said, so a person got another person's organisational extra; the rubric read a
data frame whose text columns were none of the instrument's items by position, scoring answers
against the wrong items; the metrics read a data frame of probabilities whose columns named
the classes in another order by position (an AUC of 1 came out as 0).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sparkus import SchemaError
from sparkus.model import Level
from sparkus.triage import (
    DosagePolicy,
    ReadinessLevel,
    RubricClassifier,
    brier_score,
    default_instrument,
    evaluate,
    roc_auc_ovr,
)

_POLICY = DosagePolicy(level_extra={Level.EXECUTIVE: 3, Level.MANAGER: 1})


@given(
    st.lists(st.tuples(st.integers(-1, 3), st.integers(0, len(Level) - 1)), min_size=1,
             max_size=30),
    st.randoms(use_true_random=False),
)  # fmt: skip
def test_dose_pairs_pandas_rows_by_label(people, random):
    """Permuting either Series' rows (labels kept) gives each label the same dose; the result
    follows the readiness Series' order, as a hand computation per person says."""
    labels = [f"p{i}" for i in range(len(people))]
    readiness = pd.Series([r for r, _ in people], index=labels)
    level = pd.Series([lv for _, lv in people], index=labels)
    order = list(range(len(people)))
    random.shuffle(order)
    sessions, share = _POLICY.dose(readiness, level.iloc[order])
    for i, (r, lv) in enumerate(people):  # by hand: the level's sessions, plus the extra
        base = 0 if r < 0 else _POLICY.sessions[list(ReadinessLevel)[r]]
        extra = _POLICY.level_extra.get(list(Level)[lv], 0)
        assert sessions[i] == (base + extra if base else 0)
        assert share[i] == (0.0 if r < 0 else _POLICY.reflection_share[list(ReadinessLevel)[r]])
    again, _ = _POLICY.dose(readiness.iloc[order], level)
    assert again.tolist() == sessions[order].tolist()


def test_dose_refuses_pandas_indexes_that_disagree():
    """Series whose indexes hold different labels are a SchemaError naming `level`."""
    with pytest.raises(SchemaError, match="level: its index does not match"):
        _POLICY.dose(pd.Series([2, 3], index=["a", "b"]), pd.Series([0, 1], index=["a", "c"]))


def test_rubric_refuses_a_frame_whose_named_columns_are_not_the_items():
    """A frame with text column names, none an item's, is refused rather than read in order;
    a frame of a bare matrix (columns numbered 0, 1, ...) is refused too: frames are read by name."""
    instrument = default_instrument()
    rng = np.random.default_rng(0)
    answers = rng.integers(1, 6, size=(5, len(instrument.items))).astype(float)
    rubric = RubricClassifier()
    renamed = pd.DataFrame(answers, columns=[f"q{i}" for i in range(answers.shape[1])])
    with pytest.raises(SchemaError, match="X: lacks the item columns"):
        rubric.score(renamed.iloc[:, ::-1])
    with pytest.raises(SchemaError, match="X: lacks the item columns"):
        rubric.score(pd.DataFrame(answers))


@pytest.mark.parametrize("backend", ["pandas", "polars"])
def test_probability_columns_named_by_class_are_taken_by_name(backend):
    """A data frame of probabilities whose columns name the classes in another order gives the
    figures of its columns taken by class (scikit-learn's on the matrix in class order), and
    one whose named columns are not the classes is refused."""
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(1)
    y = np.array(["a", "b", "c"])[np.arange(30) % 3]
    proba = rng.dirichlet(np.ones(3), size=30)
    frame = pd.DataFrame({"c": proba[:, 2], "a": proba[:, 0], "b": proba[:, 1]})
    if backend == "polars":
        frame = pytest.importorskip("polars").from_pandas(frame)
    classes = ["a", "b", "c"]
    # scikit-learn 1.9: roc_auc_score(multi_class="ovr"); brier_score_loss without halving
    auc = metrics.roc_auc_score(y, proba, multi_class="ovr", labels=classes)
    brier = metrics.brier_score_loss(y, proba, labels=classes, scale_by_half=False)
    assert roc_auc_ovr(y, frame, classes=classes) == pytest.approx(auc, abs=1e-12)
    assert brier_score(y, frame, classes=classes) == pytest.approx(brier, abs=1e-12)
    assert evaluate(y, frame, classes=classes).roc_auc == pytest.approx(auc, abs=1e-12)
    renamed = pd.DataFrame(proba, columns=["x", "y", "z"])
    with pytest.raises(SchemaError, match="proba: has the columns 'x', 'y', 'z'"):
        brier_score(y, renamed, classes=classes)
