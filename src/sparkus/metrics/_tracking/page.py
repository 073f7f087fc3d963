"""The HR dashboard as one self-contained HTML page, rendered from a dashboard snapshot.

The page is plain HTML with inline CSS and inline SVG charts (drawn in ``charts``): no
JavaScript, no web fonts, no images, no link to anything. A Content-Security-Policy that
forbids every fetch makes the browser refuse a request even if one slipped in, so the page
opens offline, from an e-mail attachment or a shared drive, exactly as it was rendered.

The snapshot is a :class:`~sparkus.metrics.Dashboard` or its JSON document
(``"schema": "sparkus.dashboard"``, ``"schema_version": 1``), read once, at the boundary, by the
reader.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from sparkus._errors import Problem, SchemaError
from sparkus.metrics._tracking.charts import (
    Ids,
    IntervalRow,
    engagement_svg,
    funnel_svg,
    interval_svg,
)
from sparkus.metrics._tracking.display import (
    DASH,
    SUPPRESSED_TEXT,
    GroupLine,
    ci_text,
    count_text,
    days_text,
    group_label,
    group_lines,
    hidden_in,
    humanise,
    level_text,
    nps_text,
    number_text,
    percent_text,
    rate,
    rating_text,
    unless,
    when_text,
)
from sparkus.metrics._tracking.html_parts import E, html_table, open_section
from sparkus.metrics._tracking.page_results import beside_progress, impact_html, roi_html
from sparkus.metrics._tracking.reader import describe_json, read_dashboard
from sparkus.metrics._tracking.schema import (
    ENGAGEMENT,
    FUNNEL,
    SCHEMA,
    SCHEMA_VERSION,
    TOTALS,
    Dashboard,
)
from sparkus.metrics._tracking.sections import (
    AssignmentLike,
    AuditLike,
    PlanLike,
    Sections,
    TriageLike,
    check_audit_minimum,
    check_sections,
    sections_html,
)
from sparkus.metrics._tracking.style import CSP, CSS

__all__ = ["render_html", "write_html"]


def _totals_html(snap: Dashboard) -> str:
    t, window = snap.totals, snap.engagement.window_days
    hidden = frozenset().union(*hidden_in(snap, TOTALS).values())
    tiles = [
        ("Participants", unless(hidden, "participants", count_text(t.participants))),
        (f"Active (last {window} days)", unless(hidden, "active", count_text(t.active))),
        (
            "Participation rate",
            unless(hidden, "participation_rate", percent_text(t.participation_rate)),
        ),
        ("Completion rate", unless(hidden, "completion_rate", percent_text(t.completion_rate))),
        ("Overdue steps", unless(hidden, "overdue_steps", count_text(t.overdue_steps))),
        ("Mean session rating", unless(hidden, "mean_rating", rating_text(t.mean_rating))),
        ("Net promoter score", unless(hidden, "nps", nps_text(t.nps))),
    ]
    items = "".join(f"<div><dt>{E(k)}</dt><dd>{E(v)}</dd></div>" for k, v in tiles)
    return open_section("totals", "Headline figures") + f'<dl class="tiles">{items}</dl></section>'


def _engagement_html(snap: Dashboard, ids: Ids) -> str:
    head = (
        open_section("engagement", "Engagement over time")
        + f"<p>Active: at least one journey event in the {snap.engagement.window_days} days up "
        "to the date. "
        "Enrolled: people whose journey has started.</p>"
    )
    if not snap.engagement.series:
        return head + '<p class="note">No engagement data yet.</p></section>'
    hidden_dates = hidden_in(snap, ENGAGEMENT)
    rows = []
    for p in snap.engagement.series:
        hidden = frozenset({"active"} if p.date.isoformat() in hidden_dates else ())
        active = unless(hidden, "active", count_text(p.active))
        share = unless(hidden, "active", percent_text(rate(p.active, p.enrolled)))
        rows.append((p.date.isoformat(), active, count_text(p.enrolled), share))
    table = html_table(
        "Engagement by date", ("Date", "Active", "Enrolled", "Active share"), rows, scroll=True
    )
    return head + f'<div class="figure">{engagement_svg(snap, ids)}{table}</div></section>'


def _funnel_html(snap: Dashboard, ids: Ids) -> str:
    head = (
        open_section("funnel", "Step completion")
        + "<p>For each journey step, the people for whom it is due by now and how many completed "
        "it.</p>"
    )
    if not snap.funnel:
        return head + '<p class="note">No journey steps are due yet.</p></section>'
    hidden_steps = hidden_in(snap, FUNNEL)
    rows = []
    for s in snap.funnel:
        hidden = frozenset({"completed"} if s.step in hidden_steps else ())
        rows.append(
            (
                s.step,
                s.kind.replace("_", " "),
                count_text(s.due),
                unless(hidden, "completed", count_text(s.completed)),
                unless(hidden, "completed", percent_text(rate(s.completed, s.due))),
                unless(hidden, "completed", days_text(s.median_days_to_complete)),
            )
        )
    headers = ("Step", "Kind", "Due", "Completed", "Completion", "Median days to complete")
    table = html_table("Completion by step", headers, rows, text_columns=2)
    return head + f'<div class="figure stacked">{funnel_svg(snap, ids)}{table}</div></section>'


def _group_html(grouping: str, lines: Sequence[GroupLine], ids: Ids) -> str:
    name = humanise(grouping)
    heading = f"<h3>By {E(name)}</h3>"
    rows = [line.row for line in lines]
    chart_rows = []
    for line, r in zip(lines, rows, strict=True):
        label = group_label(r.group)
        if line.progress_note or r.progress is None:
            chart_rows.append(IntervalRow(label, None, None, line.progress_note))
        else:
            chart_rows.append(IntervalRow(label, r.progress.estimate, r.progress.ci))
    levels = {r.progress.level for r in rows if r.progress is not None and r.progress.level}
    level = level_text(levels.pop()) if len(levels) == 1 else ""
    chart = ""
    if rows:
        estimates = sum(r.estimate is not None for r in chart_rows)
        desc = (
            f"Dot-and-interval chart of the raw change in assessment score by {name}: "
            f"{len(rows)} groups, {estimates} with an estimate; each dot is the participants' "
            f"mean change from before to after, with its {level}confidence interval; the dashed "
            "line marks no change. It is not the program's effect: there is no comparison "
            "group. Suppressed groups show no figure. The table with the chart gives every value."
        )
        chart = interval_svg(
            chart_rows,
            ids,
            title=f"Raw change by {name} (not the program's effect)",
            desc=desc,
            axis="Mean change in assessment score, before to after (raw)",
            reference="no change",
        )
    table_rows: list[tuple[str, ...]] = []
    classes = []
    for line, r in zip(lines, rows, strict=True):
        if line.suppressed is not None:
            table_rows.append((group_label(r.group), *([SUPPRESSED_TEXT] * 7)))
            classes.append("suppressed")
            continue
        p = r.progress
        progress = DASH
        if p is not None and p.estimate is not None:
            progress = number_text(p.estimate)
            progress += f" ({ci_text(p.ci)})" if p.ci is not None else ""
        hidden = line.hidden
        table_rows.append(
            (
                group_label(r.group),
                count_text(r.participants),
                unless(hidden, "active", count_text(r.active)),
                unless(hidden, "participation_rate", percent_text(r.participation_rate)),
                unless(hidden, "completion_rate", percent_text(r.completion_rate)),
                unless(hidden, "mean_rating", rating_text(r.mean_rating)),
                unless(hidden, "nps", nps_text(r.nps)),
                unless(hidden, "progress", progress),
            )
        )
        classes.append("")
    headers = (
        "Group",
        "Participants",
        "Active",
        "Participation",
        "Completion",
        "Rating",
        "NPS",
        f"Raw change ({level}CI)",
    )
    table = html_table(f"Figures by {name}", headers, table_rows, row_classes=classes)
    reasons = [
        f"{group_label(line.row.group)}: {line.suppressed}" for line in lines if line.suppressed
    ]
    note = ""
    if reasons:
        note = '<p class="note">Suppressed: ' + "; ".join(E(reason) for reason in reasons) + ".</p>"
    return f'{heading}<div class="figure stacked">{chart}<div>{table}{note}</div></div>'


def _groups_html(snap: Dashboard, ids: Ids) -> str:
    head = (
        open_section("groups", "Progress by group: the raw change")
        + "<p>The raw change: how much the participants' assessment scores changed from "
        "before the program to after, on average. It is <strong>not the program's "
        "effect</strong>: it also holds whatever would have changed without the program "
        "(time, practice, the season), and it has no comparison group.</p>"
        + beside_progress(snap)
        + f"<p>Groups of fewer than {snap.min_group_size} people are suppressed, and so are enough "
        "other cells that no suppressed figure can be narrowed down from everything published, "
        "across every grouping and every earlier snapshot.</p>"
    )
    if not snap.groups:
        return head + '<p class="note">This snapshot has no groupings.</p></section>'
    shown = group_lines(snap)
    return head + "".join(_group_html(g, lines, ids) for g, lines in shown.items()) + "</section>"


def _suppressed_html(snap: Dashboard) -> str:
    head = open_section("suppressed", "Suppressed cells")
    if not snap.suppressed:
        return head + '<p class="note">No cell was suppressed.</p></section>'
    rows = [
        (humanise(c.grouping), c.group, "all" if c.figure is None else c.figure, c.reason)
        for c in snap.suppressed
    ]
    intro = (
        f"<p>{len(rows)} cell{'s' if len(rows) != 1 else ''} withheld to protect individuals "
        f"(minimum group size {snap.min_group_size}).</p>"
    )
    return (
        head
        + intro
        + html_table(
            "Suppressed cells", ("Grouping", "Group", "Figures", "Reason"), rows, text_columns=4
        )
        + "</section>"
    )


def _page(snap: Dashboard, title: str, sections: Sections = (None, None, None, None)) -> str:
    ids = Ids()
    plan, triage, matching, fairness = sections_html(sections, snap.min_group_size)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="sparkus">',
        f"<title>{E(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{E(snap.program)}</h1>",
        (
            f'<p class="meta">Coaching program dashboard as of <time '
            f'datetime="{E(snap.as_of)}">{E(when_text(_moment(snap)))}</time>. '
            f"Minimum group size {snap.min_group_size}.</p>"
        ),
        "</header>",
        "<main>",
        _totals_html(snap),
        triage,
        plan,
        matching,
        _engagement_html(snap, ids),
        _funnel_html(snap, ids),
        _groups_html(snap, ids),
        impact_html(snap, ids),
        roi_html(snap, ids),
        fairness,
        _suppressed_html(snap),
        "</main>",
        (
            f"<footer><p>Rendered by sparkus from a {SCHEMA} snapshot, schema version "
            f"{SCHEMA_VERSION}. "
            "This page is self-contained: it loads nothing from anywhere.</p></footer>"
        ),
        "</body>",
        "</html>",
    ]
    return "\n".join(part for part in parts if part) + "\n"


def _moment(snap: Dashboard) -> dt.datetime:
    """The snapshot's moment (its ISO 8601 text was checked when the snapshot was read)."""
    return dt.datetime.fromisoformat(snap.as_of)


