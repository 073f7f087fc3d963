"""The release ledger keeps only the withheld sets protection needs, and says when it is full.

A withheld set whose sum the published cells pin, or whose units another kept set has, stands
for no constraint of its own (the proof is in ``sparkus.metrics._tracking.ledger``); the ledger
used to keep every one. It now drops them, and an independent attacker (scipy's ``milp`` over
every slot, every published cell of every release) finds no withheld cell narrowed below what
the rule allows. A cell that would need more layers than a state file holds used to be
recorded anyway, leaving a state file that ``Tracker.load`` refuses; the release is refused
instead, naming the cell.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from sparkus import InfeasibleError
from sparkus.metrics import Tracker
from sparkus.metrics._tracking import protection
from sparkus.metrics._tracking.protection import unit_labels
from tests.privacy.world import as_mask, day, published, random_completions

SEEDS = [0, 9, 11, 12, 64]


def _organisation(seed: int) -> tuple[Tracker, list[float]]:
    """Departments nested in sites (a site of one department repeats its cells), random
    completions on the due day, three to five releases a few days apart."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(15, 35))
    site = np.sort(rng.integers(0, int(rng.integers(2, 4)), n))
    dept = site * 10 + (rng.random(n) < 0.5)
    perm = rng.permutation(n)
    labels = {"site": [f"s{x}" for x in site[perm]], "dept": [f"d{x}" for x in dept[perm]]}
    tracker = random_completions(labels, n, rng)
    release_days = [float(rng.integers(1, 15)) + 0.5]
    for _ in range(int(rng.integers(2, 5))):
        release_days.append(release_days[-1] + float(rng.integers(1, 8)))
    return tracker, release_days


def _milp_width(a: np.ndarray, b: np.ndarray, target: np.ndarray) -> float:
    """How wide ``sum(x[target])`` stays for whole-number slots ``0 <= x <= 1``, ``a @ x == b``."""
    ends = []
    for sign in (1.0, -1.0):
        constraints = [LinearConstraint(a, b, b)] if len(b) else []
        res = milp(sign * target, integrality=np.ones(len(target)), bounds=Bounds(0, 1),
                   constraints=constraints)  # fmt: skip
        assert res.status == 0, res.message
        ends.append(sign * res.fun)
    return ends[1] - ends[0]


def _kept_sets(tracker: Tracker) -> tuple[list[tuple[np.ndarray, float]], list[np.ndarray]]:
    """The ledger's completion cells: (slots, sum) last published, and the withheld sets kept
    (slots, release time)."""
    ledger, units = tracker.ledger, tracker.schedule.n_slots
    shown, kept = [], []
    for j, record in enumerate(ledger.parts["completion"]):
        label = unit_labels(tracker, "completion", j)
        bits = record.unpacked(units)
        shown += [(bits & (label == i), record.values[i, 0])
                  for i in np.flatnonzero(record.published >= 0)]  # fmt: skip
        for layer in ledger.hidden["completion"][j]:
            bits = layer.unpacked(units)
            kept += [(bits & (label == i), int(layer.published[i]))
                     for i in np.flatnonzero(layer.published >= 0)]  # fmt: skip
    return shown, kept


def _monotone_width(cells, due, r, target):
    """The linear range of release `r`'s ``sum(x[target])``: a 0-1 variable per slot and
    release, every published cell an equality on its release's, a completion final
    (``x[s, q] <= x[s, q + 1]`` for slots due in both)."""
    n, m = len(target), len(due)
    rows, values = [], []
    for q, mask, value in cells:
        if value is not None:
            row = np.zeros(n * m)
            row[q * n : (q + 1) * n] = mask
            rows.append(row)
            values.append(value)
    order = []
    for q in range(m - 1):
        for s in np.flatnonzero(due[q] & due[q + 1]):
            row = np.zeros(n * m)
            row[q * n + s], row[(q + 1) * n + s] = 1.0, -1.0
            order.append(row)
    c = np.zeros(n * m)
    c[r * n : (r + 1) * n] = target
    ends = [sign * linprog(sign * c, A_eq=np.array(rows), b_eq=np.array(values),
                           A_ub=np.array(order) if order else None,
                           b_ub=np.zeros(len(order)) if order else None,
                           bounds=(0, 1)).fun for sign in (1.0, -1.0)]  # fmt: skip
    return ends[1] - ends[0]


