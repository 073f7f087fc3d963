"""Two-sided preferences read into integer arrays: what stable matching works on.

:func:`encode_preferences` checks the proposers' and reviewers' ranked lists and the
reviewers' capacities (every problem at once, each with its path, such as
``proposer_prefs.ann[2]``) and encodes them as :class:`Preferences`: each proposer's acceptable
reviewers, best first, with its rank in each reviewer's list. :func:`matching_iv` reads a
matching to check against them.

An id is text or a 64-bit integer wherever it appears (keys, lists, capacities, a matching): a
bool or a float would silently equal the integer id it compares equal to (``True == 1.0 == 1``),
and an integer of 5,000 digits cannot even be printed in a message. As for a population's ids,
text holding a NUL character is refused, and so are two ids of one side that differ only in
their Unicode form (a composed or a decomposed accent), which read alike.
"""

from __future__ import annotations

import itertools
import numbers
from collections.abc import Hashable, Mapping, Sequence
from typing import Any, Final

import attrs
import numpy as np
from numpy.typing import NDArray

from sparkus._errors import PathSegment, Problem, SchemaError, key_text, shown
from sparkus._ids import near_ids
from sparkus._text_rules import nfc, nul_message

__all__ = ["Preferences", "encode_preferences", "index_of", "matching_iv", "segment"]

IndexArray = NDArray[np.intp]

_MAX_LISTED: Final = 8
"""Problems listed one by one per preference list before a count of the rest."""


@attrs.frozen(eq=False)
class Preferences:
    """Preferences as integer arrays; person ids by position.

    Proposer ``p``'s acceptable reviewers, best first, are ``rev[ptr[p]:ptr[p+1]]``; entry ``e``
    has the rank ``rank[e]`` of ``p`` in that reviewer's list (0 = the reviewer's favourite).
    `capacity` never exceeds the number of proposers (a larger one cannot bind); `places` are
    the capacities as given, for reporting.
    """

    proposers: tuple[Hashable, ...]
    reviewers: tuple[Hashable, ...]
    ptr: IndexArray
    rev: IndexArray
    rank: IndexArray
    capacity: IndexArray
    places: tuple[int, ...]

    @property
    def n_proposers(self) -> int:
        return len(self.proposers)

    @property
    def n_reviewers(self) -> int:
        return len(self.reviewers)


def _integer(value: object) -> int | None:
    """`value` as a Python int if it is an integer (not a bool: True == 1), else None."""
    if isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_):
        return int(value)
    return None


def _wide(number: int | None) -> bool:
    """Whether `number` is an integer beyond 64 bits (10**5000 cannot even be printed)."""
    return number is not None and not -(2**63) <= number < 2**63


def _shown(value: object) -> str:
    """`value` as a message shows it: its repr, unless an integer beyond 64 bits."""
    number = _integer(value)
    if number is None or not _wide(number):
        return shown(value)
    return f"{'a negative' if number < 0 else 'an'} integer beyond the signed 64-bit range"


def segment(identifier: Hashable) -> PathSegment:
    """An id as a path segment of a :class:`Problem` (integers as ints, the rest as text)."""
    number = _integer(identifier)
    if number is None:
        return key_text(identifier)
    return "<integer beyond 64 bits>" if _wide(number) else number


def _is_id(value: object) -> bool:
    """Whether `value` can be an id: text or a 64-bit integer (not a bool: True == 1)."""
    return isinstance(value, str) or ((number := _integer(value)) is not None and not _wide(number))


def _not_an_id(value: object) -> str:
    return f"{_shown(value)} is not an id: ids are text or 64-bit integers (not bool or None)"


def _id_problem(value: object) -> str | None:
    """Why `value` cannot be an id (a non-id, or text holding a NUL character), or None."""
    if not _is_id(value):
        return _not_an_id(value)
    if isinstance(value, str) and "\x00" in value:
        return nul_message(value)
    return None


def _form(identifier: Hashable) -> str:
    """An id as text in Unicode normal form C: how two spellings of one id compare."""
    return nfc(str(identifier))


def _written_alike(value: object, texts: Mapping[str, Hashable]) -> str:
    """For an unknown id, the known one written alike (``'1'`` for ``1``, another accent)."""
    known = texts.get(_form(value)) if _is_id(value) else None
    if known is None:
        return ""
    return f"; {known!r} is, written another way ({value!a} and {known!a}): write both alike"


