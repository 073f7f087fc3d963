"""Per-person pandas inputs are read by their index (the ids), never paired by position."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sparkus import SchemaError
from sparkus.datasets import synthetic_org
from sparkus.matching import candidate_matrix, compare_scenarios, form_peer_circles, team_cohorts
from sparkus.model import SupportType
from sparkus.triage import triage

ORG = synthetic_org(60, seed=1)
IDS = list(ORG.population.ids)
MASK = np.arange(60) % 3 == 0


@pytest.mark.parametrize(
    "door",
    [
        lambda members: (
            candidate_matrix(ORG.population, list(ORG.providers), members=members).participant_ids
        ),
        lambda members: tuple(form_peer_circles(ORG.population, members, rng=1).ids),
        lambda members: tuple(team_cohorts(ORG.population, members).ids),
    ],
    ids=["candidate_matrix", "form_peer_circles", "team_cohorts"],
)
def test_a_boolean_members_series_is_read_by_its_index(door):
    """A mask Series in another row order selects the people its labels name."""
    want = door(MASK)
    assert door(pd.Series(MASK, index=IDS)[::-1]) == want
    assert (
        door(pd.Series(pd.array(MASK, dtype="boolean"), index=IDS).sample(frac=1, random_state=2))
        == want
    )
    with pytest.raises(SchemaError, match=r"members: its index does not match"):
        door(pd.Series(MASK))  # labelled 0..59, not by id
    with pytest.raises(SchemaError, match=r"members: its index does not match"):
        door(pd.Series(MASK, index=IDS)[:50])


def test_a_series_of_ids_stays_a_list_of_ids():
    """A Series of ids (not a mask) is read by its values, whatever its index."""
    chosen = IDS[5:17]
    cm = candidate_matrix(ORG.population, list(ORG.providers),
                          members=pd.Series(chosen, index=range(100, 112)))  # fmt: skip
    assert cm.participant_ids == tuple(chosen)


@pytest.fixture(scope="module")
def triaged():
    return triage(ORG.population, program=ORG.program)


def test_a_plan_series_is_read_by_its_index(triaged):
    """A user's plan as a Series in another row order is valued as its labels say."""
    support = [SupportType.COACHING if i % 4 == 0 else None for i in range(len(IDS))]
    as_list = compare_scenarios(ORG.population, triaged, ORG.program, ORG.providers,
                                plans={"mine": support})  # fmt: skip
    shuffled = pd.Series(support, index=IDS, dtype=object).sample(frac=1, random_state=0)
    as_series = compare_scenarios(ORG.population, triaged, ORG.program, ORG.providers,
                                  plans={"mine": shuffled})  # fmt: skip
    assert as_series.metrics["mine"] == as_list.metrics["mine"]
    np.testing.assert_array_equal(as_series.plan("mine").support, as_list.plan("mine").support)
    with pytest.raises(SchemaError, match=r"plans\.mine: its index does not match") as e:
        compare_scenarios(ORG.population, triaged, ORG.program, ORG.providers,
                          plans={"mine": pd.Series(support)})  # fmt: skip
    assert len(e.value.problems) == 1
