"""A value set again after a release but stamped before it, released by differencing.

HR exports arrive in batches with each event's own time, so a corrected rating (or post score)
can reach the tracker after a release while its time is before that release's ``as_of``. The
person counted in both releases, and by time the value was set before the first one, so the
change rule saw nobody changed and the difference of the two releases gave the new value (a
rating of 2 exactly). Whether a value changed since a cell's last release is a question of
when the tracker *received* it, not of the time written on it: it now counts as changed, and
the cell keeps its width, also through a saved state and a merge. The attackers are those of
test_s14_redteam_ratings.py and test_s14_redteam_rescored.py (one variable per rating or
change, HiGHS over every published sum), with the value dated before the first release.
"""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.metrics import Tracker
from tests.privacy.world import day, events, person_range, tracker_of

_DEPARTMENTS = ["Sales"] * 6 + ["Ops"] * 6
_DEPT = np.array([*_DEPARTMENTS, "Sales"])  # the twelve people, then the value set again


def _saved_and_loaded(tracker: Tracker) -> Tracker:
    buffer = io.BytesIO()
    tracker.save(buffer)
    buffer.seek(0)
    return Tracker.load(buffer, tracker.program, tracker.schedule)


def _rated_twice(stamped: float, rating: float, carry=lambda t: t, first: float = 8.0) -> tuple:
    """Twelve ratings released on day 15; one set again at `stamped`; released on day 27."""
    tracker = tracker_of({"department": _DEPARTMENTS})
    tracker.update(events([(i, "session_rated", "coaching-1", 14.5, first) for i in range(12)]))
    before = tracker.snapshot(day(15))
    tracker.update(events([(0, "session_rated", "coaching-1", stamped, rating)], first_id=100))
    tracker = carry(tracker)
    return tracker, before, tracker.snapshot(day(27))


def _rating_width(before, after, replaced: bool) -> float:
    """The width left to the value set again by both releases' published rating sums."""
    n = len(_DEPT)
    now = np.ones(n, dtype=bool)
    now[0], now[12] = not replaced, replaced
    published = []
    for snap, counted in ((before, np.arange(n) < 12), (after, now)):
        if snap.totals.mean_rating is not None:
            published.append((counted, snap.totals.mean_rating * counted.sum()))
        for row in snap.groups["department"]:
            if row.mean_rating is not None:
                mask = counted & (row.group == _DEPT)
                published.append((mask, row.mean_rating * mask.sum()))
    low, high = person_range(n, published, np.arange(n) == 12, 0.0, 10.0, integer=False)
    return high - low


@pytest.mark.parametrize(("stamped", "first", "rating"),
                         [(14.8, 8.0, 2.0), (14.5, 1.0, 9.0), (3.0, 8.0, 2.0)],
                         ids=["after-first", "same-time-larger", "before"])  # fmt: skip
def test_a_rating_set_again_after_a_release_but_dated_before_it_keeps_its_width(
    stamped, first, rating
):
    _, before, after = _rated_twice(stamped, rating, first=first)
    replaced = stamped >= 14.5  # the latest rating counts (at a tie the larger); older: ignored
    if replaced:
        assert _rating_width(before, after, replaced) >= 0.5 * 10.0 - 1e-7
    else:  # nothing changed: the figures are the same and may be shown again
        assert after.totals.mean_rating == before.totals.mean_rating


@pytest.mark.parametrize("carry", ["saved", "merged"])
def test_the_record_of_a_value_set_again_survives_a_saved_state_and_a_merge(carry):
    """Saved and loaded, or merged with an empty shard, before the second release."""

    def saved(tracker):
        return _saved_and_loaded(tracker)

    def merged(tracker):
        empty = tracker_of({"department": _DEPARTMENTS})
        out = empty.merge(tracker)
        assert out == tracker.merge(empty)  # commutative, the record of the reset included
        return out

    _, before, after = _rated_twice(14.8, 2.0, saved if carry == "saved" else merged)
    assert _rating_width(before, after, True) >= 0.5 * 10.0 - 1e-7


def test_a_post_score_entered_again_after_a_release_but_dated_before_it_keeps_its_width():
    tracker = tracker_of({"department": _DEPARTMENTS})
    rows = [(i, "step_completed", "self-assessment", 7.5, 3.0) for i in range(12)]
    rows += [(i, "step_completed", "checkpoint-final", 90.5, 3.0 + i % 3) for i in range(12)]
    tracker.update(events(rows))
    before = tracker.snapshot(day(91))
    again = [(0, "step_completed", "checkpoint-final", 90.8, 0.5)]  # dated before day 91
    tracker.update(events(again, first_id=100))
    after = tracker.snapshot(day(96))
    assert _progress_width(before, after) >= 0.5 * 4.5 - 1e-7


