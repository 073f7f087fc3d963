"""Assigning participants to providers: the one entry point over every matcher.

:func:`assign` takes a candidate matrix (the compatibility of each participant with its best
providers) or a plain cost matrix, and returns an :class:`Assignment`. It validates the input
once, removes forbidden pairs, takes pairs fixed by a person (chosen from a shortlist, say) out
of the problem and out of the providers' capacities, applies a load cap or a penalty on
concentration, hands the canonical problem to a matcher (``"exact"`` by default, or any
plugin), checks the matcher's answer, and reports the quality of the result: total cost and
compatibility, who stayed unassigned and why, and how evenly the load is spread.

The load penalty, exactly
-------------------------
With ``load_penalty = λ > 0`` the objective adds ``λ * Σ_j load_j**2 / capacity_j``: a convex
cost of each provider's load that, alone, would fill every provider to the same share of its
capacity. Participant ``t`` of provider ``j`` adds ``λ * (2t - 1) / capacity_j`` to it (the
difference between ``t**2`` and ``(t - 1)**2``, scaled), an amount that grows with ``t``. So
each provider is split into unit *tiers* ``t = 1, 2, ...``, each with capacity 1 and that extra
cost on every arc into it. Because the extra costs increase along the tiers, a minimum-cost
solution of the split problem fills a provider's tiers in order, and its cost is the pair costs
plus the penalty exactly: the split problem has the same optimum as the penalised one (the
standard reduction of a separable convex cost to a min-cost flow with parallel unit arcs, see
Ahuja, Magnanti & Orlin 1993, *Network Flows*, sec. 14.2). The ``"exact"`` matcher therefore
solves the penalised problem exactly; the price is that each participant's candidate list grows
by the providers' capacities (a provider of capacity 25 becomes 25 columns).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, Protocol, TypeAlias, cast

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from sparkus._checks import check_rng
from sparkus._errors import InfeasibleError, Problem, SchemaError
from sparkus._results import Result, Table, format_number
from sparkus.matching._pairing.exact.arcs import (
    Arcs,
    capacity_iv,
    cost_arcs,
    drop_cells,
    forbidden_cells,
    is_sparse,
)
from sparkus.matching._pairing.exact.solve import CAPACITY, NO_CANDIDATE
from sparkus.matching._pairing.protocols import Matcher
from sparkus.matching._pairing.registry import _check, _kind_of, get_matcher

if TYPE_CHECKING:
    from scipy.sparse import csr_array, sparray, spmatrix

    SparseLike: TypeAlias = sparray | spmatrix
else:
    SparseLike: TypeAlias = Any
    csr_array = Any

__all__ = ["Assignment", "assign"]

FloatArray: TypeAlias = NDArray[np.float64]
IntArray: TypeAlias = NDArray[np.int64]
IndexArray: TypeAlias = NDArray[np.intp]
BoolArray: TypeAlias = NDArray[np.bool_]
Label: TypeAlias = str | int
"""A participant or provider as the caller knows it: its id, or its row or column index."""

MAX_LOAD: Final = "max_load"
"""Reason for a participant whose allowed providers have room left only beyond `max_load`."""

NOT_PLACED: Final = "not placed by the matcher"
"""Reason for a participant left out although an allowed provider had room (a heuristic)."""

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


def _is_candidates(value: object) -> bool:
    return all(hasattr(value, a) for a in ("participant_ids", "provider_ids", "scores", "cost"))


# -- the result ----------------------------------------------------------------------------------


def _gini(values: FloatArray) -> float:
    """The Gini coefficient of non-negative values: 0 when all are equal (or all zero)."""
    k = values.shape[0]
    total = float(values.sum())
    if k == 0 or total == 0:
        return 0.0
    ordered = np.sort(values)
    ranks = np.arange(1, k + 1, dtype=np.float64)
    # mean absolute difference / (2 * mean), in the O(k log k) form of the sorted values
    return float((2.0 * np.dot(ranks, ordered) / (k * total)) - (k + 1) / k)


@attrs.frozen(repr=False, eq=False)
class Assignment(Result):
    """Who is placed with whom, what it costs, and how evenly the load is spread.

    .. versionadded:: 0.1

    Attributes
    ----------
    provider : ndarray of int
        Per participant (row), the provider (column) it is placed with, or -1.
    matcher : str
        The name of the matcher that made the assignment.
    n_assigned : int
        How many participants are placed, fixed pairs included.
    total_cost : float
        The sum of the costs of the placed pairs (fixed pairs included; the penalty is not).
    penalty : float
        The load penalty of the result, ``load_penalty * Σ_j load_j**2 / capacity_j``
        (0 without a penalty).
    load_penalty : float
        The weight of the load penalty the assignment was made with.
    pair_cost : ndarray of float
        Per participant, the cost of its pair (NaN when unassigned).
    compatibility : ndarray of float or None
        Per participant, the compatibility score of its pair (NaN when unassigned), when the
        input was a candidate matrix; None for a plain cost matrix.
    fixed : ndarray of bool
        Per participant, whether its pair was fixed by the caller.
    unassigned : dict
        For each participant left unplaced (by id, or by row for a cost matrix), why:
        ``"no candidate"`` (no allowed provider), ``"capacity"`` (the places went to others),
        ``"max_load"`` (places were left only beyond the load cap), ``"not placed by the
        matcher"`` (an allowed provider had room: the matcher is a heuristic).
    load : ndarray of int
        Per provider, how many participants it receives.
    capacity : ndarray of int
        Per provider, its capacity.
    max_load : ndarray of int
        Per provider, the most it may receive here: its capacity, or less under a load cap.
    load_gini : float
        The Gini coefficient of the providers' utilisation (load / capacity, over providers
        of positive capacity): 0 when every provider is filled to the same share.
    max_utilisation : float
        The largest load / capacity.
    peak_to_mean : float
        The largest utilisation over the mean utilisation (1 is perfectly even; NaN when
        nobody is placed).
    participant_ids, provider_ids : tuple of str or None
        The ids of the rows and columns, for a candidate matrix.

    Examples
    --------
    :func:`assign` returns one; here five participants and two providers with three places:

    >>> import numpy as np
    >>> from sparkus.matching import assign
    >>> cost = np.array([[0.1, 0.5], [0.2, 0.7], [0.1, 0.4], [0.3, 0.4], [0.2, np.nan]])
    >>> result = assign(cost, capacity=3)
    >>> result
    Assignment(n=5, assigned=5, total_cost=1.3, load_gini=0.100, matcher='exact')
    >>> result.pairs()
    {0: 0, 1: 0, 2: 1, 3: 1, 4: 0}
    >>> result.load, result.capacity, result.unassigned
    (array([3, 2]), array([3, 3]), {})
    >>> print(result.summary())
    Assignment
    quantity                value
    ----------------------  -----
    matcher                 exact
    participants                5
    assigned                    5
    of which fixed              0
    total cost                1.3
    mean cost per assigned   0.26
    <BLANKLINE>
    Load
    quantity                                     value
    -----------------------------  -------------------
    providers                                        2
    providers used / with places                 2 / 2
    capacity used                               5 of 6
    utilisation: min / mean / max  0.6667 / 0.8333 / 1
    peak / mean utilisation                        1.2
    Gini of utilisation                            0.1
    utilisation = load / capacity; a Gini of 0 means every provider equally full
    """

    provider: IndexArray
    matcher: str
    n_assigned: int
    total_cost: float
    penalty: float
    load_penalty: float
    pair_cost: FloatArray
    compatibility: FloatArray | None
    fixed: BoolArray
    unassigned: dict[Label, str]
    load: IntArray
    capacity: IntArray
    max_load: IntArray
    load_gini: float
    max_utilisation: float
    peak_to_mean: float
    participant_ids: tuple[str, ...] | None
    provider_ids: tuple[str, ...] | None

    @property
    def n(self) -> int:
        """The number of participants (rows)."""
        return int(self.provider.shape[0])

    @property
    def mean_compatibility(self) -> float | None:
        """The mean compatibility of the placed pairs (None without a candidate matrix)."""
        if self.compatibility is None:
            return None
        placed = self.compatibility[self.provider >= 0]
        return float(placed.mean()) if placed.size else math.nan

    @property
    def utilisation(self) -> FloatArray:
        """Per provider, load / capacity (NaN for a provider of capacity 0)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            out = self.load / self.capacity.astype(np.float64)
        out[self.capacity == 0] = np.nan
        return out

    def participant_label(self, row: int) -> Label:
        """The id of participant `row` (the row itself for a cost matrix)."""
        return self.participant_ids[row] if self.participant_ids is not None else int(row)

    def provider_label(self, col: int) -> Label:
        """The id of provider `col` (the column itself for a cost matrix)."""
        return self.provider_ids[col] if self.provider_ids is not None else int(col)

    def pairs(self) -> dict[Label, Label]:
        """Each placed participant with its provider, by id (by index for a cost matrix)."""
        rows = np.flatnonzero(self.provider >= 0).tolist()
        return {self.participant_label(i): self.provider_label(int(self.provider[i])) for i in rows}

    def _headline(self) -> str:
        extra = ""
        mean = self.mean_compatibility
        if mean is not None:
            extra = f", mean_compatibility={format_number(mean)}"
        return (
            f"n={self.n}, assigned={self.n_assigned}, total_cost={format_number(self.total_cost)}"
            f"{extra}, load_gini={self.load_gini:.3f}, matcher={self.matcher!r}"
        )

    def _tables(self) -> list[Table]:
        reasons = list(self.unassigned.values())
        mean_cost = self.total_cost / self.n_assigned if self.n_assigned else None
        positive = self.capacity > 0
        rows: list[tuple[str, str]] = [
            ("matcher", self.matcher),
            ("participants", format_number(self.n)),
            ("assigned", format_number(self.n_assigned)),
            ("of which fixed", format_number(int(self.fixed.sum()))),
        ]
        rows += [
            (f"unassigned: {reason}", format_number(reasons.count(reason)))
            for reason in sorted(set(reasons))
        ]
        rows += [
            ("total cost", format_number(self.total_cost)),
            ("mean cost per assigned", format_number(mean_cost)),
        ]
        if self.compatibility is not None:
            rows.append(("mean compatibility", format_number(self.mean_compatibility)))
        if self.load_penalty:
            rows.append(("load penalty (weight)", format_number(self.load_penalty)))
            rows.append(("load penalty (value)", format_number(self.penalty)))
        quality = Table("Assignment", ("quantity", "value"), tuple(rows))
        util = self.utilisation[positive]
        spread = (
            ("providers", format_number(int(self.load.shape[0]))),
            ("providers used / with places",
             f"{int((self.load > 0).sum()):,} / {int(positive.sum()):,}"),
            ("capacity used", f"{int(self.load.sum()):,} of {int(self.capacity.sum()):,}"),
            ("utilisation: min / mean / max", " / ".join(
                format_number(float(f(util))) if util.size else "-"
                for f in (np.min, np.mean, np.max)
            )),
            ("peak / mean utilisation", format_number(self.peak_to_mean)),
            ("Gini of utilisation", format_number(self.load_gini)),
        )  # fmt: skip
        note = "utilisation = load / capacity; a Gini of 0 means every provider equally full"
        return [quality, Table("Load", ("quantity", "value"), spread, note)]


