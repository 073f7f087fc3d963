"""Event kinds and step ids as HR systems spell them: the reason names what arrived.

A kind the table could not read was refused with "is not an event kind" alone: the table kept
only the code -1, so an HR back end sending ``"Step Completed"`` was not told which value it
sent, nor which kind it meant; a step id in another spelling (``"Coaching 1"``) was not told
the step meant either.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from sparkus import SchemaError
from sparkus.model import (
    EventTable,
    Goal,
    Season,
    SupportType,
    check_events,
    default_journey,
    schedule_journeys,
)

SCHEDULE = schedule_journeys(
    default_journey(Season.WINTER, [Goal.LEADERSHIP_DEVELOPMENT]), ["e1", "e2"],
    [SupportType.COACHING, SupportType.MENTORING], [6, 6],
    start=dt.datetime(2027, 1, 4, tzinfo=dt.UTC),
)  # fmt: skip
TIME = "2027-01-10T10:00:00+00:00"
KNOWN = "step_completed, step_missed, step_skipped, step_rescheduled, session_rated, activity"


def _batch(kind: object, step: str = "kickoff") -> dict[str, object]:
    return {"id": ["a", "b"], "participant": ["e1", "e2"], "kind": kind,
            "time": [TIME, TIME], "step": [step, "vision"]}  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        (["Step Completed", "activity"],
         f"'Step Completed' is not an event kind (one of {KNOWN}); did you mean 'step_completed'?"),
        (np.array(["STEP-COMPLETED", "activity"]),
         f"'STEP-COMPLETED' is not an event kind (one of {KNOWN}); did you mean 'step_completed'?"),
        (pd.Series(["done", "activity"]), f"'done' is not an event kind (one of {KNOWN})"),
        (np.array([7, 5]), f"7 is not an event kind (one of {KNOWN}) nor the index of one (0 to 5)"),
        ([None, "activity"], f"is missing; an event needs its kind (one of {KNOWN})"),
    ],
)  # fmt: skip
def test_an_unread_kind_is_named_with_the_kind_meant(kind: object, reason: str) -> None:
    """The refused kind's reason names the value that arrived, and the kind meant where clear."""
    check = check_events(SCHEDULE, _batch(kind))
    assert check.accepted + len(check.rejected) == check.n == 2
    assert [(r.row, r.id, r.reasons) for r in check.rejected] == [(0, "a", (("kind", reason),))]


def test_event_dicts_and_a_table_slice_keep_the_kind_that_arrived() -> None:
    """A dict's kind is named as sent, and so it is after ``EventTable.take``."""
    dicts = [{"id": "a", "participant": "e1", "kind": "Session Rated", "time": TIME,
              "step": "coaching-1", "value": 8}]  # fmt: skip
    table = EventTable.from_records(dicts * 3).take([2])
    (rejected,) = check_events(SCHEDULE, table).rejected
    assert rejected.reasons[0][1].startswith("'Session Rated' is not an event kind")
    assert rejected.reasons[0][1].endswith("did you mean 'session_rated'?")


def test_a_step_in_another_spelling_names_the_step_meant() -> None:
    """A step id differing only in case, separators or invisible format characters (a zero-width
    space pasted in) names the step meant; no other guess."""
    steps = ["Coaching 1", "KICKOFF", "coaching-9", "vision\u200b"]
    check = check_events(SCHEDULE, {"id": ["a", "b", "c", "d"], "participant": ["e1"] * 4,
                                    "kind": ["step_completed"] * 4, "time": [TIME] * 4,
                                    "step": steps})  # fmt: skip
    assert [r.reasons for r in check.rejected] == [
        (("step", "'Coaching 1' is not a step of the template; did you mean 'coaching-1'?"),),
        (("step", "'KICKOFF' is not a step of the template; did you mean 'kickoff'?"),),
        (("step", "'coaching-9' is not a step of the template"),),
        (("step", "'vision\\u200b' is not a step of the template; did you mean 'vision'?"),),
    ]


@pytest.mark.parametrize(
    "participant",
    [["00123", 123], pd.Series(["e1", 2], dtype=object, index=[4, 9])],
    ids=["list", "pandas"],
)
def test_an_integer_among_text_participants_is_refused(participant: object) -> None:
    """An integer cell among text ids is refused, not read as the id ``"123"`` it spells."""
    schedule = schedule_journeys(
        default_journey(Season.WINTER, [Goal.LEADERSHIP_DEVELOPMENT]), ["00123", "123", "e1"],
        [SupportType.COACHING] * 3, start=dt.datetime(2027, 1, 4, tzinfo=dt.UTC),
    )  # fmt: skip
    batch = {"id": ["a", "b"], "participant": participant, "kind": ["activity"] * 2,
             "time": [TIME, TIME]}  # fmt: skip
    if isinstance(participant, pd.Series):
        batch = {k: pd.Series(v, index=[4, 9]) for k, v in batch.items()}
        batch["participant"] = participant
    with pytest.raises(SchemaError, match=r"participant: expected participant ids as text, "
                                          r"got int \d+ among text ids in row 1"):  # fmt: skip
        check_events(schedule, batch)
