"""The HR dashboard as one self-contained HTML page, rendered from a dashboard snapshot.

The page is plain HTML with inline CSS and inline SVG charts drawn here, in Python: no
JavaScript, no web fonts, no images, no link to anything. A Content-Security-Policy that
forbids every fetch makes the browser refuse a request even if one slipped in, so the page
opens offline, from an e-mail attachment or a shared drive, exactly as it was rendered.

The snapshot is the plain dict of the dashboard contract (``"schema": "sparkus.dashboard"``,
``"schema_version": 1``). It is read once, at the boundary, into small frozen records; every
problem is collected into one :class:`~sparkus.SchemaError` with the path of each offending
value. Keys the contract does not name are ignored, so a newer tracker's snapshot still renders.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Final, TypeVar

import attrs

from sparkus._errors import PathSegment, Problem, SchemaError

__all__ = ["render_html", "write_html"]

SCHEMA: Final = "sparkus.dashboard"
SCHEMA_VERSIONS: Final = (1,)
DASH: Final = "\N{EN DASH}"
"""What a figure that could not be computed (``null``) renders as."""

# The figures a suppressed entry's optional "figure" names, and the fields each covers.
_FIGURE_FIELDS: Final = {
    "participation": ("active", "participation_rate"),
    "completion": ("completion_rate", "overdue_steps"),
    "rating": ("mean_rating", "nps"),
    "progress": ("progress",),
}
# The names the tracker gives, in `suppressed`, to the parts that are not groupings.
_TOTALS: Final = "total"
_FUNNEL: Final = "funnel"
_ENGAGEMENT: Final = "engagement"
SUPPRESSED_TEXT: Final = "suppressed"

_T = TypeVar("_T")
_Path = tuple[PathSegment, ...]

# ---------------------------------------------------------------------------------------------
# The snapshot, read into records
# ---------------------------------------------------------------------------------------------


@attrs.frozen
class _Interval:
    low: float
    high: float


@attrs.frozen
class _Totals:
    participants: int | None
    active: int | None
    participation_rate: float | None
    completion_rate: float | None
    overdue_steps: int | None
    mean_rating: float | None
    nps: float | None


@attrs.frozen
class _Point:
    date: dt.date
    active: int | None
    enrolled: int | None


@attrs.frozen
class _Step:
    step: str
    kind: str
    due: int | None
    completed: int | None
    median_days: float | None


@attrs.frozen
class _Progress:
    estimate: float | None
    ci: _Interval | None
    level: float | None
    n: int | None


@attrs.frozen
class _GroupRow:
    group: str
    participants: int | None
    active: int | None
    participation_rate: float | None
    completion_rate: float | None
    mean_rating: float | None
    nps: float | None
    progress: _Progress | None
    suppressed: str | None = None  # the reason, for a cell the snapshot lists as suppressed
    hidden: frozenset[str] = frozenset()  # fields of a published cell withheld one by one


@attrs.frozen
class _Suppressed:
    grouping: str
    group: str
    reason: str
    figure: str | None = None  # one figure of the cell ("rating"...); None: the whole cell


@attrs.frozen
class _Impact:
    method: str
    estimate: float | None
    ci: _Interval | None
    level: float | None
    n: int | None
    pvalue: float | None


@attrs.frozen
class _Roi:
    roi_percent: float | None
    bcr: float | None
    ci: _Interval | None
    level: float | None
    currency: str


@attrs.frozen
class _Snapshot:
    program: str
    as_of: dt.datetime
    as_of_text: str
    min_group_size: int
    totals: _Totals
    window_days: int
    series: tuple[_Point, ...]
    funnel: tuple[_Step, ...]
    groups: tuple[tuple[str, tuple[_GroupRow, ...]], ...]
    suppressed: tuple[_Suppressed, ...]
    impact: _Impact | None
    roi: _Roi | None


def _describe(value: object) -> str:
    """What arrived, in JSON words: ``the string '12'``, ``null``, ``a list``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the string {shown!r}"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a Python {type(value).__name__}"


