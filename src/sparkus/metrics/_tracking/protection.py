"""Which cells of a snapshot are shown: primary, change-rule and linked secondary suppression.

The figures' cells, the earlier releases and the loop that protects them are one
construction, kept together here; the atoms the cells are sets of are found by
:func:`~sparkus.metrics._tracking.atoms.fold`.

Every figure of a snapshot (participation, completion, rating with NPS, progress) is one
linked table in the sense of :mod:`sparkus._privacy.linked`: its cells are the total, every
group of every grouping, and, for completion, every step of the funnel, and for participation,
the engagement series' point on the as_of day (the same people's activity); the cells that
earlier releases last published are fixed cells of the same table, and every set a cell was
withheld as is one it checks again. Units are participants, or slots (a participant's step) for
completion, whose funnel and group cells share them, and for ratings (one per rated session). The rules:

1. *fewer than the minimum*: a cell describing 1 to ``k - 1`` people is hidden;
2. *changed since the last release*: a cell whose contributors changed by 1 to ``k - 1``
   people since its last published value is hidden (the attacker would difference the two);
3. *complementary*: then cells are hidden, across every grouping of the figure at once, until
   every hidden cell and every group of fewer than ``k`` people the published cells could
   isolate keeps its protection width against everything published, earlier releases included
   (:func:`~sparkus._privacy.linked.protect_linked`);
4. *withheld in an earlier release*: and so does every cell an earlier release withheld, as it
   was then (a release must not narrow it), in each release that withheld it, unless earlier
   releases alone already pinned it.

Today's cells are protected on their own first, then again with the history (:func:`_rejoin`):
earlier releases cannot excuse what today's cells alone would pin. A rating or score set again
after the release of an earlier cell it counts in has its own variable in that cell's row, one
per release window it was set again in (:mod:`~sparkus.metrics._tracking.windows`), so the true
sums hold together and the values that did not change stay tied. When the releases still
cannot hold together (activity moved), today's release stands alone. Rule 2 applies either
way. Completion is read besides as the attacker reads it (:func:`_final`): a step done in one
release is done in every later one, so each atom has a count per release, never falling
(:class:`~sparkus.metrics._tracking.windows.Releases`), and the ledger keeps every release
of a completion cell (:attr:`.ledger.Ledger.past`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._errors import InfeasibleError
from sparkus._privacy import (
    CHANGED,
    COMPLEMENTARY,
    EARLIER,
    OVERLAPPING,
    SMALL,
    Inconsistent,
    LinkedTable,
    Measure,
    Solver,
    protect_linked,
    tolerance,
)
from sparkus.metrics._tracking.atoms import Codes, fold, split_sets
from sparkus.metrics._tracking.checked_sets import (
    classes_of,
    layers_of,
    small_groups,
    withheld_sets,
)
from sparkus.metrics._tracking.figure_units import (
    Part,
    Spec,
    changed_people,
    figure_specs,
    people_of,
    shown,
)
from sparkus.metrics._tracking.ledger import (
    FIGURES,
    FINAL,
    MAX_LAYERS,
    SLOTS,
    Ledger,
    PartRecord,
    empty_record,
    forget,
    part_labels,
    recorded,
    units_of,
    withhold,
)
from sparkus.metrics._tracking.windows import Columns, Releases, late_codes

if TYPE_CHECKING:
    from sparkus.metrics._tracking.figures import Exact
    from sparkus.metrics._tracking.tracker import Tracker

__all__ = ["Decision", "decide", "record_release", "unit_labels"]

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]

_PRIMARY: Final = 1
_COMPLEMENT: Final = 2
_OVERLAP: Final = 3
_EARLIER: Final = 4
_REASONS: Final = {_COMPLEMENT: COMPLEMENTARY, _OVERLAP: OVERLAPPING, _EARLIER: EARLIER}
"""The reason a secondary suppression of each kind gives."""


@attrs.frozen(eq=False)
class Decision:
    """What a snapshot shows: per figure and part, its hidden cells and why, and its sums."""

    hidden: dict[str, list[dict[int, str]]]
    specs: dict[str, Spec]
    sums: dict[str, list[FloatArray]]
    """Per figure and part, each cell's sums (cells by measures)."""
    point_hidden: bool
    """Whether the engagement point of the as_of day is withheld."""
    redundant: dict[str, set[tuple[int, int, int]]] = attrs.field(factory=dict)
    """Per figure, the withheld sets (layer, part, label) and today's hidden cells (-1, part,
    label) the ledger need not keep: pinned by what is published, or the same units as a set
    it keeps (:func:`_redundant`)."""


