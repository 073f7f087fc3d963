"""Pairing refuses bad input with a SchemaError and computes extreme but valid input stably."""

import warnings

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.datasets import synthetic_org
from sparkus.matching import (
    CircleAims,
    assign,
    candidate_matrix,
    deferred_acceptance,
    form_peer_circles,
    rematch,
    solve_assignment,
)

from .test_assign import fake_candidates


@pytest.mark.parametrize("scale", [1e-300, 1.0, 1e12, 1e308, 1.7e308])
def test_circle_aims_keep_their_ratios_at_any_scale(scale):
    """Aim weights whose sum overflows (or that are tiny) keep their ratios."""
    aims = CircleAims(level=scale, departments=scale / 2, time_zones=0.0)
    assert aims.weights() == {"level": 2 / 3, "departments": 1 / 3, "time_zones": 0.0}


def test_peer_circles_are_the_same_for_huge_aim_weights():
    """Aims of 1e308 each form the circles of aims of 1 each, not circles scored 0."""
    org = synthetic_org(200, seed=3)
    ids = list(org.population.ids)[:40]
    one = form_peer_circles(org.population, ids, aims={"level": 1, "departments": 1}, rng=0)
    huge = form_peer_circles(org.population, ids, aims={"level": 1e308, "departments": 1e308},
                             rng=0)  # fmt: skip
    assert huge.circles == one.circles
    assert huge.objective == one.objective > 0


@pytest.mark.parametrize("solve", [assign, solve_assignment])
def test_a_python_int_past_the_floats_in_cost_is_a_schema_error(solve):
    """A cost of 10**400 is refused naming `cost` and the float range, alone."""
    with pytest.raises(SchemaError, match="beyond the float range") as info:
        solve([[10**400, 1], [1, 1]], 1)
    assert [p.path for p in info.value.problems] == [("cost",)]


def test_assign_totals_costs_near_the_float_limit_as_solve_assignment_does():
    """assign sums 1e308 + 1e308 - 1e308 exactly instead of failing in math.fsum."""
    cost = [[1e308, 1e308], [1e308, 1e308], [1e308, -1e308]]
    assert assign(cost, 2).total_cost == solve_assignment(cost, 2).total_cost == 1e308
    with pytest.raises(SchemaError, match="beyond the float range"):
        assign([[1e308, 1e308], [1e308, 1e308], [1e308, 1e308]], 2)


@pytest.mark.parametrize("solve", [assign, solve_assignment])
def test_a_float16_capacity_reads_without_a_numpy_warning(solve):
    """float16 capacities are compared with the 2**40 limit in float64: no overflow warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = solve([[1.0, 2.0]], np.array([3, 3], dtype=np.float16))
    assert result.provider.tolist() == [0]


def test_a_scorer_weight_above_the_limit_is_refused():
    """Scorer weights are at most 1e12, as docs/errors.md states."""
    org = synthetic_org(60, seed=2)
    with pytest.raises(SchemaError, match="finite number from 0 to 1e12") as info:
        candidate_matrix(org.population, org.providers[:5], scorers={"goal_fit": 1e13})
    assert [p.path for p in info.value.problems] == [("scorers", "goal_fit")]


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [({"released": ["bo", "bo"]}, ("released", 1)), ({"leaving": ["c1", "c1"]}, ("leaving", 1))],
)
def test_rematch_refuses_a_repeated_id(kwargs, path):
    """`released` and `leaving` refuse an id given twice, as `members` and `fixed` do."""
    cm = fake_candidates()
    with pytest.raises(SchemaError, match="repeats") as info:
        rematch(assign(cm), cm, **kwargs)
    assert [p.path for p in info.value.problems] == [path]


def test_rematch_says_the_candidates_do_not_fit_previous():
    """A cost matrix for an assignment made from a candidate matrix is named as the problem."""
    cm = fake_candidates()
    with pytest.raises(SchemaError, match="candidate matrix") as info:
        rematch(assign(cm), np.ones((4, 2)))
    assert [p.path for p in info.value.problems] == [("candidates",)]
    with pytest.raises(SchemaError, match="the previous assignment is 2 x 2") as info:
        rematch(assign(np.ones((2, 2)), 1), np.ones((2, 3)))
    assert [p.path for p in info.value.problems] == [("candidates",)]


@pytest.mark.parametrize(
    ("proposers", "reviewers", "path"),
    [
        ({1: ["x"]}, {"x": [True]}, ("reviewer_prefs", "x", 0)),
        ({None: ["x"]}, {"x": ["a"]}, ("proposer_prefs", "None")),
        ({1: ["x"]}, {"x": [1.0]}, ("reviewer_prefs", "x", 0)),
    ],
)
def test_deferred_acceptance_refuses_ids_that_are_not_text_or_integers(proposers, reviewers, path):
    """A bool, None or float id is refused, not matched to the integer it equals."""
    with pytest.raises(SchemaError, match="is not an id") as info:
        deferred_acceptance(proposers, reviewers, {"x": 1})
    assert path in [p.path for p in info.value.problems]
