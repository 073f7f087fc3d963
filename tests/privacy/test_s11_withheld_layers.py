"""Every release that withheld a cell keeps that cell wide, not only the last one.

The release ledger kept each cell's last withheld set only. In the organisation below (27
people, departments nested in four sites and two levels, releases on days 13.5, 16.5, 26.5
and 28.5), nearly every completion cell was withheld in each release, over more slots each
time as steps fell due. The fourth release published the self-assessment row (everyone done),
which the third release's withheld sets allowed, but which pinned the first release's total
(59 slots, withheld: range 14 wide, now 0) and narrowed department ``d9``'s (3 people, 9
slots) from 5 to 2, below the 3 the tracker's per-person rule asks. The ledger now keeps each
set a cell was withheld as, in layers, and the tracker checks them all.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from tests.privacy.world import as_mask, day, published, random_completions


def _organisation(seed: int):
    """A red-team organisation of family B: departments nested in sites, maybe levels,
    random start days and completions (each on its due day), two to four releases."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(15, 40))
    n_sites = int(rng.integers(2, 5))
    site = np.sort(rng.integers(0, n_sites, n))
    dept, d = np.zeros(n, int), 0
    for s in range(n_sites):
        idx = np.flatnonzero(site == s)
        if not len(idx):
            continue
        cuts = []
        if len(idx) > 1:
            size = min(int(rng.integers(0, 4)), len(idx) - 1)
            cuts = np.sort(rng.choice(np.arange(1, len(idx)), size=size, replace=False))
        for part in np.split(idx, cuts):
            dept[part] = d
            d += 1
    perm = rng.permutation(n)
    labels = {"site": [f"s{x}" for x in site[perm]], "dept": [f"d{x}" for x in dept[perm]]}
    if rng.random() < 0.5:
        labels["level"] = [f"l{x}" for x in rng.integers(0, int(rng.integers(2, 5)), n)]
    tracker = random_completions(labels, n, rng)
    count = int(rng.integers(2, 5))
    release_days = [float(rng.integers(1, 25)) + 0.5]
    for _ in range(count - 1):
        release_days.append(release_days[-1] + float(rng.integers(1, 12)))
    return tracker, release_days


def _width(a: np.ndarray, b: np.ndarray, target: np.ndarray) -> float:
    """How wide ``sum(x[target])`` stays for whole-number slots ``0 <= x <= 1`` with
    ``a @ x == b`` (scipy's milp, one variable per slot: independent of sparkus._privacy)."""
    n = len(target)
    ends = []
    for sign in (1.0, -1.0):
        res = milp(sign * target, integrality=np.ones(n), bounds=Bounds(0, 1),
                   constraints=[LinearConstraint(a, b, b)])  # fmt: skip
        assert res.status == 0, res.message
        ends.append(sign * res.fun)
    return ends[1] - ends[0]


def test_later_releases_keep_each_withheld_set_wide():
    """Each completion cell withheld in a release keeps, against every release, the width it
    had then or the tracker's per-person width, whichever is less (a cell that alone pins its
    slots lowers the latter)."""
    tracker, release_days = _organisation(64)
    snaps = [tracker.snapshot(day(d)) for d in release_days]
    n, row = tracker.schedule.n_slots, tracker.schedule.row
    cells = [(r, c.name, as_mask(np.asarray(c.members), n), c.value)
             for r, snap in enumerate(snaps)
             for c in published(tracker, snap, release=r)["completion"].cells]  # fmt: skip

    used = np.any([m for _, _, m, _ in cells], axis=0)  # slots of no cell stay free
    cells = [(r, name, m[used], v) for r, name, m, v in cells]
    n = int(used.sum())
    row = row[used]

    def system(upto):
        shown = [(m, v) for r, _, m, v in cells if v is not None and r <= upto]
        return np.array([m for m, _ in shown], float), np.array([v for _, v in shown])

    last = len(snaps) - 1
    a, b = system(last)
    low, high = np.zeros(n), np.ones(n)  # what each published cell alone leaves each slot
    for mask, value in zip(a.astype(bool), b, strict=True):
        low[mask] = np.maximum(low[mask], value - (mask.sum() - 1))
        high[mask] = np.minimum(high[mask], value)
    narrowed = []
    for r, name, mask, value in cells:
        if value is not None or r == last or not mask.any():
            continue
        people = len(set(row[mask].tolist()))
        need = min(0.5 * min(5, people) / people * mask.sum(), (high - low)[mask].sum())
        now = _width(a, b, mask.astype(float))
        if now < need - 1e-6:
            then = _width(*system(r), mask.astype(float))
            if now < then - 1e-6:
                narrowed.append((r, name, then, now, need))
    assert not narrowed
