"""The dashboard page's charts as inline SVG, drawn here in Python: no script, no fonts, no links.

Each chart is an accessible ``<svg role="img">`` with a title and a text description; the page
puts a data table beside each. Element ids come from one :class:`Ids` per page, in document
order, so the same snapshot always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Callable, Sequence
from typing import Final

import attrs

from sparkus.metrics._estimate import ConfidenceInterval
from sparkus.metrics._tracking.display import (
    ci_text,
    count_text,
    funnel_label,
    hidden_in,
    number_text,
)
from sparkus.metrics._tracking.schema import FUNNEL, Dashboard

__all__ = ["Ids", "IntervalRow", "engagement_svg", "funnel_svg", "interval_svg", "tick_text"]

_E = html.escape
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


def tick_text(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.10g}"


def _truncate(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "\N{HORIZONTAL ELLIPSIS}"


class Ids:
    """Element ids unique within one page, in document order (so the page is deterministic)."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self, stem: str) -> str:
        self.n += 1
        return f"{stem}-{self.n}"


def _svg(ids: Ids, height: float, title: str, desc: str, body: Sequence[str]) -> str:
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


def engagement_svg(snap: Dashboard, ids: Ids) -> str:
    """A line chart of people active and people enrolled, per date (the series is not empty)."""
    points = snap.engagement.series
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
        body.append(_text(left - 8, y + 4, tick_text(tick), anchor="end", cls="tick"))
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
            tip = f"{point.date.isoformat()}: {count_text(point.active)} active of "
            tip += f"{count_text(point.enrolled)} enrolled"
            body.append(
                f'<circle class="dot active" cx="{_f(x)}" cy="{_f(y_of(point.active))}" '
                f'r="3"><title>{_E(tip)}</title></circle>'
            )
    legend_y = 16.0
    body.append(
        f'<line class="line active" x1="{_f(left)}" x2="{_f(left + 24)}" '
        f'y1="{_f(legend_y)}" y2="{_f(legend_y)}"/>'
    )
    window = snap.engagement.window_days
    body.append(_text(left + 30, legend_y + 4, f"active (in the last {window} days)"))
    body.append(
        f'<line class="line enrolled" x1="{_f(left + 260)}" x2="{_f(left + 284)}" '
        f'y1="{_f(legend_y)}" y2="{_f(legend_y)}"/>'
    )
    body.append(_text(left + 290, legend_y + 4, "enrolled"))
    last_point = points[-1]
    desc = (
        f"Line chart of people active in the last {window} days and people enrolled, "
        f"{len(points)} dates from {points[0].date.isoformat()} to {last_point.date.isoformat()}; "
        f"on the last date {count_text(last_point.active)} of {count_text(last_point.enrolled)} were "
        "active. The table with the chart gives every value."
    )
    return _svg(ids, height, "Engagement over time", desc, body)


def funnel_svg(snap: Dashboard, ids: Ids) -> str:
    """A bar chart of each journey step: due, and completed over it (the funnel is not empty)."""
    steps = snap.funnel
    left, right, top, row, bar = 210.0, 170.0, 28.0, 30.0, 18.0
    height = top + row * len(steps) + 12
    plot_w = _WIDTH - left - right
    biggest = max((s.due or 0 for s in steps), default=0) or 1
    hidden_steps = hidden_in(snap, FUNNEL)
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
        label = funnel_label(step, step.step in hidden_steps)
        body.append(_text(left + due_w + 8, y + bar - 4, label, cls="value"))
    desc = (
        f"Bar chart of {len(steps)} journey steps: for each, the people for whom it is due and "
        "how many completed it. The table with the chart gives every value."
    )
    return _svg(ids, height, "Step completion funnel", desc, body)


@attrs.frozen
class IntervalRow:
    """One row of a dot-and-interval chart: a label, an estimate and its interval, or a note."""

    label: str
    estimate: float | None
    ci: ConfidenceInterval | None
    note: str = ""  # shown instead of a dot: "suppressed", "no estimate"


def interval_svg(
    rows: Sequence[IntervalRow],
    ids: Ids,
    *,
    title: str,
    desc: str,
    axis: str,
    reference: str,
    fmt: Callable[[float], str] = tick_text,
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
        tip = f"{r.label}: {number_text(r.estimate)}"
        tip += f" (interval {ci_text(r.ci)})" if r.ci is not None else ""
        body.append(
            f'<circle class="dot estimate" cx="{_f(x_of(r.estimate))}" cy="{_f(y)}" '
            f'r="5"><title>{_E(tip)}</title></circle>'
        )
    return _svg(ids, height, title, desc, body)
