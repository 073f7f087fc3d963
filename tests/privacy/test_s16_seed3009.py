"""A fractional witness is no proof that a count keeps its width.

In the organisation below (21 people, releases on days 6.5, 10.5 and 15.5), person 10's
``vision`` step fell due just before the third release: its slot is a small group of its own
(one person), which the tracker checks, and the completion cells of the second and third
releases (departments ``a1``, ``a2``, ``b3``, ``c0``, ``c3`` and the funnel's ``vision`` and
``manager-feedback`` rows) leave it a linear-programming range of 0 to 2/3, but whole numbers
only 0: the person had not completed it. The linked rule accepted it because a shared witness
program showed the slot at 0 and at 0.5, half a step, which met the width 0.5; the witnesses of
an integer figure now count only the whole numbers their range holds.
"""

from __future__ import annotations

import numpy as np

from sparkus.privacy import verify_disclosure
from tests.privacy.world import as_mask, day, person_range, published, random_completions, released


def _organisation(seed: int):
    """The random organisation of the red-team search (15 to 39 people), with its release days."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(15, 40))
    labels = {}
    for g in range(int(rng.integers(2, 4))):
        sizes, left = [], n
        while left > 0:
            if rng.random() < 0.6:
                s = int(rng.choice([1, 2, 3, 4, 5, 6, 7, 8, 12]))
            else:
                s = int(rng.integers(1, 8))
            s = min(s, left)
            sizes.append(s)
            left -= s
        codes = rng.permutation(np.repeat(np.arange(len(sizes)), sizes))
        labels[f"g{g}"] = [f"{'abc'[g]}{c}" for c in codes]
    tracker = random_completions(labels, n, rng)
    count = int(rng.integers(2, 5))
    release_days = [float(rng.integers(1, 30)) + 0.5]
    for _ in range(count - 1):
        release_days.append(release_days[-1] + float(rng.integers(1, 16)))
    return tracker, release_days[:3]


def _releases():
    tracker, release_days = _organisation(3009)
    return tracker, [tracker.snapshot(day(d)) for d in release_days]


def test_the_releases_pass_the_verifier():
    tracker, snaps = _releases()
    check = verify_disclosure(released(tracker, snaps))
    assert check.protected, check.exposed


def test_the_new_vision_slot_keeps_its_width():
    """The attacker: one whole-number variable per slot, every published cell of the releases."""
    tracker, snaps = _releases()
    n = tracker.schedule.n_slots
    cells = [(as_mask(np.asarray(c.members), n), c.value)
             for r, snap in enumerate(snaps)
             for c in published(tracker, snap, release=r)["completion"].cells
             if c.value is not None]  # fmt: skip
    target = np.zeros(n, dtype=bool)
    target[121] = True  # person 10's vision step
    assert tracker.schedule.row[121] == 10
    low, high = person_range(n, cells, target)
    assert high - low >= 0.5
