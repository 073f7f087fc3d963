"""Tests of team cohorts: invariants, the packing rules on hand-checked cases, errors."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sparkus import SchemaError
from sparkus.datasets import synthetic_org
from sparkus.matching import TeamCohorts, team_cohorts
from sparkus.model import Population
from tests.strategies import grouping_columns


def people(teams: list[str | None], departments: list[str]) -> Population:
    n = len(teams)
    return Population.from_columns({
        "id": [f"p{i}" for i in range(n)],
        "level": ["manager"] * n,
        "department": departments,
        "tenure_years": [1.0] * n,
        "team": teams,
    })  # fmt: skip


def most_placeable(total: int, low: int, high: int) -> int:
    """The largest headcount <= total that can be split into groups of low to high."""
    return max(
        (m for m in range(total + 1) if any(k * low <= m <= k * high for k in range(m + 1))),
        default=0,
    )


def check_invariants(result: TeamCohorts, pop: Population, rows: np.ndarray) -> None:
    """Sizes in range, one department per cohort, everyone placed once or reported."""
    low, high = result.size_range
    ids = pop.ids[rows].tolist()
    department = dict(zip(pop.ids.tolist(), pop.decode("department").tolist(), strict=True))
    team = dict(zip(pop.ids.tolist(), pop.decode("team").tolist(), strict=True))
    placed = [m for cohort in result.cohorts for m in cohort]
    assert len(placed) == len(set(placed))
    assert sorted(placed + list(result.leftovers)) == sorted(ids)
    assert not set(placed) & set(result.leftovers)
    for cohort, dept, teams in zip(result.cohorts, result.departments, result.teams, strict=True):
        assert low <= len(cohort) <= high
        assert {department[m] for m in cohort} == {dept}
        assert sorted({team[m] for m in cohort}) == list(teams)
    for member, reason in result.leftovers.items():
        assert reason.startswith("no team") == (team[member] is None)
    for member, c in zip(ids, result.cohort.tolist(), strict=True):
        assert (c == -1) == (member in result.leftovers)
        if c >= 0:
            assert member in result.cohorts[c]


@given(
    columns=grouping_columns(max_size=40),
    low=st.integers(2, 6),
    extra=st.integers(0, 6),
    data=st.data(),
)
def test_invariants(columns, low, extra, data):
    """Any population: cohorts in range, departments unmixed, no one lost, fewest left out."""
    pop = Population.from_columns(columns)
    rows = np.asarray(
        data.draw(st.lists(st.integers(0, len(pop) - 1), unique=True, max_size=len(pop))),
        dtype=np.intp,
    )
    result = team_cohorts(pop, rows.tolist(), size=(low, low + extra))
    check_invariants(result, pop, rows)
    # Within each department, as many placed as any partition into the range could place.
    dept = pop.decode("department")[rows]
    has_team = pop["team"][rows] >= 0
    for d in set(dept.tolist()):
        total = int(np.count_nonzero((dept == d) & has_team))
        placed = sum(len(c) for c, cd in zip(result.cohorts, result.departments, strict=True)
                     if cd == d)  # fmt: skip
        assert placed == most_placeable(total, low, low + extra)
    assert team_cohorts(pop, rows.tolist(), size=(low, low + extra)).cohorts == result.cohorts


def test_documented_example():
    """A large team split in two near-equal parts, two small teams merged, Legal too small."""
    pop = people(["big"] * 9 + ["s1"] * 2 + ["s2"] * 3 + ["law"] * 3,
                 ["Sales"] * 14 + ["Legal"] * 3)  # fmt: skip
    result = team_cohorts(pop, size=(4, 6))
    assert result.cohorts == (
        ("p0", "p1", "p2", "p3", "p4"),
        ("p5", "p6", "p7", "p8"),
        ("p9", "p10", "p11", "p12", "p13"),
    )
    assert result.departments == ("Sales",) * 3
    assert result.teams == (("big",), ("big",), ("s1", "s2"))
    assert result.kinds == ("part of a team", "part of a team", "merged teams")
    assert list(result.leftovers) == ["p14", "p15", "p16"]
    assert "Legal has 3 members" in result.leftovers["p14"]


def test_large_team_split_near_equal():
    """25 people with sizes 4 to 12: three parts of 9, 8 and 8, members in id (text) order."""
    result = team_cohorts(people(["t"] * 25, ["D"] * 25), size=(4, 12))
    assert result.sizes.tolist() == [9, 8, 8]
    assert set(result.cohorts[0]) == set(sorted(f"p{i}" for i in range(25))[:9])
    assert result.kinds == ("part of a team",) * 3


def test_remainder_of_a_split_joins_small_teams():
    """7 with sizes 5 to 6 cannot split evenly: 6, and the last one joins a team of 4."""
    result = team_cohorts(people(["a"] * 7 + ["b"] * 4, ["D"] * 11), size=(5, 6))
    assert result.cohorts == (
        ("p0", "p1", "p2", "p3", "p4", "p5"),
        ("p6", "p7", "p8", "p9", "p10"),
    )
    assert result.teams == (("a",), ("a", "b"))
    assert not result.leftovers


def test_borrowing_from_a_full_enough_cohort():
    """A team of 6 and one of 2 (sizes 4 to 6): two people move over so all 8 are placed."""
    result = team_cohorts(people(["a"] * 6 + ["b"] * 2, ["D"] * 8), size=(4, 6))
    assert sorted(result.sizes.tolist()) == [4, 4]
    assert not result.leftovers
    assert result.kinds == ("part of a team", "merged teams")


def test_whole_teams_and_no_team():
    """Teams inside the range stay whole; people without a team are reported, not dropped."""
    result = team_cohorts(people(["a"] * 5 + [None] * 2 + ["b"] * 4, ["D"] * 11), size=(4, 6))
    assert result.cohorts == (("p0", "p1", "p2", "p3", "p4"), ("p7", "p8", "p9", "p10"))
    assert result.kinds == ("whole team", "whole team")
    assert set(result.leftovers) == {"p5", "p6"}
    assert all(r.startswith("no team") for r in result.leftovers.values())


def test_team_across_departments_is_split_by_department():
    """A team with members in two departments gives two cohorts, one per department."""
    result = team_cohorts(people(["t"] * 8, ["A", "B"] * 4), size=(4, 6))
    assert result.departments == ("A", "B")
    assert result.cohorts == (("p0", "p2", "p4", "p6"), ("p1", "p3", "p5", "p7"))
    assert result.kinds == ("part of a team", "part of a team")


def test_full_department_reports_who_is_left():
    """Two full cohorts and one person over: they stay out, with the numbers in the reason."""
    result = team_cohorts(people(["a"] * 6 + ["b"] * 6 + ["c"], ["D"] * 13), size=(6, 6))
    assert result.sizes.tolist() == [6, 6]
    assert result.leftovers == {
        "p12": "too few in department: D's 13 members cannot all be placed; 1 remain, fewer "
        "than the smallest cohort (6), and every D cohort is full"
    }


def test_synthetic_organisation():
    """The synthetic organisation's team-coaching-sized selection: invariants and views."""
    org = synthetic_org(1_000, seed=2)
    rows = np.arange(0, 1_000, 7)
    result = team_cohorts(org.population, rows, size=(3, 8))
    check_invariants(result, org.population, rows)
    data = json.loads(json.dumps(result.to_dict()))
    assert len(data["cohorts"]) == len(result.cohorts)
    assert repr(result).startswith(f"TeamCohorts(n={rows.size}, cohorts=")
    assert "merged teams" in result.summary()
    assert "<table>" in result._repr_html_()


