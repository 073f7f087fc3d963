"""Peer circles: partition people into small groups of a size range, with declared aims.

A peer circle works best when its members can meet (their working hours overlap), speak from a
similar place in the organisation (similar level) and bring different views (different
departments). :func:`form_peer_circles` turns those aims into one number, finds a partition that
scores well, and says how good it is: against random circles of the same sizes (an exact
expectation) and against an upper bound that no partition can beat.

The objective
-------------
Each aim scores a pair of people in [0, 1]:

* ``level``: ``1 - |rank_i - rank_j| / 3`` on the four :class:`~sparkus.model.Level` ranks
  (1 for the same level, 0 for an executive with an individual contributor);
* ``departments``: 1 when the two work in different departments, 0 otherwise;
* ``time_zones``: the share of a working day the two have in common,
  ``max(0, H - d) / H`` for a working day of ``H`` hours (:attr:`CircleAims.workday_hours`)
  and offsets ``d`` hours apart on the 24-hour clock (offsets rounded to the quarter hour).

A pair's score is the weighted mean of the aims' scores. A member's *fit* is the mean score of
their pairs with their circle-mates, and the objective is the mean fit over members: a number
in [0, 1], the average share of the best possible company that people get.

The algorithm
-------------
People are sorted by time zone and level with departments interleaved, and cut into circles of
near-equal sizes as near the middle of the range as the headcount allows. A local search then
applies improving exchanges: swaps of two members between circles, and moves of one member
that keep both circles' sizes in range. Each round samples candidate exchanges uniformly at
random (seeded), evaluates them all at once with numpy from per-circle counts of levels,
departments and time zones, and applies the best improving ones that touch disjoint circles
(so every applied gain is exact). Small instances (up to 100 members) also try several
numbers of circles, restart from random circles and from kicked ones, and finish with full
passes over every swap and move until none improves: a local optimum for both neighbourhoods.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, TypeAlias, cast

import attrs
import numpy as np
from numpy.typing import NDArray

from sparkus._checks import check_rng, describe
from sparkus._errors import InfeasibleError, Problem, SchemaError
from sparkus._fields import Record, checked, number
from sparkus._results import Result, Table, format_number
from sparkus.matching._pairing.members import Members, members_iv
from sparkus.model import Level

if TYPE_CHECKING:
    from sparkus.model import Population

__all__ = ["CircleAims", "PeerCircles", "form_peer_circles"]

FloatArray: TypeAlias = NDArray[np.float64]
IndexArray: TypeAlias = NDArray[np.intp]

AIMS: Final = ("level", "departments", "time_zones")
"""The aims a circle can pursue, in the order of the result's tables."""

_EXHAUSTIVE: Final = 100
"""Up to this many members, the local search ends with full passes over every exchange, and
tries several numbers of circles, random starts and kicks."""

_FULL_ONLY: Final = 40
"""Up to this many members, the local search makes full passes only (no sampled rounds)."""

_PATIENCE: Final = 8
"""Rounds in a row with a negligible gain after which the sampled search stops."""

_QUIET: Final = 1e-4
"""A round's gain is negligible below this share of the summed fit."""

_COUNTS: Final = 3
"""Numbers of circles a small instance tries."""

_KICKS: Final = 12
"""Most kicks of the iterated local search, per number of circles, for small instances."""

_KICK_WORK: Final = 50_000
"""Budget of the kicks: kicks times numbers of circles tried times members squared."""

_TOL: Final = 1e-9
"""Smallest gain (in summed fit) that counts as an improvement."""

_CHUNK: Final = 1 << 21
"""Score-matrix cells computed at once for the bound and the random baseline."""

_MAX_LISTED: Final = 8

_weight = number(low=0.0)
_hours = number(low=0.25, high=24.0)


@attrs.frozen
class CircleAims(Record):
    """What a peer circle should achieve, each aim with its weight.

    .. versionadded:: 0.1

    Parameters
    ----------
    level : float
        Weight of *similar level*: peers speak from a similar place in the organisation.
    departments : float
        Weight of *mixed departments*: peers bring views from elsewhere in the organisation.
    time_zones : float
        Weight of *overlapping working hours*, from each person's ``utc_offset``.
    workday_hours : float
        Length of the working day used for the overlap, 0.25 to 24 hours (default 8: people
        whose offsets differ by 8 hours or more share no working hour).

    Notes
    -----
    Weights are non-negative, at least one positive; only their ratios matter (the objective
    uses them normalised to sum to 1). A weight of 0 still reports the aim, without pursuing
    it. A mapping ``{"level": 2.0, "time_zones": 1.0}`` passed as ``aims=`` to
    :func:`form_peer_circles` means the same as ``CircleAims(level=2.0, departments=0.0,
    time_zones=1.0)``: aims it leaves out get weight 0.

    Examples
    --------
    >>> from sparkus.matching import CircleAims
    >>> aims = CircleAims(level=2.0, departments=1.0, time_zones=1.0)
    >>> aims.weights()
    {'level': 0.5, 'departments': 0.25, 'time_zones': 0.25}
    """

    level: float = attrs.field(default=1.0, metadata=checked(_weight))
    departments: float = attrs.field(default=1.0, metadata=checked(_weight))
    time_zones: float = attrs.field(default=1.0, metadata=checked(_weight))
    workday_hours: float = attrs.field(default=8.0, metadata=checked(_hours))

    def _cross_check(self) -> list[Problem]:
        if self.level + self.departments + self.time_zones > 0:
            return []
        msg = "every aim has weight 0; give at least one of level, departments, time_zones > 0"
        return [Problem((), msg)]

    def weights(self) -> dict[str, float]:
        """The weights normalised to sum to 1, by aim."""
        raw = (float(self.level), float(self.departments), float(self.time_zones))
        total = sum(raw)
        return {aim: w / total for aim, w in zip(AIMS, raw, strict=True)}


