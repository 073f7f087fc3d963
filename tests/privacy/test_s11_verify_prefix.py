"""A later release does not excuse what an earlier one exposed.

The verifier excuses a set that the cells of earlier releases alone already pin (a later
release cannot undo that), and gives a group of people the latest release of the cells it lies
in. So a group that release 1 isolated and pinned, and that release 2 published again inside
a larger cell, was excused by release 1 itself: the verifier passed what release 1 alone fails.
It now checks each earlier release as it stood too. (Found in the red team's family-A
organisation of seed 3045, where releases 0 and 1 pinned four single slots at 1, and release
2 hid that.)
"""

from __future__ import annotations

import numpy as np

from sparkus.privacy import Cell, Figure, verify_disclosure
from tests.privacy.world import person_range


def _figure() -> tuple[Figure, list[tuple[np.ndarray, float]]]:
    """Twelve people's 0/1 completions: release 0 five of them, release 1 everyone and
    everyone but person 0 (isolating them), release 2 everyone again."""
    done = np.array([1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 1, 0], dtype=float)
    everyone = np.ones(12, dtype=bool)
    rest = everyone.copy()
    rest[0] = False
    first = rest.copy()
    first[6:] = False  # release 0: people 1 to 5 only
    cells = [(first, 0), (everyone, 1), (rest, 1), (everyone, 2)]
    out = [Cell(f"c{i}", mask, float(done[mask].sum()), release=r)
           for i, (mask, r) in enumerate(cells)]  # fmt: skip
    return Figure("completion", out, kind="count"), [(c.members, c.value) for c in out]


def test_a_group_pinned_by_an_earlier_release_is_exposed() -> None:
    """Person 0 is pinned (independent MILP), and release 2 does not hide that release 1 did."""
    figure, published = _figure()
    target = np.zeros(12, dtype=bool)
    target[0] = True
    low, high = person_range(12, published, target)  # scipy's milp, one variable per person
    assert low == high == 1.0
    check = verify_disclosure([figure])
    assert not check.protected
    assert any(row.kind == "group" and row.release == 1 and row.high == row.low == 1.0
               for row in check.exposed)  # fmt: skip
