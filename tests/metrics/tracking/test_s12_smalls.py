"""A dashboard's small contracts: the program's minimum group size, and equal labels as one group."""

from __future__ import annotations

import attrs
import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.metrics import Tracker, dashboard_schema, render_html
from sparkus.metrics._tracking.reader import read_dashboard
from tests.metrics.tracking._dashboard_fixture import dashboard_snapshot
from tests.metrics.tracking.test_tracker import END, EVENTS, PROGRAM, SCHEDULE


def test_a_minimum_group_size_of_one_is_refused_as_a_program_refuses_it():
    """Program, the reader, the renderer, a Dashboard record and its JSON Schema: at least 2."""
    with pytest.raises(SchemaError, match="min_group_size"):
        attrs.evolve(PROGRAM, min_group_size=1)
    document = {**dashboard_snapshot(), "min_group_size": 1}
    for door in (read_dashboard, render_html):
        with pytest.raises(SchemaError, match="at least 2") as info:
            door(document)
        assert [p.location for p in info.value.problems] == ["min_group_size"]
    board = read_dashboard(dashboard_snapshot())
    with pytest.raises(SchemaError, match="min_group_size"):
        attrs.evolve(board, min_group_size=1)
    assert attrs.evolve(board, min_group_size=2).min_group_size == 2
    assert attrs.evolve(PROGRAM, min_group_size=2).min_group_size == 2
    assert dashboard_schema()["properties"]["min_group_size"]["minimum"] == 2


N = len(SCHEDULE.ids)
HALF = N // 2


@pytest.mark.parametrize(
    ("labels", "shown"),
    [
        ([-0.0] * HALF + [0.0] * (N - HALF), ["0.0"]),
        (np.resize([-0.0, 0.0], N), ["0.0"]),
        ([True] * HALF + [False] * (N - HALF), ["False", "True"]),  # booleans alone are labels
    ],
    ids=["-0.0 first", "array", "booleans alone"],
)
def test_a_dashboard_groups_equal_labels_under_one_name(labels, shown):
    """-0.0 and 0.0 are the one group 0.0 on the dashboard, whichever participant comes first."""
    tracker = Tracker(PROGRAM, SCHEDULE, groups={"site": labels})
    tracker.update(EVENTS)
    board = tracker.snapshot(as_of=END, release=False)
    assert [row.group for row in board.groups["site"]] == shown


def test_a_dashboard_refuses_booleans_beside_numbers():
    """True beside 1 is refused naming the booleans' participants: it was one group named '1'."""
    labels = [True] * HALF + [1] * (N - HALF)
    first = ", ".join(repr(str(i)) for i in SCHEDULE.ids[:5])
    with pytest.raises(
        SchemaError, match=rf"got True, True, True in the rows of participants {first}, "
    ) as info:
        Tracker(PROGRAM, SCHEDULE, groups={"site": labels})
    assert [p.location for p in info.value.problems] == ["groups.site"]
