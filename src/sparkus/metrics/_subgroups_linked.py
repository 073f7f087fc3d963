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
  agree), so combinations isolating up to three sets of people sharing all their groups, of
  fewer than ``m`` treated (or control) people in all, are found too (:func:`_isolated`), and
  a reported group holding them is suppressed.

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


_LARGEST_SET: Final = 3
"""The most sets of people sharing all their groups :func:`_isolated` combines (the search
grows as the number of such sets to this power)."""


def _isolated(
    cells: sparse.csr_matrix, hidden: BoolArray, arms: npt.NDArray[np.int64],
    people: npt.NDArray[np.int64], m: int,
) -> set[int]:  # fmt: skip
    """Reported groups to suppress so that no combination of effects isolates a few people.

    A combination of the reported effects (and the overall one, published only when nothing
    is hidden) whose treated coefficients vanish outside a few sets of people sharing all their
    groups gives those sets' treated people's outcomes against controls: the effect of a group
    of those people alone. Such a combination exists exactly when the sets' rows of a basis of
    the null space of the reported groups' memberships (over the sets with treated people) are
    linearly dependent (their Gram determinant vanishes); the same holds for the control
    people. For each choice of up to ``_LARGEST_SET`` sets of 1 to ``m - 1`` treated (or
    control) people in all, the reported group of fewest people holding one is suppressed.
    """
    from itertools import combinations, islice

    from scipy.linalg import null_space

    shown = np.flatnonzero(~hidden)
    member = cells[shown].toarray()
    if not hidden.any():
        member = np.vstack([member, np.ones(member.shape[1])])
    out: set[int] = set()
    for arm in arms.T:
        columns = np.flatnonzero((arm > 0) & (arm < m))
        basis = null_space(member[:, arm > 0])[np.flatnonzero(arm[arm > 0] < m)]
        gram = basis @ basis.T
        for size in range(1, min(m, _LARGEST_SET + 1)):
            every = combinations(np.flatnonzero(arm[columns] <= m - size).tolist(), size)
            while chunk := list(islice(every, 100_000)):
                picks = np.array(chunk, dtype=np.intp)
                picks = picks[arm[columns[picks]].sum(axis=1) < m]
                dets = np.linalg.det(gram[picks[:, :, None], picks[:, None, :]])
                for picked in picks[np.abs(dets) < 1e-9]:
                    holding = shown[member[: len(shown), columns[picked]].any(axis=1)]
                    if holding.size:
                        out.add(int(min(holding, key=lambda c: (people[c], c))))
    return out