# -- the instance: codes and score tables --------------------------------------------------------


@attrs.frozen(eq=False)
class _Instance:
    """Members as codes, each aim's score table, and the normalised weights."""

    level: IndexArray  # rank 0..3
    department: IndexArray  # 0..n_departments-1
    zone: IndexArray  # index into the distinct (rounded) offsets
    level_score: FloatArray  # 4 x 4
    zone_score: FloatArray  # Z x Z
    n_departments: int
    weights: FloatArray  # (3,), sums to 1

    @property
    def n(self) -> int:
        return int(self.level.shape[0])

    @property
    def self_score(self) -> float:
        """A member's score with themself (same level, same department, same zone)."""
        w = self.weights
        return float(w[0] + w[2])

    def pair(self, i: IndexArray, j: IndexArray) -> FloatArray:
        """The combined score of pairs ``(i[k], j[k])``."""
        w = self.weights
        return cast(
            FloatArray,
            w[0] * self.level_score[self.level[i], self.level[j]]
            + w[1] * (self.department[i] != self.department[j])
            + w[2] * self.zone_score[self.zone[i], self.zone[j]],
        )


def _zone_scores(offsets: FloatArray, hours: float) -> tuple[IndexArray, FloatArray]:
    """Zone codes (offsets rounded to the quarter hour) and the working-hours overlap table."""
    quarters = np.rint(offsets * 4.0).astype(np.int64)
    values, zone = np.unique(quarters, return_inverse=True)
    apart = np.abs(values[:, None] - values[None, :]) % 96  # in quarter hours, on the clock
    apart = np.minimum(apart, 96 - apart) / 4.0
    table = np.maximum(0.0, hours - apart) / hours
    return zone.astype(np.intp), table


def _instance(participants: Population, rows: IndexArray, aims: CircleAims) -> _Instance:
    levels = len(Level) - 1
    ranks = np.arange(len(Level), dtype=np.float64)
    level_score = 1.0 - np.abs(ranks[:, None] - ranks[None, :]) / levels
    offsets = np.asarray(participants["utc_offset"], dtype=np.float64)[rows]
    zone, zone_score = _zone_scores(offsets, float(aims.workday_hours))
    _, department = np.unique(np.asarray(participants["department"])[rows], return_inverse=True)
    weights = np.array(list(aims.weights().values()), dtype=np.float64)
    return _Instance(
        level=np.asarray(participants["level"], dtype=np.intp)[rows],
        department=department.astype(np.intp),
        zone=zone,
        level_score=level_score,
        zone_score=zone_score,
        n_departments=int(department.max()) + 1 if department.size else 0,
        weights=weights,
    )


# -- the random baseline and the bound -----------------------------------------------------------