def _render_iv(
    snapshot: object, title: object, plan: object, triage: object, matching: object, audit: object
) -> tuple[Dashboard, str, Sections]:
    """The snapshot, read and checked, the page's title and the optional sections' inputs."""
    snap = read_dashboard(snapshot)
    sections = check_sections(plan, triage, matching, audit)
    check_audit_minimum(sections[3], snap.min_group_size)
    if title is None:
        title = f"{snap.program}: dashboard as of {_moment(snap).date().isoformat()}"
    if not isinstance(title, str):
        msg = f"expected a string or None, got {describe_json(title)}"
        raise SchemaError([Problem(("title",), msg)])
    return snap, title, sections


def render_html(
    snapshot: object,
    *,
    title: str | None = None,
    plan: PlanLike | None = None,
    triage: TriageLike | None = None,
    matching: Mapping[str, AssignmentLike] | None = None,
    audit: Mapping[str, AuditLike] | None = None,
) -> str:
    """Render a dashboard snapshot as one self-contained HTML page.

    .. versionadded:: 0.1

    The page shows the headline figures, engagement over time, the step completion funnel,
    development progress by group (suppressed cells marked, with their reasons), the impact
    estimate, the return on investment when the snapshot has one, and the list of suppressed
    cells. Charts are inline SVG with a text description and a data table beside each. The
    page has no script and requests nothing: it opens offline and prints cleanly.

    Parameters
    ----------
    snapshot : Dashboard, dict or result
        A ``sparkus.dashboard`` snapshot (schema version 1): a :class:`Dashboard` (the result
        of :meth:`Tracker.snapshot`), its JSON document as a plain dict, or any object whose
        ``to_json_dict()`` or ``to_dict()`` returns that document. Keys the schema does not
        name are ignored. ``null`` figures render as an en dash.
    title : str, optional
        The page's ``<title>``. Default: the program's name and the snapshot's date.
    plan : SupportPlan, optional
        Adds the "Budget and plan" section: the budget, the plan's cost, reach and expected
        effect, and a table by support type.
    triage : TriageResult, optional
        Adds the "Triage" section: people by readiness level, and how many go to review.
    matching : mapping of str to Assignment, optional
        Adds the "Matching" section: per name (a support type, say), the people placed, the
        places, who was not placed and why, and the pairs' mean fit.
    audit : mapping of str to AuditResult, optional
        Adds the "Fairness" section: per grouping (department, level...), each group's share
        selected for sessions with a person against the highest, flagged under four fifths,
        and what each audit found it could not protect (its `exposed`). Each audit must have
        been run with at least the snapshot's `min_group_size`: its ratios are taken against
        the groups it published, which the page must then be able to show.

    These four are the results of the earlier steps, read only for aggregates. The
    snapshot's minimum group size applies to them as to the dashboard: a count of 1 to
    ``min_group_size - 1`` people is shown as "suppressed", with the next smallest count of
    its table when the table's total is shown, so that no withheld count can be worked out.

    Returns
    -------
    str
        The page. The same snapshot always gives the same text, byte for byte.

    Raises
    ------
    SchemaError
        If the snapshot does not fit the contract, with the path of every problem (e.g.
        ``funnel[2].due``), an optional input is not of its kind (naming it), or an audit was
        run with a smaller `min_group_size` than the snapshot's.

    See Also
    --------
    write_html : render and save to a file.

    Examples
    --------
    >>> from sparkus.metrics import render_html
    >>> snapshot = {
    ...     "schema": "sparkus.dashboard", "schema_version": 1, "program": "Pilot",
    ...     "as_of": "2027-03-31T00:00:00+00:00", "min_group_size": 5,
    ...     "totals": {"participants": 40, "active": 31, "participation_rate": 0.775,
    ...                "completion_rate": 0.5, "overdue_steps": 3, "mean_rating": None,
    ...                "nps": None},
    ...     "engagement": {"window_days": 14, "series": [
    ...         {"date": "2027-03-15", "active": 28, "enrolled": 40},
    ...         {"date": "2027-03-29", "active": 31, "enrolled": 40}]},
    ...     "funnel": [{"step": "kickoff", "kind": "kickoff_webinar", "due": 40,
    ...                 "completed": 38, "median_days_to_complete": 1.5}],
    ...     "groups": {}, "suppressed": [],
    ... }
    >>> page = render_html(snapshot)
    >>> page.startswith("<!DOCTYPE html>")
    True
    >>> "<title>Pilot: dashboard as of 2027-03-31</title>" in page
    True
    >>> "38 of 40 (95.0%)" in page
    True

    A malformed snapshot is refused with every problem's path:

    >>> render_html({**snapshot, "min_group_size": "5", "funnel": [{"step": "kickoff"}]})
    Traceback (most recent call last):
    ...
    sparkus.SchemaError: 5 problems in the input:
      min_group_size: expected a whole number, got the string '5'
      funnel[0].kind: is required but missing; see the dashboard contract
      funnel[0].due: is required but missing; see the dashboard contract
      funnel[0].completed: is required but missing; see the dashboard contract
      funnel[0].median_days_to_complete: is required but missing; see the dashboard contract
    """
    snap, text, sections = _render_iv(snapshot, title, plan, triage, matching, audit)
    return _page(snap, text, sections)


