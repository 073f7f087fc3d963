"""Meta-analysis inputs: a missing study label, and no study at all, are refused as such."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sparkus import EstimationError, SchemaError
from sparkus.metrics import fixed_effect, random_effects

_Y = [0.42, 0.31, 0.65]
_V = [0.010, 0.020, 0.015]


@pytest.mark.parametrize(
    "labels",
    [
        ["spring", None, "autumn"],
        ["spring", float("nan"), "autumn"],
        pd.Series(["spring", None, "autumn"]),
        pd.array(["spring", pd.NA, "autumn"], dtype="string"),
    ],
)
@pytest.mark.parametrize("door", [fixed_effect, random_effects])
def test_a_missing_label_is_refused_naming_its_row(labels: object, door: object) -> None:
    """A study label that is None, NaN or NA is a SchemaError at `labels`, row 1 (not "None")."""
    with pytest.raises(SchemaError) as info:
        door(_Y, _V, labels=labels)  # type: ignore[operator]
    (problem,) = info.value.problems
    assert problem.path == ("labels",)
    assert "row 1" in problem.message


def test_no_study_says_two_are_needed() -> None:
    """Empty effects: the error says a meta-analysis needs two studies (it said "at least 1")."""
    with pytest.raises(EstimationError, match="at least two studies, got 0"):
        random_effects(np.array([]), np.array([]))
