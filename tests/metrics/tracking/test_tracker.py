"""The Tracker: idempotent, order-free, mergeable state; snapshots with the privacy rule."""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus import SchemaError
from sparkus.datasets import simulate_events
from sparkus.metrics import Dashboard, Tracker
from sparkus.metrics._tracking.moments import CoMoments
from sparkus.model import (
    CostModel,
    Goal,
    Program,
    Season,
    SupportType,
    check_events,
    default_journey,
    schedule_journeys,
)

START = dt.datetime(2027, 1, 4, tzinfo=dt.UTC)
TEMPLATE = default_journey(Season.WINTER, [Goal.LEADERSHIP_DEVELOPMENT])
PROGRAM = Program("Pilot", (Goal.LEADERSHIP_DEVELOPMENT,), Season.WINTER, 1e5, "EUR",
                  CostModel({SupportType.COACHING: 200.0}), TEMPLATE)  # fmt: skip
SIZES = {"Legal": 3, "People": 6, "Sales": 10, "Tech": 12}
DEPARTMENTS = np.repeat(list(SIZES), list(SIZES.values()))
N = len(DEPARTMENTS)
IDS = [f"p{i:02d}" for i in range(N)]
SUPPORT = [SupportType.COACHING if i % 2 else SupportType.MENTORING for i in range(N)]
SCHEDULE = schedule_journeys(TEMPLATE, IDS, SUPPORT, [4] * N, start=START)
EVENTS = simulate_events(SCHEDULE, rng=11, duplicate_rate=0.05, late_rate=0.1)
END = START + dt.timedelta(days=120)


def _tracker() -> Tracker:
    return Tracker(PROGRAM, SCHEDULE, groups={"department": DEPARTMENTS})


def _fed(rows) -> Tracker:
    tracker = _tracker()
    tracker.update(EVENTS.take(np.asarray(rows, dtype=np.int64)))
    return tracker


ONE_PASS = _fed(np.arange(len(EVENTS)))


def test_simulated_events_all_accepted():
    """The simulator's events (late and repeated ones included) pass every check."""
    tracker = _tracker()
    check = tracker.update(EVENTS)
    assert check.ok
    assert check.accepted == len(EVENTS)


@given(st.integers(0, 2**32 - 1), st.integers(1, 6), st.floats(0.0, 0.3))
@settings(max_examples=25)
def test_shards_merge_to_one_pass(seed, shards, overlap):
    """Any split into shards (even overlapping ones), merged in any order, equals one pass."""
    rng = np.random.default_rng(seed)
    which = rng.integers(0, shards, len(EVENTS))
    parts = [np.flatnonzero(which == k) for k in range(shards)]
    extra = np.flatnonzero(rng.random(len(EVENTS)) < overlap)  # seen by shard 0 too
    parts[0] = np.concatenate([parts[0], extra])
    states = [_fed(rng.permutation(p)) for p in parts]
    rng.shuffle(states)
    merged = functools.reduce(Tracker.merge, states)
    assert merged == ONE_PASS


@given(st.integers(0, 2**32 - 1))
@settings(max_examples=20)
def test_order_does_not_matter(seed):
    """Events in any order give the same state."""
    order = np.random.default_rng(seed).permutation(len(EVENTS))
    assert _fed(order) == ONE_PASS


def test_same_batch_twice_changes_nothing():
    """Applying a batch again leaves the state and the snapshot as they were."""
    tracker = _fed(np.arange(len(EVENTS)))
    before = tracker.snapshot(as_of=END, release=False).to_dict()
    tracker.update(EVENTS)
    assert tracker == ONE_PASS
    assert tracker.snapshot(as_of=END).to_dict() == before


def _bad_events() -> dict[str, object]:
    t = np.datetime64("2027-01-10T10:00", "s")
    return {
        "id": np.array([900001, 900002, 900003, 900004, 900005]),
        "participant": np.array(["p01", "ghost", "p02", "p03", "p04"]),
        "kind": np.array(["session_rated", "activity", "step_completed", "activity", "teleport"]),
        "time": np.array([t, t, t, np.datetime64("2026-01-01", "s"), t]),
        "step": np.array(["kickoff", "", "coaching-6", "", ""]),
        "value": np.array([11.0, np.nan, np.nan, np.nan, np.nan]),
    }


