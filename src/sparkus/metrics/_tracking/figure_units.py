"""A snapshot's figures as units, parts and measures: what protection and the ledger read.

Each figure (participation, completion, rating, progress) is a set of units (participants, or
slots for completion and ratings), parts (the total, each grouping, the funnel or the engagement point) that
put each unit in one cell, and measures (each unit's value and bounds).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from sparkus.metrics._tracking.atoms import Codes

if TYPE_CHECKING:
    from sparkus.metrics._tracking.figures import Exact
    from sparkus.metrics._tracking.ledger import PartRecord
    from sparkus.metrics._tracking.tracker import Tracker

__all__ = ["Part", "Spec", "any_of", "changed_people", "figure_specs", "participants", "people_of",
           "shown"]  # fmt: skip

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]


@attrs.frozen(eq=False)
class Part:
    """One part of a figure: each unit's cell in it (-1: none), and whether it counts there now.

    For completion's total and groupings, `person` holds each participant's cell and the
    units' cells are read through `row`; otherwise `label` holds each unit's cell.
    """

    n_labels: int
    contrib: BoolArray
    label: Codes | None = None
    person: Codes | None = None

    def labels(self, row: npt.NDArray[np.intp] | None) -> Codes:
        if self.label is not None:
            return self.label
        assert self.person is not None
        assert row is not None
        return self.person[row]


@attrs.frozen(eq=False)
class Spec:
    """One figure as units, parts and measures (each unit's value and bounds)."""

    figure: str
    units: int
    parts: tuple[Part, ...]
    row: npt.NDArray[np.intp] | None
    values: tuple[FloatArray, ...]
    low: tuple[FloatArray, ...]
    high: tuple[FloatArray, ...]
    integer: tuple[bool, ...]
    first: IntArray | None = None
    """Where units are slots listed participant by participant: each one's first slot."""
    changed: IntArray | None = None
    """Where a unit's value can change while it counts (a session rated again): when each
    unit's value was last set again after a release (resets.py). A unit set again after its
    cell's last release changed there."""
    stamped: IntArray | None = None
    """With `changed`: every time a unit's value was set again after a release, as (unit,
    stamp) rows increasing by unit then stamp, one per release window (see windows.py)."""


def figure_specs(tracker: Tracker, exact: Exact) -> list[Spec]:
    """The four figures of `exact` as units, parts and measures."""
    n = len(exact.person["participants"])
    groupings = [codes.astype(np.int32) for _, codes in tracker.groups.values()]
    sizes = [len(names) for names, _ in tracker.groups.values()]
    zeros = np.zeros(n, dtype=np.int32)
    person = exact.person

    def people_parts(contrib: BoolArray) -> list[Part]:
        return [Part(1, contrib, label=zeros),
                *(Part(k, contrib, label=c) for k, c in zip(sizes, groupings, strict=True))]  # fmt: skip

    started = person["started"] > 0
    point = np.full(n, 0 if exact.as_of_point >= 0 else -1, dtype=np.int32)
    engaged = exact.enrolled_now | exact.window_active
    participation = Spec(
        "participation", n, (*people_parts(started), Part(1, engaged, label=point)), None,
        (exact.window_active.astype(np.float64),), (np.zeros(n),), (np.ones(n),), (True,),
    )  # fmt: skip
    m = len(exact.slot_due)
    req_due = exact.slot_due & exact.slot_required
    n_steps = len(exact.funnel_due)
    row = exact.slot_row
    in_order = bool(np.all(row[1:] >= row[:-1]))
    completion = Spec(
        "completion", m,
        (Part(1, req_due, person=zeros),
         *(Part(k, req_due, person=c) for k, c in zip(sizes, groupings, strict=True)),
         Part(n_steps, exact.slot_due, label=exact.slot_step.astype(np.int32))),
        row, (exact.slot_done.astype(np.float64),), (np.zeros(m),), (np.ones(m),),
        (True,), np.flatnonzero(np.diff(row, prepend=-1)) if in_order else None,
    )  # fmt: skip
    # one unit per rating (a rated slot): a rater's further rating is a new contributor
    rated, score = exact.slot_rated, exact.slot_rating
    each = rated.astype(np.float64)
    nps = (rated & (score >= 9)).astype(np.float64) - (rated & (score <= 6))
    rating = Spec(
        "rating", m,
        (Part(1, rated, person=zeros),
         *(Part(k, rated, person=c) for k, c in zip(sizes, groupings, strict=True))),
        row, (score, nps), (np.zeros(m), -each), (10.0 * each, each), (False, True),
        np.flatnonzero(np.diff(row, prepend=-1)) if in_order else None,
        exact.slot_set_again, _stamped(tracker, "rating"),
    )  # fmt: skip
    paired = exact.paired
    change = np.zeros(n)
    change[paired] = exact.y[paired] - exact.x[paired]
    lo, hi = (float(change[paired].min()), float(change[paired].max())) if paired.any() else (0, 0)
    no_total = people_parts(paired)
    no_total[0] = Part(1, np.zeros(n, dtype=bool), label=zeros)  # the document has no total
    progress = Spec(
        "progress", n, tuple(no_total), None, (change,),
        (np.full(n, lo),), (np.full(n, hi),), (False,), None, exact.scored_again,
        _stamped(tracker, "progress"),
    )  # fmt: skip
    return [participation, completion, rating, progress]


def _stamped(tracker: Tracker, figure: str) -> IntArray:
    """:attr:`Spec.stamped` of `figure`: the ledger's stamps of its slots, by unit.

    Ratings' units are their slots; progress's are participants, through the slots of their
    pre and post scores (a participant holds a stamp of either).
    """
    rows = tracker.ledger.reset.get(figure, np.zeros((0, 2), dtype=np.int64))
    if figure == "rating" or not len(rows):
        return rows
    schedule = tracker.schedule
    steps = [schedule.step_ids.index(s) for s in (tracker.pre_step, tracker.post_step)]
    rows = rows[np.isin(schedule.step[rows[:, 0]], steps)]
    unit = schedule.row[rows[:, 0]].astype(np.int64)
    out: IntArray = np.unique(np.column_stack([unit, rows[:, 1]]), axis=0).reshape(-1, 2)
    return out


def any_of(spec: Spec, units: BoolArray, n: int) -> BoolArray:
    """Whether each of the `n` participants has one of `units` (units are their slots)."""
    assert spec.row is not None
    if spec.first is None:
        return np.bincount(spec.row[units], minlength=n) > 0
    out = np.zeros(n, dtype=bool)
    if len(spec.first):
        out[spec.row[spec.first]] = np.logical_or.reduceat(units, spec.first)
    return out


def participants(spec: Spec) -> int:
    """How many participants the units of `spec` belong to (slots: through their total)."""
    total = spec.parts[0]
    return len(total.person if total.person is not None else total.labels(spec.row))


def people_of(spec: Spec, part: Part) -> IntArray:
    """How many people each cell of `part` describes now."""
    if part.person is not None:
        counts = any_of(spec, part.contrib, len(part.person))
        return np.bincount(part.person[counts], minlength=part.n_labels).astype(np.int64)
    labels = part.labels(spec.row)
    return np.bincount(labels[part.contrib & (labels >= 0)],
                       minlength=part.n_labels).astype(np.int64)  # fmt: skip


def shown(part: Part, row: npt.NDArray[np.intp] | None, cells: BoolArray | None) -> Codes:
    """Each unit's cell in `part` if it is one of `cells` (all cells: None), else -1.

    Through participants' cells where units are slots, so the test runs once per participant.
    """
    labels = part.label if part.person is None else part.person
    assert labels is not None
    if cells is None:
        out = labels  # a cell, or -1 for none
    else:
        out = np.where((labels >= 0) & cells[np.maximum(labels, 0)], labels, -1)
    if part.person is None:
        return out
    assert row is not None
    return out[row]


def changed_people(spec: Spec, part: Part, record: PartRecord) -> IntArray:
    """Per cell of `part`, the people whose contribution differs from its last release."""
    labels = part.labels(spec.row)
    differs = (record.unpacked(spec.units) != part.contrib) & (labels >= 0)
    if spec.changed is not None:  # counted then and now, with a value set since
        since = record.published[np.maximum(labels, 0)]
        differs |= part.contrib & (labels >= 0) & (since >= 0) & (spec.changed > since)
    if spec.row is None:
        return np.bincount(labels[differs], minlength=part.n_labels).astype(np.int64)
    if part.person is not None:
        moved = any_of(spec, differs, len(part.person))
        return np.bincount(part.person[moved], minlength=part.n_labels).astype(np.int64)
    return np.bincount(labels[differs], minlength=part.n_labels).astype(np.int64)
