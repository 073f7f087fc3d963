"""Tests of the example plugin: the sparkus conformance check, discovery, and its quality."""

from __future__ import annotations

import numpy as np
import pytest
from sparkus_greedy import RegretGreedy

from sparkus.matching import assign, available_matchers, get_matcher, solve_assignment
from sparkus.testing import check_matcher


def test_passes_check_matcher():
    """RegretGreedy keeps every invariant sparkus asks of a matcher."""
    check_matcher(RegretGreedy(), n_examples=60)


def test_discovered_through_its_entry_point():
    """Installed, the plugin is listed and found by name, and checks out through the registry."""
    assert "regret-greedy" in available_matchers()
    matcher = get_matcher("regret-greedy")
    assert isinstance(matcher, RegretGreedy)
    check_matcher("regret-greedy", n_examples=10)


def test_used_by_assign():
    """assign() runs the plugin by name and reports it as the matcher."""
    rng = np.random.default_rng(1)
    cost = rng.integers(0, 20, (30, 4)).astype(float)
    result = assign(cost, capacity=8, matcher="regret-greedy")
    assert result.matcher == "regret-greedy"
    assert result.n_assigned == 30
    assert (result.load <= 8).all()


def test_regret_beats_cheapest_first():
    """On the textbook case the regret rule finds the optimum the plain greedy misses."""
    cost = np.array([[1.0, 2.0], [1.0, 9.0]])
    exact = solve_assignment(cost, capacity=1)
    regret = assign(cost, capacity=1, matcher="regret-greedy")
    greedy = assign(cost, capacity=1, matcher="greedy")
    assert regret.total_cost == exact.total_cost == 3.0
    assert greedy.total_cost == 10.0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_close_to_the_optimum(seed):
    """On random instances the plugin is within 15% of the exact optimum, never below it."""
    rng = np.random.default_rng(seed)
    cost = rng.integers(1, 100, (60, 6)).astype(float)
    exact = assign(cost, capacity=10)
    regret = assign(cost, capacity=10, matcher="regret-greedy")
    assert regret.n_assigned == exact.n_assigned == 60
    assert exact.total_cost <= regret.total_cost <= 1.15 * exact.total_cost
