"""The transparent rubric: scores, levels, monotonicity, explanations."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sparkus import SchemaError
from sparkus.datasets import synthetic_org
from sparkus.model import AssessmentSource
from sparkus.triage import Instrument, Item, ReadinessLevel, RubricClassifier, default_instrument

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
    with pytest.raises(SchemaError, match=r"\(0, 4\)"):
        rubric.predict([row])


def test_explain_rejects_an_unknown_person():
    """explain() names an id it cannot find."""
    features = default_instrument().features(synthetic_org(50, seed=2).population)
    with pytest.raises(SchemaError, match="'nobody'"):
        RubricClassifier().explain(features, "nobody")
    with pytest.raises(SchemaError, match="row number below 50"):
        RubricClassifier().explain(features, 50)


def test_levels_are_ordered():
    """ReadinessLevel ranks run from resistant (0) to highly ready (3)."""
    assert [lv.rank for lv in ReadinessLevel] == [0, 1, 2, 3]
    assert ReadinessLevel.RESISTANT.value == "resistant"