def test_bad_events_leave_state_as_good_only():
    """A batch with bad events ends exactly as if only the good ones had arrived."""
    bad = _bad_events()
    mixed = {
        "id": np.concatenate([EVENTS.id, bad["id"]]),
        "participant": np.concatenate([SCHEDULE.ids[_rows()], bad["participant"]]),
        "kind": np.concatenate([[k.value for k in _kinds()], bad["kind"]]),
        "time": np.concatenate([EVENTS.time.astype("datetime64[s]"), bad["time"]]),
        "step": np.concatenate([EVENTS.step, bad["step"]]),
        "value": np.concatenate([EVENTS.value, bad["value"]]),
    }
    tracker = _tracker()
    check = tracker.update(mixed)
    assert check.accepted == len(EVENTS)
    assert [r.id for r in check.rejected] == bad["id"].tolist()
    assert [r.reasons[0][0] for r in check.rejected] == ["value", "participant", "step", "time",
                                                        "kind"]  # fmt: skip
    assert tracker == ONE_PASS


def _rows():
    return SCHEDULE.rows_of(EVENTS.participant)


def _kinds():
    from sparkus.model import EventKind

    return [list(EventKind)[k] for k in EVENTS.kind]


def test_save_and_load_round_trip(tmp_path):
    """A saved state reloads equal, with the same snapshot; a wrong schedule is refused."""
    buffer = io.BytesIO()
    ONE_PASS.save(buffer)
    buffer.seek(0)
    loaded = Tracker.load(buffer, PROGRAM, SCHEDULE)
    assert loaded == ONE_PASS
    assert (
        loaded.snapshot(as_of=END).to_dict()
        == ONE_PASS.snapshot(as_of=END, release=False).to_dict()
    )
    path = tmp_path / "state.npz"
    ONE_PASS.save(path)
    other = schedule_journeys(TEMPLATE, IDS, SUPPORT, [3] * N, start=START)
    with pytest.raises(SchemaError, match="differs from the one"):
        Tracker.load(path, PROGRAM, other)


def test_merge_refuses_other_configuration():
    """Trackers of other groupings or options do not merge."""
    with pytest.raises(SchemaError, match="same program"):
        ONE_PASS.merge(Tracker(PROGRAM, SCHEDULE, window_days=7))


def test_snapshot_follows_the_contract():
    """The snapshot has the contract's keys, is strict JSON, and hides the small department."""
    snap = ONE_PASS.snapshot(as_of=END, release=False)
    assert isinstance(snap, Dashboard)
    data = snap.to_json_dict()
    json.dumps(data, allow_nan=False)
    assert list(data)[:2] == ["schema", "schema_version"]
    assert {"program", "as_of", "min_group_size", "totals", "engagement", "funnel", "groups",
            "suppressed", "impact", "roi"} <= set(data)  # fmt: skip
    assert set(data["totals"]) == {"participants", "active", "participation_rate",
                                   "completion_rate", "overdue_steps", "mean_rating", "nps"}  # fmt: skip
    assert data["as_of"] == "2027-05-04T00:00:00+00:00"
    shown = [g["group"] for g in data["groups"]["department"]]
    assert shown == ["People", "Sales", "Tech"]
    assert data["suppressed"][0] == {  # a completion cell is hidden: so are the overdue steps
        "grouping": "total", "group": "all", "figure": "overdue",
        "reason": "complementary: protects other hidden cells",
    }  # fmt: skip
    assert data["suppressed"][1] == {  # no release showed the days before as_of (see privacy.md)
        "grouping": "engagement", "group": "2027-01-04/2027-05-03",
        "reason": "not shown as its day's point by a release",
    }  # fmt: skip
    assert data["suppressed"][2:4] == [
        {"grouping": "department", "group": "Legal", "reason": "fewer than the minimum group size"},
        {
            "grouping": "department",
            "group": "People",
            "figure": "completion",
            "reason": "complementary: protects other hidden cells",
        },
    ]
    entry = data["groups"]["department"][0]
    assert set(entry) == {"group", "participants", "active", "participation_rate",
                          "completion_rate", "mean_rating", "nps", "progress"}  # fmt: skip
    assert data["engagement"]["series"][0]["date"] == "2027-01-04"
    assert [f["step"] for f in data["funnel"]][:3] == ["kickoff", "vision", "self-assessment"]


