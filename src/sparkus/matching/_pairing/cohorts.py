"""Team cohorts for team coaching: one cohort per team, large teams split, small ones merged.

Team coaching works with people who work together, so a cohort starts from a team. Teams
outside the size range are reshaped, never across departments:

1. A team (its selected members, within one department) of a size inside the range is a
   cohort as it is.
2. A team larger than the largest size is split into the fewest near-equal parts inside the
   range (``ceil(s / largest)`` parts, members in id order). When no such split
   exists (7 people with sizes 5 to 6), it gives as many cohorts of the largest size as it can
   and the remainder joins the department's small teams.
3. Teams smaller than the smallest size are packed together, within each department, kept
   whole: largest first, each new cohort starts with the largest team left and takes the
   largest teams that still fit under the largest size until it reaches the smallest size
   (first-fit decreasing with a target; a small bin-packing).
4. A small team that could not start a cohort of its own joins an existing cohort of its
   department with room (the one with most room first), whole if it can; otherwise those
   people form cohorts of their own if there are enough of them, or join cohorts with room one
   by one, or take people from cohorts above the smallest size to make a new one.
5. What is left cannot be placed: the department's remaining members are too few for a cohort
   and every cohort of the department is full. They are reported with the reason, as are
   people without a team, never dropped.

Step 5 only leaves people out when no partition of the department's members into cohorts of
the size range exists at all (its headcount is not between ``k * smallest`` and
``k * largest`` for any ``k``); see :func:`team_cohorts`.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Final, TypeAlias

import attrs
import numpy as np
from numpy.typing import NDArray

from sparkus._checks import describe
from sparkus._errors import Problem, SchemaError
from sparkus._frames import Framed, FrameSpec, decoded
from sparkus._results import Result, Table, format_number
from sparkus.matching._pairing.members import Members, members_iv, size_range_iv

if TYPE_CHECKING:
    from sparkus.model import Population

__all__ = ["TeamCohorts", "team_cohorts"]

IndexArray: TypeAlias = NDArray[np.intp]

WHOLE: Final = "whole team"
"""A cohort that is one team's selected members, all of them."""

PART: Final = "part of a team"
"""A cohort that holds part of one team (a large team split)."""

MERGED: Final = "merged teams"
"""A cohort that brings together people of several teams of one department."""

NO_TEAM: Final = "no team"
"""Reason for a member without a team."""

TOO_FEW: Final = "too few in department"
"""Reason for a member whose department cannot be split into cohorts of the size range."""