@attrs.define
class _Side:
    """One side's ids, and its refusals of ids naming none of them, hinted at together.

    An unknown id written like a known one (``'1'`` for ``1``) says so at once; the others
    get the ids they nearly match (:func:`sparkus._ids.near_ids`) in :meth:`hint`, which reads
    the side's ids once for all of them.
    """

    ids: tuple[Hashable, ...]
    texts: Mapping[str, Hashable]
    pending: list[tuple[int, object]] = attrs.field(factory=list)

    def refuse(
        self, problems: list[Problem], path: tuple[PathSegment, ...], message: str, value: object
    ) -> None:
        """Add the refusal of `value` (at `path`) to `problems`, its near ids to come."""
        alike = _written_alike(value, self.texts)
        if not alike:
            self.pending.append((len(problems), value))
        problems.append(Problem(path, message + alike))

    def hint(self, problems: list[Problem]) -> None:
        """End each refusal still without a hint with the ids its value nearly matches."""
        values = [value for _, value in self.pending]
        for (at, _), hint in zip(self.pending, near_ids(self.ids, values), strict=True):
            problems[at] = Problem(problems[at].path, problems[at].message + hint)
        self.pending.clear()


def _id_types(types: set[type]) -> bool:
    return all(issubclass(t, str | int | np.integer) and not issubclass(t, bool | np.bool_)
               for t in types)  # fmt: skip


def _not_ids(listed: Sequence[Any], where: tuple[PathSegment, ...]) -> list[Problem]:
    """One problem per entry that cannot be an id (the first few)."""
    bad = [(k, x) for k, x in enumerate(listed) if not _is_id(x)]
    return [Problem((*where, k), _not_an_id(x)) for k, x in bad[:_MAX_LISTED]]


def index_of(ids: Sequence[Hashable]) -> dict[Hashable, int]:
    return {identifier: k for k, identifier in enumerate(ids)}


def _encode_lists(
    prefs: Mapping[Any, Any],
    name: str,
    other: dict[Hashable, int],
    other_name: str,
    side: _Side,
    problems: list[Problem],
) -> tuple[IndexArray, IndexArray]:
    """Every preference list as positions into `other`, concatenated: ``(ptr, flat)``."""
    lists = list(prefs.values())
    if all(type(v) is list or type(v) is tuple for v in lists) and _id_types(
        set(map(type, itertools.chain.from_iterable(lists)))
    ):
        # Fast path: one pass over all ids; any problem is found again, list by list, below.
        sizes = np.fromiter(map(len, lists), dtype=np.intp, count=len(lists))
        try:
            flat_codes = np.fromiter(
                map(other.__getitem__, itertools.chain.from_iterable(lists)),
                dtype=np.intp,
                count=int(sizes.sum()),
            )
        except (KeyError, TypeError):
            pass
        else:
            owner_of = np.repeat(np.arange(len(lists), dtype=np.intp), sizes)
            keys = np.sort(owner_of * max(len(other), 1) + flat_codes)
            if not np.any(keys[1:] == keys[:-1]):
                ptr = np.zeros(len(lists) + 1, dtype=np.intp)
                np.cumsum(sizes, out=ptr[1:])
                return ptr, flat_codes
    lengths: list[int] = []
    flat: list[int] = []
    lookup = other.__getitem__
    for owner, given in prefs.items():
        listed: Sequence[Any] = given
        if type(given) is not list and type(given) is not tuple:
            if (
                isinstance(given, str | bytes)
                or not isinstance(given, Sequence | np.ndarray)
                or np.ndim(given) != 1
            ):
                got = type(given).__name__
                if isinstance(given, np.ndarray):
                    got = f"a {given.ndim}-dimensional array"
                msg = (
                    f"expected an ordered list of {other_name} ids (most preferred first), "
                    f"got {got}"
                )
                problems.append(Problem((name, segment(owner)), msg))
                lengths.append(0)
                continue
            listed = list(given)
        if not_ids := _not_ids(listed, (name, segment(owner))):
            problems.extend(not_ids)
            lengths.append(0)
            continue
        try:
            codes: list[int] = list(map(lookup, listed))
        except (KeyError, TypeError):
            _unknown(listed, other, (name, segment(owner)), other_name, side, problems)
            lengths.append(0)
            continue
        if len(set(codes)) != len(codes):
            problems.append(_twice(listed, codes, (name, segment(owner)), other_name))
            lengths.append(0)
            continue
        lengths.append(len(codes))
        flat.extend(codes)
    ptr = np.zeros(len(lengths) + 1, dtype=np.intp)
    np.cumsum(lengths, out=ptr[1:])
    return ptr, np.asarray(flat, dtype=np.intp)


