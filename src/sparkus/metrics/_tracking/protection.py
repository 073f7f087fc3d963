"""Which cells of a snapshot are shown: primary, change-rule and linked secondary suppression.

Held whole: the figures' cells, their atoms, the earlier releases and the loop that protects
them are one construction; split, each part would only make sense beside the others.

Every figure of a snapshot (participation, completion, rating with NPS, progress) is one
linked table in the sense of :mod:`sparkus._privacy.linked`: its cells are the total, every
group of every grouping, and, for completion, every step of the funnel, and for participation,
the engagement series' point on the as_of day (the same people's activity); the cells that
earlier releases last published are fixed cells of the same table. Units are participants, or
slots (a participant's step) for completion, whose funnel and group cells share them. The rules:

1. *fewer than the minimum*: a cell describing 1 to ``k - 1`` people is hidden;
2. *changed since the last release*: a cell whose contributors changed by 1 to ``k - 1``
   people since its last published value is hidden (the attacker would difference the two);
3. *complementary*: then cells are hidden, across every grouping of the figure at once, until
   every hidden cell and every group of fewer than ``k`` people the published cells could
   isolate keeps its protection width against everything published, earlier releases included
   (:func:`~sparkus._privacy.linked.protect_linked`).

When earlier releases' values cannot hold together with today's for unchanged per-person values
(activity moved, ratings were added), the earlier releases constrain nothing the attacker can
use exactly, and the figure is verified on its own; rule 2 still applies.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Final, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._privacy import (
    CHANGED,
    COMPLEMENTARY,
    OVERLAPPING,
    SMALL,
    Inconsistent,
    Measure,
    LinkedTable,
    protect_linked,
)
from sparkus.metrics._tracking.ledger import FIGURES, Ledger, PartRecord, part_labels

if TYPE_CHECKING:
    from scipy import sparse

    from sparkus.metrics._tracking.figures import Exact
    from sparkus.metrics._tracking.tracker import Tracker

__all__ = ["SHARE", "Decision", "decide", "record_release", "unit_labels"]

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]

SHARE: Final = 0.5
"""The share of ``min(k, n)`` people's range a hidden cell keeps (see docs/privacy.md)."""
_PRIMARY: Final = 1
_COMPLEMENT: Final = 2
_OVERLAP: Final = 3
_RELABEL: Final = 1 << 40
"""Fold part codes into one key until it would pass this, then renumber it."""


@attrs.frozen(eq=False)
class _Part:
    """One part of a figure: each unit's cell in it, and whether it counts there now.

    For completion's total and groupings, `person` holds each participant's cell and the
    units' cells are read through `row`; otherwise `label` holds each unit's cell.
    """

    n_labels: int
    contrib: BoolArray
    label: npt.NDArray[np.intp] | None = None
    person: npt.NDArray[np.intp] | None = None

    def labels(self, row: npt.NDArray[np.intp] | None) -> npt.NDArray[np.intp]:
        if self.label is not None:
            return self.label
        assert self.person is not None and row is not None
        return self.person[row]


@attrs.frozen(eq=False)
class _Spec:
    """One figure as units, parts and measures (each unit's value and bounds)."""

    figure: str
    units: int
    parts: tuple[_Part, ...]
    row: npt.NDArray[np.intp] | None
    values: tuple[FloatArray, ...]
    low: tuple[FloatArray, ...]
    high: tuple[FloatArray, ...]
    integer: tuple[bool, ...]


@attrs.frozen(eq=False)
class Decision:
    """What a snapshot shows: per figure and part, the hidden cells and why; and the values
    and contributors a release records."""

    hidden: dict[str, list[dict[int, str]]]
    specs: dict[str, _Spec]
    sums: dict[str, list[FloatArray]]
    """Per figure and part, each cell's sums (cells by measures)."""
    point_hidden: bool
    """Whether the engagement point of the as_of day is withheld."""


