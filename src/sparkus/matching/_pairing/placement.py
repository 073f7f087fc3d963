"""Placing participants with a matcher, around fixed pairs, and the Assignment it makes.

:func:`place` is the solve that :func:`~sparkus.matching.assign` and
:func:`~sparkus.matching.rematch` share: it hands the participants still to place and the
providers' remaining places to the matcher as one canonical problem (a CSR matrix of allowed
pairs), checks the matcher's answer against its contract, and builds the result
(:func:`assignment_of`): total cost and compatibility, who stayed unassigned and why, and how
evenly the load is spread.

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
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, TypeAlias

import numpy as np
from numpy.typing import NDArray

from sparkus._checks import BoolArray, FloatArray
from sparkus._errors import Problem, SchemaError
from sparkus.matching._pairing.assign_result import (
    MAX_LOAD,
    NOT_PLACED,
    Assignment,
    Label,
    gini,
)
from sparkus.matching._pairing.exact.arcs import Arcs
from sparkus.matching._pairing.exact.extremes import check_representable, total
from sparkus.matching._pairing.exact.result import CANDIDATES_FULL, CAPACITY, NO_CANDIDATE
from sparkus.matching._pairing.instance import Instance, label
from sparkus.matching._pairing.protocols import plugin_raised

if TYPE_CHECKING:
    from sparkus.matching._pairing.protocols import Matcher

__all__ = ["assignment_of", "place"]

IntArray: TypeAlias = NDArray[np.int64]
IndexArray: TypeAlias = NDArray[np.intp]
_MAX_LISTED: Final = 8


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


MAX_TIER_PAIRS: Final = 20_000_000
"""The most pairs the load penalty's split into unit tiers may make (8 bytes and more each)."""


def _tiers_iv(tiers: IntArray, cols: IndexArray, costs: FloatArray, load_penalty: float) -> None:
    """A SchemaError naming `load_penalty` when its tiers would not fit memory or the floats."""
    pairs = int(tiers[cols].sum())
    if pairs > MAX_TIER_PAIRS:
        msg = (
            f"with a load penalty each provider becomes one column per place it may fill; here "
            f"that makes {pairs:,} pairs, above {MAX_TIER_PAIRS:,}: lower the capacities or "
            "`max_load`, or pass load_penalty=0"
        )
        raise SchemaError([Problem(("load_penalty",), msg)])
    used = tiers > 0
    if not used.any():
        return
    # the dearest tier adds load_penalty * (2t - 1) / capacity < 2 * load_penalty, and the
    # solver adds up to one such cost per participant placed
    top = float(np.abs(costs).max(initial=0.0)) + 2.0 * load_penalty
    n_pairs = float(tiers.sum())
    if not math.isfinite(top * n_pairs) or top * n_pairs > _PENALTY_ROOM:
        limit = max(_PENALTY_ROOM / n_pairs - float(np.abs(costs).max(initial=0.0)), 0.0) / 2
        if limit > 0:
            msg = (
                f"is too large for the float range with {int(n_pairs):,} places to fill: the "
                f"penalised total would overflow; pass at most {limit:.3g}"
            )
            raise SchemaError([Problem(("load_penalty",), msg)])
        msg = (
            f"with a load penalty, costs up to {_PENALTY_ROOM / n_pairs:.3g} in magnitude are "
            f"supported for {int(n_pairs):,} places (the penalised total must stay a float); "
            "divide the costs by a common factor, or pass load_penalty=0"
        )
        raise SchemaError([Problem(("load_penalty",), msg)])


_PENALTY_ROOM: Final = 1e300


