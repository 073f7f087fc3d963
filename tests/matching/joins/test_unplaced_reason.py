"""An unplaced person's reason is true (issue 14): "capacity" only when no place is left."""

from __future__ import annotations

import collections

import numpy as np
import pytest

from sparkus.datasets import synthetic_org
from sparkus.matching import assign, candidate_matrix, plan_support, solve_assignment
from sparkus.model import SupportType
from sparkus.triage import triage

INF = np.inf
# Two providers of one place each. p0 and p1 may only go to A; B, free, is nobody's candidate
# but p2's, who is not there. One of p0, p1 stays out with a free place at B.
COSTS = np.array([[1.0, INF], [2.0, INF]])


@pytest.mark.parametrize("solver", [assign, solve_assignment])
def test_candidates_full_while_places_remain(solver):
    """Unplaced with every candidate full and places left elsewhere: "candidates full"."""
    reasons = _reasons(solver(COSTS, capacity=[1, 1]))
    assert reasons == {1: "candidates full"}


@pytest.mark.parametrize("solver", [assign, solve_assignment])
def test_capacity_when_every_place_is_taken(solver):
    """Unplaced with every place of every provider taken: still "capacity"."""
    result = solver(np.array([[1.0, 3.0], [2.0, 1.0], [1.5, 1.5]]), capacity=[1, 1])
    assert list(_reasons(result).values()) == ["capacity"]


def _reasons(result: object) -> dict[object, str]:
    """The reasons of an Assignment (assign) or an AssignmentResult (solve_assignment)."""
    found = getattr(result, "unassigned", None)
    return dict(found if found is not None else result.unassigned_reason)  # type: ignore[attr-defined]


def test_issue_case_candidate_matrix_k5():
    """The issue's path: candidate_matrix(k=5), assign; no "capacity" while places are free."""
    org = synthetic_org(2000, seed=0)
    plan = plan_support(org.population, triage(org.population, program=org.program),
                        org.program, org.providers)  # fmt: skip
    members = plan.ids[plan.support == SupportType.MENTORING]
    candidates = candidate_matrix(org.population, org.providers, k=5, program=org.program,
                                  support_type=SupportType.MENTORING, members=members)  # fmt: skip
    result = assign(candidates)
    free = int((result.max_load - result.load).sum())
    reasons = collections.Counter(result.unassigned.values())
    assert free > 0  # places are left: the case the issue measured (3 here, 51 there)
    assert reasons == {"candidates full": free}