@attrs.frozen(eq=False)
class _Built:
    table: LinkedTable
    cells: list[tuple[int, int]]
    """The (part, label) of each current cell; fixed cells follow them in the table."""
    primary: BoolArray
    reasons: dict[int, str]
    sums: list[FloatArray]
    again: list[tuple[int, int, int]] = attrs.field(factory=list)
    """The (layer, part, label) of each withheld set checked again, in the table's order."""


def _build(
    spec: Spec,
    history: list[PartRecord] | None,
    withheld: list[list[PartRecord]] | None,
    k: int,
    *,
    final: bool = False,
    past: list[list[PartRecord]] | None = None,
) -> _Built:
    """The figure's linked table, its current cells, and the primary suppressions.

    `history` holds each cell's last published release (fixed cells), `withheld` per part the
    layers of its withheld releases (sets checked again: a release must not narrow what an
    earlier one hid). Units whose value was set again since the release of an earlier cell
    form atoms of their own, with a column per window of values before: the rows of each
    release read the one it falls in, and so do copies of each small group (windows.py).
    With `final` (completion), each atom has a column per release that reads it instead, the
    earlier at most the later (:class:`~.windows.Releases`), and the cells' earlier published
    releases (`past`, per part its layers) are fixed cells too.
    """
    from scipy import sparse

    units, row = spec.units, spec.row
    people = [people_of(spec, p) for p in spec.parts]
    layers = layers_of(spec, withheld) if history is not None and withheld is not None else []
    earlier = [history, *layers] if history is not None and withheld is not None else []
    olds = layers_of(spec, past) if final and past and earlier else []
    earlier += olds
    bits = [[r.unpacked(units) for r in store] for store in earlier]
    codes: list[tuple[Codes, int]] = []
    keep = np.zeros(units, dtype=bool)
    for j, part in enumerate(spec.parts):
        now = np.where(part.contrib, shown(part, row, None), -1)
        codes.append((now, part.n_labels))
        keep |= now >= 0
        for store, store_bits in zip(earlier, bits, strict=True):
            before = np.where(store_bits[j], shown(part, row, store[j].published >= 0), -1)
            codes.append((before, part.n_labels))
            keep |= before >= 0
    classes = unit_class = None
    if row is not None:  # completion: each person's cells (through any slot) set their class
        classes = classes_of(spec, codes, keep)
        unit_class = np.where(keep, classes[0].astype(np.int32)[row], -1)  # kept: has a class
        codes.append((unit_class, classes[2]))
    step = 1 + len(earlier)
    reads = [(codes[step * j + 1 + s][0], record.published)
             for s, store in enumerate(earlier) for j, record in enumerate(store)]  # fmt: skip
    late, stamps = late_codes(spec, reads)
    atom, count = fold([*codes, *late], keep)
    rep = np.zeros(count, dtype=np.int64)
    kept = np.flatnonzero(keep)
    rep[atom] = kept  # any unit of an atom stands for it: they share every code
    columns = Releases.of(rep, reads) if final else Columns.of(late, stamps, rep, reads)
    rows_, cols_, costs, fixed, cell_people = [], [], [], [], []
    cells: list[tuple[int, int]] = []
    for j in range(len(spec.parts)):
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
    shown_stores = ([(1, history), *((2 + len(layers) + p, o) for p, o in enumerate(olds))]
                    if history is not None and earlier else [])  # fmt: skip
    for at_code, store in shown_stores:  # the cells' last releases, then their earlier ones
        for j, record in enumerate(store):
            at_atom = codes[step * j + at_code][0][rep]
            for i in np.flatnonzero(record.published >= 0):
                held = np.flatnonzero(at_atom == i)
                if not len(held):
                    continue
                rows_.append(np.full(len(held), len(costs)))
                cols_.append(columns.at(held, int(record.published[i])))
                costs.append(np.inf)
                cell_people.append(0)
                fixed.append(True)
                for m in range(len(spec.values)):
                    history_sums[m].append(float(record.values[i, m]))
    matrix = sparse.csr_matrix(
        (np.ones(sum(len(c) for c in cols_)),
         (np.concatenate(rows_) if rows_ else np.zeros(0, np.int64),
          np.concatenate(cols_) if cols_ else np.zeros(0, np.int64))),
        shape=(len(costs), columns.width),
    )  # fmt: skip
    measures = []
    sums = []
    # Each unit's atom, `count` for units in no cell, to sum the measures without gathering them.
    every = atom if len(atom) == units else np.full(units, count, dtype=np.int64)
    if every is not atom:
        every[kept] = atom
    column_atom = np.r_[:count, columns.atoms]
    for m in range(len(spec.values)):
        value, low, high = (np.bincount(every, x[m], minlength=count + 1)[column_atom]
                            .astype(np.float64)
                            for x in (spec.values, spec.low, spec.high))  # fmt: skip
        current = np.asarray(matrix[:n_current] @ value).ravel()
        sums.append(current)
        measures.append(Measure(f"{spec.figure}.{m}", low, high,
                                      np.concatenate([current, history_sums[m]]), spec.integer[m],
                                      ("rating", "nps")[m] if spec.figure == "rating" else ""))  # fmt: skip
    groups, group_people = small_groups(spec, matrix, n_current, atom, count, keep, classes,
                                         unit_class, k)  # fmt: skip
    if classes is not None and unit_class is not None and row is not None:
        # a class's slots by their cells now and before (required and other steps, releases
        # isolate new ones), then by atoms: the funnel's rows isolate each step of new ones
        cells_of = [codes[step * j + c] for j, p in enumerate(spec.parts) if p.person is not None
                    for c in range(step)]  # fmt: skip
        key, n_keys = fold([(unit_class, classes[2]), *cells_of], keep)
        within, owner = unit_class[keep].astype(np.int64), row[keep]
        split = [split_sets(key, n_keys, within, owner, atom, count, k)]
        if earlier:
            split.append(split_sets(atom, count, key, owner, atom, count, k))
        groups = sparse.vstack([groups, *(s for s, _ in split)]).tocsr()
        group_people = np.concatenate([group_people, *(p for _, p in split)])
    groups, group_people = columns.past(groups, group_people)  # and as they were before
    if final:  # the reading of values that did not change checks the small groups (_final)
        groups, group_people = groups[:0], group_people[:0]
    again, again_people, again_keys = withheld_sets(spec, layers, codes, step, rep, columns)
    primary = np.zeros(len(costs), dtype=bool)
    primary[:n_current] = np.array(cell_people[:n_current]) < k
    reasons = {int(c): SMALL for c in np.flatnonzero(primary)}
    table = LinkedTable(matrix, np.array(cell_people, np.int64), np.array(fixed, bool),
                        np.array(costs), tuple(measures), groups, group_people, again,
                        again_people,
                        columns.order() if isinstance(columns, Releases) else None)  # fmt: skip
    return _Built(table, cells, primary, reasons, sums, again_keys)


