"""triage(): levels, review queue, dosage and the saving against full coaching."""

import datetime as dt

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.datasets import synthetic_org
from sparkus.model import Assessment, AssessmentSource, SupportType
from sparkus.triage import DosagePolicy, RubricClassifier, default_instrument, triage


@pytest.fixture(scope="module")
def org():
    return synthetic_org(1_500, seed=11)


def test_rubric_triage_matches_the_rubric(org):
    """With the default rubric, levels and review flags are the rubric's own."""
    result = triage(org.population)
    features = default_instrument().features(org.population)
    rubric = RubricClassifier()
    np.testing.assert_array_equal(result.level, rubric.predict_codes(features.X))
    np.testing.assert_array_equal(result.review, rubric.needs_review(features.X))
    assert result.method == "rubric"
    assert sum(result.counts.values()) == len(org.population)
    assert set(result.review_queue) == set(org.population.ids[result.review])


def test_saving_is_computed_from_the_dosage_and_cost_model(org):
    """Sessions and money against full coaching, computed by hand from the dose."""
    result = triage(org.population, program=org.program)
    costs = org.program.cost_model
    assert result.sessions_full == 6 * len(org.population)
    assert result.sessions_needed == int(result.sessions.sum())
    per_session = (
        costs.session_cost[SupportType.COACHING]
        + costs.session_hours * costs.participant_hourly_cost
    )
    platform = costs.per_participant_cost[SupportType.SELF_GUIDED_REFLECTION]
    expected = result.sessions.sum() * per_session + np.sum(result.reflection_share > 0) * platform
    assert result.cost == pytest.approx(expected)
    assert result.cost_full == pytest.approx(len(org.population) * 6 * per_session)
    assert result.cost_saving == pytest.approx(1 - expected / result.cost_full)
    assert "saving" in result.summary()


class _FixedModel:
    """A stand-in fitted model whose probabilities are given."""

    def __init__(self, proba, classes):
        self.proba = np.asarray(proba)
        self.classes_ = np.asarray(classes)

    def predict_proba(self, X):
        return self.proba[: len(X)]


def test_probabilistic_model_decides_and_unsure_people_go_to_review():
    """Argmax level per person; top probability below the threshold goes to review."""
    pop = synthetic_org(20, seed=1).population
    proba = np.tile([[0.1, 0.2, 0.65, 0.05]], (20, 1))
    proba[3] = [0.4, 0.35, 0.15, 0.1]
    # classes in a shuffled order: triage maps them to levels by label.
    model = _FixedModel(proba[:, [2, 0, 3, 1]], ["ready", "resistant", "highly_ready", "emerging"])
    result = triage(pop, model, review_threshold=0.6)
    assert result.level[0] == 2
    assert result.level[3] == 0
    assert result.review.tolist() == [i == 3 for i in range(20)]
    np.testing.assert_allclose(result.probabilities, proba)


def test_missing_answers_under_review_are_not_decided():
    """People whose assessments have gaps are not decided: level -1, no dose, in review."""
    org = synthetic_org(30, seed=2)
    pop, instrument = org.population, default_instrument()
    taken = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    assessments = []
    for row, pid in enumerate(pop.ids.tolist()):
        for source in (AssessmentSource.SELF, AssessmentSource.MANAGER):
            items = [i for i in instrument.items if i.source is source]
            scores = {i.name: float(pop[i.column][row]) for i in items}
            if row in (4, 7) and source is AssessmentSource.MANAGER:
                continue  # no manager feedback for two people
            assessments.append(Assessment(pid, source, scores, taken))
    features = instrument.features_from_assessments(assessments, pop.ids, missing="review")
    result = triage(pop, features=features)
    complete = triage(pop)
    assert result.level[[4, 7]].tolist() == [-1, -1]
    assert result.review[[4, 7]].all()
    assert result.sessions[[4, 7]].tolist() == [0, 0]
    others = np.setdiff1d(np.arange(30), [4, 7])
    np.testing.assert_array_equal(result.level[others], complete.level[others])
    assert result.counts["not_assessed"] == 2
    with pytest.raises(SchemaError, match="features"):
        triage(synthetic_org(31, seed=2).population, features=features)
    with pytest.raises(SchemaError, match="features"):
        triage(pop, features=features.X)


def test_bad_arguments_are_named(org):
    """Invalid arguments raise one SchemaError naming each."""
    with pytest.raises(SchemaError) as info:
        triage(org.population, review_threshold=1.5, policy="generous")
    assert {p.location for p in info.value.problems} == {"review_threshold", "policy"}
    with pytest.raises(SchemaError, match="population"):
        triage({"id": ["a"]})


