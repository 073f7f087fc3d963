"""The exact verifier: for every hidden cell, the range an attacker can bound it to.

:func:`verify_disclosure` writes every published cell of every figure and release as a linear
constraint on per-person values, collapses people into atoms, and minimises and maximises each
hidden cell (and each group of fewer than the minimum whom the published cells could isolate)
with HiGHS. See :mod:`sparkus._privacy.lp` for the programs.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import numpy as np
import numpy.typing as npt

from sparkus._checks import check_number, describe
from sparkus._errors import Problem, SchemaError
from sparkus._privacy.atoms import atoms_of_masks, incidence
from sparkus._privacy.joint import JointSolver, MeasureView, joint_box, pair
from sparkus._privacy.lp import Measure, Solver, box, required, tolerance
from sparkus._privacy.records import Cell, CellRange, DisclosureCheck, Figure

if TYPE_CHECKING:
    from scipy import sparse

__all__ = ["DEFAULT_MIN_GROUP_SIZE", "DEFAULT_SHARE", "verify_disclosure"]

FloatArray: TypeAlias = npt.NDArray[np.float64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]

DEFAULT_MIN_GROUP_SIZE = 5
DEFAULT_SHARE = 0.5


def verify_disclosure(
    figures: Sequence[Figure],
    *,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    share: float = DEFAULT_SHARE,
    ratings: Sequence[tuple[str, str]] = (),
) -> DisclosureCheck:
    """Bound every hidden cell as an attacker who knows every published cell would.

    The attacker knows every published value of every figure and release, who each cell
    aggregates, and each person's smallest and largest possible value. For each hidden cell,
    the verifier minimises and maximises its value subject to all of that (linear programs,
    HiGHS through scipy; whole-number programs for counts), and calls it *protected* when the
    range is at least the protection width. It also looks for groups of fewer than
    `min_group_size` people whom published cells isolate by differencing (a site that is a
    department plus two people), and for cells published about fewer than `min_group_size`.

    .. versionadded:: 0.1

    Parameters
    ----------
    figures : sequence of Figure
        The published figures. Cells of one figure share per-person values, within a release
        and across releases (the worst case: values that did not change); if the published
        values cannot all hold with unchanged values, each release is verified on its own and
        the change rule is checked: no cell published again with a new value after its members
        changed by fewer than `min_group_size`.
    min_group_size : int, default 5
        The minimum group size `k`.
    share : float, default 0.5
        The protection width of a cell of `n` people, unless its figure gives one: `share` of
        the range of ``min(k, n)`` of its people (a count: ``share * min(k, n)``; a mean on a
        1-5 scale over five or fewer people: ``share * 4``). Never more than the published
        cells, taken one at a time, leave it (a cell in which everyone has the top value pins
        each of its people; no suppression undoes that), nor more than the cells of earlier
        releases alone leave a cell of a later one (a cell shown in release 0 and hidden in
        release 1 for the same people stays known; release 1 cannot undo that).
    ratings : sequence of (str, str), default ()
        Pairs of figures that describe the same ratings (0 to 10 each), read together: the
        ratings' sum or mean (``low`` 0, ``high`` 10 a rating) and their NPS as a count of
        promoters (9 or more) less detractors (6 or less), ``low`` -1 and ``high`` 1 a rating,
        with the same cells. A rating's class bounds its value, so each range (and what one
        cell alone teaches) is the joint one. The bounds say how many ratings each person
        has, in every release the figures hold: a pair whose people rated again between
        releases is refused if its values cannot hold so; pass its releases apart.

    Returns
    -------
    DisclosureCheck
        Every hidden cell with its range and required width, and every exposed finding.

    Raises
    ------
    SchemaError
        If a figure or cell is malformed, a figure's masks or per-person bounds differ in
        length (each figure has one population: people, or slots of people), an index is past
        the population, or one release's published values cannot hold for any per-person
        values.

    Examples
    --------
    Legal (3 people) is hidden, and so is Tech, its complement; a site and a level published
    beside the departments recover Legal's count exactly (the attack of issue 13):

    >>> import numpy as np
    >>> from sparkus.privacy import Cell, Figure, verify_disclosure
    >>> dept = np.array(["Legal"] * 3 + ["Tech"] * 5 + ["Ops"] * 8 + ["Sales"] * 6)
    >>> berlin = (dept == "Tech") | (np.arange(22) >= 10) & (dept == "Ops")
    >>> executive = (dept == "Ops") & berlin
    >>> active = np.array([1, 0, 1] + [1, 1, 0, 1, 1] + [1] * 8 + [1, 0, 1, 1, 0, 1])
    >>> def cell(name, mask, shown=True):
    ...     return Cell(name, mask, int(active[mask].sum()) if shown else None)
    >>> figure = Figure("active", [
    ...     cell("all", np.ones(22, bool)),
    ...     cell("Legal", dept == "Legal", shown=False), cell("Tech", dept == "Tech", shown=False),
    ...     cell("Ops", dept == "Ops"), cell("Sales", dept == "Sales"),
    ...     cell("Berlin", berlin), cell("elsewhere", ~berlin),
    ...     cell("executive", executive), cell("staff", ~executive)])
    >>> check = verify_disclosure([figure])
    >>> check
    DisclosureCheck(hidden=2, exposed=2, protected=False)
    >>> [(c.cell, c.low, c.high) for c in check.cells if c.kind == "hidden"]
    [('Legal', 2.0, 2.0), ('Tech', 4.0, 4.0)]
    """
    populations = _verify_disclosure_iv(figures, min_group_size, share)
    partners = _ratings_iv(figures, populations, ratings)
    rows: list[CellRange] = []
    consistent: dict[str, bool] = {}
    for i, (figure, (n, figure_masks)) in enumerate(zip(figures, populations, strict=True)):
        ok, found = _verify_figure(figure, figure_masks, n, min_group_size, share,
                                   partners.get(i))  # fmt: skip
        consistent[figure.name] = ok
        rows.extend(found)
    order = {"hidden": 0, "group": 1, "small": 2, "changed": 3}
    rows.sort(key=lambda r: (order[r.kind], not r.protected))
    hidden = [r for r in rows if r.kind == "hidden"]
    others = [r for r in rows if r.kind != "hidden" and not r.protected]
    return DisclosureCheck(
        cells=tuple(hidden + others),
        consistent=consistent,
        min_group_size=int(min_group_size),
        share=float(share),
    )


def _verify_disclosure_iv(
    figures: object, min_group_size: object, share: object
) -> list[tuple[int, list[BoolArray]]]:
    """Each figure's population size and its cells' masks; else SchemaError."""
    problems: list[Problem] = []
    check_number(min_group_size, "min_group_size", low=1, integer=True, problems=problems)
    check_number(share, "share", low=0.0, high=1.0, problems=problems)
    if isinstance(figures, Figure | str) or not isinstance(figures, Sequence):
        problems.append(Problem(("figures",), f"expected a sequence of Figure, got "
                                              f"{describe(figures)}"))  # fmt: skip
        raise SchemaError(problems)
    names: set[str] = set()
    for i, figure in enumerate(figures):
        if not isinstance(figure, Figure):
            problems.append(Problem(("figures", i), f"expected a Figure, got {describe(figure)}"))
        elif figure.name in names:
            problems.append(Problem(("figures", i, "name"), f"{figure.name!r} appears twice"))
        else:
            names.add(figure.name)
    if problems:
        raise SchemaError(problems)
    out = []
    for i, figure in enumerate(figures):
        n, found = _population(figure, ("figures", i))
        problems.extend(found)
        out.append(_masks(figure, n) if not found else (n, []))
    if problems:
        raise SchemaError(problems)
    return out


def _population(figure: Figure, where: tuple[Any, ...]) -> tuple[int, list[Problem]]:
    """The size of the figure's population (masks, per-person bounds, indices agree)."""
    lengths: list[tuple[tuple[Any, ...], int]] = []
    top = 0
    for bound in ("low", "high"):
        value = np.asarray(getattr(figure, bound))
        if value.shape:
            lengths.append(((*where, bound), value.shape[0]))
    for j, cell in enumerate(figure.cells):
        if cell.members.dtype == bool:
            lengths.append(((*where, "cells", j, "members"), len(cell.members)))
        elif len(cell.members):
            top = max(top, int(cell.members.max()) + 1)
    if len({size for _, size in lengths}) > 1:
        (path0, first) = lengths[0]
        text = ".".join(map(str, path0))
        return 0, [Problem(path, f"has {size:,} entries, but {text} has {first:,}; give one "
                                 "per person of the figure's population")
                   for path, size in lengths if size != first]  # fmt: skip
    n = lengths[0][1] if lengths else top
    problems = [
        Problem((*where, "cells", j, "members"), f"holds row {int(cell.members.max())}, past "
                                                 f"the {n:,} people of the figure")
        for j, cell in enumerate(figure.cells)
        if cell.members.dtype != bool and len(cell.members) and cell.members.max() >= n
    ]  # fmt: skip
    return n, problems


