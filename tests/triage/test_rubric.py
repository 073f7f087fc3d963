"""The transparent rubric: scores, levels, monotonicity, explanations."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sparkus import SchemaError
from sparkus.datasets import synthetic_org
from sparkus.model import AssessmentSource
from sparkus.triage import (
    Features,
    Instrument,
    Item,
    ReadinessLevel,
    RubricClassifier,
    default_instrument,
)

N_ITEMS = len(default_instrument().items)
answers = st.lists(st.integers(1, 5), min_size=N_ITEMS, max_size=N_ITEMS)


def test_score_is_the_weighted_mean_of_scale_standardised_answers():
    """A hand-computed score: two items, weights 3 and 1, scales 1-5 and 0-10 (reversed)."""
    instrument = Instrument(
        (
            Item("a", AssessmentSource.SELF, weight=3.0),
            Item("b", AssessmentSource.MANAGER, scale=(0.0, 10.0), weight=1.0, reverse=True),
        )
    )
    rubric = RubricClassifier(instrument)
    # a = 4 on 1-5: (4 - 3) / 2 = 0.5; b = 2 on 0-10 reversed: -(2 - 5) / 5 = 0.6.
    # Weighted mean: (3 * 0.5 + 1 * 0.6) / 4 = 0.525 -> above 0.40: highly ready.
    assert rubric.score([[4.0, 2.0]]).tolist() == pytest.approx([0.525])
    assert rubric.predict([[4.0, 2.0]]).tolist() == ["highly_ready"]


def test_thresholds_split_the_four_levels_with_ties_going_up():
    """A score exactly on a threshold belongs to the level above it."""
    instrument = Instrument((Item("a", AssessmentSource.SELF, scale=(-1.0, 1.0)),))
    rubric = RubricClassifier(instrument, thresholds=(-0.5, 0.0, 0.5))
    scores = [[-0.9], [-0.5], [-0.1], [0.0], [0.49], [0.5], [1.0]]
    assert rubric.predict_codes(scores).tolist() == [0, 1, 1, 2, 2, 3, 3]


@given(answers, st.integers(0, N_ITEMS - 1), st.integers(1, 4))
def test_a_better_answer_never_lowers_the_level(row, item, step):
    """Monotone: raising one answer (within the scale) never lowers the readiness level."""
    rubric = RubricClassifier()
    better = list(row)
    better[item] = min(5, better[item] + step)
    before, after = rubric.predict_codes([row, better]).tolist()
    assert after >= before


@given(st.lists(answers, min_size=2, max_size=12), st.randoms())
def test_permuting_rows_permutes_the_output(rows, random):
    """The rubric decides each person alone: a row permutation permutes the levels."""
    rubric = RubricClassifier()
    order = list(range(len(rows)))
    random.shuffle(order)
    levels = rubric.predict(rows)
    assert rubric.predict([rows[i] for i in order]).tolist() == levels[order].tolist()


def test_explanation_contributions_sum_to_the_score():
    """explain() shows each item's share of the score, the level and the margin."""
    features = default_instrument().features(synthetic_org(300, seed=2).population)
    rubric = RubricClassifier()
    scores = rubric.score(features.X)
    for row in (0, 17, 299):
        explanation = rubric.explain(features, row)
        assert sum(explanation.contributions) == pytest.approx(scores[row])
        assert explanation.level.value == rubric.predict(features.X[row : row + 1])[0]
        assert explanation.person == features.ids[row]
    by_id = rubric.explain(features, str(features.ids[17]))
    assert by_id.score == pytest.approx(scores[17])
    assert "contribution" in by_id.summary()
    assert "<table>" in by_id._repr_html_()


def test_review_band_flags_scores_near_a_threshold():
    """People within the review band of a threshold go to review; others do not."""
    instrument = Instrument((Item("a", AssessmentSource.SELF, scale=(-1.0, 1.0)),))
    rubric = RubricClassifier(instrument, thresholds=(-0.5, 0.0, 0.5), review_band=0.1)
    flags = rubric.needs_review([[-0.45], [-0.3], [0.05], [0.7]])
    assert flags.tolist() == [True, False, True, False]


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"thresholds": (0.1, 0.0, 0.5)}, "thresholds"),
        ({"thresholds": (-0.5, 0.0)}, "thresholds"),
        ({"thresholds": (-1.0, 0.0, 0.5)}, "thresholds"),
        ({"review_band": -0.1}, "review_band"),
        ({"review_band": True}, "review_band"),
    ],
)
def test_bad_settings_name_the_parameter(kwargs, path):
    """Invalid thresholds or review band raise a SchemaError naming the parameter."""
    with pytest.raises(SchemaError) as info:
        RubricClassifier(**kwargs).predict([[3.0] * N_ITEMS])
    assert [p.location for p in info.value.problems] == [path]


def test_bad_answers_are_rejected_with_their_position():
    """A wrong shape or a NaN answer is a SchemaError, never a silent level."""
    rubric = RubricClassifier()
    with pytest.raises(SchemaError, match="expected shape"):
        rubric.predict([[3.0, 3.0]])
    row = [3.0] * N_ITEMS
    row[4] = float("nan")
    with pytest.raises(SchemaError, match=r"X\[0\]\[4\]"):
        rubric.predict([row])


