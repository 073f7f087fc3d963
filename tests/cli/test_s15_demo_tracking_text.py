"""The demo's tracking section tells the engagement days it withholds from the small groups.

The series' past days are withheld when no release showed them as its day's point; the demo
listed that interval first among "small groups and linked cells", as if a group were hidden.
"""

from __future__ import annotations

from sparkus.cli._demo_text import _render_tracking

_TOTALS = {"participants": 40, "active": 30, "participation_rate": 0.75, "completion_rate": 0.5,
           "overdue_steps": 3, "mean_rating": 8.0, "nps": 20.0}  # fmt: skip
_UNRELEASED = "not shown as its day's point by a release"


def test_withheld_engagement_days_have_their_own_line():
    report = {
        "as_of": "2027-06-23T23:59:59+00:00", "totals": _TOTALS, "funnel": [], "html": None,
        "suppressed": [
            {"grouping": "engagement", "group": "2027-01-11/2027-06-22", "reason": _UNRELEASED},
            {"grouping": "department", "group": "Finance", "figure": "rating",
             "reason": "fewer than the minimum group size"},
        ],
    }  # fmt: skip
    lines = _render_tracking(report)
    days = [line for line in lines if "engagement" in line]
    assert days == [f"  engagement by day, withheld: 2027-01-11/2027-06-22 ({_UNRELEASED})"]
    assert lines[-1] == "  suppressed (small groups and linked cells): department Finance (rating)"