# -- the differencing test --------------------------------------------------------------------


def _world(swap: bool, other: str = "p03") -> dict[str, object]:
    """Everyone's events; Legal's first person and `other` (People's first) trade places."""
    legal, people = IDS.index("p00"), IDS.index(other)
    a, b = (people, legal) if swap else (legal, people)
    day = np.datetime64("2027-01-04T12:00", "s")
    rows: list[tuple[int, str, str, np.datetime64, float]] = []
    for i in range(N):
        rows.append((i, "activity", "", day, np.nan))
        rows.append((i, "step_completed", "kickoff", day, np.nan))
        rows.append((i, "session_rated", "kickoff", day + 3600, 8.0))
        rows.append((i, "step_completed", "self-assessment", day + 7 * 86400, 50.0))
        rows.append((i, "step_completed", "checkpoint-final", day + 90 * 86400, 55.0))
    extra_day = day + 20 * 86400
    rows += [
        (a, "activity", "", extra_day, np.nan),
        (a, "step_completed", "vision", extra_day, np.nan),
        (a, "session_rated", "vision", extra_day, 10.0),
        (b, "session_rated", "vision", extra_day, 2.0),
        (a, "step_completed", "checkpoint-mid", extra_day + 50 * 86400, 70.0),
    ]
    return {
        "id": np.arange(len(rows)),
        "participant": np.array([IDS[r[0]] for r in rows]),
        "kind": np.array([r[1] for r in rows]),
        "step": np.array([r[2] for r in rows]),
        "time": np.array([r[3] for r in rows]),
        "value": np.array([r[4] for r in rows]),
    }


@pytest.mark.parametrize("as_of_days", [30, 120])
def test_no_published_figure_recovers_a_small_group(as_of_days):
    """In either world, the exact verifier bounds every hidden cell no narrower than its width.

    In one world Legal's first person is the more engaged, in the other it is People's first
    person. Legal (three people) is never shown, and an attacker who writes every published
    figure of the snapshot as a linear constraint (the verifier) cannot narrow Legal, or any
    cell hidden to protect it, below the protection width.
    """
    from sparkus.privacy import verify_disclosure
    from tests.privacy.world import published

    as_of = START + dt.timedelta(days=as_of_days)
    for swap in (False, True):
        tracker = _tracker()
        assert tracker.update(_world(swap)).ok
        snap = tracker.snapshot(as_of=as_of)
        assert all(g["group"] != "Legal" for g in snap.to_dict()["groups"]["department"])
        assert snap.totals["participants"] == N
        check = verify_disclosure(list(published(tracker, snap).values()))
        assert check.protected, check.summary()
        assert any(c.cell == "department=Legal" for c in check.cells)


def test_differencing_test_can_fail():
    """The same swap with a shown group (Sales) changes the snapshot: the test has teeth."""
    snaps = []
    for swap in (False, True):
        tracker = _tracker()
        tracker.update(_world(swap, other="p09"))
        snaps.append(tracker.snapshot(as_of=END).to_dict())
    assert snaps[0] != snaps[1]


# -- progress and moments ---------------------------------------------------------------------


