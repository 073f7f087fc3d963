"""Where the events of a batch land in a schedule: each one's slot and its journey's start.

The check of a batch (:func:`~sparkus.model.check_events`) reads, for every event, the per-row
arrays of the schedule at the event's participant: the row's first slot and journey kind (for
the slot of its step) and its journey's start. On a large schedule each read is a cache miss, so
they are read once per event, from the schedule's own arrays (no copy of a column per batch),
and the slot comes from one flat index into the small table of step positions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
import numpy.typing as npt

from sparkus.model._schedule_input import SECONDS_PER_DAY

if TYPE_CHECKING:
    from sparkus.model._journeys import JourneySchedule

__all__ = ["event_slots", "journey_span", "slot_lookup"]

IntArray: TypeAlias = npt.NDArray[np.int64]


def slot_lookup(schedule: JourneySchedule, rows: IntArray, steps: IntArray) -> IntArray:
    """:meth:`JourneySchedule.slots_of` for rows and step indexes already checked in range.

    One flat index into the (combination x step) table of positions: a 2-D fancy index of
    the same table costs several times more.
    """
    table = schedule._combo_position
    at = schedule._combo[rows].astype(np.intp) * table.shape[1] + steps
    position = table.reshape(-1)[at]
    return np.where(position >= 0, schedule.offsets[rows] + position, -1)


def journey_span(schedule: JourneySchedule) -> int:
    """Seconds from any journey's start to the end of the day its events stop being accepted.

    The same for every journey (``end_seconds - start_seconds``): the template's duration plus
    the follow-up days, and the last day itself.
    """
    days = schedule.template.duration_days + schedule.follow_up_days + 1
    return int(days * SECONDS_PER_DAY)


def start_seconds(schedule: JourneySchedule) -> IntArray:
    """The journeys' starts in seconds, a view of the schedule's own column where it can be."""
    start: npt.NDArray[Any] = schedule.start.astype("datetime64[s]", copy=False)
    return start.view(np.int64)


def event_slots(
    schedule: JourneySchedule, rows: IntArray, steps: IntArray, found: npt.NDArray[np.bool_]
) -> tuple[IntArray, IntArray]:
    """Each event's slot (-1 where not `found` or off its journey) and its journey's start.

    `rows` and `steps` are in range for every event (0 where the participant or the step is
    unknown); `found` marks the events whose participant and step are both known.
    """
    n = len(rows)
    if len(schedule) == 0:
        return np.full(n, -1, dtype=np.int64), np.zeros(n, dtype=np.int64)
    slot = slot_lookup(schedule, rows, steps)
    slot[~found] = -1
    return slot, start_seconds(schedule)[rows]