def decide(
    tracker: Tracker, exact: Exact, ledger: Ledger, k: int, *, secondary: bool = True
) -> Decision:
    """The hidden cells of every figure of `exact`, against `ledger`'s earlier releases.

    The protection width is the tracker's ``protection_share`` of ``min(k, n)`` people's range.
    """
    share = tracker.protection_share
    hidden: dict[str, list[dict[int, str]]] = {}
    specs: dict[str, Spec] = {}
    sums: dict[str, list[FloatArray]] = {}
    redundant: dict[str, set[tuple[int, int, int]]] = {}
    for spec in figure_specs(tracker, exact):
        specs[spec.figure] = spec
        history = ledger.parts.get(spec.figure) if ledger.parts else None
        withheld = ledger.hidden.get(spec.figure) if ledger.hidden else None
        built = _build(spec, history, withheld, k)
        if history:
            # today's cells protected on their own first (see _rejoin), then with the history
            _change_rule(spec, history, built, k)
            alone = _build(spec, None, None, k)
            _change_rule(spec, history, alone, k)
            alone_kind = _protect(alone, k, secondary, share)
            assert alone_kind is not None  # today's true values always hold
            built, kind = _rejoin(built, alone, alone_kind, k, secondary, share)
            if spec.figure == "completion":  # a completion is final: read as the attacker does
                final = _build(spec, history, withheld, k, final=True,
                               past=ledger.earlier(spec.figure))  # fmt: skip
                built, kind = _final(built, kind, final, k, secondary, share)
        else:
            plain = _protect(built, k, secondary, share)
            assert plain is not None  # no earlier release to disagree with
            kind = plain
        per_part: list[dict[int, str]] = [{} for _ in spec.parts]
        for c, (j, i) in enumerate(built.cells):
            if kind[c] == _PRIMARY:
                per_part[j][i] = built.reasons[c]
            elif kind[c] != 0:
                per_part[j][i] = _REASONS[int(kind[c])]
        hidden[spec.figure] = per_part
        redundant[spec.figure] = _redundant(built, kind)
        part_sums = [np.zeros((p.n_labels, len(spec.values))) for p in spec.parts]
        for c, (j, i) in enumerate(built.cells):
            part_sums[j][i] = [sums_m[c] for sums_m in built.sums]
        sums[spec.figure] = part_sums
    point = 0 in hidden["participation"][-1] if exact.as_of_point >= 0 else False
    return Decision(hidden, specs, sums, point, redundant)


