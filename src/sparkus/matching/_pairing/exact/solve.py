"""Exact minimum-cost assignment of participants to providers with capacities.

:func:`solve_assignment` places as many participants as the candidate lists and the capacities
allow, and among all such placements returns one of least total cost, with a certificate of
optimality (dual prices). This module validates the input (read into arcs by ``arcs.py``),
turns the costs into integers without changing the optimum (or, where that is impossible,
repairs the answer on the original floats, ``repair.py``), hands them to one of three exact
solvers by the rule below, and builds the result. :func:`solve_arcs` is the same solve on
input already checked, for the built-in ``"exact"`` matcher.

Which solver
------------
The rule is on the number of providers ``m`` (columns of the cost matrix) and of participants
``n`` (those with a provider that has room), :func:`_use_transport`:

* ``m <= 32`` (:data:`ANY_SIZE_PROVIDERS`), or ``m <= 64`` (:data:`MAX_PROVIDERS`) and
  ``n * m <= 50,000`` (:data:`MAX_CELLS`): the transportation solver
  (``transport.py``), successive shortest paths in the space of
  the providers after a vectorised shedding pass. It is exact with no ε (integer arithmetic)
  and fast where the auction is slow: few providers, all of them popular, capacity near demand
  (a price war for the auction). Its searches cost ``O(m**2)`` Python steps each, on a dense
  ``n x m`` matrix, which is why it is kept to few providers; 64 is a hard limit (each
  participant's set of providers is one 64-bit integer). Costs may span up to ``2**53``
  grid steps here (the most for which every difference of two costs is a float), so draws of
  ``Generator.random`` (multiples of ``2**-53``) are solved exactly.
* otherwise, when ``n * C <= 2,000,000`` (:data:`SMALL_SLOT_CELLS`; ``C`` places in all), or
  with at least 4 participants per place (:data:`SLOT_DEMAND`) and
  ``n * C <= 20,000,000`` (:data:`MAX_SLOT_CELLS`), :func:`_use_slots`: scipy's
  ``linear_sum_assignment`` on the dense ``n x C`` matrix of participants and places
  (``slots.py``, which argues why it places the most participants
  and then at least cost), certified and repaired on the floats like the others.
* otherwise: the ε-scaling auction on integer costs
  (``auction.py``), vectorised over fixed-width candidate lists,
  which scales to hundreds of thousands of participants and thousands of providers.

The rule was measured (issue 5; both solvers on each cell, median of 3 runs in one process on
a shared 2-core machine, load about 2). Instances: ``n`` participants, ``m`` providers, places
``1.0``, ``1.2`` or ``3`` times ``n``, every pair allowed or 20 random candidates each, and
three kinds of cost: random integers and random floats (a provider effect plus noise), and
*tied* floats like :func:`~sparkus.matching.candidate_matrix` scores (few distinct values;
everyone prefers the same providers). Largest time in seconds over the cells of each group,
auction / transportation (``>10``: not finished in 10 s; 20,000 participants were run with 32,
50, 64 and 100 providers only):

=================  ==============  ==============  ==============
participants       m = 5 to 32     m = 50, 64      m = 100 to 500
=================  ==============  ==============  ==============
150, random        0.07 / 0.05     0.07 / 0.12     0.18 / 4.8
150, tied          0.81 / 0.04     1.1 / 0.16      2.0 / 1.4
2,000, random      0.26 / 0.23     0.35 / 0.78     1.5 / >10
2,000, tied        9.4 / 0.08      7.0 / 0.29      >10 / 7.9
20,000, random     3.7 / 2.0       >10 / >10       >10 / >10
20,000, tied       >10 / 0.80      >10 / 1.5       (not run)
=================  ==============  ==============  ==============

Up to 32 providers the transportation solver was faster in all but a few cells of 150
participants (at most 0.01 s slower), and up to 1,000 times faster on tied costs. From 100 providers
it was up to 10 times slower (more than 10 s) on random costs. Between the two, it is 10 to
30 times faster on tied costs at every size but 2 to 5 times slower on random costs from
about 1,500 participants at 64 providers (1,500 x 64: 0.37 / 1.1; 5,000 x 64: 0.71 / 3.3);
the cell limit keeps it to sizes where it was at most 0.1 s slower (150 x 50).
The demo's mentoring assignment (150 x 50, capacity equal to demand, tied float costs) went
from 0.96 s (auction) to 0.09 s. What the rule does not catch: tied costs with more than 32
providers and more than ``50,000 / m`` participants still go to the auction, which can be
much slower there (20,000 x 50 tied: more than 10 s against 1.5 s).

The dense solver on places was measured for issue "over-demanded instances" (one run each,
same machine; seconds, dense solver / auction; random float costs, 50 candidates of 100
providers each): 4,000 participants for 1,000 places 0.16 / 0.47, for 2,000 places 1.1 / 0.59,
for 3,900 places 14.5 / (not run); 20,000 for 1,000 places 1.4 / 3.5. Tied costs were faster
still for the dense solver (20,000 x 1,000 places: 0.58; 4,000 x 3,900: 0.68). It augments
once per place, so it wins when places are few next to participants, where the auction has a
price war among many participants for few places; hence at least 4 participants per place.
The issue's instances (:func:`~sparkus.matching.candidate_matrix` scores of 4,000 members of
``synthetic_org(20000, seed=1)``, k = 50): coaching, 80 providers and 929 places, 12.5 s with the
auction, 0.19 s now (OR-Tools min-cost flow 0.13 to 0.2 s); mentoring, 200 providers and 600
places, 6.1 s, now 0.13 s (OR-Tools 0.09 to 0.11 s); the first call also pays about 0.4 s to
import ``scipy.optimize``. The matrix takes 8 bytes a cell (160 MB at the cell limit).

All three end with the same kind of certificate: dual prices, zero for a provider with room.

What "exact" means
------------------
Costs that are integers, or binary fractions on a common grid (multiples of 0.5, 0.25, ...),
whose range fits the solver's 64-bit integers (for the auction about ``2**51 / n`` grid steps
for ``n`` participants, ``2 * 10**10`` for 100,000; ``2**53`` for the transportation solver),
are solved exactly: the transportation solver's prices satisfy complementary slackness
exactly, and the auction ends with ε-complementary slackness for ``ε = 1 / (n + 1)`` grid
step, which proves that no other placement of as many participants is cheaper by even one
step. Other floats (``0.1``, values finer than the grid) are rounded to the grid for the
solver; the answer is then checked on the original
costs by a shortest-path computation on the residual graph, and any improving exchange it finds
is applied, until no exchange lowers the total by more than floating-point rounding.
``gap_bound`` reports the certified distance to the optimum that remains (0 in the first case,
rounding-sized in the second).

The grid is set by the costs that matter: pairs that no optimal placement can use (a "big-M"
cost, ``1e20`` among costs of 1 to 9) are set aside first, by a test that proves it
(``scales.py``), and the prices are checked against them as well. When an optimal placement
needs a large cost, costs of such different sizes are solved exactly, level by level
(``levels.py``), and certified on the floats afterwards.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final, TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sparkus._checks import FloatArray
from sparkus._errors import Problem, SchemaError
from sparkus.matching._pairing.exact.arcs import Arcs
from sparkus.matching._pairing.exact.auction import LIMIT, PriceOverflowError, auction
from sparkus.matching._pairing.exact.extremes import (
    MAX_FLOAT,
    check_representable,
    least_prices,
    lowest_prices,
    range_exponent,
    scale_up,
    total,
)
from sparkus.matching._pairing.exact.levels import certify, level_bits, solve_levels
from sparkus.matching._pairing.exact.repair import Repaired, repair
from sparkus.matching._pairing.exact.result import (
    CANDIDATES_FULL,
    CAPACITY,
    NO_CANDIDATE,
    AssignmentResult,
    Label,
)
from sparkus.matching._pairing.exact.scales import relevant_pairs, restrict, violation_aside
from sparkus.matching._pairing.exact.slots import solve_slots
from sparkus.matching._pairing.exact.transport import COST_LIMIT, MAX_OBJECTS, transport

if TYPE_CHECKING:
    from scipy.sparse import sparray, spmatrix

    SparseLike: TypeAlias = sparray | spmatrix
else:
    SparseLike: TypeAlias = Any

__all__ = ["solve_arcs", "solve_assignment"]

IntArray = NDArray[np.int64]
IndexArray = NDArray[np.intp]
Names: TypeAlias = tuple[tuple[Label, ...], tuple[Label, ...]]


_MAX_EXPONENT: Final = 900
"""Finest grid ``2**-e`` considered (costs are scaled by at most ``2**900``)."""

_EXACT_STEPS: Final = 2.0**53
"""Costs on a grid are solved exactly only if fewer grid steps than this separate the least
cost from the largest: every difference of two of them is then a float (rounding is
monotone, so a rounded span below it is a true span below it)."""

_PRICE_GROWTH: Final = 64
"""Headroom assumed first for prices over the cost range (the solver retries with the
worst-case headroom if prices ever outgrow it)."""

MAX_PROVIDERS: Final = MAX_OBJECTS
"""Most providers (columns) the transportation solver is given: its maximum-flow step writes
each participant's set of allowed providers as the bits of one 64-bit integer. Setting it to 0
sends every problem to the auction (the tests do, to check one solver against the other), or,
with at least :data:`SLOT_DEMAND` participants per place, to the dense solver on places (set
:data:`MAX_SLOT_CELLS` to 0 as well for the auction alone)."""

ANY_SIZE_PROVIDERS: Final = 32
"""Up to this many providers the transportation solver is used whatever the number of
participants (see "Which solver" in the module notes)."""

MAX_CELLS: Final = 50_000
"""Above :data:`ANY_SIZE_PROVIDERS` providers (and up to :data:`MAX_PROVIDERS`), the
transportation solver is used while participants times providers (the cells of the dense
matrix it works on) are at most this many."""

MAX_SLOT_CELLS: Final = 20_000_000
"""Most cells (participants times places) of the dense matrix given to
``scipy.optimize.linear_sum_assignment`` (8 bytes each: 160 MB at the limit). Setting it
to 0 turns that solver off."""

SLOT_DEMAND: Final = 4
"""The dense solver on places is used when there are at least this many participants (with a
provider that has room) per place."""

SMALL_SLOT_CELLS: Final = 2_000_000
"""The dense solver on places is also used, whatever the demand per place, while participants
times places are at most this many. Measured on candidate-matrix costs of the synthetic
organisation (80 coaches with 929 places, 200 mentors with 600): 900 or 2,000 participants took
0.6 and 0.16 s against 3.6 and 4.3 s for the auction; on random float costs of that size the
two were within 0.1 s of each other (the auction is faster from about 4,000,000 cells)."""


# -- input validation ----------------------------------------------------------------------------


def _solve_assignment_iv(
    cost: object, capacity: object, forbidden: object
) -> tuple[Arcs, IntArray, Names | None]:
    """Validate the inputs of :func:`solve_assignment`: allowed pairs, capacities, labels.

    The intake :func:`~sparkus.matching.assign` and :func:`~sparkus.matching.rematch` share
    (``instance.py``), so that a labelled table, a capacity Series and forbidden pairs are
    read by one rule with one set of messages.
    """
    # instance.py reads costs with arcs.py of this folder: imported on call, not at import time
    from sparkus.matching._pairing.instance import instance_iv, is_candidates

    problems: list[Problem] = []
    if is_candidates(cost):
        msg = (
            "expected a cost matrix, got a candidate matrix; pass it to `assign`, or pass "
            "`candidates.cost()` here"
        )
        raise SchemaError([Problem(("cost",), msg)])
    inst = instance_iv(cost, capacity, forbidden, problems)
    if problems or inst is None:
        raise SchemaError(problems)
    return inst.arcs, inst.capacity, inst.labels


# -- integer costs -------------------------------------------------------------------------------


def _on_grid(values: FloatArray, e: int) -> bool:
    """Whether every value is an integer multiple of ``2**-e`` (a sample is tried first)."""
    factor = math.ldexp(1.0, e)
    for part in (values[:: max(1, values.shape[0] // 4096)], values):
        if not e:
            if not np.array_equal(part, np.rint(part)):
                return False
            continue
        scaled = part * factor  # a power of two: exact unless it overflows or underflows
        if not np.array_equal(scaled, np.rint(scaled)) or not np.array_equal(scaled / factor, part):
            return False
    return True


def _to_grid(costs: FloatArray, steps: int) -> tuple[IntArray, int, bool]:
    """Costs as integers on the grid ``2**-e`` above the least cost: ``(ints, e, exact)``.

    The grid is the coarsest on which every cost lies, if the solver's integers can carry it
    (at most `steps` grid steps from the least cost to the largest; `exact` is then True: an
    optimum of the integers is an optimum of the costs); otherwise the finest they can carry,
    and the costs are rounded to it. Exact needs fewer than ``2**53`` steps too: beyond, a cost
    minus the least is rounded (``2**56 - (-1)`` is ``2**56``), and the integers are not the
    costs (a placement 1 above the optimum was certified with `gap_bound` 0).
    """
    low, high = float(costs.min()), float(costs.max())
    span = high - low
    if span == 0:
        return np.zeros(costs.shape[0], dtype=np.int64), 0, True
    finest = min(math.floor(math.log2(steps) - math.log2(span)), _MAX_EXPONENT)
    if finest >= 0 and _on_grid(costs, 0):
        e, exact = 0, True  # integers: the common case
    elif _on_grid(costs, finest):
        lo, hi = (0, finest) if finest >= 0 else (finest - 64, finest)
        while hi - lo > 1:  # the coarsest grid that holds every cost, in (lo, hi]
            mid = (lo + hi) // 2
            lo, hi = (lo, mid) if _on_grid(costs, mid) else (mid, hi)
        e, exact = hi, True
    else:
        e, exact = finest, False
    ints = np.rint((costs - low) * math.ldexp(1.0, e)).astype(np.int64)
    return ints, e, exact and span * math.ldexp(1.0, e) < _EXACT_STEPS


# -- the solver ----------------------------------------------------------------------------------


def solve_assignment(
    cost: ArrayLike | SparseLike,
    capacity: ArrayLike,
    *,
    forbidden: ArrayLike | SparseLike | Sequence[tuple[int, int]] | None = None,
) -> AssignmentResult:
    """Place participants with providers: as many as possible, then at the least total cost.

    Each participant (row) goes to at most one provider (column); provider ``j`` takes at most
    ``capacity[j]`` participants. Among all placements of the largest possible number of
    participants, the result has the least total cost, and carries dual prices that certify it.

    .. versionadded:: 0.1

    Parameters
    ----------
    cost : array_like or scipy sparse matrix, shape (n_participants, n_providers)
        The cost of each pair. Dense: NaN or ``+inf`` marks a pair as not allowed (so does a
        missing value, None or pandas ``NA``). Sparse: only the stored entries are allowed (a
        stored zero is an allowed pair of cost 0); duplicate entries are summed, as scipy does.
        ``-inf``, text and booleans are refused. A pandas DataFrame labelled otherwise than by
        position (strings and integers, each once) names the participants and providers by
        its labels, as in :func:`assign`.
    capacity : int or array_like of int, shape (n_providers,)
        How many participants each provider takes at most (0 to 2**40); one integer for all.
        A pandas Series is read by its index (the cost table's column labels, or the column
        positions of a numpy `cost`), never by position.
    forbidden : array_like of bool, sparse matrix, or sequence of pairs, optional
        Further pairs not allowed: a boolean mask of the shape of `cost` (a pandas DataFrame
        mask is read by its labels), or (participant, provider) pairs named as the result
        names them: by label for a pandas table labelled otherwise than by position (a number
        that is none of its labels is refused, since it could mean a position), by row and
        column index otherwise. The rule and messages are those of :func:`assign`.

    Returns
    -------
    AssignmentResult
        The placement (`provider`, -1 for unplaced), `total_cost`, `n_assigned`, why each
        unplaced participant is unplaced, each provider's `load`, the certificate
        (`prices`, `max_violation`, `gap_bound`), and a labelled table's labels. The reasons
        are those of :func:`assign`: ``"no candidate"`` when no allowed provider has a place
        (a provider of capacity 0 is no candidate), else ``"candidates full"`` or
        ``"capacity"``.

    Raises
    ------
    SchemaError
        If `cost` is not a 2-D real matrix (a candidate matrix goes to :func:`assign`) or
        holds ``-inf``, if `capacity` is not one non-negative integer per provider (or a
        Series not indexed by the providers), or if `forbidden` does not fit `cost` or names
        an unknown label. Also if the
        optimal placement's total cost (or its dual prices) lies beyond the float range, which
        only costs near ``±1.8e308`` can cause: every finite cost is supported, and divided
        internally by a power of two where the sums along the solver's paths would overflow.

    Notes
    -----
    With at most 32 providers (or at most 64 and at most 50,000 participant-provider cells) the
    solver is successive shortest paths on the providers (a transportation problem: Dijkstra
    on the ``m`` provider nodes with the prices as potentials, after a vectorised pass that
    sheds the bulk of each full provider's excess); otherwise, with at least four participants
    per place (and at most 20,000,000 participant-place cells),
    ``scipy.optimize.linear_sum_assignment`` on the places, each provider's column repeated
    ``capacity`` times, with a large offset on allowed pairs so that it places the most
    participants first; otherwise an ε-scaling auction (Bertsekas) with capacities, run on
    integers, with reverse rounds for the providers left with room (the problem is asymmetric:
    more places than participants, or fewer). When not every participant can be placed, a
    maximum flow
    (scipy) gives how many can, and the solver then chooses which, at least cost. Costs that
    are integers or binary fractions are solved exactly; other floats are solved on a fine
    integer grid and then repaired on the original costs until no exchange improves the total
    by more than rounding (see the module notes and `gap_bound`).

    Examples
    --------
    Six participants, three providers with two places each:

    >>> import numpy as np
    >>> from sparkus.matching import solve_assignment
    >>> rng = np.random.default_rng(0)
    >>> cost = rng.integers(1, 10, size=(6, 3)).astype(float)
    >>> cost[0, 1] = np.nan  # participant 0 may not go to provider 1
    >>> result = solve_assignment(cost, capacity=2)
    >>> result.provider
    array([2, 2, 0, 1, 0, 1])
    >>> result
    AssignmentResult(n=6, assigned=6, total_cost=24, gap_bound=0)

    With one place fewer, one participant is left out, and the result says why:

    >>> fewer = solve_assignment(cost, capacity=[2, 2, 1])
    >>> fewer.n_assigned, fewer.total_cost, fewer.unassigned_reason
    (5, 19.0, {0: 'capacity'})
    """
    arcs, caps, labels = _solve_assignment_iv(cost, capacity, forbidden)
    return solve_arcs(arcs, caps, labels)


def solve_arcs(arcs: Arcs, caps: IntArray, labels: Names | None = None) -> AssignmentResult:
    """:func:`solve_assignment` on checked input: the allowed pairs, capacities and labels.

    `labels` name the rows and columns in the result (None: by position).
    """
    n, m = arcs.n, arcs.m

    # The solver sees only participants with a provider that has room, and those providers.
    indptr, cols, values = arcs.indptr, arcs.cols, arcs.costs
    degree = np.diff(indptr)
    filtered = bool(caps.size) and int(caps.min()) == 0
    if filtered:
        rows_all = np.repeat(np.arange(n, dtype=np.intp), degree)
        usable = caps[cols] > 0
        degree = np.bincount(rows_all[usable], minlength=n)
        cols, values = cols[usable], values[usable]
    has_candidate = degree > 0  # a provider of capacity 0 is no candidate, as in assign
    active = np.flatnonzero(has_candidate)
    if filtered or active.shape[0] < n:
        indptr = np.zeros(active.shape[0] + 1, dtype=np.intp)
        np.cumsum(degree[active], out=indptr[1:])
    provider = np.full(n, -1, dtype=np.intp)
    prices = np.zeros(m, dtype=np.float64)
    max_violation = gap_bound = total_cost = 0.0
    if active.shape[0]:
        # pairs no optimal placement uses (big-M costs) are set aside, not put on the grid
        kept, spread = relevant_pairs(indptr, cols, values, caps)
        if kept is not None:
            aside = np.ones(cols.shape[0], dtype=bool)
            aside[kept] = False
            rows_aside = np.repeat(active, np.diff(indptr))[aside]
            cols_aside, values_aside = cols[aside], values[aside]
            indptr, keeping = restrict(indptr, kept)
            active, cols, values = active[keeping], cols[kept], values[kept]
        n_active = int(active.shape[0])
        shift = range_exponent(values, n_active + m)
        scaled = np.ldexp(values, -shift) if shift else values
        fixed = _solve_spread(indptr, cols, values, scaled, caps) if spread else None
        if fixed is None:
            fixed = _solve(indptr, cols, scaled, caps, m)
        chosen = fixed.arc >= 0
        provider[active[chosen]] = cols[fixed.arc[chosen]]
        prices = lowest_prices(fixed.prices, cols[fixed.arc[chosen]], caps)
        violation = fixed.max_violation
        if shift > 0 and float(np.abs(prices[caps > 0]).max(initial=0.0)) > math.ldexp(
            MAX_FLOAT, -shift
        ):
            # the solver's prices are valid but higher than needed; the least ones may fit
            prices, violation = least_prices(indptr, cols, scaled, fixed.arc, caps)
        with np.errstate(over="ignore"):
            prices = np.ldexp(prices, shift)
        max_violation = scale_up(violation, shift)
        if kept is not None:
            own = np.zeros(n)
            own[active[chosen]] = values[fixed.arc[chosen]]
            aside_violation = violation_aside(
                rows_aside, cols_aside, values_aside, provider, own, prices
            )
            max_violation = max(max_violation, aside_violation)
        gap_bound = scale_up(fixed.gap_bound, shift)
        if shift > 0 and not np.array_equal(np.ldexp(scaled, shift), values):
            # the division rounded costs below 2**(shift - 1022), each by at most
            # 2**(shift - 1075): the placement's and the optimum's totals by K times that
            extra = math.ldexp(int(chosen.sum()), shift - 1074)
            gap_bound = math.nextafter(gap_bound + extra, math.inf)
        total_cost = total(values[fixed.arc[chosen]], scaled[fixed.arc[chosen]], shift)
        check_representable(total_cost, prices[caps > 0], max(max_violation, gap_bound))

    prices[caps == 0] = np.inf  # a provider without places: no price would attract anyone
    placed = provider >= 0
    load = np.bincount(provider[placed], minlength=m).astype(np.int64)
    full_reason = CANDIDATES_FULL if bool((load < caps).any()) else CAPACITY
    who: Sequence[Label] = labels[0] if labels is not None else range(n)
    reasons: dict[Label, str] = {
        who[i]: (NO_CANDIDATE if not has_candidate[i] else full_reason)
        for i in np.flatnonzero(~placed).tolist()
    }
    return AssignmentResult(
        provider=provider,
        total_cost=total_cost,
        n_assigned=int(placed.sum()),
        unassigned_reason=reasons,
        load=load,
        capacity=caps,
        prices=prices,
        max_violation=max_violation,
        gap_bound=gap_bound,
        participant_ids=labels[0] if labels is not None else None,
        provider_ids=labels[1] if labels is not None else None,
    )


def _use_transport(n_active: int, m: int) -> bool:
    """Whether `n_active` participants and `m` providers go to the transportation solver.

    At most :data:`ANY_SIZE_PROVIDERS` providers at any size, or at most :data:`MAX_PROVIDERS`
    providers and :data:`MAX_CELLS` cells ``n_active * m`` (the measured rule: module notes).
    """
    if m > MAX_PROVIDERS:
        return False
    return m <= ANY_SIZE_PROVIDERS or n_active * m <= MAX_CELLS


def _use_slots(n_active: int, places: int) -> bool:
    """Whether `n_active` participants and `places` places go to the dense solver on places.

    At most :data:`SMALL_SLOT_CELLS` cells ``n_active * places``; or at least
    :data:`SLOT_DEMAND` participants per place and at most :data:`MAX_SLOT_CELLS` cells (the
    measured rule: module notes).
    """
    cells = n_active * places
    if cells > MAX_SLOT_CELLS:
        return False
    return cells <= SMALL_SLOT_CELLS or SLOT_DEMAND * places <= n_active


def _exact_steps(n_active: int, growth: int = _PRICE_GROWTH) -> int:
    """Grid steps (least to largest cost) the auction carries for `n_active` participants."""
    return LIMIT // (16 * (n_active + 2) * growth)


def _solve_spread(
    indptr: IndexArray, cols: IndexArray, values: FloatArray, scaled: FloatArray, caps: IntArray
) -> Repaired | None:
    """Costs of very different sizes: the placement level by level, certified on `scaled`.

    ``levels.py``: exact on the costs `values`, each level on integers that every solver
    carries exactly; None when the levels make no progress (the single grid then solves).
    """
    m = caps.shape[0]

    def level(ip: IndexArray, cs: IndexArray, costs: FloatArray, cp: IntArray) -> Repaired:
        return _solve(ip, cs, costs, cp, m)

    n_active = indptr.shape[0] - 1
    bits = level_bits(min(_exact_steps(n_active), int(_EXACT_STEPS)))
    arc = solve_levels(indptr, cols, values, caps, level, bits)
    return None if arc is None else certify(indptr, cols, scaled, caps, arc)


def _solve(
    indptr: IndexArray, cols: IndexArray, values: FloatArray, caps: IntArray, m: int
) -> Repaired:
    """Solve on integer costs, then certify (and if needed repair) on the floats.

    The transportation solver where :func:`_use_transport` says so, else the dense solver on
    the places where :func:`_use_slots` does; otherwise the auction.
    """
    n_active = indptr.shape[0] - 1
    if _use_transport(n_active, m):
        return _solve_transport(indptr, cols, values, caps)
    if _use_slots(n_active, int(caps.sum())):
        return solve_slots(indptr, cols, values, caps)
    for growth in (_PRICE_GROWTH, max(16 * _PRICE_GROWTH, 4 * (min(n_active, m) + 3))):
        steps = _exact_steps(n_active, growth)
        ints, e, exact = _to_grid(values, steps)
        scaled = ints * np.int64(n_active + 1)
        top = int(ints.max()) + 1
        try:
            outcome = auction(indptr, cols, scaled, caps, artificial_cost=top * (n_active + 1))
        except PriceOverflowError:  # pragma: no cover - prices far beyond the cost range
            continue
        step = math.ldexp(1.0, -e)
        low = float(values.min())
        unit = step / (n_active + 1)
        return repair(
            indptr=indptr,
            cols=cols,
            costs=values,
            capacity=caps,
            arc=outcome.arc,
            prices=outcome.prices * unit,
            artificial_cost=low + top * step,
            artificial_price=outcome.artificial_price * unit,
            left_over=n_active - outcome.n_max,
            exact=exact,
            integer_violation=outcome.violation,
            unit=unit,
        )
    msg = "the assignment solver ran out of integer range (a sparkus bug)"  # pragma: no cover
    raise RuntimeError(msg)  # pragma: no cover


def _solve_transport(
    indptr: IndexArray, cols: IndexArray, values: FloatArray, caps: IntArray
) -> Repaired:
    """Few providers: the transportation solver on integers (exact: no ε), then the floats."""
    ints, e, exact = _to_grid(values, COST_LIMIT - 2)
    top = int(ints.max()) + 1
    outcome = transport(indptr, cols, ints, caps)
    step = math.ldexp(1.0, -e)
    n_active = indptr.shape[0] - 1
    return repair(
        indptr=indptr,
        cols=cols,
        costs=values,
        capacity=caps,
        arc=outcome.arc,
        prices=np.array([float(p) for p in outcome.prices], dtype=np.float64) * step,
        artificial_cost=float(values.min()) + top * step,
        artificial_price=float(outcome.artificial_price) * step,
        left_over=n_active - outcome.n_max,
        exact=exact,
        integer_violation=np.zeros(n_active, dtype=np.int64),
        unit=step,
    )
