"""Team cohorts depend on who the members are, not on the order their ids were given in.

Peer circles already search on the members in population order; team cohorts split a large
team and chose who was left over in the order given, so the same people listed in another order
(ids from a set, a filtered table) were put in other cohorts.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus.matching import team_cohorts
from sparkus.model import Population


def _partition(result) -> tuple[list[list[str]], list[str]]:
    """The cohorts as sorted sets of ids, and who is left out, whatever the listing order."""
    return sorted(sorted(c) for c in result.cohorts), sorted(result.leftovers)


def test_a_split_team_is_split_the_same_way_in_any_order():
    """Seven people of one team, sizes 3 to 4: the same two cohorts in either order."""
    pop = Population.from_columns({
        "id": [f"p{i}" for i in range(7)], "level": ["manager"] * 7,
        "department": ["Sales"] * 7, "tenure_years": [1.0] * 7, "team": ["big"] * 7,
    })  # fmt: skip
    forward = team_cohorts(pop, size=(3, 4))
    backward = team_cohorts(pop, [f"p{i}" for i in reversed(range(7))], size=(3, 4))
    assert _partition(forward) == _partition(backward)
    assert _partition(backward)[0] == [["p0", "p1", "p2", "p3"], ["p4", "p5", "p6"]]


@settings(max_examples=80, deadline=None)
@given(
    teams=st.lists(st.integers(0, 3), min_size=1, max_size=30),
    departments=st.lists(st.integers(0, 1), min_size=30, max_size=30),
    low=st.integers(2, 4),
    extra=st.integers(0, 3),
    data=st.data(),
)
def test_cohorts_do_not_depend_on_the_order_of_the_members(teams, departments, low, extra, data):
    """Any subset of members, in any order: the same cohorts and the same people left out."""
    n = len(teams)
    pop = Population.from_columns({
        "id": [f"p{i:02d}" for i in range(n)], "level": ["manager"] * n,
        "department": [f"d{d}" for d in departments[:n]], "tenure_years": [1.0] * n,
        "team": [f"t{t}" for t in teams],
    })  # fmt: skip
    chosen = data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=n, unique=True))
    ids = [f"p{i:02d}" for i in sorted(chosen)]
    shuffled = data.draw(st.permutations(ids))
    size = (low, low + extra)
    first, second = team_cohorts(pop, ids, size=size), team_cohorts(pop, shuffled, size=size)
    assert _partition(first) == _partition(second)
    assert np.array_equal(second.ids, np.array(shuffled))  # still listed in the order given
