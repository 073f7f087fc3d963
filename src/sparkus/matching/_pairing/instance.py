"""The validated assignment problem that assign and rematch share, and the checks that build it.

:func:`~sparkus.matching.assign` and :func:`~sparkus.matching.rematch` check their arguments
into one :class:`Instance`: the allowed pairs (forbidden ones removed), the providers'
capacities, and the ids and scores of a candidate matrix. The checks here read the arguments
both doors take (candidates or costs, capacity, forbidden and fixed pairs, a load cap, the
matcher), each appending its problems for the door's one :class:`~sparkus.SchemaError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final, Protocol, TypeAlias, cast

import attrs
import numpy as np
from numpy.typing import NDArray

from sparkus._checks import BoolArray, FloatArray
from sparkus._errors import InfeasibleError, Problem, SchemaError, shown
from sparkus._ids import near_ids
from sparkus.matching._pairing.assign_result import Label
from sparkus.matching._pairing.exact.arcs import (
    MAX_CAPACITY,
    Arcs,
    by_position_refused,
    capacity_iv,
    cost_arcs,
    cost_labels,
    drop_cells,
    forbidden_cells,
    is_mask_frame,
    is_sparse,
    provider_labels,
    reads_as_mask,
)
from sparkus.matching._pairing.protocols import (
    Matcher,
    describe_value,
    kind_of,
    plugin_lacks,
    read_name,
)
from sparkus.matching._pairing.registry import find_plugin

__all__ = [
    "CandidateLike",
    "Instance",
    "fixed_iv",
    "forbidden_iv",
    "instance_iv",
    "is_candidates",
    "label",
    "labels_to_index",
    "matcher_iv",
    "max_load_iv",
    "pairs_of",
    "pairs_to_index",
    "permuted",
    "table_labels",
    "with_row_surcharge",
    "with_surcharge",
]

IntArray: TypeAlias = NDArray[np.int64]
IndexArray: TypeAlias = NDArray[np.intp]
_MAX_LISTED: Final = 8


class CandidateLike(Protocol):
    """What :func:`assign` reads from a candidate matrix (duck-typed)."""

    @property
    def participant_ids(self) -> tuple[str, ...]: ...

    @property
    def provider_ids(self) -> tuple[str, ...]: ...

    @property
    def scores(self) -> Any: ...

    @property
    def capacity(self) -> Any: ...

    def cost(self) -> Any: ...


def is_candidates(value: object) -> bool:
    """Whether `value` is a candidate matrix (its ids, scores and a ``cost()`` method).

    A pandas cost table's columns are attributes too: one with columns named ``cost``,
    ``scores`` and so on is a table, told apart by its ``cost`` not being callable.
    """
    return callable(getattr(value, "cost", None)) and all(
        hasattr(value, a) for a in ("participant_ids", "provider_ids", "scores")
    )


Names: TypeAlias = tuple[tuple[Label, ...], tuple[Label, ...]]
"""The rows' and columns' names: a candidate matrix's ids, or a pandas cost table's labels."""


@attrs.frozen(eq=False)
class Instance:
    """A validated problem: allowed pairs (forbidden ones removed), capacities, ids, scores."""

    arcs: Arcs
    capacity: IntArray
    participant_ids: tuple[str, ...] | None
    provider_ids: tuple[str, ...] | None
    scores: Any  # canonical csr_array of the candidate scores, or None
    by_position: str | None = None  # why numbers cannot name rows and columns (a labelled table)
    labels: Names | None = None  # a cost table's labels, when its results are keyed by them

    @property
    def names(self) -> Names | None:
        """The ids of a candidate matrix, or the labels of a cost table; None for positions."""
        if self.participant_ids is not None and self.provider_ids is not None:
            return self.participant_ids, self.provider_ids
        return self.labels

    @property
    def read_by(self) -> Names | None:
        """The names arguments give rows and columns by; None for positions (or refused).

        A candidate matrix's ids, or the labels of a pandas cost table labelled otherwise
        than by position (None when they cannot name results: `by_position` refuses numbers
        then); a numpy or sparse cost, or a table labelled by position, is read by position.
        """
        if self.participant_ids is not None and self.provider_ids is not None:
            return self.participant_ids, self.provider_ids
        return self.labels if self.by_position is not None else None

    @property
    def keys(self) -> NDArray[np.int64]:
        """``row * m + col`` of every allowed pair, sorted."""
        rows = np.repeat(np.arange(self.arcs.n, dtype=np.int64), np.diff(self.arcs.indptr))
        return rows * np.int64(self.arcs.m) + self.arcs.cols.astype(np.int64)

    def lookup(self, rows: IndexArray, cols: IndexArray) -> tuple[BoolArray, FloatArray]:
        """Whether each pair is allowed, and its cost (NaN if not)."""
        keys = self.keys
        want = rows.astype(np.int64) * np.int64(self.arcs.m) + cols.astype(np.int64)
        where = np.searchsorted(keys, want)
        inside = where < keys.shape[0]
        found = np.zeros(want.shape[0], dtype=bool)
        found[inside] = keys[where[inside]] == want[inside]
        cost = np.full(want.shape[0], np.nan)
        cost[found] = self.arcs.costs[where[found]]
        return found, cost

    def score(self, rows: IndexArray, cols: IndexArray) -> FloatArray:
        """The candidate score of each pair (NaN where none is stored)."""
        sc = self.scores
        m = int(sc.shape[1])
        counts = np.diff(sc.indptr)
        keys = np.repeat(np.arange(sc.shape[0], dtype=np.int64), counts) * m + sc.indices
        want = rows.astype(np.int64) * m + cols.astype(np.int64)
        where = np.searchsorted(keys, want)
        out = np.full(want.shape[0], np.nan)
        inside = where < keys.shape[0]
        hit = np.zeros(want.shape[0], dtype=bool)
        hit[inside] = keys[where[inside]] == want[inside]
        out[hit] = np.asarray(sc.data, dtype=np.float64)[where[hit]]
        return out


def labels_to_index(
    values: Iterable[object],
    inst: Instance,
    axis: int,
    path: tuple[str | int, ...],
    problems: list[Problem],
) -> list[int | None]:
    """Participants (`axis` 0) or providers (1) named in an argument, as indices.

    The one rule for every argument that names them (`fixed`, `forbidden` pairs, `released`,
    `leaving`): by the names the candidates give them (:attr:`Instance.read_by`), a candidate
    matrix's ids or a pandas cost table's labels (strings, or integers, numpy's included),
    else by position. Against a table labelled otherwise than by position, a number that is
    none of its labels is refused with `inst.by_position` (it could mean a position), and so
    is every value when its labels cannot name results (repeated, floats, dates). An unknown
    name or an index out of range is a problem naming it; its index is None.
    """
    what = ("participant", "provider")[axis]
    values = list(values)  # read once: a generator is not read twice
    names = inst.read_by
    if names is None:
        if inst.by_position is not None:
            if values:
                problems.append(Problem(path, inst.by_position))
            return [None] * len(values)
        return [_position(v, (inst.arcs.n, inst.arcs.m)[axis], what, (*path, k), problems)
                for k, v in enumerate(values)]  # fmt: skip
    index: dict[Label, int] = {v: k for k, v in enumerate(names[axis])}
    kind = "ids" if inst.participant_ids is not None else "labels"
    out: list[int | None] = []
    numbers: list[int] = []
    refused: list[int] = []
    for k, value in enumerate(values):
        key = _name_key(value)
        found = index.get(key) if key is not None else None
        if found is None and inst.by_position is not None and isinstance(key, int):
            numbers.append(key)
        elif found is None:
            refused.append(k)
        out.append(found)
    hints = near_ids(names[axis], [values[k] for k in refused])  # one pass over the names
    problems.extend(Problem((*path, k), f"{shown(values[k])} is not one of the {what} {kind}{hint}")
                    for k, hint in zip(refused, hints, strict=True))  # fmt: skip
    if numbers:
        listed = ", ".join(map(shown, numbers[:_MAX_LISTED]))
        more = f", ... ({len(numbers)} in all)" if len(numbers) > _MAX_LISTED else ""
        are = f"is no {what} label" if len(numbers) == 1 else f"are no {what} labels"
        msg = f"{inst.by_position}, or name them by its labels ({listed}{more} {are})"
        problems.append(Problem(path, msg))
    return out


def _name_key(value: object) -> Label | None:
    """`value` as a name can be (a str, or an int for any integer but a bool), else None."""
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        return int(value)
    return None


def _position(
    value: object, size: int, what: str, path: tuple[str | int, ...], problems: list[Problem]
) -> int | None:
    """`value` as a row or column number in ``[0, size)``; None and a problem if it is not."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        msg = f"expected a {what} index (an integer in [0, {size})), got {shown(value)}"
        problems.append(Problem(path, msg))
        return None
    if not 0 <= int(value) < size:
        problems.append(Problem(path, f"{what} index {shown(int(value))} is outside [0, {size})"))
        return None
    return int(value)


def pairs_of(value: object, name: str, problems: list[Problem]) -> list[tuple[object, object]]:
    """A mapping or a sequence of 2-item pairs as a list of pairs."""
    if value is None:
        return []
    if isinstance(value, Mapping):
        return list(value.items())
    if isinstance(value, np.ndarray) and value.ndim == 2 and value.shape[1] == 2:
        return [(a, b) for a, b in value.tolist()]
    if isinstance(value, str) or not isinstance(value, Iterable):
        msg = (
            f"expected a mapping of participant to provider or a sequence of (participant, "
            f"provider) pairs, got {type(value).__name__}"
        )
        problems.append(Problem((name,), msg))
        return []
    out: list[tuple[object, object]] = []
    for k, item in enumerate(value):
        if isinstance(item, str) or not isinstance(item, Sequence | np.ndarray) or len(item) != 2:
            problems.append(
                Problem((name, k), f"expected a (participant, provider) pair, got {shown(item)}")
            )
            continue
        out.append((item[0], item[1]))
    return out


def pairs_to_index(
    value: object, inst: Instance, name: str, problems: list[Problem]
) -> list[tuple[int, int, int]]:
    """``(item, row, column)`` of each pair in `value` whose two names are known.

    `value` holds (participant, provider) pairs, named as :func:`labels_to_index` reads them;
    each pair it cannot read is a problem.
    """
    pairs = pairs_of(value, name, problems)
    if pairs and inst.read_by is None and inst.by_position is not None:
        problems.append(Problem((name,), inst.by_position))  # once, not once per axis
        return []
    rows = labels_to_index((p for p, _ in pairs), inst, 0, (name,), problems)
    cols = labels_to_index((q for _, q in pairs), inst, 1, (name,), problems)
    return [(k, r, c) for k, (r, c) in enumerate(zip(rows, cols, strict=True))
            if r is not None and c is not None]  # fmt: skip


def instance_iv(
    candidates: object, capacity: object, forbidden: object, problems: list[Problem]
) -> Instance | None:
    """The allowed pairs, capacities, ids and scores of `candidates` (forbidden pairs removed)."""
    participant_ids = provider_ids = None
    scores = None
    if is_candidates(candidates):
        from scipy.sparse import csr_array

        cm = cast(CandidateLike, candidates)
        participant_ids = tuple(cm.participant_ids)
        provider_ids = tuple(cm.provider_ids)
        scores = csr_array(cm.scores, dtype=np.float64)
        if not scores.has_canonical_format:
            scores = scores.copy()
            scores.sum_duplicates()
        cost: object = cm.cost()
        if capacity is None:
            capacity = cm.capacity
    else:
        cost = candidates
        if capacity is None:
            msg = "is required with a cost matrix (one integer per provider, or one for all)"
            problems.append(Problem(("capacity",), msg))
    arcs = cost_arcs(cost, problems)
    caps = (
        capacity_iv(
            capacity,
            arcs.m if arcs is not None else None,
            problems,
            provider_labels(cost) if provider_ids is None else provider_ids,
        )
        if (capacity is not None)
        else None
    )
    if arcs is None or caps is None:
        return None
    if participant_ids is not None and provider_ids is not None:
        if len(participant_ids) != arcs.n or len(provider_ids) != arcs.m:
            msg = (
                f"the candidate matrix has {len(participant_ids)} participant and "
                f"{len(provider_ids)} provider ids for a cost matrix of shape {(arcs.n, arcs.m)}"
            )
            problems.append(Problem(("candidates",), msg))
            return None
        for ids, what in ((participant_ids, "participant"), (provider_ids, "provider")):
            if len(set(ids)) != len(ids):
                seen: set[str] = set()
                dup = sorted({i for i in ids if i in seen or seen.add(i)})  # type: ignore[func-returns-value]
                msg = f"duplicate {what} ids: {', '.join(map(repr, dup[:_MAX_LISTED]))}"
                problems.append(Problem(("candidates",), msg))
                return None
    labels = cost_labels(cost) if participant_ids is None else (participant_ids, provider_ids)
    refused = by_position_refused(labels, arcs.n, arcs.m) if participant_ids is None else None
    kept = table_labels(labels) if refused is not None else None
    inst = Instance(arcs, caps, participant_ids, provider_ids, scores, refused, kept)
    banned = forbidden_iv(forbidden, inst, problems, labels)
    return attrs.evolve(inst, arcs=drop_cells(arcs, banned))


def table_labels(labels: tuple[object, object] | None) -> Names | None:
    """A pandas cost table's row and column labels as the names of its results, or None.

    Kept when each axis holds distinct strings and integers whose text is distinct too (JSON
    writes a key as text: ``1`` and ``"1"`` would name one participant twice). Other labels
    (repeated, or floats, dates, tuples) leave the table read by position, as its numpy array.
    """
    if labels is None:
        return None
    out: list[tuple[Label, ...]] = []
    for axis in labels:
        values = cast(Any, axis).tolist()
        if not all(isinstance(v, str | int) and not isinstance(v, bool) for v in values):
            return None
        kept = tuple(str(v) if isinstance(v, str) else int(v) for v in values)
        if len({str(v) for v in kept}) != len(kept):
            return None
        out.append(kept)
    return out[0], out[1]


def permuted(inst: Instance, rows: IndexArray, cols: IndexArray, labels: Names | None) -> Instance:
    """A cost table's instance with its rows and columns put in another order.

    Row ``i`` of the result is row ``rows[i]`` of `inst`, column ``j`` its column ``cols[j]``;
    `labels` are the result's labels (None for positions). Only for a cost table: a candidate
    matrix's scores are not moved.
    """
    arcs = inst.arcs
    new_row = np.empty(arcs.n, dtype=np.intp)
    new_row[rows] = np.arange(arcs.n, dtype=np.intp)
    new_col = np.empty(arcs.m, dtype=np.intp)
    new_col[cols] = np.arange(arcs.m, dtype=np.intp)
    r = new_row[np.repeat(np.arange(arcs.n, dtype=np.intp), np.diff(arcs.indptr))]
    c = new_col[arcs.cols]
    order = np.lexsort((c, r))
    indptr = np.zeros(arcs.n + 1, dtype=np.intp)
    np.cumsum(np.bincount(r, minlength=arcs.n), out=indptr[1:])
    moved = Arcs(arcs.n, arcs.m, indptr, c[order], arcs.costs[order])
    return attrs.evolve(inst, arcs=moved, capacity=inst.capacity[cols], labels=labels)


def with_surcharge(
    inst: Instance, rows: IndexArray, cols: IndexArray, surcharge: float
) -> Instance:
    """The same instance with the pairs ``(rows[k], cols[k])`` made `surcharge` dearer."""
    arcs = inst.arcs
    hit = np.isin(inst.keys, rows.astype(np.int64) * np.int64(arcs.m) + cols.astype(np.int64))
    costs = arcs.costs + np.where(hit, surcharge, 0.0)
    return attrs.evolve(inst, arcs=Arcs(arcs.n, arcs.m, arcs.indptr, arcs.cols, costs))


def with_row_surcharge(inst: Instance, rows: IndexArray, surcharge: float) -> Instance:
    """The same instance with every pair of the participants `rows` made `surcharge` dearer."""
    arcs = inst.arcs
    hit = np.zeros(arcs.n, dtype=bool)
    hit[rows] = True
    owner = np.repeat(hit, np.diff(arcs.indptr))
    costs = arcs.costs + np.where(owner, surcharge, 0.0)
    return attrs.evolve(inst, arcs=Arcs(arcs.n, arcs.m, arcs.indptr, arcs.cols, costs))


def forbidden_iv(
    forbidden: object,
    inst: Instance,
    problems: list[Problem],
    labels: tuple[object, object] | None = None,
) -> IndexArray:
    """Forbidden pairs as sorted ``row * m + col``; pairs named as :func:`labels_to_index` reads.

    A mask (boolean array, sparse matrix) is read by position, a pandas DataFrame mask by
    `labels`, the rows' and columns' labels (the cost table's, or a candidate matrix's ids);
    None when `cost` has none.
    """
    arcs = inst.arcs
    if forbidden is None:
        return np.zeros(0, dtype=np.intp)
    if (
        inst.read_by is None
        or is_sparse(forbidden)
        or (isinstance(forbidden, np.ndarray) and forbidden.dtype.kind == "b")
        or is_mask_frame(forbidden)
    ):
        return forbidden_cells(forbidden, arcs.n, arcs.m, problems, labels)
    if reads_as_mask(forbidden, arcs.n, arcs.m):  # refused there as a mask or pairs alike
        return forbidden_cells(forbidden, arcs.n, arcs.m, problems)
    cells = [r * arcs.m + c for _, r, c in pairs_to_index(forbidden, inst, "forbidden", problems)]
    return np.unique(np.asarray(cells, dtype=np.intp))


def max_load_iv(max_load: object, capacity: IntArray, problems: list[Problem]) -> IntArray:
    """The per-provider cap: capacity, or less under an integer cap or a share of capacity."""
    if max_load is None:
        return capacity.copy()
    given: object = max_load
    if isinstance(given, bool) or not isinstance(given, int | float | np.integer | np.floating):
        msg = (
            f"expected None, a non-negative integer (a cap per provider) or a float in (0, 1] "
            f"(a share of each provider's capacity), got {shown(given)}"
        )
        problems.append(Problem(("max_load",), msg))
        return capacity.copy()
    if isinstance(given, int | np.integer):
        if given < 0:
            problems.append(
                Problem(("max_load",), f"expected a non-negative integer, got {shown(given)}")
            )
            return capacity.copy()
        return np.minimum(capacity, np.int64(min(int(given), MAX_CAPACITY)))
    share = float(given)
    if not 0 < share <= 1:
        msg = f"a share of capacity must lie in (0, 1], got {shown(share)}; pass an int for a count"
        problems.append(Problem(("max_load",), msg))
        return capacity.copy()
    capped: IntArray = np.floor(capacity * share + 1e-9).astype(np.int64)
    return capped


@attrs.frozen
class _Registered:
    """A registered matcher under the name it was looked up by (``register(m, name=...)``)."""

    name: str
    plugin: Matcher

    def match(self, cost: Any, capacity: IntArray, *, rng: np.random.Generator) -> Any:
        return self.plugin.match(cost, capacity, rng=rng)


def matcher_iv(matcher: object, problems: list[Problem]) -> Matcher | None:
    """A registered matcher's name, or an object implementing the matcher protocol."""
    if isinstance(matcher, str):
        try:
            found: Matcher = find_plugin("matcher", matcher)
        except SchemaError as exc:
            problems.extend(Problem(("matcher",), p.message) for p in exc.problems)
            return None
        own, _ = read_name(found)
        return found if own == matcher else cast(Matcher, _Registered(matcher, found))
    lacks = plugin_lacks(matcher, "matcher", None)
    if kind_of(matcher) != "matcher" or lacks:
        missing = "; ".join(lacks) or "a `match` method"
        msg = (f"expected a matcher name or an object with `name` and `match`; "
               f"{describe_value(matcher)} lacks {missing}")  # fmt: skip
        problems.append(Problem(("matcher",), msg))
        return None
    return cast(Matcher, matcher)


def fixed_iv(
    fixed: object, inst: Instance, cap_limit: IntArray, problems: list[Problem]
) -> IndexArray:
    """Per participant, the provider its pair is fixed to (-1 for none)."""
    arcs = inst.arcs
    out = np.full(arcs.n, -1, dtype=np.intp)
    good = pairs_to_index(fixed, inst, "fixed", problems)
    if not good:
        return out
    ks = np.array([k for k, _, _ in good], dtype=np.intp)
    rr = np.array([r for _, r, _ in good], dtype=np.intp)
    cc = np.array([c for _, _, c in good], dtype=np.intp)
    allowed, _ = inst.lookup(rr, cc)
    for k, r, c in zip(ks[~allowed].tolist(), rr[~allowed].tolist(), cc[~allowed].tolist(),
                       strict=True):  # fmt: skip
        msg = (
            f"the pair ({shown(label(inst, r, 'row'))}, {shown(label(inst, c, 'col'))}) is not allowed "
            "(not a candidate, or forbidden); fix only allowed pairs"
        )
        problems.append(Problem(("fixed", k), msg))
    seen: dict[int, int] = {}
    for k, r in zip(ks.tolist(), rr.tolist(), strict=True):
        if r in seen:
            msg = f"participant {shown(label(inst, r, 'row'))} is fixed twice (items {seen[r]} and {k})"
            problems.append(Problem(("fixed", k), msg))
        seen[r] = k
    out[rr] = cc
    if problems:
        return out
    load = np.bincount(cc, minlength=arcs.m)
    over = np.flatnonzero(load > cap_limit)
    if over.size:
        parts = [
            f"{shown(label(inst, int(j), 'col'))} gets {int(load[j])} fixed participants for "
            f"{int(cap_limit[j])} places ({int(load[j] - cap_limit[j])} too many)"
            for j in over[:_MAX_LISTED]
        ]
        more = f", ... ({over.size} providers in all)" if over.size > _MAX_LISTED else ""
        msg = (
            "`fixed` puts more participants with a provider than it may take (capacity, or "
            f"`max_load`): {'; '.join(parts)}{more}"
        )
        raise InfeasibleError(msg)
    return out


def label(inst: Instance, index: int, axis: str) -> Label:
    """The id or label of row or column `index` (`axis` ``"row"`` or ``"col"``), else `index`."""
    names = inst.names
    return names[0 if axis == "row" else 1][index] if names is not None else index
