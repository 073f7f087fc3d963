"""A provider id given twice in two Unicode forms is one provider given twice: refused."""

from __future__ import annotations

import attrs
import pytest

from sparkus import SchemaError
from sparkus.datasets import synthetic_org
from sparkus.matching import budget_frontier, candidate_matrix, compare_scenarios, plan_support
from sparkus.triage import triage

ORG = synthetic_org(50, seed=1)
COMPOSED = attrs.evolve(ORG.providers[0], id="Jos\u00e9")
DECOMPOSED = attrs.evolve(ORG.providers[1], id="Jose\u0301")
PROVIDERS = [COMPOSED, DECOMPOSED, *ORG.providers[2:]]


@pytest.fixture(scope="module")
def triaged():
    return triage(ORG.population, program=ORG.program)


@pytest.mark.parametrize(
    "door",
    [
        lambda t: candidate_matrix(ORG.population, PROVIDERS),
        lambda t: plan_support(ORG.population, t, ORG.program, PROVIDERS),
        lambda t: budget_frontier(ORG.population, t, ORG.program, PROVIDERS, points=2),
        lambda t: compare_scenarios(ORG.population, t, ORG.program, PROVIDERS),
    ],
    ids=["candidate_matrix", "plan_support", "budget_frontier", "compare_scenarios"],
)
def test_one_id_in_two_unicode_forms_is_refused(triaged, door):
    """'José' composed and decomposed had been two providers, their places counted twice."""
    with pytest.raises(SchemaError) as e:
        door(triaged)
    (problem,) = e.value.problems
    assert problem.path == ("providers", 1, "id")
    assert problem.message == (
        "'Jos\u0065\u0301' repeats providers[0], 'Jos\u00e9', in another Unicode form "
        "('Jose\\u0301' and 'Jos\\xe9'); write both the same way"
    )


def test_ids_differing_in_case_stay_two_providers():
    """'C00001' and 'c00001' are two ids, as participant ids are."""
    other = attrs.evolve(ORG.providers[1], id=ORG.providers[0].id.lower())
    cm = candidate_matrix(ORG.population, [ORG.providers[0], other, *ORG.providers[2:]])
    assert cm.provider_ids[:2] == (ORG.providers[0].id, ORG.providers[0].id.lower())