def _specs(tracker: Tracker, exact: Exact) -> list[_Spec]:
    """The four figures of `exact` as units, parts and measures."""
    n = len(exact.person["participants"])
    groupings = [codes for _, codes in tracker.groups.values()]
    sizes = [len(names) for names, _ in tracker.groups.values()]
    zeros = np.zeros(n, dtype=np.intp)
    person = exact.person

    def people_parts(contrib: BoolArray) -> list[_Part]:
        return [_Part(1, contrib, label=zeros),
                *(_Part(k, contrib, label=c) for k, c in zip(sizes, groupings, strict=True))]  # fmt: skip

    started = person["started"] > 0
    point = np.full(n, 0 if exact.as_of_point >= 0 else -1, dtype=np.intp)
    engaged = exact.enrolled_now | exact.window_active
    participation = _Spec(
        "participation", n, (*people_parts(started), _Part(1, engaged, label=point)), None,
        (exact.window_active.astype(np.float64),), (np.zeros(n),), (np.ones(n),), (True,),
    )  # fmt: skip
    m = len(exact.slot_due)
    req_due = exact.slot_due & exact.slot_required
    n_steps = len(exact.funnel_due)
    completion = _Spec(
        "completion", m,
        (_Part(1, req_due, person=zeros),
         *(_Part(k, req_due, person=c) for k, c in zip(sizes, groupings, strict=True)),
         _Part(n_steps, exact.slot_due, label=exact.slot_step)),
        exact.slot_row, (exact.slot_done.astype(np.float64),), (np.zeros(m),), (np.ones(m),),
        (True,),
    )  # fmt: skip
    rating_n = person["rating_n"].astype(np.float64)
    rating = _Spec(
        "rating", n, tuple(people_parts(rating_n > 0)), None,
        (person["rating_sum"].astype(np.float64),
         (person["promoters"] - person["detractors"]).astype(np.float64)),
        (np.zeros(n), -rating_n), (10.0 * rating_n, rating_n), (False, True),
    )  # fmt: skip
    paired = exact.paired
    change = np.zeros(n)
    change[paired] = exact.y[paired] - exact.x[paired]
    lo, hi = (float(change[paired].min()), float(change[paired].max())) if paired.any() else (0, 0)
    no_total = people_parts(paired)
    no_total[0] = _Part(1, np.zeros(n, dtype=bool), label=zeros)  # the document has no total
    progress = _Spec(
        "progress", n, tuple(no_total), None, (change,),
        (np.full(n, lo),), (np.full(n, hi),), (False,),
    )  # fmt: skip
    return [participation, completion, rating, progress]


def _people(spec: _Spec, part: _Part) -> IntArray:
    """How many people each cell of `part` describes now."""
    if part.person is not None:
        assert spec.row is not None
        counts = np.bincount(spec.row, part.contrib, minlength=len(part.person)) > 0
        return np.bincount(part.person[counts], minlength=part.n_labels).astype(np.int64)
    labels = part.labels(spec.row)
    return np.bincount(labels[part.contrib & (labels >= 0)],
                       minlength=part.n_labels).astype(np.int64)  # fmt: skip


def _changed(spec: _Spec, part: _Part, record: PartRecord) -> IntArray:
    """Per cell of `part`, the people whose contribution differs from its last release."""
    labels = part.labels(spec.row)
    differs = (record.unpacked(spec.units) != part.contrib) & (labels >= 0)
    if spec.row is None:
        return np.bincount(labels[differs], minlength=part.n_labels).astype(np.int64)
    if part.person is not None:
        moved = np.bincount(spec.row[differs], minlength=len(part.person)) > 0
        return np.bincount(part.person[moved], minlength=part.n_labels).astype(np.int64)
    return np.bincount(labels[differs], minlength=part.n_labels).astype(np.int64)


def _fold(codes: Sequence[tuple[npt.NDArray[np.intp], int]], keep: BoolArray) -> tuple[
    IntArray, int
]:  # fmt: skip
    """Each kept unit's atom: units with the same code in every array share one."""
    key = np.zeros(int(keep.sum()), dtype=np.int64)
    top = 1
    for code, n_labels in codes:
        radix = n_labels + 1
        if top * radix >= _RELABEL:
            key, top = _renumber(key)
        key = key * radix + (code[keep].astype(np.int64) + 1)
        top *= radix
    return _renumber(key)