class _Reader:
    """Reads the snapshot field by field, collecting every problem with its path."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, path: _Path, message: str) -> None:
        self.problems.append(Problem(path, message))

    def mapping(self, value: object, path: _Path) -> Mapping[str, object] | None:
        if isinstance(value, Mapping):
            return value
        self.fail(path, f"expected an object, got {_describe(value)}")
        return None

    def get(self, obj: Mapping[str, object], path: _Path, key: str) -> tuple[bool, object]:
        if key in obj:
            return True, obj[key]
        self.fail((*path, key), "is required but missing; see the dashboard contract")
        return False, None

    def string(self, obj: Mapping[str, object], path: _Path, key: str) -> str:
        found, value = self.get(obj, path, key)
        if not found:
            return ""
        if isinstance(value, str):
            return value
        self.fail((*path, key), f"expected a string, got {_describe(value)}")
        return ""

    def number(
        self,
        obj: Mapping[str, object],
        path: _Path,
        key: str,
        *,
        low: float | None = None,
        high: float | None = None,
        nullable: bool = True,
    ) -> float | None:
        found, value = self.get(obj, path, key)
        return self._number(value, (*path, key), low, high, nullable=nullable) if found else None

    def _number(
        self,
        value: object,
        path: _Path,
        low: float | None,
        high: float | None,
        *,
        nullable: bool,
    ) -> float | None:
        expected = "a number or null" if nullable else "a number"
        if value is None and nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(path, f"expected {expected}, got {_describe(value)}")
            return None
        x = float(value)
        if not math.isfinite(x):
            self.fail(path, f"got {x!r}; write null for a figure that cannot be computed")
            return None
        if (low is not None and x < low) or (high is not None and x > high):
            if low is not None and high is not None:
                bounds = f"from {low:g} to {high:g}"
            else:
                bounds = f"of at least {low:g}" if low is not None else f"of at most {high:g}"
            self.fail(path, f"expected a number {bounds}, got {x!r}")
            return None
        return x

    def count(
        self, obj: Mapping[str, object], path: _Path, key: str, *, minimum: int = 0
    ) -> int | None:
        found, value = self.get(obj, path, key)
        if not found or value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail((*path, key), f"expected a whole number or null, got {_describe(value)}")
            return None
        if value < minimum:
            self.fail((*path, key), f"expected a whole number of at least {minimum}, got {value}")
            return None
        return value

    def interval(self, obj: Mapping[str, object], path: _Path, key: str) -> _Interval | None:
        found, value = self.get(obj, path, key)
        if not found or value is None:
            return None
        where = (*path, key)
        if not isinstance(value, list | tuple) or len(value) != 2:
            self.fail(where, f"expected a pair [low, high] or null, got {_describe(value)}")
            return None
        low = self._number(value[0], (*where, 0), None, None, nullable=False)
        high = self._number(value[1], (*where, 1), None, None, nullable=False)
        if low is None or high is None:
            return None
        if low > high:
            self.fail(where, f"low {low!r} is above high {high!r}; write [low, high]")
            return None
        return _Interval(low, high)

    def items(
        self,
        obj: Mapping[str, object],
        path: _Path,
        key: str,
        read: Callable[[Mapping[str, object], _Path], _T],
    ) -> tuple[_T, ...]:
        found, value = self.get(obj, path, key)
        if not found:
            return ()
        if not isinstance(value, list | tuple):
            self.fail((*path, key), f"expected a list, got {_describe(value)}")
            return ()
        out = []
        for i, item in enumerate(value):
            where = (*path, key, i)
            record = self.mapping(item, where)
            if record is not None:
                out.append(read(record, where))
        return tuple(out)

    def optional(
        self,
        obj: Mapping[str, object],
        path: _Path,
        key: str,
        read: Callable[[Mapping[str, object], _Path], _T],
    ) -> _T | None:
        value = obj.get(key)
        if value is None:
            return None
        record = self.mapping(value, (*path, key))
        return None if record is None else read(record, (*path, key))

    # -- the records of the contract ---------------------------------------------------------

    def totals(self, obj: Mapping[str, object], path: _Path) -> _Totals:
        return _Totals(
            participants=self.count(obj, path, "participants"),
            active=self.count(obj, path, "active"),
            participation_rate=self.number(obj, path, "participation_rate", low=0, high=1),
            completion_rate=self.number(obj, path, "completion_rate", low=0, high=1),
            overdue_steps=self.count(obj, path, "overdue_steps"),
            mean_rating=self.number(obj, path, "mean_rating"),
            nps=self.number(obj, path, "nps", low=-100, high=100),
        )

    def point(self, obj: Mapping[str, object], path: _Path) -> _Point:
        text = self.string(obj, path, "date")
        try:
            date = dt.date.fromisoformat(text)
        except ValueError:
            if "date" in obj and isinstance(obj["date"], str):
                self.fail((*path, "date"), f"expected an ISO date like '2027-01-04', got {text!r}")
            date = dt.date.min
        return _Point(date, self.count(obj, path, "active"), self.count(obj, path, "enrolled"))

    def step(self, obj: Mapping[str, object], path: _Path) -> _Step:
        return _Step(
            step=self.string(obj, path, "step"),
            kind=self.string(obj, path, "kind"),
            due=self.count(obj, path, "due"),
            completed=self.count(obj, path, "completed"),
            median_days=self.number(obj, path, "median_days_to_complete", low=0),
        )

    def progress(self, obj: Mapping[str, object], path: _Path) -> _Progress:
        return _Progress(
            estimate=self.number(obj, path, "estimate"),
            ci=self.interval(obj, path, "ci"),
            level=self.number(obj, path, "level", low=0, high=1),
            n=self.count(obj, path, "n"),
        )

    def group_row(self, obj: Mapping[str, object], path: _Path) -> _GroupRow:
        group = self.string(obj, path, "group")
        found, _ = self.get(obj, path, "progress")
        progress = self.optional(obj, path, "progress", self.progress) if found else None
        return _GroupRow(
            group=group,
            participants=self.count(obj, path, "participants"),
            active=self.count(obj, path, "active"),
            participation_rate=self.number(obj, path, "participation_rate", low=0, high=1),
            completion_rate=self.number(obj, path, "completion_rate", low=0, high=1),
            mean_rating=self.number(obj, path, "mean_rating"),
            nps=self.number(obj, path, "nps", low=-100, high=100),
            progress=progress,
        )

    def suppressed(self, obj: Mapping[str, object], path: _Path) -> _Suppressed:
        figure = obj.get("figure")  # optional: one figure of the cell rather than all of it
        if figure is not None and not isinstance(figure, str):
            self.fail((*path, "figure"), f"expected a string or null, got {_describe(figure)}")
            figure = None
        return _Suppressed(
            grouping=self.string(obj, path, "grouping"),
            group=self.string(obj, path, "group"),
            reason=self.string(obj, path, "reason"),
            figure=figure,
        )

    def impact(self, obj: Mapping[str, object], path: _Path) -> _Impact:
        return _Impact(
            method=self.string(obj, path, "method"),
            estimate=self.number(obj, path, "estimate"),
            ci=self.interval(obj, path, "ci"),
            level=self.number(obj, path, "level", low=0, high=1),
            n=self.count(obj, path, "n"),
            pvalue=self.number(obj, path, "pvalue", low=0, high=1),
        )

    def roi(self, obj: Mapping[str, object], path: _Path) -> _Roi:
        return _Roi(
            roi_percent=self.number(obj, path, "roi_percent"),
            bcr=self.number(obj, path, "bcr"),
            ci=self.interval(obj, path, "ci"),
            level=self.number(obj, path, "level", low=0, high=1),
            currency=self.string(obj, path, "currency"),
        )

    def groups(
        self, obj: Mapping[str, object], path: _Path
    ) -> tuple[tuple[str, tuple[_GroupRow, ...]], ...]:
        found, value = self.get(obj, path, "groups")
        if not found:
            return ()
        groups = self.mapping(value, (*path, "groups"))
        if groups is None:
            return ()
        out = []
        for grouping in groups:
            name: object = grouping  # a Python caller's dict may have keys of any type
            if not isinstance(name, str):
                self.fail((*path, "groups"), f"grouping names must be strings, got {grouping!r}")
                continue
            out.append((grouping, self.items(groups, (*path, "groups"), grouping, self.group_row)))
        return tuple(out)


def _as_mapping(snapshot: object) -> object:
    """The contract's dict, from the dict itself or from a result that can produce it."""
    if isinstance(snapshot, Mapping):
        return snapshot
    for name in ("to_json_dict", "to_dict"):
        method = getattr(snapshot, name, None)
        if callable(method):
            return method()
    return snapshot


