"""How peer circles are formed: the objective, the construction and the local search.

:func:`~sparkus.matching.form_peer_circles` (``circles.py``) checks its arguments and reports
the result; this module finds the partition and says how good it is.

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

from typing import TYPE_CHECKING, Final, TypeAlias, cast

import attrs
import numpy as np
from numpy.typing import NDArray

from sparkus._checks import FloatArray
from sparkus._runs import rank_in_runs
from sparkus.model import Level

if TYPE_CHECKING:
    from sparkus.matching._pairing.circles import CircleAims
    from sparkus.model import Population

__all__ = [
    "AIMS",
    "CircleInstance",
    "baseline_and_bound",
    "circle_count",
    "circle_instance",
    "member_fits",
    "optimise",
]

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


# -- the instance: codes and score tables ----------------------------------------------------------


@attrs.frozen(eq=False)
class CircleInstance:
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


def circle_instance(participants: Population, rows: IndexArray, aims: CircleAims) -> CircleInstance:
    levels = len(Level) - 1
    ranks = np.arange(len(Level), dtype=np.float64)
    level_score = 1.0 - np.abs(ranks[:, None] - ranks[None, :]) / levels
    offsets = np.asarray(participants["utc_offset"], dtype=np.float64)[rows]
    zone, zone_score = _zone_scores(offsets, float(aims.workday_hours))
    _, department = np.unique(np.asarray(participants["department"])[rows], return_inverse=True)
    weights = np.array(list(aims.weights().values()), dtype=np.float64)
    return CircleInstance(
        level=np.asarray(participants["level"], dtype=np.intp)[rows],
        department=department.astype(np.intp),
        zone=zone,
        level_score=level_score,
        zone_score=zone_score,
        n_departments=int(department.max()) + 1 if department.size else 0,
        weights=weights,
    )


def member_fits(
    inst: CircleInstance, circle: IndexArray, sizes: NDArray[np.int64]
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


# -- the random baseline and the bound -------------------------------------------------------------


def baseline_and_bound(
    inst: CircleInstance, lowest: int
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


# -- circle sizes and the construction -------------------------------------------------------------


def circle_count(n: int, lowest: int, highest: int) -> int | None:
    """The number of circles whose near-equal sizes sit nearest the middle of the range."""
    fewest, most = -(-n // highest), n // lowest
    if fewest > most:
        return None
    target = n / ((lowest + highest) / 2.0)
    return int(min(range(fewest, most + 1), key=lambda k: (abs(k - target), k)))


def _construct(inst: CircleInstance, k: int, rng: np.random.Generator) -> IndexArray:
    """Sort by zone and level, interleave departments, cut into k near-equal circles."""
    n = inst.n
    noise = rng.permutation(n)
    by_group = np.lexsort((noise, inst.department, inst.level, inst.zone))
    group = (inst.zone * len(Level) + inst.level) * max(inst.n_departments, 1) + inst.department
    turn = np.empty(n, dtype=np.intp)
    turn[by_group] = rank_in_runs(group[by_group])
    order = np.lexsort((noise, inst.department, turn, inst.level, inst.zone))
    sizes = np.full(k, n // k, dtype=np.intp)
    sizes[: n % k] += 1
    circle = np.empty(n, dtype=np.intp)
    circle[order] = np.repeat(np.arange(k, dtype=np.intp), sizes)
    return circle


# -- the local search ------------------------------------------------------------------------------


class _State:
    """A partition with the per-circle counts that price every exchange in O(1)."""

    def __init__(self, inst: CircleInstance, circle: IndexArray, k: int) -> None:
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


def optimise(
    inst: CircleInstance,
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
