"""Stable matching with capacities: deferred acceptance and stability checks.

The many-to-one stable matching problem (Gale and Shapley's college admissions; the
hospitals/residents problem): proposers (participants) rank reviewers (coaches, mentors) and
reviewers rank proposers; a pair is *acceptable* when each lists the other; reviewer ``r`` takes
at most ``capacity[r]`` proposers. A matching is *stable* when it uses only acceptable pairs,
respects the capacities, and no acceptable pair ``(p, r)`` would rather be together: ``p``
prefers ``r`` to its match (or is unmatched) while ``r`` has room or prefers ``p`` to one of its
own.

:func:`deferred_acceptance` returns the proposer-optimal stable matching: every proposer gets the
best reviewer it has in any stable matching (Gale and Shapley, 1962; Roth, 1984, for the
capacities). Proposals are made in parallel rounds, vectorised with numpy over rank arrays:
every unmatched proposer proposes to its next acceptable reviewer at once, and each reviewer keeps
the best proposals up to its capacity. The outcome does not depend on the order of proposals.
The preferences are checked and encoded as rank arrays in ``preferences.py``.
"""

from __future__ import annotations

import heapq
from collections.abc import Hashable, Mapping, Sequence
from typing import Any, Final

import attrs
import numpy as np
from numpy.typing import NDArray

from sparkus._frames import Framed, FrameSpec, Ids
from sparkus._results import Result, Table, format_number
from sparkus.matching._pairing.exact.arcs import ranges
from sparkus.matching._pairing.preferences import Preferences, encode_preferences, matching_iv

__all__ = ["StableMatching", "blocking_pairs", "deferred_acceptance", "is_stable"]

IndexArray = NDArray[np.intp]

_FEW: Final = 64
"""Below this many free proposers, deferred acceptance finishes one proposal at a time."""

_MANY_PLACES: Final = 10**15
"""Above this many places in all, the summary says "more than" it (10**5000 prints no digits)."""


# -- deferred acceptance -------------------------------------------------------------------------


def _propose(problem: Preferences) -> tuple[IndexArray, int]:
    """Deferred acceptance, proposers proposing in parallel rounds.

    Returns, per proposer, the entry (into ``problem.rev``) of its match or -1, and the number of
    proposals made.
    """
    n_p, n_r = problem.n_proposers, problem.n_reviewers
    # a reviewer never holds more proposals than it has acceptable proposers: the slots need
    # no more, whatever capacity the caller gave (10**12 must not allocate 10**12 slots)
    caps = np.minimum(problem.capacity, np.bincount(problem.rev, minlength=n_r))
    offsets = np.zeros(n_r + 1, dtype=np.intp)
    np.cumsum(caps, out=offsets[1:])
    slot_entry = np.full(int(offsets[-1]), -1, dtype=np.intp)  # held proposals, by reviewer
    slot_rank = np.full(int(offsets[-1]), np.iinfo(np.intp).max, dtype=np.intp)
    following = problem.ptr[:-1].copy()  # each proposer's next entry to propose
    held = np.full(n_p, -1, dtype=np.intp)
    proposer_of = np.repeat(np.arange(n_p, dtype=np.intp), np.diff(problem.ptr))
    free = np.flatnonzero(following < problem.ptr[1:])
    proposals = 0
    while free.size:
        if free.size <= _FEW:
            proposals += _propose_one_by_one(
                problem, free, following, held, slot_entry, slot_rank, offsets
            )
            break
        proposals += int(free.size)
        entry = following[free]
        following[free] += 1
        reviewer = problem.rev[entry]
        rank = problem.rank[entry]
        objects = np.unique(reviewer)
        sizes = caps[objects]
        slots = ranges(offsets[objects], sizes)
        all_r = np.concatenate([np.repeat(objects, sizes), reviewer])
        all_rank = np.concatenate([slot_rank[slots], rank])
        all_entry = np.concatenate([slot_entry[slots], entry])
        order = np.lexsort((all_rank, all_r))
        sorted_r = all_r[order]
        first = np.ones(sorted_r.shape[0], dtype=bool)
        first[1:] = sorted_r[1:] != sorted_r[:-1]
        starts = np.flatnonzero(first)
        position = np.arange(sorted_r.shape[0]) - np.repeat(
            starts, np.diff(np.append(starts, sorted_r.shape[0]))
        )
        keep = position < caps[sorted_r]
        kept = order[keep]
        target = offsets[sorted_r[keep]] + position[keep]
        slot_rank[target] = all_rank[kept]
        slot_entry[target] = all_entry[kept]
        dropped = all_entry[order[~keep]]
        dropped = dropped[dropped >= 0]
        winners = all_entry[kept]
        winners = winners[winners >= 0]
        held[proposer_of[dropped]] = -1
        held[proposer_of[winners]] = winners
        rejected = proposer_of[dropped]
        free = np.unique(rejected[following[rejected] < problem.ptr[1:][rejected]])
    return held, proposals