def test_model_with_unknown_classes_is_rejected(org):
    """A fitted model whose classes are not readiness levels is refused with the class named."""
    model = _FixedModel(np.full((len(org.population), 2), 0.5), ["yes", "no"])
    with pytest.raises(SchemaError, match="'yes'"):
        triage(org.population, model)


def test_custom_policy_changes_the_dose(org):
    """The dosage policy is a parameter."""
    generous = DosagePolicy(full_sessions=10)
    result = triage(org.population, policy=generous)
    assert result.sessions_full == 10 * len(org.population)


def test_fitted_models_plug_into_triage():
    """Logistic and ordinal models fitted on readiness labels decide in triage()."""
    from sparkus.triage import (
        LogisticReadinessModel,
        OrdinalReadinessModel,
        ReadinessLevel,
        default_instrument,
    )

    org = synthetic_org(800, seed=6)
    X = default_instrument().features(org.population).X
    levels = list(ReadinessLevel)
    y = [levels[min(int(s), 3)] for s in org.truth.stage]
    for model in (LogisticReadinessModel(), OrdinalReadinessModel()):
        fitted = model.fit(
            X, y if isinstance(model, OrdinalReadinessModel) else [v.value for v in y]
        )
        result = triage(org.population, fitted, review_threshold=0.5)
        proba = fitted.predict_proba(X)
        np.testing.assert_allclose(result.probabilities.sum(axis=1), 1.0)
        np.testing.assert_array_equal(result.review, proba.max(axis=1) < 0.5)
        assert (result.level >= 0).all()


# ---- issue 12: every way answers enter is checked ------------------------------------------


def test_features_given_with_answers_outside_the_scale_are_refused(org):
    """Features built elsewhere with an answer of 99 on a 1-5 item are refused by row and item."""
    from sparkus.triage import Features

    features = default_instrument().features(org.population)
    X = features.X.copy()
    X[12, 3] = 99.0
    bad = Features(X, features.ids, features.columns, features.missing, "raise", {})
    with pytest.raises(SchemaError) as info:
        triage(org.population, features=bad)
    assert info.value.problems[0].location == "features.X[12]"
    assert "self_responsibility" in str(info.value)


class _Fixed:
    """A 'fitted model' answering fixed probabilities with given classes."""

    def __init__(self, classes, proba):
        self.classes_ = np.asarray(classes)
        self._proba = proba

    def predict_proba(self, X):
        return self._proba(X)


def test_model_classes_in_export_spellings_map_to_the_levels(org):
    """Classes 'Resistant' ... 'Highly ready' are read as the four levels."""
    classes = ["Highly ready", "Ready", "Emerging", "Resistant"]
    model = _Fixed(classes, lambda X: np.tile([0.7, 0.1, 0.1, 0.1], (len(X), 1)))
    result = triage(org.population, model)
    assert (result.level == 3).all()
    np.testing.assert_allclose(result.probabilities[0], [0.1, 0.1, 0.1, 0.7])


@pytest.mark.parametrize(
    ("classes", "proba", "where"),
    [
        (["ready", "Ready"], lambda X: np.full((len(X), 2), 0.5), "both read as"),
        (["boss", "ready"], lambda X: np.full((len(X), 2), 0.5), "not a readiness level"),
        ([0, 1], lambda X: np.full((len(X), 3), 1 / 3), "model.predict_proba"),
        ([0, 1], lambda X: np.full((len(X), 2), np.nan), "model.predict_proba"),
        ([True, False], lambda X: np.full((len(X), 2), 0.5), "not a readiness level"),
    ],
)
def test_a_model_whose_classes_or_probabilities_do_not_fit_is_refused(org, classes, proba, where):
    """Classes that are not levels (or one level twice) and malformed probabilities are named."""
    with pytest.raises(SchemaError, match=where):
        triage(org.population, _Fixed(classes, proba))


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"model": "rubric"}, "model"),
        ({"review_threshold": float("nan")}, "review_threshold"),
        ({"review_threshold": 1.5}, "review_threshold"),
        ({"instrument": "default"}, "instrument"),
        ({"missing": "drop"}, "missing"),
        ({"policy": {}}, "policy"),
    ],
)
def test_bad_arguments_name_the_parameter(org, kwargs, name):
    """Each malformed argument is a SchemaError naming it."""
    with pytest.raises(SchemaError) as info:
        triage(org.population, **kwargs)
    assert name in str(info.value)
