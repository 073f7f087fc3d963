"""The rules a whole dashboard keeps, across its records: its own privacy rule, one row per group.

Each record of the document checks its own fields when it is made (a rate inside 0 to 1, no
more active than participants...). These rules span records, so the
:class:`~sparkus.metrics.Dashboard` checks them once its parts are made, whether a snapshot
made it or the reader read it from a file: a document that shows a figure of fewer people
than its own ``min_group_size`` (a hand-edited file, another tool's output), and does not list
that cell in ``suppressed`` (whose cells the page and plots never show), is refused before any
page or plot publishes it, as are a group listed twice in one grouping and a day of the
engagement series after ``as_of``. A snapshot never makes such a document.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sparkus._errors import PathSegment, Problem
from sparkus._fields import parse_time

if TYPE_CHECKING:
    from sparkus.metrics._tracking.schema import Dashboard

__all__ = ["document_problems"]

_SMALL = ("shows a figure of fewer people than the document's min_group_size, which a snapshot "
          "hides; this document does not keep its own privacy rule")  # fmt: skip


def _small(count: int | None, m: int) -> bool:
    """Whether `count` people (None: not published) are some, but fewer than `m`."""
    return count is not None and 0 < count < m


def document_problems(board: Dashboard) -> list[Problem]:
    """The problems of `board` across its records, each at its path in the document.

    Parameters
    ----------
    board : Dashboard
        A dashboard whose records are made and checked, its ``as_of`` an aware ISO time.

    Returns
    -------
    list of Problem
        A figure of fewer than ``min_group_size`` people (a group row's or the totals'
        participants, an engagement day's enrolled, a funnel step's due, a progress
        estimate's pairs) that ``suppressed`` does not list (a listed cell's figures are not
        shown); a group listed twice in a grouping; an engagement day after ``as_of`` (in
        UTC).
    """
    from sparkus.metrics._tracking.schema import ENGAGEMENT, FUNNEL, TOTALS  # imports this

    m = board.min_group_size
    problems: list[Problem] = []
    listed = {(s.grouping, s.group, s.figure) for s in board.suppressed}

    def small(path: tuple[PathSegment, ...], count: int | None, cell: tuple[str, str],
              figure: str | None = None) -> None:  # fmt: skip
        hidden = (*cell, None) in listed or (*cell, figure) in listed  # the page shows neither
        if _small(count, m) and not hidden:
            problems.append(Problem(path, _SMALL))

    small(("totals", "participants"), board.totals.participants, (TOTALS, "all"))
    last_day = parse_time(board.as_of).astimezone(dt.UTC).date()
    for i, point in enumerate(board.engagement.series):
        if point.active is not None:
            day = (ENGAGEMENT, point.date.isoformat())
            small(("engagement", "series", i, "active"), point.enrolled, day)
        if point.date > last_day:
            msg = (f"{point.date.isoformat()} is after as_of ({last_day.isoformat()} in UTC): "
                   "a dashboard never shows a day after its moment")  # fmt: skip
            problems.append(Problem(("engagement", "series", i, "date"), msg))
    for i, step in enumerate(board.funnel):
        if step.completed is not None:
            small(("funnel", i, "completed"), step.due, (FUNNEL, step.step))
    for grouping, rows in board.groups.items():
        seen: dict[str, int] = {}
        for i, row in enumerate(rows):
            cell = (grouping, row.group)
            small(("groups", grouping, i, "participants"), row.participants, cell)
            if row.progress is not None:
                small(("groups", grouping, i, "progress", "n"), row.progress.n, cell, "progress")
            if row.group in seen:
                msg = f"{row.group!r} is listed twice (first at {seen[row.group]})"
                problems.append(Problem(("groups", grouping, i, "group"), msg))
            seen.setdefault(row.group, i)
    return problems