def _propose_one_by_one(
    problem: Preferences,
    free: IndexArray,
    following: IndexArray,
    held: IndexArray,
    slot_entry: IndexArray,
    slot_rank: IndexArray,
    offsets: IndexArray,
) -> int:
    """Finish deferred acceptance one proposal at a time, in plain Python (few proposers left).

    Each reviewer's held proposals sit in a heap keyed by minus the rank, so the worst is on
    top. Updates `held` in place; returns the number of proposals made.
    """
    rev, rank, ptr = problem.rev.tolist(), problem.rank.tolist(), problem.ptr.tolist()
    owner = np.repeat(np.arange(problem.n_proposers), np.diff(problem.ptr)).tolist()
    caps = problem.capacity.tolist()
    nxt = following.tolist()
    heaps: dict[int, list[tuple[int, int]]] = {}
    queue = free.tolist()
    proposals = 0
    while queue:
        p = queue.pop()
        while nxt[p] < ptr[p + 1]:
            e = nxt[p]
            nxt[p] += 1
            proposals += 1
            r = rev[e]
            heap = heaps.get(r)
            if heap is None:
                lo, hi = int(offsets[r]), int(offsets[r + 1])
                heap = [
                    (-k, x)
                    for k, x in zip(
                        slot_rank[lo:hi].tolist(), slot_entry[lo:hi].tolist(), strict=True
                    )
                    if x >= 0
                ]
                heapq.heapify(heap)
                heaps[r] = heap
            if len(heap) < caps[r]:
                heapq.heappush(heap, (-rank[e], e))
                held[p] = e
                break
            if heap and -heap[0][0] > rank[e]:
                _, out = heapq.heapreplace(heap, (-rank[e], e))
                held[p] = e
                loser = owner[out]
                held[loser] = -1
                queue.append(loser)
                break
    following[:] = nxt
    return proposals


def _blocking(problem: Preferences, match: IndexArray) -> tuple[IndexArray, IndexArray, bool]:
    """Blocking pairs of a matching (per proposer its reviewer position, -1 if unmatched).

    Returns ``(proposers, reviewers, feasible)`` where `feasible` says the matching uses only
    acceptable pairs within the capacities.
    """
    n_p, n_r = problem.n_proposers, problem.n_reviewers
    proposer_of = np.repeat(np.arange(n_p, dtype=np.intp), np.diff(problem.ptr))
    matched = match >= 0
    # The entry of each proposer's match, if the pair is acceptable.
    is_match = problem.rev == match[proposer_of]
    match_entry = np.full(n_p, -1, dtype=np.intp)
    match_entry[proposer_of[is_match]] = np.flatnonzero(is_match)
    acceptable = bool(np.all(match_entry[matched] >= 0))
    load = np.bincount(match[matched], minlength=n_r)
    feasible = acceptable and bool(np.all(load <= problem.capacity))
    # The worst rank held by each reviewer (only meaningful when it is full); a proposer held
    # without being acceptable counts as worse than anyone the reviewer lists.
    worst = np.full(n_r, -1, dtype=np.intp)
    valid = match_entry >= 0
    np.maximum.at(worst, problem.rev[match_entry[valid]], problem.rank[match_entry[valid]])
    worst[match[matched & ~valid]] = np.iinfo(np.intp).max
    position = np.arange(problem.rev.shape[0]) - problem.ptr[proposer_of]
    own_position = np.where(match_entry >= 0, match_entry - problem.ptr[:-1], np.iinfo(np.intp).max)
    prefers = position < own_position[proposer_of]
    room = load[problem.rev] < problem.capacity[problem.rev]
    accepts = room | (problem.rank < worst[problem.rev])
    block = prefers & accepts & ~is_match
    return proposer_of[block], problem.rev[block], feasible


# -- results -------------------------------------------------------------------------------------