def test_inputs_not_mutated_and_empty_selection():
    """The members list is untouched; no members means no cohorts and no one left out."""
    pop = people(["a"] * 5, ["D"] * 5)
    members = ["p4", "p0", "p1", "p2"]
    result = team_cohorts(pop, members, size=(2, 4))
    assert members == ["p4", "p0", "p1", "p2"]
    assert result.ids.tolist() == members
    assert result.cohorts == (("p4", "p0", "p1", "p2"),)  # in the order given
    empty = team_cohorts(pop, [], size=(2, 4))
    assert empty.cohorts == ()
    assert empty.leftovers == {}


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"members": ["p0", "nobody"]}, "'nobody' is not a participant id"),
        ({"members": [0, 0]}, "more than once"),
        ({"size": (1, 4)}, "cohort sizes"),
        ({"size": (6, 4)}, "cohort sizes"),
        ({"size": (4.0, 6.0)}, "cohort sizes"),
    ],
)
def test_bad_input(kwargs, match):
    """Unknown or repeated members and bad sizes: a SchemaError saying what is wrong."""
    with pytest.raises(SchemaError, match=match):
        team_cohorts(people(["a"] * 5, ["D"] * 5), **kwargs)
    with pytest.raises(SchemaError, match="participants"):
        team_cohorts([1, 2, 3])  # type: ignore[arg-type]
