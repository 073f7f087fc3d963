"""The Tracker's checks at its doors.

The constructor's options, the program and schedule, a moment on the tracker's clock, group
labels (by the shared rule, ``group_label_problems``), per-participant values given as pandas,
read by their index, and what two trackers' settings differ in.

Apart from the tracker so that each stays readable; only the tracker imports it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, Final, cast

import numpy as np
import numpy.typing as npt

from sparkus._checks import align_rows, as_array, check_number, describe
from sparkus._errors import Problem, SchemaError, key_text, shown
from sparkus._labels import spelling_problem
from sparkus._privacy import distinct_groups, group_label_problems
from sparkus.metrics._tracking.schema import ENGAGEMENT, FUNNEL, TOTALS
from sparkus.metrics._tracking.snapshot import seconds
from sparkus.model import JourneySchedule, Program

__all__ = [
    "MAX_WINDOW_DAYS",
    "by_participant",
    "config_differences",
    "group_codes",
    "moment_of",
    "participants",
    "program_schedule_iv",
    "reserved_names",
    "tracker_iv",
]

#: The longest activity window: the longest a schedule may span (journeys' limit), ten years.
MAX_WINDOW_DAYS = 3660


def tracker_iv(program: object, schedule: object, groups: object, window_days: object,
                pre_step: object, post_step: object, level: object,
                protection_share: object = 0.5) -> dict[str, npt.NDArray[Any]]:  # fmt: skip
    """Check the constructor's arguments; return each grouping's labels in schedule order.

    A pandas Series of labels is read by its index, which must hold the schedule's
    participant ids (:func:`by_participant`); other array-likes are in the schedule's order.
    """
    problems: list[Problem] = []
    program_schedule_iv(program, schedule, problems)
    n = len(cast(JourneySchedule, schedule))
    out: dict[str, npt.NDArray[Any]] = {}
    if groups is not None:
        if not isinstance(groups, Mapping):
            problems.append(Problem(("groups",), f"expected a mapping, got {describe(groups)}"))
        else:
            for name, given in groups.items():
                if given is None:  # not "no grouping": a grouping is dropped only by leaving it out
                    msg = f"expected {n} labels (one per participant), got None"
                    problems.append(Problem(("groups", key_text(name)), msg))
                    continue
                labels = by_participant(given, cast(JourneySchedule, schedule),
                                        f"groups[{shown(name)}]", problems)  # fmt: skip
                if labels is None:
                    continue
                array = as_array(labels, f"groups.{key_text(name)}")
                out[key_text(name)] = array
                if not isinstance(name, str) or not name:
                    problems.append(
                        Problem(("groups",), f"grouping names are text, got {shown(name)}")
                    )
                elif found := reserved_names([name]):
                    problems.extend(found)
                elif array.shape != (n,):
                    msg = f"expected {n} labels (one per participant), got shape {array.shape}"
                    problems.append(Problem(("groups", name), msg))
                else:  # in the schedule's order (a pandas Series was put in it): rows are ids
                    who = participants(cast(JourneySchedule, schedule).ids)
                    problems.extend(Problem(("groups", name), p.message)
                                    for p in group_label_problems(array, name, numbers=True,
                                                                  rows=who))  # fmt: skip
    check_number(window_days, "window_days", low=1, high=MAX_WINDOW_DAYS, integer=True,
                 problems=problems)  # fmt: skip
    steps = cast(JourneySchedule, schedule).step_ids
    for name, value in (("pre_step", pre_step), ("post_step", post_step)):
        if not isinstance(value, str) or value not in steps:
            problems.append(Problem((name,), f"{shown(value)} is not a step of the template "
                                             f"(its steps: {', '.join(steps)})"))  # fmt: skip
    check_number(level, "level", low=0.0, high=1.0, low_open=True, high_open=True,
                 what="a confidence level", problems=problems)  # fmt: skip
    check_number(protection_share, "protection_share", low=0.05, high=1.0,
                 what="a share of the range of min(k, n) people", problems=problems)  # fmt: skip
    if problems:
        raise SchemaError(problems)
    return out


_RESERVED: Final = {TOTALS: "the totals", FUNNEL: "the funnel's steps",
                    ENGAGEMENT: "the engagement series' days"}  # fmt: skip
"""The names the dashboard's `suppressed` list gives the parts that are not groupings."""


def reserved_names(names: list[str]) -> list[Problem]:
    """A problem for each grouping name the dashboard gives another part (``"total"``...).

    A hidden group of a grouping named ``"total"`` would be listed in `suppressed` as the
    totals are, so neither a reader nor the report could tell which was hidden.
    """
    return [
        Problem(("groups", name), f"a grouping is named {shown(name)}, the name the dashboard's "
                                  f"`suppressed` list gives {_RESERVED[name]}; rename it")
        for name in names if name in _RESERVED
    ]  # fmt: skip


def by_participant(value: object, schedule: JourneySchedule, name: str,
                   problems: list[Problem]) -> object | None:  # fmt: skip
    """One value per participant, a pandas Series or DataFrame put in the schedule's order.

    Parameters
    ----------
    value : array-like
        One value per participant. A pandas Series or DataFrame is read by its index, which
        must hold the schedule's participant ids, each once (in any order); anything else
        (a list, a numpy array, a polars Series, which has no index) is taken in the
        schedule's row order as it is.
    schedule : JourneySchedule
        The schedule whose ``ids`` give the order.
    name : str
        The input's name for a problem, e.g. ``"groups['department']"``.
    problems : list of Problem
        Where a problem is appended: an index with repeated labels, or that does not hold
        the participant ids (naming some labels at fault).

    Returns
    -------
    object or None
        `value` in the schedule's order; None when a problem was appended.
    """
    if not type(value).__module__.startswith("pandas") or not hasattr(value, "reindex"):
        return value
    import pandas as pd  # the caller passed pandas: it is imported already

    ids = pd.Series(np.zeros(len(schedule)), index=pd.Index(schedule.ids, name="id"))
    try:
        return align_rows(("schedule.ids", ids), (name, value))[1]
    except SchemaError as error:
        problems.extend(error.problems)
        return None