def _renumber(key: IntArray) -> tuple[IntArray, int]:
    """`key` as 0 .. A-1 (dense keys by a lookup table, others by sorting)."""
    if len(key) == 0:
        return key, 0
    top = int(key.max()) + 1
    if top <= 4 * len(key) + 1_000_000:
        present = np.bincount(key, minlength=top) > 0
        lookup = np.cumsum(present) - 1
        return lookup[key].astype(np.int64), int(present.sum())
    uniq, inverse = np.unique(key, return_inverse=True)
    return inverse.reshape(-1).astype(np.int64), len(uniq)


@attrs.frozen(eq=False)
class _Built:
    table: LinkedTable
    cells: list[tuple[int, int]]
    """The (part, label) of each current cell; fixed cells follow them in the table."""
    primary: BoolArray
    reasons: dict[int, str]
    sums: list[FloatArray]


def _build(spec: _Spec, history: list[PartRecord] | None, k: int) -> _Built:
    """The figure's linked table, its current cells, and the primary suppressions."""
    from scipy import sparse

    units, row = spec.units, spec.row
    people = [_people(spec, p) for p in spec.parts]
    bits = [r.unpacked(units) for r in history] if history else None
    codes: list[tuple[npt.NDArray[np.intp], int]] = []
    keep = np.zeros(units, dtype=bool)
    for j, part in enumerate(spec.parts):
        labels = part.labels(row)
        now = np.where(part.contrib & (labels >= 0), labels, -1)
        codes.append((now, part.n_labels))
        keep |= now >= 0
        if bits is not None and history is not None:
            seen = history[j].published >= 0
            before = np.where(bits[j] & (labels >= 0) & seen[np.maximum(labels, 0)], labels, -1)
            codes.append((before, part.n_labels))
            keep |= before >= 0
    classes = None
    if row is not None:  # completion: each person's cells (through any slot) set their class
        classes = _classes(spec, codes, keep)
        codes.append((np.where(classes[1][row] & keep, classes[0][row], -1), classes[2]))
    atom, count = _fold(codes, keep)
    rep = np.zeros(count, dtype=np.int64)
    kept = np.flatnonzero(keep)
    rep[atom] = kept  # any unit of an atom stands for it: they share every code
    rows_, cols_, cells, costs, fixed, cell_people = [], [], [], [], [], []
    step = 2 if history else 1
    for j, part in enumerate(spec.parts):
        at_atom = codes[step * j][0][rep]
        for i in np.flatnonzero(people[j] > 0):
            held = np.flatnonzero(at_atom == i)
            rows_.append(np.full(len(held), len(cells)))
            cols_.append(held)
            cells.append((j, int(i)))
            costs.append(float(people[j][i]))
            cell_people.append(int(people[j][i]))
            fixed.append(False)
    n_current = len(cells)
    history_sums: list[list[float]] = [[] for _ in spec.values]
    if history:
        for j, record in enumerate(history):
            at_atom = codes[2 * j + 1][0][rep]
            for i in np.flatnonzero(record.published >= 0):
                held = np.flatnonzero(at_atom == i)
                if not len(held):
                    continue
                rows_.append(np.full(len(held), len(costs)))
                cols_.append(held)
                costs.append(np.inf)
                cell_people.append(0)
                fixed.append(True)
                for m in range(len(spec.values)):
                    history_sums[m].append(float(record.values[i, m]))
    matrix = sparse.csr_matrix(
        (np.ones(sum(len(c) for c in cols_)),
         (np.concatenate(rows_) if rows_ else np.zeros(0, np.int64),
          np.concatenate(cols_) if cols_ else np.zeros(0, np.int64))),
        shape=(len(costs), count),
    )  # fmt: skip
    measures = []
    sums = []
    for m in range(len(spec.values)):
        value = np.bincount(atom, spec.values[m][keep], minlength=count)
        low = np.bincount(atom, spec.low[m][keep], minlength=count)
        high = np.bincount(atom, spec.high[m][keep], minlength=count)
        current = np.asarray(matrix[:n_current] @ value).ravel()
        sums.append(current)
        measures.append(Measure(f"{spec.figure}.{m}", low, high,
                                      np.concatenate([current, history_sums[m]]),
                                      spec.integer[m]))  # fmt: skip
    groups, group_people = _small_groups(spec, matrix, n_current, atom, count, keep, classes, k)
    primary = np.zeros(len(costs), dtype=bool)
    reasons: dict[int, str] = {}
    for c in range(n_current):
        if cell_people[c] < k:
            primary[c] = True
            reasons[c] = SMALL
    table = LinkedTable(matrix, np.array(cell_people, np.int64), np.array(fixed, bool),
                        np.array(costs), tuple(measures), groups, group_people)  # fmt: skip
    return _Built(table, cells, primary, reasons, sums)


