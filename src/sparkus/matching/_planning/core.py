"""The structured path's primal plan: fix the clear choices, settle the core.

:func:`fit` drops the least keen people until the choices fit, then adds the nearest to
indifferent while places and money are left (no core at all);
:func:`repair` grows the core until the fixed people leave its problem a chance;
:func:`settle` solves the core's problem with the general path (``integer_program.solve``)
around the fixed people; :func:`value_of` is a choice's total value.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from sparkus._checks import FloatArray
from sparkus._runs import rank_in_runs
from sparkus.matching._planning.integer_program import (
    Instance,
    TimedOut,
    Unsolvable,
    gap_of,
    solve,
)

__all__ = ["fit", "picked", "repair", "residual", "settle", "top_up", "value_of"]

IntArray = npt.NDArray[np.int64]

_FILL_LEAST = 1024  # people a fit tries to add, at least (a hundredth of all, if more)


def repair(
    instance: Instance, choice: IntArray, lead: FloatArray, core: npt.NDArray[np.bool_]
) -> None:
    """Grow `core` (in place) until the fixed people leave the core's problem a chance.

    Fixed people who overfill a pool or the budget, and unsupported members of a group whose
    minimum reach the core cannot meet alone, join the core, nearest a tie first.
    """
    pool_of = np.where(choice >= 0, instance.option_pool[np.maximum(choice, 0)], -1)
    rows = np.arange(instance.n)
    can = instance.eligible.any(axis=1)
    pools = instance.capacity.shape[0]
    room = np.floor(instance.capacity.astype(np.float64) + 1e-9)
    for _ in range(8):
        grew = False
        fixed = ~core & (choice >= 0)
        placed = pool_of[fixed]
        counts = np.bincount(placed[placed >= 0], minlength=pools)[:pools]
        for p in np.flatnonzero(counts > room).tolist():  # only the pools overfilled
            members = np.flatnonzero(fixed & (pool_of == p))
            over = members.shape[0] - int(room[p])
            if over > 0:
                pick = members[np.argsort(lead[members], kind="stable")[: over + 8]]
                core[pick] = True
                grew = True
        if math.isfinite(instance.budget):
            paid = np.flatnonzero(~core & (choice >= 0))
            spend = picked(instance.cost, paid, choice[paid])
            overspent = float(spend.sum()) - instance.budget
            if overspent > 0:
                order = np.argsort(lead[paid], kind="stable")
                freed = np.cumsum(spend[order])
                upto = int(np.searchsorted(freed, overspent)) + 8
                core[paid[order[:upto]]] = True
                grew = True
        for g in range(instance.reach.shape[0]):
            members = instance.reach[g]
            need = int(instance.reach_min[g]) - int(np.sum(members & ~core & (choice >= 0)))
            have = int(np.sum(members & core & can))
            if need > have:
                idle = rows[members & ~core & (choice < 0) & can]
                pick = idle[np.argsort(lead[idle], kind="stable")[: need - have + 8]]
                core[pick] = True
                grew = bool(pick.size) or grew
        if not grew:
            return


def fit(
    instance: Instance, choice: IntArray, keen: FloatArray, lead: FloatArray, runner: IntArray
) -> IntArray | None:
    """`choice` changed where it breaks a constraint, least keen people first, or None.

    `keen` is each person's best reduced value at the dual's prices (how much they prefer
    their choice to nothing), `lead` how much they prefer it to their `runner`-up (-1:
    nothing). Members of an overfilled pool move to their runner-up where its pool has room,
    or take nothing, smallest lead first; then payees are dropped, least keen first, while
    the budget is overspent; then people who take nothing join their best option, nearest to
    indifferent first, while places and money are left (at prices a little off the dual's
    minimum, the choices underspend as often as they overspend). None when a group's minimum
    reach is then unmet.
    """
    out = choice.copy()
    taken = np.flatnonzero(out >= 0)
    pool_of = instance.option_pool[out[taken]]
    room = np.floor(instance.capacity.astype(np.float64) + 1e-9)
    counts = np.bincount(pool_of[pool_of >= 0], minlength=room.shape[0])[: room.shape[0]]
    for p in np.flatnonzero(counts > room).tolist():
        members = taken[pool_of == p]
        over = int(members.shape[0] - room[p])
        for i in members[np.argsort(lead[members], kind="stable")[:over]].tolist():
            other = int(runner[i])
            there = int(instance.option_pool[other]) if other >= 0 else -1
            if other >= 0 and there != p and (there < 0 or counts[there] < room[there]):
                out[i] = other
                if there >= 0:
                    counts[there] += 1
            else:
                out[i] = -1
            counts[p] -= 1
    # each person's cost, 0 for nothing: the plan's own sum (plan_from_choice sums this array)
    spend = np.zeros(out.shape[0])
    paid = np.flatnonzero(out >= 0)
    spend[paid] = picked(instance.cost, paid, out[paid])
    if math.isfinite(instance.budget):
        overspent = float(spend.sum()) - instance.budget
        if overspent > 0:
            order = _least_keen(paid, keen, spend, overspent)
            upto = int(np.searchsorted(np.cumsum(spend[order]), overspent)) + 1
            out[order[:upto]] = -1
            spend[order[:upto]] = 0.0
            if float(spend.sum()) > instance.budget:
                return None  # rounding in the sums: the core's solve decides
    out = _fill(instance, out, spend, lead, runner)
    if instance.reach.shape[0]:
        reached = instance.reach.astype(np.int64) @ (out >= 0).astype(np.int64)
        if np.any(reached < instance.reach_min):
            return None
    return out


def _least_keen(paid: IntArray, keen: FloatArray, spend: FloatArray, amount: float) -> IntArray:
    """`paid` people, least keen first (stably), at least until their spend reaches `amount`.

    Sorting everyone is the cost of a sort of all payees (6 ms at 100,000); along a frontier the
    overspend is a few people's worth, so the least keen are picked out first (a partition)
    and only they are sorted, a larger share each time it falls short. All of them, sorted,
    when even everyone does not reach `amount`.
    """
    key = keen[paid]
    take = 64
    while take < paid.size:
        cut = np.partition(key, take)[take]  # everyone strictly below is among the least keen
        chosen = np.flatnonzero(key < cut)
        order = paid[chosen[np.argsort(key[chosen], kind="stable")]]
        # the running sum the caller takes: the full order's, whose first people these are
        if order.size and float(np.cumsum(spend[order])[-1]) >= amount:
            return order
        take *= 8
    return paid[np.argsort(key, kind="stable")]


def _fill(
    instance: Instance, out: IntArray, spend: FloatArray, lead: FloatArray, runner: IntArray
) -> IntArray:
    """People who take nothing join their best option (`runner`) while it fits.

    Only where that option is worth something, nearest to indifferent first, while its pool
    has places and the budget has money. `spend` is each person's cost in `out` (0: nothing).
    """
    idle = np.flatnonzero((out < 0) & (runner >= 0))
    if not idle.size:
        return out
    option = runner[idle]
    worth = picked(instance.value, idle, option) > 0
    idle, option = idle[worth], option[worth]
    most = max(_FILL_LEAST, out.shape[0] // 100)  # the nearest; the rest would not fit anyway
    if idle.size > most:
        near = np.argpartition(lead[idle], most - 1)[:most]
        idle, option = idle[near], option[near]
    order = np.argsort(lead[idle], kind="stable")
    idle, option = idle[order], option[order]
    pool = instance.option_pool[option]
    taken = np.flatnonzero(out >= 0)
    held = instance.option_pool[out[taken]]
    pools = instance.capacity.shape[0]
    held = np.bincount(held[held >= 0], minlength=pools)[:pools]
    room = np.floor(instance.capacity.astype(np.float64) + 1e-9) - held
    pooled = np.flatnonzero(pool >= 0)
    if pooled.size:
        by_pool = pooled[np.argsort(pool[pooled], kind="stable")]  # keenest first in each
        fits = np.ones(idle.size, dtype=bool)
        fits[by_pool] = rank_in_runs(pool[by_pool]) < room[pool[by_pool]]
        idle, option = idle[fits], option[fits]
    if math.isfinite(instance.budget):
        cost = picked(instance.cost, idle, option)
        upto = int(np.searchsorted(np.cumsum(cost), instance.budget - float(spend.sum()),
                                   side="right"))  # fmt: skip
        while upto:  # the sum in the plan's order may round above the running one's
            trial = spend.copy()
            trial[idle[:upto]] = cost[:upto]
            if float(trial.sum()) <= instance.budget:
                break
            paying = np.flatnonzero(cost[:upto] != 0)  # without the last who pays
            upto = int(paying[-1]) if paying.size else 0
        idle, option = idle[:upto], option[:upto]
    out[idle] = option
    return out


def top_up(instance: Instance, choice: IntArray) -> IntArray:
    """`choice` with idle people given their most valuable option while it still fits.

    The general path's solver stops within its tolerances, which are relative to the largest
    value: beside one value of 1e9, values near 1 are below them, and their people were left
    idle with money and places to spare. Adding a person to an option that fits (room in its
    pool, money in the budget) only adds value and reach, so this never breaks a constraint.
    """
    idle = np.flatnonzero(choice < 0)
    if not idle.size or not instance.value.size:
        return choice
    worth = np.where(instance.eligible[idle], instance.value[idle], -np.inf)
    best = np.argmax(worth, axis=1)
    gain = worth[np.arange(idle.size), best]
    keen = gain > 0
    if not keen.any():
        return choice
    runner = np.full(choice.shape[0], -1, dtype=np.int64)
    runner[idle[keen]] = best[keen]
    lead = np.zeros(choice.shape[0])
    lead[idle[keen]] = -gain[keen]  # the most valuable first
    spend = np.zeros(choice.shape[0])
    paid = np.flatnonzero(choice >= 0)
    spend[paid] = picked(instance.cost, paid, choice[paid])
    return _fill(instance, choice.copy(), spend, lead, runner)


def residual(instance: Instance, fixed: IntArray, people: IntArray) -> Instance | None:
    """The problem of `people` around the others' `fixed` choices (-1: nothing), or None.

    What the fixed people leave of the budget, the pools and the minimum reach; None when
    they already overspend the budget or overfill a pool.
    """
    taken = np.flatnonzero(fixed >= 0)
    pool_of = instance.option_pool[fixed[taken]]
    used = np.bincount(pool_of[pool_of >= 0], minlength=instance.capacity.shape[0])
    spent = float(picked(instance.cost, taken, fixed[taken]).sum())
    supported = (fixed >= 0).astype(np.int64)
    sub = Instance(
        eligible=instance.eligible[people],
        cost=instance.cost[people],
        value=instance.value[people],
        effect=instance.effect[people],
        option_pool=instance.option_pool,
        capacity=np.maximum(instance.capacity - used, 0.0),
        budget=instance.budget - spent if math.isfinite(instance.budget) else math.inf,
        reach=instance.reach[:, people],
        reach_min=np.maximum(instance.reach_min - instance.reach.astype(np.int64) @ supported, 0),
        pool_names=instance.pool_names,
        reach_names=instance.reach_names,
    )
    if sub.budget < 0 or np.any(instance.capacity - used < 0):
        return None
    return sub


def settle(
    instance: Instance,
    choice: IntArray,
    core: npt.NDArray[np.bool_],
    *,
    bound: float,
    scale: float,
    mip_rel_gap: float,
    time_limit: float,
) -> IntArray | None:
    """The plan: fixed people keep `choice`, the core's problem is solved by the general path.

    The core's gap is set so that it may lose at most a quarter of the whole plan's allowed
    shortfall (``mip_rel_gap * bound``); None when the core's problem has no plan in time.
    `scale` is the values' unit (see :func:`gap_of`).
    """
    fixed = np.where(core, -1, choice)
    people = np.flatnonzero(core)
    sub = residual(instance, fixed, people)
    if sub is None:
        return None
    most = float(np.where(sub.eligible, np.maximum(sub.value, 0.0), 0.0).max(axis=1).sum())
    allowed = 0.25 * mip_rel_gap * abs(bound) / most if most > 0 else mip_rel_gap
    out = fixed.copy()
    # First the LP and its rounding alone (a loose gap stops there); the core's MIP proper only
    # if the whole plan is still short of the target.
    for gap in (0.5, min(max(allowed, mip_rel_gap / 4), 0.5)):
        try:
            found = solve(sub, mip_rel_gap=gap, time_limit=time_limit)
        except (Unsolvable, TimedOut):
            return None
        out[people] = found.choice
        if gap_of(value_of(instance, out), bound, scale=scale) <= mip_rel_gap:
            break
    return out


def picked(table: FloatArray, rows: IntArray, options: IntArray) -> FloatArray:
    """``table[rows, options]``: each row's entry at its option, read from the flat table.

    The same values as the paired fancy index, which takes numpy's general indexing path and
    about twice as long on the (people, options) tables here.
    """
    flat = rows * table.shape[1]
    flat += options
    out: FloatArray = table.reshape(-1).take(flat)
    return out


def value_of(instance: Instance, choice: IntArray) -> float:
    taken = np.flatnonzero(choice >= 0)
    return float(picked(instance.value, taken, choice[taken]).sum())