def _redundant(built: _Built, kind: IntArray) -> set[tuple[int, int, int]]:
    """The withheld sets and today's hidden cells the ledger need not keep (see ledger.py).

    Keys as :attr:`Decision.redundant`: a set over the same units as one before it (earlier
    layers first, then today's cells), and a set whose every sum the published cells pin. It is
    pinned when, for every measure, the attacker's linear program over the published cells
    (each cell's last published value, today's included, with unchanged per-person values)
    gives its sum one value; two solutions that differ on a set prove it free without
    programs of its own. The linear program's range holds the whole-number one, so a set it
    pins is pinned for either attacker.
    """
    from scipy import sparse

    table = built.table
    published = kind == 0
    today = np.flatnonzero(~published[: len(built.cells)])
    keys = built.again + [(-1, *built.cells[c]) for c in today]
    if not keys:
        return set()
    blocks = ([table.again] if table.again is not None else []) + [table.cells[today]]
    targets = sparse.vstack(blocks).tocsr()
    seen: set[bytes] = set()
    same = set()
    for t in range(len(keys)):
        atoms = np.sort(targets.indices[targets.indptr[t] : targets.indptr[t + 1]]).tobytes()
        if atoms in seen:
            same.add(keys[t])
        seen.add(atoms)
    pinned = np.ones(len(keys), dtype=bool)
    rng = np.random.default_rng(len(keys))
    for measure in table.measures:
        if not pinned.any():
            break
        solver = Solver(table.cells, published, measure, whole=False, order=table.order)
        if not solver.feasible():  # earlier releases disagree with today's: pin nothing
            return same
        for sign in (+1, -1):  # two random corners tell most free sets apart at once
            solver.extreme(np.asarray(targets.T @ rng.random(len(keys))).ravel(), sign)
        scale = np.asarray(targets @ np.maximum(np.abs(measure.low), np.abs(measure.high)))
        slack = tolerance(scale.ravel())
        low, high = solver.spread(targets)
        pinned &= high - low <= slack
        for candidate in np.flatnonzero(pinned).tolist():
            row = targets[candidate].toarray().ravel()
            top, _ = solver.extreme(row, +1)
            bottom, _ = solver.extreme(row, -1)
            pinned[candidate] = top - bottom <= slack[candidate]
    return same | {keys[c] for c in np.flatnonzero(pinned).tolist()}


def _rejoin(
    built: _Built, alone: _Built, alone_kind: IntArray, k: int, secondary: bool, share: float
) -> tuple[_Built, IntArray]:
    """Today's cells protected alone, then again with the earlier releases if they hold.

    What today's release alone would pin is known for certain, whatever earlier releases
    seemed to pin: the ledger keeps each cell's last published value, and cells of different
    releases can seem to pin together what values that changed in between never let anyone
    pin. With the history the attacker reads the releases as one (values that did not
    change), and today's release must keep every check wide against that too, unless the
    releases cannot hold together: then it stands alone. `built` is the figure with its
    history; `alone` the same cells without it, protected to `alone_kind`.
    """
    n = len(alone.cells)
    joined = attrs.evolve(built, primary=built.primary.copy(), reasons=dict(built.reasons))
    for c in np.flatnonzero(alone_kind[:n] > 0):
        if not joined.primary[c]:
            joined.primary[c] = True
            joined.reasons[int(c)] = (alone.reasons[int(c)] if alone_kind[c] == _PRIMARY
                                 else _REASONS[int(alone_kind[c])])  # fmt: skip
    kind = _protect(joined, k, secondary, share)
    if kind is None:  # the releases cannot hold together: each stands alone
        return alone, alone_kind
    return joined, kind


