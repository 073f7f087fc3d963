"""Red team of the standard errors subgroup effects publish, over several groupings.

With ``method="difference"`` each reported group publishes its effect ``mean_T - mean_C``, its
standard error ``sqrt(s_T**2 / n_T + s_C**2 / n_C)`` and its Welch d.f. (so its interval and
p-value): the two give each arm's variance, that is each arm's sum of squares about its mean.
Two groups whose treated people differ by one person p have sums of squares that differ by
``k / (k + 1) * (y_p - mean)**2``. The attacker knows everyone's memberships and every figure
of the call; its tool is the test's own: ``scipy.optimize.minimize`` (SLSQP) over every
outcome, held to each reported group's difference in means and arms' variances (what its
effect, SE and d.f. fix), for the reach of one person's outcome. Every end it reaches is
certified: subgroup effects run on the outcomes found publish the same figures, to 1e-6.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import qr
from scipy.optimize import minimize

from sparkus.metrics import subgroup_effects

from .test_s11_subgroups_redteam import _chain

SHARE = 0.5
"""The protection width's share: half the range of one person's outcome (docs/privacy.md)."""


def _rows(groupings, results, n):
    """Each reported group's members (and everyone, when the overall effect is shown)."""
    rows = [labels == g for name, labels in groupings.items() for g in results[name].estimates]
    if next(iter(results.values())).overall is not None:
        rows.append(np.ones(n, bool))
    return np.array(rows)


def _moments(z, treated_rows, control_rows):
    """What the published effects, SEs and d.f. fix: each row's difference and arm variances,
    with their Jacobian."""
    values, slopes = [], []
    for rows in (treated_rows, control_rows):
        size = rows.sum(axis=1)
        mean = rows @ z / size
        values.append((mean, (rows @ z**2 - size * mean**2) / (size - 1)))
        slopes.append((rows / size[:, None], 2 * rows * (z - mean[:, None]) / (size[:, None] - 1)))
    value = np.r_[values[0][0] - values[1][0], values[0][1], values[1][1]]
    return value, np.vstack([slopes[0][0] - slopes[1][0], slopes[0][1], slopes[1][1]])


def _figures(results):
    """Every figure the call publishes, as numbers, and its shape (groups, counts, withheld)."""
    numbers, shape = [], []
    for name, result in results.items():
        shape.append((name, result.n_treated, result.n_control, result.suppressed, result.n))
        shown = [*result.estimates.values(), *([result.overall] if result.overall else [])]
        numbers += [(e.estimate, e.se, e.df, e.ci.low, e.ci.high, e.pvalue) for e in shown]
    return np.array(numbers, float), shape


def _reach(y, treated, groupings, person, m):
    """The least and most `person`'s outcome can be with every figure of the call unchanged.

    Each end is an outcome vector found by SLSQP within the observed range, kept only when
    subgroup effects on it publish the same figures (a certificate that the attacker cannot
    exclude it); so the reach is at least this wide.
    """
    results = subgroup_effects(y, treated, groupings, min_group_size=m)
    rows = _rows(groupings, results, len(y))
    arms = (rows & treated).astype(float), (rows & ~treated).astype(float)
    (target, slope), (numbers, shape) = _moments(y, *arms), _figures(results)
    # the figures of a grouping's groups and the overall one are tied: keep independent ones
    pivots = qr(slope.T, mode="r", pivoting=True)[1][: np.linalg.matrix_rank(slope)]
    keep = {"type": "eq", "fun": lambda z: _moments(z, *arms)[0][pivots] - target[pivots],
            "jac": lambda z: _moments(z, *arms)[1][pivots]}  # fmt: skip
    unit = (np.arange(len(y)) == person).astype(float)
    ends = []
    for sign in (-1.0, 1.0):
        best = y[person]
        for start in range(3):
            z0 = y + np.random.default_rng(start).normal(0.0, 0.1 * (start > 0), len(y))
            found = minimize(
                lambda z, s=sign: -s * z[person], np.clip(z0, y.min(), y.max()),
                jac=lambda z, s=sign: -s * unit, method="SLSQP",
                bounds=[(y.min(), y.max())] * len(y),
                constraints=[keep],
                options={"maxiter": 500, "ftol": 1e-12},
            ).x  # fmt: skip
            again, again_shape = _figures(subgroup_effects(found, treated, groupings,
                                                           min_group_size=m))  # fmt: skip
            same = again_shape == shape and np.allclose(again, numbers, rtol=1e-6, atol=1e-6)
            if same and sign * (found[person] - best) > 0:
                best = found[person]
        ends.append(best)
    return ends[0], ends[1]


def _lone(y, treated, groupings, m):
    """One person of each set of 1 to m - 1 treated (or control) people sharing all groups."""
    keys = np.column_stack([np.unique(v, return_inverse=True)[1] for v in groupings.values()])
    atom = np.unique(keys, axis=0, return_inverse=True)[1].ravel()
    out = []
    for arm in (treated, ~treated):
        count = np.bincount(atom[arm], minlength=atom.max() + 1)
        out += [int(np.flatnonzero(arm & (atom == a))[0]) for a in np.flatnonzero(count < m)
                if count[a]]  # fmt: skip
    return out


def test_the_standard_errors_of_three_groups_do_not_narrow_a_lone_person():
    """Three groups' effects and SEs leave a lone treated person half the outcome's range."""
    # The chain X - U + W of _chain, with generic outcomes: its effects give y_p less its five
    # controls' mean, and the arms' variances narrow y_p further: with pairs only suppressed
    # (commit 5ce6d63), to 0.56-1.0 of 0-1, less than half; now to the whole range.
    _, treated, groupings = _chain()
    y, m = np.random.default_rng(5).uniform(0.0, 1.0, len(treated)), 5
    people = _lone(y, treated, groupings, m)
    assert people
    for person in people:
        low, high = _reach(y, treated, groupings, person, m)
        assert high - low >= SHARE * (y.max() - y.min()), (person, low, high)