# -- input validation ----------------------------------------------------------------------------


@attrs.frozen(eq=False)
class _Instance:
    """A validated problem: allowed pairs (forbidden ones removed), capacities, ids, scores."""

    arcs: Arcs
    capacity: IntArray
    participant_ids: tuple[str, ...] | None
    provider_ids: tuple[str, ...] | None
    scores: Any  # canonical csr_array of the candidate scores, or None

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


def _labels_to_index(
    values: Iterable[object],
    ids: tuple[str, ...] | None,
    size: int,
    what: str,
    path: tuple[str | int, ...],
    problems: list[Problem],
) -> list[int | None]:
    """Ids (or indices, for a cost matrix) to indices; None and a problem for an unknown one."""
    index = {v: k for k, v in enumerate(ids)} if ids is not None else None
    out: list[int | None] = []
    for k, value in enumerate(values):
        if index is not None:
            found = index.get(value) if isinstance(value, str) else None
            if found is None:
                msg = f"{value!r} is not one of the {what} ids"
                problems.append(Problem((*path, k), msg))
            out.append(found)
            continue
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            msg = f"expected a {what} index (an integer in [0, {size})), got {value!r}"
            problems.append(Problem((*path, k), msg))
            out.append(None)
        elif not 0 <= int(value) < size:
            msg = f"{what} index {int(value)} is outside [0, {size})"
            problems.append(Problem((*path, k), msg))
            out.append(None)
        else:
            out.append(int(value))
    return out


