"""The dashboard's charts as matplotlib figures (the ``plot`` extra).

Each function reads the same ``sparkus.dashboard`` snapshot as
:func:`~sparkus.metrics.render_html`, draws on the axes it is given (or the current ones), and
returns them. matplotlib is imported inside the functions, so ``import sparkus.metrics`` does
not import it.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Final

from sparkus._errors import Problem, SchemaError, shown
from sparkus.metrics._plots import BLUE, GREY, ORANGE, axes_or_current
from sparkus.metrics._tracking.display import funnel_label, group_lines, hidden_in, humanise
from sparkus.metrics._tracking.reader import read_dashboard
from sparkus.metrics._tracking.schema import FUNNEL

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["plot_engagement", "plot_funnel", "plot_progress"]

_LIGHT: Final = "#d9e6f2"


def _nan(value: float | None) -> float:
    return math.nan if value is None else float(value)


def _empty(ax: Axes, message: str) -> Axes:
    """Say in the middle of the axes that there is nothing to draw."""
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color=GREY)
    return ax


def plot_engagement(snapshot: object, *, ax: Axes | None = None) -> Axes:
    """Plot people active and people enrolled over time, from a dashboard snapshot.

    .. versionadded:: 0.1

    Parameters
    ----------
    snapshot : Dashboard, dict or result
        A ``sparkus.dashboard`` snapshot, as for :func:`render_html`.
    ax : matplotlib.axes.Axes, optional
        Where to draw. Default: the current axes (``plt.gca()``).

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on: the enrolled line (dashed) and the active line, with a legend. A
        ``null`` count leaves a gap in its line.

    Raises
    ------
    SchemaError
        If the snapshot does not fit the contract, or `ax` is neither None nor a matplotlib
        Axes.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from sparkus.metrics import plot_engagement
    >>> snapshot = {
    ...     "schema": "sparkus.dashboard", "schema_version": 1, "program": "Pilot",
    ...     "as_of": "2027-03-31T00:00:00+00:00", "min_group_size": 5,
    ...     "totals": {"participants": 40, "active": 31, "participation_rate": 0.775,
    ...                "completion_rate": 0.5, "overdue_steps": 3, "mean_rating": 4.2,
    ...                "nps": 35.0},
    ...     "engagement": {"window_days": 14, "series": [
    ...         {"date": "2027-03-15", "active": 28, "enrolled": 40},
    ...         {"date": "2027-03-29", "active": 31, "enrolled": 40}]},
    ...     "funnel": [], "groups": {}, "suppressed": [],
    ... }
    >>> fig, ax = plt.subplots()
    >>> ax = plot_engagement(snapshot, ax=ax)
    >>> [line.get_label() for line in ax.get_lines()]
    ['enrolled', 'active (last 14 days)']
    >>> plt.close(fig)
    """
    snap = read_dashboard(snapshot)
    ax = axes_or_current(ax, "plot_engagement")
    import matplotlib.dates as mdates

    ax.set_title("Engagement over time")
    series = snap.engagement.series
    if not series:
        return _empty(ax, "No engagement data yet")
    import numpy as np

    dates = np.array([p.date for p in series], dtype="datetime64[D]")
    ax.plot(
        dates,
        [_nan(p.enrolled) for p in series],
        color=GREY,
        linestyle="--",
        linewidth=2,
        label="enrolled",
    )
    ax.plot(
        dates,
        [_nan(p.active) for p in series],
        color=BLUE,
        marker="o",
        markersize=4,
        linewidth=2.5,
        label=f"active (last {snap.engagement.window_days} days)",
    )
    locator = mdates.AutoDateLocator()  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    formatter = mdates.ConciseDateFormatter(locator)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_formatter(formatter)
    ax.set_ylim(bottom=0)
    ax.set_ylabel("people")
    ax.grid(axis="y", color="#ececec")
    ax.legend(loc="lower right", frameon=False)
    return ax


def plot_funnel(snapshot: object, *, ax: Axes | None = None) -> Axes:
    """Plot the step completion funnel from a dashboard snapshot: due and completed per step.

    .. versionadded:: 0.1

    Parameters
    ----------
    snapshot : Dashboard, dict or result
        A ``sparkus.dashboard`` snapshot, as for :func:`render_html`.
    ax : matplotlib.axes.Axes, optional
        Where to draw. Default: the current axes (``plt.gca()``).

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on: one horizontal bar per step for the people it is due for, the
        completed count over it, and a label ``"completed of due (rate)"``; the first step on
        top.

    Raises
    ------
    SchemaError
        If the snapshot does not fit the contract, or `ax` is neither None nor a matplotlib
        Axes.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from sparkus.metrics import plot_funnel
    >>> snapshot = {
    ...     "schema": "sparkus.dashboard", "schema_version": 1, "program": "Pilot",
    ...     "as_of": "2027-03-31T00:00:00+00:00", "min_group_size": 5,
    ...     "totals": {"participants": 40, "active": 31, "participation_rate": 0.775,
    ...                "completion_rate": 0.5, "overdue_steps": 3, "mean_rating": 4.2,
    ...                "nps": 35.0},
    ...     "engagement": {"window_days": 14, "series": []},
    ...     "funnel": [
    ...         {"step": "kickoff", "kind": "kickoff_webinar", "due": 40, "completed": 38,
    ...          "median_days_to_complete": 1.5},
    ...         {"step": "session_1", "kind": "session", "due": 30, "completed": 21,
    ...          "median_days_to_complete": 8.0}],
    ...     "groups": {}, "suppressed": [],
    ... }
    >>> fig, ax = plt.subplots()
    >>> ax = plot_funnel(snapshot, ax=ax)
    >>> [t.get_text() for t in ax.texts]
    ['38 of 40 (95.0%)', '21 of 30 (70.0%)']
    >>> plt.close(fig)
    """
    snap = read_dashboard(snapshot)
    ax = axes_or_current(ax, "plot_funnel")
    ax.set_title("Step completion")
    if not snap.funnel:
        return _empty(ax, "No journey steps are due yet")
    rows = list(range(len(snap.funnel)))
    due = [s.due or 0 for s in snap.funnel]
    hidden_steps = hidden_in(snap, FUNNEL)
    completed = [0 if s.step in hidden_steps else s.completed or 0 for s in snap.funnel]
    ax.barh(rows, due, color=_LIGHT, height=0.7, label="due")
    ax.barh(rows, completed, color=BLUE, height=0.7, label="completed")
    for row, step, width in zip(rows, snap.funnel, due, strict=True):
        ax.annotate(
            funnel_label(step, step.step in hidden_steps),
            (width, row),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            ha="left",
            fontsize="small",
        )
    ax.set_yticks(rows, [s.step for s in snap.funnel])
    ax.invert_yaxis()
    ax.set_xlim(0, max(*due, *completed, 1) * 1.4)
    ax.set_xlabel("people")
    ax.legend(loc="lower right", frameon=False)
    return ax


def plot_progress(snapshot: object, grouping: str, *, ax: Axes | None = None) -> Axes:
    """Plot development progress by group: each group's estimate and interval, one row each.

    .. versionadded:: 0.1

    Parameters
    ----------
    snapshot : Dashboard, dict or result
        A ``sparkus.dashboard`` snapshot, as for :func:`render_html`.
    grouping : str
        Which grouping to plot, one of the snapshot's (``"department"``, ``"level"``...).
    ax : matplotlib.axes.Axes, optional
        Where to draw. Default: the current axes (``plt.gca()``).

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on: a dot at each group's estimated change with a bar for its interval,
        a dashed line at no change, and the word "suppressed" (or "no estimate") in the row
        of a group with no figure to show.

    Raises
    ------
    SchemaError
        If the snapshot does not fit the contract, `grouping` is not one of its groupings, or
        `ax` is neither None nor a matplotlib Axes.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from sparkus.metrics import plot_progress
    >>> progress = {"estimate": 3.1, "ci": [2.2, 4.0], "level": 0.95, "n": 240}
    >>> snapshot = {
    ...     "schema": "sparkus.dashboard", "schema_version": 1, "program": "Pilot",
    ...     "as_of": "2027-03-31T00:00:00+00:00", "min_group_size": 5,
    ...     "totals": {"participants": 243, "active": 170, "participation_rate": 0.7,
    ...                "completion_rate": 0.44, "overdue_steps": 3, "mean_rating": 4.4,
    ...                "nps": 41.0},
    ...     "engagement": {"window_days": 14, "series": []}, "funnel": [],
    ...     "groups": {"department": [
    ...         {"group": "Sales", "participants": 240, "active": 170,
    ...          "participation_rate": 0.71, "completion_rate": 0.44, "mean_rating": 4.4,
    ...          "nps": 41.0, "progress": progress}]},
    ...     "suppressed": [{"grouping": "department", "group": "Legal",
    ...                     "reason": "3 participants, fewer than 5"}],
    ... }
    >>> fig, ax = plt.subplots()
    >>> ax = plot_progress(snapshot, "department", ax=ax)
    >>> [t.get_text() for t in ax.get_yticklabels()], [t.get_text() for t in ax.texts]
    (['Sales', 'Legal'], ['suppressed'])
    >>> plt.close(fig)
    """
    snap = read_dashboard(snapshot)
    known = group_lines(snap)
    given: object = grouping
    if not isinstance(given, str) or given not in known:
        names = ", ".join(repr(g) for g in known) or "none"
        msg = f"expected one of the snapshot's groupings ({names}), got {shown(given)}"
        raise SchemaError([Problem(("grouping",), msg)])
    lines = known[grouping]
    ax = axes_or_current(ax, "plot_progress")
    import matplotlib.transforms as mtransforms

    name = humanise(grouping)
    ax.set_title(f"Development progress by {name}")
    ax.axvline(0.0, color="#555555", linestyle="--", linewidth=1)
    y, x, low, high = [], [], [], []
    notes = mtransforms.blended_transform_factory(ax.transAxes, ax.transData)
    for i, line in enumerate(lines):
        progress = line.row.progress
        if line.progress_note or progress is None or progress.estimate is None:
            ax.text(0.02, i, line.progress_note, transform=notes, va="center", color=GREY,
                    style="italic")  # fmt: skip
            continue
        y.append(i)
        x.append(progress.estimate)
        ci = progress.ci
        low.append(0.0 if ci is None else progress.estimate - ci.low)
        high.append(0.0 if ci is None else ci.high - progress.estimate)
    if y:
        ax.errorbar(
            x,
            y,
            xerr=[low, high],
            fmt="o",
            color=ORANGE,
            ecolor=ORANGE,
            elinewidth=3,
            markersize=7,
            markeredgecolor="white",
            label="estimate and interval",
        )
    ax.set_yticks(range(len(lines)), [line.row.group for line in lines])
    ax.set_ylim(len(lines) - 0.5, -0.5)
    ax.set_xlabel("mean change in assessment score (post minus pre)")
    return ax
