"""Tracker groupings given as pandas Series are read by their index (the participant ids)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus import SchemaError
from sparkus.datasets import simulate_events
from sparkus.metrics import Tracker
from sparkus.model import (
    CostModel,
    Goal,
    Program,
    Season,
    SupportType,
    default_journey,
    schedule_journeys,
)

START = dt.datetime(2027, 1, 4, tzinfo=dt.UTC)
AS_OF = dt.datetime(2027, 3, 1, tzinfo=dt.UTC)
TEMPLATE = default_journey(Season.WINTER, [Goal.LEADERSHIP_DEVELOPMENT])
PROGRAM = Program("Pilot", (Goal.LEADERSHIP_DEVELOPMENT,), Season.WINTER, 5e4, "EUR",
                  CostModel({SupportType.COACHING: 250.0}), TEMPLATE)  # fmt: skip
N = 40
IDS = [f"e{i:02d}" for i in range(N)]
SCHEDULE = schedule_journeys(TEMPLATE, IDS, ["coaching", "mentoring"] * (N // 2), [4, 6] * (N // 2),
                             start=START)  # fmt: skip
EVENTS = simulate_events(SCHEDULE, rng=5)
DEPARTMENT = np.repeat(["Legal", "Ops", "Sales", "Tech"], [6, 9, 12, 13])
SITE = np.where(np.arange(N) % 3 == 0, "Paris", "Lyon")


def _dashboard(groups: dict[str, object]) -> dict[str, object]:
    tracker = Tracker(PROGRAM, SCHEDULE, groups=groups)
    tracker.update(EVENTS)
    return tracker.snapshot(as_of=AS_OF).to_json_dict()


BY_ARRAY = _dashboard({"department": DEPARTMENT, "site": SITE})


@settings(max_examples=25, deadline=None)
@given(st.permutations(range(N)), st.permutations(range(N)))
def test_a_series_in_any_order_of_the_ids_gives_the_dashboard_of_the_array(first, second):
    """Series of labels indexed by participant id, in any row order: the array's dashboard."""
    order, other = np.asarray(first), np.asarray(second)
    department = pd.Series(DEPARTMENT[order], index=np.asarray(IDS)[order])
    site = pd.Series(SITE[other], index=pd.Index(np.asarray(IDS)[other], name="id"))
    assert _dashboard({"department": department, "site": SITE}) == BY_ARRAY
    assert _dashboard({"department": department, "site": site}) == BY_ARRAY


def test_a_shuffled_series_keeps_everyone_in_their_own_group():
    """The fuzz reproducer: only Sales people active; a shuffled Series still says so."""
    sales = [IDS[i] for i in np.flatnonzero(DEPARTMENT == "Sales")]
    events = [{"id": f"a{i}", "participant": p, "kind": "activity",
               "time": "2027-02-20T10:00:00+00:00"} for i, p in enumerate(sales)]  # fmt: skip
    series = pd.Series(DEPARTMENT, index=IDS).sample(frac=1, random_state=0)
    tracker = Tracker(PROGRAM, SCHEDULE, groups={"department": series})
    tracker.update(events)
    rows = tracker.snapshot(as_of=AS_OF).to_json_dict()["groups"]["department"]
    assert {g["group"]: g["active"] for g in rows} == {"Legal": 0, "Ops": 0, "Sales": 12,
                                                       "Tech": 0}  # fmt: skip


@pytest.mark.parametrize(
    ("index", "match"),
    [
        (pd.RangeIndex(N), r"lacks the labels 'e00', 'e01'.* has the labels 0, 1"),
        (pd.RangeIndex(100, 100 + N), r"has the labels 100, 101"),
        ([*IDS[:-1], "stranger"], r"lacks the labels 'e39'.*has the labels 'stranger'"),
        ([*IDS[:-1], IDS[0]], r"repeated index labels"),
    ],
)
def test_a_series_whose_index_is_not_the_ids_is_refused(index, match):
    """An index unrelated to the ids, with a stranger or a repeat: SchemaError naming it."""
    series = pd.Series(DEPARTMENT, index=index)
    with pytest.raises(SchemaError, match=match) as caught:
        Tracker(PROGRAM, SCHEDULE, groups={"department": series})
    assert [p.path for p in caught.value.problems] == [("groups['department']",)]


def test_a_series_short_of_some_ids_is_refused_naming_them():
    """A Series for 39 of the 40 participants names the one it lacks, not a length."""
    series = pd.Series(DEPARTMENT[1:], index=IDS[1:])
    with pytest.raises(SchemaError, match=r"groups\['department'\].*lacks the labels 'e00'"):
        Tracker(PROGRAM, SCHEDULE, groups={"department": series})


def test_every_misindexed_grouping_is_named_at_once():
    """Two groupings with foreign indexes: one problem each, both reported together."""
    bad = pd.Series(DEPARTMENT)  # a RangeIndex, as read from a CSV without an id index
    with pytest.raises(SchemaError) as caught:
        Tracker(PROGRAM, SCHEDULE, groups={"department": bad, "site": bad, "ok": SITE})
    paths = {p.path for p in caught.value.problems}
    assert paths == {("groups['department']",), ("groups['site']",)}


def test_missing_labels_in_a_shuffled_series_name_the_participant():
    """A missing label found after alignment names the participant, not a shuffled position."""
    labels = pd.Series(DEPARTMENT.astype(object), index=IDS)
    labels["e07"] = None
    with pytest.raises(
        SchemaError, match=r"groups\.department: is missing in the row of participant 'e07'"
    ):
        Tracker(PROGRAM, SCHEDULE, groups={"department": labels.iloc[::-1]})


def test_unindexed_inputs_stay_in_schedule_order():
    """Lists, numpy arrays and polars Series (no index) are in the schedule's row order."""
    for labels in (DEPARTMENT.tolist(), pl.Series(DEPARTMENT)):
        assert _dashboard({"department": labels, "site": SITE}) == BY_ARRAY


def test_a_merged_or_reloaded_tracker_keeps_the_aligned_groups(tmp_path):
    """A tracker built from a shuffled Series equals (and merges with) one built from arrays."""
    series = pd.Series(DEPARTMENT, index=IDS).iloc[::-1]
    by_series = Tracker(PROGRAM, SCHEDULE, groups={"department": series, "site": SITE})
    by_array = Tracker(PROGRAM, SCHEDULE, groups={"department": DEPARTMENT, "site": SITE})
    assert by_series == by_array
    by_series.update(EVENTS)
    path = tmp_path / "state.npz"
    by_series.save(path)
    assert Tracker.load(path, PROGRAM, SCHEDULE) == by_series
    assert by_array.merge(by_series).snapshot(as_of=AS_OF).to_json_dict() == BY_ARRAY
