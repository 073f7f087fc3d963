"""The fairness audit's true-positive rates never isolate the few of a group who would not benefit."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus import SparkusWarning
from sparkus.privacy import Cell, Figure, verify_disclosure
from sparkus.triage import audit
from tests.attacker import audit_constraints, hidden_ranges, protected

# A: 6 people, 5 who would benefit and 1 who would not; B: 20 people, 10 and 10.
GROUPS = np.array(["A"] * 6 + ["B"] * 20)
LABELS = np.array([1, 1, 1, 1, 1, 0] + [1] * 10 + [0] * 10, dtype=bool)


def _selected(lone: bool) -> np.ndarray:
    return np.array([1, 1, 0, 1, 0, lone] + [1] * 8 + [0] * 12, dtype=bool)


@pytest.mark.parametrize("lone", [False, True])
def test_a_lone_person_who_would_not_benefit_is_not_given_away(lone):
    """A's count less its TPR's count would be its one non-beneficiary's selection: withheld."""
    result = audit(_selected(lone), GROUPS, labels=LABELS)
    assert result.counts == {"A": 6, "B": 20}  # every group is still published and audited
    assert result.tpr is not None
    assert result.tpr["A"] is None
    assert result.tpr["B"] == pytest.approx(0.8)
    ranges = hidden_ranges(
        len(GROUPS),
        audit_constraints(result, _selected(lone), GROUPS, LABELS),
        {"not benefit": (GROUPS == "A") & ~LABELS},
    )
    assert protected(*ranges["not benefit"], 1, 5)
    assert result.exposed == {}


def test_the_verifier_agrees_with_what_the_audit_publishes():
    """verify_disclosure finds the lone non-beneficiary exposed by the old table, not the new."""
    selected = _selected(True)
    people = np.arange(len(GROUPS))

    def figure(tpr):
        cells = [Cell(g, people[g == GROUPS], int(selected[g == GROUPS].sum())) for g in "AB"]
        for g, rate in tpr.items():
            who = people[(g == GROUPS) & LABELS]
            cells.append(
                Cell(f"{g} benefit", who, None if rate is None else round(rate * who.size))
            )
        return Figure("selected", cells)

    old = {"A": 3 / 5, "B": 0.8}  # what the audit published before
    assert not verify_disclosure([figure(old)]).protected
    result = audit(selected, GROUPS, labels=LABELS)
    assert verify_disclosure([figure(result.tpr)]).protected


def test_a_withheld_rate_that_the_count_still_pins_is_said():
    """All of A selected: its withheld TPR is 5 of 5 whatever is hidden; `exposed` says so."""
    selected = np.r_[np.ones(6, dtype=bool), np.arange(20) < 8]
    with pytest.warns(SparkusWarning, match="cannot protect"):
        result = audit(selected, GROUPS, labels=LABELS)
    assert result.tpr is not None
    assert result.tpr["A"] is None
    assert "TPR withheld (fewer than 5 would not benefit)" in result.exposed["A"]


@st.composite
def _groups_with_few_on_one_side(draw):
    m = draw(st.integers(2, 6))
    sizes = draw(st.lists(st.integers(m, 4 * m), min_size=2, max_size=4))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    groups = np.repeat(np.array(["A", "B", "C", "D"][: len(sizes)]), sizes)
    labels = rng.random(groups.size) < draw(st.sampled_from([0.1, 0.5, 0.9]))
    selected = rng.random(groups.size) < draw(st.sampled_from([0.2, 0.5, 0.8]))
    return selected, groups, labels, m


@pytest.mark.filterwarnings("ignore::sparkus.SparkusWarning")  # exposures, said in `exposed`
@settings(max_examples=60, deadline=None)
@given(_groups_with_few_on_one_side())
def test_every_side_of_every_group_is_protected_or_named(case):
    """For random audits, the selected count among those who would, and would not, benefit is
    protected from the LP attacker in every group, or the group is named in `exposed`."""
    selected, groups, labels, m = case
    result = audit(selected, groups, labels=labels, min_group_size=m)
    constraints = audit_constraints(result, selected, groups, labels)
    cells = {}
    for g in result.counts:
        for side, mask in (("yes", labels), ("no", ~labels)):
            who = (groups == g) & mask
            if 0 < who.sum() < m:
                cells[(g, side)] = who
    for (g, side), (low, high) in hidden_ranges(len(groups), constraints, cells).items():
        people = int(cells[(g, side)].sum())
        assert protected(low, high, people, m) or "TPR" in result.exposed.get(g, "")