def _unknown(
    listed: Sequence[Any],
    other: dict[Hashable, int],
    where: tuple[PathSegment, ...],
    other_name: str,
    side: _Side,
    problems: list[Problem],
) -> None:
    """One problem per unknown id of a list (the first few), then a count of the rest."""
    unknown = [
        (k, x) for k, x in enumerate(listed) if not isinstance(x, Hashable) or x not in other
    ]
    for k, x in unknown[:_MAX_LISTED]:
        msg = f"{x!r} is not a {other_name}: it has no entry in `{other_name}_prefs`"
        side.refuse(problems, (*where, k), msg, x)
    if len(unknown) > _MAX_LISTED:
        problems.append(Problem(where, f"... and {len(unknown) - _MAX_LISTED} more unknown ids"))


def _twice(
    listed: Sequence[Any], codes: list[int], where: tuple[PathSegment, ...], other_name: str
) -> Problem:
    """The problem of a list that names someone more than once."""
    seen: set[int] = set()
    twice = []
    for x, c in zip(listed, codes, strict=True):
        if c in seen:
            twice.append(x)
        seen.add(c)
    shown = ", ".join(repr(x) for x in twice[:_MAX_LISTED])
    return Problem(where, f"lists {shown} more than once; rank each {other_name} at most once")


def _capacity_iv(capacity: object, side: _Side, problems: list[Problem]) -> tuple[int, ...]:
    """One non-negative integer per reviewer, from a mapping (0 where there is a problem)."""
    if not isinstance(capacity, Mapping):
        msg = f"expected a mapping of reviewer id to an integer, got {type(capacity).__name__}"
        problems.append(Problem(("capacity",), msg))
        return (0,) * len(side.ids)
    reviewers = side.ids
    known = set(reviewers)
    for r in capacity:
        if not _is_id(r):
            problems.append(Problem(("capacity", segment(r)), _not_an_id(r)))
        elif r not in known:
            msg = "is not a reviewer: it has no entry in `reviewer_prefs`"
            side.refuse(problems, ("capacity", segment(r)), msg, r)
    out: list[int] = []
    for r in reviewers:
        value = capacity.get(r)
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
            msg = (
                "is missing; give every reviewer a capacity (0 for none)"
                if r not in capacity
                else f"expected a non-negative integer, got {_shown(value)}"
            )
            problems.append(Problem(("capacity", segment(r)), msg))
            value = 0
        out.append(int(value))
    return tuple(out)


def _ids(
    prefs: object, name: str, problems: list[Problem]
) -> tuple[tuple[Hashable, ...], dict[str, Hashable]] | None:
    r"""The keys of `prefs` as ids (numpy's become Python's), and each id by its text.

    Two ids whose text is the same (``1`` and ``"1"``) are refused: a result's
    :meth:`~StableMatching.to_dict` writes ids as JSON keys, where they would be one. So are
    two texts equal in Unicode normal form C (``"caf\u00e9"`` and ``"cafe\u0301"``), which read
    alike, and text holding a NUL character, as a population refuses them.
    """
    if not isinstance(prefs, Mapping):
        msg = f"expected a mapping of id to an ordered list of ids, got {type(prefs).__name__}"
        problems.append(Problem((name,), msg))
        return None
    ids: list[Hashable] = []
    by_text: dict[str, Hashable] = {}
    for given in prefs:
        if (why := _id_problem(given)) is not None:
            problems.append(Problem((name, segment(given)), why))
            ids.append(given)
            continue
        key = str(given) if isinstance(given, str) else int(given)
        if (seen := by_text.setdefault(_form(key), key)) != key:
            if isinstance(seen, str) and isinstance(key, str):
                msg = (f"{seen!r} and {key!r} are one id in two Unicode forms ({seen!a} and "
                       f"{key!a}); write both the same way")  # fmt: skip
            else:
                msg = (f"{seen!r} and {key!r} are the same id as text (JSON keys are text); "
                       "give them different ids")  # fmt: skip
            problems.append(Problem((name, segment(key)), msg))
        ids.append(key)
    return tuple(ids), by_text


