"""Re-matching with minimal disruption: when a provider leaves or a participant asks for a change.

:func:`rematch` keeps every pair of the previous assignment except those that must change: the
participants of providers who left, and participants who asked for a change. Only they are
placed again (with the same matcher, load cap and load penalty as before); a participant who
asked for a change does not get the same provider back while another allowed provider has
room (it keeps it, rather than no provider at all, when none has, and nobody else takes it).
The result says who moved, from whom to whom, and who could not be placed again and why. A
pandas cost table is put in the order of the previous one by its labels.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Final, TypeAlias, cast

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from sparkus._checks import check_rng
from sparkus._errors import InfeasibleError, Problem, SchemaError, shown
from sparkus._results import Result, Table, format_number
from sparkus.matching._pairing.assign_result import Assignment, Label
from sparkus.matching._pairing.exact.arcs import Arcs, cost_labels, label_mismatch
from sparkus.matching._pairing.instance import (
    CandidateLike,
    Instance,
    Names,
    instance_iv,
    is_candidates,
    labels_to_index,
    matcher_iv,
    permuted,
    with_row_surcharge,
    with_surcharge,
)
from sparkus.matching._pairing.placement import assignment_of, place

if TYPE_CHECKING:
    from scipy.sparse import sparray, spmatrix

    from sparkus.matching._pairing.protocols import Matcher

    SparseLike: TypeAlias = sparray | spmatrix
else:
    SparseLike: TypeAlias = Any

__all__ = ["Move", "Rematch", "rematch"]

IndexArray: TypeAlias = NDArray[np.intp]
IntArray: TypeAlias = NDArray[np.int64]

PROVIDER_LEFT: Final = "provider left"
RELEASED: Final = "released"

_SHOWN: Final = 20


@attrs.frozen
class Move:
    """One participant whose provider changed in a re-match.

    .. versionadded:: 0.1

    Attributes
    ----------
    participant : str or int
        The participant (its id or label, or its row for a cost matrix).
    from_provider : str or int or None
        Its provider before.
    to_provider : str or int or None
        Its provider now; None when it could not be placed again.
    reason : str
        ``"provider left"`` or ``"released"`` (the participant asked for a change).

    Examples
    --------
    :func:`rematch` lists one per participant whose provider changed, in `Rematch.moves`:

    >>> import numpy as np
    >>> from sparkus.matching import assign, rematch
    >>> cost = np.array([[1.0, 2.0, 3.0], [1.0, 3.0, 2.0], [2.0, 1.0, 3.0], [3.0, 2.0, 1.0]])
    >>> before = assign(cost, capacity=2)
    >>> after = rematch(before, cost, leaving=[0], released=[3])
    >>> move = after.moves[-1]
    >>> move
    Move(participant=3, from_provider=2, to_provider=1, reason='released')
    >>> move.from_provider, move.to_provider
    (2, 1)

    A participant who could not be placed again moves to None:

    >>> rematch(before, cost, capacity=[2, 1, 1], leaving=[0]).moves[0]
    Move(participant=0, from_provider=0, to_provider=None, reason='provider left')
    """

    participant: Label
    from_provider: Label | None
    to_provider: Label | None
    reason: str


@attrs.frozen(repr=False, eq=False)
class Rematch(Result):
    """The new assignment after a re-match, and what changed.

    .. versionadded:: 0.1

    Attributes
    ----------
    assignment : Assignment
        The new assignment, complete (kept pairs included).
    moves : tuple of Move
        Every participant whose provider changed, in row order.
    unplaced : dict
        The participants who had to move and could not be placed again, with the reason
        (``"no candidate"``, ``"capacity"``, ``"max_load"``, ...).
    kept : tuple
        Participants who asked for a change but keep their provider: no other allowed provider
        had room (reason ``"no alternative"``).
    n_kept_pairs : int
        How many pairs of the previous assignment are unchanged.

    Examples
    --------
    :func:`rematch` returns one; provider 0 leaves and participant 3 asks for someone else:

    >>> import numpy as np
    >>> from sparkus.matching import assign, rematch
    >>> cost = np.array([[1.0, 2.0, 3.0], [1.0, 3.0, 2.0], [2.0, 1.0, 3.0], [3.0, 2.0, 1.0]])
    >>> before = assign(cost, capacity=2)
    >>> after = rematch(before, cost, leaving=[0], released=[3])
    >>> after
    Rematch(moved=3, unplaced=0, kept_pairs=1, assigned=4)
    >>> before.provider, after.assignment.provider
    (array([0, 0, 1, 2]), array([2, 2, 1, 1]))

    With one place each left at providers 1 and 2, the participants of provider 0 cannot be
    placed again:

    >>> short = rematch(before, cost, capacity=[2, 1, 1], leaving=[0])
    >>> short.n_moved, short.n_kept_pairs, short.unplaced
    (2, 2, {0: 'capacity', 1: 'capacity'})
    """

    assignment: Assignment
    moves: tuple[Move, ...]
    unplaced: dict[Label, str]
    kept: tuple[Label, ...]
    n_kept_pairs: int

    @property
    def n_moved(self) -> int:
        """How many participants changed provider (to another one or to none)."""
        return len(self.moves)

    def _headline(self) -> str:
        return (
            f"moved={self.n_moved}, unplaced={len(self.unplaced)}, kept_pairs="
            f"{self.n_kept_pairs}, assigned={self.assignment.n_assigned}"
        )

    def _tables(self) -> list[Table]:
        rows = tuple(
            (str(mv.participant), "-" if mv.from_provider is None else str(mv.from_provider),
             "-" if mv.to_provider is None else str(mv.to_provider), mv.reason)
            for mv in self.moves[:_SHOWN]
        )  # fmt: skip
        more = len(self.moves) - _SHOWN
        note = f"... and {more} more moves (see `.moves`)" if more > 0 else ""
        counts = (
            ("pairs kept", format_number(self.n_kept_pairs)),
            ("participants moved", format_number(self.n_moved)),
            ("could not be placed again", format_number(len(self.unplaced))),
            ("asked for a change, no alternative", format_number(len(self.kept))),
        )
        return [
            Table("Re-match", ("quantity", "value"), counts),
            Table("Moves", ("participant", "from", "to", "reason"), rows, note),
            *self.assignment._tables(),
        ]


def _rematch_iv(
    previous: object,
    candidates: object,
    capacity: object,
    leaving: object,
    released: object,
    matcher: object,
    forbidden: object,
    rng: object,
) -> tuple[Assignment, Instance, IndexArray, IndexArray, Matcher, np.random.Generator]:
    problems: list[Problem] = []
    if not isinstance(previous, Assignment):
        msg = f"expected the Assignment to re-match, got {type(previous).__name__}"
        raise SchemaError([Problem(("previous",), msg)])
    order = _order_iv(previous, candidates)
    if capacity is None:  # `previous`'s capacities: first say if the candidates do not fit it
        _fits_previous(previous, candidates)
        # ... in the order of the table's columns, as `capacity` would be given
        capacity = previous.capacity if order is None else previous.capacity[np.argsort(order[1])]
    inst = instance_iv(candidates, capacity, forbidden, problems)
    found = matcher_iv(previous.matcher if matcher is None else matcher, problems)
    generator = check_rng(rng, default=0, problems=problems)
    if inst is None or problems:
        raise SchemaError(problems)
    names = _names(previous)
    if order is not None:  # a cost table, read by its labels: in `previous`'s order and names
        inst = permuted(inst, *order, names)
    elif previous.compatibility is None and inst.participant_ids is None:  # by position
        inst = attrs.evolve(inst, labels=names)
    n, m = inst.arcs.n, inst.arcs.m
    if (n, m) != (previous.n, previous.load.shape[0]):
        msg = (
            f"the previous assignment is {previous.n} x {previous.load.shape[0]}, the "
            f"candidates {n} x {m}; re-match on the same participants and providers"
        )
        raise SchemaError([Problem(("candidates",), msg)])
    if inst.names != names:
        msg = "the candidates' participant or provider ids differ from the previous assignment's"
        raise SchemaError([Problem(("candidates",), msg)])
    leave = _ids("leaving", leaving, inst, 1, problems)
    rel = _ids("released", released, inst, 0, problems)
    if problems or found is None:
        raise SchemaError(problems)
    return previous, inst, leave, rel, found, generator


def _kept_iv(
    previous: Assignment,
    inst: Instance,
    kept: IndexArray,
    cap_limit: IntArray,
    capacity_given: bool,
) -> IndexArray:
    """Per participant, the provider its kept pair stays with (-1 for none), checked.

    A kept pair that `candidates` or `forbidden` no longer allows is a SchemaError, and kept
    pairs over a provider's new capacity an InfeasibleError; both name the inputs the caller
    passed (`candidates`, `forbidden`, `capacity`), the providers and the amounts, and say how
    to go on.
    """
    before = previous.provider
    fixed_to = np.full(inst.arcs.n, -1, dtype=np.intp)
    fixed_to[kept] = before[kept]
    allowed, _ = inst.lookup(kept, before[kept].astype(np.intp))
    if not allowed.all():
        lost = kept[~allowed]
        listed = ", ".join(
            f"({shown(previous.participant_label(int(i)))}, {shown(previous.provider_label(int(before[i])))})"
            for i in lost[:_SHOWN]
        )
        more = f", ... ({lost.size} in all)" if lost.size > _SHOWN else ""
        msg = (
            f"the kept pairs {listed}{more} of `previous` are no longer allowed by `candidates` "
            "and `forbidden`; pass those participants in `released` to place them again"
        )
        raise SchemaError([Problem(("previous",), msg)])
    load = np.bincount(before[kept], minlength=inst.arcs.m)
    over = np.flatnonzero(load > cap_limit)
    if over.size:
        parts = []
        for j in over[:_SHOWN].tolist():
            count, places = int(load[j]), int(cap_limit[j])
            parts.append(
                f"provider {shown(previous.provider_label(j))}: capacity {places} for {count} kept "
                f"participant{'s' if count != 1 else ''} ({count - places} too many)"
            )
        more = f"; ... ({over.size} providers in all)" if over.size > _SHOWN else ""
        source = "`capacity`" if capacity_given else "the capacities of `candidates`"
        msg = (
            f"{source} leaves fewer places than the pairs kept from `previous` fill: "
            f"{'; '.join(parts)}{more}. Raise those capacities, or pass some of their "
            "participants in `released` (or the provider in `leaving`) to place them again"
        )
        raise InfeasibleError(msg)
    return fixed_to


def _names(previous: Assignment) -> Names | None:
    """The ids or labels `previous` names its rows and columns by; None for positions."""
    if previous.participant_ids is None or previous.provider_ids is None:
        return None
    return previous.participant_ids, previous.provider_ids


def _order_iv(previous: Assignment, candidates: object) -> tuple[IndexArray, IndexArray] | None:
    """The rows and columns of a pandas cost table in the order of `previous`, by their labels.

    ``(rows, cols)``: row ``i`` of `previous` is row ``rows[i]`` of the table, column ``j``
    its column ``cols[j]``. After an assignment named by labels, the table must hold exactly
    those labels (a SchemaError naming `cost` and the labels that differ, else). After one
    named by position, an axis labelled by the positions in another order (a reordered
    default DataFrame) is put back by them, and any other axis is read by position, as an
    array is. None when nothing moves, and for a candidate matrix (read by its ids).
    """
    given = cost_labels(candidates)
    if given is None or previous.compatibility is not None or is_candidates(candidates):
        return None
    rows, cols = (cast(Any, axis).tolist() for axis in given)
    names = _names(previous)
    if names is None:
        n, m = previous.n, int(previous.load.shape[0])
        if (len(rows), len(cols)) != (n, m):
            return None  # the shape differs: `_fits_previous` or the shape check says so
        found = [
            _where(labels, list(range(size)))
            if not label_mismatch(labels, list(range(size)), "", "")
            else np.arange(size, dtype=np.intp)
            for labels, size in ((rows, n), (cols, m))
        ]
        moved = any((f != np.arange(f.size)).any() for f in found)
        return (found[0], found[1]) if moved else None
    by_rows = label_mismatch(rows, list(names[0]), "row", "rows")
    by_cols = label_mismatch(cols, list(names[1]), "column", "columns")
    if by_rows or by_cols:
        parts = [f"its row index {' and '.join(by_rows)}"] if by_rows else []
        parts += [f"its column index {' and '.join(by_cols)}"] if by_cols else []
        msg = (
            "a pandas table is read by its labels, those `previous` was made with, but "
            f"{'; '.join(parts)}. A re-match places the participants of `previous` again "
            "with its providers: pass a table of exactly their labels, in any order, or call "
            "`assign` on the new table to start afresh with new participants or providers"
        )
        raise SchemaError([Problem(("cost",), msg)])
    return _where(rows, list(names[0])), _where(cols, list(names[1]))


def _where(labels: list[Any], wanted: list[Any]) -> IndexArray:
    """The position in `labels` of each of `wanted` (each there once)."""
    at = {v: k for k, v in enumerate(labels)}
    return np.array([at[v] for v in wanted], dtype=np.intp)


def _fits_previous(previous: Assignment, candidates: object) -> None:
    """A SchemaError on `candidates` when their shape or kind plainly differs from `previous`."""
    by_ids = previous.compatibility is not None  # compatibility comes with a candidate matrix
    if is_candidates(candidates) != by_ids:
        made, kind, same = ("a candidate matrix", "by id", "ids") if by_ids else (
            "a cost matrix", "by label" if _names(previous) else "by position",
            "labels" if _names(previous) else "shape")  # fmt: skip
        msg = (f"`previous` was made from {made} (its pairs are {kind}): re-match on "
               f"{made} of the same {same}")  # fmt: skip
        raise SchemaError([Problem(("candidates",), msg)])
    shape = getattr(candidates, "shape", None) if not by_ids else None
    if isinstance(shape, tuple) and len(shape) == 2 and shape != (previous.n, previous.load.size):
        msg = (
            f"the previous assignment is {previous.n} x {previous.load.size}, the candidates "
            f"{shape[0]} x {shape[1]}; re-match on the same participants and providers"
        )
        raise SchemaError([Problem(("candidates",), msg)])


def _ids(
    name: str, value: object, inst: Instance, axis: int, problems: list[Problem]
) -> IndexArray:
    """The participants (`axis` 0) or providers (1) named in `value`, sorted.

    Read as :func:`labels_to_index` reads them; a name given twice is a problem.
    """
    if value is None:
        return np.zeros(0, dtype=np.intp)
    if isinstance(value, str) or not isinstance(value, Iterable):
        msg = f"expected a collection of {('participants', 'providers')[axis]}, got {shown(value)}"
        problems.append(Problem((name,), msg))
        return np.zeros(0, dtype=np.intp)
    items = list(value)  # read once: a generator is not read twice
    found = labels_to_index(items, inst, axis, (name,), problems)
    first: dict[int, int] = {}
    for j, k in enumerate(found):
        if k is not None and first.setdefault(k, j) != j:
            msg = f"{shown(items[j])} repeats {name}[{first[k]}]"
            problems.append(Problem((name, j), msg))
    return np.unique(np.array([k for k in found if k is not None], dtype=np.intp))


def rematch(
    previous: Assignment,
    candidates: CandidateLike | ArrayLike | SparseLike,
    capacity: ArrayLike | None = None,
    *,
    leaving: Iterable[Any] = (),
    released: Iterable[Any] = (),
    matcher: str | Matcher | None = None,
    forbidden: object = None,
    rng: int | np.random.Generator | None = None,
) -> Rematch:
    """Re-solve an assignment after providers leave or participants ask for a change.

    Every pair that involves neither a leaving provider nor a released participant is kept as
    it is. The participants of the leaving providers and the released participants are placed
    again with the matcher, load cap and load penalty of `previous`, in the places left; a
    released participant does not get its provider back while another allowed provider has
    room, and without one keeps it (nobody else takes the place from them). Participants
    unassigned before stay unassigned (call :func:`assign` with the kept pairs as `fixed` to
    place them too).

    .. versionadded:: 0.1

    Parameters
    ----------
    previous : Assignment
        The assignment to change, as :func:`assign` returned it.
    candidates : CandidateMatrix, array_like or scipy sparse matrix
        The candidates or costs, as passed to :func:`assign` for `previous` (same shape and
        ids; the costs may have been updated). A pandas table is read by its labels, in any
        order of its rows and columns, when `previous` was made from one (its
        `participant_ids` and `provider_ids`); one without labels is then read by position,
        in the order of that table. After an assignment named by position, a table axis
        labelled by the positions in another order is read by them, any other by position.
    capacity : int or array_like of int, optional
        The capacities; by default those of `previous`. Raised capacities are used in full,
        except where `previous` had a load cap below a provider's capacity (`max_load`): that
        cap still applies.
    leaving : collection, optional
        The providers who left, named as `fixed` names them in :func:`assign`: ids for a
        candidate matrix, labels for a pandas cost table labelled other than by position
        (a number that is no label is refused), column indices for any other cost matrix.
        They receive nobody.
    released : collection, optional
        The participants who asked for a change (ids, labels or row indices, likewise).
    matcher : str or Matcher, optional
        By default the matcher of `previous`, by name.
    forbidden : optional
        Pairs not allowed, as for :func:`assign`.
    rng : int or numpy.random.Generator, optional
        The randomness handed to the matcher.

    Returns
    -------
    Rematch
        The new assignment, who moved (from, to, why), who could not be placed again and why,
        and who asked for a change but had no alternative.

    Raises
    ------
    SchemaError
        If `candidates` does not fit `previous` (a pandas table labelled by other
        participants or providers than `previous`: the labels are named), an id or label
        is unknown (it is named), a number is none of a labelled table's labels, or a
        kept pair is no longer allowed by `candidates` and `forbidden` (the pairs are
        named).
    InfeasibleError
        If the kept pairs exceed a provider's new `capacity`: the error names each such
        provider, its capacity and how many kept participants it has.

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.matching import assign, rematch
    >>> cost = np.array([[1.0, 2.0, 3.0], [1.0, 3.0, 2.0], [2.0, 1.0, 3.0], [3.0, 2.0, 1.0]])
    >>> before = assign(cost, capacity=2)
    >>> before.provider
    array([0, 0, 1, 2])

    Provider 0 leaves, and participant 3 asks for someone else:

    >>> after = rematch(before, cost, leaving=[0], released=[3])
    >>> after.assignment.provider
    array([2, 2, 1, 1])
    >>> for move in after.moves:
    ...     print(move)
    Move(participant=0, from_provider=0, to_provider=2, reason='provider left')
    Move(participant=1, from_provider=0, to_provider=2, reason='provider left')
    Move(participant=3, from_provider=2, to_provider=1, reason='released')
    """
    previous, inst, leave, rel, found, generator = _rematch_iv(
        previous, candidates, capacity, leaving, released, matcher, forbidden, rng
    )
    n, m = inst.arcs.n, inst.arcs.m
    before = previous.provider
    is_leaving = np.zeros(m, dtype=bool)
    is_leaving[leave] = True
    is_released = np.zeros(n, dtype=bool)
    is_released[rel] = True
    placed_before = before >= 0
    freed = placed_before & (is_leaving[np.maximum(before, 0)] | is_released)
    active = freed | is_released

    caps = inst.capacity.copy()
    caps[leave] = 0
    # The load cap of `previous` stays where it was one (below that provider's capacity); a
    # provider it did not cap may fill the capacity it has now, raised ones included.
    capped = previous.max_load < previous.capacity
    cap_limit = np.where(capped, np.minimum(previous.max_load, caps), caps)
    inst = attrs.evolve(inst, capacity=caps)
    kept = np.flatnonzero(placed_before & ~active)
    fixed_to = _kept_iv(previous, inst, kept, cap_limit, capacity is not None)

    # A released participant's old pair stays allowed as a last resort only: its cost is raised
    # by more than any other choice can change the total, so the solver takes it only where no
    # placement as large puts the participant elsewhere.
    back = np.flatnonzero(is_released & placed_before & ~is_leaving[np.maximum(before, 0)])
    solve_inst, penalty = inst, previous.load_penalty
    if back.size:
        # Costs near the float limit are scaled down by a power of two first (the optimum and
        # the load penalty's tiers scale alike), so that the surcharge stays a float.
        costs = inst.arcs.costs
        top = float(np.abs(costs).max(initial=0.0)) + penalty + 1.0
        # (the surcharges below reach about (back + 2) * (active + 1) * 3 * top per pair)
        room = 4.0 * float(active.sum() + 2) ** 3
        shift = max(0, math.frexp(top)[1] + math.frexp(room)[1] - 1000)
        if shift:
            arcs = inst.arcs
            scaled = Arcs(arcs.n, arcs.m, arcs.indptr, arcs.cols, np.ldexp(costs, -shift))
            solve_inst = attrs.evolve(inst, arcs=scaled)
            penalty = math.ldexp(penalty, -shift)
        costs = solve_inst.arcs.costs
        span = float(costs.max() - costs.min()) if costs.size else 0.0
        surcharge = (int(active.sum()) + 1) * (span + 2.0 * penalty + 1.0)
        solve_inst = with_surcharge(solve_inst, back, before[back], surcharge)
        # ... but a last resort that wins over placing someone else there: every pair of these
        # participants is made cheaper by more than all their surcharges together, so that one
        # who asked for a change and has no alternative keeps its place rather than lose it to
        # anyone else (a participant of a leaving provider, one unassigned before, or another
        # who asked for a change and had a place of their own): moves the caller did not ask for.
        solve_inst = with_row_surcharge(solve_inst, back, -(back.size + 1.0) * surcharge)
    standing = {
        int(i): previous.unassigned.get(previous.participant_label(int(i)), "unassigned before")
        for i in np.flatnonzero(~placed_before & ~active)
    }
    solved = place(
        solve_inst,
        fixed_to=fixed_to,
        active=active,
        cap_limit=cap_limit,
        load_penalty=penalty,
        matcher=found,
        rng=generator,
        standing=standing,
    )
    provider = solved.provider
    result = assignment_of(
        inst, provider, solved.fixed, cap_limit, previous.load_penalty, solved.matcher, standing
    )
    kept_rows = [i for i in back.tolist() if provider[i] == before[i]]

    moves: list[Move] = []
    unplaced: dict[Label, str] = {}
    for i in np.flatnonzero(active).tolist():
        old, new = int(before[i]), int(provider[i])
        label = result.participant_label(i)
        if new < 0:
            unplaced[label] = result.unassigned[label]
        if old == new:
            continue
        moves.append(
            Move(
                participant=label,
                from_provider=result.provider_label(old) if old >= 0 else None,
                to_provider=result.provider_label(new) if new >= 0 else None,
                reason=PROVIDER_LEFT if old >= 0 and is_leaving[old] else RELEASED,
            )
        )
    n_kept = int(np.count_nonzero(placed_before & (provider == before) & ~active))
    return Rematch(
        assignment=result,
        moves=tuple(moves),
        unplaced=unplaced,
        kept=tuple(result.participant_label(i) for i in kept_rows),
        n_kept_pairs=n_kept,
    )
