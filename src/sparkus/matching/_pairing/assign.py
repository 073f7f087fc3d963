"""Assigning participants to providers: the one entry point over every matcher.

:func:`assign` takes a candidate matrix (the compatibility of each participant with its best
providers) or a plain cost matrix, and returns an :class:`~sparkus.matching.Assignment`. It
validates the input once, removes forbidden pairs, takes pairs fixed by a person (chosen from a
shortlist, say) out of the problem and out of the providers' capacities, applies a load cap or
a penalty on concentration, hands the canonical problem to a matcher (``"exact"`` by default,
or any plugin), checks the matcher's answer, and reports the quality of the result: total cost
and compatibility, who stayed unassigned and why, and how evenly the load is spread.
The input is checked into an instance (``instance.py``) and placed by the solve that
:func:`~sparkus.matching.rematch` shares (``placement.py``, which also explains the load
penalty).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sparkus._checks import check_number, check_rng
from sparkus._errors import Problem, SchemaError
from sparkus.matching._pairing.assign_result import Assignment
from sparkus.matching._pairing.instance import (
    CandidateLike,
    Instance,
    fixed_iv,
    instance_iv,
    matcher_iv,
    max_load_iv,
)
from sparkus.matching._pairing.placement import place
from sparkus.matching._pairing.protocols import Matcher

if TYPE_CHECKING:
    from scipy.sparse import sparray, spmatrix

    SparseLike: TypeAlias = sparray | spmatrix
else:
    SparseLike: TypeAlias = Any

__all__ = ["assign"]

IntArray: TypeAlias = NDArray[np.int64]
IndexArray: TypeAlias = NDArray[np.intp]


def _penalty_iv(load_penalty: object, problems: list[Problem]) -> float:
    """The load penalty's weight: a finite number >= 0 (0 while it is wrong)."""
    value = check_number(load_penalty, "load_penalty", low=0.0, what="a finite number",
                         problems=problems)  # fmt: skip
    return 0.0 if math.isnan(value) else value


def _assign_iv(
    candidates: object,
    capacity: object,
    matcher: object,
    forbidden: object,
    fixed: object,
    max_load: object,
    load_penalty: object,
    rng: object,
) -> tuple[Instance, Matcher, IndexArray, IntArray, float, np.random.Generator]:
    """Validate the inputs of :func:`assign`; every problem is reported at once."""
    problems: list[Problem] = []
    inst = instance_iv(candidates, capacity, forbidden, problems)
    found = matcher_iv(matcher, problems)
    penalty = _penalty_iv(load_penalty, problems)
    generator = check_rng(rng, default=0, problems=problems)
    if inst is None:
        raise SchemaError(problems)
    cap_limit = max_load_iv(max_load, inst.capacity, problems)
    fixed_to = fixed_iv(fixed, inst, cap_limit, problems)
    if problems or found is None:
        raise SchemaError(problems)
    return inst, found, fixed_to, cap_limit, penalty, generator