@attrs.frozen(repr=False, eq=False)
class TeamCohorts(Framed, Result):
    """Cohorts for team coaching: teams kept together where the size range allows.

    .. versionadded:: 0.1

    Attributes
    ----------
    ids : ndarray of str
        The members' ids, in the order they were given.
    rows : ndarray of int
        The members' rows in the population.
    cohort : ndarray of int
        Each member's cohort (an index into `cohorts`), -1 for a member left out.
    cohorts : tuple of tuple of str
        The members of each cohort, by id.
    departments : tuple of str
        Each cohort's department (a cohort never mixes departments).
    teams : tuple of tuple of str
        The teams each cohort draws from.
    kinds : tuple of str
        How each cohort came about: ``"whole team"``, ``"part of a team"`` or
        ``"merged teams"``.
    leftovers : dict of str to str
        Each member left out, by id, with the reason: ``"no team"`` or ``"too few in
        department"`` (with the numbers).
    size_range : tuple of (int, int)
        The smallest and largest cohort allowed.

    Notes
    -----
    ``to_frame(backend="pandas")`` gives one row per member, in the order given, indexed by
    ``id``: ``row`` (the member's row in the population), ``cohort`` (an index into
    `cohorts`, -1 for a member left out, as in `cohort`), the cohort's ``department`` and
    ``kind``, and ``left_out`` (the reason from `leftovers`; None for a member placed, and
    ``department`` and ``kind`` None for a member left out); ``backend="polars"`` gives ``id``
    as the first column.

    Examples
    --------
    :func:`team_cohorts` returns one:

    >>> from sparkus.datasets import synthetic_org
    >>> from sparkus.matching import team_cohorts
    >>> org = synthetic_org(n=200, seed=3)
    >>> cohorts = team_cohorts(org.population, size=(4, 12))
    >>> cohorts
    TeamCohorts(n=200, cohorts=24, left out=1)
    >>> cohorts.departments[1], cohorts.teams[1], cohorts.kinds[1]
    ('Customer Success', ('Customer Success leadership', 'team-00019'), 'merged teams')
    >>> cohorts.leftovers
    {'E000095': 'too few in department: Executive Office has 1 member to place, fewer than the
    smallest cohort (4)'}
    >>> print(cohorts.summary())
    Team cohorts
    quantity                           value
    -------------------------------  -------
    members                              200
    cohorts                               24
    size range                       4 to 12
    sizes                            7 to 11
    cohorts: whole team                   17
    cohorts: part of a team                0
    cohorts: merged teams                  7
    placed                               199
    left out: no team                      0
    left out: too few in department        1
    cohorts never mix departments; `leftovers` gives the reason for each person left out
    """

    ids: NDArray[np.str_]
    rows: IndexArray
    cohort: IndexArray
    cohorts: tuple[tuple[str, ...], ...]
    departments: tuple[str, ...]
    teams: tuple[tuple[str, ...], ...]
    kinds: tuple[str, ...]
    leftovers: dict[str, str]
    size_range: tuple[int, int]

    @property
    def n(self) -> int:
        """The number of members."""
        return int(self.ids.shape[0])

    @property
    def sizes(self) -> IndexArray:
        """The size of each cohort."""
        return np.array([len(c) for c in self.cohorts], dtype=np.intp)

    @property
    def n_placed(self) -> int:
        """How many members are in a cohort."""
        return int(np.count_nonzero(self.cohort >= 0))

    def _frame(self) -> FrameSpec:
        departments = decoded(self.cohort, self.departments)
        kinds = decoded(self.cohort, self.kinds)
        left = [self.leftovers.get(i) for i in self.ids.tolist()]
        return {
            "id": self.ids, "row": self.rows, "cohort": self.cohort,
            "department": departments, "kind": kinds, "left_out": left,
        }, ("id",)  # fmt: skip

    def _headline(self) -> str:
        return f"n={self.n}, cohorts={len(self.cohorts)}, left out={len(self.leftovers)}"

    def _tables(self) -> list[Table]:
        low, high = self.size_range
        sizes = self.sizes
        reasons = [r.split(":")[0] for r in self.leftovers.values()]
        rows = [
            ("members", format_number(self.n)),
            ("cohorts", format_number(len(self.cohorts))),
            ("size range", f"{low} to {high}"),
            ("sizes", f"{int(sizes.min())} to {int(sizes.max())}" if sizes.size else "-"),
        ]
        rows += [
            (f"cohorts: {k}", format_number(self.kinds.count(k))) for k in (WHOLE, PART, MERGED)
        ]
        rows += [
            ("placed", format_number(self.n_placed)),
            (f"left out: {NO_TEAM}", format_number(reasons.count(NO_TEAM))),
            (f"left out: {TOO_FEW}", format_number(reasons.count(TOO_FEW))),
        ]
        note = (
            "cohorts never mix departments; `leftovers` gives the reason for each person left out"
        )
        return [Table("Team cohorts", ("quantity", "value"), tuple(rows), note)]


# -- the packing, one department at a time -------------------------------------------------------


