"""The release ledger: what a tracker has published, as much as protecting the next release needs.

Every cell a snapshot can publish is one *part* (the total, a grouping, the funnel, the
engagement series' as_of day) and one *label* in it (a group, a step) of one figure
(participation, completion, rating, progress). For each, the ledger keeps the last release that
published it: when (seconds on the tracker's clock) and the sums it showed (one per measure,
e.g. the ratings' sum and the promoters less the detractors). Per participant (per slot, for
completion and ratings, :data:`SLOTS`) and per part, one bit says whether they counted in their
cell's last published value.

The ledger keeps the same for every release that *withheld* a cell (when, its true sums, and
per unit whether it counted), in layers: a later release must not narrow a cell an earlier one
hid, so each set a cell was withheld as is checked again by the attacker's programs. A cell
withheld again for the same people updates the layer that holds it; for new people it takes the
first layer where it has no set yet, or a new layer. Keeping only a cell's last withheld set is
not enough: a cell hidden in two releases over different people (steps fell due in between)
could have its first set narrowed by a third release that kept the second one wide.

A withheld set stands for one constraint on every later release: the range of its sum, given
everything published, stays at least ``min(width, range before that release)``. After each
release the ledger drops (:func:`forget`, chosen by the protection's ``_redundant``) exactly
the sets whose constraint holds whatever later releases publish:

- a set over the same units as one it keeps (or as another of today's): the constraint reads
  only the set (its atoms, its people, its bounds), so the two are one constraint;
- a set whose sum, for every measure, the published cells pin (the linear program over each
  cell's last published value, today's included, has one value for it). Publication is never
  undone, so every later attacker pins it too: its range is 0 before and after any later
  release, and ``0 >= min(width, 0)`` holds. The attacker of the threat model knows at least
  those cells, so this holds for them; the ledger's own programs, which forget a cell's value
  once it is published again, can only see such a set wider, never narrower.

Other sets are not implied in general: a set of a cell that grows (A0 published, A1 = A0 + one
person withheld, A2 = A1 + another withheld, ...) is the only check on that person's value,
and keeping only each cell's latest set let a later release narrow an earlier one from a width
of 14 to 0 (tests/privacy/test_s11_withheld_layers.py fails with it). So a cell withheld over
new people in every release needs a layer per such release: on a cohort that grows every day,
released daily, the layers grow by about one a day. A state file holds at most
:data:`MAX_LAYERS`; a release that would need more is refused, naming the cell
(``InfeasibleError``); releasing less often (the cell's people then change by the minimum
between releases, and it is published) keeps the count down. Which layer holds a set does not
matter to the checks, so each cell's sets are packed into its lowest layers.

That is what the next release needs: the change rule (a cell whose contributors changed by
fewer than the minimum since its last release is not shown with a new value) compares the bits
with today's contributors (one whose value was set again since, a session rated again, counts as
changed too), and the attacker's programs take each cell's last published value as
a constraint on the same per-person values. Earlier values of a cell published again are kept
for completion only (:attr:`Ledger.past`: the monotone reading holds every release; a cell
withheld again takes a new layer); others' differences were checked when released. One bit per
participant (or slot) per part and figure for the published cells, and as much again per
layer of withheld cells: for 1,000,000 participants, nine million slots and three groupings,
about 11 MiB plus 11 MiB per layer (as many layers as the most sets one cell keeps: at most one
per release).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._errors import InfeasibleError, Problem
from sparkus.metrics._tracking.figure_units import changed_people
from sparkus.metrics._tracking.resets import RESET_FIGURES, checked, merged, stamp
from sparkus.model import JourneyProgress

if TYPE_CHECKING:
    from sparkus.metrics._tracking.figure_units import Part, Spec

__all__ = [
    "FIGURES",
    "FINAL",
    "MAX_LAYERS",
    "MEASURES",
    "SLOTS",
    "Ledger",
    "PartRecord",
    "empty_record",
    "forget",
    "part_labels",
    "rated_slots",
    "recorded",
    "units_of",
    "withhold",
]

BoolArray: TypeAlias = npt.NDArray[np.bool_]
IntArray: TypeAlias = npt.NDArray[np.int64]
FloatArray: TypeAlias = npt.NDArray[np.float64]

_NONE: Final = np.zeros((0, 2), dtype=np.int64)  # no slot set again
_NONE.setflags(write=False)

FIGURES: Final = ("participation", "completion", "rating", "progress")
"""The figures of a snapshot, in the order the ledger stores them."""
FINAL: Final = frozenset({"completion"})
"""Figures whose values only grow: each release of a cell is kept (:attr:`Ledger.past`)."""
MAX_LAYERS: Final = 4096
"""The most layers of withheld cells a saved ledger may declare."""
SLOTS: Final = frozenset({"completion", "rating"})
"""The figures whose units are slots (a step of a participant): completion's steps due, and
the ratings, one per rated session, so that a rater's further rating is a new contributor."""
MEASURES: Final = {"participation": 1, "completion": 1, "rating": 2, "progress": 1}
"""How many sums each figure publishes per cell."""


