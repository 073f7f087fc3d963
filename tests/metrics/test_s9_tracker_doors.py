"""The Tracker's doors: odd moments, odd paths, grouping names and labels that print alike.

Each input here once escaped as a bare exception or gave a dashboard that reads two ways: pandas'
``NaT`` as `as_of`, a path holding a NUL character, a grouping named as a part of the dashboard
(``"total"``, ``"funnel"``, ``"engagement"``), labels that differ only in Unicode form or end
white space, and a state file whose grouping repeats a group name.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from sparkus import SchemaError
from sparkus.metrics import Tracker
from sparkus.privacy import DifferentialPrivacy
from tests.privacy.world import events, tracker_of

LABELS = np.array(["Legal"] + ["Sales"] * 11)


def _tracker() -> Tracker:
    tracker = tracker_of({"department": LABELS})
    tracker.update(events([(p, "activity", "", 1.0, np.nan) for p in range(len(LABELS))]))
    return tracker


@pytest.mark.parametrize(
    "call",
    [
        lambda t: t.snapshot(pd.NaT, release=False),
        lambda t: t.step_states(pd.NaT),
        lambda t: t.private_snapshot(DifferentialPrivacy(1.0, 2.0), as_of=pd.NaT),
    ],
    ids=["snapshot", "step_states", "private_snapshot"],
)
def test_as_of_nat_is_refused_naming_as_of(call):
    """pandas' NaT (a datetime whose utcoffset raises) is a SchemaError at `as_of`."""
    with pytest.raises(SchemaError, match=r"as_of: expected an aware datetime, got NaTType"):
        call(_tracker())


@pytest.mark.parametrize("path", ["state\x00.npz", "x\x00"])
def test_a_path_with_a_nul_character_is_refused_on_save_and_load(tmp_path, path):
    """A NUL in a path (os.stat's bare ValueError) is a SchemaError at `file` that says so."""
    tracker = _tracker()
    target = str(tmp_path / path)
    with pytest.raises(SchemaError, match=r"file: .*holds a NUL character"):
        tracker.save(target)
    with pytest.raises(SchemaError, match=r"file: .*holds a NUL character"):
        Tracker.load(target, tracker.program, tracker.schedule)


@pytest.mark.parametrize("name", ["total", "funnel", "engagement"])
def test_a_grouping_named_as_a_part_of_the_dashboard_is_refused(name):
    """`suppressed` names the totals, funnel and series so: such a grouping's hidden group
    would read as a hidden total (the report marked every shown headline figure suppressed)."""
    tracker = _tracker()
    with pytest.raises(SchemaError, match=rf"groups\.{name}: a grouping is named '{name}'"):
        Tracker(tracker.program, tracker.schedule, groups={name: LABELS})


def test_a_saved_grouping_named_total_is_refused_on_load():
    """A state file whose grouping is named 'total' (as saved before) is refused naming it."""
    tracker = _tracker()
    tracker.groups = {"total": tracker.groups["department"]}
    buffer = io.BytesIO()
    tracker.save(buffer)
    buffer.seek(0)
    with pytest.raises(SchemaError, match=r"file: .*saved a grouping is named 'total'"):
        Tracker.load(buffer, tracker.program, tracker.schedule)


def test_a_saved_grouping_that_repeats_a_group_name_is_refused_on_load():
    """Two groups of one name in a state file would show as two rows of one name: refused."""
    tracker = _tracker()
    codes = tracker.groups["department"][1]
    tracker.groups = {"department": (["Sales", "Sales"], codes)}
    buffer = io.BytesIO()
    tracker.save(buffer)
    buffer.seek(0)
    with pytest.raises(SchemaError, match=r"meta\.groups: expected named groupings of distinct"):
        Tracker.load(buffer, tracker.program, tracker.schedule)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Caf\u00e9", "Cafe\u0301"), ("Sales", "Sales "), ("Sales", "\tSales"), ("Sales", "sales")],
    ids=["unicode-form", "end-space", "start-tab", "case"],
)
def test_labels_that_print_alike_are_refused_naming_both(a, b):
    """One group written two ways would show as two groups (some of one name): refused."""
    tracker = _tracker()
    labels = np.array([a] * 6 + [b] * 6)
    with pytest.raises(
        SchemaError, match=r"groups\.department: holds labels that differ only"
    ) as info:
        Tracker(tracker.program, tracker.schedule, groups={"department": labels})
    assert ascii(a) in str(info.value)
    assert ascii(b) in str(info.value)


def test_labels_that_print_alike_are_refused_from_a_pandas_series():
    """A Series by participant id with both spellings is refused like an array."""
    tracker = _tracker()
    series = pd.Series(["Caf\u00e9"] * 6 + ["Cafe\u0301"] * 6, index=tracker.schedule.ids)
    with pytest.raises(SchemaError, match="differ only in case, white space, Unicode form"):
        Tracker(tracker.program, tracker.schedule, groups={"department": series[::-1]})


def test_a_blank_label_is_refused_as_no_group():
    """A blank cell of an export is a missing group, not a group named ' '."""
    tracker = _tracker()
    labels = np.array(["Sales"] * 6 + [" "] * 6)
    with pytest.raises(SchemaError, match=r"groups\.department: holds the blank label ' '"):
        Tracker(tracker.program, tracker.schedule, groups={"department": labels})


def test_labels_that_differ_by_more_than_spelling_stay_two_groups():
    """'Sales' and 'Sales 2' are two groups, as given."""
    tracker = _tracker()
    labels = np.array(["Sales"] * 6 + ["Sales 2"] * 6)
    built = Tracker(tracker.program, tracker.schedule, groups={"department": labels})
    assert built.groups["department"][0] == ["Sales", "Sales 2"]
