"""A dashboard snapshot in the shape of the contract (``sparkus.dashboard``, schema version 1).

Written by hand, independently of the tracker, so the renderer is tested against the contract
itself rather than against whatever the tracker happens to produce. Every call returns a fresh
deep copy that a test may change freely.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

_START = dt.date(2027, 1, 4)

# Twelve weekly points: enrolment ramps up over the first month, activity follows.
_ENROLLED = [300, 640, 980, 1200, 1200, 1200, 1200, 1200, 1200, 1200, 1200, 1200]
_ACTIVE = [210, 455, 690, 860, 905, 890, 870, 845, 850, 838, 826, 830]


def _group(
    group: str,
    participants: int,
    active: int,
    completion: float,
    rating: float | None,
    nps: float | None,
    progress: tuple[float, float, float] | None,
) -> dict[str, Any]:
    return {
        "group": group,
        "participants": participants,
        "active": active,
        "participation_rate": round(active / participants, 4),
        "completion_rate": completion,
        "mean_rating": rating,
        "nps": nps,
        "progress": None
        if progress is None
        else {
            "estimate": progress[0],
            "ci": [progress[1], progress[2]],
            "level": 0.95,
            "n": participants,
        },
    }


_SNAPSHOT: dict[str, Any] = {
    "schema": "sparkus.dashboard",
    "schema_version": 1,
    "program": "Leadership 2027",
    "as_of": "2027-03-31T00:00:00+00:00",
    "min_group_size": 5,
    "totals": {
        "participants": 1200,
        "active": 830,
        "participation_rate": 0.6917,
        "completion_rate": 0.41,
        "overdue_steps": 95,
        "mean_rating": 4.3,
        "nps": 38.0,
    },
    "engagement": {
        "window_days": 14,
        "series": [
            {
                "date": (_START + dt.timedelta(weeks=i)).isoformat(),
                "active": active,
                "enrolled": enrolled,
            }
            for i, (active, enrolled) in enumerate(zip(_ACTIVE, _ENROLLED, strict=True))
        ],
    },
    "funnel": [
        {
            "step": "kickoff_webinar",
            "kind": "kickoff_webinar",
            "due": 1200,
            "completed": 1100,
            "median_days_to_complete": 2.0,
        },
        {
            "step": "vision_setting",
            "kind": "digital_vision_setting",
            "due": 1150,
            "completed": 940,
            "median_days_to_complete": 6.5,
        },
        {
            "step": "self_assessment",
            "kind": "self_assessment",
            "due": 1100,
            "completed": 820,
            "median_days_to_complete": 9.0,
        },
        {
            "step": "manager_feedback",
            "kind": "manager_feedback",
            "due": 900,
            "completed": 610,
            "median_days_to_complete": 12.0,
        },
        {
            "step": "session_1",
            "kind": "session",
            "due": 700,
            "completed": 520,
            "median_days_to_complete": 15.5,
        },
        {
            "step": "checkpoint",
            "kind": "checkpoint",
            "due": 300,
            "completed": 95,
            "median_days_to_complete": None,
        },
    ],
    "groups": {
        "department": [
            _group("Sales", 240, 170, 0.44, 4.4, 41.0, (3.1, 2.2, 4.0)),
            _group("Engineering", 410, 281, 0.39, 4.2, 35.0, (3.6, 2.9, 4.3)),
            _group("Operations", 322, 224, 0.42, 4.3, 38.0, (2.4, 1.5, 3.3)),
            _group("Finance", 216, 150, 0.40, None, None, None),
        ],
        "level": [
            _group("executive", 60, 48, 0.52, 4.6, 55.0, (4.2, 2.6, 5.8)),
            _group("manager", 310, 222, 0.45, 4.3, 40.0, (3.3, 2.5, 4.1)),
            _group("individual_contributor", 830, 560, 0.39, 4.2, 33.0, (2.8, 2.3, 3.3)),
        ],
    },
    "suppressed": [
        {"grouping": "department", "group": "Legal", "reason": "3 participants, fewer than 5"},
        {
            "grouping": "department",
            "group": "Facilities",
            "reason": "complementary: protects Legal",
        },
    ],
    "impact": {
        "method": "ANCOVA",
        "estimate": 3.9,
        "ci": [2.1, 5.7],
        "level": 0.95,
        "n": 4000,
        "pvalue": 0.0001,
    },
    "roi": {
        "roi_percent": 120.0,
        "bcr": 2.2,
        "ci": [40.0, 210.0],
        "level": 0.90,
        "currency": "EUR",
    },
}


def dashboard_snapshot() -> dict[str, Any]:
    """A fresh copy of the fixture snapshot."""
    return copy.deepcopy(_SNAPSHOT)