def _pairs_of(value: object, name: str, problems: list[Problem]) -> list[tuple[object, object]]:
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
                Problem((name, k), f"expected a (participant, provider) pair, got {item!r}")
            )
            continue
        out.append((item[0], item[1]))
    return out


def _instance_iv(
    candidates: object, capacity: object, forbidden: object, problems: list[Problem]
) -> _Instance | None:
    """The allowed pairs, capacities, ids and scores of `candidates` (forbidden pairs removed)."""
    participant_ids = provider_ids = None
    scores = None
    if _is_candidates(candidates):
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
        capacity_iv(capacity, arcs.m if arcs is not None else None, problems)
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
    banned = _forbidden_iv(forbidden, arcs, participant_ids, provider_ids, problems)
    return _Instance(drop_cells(arcs, banned), caps, participant_ids, provider_ids, scores)


def _with_surcharge(
    inst: _Instance, rows: IndexArray, cols: IndexArray, surcharge: float
) -> _Instance:
    """The same instance with the pairs ``(rows[k], cols[k])`` made `surcharge` dearer."""
    arcs = inst.arcs
    hit = np.isin(inst.keys, rows.astype(np.int64) * np.int64(arcs.m) + cols.astype(np.int64))
    costs = arcs.costs + np.where(hit, surcharge, 0.0)
    return attrs.evolve(inst, arcs=Arcs(arcs.n, arcs.m, arcs.indptr, arcs.cols, costs))