@pytest.mark.parametrize("seed", SEEDS)
def test_the_ledger_keeps_no_redundant_set_and_no_cell_is_narrowed(seed):
    """Every kept completion set is free under the published cells and kept once, and every
    cell withheld in any release keeps, against all releases, min(width, its width then) (the
    width capped by what single published cells pin, as in test_s11_withheld_layers).

    A completion is final (session 17): a set is one release's count, so one withheld in two
    releases over the same slots is two sets, and it is free when the releases read with their
    counts never falling leave it so."""
    tracker, release_days = _organisation(seed)
    snaps = [tracker.snapshot(day(d)) for d in release_days]

    n, row = tracker.schedule.n_slots, tracker.schedule.row
    cells = [(r, as_mask(np.asarray(c.members), n), c.value)
             for r, snap in enumerate(snaps)
             for c in published(tracker, snap, release=r)["completion"].cells]  # fmt: skip
    due = [np.logical_or.reduce([m for q, m, _ in cells if q == r]) for r in range(len(snaps))]
    release_of = {int(day(d).timestamp()): r for r, d in enumerate(release_days)}
    _, kept = _kept_sets(tracker)
    assert len({(m.tobytes(), t) for m, t in kept}) == len(kept)
    for mask, at in kept:
        assert _monotone_width(cells, due, release_of[at], mask.astype(float)) > 1e-7

    def system(upto):
        rows = [(m, v) for r, m, v in cells if v is not None and r <= upto]
        return np.array([m for m, _ in rows], float).reshape(-1, n), np.array([v for _, v in rows])

    a, b = system(len(snaps) - 1)
    low, high = np.zeros(n), np.ones(n)  # what each published cell alone leaves each slot
    for mask, value in zip(a.astype(bool), b, strict=True):
        low[mask] = np.maximum(low[mask], value - (mask.sum() - 1))
        high[mask] = np.minimum(high[mask], value)
    narrowed = []
    for r, mask, value in cells:
        if value is not None or not mask.any():
            continue
        people = len(set(row[mask].tolist()))
        # the rule: half of min(5, people) people's range, capped by what single cells pin
        need = min(0.5 * min(5, people) / people * mask.sum(), (high - low)[mask].sum())
        now = _milp_width(a, b, mask.astype(float))
        then = _milp_width(*system(r), mask.astype(float))
        if now < min(need, then) - 1e-6:
            narrowed.append((r, then, now, need))
    assert not narrowed


def test_a_release_past_the_layers_a_file_holds_is_refused(monkeypatch):
    """With room for one layer, the release that needs a second is an InfeasibleError naming
    the cell, and the tracker stays as it was (it still saves and loads)."""
    monkeypatch.setattr(protection, "MAX_LAYERS", 1)
    tracker, release_days = _organisation(64)
    refused = None
    for d in release_days:
        before = tracker.releases
        try:
            tracker.snapshot(day(d))
        except InfeasibleError as error:
            refused = str(error)
            assert tracker.releases == before
            break
    assert refused is not None
    assert "cell" in refused
    assert "release less often" in refused
    assert any(f"{g}=" in refused or "the total" in refused or "funnel step" in refused
               or "engagement" in refused for g in ("site", "dept"))  # fmt: skip
    buffer = io.BytesIO()
    tracker.save(buffer)
    buffer.seek(0)
    loaded = Tracker.load(buffer, tracker.program, tracker.schedule)
    assert loaded.ledger == tracker.ledger


def test_a_merge_past_the_layers_a_file_holds_is_refused(monkeypatch):
    """Two shards released on different days: their ledgers together hold two layers of a
    cell; with room for one, the merge is refused (it saved a file that could not load)."""
    from sparkus.metrics._tracking import ledger

    monkeypatch.setattr(protection, "MAX_LAYERS", 1)
    monkeypatch.setattr(ledger, "MAX_LAYERS", 1)
    shards = []
    for d in _organisation(64)[1][:2]:
        shard, _ = _organisation(64)
        shard.snapshot(day(d))
        shards.append(shard)
    layers = [max((len(x) for f in s.ledger.hidden.values() for x in f), default=0)
              for s in shards]  # fmt: skip
    assert layers == [1, 1]
    with pytest.raises(InfeasibleError, match="merge trackers that released less often"):
        shards[0].merge(shards[1])