def _check_answer(answer: object, cost: Any, capacity: IntArray, name: str) -> IndexArray:
    """The matcher's answer, checked against the contract; an error names the matcher."""

    def breach(what: str) -> SchemaError:
        msg = f"the matcher {name!r} broke its contract: {what}"
        return SchemaError([Problem(("matcher",), msg)])

    n, m = (int(s) for s in cost.shape)
    if not isinstance(answer, np.ndarray):
        return_type = type(answer).__name__
        raise breach(f"`match` returned a {return_type}, expected a numpy integer array")
    if np.ma.is_masked(answer):
        raise breach("`match` returned masked (missing) entries, expected a plain integer array")
    if answer.dtype.kind not in "iu":
        raise breach(f"`match` returned dtype {answer.dtype}, expected integers")
    if answer.shape != (n,):
        raise breach(f"`match` returned shape {answer.shape}, expected ({n},), one per participant")
    # in the matcher's own dtype: a cast first would read 2**64 - 1 (uint64) as -1, unassigned
    bad = np.flatnonzero((answer < -1) | (answer >= m))
    if bad.size:
        raise breach(
            f"provider columns outside [-1, {m}) for participants {bad[:_MAX_LISTED].tolist()}"
        )
    out = answer.astype(np.intp)
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


def place(
    inst: Instance,
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
        _tiers_iv(tiers, cols, costs, load_penalty)
        indptr, cols_x, costs_x, tier_provider = _tiers(
            indptr, cols, costs, tiers, fixed_load, inst.capacity, load_penalty
        )
        problem = csr_array((costs_x, cols_x, indptr), shape=(rows.shape[0], int(tiers.sum())))
        problem_caps = np.ones(int(tiers.sum()), dtype=np.int64)
    else:
        problem = csr_array((costs, cols, indptr), shape=(rows.shape[0], m))
        problem_caps = room
        tier_provider = np.arange(m, dtype=np.intp)
    frozen = tuple(a.copy() for a in (problem.data, problem.indices, problem.indptr, problem_caps))
    try:
        answer = matcher.match(problem, problem_caps, rng=rng)
    except Exception as exc:  # plugin code: named, chained, never a bare exception
        raise plugin_raised("matcher", name, ("matcher",), exc) from exc
    # read again: a matcher may have written into the arrays or put others in their place
    after: tuple[Any, ...] = (problem.data, problem.indices, problem.indptr, problem_caps)
    if not all(np.array_equal(a, b) for a, b in zip(frozen, after, strict=True)):
        msg = f"the matcher {name!r} broke its contract: it changed its input (cost or capacity)"
        raise SchemaError([Problem(("matcher",), msg)])
    chosen = _check_answer(answer, problem, problem_caps, name)
    placed = chosen >= 0
    provider[rows[placed]] = tier_provider[chosen[placed]]

    return assignment_of(inst, provider, is_fixed, cap_limit, load_penalty, name, standing or {})


def assignment_of(
    inst: Instance,
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
        # places left anywhere: then a participant whose candidates are full lacks candidates,
        # not places, and "capacity" would send the reader to hire providers for nothing
        full_reason = CANDIDATES_FULL if bool(room_cap.any()) else CAPACITY
        for i in unplaced.tolist():
            who = label(inst, i, "row")
            if i in standing:
                reasons[who] = standing[i]
                continue
            allowed = arcs.cols[arcs.indptr[i] : arcs.indptr[i + 1]]
            if degree[i] == 0 or not (caps[allowed] > 0).any():
                reasons[who] = NO_CANDIDATE
            elif room_cap[allowed].any():
                reasons[who] = NOT_PLACED
            elif room_beyond[allowed].any():
                reasons[who] = MAX_LOAD
            else:
                reasons[who] = full_reason
    chosen = pair_cost[placed]
    shift = math.frexp(float(np.abs(chosen).max(initial=0.0)))[1]
    total_cost = total(chosen, np.ldexp(chosen, -shift), shift)  # 1e308 + 1e308 - 1e308
    check_representable(total_cost, np.zeros(0), 0.0)
    names = inst.names
    return Assignment(
        provider=provider,
        matcher=name,
        n_assigned=int(placed.shape[0]),
        total_cost=total_cost,
        penalty=penalty,
        load_penalty=float(load_penalty),
        pair_cost=pair_cost,
        compatibility=compatibility,
        fixed=is_fixed,
        unassigned=reasons,
        load=load,
        capacity=caps,
        max_load=cap_limit,
        load_gini=gini(util),
        max_utilisation=peak,
        peak_to_mean=peak / mean_util if mean_util > 0 else math.nan,
        participant_ids=names[0] if names is not None else None,
        provider_ids=names[1] if names is not None else None,
    )