def _forbidden_iv(
    forbidden: object,
    arcs: Arcs,
    participant_ids: tuple[str, ...] | None,
    provider_ids: tuple[str, ...] | None,
    problems: list[Problem],
) -> IndexArray:
    """Forbidden pairs as sorted ``row * m + col`` (by id for a candidate matrix)."""
    if forbidden is None:
        return np.zeros(0, dtype=np.intp)
    if (
        participant_ids is None
        or is_sparse(forbidden)
        or (isinstance(forbidden, np.ndarray) and forbidden.dtype.kind == "b")
    ):
        return forbidden_cells(forbidden, arcs.n, arcs.m, problems)
    pairs = _pairs_of(forbidden, "forbidden", problems)
    rows = _labels_to_index((p for p, _ in pairs), participant_ids, arcs.n, "participant",
                            ("forbidden",), problems)  # fmt: skip
    cols = _labels_to_index((q for _, q in pairs), provider_ids, arcs.m, "provider",
                            ("forbidden",), problems)  # fmt: skip
    cells = [
        r * arcs.m + c for r, c in zip(rows, cols, strict=True) if r is not None and c is not None
    ]
    return np.unique(np.asarray(cells, dtype=np.intp))


def _max_load_iv(max_load: object, capacity: IntArray, problems: list[Problem]) -> IntArray:
    """The per-provider cap: capacity, or less under an integer cap or a share of capacity."""
    if max_load is None:
        return capacity.copy()
    given: object = max_load
    if isinstance(given, bool) or not isinstance(given, int | float | np.integer | np.floating):
        msg = (
            f"expected None, a non-negative integer (a cap per provider) or a float in (0, 1] "
            f"(a share of each provider's capacity), got {given!r}"
        )
        problems.append(Problem(("max_load",), msg))
        return capacity.copy()
    if isinstance(given, int | np.integer):
        if given < 0:
            problems.append(Problem(("max_load",), f"expected a non-negative integer, got {given}"))
            return capacity.copy()
        return np.minimum(capacity, np.int64(given))
    share = float(given)
    if not 0 < share <= 1:
        msg = f"a share of capacity must lie in (0, 1], got {share!r}; pass an int for a count"
        problems.append(Problem(("max_load",), msg))
        return capacity.copy()
    capped: IntArray = np.floor(capacity * share + 1e-9).astype(np.int64)
    return capped


def _matcher_iv(matcher: object, problems: list[Problem]) -> Matcher | None:
    if isinstance(matcher, str):
        try:
            return get_matcher(matcher)
        except SchemaError as exc:
            problems.extend(Problem(("matcher",), p.message) for p in exc.problems)
            return None
    if _kind_of(matcher) != "matcher" or _check(matcher, "matcher", None):
        lacks = "; ".join(_check(matcher, "matcher", None)) or "a `match` method"
        msg = f"expected a matcher name or an object with `name` and `match`; {matcher!r} lacks {lacks}"
        problems.append(Problem(("matcher",), msg))
        return None
    return cast(Matcher, matcher)


