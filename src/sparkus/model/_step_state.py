"""The state of one step of one participant's journey."""

from __future__ import annotations

import enum
from typing import Any

from sparkus._errors import Problem, SchemaError
from sparkus._labels import ByValue
from sparkus.model._enums import unknown_label

__all__ = ["StepState"]


def _refuse(cls: type[enum.Enum], value: object) -> Any:
    raise SchemaError([Problem((cls.__name__,), unknown_label(value, cls))])


_missing = classmethod(_refuse)


class StepState(enum.Enum, metaclass=ByValue):
    """The state of one step of one journey, as its events leave it.

    The rules, applied to every event received for the step regardless of arrival order:

    ==================  ===========================================================================
    state               when
    ==================  ===========================================================================
    ``scheduled``       no ``step_completed``, ``step_missed``, ``step_skipped`` or
                        ``step_rescheduled`` event yet
    ``completed``       at least one ``step_completed`` event: completion is final, whatever
                        comes before or after it; the *first* completion time counts
    ``missed``          no completion, and the latest of the missed / skipped / rescheduled
                        events (by event time) is a ``step_missed``
    ``skipped``         the same, and the latest is a ``step_skipped``
    ``rescheduled``     the same, and the latest is a ``step_rescheduled``: the step is open again
    ==================  ===========================================================================

    Ties in event time go to ``skipped`` over ``missed`` over ``rescheduled``. The due date is
    the template's, moved by the ``value`` (in days, negative for earlier) of the latest
    ``step_rescheduled`` event (ties: the larger move). A step is *overdue* at a time when it is
    ``scheduled`` or ``rescheduled`` and its due date has passed. ``session_rated`` events keep
    the latest rating (ties: the higher one) and change no state.

    .. versionadded:: 0.1

    Examples
    --------
    >>> from sparkus.model import StepState
    >>> [s.value for s in StepState]
    ['scheduled', 'completed', 'missed', 'skipped', 'rescheduled']
    """

    _missing_ = _missing

    SCHEDULED = "scheduled"
    COMPLETED = "completed"
    MISSED = "missed"
    SKIPPED = "skipped"
    RESCHEDULED = "rescheduled"
