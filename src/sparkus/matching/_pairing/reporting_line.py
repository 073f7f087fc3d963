"""Same reporting line: the scorer that forbids pairs inside one management chain.

:class:`SameReportingLine` scores ``-inf`` for a provider who is an employee and the
participant's manager, report or themselves, and 1 otherwise; :func:`euler_tour` numbers the
manager forest so that each pair costs a few comparisons.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs
import numpy as np
from numpy.typing import NDArray

from sparkus._checks import FloatArray
from sparkus._errors import Problem, SchemaError
from sparkus._ids import near_ids
from sparkus.matching._pairing.protocols import prepare_iv

if TYPE_CHECKING:
    from sparkus.matching._pairing.protocols import IndexArray, PairScore
    from sparkus.model import Population, Provider

__all__ = ["SameReportingLine", "euler_tour"]

IntArray = NDArray[np.int64]


def euler_tour(parent: NDArray[np.integer]) -> tuple[IntArray, IntArray]:
    """Entry and exit times of a pre-order walk of the forest given by `parent` (-1: root).

    Node ``u`` is an ancestor of ``v`` (or ``v`` itself) exactly when
    ``tin[u] <= tin[v] < tout[u]``; ``tout - tin`` is the size of each subtree. The walk is
    computed level by level with array operations (one step per level of depth, none per
    node), children visited in row order.
    """
    parent = np.asarray(parent, dtype=np.int64)
    n = parent.shape[0]
    has_parent = parent >= 0
    kids = np.flatnonzero(has_parent)
    kids = kids[np.argsort(parent[kids], kind="stable")]  # grouped by parent, rows in order
    first = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(parent[kids], minlength=n), out=first[1:])

    levels: list[IntArray] = []
    frontier = np.flatnonzero(~has_parent)
    while frontier.size:
        levels.append(frontier)
        counts = first[frontier + 1] - first[frontier]
        total = int(counts.sum())
        if not total:
            break
        starts = np.repeat(first[frontier] - np.cumsum(counts) + counts, counts)
        frontier = kids[starts + np.arange(total)]

    size = np.ones(n, dtype=np.int64)
    for level in reversed(levels[1:]):
        size += np.bincount(parent[level], weights=size[level], minlength=n).astype(np.int64)
    tin = np.zeros(n, dtype=np.int64)
    if levels:
        roots = levels[0]
        tin[roots] = np.cumsum(size[roots]) - size[roots]
    for level in levels[1:]:
        # Siblings come grouped by parent: offset = sizes of the earlier siblings.
        run = np.cumsum(size[level])
        up = parent[level]
        new_group = np.ones(level.size, dtype=bool)
        new_group[1:] = up[1:] != up[:-1]
        before = (run - size[level])[new_group]
        group = np.cumsum(new_group) - 1
        tin[level] = tin[up] + 1 + (run - size[level]) - before[group]
    return tin, tin + size


@attrs.frozen
class SameReportingLine:
    """Same reporting line (forbidden): no one is matched inside their own management chain.

    .. versionadded:: 0.1

    A provider who is an employee (``Provider.employee_id``, as internal mentors are) may not
    support themselves, anyone they manage directly or indirectly, or anyone above them in their
    management chain: such pairs score ``-inf``. Every other pair, and every pair with an
    external provider, scores 1. The check uses an Euler tour of the manager forest
    (tin[u] <= tin[v] < tout[u] for an ancestor u of v), so each pair costs a few comparisons.

    Notes
    -----
    A constraint rather than a preference: give it weight 0 in
    :func:`candidate_matrix`, where a scorer of weight 0 still forbids pairs. Mentoring
    guidance separates mentoring from line management so that protégés can speak freely
    about their development; this is practice, not a measured effect.

    Raises
    ------
    SchemaError
        From ``prepare``, naming each provider whose ``employee_id`` is not a row of the
        population.

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.matching import SameReportingLine
    >>> from sparkus.model import Level, Population, Provider, SupportType
    >>> people = Population.from_columns({
    ...     "id": ["ceo", "cto", "dev", "cfo"], "manager_id": [None, "ceo", "cto", "ceo"],
    ...     "level": ["executive", "senior_leader", "manager", "senior_leader"],
    ...     "department": ["Board", "R&D", "R&D", "Finance"], "tenure_years": [9.0, 5.0, 2.0, 6.0]})
    >>> cto = Provider("m1", SupportType.MENTORING, 3, 0.0, Level.SENIOR_LEADER, employee_id="cto")
    >>> SameReportingLine().prepare(people, [cto])(np.arange(4), np.zeros(4, int)).tolist()
    [-inf, -inf, -inf, 1.0]
    """

    name = "same_reporting_line"

    def prepare(self, participants: Population, providers: Sequence[Provider]) -> PairScore:
        """Walk the manager forest and find each provider's own row."""
        prepare_iv(participants, providers)
        ids = participants.ids.tolist()
        row_of = dict(zip(ids, range(len(ids)), strict=True))
        absent = [(j, p) for j, p in enumerate(providers)
                  if p.employee_id is not None and p.employee_id not in row_of]  # fmt: skip
        hints = near_ids(ids, [p.employee_id for _, p in absent])
        problems = [
            Problem(
                ("providers", j, "employee_id"),
                f"{p.employee_id!r} (provider {p.id!r}) names no participant; an employee "
                "provider's employee_id must be a row of the population, so that their "
                f"reporting line can be checked{hint}",
            )
            for (j, p), hint in zip(absent, hints, strict=True)
        ]
        if problems:
            raise SchemaError(problems)
        n = len(ids)
        employee = np.array(
            [row_of[p.employee_id] if p.employee_id is not None else n for p in providers],
            dtype=np.intp,
        )
        tin, tout = euler_tour(participants["manager_id"])
        # Row n is a sentinel for external providers: never anyone's ancestor or descendant.
        tin = np.append(tin, n + 1)
        tout = np.append(tout, n + 1)
        internal = employee < n

        def score(rows: IndexArray, cols: IndexArray) -> FloatArray:
            shape = np.broadcast_shapes(np.shape(rows), np.shape(cols))
            out = np.ones(shape, dtype=np.float64)
            if not internal[cols].any():
                return out
            e = employee[cols]
            t_e, t_r = tin[e], tin[rows]
            above = (t_e <= t_r) & (t_r < tout[e])  # the provider manages the participant
            below = (t_r <= t_e) & (t_e < tout[rows])  # the participant manages the provider
            out[np.broadcast_to(above | below, shape)] = -np.inf
            return out

        return score