def _final(
    built: _Built, kind: IntArray, final: _Built, k: int, secondary: bool, share: float
) -> tuple[_Built, IntArray]:
    """Completion: `built`'s suppressions (`kind`), and more until the monotone reading holds.

    Values that did not change (`built`, as :func:`_rejoin` protected it) are not what the
    attacker knows of completion: a step done in one release is done in every later one, and
    nothing more (`final`: a column per release, :class:`~.windows.Releases`). Where that
    reading holds (it holds for the true counts), every hidden cell of today and every set an
    earlier release withheld keeps its width under it too: its hidden cells start from
    `built`'s and, while it hides more, `built` is protected again with them (they must keep
    their width under both readings). The table returned is `final`, so the ledger forgets
    only sets its reading pins. Small groups are `built`'s checks alone: a group of a few
    people's steps keeps its width under values that did not change, or today alone.
    """
    n = len(final.cells)
    hidden = kind[:n].copy()
    reasons = built.reasons
    while True:
        table = attrs.evolve(final, primary=final.primary.copy(), reasons=dict(final.reasons))
        for c in np.flatnonzero(hidden > 0):
            table.primary[c] = True
            table.reasons[int(c)] = (reasons[int(c)] if hidden[c] == _PRIMARY
                                     else _REASONS[int(hidden[c])])  # fmt: skip
        got = _protect(table, k, secondary, share)
        if got is None:  # pragma: no cover - today's true counts grow from the published ones
            return built, kind
        more = (got[:n] > 0) & (hidden == 0)
        if not more.any() or not built.table.fixed.any():  # nothing new, or `built` alone
            return table, got
        joined = attrs.evolve(built, primary=built.primary.copy(), reasons=dict(built.reasons))
        for c in np.flatnonzero(more):
            joined.primary[c] = True
            joined.reasons[int(c)] = _REASONS[int(got[c])]
        again = _protect(joined, k, secondary, share)
        assert again is not None  # hiding more keeps the reading that held
        hidden = np.where(hidden > 0, hidden, np.where(more, got[:n], again[:n]))
        built, reasons = joined, joined.reasons


def _change_rule(spec: Spec, history: list[PartRecord], built: _Built, k: int) -> None:
    """Hide each cell whose contributors changed by 1 to ``k - 1`` since its last release."""
    changed = [changed_people(spec, part, record) for part, record in zip(spec.parts, history,
                                                                     strict=True)]  # fmt: skip
    for c, (j, i) in enumerate(built.cells):
        if built.primary[c] or history[j].published[i] < 0:
            continue
        if 0 < changed[j][i] < k:
            built.primary[c] = True
            built.reasons[c] = CHANGED


def _protect(built: _Built, k: int, secondary: bool, share: float) -> IntArray | None:
    """Each cell's suppression kind, or None when the earlier releases cannot hold."""
    if not secondary:
        return np.where(built.primary, _PRIMARY, 0).astype(np.int64)
    try:
        return protect_linked(built.table, built.primary, k, share).kind
    except Inconsistent:
        return None