def _fixed_iv(
    fixed: object, inst: _Instance, cap_limit: IntArray, problems: list[Problem]
) -> IndexArray:
    """Per participant, the provider its pair is fixed to (-1 for none)."""
    arcs = inst.arcs
    out = np.full(arcs.n, -1, dtype=np.intp)
    pairs = _pairs_of(fixed, "fixed", problems)
    if not pairs:
        return out
    rows = _labels_to_index((p for p, _ in pairs), inst.participant_ids, arcs.n, "participant",
                            ("fixed",), problems)  # fmt: skip
    cols = _labels_to_index((q for _, q in pairs), inst.provider_ids, arcs.m, "provider",
                            ("fixed",), problems)  # fmt: skip
    good = [(k, r, c) for k, (r, c) in enumerate(zip(rows, cols, strict=True))
            if r is not None and c is not None]  # fmt: skip
    if not good:
        return out
    ks = np.array([k for k, _, _ in good], dtype=np.intp)
    rr = np.array([r for _, r, _ in good], dtype=np.intp)
    cc = np.array([c for _, _, c in good], dtype=np.intp)
    allowed, _ = inst.lookup(rr, cc)
    for k, r, c in zip(ks[~allowed].tolist(), rr[~allowed].tolist(), cc[~allowed].tolist(),
                       strict=True):  # fmt: skip
        msg = (
            f"the pair ({_label(inst, r, 'row')!r}, {_label(inst, c, 'col')!r}) is not allowed "
            "(not a candidate, or forbidden); fix only allowed pairs"
        )
        problems.append(Problem(("fixed", k), msg))
    seen: dict[int, int] = {}
    for k, r in zip(ks.tolist(), rr.tolist(), strict=True):
        if r in seen:
            msg = f"participant {_label(inst, r, 'row')!r} is fixed twice (items {seen[r]} and {k})"
            problems.append(Problem(("fixed", k), msg))
        seen[r] = k
    out[rr] = cc
    if problems:
        return out
    load = np.bincount(cc, minlength=arcs.m)
    over = np.flatnonzero(load > cap_limit)
    if over.size:
        parts = [
            f"{_label(inst, int(j), 'col')!r} gets {int(load[j])} fixed participants for "
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


def _label(inst: _Instance, index: int, axis: str) -> Label:
    ids = inst.participant_ids if axis == "row" else inst.provider_ids
    return ids[index] if ids is not None else index


# -- the solve -----------------------------------------------------------------------------------


def _select_rows(arcs: Arcs, rows: IndexArray) -> tuple[IndexArray, IndexArray, FloatArray]:
    """The CSR arrays ``(indptr, cols, costs)`` of the given rows only."""
    degree = np.diff(arcs.indptr)[rows]
    indptr = np.zeros(rows.shape[0] + 1, dtype=np.intp)
    np.cumsum(degree, out=indptr[1:])
    take = np.repeat(arcs.indptr[rows] - indptr[:-1], degree) + np.arange(
        int(indptr[-1]), dtype=np.intp
    )
    return indptr, arcs.cols[take], arcs.costs[take]


def _tiers(
    indptr: IndexArray,
    cols: IndexArray,
    costs: FloatArray,
    room: IntArray,
    start: IntArray,
    capacity: IntArray,
    load_penalty: float,
) -> tuple[IndexArray, IndexArray, FloatArray, IndexArray]:
    """Split each provider into unit tiers of increasing cost (see the module notes).

    Provider ``j`` becomes ``room[j]`` columns; tier ``s`` (0-based) is its participant
    ``t = start[j] + s + 1`` and costs ``load_penalty * (2t - 1) / capacity[j]`` more.
    Returns the expanded ``(indptr, cols, costs)`` and the provider of each tier column.
    """
    m = room.shape[0]
    offset = np.zeros(m + 1, dtype=np.intp)
    np.cumsum(room, out=offset[1:])
    tier_provider = np.repeat(np.arange(m, dtype=np.intp), room)
    tier_index = np.arange(int(offset[-1]), dtype=np.intp) - offset[:-1][tier_provider]
    t = start[tier_provider] + tier_index + 1
    with np.errstate(divide="ignore", invalid="ignore"):
        extra = load_penalty * (2.0 * t - 1.0) / capacity[tier_provider]
    n_rows = indptr.shape[0] - 1
    per_arc = room[cols]
    rows = np.repeat(np.arange(n_rows, dtype=np.intp), np.diff(indptr))
    first = np.repeat(offset[:-1][cols], per_arc)
    within = np.arange(int(per_arc.sum()), dtype=np.intp) - np.repeat(
        np.cumsum(per_arc) - per_arc, per_arc
    )
    new_cols = first + within
    new_costs = np.repeat(costs, per_arc) + extra[new_cols]
    new_indptr = np.zeros(n_rows + 1, dtype=np.intp)
    np.cumsum(np.bincount(np.repeat(rows, per_arc), minlength=n_rows), out=new_indptr[1:])
    return new_indptr, new_cols, new_costs, tier_provider


def _check_answer(answer: object, cost: Any, capacity: IntArray, name: str) -> IndexArray:
    """The matcher's answer, checked against the contract; an error names the matcher."""

    def breach(what: str) -> SchemaError:
        msg = f"the matcher {name!r} broke its contract: {what}"
        return SchemaError([Problem(("matcher",), msg)])

    n, m = (int(s) for s in cost.shape)
    if not isinstance(answer, np.ndarray):
        return_type = type(answer).__name__
        raise breach(f"`match` returned a {return_type}, expected a numpy integer array")
    if answer.dtype.kind not in "iu":
        raise breach(f"`match` returned dtype {answer.dtype}, expected integers")
    if answer.shape != (n,):
        raise breach(f"`match` returned shape {answer.shape}, expected ({n},), one per participant")
    out = answer.astype(np.intp)
    bad = np.flatnonzero((out < -1) | (out >= m))
    if bad.size:
        raise breach(
            f"provider columns outside [-1, {m}) for participants {bad[:_MAX_LISTED].tolist()}"
        )
    placed = np.flatnonzero(out >= 0)
    load = np.bincount(out[placed], minlength=m)
    over = np.flatnonzero(load > capacity)
    if over.size:
        shown = ", ".join(
            f"{int(j)}: {int(load[j])} > {int(capacity[j])}" for j in over[:_MAX_LISTED]
        )
        raise breach(f"capacity exceeded at columns {shown}")
    if placed.size:
        counts = np.diff(cost.indptr)
        keys = np.repeat(np.arange(n, dtype=np.int64), counts) * m + np.asarray(cost.indices)
        want = placed.astype(np.int64) * m + out[placed]
        where = np.searchsorted(keys, want)
        ok = np.zeros(placed.shape[0], dtype=bool)
        inside = where < keys.shape[0]
        ok[inside] = keys[where[inside]] == want[inside]
        if not ok.all():
            cells = [(int(i), int(out[i])) for i in placed[~ok][:_MAX_LISTED]]
            raise breach(f"pairs that are not allowed (forbidden or missing): {cells}")
    return out


def _solve(
    inst: _Instance,
    *,
    fixed_to: IndexArray,
    active: BoolArray,
    cap_limit: IntArray,
    load_penalty: float,
    matcher: Matcher,
    rng: np.random.Generator,
    standing: Mapping[int, str] | None = None,
) -> Assignment:
    """Solve for the `active` rows around the fixed pairs, check the answer, build the result.

    Rows neither fixed nor active stay unassigned with the reason in `standing`.
    """
    from scipy.sparse import csr_array

    m = inst.arcs.m
    is_fixed = fixed_to >= 0
    fixed_load = np.bincount(fixed_to[is_fixed], minlength=m).astype(np.int64)
    room = np.maximum(cap_limit - fixed_load, 0).astype(np.int64)
    rows = np.flatnonzero(active & ~is_fixed).astype(np.intp)
    indptr, cols, costs = _select_rows(inst.arcs, rows)
    name = str(getattr(matcher, "name", type(matcher).__name__))
    provider = fixed_to.copy()

    if load_penalty > 0:
        # only as many tiers as there are participants who could use them
        wanted = np.bincount(cols, minlength=m)
        tiers = np.minimum(room, wanted).astype(np.int64)
        indptr, cols_x, costs_x, tier_provider = _tiers(
            indptr, cols, costs, tiers, fixed_load, inst.capacity, load_penalty
        )
        problem = csr_array((costs_x, cols_x, indptr), shape=(rows.shape[0], int(tiers.sum())))
        problem_caps = np.ones(int(tiers.sum()), dtype=np.int64)
    else:
        problem = csr_array((costs, cols, indptr), shape=(rows.shape[0], m))
        problem_caps = room
        tier_provider = np.arange(m, dtype=np.intp)
    inputs: tuple[Any, ...] = (problem.data, problem.indices, problem.indptr, problem_caps)
    frozen = tuple(a.copy() for a in inputs)
    answer = matcher.match(problem, problem_caps, rng=rng)
    if not all(np.array_equal(a, b) for a, b in zip(frozen, inputs, strict=True)):
        msg = f"the matcher {name!r} broke its contract: it changed its input (cost or capacity)"
        raise SchemaError([Problem(("matcher",), msg)])
    chosen = _check_answer(answer, problem, problem_caps, name)
    placed = chosen >= 0
    provider[rows[placed]] = tier_provider[chosen[placed]]

    return _result(inst, provider, is_fixed, cap_limit, load_penalty, name, standing or {})


def _result(
    inst: _Instance,
    provider: IndexArray,
    is_fixed: BoolArray,
    cap_limit: IntArray,
    load_penalty: float,
    name: str,
    standing: Mapping[int, str],
) -> Assignment:
    """The :class:`Assignment` of a placement: costs, reasons, load and its spread."""
    arcs = inst.arcs
    n, m = arcs.n, arcs.m
    placed = np.flatnonzero(provider >= 0)
    _, pc = inst.lookup(placed, provider[placed])
    pair_cost = np.full(n, np.nan)
    pair_cost[placed] = pc
    compatibility = None
    if inst.scores is not None:
        compatibility = np.full(n, np.nan)
        compatibility[placed] = inst.score(placed, provider[placed])
    load = np.bincount(provider[placed], minlength=m).astype(np.int64)
    caps = inst.capacity
    positive = caps > 0
    util = load[positive] / caps[positive]
    with np.errstate(divide="ignore", invalid="ignore"):
        penalty = float(load_penalty * np.sum(load[positive] ** 2 / caps[positive]))
    mean_util = float(util.mean()) if util.size else 0.0
    peak = float(util.max()) if util.size else 0.0

    degree = np.diff(arcs.indptr)
    reasons: dict[Label, str] = {}
    unplaced = np.flatnonzero(provider < 0)
    if unplaced.size:
        room_cap = load < cap_limit
        room_beyond = (load < caps) & ~room_cap
        for i in unplaced.tolist():
            label = _label(inst, i, "row")
            if i in standing:
                reasons[label] = standing[i]
                continue
            allowed = arcs.cols[arcs.indptr[i] : arcs.indptr[i + 1]]
            if degree[i] == 0 or not (caps[allowed] > 0).any():
                reasons[label] = NO_CANDIDATE
            elif room_cap[allowed].any():
                reasons[label] = NOT_PLACED
            elif room_beyond[allowed].any():
                reasons[label] = MAX_LOAD
            else:
                reasons[label] = CAPACITY
    return Assignment(
        provider=provider,
        matcher=name,
        n_assigned=int(placed.shape[0]),
        total_cost=math.fsum(pair_cost[placed].tolist()),
        penalty=penalty,
        load_penalty=float(load_penalty),
        pair_cost=pair_cost,
        compatibility=compatibility,
        fixed=is_fixed,
        unassigned=reasons,
        load=load,
        capacity=caps,
        max_load=cap_limit,
        load_gini=_gini(util),
        max_utilisation=peak,
        peak_to_mean=peak / mean_util if mean_util > 0 else math.nan,
        participant_ids=inst.participant_ids,
        provider_ids=inst.provider_ids,
    )


def _penalty_iv(load_penalty: object, problems: list[Problem]) -> float:
    given: object = load_penalty
    if isinstance(given, bool) or not isinstance(given, int | float | np.integer | np.floating):
        problems.append(
            Problem(("load_penalty",), f"expected a non-negative number, got {given!r}")
        )
        return 0.0
    value = float(given)
    if not math.isfinite(value) or value < 0:
        problems.append(Problem(("load_penalty",), f"expected a finite number >= 0, got {value!r}"))
        return 0.0
    return value


def _assign_iv(
    candidates: object,
    capacity: object,
    matcher: object,
    forbidden: object,
    fixed: object,
    max_load: object,
    load_penalty: object,
    rng: object,
) -> tuple[_Instance, Matcher, IndexArray, IntArray, float, np.random.Generator]:
    """Validate the inputs of :func:`assign`; every problem is reported at once."""
    problems: list[Problem] = []
    inst = _instance_iv(candidates, capacity, forbidden, problems)
    found = _matcher_iv(matcher, problems)
    penalty = _penalty_iv(load_penalty, problems)
    generator = check_rng(rng, default=0, problems=problems)
    if inst is None:
        raise SchemaError(problems)
    cap_limit = _max_load_iv(max_load, inst.capacity, problems)
    fixed_to = _fixed_iv(fixed, inst, cap_limit, problems)
    if problems or found is None:
        raise SchemaError(problems)
    return inst, found, fixed_to, cap_limit, penalty, generator


def assign(
    candidates: CandidateLike | ArrayLike | SparseLike,
    capacity: ArrayLike | None = None,
    *,
    matcher: str | Matcher = "exact",
    forbidden: object = None,
    fixed: Mapping[Any, Any] | Sequence[tuple[Any, Any]] | None = None,
    max_load: float | None = None,
    load_penalty: float = 0.0,
    rng: int | np.random.Generator | None = None,
) -> Assignment:
    """Assign participants to providers with a matcher, and report the quality of the result.

    The default matcher, ``"exact"``, places as many participants as the candidate lists and
    capacities allow and, among those placements, one of least total cost (plus the load
    penalty, when there is one).

    .. versionadded:: 0.1

    Parameters
    ----------
    candidates : CandidateMatrix, array_like or scipy sparse matrix
        A candidate matrix (its stored pairs are the allowed ones, its cost is 1 - score), or a
        cost matrix of shape (n_participants, n_providers): dense with NaN or ``+inf`` for a
        pair not allowed, or sparse where only stored entries are allowed.
    capacity : int or array_like of int, optional
        The most participants each provider takes. Required with a cost matrix; by default a
        candidate matrix's own `capacity`.
    matcher : str or Matcher, default "exact"
        A registered matcher's name (see :func:`available_matchers`) or a matcher object.
    forbidden : optional
        Pairs not allowed besides those missing from `candidates`: (participant id, provider
        id) pairs for a candidate matrix; a boolean mask or (row, column) pairs for a cost
        matrix.
    fixed : mapping or sequence of pairs, optional
        Pairs decided beforehand (a person's choice from a shortlist, say), participant to
        provider, by id for a candidate matrix and by index for a cost matrix. They are kept
        as they are, taken out of the problem and out of the providers' places.
    max_load : int or float, optional
        A cap on each provider's load: an integer is a number of participants, a float in
        (0, 1] a share of each provider's capacity (rounded down).
    load_penalty : float, default 0
        The weight ``λ`` of a convex penalty ``λ * Σ_j load_j**2 / capacity_j`` added to the
        total cost, which spreads participants over providers in proportion to capacity
        rather than filling the most popular first. Costs of a candidate matrix lie in
        [0, 1], so ``λ`` around 0.1 to 1 trades a little compatibility for evenness.
    rng : int or numpy.random.Generator, optional
        The randomness handed to the matcher (the built-in matchers use none).

    Returns
    -------
    Assignment
        The placement, its cost (and compatibility), the reasons for those left unplaced,
        and the providers' load and how evenly it is spread.

    Raises
    ------
    SchemaError
        If an input is malformed: a cost matrix or capacity of the wrong shape or values, an
        unknown matcher, id or index, a fixed pair that is not allowed or fixes a participant
        twice; or if the matcher breaks its contract (the message names it).
    InfeasibleError
        If the fixed pairs give a provider more participants than its capacity or load cap.

    See Also
    --------
    solve_assignment : the exact solver on a cost matrix, with its optimality certificate.
    rematch : re-solve after a provider leaves or a participant asks for a change.

    Notes
    -----
    The matcher sees a canonical problem: a CSR matrix of the allowed pairs of the
    participants still to place, and the providers' remaining places. With a load penalty
    each provider is split into unit tiers of increasing cost, which makes the ``"exact"``
    matcher solve the penalised problem exactly (see :doc:`/assignment`).

    Examples
    --------
    Five participants, two providers with three places each; provider 0 is everybody's
    favourite:

    >>> import numpy as np
    >>> from sparkus.matching import assign
    >>> cost = np.array([[0.1, 0.5], [0.2, 0.7], [0.1, 0.4], [0.3, 0.4], [0.2, np.nan]])
    >>> result = assign(cost, capacity=3)
    >>> result.provider
    array([0, 0, 1, 1, 0])
    >>> result
    Assignment(n=5, assigned=5, total_cost=1.3, load_gini=0.100, matcher='exact')

    With four places each, provider 0 would take four of the five; a load penalty spreads
    them, for a little more cost:

    >>> assign(cost, capacity=4).load
    array([4, 1])
    >>> spread = assign(cost, capacity=4, load_penalty=0.5)
    >>> spread.load, spread.total_cost, spread.penalty
    (array([3, 2]), 1.3, 1.625)

    Participant 1 chose provider 1 from a shortlist, and nobody may take more than two:

    >>> chosen = assign(cost, capacity=3, fixed={1: 1}, max_load=2)
    >>> chosen.provider, chosen.unassigned
    (array([ 0,  1,  0,  1, -1]), {4: 'max_load'})
    """
    inst, found, fixed_to, cap_limit, penalty, generator = _assign_iv(
        candidates, capacity, matcher, forbidden, fixed, max_load, load_penalty, rng
    )
    active = np.ones(inst.arcs.n, dtype=bool)
    return _solve(
        inst,
        fixed_to=fixed_to,
        active=active,
        cap_limit=cap_limit,
        load_penalty=penalty,
        matcher=found,
        rng=generator,
    )