def test_progress_interval_matches_paired_t():
    """Development progress is the paired t interval of post - pre (pinned against scipy)."""
    pre, post = [50, 52, 47, 55, 60, 49], [54, 53, 52, 57, 66, 50]
    rows = []
    for i, (x, y) in enumerate(zip(pre, post, strict=True)):
        rows.append((i, "self-assessment", "2027-01-11", float(x)))
        rows.append((i, "checkpoint-final", "2027-04-04", float(y)))
    events = {
        "id": np.arange(len(rows)), "participant": np.array([IDS[r[0] + 9] for r in rows]),
        "kind": np.array(["step_completed"] * len(rows)), "step": np.array([r[1] for r in rows]),
        "time": np.array([r[2] for r in rows], dtype="datetime64[s]"),
        "value": np.array([r[3] for r in rows]),
    }  # fmt: skip
    tracker = Tracker(PROGRAM, SCHEDULE)
    assert tracker.update(events).ok
    snap = tracker.snapshot(as_of=END)
    moments = CoMoments.of(np.array(pre, float), np.array(post, float), np.zeros(6, np.intp), 1)
    diff, _var = moments.difference()
    assert diff[0] == pytest.approx(19 / 6)
    grouped = Tracker(PROGRAM, SCHEDULE, groups={"all": np.array(["x"] * N)})
    grouped.update(events)
    progress = grouped.snapshot(as_of=END).groups["all"][0]["progress"]
    # scipy 1.17.1: stats.ttest_rel(post, pre).confidence_interval(0.95)
    assert progress["ci"] == pytest.approx([0.924047831220828, 5.409285502112505], rel=1e-12)
    assert progress["n"] == 6
    assert progress["estimate"] == pytest.approx(19 / 6)
    assert snap.totals["participants"] == N


@given(st.lists(st.tuples(st.floats(-1e3, 1e3), st.floats(-1e3, 1e3), st.integers(0, 2)),
                min_size=1, max_size=40), st.integers(0, 39))  # fmt: skip
def test_comoments_merge_is_exact(pairs, cut):
    """Moments of two halves merged (Chan et al.) equal the moments of the whole."""
    x = np.array([p[0] for p in pairs])
    y = np.array([p[1] for p in pairs])
    g = np.array([p[2] for p in pairs], dtype=np.intp)
    whole = CoMoments.of(x, y, g, 3)
    cut = min(cut, len(pairs))
    merged = CoMoments.of(x[:cut], y[:cut], g[:cut], 3).merge(
        CoMoments.of(x[cut:], y[cut:], g[cut:], 3)
    )
    for name in ("n", "mean_x", "mean_y", "m2_x", "m2_y", "c_xy"):
        np.testing.assert_allclose(getattr(merged, name), getattr(whole, name), atol=1e-6)
    total = whole.total()
    np.testing.assert_allclose(total.c_xy[0], np.sum((x - x.mean()) * (y - y.mean())), atol=1e-6)


def test_metrics_does_not_import_triage_or_matching():
    """Importing the tracker pulls in neither triage nor matching."""
    code = ("import sys, sparkus.metrics._tracking.tracker; "
            "print([m for m in ('sparkus.triage', 'sparkus.matching') if m in sys.modules])")  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_simulator_is_deterministic_and_plausible():
    """The same seed gives the same events; they hold late arrivals and exact repeats."""
    again = simulate_events(SCHEDULE, rng=11, duplicate_rate=0.05, late_rate=0.1)
    for name in ("id", "participant", "kind", "time", "step"):
        assert np.array_equal(getattr(again, name), getattr(EVENTS, name))
    np.testing.assert_array_equal(again.value, EVENTS.value)
    assert len(np.unique(EVENTS.id)) < len(EVENTS)  # repeats
    assert (np.diff(EVENTS.time) < 0).any()  # out of order
    ratings = EVENTS.value[EVENTS.kind == 4]
    assert ratings.min() >= 0
    assert ratings.max() <= 10


def _event_frame_columns() -> dict[str, object]:
    kinds = [k.value for k in _kinds()]
    return {
        "id": EVENTS.id, "participant": EVENTS.participant, "kind": kinds,
        "time": EVENTS.time.astype("datetime64[s]").astype("datetime64[ms]"),
        "step": EVENTS.step, "value": EVENTS.value,
    }  # fmt: skip