def _split(people: list[int], low: int, high: int) -> tuple[list[list[int]], list[int]]:
    """Near-equal parts within the range, else parts of `high` and a remainder (< low)."""
    s = len(people)
    parts = -(-s // high)
    if parts * low <= s:
        sizes = [s // parts + (1 if k < s % parts else 0) for k in range(parts)]
        edges = np.cumsum([0, *sizes]).tolist()
        return [people[a:b] for a, b in itertools.pairwise(edges)], []
    full = s // high
    return [people[k * high : (k + 1) * high] for k in range(full)], people[full * high :]


def _pack(units: list[list[int]], low: int, high: int) -> tuple[list[list[int]], list[list[int]]]:
    """First-fit decreasing towards `low`: merged cohorts, and the units that started none."""
    remaining = sorted(units, key=lambda u: -len(u))  # stable: ties keep team order
    cohorts: list[list[int]] = []
    unplaced: list[list[int]] = []
    while remaining:
        group = [remaining.pop(0)]
        total = len(group[0])
        k = 0
        while total < low and k < len(remaining):
            if total + len(remaining[k]) <= high:
                total += len(remaining[k])
                group.append(remaining.pop(k))
            else:
                k += 1
        if total >= low:
            cohorts.append([p for unit in group for p in unit])
        else:
            unplaced.extend(group)
    return cohorts, unplaced


def _roomiest(cohorts: list[list[int]], need: int, high: int) -> int | None:
    """The cohort with the most room, if it has room for `need` more."""
    if not cohorts:
        return None
    best = min(range(len(cohorts)), key=lambda c: (len(cohorts[c]), c))
    return best if len(cohorts[best]) + need <= high else None


def _department(units: list[list[int]], low: int, high: int) -> tuple[list[list[int]], list[int]]:
    """Cohorts of one department's teams (each a list of member positions), and who is left."""
    cohorts: list[list[int]] = []
    small: list[list[int]] = []
    for unit in units:
        if len(unit) < low:
            small.append(unit)
        elif len(unit) <= high:
            cohorts.append(unit)
        else:
            parts, rest = _split(unit, low, high)
            cohorts += parts
            if rest:
                small.append(rest)
    merged, unplaced = _pack(small, low, high)
    cohorts += merged
    loose: list[int] = []
    for unit in unplaced:  # whole into the roomiest cohort, if it fits
        target = _roomiest(cohorts, len(unit), high)
        if target is None:
            loose += unit
        else:
            cohorts[target] += unit
    if len(loose) >= low:  # enough for cohorts of their own
        parts, loose = _split(loose, low, high)
        cohorts += parts
    while loose:  # one by one into cohorts with room
        target = _roomiest(cohorts, 1, high)
        if target is None:
            break
        cohorts[target].append(loose.pop(0))
    spare = sum(len(c) - low for c in cohorts)
    if loose and spare >= low - len(loose):  # borrow from cohorts above the minimum
        while len(loose) < low:
            donor = max(range(len(cohorts)), key=lambda c: (len(cohorts[c]), -c))
            loose.append(cohorts[donor].pop())
        cohorts.append(loose)
        loose = []
    return cohorts, loose


# -- input validation and the public function ----------------------------------------------------


def _team_cohorts_iv(
    participants: object, members: object, size: object
) -> tuple[Population, IndexArray, tuple[int, int]]:
    from sparkus.model import Population

    if not isinstance(participants, Population):
        msg = f"expected a sparkus.model.Population, got {describe(participants)}"
        raise SchemaError([Problem(("participants",), msg)])
    problems: list[Problem] = []
    rows = members_iv(participants, members, problems)
    low, high = size_range_iv(size, problems, "cohort")
    if problems:
        raise SchemaError(problems)
    return participants, rows, (low, high)


def team_cohorts(
    participants: Population,
    members: Members = None,
    *,
    size: tuple[int, int] = (4, 12),
) -> TeamCohorts:
    """Cohorts for team coaching: one per team, large teams split, small ones merged.

    .. versionadded:: 0.1

    Parameters
    ----------
    participants : Population
        The population the members come from (columns ``team`` and ``department``).
    members : sequence of int or str, boolean mask, or None
        Who to place: row indices, ids, or a boolean mask over the rows (such as
        ``plan.support == SupportType.TEAM_COACHING``; a pandas boolean Series is read by
        its index, which must hold the ids). Default: everyone.
    size : tuple of (int, int)
        The smallest and largest cohort, ``2 <= smallest <= largest``. The default, 4 to 12,
        is a common range for team coaching; there is no published evidence for a best size.

    Returns
    -------
    TeamCohorts
        The cohorts (member ids), each one's department, teams and kind, and every member
        left out with the reason.

    Raises
    ------
    SchemaError
        For a bad `members` (unknown ids, rows out of range, duplicates) or `size`.

    Notes
    -----
    The rules, applied to each department on its own (a team whose members sit in several
    departments counts as one team per department):

    1. a team inside the size range is a cohort;
    2. a larger team is split into ``ceil(s / largest)`` near-equal parts, members in id
       order; when those would fall below the smallest size, into parts of the
       largest size and a remainder that joins the small teams;
    3. small teams are packed whole, largest first: each cohort starts with the largest team
       left and adds the largest teams that fit under the largest size until it reaches the
       smallest size;
    4. small teams that could not start a cohort join the cohort with most room, whole if
       they fit; people still loose form cohorts of their own when there are enough of them,
       then join cohorts with room one by one, then take people from cohorts above the
       smallest size to form a new one.

    Members are left out (reason ``"too few in department"``) only when every cohort of their
    department is full and the rest are fewer than the smallest size, or the department has
    fewer members than that: then no partition of the department's members into cohorts of
    the size range exists. Members without a team are left out with reason ``"no team"``.

    Examples
    --------
    >>> from sparkus.model import Population
    >>> from sparkus.matching import team_cohorts
    >>> pop = Population.from_columns({
    ...     "id": [f"p{i}" for i in range(17)],
    ...     "level": ["manager"] * 17,
    ...     "department": ["Sales"] * 14 + ["Legal"] * 3,
    ...     "tenure_years": [1.0] * 17,
    ...     "team": ["big"] * 9 + ["s1"] * 2 + ["s2"] * 3 + ["law"] * 3,
    ... })
    >>> result = team_cohorts(pop, size=(4, 6))
    >>> result.cohorts
    (('p0', 'p1', 'p2', 'p3', 'p4'), ('p5', 'p6', 'p7', 'p8'), ('p9', 'p10', 'p11', 'p12', 'p13'))
    >>> result.kinds
    ('part of a team', 'part of a team', 'merged teams')
    >>> result.leftovers["p14"]
    'too few in department: Legal has 3 members to place, fewer than the smallest cohort (4)'
    """
    pop, rows, (low, high) = _team_cohorts_iv(participants, members, size)
    n = int(rows.size)
    team = np.asarray(pop["team"])[rows]
    dept = np.asarray(pop["department"])[rows]
    team_names = pop.schema["team"].categories
    dept_names = pop.schema["department"].categories
    ids = np.asarray(pop.ids)[rows]
    leftovers: dict[str, str] = {}
    for p in np.flatnonzero(team < 0).tolist():
        leftovers[str(ids[p])] = f"{NO_TEAM}: the population has no team for this member"
    has_team = np.flatnonzero(team >= 0)
    # members in id order within each team: the cohorts depend neither on the order the
    # members were given in (only their listing in the result does) nor on the population's
    order = has_team[np.lexsort((ids[has_team], team[has_team], dept[has_team]))]
    found: list[tuple[int, list[int]]] = []  # (department, positions) per cohort
    if order.size:
        key_d, key_t = dept[order], team[order]
        cut = np.flatnonzero((key_d[1:] != key_d[:-1]) | (key_t[1:] != key_t[:-1])) + 1
        units = np.split(order, cut)
        unit_dept = key_d[np.r_[0, cut]].tolist()
        for d in sorted(set(unit_dept)):
            mine = [u.tolist() for u, ud in zip(units, unit_dept, strict=True) if ud == d]
            made, loose = _department(mine, low, high)
            found += [(d, c) for c in made]
            total = sum(len(u) for u in mine)
            for p in loose:
                leftovers[str(ids[p])] = _too_few(str(dept_names[d]), total, len(loose), low)
    found = [(d, sorted(positions)) for d, positions in found]  # in the order given
    cohort = np.full(n, -1, dtype=np.intp)
    for c, (_, positions) in enumerate(found):
        cohort[positions] = c
    selected = np.bincount(team[has_team], minlength=len(team_names))
    kinds, teams = [], []
    for _, positions in found:
        in_cohort = team[positions]
        distinct = np.unique(in_cohort)
        teams.append(tuple(str(team_names[t]) for t in distinct.tolist()))
        if distinct.size > 1:
            kinds.append(MERGED)
        else:
            kinds.append(WHOLE if selected[distinct[0]] == len(positions) else PART)
    ordered = {str(i): leftovers[str(i)] for i in ids.tolist() if str(i) in leftovers}
    return TeamCohorts(
        ids=ids,
        rows=rows,
        cohort=cohort,
        cohorts=tuple(tuple(ids[positions].tolist()) for _, positions in found),
        departments=tuple(str(dept_names[d]) for d, _ in found),
        teams=tuple(teams),
        kinds=tuple(kinds),
        leftovers=ordered,
        size_range=(low, high),
    )


def _too_few(department: str, total: int, left: int, low: int) -> str:
    if total < low:
        return (
            f"{TOO_FEW}: {department} has {total} member{'s' if total != 1 else ''} to place, "
            f"fewer than the smallest cohort ({low})"
        )
    return (
        f"{TOO_FEW}: {department}'s {total} members cannot all be placed; {left} remain, "
        f"fewer than the smallest cohort ({low}), and every {department} cohort is full"
    )