def _snapshot_iv(snapshot: object) -> _Snapshot:
    """Read and check a dashboard snapshot; every problem goes into one SchemaError."""
    reader = _Reader()
    root = reader.mapping(_as_mapping(snapshot), ())
    if root is None:
        raise SchemaError(reader.problems)
    schema = root.get("schema")
    if schema != SCHEMA:
        reader.fail(
            ("schema",),
            f"expected {SCHEMA!r}, got {_describe(schema)}: this is not a sparkus dashboard "
            "snapshot (make one with sparkus.metrics.Tracker.snapshot)",
        )
    version = root.get("schema_version")
    if isinstance(version, bool) or version not in SCHEMA_VERSIONS:
        supported = ", ".join(str(v) for v in SCHEMA_VERSIONS)
        reader.fail(
            ("schema_version",),
            f"this sparkus renders schema version {supported}, got {_describe(version)}; "
            "upgrade sparkus to render newer snapshots",
        )
    if reader.problems:  # another schema: its other fields mean something else
        raise SchemaError(reader.problems)

    program = reader.string(root, (), "program")
    as_of_text = reader.string(root, (), "as_of")
    as_of = dt.datetime.min.replace(tzinfo=dt.UTC)
    if "as_of" in root and isinstance(root["as_of"], str):
        try:
            as_of = dt.datetime.fromisoformat(as_of_text)
        except ValueError:
            reader.fail(
                ("as_of",),
                f"expected an ISO 8601 time like '2027-03-31T00:00:00+00:00', got {as_of_text!r}",
            )
        else:
            if as_of.utcoffset() is None:
                reader.fail(("as_of",), f"{as_of_text!r} has no time zone; add one, e.g. +00:00")
    min_group_size = reader.count(root, (), "min_group_size", minimum=1)

    totals = _Totals(None, None, None, None, None, None, None)
    found, value = reader.get(root, (), "totals")
    totals_obj = reader.mapping(value, ("totals",)) if found else None
    if totals_obj is not None:
        totals = reader.totals(totals_obj, ("totals",))

    window_days: int | None = None
    series: tuple[_Point, ...] = ()
    found, value = reader.get(root, (), "engagement")
    engagement = reader.mapping(value, ("engagement",)) if found else None
    if engagement is not None:
        window_days = reader.count(engagement, ("engagement",), "window_days", minimum=1)
        series = reader.items(engagement, ("engagement",), "series", reader.point)
        seen: dict[dt.date, int] = {}
        for i, point in enumerate(series):
            if point.date in seen and point.date != dt.date.min:
                reader.fail(
                    ("engagement", "series", i, "date"),
                    f"{point.date.isoformat()} appears twice (first at series[{seen[point.date]}])",
                )
            seen.setdefault(point.date, i)

    funnel = reader.items(root, (), "funnel", reader.step)
    groups = reader.groups(root, ())
    suppressed = reader.items(root, (), "suppressed", reader.suppressed)
    impact = reader.optional(root, (), "impact", reader.impact)
    roi = reader.optional(root, (), "roi", reader.roi)

    if reader.problems:
        raise SchemaError(reader.problems)
    return _Snapshot(
        program=program,
        as_of=as_of,
        as_of_text=as_of_text,
        min_group_size=min_group_size or 1,
        totals=totals,
        window_days=window_days or 1,
        series=tuple(sorted(series, key=lambda p: p.date)),
        funnel=funnel,
        groups=_with_suppressed(groups, suppressed),
        suppressed=suppressed,
        impact=impact,
        roi=roi,
    )


def _with_suppressed(
    groups: tuple[tuple[str, tuple[_GroupRow, ...]], ...], suppressed: tuple[_Suppressed, ...]
) -> tuple[tuple[str, tuple[_GroupRow, ...]], ...]:
    """Each grouping's rows, suppressed cells included as rows without figures.

    A cell the snapshot lists as suppressed never shows a figure, even if the snapshot also
    carries one for it; a cell with one figure suppressed shows the others. Suppressed cells
    follow the published ones, in the snapshot's order. Suppressed entries of other parts of
    the snapshot (the totals, a date, a funnel step) stay in the list of suppressed cells.
    """
    whole: dict[tuple[str, str], str] = {}
    partial: dict[tuple[str, str], set[str]] = {}
    for cell in suppressed:
        if cell.figure is None:
            whole.setdefault((cell.grouping, cell.group), cell.reason)
        else:
            fields = partial.setdefault((cell.grouping, cell.group), set())
            fields.update(_FIGURE_FIELDS.get(cell.figure, ()))
    out = []
    for grouping, rows in groups:
        shown = [
            attrs.evolve(r, hidden=frozenset(partial.get((grouping, r.group), ())))
            for r in rows
            if (grouping, r.group) not in whole
        ]
        hidden: dict[str, _GroupRow] = {}
        for cell in suppressed:
            key = (grouping, cell.group)
            if cell.grouping == grouping and key in whole and cell.group not in hidden:
                empty = (None, None, None, None, None, None, None)
                hidden[cell.group] = _GroupRow(cell.group, *empty, suppressed=whole[key])
        out.append((grouping, (*shown, *hidden.values())))
    return tuple(out)


def _hidden_in(snap: _Snapshot, grouping: str) -> dict[str, frozenset[str]]:
    """For one part of the snapshot ("total", "funnel"...): each suppressed group's fields.

    A whole-cell entry hides every field (``"*"``).
    """
    out: dict[str, set[str]] = {}
    for cell in snap.suppressed:
        if cell.grouping == grouping:
            fields = out.setdefault(cell.group, set())
            fields.update(["*"] if cell.figure is None else _FIGURE_FIELDS.get(cell.figure, ()))
    return {group: frozenset(fields) for group, fields in out.items()}


# ---------------------------------------------------------------------------------------------
# Numbers as text
# ---------------------------------------------------------------------------------------------


def _count(value: int | None) -> str:
    return DASH if value is None else f"{value:,}"


def _percent(value: float | None) -> str:
    return DASH if value is None else f"{100 * value:.1f}%"


def _number(value: float | None) -> str:
    """Three or so significant figures, fixed by magnitude so that columns line up."""
    if value is None:
        return DASH
    size = abs(value)
    if size >= 1000:
        text = f"{value:,.0f}"
    elif size >= 100:
        text = f"{value:.0f}"
    elif size >= 10:
        text = f"{value:.1f}"
    elif size >= 0.01 or value == 0:
        text = f"{value:.2f}"
    else:
        text = f"{value:.2g}"
    return "0.00" if text in {"-0.00", "-0"} else text


