"""The conformance check every matcher plugin should pass: :func:`check_matcher`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import numpy as np
import numpy.typing as npt

from sparkus._checks import check_number, describe
from sparkus._errors import Problem, SchemaError, shown
from sparkus.testing._strategies import (
    AssignmentInstance,
    assignment_instances,
    require_hypothesis,
)

if TYPE_CHECKING:
    from sparkus.matching import Matcher

__all__ = ["MatcherCheckError", "check_matcher"]

MAX_EXAMPLES: Final = 100_000
"""The most generated instances :func:`check_matcher` tries (hypothesis' ``max_examples``)."""

_SEED: Final = 20240501
"""The seed of the generator handed to the matcher on every instance."""

_EDGE_CASES: Final[tuple[tuple[str, list[list[float]], list[int]], ...]] = (
    ("no participants and no providers", [], []),
    ("no participants", [], [1, 2]),
    ("no providers", [[], [], []], []),
    ("every pair forbidden", [[np.nan, np.nan], [np.nan, np.nan], [np.nan, np.nan]], [1, 1]),
    ("every capacity zero", [[1.0, 2.0], [0.0, 1.0]], [0, 0]),
    ("more participants than places", [[1.0, 2.0], [2.0, 1.0], [0.0, 0.0], [3.0, 3.0]], [1, 1]),
)


class MatcherCheckError(AssertionError):
    """A matcher that breaks one of the invariants :func:`check_matcher` checks.

    .. versionadded:: 0.1

    Attributes
    ----------
    matcher : str
        The name of the matcher (its type name if it has none).
    invariant : str
        The invariant it breaks, such as ``"capacity"`` or ``"determinism"``.
    instance : AssignmentInstance or None
        A (minimal, when hypothesis found it) instance on which it breaks it; None for the
        protocol check, which needs no instance.

    Examples
    --------
    :func:`check_matcher` raises one; this matcher gives everyone their cheapest provider,
    whatever the capacities:

    >>> import numpy as np
    >>> from sparkus.testing import MatcherCheckError, check_matcher
    >>> class Cheapest:
    ...     name = "cheapest"
    ...     def match(self, cost, capacity, *, rng):
    ...         out = np.full(cost.shape[0], -1, dtype=np.intp)
    ...         for i in range(cost.shape[0]):
    ...             row = slice(cost.indptr[i], cost.indptr[i + 1])
    ...             if cost.indptr[i + 1] > cost.indptr[i]:
    ...                 out[i] = cost.indices[row][np.argmin(cost.data[row])]
    ...         return out
    >>> try:
    ...     check_matcher(Cheapest())
    ... except MatcherCheckError as error:
    ...     caught = error
    >>> caught.matcher, caught.invariant
    ('cheapest', 'capacity')
    >>> caught.instance
    AssignmentInstance.from_dense([[1.0, 2.0], [0.0, 1.0]], capacity=[0, 0])
    >>> isinstance(caught, AssertionError)
    True

    A matcher without a name fails the protocol check, before any instance:

    >>> class Nameless:
    ...     def match(self, cost, capacity, *, rng): ...
    >>> try:
    ...     check_matcher(Nameless())
    ... except MatcherCheckError as error:
    ...     print(error.invariant, error.instance)
    protocol None
    """

    def __init__(
        self, matcher: str, invariant: str, detail: str, instance: AssignmentInstance | None
    ) -> None:
        self.matcher = matcher
        self.invariant = invariant
        self.instance = instance
        where = f"\n  instance: {shown(instance)}" if instance is not None else ""
        super().__init__(
            f"matcher {shown(matcher)} breaks the invariant {shown(invariant)}: {detail}{where}"
        )


MatcherCheckError.__module__ = "sparkus.testing"


def _name(matcher: object) -> str:
    """The matcher's name, or its type's name when it has none (or reading it raises)."""
    try:
        name = getattr(matcher, "name", None)
    except Exception:  # noqa: BLE001 - plugin code: the protocol check reports a broken `name`
        name = None
    return name if isinstance(name, str) and name else type(matcher).__name__


def _protocol(matcher: object) -> None:
    """The protocol: a non-empty ``name`` and ``match(cost, capacity, *, rng)``."""
    from sparkus.matching import check_plugin

    try:
        check_plugin(matcher, "matcher")
    except SchemaError as error:
        detail = "; ".join(p.message for p in error.problems)
        raise MatcherCheckError(_name(matcher), "protocol", detail, None) from None


def _run(matcher: Any, instance: AssignmentInstance, seed: int) -> Any:
    name = _name(matcher)
    try:
        return matcher.match(instance.cost, instance.capacity, rng=np.random.default_rng(seed))
    except Exception as exc:
        detail = f"`match` raised {type(exc).__name__}: {exc}"
        raise MatcherCheckError(name, "runs", detail, instance) from exc


_INPUTS: Final = ("cost.data", "cost.indices", "cost.indptr", "capacity")


def _inputs(instance: AssignmentInstance) -> tuple[Any, ...]:
    """The arrays a matcher receives, as they are now (not copies; a matcher may rebind them)."""
    cost = instance.cost
    return cost.data, cost.indices, cost.indptr, instance.capacity


def _changed(
    saved: tuple[npt.NDArray[Any], ...], shape: tuple[int, int], instance: AssignmentInstance
) -> str | None:
    """What of the matcher's input differs from `saved` (values, dtype or shape), or None."""
    if tuple(int(s) for s in instance.cost.shape) != shape:
        return f"cost.shape from {shape} to {tuple(instance.cost.shape)}"
    for name, before, now in zip(_INPUTS, saved, _inputs(instance), strict=True):
        if not isinstance(now, np.ndarray) or now.dtype != before.dtype:
            return f"{name} from {before.dtype} to {getattr(now, 'dtype', type(now).__name__)}"
        if now.shape != before.shape:
            return f"the shape of {name} from {before.shape} to {now.shape}"
        if not np.array_equal(before, now, equal_nan=before.dtype.kind == "f"):
            return f"the values of {name}"
    return None


def check_instance(matcher: Any, instance: AssignmentInstance, seed: int = _SEED) -> None:
    """Check every invariant of `matcher` on one instance; raise MatcherCheckError if broken.

    The inputs are compared (values, dtypes and shapes) after each of the two calls, and the
    first answer is copied before the second call, so a matcher that returns an array it
    later overwrites cannot pass the determinism check with it.
    """
    name = _name(matcher)
    cost = instance.cost
    saved = tuple(a.copy() for a in _inputs(instance))
    saved_shape: tuple[int, int] = (int(cost.shape[0]), int(cost.shape[1]))

    def unchanged(call: str) -> None:
        what = _changed(saved, saved_shape, instance)
        if what is not None:
            broken = AssignmentInstance(cost=_rebuild(saved, saved_shape), capacity=saved[3])
            detail = f"`match` changed its input ({what}) on the {call} call"
            raise MatcherCheckError(name, "inputs unchanged", detail, broken)

    answer = _run(matcher, instance, seed)
    unchanged("first")
    n, m = saved_shape
    capacity = saved[3]

    def fail(invariant: str, detail: str) -> MatcherCheckError:
        return MatcherCheckError(name, invariant, detail, instance)

    if not isinstance(answer, np.ndarray):
        raise fail("output type", f"`match` returned a {type(answer).__name__}, not an ndarray")
    answer = np.array(answer, copy=True, subok=False)  # its values now, whatever it does later
    if answer.dtype.kind not in "iu":
        raise fail("output type", f"`match` returned dtype {answer.dtype}, expected integers")
    if answer.shape != (n,):
        raise fail("output shape", f"`match` returned shape {answer.shape}, expected ({n},)")
    if ((answer < -1) | (answer >= m)).any():
        raise fail("output range", f"values outside [-1, {m}): {answer.tolist()}")
    placed = np.flatnonzero(answer >= 0)
    load = np.bincount(answer[placed], minlength=m)
    if (load > capacity).any():
        over = np.flatnonzero(load > capacity).tolist()
        detail = (
            f"providers {over} get {load[over].tolist()} participants for capacities "
            f"{capacity[over].tolist()}"
        )
        raise fail("capacity", f"{detail}; answer {answer.tolist()}")
    dense = instance.dense()
    used = dense[placed, answer[placed]] if placed.size else np.zeros(0)
    if np.isnan(used).any():
        bad = [(int(i), int(answer[i])) for i in placed[np.isnan(used)]]
        raise fail("allowed pairs", f"pairs {bad} are not allowed (forbidden or missing)")
    again = _run(matcher, instance, seed)
    unchanged("second")
    same = (
        isinstance(again, np.ndarray)
        and again.shape == answer.shape
        and np.array_equal(np.asarray(again), answer)
    )
    if not same:
        shown = again.tolist() if isinstance(again, np.ndarray) else again
        detail = (
            f"two calls with generators of the same seed gave {answer.tolist()} and {shown}; "
            "use only the `rng` argument for randomness"
        )
        raise fail("determinism", detail)


def _rebuild(saved: tuple[Any, ...], shape: tuple[int, int]) -> Any:
    from scipy.sparse import csr_array

    return csr_array((saved[0], saved[1], saved[2]), shape=shape)


def check_matcher(matcher: Matcher | str, *, n_examples: int = 50, seed: int | None = 0) -> None:
    """Check that a matcher keeps the invariants every sparkus matcher must keep.

    The checks: the :class:`~sparkus.matching.Matcher` protocol (a non-empty ``name``, a
    ``match(cost, capacity, *, rng)`` method); on fixed edge cases (no participants, no
    providers, every pair forbidden, every capacity zero, more participants than places) and
    on `n_examples` instances drawn by :func:`assignment_instances`: ``match`` runs without
    error, returns an integer array of one provider column (or -1) per participant, never
    exceeds a capacity, uses allowed pairs only, returns the same answer for two generators of
    the same seed, and leaves its inputs unchanged (values, dtypes and shapes, after each of
    the two calls). Optimality is not checked: how close to the optimum a matcher gets is its
    own business.

    .. versionadded:: 0.1

    Parameters
    ----------
    matcher : Matcher or str
        The matcher object, or the name of a registered or installed matcher.
    n_examples : int, default 50
        How many generated instances to try (hypothesis' ``max_examples``), from 1 to 100,000.
    seed : int or None, default 0
        The seed (an integer >= 0 of any size, numpy integers included) of the instance
        generator, for a reproducible check; None draws new instances on every call.

    Raises
    ------
    SchemaError
        If `n_examples` or `seed` is not an integer in its range, or `matcher` names no
        registered matcher.
    MatcherCheckError
        An :class:`AssertionError` naming the matcher, the invariant it breaks and a minimal
        instance that shows it (hypothesis shrinks generated instances).
    ImportError
        If hypothesis is not installed.

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.testing import check_matcher
    >>> check_matcher("exact", n_examples=20)

    A matcher that ignores capacities fails, with a small instance that shows it:

    >>> class Cheapest:
    ...     name = "cheapest"
    ...     def match(self, cost, capacity, *, rng):
    ...         out = np.full(cost.shape[0], -1, dtype=np.intp)
    ...         for i in range(cost.shape[0]):
    ...             row = slice(cost.indptr[i], cost.indptr[i + 1])
    ...             if cost.indptr[i + 1] > cost.indptr[i]:
    ...                 out[i] = cost.indices[row][np.argmin(cost.data[row])]
    ...         return out
    >>> check_matcher(Cheapest())
    Traceback (most recent call last):
      ...
    sparkus.testing.MatcherCheckError: matcher 'cheapest' breaks the invariant 'capacity': ...
    """
    hypothesis = require_hypothesis()
    from hypothesis import HealthCheck, given, settings
    from hypothesis.errors import FlakyFailure

    problems: list[Problem] = []
    check_number(n_examples, "n_examples", low=1, high=MAX_EXAMPLES, integer=True,
                 problems=problems)  # fmt: skip
    given_seed: object = seed
    if given_seed is not None and (
        not isinstance(given_seed, int | np.integer)
        or isinstance(given_seed, bool)
        or given_seed < 0
    ):  # any size: hypothesis seeds with the whole int
        msg = f"expected None or an integer >= 0, got {describe(given_seed)}"
        problems.append(Problem(("seed",), msg))
    if problems:
        raise SchemaError(problems)
    # numpy integers as Python ints: hypothesis takes nothing else
    n_examples, seed = int(n_examples), None if seed is None else int(seed)
    if isinstance(matcher, str):
        from sparkus.matching import get_matcher

        try:
            matcher = get_matcher(matcher)
        except SchemaError as err:
            raise SchemaError(Problem(("matcher",), p.message) for p in err.problems) from None
    _protocol(matcher)

    for _label, dense, capacity in _EDGE_CASES:
        check_instance(matcher, AssignmentInstance.from_dense(dense, capacity))

    @settings(
        max_examples=n_examples,
        deadline=None,
        database=None,
        derandomize=False,
        report_multiple_bugs=False,
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(assignment_instances())
    def run(instance: AssignmentInstance) -> None:
        check_instance(matcher, instance)

    if seed is not None:
        run = hypothesis.seed(seed)(run)
    try:
        run()
    except FlakyFailure as group:  # a nondeterministic matcher fails, then passes on replay
        found = [e for e in group.exceptions if isinstance(e, MatcherCheckError)]
        if found:
            first = found[0]
            raise MatcherCheckError(
                first.matcher,
                "determinism",
                f"it failed, then passed on the same instance (first failure: {first})",
                first.instance,
            ) from group
        raise