def test_update_takes_pandas_and_polars_frames():
    """A pandas DataFrame (any index) or a polars DataFrame of events updates the tracker."""
    import pandas as pd
    import polars as pl

    columns = _event_frame_columns()
    frame = pd.DataFrame(columns, index=np.arange(len(EVENTS))[::-1] * 3)
    for table in (frame, pl.DataFrame(columns)):
        tracker = _tracker()
        check = tracker.update(table)
        assert check.ok
        assert tracker == ONE_PASS


# -- sizes a caller controls (issue 12) --------------------------------------------------------


def test_far_as_of_is_bounded_by_the_schedule():
    """A mistyped year gives the dashboard at the schedule's end, not millions of points."""
    far = ONE_PASS.snapshot(as_of=dt.datetime(9999, 1, 1, tzinfo=dt.UTC), release=False)
    assert len(far.engagement.series) == SCHEDULE.n_days
    last = SCHEDULE.end_seconds.max()
    at_end = ONE_PASS.snapshot(
        as_of=dt.datetime.fromtimestamp(int(last) + 86_400 * 40, dt.UTC), release=False
    )
    assert far.engagement == at_end.engagement
    assert far.funnel == at_end.funnel
    assert far.totals == at_end.totals
    near = ONE_PASS.snapshot(as_of=END, release=False)
    # the days before each as_of show what releases showed (none here): only the as_of day is live
    days = len(near.engagement.series) - 1
    assert near.engagement.series[:days] == far.engagement.series[:days]
    assert {p.active for p in far.engagement.series[:-1]} == {None}


@pytest.mark.parametrize(
    "as_of",
    [
        dt.datetime(9999, 12, 31, 23, tzinfo=dt.timezone(-dt.timedelta(hours=5))),
        dt.datetime(2027, 1, 1),
        "2027-01-01",
        dt.date(2027, 1, 1),
    ],
)
def test_as_of_outside_the_calendar_or_not_aware_is_refused(as_of):
    """An as_of past year 9999 in UTC, naive, text or a date is refused naming as_of."""
    with pytest.raises(SchemaError, match="as_of"):
        ONE_PASS.snapshot(as_of=as_of, release=False)


def test_empty_schedule_tracks_and_snapshots():
    """A tracker of nobody takes no events and snapshots with every figure withheld."""
    empty = schedule_journeys(TEMPLATE, [], [], start=START)
    tracker = Tracker(PROGRAM, empty)
    assert tracker.update({"id": [], "participant": [], "kind": [], "time": []}).ok
    snap = tracker.snapshot(as_of=END)
    assert snap.totals["participants"] is None
    assert snap.engagement.series[:1] == snap.engagement.series


def test_simulate_events_refuses_bad_arguments_and_survives_extremes():
    """Bad rng, as_of or rates are SchemaErrors; extreme readiness gives events, no warning."""
    with pytest.raises(SchemaError, match="rng"):
        simulate_events(SCHEDULE, rng="x")
    with pytest.raises(SchemaError, match="as_of"):
        simulate_events(SCHEDULE, as_of=dt.datetime(2027, 1, 1))
    with pytest.raises(SchemaError, match="late_rate"):
        simulate_events(SCHEDULE, late_rate=float("nan"))
    with pytest.raises(SchemaError, match="readiness"):
        simulate_events(SCHEDULE, readiness=[0.0])
    extreme = np.where(np.arange(N) % 2, 1e308, -1e308)
    events = simulate_events(SCHEDULE, rng=1, readiness=extreme,
                             as_of=dt.datetime(9999, 1, 1, tzinfo=dt.UTC))  # fmt: skip
    assert check_events(SCHEDULE, events).ok


def test_groupings_with_missing_labels_are_refused():
    """A grouping with None, NaN or pandas' NA labels names its rows (no 'nan' group)."""
    import pandas as pd

    for labels in (np.array([np.nan] + [1.0] * (N - 1)),
                   pd.Series(["a"] * (N - 1) + [None], index=IDS), [None] * N):  # fmt: skip
        with pytest.raises(SchemaError, match=r"groups.g: is missing in .*row"):
            Tracker(PROGRAM, SCHEDULE, groups={"g": labels})