def assign(
    candidates: CandidateLike | ArrayLike | SparseLike,
    capacity: ArrayLike | None = None,
    *,
    matcher: str | Matcher = "exact",
    forbidden: object = None,
    fixed: Mapping[Any, Any] | Sequence[tuple[Any, Any]] | None = None,
    max_load: float | None = None,
    load_penalty: float = 0.0,
    rng: int | np.random.Generator | None = None,
) -> Assignment:
    """Assign participants to providers with a matcher, and report the quality of the result.

    The default matcher, ``"exact"``, places as many participants as the candidate lists and
    capacities allow and, among those placements, one of least total cost (plus the load
    penalty, when there is one).

    .. versionadded:: 0.1

    Parameters
    ----------
    candidates : CandidateMatrix, array_like or scipy sparse matrix
        A candidate matrix (its stored pairs are the allowed ones, its cost is 1 - score), or a
        cost matrix of shape (n_participants, n_providers): dense with NaN or ``+inf`` (or a
        missing value, None or pandas ``NA``) for a pair not allowed, or sparse where only
        stored entries are allowed. Text and booleans among the costs are refused.
    capacity : int or array_like of int, optional
        The most participants each provider takes (0 to 2**40). Required with a cost matrix;
        by default a candidate matrix's own `capacity`.
    matcher : str or Matcher, default "exact"
        A registered matcher's name (see :func:`available_matchers`) or a matcher object.
    forbidden : optional
        Pairs not allowed besides those missing from `candidates`: a boolean mask (a
        DataFrame mask is read by its labels), or (participant, provider) pairs named as in
        `fixed`.
    fixed : mapping or sequence of pairs, optional
        Pairs decided beforehand (a person's choice from a shortlist, say), participant to
        provider. Each is named as the result names it: by id for a candidate matrix, by
        label for a pandas cost table labelled other than by position (strings or integers,
        as its index and columns hold them; a number that is no label is refused, since it
        could mean a position), by index for any other cost matrix. They are kept as they
        are, taken out of the problem and out of the providers' places.
    max_load : int or float, optional
        A cap on each provider's load: an integer is a number of participants, a float in
        (0, 1] a share of each provider's capacity (rounded down).
    load_penalty : float, default 0
        The weight ``λ`` of a convex penalty ``λ * Σ_j load_j**2 / capacity_j`` added to the
        total cost, which spreads participants over providers in proportion to capacity
        rather than filling the most popular first. Costs of a candidate matrix lie in
        [0, 1], so ``λ`` around 0.1 to 1 trades a little compatibility for evenness.
    rng : int or numpy.random.Generator, optional
        The randomness handed to the matcher (the built-in matchers use none).

    Returns
    -------
    Assignment
        The placement, its cost (and compatibility), the reasons for those left unplaced,
        and the providers' load and how evenly it is spread.

    Raises
    ------
    SchemaError
        If an input is malformed: a cost matrix or capacity of the wrong shape or values, an
        unknown matcher, id, label or index (named), a number that is none of a labelled
        table's labels, a fixed pair that is not allowed or fixes a participant twice; a
        `load_penalty` whose split into unit tiers would exceed 20,000,000 pairs or
        whose penalised total would overflow the floats (the message gives the largest
        usable value); or if the matcher breaks its contract (the message names it).
    InfeasibleError
        If the fixed pairs give a provider more participants than its capacity or load cap.

    See Also
    --------
    solve_assignment : the exact solver on a cost matrix, with its optimality certificate.
    rematch : re-solve after a provider leaves or a participant asks for a change.

    Notes
    -----
    The matcher sees a canonical problem: a CSR matrix of the allowed pairs of the
    participants still to place, and the providers' remaining places. With a load penalty
    each provider is split into unit tiers of increasing cost, which makes the ``"exact"``
    matcher solve the penalised problem exactly (see :doc:`/assignment`).

    Examples
    --------
    Five participants, two providers with three places each; provider 0 is everybody's
    favourite:

    >>> import numpy as np
    >>> from sparkus.matching import assign
    >>> cost = np.array([[0.1, 0.5], [0.2, 0.7], [0.1, 0.4], [0.3, 0.4], [0.2, np.nan]])
    >>> result = assign(cost, capacity=3)
    >>> result.provider
    array([0, 0, 1, 1, 0])
    >>> result
    Assignment(n=5, assigned=5, total_cost=1.3, load_gini=0.100, matcher='exact')

    With four places each, provider 0 would take four of the five; a load penalty spreads
    them, for a little more cost:

    >>> assign(cost, capacity=4).load
    array([4, 1])
    >>> spread = assign(cost, capacity=4, load_penalty=0.5)
    >>> spread.load, spread.total_cost, spread.penalty
    (array([3, 2]), 1.3, 1.625)

    Participant 1 chose provider 1 from a shortlist, and nobody may take more than two:

    >>> chosen = assign(cost, capacity=3, fixed={1: 1}, max_load=2)
    >>> chosen.provider, chosen.unassigned
    (array([ 0,  1,  0,  1, -1]), {4: 'max_load'})
    """
    inst, found, fixed_to, cap_limit, penalty, generator = _assign_iv(
        candidates, capacity, matcher, forbidden, fixed, max_load, load_penalty, rng
    )
    active = np.ones(inst.arcs.n, dtype=bool)
    return place(
        inst,
        fixed_to=fixed_to,
        active=active,
        cap_limit=cap_limit,
        load_penalty=penalty,
        matcher=found,
        rng=generator,
    )