def _baseline_and_bound(
    inst: _Instance, lowest: int
) -> tuple[dict[str, float], float, dict[str, float], float]:
    """Expected fit of random circles, and the upper bound, per aim and combined.

    Works on the distinct (level, department, zone) types, so the cost grows with the square
    of the number of types, not of members.
    """
    key = np.column_stack([inst.level, inst.department, inst.zone])
    types, code = np.unique(key, axis=0, return_inverse=True)
    count = np.bincount(code.ravel(), minlength=types.shape[0]).astype(np.float64)
    n = inst.n
    m = lowest - 1  # circle-mates of a member of the smallest allowed circle
    t_level, t_dept, t_zone = types[:, 0], types[:, 1], types[:, 2]
    random_sum = np.zeros(4)
    bound_sum = np.zeros(4)
    n_types = types.shape[0]
    step = max(1, _CHUNK // max(n_types, 1))
    for start in range(0, n_types, step):
        rows = np.arange(start, min(start + step, n_types))
        parts = (
            inst.level_score[t_level[rows][:, None], t_level[None, :]],
            (t_dept[rows][:, None] != t_dept[None, :]).astype(np.float64),
            inst.zone_score[t_zone[rows][:, None], t_zone[None, :]],
        )
        w = inst.weights
        combined = w[0] * parts[0] + w[1] * parts[1] + w[2] * parts[2]
        others = np.broadcast_to(count, (rows.size, n_types)).copy()
        others[np.arange(rows.size), rows] -= 1.0  # a member is not their own mate
        for a, scores in enumerate((*parts, combined)):
            # Random circles: the mean score with all other members.
            random_sum[a] += float(count[rows] @ (scores * others).sum(axis=1)) / (n - 1)
            # Bound: the mean of the best m scores with other members.
            order = np.argsort(-scores, axis=1, kind="stable")
            best = np.take_along_axis(scores, order, axis=1)
            available = np.take_along_axis(others, order, axis=1)
            before = np.cumsum(available, axis=1) - available
            taken = np.clip(m - before, 0.0, available)
            bound_sum[a] += float(count[rows] @ (taken * best).sum(axis=1)) / m
    random = {aim: float(random_sum[a] / n) for a, aim in enumerate(AIMS)}
    bound = {aim: min(1.0, float(bound_sum[a] / n)) for a, aim in enumerate(AIMS)}
    return random, float(random_sum[3] / n), bound, min(1.0, float(bound_sum[3] / n))


# -- circle sizes and the construction -----------------------------------------------------------


def _circle_count(n: int, lowest: int, highest: int) -> int | None:
    """The number of circles whose near-equal sizes sit nearest the middle of the range."""
    fewest, most = -(-n // highest), n // lowest
    if fewest > most:
        return None
    target = n / ((lowest + highest) / 2.0)
    return int(min(range(fewest, most + 1), key=lambda k: (abs(k - target), k)))


def _construct(inst: _Instance, k: int, rng: np.random.Generator) -> IndexArray:
    """Sort by zone and level, interleave departments, cut into k near-equal circles."""
    n = inst.n
    noise = rng.permutation(n)
    by_group = np.lexsort((noise, inst.department, inst.level, inst.zone))
    group = (inst.zone * len(Level) + inst.level) * max(inst.n_departments, 1) + inst.department
    sorted_group = group[by_group]
    starts = np.flatnonzero(np.r_[True, sorted_group[1:] != sorted_group[:-1]])
    lengths = np.diff(np.r_[starts, n])
    turn = np.empty(n, dtype=np.intp)
    turn[by_group] = np.arange(n) - np.repeat(starts, lengths)
    order = np.lexsort((noise, inst.department, turn, inst.level, inst.zone))
    sizes = np.full(k, n // k, dtype=np.intp)
    sizes[: n % k] += 1
    circle = np.empty(n, dtype=np.intp)
    circle[order] = np.repeat(np.arange(k, dtype=np.intp), sizes)
    return circle


# -- the local search ----------------------------------------------------------------------------


class _State:
    """A partition with the per-circle counts that price every exchange in O(1)."""

    def __init__(self, inst: _Instance, circle: IndexArray, k: int) -> None:
        self.inst = inst
        self.circle = circle.copy()
        self.k = k
        self.size = np.bincount(circle, minlength=k).astype(np.float64)
        z = inst.zone_score.shape[0]
        self.dept = np.zeros((k, max(inst.n_departments, 1)))
        np.add.at(self.dept, (circle, inst.department), 1.0)
        levels = np.zeros((k, len(Level)))
        np.add.at(levels, (circle, inst.level), 1.0)
        zones = np.zeros((k, z))
        np.add.at(zones, (circle, inst.zone), 1.0)
        self.level_gain = levels @ inst.level_score  # sum of level scores with each level
        self.zone_gain = zones @ inst.zone_score
        fit_sum = self.raw(np.arange(inst.n), circle) - inst.self_score
        self.pairs = np.bincount(circle, weights=fit_sum, minlength=k) / 2.0

    def raw(self, i: IndexArray, c: IndexArray) -> FloatArray:
        """Summed scores of members `i` with everyone in circles `c` (themself included)."""
        inst, w = self.inst, self.inst.weights
        return cast(
            FloatArray,
            w[0] * self.level_gain[c, inst.level[i]]
            + w[1] * (self.size[c] - self.dept[c, inst.department[i]])
            + w[2] * self.zone_gain[c, inst.zone[i]],
        )

    def value(self, c: IndexArray) -> FloatArray:
        """Each circle's summed fit: twice its pair scores over (size - 1)."""
        out: FloatArray = 2.0 * self.pairs[c] / (self.size[c] - 1.0)
        return out

    def total(self) -> float:
        """The summed fit of all members."""
        return float(self.value(np.arange(self.k)).sum())

    def swap_gain(self, i: IndexArray, j: IndexArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Gain of swapping members i and j (in different circles), and the new pair sums."""
        ci, cj = self.circle[i], self.circle[j]
        s = self.inst.self_score
        sij = self.inst.pair(i, j)
        new_i = self.pairs[ci] - (self.raw(i, ci) - s) + self.raw(j, ci) - sij
        new_j = self.pairs[cj] - (self.raw(j, cj) - s) + self.raw(i, cj) - sij
        gain = 2.0 * (new_i - self.pairs[ci]) / (self.size[ci] - 1.0) + 2.0 * (
            new_j - self.pairs[cj]
        ) / (self.size[cj] - 1.0)
        return gain, new_i, new_j

    def move_gain(self, i: IndexArray, d: IndexArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Gain of moving member i to circle d, and the new pair sums of both circles."""
        ci = self.circle[i]
        new_c = self.pairs[ci] - (self.raw(i, ci) - self.inst.self_score)
        new_d = self.pairs[d] + self.raw(i, d)
        gain = (
            2.0 * new_c / (self.size[ci] - 2.0)
            + 2.0 * new_d / self.size[d]
            - self.value(ci)
            - self.value(d)
        )
        return gain, new_c, new_d

    def _shift(self, i: IndexArray, source: IndexArray, target: IndexArray) -> None:
        """Move members i from `source` to `target` circles (each circle at most once)."""
        inst = self.inst
        self.dept[source, inst.department[i]] -= 1.0
        self.dept[target, inst.department[i]] += 1.0
        self.level_gain[source] -= inst.level_score[inst.level[i]]
        self.level_gain[target] += inst.level_score[inst.level[i]]
        self.zone_gain[source] -= inst.zone_score[inst.zone[i]]
        self.zone_gain[target] += inst.zone_score[inst.zone[i]]
        self.size[source] -= 1.0
        self.size[target] += 1.0
        self.circle[i] = target

    def apply_swaps(
        self, i: IndexArray, j: IndexArray, new_i: FloatArray, new_j: FloatArray
    ) -> None:
        ci, cj = self.circle[i], self.circle[j]
        self._shift(i, ci, cj)
        self._shift(j, cj, ci)
        self.pairs[ci] = new_i
        self.pairs[cj] = new_j

    def apply_moves(
        self, i: IndexArray, d: IndexArray, new_c: FloatArray, new_d: FloatArray
    ) -> None:
        ci = self.circle[i]
        self._shift(i, ci, d)
        self.pairs[ci] = new_c
        self.pairs[d] = new_d


def _disjoint(a: IndexArray, b: IndexArray, gain: FloatArray) -> IndexArray:
    """The improving exchanges, best first, that touch circles no better exchange touched."""
    good = np.flatnonzero(gain > _TOL)
    if not good.size:
        return good
    order = good[np.argsort(-gain[good], kind="stable")]
    touched = np.column_stack([a[order], b[order]]).ravel()
    first = np.zeros(touched.size, dtype=bool)
    first[np.unique(touched, return_index=True)[1]] = True
    return order[first[0::2] & first[1::2]]


def _round(
    state: _State,
    i: IndexArray,
    j: IndexArray,
    lowest: int,
    highest: int,
) -> tuple[float, int]:
    """Price swaps (i[k], j[k]) and moves of i[k] to j[k]'s circle; apply the best disjoint ones.

    Returns the total gain applied and the number of exchanges.
    """
    ci, cj = state.circle[i], state.circle[j]
    apart = ci != cj
    i, j, ci, cj = i[apart], j[apart], ci[apart], cj[apart]
    swap, new_si, new_sj = state.swap_gain(i, j)
    can_move = (state.size[ci] > lowest) & (state.size[cj] < highest)
    move = np.full(i.shape[0], -np.inf)
    new_mc = np.zeros(i.shape[0])
    new_md = np.zeros(i.shape[0])
    if can_move.any():
        move[can_move], new_mc[can_move], new_md[can_move] = state.move_gain(
            i[can_move], cj[can_move]
        )
    is_move = move > swap
    gain = np.where(is_move, move, swap)
    chosen = _disjoint(ci, cj, gain)
    moves, swaps = chosen[is_move[chosen]], chosen[~is_move[chosen]]
    if swaps.size:
        state.apply_swaps(i[swaps], j[swaps], new_si[swaps], new_sj[swaps])
    if moves.size:
        state.apply_moves(i[moves], cj[moves], new_mc[moves], new_md[moves])
    return float(gain[chosen].sum()), int(chosen.size)


def _search(
    state: _State, lowest: int, highest: int, max_rounds: int, rng: np.random.Generator
) -> tuple[int, int]:
    """Sampled rounds, then (for small instances) full passes; returns (rounds, exchanges)."""
    n = state.inst.n
    total_fit = state.total()
    rounds = exchanges = quiet = 0
    batch = max(4 * n, 256)
    while n > _FULL_ONLY and rounds < max_rounds and quiet < _PATIENCE:
        i = rng.integers(0, n, batch).astype(np.intp)
        j = rng.integers(0, n, batch).astype(np.intp)
        gained, applied = _round(state, i, j, lowest, highest)
        rounds += 1
        exchanges += applied
        total_fit += gained
        quiet = quiet + 1 if gained <= _QUIET * max(total_fit, 1.0) else 0
    if n <= _EXHAUSTIVE:
        first, second = np.triu_indices(n, 1)
        every_i = np.r_[first, second].astype(np.intp)
        every_j = np.r_[second, first].astype(np.intp)
        while True:  # each pass applies at least one improving exchange, or ends
            gained, applied = _round(state, every_i, every_j, lowest, highest)
            rounds += 1
            exchanges += applied
            if not applied:
                break
    return rounds, exchanges


def _circle_counts(n: int, lowest: int, highest: int, middle: int) -> list[int]:
    """The numbers of circles a small instance tries: the middle first, at most 5 in all."""
    feasible = range(-(-n // highest), n // lowest + 1)
    if len(feasible) <= _COUNTS:
        others = list(feasible)
    else:
        spread = np.linspace(feasible[0], feasible[-1], _COUNTS)
        others = sorted({round(x) for x in spread.tolist()})
    return [middle, *(k for k in others if k != middle)]


def _perturb(circle: IndexArray, rng: np.random.Generator, *, share: float) -> IndexArray:
    """A kick: the circles of a random `share` of the members (at least 4) shuffled."""
    out = circle.copy()
    n = out.shape[0]
    i = rng.permutation(n)[: max(4, int(share * n))]
    j = rng.permutation(i)
    out[i] = circle[j]  # a permutation of labels among the chosen: sizes unchanged
    return out


def _optimise(
    inst: _Instance,
    n: int,
    middle: int,
    lowest: int,
    highest: int,
    max_rounds: int,
    rng: np.random.Generator,
) -> tuple[_State, int, int]:
    """The best partition found: one search, or for small instances an iterated search.

    Small instances (up to ``_EXHAUSTIVE`` members) try several numbers of circles and, for
    each, search again from random starts and from kicks to the best partition so far (the
    circles of a quarter of the members shuffled), keeping the best.
    """
    best: _State | None = None
    rounds = exchanges = 0
    small = n <= _EXHAUSTIVE
    counts = _circle_counts(n, lowest, highest, middle) if small else [middle]
    kicks = max(1, min(_KICKS, _KICK_WORK // (n * n * len(counts)))) if small else 0
    for k in counts:
        state = _State(inst, _construct(inst, k, rng), k)
        r, e = _search(state, lowest, highest, max_rounds, rng)
        rounds, exchanges = rounds + r, exchanges + e
        for kick in range(kicks):
            # Alternately a fresh random start and a kick to a quarter of the best so far.
            share = 1.0 if kick % 2 == 0 else 0.25
            trial = _State(inst, _perturb(state.circle, rng, share=share), k)
            r, e = _search(trial, lowest, highest, max_rounds, rng)
            rounds, exchanges = rounds + r, exchanges + e
            if trial.total() > state.total() + _TOL:
                state = trial
        if best is None or state.total() > best.total() + _TOL:
            best = state
    assert best is not None  # counts is never empty
    return best, rounds, exchanges


# -- the result ----------------------------------------------------------------------------------


@attrs.frozen(repr=False, eq=False)
class PeerCircles(Result):
    """Peer circles, how well they meet their aims, and how that compares.

    .. versionadded:: 0.1

    Attributes
    ----------
    ids : ndarray of str
        The members' ids, in the order they were given.
    rows : ndarray of int
        The members' rows in the population.
    circle : ndarray of int
        Each member's circle (an index into `circles`).
    circles : tuple of tuple of str
        The members of each circle, by id.
    size_range : tuple of (int, int)
        The smallest and largest circle allowed.
    aims : CircleAims
        The aims and their weights.
    objective : float
        The mean fit of members with their circle-mates, weighted over the aims, in [0, 1].
    aim_scores : dict of str to float
        The same mean fit for each aim alone.
    random_objective : float
        The expected `objective` of circles drawn uniformly at random with the same sizes.
    random_aim_scores : dict of str to float
        The same expectation for each aim alone.
    bound : float
        An upper bound on the `objective` of any partition into circles within `size_range`.
    aim_bounds : dict of str to float
        An upper bound for each aim alone (each may come from a different partition).
    fit : ndarray of float
        Each member's fit: their mean weighted score with their circle-mates.
    rounds : int
        Rounds of the local search.
    exchanges : int
        Swaps and moves the local search applied.

    Examples
    --------
    :func:`form_peer_circles` returns one:

    >>> from sparkus.datasets import synthetic_org
    >>> from sparkus.matching import form_peer_circles
    >>> org = synthetic_org(n=200, seed=3)
    >>> circles = form_peer_circles(org.population, size=(4, 6), rng=0)
    >>> circles
    PeerCircles(n=200, circles=40, objective=0.967, random=0.737, bound=0.994)
    >>> circles.circles[0]
    ('E000001', 'E000003', 'E000007', 'E000019', 'E000105', 'E000168')
    >>> circles.circle_of("E000003") == circles.circles[0]
    True
    >>> print(circles.summary())
    Peer circles
    quantity                           value
    -------------------  -------------------
    members                              200
    circles                               40
    size range                        4 to 6
    circles by size      4: 13, 5: 14, 6: 13
    lowest member fit                 0.7743
    local search rounds                   27
    exchanges applied                     49
    <BLANKLINE>
    Aims
    aim          weight  circles  random  bound
    -----------  ------  -------  ------  -----
    level          0.33    0.971   0.881  0.998
    departments    0.33    0.950   0.829  1.000
    time zones     0.33    0.981   0.503  1.000
    objective      1.00    0.967   0.737  0.994
    mean fit of members with their circle-mates (0 to 1); random: expected for random circles
    of the same sizes; bound: no partition in the size range does better
    """

    ids: NDArray[np.str_]
    rows: IndexArray
    circle: IndexArray
    circles: tuple[tuple[str, ...], ...]
    size_range: tuple[int, int]
    aims: CircleAims
    objective: float
    aim_scores: dict[str, float]
    random_objective: float
    random_aim_scores: dict[str, float]
    bound: float
    aim_bounds: dict[str, float]
    fit: FloatArray
    rounds: int
    exchanges: int

    @property
    def n(self) -> int:
        """The number of members."""
        return int(self.ids.shape[0])

    @property
    def sizes(self) -> IndexArray:
        """The size of each circle."""
        return np.bincount(self.circle, minlength=len(self.circles)).astype(np.intp)

    @property
    def gap(self) -> float:
        """``(bound - objective) / bound``: how far below the best possible, at most."""
        return (self.bound - self.objective) / self.bound if self.bound > 0 else 0.0

    def circle_of(self, member: str) -> tuple[str, ...]:
        """The circle of the member with id `member`, by id.

        Raises
        ------
        KeyError
            If `member` is not a member; the message says so.
        """
        found = np.flatnonzero(self.ids == member)
        if not found.size:
            msg = f"{member!r} is not a member of these circles"
            raise KeyError(msg)
        return self.circles[int(self.circle[found[0]])]

    def to_dict(self) -> dict[str, Any]:
        """Every field as JSON-ready data; the aims as a mapping."""
        out = super().to_dict()
        out["aims"] = attrs.asdict(self.aims)
        return out

    def _headline(self) -> str:
        return (
            f"n={self.n}, circles={len(self.circles)}, objective={self.objective:.3f}, "
            f"random={self.random_objective:.3f}, bound={self.bound:.3f}"
        )

    def _tables(self) -> list[Table]:
        sizes = self.sizes
        low, high = self.size_range
        counts = ", ".join(
            f"{s}: {int(c)}" for s, c in enumerate(np.bincount(sizes)) if c and s >= low
        )
        rows = (
            ("members", format_number(self.n)),
            ("circles", format_number(len(self.circles))),
            ("size range", f"{low} to {high}"),
            ("circles by size", counts or "-"),
            ("lowest member fit", format_number(float(self.fit.min()) if self.n else None)),
            ("local search rounds", format_number(self.rounds)),
            ("exchanges applied", format_number(self.exchanges)),
        )
        weights = self.aims.weights()
        aim_rows = tuple(
            (
                aim.replace("_", " "),
                f"{weights[aim]:.2f}",
                f"{self.aim_scores[aim]:.3f}",
                f"{self.random_aim_scores[aim]:.3f}",
                f"{self.aim_bounds[aim]:.3f}",
            )
            for aim in AIMS
        )
        aim_rows += (
            (
                "objective",
                "1.00",
                f"{self.objective:.3f}",
                f"{self.random_objective:.3f}",
                f"{self.bound:.3f}",
            ),
        )
        note = (
            "mean fit of members with their circle-mates (0 to 1); random: expected for random "
            "circles of the same sizes; bound: no partition in the size range does better"
        )
        return [
            Table("Peer circles", ("quantity", "value"), rows),
            Table("Aims", ("aim", "weight", "circles", "random", "bound"), aim_rows, note),
        ]


# -- input validation ----------------------------------------------------------------------------


def _size_iv(size: object, problems: list[Problem], what: str = "circle") -> tuple[int, int]:
    """``(lowest, highest)``: two integers with ``2 <= lowest <= highest``."""
    ok = (
        isinstance(size, tuple | list)
        and len(size) == 2
        and all(isinstance(v, int | np.integer) and not isinstance(v, bool) for v in size)
    )
    if ok:
        low, high = (int(v) for v in cast("tuple[int, int]", size))
        if 2 <= low <= high:
            return low, high
    msg = (
        f"expected (smallest, largest) {what} sizes, two integers with 2 <= smallest <= "
        f"largest, got {describe(size)}"
    )
    problems.append(Problem(("size",), msg))
    return 2, 2


def _aims_iv(aims: object, problems: list[Problem]) -> CircleAims:
    if isinstance(aims, CircleAims):
        return aims
    if isinstance(aims, Mapping):
        unknown = [k for k in aims if k not in AIMS and k != "workday_hours"]
        if unknown:
            msg = (
                f"unknown aim(s) {', '.join(repr(k) for k in unknown)}; the aims are "
                f"{', '.join(AIMS)} (and the option workday_hours)"
            )
            problems.append(Problem(("aims",), msg))
            return CircleAims()
        fields = dict.fromkeys(AIMS, 0.0) | dict(aims)
        try:
            return CircleAims(**fields)
        except SchemaError as exc:
            problems.extend(p.prefixed(("aims",)) for p in exc.problems)
            return CircleAims()
    msg = f"expected a CircleAims or a mapping of aim to weight, got {describe(aims)}"
    problems.append(Problem(("aims",), msg))
    return CircleAims()


def _form_peer_circles_iv(
    participants: object, members: object, size: object, aims: object, rng: object,
    max_rounds: object,
) -> tuple[Population, IndexArray, tuple[int, int], CircleAims, np.random.Generator, int]:  # fmt: skip
    from sparkus.model import Population

    problems: list[Problem] = []
    if not isinstance(participants, Population):
        msg = f"expected a sparkus.model.Population, got {describe(participants)}"
        raise SchemaError([Problem(("participants",), msg)])
    rows = members_iv(participants, members, problems)
    low, high = _size_iv(size, problems)
    circle_aims = _aims_iv(aims, problems)
    generator = check_rng(rng, problems=problems)
    if isinstance(max_rounds, bool) or not isinstance(max_rounds, int) or max_rounds < 0:
        msg = f"expected a non-negative integer, got {describe(max_rounds)}"
        problems.append(Problem(("max_rounds",), msg))
    if problems:
        raise SchemaError(problems)
    if rows.size == 0:
        msg = "no members: pass at least the smallest circle size of people"
        raise InfeasibleError(msg)
    return participants, rows, (low, high), circle_aims, generator, cast(int, max_rounds)


def _infeasible(n: int, low: int, high: int) -> InfeasibleError:
    """Say that n people cannot fill circles of low..high, and what would work."""
    # The nearest headcounts that can be split, below n and above n.
    lower = next((m for m in range(n - 1, 0, -1) if -(-m // high) <= m // low), None)
    upper = next(m for m in range(n + 1, n + low + 1) if -(-m // high) <= m // low)
    hint = f"{lower} or {upper}" if lower is not None else f"{upper}"
    msg = (
        f"{n} member{'s' if n != 1 else ''} cannot be split into circles of {low} to {high}: "
        f"no number of circles k has {low}k <= {n} <= {high}k. Widen `size`, or add or "
        f"remove members (the nearest headcounts that work: {hint})"
    )
    return InfeasibleError(msg)


def form_peer_circles(
    participants: Population,
    members: Members = None,
    *,
    size: tuple[int, int] = (4, 6),
    aims: CircleAims | Mapping[str, float] | None = None,
    rng: int | np.random.Generator | None = None,
    max_rounds: int = 200,
) -> PeerCircles:
    """Partition members into peer circles within a size range, pursuing weighted aims.

    .. versionadded:: 0.1

    Parameters
    ----------
    participants : Population
        The population the members come from (columns ``level``, ``department`` and
        ``utc_offset`` are used).
    members : sequence of int or str, boolean mask, or None
        Who to place: row indices, ids, or a boolean mask over the rows (such as
        ``plan.support == SupportType.PEER_SUPPORT``). Default: everyone.
    size : tuple of (int, int)
        The smallest and largest circle, ``2 <= smallest <= largest``.
    aims : CircleAims or mapping of str to float, optional
        The aims and their weights (default: :class:`CircleAims`, all three with weight 1). A
        mapping names aims among ``"level"``, ``"departments"``, ``"time_zones"`` (weight 0
        for those left out) and may set ``"workday_hours"``.
    rng : int or numpy.random.Generator, optional
        Seed of the construction's tie-breaks and of the search; the same seed gives the same
        circles. None draws fresh entropy (not reproducible).
    max_rounds : int
        Most rounds of sampled exchanges (each prices four candidate exchanges per member).

    Returns
    -------
    PeerCircles
        The circles (member ids), the objective per aim and combined, the expected objective
        of random circles, an upper bound, and each member's fit.

    Raises
    ------
    SchemaError
        For a bad `members` (unknown ids, rows out of range, duplicates), `size`, `aims`,
        `rng` or `max_rounds`.
    InfeasibleError
        When no partition of the members into circles of the size range exists (3 people with
        sizes 4 to 6, or 7 people with sizes 4 to 5), or there are no members.

    Notes
    -----
    *Random circles.* In a partition drawn uniformly at random among those with the same
    circle sizes, the circle-mates of a member in a circle of size ``k`` are a uniformly
    random set of ``k - 1`` of the other ``n - 1`` members, so the expected mean of their
    scores is the member's mean score with all the others, whatever ``k``. The expected
    objective is therefore ``sum over i != j of s(i, j) / (n (n - 1))``, computed exactly.

    *The bound.* Let ``m = smallest - 1``. A member in a circle of size ``k >= smallest`` has
    ``k - 1 >= m`` circle-mates, and their fit is the mean of ``k - 1`` of their scores with
    the others. That mean is at most the mean of their ``k - 1`` highest scores, which is at
    most the mean of their ``m`` highest scores (the mean of the top ``q`` values does not
    increase with ``q``). Averaging over members, no partition within the size range has an
    objective above the mean over members of their top-``m`` mean: the reported `bound`.
    The same holds for each aim alone (`aim_bounds`). The bound ignores that circle-mates
    must choose each other, so it is loose when the best company of many people is scarce;
    the gap it reports is an upper limit on how far from optimal the circles are.

    *Sizes.* The circles start near-equal, with sizes as near the middle of the range as the
    headcount allows; moves then let sizes drift within the range. Up to 100 members, other
    numbers of circles are tried too and the best partition kept (a member's fit is a mean,
    so smaller circles can score higher).

    *Speed.* Exchanges are priced from per-circle counts of levels, departments and time
    zones, so a round costs O(members) numpy work: 10,000 members of the synthetic
    organisation take 2 to 4 seconds on a shared two-core machine.
    The baseline and the bound work on distinct (level, department, zone) combinations.

    Examples
    --------
    >>> from sparkus.datasets import synthetic_org
    >>> from sparkus.matching import form_peer_circles
    >>> org = synthetic_org(n=500, seed=3)
    >>> circles = form_peer_circles(org.population, size=(4, 6), rng=0)
    >>> circles
    PeerCircles(n=500, circles=100, objective=0.986, random=0.734, bound=0.999)
    >>> circles.circles[0]
    ('E000001', 'E000098', 'E000148', 'E000185')
    >>> {aim: round(score, 3) for aim, score in circles.aim_scores.items()}
    {'level': 0.985, 'departments': 0.979, 'time_zones': 0.993}
    """
    pop, rows, (low, high), circle_aims, generator, rounds_cap = _form_peer_circles_iv(
        participants, members, size, aims if aims is not None else CircleAims(), rng, max_rounds
    )
    n = int(rows.size)
    k = _circle_count(n, low, high)
    if k is None:
        raise _infeasible(n, low, high)
    inst = _instance(pop, rows, circle_aims)
    state, rounds, exchanges = _optimise(inst, n, k, low, high, rounds_cap, generator)
    k = state.k  # small instances may settle on another number of circles
    # Relabel circles by their first member, so the result reads in member order.
    circle = state.circle
    _, first = np.unique(circle, return_index=True)
    circle = np.argsort(np.argsort(first)).astype(np.intp)[circle]
    sizes = np.bincount(circle, minlength=k)
    ids = np.asarray(pop.ids)[rows]
    order = np.argsort(circle, kind="stable")
    bounds = np.r_[0, np.cumsum(sizes)]
    circles = tuple(tuple(ids[order[bounds[c] : bounds[c + 1]]].tolist()) for c in range(k))
    fits, combined = _fits(inst, circle, sizes)
    random, random_total, aim_bounds, bound = _baseline_and_bound(inst, low)
    return PeerCircles(
        ids=ids,
        rows=rows,
        circle=circle,
        circles=circles,
        size_range=(low, high),
        aims=circle_aims,
        objective=float(combined.mean()),
        aim_scores={aim: float(fits[a].mean()) for a, aim in enumerate(AIMS)},
        random_objective=random_total,
        random_aim_scores=random,
        bound=bound,
        aim_bounds=aim_bounds,
        fit=combined,
        rounds=rounds,
        exchanges=exchanges,
    )


def _fits(
    inst: _Instance, circle: IndexArray, sizes: NDArray[np.int64]
) -> tuple[list[FloatArray], FloatArray]:
    """Each member's mean score with circle-mates, per aim and combined, recomputed from scratch."""
    k = sizes.shape[0]
    mates = sizes[circle].astype(np.float64) - 1.0
    levels = np.zeros((k, len(Level)))
    np.add.at(levels, (circle, inst.level), 1.0)
    depts = np.zeros((k, max(inst.n_departments, 1)))
    np.add.at(depts, (circle, inst.department), 1.0)
    zones = np.zeros((k, inst.zone_score.shape[0]))
    np.add.at(zones, (circle, inst.zone), 1.0)
    level = ((levels @ inst.level_score)[circle, inst.level] - 1.0) / mates
    dept = (sizes[circle] - depts[circle, inst.department]) / mates
    zone = ((zones @ inst.zone_score)[circle, inst.zone] - 1.0) / mates
    parts = [level, dept, zone]
    w = inst.weights
    return parts, cast(FloatArray, w[0] * level + w[1] * dept + w[2] * zone)
