"""From answers to a feature matrix, with an explicit missing-data policy."""

import datetime as dt

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.datasets import synthetic_org
from sparkus.model import Assessment, AssessmentSource
from sparkus.triage import Instrument, Item, default_instrument

SELF, MANAGER = AssessmentSource.SELF, AssessmentSource.MANAGER
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
TWO_ITEMS = Instrument((Item("motivation", SELF), Item("support", MANAGER)))


def test_population_columns_become_the_matrix_in_item_order():
    """features() reads each item's column from a population, in the instrument's order."""
    pop = synthetic_org(100, seed=5).population
    features = default_instrument().features(pop)
    assert features.columns == default_instrument().columns
    for j, column in enumerate(features.columns):
        np.testing.assert_array_equal(features.X[:, j], pop[column])
    assert not features.missing.any()


def test_missing_answers_raise_by_default_naming_row_and_item():
    """With missing='raise' every missing answer is listed with its row and item."""
    data = {
        "id": ["a", "b", "c"],
        "self_motivation": [4, np.nan, 3],
        "manager_support": [2, 3, np.nan],
    }
    with pytest.raises(SchemaError) as info:
        TWO_ITEMS.features(data)
    assert [p.location for p in info.value.problems] == [
        "participants[1].self_motivation",
        "participants[2].manager_support",
    ]


def test_impute_mean_fills_and_records_what_it_filled():
    """impute_mean fills each missing answer with the item's mean and says so."""
    data = {"id": ["a", "b", "c"], "self_motivation": [4, np.nan, 3], "manager_support": [2, 3, 4]}
    features = TWO_ITEMS.features(data, missing="impute_mean")
    assert features.X[1, 0] == 3.5
    assert features.imputed == {"self_motivation": 3.5}
    assert features.missing[:, 0].tolist() == [False, True, False]
    assert features.incomplete.tolist() == [False, True, False]


def test_review_policy_keeps_gaps_visible():
    """review keeps missing answers as NaN and marks the rows incomplete."""
    data = {"id": ["a", "b"], "self_motivation": [4, np.nan], "manager_support": [2, 3]}
    features = TWO_ITEMS.features(data, missing="review")
    assert np.isnan(features.X[1, 0])
    assert features.incomplete.tolist() == [False, True]


def test_unknown_policy_lists_the_allowed_ones():
    """An unknown missing-data policy is an error listing the allowed values."""
    with pytest.raises(SchemaError, match="raise, impute_mean, review"):
        TWO_ITEMS.features({"id": ["a"]}, missing="drop")


def test_absent_item_columns_are_named():
    """Items the data lacks are named, with the columns it has."""
    with pytest.raises(SchemaError, match=r"\['manager_support'\]"):
        TWO_ITEMS.features({"id": ["a"], "self_motivation": [3]})


def test_answers_outside_the_scale_are_rejected():
    """An answer outside its item's scale is named with its row."""
    with pytest.raises(SchemaError) as info:
        TWO_ITEMS.features({"id": ["a", "b"], "self_motivation": [3, 7], "manager_support": [2, 2]})
    assert info.value.problems[0].location == "participants[1].self_motivation"
    assert "outside the scale of item self_motivation, 1 to 5" in info.value.problems[0].message


def test_empty_population_is_rejected():
    """No people, no features: a clear error."""
    with pytest.raises(SchemaError, match="empty"):
        TWO_ITEMS.features({"id": [], "self_motivation": [], "manager_support": []})


def test_assessments_fill_rows_and_the_latest_wins():
    """Assessment records become rows by id; a later assessment replaces an earlier one."""
    later = T0 + dt.timedelta(days=30)
    assessments = [
        Assessment("b", SELF, {"motivation": 2.0}, T0),
        Assessment("b", SELF, {"motivation": 5.0}, later),
        Assessment("a", MANAGER, {"support": 4.0}, T0),
        Assessment("a", SELF, {"motivation": 3.0}, T0),
    ]
    features = TWO_ITEMS.features_from_assessments(assessments, ["a", "b"], missing="review")
    assert features.X[0].tolist() == [3.0, 4.0]
    assert features.X[1, 0] == 5.0
    assert np.isnan(features.X[1, 1])


def test_assessments_with_unknown_items_or_people_are_errors():
    """An undeclared item or an unknown participant is named with its path."""
    assessments = [
        Assessment("a", SELF, {"motivaton": 3.0}, T0),
        Assessment("zz", SELF, {"motivation": 3.0}, T0),
    ]
    with pytest.raises(SchemaError) as info:
        TWO_ITEMS.features_from_assessments(assessments, ["a"])
    locations = [p.location for p in info.value.problems]
    assert locations == ["assessments[0].scores.motivaton", "assessments[1].participant_id"]
    assert "the instrument has: motivation" in info.value.problems[0].message


def test_instrument_rejects_repeated_items_and_negative_weights():
    """Items must be unique by column and weights non-negative."""
    with pytest.raises(SchemaError) as info:
        Instrument((Item("a", SELF), Item("a", SELF)))
    assert info.value.problems[0].location == "items[1]"
    with pytest.raises(SchemaError, match="weight"):
        Item("a", SELF, weight=-1.0)
