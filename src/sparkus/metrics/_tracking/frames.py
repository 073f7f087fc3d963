"""The dashboard's tables as DataFrames: groups, funnel, engagement series, suppressed cells.

:class:`DashboardTables` gives :class:`~sparkus.metrics.Dashboard` its ``to_frame``: each
table of the document, one row per group (per step, per day, per hidden cell), with the
figures withheld or not computable as missing values, exactly as the snapshot holds them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, Literal, TypeAlias

from sparkus._checks import check_choice
from sparkus._frames import Backend, build_frame, check_backend

if TYPE_CHECKING:
    from sparkus.metrics._tracking.schema import Dashboard

__all__ = ["DashboardTable", "DashboardTables"]

DashboardTable: TypeAlias = Literal["groups", "funnel", "engagement", "suppressed"]
_TABLES: Final[tuple[DashboardTable, ...]] = ("groups", "funnel", "engagement", "suppressed")
_FIGURES: Final = ("participants", "active", "participation_rate", "completion_rate",
                   "mean_rating", "nps")  # fmt: skip


def _groups(board: Dashboard) -> tuple[dict[str, list[Any]], tuple[str, ...]]:
    names = ("grouping", "group", *_FIGURES, "progress", "progress_low", "progress_high",
             "progress_level", "progress_n")  # fmt: skip
    columns: dict[str, list[Any]] = {name: [] for name in names}
    for grouping, rows in board.groups.items():
        for row in rows:
            p = row.progress
            ci = None if p is None else p.ci
            values = (grouping, row.group, *(row[f] for f in _FIGURES),
                      None if p is None else p.estimate, None if ci is None else ci.low,
                      None if ci is None else ci.high, None if p is None else p.level,
                      None if p is None else p.n)  # fmt: skip
            for name, value in zip(names, values, strict=True):
                columns[name].append(value)
    return columns, ("grouping", "group")


def _records(entries: Any, names: tuple[str, ...]) -> dict[str, list[Any]]:
    return {name: [entry[name] for entry in entries] for name in names}


class DashboardTables:
    """Mixin: ``to_frame(table, backend=...)`` for the dashboard's tables."""

    __slots__ = ()

    def to_frame(self, table: DashboardTable = "groups", *, backend: Backend = "pandas") -> Any:
        """One table of the dashboard as a DataFrame.

        Every figure is as the snapshot holds it: a withheld figure (see `suppressed`) or one
        that cannot be computed is missing (NaN or None), never a number.

        Parameters
        ----------
        table : {"groups", "funnel", "engagement", "suppressed"}
            ``"groups"``: one row per shown group of every grouping, indexed by
            (``grouping``, ``group``), with participants, active, participation_rate,
            completion_rate, mean_rating, nps, and the progress estimate (``progress``) with
            ``progress_low``, ``progress_high``, ``progress_level`` and ``progress_n``.
            ``"funnel"``: one row per journey step, indexed by ``step``, with kind, due,
            completed and median_days_to_complete. ``"engagement"``: one row per day,
            indexed by ``date``, with active and enrolled. ``"suppressed"``: one row per
            hidden cell (grouping, group, figure, reason), numbered from 0.
        backend : {"pandas", "polars"}
            pandas gets the index above; polars, which has no index, gets those columns
            first. The library is imported only now.

        Returns
        -------
        pandas.DataFrame or polars.DataFrame
            A new frame: changing it never changes the dashboard.

        Raises
        ------
        SchemaError
            If `table` or `backend` is not one of the values above.
        ImportError
            If the library is not installed (the message names the extra to install).

        Examples
        --------
        >>> import datetime as dt
        >>> from sparkus.datasets import simulate_events, synthetic_org
        >>> from sparkus.metrics import Tracker
        >>> from sparkus.model import schedule_journeys
        >>> org = synthetic_org(200, seed=1)
        >>> ids = org.population["id"]
        >>> schedule = schedule_journeys(org.program.journey, ids, ["coaching"] * len(ids),
        ...                              start=dt.datetime(2027, 1, 4, tzinfo=dt.UTC))
        >>> tracker = Tracker(org.program, schedule,
        ...                   groups={"department": org.population.decode("department")})
        >>> _ = tracker.update(simulate_events(schedule, rng=0))
        >>> board = tracker.snapshot(as_of=dt.datetime(2027, 4, 1, tzinfo=dt.UTC))
        >>> groups = board.to_frame()
        >>> list(groups.index.names), groups.index.tolist()[0]
        (['grouping', 'group'], ('department', 'Customer Success'))
        >>> board.to_frame("funnel", backend="polars")["step"][0]
        'kickoff'

        .. versionadded:: 0.1
        """
        chosen_table = check_choice(table, "table", _TABLES)
        chosen = check_backend(backend)
        board: Dashboard = self  # type: ignore[assignment]
        if chosen_table == "groups":
            columns, index = _groups(board)
        elif chosen_table == "funnel":
            steps = ("step", "kind", "due", "completed", "median_days_to_complete")
            columns, index = _records(board.funnel, steps), ("step",)
        elif chosen_table == "engagement":
            columns = _records(board.engagement.series, ("date", "active", "enrolled"))
            index = ("date",)
        else:
            cells = ("grouping", "group", "figure", "reason")
            columns, index = _records(board.suppressed, cells), ()
        return build_frame(columns, index, chosen)
