"""A Tracker grouping's bad labels are named by participant id, whatever the labels came in.

Since the shared label check (``group_label_problems``) named rows, a list or a numpy array
grouping had its problems named by position ("row 17") and a pandas Series by its index ("the
row labelled 'E0042'"). A grouping is one label per participant of the schedule: every problem
now names the participants' ids, in one wording, for lists, arrays and Series alike, keeping
the field (``groups.<name>``) and the reason.
"""

from __future__ import annotations

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.metrics import Tracker
from sparkus.model import schedule_journeys
from tests.privacy.world import START, TEMPLATE, pilot

pd = pytest.importorskip("pandas")

N = 24
IDS = [f"E{40 + 7 * i:04d}" for i in range(N)]  # ids that are not positions
SCHEDULE = schedule_journeys(TEMPLATE, IDS, ["coaching"] * N, [4] * N, start=START)
PROGRAM = pilot()
TEXT = np.repeat(list("ABCDEF"), 4).tolist()
INTS = np.repeat(np.arange(6), 4).tolist()
BLANK = "a blank cell is no group: give every person a group"


def _put(values: list[object], rows: dict[int, object]) -> list[object]:
    """`values` with each row of `rows` set to its value."""
    return [rows.get(i, v) for i, v in enumerate(values)]


# name: (labels, the message, with {i} the repr of participant i's id)
BAD: dict[str, tuple[list[object], str]] = {
    "None": (_put(TEXT, {17: None}),
             "is missing in the row of participant {17}; give every person a group"),
    "NaN among numbers": (_put(INTS, {2: float("nan"), 17: None}),
                          ("is missing in the rows of participants {2} and {17}; give every "
                           "person a group")),
    "many missing": (_put(TEXT, dict.fromkeys(range(3, 10))),
                     ("is missing in the rows of participants {3}, {4}, {5}, {6}, {7}, ... "
                      "(7 in all); give every person a group")),
    "blank": (_put(TEXT, {17: ""}), (f"holds the blank label '' in the row of participant {{17}}; "
                                     f"{BLANK}")),
    "white space": (_put(TEXT, {5: "  "}),
                    f"holds the blank label '  ' in the row of participant {{5}}; {BLANK}"),
    "zero-width space": (_put(TEXT, {17: "\u200b"}),
                         ("holds the blank label '\\u200b' in the row of participant {17}; "
                          f"{BLANK}")),
    "a bool among ints": (_put(INTS, {17: True}),
                          ("expected a str or number label per person, got True in the row of "
                           "participant {17}; pass text or numbers")),
    "text beside numbers": (_put(INTS, {17: "1"}),
                            ("mixes text and numbers (0 in the row of participant {0}, '1' in the "
                             "row of participant {17}): labels of both kinds print alike, so pass "
                             "one kind (all text, say)")),
    "case twins": (_put(TEXT, {17: "a"}),
                   ("holds labels that differ only in case, white space, Unicode form or "
                    "invisible characters ('A' and 'a', in the rows of participants {0} and "
                    "{17}): one group written several ways would be counted as several; write "
                    "each group one way")),
}  # fmt: skip


def _as(form: str, labels: list[object]) -> object:
    if form == "list":
        return labels
    if form == "array":
        return np.array(labels, dtype=object)
    # a Series by participant id, in another order than the schedule's
    return pd.Series(labels, index=IDS, dtype=object).iloc[::-1]


@pytest.mark.parametrize("form", ["list", "array", "Series"])
@pytest.mark.parametrize("bad", list(BAD))
def test_each_bad_label_names_the_participants(bad: str, form: str) -> None:
    """Missing, blank, a bool among numbers, text beside numbers, case twins: ids named."""
    labels, message = BAD[bad]
    with pytest.raises(SchemaError) as info:
        Tracker(PROGRAM, SCHEDULE, groups={"department": _as(form, labels)})
    expected = message.format(*map(repr, IDS))
    assert [(p.location, p.message) for p in info.value.problems] == [
        ("groups.department", expected)
    ]


def test_a_numeric_array_names_missing_labels_by_participant() -> None:
    """Integer codes read as floats with an empty cell: the NaN's participant is named."""
    codes = np.array(INTS, dtype=float)
    codes[11] = np.nan
    with pytest.raises(SchemaError) as info:
        Tracker(PROGRAM, SCHEDULE, groups={"level": codes})
    assert [p.message for p in info.value.problems] == [
        f"is missing in the row of participant {IDS[11]!r}; give every person a group"
    ]


def test_providers_written_two_ways_name_their_participants() -> None:
    """The grouping added from the schedule's providers names participants too, not rows."""
    schedule = schedule_journeys(TEMPLATE, IDS, ["coaching"] * N, [4] * N, start=START,
                                 provider=_put(["Ann"] * 12 + ["Bo"] * 12, {5: "ann"}))  # fmt: skip
    with pytest.raises(SchemaError) as info:
        Tracker(PROGRAM, schedule)
    assert [(p.location, p.message) for p in info.value.problems] == [
        ("groups.provider",
         ("holds labels that differ only in case, white space, Unicode form or invisible "
          f"characters ('Ann' and 'ann', in the rows of participants {IDS[0]!r} and {IDS[5]!r})"
          ": one group written several ways would be counted as several; write each group one "
          "way"))
    ]  # fmt: skip