def _masks(figure: Figure, n: int) -> tuple[int, list[BoolArray]]:
    """The cells' masks over the figure's people, or over those the cells name.

    Over those the cells name if nothing else says how many people there are (cells of row
    indices, bounds the same for all). People no cell names are in no sum and no target: leaving them out changes no range,
    and row indices as large as 10**12 need no mask of that length.
    """
    sized = any(np.ndim(getattr(figure, bound)) for bound in ("low", "high"))
    if sized or any(cell.members.dtype == bool for cell in figure.cells):
        return n, [cell.mask(n) for cell in figure.cells]
    named = np.unique(np.concatenate([cell.members for cell in figure.cells] or [np.zeros(0)]))
    return len(named), [np.isin(named, cell.members) for cell in figure.cells]


def _per_person(bound: float | FloatArray, n: int) -> FloatArray:
    return np.broadcast_to(np.asarray(bound, dtype=np.float64), (n,))


def _ratings_iv(figures: Sequence[Figure], populations: list[tuple[int, list[BoolArray]]],
                ratings: object) -> dict[int, tuple[Figure, bool]]:  # fmt: skip
    """Each paired figure's partner, and whether it is the NPS; else SchemaError."""
    problems: list[Problem] = []
    if isinstance(ratings, str) or not isinstance(ratings, Sequence):
        msg = f"expected a sequence of (rating figure, NPS figure) names, got {describe(ratings)}"
        raise SchemaError([Problem(("ratings",), msg)])
    index = {f.name: i for i, f in enumerate(figures)}
    out: dict[int, tuple[Figure, bool]] = {}
    for j, names in enumerate(ratings):
        where = ("ratings", j)
        if (isinstance(names, str) or not isinstance(names, Sequence) or len(names) != 2
                or not all(isinstance(x, str) for x in names)):  # fmt: skip
            problems.append(Problem(where, f"expected a pair of figure names (rating, NPS), "
                                           f"got {describe(names)}"))  # fmt: skip
            continue
        missing = [x for x in names if x not in index]
        if missing:
            problems.append(Problem(where, f"names no figure: {', '.join(map(repr, missing))}"))
            continue
        i, q = index[names[0]], index[names[1]]
        reason = _pair_problem(figures[i], figures[q], populations[i], populations[q])
        if reason is None and (i in out or q in out or i == q):
            reason = "a figure can be in one pair only"
        if reason is not None:
            problems.append(Problem(where, reason))
            continue
        out[i], out[q] = (figures[q], False), (figures[i], True)
    if problems:
        raise SchemaError(problems)
    return out