def program_schedule_iv(program: object, schedule: object, problems: list[Problem]) -> None:
    """A Program and a JourneySchedule; raises with `problems` if either is not."""
    if not isinstance(program, Program):
        problems.append(Problem(("program",), f"expected a Program, got {describe(program)}"))
    if not isinstance(schedule, JourneySchedule):
        problems.append(
            Problem(("schedule",), f"expected a JourneySchedule, got {describe(schedule)}")
        )
    if problems:
        raise SchemaError(problems)


def moment_of(moment: object) -> int:
    """An aware datetime inside the calendar in UTC, on the tracker's clock; else refused.

    pandas' ``NaT`` is a datetime subclass whose ``utcoffset()`` raises: it is refused too.
    """
    aware = False
    if isinstance(moment, dt.datetime):
        try:
            aware = moment.utcoffset() is not None
        except ValueError:  # pandas' NaT: "NaTType does not support utcoffset"
            aware = False
    if not isinstance(moment, dt.datetime) or not aware:
        msg = f"expected an aware datetime, got {describe(moment)}"
        if isinstance(moment, np.datetime64):  # describe shows its .item(): a date, or an int
            msg = (f"expected an aware datetime, got numpy datetime64 {shown(str(moment))}, which "
                   "carries no time zone; pass pandas.Timestamp(value, tz='UTC'), say")  # fmt: skip
        raise SchemaError([Problem(("as_of",), msg)])
    try:
        moment.astimezone(dt.UTC)
    except OverflowError:
        msg = f"{moment.isoformat()} is outside years 1 to 9999 in UTC"
        raise SchemaError([Problem(("as_of",), msg)]) from None
    return seconds(moment)


def participants(ids: npt.NDArray[Any]) -> Callable[[npt.NDArray[np.bool_]], str]:
    """Name the rows a mask sets by the participant ids in that schedule order.

    A grouping is one label per participant, whether a list, an array or a pandas Series
    (put in the schedule's order): its problems name ``"the row of participant 'E0042'"``,
    which the caller can look up, where a position would have to be counted.
    """

    def where(bad: npt.NDArray[np.bool_]) -> str:
        who = ids[np.flatnonzero(bad)]
        shown = [repr(str(i)) for i in who[:_SHOWN].tolist()]
        if len(who) == 1:
            return f"the row of participant {shown[0]}"
        if len(who) > _SHOWN:
            return f"the rows of participants {', '.join(shown)}, ... ({len(who):,} in all)"
        return f"the rows of participants {', '.join(shown[:-1])} and {shown[-1]}"

    return where


_SHOWN: Final = 5
"""How many participants a message names before the count."""


def group_codes(
    given: Mapping[str, npt.NDArray[Any]], ids: npt.NDArray[Any]
) -> dict[str, tuple[list[str], npt.NDArray[np.intp]]]:
    """Each grouping's distinct labels, as text, and each participant's index into them.

    Refuses the schedule's providers when two ids are one name written several ways (in case,
    white space or Unicode form: see ``spelling_problem``), naming a participant of each by
    `ids` (the groupings the caller passed were checked so at the door, :func:`tracker_iv`),
    and distinct labels that print alike (``np.longdouble("0.1")`` and ``0.1``): the dashboard
    would show them as separate groups, some under one name.
    """
    out: dict[str, tuple[list[str], npt.NDArray[np.intp]]] = {}
    problems: list[Problem] = []
    for name, labels in given.items():
        distinct, codes = distinct_groups(labels)
        texts = [str(g) for g in distinct]
        first: dict[str, int] = {}
        twins = [(first[t], i) for i, t in enumerate(texts) if first.setdefault(t, i) != i]
        if spelling_problem(distinct) is not None:  # the shared wording names the rows
            wrong = group_label_problems(labels, name, numbers=True, rows=participants(ids))
            problems.extend(Problem(("groups", name), p.message) for p in wrong)
        elif twins:
            a, b = distinct[twins[0][0]], distinct[twins[0][1]]
            msg = (f"holds different labels that print alike ({shown(a)} and {shown(b)}, both "
                   f"{shown(texts[twins[0][0]])}): the dashboard would show two groups under one "
                   "name; pass one kind (all text, say)")  # fmt: skip
            problems.append(Problem(("groups", name), msg))
        out[name] = (texts, codes)
    if problems:
        raise SchemaError(problems)
    return out


def config_differences(
    mine: Mapping[str, Any],
    theirs: Mapping[str, Any],
    my_groups: Mapping[str, tuple[list[str], npt.NDArray[np.intp]]],
    their_groups: Mapping[str, tuple[list[str], npt.NDArray[np.intp]]],
) -> list[str]:
    """The settings in which two trackers' configurations differ, groupings' codes included."""
    out = [key for key in mine if mine[key] != theirs.get(key)]
    if "groups" not in out and any(
        not np.array_equal(codes, their_groups[name][1]) for name, (_, codes) in my_groups.items()
    ):
        out.append("groups")
    return out