def _rating(value: float | None) -> str:
    return DASH if value is None else f"{value:.2f}"


def _nps(value: float | None) -> str:
    return DASH if value is None else f"{value:+.0f}" if round(value) != 0 else "0"


def _days(value: float | None) -> str:
    return DASH if value is None else f"{value:.1f}"


def _pvalue(value: float | None) -> str:
    if value is None:
        return DASH
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


def _level(value: float | None) -> str:
    return "" if value is None else f"{100 * value:g}% "


def _ci(ci: _Interval | None, fmt: Callable[[float | None], str] = _number) -> str:
    return DASH if ci is None else f"{fmt(ci.low)} to {fmt(ci.high)}"


def _unless(hidden: frozenset[str], field: str, text: str) -> str:
    """`text`, or "suppressed" when `field` (or the whole cell, ``"*"``) is suppressed."""
    return SUPPRESSED_TEXT if field in hidden or "*" in hidden else text


def _rate(part: int | None, whole: int | None) -> float | None:
    return None if part is None or not whole else part / whole


def _humanise(name: str) -> str:
    return name.replace("_", " ")


def _when(moment: dt.datetime) -> str:
    offset = moment.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    zone = "UTC" if minutes == 0 else f"UTC{'+' if minutes > 0 else '-'}{abs(minutes) // 60:02d}"
    if minutes % 60:
        zone += f":{abs(minutes) % 60:02d}"
    return f"{moment:%Y-%m-%d %H:%M} {zone}"


# ---------------------------------------------------------------------------------------------
# SVG charts
# ---------------------------------------------------------------------------------------------

_E = html.escape
_BLUE: Final = "#0072b2"  # Okabe-Ito: distinguishable under the common colour blindnesses
_ORANGE: Final = "#d55e00"
_GREY: Final = "#767676"  # 4.5:1 on white
_LIGHT: Final = "#d9e6f2"
_WIDTH: Final = 720
_MAX_DOTS: Final = 60  # past this many dates, the line alone reads better than dots


def _f(x: float) -> str:
    """An SVG coordinate: one decimal, no ``-0.0``."""
    text = f"{x:.1f}"
    return "0.0" if text == "-0.0" else text


def _nice_ticks(low: float, high: float, target: int = 5) -> list[float]:
    """Round tick values covering ``[low, high]``: steps of 1, 2, 2.5 or 5 times a power of 10."""
    if not high > low:
        low, high = (low - 1, high + 1) if low != 0 else (0.0, 1.0)
    raw = (high - low) / target
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step + 1e-9) * step
    stop = math.ceil(high / step - 1e-9) * step
    n = round((stop - start) / step)
    return [round(start + i * step, 10) + 0.0 for i in range(n + 1)]


def _tick_text(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.10g}"