@attrs.frozen(repr=False, eq=False)
class StableMatching(Framed, Result):
    """The proposer-optimal stable matching found by :func:`deferred_acceptance`.

    .. versionadded:: 0.1

    Attributes
    ----------
    matches : dict
        Every proposer id mapped to its reviewer id, or None if unmatched.
    assignees : dict
        Every reviewer id mapped to the list of its proposers, in the reviewer's order of
        preference.
    n_matched : int
        How many proposers are matched.
    proposals : int
        How many proposals were made in all (each proposer proposes down its list).

    Notes
    -----
    ``to_frame(backend="pandas")`` gives one row per proposer, in the order of
    `proposer_prefs`, indexed by ``proposer``, with ``reviewer`` (None if unmatched) and
    ``choice``, the reviewer's place in the proposer's list (0 for its first choice, -1 if
    unmatched). Ids keep their type: integers stay integers beside None (pandas holds them as
    objects); polars, whose columns hold one type, gets the text of each id of a column that
    mixes integers and text. ``backend="polars"`` gives ``proposer`` as the first column.

    Examples
    --------
    :func:`deferred_acceptance` returns one:

    >>> from sparkus.matching import deferred_acceptance
    >>> proposers = {"ana": ["x", "y"], "ben": ["x"], "cai": ["x", "y"]}
    >>> reviewers = {"x": ["cai", "ana", "ben"], "y": ["ana", "cai"]}
    >>> result = deferred_acceptance(proposers, reviewers, {"x": 1, "y": 1})
    >>> result
    StableMatching(n=3, matched=2, reviewers=2)
    >>> result.assignees, result.n_matched
    ({'x': ['cai'], 'y': ['ana']}, 2)
    >>> result.blocking_pairs()
    []
    >>> result.to_frame()["choice"].to_dict()  # ana got her second choice, ben none
    {'ana': 1, 'ben': -1, 'cai': 0}
    >>> print(result.summary())
    Stable matching
    quantity                                value
    -------------------------------------  ------
    proposers                                   3
    matched                                     2
    unmatched                                   1
    unmatched with no acceptable reviewer       0
    reviewers                                   2
    reviewers full                              2
    places used                            2 of 2
    proposals made                              4
    proposer-optimal: each proposer gets its best reviewer in any stable matching
    """

    matches: dict[Hashable, Hashable | None]
    assignees: dict[Hashable, list[Hashable]]
    n_matched: int
    proposals: int
    _problem: Preferences = attrs.field(repr=False, alias="problem")
    _match: IndexArray = attrs.field(repr=False, alias="match")

    def is_stable(self) -> bool:
        """Whether the matching is stable (always True for :func:`deferred_acceptance`)."""
        proposers, _, feasible = _blocking(self._problem, self._match)
        return feasible and proposers.size == 0

    def blocking_pairs(self) -> list[tuple[Hashable, Hashable]]:
        """The pairs that would rather be together: empty for a stable matching."""
        return _pairs(self._problem, *_blocking(self._problem, self._match)[:2])

    def _frame(self) -> FrameSpec:
        problem, match = self._problem, self._match
        owner = np.repeat(np.arange(problem.n_proposers), np.diff(problem.ptr))
        entry = np.flatnonzero(problem.rev == match[owner])  # each matched proposer's one
        choice = np.full(problem.n_proposers, -1, dtype=np.int64)
        choice[owner[entry]] = entry - problem.ptr[owner[entry]]
        reviewers = [None if r < 0 else problem.reviewers[r] for r in match.tolist()]
        columns = {"proposer": Ids(problem.proposers), "reviewer": Ids(reviewers), "choice": choice}
        return columns, ("proposer",)

    def to_dict(self) -> dict[str, Any]:
        """The matches, the assignees and the counts as JSON-ready data.

        Ids become mapping keys as text (JSON objects have string keys).
        """
        return {
            "matches": {str(p): r for p, r in self.matches.items()},
            "assignees": {str(r): list(ps) for r, ps in self.assignees.items()},
            "n_matched": self.n_matched,
            "proposals": self.proposals,
        }

    def _headline(self) -> str:
        return (
            f"n={self._problem.n_proposers}, matched={self.n_matched}, "
            f"reviewers={self._problem.n_reviewers}"
        )

    def _tables(self) -> list[Table]:
        problem = self._problem
        matched = self._match[self._match >= 0]
        load = np.bincount(matched, minlength=problem.n_reviewers).tolist()
        full = sum(n >= c for n, c in zip(load, problem.places, strict=True))
        no_options = int(np.count_nonzero(np.diff(problem.ptr) == 0))
        rows = (
            ("proposers", format_number(problem.n_proposers)),
            ("matched", format_number(self.n_matched)),
            ("unmatched", format_number(problem.n_proposers - self.n_matched)),
            ("unmatched with no acceptable reviewer", format_number(no_options)),
            ("reviewers", format_number(problem.n_reviewers)),
            ("reviewers full", format_number(full)),
            ("places used", f"{matched.size:,} of {_places_text(sum(problem.places))}"),
            ("proposals made", format_number(self.proposals)),
        )
        note = "proposer-optimal: each proposer gets its best reviewer in any stable matching"
        return [Table("Stable matching", ("quantity", "value"), rows, note)]