def _classes(
    spec: _Spec, codes: list[tuple[npt.NDArray[np.intp], int]], keep: BoolArray
) -> tuple[IntArray, BoolArray, int]:
    """Completion: each participant's class (the same cells, now and before, through any of
    their slots, funnel aside), whether they have one, and how many classes."""
    assert spec.row is not None
    n = len(spec.parts[0].person) if spec.parts[0].person is not None else 0
    person_codes = []
    has = np.zeros(n, dtype=bool)
    per_part = 2 if len(codes) == 2 * len(spec.parts) else 1
    for j, part in enumerate(spec.parts):
        if part.person is None:
            continue
        for c in range(per_part):
            code, n_labels = codes[per_part * j + c]
            inside = np.bincount(spec.row[keep & (code >= 0)], minlength=n) > 0
            person_codes.append((np.where(inside, part.person, -1), n_labels))
            has |= inside
    cls, count = _fold(person_codes, has)
    out = np.full(n, -1, dtype=np.int64)
    out[has] = cls
    return out, has, count


def _small_groups(
    spec: _Spec,
    matrix: sparse.csr_matrix,
    n_current: int,
    atom: IntArray,
    count: int,
    keep: BoolArray,
    classes: tuple[IntArray, BoolArray, int] | None,
    k: int,
) -> tuple[sparse.csr_matrix, IntArray]:
    """Groups of fewer than `k` people to keep unrecoverable: atoms of people (participants
    with the same cells), or, for completion, the slots of a class of participants."""
    from scipy import sparse

    if classes is None:
        size = np.bincount(atom, minlength=count)
        lone = np.diff(matrix.indptr[: n_current + 1]) == 1
        own = set(matrix.indices[matrix.indptr[:n_current][lone]].tolist())
        small = [a for a in np.flatnonzero((size > 0) & (size < k)) if int(a) not in own]
        rows = sparse.identity(count, format="csr")[np.array(small, dtype=np.int64)]
        return rows, size[small].astype(np.int64)
    assert spec.row is not None
    cls, has, n_classes = classes
    size = np.bincount(cls[has], minlength=n_classes)
    unit_class = cls[spec.row[keep]]
    pairs = np.unique(unit_class[unit_class >= 0] * count + atom[unit_class >= 0])
    c_of, a_of = pairs // count, pairs % count
    small = np.flatnonzero((size > 0) & (size < k))
    pick = np.isin(c_of, small)
    index = {int(c): i for i, c in enumerate(small)}
    rows_ = np.array([index[int(c)] for c in c_of[pick]], dtype=np.int64)
    data = np.ones(len(rows_))
    matrix_ = sparse.csr_matrix((data, (rows_, a_of[pick])), shape=(len(small), count))
    return matrix_, size[small].astype(np.int64)