def record_release(
    ledger: Ledger, decision: Decision, tracker: Tracker, at: int, point: int | None
) -> Ledger:
    """`ledger` with this release added.

    Each cell's contributors, time and sums, in the published store if it was shown and in a
    layer of the withheld store if it was hidden (:func:`.ledger.withhold`), less the sets the
    decision found redundant (:func:`.ledger.forget`); and the as_of day's engagement `point`
    if the release showed it (people active; None: not shown). A cell that would need more
    layers than a state file holds (:data:`.ledger.MAX_LAYERS`) is an InfeasibleError naming it.
    """
    units = {f: decision.specs[f].units for f in FIGURES}
    if not ledger.parts:
        ledger = Ledger.started(units, {f: _labels(tracker, f) for f in FIGURES})
    parts: dict[str, list[PartRecord]] = {}
    hidden: dict[str, list[list[PartRecord]]] = {}
    past: dict[str, list[list[PartRecord]]] = {f: [] for f in FINAL}
    for f in FIGURES:
        spec = decision.specs[f]
        parts[f], hidden[f] = [], []
        redundant = decision.redundant.get(f, set())
        for j, part in enumerate(spec.parts):
            present = np.flatnonzero(people_of(spec, part) > 0)
            withheld = np.isin(present, list(decision.hidden[f][j]))
            kept = [int(i) for i in present[withheld] if (-1, j, int(i)) not in redundant]
            sums = decision.sums[f][j]
            shown_ = present[~withheld]
            before = ledger.parts[f][j]
            if f in FINAL:  # every release of a completion cell is kept
                again = shown_[before.published[shown_] >= 0]
                past[f].append(_superseded(ledger.earlier(f)[j], before, spec, part, again))
            parts[f].append(recorded(before, spec, part, shown_, at, sums))
            drop = {(d, i) for d, p, i in redundant if p == j and d >= 0}
            layers = forget(ledger.hidden[f][j], spec, part, drop)
            hidden[f].append(withhold(layers, spec, part, np.array(kept, np.int64), at, sums,
                                      in_place=f not in FINAL))  # fmt: skip
            for store in (hidden, past) if f in FINAL else (hidden,):
                if len(store[f][j]) > MAX_LAYERS:
                    raise _too_many(tracker, f, j, store[f][j][-1])
    withheld_days, points = set(ledger.withheld), dict(ledger.points)
    day = int(at // 86_400 - tracker.schedule.epoch_day)
    if decision.point_hidden:
        withheld_days.add(day)
    if point is not None:
        points[day] = point
    return Ledger(ledger.releases + 1, max(ledger.last, at), withheld_days, parts, hidden,
                  points, dict(ledger.reset), past)  # fmt: skip


def _superseded(layers: list[PartRecord], record: PartRecord, spec: Spec, part: Part,
                cells: IntArray) -> list[PartRecord]:  # fmt: skip
    """`layers` with `cells` of `part` as `record` (their last release) holds them.

    Each cell in the first layer where it has no release yet, or a new one.
    """
    out, pending, d = list(layers), cells, 0
    before = record.unpacked(spec.units)
    while len(pending):
        if d == len(out):
            out.append(empty_record(spec.units, part.n_labels, spec.figure))
        layer = out[d]
        free = pending[layer.published[pending] < 0]
        if len(free):
            bits, published, values = (
                layer.unpacked(spec.units),
                layer.published.copy(),
                layer.values.copy(),
            )
            pick = units_of(spec, part, free)
            bits[pick] = before[pick]
            published[free], values[free] = record.published[free], record.values[free]
            out[d] = PartRecord(np.packbits(bits), published, values)
            pending = np.setdiff1d(pending, free)
        d += 1
    return out


def _too_many(tracker: Tracker, figure: str, part: int, layer: PartRecord) -> InfeasibleError:
    """The error for a cell withheld as more sets than a state file keeps."""
    i = int(np.flatnonzero(layer.published >= 0)[0])
    names = [("all", ["all"])] + [(g, list(labels)) for g, (labels, _) in tracker.groups.items()]
    if part < len(names):
        grouping, labels = names[part]
        cell = "the total" if part == 0 else f"{grouping}={labels[i]}"
    else:
        cell = (f"funnel step {tracker.schedule.step_ids[i]}" if figure == "completion"
                else "the engagement point")  # fmt: skip
    return InfeasibleError(
        f"this release would withhold {figure} cell {cell} over other people than any of the "
        f"{MAX_LAYERS} sets the ledger already keeps for it (each must stay as wide as when it "
        f"was withheld), more than a state file holds; release less often (say weekly), so "
        f"that the cell's people change by the minimum group size between releases"
    )


def _labels(tracker: Tracker, figure: str) -> list[int]:
    return part_labels(figure, [len(names) for names, _ in tracker.groups.values()],
                       len(tracker.schedule.template.steps))  # fmt: skip


def unit_labels(tracker: Tracker, figure: str, part: int) -> npt.NDArray[np.intp]:
    """Each unit's cell in `part` of `figure` (participants, or slots: :data:`.ledger.SLOTS`)."""
    schedule = tracker.schedule
    groupings = [codes for _, codes in tracker.groups.values()]
    slots = figure in SLOTS
    units = schedule.n_slots if slots else len(schedule)
    if part == 0 or part > len(groupings):
        if slots and part > len(groupings):
            return schedule.step.astype(np.intp)
        return np.zeros(units, dtype=np.intp)
    codes = groupings[part - 1]
    return codes[schedule.row.astype(np.intp)] if slots else codes
