"""What the page, its charts and the matplotlib plots show of a snapshot, shared by all three.

Numbers as text (an en dash for a figure that is ``null``), and the suppressed cells of each
part of the snapshot: which fields of which row to withhold, and each grouping's rows with its
suppressed groups in them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Final

import attrs

from sparkus.metrics._estimate import ConfidenceInterval
from sparkus.metrics._tracking.schema import FIGURE_FIELDS, Dashboard, GroupRow, Step
from sparkus.model import Level, Season, SupportType

__all__ = [
    "ANCOVA_NOTE",
    "DASH",
    "SUPPRESSED_TEXT",
    "GroupLine",
    "ci_text",
    "count_text",
    "days_text",
    "funnel_label",
    "group_label",
    "group_lines",
    "hidden_in",
    "humanise",
    "is_ancova",
    "level_text",
    "nps_text",
    "number_text",
    "percent_text",
    "pvalue_text",
    "rate",
    "rating_text",
    "unless",
    "when_text",
]

DASH: Final = "\N{EN DASH}"
"""What a figure that could not be computed (``null``) renders as."""
SUPPRESSED_TEXT: Final = "suppressed"
"""What a withheld figure renders as."""


# ---------------------------------------------------------------------------------------------
# Suppressed cells
# ---------------------------------------------------------------------------------------------


@attrs.frozen
class GroupLine:
    """One group of a grouping as it is shown: its figures, or why they are withheld."""

    row: GroupRow
    suppressed: str | None = None
    """The reason, for a cell the snapshot lists as suppressed (its figures are all None)."""
    hidden: frozenset[str] = frozenset()
    """Fields of a published cell withheld one by one."""

    @property
    def progress_note(self) -> str:
        """Why the row shows no progress (``"suppressed"``, ``"no estimate"``); "" if it does."""
        if self.suppressed is not None or "progress" in self.hidden:
            return SUPPRESSED_TEXT
        progress = self.row.progress
        if progress is None or progress.estimate is None:
            return "no estimate"
        return ""


def group_lines(snap: Dashboard) -> dict[str, tuple[GroupLine, ...]]:
    """Each grouping's rows, suppressed cells included as rows without figures.

    A cell the snapshot lists as suppressed never shows a figure, even if the snapshot also
    carries one for it; a cell with one figure suppressed shows the others. Suppressed cells
    follow the published ones, in the snapshot's order. Suppressed entries of other parts of
    the snapshot (the totals, a date, a funnel step) stay in the list of suppressed cells.
    """
    whole: dict[tuple[str, str], str] = {}
    partial: dict[tuple[str, str], set[str]] = {}
    for cell in snap.suppressed:
        if cell.figure is None:
            whole.setdefault((cell.grouping, cell.group), cell.reason)
        else:
            fields = partial.setdefault((cell.grouping, cell.group), set())
            fields.update(FIGURE_FIELDS.get(cell.figure, ()))
    out = {}
    for grouping, rows in snap.groups.items():
        shown = [
            GroupLine(r, hidden=frozenset(partial.get((grouping, r.group), ())))
            for r in rows
            if (grouping, r.group) not in whole
        ]
        hidden: dict[str, GroupLine] = {}
        for cell in snap.suppressed:
            key = (grouping, cell.group)
            if cell.grouping == grouping and key in whole and cell.group not in hidden:
                empty = GroupRow(group=cell.group, participants=None, active=None,
                                 participation_rate=None, completion_rate=None,
                                 mean_rating=None, nps=None, progress=None)  # fmt: skip
                hidden[cell.group] = GroupLine(empty, suppressed=whole[key])
        out[grouping] = (*shown, *hidden.values())
    return out


def funnel_label(step: Step, hidden: bool) -> str:
    """A funnel bar's label: ``"38 of 40 (95.0%)"``, or only the due count when `hidden`."""
    if hidden:
        return f"due for {count_text(step.due)}; completions suppressed"
    share = percent_text(rate(step.completed, step.due))
    return f"{count_text(step.completed)} of {count_text(step.due)} ({share})"


def hidden_in(snap: Dashboard, part: str) -> dict[str, frozenset[str]]:
    """For one part of the snapshot ("total", "funnel"...): each suppressed group's fields.

    A whole-cell entry hides every field (``"*"``).
    """
    out: dict[str, set[str]] = {}
    for cell in snap.suppressed:
        if cell.grouping == part:
            fields = out.setdefault(cell.group, set())
            fields.update(["*"] if cell.figure is None else FIGURE_FIELDS.get(cell.figure, ()))
    return {group: frozenset(fields) for group, fields in out.items()}