def part_labels(figure: str, groupings: Sequence[int], n_steps: int) -> list[int]:
    """How many cells each part of `figure` has.

    The total, each grouping, then the funnel (completion) or the engagement series' as_of
    day (participation).
    """
    labels = [1, *groupings]
    if figure == "completion":
        labels.append(n_steps)
    if figure == "participation":
        labels.append(1)
    return labels


@attrs.define(eq=False)
class PartRecord:
    """One part of one figure, as its cells' last release left it.

    Per unit, whether it counted at its cell's last release (packed bits); per cell, when that
    release was (-1: never) and the sums it showed.
    """

    bits: npt.NDArray[np.uint8]
    published: IntArray
    values: FloatArray

    def unpacked(self, units: int) -> BoolArray:
        return np.unpackbits(self.bits, count=units).astype(bool)

    def same(self, other: PartRecord) -> bool:
        return (np.array_equal(self.bits, other.bits)
                and np.array_equal(self.published, other.published)
                and np.array_equal(self.values, other.values))  # fmt: skip


@attrs.define(eq=False)
class Ledger:
    """Releases so far, their days whose engagement point was withheld, and each part."""

    releases: int = 0
    last: int = -1
    withheld: set[int] = attrs.field(factory=set)
    parts: dict[str, list[PartRecord]] = attrs.field(factory=dict)
    hidden: dict[str, list[list[PartRecord]]] = attrs.field(factory=dict)
    """Per figure and part, layers of the cells' withheld releases (each as `parts` holds the
    published ones; a cell is in no layer, or in several with different people)."""
    points: dict[int, int] = attrs.field(factory=dict)
    """The engagement series' days that a release showed as its as_of point: people active, as
    shown. A later snapshot shows an earlier day only from here (see snapshot.py)."""
    reset: dict[str, IntArray] = attrs.field(factory=dict)
    """Per figure, the slots whose value was set again after a release, each with a stamp per
    release window it was set again in (see resets.py)."""
    past: dict[str, list[list[PartRecord]]] = attrs.field(factory=dict)
    """Per figure of :data:`FINAL` and part, layers of its cells' earlier published releases."""

    def set_again(self, rated: IntArray, scored: IntArray) -> None:
        """Stamp the slots whose rating or score an update set, once anything was released."""
        if self.releases:
            for figure, slots in zip(RESET_FIGURES, (rated, scored), strict=True):
                if len(slots):
                    self.reset[figure] = stamp(self.reset.get(figure), slots, self.last)

    @classmethod
    def started(cls, units: Mapping[str, int], labels: Mapping[str, list[int]]) -> Ledger:
        """An empty ledger with room for every part (nothing published yet)."""
        parts = {f: [empty_record(units[f], k, f) for k in labels[f]] for f in FIGURES}
        return cls(0, -1, set(), parts, {f: [[] for _ in labels[f]] for f in FIGURES},
                   past={f: [[] for _ in labels[f]] for f in FINAL})  # fmt: skip

    def earlier(self, figure: str) -> list[list[PartRecord]]:
        """Per part of `figure`, the layers of its cells' earlier published releases."""
        return self.past.get(figure) or [[] for _ in self.parts.get(figure, [])]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Ledger):
            return NotImplemented
        if (self.releases, self.last, self.withheld, self.points) != (
                other.releases, other.last, other.withheld, other.points):  # fmt: skip
            return False
        if any(not np.array_equal(self.reset.get(f, _NONE), other.reset.get(f, _NONE))
               for f in RESET_FIGURES):  # fmt: skip
            return False
        if not self.parts or not other.parts:
            return not self.parts and not other.parts
        return (
            all(
                a.same(b)
                for f in FIGURES
                for a, b in zip(self.parts[f], other.parts[f], strict=True)
            )
            and all(
                len(a) == len(b)
                and all(x.same(y) for x, y in zip(_sorted(a), _sorted(b), strict=True))
                for f in FIGURES
                for a, b in zip(self.hidden[f], other.hidden[f], strict=True)
            )
            and all(
                len(a) == len(b)
                and all(x.same(y) for x, y in zip(_sorted(a), _sorted(b), strict=True))
                for f in FINAL
                for a, b in zip(self.earlier(f), other.earlier(f), strict=True)
            )
        )

    __hash__ = None  # type: ignore[assignment]

    def merge(
        self, other: Ledger, units: Mapping[str, int], label_of: Callable[[str, int], IntArray]
    ) -> Ledger:
        """Both ledgers' releases.

        Per published cell, the later release (ties: the larger sums, then the union of the
        bits); the withheld layers of both, each once; the days shown as a point by either (a
        day both showed, the larger count: both were published). The merge is commutative and
        associative.

        `label_of(figure, part)` gives each unit's cell in that part (-1: none). An
        InfeasibleError if a cell would hold more layers than a state file keeps.
        """
        releases, last = max(self.releases, other.releases), max(self.last, other.last)
        withheld = self.withheld | other.withheld
        points = {d: max(self.points.get(d, 0), other.points.get(d, 0))
                  for d in self.points.keys() | other.points.keys()}  # fmt: skip
        reset: dict[str, IntArray] = {
            f: merged(self.reset.get(f), other.reset.get(f))
            for f in RESET_FIGURES if f in self.reset or f in other.reset
        }  # fmt: skip
        if not self.parts or not other.parts:
            return Ledger(releases, last, withheld, dict(self.parts or other.parts),
                          dict(self.hidden or other.hidden), points, reset)  # fmt: skip

        parts = {
            f: [_merge_part(a, b, units[f], label_of(f, j))
                for j, (a, b) in enumerate(zip(self.parts[f], other.parts[f], strict=True))]
            for f in FIGURES
        }  # fmt: skip
        hidden = {f: [_union(a, b) for a, b in zip(self.hidden[f], other.hidden[f], strict=True)]
                  for f in FIGURES}  # fmt: skip
        past = {f: [_union(a, b) for a, b in zip(self.earlier(f), other.earlier(f), strict=True)]
                for f in FINAL}  # fmt: skip
        layers = max((len(x) for f in (*hidden.values(), *past.values()) for x in f), default=0)
        if layers > MAX_LAYERS:  # the merged state could be saved but not loaded
            msg = (f"the two ledgers together withhold one cell as {layers:,} sets, more than a "
                   f"state file keeps ({MAX_LAYERS:,}); merge trackers that released less often")  # fmt: skip
            raise InfeasibleError(msg)
        return Ledger(releases, last, withheld, parts, hidden, points, reset, past)

    # -- the state file --------------------------------------------------------------------

    def meta(self) -> dict[str, Any]:
        layers = max((len(x) for f in self.hidden.values() for x in f), default=0)
        past = max((len(x) for f in self.past.values() for x in f), default=0)
        stamps = max((int(np.bincount(rows[:, 0]).max()) for rows in self.reset.values()
                      if len(rows)), default=0)  # fmt: skip
        return {"releases": self.releases, "last": self.last, "withheld": sorted(self.withheld),
                "stored": bool(self.parts), "layers": layers, "stamps": stamps, "past": past,
                "points": sorted([d, v] for d, v in self.points.items())}  # fmt: skip

    def arrays(self) -> dict[str, npt.NDArray[Any]]:
        """The ledger's arrays: per part, its published record and its withheld layers.

        The layers are stacked, one row each.
        """
        out: dict[str, npt.NDArray[Any]] = {}
        if self.parts:
            out.update({f"ledger_reset_{f}": self.reset.get(f, _NONE) for f in RESET_FIGURES})
        for f, records in self.parts.items():
            for j, rec in enumerate(records):
                out[f"ledger_{f}_{j}_bits"] = rec.bits
                out[f"ledger_{f}_{j}_published"] = rec.published
                out[f"ledger_{f}_{j}_values"] = rec.values
        stores = [("hidden", f, layers) for f, layers in self.hidden.items()]
        if self.parts:  # every release of the FINAL figures' cells (version 6)
            stores += [("past", f, self.earlier(f)) for f in FINAL]
        for kind, f, layers in stores:
            for j, (rec, layer) in enumerate(zip(self.parts[f], layers, strict=True)):
                out[f"ledger_{kind}_{f}_{j}_bits"] = np.array(
                    [r.bits for r in layer], np.uint8
                ).reshape(len(layer), len(rec.bits))
                out[f"ledger_{kind}_{f}_{j}_published"] = np.array(
                    [r.published for r in layer], np.int64
                ).reshape(len(layer), len(rec.published))
                out[f"ledger_{kind}_{f}_{j}_values"] = np.array(
                    [r.values for r in layer], np.float64
                ).reshape(len(layer), *rec.values.shape)
        return out