def write_html(
    snapshot: object,
    path: str | os.PathLike[str],
    *,
    title: str | None = None,
    plan: PlanLike | None = None,
    triage: TriageLike | None = None,
    matching: Mapping[str, AssignmentLike] | None = None,
    audit: Mapping[str, AuditLike] | None = None,
) -> Path:
    """Render a dashboard snapshot with :func:`render_html` and write it to `path` (UTF-8).

    .. versionadded:: 0.1

    Parameters
    ----------
    snapshot : Dashboard, dict or result
        A ``sparkus.dashboard`` snapshot, as for :func:`render_html`.
    path : str or path-like
        Where to write the page; an existing file is replaced.
    title : str, optional
        The page's ``<title>``, as for :func:`render_html`.
    plan, triage, matching, audit : optional
        The earlier steps' results, for the report's sections on them, as for
        :func:`render_html`.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    SchemaError
        If the snapshot does not fit the contract, or `path` is not a path or cannot be
        written (a missing folder, say; naming it); nothing is written then.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sparkus.metrics import write_html
    >>> snapshot = {
    ...     "schema": "sparkus.dashboard", "schema_version": 1, "program": "Pilot",
    ...     "as_of": "2027-03-31T00:00:00+00:00", "min_group_size": 5,
    ...     "totals": {"participants": 40, "active": 31, "participation_rate": 0.775,
    ...                "completion_rate": 0.5, "overdue_steps": 3, "mean_rating": 4.2,
    ...                "nps": 35.0},
    ...     "engagement": {"window_days": 14, "series": []},
    ...     "funnel": [], "groups": {}, "suppressed": [],
    ... }
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     written = write_html(snapshot, pathlib.Path(folder) / "dashboard.html")
    ...     written.read_text(encoding="utf-8").count("<section")
    6
    """
    snap, text, sections = _render_iv(snapshot, title, plan, triage, matching, audit)
    given: object = path
    if not isinstance(given, str | os.PathLike) or given == "":
        msg = f"expected a file path, got {describe_json(given)}"
        raise SchemaError([Problem(("path",), msg)])
    target = Path(path)
    page = _page(snap, text, sections)
    try:
        target.write_text(page, encoding="utf-8", newline="\n")
    except (OSError, ValueError) as error:
        why = getattr(error, "strerror", None) or str(error)
        raise SchemaError([Problem(("path",), f"{target}: cannot be written ({why})")]) from None
    return target
