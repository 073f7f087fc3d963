"""Peer circles and team cohorts depend on who the members are (and the seed), not on how the
population is sorted."""

from __future__ import annotations

import numpy as np
import pytest

from sparkus.datasets import synthetic_org
from sparkus.matching import form_peer_circles, team_cohorts
from sparkus.model import Population


@pytest.mark.parametrize("n", [30, 80, 300])
def test_circles_do_not_depend_on_the_order_of_the_population_rows(n):
    """The same people, in a population sorted otherwise, get the same circles and numbers."""
    population = synthetic_org(n=300, seed=2).population
    columns = population.to_columns()
    order = np.random.default_rng(0).permutation(len(population))
    shuffled = Population.from_columns({name: values[order] for name, values in columns.items()})
    members = population.ids[:n].tolist()
    first = form_peer_circles(population, members, size=(4, 6), rng=0)
    second = form_peer_circles(shuffled, members, size=(4, 6), rng=0)
    assert sorted(map(sorted, first.circles)) == sorted(map(sorted, second.circles))
    assert first.objective == second.objective
    assert first.bound == second.bound
    assert first.fit.tolist() == second.fit.tolist()


@pytest.mark.parametrize("size", [(4, 6), (3, 4), (7, 9)])
def test_team_cohorts_do_not_depend_on_the_order_of_the_population_rows(size):
    """A split team's parts and who is left over were chosen in population row order: 45 of 50
    shuffles of a 40-person organisation gave other cohorts. They are chosen by id now."""
    population = synthetic_org(n=300, seed=2).population
    columns = population.to_columns()
    for seed in range(5):
        order = np.random.default_rng(seed).permutation(len(population))
        shuffled = Population.from_columns({k: v[order] for k, v in columns.items()})
        first, second = team_cohorts(population, size=size), team_cohorts(shuffled, size=size)
        assert sorted(map(sorted, first.cohorts)) == sorted(map(sorted, second.cohorts))
        assert sorted(first.leftovers.items()) == sorted(second.leftovers.items())
