"""Hypothesis: random organisations with small groups in overlapping groupings are protected.

An organisation is 10 to 60 people in two or three groupings (each with a group of one to
four people, so something is always hidden), journeys starting on a few different days, and
the simulator's activity, completions, ratings and scores up to the snapshot. The verifier
(checked against a per-person attacker in ``test_verify.py``) reads the dashboard document as
the attacker does (:func:`tests.privacy.world.published`) and must find every hidden cell
protected; without linked suppression (``secondary=False``) it must find exposures, so the
property can fail.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus.datasets import simulate_events
from sparkus.metrics._tracking.snapshot import dashboard_at, seconds
from sparkus.privacy import verify_disclosure
from tests.privacy.world import day, published, released, tracker_of


def _organisation(n: int, groupings: int, seed: int):
    """A tracker of `n` people whose groupings each hold a small group, with events to day 120."""
    rng = np.random.default_rng(seed)
    labels = {}
    for g in range(groupings):
        k = int(rng.integers(2, 5))
        small = int(rng.integers(1, 5))
        rest = rng.choice(np.arange(1, k), n - small, p=rng.dirichlet(np.ones(k - 1)))
        codes = rng.permutation(np.r_[np.zeros(small, int), rest])
        labels[f"g{g}"] = np.array([f"{'abcd'[g]}{c}" for c in codes])
    starts = [int(s) for s in rng.choice([0, 0, 0, 7, 14], n)]
    tracker = tracker_of(labels, start_days=starts)
    tracker.update(simulate_events(tracker.schedule, rng=seed, as_of=day(120)))
    return tracker


organisations = st.builds(
    _organisation,
    n=st.integers(10, 60),
    groupings=st.integers(2, 3),
    seed=st.integers(0, 2**32 - 1),
)


@settings(max_examples=25, deadline=None)
@given(tracker=organisations, as_of=st.integers(2, 110))
def test_every_hidden_cell_of_a_snapshot_is_protected(tracker, as_of):
    """One snapshot: the verifier finds every hidden cell and small group protected."""
    snap = tracker.snapshot(day(as_of))
    check = verify_disclosure(list(published(tracker, snap).values()))
    assert check.protected, check.exposed
    assert any(s.reason for s in snap.suppressed)  # a small group is always there to protect


@settings(max_examples=8, deadline=None)
@given(tracker=organisations, first=st.integers(2, 90), gap=st.integers(1, 30))
def test_every_hidden_cell_of_two_releases_is_protected(tracker, first, gap):
    """Two releases, events between them: protected together, against both documents."""
    snaps = [tracker.snapshot(day(first)), tracker.snapshot(day(first + gap))]
    check = verify_disclosure(released(tracker, snaps))
    assert check.protected, check.exposed


def test_a_cell_hidden_as_a_complement_is_not_shown_unchanged_in_the_next_release():
    """Regression (hypothesis' shrunk example of the property above): ten people, releases on
    days 2 and 3. Day 2 hides the kickoff row of the funnel (and the completion total, equal
    to it) as complements; day 3 shows the kickoff row, whose six slots did not change, so
    day 2's hidden cells are pinned (5 of 6)."""
    tracker = _organisation(10, 2, 0)
    snaps = [tracker.snapshot(day(2)), tracker.snapshot(day(3))]
    check = verify_disclosure(released(tracker, snaps))
    assert check.protected, check.exposed


def test_without_secondary_suppression_the_verifier_finds_exposures():
    """The same kind of organisation with only the minimum group size applied is exposed."""
    tracker = _organisation(34, 3, 1)
    at = seconds(day(40))
    protected, _ = dashboard_at(tracker, at)
    assert verify_disclosure(list(published(tracker, protected).values())).protected
    bare, _ = dashboard_at(tracker, at, secondary=False)
    check = verify_disclosure(list(published(tracker, bare).values()))
    assert not check.protected
    # what is exposed is a hidden cell or a small group pinned to less than its width
    assert all(c.high - c.low < c.required for c in check.exposed if c.low is not None)
    assert {c.kind for c in check.exposed} <= {"hidden", "group"}
