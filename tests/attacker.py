"""An exact attacker for the tests: what the published figures leave of each hidden count.

The attacker of the threat model knows every person's group memberships (so every headcount,
and here also who would benefit) and every published figure. Each published count is a linear
constraint on the per-person selections ``x_i`` in ``[0, 1]``: the sum of ``x_i`` over the
people it counts equals the published value. A hidden count is a sum over its own people; its
range is found by minimising and maximising that sum subject to every constraint
(``scipy.optimize.linprog`` with HiGHS). The constraints of one grouping with nested labels
and a total form a laminar family, so the linear programme's bounds are those of 0/1 choices.

This helper is the one place the tests ask "is it protected?": when
``sparkus.privacy.verify_disclosure`` lands, :func:`hidden_ranges` is what it replaces.

The protection width of a count (documented in ``docs/triage.md``): the minimum group size
``m``; a hidden count over fewer than ``m`` people must keep its whole range, ``0`` to the
number of its people (:func:`protected`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from scipy.optimize import linprog

Mask = np.ndarray


def hidden_ranges(
    n: int, published: Sequence[tuple[Mask, float]], hidden: Mapping[object, Mask]
) -> dict[object, tuple[float, float]]:
    """The least and the most each hidden count can be, given the published counts.

    `published` holds (people counted, value) pairs; `hidden` maps a name to the people its
    count sums over. Each of the `n` people is selected (1) or not (0), relaxed to [0, 1].
    """
    a_eq = np.array([mask.astype(float) for mask, _ in published]) if published else None
    b_eq = np.array([value for _, value in published], dtype=float) if published else None
    out = {}
    for name, mask in hidden.items():
        c = mask.astype(float)
        ends = []
        for sign in (1.0, -1.0):
            res = linprog(sign * c, A_eq=a_eq, b_eq=b_eq, bounds=(0.0, 1.0), method="highs")
            assert res.status == 0, f"the published figures are inconsistent: {res.message}"
            ends.append(sign * res.fun)
        out[name] = (ends[0], ends[1])
    return out


def protected(low: float, high: float, people: int, width: int) -> bool:
    """Whether a hidden count over `people` people with range [low, high] is protected."""
    return high - low >= min(width, people) - 1e-7


def audit_constraints(result, selected, groups, labels=None, *, total=None):
    """The published figures of an audit (a to_dict() or an AuditResult) as constraints.

    Every published group's selected count; with labels, the selected count among those who
    would benefit in each group whose TPR is published (rate times the known positives); the
    total selected if published, or `total` if the attacker knows it from elsewhere.
    """
    data = result if isinstance(result, dict) else result.to_dict()
    keys = {str(g): g for g in np.unique(groups).tolist()}
    constraints = []
    for key, value in data["selected_counts"].items():
        constraints.append((groups == keys[key], value))
    if labels is not None and data["tpr"] is not None:
        for key, rate in data["tpr"].items():
            if rate is not None:
                mask = (groups == keys[key]) & labels
                constraints.append((mask, round(rate * mask.sum())))
    known = data["n_selected"] if data["n_selected"] is not None else total
    if known is not None:
        constraints.append((np.ones(len(groups), dtype=bool), known))
    return constraints
