"""Peer circles: partition people into small groups of a size range, with declared aims.

A peer circle works best when its members can meet (their working hours overlap), speak from a
similar place in the organisation (similar level) and bring different views (different
departments). :func:`form_peer_circles` turns those aims into one number, finds a partition that
scores well, and says how good it is: against random circles of the same sizes (an exact
expectation) and against an upper bound that no partition can beat.

The objective and the search that pursues it are in ``circle_search.py``; the checks of
`members` and `size` are shared with :func:`~sparkus.matching.team_cohorts` (``members.py``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeAlias, cast

import attrs
import numpy as np
from numpy.typing import NDArray

from sparkus._checks import FloatArray, check_rng, describe, schema_error
from sparkus._errors import InfeasibleError, Problem, SchemaError, shown
from sparkus._fields import Record, checked, number
from sparkus._frames import Framed, FrameSpec
from sparkus._ids import near_ids
from sparkus._results import Result, Table, format_number
from sparkus.matching._pairing.circle_search import (
    AIMS,
    baseline_and_bound,
    circle_count,
    circle_instance,
    member_fits,
    optimise,
)
from sparkus.matching._pairing.members import Members, members_iv, size_range_iv

if TYPE_CHECKING:
    from sparkus.model import Population

__all__ = ["CircleAims", "PeerCircles", "form_peer_circles"]

IndexArray: TypeAlias = NDArray[np.intp]

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
        """The weights normalised to sum to 1, by aim.

        Each is divided by the largest first, so weights anywhere in the float range (whose sum
        may overflow, or whose values may be subnormal) keep their ratios.
        """
        raw = (float(self.level), float(self.departments), float(self.time_zones))
        top = max(raw)
        relative = [w / top for w in raw]
        total = math.fsum(relative)
        return {aim: w / total for aim, w in zip(AIMS, relative, strict=True)}


# -- the result ------------------------------------------------------------------------------------


@attrs.frozen(repr=False, eq=False)
class PeerCircles(Framed, Result):
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

    Notes
    -----
    ``to_frame(backend="pandas")`` gives one row per member, in the order given, indexed by
    ``id``: ``row`` (the member's row in the population), ``circle`` (an index into
    `circles`), ``size`` (the size of that circle) and ``fit``; ``backend="polars"`` gives
    ``id`` as the first column.

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
        SchemaError
            If `member` is not the id of a member; the message says so.
        """
        given: object = member  # checked at run time for callers without a type checker
        found = np.flatnonzero(self.ids == given) if isinstance(given, str) else np.zeros(0, int)
        if not len(found):
            msg = f"{shown(member)} is not a member of these circles; pass a member's id"
            raise schema_error("member", msg + near_ids(self.ids, [given])[0])
        return self.circles[int(self.circle[found[0]])]

    def to_dict(self) -> dict[str, Any]:
        """Every field as JSON-ready data; the aims as a mapping."""
        out = super().to_dict()
        out["aims"] = attrs.asdict(self.aims)
        return out

    def _frame(self) -> FrameSpec:
        return {
            "id": self.ids, "row": self.rows, "circle": self.circle,
            "size": self.sizes[self.circle], "fit": self.fit,
        }, ("id",)  # fmt: skip

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


# -- input validation ------------------------------------------------------------------------------


def _aims_iv(aims: object, problems: list[Problem]) -> CircleAims:
    if isinstance(aims, CircleAims):
        return aims
    if isinstance(aims, Mapping):
        unknown = [k for k in aims if k not in AIMS and k != "workday_hours"]
        if unknown:
            msg = (
                f"unknown aim(s) {', '.join(shown(k) for k in unknown)}; the aims are "
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
    low, high = size_range_iv(size, problems)
    circle_aims = _aims_iv(aims, problems)
    generator = check_rng(rng, problems=problems)
    if (
        isinstance(max_rounds, bool | np.bool_)
        or not isinstance(max_rounds, int | np.integer)
        or max_rounds < 0
    ):
        msg = f"expected a non-negative integer, got {describe(max_rounds)}"
        problems.append(Problem(("max_rounds",), msg))
    if problems:
        raise SchemaError(problems)
    if rows.size == 0:
        msg = "no members: pass at least the smallest circle size of people"
        raise InfeasibleError(msg)
    return participants, rows, (low, high), circle_aims, generator, int(cast(int, max_rounds))


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
        ``plan.support == SupportType.PEER_SUPPORT``; a pandas boolean Series is read by
        its index, which must hold the ids). Default: everyone.
    size : tuple of (int, int)
        The smallest and largest circle, ``2 <= smallest <= largest``.
    aims : CircleAims or mapping of str to float, optional
        The aims and their weights (default: :class:`CircleAims`, all three with weight 1). A
        mapping names aims among ``"level"``, ``"departments"``, ``"time_zones"`` (weight 0
        for those left out) and may set ``"workday_hours"``.
    rng : int or numpy.random.Generator, optional
        Seed of the construction's tie-breaks and of the search; the same seed gives the same
        circles for the same members, in whatever order they or the population's rows come.
        None draws fresh entropy (not reproducible).
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
    k = circle_count(n, low, high)
    if k is None:
        raise _infeasible(n, low, high)
    # The search runs on the members in the order of their ids, so that the circles depend on
    # who the members are and the seed, not on the order the members were given in nor on the
    # order of the population's rows (departments are coded by name); the result is in the
    # order given.
    canon = np.argsort(np.asarray(pop.ids)[rows], kind="stable")
    inst = circle_instance(pop, rows[canon], circle_aims)
    state, rounds, exchanges = optimise(inst, n, k, low, high, rounds_cap, generator)
    k = state.k  # small instances may settle on another number of circles
    circle = np.empty(n, dtype=np.intp)
    circle[canon] = state.circle
    # Relabel circles by their first member, so the result reads in member order.
    _, first = np.unique(circle, return_index=True)
    circle = np.argsort(np.argsort(first)).astype(np.intp)[circle]
    sizes = np.bincount(circle, minlength=k)
    ids = np.asarray(pop.ids)[rows]
    order = np.argsort(circle, kind="stable")
    bounds = np.r_[0, np.cumsum(sizes)]
    circles = tuple(tuple(ids[order[bounds[c] : bounds[c + 1]]].tolist()) for c in range(k))
    fits, combined = member_fits(inst, circle[canon], sizes)  # canonical order: means agree
    given = np.argsort(canon)  # canonical order back to the order given
    random, random_total, aim_bounds, bound = baseline_and_bound(inst, low)
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
        fit=combined[given],
        rounds=rounds,
        exchanges=exchanges,
    )
