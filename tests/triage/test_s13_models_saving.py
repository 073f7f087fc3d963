"""The session saving, recomputed from its definition, and what it assumes of the people the
triage could not assess (issue 16, round 13)."""

import numpy as np
import pytest

from sparkus.datasets import synthetic_org
from sparkus.model import SupportType
from sparkus.triage import default_instrument, triage


def test_saving_is_recomputed_by_hand_and_states_its_unassessed_people():
    """``1 - (sum(dose) + 6 * unassessed) / (n * 6)`` with the default doses (0, 0, 6, 4) per
    level: the people not assessed count at full coaching until a person decides them (at 0
    sessions, the saving stated sessions nobody had decided to save); the summary says how
    many they are. The cost counts them at a full coaching's cost too."""
    org = synthetic_org(60, seed=1)
    instrument = default_instrument()
    answers = instrument.features(org.population)
    columns = {"id": org.population.ids}
    columns.update({c: answers.X[:, j].copy() for j, c in enumerate(answers.columns)})
    columns["self_motivation"][[1, 5]] = np.nan
    columns["manager_support"][[5, 7]] = np.nan
    features = instrument.features(columns, missing="review")
    result = triage(org.population, features=features, program=org.program)
    assert result.counts["not_assessed"] == 3
    assert (result.level[[1, 5, 7]] == -1).all()
    assert set(result.review_queue) >= {org.population.ids[i] for i in (1, 5, 7)}
    # the rubric by hand: answers on [-1, 1] (1-5 scale, midpoint 3), weights of the instrument
    weights = np.array([item.weight for item in instrument.items])
    score = (answers.X - 3.0) / 2.0 @ weights / weights.sum()
    level = np.searchsorted([-0.35, 0.05, 0.40], score, side="right")
    dose = np.array([0, 0, 6, 4])[level]
    dose[[1, 5, 7]] = 0
    assert result.sessions.tolist() == dose.tolist()
    assert result.session_saving == 1 - (dose.sum() + 3 * 6) / (6 * 60)
    costs = org.program.cost_model  # the cost by hand: sessions, one-off fees, the platform
    one_off = costs.per_participant_cost.get(SupportType.COACHING, 0.0)
    per_session = costs.per_person(SupportType.COACHING, sessions=1) - one_off
    platform = costs.per_participant_cost.get(SupportType.SELF_GUIDED_REFLECTION, 0.0)
    full = 6 * per_session + one_off
    by_hand = (dose.sum() * per_session + np.sum(dose > 0) * one_off
               + np.sum(result.reflection_share > 0) * platform + 3 * full)  # fmt: skip
    assert result.cost == pytest.approx(by_hand, rel=1e-12)
    assert result.cost_full == pytest.approx(60 * full, rel=1e-12)
    note = result.summary()
    assert "the 3 people not assessed count at full coaching until a person decides" in note
    assert "not assessed count" not in triage(org.population).summary()
