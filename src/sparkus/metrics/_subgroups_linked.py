"""Which groups of several groupings of the same people subgroup effects may report together.

An attacker who knows everyone's memberships and every figure published about the groupings
reads them as one table (see ``docs/privacy.md``). Two kinds of figure are at stake:

- *counts*: each reported group's treated and control counts are linear in who was treated
  (the control count is the group's size less the treated count), and the groupings' counts
  together can pin a suppressed group's, or isolate a few people's, by difference (the levels'
  counts less the reported departments' give the lone person of a suppressed department). The
  counts are one linked table of the shared core (:func:`~sparkus._privacy.protect_linked`),
  whose cells are every group of every grouping: the groups with fewer than ``m`` treated or
  control people are hidden first, then further groups, across the groupings at once, until
  every hidden group and every set of fewer than ``m`` people who share all their groups keeps
  its protection width against the published counts (the dashboard's default: half the range
  of ``min(m, n)`` of its ``n`` people, or what one published count alone leaves it). The total is not a cell: it is withheld
  whenever a group is suppressed, and otherwise is the sum of any grouping's counts;
- *effects*: a group's figures are a function of its members' outcomes, so two reported groups
  whose treated people, or whose control people, differ by 1 to ``m - 1`` give those few
  people's outcomes by difference. Of each such pair the smaller is suppressed (the groups are
  taken largest first, and one is suppressed when it is close to one already kept; on a tie the
  later grouping's). The total never is such a pair's member: it is published only when nothing
  is suppressed, and then it differs from each group by the grouping's other groups, each with
  at least ``m`` treated and ``m`` control people. Three or more groups combine the same way
  (``X - U + W`` with X = A + R1, U = R1 + R2 and W = R2 is A's effect when the treated shares
  agree), and so do any number: a combination of the reported effects whose treated (or
  control) coefficients are nonzero on 1 to ``m - 1`` people only, however many sets of
  people sharing all their groups they make up, is found from the groups' memberships
  (:func:`_isolated`), and a reported group holding them is suppressed;
- *standard errors* (and the intervals, d.f. and p-values): a group's are a function of sums,
  over its treated people and over its control people, of per-person quantities (the outcome
  and its square for a difference in means, whose Welch d.f. gives the two arms' variances
  apart; products of the outcome, ``pre`` and the covariates kept for ANCOVA with HC1). Both
  rules above are on each arm's memberships, whatever is summed: two groups one treated person
  apart (whose sums of squares give that person's ``(y - mean)**2``) are a close pair, and no
  combination of the reported groups' sums of squares isolates a few people, as none of their
  sums does. Nothing more is hidden for them.

A group suppressed for its effect is hidden in the count table too, and the two rules repeat
until neither hides more (hiding only removes figures, so they end). With one grouping neither
rule hides anything beyond the small groups: the groups are disjoint, so a hidden group's count
is free once the total is withheld, and two reported groups differ by at least ``2 m`` people.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Final, TypeAlias

import numpy as np
import numpy.typing as npt

from sparkus._privacy import (
    DEFAULT_SHARE,
    Group,
    LinkedTable,
    Measure,
    atoms_of_keys,
    protect_linked,
)

if TYPE_CHECKING:
    from scipy import sparse

__all__ = ["linked_suppression"]

IntArray: TypeAlias = npt.NDArray[np.intp]
BoolArray: TypeAlias = npt.NDArray[np.bool_]

_COMPLEMENT: Final = 2
"""The kind :func:`~sparkus._privacy.protect_linked` gives a cell hidden for another hidden
cell (the other secondary kind protects a few people isolated by the published cells)."""
_COUNTS: Final = (
    "complementary: with the other groupings' counts, its counts would narrow a suppressed group's"
)
_ISOLATED: Final = (
    "complementary: with the other reported groups' effects, its effect would give the effect "
    "of a few people"
)
_FEW: Final = (
    "complementary: with the other groupings' counts, its counts would narrow a few people's"
)


def linked_suppression(
    treated: BoolArray, groupings: Sequence[tuple[str, list[Group], IntArray]], m: int
) -> list[dict[Group, str]]:
    """Per grouping, its suppressed groups (in sorted order) with the rule that hid each.

    `groupings` holds each grouping's name, its sorted groups and each person's index into
    them; `m` is the minimum group size and the protection's `k`.
    """
    from scipy import sparse

    n = len(treated)
    atom, count = np.zeros(n, dtype=np.int64), 1
    for _, keys, index in groupings:  # people in the same group of every grouping
        atom, count = atoms_of_keys(atom * len(keys) + index)
    rep = np.zeros(count, dtype=np.int64)
    rep[atom] = np.arange(n)
    size = np.bincount(atom, minlength=count)
    offsets = np.cumsum([0, *(len(keys) for _, keys, _ in groupings)])
    rows = np.concatenate([offsets[j] + index[rep] for j, (_, _, index) in enumerate(groupings)])
    cols = np.tile(np.arange(count), len(groupings))
    cells = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(offsets[-1], count))
    atom_treated = np.bincount(atom, weights=treated, minlength=count).astype(np.float64)
    people = np.rint(cells @ size).astype(np.int64)
    n_t = np.rint(np.asarray(cells @ atom_treated)).astype(np.int64)
    n_c = people - n_t
    # A set of fewer than m people sharing every group is checked unless it is a group itself.
    lone = np.diff(cells.indptr) == 1
    own = np.zeros(count, dtype=bool)
    own[cells.indices[cells.indptr[:-1][lone]]] = True
    few = np.flatnonzero((size < m) & ~own)
    measure = Measure("treated", np.zeros(count), size.astype(np.float64),
                      n_t.astype(np.float64), integer=True)  # fmt: skip
    table = LinkedTable(cells, people, np.zeros(len(people), dtype=bool),
                        people.astype(np.float64), (measure,),
                        sparse.identity(count, format="csr")[few],
                        size[few].astype(np.int64))  # fmt: skip
    near = _near(cells, atom_treated, size - atom_treated, n_t, n_c, m)
    arms = np.column_stack([atom_treated, size - atom_treated]).astype(np.int64)
    names = [(name, g) for name, keys, _ in groupings for g in keys]
    hidden = (n_t < m) | (n_c < m)
    why = {int(c): f"fewer than {m} treated or control people" for c in np.flatnonzero(hidden)}
    while True:
        kind = protect_linked(table, hidden, m, DEFAULT_SHARE).kind
        for c in np.flatnonzero((kind != 0) & ~hidden):
            why[int(c)] = _COUNTS if kind[c] == _COMPLEMENT else _FEW
        hidden = kind != 0
        close = _close(hidden, people, near)
        few_arms = {} if close else _isolated(cells, hidden, arms, people, m)
        if not close and not few_arms:
            break
        for cell, partner in close.items():
            name, group = names[partner]
            why[cell] = (f"complementary: its treated or its control people differ from those "
                         f"of {name} {group!r}, which is reported, by fewer than {m}")  # fmt: skip
            hidden[cell] = True
        for cell in few_arms:
            why[cell] = _ISOLATED
            hidden[cell] = True
    return [
        {keys[i]: why[int(offsets[j] + i)] for i in range(len(keys)) if hidden[offsets[j] + i]}
        for j, (_, keys, _) in enumerate(groupings)
    ]


def _near(
    cells: sparse.csr_matrix, treated: npt.NDArray[np.float64], control: npt.NDArray[np.float64],
    n_t: npt.NDArray[np.int64], n_c: npt.NDArray[np.int64], m: int,
) -> BoolArray:  # fmt: skip
    """Pairs of groups whose treated, or whose control, people differ by 1 to ``m - 1``."""
    from scipy import sparse

    out = np.zeros((len(n_t), len(n_t)), dtype=bool)
    for weight, sizes in ((treated, n_t), (control, n_c)):
        shared = np.rint((cells @ sparse.diags(weight) @ cells.T).toarray()).astype(np.int64)
        differ = sizes[:, None] + sizes[None, :] - 2 * shared  # the symmetric difference
        out |= (differ >= 1) & (differ < m)
    return out


def _close(hidden: BoolArray, people: npt.NDArray[np.int64], near: BoolArray) -> dict[int, int]:
    """Reported groups to suppress for their effects, each with the kept group it is near.

    Largest first (the earlier on a tie): a group near one already kept is suppressed.
    """
    kept: list[int] = []
    out: dict[int, int] = {}
    for c in sorted(np.flatnonzero(~hidden).tolist(), key=lambda c: (-people[c], c)):
        partner = next((d for d in kept if near[c, d]), None)
        if partner is None:
            kept.append(c)
        else:
            out[c] = partner
    return out


def _isolated(
    cells: sparse.csr_matrix, hidden: BoolArray, arms: npt.NDArray[np.int64],
    people: npt.NDArray[np.int64], m: int,
) -> set[int]:  # fmt: skip
    """Reported groups to suppress so that no combination of effects isolates a few people.

    A combination of the reported effects (and the overall one, published only when nothing
    is hidden) with weight ``mu[g]`` times the treated count on group ``g`` gives every treated
    person of a set of people sharing all their groups the coefficient ``sum(mu[g])`` over the
    groups holding the set: the treated coefficients can be any vector of the row space of the
    reported groups' memberships, whatever the groups' treated shares (the controls' follow
    from the shares, and cancel with them only when the shares agree). One that is nonzero on
    1 to ``m - 1`` treated people only is the effect of a group of those people alone; the same
    holds for the control people. While :func:`_least_support` finds such a set, in either
    arm, a reported group holding one of its people is suppressed: the one of fewest people
    whose memberships outside the set are a combination of the other reported groups' (so that
    it takes part in a combination isolating the set), else the one of fewest people. Hiding a
    group only removes combinations, so the search ends.
    """
    member = cells.toarray() > 0
    shown, index = ~hidden, np.arange(len(hidden))
    out: set[int] = set()
    for arm in arms.T:
        while True:
            rows = member[shown]
            if shown.all():
                rows = np.vstack([rows, np.ones(rows.shape[1], dtype=bool)])
            few = _least_support(rows, arm, m)
            if few is None:
                break
            rest = arm > 0
            rest[few] = False
            outside = member[:, rest].astype(np.float64)
            rank = _span(outside[shown]).shape[1]
            holding = sorted(np.flatnonzero(shown & member[:, few].any(axis=1)).tolist(),
                             key=lambda c: (people[c], c))  # fmt: skip
            cell = next((c for c in holding if _span(outside[shown & (index != c)]).shape[1]
                         == rank), holding[0])  # fmt: skip
            shown[cell] = False
            out.add(cell)
    return out


def _least_support(rows: BoolArray, arm: npt.NDArray[np.int64], m: int) -> IntArray | None:
    """The least support, in `arm`'s people, of a nonzero vector of the row space of `rows`.

    The support is given as the sets of people sharing all their groups (the columns of
    `rows`) on which the vector is nonzero, when it holds fewer than `m` people (else None).

    Sets with the same groups share their coefficient and are read as one, of their people
    together. Such a vector is zero on every set of at least `m` people: it lies in the span of
    the other columns' parts outside the span of those sets' columns (the columns left; none
    when those sets' columns span all, the rank check). When ``m`` spanning sets of the
    columns left fit, each column in at most as many as it has people, no vector of fewer
    than ``m`` people is nonzero (removing its columns leaves one spanning set whole), which
    settles most calls. Otherwise a small integer program finds the least: the vector scaled
    to a largest coefficient of 1 (``u[j] >= 2 t[j] - 1`` with one ``t[j] <= s[j]`` set), each
    coefficient within ``[-s[j], s[j]]`` for a binary ``s[j]`` weighing the column's people,
    it minimises their sum; as a nonzero vector is nonzero on some column of every spanning
    set, each set found has an ``s[j]`` set (which speeds the program up tenfold and more).
    """
    from scipy.optimize import Bounds, LinearConstraint, milp

    present = np.flatnonzero(arm > 0)
    columns, inverse = np.unique(rows[:, present], axis=1, return_inverse=True)
    inverse = inverse.ravel()
    weight = np.bincount(inverse, weights=arm[present])
    block = columns.astype(np.float64)
    large = weight >= m
    basis = _span(block[:, large])
    left = block[:, ~large] - basis @ (basis.T @ block[:, ~large])
    keep = np.linalg.norm(left, axis=0) > _TOLERANCE
    left, small = left[:, keep], np.flatnonzero(~large)[keep]
    if not left.size:
        return None
    spanning = _spanning_sets(left, weight[small].astype(np.int64), m)
    if len(spanning) == m:
        return None
    r, k = left.shape
    eye, zero = np.identity(k), np.zeros((k, k))
    costs = np.r_[np.zeros(r), weight[small], np.zeros(k)]
    meets = np.zeros((len(spanning), r + 2 * k))
    for i, chosen in enumerate(spanning):
        meets[i, r + chosen] = 1.0
    constraints = [
        LinearConstraint(np.hstack([left.T, -eye, zero]), -np.inf, 0.0),
        LinearConstraint(np.hstack([left.T, eye, zero]), 0.0, np.inf),
        LinearConstraint(np.hstack([left.T, zero, -2.0 * eye]), -1.0, np.inf),
        LinearConstraint(np.hstack([np.zeros((k, r)), -eye, eye]), -np.inf, 0.0),
        LinearConstraint(np.r_[np.zeros(r + k), np.ones(k)][None], 1.0, 1.0),
        LinearConstraint(costs[None], 0.0, m - 1.0),
        LinearConstraint(meets, 1.0, np.inf),
    ]
    res = milp(
        costs,
        integrality=np.r_[np.zeros(r), np.ones(2 * k)],
        bounds=Bounds(np.r_[np.full(r, -np.inf), np.zeros(2 * k)],
                      np.r_[np.full(r, np.inf), np.ones(2 * k)]),
        constraints=constraints,
    )  # fmt: skip
    if res.status == 2:
        return None
    if res.x is None:  # pragma: no cover - a time limit is never set
        msg = f"the program for the least isolated people did not solve ({res.message})"
        raise RuntimeError(msg)
    return present[np.isin(inverse, small[res.x[r : r + k] > 0.5])]


_TOLERANCE: Final = 1e-10
"""The length below which a combination of 0/1 membership columns is read as zero."""


def _span(block: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """An orthonormal basis of the span of the columns of `block`.

    From its rows' Gram matrix, as small as the number of groups, however many columns.
    """
    values, vectors = np.linalg.eigh(block @ block.T)
    return vectors[:, values > _TOLERANCE * max(1.0, values.max(initial=0.0))]


def _spanning_sets(
    block: npt.NDArray[np.float64], capacity: npt.NDArray[np.int64], m: int
) -> list[IntArray]:
    """Up to `m` sets of columns of `block`, each spanning its columns, within `capacity`.

    Each column is in at most `capacity` of the sets, chosen greedily: pivoted QR of the unit
    columns weighted by the square of their capacity left (which packed more in random
    organisations than the capacity alone).
    """
    from scipy.linalg import qr

    rank = _span(block).shape[1]
    left = capacity.copy()
    unit = block / np.linalg.norm(block, axis=0)
    out: list[IntArray] = []
    while len(out) < m:
        free = np.flatnonzero(left > 0)
        if free.size < rank:
            break
        chosen = free[qr(unit[:, free] * left[free] ** 2, mode="r", pivoting=True)[1][:rank]]
        if _span(block[:, chosen]).shape[1] < rank:
            break
        left[chosen] -= 1
        out.append(chosen)
    return out