def test_explain_rejects_an_unknown_person():
    """explain() names an id it cannot find."""
    features = default_instrument().features(synthetic_org(50, seed=2).population)
    with pytest.raises(SchemaError, match="'nobody'"):
        RubricClassifier().explain(features, "nobody")
    with pytest.raises(SchemaError, match="outside the 50 rows"):
        RubricClassifier().explain(features, 50)


def test_levels_are_ordered():
    """ReadinessLevel ranks run from resistant (0) to highly ready (3)."""
    assert [lv.rank for lv in ReadinessLevel] == [0, 1, 2, 3]
    assert ReadinessLevel.RESISTANT.value == "resistant"


# ---- issue 12: answers outside the scale, row numbers that wrap ---------------------------------


def _answers_with(row, item, value, n=3):
    X = [[3.0] * N_ITEMS for _ in range(n)]
    X[row][item] = value
    return X


@pytest.mark.parametrize("method", ["predict", "predict_codes", "score", "needs_review"])
@pytest.mark.parametrize("value", [99.0, 0.0, -1e308, 5.000001])
def test_answers_outside_an_items_scale_are_refused_naming_row_and_item(method, value):
    """An answer of 99 on a 1-5 item is a SchemaError naming the row and the item, never a level."""
    X = _answers_with(2, 0, value)
    with pytest.raises(SchemaError) as info:
        getattr(RubricClassifier(), method)(X)
    text = str(info.value)
    assert "self_motivation" in text
    assert "X[2]" in text
    assert "1 to 5" in text


def test_explain_refuses_features_with_answers_outside_the_scale():
    """Features built by hand with an out-of-scale answer are refused by explain, by row and item."""
    features = default_instrument().features(synthetic_org(20, seed=2).population)
    X = features.X.copy()
    X[4, 8] = 99.0
    bad = Features(X, features.ids, features.columns, features.missing, "raise", {})
    with pytest.raises(SchemaError, match=r"features\.X\[4\].*manager_motivation"):
        RubricClassifier().explain(bad, 4)


@pytest.mark.parametrize("person", [-1, -50, 20, 10**30, True, 1.0, None, np.int64(-1)])
def test_explain_refuses_a_row_number_outside_the_rows(person):
    """A row number is not a Python index: -1 is refused (never the last person), so are floats."""
    features = default_instrument().features(synthetic_org(20, seed=2).population)
    with pytest.raises(SchemaError) as info:
        RubricClassifier().explain(features, person)
    assert info.value.problems[0].path[0] == "person"


def test_explain_takes_numpy_integers_and_ids():
    """A numpy integer row and a numpy string id both work."""
    features = default_instrument().features(synthetic_org(20, seed=2).population)
    rubric = RubricClassifier()
    assert rubric.explain(features, np.int64(3)).person == features.ids[3]
    assert rubric.explain(features, features.ids[5]).person == features.ids[5]


def test_wide_scales_and_weights_standardise_without_overflow():
    """Scales near the float limit and huge weights give finite scores in [-1, 1]."""
    instrument = Instrument(
        (
            Item("a", AssessmentSource.SELF, scale=(-1.7e308, 1.7e308), weight=1e308),
            Item("b", AssessmentSource.SELF, scale=(0.0, 5e-324 * 4), weight=1e308),
        )
    )
    score = RubricClassifier(instrument).score([[1.7e308, 5e-324 * 4], [-1.7e308, 0.0]])
    assert np.isfinite(score).all()
    assert score.tolist() == pytest.approx([1.0, -1.0])


# ---- fuzz report 3: settings are checked when the rubric is built -----------------------------


@pytest.mark.parametrize(
    ("kwargs", "where", "message"),
    [
        ({"thresholds": (float("nan"), 0.0, 0.4)}, "thresholds", "three increasing numbers"),
        ({"thresholds": (0.4, 0.0, 0.1)}, "thresholds", "three increasing numbers"),
        ({"thresholds": (-0.3, 0.0)}, "thresholds", "three increasing numbers"),
        ({"thresholds": ("a", "b", "c")}, "thresholds", "three increasing numbers"),
        ({"thresholds": (-(10**400), 0.0, 0.4)}, "thresholds", "three increasing numbers"),
        ({"thresholds": (-1.0, 0.0, 0.4)}, "thresholds", "inside (-1, 1)"),
        ({"review_band": -0.1}, "review_band", "in [0, 1)"),
        ({"review_band": float("nan")}, "review_band", "in [0, 1)"),
        ({"review_band": float("inf")}, "review_band", "in [0, 1)"),
        ({"review_band": True}, "review_band", "in [0, 1)"),
        ({"instrument": "default"}, "instrument", "expected an Instrument"),
    ],
)
def test_invalid_settings_are_refused_at_construction(kwargs, where, message):
    """Bad thresholds, review band or instrument raise in the constructor, named, as triage does."""
    with pytest.raises(SchemaError) as info:
        RubricClassifier(**kwargs)
    assert [p.location for p in info.value.problems] == [where]
    assert message in str(info.value)


def test_settings_changed_after_construction_are_still_checked():
    """The settings are public attributes: a bad value set later is refused when used."""
    rubric = RubricClassifier()
    rubric.review_band = -1.0
    with pytest.raises(SchemaError, match="review_band"):
        rubric.predict(np.full((2, 9), 3.0))
