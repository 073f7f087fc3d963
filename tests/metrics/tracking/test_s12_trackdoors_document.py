"""A dashboard keeps its own privacy rule on every path: snapshot, document read back, page, plot."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import attrs
import pytest

from sparkus import SchemaError
from sparkus.metrics import plot_engagement, render_html
from sparkus.metrics._tracking.reader import read_dashboard
from tests.metrics.tracking._dashboard_fixture import dashboard_snapshot

SMALL = "fewer people than the document's min_group_size"
Edit = Callable[[dict[str, Any]], None]


def _row(d: dict[str, Any], **figures: object) -> None:
    d["groups"]["department"][0].update(figures)


def _step(d: dict[str, Any], **figures: object) -> None:
    d["funnel"][0].update(figures)


def _day(d: dict[str, Any], **figures: object) -> None:
    d["engagement"]["series"][0].update(figures)


def _progress_of_two(d: dict[str, Any]) -> None:
    d["groups"]["department"][0]["progress"].update(n=2)


def _twice(d: dict[str, Any]) -> None:
    d["groups"]["department"].append(copy.deepcopy(d["groups"]["department"][0]))


def _tomorrow(d: dict[str, Any]) -> None:
    d["engagement"]["series"].append({"date": "2027-04-01", "active": 830, "enrolled": 1200})


# The fixture's min_group_size is 5 and its as_of 2027-03-31T00:00:00+00:00.
CASES: list[tuple[str, Edit, str, str]] = [
    ("group of 3", lambda d: _row(d, participants=3, active=2, participation_rate=2 / 3),
     "groups.department[0].participants", SMALL),
    ("totals of 4", lambda d: d["totals"].update(participants=4, active=1),
     "totals.participants", SMALL),
    ("day of 2 enrolled", lambda d: _day(d, active=1, enrolled=2),
     "engagement.series[0].active", SMALL),
    ("step due for 2", lambda d: _step(d, due=2, completed=1), "funnel[0].completed", SMALL),
    ("progress of 2 pairs", _progress_of_two, "groups.department[0].progress.n", SMALL),
    ("group listed twice", _twice, "groups.department[4].group", "'Sales' is listed twice"),
    ("day after as_of", _tomorrow, "engagement.series[12].date",
     "2027-04-01 is after as_of"),
]  # fmt: skip


@pytest.mark.parametrize(("edit", "path", "message"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])  # fmt: skip
@pytest.mark.parametrize("door", ["render_html", "plot_engagement"])
def test_a_document_that_breaks_its_own_rule_is_refused_naming_the_path(edit, path, message, door):
    """A document showing a cell of fewer than min_group_size (or a twin row, a future day) is refused."""
    snapshot = dashboard_snapshot()
    edit(snapshot)
    given = copy.deepcopy(snapshot)
    with pytest.raises(SchemaError, match="1 problem") as error:
        {"render_html": render_html, "plot_engagement": plot_engagement}[door](snapshot)
    assert f"{path}: " in str(error.value)
    assert message in str(error.value)
    assert snapshot == given  # the caller's document is not changed


def test_a_dashboard_made_in_python_keeps_the_rule_too():
    """attrs.evolve on a dashboard cannot show a group of fewer people, nor a day after as_of."""
    board = read_dashboard(dashboard_snapshot())
    small = attrs.evolve(board.groups["department"][0], participants=2, active=1,
                         participation_rate=0.5, progress=None)  # fmt: skip
    with pytest.raises(SchemaError, match=r"groups\.department\[0\]\.participants: shows"):
        attrs.evolve(board, groups={"department": (small,)})
    # 23:00 at UTC-1 is 2027-01-18 in UTC: the series' 2027-01-18 stays, 2027-01-25 is after
    with pytest.raises(SchemaError, match=r"9 problems") as error:  # the days 3 to 11
        attrs.evolve(board, as_of="2027-01-17T23:00:00-01:00")
    first = str(error.value).splitlines()[1].strip()
    assert first.startswith("engagement.series[3].date: 2027-01-25 is after as_of (2027-01-18")