def _truncate(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "\N{HORIZONTAL ELLIPSIS}"


class _Ids:
    """Element ids unique within one page, in document order (so the page is deterministic)."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self, stem: str) -> str:
        self.n += 1
        return f"{stem}-{self.n}"


def _svg(ids: _Ids, height: float, title: str, desc: str, body: Sequence[str]) -> str:
    tid, did = ids("chart-title"), ids("chart-desc")
    return (
        f'<svg class="chart" viewBox="0 0 {_WIDTH} {_f(height)}" role="img" '
        f'aria-labelledby="{tid} {did}">'
        f'<title id="{tid}">{_E(title)}</title><desc id="{did}">{_E(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _text(x: float, y: float, text: str, *, anchor: str = "start", cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    return f'<text x="{_f(x)}" y="{_f(y)}" text-anchor="{anchor}"{klass}>{_E(text)}</text>'


def _segments(xs: Sequence[float], ys: Sequence[float | None]) -> list[list[tuple[float, float]]]:
    """Runs of consecutive known values: a null breaks the line rather than joining across it."""
    runs: list[list[tuple[float, float]]] = [[]]
    for x, y in zip(xs, ys, strict=True):
        if y is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append((x, y))
    return [run for run in runs if run]


def _engagement_svg(snap: _Snapshot, ids: _Ids) -> str:
    points = snap.series
    left, right, top, bottom, height = 64.0, 40.0, 36.0, 40.0, 300.0
    plot_w, plot_h = _WIDTH - left - right, height - top - bottom
    counts = [v for p in points for v in (p.active, p.enrolled) if v is not None]
    yticks = _nice_ticks(0.0, float(max(counts, default=0)) or 1.0)
    ymax = yticks[-1]
    first, last = points[0].date.toordinal(), points[-1].date.toordinal()
    span = max(last - first, 1)

    def x_of(date: dt.date) -> float:
        if first == last:
            return left + plot_w / 2
        return left + plot_w * (date.toordinal() - first) / span

    def y_of(value: float) -> float:
        return top + plot_h * (1 - value / ymax)

    body = []
    for tick in yticks:
        y = y_of(tick)
        body.append(
            f'<line class="grid" x1="{_f(left)}" x2="{_f(left + plot_w)}" '
            f'y1="{_f(y)}" y2="{_f(y)}"/>'
        )
        body.append(_text(left - 8, y + 4, _tick_text(tick), anchor="end", cls="tick"))
    n_ticks = min(len(points), 6)
    picks = sorted({round(i * (len(points) - 1) / max(n_ticks - 1, 1)) for i in range(n_ticks)})
    for i in picks:
        x = x_of(points[i].date)
        body.append(
            f'<line class="axis" x1="{_f(x)}" x2="{_f(x)}" y1="{_f(top + plot_h)}" '
            f'y2="{_f(top + plot_h + 5)}"/>'
        )
        body.append(
            _text(x, top + plot_h + 20, points[i].date.isoformat(), anchor="middle", cls="tick")
        )
    body.append(
        f'<line class="axis" x1="{_f(left)}" x2="{_f(left + plot_w)}" '
        f'y1="{_f(top + plot_h)}" y2="{_f(top + plot_h)}"/>'
    )
    xs = [x_of(p.date) for p in points]
    for values, cls in (
        ([p.enrolled for p in points], "enrolled"),
        ([p.active for p in points], "active"),
    ):
        for run in _segments(xs, values):
            coords = " ".join(f"{_f(x)},{_f(y_of(y))}" for x, y in run)
            body.append(f'<polyline class="line {cls}" points="{coords}"/>')
    for point, x in zip(points, xs, strict=True):
        if point.active is not None and len(points) <= _MAX_DOTS:
            tip = f"{point.date.isoformat()}: {_count(point.active)} active of "
            tip += f"{_count(point.enrolled)} enrolled"
            body.append(
                f'<circle class="dot active" cx="{_f(x)}" cy="{_f(y_of(point.active))}" '
                f'r="3"><title>{_E(tip)}</title></circle>'
            )
    legend_y = 16.0
    body.append(
        f'<line class="line active" x1="{_f(left)}" x2="{_f(left + 24)}" '
        f'y1="{_f(legend_y)}" y2="{_f(legend_y)}"/>'
    )
    body.append(_text(left + 30, legend_y + 4, f"active (in the last {snap.window_days} days)"))
    body.append(
        f'<line class="line enrolled" x1="{_f(left + 260)}" x2="{_f(left + 284)}" '
        f'y1="{_f(legend_y)}" y2="{_f(legend_y)}"/>'
    )
    body.append(_text(left + 290, legend_y + 4, "enrolled"))
    last_point = points[-1]
    desc = (
        f"Line chart of people active in the last {snap.window_days} days and people enrolled, "
        f"{len(points)} dates from {points[0].date.isoformat()} to {last_point.date.isoformat()}; "
        f"on the last date {_count(last_point.active)} of {_count(last_point.enrolled)} were "
        "active. The table with the chart gives every value."
    )
    return _svg(ids, height, "Engagement over time", desc, body)


def _funnel_svg(snap: _Snapshot, ids: _Ids) -> str:
    steps = snap.funnel
    left, right, top, row, bar = 210.0, 170.0, 28.0, 30.0, 18.0
    height = top + row * len(steps) + 12
    plot_w = _WIDTH - left - right
    biggest = max((s.due or 0 for s in steps), default=0) or 1
    hidden_steps = _hidden_in(snap, _FUNNEL)
    body = [
        _text(left, 16, "completed", cls="key-completed"),
        _text(left + 90, 16, "due", cls="key-due"),
    ]
    for i, step in enumerate(steps):
        y = top + i * row
        body.append(
            f'<text x="{_f(left - 10)}" y="{_f(y + bar - 4)}" text-anchor="end">'
            f"<title>{_E(step.step)} ({_E(step.kind)})</title>"
            f"{_E(_truncate(step.step, 28))}</text>"
        )
        due_w = plot_w * (step.due or 0) / biggest
        done_w = plot_w * min(step.completed or 0, step.due or 0) / biggest
        body.append(
            f'<rect class="due" x="{_f(left)}" y="{_f(y)}" width="{_f(due_w)}" height="{_f(bar)}"/>'
        )
        body.append(
            f'<rect class="completed" x="{_f(left)}" y="{_f(y)}" width="{_f(done_w)}" '
            f'height="{_f(bar)}"/>'
        )
        if step.step in hidden_steps:
            label = f"due for {_count(step.due)}; completions suppressed"
        else:
            label = f"{_count(step.completed)} of {_count(step.due)} "
            label += f"({_percent(_rate(step.completed, step.due))})"
        body.append(_text(left + due_w + 8, y + bar - 4, label, cls="value"))
    desc = (
        f"Bar chart of {len(steps)} journey steps: for each, the people for whom it is due and "
        "how many completed it. The table with the chart gives every value."
    )
    return _svg(ids, height, "Step completion funnel", desc, body)


@attrs.frozen
class _IntervalRow:
    label: str
    estimate: float | None
    ci: _Interval | None
    note: str = ""  # shown instead of a dot: "suppressed", "no estimate"


def _interval_svg(
    rows: Sequence[_IntervalRow],
    ids: _Ids,
    *,
    title: str,
    desc: str,
    axis: str,
    reference: str,
    fmt: Callable[[float], str] = _tick_text,
) -> str:
    """A dot-and-interval chart: one row per label, a dashed line at zero."""
    left, right, top, row, bottom = 210.0, 24.0, 12.0, 28.0, 44.0
    height = top + row * len(rows) + bottom
    plot_w = _WIDTH - left - right
    values = [0.0]
    for r in rows:
        values += [] if r.estimate is None else [r.estimate]
        values += [] if r.ci is None else [r.ci.low, r.ci.high]
    ticks = _nice_ticks(min(values), max(values))
    low, high = ticks[0], ticks[-1]

    def x_of(value: float) -> float:
        return left + plot_w * (value - low) / (high - low)

    bottom_y = top + row * len(rows)
    body = []
    for tick in ticks:
        x = x_of(tick)
        body.append(
            f'<line class="grid" x1="{_f(x)}" x2="{_f(x)}" y1="{_f(top)}" y2="{_f(bottom_y)}"/>'
        )
        body.append(_text(x, bottom_y + 16, fmt(tick), anchor="middle", cls="tick"))
    zero = x_of(0.0)
    body.append(
        f'<line class="reference" x1="{_f(zero)}" x2="{_f(zero)}" y1="{_f(top)}" '
        f'y2="{_f(bottom_y)}"><title>{_E(reference)}</title></line>'
    )
    body.append(_text(left + plot_w / 2, bottom_y + 36, axis, anchor="middle", cls="axis-label"))
    for i, r in enumerate(rows):
        y = top + i * row + row / 2
        body.append(
            f'<text x="{_f(left - 10)}" y="{_f(y + 4)}" text-anchor="end">'
            f"<title>{_E(r.label)}</title>{_E(_truncate(r.label, 28))}</text>"
        )
        if r.estimate is None:
            body.append(_text(left + 6, y + 4, r.note or "no estimate", cls="note"))
            continue
        if r.ci is not None:
            body.append(
                f'<line class="ci" x1="{_f(x_of(r.ci.low))}" x2="{_f(x_of(r.ci.high))}" '
                f'y1="{_f(y)}" y2="{_f(y)}"/>'
            )
        tip = f"{r.label}: {_number(r.estimate)}"
        tip += f" (interval {_ci(r.ci)})" if r.ci is not None else ""
        body.append(
            f'<circle class="dot estimate" cx="{_f(x_of(r.estimate))}" cy="{_f(y)}" '
            f'r="5"><title>{_E(tip)}</title></circle>'
        )
    return _svg(ids, height, title, desc, body)


# ---------------------------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------------------------

_CSS: Final = """
:root { color-scheme: light; --ink: #1a1a1a; --muted: #595959; --rule: #d0d0d0;
  --blue: #0072b2; --orange: #d55e00; --light: #d9e6f2; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1180px; padding: 24px 32px 48px; color: var(--ink);
  background: #fff; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue",
  Arial, sans-serif; }
h1 { font-size: 1.7rem; margin: 0 0 4px; }
h2 { font-size: 1.3rem; margin: 36px 0 8px; border-bottom: 2px solid var(--rule);
  padding-bottom: 4px; }
h3 { font-size: 1.05rem; margin: 20px 0 6px; }
p { margin: 4px 0 10px; max-width: 72ch; }
.meta, .note, caption { color: var(--muted); }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr));
  gap: 12px; margin: 12px 0; }