def _places_text(places: int) -> str:
    return f"{places:,}" if places <= _MANY_PLACES else f"more than {_MANY_PLACES:,}"


def _pairs(
    problem: Preferences, proposers: IndexArray, reviewers: IndexArray
) -> list[tuple[Hashable, Hashable]]:
    return [
        (problem.proposers[p], problem.reviewers[r])
        for p, r in zip(proposers.tolist(), reviewers.tolist(), strict=True)
    ]


def _deferred_acceptance_iv(
    proposer_prefs: object, reviewer_prefs: object, capacity: object
) -> Preferences:
    """Validate the inputs of :func:`deferred_acceptance` and encode them."""
    return encode_preferences(proposer_prefs, reviewer_prefs, capacity)


def deferred_acceptance(
    proposer_prefs: Mapping[Any, Sequence[Any]],
    reviewer_prefs: Mapping[Any, Sequence[Any]],
    capacity: Mapping[Any, int],
) -> StableMatching:
    """The proposer-optimal stable matching, with reviewer capacities (deferred acceptance).

    .. versionadded:: 0.1

    Parameters
    ----------
    proposer_prefs : mapping of id to sequence of ids
        Each proposer's acceptable reviewers, most preferred first. Lists may be incomplete.
    reviewer_prefs : mapping of id to sequence of ids
        Each reviewer's acceptable proposers, most preferred first. A pair is acceptable only
        when each side lists the other.
    capacity : mapping of id to int
        How many proposers each reviewer takes at most (every reviewer, 0 allowed); a number
        above the count of proposers means no limit and is held as that count.

    Returns
    -------
    StableMatching
        `matches` (every proposer to a reviewer or None), `assignees` (every reviewer to its
        proposers), and methods :meth:`~StableMatching.is_stable` and
        :meth:`~StableMatching.blocking_pairs`.

    Raises
    ------
    SchemaError
        If a preference list names someone unknown or someone twice, is not an ordered
        sequence, or a capacity is missing, negative or not an integer; if an id is not text or
        a 64-bit integer, holds a NUL character, or reads like another of its side (``1`` and
        ``"1"``, or one text in two Unicode forms); every problem is listed with its path
        (``proposer_prefs.ann[2]``).

    See Also
    --------
    is_stable, blocking_pairs : check any matching against the same preferences.

    Notes
    -----
    Every unmatched proposer proposes to its next acceptable reviewer, all at once; each reviewer
    keeps its best proposals up to its capacity and rejects the rest, who propose again. The
    result is the proposer-optimal stable matching whatever the order of proposals (Gale and
    Shapley, 1962; Roth, 1984); it is also the worst stable matching for the reviewers, and by
    the rural hospitals theorem every stable matching matches the same proposers.

    Examples
    --------
    >>> from sparkus.matching import deferred_acceptance
    >>> proposers = {"ana": ["x", "y"], "ben": ["x"], "cai": ["x", "y"]}
    >>> reviewers = {"x": ["cai", "ana", "ben"], "y": ["ana", "cai"]}
    >>> result = deferred_acceptance(proposers, reviewers, {"x": 1, "y": 1})
    >>> result.matches
    {'ana': 'y', 'ben': None, 'cai': 'x'}
    >>> result.is_stable()
    True
    """
    problem = _deferred_acceptance_iv(proposer_prefs, reviewer_prefs, capacity)
    entry, proposals = _propose(problem)
    matched = entry >= 0
    match = np.full(problem.n_proposers, -1, dtype=np.intp)
    match[matched] = problem.rev[entry[matched]]
    proposers, reviewers = problem.proposers, problem.reviewers
    matches: dict[Hashable, Hashable | None] = {
        p: (reviewers[r] if r >= 0 else None)
        for p, r in zip(proposers, match.tolist(), strict=True)
    }
    # Each reviewer's proposers in the reviewer's order: sort matched entries by rank.
    chosen = entry[matched]
    order = np.lexsort((problem.rank[chosen], problem.rev[chosen]))
    assignees: dict[Hashable, list[Hashable]] = {r: [] for r in reviewers}
    who = np.flatnonzero(matched)[order]
    for p, r in zip(who.tolist(), problem.rev[chosen][order].tolist(), strict=True):
        assignees[reviewers[r]].append(proposers[p])
    return StableMatching(
        matches=matches,
        assignees=assignees,
        n_matched=int(matched.sum()),
        proposals=proposals,
        problem=problem,
        match=match,
    )