def _pair_problem(rating: Figure, nps: Figure, at_r: tuple[int, list[BoolArray]],
                  at_q: tuple[int, list[BoolArray]]) -> str | None:  # fmt: skip
    """Why two figures cannot be a rating and its NPS, or None."""
    if rating.kind == "count" or nps.kind != "count":
        return "expected a sum or mean of ratings, then their NPS as a count"
    cells = {(c.name, c.release): m for c, m in zip(nps.cells, at_q[1], strict=True)}
    if at_r[0] != at_q[0] or len(cells) != len(rating.cells) or any(
        (c.name, c.release) not in cells or not np.array_equal(cells[c.name, c.release], m)
        for c, m in zip(rating.cells, at_r[1], strict=True)
    ):  # fmt: skip
        return "the two figures must have the same cells (names, releases and members)"
    n = _per_person(nps.high, at_q[0])
    if (np.any(_per_person(nps.low, at_q[0]) != -n) or np.any(_per_person(rating.low, at_r[0]))
            or np.any(_per_person(rating.high, at_r[0]) != 10.0 * n)):  # fmt: skip
        return (
            "expected the bounds of ratings: for each person, the sum from 0 to 10 a "
            "rating and the NPS from -1 to 1 a rating"
        )
    return None


def _verify_figure(
    figure: Figure,
    masks: list[BoolArray],
    n: int,
    k: int,
    share: float,
    partner: tuple[Figure, bool] | None = None,
) -> tuple[bool, list[CellRange]]:
    """Whether the figure's releases agree with unchanged values, and its findings.

    With `partner` (the other figure of a rating and its NPS, and whether this one is the
    NPS), the attacker's programs are the pair's joint ones.
    """
    cells = figure.cells
    found: list[CellRange] = []
    for cell, mask in zip(cells, masks, strict=True):
        size = int(mask.sum())
        if cell.value is not None and 0 < size < k:
            found.append(CellRange(figure.name, cell.name, cell.release, "small", cell.value,
                                   cell.value, None, protected=False))  # fmt: skip
    everything = list(range(len(cells)))
    together = _Release(figure, masks, everything, n, partner)
    releases = sorted({c.release for c in cells})
    if together.solver_feasible():
        found.extend(together.findings(k, share))
        # A set that an earlier release narrowed is excused later (`_Release._earlier`), so
        # each earlier release is checked as it stood: with the releases before it, by the
        # atoms they made, or a later release would hide the earlier one's exposure.
        seen = {(r.cell, r.release, r.kind) for r in found if not r.protected}
        for r in releases[:-1]:
            upto = _Release(figure, masks, [i for i, c in enumerate(cells) if c.release <= r],
                            n, partner)  # fmt: skip
            for row in upto.findings(k, share):
                if not row.protected and (row.cell, row.release, row.kind) not in seen:
                    seen.add((row.cell, row.release, row.kind))
                    found.append(row)
        return True, found
    for r in releases:
        alone = _Release(
            figure, masks, [i for i, c in enumerate(cells) if c.release == r], n, partner
        )
        if not alone.solver_feasible():
            joint = "" if partner is None else (f" and read with {partner[0].name!r} as the "
                                                "same ratings, as many in every release")  # fmt: skip
            msg = (f"the published values of release {r} cannot all hold for values within "
                   f"[low, high]{joint}; check them")  # fmt: skip
            raise SchemaError([Problem(("figures", figure.name), msg)])
        found.extend(alone.findings(k, share))
    found.extend(_change_rule(figure, masks, k))
    return False, found