def empty_record(units: int, k: int, figure: str) -> PartRecord:
    """A part of `k` cells over `units` units that no release has recorded."""
    return PartRecord(np.zeros(-(-units // 8), np.uint8), np.full(k, -1, np.int64),
                      np.zeros((k, MEASURES[figure])))  # fmt: skip


def _key(record: PartRecord) -> tuple[bytes, bytes, bytes]:
    return record.bits.tobytes(), record.published.tobytes(), record.values.tobytes()


def _sorted(layers: list[PartRecord]) -> list[PartRecord]:
    return sorted(layers, key=_key)


def _union(a: list[PartRecord], b: list[PartRecord]) -> list[PartRecord]:
    """The withheld layers of both, each once, in a fixed order."""
    return list({_key(r): r for r in _sorted([*a, *b])}.values())


def _merge_part(a: PartRecord, b: PartRecord, units: int, label: IntArray) -> PartRecord:
    take_b = (b.published > a.published) | (
        (b.published == a.published) & _larger(b.values, a.values)
    )
    tie = (b.published == a.published) & np.all(b.values == a.values, axis=1)
    published = np.where(take_b, b.published, a.published)
    values = np.where(take_b[:, None], b.values, a.values)
    bits_a, bits_b = a.unpacked(units), b.unpacked(units)
    safe = np.maximum(label, 0)
    from_b = (label >= 0) & take_b[safe]
    both = (label >= 0) & tie[safe]
    bits = np.where(from_b, bits_b, bits_a) | (both & bits_b)
    return PartRecord(np.packbits(bits), published, values)


def _larger(x: FloatArray, y: FloatArray) -> BoolArray:
    """Row by row, whether `x` is lexicographically larger than `y`."""
    out = np.zeros(len(x), dtype=bool)
    decided = np.zeros(len(x), dtype=bool)
    for j in range(x.shape[1]):
        gt, lt = x[:, j] > y[:, j], x[:, j] < y[:, j]
        out |= ~decided & gt
        decided |= gt | lt
    return out


def rated_slots(
    ledger: Ledger,
    label_of: Callable[[int], npt.NDArray[np.intp]],
    row: npt.NDArray[np.intp],
    rating_time: IntArray,
) -> Ledger:
    """`ledger`, read from a version-2 state file, with its rating records per rated session.

    Version 2 kept one bit per participant for the rating figure (whether they had rated by
    their cell's release); its units are now rated sessions (slots, of participant `row`,
    rated last at `rating_time`; ``label_of(part)`` gives each slot's cell). A participant's
    bit goes to each of their sessions rated by that release, by those times. A session
    rated (or rated again: the time is the latest rating's) after the release gets no bit,
    so it counts as changed, and it would anyway (its value was set since). Which of a
    participant's sessions rated before the release it counted is otherwise what the times
    say: counting a session as changed when it was not would let the change rule see the
    minimum where one rating is new, and publish it.
    """
    if not ledger.parts:
        return ledger
    rated = rating_time != JourneyProgress.UNSET

    def moved(record: PartRecord, label: npt.NDArray[np.intp]) -> PartRecord:
        when = record.published[np.maximum(label, 0)]
        person = np.unpackbits(record.bits).astype(bool)  # row < participants <= 8 * bytes
        bits = person[row] & (label >= 0) & (when >= 0) & rated & (rating_time <= when)
        return PartRecord(np.packbits(bits), record.published, record.values)

    labels = [label_of(j) for j in range(len(ledger.parts["rating"]))]
    parts = {
        **ledger.parts,
        "rating": [moved(r, labels[j]) for j, r in enumerate(ledger.parts["rating"])],
    }
    hidden = {
        **ledger.hidden,
        "rating": [
            [moved(r, labels[j]) for r in layers]
            for j, layers in enumerate(ledger.hidden["rating"])
        ],
    }
    return Ledger(ledger.releases, ledger.last, set(ledger.withheld), parts, hidden,
                  dict(ledger.points), dict(ledger.reset), dict(ledger.past))  # fmt: skip


# -- recording a release ----------------------------------------------------------------


def withhold(layers: list[PartRecord], spec: Spec, part: Part, cells: IntArray, at: int,
             sums: FloatArray, *, in_place: bool = True) -> list[PartRecord]:  # fmt: skip
    """`layers` with `cells` of `part` withheld at `at`.

    A cell withheld for the same people as in a layer updates that layer (unless not `in_place`:
    for :data:`FINAL` figures, each release's counts differ); otherwise it takes the first
    layer where it has no set yet, or a new one. Every set it was withheld as stays.
    """
    out = list(layers)
    pending = np.asarray(cells, dtype=np.int64)
    for d, record in enumerate(out if in_place else []):
        same = pending[(record.published[pending] >= 0)
                       & (changed_people(spec, part, record)[pending] == 0)]  # fmt: skip
        if len(same):
            out[d] = recorded(record, spec, part, same, at, sums)
            pending = np.setdiff1d(pending, same)
    for d, record in enumerate(out):
        free = pending[record.published[pending] < 0]
        if len(free):
            out[d] = recorded(record, spec, part, free, at, sums)
            pending = np.setdiff1d(pending, free)
    if len(pending):
        empty = empty_record(spec.units, part.n_labels, spec.figure)
        out.append(recorded(empty, spec, part, pending, at, sums))
    return out


def forget(layers: list[PartRecord], spec: Spec, part: Part,
           drop: set[tuple[int, int]]) -> list[PartRecord]:  # fmt: skip
    """`layers` without the sets `drop` names (layer, label), each cell's sets packed down.

    A cell's sets keep their order and fill its lowest layers; empty layers at the end go.
    Which layer holds a set does not matter to the checks: each set is checked on its own.
    """
    per_cell: dict[int, list[int]] = {}
    for d, record in enumerate(layers):
        for i in np.flatnonzero(record.published >= 0):
            if (d, int(i)) not in drop:
                per_cell.setdefault(int(i), []).append(d)
    if not drop and all(held == list(range(len(held))) for held in per_cell.values()):
        return list(layers)
    depth = max((len(held) for held in per_cell.values()), default=0)
    labels = part.labels(spec.row)
    out = []
    for to in range(depth):
        source = np.full(part.n_labels + 1, -1, dtype=np.int64)  # by label + 1: -1 is no cell
        for cell, held in per_cell.items():
            if to < len(held):
                source[cell + 1] = held[to]
        record = empty_record(spec.units, part.n_labels, spec.figure)
        bits, at_unit = record.unpacked(spec.units), source[labels + 1]
        for d in np.unique(source[source >= 0]).tolist():
            pick, cells = at_unit == d, np.flatnonzero(source == d) - 1
            bits[pick] = layers[d].unpacked(spec.units)[pick]
            record.published[cells] = layers[d].published[cells]
            record.values[cells] = layers[d].values[cells]
        out.append(PartRecord(np.packbits(bits), record.published, record.values))
    return out


def units_of(spec: Spec, part: Part, cells: IntArray) -> BoolArray:
    """Whether each unit is in one of `cells` of `part`."""
    chosen = np.zeros(part.n_labels + 1, dtype=bool)  # by label + 1: label -1 is no cell
    chosen[cells + 1] = True
    if part.person is not None:
        assert spec.row is not None
        out: BoolArray = chosen[part.person + 1][spec.row]
        return out
    labelled: BoolArray = chosen[part.labels(None) + 1]
    return labelled


def recorded(record: PartRecord, spec: Spec, part: Part, cells: IntArray, at: int,
             sums: FloatArray) -> PartRecord:  # fmt: skip
    """`record` with `cells` of `part` stamped at `at`: their contributors and sums now."""
    bits = record.unpacked(spec.units)
    update = units_of(spec, part, cells)
    bits[update] = part.contrib[update]
    published = record.published.copy()
    values = record.values.copy()
    published[cells] = at
    values[cells] = sums[cells]
    return PartRecord(np.packbits(bits), published, values)


def ledger_problems(
    meta: object,
    arrays: Mapping[str, npt.NDArray[Any]],
    units: Mapping[str, int],
    labels: Mapping[str, list[int]],
    days: int,
    where: str,
    slots: int,
) -> tuple[Ledger | None, list[Problem]]:
    """The saved ledger, every value checked; or the problems, each naming the file.

    `slots` is the schedule's number of slots (the values set again are kept per slot).
    """
    problems: list[Problem] = []

    def fail(message: str) -> None:
        problems.append(Problem(("file",), f"{where}: {message}"))

    keys = {"releases", "last", "withheld", "stored"}
    if not isinstance(meta, dict) or not keys <= set(meta) <= keys | {"layers", "points",
                                                                     "stamps", "past"}:  # fmt: skip
        fail("meta.ledger: expected releases, last, withheld, stored, layers, stamps and points")
        return None, problems
    points = meta.get("points", [])  # files written before it: no day was shown as a point
    if not isinstance(points, list) or not all(
        isinstance(p, list) and len(p) == 2 and _whole(p[0]) and 0 <= p[0] < days
        and _whole(p[1]) and p[1] >= 0 for p in points
    ) or len({p[0] for p in points}) != len(points):  # fmt: skip
        fail(f"meta.ledger.points: expected distinct days from 0 to {days - 1}, each with a "
             "count of 0 or more")  # fmt: skip
    layers = meta.get("layers", 1)  # files written before layers hold one
    for key in ("layers", "stamps", "past"):  # one stamp a slot before version 5; no past before 6
        if not _whole(count := meta.get(key, 1)) or not 0 <= count <= MAX_LAYERS:
            fail(f"meta.ledger.{key}: expected a whole number from 0 to {MAX_LAYERS}")
    releases, last, withheld, stored = (meta[k] for k in ("releases", "last", "withheld",
                                                          "stored"))  # fmt: skip
    if not _whole(releases) or releases < 0:
        fail("meta.ledger.releases: expected a whole number of 0 or more")
    if not _whole(last) or last < -1:
        fail("meta.ledger.last: expected a time in seconds, or -1")
    if not isinstance(withheld, list) or not all(_whole(d) and 0 <= d < days for d in withheld):
        fail(f"meta.ledger.withheld: expected days from 0 to {days - 1}")
    if not isinstance(stored, bool):
        fail("meta.ledger.stored: expected true or false")
    if problems:
        return None, problems
    if not stored:
        return Ledger(releases, last, set(withheld), {}, {}, dict(points)), []
    parts = _records(arrays, units, labels, last, "", fail)
    hidden: dict[str, list[list[PartRecord]]] = {f: [[] for _ in labels[f]] for f in FIGURES}
    past: dict[str, list[list[PartRecord]]] = {f: [[] for _ in labels[f]] for f in FINAL}
    stores = [("hidden", hidden, layers)]  # files before version 6 keep no earlier releases
    if f"ledger_past_{next(iter(FINAL))}_0_bits" in arrays:
        stores.append(("past", past, meta.get("past", 0)))
    for kind, store, most in stores:
        for f in store:
            for j in range(len(labels[f])):
                name = f"ledger_{kind}_{f}_{j}"
                bits, published, values = (arrays[f"{name}_{s}"] for s in ("bits", "published",
                                                                           "values"))  # fmt: skip
                if bits.ndim == published.ndim == 1:  # written before layers: one
                    bits, published, values = bits[None], published[None], values[None]
                if (bits.ndim, published.ndim, values.ndim) != (2, 2, 3) or not (
                        len(bits) == len(published) == len(values) <= most):  # fmt: skip
                    fail(f"{name}: expected as many layers of bits, times and values, at most "
                         f"meta.ledger.{'layers' if kind == 'hidden' else kind}")  # fmt: skip
                    continue
                for layer in range(len(bits)):
                    one = {f"{name}_bits": bits[layer], f"{name}_published": published[layer],
                           f"{name}_values": values[layer]}  # fmt: skip
                    got = _records(one, units, labels, last, f"{kind}_", fail, only=(f, j))
                    store[f][j].extend(got[f])
    reset = checked(arrays, slots, last, fail)
    if problems:
        return None, problems
    return Ledger(releases, last, set(withheld), parts, hidden, dict(points), reset, past), []


def _records(
    arrays: Mapping[str, npt.NDArray[Any]],
    units: Mapping[str, int],
    labels: Mapping[str, list[int]],
    last: int,
    kind: str,
    fail: Callable[[str], None],
    only: tuple[str, int] | None = None,
) -> dict[str, list[PartRecord]]:
    """One store of the saved ledger, each array checked.

    The published store, or a layer of withheld cells (`kind`); `only` one figure's part.
    """
    parts: dict[str, list[PartRecord]] = {}
    for f in FIGURES:
        records = []
        for j, k in enumerate(labels[f]):
            if only is not None and only != (f, j):
                continue
            name = f"ledger_{kind}{f}_{j}"
            bits, published, values = (arrays.get(f"{name}_{s}") for s in
                                       ("bits", "published", "values"))  # fmt: skip
            size = -(-units[f] // 8)
            if bits is None or bits.dtype != np.uint8 or bits.shape != (size,):
                fail(f"{name}_bits: expected {size} bytes of packed bits")
                continue
            spare = size * 8 - units[f]
            if spare and int(bits[-1]) & ((1 << spare) - 1):
                fail(f"{name}_bits: bits set past the last unit")
            if published is None or published.dtype != np.int64 or published.shape != (k,):
                fail(f"{name}_published: expected {k} int64 times")
                continue
            if np.any(published < -1) or np.any(published > last):
                fail(f"{name}_published: times must be -1 or at most the last release")
            shape = (k, MEASURES[f])
            if values is None or values.dtype != np.float64 or values.shape != shape:
                fail(f"{name}_values: expected float64 of shape {shape}")
                continue
            if not np.all(np.isfinite(values)):
                fail(f"{name}_values: holds values that are not finite")
            records.append(PartRecord(bits, published, values))
        parts[f] = records
    return parts


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