def _stability_iv(
    matching: object, proposer_prefs: object, reviewer_prefs: object, capacity: object
) -> tuple[Preferences, IndexArray]:
    """Validate the inputs of :func:`blocking_pairs` and :func:`is_stable`, and encode them."""
    problem = encode_preferences(proposer_prefs, reviewer_prefs, capacity)
    return problem, matching_iv(matching, problem)


def blocking_pairs(
    matching: Mapping[Any, Any],
    proposer_prefs: Mapping[Any, Sequence[Any]],
    reviewer_prefs: Mapping[Any, Sequence[Any]],
    capacity: Mapping[Any, int],
) -> list[tuple[Any, Any]]:
    """The acceptable pairs that would rather be matched together than as in `matching`.

    .. versionadded:: 0.1

    Parameters
    ----------
    matching : mapping of proposer id to reviewer id or None
        Proposers left out count as unmatched.
    proposer_prefs, reviewer_prefs, capacity
        As for :func:`deferred_acceptance`.

    Returns
    -------
    list of (proposer id, reviewer id)
        Pairs ``(p, r)``, each listing the other, such that ``p`` prefers ``r`` to its match
        (or is unmatched) and ``r`` has room or prefers ``p`` to one of its proposers. A
        proposer matched in a pair that is not acceptable counts as unmatched on its side, and
        as the worst of the reviewer's proposers on the other.

    Raises
    ------
    SchemaError
        For invalid preferences (as :func:`deferred_acceptance`) or a matching naming unknown
        people.

    Examples
    --------
    >>> from sparkus.matching import blocking_pairs
    >>> proposers = {"ana": ["x", "y"], "ben": ["y", "x"]}
    >>> reviewers = {"x": ["ana", "ben"], "y": ["ben", "ana"]}
    >>> blocking_pairs({"ana": "y", "ben": "x"}, proposers, reviewers, {"x": 1, "y": 1})
    [('ana', 'x'), ('ben', 'y')]
    """
    problem, match = _stability_iv(matching, proposer_prefs, reviewer_prefs, capacity)
    return _pairs(problem, *_blocking(problem, match)[:2])


def is_stable(
    matching: Mapping[Any, Any],
    proposer_prefs: Mapping[Any, Sequence[Any]],
    reviewer_prefs: Mapping[Any, Sequence[Any]],
    capacity: Mapping[Any, int],
) -> bool:
    """Whether `matching` is stable for these preferences and capacities.

    Stable means: only acceptable pairs (each lists the other), no reviewer over capacity, and no
    blocking pair (see :func:`blocking_pairs`).

    .. versionadded:: 0.1

    Parameters
    ----------
    matching : mapping of proposer id to reviewer id or None
        Proposers left out count as unmatched.
    proposer_prefs, reviewer_prefs, capacity
        As for :func:`deferred_acceptance`.

    Returns
    -------
    bool

    Raises
    ------
    SchemaError
        For invalid preferences or a matching naming unknown people.

    Examples
    --------
    >>> from sparkus.matching import is_stable
    >>> proposers = {"ana": ["x", "y"], "ben": ["y", "x"]}
    >>> reviewers = {"x": ["ana", "ben"], "y": ["ben", "ana"]}
    >>> is_stable({"ana": "x", "ben": "y"}, proposers, reviewers, {"x": 1, "y": 1})
    True
    >>> is_stable({"ana": "y", "ben": "x"}, proposers, reviewers, {"x": 1, "y": 1})
    False
    """
    problem, match = _stability_iv(matching, proposer_prefs, reviewer_prefs, capacity)
    proposers, _, feasible = _blocking(problem, match)
    return feasible and proposers.size == 0