class _Release:
    """Some cells of one figure as one attacker's program: atoms, measure, solver."""

    def __init__(self, figure: Figure, masks: list[BoolArray], chosen: list[int], n: int,
                 partner: tuple[Figure, bool] | None = None) -> None:  # fmt: skip
        self.figure = figure
        self.chosen = chosen
        own = [masks[i] for i in chosen]
        atom, count = atoms_of_masks(own, n)
        self.atom, self.count = atom, count
        inside = atom >= 0
        self.cells: sparse.csr_matrix = incidence(atom, count, own)
        self.people = np.array([int(m.sum()) for m in own], dtype=np.int64)
        self.sizes = np.bincount(atom[inside], minlength=count).astype(np.int64)
        self.release_of = np.array([figure.cells[i].release for i in chosen], dtype=np.int64)
        mine = [figure.cells[i] for i in chosen]
        is_nps = partner is not None and partner[1]
        self.published, self.measure = self._measure(
            figure, mine, inside, n, "" if partner is None else "nps" if is_nps else "rating"
        )
        self.other: tuple[BoolArray, Measure, bool] | None = None
        if partner is not None:  # the same cells of the rating's other figure, by name
            by = {(c.name, c.release): c for c in partner[0].cells}
            shown, measure = self._measure(partner[0], [by[c.name, c.release] for c in mine],
                                           inside, n, "rating" if is_nps else "nps")  # fmt: skip
            self.other = (shown, measure, is_nps)
        self.solver = self._programs(np.ones(len(chosen), dtype=bool))

    def _measure(self, figure: Figure, cells: list[Cell], inside: BoolArray, n: int,
                 role: Literal["", "rating", "nps"]) -> tuple[BoolArray, Measure]:  # fmt: skip
        """Which of `cells` are published, and their measure over this release's atoms."""
        atom, count = self.atom, self.count
        low = np.bincount(atom[inside], _per_person(figure.low, n)[inside], minlength=count)
        high = np.bincount(atom[inside], _per_person(figure.high, n)[inside], minlength=count)
        values = [c.value for c in cells]
        sums = np.array([np.nan if v is None else v for v in values], dtype=np.float64)
        if figure.kind == "mean":
            sums = sums * self.people
        published = np.array([v is not None for v in values], dtype=bool)
        return published, Measure(figure.name, low.astype(np.float64), high.astype(np.float64),
                                  sums, integer=figure.kind == "count", role=role)  # fmt: skip

    def _pair(self, within: BoolArray) -> tuple[Measure, Measure, BoolArray, BoolArray]:
        """The rating and NPS measures, and which cells `within` each publishes."""
        assert self.other is not None
        shown, measure, is_nps = self.other
        mine, theirs = self.published & within, shown & within
        if is_nps:
            return measure, self.measure, theirs, mine
        return self.measure, measure, mine, theirs

    def _programs(self, within: BoolArray) -> Solver | MeasureView:
        """The programs on the cells `within` published: joint with a rating partner if any."""
        if self.other is None:
            return Solver(self.cells, self.published & within, self.measure)
        rating, nps, on_r, on_q = self._pair(within)
        assert pair((rating, nps)) is not None  # the bounds were checked at the door
        joint = JointSolver(self.cells, on_r, rating, nps, published_nps=on_q)
        return joint.view(1 if self.other[2] else 0)

    def _box(self) -> tuple[FloatArray, FloatArray]:
        """What each published cell alone teaches of each atom (jointly for a rating pair)."""
        own = box(self.cells, self.published, self.measure)
        if self.other is None:
            return own
        rating, nps, on_r, on_q = self._pair(np.ones(len(self.published), dtype=bool))
        other = box(self.cells, self.other[0], self.other[1])
        r_box, q_box = joint_box(self.cells, on_r & on_q, rating, nps,
                                 *((other, own) if self.other[2] else (own, other)))  # fmt: skip
        return q_box if self.other[2] else r_box

    def _earlier(self, target: FloatArray, release: int) -> float:
        """The width of `target`'s range under the cells of earlier releases alone.

        Infinite when there are none: what no later release can be blamed for narrowing.
        """
        before = self.published & (self.release_of < release)
        if release <= 0 or not before.any():
            return np.inf
        solver = self._programs(self.release_of < release)
        return solver.extreme(target, +1)[0] - solver.extreme(target, -1)[0]

    def solver_feasible(self) -> bool:
        return self.solver.feasible()

    def _unit(self, value: float, people: int) -> float:
        return value / people if self.figure.kind == "mean" and people else value

    def findings(self, k: int, share: float) -> list[CellRange]:
        from scipy import sparse

        hidden = np.flatnonzero(~self.published)
        lone = np.diff(self.cells.indptr) == 1  # a cell of one atom is that atom
        own = set(self.cells.indices[self.cells.indptr[:-1][lone & ~self.published]].tolist())
        small = np.array([a for a in np.flatnonzero((self.sizes > 0) & (self.sizes < k))
                          if int(a) not in own], dtype=np.int64)  # fmt: skip
        groups = sparse.identity(self.count, format="csr")[small]
        targets = sparse.vstack([self.cells[hidden], groups]).tocsr()
        people = np.concatenate([self.people[hidden], self.sizes[small]]).astype(np.int64)
        if targets.shape[0] == 0:
            return []
        width: FloatArray | None = None
        if self.figure.width is not None:
            per = people.astype(np.float64) if self.figure.kind == "mean" else 1.0
            width = np.full(len(people), float(self.figure.width)) * per
        need = required(targets, people, self.measure, self._box(), k, share, width)
        scale = np.asarray(targets @ np.maximum(np.abs(self.measure.low),
                                                np.abs(self.measure.high))).ravel()  # fmt: skip
        slack = tolerance(scale)
        out = []
        for i in range(len(hidden)):
            out.append(self._finding(targets, i, "hidden", self.chosen[hidden[i]], people[i],
                                     need[i], slack[i]))  # fmt: skip
        if len(small):
            direction = np.asarray(groups.sum(axis=0)).ravel()
            self.solver.extreme(direction, +1)
            self.solver.extreme(direction, -1)
            low, high = self.solver.spread(targets)
            for j in range(len(small)):
                i = len(hidden) + j
                if high[i] - low[i] >= need[i] - slack[i]:
                    continue
                row = self._finding(targets, i, "group", -1, people[i], need[i], slack[i])
                if not row.protected:
                    out.append(row)
        return out

    def _finding(self, targets: sparse.csr_matrix, i: int, kind: str, cell: int, people: int,
                 need: float, slack: float) -> CellRange:  # fmt: skip
        target = targets[i].toarray().ravel()
        high, _ = self.solver.extreme(target, +1)
        low, _ = self.solver.extreme(target, -1)
        if kind == "hidden":
            name, release = self.figure.cells[cell].name, self.figure.cells[cell].release
        else:
            atom = int(targets[i].indices[0])
            inside = self.cells[:, atom].nonzero()[0]
            labels = [self.figure.cells[self.chosen[c]] for c in inside]
            multi = len({c.release for c in self.figure.cells}) > 1
            name = "only in: " + ", ".join(
                f"{c.name} (release {c.release})" if multi else c.name for c in labels
            )
            release = max(c.release for c in labels)
        if high - low < need - slack:
            need = min(need, self._earlier(target, release))
        protected = bool(high - low >= need - slack)
        return CellRange(self.figure.name, name, release, kind,  # type: ignore[arg-type]
                         self._unit(low, people), self._unit(high, people),
                         self._unit(float(need), people), protected)  # fmt: skip


def _change_rule(figure: Figure, masks: list[BoolArray], k: int) -> list[CellRange]:
    """Cells published again with a new value after their members changed by 1 to k - 1."""
    out = []
    by_name: dict[str, list[int]] = {}
    for i, cell in enumerate(figure.cells):
        if cell.value is not None:
            by_name.setdefault(cell.name, []).append(i)
    for indices in by_name.values():
        indices.sort(key=lambda i: figure.cells[i].release)
        for before, after in itertools.pairwise(indices):
            changed = int(np.count_nonzero(masks[before] != masks[after]))
            if 0 < changed < k and figure.cells[before].value != figure.cells[after].value:
                cell = figure.cells[after]
                out.append(CellRange(figure.name, cell.name, cell.release, "changed", None,
                                     None, None, protected=False))  # fmt: skip
    return out