# ---------------------------------------------------------------------------------------------
# Numbers as text
# ---------------------------------------------------------------------------------------------


def count_text(value: int | None) -> str:
    """A count with thousands separated: ``"1,200"``."""
    return DASH if value is None else f"{value:,}"


def percent_text(value: float | None) -> str:
    """A share as a percentage with one decimal: ``"69.2%"``."""
    return DASH if value is None else f"{100 * value:.1f}%"


def number_text(value: float | None) -> str:
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


def rating_text(value: float | None) -> str:
    """A mean rating with two decimals."""
    return DASH if value is None else f"{value:.2f}"


def nps_text(value: float | None) -> str:
    """A net promoter score, signed and whole: ``"+41"``."""
    return DASH if value is None else f"{value:+.0f}" if round(value) != 0 else "0"


def days_text(value: float | None) -> str:
    """A number of days with one decimal; negative is days early: ``"-0.6"`` (never ``"-0.0"``)."""
    return DASH if value is None else f"{round(value, 1) + 0.0:.1f}"


def pvalue_text(value: float | None) -> str:
    """A p-value with three decimals, or ``"< 0.001"``."""
    if value is None:
        return DASH
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


def level_text(value: float | None) -> str:
    """A confidence level as the start of a label: ``"95% "`` (empty when unknown)."""
    return "" if value is None else f"{100 * value:g}% "


def ci_text(ci: ConfidenceInterval | None, fmt: Callable[[float | None], str] = number_text) -> str:
    """An interval as ``"low to high"``, each end formatted by `fmt`."""
    return DASH if ci is None else f"{fmt(ci.low)} to {fmt(ci.high)}"


def unless(hidden: frozenset[str], field: str, text: str) -> str:
    """`text`, or "suppressed" when `field` (or the whole cell, ``"*"``) is suppressed."""
    return SUPPRESSED_TEXT if field in hidden or "*" in hidden else text


def rate(part: int | None, whole: int | None) -> float | None:
    """The share `part` of `whole`, None when either is unknown or `whole` is 0."""
    return None if part is None or not whole else part / whole


def humanise(name: str) -> str:
    """A grouping's name as words: ``"support_type"`` becomes ``"support type"``."""
    return name.replace("_", " ")


_VOCABULARY: Final = frozenset(
    member.value for kind in (SupportType, Level, Season) for member in kind
) | frozenset({"resistant", "emerging", "ready", "highly_ready", "not_assessed", "none"})
"""sparkus' own snake_case values (support types, levels, seasons, readiness levels), which a
snapshot's groups carry when the tracker grouped by them."""


def group_label(name: str) -> str:
    """A group's name for people: sparkus' own values as words, any other name as given.

    ``"self_guided_reflection"`` becomes ``"self-guided reflection"`` and
    ``"individual_contributor"`` ``"individual contributor"``; a department called
    ``"R_and_D"`` keeps its name, as the organisation spelled it.
    """
    if name not in _VOCABULARY:
        return name
    return name.replace("self_guided", "self-guided").replace("_", " ")


ANCOVA_NOTE: Final = (
    "About the method: ANCOVA (analysis of covariance) compares the people in the program with "
    "people who were not, and takes account of the scores each had before the program. Someone "
    "who started high tends to end high with or without the program; comparing people who "
    "started alike keeps that head start from being counted as the program's effect. It can "
    "only account for what was measured before: people who chose the program may still differ "
    "in ways no score shows."
)
"""The plain-words note the report gives beside an ANCOVA estimate."""


def is_ancova(method: str) -> bool:
    """Whether an estimate's method is ANCOVA (adjusted for prior scores)."""
    return "ancova" in method.lower()


def when_text(moment: dt.datetime) -> str:
    """A moment for people: ``"2027-03-31 00:00 UTC"``."""
    offset = moment.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    zone = "UTC" if minutes == 0 else f"UTC{'+' if minutes > 0 else '-'}{abs(minutes) // 60:02d}"
    if minutes % 60:
        zone += f":{abs(minutes) % 60:02d}"
    return f"{moment:%Y-%m-%d %H:%M} {zone}"
