"""The power of a stepped-wedge rollout: Hussey & Hughes (2007), with the intra-cluster correlation.

In a stepped-wedge rollout every cluster (team, site) starts untreated, and at each step a
further group of clusters crosses over, until all are treated: ``steps + 1`` periods, the
first a baseline. Hussey & Hughes (2007, *Contemporary Clinical Trials* 28, eq. 8) give the
variance of the treatment effect estimated by weighted least squares on the cluster-period
means, with fixed period effects and a random cluster effect (the formula is in
:func:`rollout_power`'s docstring).
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np

from sparkus._checks import check_number, schema_error

__all__ = ["rollout_power"]

MAX_STEPS: Final = 1_000
"""The most steps a stepped-wedge rollout may have."""
MAX_CLUSTERS: Final = 10**9
"""The most clusters a rollout may have."""
MAX_CLUSTER_SIZE: Final = 1e12
"""The largest number of people per cluster and period."""


def _rollout_power_iv(
    effect: object, clusters: object, steps: object, cluster_size: object, icc: object,
    alpha: object,
) -> tuple[float, int, int, float, float, float]:  # fmt: skip
    d = check_number(effect, "effect", low=-100.0, high=100.0)
    n_steps = int(check_number(steps, "steps", low=2, high=MAX_STEPS, integer=True))
    n_clusters = int(check_number(clusters, "clusters", low=2, high=MAX_CLUSTERS, integer=True))
    if n_clusters < n_steps:
        msg = f"{n_clusters} clusters cannot fill {n_steps} steps: each step needs a cluster"
        raise schema_error("clusters", msg)
    m = check_number(cluster_size, "cluster_size", low=1.0, high=MAX_CLUSTER_SIZE)
    rho = check_number(icc, "icc", low=0.0, high=1.0, high_open=True)
    a = check_number(alpha, "alpha", low=1e-12, high=1.0, high_open=True)
    return d, n_clusters, n_steps, m, rho, a


def _variance(clusters: int, steps: int, cluster_size: float, icc: float) -> float:
    """Hussey & Hughes' eq. 8 with total variance 1: between clusters `icc`, within 1 - icc."""
    per_step = np.full(steps, clusters // steps, dtype=np.float64)
    per_step[: clusters % steps] += 1.0  # the earlier steps take the clusters left over
    periods = steps + 1
    treated_periods = periods - np.arange(1, steps + 1, dtype=np.float64)  # step s: from s on
    u = float(np.sum(per_step * treated_periods))
    v = float(np.sum(per_step * treated_periods**2))
    treated_at = np.concatenate(([0.0], np.cumsum(per_step)))  # clusters treated per period
    w = float(np.sum(treated_at**2))
    sigma2 = (1.0 - icc) / cluster_size
    tau2 = icc
    i, t = float(clusters), float(periods)
    numerator = i * sigma2 * (sigma2 + t * tau2)
    denominator = (i * u - w) * sigma2 + (u * u + i * t * u - t * w - i * v) * tau2
    return numerator / denominator


def rollout_power(
    effect: float,
    *,
    clusters: int,
    steps: int,
    cluster_size: float,
    icc: float,
    alpha: float = 0.05,
) -> float:
    """The power of a stepped-wedge rollout to detect a standardised `effect` (Hussey & Hughes).

    .. versionadded:: 0.1

    The design: ``steps + 1`` periods, the first a baseline in which no cluster is treated; at
    each step a group of clusters crosses over and stays treated; the clusters are spread over
    the steps as evenly as possible (the earlier steps take any left over). Each cluster
    contributes the mean outcome of `cluster_size` people per period (a cross-sectional
    design). The outcome's total variance is 1, so `effect` is a standardised mean difference,
    split into a between-cluster variance ``icc`` and a within-cluster variance ``1 - icc``.

    The variance of the treatment effect is Hussey & Hughes' (2007, eq. 8) closed form::

        Var = I s2 (s2 + T icc) / ((I U - W) s2 + (U**2 + I T U - T W - I V) icc)

    with ``I`` clusters, ``T = steps + 1`` periods, ``s2 = (1 - icc) / cluster_size`` the
    variance of a cluster-period mean, ``X_ij`` 1 when cluster ``i`` is treated in period
    ``j``, ``U = Σ X_ij``, ``W = Σ_j (Σ_i X_ij)²`` and ``V = Σ_i (Σ_j X_ij)²``; the power is
    that of the two-sided z-test, ``Φ(|effect| / se - z) + Φ(-|effect| / se - z)`` with
    ``z = Φ⁻¹(1 - alpha / 2)``; Hussey & Hughes' eq. 10 keeps only the first term (the second is
    below ``alpha / 2``).

    Parameters
    ----------
    effect : float
        The standardised effect of the support, from -100 to 100.
    clusters : int
        The number of clusters (teams, sites), 2 to 10⁹, at least `steps`.
    steps : int
        The number of steps at which clusters cross over, 2 to 1,000 (with one step every
        cluster crosses over at once and the effect cannot be told from the period's).
    cluster_size : float
        People measured per cluster and period, 1 to 10¹².
    icc : float
        The intra-cluster correlation, in ``[0, 1)``; estimate it with :func:`icc`.
    alpha : float, default 0.05
        The significance level of the two-sided test, in ``[1e-12, 1)``.

    Returns
    -------
    float
        The probability of a significant result if the true effect is `effect`.

    Raises
    ------
    SchemaError
        If an argument is out of range or of the wrong type, naming it, or there are fewer
        clusters than steps.

    Examples
    --------
    >>> from sparkus.metrics import rollout_power
    >>> round(rollout_power(0.3, clusters=12, steps=4, cluster_size=10, icc=0.05), 4)
    0.6127
    """
    d, n_clusters, n_steps, m, rho, a = _rollout_power_iv(
        effect, clusters, steps, cluster_size, icc, alpha
    )
    from scipy import special

    se = math.sqrt(_variance(n_clusters, n_steps, m, rho))
    z = float(-special.ndtri(a / 2.0))
    shift = abs(d) / se
    return float(special.ndtr(shift - z) + special.ndtr(-shift - z))
