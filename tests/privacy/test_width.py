"""The dashboard's protection width is configurable: `Tracker(protection_share=...)`.

The verifier, run with the same share, is the reference: every hidden cell of a snapshot taken
with a share must keep that share's width; a larger share hides at least the cells a smaller
one does on the issue's organisation; the share is saved with the state and checked on merge.
"""

from __future__ import annotations

import io

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.metrics import Tracker
from sparkus.privacy import verify_disclosure
from tests.privacy.world import day, events, published, tracker_of

DEPT = ["Legal"] * 3 + ["Tech"] * 5 + ["Ops"] * 8 + ["Sales"] * 6
SITE = [
    "Berlin" if d == "Tech" or (d == "Ops" and i >= 10) else "Paris" for i, d in enumerate(DEPT)
]
LEVEL = ["executive" if d == "Ops" and i >= 10 else "staff" for i, d in enumerate(DEPT)]


def _organisation(share: float) -> Tracker:
    base = tracker_of({"department": DEPT, "site": SITE, "level": LEVEL})
    tracker = Tracker(base.program, base.schedule, protection_share=share,
                      groups={"department": DEPT, "site": SITE, "level": LEVEL})  # fmt: skip
    rng = np.random.default_rng(3)
    rows = []
    for p in range(len(DEPT)):
        if rng.random() < 0.8:
            rows.append((p, "activity", "", 1.0 + 0.01 * p, np.nan))
            rows.append((p, "step_completed", "kickoff", 0.5, np.nan))
        rows.append((p, "session_rated", "kickoff", 0.6, float(rng.integers(0, 11))))
    tracker.update(events(rows))
    return tracker


@pytest.mark.parametrize("share", [0.2, 0.5, 0.9])
def test_every_hidden_cell_keeps_the_configured_share(share):
    tracker = _organisation(share)
    snap = tracker.snapshot(day(5))
    check = verify_disclosure(list(published(tracker, snap).values()), share=share)
    assert check.protected, check.exposed


def test_a_larger_share_hides_more_and_a_smaller_one_fails_the_larger_width():
    """0.2, 0.5 and 0.9 hide 11, 13 and 16 cells here; what 0.2 shows is exposed at width 0.9."""
    hidden = {}
    for share in (0.2, 0.5, 0.9):
        snap = _organisation(share).snapshot(day(5), release=False)
        hidden[share] = {(s.grouping, s.group, s.figure) for s in snap.suppressed}
    assert len(hidden[0.2]) < len(hidden[0.5]) < len(hidden[0.9])
    tracker = _organisation(0.2)
    snap = tracker.snapshot(day(5))
    strict = verify_disclosure(list(published(tracker, snap).values()), share=0.9)
    assert not strict.protected


def test_the_share_is_saved_and_checked_on_merge():
    tracker = _organisation(0.8)
    buffer = io.BytesIO()
    tracker.save(buffer)
    buffer.seek(0)
    loaded = Tracker.load(buffer, tracker.program, tracker.schedule)
    assert loaded.protection_share == 0.8
    assert loaded == tracker
    with pytest.raises(SchemaError):
        tracker.merge(_organisation(0.5))
