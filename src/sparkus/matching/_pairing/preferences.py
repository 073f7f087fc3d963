"""Two-sided preferences read into integer arrays: what stable matching works on.

:func:`encode_preferences` checks the proposers' and reviewers' ranked lists and the
reviewers' capacities (every problem at once, each with its path, such as
``proposer_prefs.ann[2]``) and encodes them as :class:`Preferences`: each proposer's acceptable
reviewers, best first, with its rank in each reviewer's list. :func:`matching_iv` reads a
matching to check against them.
"""

from __future__ import annotations

import itertools
import numbers
from collections.abc import Hashable, Mapping, Sequence
from typing import Any, Final

import attrs
import numpy as np
from numpy.typing import NDArray

from sparkus._errors import PathSegment, Problem, SchemaError

__all__ = ["Preferences", "encode_preferences", "index_of", "matching_iv", "segment"]

IndexArray = NDArray[np.intp]

_MAX_LISTED: Final = 8
"""Problems listed one by one per preference list before a count of the rest."""


@attrs.frozen(eq=False)
class Preferences:
    """Preferences as integer arrays; person ids by position.

    Proposer ``p``'s acceptable reviewers, best first, are ``rev[ptr[p]:ptr[p+1]]``; entry ``e``
    has the rank ``rank[e]`` of ``p`` in that reviewer's list (0 = the reviewer's favourite).
    """

    proposers: tuple[Hashable, ...]
    reviewers: tuple[Hashable, ...]
    ptr: IndexArray
    rev: IndexArray
    rank: IndexArray
    capacity: IndexArray

    @property
    def n_proposers(self) -> int:
        return len(self.proposers)

    @property
    def n_reviewers(self) -> int:
        return len(self.reviewers)


def segment(identifier: Hashable) -> PathSegment:
    """An id as a path segment of a :class:`Problem` (ints stay ints, the rest as text)."""
    if isinstance(identifier, int) and not isinstance(identifier, bool):
        return identifier
    return str(identifier)


def _is_id(value: object) -> bool:
    """Whether `value` can be an id: text or an integer (a bool or 1.0 would equal the id 1)."""
    return isinstance(value, str | int | np.integer) and not isinstance(value, bool | np.bool_)


def _id_types(types: set[type]) -> bool:
    return all(issubclass(t, str | int | np.integer) and not issubclass(t, bool | np.bool_)
               for t in types)  # fmt: skip


def _not_ids(listed: Sequence[Any], where: tuple[PathSegment, ...]) -> list[Problem]:
    """One problem per entry that cannot be an id (the first few)."""
    bad = [(k, x) for k, x in enumerate(listed) if not _is_id(x)]
    return [
        Problem((*where, k), f"{x!r} is not an id: ids are text or integers (not bool or None)")
        for k, x in bad[:_MAX_LISTED]
    ]


def index_of(ids: Sequence[Hashable]) -> dict[Hashable, int]:
    return {identifier: k for k, identifier in enumerate(ids)}