def encode_preferences(
    proposer_prefs: object, reviewer_prefs: object, capacity: object
) -> Preferences:
    """Validate the three inputs and encode them (raises SchemaError with every problem)."""
    problems: list[Problem] = []
    p_ids = _ids(proposer_prefs, "proposer_prefs", problems)
    r_ids = _ids(reviewer_prefs, "reviewer_prefs", problems)
    if (
        p_ids is None
        or r_ids is None
        or not isinstance(proposer_prefs, Mapping)
        or not isinstance(reviewer_prefs, Mapping)
    ):
        raise SchemaError(problems)
    (proposers, p_texts), (reviewers, r_texts) = p_ids, r_ids
    p_side, r_side = _Side(proposers, p_texts), _Side(reviewers, r_texts)
    p_index, r_index = index_of(proposers), index_of(reviewers)
    p_ptr, p_flat = _encode_lists(
        proposer_prefs, "proposer_prefs", r_index, "reviewer", r_side, problems
    )
    r_ptr, r_flat = _encode_lists(
        reviewer_prefs, "reviewer_prefs", p_index, "proposer", p_side, problems
    )
    places = _capacity_iv(capacity, r_side, problems)
    if problems:
        p_side.hint(problems)
        r_side.hint(problems)
        raise SchemaError(problems)
    n_p = len(proposers)
    # A capacity above the number of proposers can never bind and is held as that number (so
    # that 10**30 neither overflows nor allocates).
    caps = np.fromiter((min(c, n_p) for c in places), dtype=np.intp, count=len(places))
    # The rank of proposer p in reviewer r's list, found by sorted keys r * n_p + p.
    r_of = np.repeat(np.arange(len(reviewers), dtype=np.intp), np.diff(r_ptr))
    r_keys = r_of * n_p + r_flat
    order = np.argsort(r_keys, kind="stable")
    sorted_keys = r_keys[order]
    r_rank = (np.arange(r_flat.shape[0], dtype=np.intp) - np.repeat(r_ptr[:-1], np.diff(r_ptr)))[
        order
    ]
    p_of = np.repeat(np.arange(n_p, dtype=np.intp), np.diff(p_ptr))
    keys = p_flat * n_p + p_of
    needles = np.argsort(keys, kind="stable")
    at = np.empty(keys.shape[0], dtype=np.intp)
    at[needles] = np.searchsorted(sorted_keys, keys[needles])
    at_clipped = np.minimum(at, max(sorted_keys.shape[0] - 1, 0))
    acceptable = (
        (at < sorted_keys.shape[0]) & (sorted_keys[at_clipped] == keys)
        if sorted_keys.size
        else np.zeros(keys.shape[0], dtype=bool)
    )
    rank = np.where(acceptable, r_rank[at_clipped] if r_rank.size else 0, -1)
    kept = np.bincount(p_of[acceptable], minlength=n_p)
    ptr = np.zeros(n_p + 1, dtype=np.intp)
    np.cumsum(kept, out=ptr[1:])
    return Preferences(
        proposers=proposers,
        reviewers=reviewers,
        ptr=ptr,
        rev=p_flat[acceptable],
        rank=rank[acceptable].astype(np.intp),
        capacity=caps,
        places=places,
    )


def matching_iv(matching: object, problem: Preferences) -> IndexArray:
    """A matching (proposer id to reviewer id or None) as reviewer positions, -1 unmatched."""
    if not isinstance(matching, Mapping):
        got = type(matching).__name__
        msg = f"expected a mapping of proposer id to reviewer id or None, got {got}"
        raise SchemaError([Problem(("matching",), msg)])
    p_index, r_index = index_of(problem.proposers), index_of(problem.reviewers)
    out = np.full(problem.n_proposers, -1, dtype=np.intp)
    bad: list[tuple[object, object]] = []  # (proposer, None) or (proposer, reviewer)
    for p, r in matching.items():
        if not _is_id(p) or p not in p_index:
            bad.append((p, None))
        elif r is not None:
            if _is_id(r) and r in r_index:
                out[p_index[p]] = r_index[r]
            else:
                bad.append((p, r))
    if bad:
        raise SchemaError(_matching_problems(bad, problem))
    return out


def _matching_problems(bad: list[tuple[object, object]], problem: Preferences) -> list[Problem]:
    """What is wrong with each of a matching's `bad` entries (unknown or not ids)."""
    p_side = _Side(problem.proposers, {_form(p): p for p in problem.proposers})
    r_side = _Side(problem.reviewers, {_form(r): r for r in problem.reviewers})
    out: list[Problem] = []
    for p, r in bad:
        path = ("matching", segment(p))
        if not _is_id(p if r is None else r):
            out.append(Problem(path, _not_an_id(p if r is None else r)))
        elif r is None:
            p_side.refuse(out, path, "is not a proposer", p)
        else:
            r_side.refuse(out, path, f"{r!r} is not a reviewer", r)
    p_side.hint(out)
    r_side.hint(out)
    return out