def decide(
    tracker: Tracker, exact: Exact, ledger: Ledger, k: int, *, secondary: bool = True
) -> Decision:
    """The hidden cells of every figure of `exact`, against `ledger`'s earlier releases."""
    hidden: dict[str, list[dict[int, str]]] = {}
    specs: dict[str, _Spec] = {}
    sums: dict[str, list[FloatArray]] = {}
    for spec in _specs(tracker, exact):
        specs[spec.figure] = spec
        history = ledger.parts.get(spec.figure) if ledger.parts else None
        built = _build(spec, history, k)
        if history:
            _change_rule(spec, history, built, k)
        kind = _protect(built, k, secondary)
        if kind is None:  # earlier releases' values cannot hold with today's
            built = _build(spec, None, k)
            if history:
                _change_rule(spec, history, built, k)
            kind = _protect(built, k, secondary)
            assert kind is not None  # today's true values always hold
        per_part: list[dict[int, str]] = [{} for _ in spec.parts]
        for c, (j, i) in enumerate(built.cells):
            if kind[c] == _PRIMARY:
                per_part[j][i] = built.reasons[c]
            elif kind[c] == _COMPLEMENT:
                per_part[j][i] = COMPLEMENTARY
            elif kind[c] == _OVERLAP:
                per_part[j][i] = OVERLAPPING
        hidden[spec.figure] = per_part
        part_sums = [np.zeros((p.n_labels, len(spec.values))) for p in spec.parts]
        for c, (j, i) in enumerate(built.cells):
            for m in range(len(spec.values)):
                part_sums[j][i, m] = built.sums[m][c]
        sums[spec.figure] = part_sums
    point = 0 in hidden["participation"][-1] if exact.as_of_point >= 0 else False
    return Decision(hidden, specs, sums, point)


def _change_rule(spec: _Spec, history: list[PartRecord], built: _Built, k: int) -> None:
    """Hide each cell whose contributors changed by 1 to ``k - 1`` since its last release."""
    changed = [_changed(spec, part, record) for part, record in zip(spec.parts, history,
                                                                     strict=True)]  # fmt: skip
    for c, (j, i) in enumerate(built.cells):
        if built.primary[c] or history[j].published[i] < 0:
            continue
        if 0 < changed[j][i] < k:
            built.primary[c] = True
            built.reasons[c] = CHANGED


def _protect(built: _Built, k: int, secondary: bool) -> IntArray | None:
    """Each cell's suppression kind, or None when the earlier releases cannot hold."""
    if not secondary:
        return np.where(built.primary, _PRIMARY, 0).astype(np.int64)
    try:
        return protect_linked(built.table, built.primary, k, SHARE).kind
    except Inconsistent:
        return None


def record_release(ledger: Ledger, decision: Decision, tracker: Tracker, at: int) -> Ledger:
    """`ledger` with this release added: each shown cell's contributors, time and sums."""
    units = {f: decision.specs[f].units for f in FIGURES}
    if not ledger.parts:
        ledger = Ledger.started(units, {f: _labels(tracker, f) for f in FIGURES})
    parts: dict[str, list[PartRecord]] = {}
    for f in FIGURES:
        spec = decision.specs[f]
        records = []
        for j, (part, record) in enumerate(zip(spec.parts, ledger.parts[f], strict=True)):
            people = _people(spec, part)
            shown = np.flatnonzero(people > 0)
            shown = np.array([i for i in shown if int(i) not in decision.hidden[f][j]],
                             dtype=np.int64)  # fmt: skip
            bits = record.unpacked(spec.units)
            labels = part.labels(spec.row)
            update = np.isin(labels, shown)
            bits[update] = part.contrib[update]
            published = record.published.copy()
            values = record.values.copy()
            published[shown] = at
            values[shown] = decision.sums[f][j][shown]
            records.append(PartRecord(np.packbits(bits), published, values))
        parts[f] = records
    withheld = set(ledger.withheld)
    if decision.point_hidden:
        withheld.add(int(at // 86_400 - tracker.schedule.epoch_day))
    return Ledger(ledger.releases + 1, max(ledger.last, at), withheld, parts)


def _labels(tracker: Tracker, figure: str) -> list[int]:
    return part_labels(figure, [len(names) for names, _ in tracker.groups.values()],
                       len(tracker.schedule.template.steps))  # fmt: skip


def unit_labels(tracker: Tracker, figure: str, part: int) -> npt.NDArray[np.intp]:
    """Each unit's cell in `part` of `figure` (participants, or slots for completion)."""
    schedule = tracker.schedule
    groupings = [codes for _, codes in tracker.groups.values()]
    slots = figure == "completion"
    units = schedule.n_slots if slots else len(schedule)
    if part == 0 or part > len(groupings):
        if slots and part > len(groupings):
            return schedule.step.astype(np.intp)
        return np.zeros(units, dtype=np.intp)
    codes = groupings[part - 1]
    return codes[schedule.row.astype(np.intp)] if slots else codes
