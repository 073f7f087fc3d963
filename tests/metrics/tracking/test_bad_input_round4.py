"""Bad input to the Tracker found by fuzzing: early completions, a grouping of None, save paths,
huge scores and windows; each a typed error naming its field, or a dashboard that holds."""

from __future__ import annotations

import datetime as dt
import io
import warnings

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.metrics import Tracker, dashboard_schema, render_html
from sparkus.metrics._tracking.reader import read_dashboard
from sparkus.model import check_events
from tests.metrics.tracking.test_tracker import DEPARTMENTS, IDS, PROGRAM, SCHEDULE, START

UTC = dt.UTC


def _at(days: float) -> str:
    return (START + dt.timedelta(days=days)).isoformat()


def _due_day(step: str) -> int:
    return next(s.day for s in SCHEDULE.template.steps if s.id == step)


def test_early_completion_gives_a_negative_median():
    """A step completed before its due date is a valid dashboard, with a negative median."""
    tracker = Tracker(PROGRAM, SCHEDULE, groups={"department": DEPARTMENTS})
    due = _due_day("self-assessment")
    events = [{"id": f"c{i}", "participant": p, "kind": "step_completed",
               "time": _at(due - 2.5), "step": "self-assessment"}
              for i, p in enumerate(IDS)]  # fmt: skip
    assert tracker.update(events).ok
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        snap = tracker.snapshot(as_of=START + dt.timedelta(days=60))
    step = next(s for s in snap.funnel if s.step == "self-assessment")
    assert step.median_days_to_complete == pytest.approx(-2.5)
    document = snap.to_json_dict()
    assert read_dashboard(document).funnel == snap.funnel
    import jsonschema

    jsonschema.validate(document, dashboard_schema())
    assert "-2.5" in render_html(snap)
    assert "-2.5" in render_html(document)  # through the reader
    assert "-2.5" in snap.summary()


def test_days_text_never_shows_negative_zero():
    """Less than a twentieth of a day early shows as 0.0."""
    from sparkus.metrics._tracking.display import days_text

    assert days_text(-0.04) == "0.0"
    assert days_text(-0.625) == "-0.6"


def test_a_grouping_of_none_is_refused():
    """groups={"x": None} is a SchemaError at groups.x, not a grouping silently dropped."""
    with pytest.raises(SchemaError, match=r"groups\.department: expected 31 labels \(one per "
                                          r"participant\), got None"):  # fmt: skip
        Tracker(PROGRAM, SCHEDULE, groups={"department": None, "other": DEPARTMENTS})


@pytest.mark.parametrize("window", [3661, 10**30, 2**63])
def test_window_days_has_an_upper_bound(window):
    """window_days past 3,660 is refused at construction."""
    with pytest.raises(SchemaError, match=r"window_days: expected an integer in \[1, 3660\], got"):
        Tracker(PROGRAM, SCHEDULE, window_days=window)


def test_window_days_at_the_bound_snapshots():
    """window_days of 3,660 is accepted and a snapshot follows."""
    tracker = Tracker(PROGRAM, SCHEDULE, window_days=3660)
    assert tracker.snapshot(as_of=START + dt.timedelta(days=30)).totals.participants == len(IDS)


def test_a_saved_window_past_the_bound_is_refused_on_load():
    """A state file whose window_days was tampered past 3,660 is refused naming the file."""
    tracker = Tracker(PROGRAM, SCHEDULE)
    tracker.window_days = 10**30  # as a tampered file would hold it
    buffer = io.BytesIO()
    tracker.save(buffer)
    buffer.seek(0)
    with pytest.raises(SchemaError, match=r"file: .*saved option window_days"):
        Tracker.load(buffer, PROGRAM, SCHEDULE)


def test_save_writes_exactly_the_path_given(tmp_path):
    """save(path) writes path (no .npz added), and load reads it back."""
    tracker = Tracker(PROGRAM, SCHEDULE, groups={"department": DEPARTMENTS})
    for name in ("state", "state.npz", "state.bin"):
        path = tmp_path / name
        tracker.save(path)
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, *(
            p.name for p in tmp_path.iterdir() if p != path)])  # fmt: skip
        assert path.is_file()
        assert not (tmp_path / f"{name}.npz").exists()
        assert Tracker.load(path, PROGRAM, SCHEDULE) == tracker
        assert Tracker.load(str(path), PROGRAM, SCHEDULE) == tracker


def test_save_refuses_a_folder(tmp_path):
    """A folder is refused as a folder, and nothing is written beside it."""
    tracker = Tracker(PROGRAM, SCHEDULE)
    with pytest.raises(SchemaError, match=r"file: .*: is a folder"):
        tracker.save(tmp_path)
    assert not tmp_path.with_suffix(".npz").exists()
    assert list(tmp_path.iterdir()) == []


def test_save_and_load_refuse_a_text_file(tmp_path):
    """A text-mode file object is a SchemaError naming file, not a bare TypeError."""
    tracker = Tracker(PROGRAM, SCHEDULE)
    with (
        (tmp_path / "x.txt").open("w") as text,
        pytest.raises(SchemaError, match=r"file: .*expected a binary file object"),
    ):
        tracker.save(text)
    with pytest.raises(SchemaError, match=r"file: .*expected a binary file object"):
        Tracker.load(io.StringIO("x"), PROGRAM, SCHEDULE)


def _scores(pre: float, post: float) -> list[dict[str, object]]:
    events = []
    for i, p in enumerate(IDS):
        events += [
            {"id": f"a{i}", "participant": p, "kind": "step_completed",
             "time": _at(_due_day("self-assessment")), "step": "self-assessment",
             "value": pre * (i % 2)},
            {"id": f"b{i}", "participant": p, "kind": "step_completed",
             "time": _at(_due_day("checkpoint-final")), "step": "checkpoint-final",
             "value": post if i % 3 else 0.0},
        ]  # fmt: skip
    return events


@pytest.mark.parametrize("big", [1e100, 1e307, -1e13, 1.000001e12])
def test_huge_scores_are_refused_at_their_value(big):
    """A score past ±1e12 is a refused event naming its value; the snapshot still works."""
    events = _scores(0.0, big)
    check = check_events(SCHEDULE, events)
    refused = {r.row for r in check.rejected}
    assert refused == {i for i, e in enumerate(events) if abs(e["value"]) > 1e12}
    for r in check.rejected:
        message = f"a score must be between -1e12 and 1e12, got {events[r.row]['value']:g}"
        assert r.reasons == (("value", message),)
    tracker = Tracker(PROGRAM, SCHEDULE, groups={"department": DEPARTMENTS})
    tracker.update(events)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tracker.snapshot(as_of=START + dt.timedelta(days=_due_day("checkpoint-final") + 2))


@pytest.mark.parametrize(("pre", "post"), [(1e12, -1e12), (-1e12, 1e12), (1e12, 1e12)])
def test_scores_at_the_bound_give_a_dashboard(pre, post):
    """Scores of ±1e12 are accepted and give finite progress, with no numpy warning."""
    tracker = Tracker(PROGRAM, SCHEDULE, groups={"department": DEPARTMENTS})
    assert tracker.update(_scores(pre, post)).ok
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        snap = tracker.snapshot(as_of=START + dt.timedelta(days=_due_day("checkpoint-final") + 2))
    for rows in snap.groups.values():
        for row in rows:
            if row.progress is not None:
                assert np.isfinite(row.progress.estimate)