def _encode_lists(
    prefs: Mapping[Any, Any],
    name: str,
    other: dict[Hashable, int],
    other_name: str,
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
            if isinstance(given, str | bytes) or not isinstance(given, Sequence | np.ndarray):
                msg = (
                    f"expected an ordered list of {other_name} ids (most preferred first), "
                    f"got {type(given).__name__}"
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
            problems.extend(_unknown(listed, other, (name, segment(owner)), other_name))
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
) -> list[Problem]:
    """One problem per unknown id of a list (the first few), then a count of the rest."""
    unknown = [
        (k, x) for k, x in enumerate(listed) if not isinstance(x, Hashable) or x not in other
    ]
    out = [
        Problem(
            (*where, k), f"{x!r} is not a {other_name}: it has no entry in `{other_name}_prefs`"
        )
        for k, x in unknown[:_MAX_LISTED]
    ]
    if len(unknown) > _MAX_LISTED:
        out.append(Problem(where, f"... and {len(unknown) - _MAX_LISTED} more unknown ids"))
    return out


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


def _capacity_iv(
    capacity: object, reviewers: Sequence[Hashable], n_proposers: int, problems: list[Problem]
) -> IndexArray:
    """One non-negative integer per reviewer, from a mapping.

    A capacity above the number of proposers can never bind and is held as that number (so that
    10**30 neither overflows nor allocates).
    """
    out = np.zeros(len(reviewers), dtype=np.intp)
    if not isinstance(capacity, Mapping):
        msg = f"expected a mapping of reviewer id to an integer, got {type(capacity).__name__}"
        problems.append(Problem(("capacity",), msg))
        return out
    known = set(reviewers)
    for r in capacity:
        if not isinstance(r, Hashable) or r not in known:
            msg = "is not a reviewer: it has no entry in `reviewer_prefs`"
            problems.append(Problem(("capacity", segment(r)), msg))
    for k, r in enumerate(reviewers):
        if r not in capacity:
            msg = "is missing; give every reviewer a capacity (0 for none)"
            problems.append(Problem(("capacity", segment(r)), msg))
            continue
        value = capacity[r]
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
            msg = f"expected a non-negative integer, got {value!r}"
            problems.append(Problem(("capacity", segment(r)), msg))
            continue
        out[k] = min(int(value), n_proposers)
    return out


def _ids(prefs: object, name: str, problems: list[Problem]) -> tuple[Hashable, ...] | None:
    """The keys of `prefs` as ids: Python text or integers (numpy's become Python's).

    Two ids whose text is the same (``1`` and ``"1"``) are refused: a result's
    :meth:`~StableMatching.to_dict` writes ids as JSON keys, where they would be one.
    """
    if not isinstance(prefs, Mapping):
        msg = f"expected a mapping of id to an ordered list of ids, got {type(prefs).__name__}"
        problems.append(Problem((name,), msg))
        return None
    ids: list[Hashable] = []
    by_text: dict[str, Hashable] = {}
    for given in prefs:
        if not _is_id(given):
            msg = f"{given!r} is not an id: ids are text or integers (not bool or None)"
            problems.append(Problem((name, segment(given)), msg))
            ids.append(given)
            continue
        key = str(given) if isinstance(given, str) else int(given)
        if (seen := by_text.setdefault(str(key), key)) != key:
            msg = (f"{seen!r} and {key!r} are the same id as text (JSON keys are text); "
                   "give them different ids")  # fmt: skip
            problems.append(Problem((name, segment(key)), msg))
        ids.append(key)
    return tuple(ids)


def encode_preferences(
    proposer_prefs: object, reviewer_prefs: object, capacity: object
) -> Preferences:
    """Validate the three inputs and encode them (raises SchemaError with every problem)."""
    problems: list[Problem] = []
    proposers = _ids(proposer_prefs, "proposer_prefs", problems)
    reviewers = _ids(reviewer_prefs, "reviewer_prefs", problems)
    if (
        proposers is None
        or reviewers is None
        or not isinstance(proposer_prefs, Mapping)
        or not isinstance(reviewer_prefs, Mapping)
    ):
        raise SchemaError(problems)
    p_index, r_index = index_of(proposers), index_of(reviewers)
    p_ptr, p_flat = _encode_lists(proposer_prefs, "proposer_prefs", r_index, "reviewer", problems)
    r_ptr, r_flat = _encode_lists(reviewer_prefs, "reviewer_prefs", p_index, "proposer", problems)
    caps = _capacity_iv(capacity, reviewers, len(proposers), problems)
    if problems:
        raise SchemaError(problems)
    n_p = len(proposers)
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
    )


def matching_iv(matching: object, problem: Preferences) -> IndexArray:
    """A matching (proposer id to reviewer id or None) as reviewer positions, -1 unmatched."""
    if not isinstance(matching, Mapping):
        got = type(matching).__name__
        msg = f"expected a mapping of proposer id to reviewer id or None, got {got}"
        raise SchemaError([Problem(("matching",), msg)])
    p_index, r_index = index_of(problem.proposers), index_of(problem.reviewers)
    out = np.full(problem.n_proposers, -1, dtype=np.intp)
    problems: list[Problem] = []
    for p, r in matching.items():
        if not isinstance(p, Hashable) or p not in p_index:
            problems.append(Problem(("matching", segment(p)), "is not a proposer"))
            continue
        if r is None:
            continue
        if not isinstance(r, Hashable) or r not in r_index:
            msg = f"{r!r} is not a reviewer"
            problems.append(Problem(("matching", segment(p)), msg))
            continue
        out[p_index[p]] = r_index[r]
    if problems:
        raise SchemaError(problems)
    return out