def _progress_width(before, after) -> float:
    """The width left to person 0's new change (-2.5) by both releases' published progress.

    The twelve changes are ``i % 3``; the attacker bounds each by the lowest and highest seen.
    """
    changes = np.array([i % 3 for i in range(12)] + [-2.5], dtype=float)
    n = len(_DEPT)
    now = np.ones(n, dtype=bool)
    now[0] = False
    published = []
    for snap, counted in ((before, np.arange(n) < 12), (after, now)):
        for row in snap.groups["department"]:
            if row.progress is not None:
                mask = counted & (row.group == _DEPT)
                published.append((mask, row.progress.estimate * row.progress.n))
    low, high = changes.min(), changes.max()
    lo, hi = person_range(n, published, np.arange(n) == 12, low, high, integer=False)
    return float(hi - lo)


def test_a_release_at_the_last_as_of_after_a_value_was_set_again_is_refused():
    """Its cells would then count the corrected people as changed at every later release."""
    tracker = tracker_of({"department": _DEPARTMENTS})
    tracker.update(events([(i, "session_rated", "coaching-1", 14.5, 8.0) for i in range(12)]))
    tracker.snapshot(day(15))
    tracker.snapshot(day(15))  # nothing set again: the same as_of may be released again
    tracker.update(events([(0, "session_rated", "coaching-1", 14.8, 2.0)], first_id=100))
    with pytest.raises(SchemaError, match=r"as_of: is the last release's .* set again since"):
        tracker.snapshot(day(15))
    tracker.snapshot(day(15), release=False)  # a preview is not a release
    assert tracker.releases == 2
    tracker.snapshot(day(15) + (day(1) - day(0)) / 86_400)  # one second later
    assert tracker.releases == 3


def _rewritten(tracker: Tracker, change) -> Tracker:
    """`tracker` saved, its members changed by `change(members)` in place, and loaded back."""
    buffer = io.BytesIO()
    tracker.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    change(members)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    out.seek(0)
    return Tracker.load(out, tracker.program, tracker.schedule)


def _npy(array) -> bytes:
    one = io.BytesIO()
    np.save(one, array)
    return one.getvalue()


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (np.array([[5, 1]], dtype=np.int32), "expected int64 rows of"),
        (np.array([[5, 2], [5, 1]], dtype=np.int64), "slots must increase"),
        (np.array([[10**9, 1]], dtype=np.int64), "slots must increase"),
        (np.array([[5, 2**62]], dtype=np.int64), "times must be at most one second after"),
    ],
    ids=["int32", "times-decreasing", "past-the-schedule", "after-the-last-release"],
)  # fmt: skip
def test_a_tampered_record_of_values_set_again_is_refused(rows, message):
    tracker, _, _ = _rated_twice(14.8, 2.0)

    def tamper(members):
        assert json.loads(str(np.load(io.BytesIO(members["meta.npy"]))))["version"] == 6
        members["ledger_reset_rating.npy"] = _npy(rows)

    with pytest.raises(SchemaError, match=f"ledger_reset_rating: {message}"):
        _rewritten(tracker, tamper)


def test_a_version_3_file_takes_the_values_times_as_when_they_were_set_again():
    """A file written before the stamps: a rating timed after the release counts as changed."""
    tracker = tracker_of({"department": _DEPARTMENTS})
    tracker.update(events([(i, "session_rated", "coaching-1", 14.5, 8.0) for i in range(12)]))
    tracker.snapshot(day(15))
    tracker.update(events([(0, "session_rated", "coaching-1", 20.0, 2.0)], first_id=100))

    def version_3(members):
        for name in [m for m in members if m.startswith("ledger_reset_")]:
            del members[name]
        meta = json.loads(str(np.load(io.BytesIO(members["meta.npy"]))))
        members["meta.npy"] = _npy(np.array(json.dumps({**meta, "version": 3})))

    loaded = _rewritten(tracker, version_3)
    assert loaded.ledger.reset["rating"][:, 1].tolist() == [int(day(15).timestamp()) + 1]
    sales = {r.group: r for r in loaded.snapshot(day(27)).groups["department"]}["Sales"]
    assert sales.mean_rating is None  # one person changed: fewer than the minimum