.tiles div { border: 1px solid var(--rule); border-radius: 6px; padding: 10px 12px; }
.tiles dt { color: var(--muted); font-size: 0.85rem; }
.tiles dd { margin: 2px 0 0; font-size: 1.5rem; font-weight: 600;
  font-variant-numeric: tabular-nums; }
.figure { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 24px;
  align-items: start; }
.figure.stacked { grid-template-columns: 1fr; gap: 8px; }
.figure.stacked .chart { max-width: 760px; }
@media (max-width: 900px) { .figure { grid-template-columns: 1fr; } }
.chart { width: 100%; height: auto; font-size: 12px; }
.chart text { fill: var(--ink); }
.chart .tick, .chart .axis-label { fill: var(--muted); }
.chart .note { fill: var(--muted); font-style: italic; }
.chart .grid { stroke: #ececec; }
.chart .axis { stroke: #9a9a9a; }
.chart .reference { stroke: #555; stroke-dasharray: 4 3; }
.chart .line { fill: none; stroke-width: 2.5; }
.chart .active { stroke: var(--blue); fill: var(--blue); }
.chart polyline.active { fill: none; }
.chart .enrolled { stroke: #767676; stroke-dasharray: 6 4; }
.chart .due { fill: var(--light); }
.chart .completed { fill: var(--blue); }
.chart .key-completed { fill: var(--blue); font-weight: 600; }
.chart .key-due { fill: #4d7ea8; font-weight: 600; }
.chart .ci { stroke: var(--orange); stroke-width: 3; }
.chart .estimate { fill: var(--orange); stroke: #fff; stroke-width: 1; }
table { border-collapse: collapse; width: 100%; font-size: 0.88rem;
  font-variant-numeric: tabular-nums; margin: 4px 0 12px; }
caption { text-align: left; font-size: 0.85rem; padding-bottom: 4px; }
th, td { padding: 3px 8px; border-bottom: 1px solid #e4e4e4; text-align: right;
  vertical-align: top; }
th:first-child, td:first-child, .text { text-align: left; }
thead th { border-bottom: 2px solid var(--rule); }
tr.suppressed td { color: var(--muted); font-style: italic; }
.scroll { max-height: 420px; overflow: auto; }
.headline { font-size: 1.15rem; }
footer { margin-top: 40px; color: var(--muted); font-size: 0.85rem; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  * { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
  section, .figure, table, svg { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  .scroll { max-height: none; overflow: visible; }
  .figure { grid-template-columns: 1fr; }
}
@page { margin: 14mm; }
"""

_CSP: Final = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


def _table(
    caption: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    row_classes: Sequence[str] = (),
    text_columns: int = 1,
    scroll: bool = False,
) -> str:
    """An HTML table whose first column heads the rows; every cell is text, escaped here.

    The first `text_columns` columns hold words (left-aligned), the others figures.
    """

    def align(j: int) -> str:
        return ' class="text"' if j < text_columns else ""

    head = "".join(f'<th scope="col"{align(j)}>{_E(h)}</th>' for j, h in enumerate(headers))
    body = []
    for i, row in enumerate(rows):
        klass = row_classes[i] if i < len(row_classes) and row_classes[i] else ""
        cells = [f'<th scope="row">{_E(row[0])}</th>']
        cells += [f"<td{align(j)}>{_E(c)}</td>" for j, c in enumerate(row[1:], start=1)]
        attr = f' class="{klass}"' if klass else ""
        body.append(f"<tr{attr}>{''.join(cells)}</tr>")
    table = (
        f"<table><caption>{_E(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )
    return f'<div class="scroll">{table}</div>' if scroll else table


def _totals_html(snap: _Snapshot) -> str:
    t = snap.totals
    hidden = frozenset().union(*_hidden_in(snap, _TOTALS).values())
    tiles = [
        ("Participants", _unless(hidden, "participants", _count(t.participants))),
        (f"Active (last {snap.window_days} days)", _unless(hidden, "active", _count(t.active))),
        (
            "Participation rate",
            _unless(hidden, "participation_rate", _percent(t.participation_rate)),
        ),
        ("Completion rate", _unless(hidden, "completion_rate", _percent(t.completion_rate))),
        ("Overdue steps", _unless(hidden, "overdue_steps", _count(t.overdue_steps))),
        ("Mean session rating", _unless(hidden, "mean_rating", _rating(t.mean_rating))),
        ("Net promoter score", _unless(hidden, "nps", _nps(t.nps))),
    ]
    items = "".join(f"<div><dt>{_E(k)}</dt><dd>{_E(v)}</dd></div>" for k, v in tiles)
    return (
        '<section id="totals" aria-labelledby="totals-heading">'
        '<h2 id="totals-heading">Headline figures</h2>'
        f'<dl class="tiles">{items}</dl></section>'
    )


def _engagement_html(snap: _Snapshot, ids: _Ids) -> str:
    head = (
        '<section id="engagement" aria-labelledby="engagement-heading">'
        '<h2 id="engagement-heading">Engagement over time</h2>'
        f"<p>Active: at least one journey event in the {snap.window_days} days up to the date. "
        "Enrolled: people whose journey has started.</p>"
    )
    if not snap.series:
        return head + '<p class="note">No engagement data yet.</p></section>'
    hidden_dates = _hidden_in(snap, _ENGAGEMENT)
    rows = []
    for p in snap.series:
        hidden = frozenset({"active"} if p.date.isoformat() in hidden_dates else ())
        active = _unless(hidden, "active", _count(p.active))
        share = _unless(hidden, "active", _percent(_rate(p.active, p.enrolled)))
        rows.append((p.date.isoformat(), active, _count(p.enrolled), share))
    table = _table(
        "Engagement by date", ("Date", "Active", "Enrolled", "Active share"), rows, scroll=True
    )
    return head + f'<div class="figure">{_engagement_svg(snap, ids)}{table}</div></section>'


def _funnel_html(snap: _Snapshot, ids: _Ids) -> str:
    head = (
        '<section id="funnel" aria-labelledby="funnel-heading">'
        '<h2 id="funnel-heading">Step completion</h2>'
        "<p>For each journey step, the people for whom it is due by now and how many completed "
        "it.</p>"
    )
    if not snap.funnel:
        return head + '<p class="note">No journey steps are due yet.</p></section>'
    hidden_steps = _hidden_in(snap, _FUNNEL)
    rows = []
    for s in snap.funnel:
        hidden = frozenset({"completed"} if s.step in hidden_steps else ())
        rows.append(
            (
                s.step,
                s.kind.replace("_", " "),
                _count(s.due),
                _unless(hidden, "completed", _count(s.completed)),
                _unless(hidden, "completed", _percent(_rate(s.completed, s.due))),
                _unless(hidden, "completed", _days(s.median_days)),
            )
        )
    headers = ("Step", "Kind", "Due", "Completed", "Completion", "Median days to complete")
    table = _table("Completion by step", headers, rows, text_columns=2)
    return head + f'<div class="figure stacked">{_funnel_svg(snap, ids)}{table}</div></section>'


def _group_html(grouping: str, rows: Sequence[_GroupRow], ids: _Ids) -> str:
    name = _humanise(grouping)
    heading = f"<h3>By {_E(name)}</h3>"
    chart_rows = []
    for r in rows:
        if r.suppressed is not None or "progress" in r.hidden:
            chart_rows.append(_IntervalRow(r.group, None, None, SUPPRESSED_TEXT))
        elif r.progress is None or r.progress.estimate is None:
            chart_rows.append(_IntervalRow(r.group, None, None, "no estimate"))
        else:
            chart_rows.append(_IntervalRow(r.group, r.progress.estimate, r.progress.ci))
    levels = {r.progress.level for r in rows if r.progress is not None and r.progress.level}
    level = _level(levels.pop()) if len(levels) == 1 else ""
    chart = ""
    if rows:
        estimates = sum(r.estimate is not None for r in chart_rows)
        desc = (
            f"Dot-and-interval chart of development progress by {name}: {len(rows)} groups, "
            f"{estimates} with an estimate; each dot is the mean change in assessment score "
            f"with its {level}confidence interval; the dashed line marks no change. Suppressed "
            "groups show no figure. The table with the chart gives every value."
        )
        chart = _interval_svg(
            chart_rows,
            ids,
            title=f"Development progress by {name}",
            desc=desc,
            axis="Mean change in assessment score (post minus pre)",
            reference="no change",
        )
    table_rows: list[tuple[str, ...]] = []
    classes = []
    for r in rows:
        if r.suppressed is not None:
            table_rows.append((r.group, *([SUPPRESSED_TEXT] * 7)))
            classes.append("suppressed")
            continue
        p = r.progress
        progress = DASH
        if p is not None and p.estimate is not None:
            progress = _number(p.estimate)
            progress += f" ({_ci(p.ci)})" if p.ci is not None else ""
        hidden = r.hidden
        table_rows.append(
            (
                r.group,
                _count(r.participants),
                _unless(hidden, "active", _count(r.active)),
                _unless(hidden, "participation_rate", _percent(r.participation_rate)),
                _unless(hidden, "completion_rate", _percent(r.completion_rate)),
                _unless(hidden, "mean_rating", _rating(r.mean_rating)),
                _unless(hidden, "nps", _nps(r.nps)),
                _unless(hidden, "progress", progress),
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
        f"Progress ({level}CI)",
    )
    table = _table(f"Figures by {name}", headers, table_rows, row_classes=classes)
    reasons = [f"{r.group}: {r.suppressed}" for r in rows if r.suppressed is not None]
    note = ""
    if reasons:
        note = (
            '<p class="note">Suppressed: ' + "; ".join(_E(reason) for reason in reasons) + ".</p>"
        )
    return f'{heading}<div class="figure stacked">{chart}<div>{table}{note}</div></div>'


def _groups_html(snap: _Snapshot, ids: _Ids) -> str:
    head = (
        '<section id="groups" aria-labelledby="groups-heading">'
        '<h2 id="groups-heading">Progress by group</h2>'
        f"<p>Groups of fewer than {snap.min_group_size} people are suppressed, and so are enough "
        "other groups that no suppressed figure can be recovered by subtraction from the "
        "totals.</p>"
    )
    if not snap.groups:
        return head + '<p class="note">This snapshot has no groupings.</p></section>'
    return head + "".join(_group_html(g, rows, ids) for g, rows in snap.groups) + "</section>"


def _impact_html(snap: _Snapshot, ids: _Ids) -> str:
    head = (
        '<section id="impact" aria-labelledby="impact-heading">'
        '<h2 id="impact-heading">Impact estimate</h2>'
    )
    impact = snap.impact
    if impact is None:
        return head + '<p class="note">This snapshot has no impact estimate.</p></section>'
    level = _level(impact.level)
    sentence = (
        f"{impact.method}: estimated effect {_number(impact.estimate)} "
        f"({level}confidence interval {_ci(impact.ci)}), n = {_count(impact.n)}, "
        f"p {'= ' if impact.pvalue is not None and impact.pvalue >= 0.001 else ''}"
        f"{_pvalue(impact.pvalue)}."
    )
    rows = [
        (
            impact.method,
            _number(impact.estimate),
            _ci(impact.ci),
            _count(impact.n),
            _pvalue(impact.pvalue),
        )
    ]
    table = _table("Impact estimate", ("Method", "Estimate", f"{level}CI", "n", "p-value"), rows)
    chart = ""
    if impact.estimate is not None:
        desc = (
            f"Dot-and-interval chart of the program's estimated effect, {_number(impact.estimate)}"
            f", with its {level}confidence interval {_ci(impact.ci)}; the dashed line marks no "
            "effect."
        )
        chart = _interval_svg(
            [_IntervalRow(impact.method, impact.estimate, impact.ci)],
            ids,
            title="Impact estimate",
            desc=desc,
            axis="Estimated effect on the outcome",
            reference="no effect",
        )
    return (
        head
        + f'<p class="headline">{_E(sentence)}</p>'
        + f'<div class="figure">{chart}{table}</div></section>'
    )


def _roi_html(snap: _Snapshot, ids: _Ids) -> str:
    roi = snap.roi
    if roi is None:
        return ""
    level = _level(roi.level)

    def pct(value: float | None) -> str:
        return DASH if value is None else f"{_number(value)}%"

    bcr = DASH if roi.bcr is None else f"{roi.bcr:.2f} : 1"
    sentence = (
        f"Return on investment {pct(roi.roi_percent)} ({level}interval {_ci(roi.ci, pct)}); "
        f"benefit-cost ratio {bcr}; money in {roi.currency}."
    )
    rows = [(f"ROI ({roi.currency})", pct(roi.roi_percent), _ci(roi.ci, pct), bcr)]
    table = _table(
        "Return on investment", ("Figure", "ROI", f"{level}interval", "Benefit-cost ratio"), rows
    )
    chart = ""
    if roi.roi_percent is not None:
        desc = (
            f"Dot-and-interval chart of the return on investment, {pct(roi.roi_percent)}, with "
            f"its {level}interval {_ci(roi.ci, pct)}; the dashed line marks break-even (0%)."
        )
        chart = _interval_svg(
            [_IntervalRow("ROI", roi.roi_percent, roi.ci)],
            ids,
            title="Return on investment",
            desc=desc,
            axis="ROI (%)",
            reference="break-even",
            fmt=lambda v: f"{_tick_text(v)}%",
        )
    return (
        '<section id="roi" aria-labelledby="roi-heading">'
        '<h2 id="roi-heading">Return on investment</h2>'
        f'<p class="headline">{_E(sentence)}</p>'
        f'<div class="figure">{chart}{table}</div></section>'
    )


def _suppressed_html(snap: _Snapshot) -> str:
    head = (
        '<section id="suppressed" aria-labelledby="suppressed-heading">'
        '<h2 id="suppressed-heading">Suppressed cells</h2>'
    )
    if not snap.suppressed:
        return head + '<p class="note">No cell was suppressed.</p></section>'
    rows = [
        (_humanise(c.grouping), c.group, "all" if c.figure is None else c.figure, c.reason)
        for c in snap.suppressed
    ]
    intro = (
        f"<p>{len(rows)} cell{'s' if len(rows) != 1 else ''} withheld to protect individuals "
        f"(minimum group size {snap.min_group_size}).</p>"
    )
    return (
        head
        + intro
        + _table(
            "Suppressed cells", ("Grouping", "Group", "Figures", "Reason"), rows, text_columns=4
        )
        + "</section>"
    )


def _page(snap: _Snapshot, title: str) -> str:
    ids = _Ids()
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="sparkus">',
        f"<title>{_E(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{_E(snap.program)}</h1>",
        (
            f'<p class="meta">Coaching program dashboard as of <time '
            f'datetime="{_E(snap.as_of_text)}">{_E(_when(snap.as_of))}</time>. '
            f"Minimum group size {snap.min_group_size}.</p>"
        ),
        "</header>",
        "<main>",
        _totals_html(snap),
        _engagement_html(snap, ids),
        _funnel_html(snap, ids),
        _groups_html(snap, ids),
        _impact_html(snap, ids),
        _roi_html(snap, ids),
        _suppressed_html(snap),
        "</main>",
        (
            "<footer><p>Rendered by sparkus from a sparkus.dashboard snapshot, schema version 1. "
            "This page is self-contained: it loads nothing from anywhere.</p></footer>"
        ),
        "</body>",
        "</html>",
    ]
    return "\n".join(part for part in parts if part) + "\n"


def _title_iv(title: object, snap: _Snapshot) -> str:
    if title is None:
        return f"{snap.program}: dashboard as of {snap.as_of.date().isoformat()}"
    if not isinstance(title, str):
        msg = f"expected a string or None, got {_describe(title)}"
        raise SchemaError([Problem(("title",), msg)])
    return title


def render_html(snapshot: object, *, title: str | None = None) -> str:
    """Render a dashboard snapshot as one self-contained HTML page.

    .. versionadded:: 0.1

    The page shows the headline figures, engagement over time, the step completion funnel,
    development progress by group (suppressed cells marked, with their reasons), the impact
    estimate, the return on investment when the snapshot has one, and the list of suppressed
    cells. Charts are inline SVG with a text description and a data table beside each. The
    page has no script and requests nothing: it opens offline and prints cleanly.

    Parameters
    ----------
    snapshot : dict or result
        A ``sparkus.dashboard`` snapshot (schema version 1): the plain dict, or any object
        whose ``to_json_dict()`` or ``to_dict()`` returns it, such as the result of
        ``Tracker.snapshot``. Keys the schema does not name are ignored. ``null`` figures
        render as an en dash.
    title : str, optional
        The page's ``<title>``. Default: the program's name and the snapshot's date.

    Returns
    -------
    str
        The page. The same snapshot always gives the same text, byte for byte.

    Raises
    ------
    SchemaError
        If the snapshot does not fit the contract, with the path of every problem (e.g.
        ``funnel[2].due``).

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
      min_group_size: expected a whole number or null, got the string '5'
      funnel[0].kind: is required but missing; see the dashboard contract
      funnel[0].due: is required but missing; see the dashboard contract
      funnel[0].completed: is required but missing; see the dashboard contract
      funnel[0].median_days_to_complete: is required but missing; see the dashboard contract
    """
    snap = _snapshot_iv(snapshot)
    return _page(snap, _title_iv(title, snap))


def write_html(snapshot: object, path: str | os.PathLike[str], *, title: str | None = None) -> Path:
    """Render a dashboard snapshot with :func:`render_html` and write it to `path` (UTF-8).

    .. versionadded:: 0.1

    Parameters
    ----------
    snapshot : dict or result
        A ``sparkus.dashboard`` snapshot, as for :func:`render_html`.
    path : str or path-like
        Where to write the page; an existing file is replaced.
    title : str, optional
        The page's ``<title>``, as for :func:`render_html`.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    SchemaError
        If the snapshot does not fit the contract; nothing is written then.

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
    page = render_html(snapshot, title=title)
    target = Path(path)
    target.write_text(page, encoding="utf-8", newline="\n")
    return target
