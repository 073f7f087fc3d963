"""Few clusters: the effective number of clusters of an estimate, and the warning of too few.

Shared by least squares (:mod:`sparkus.metrics._linalg`) and the staggered design's
cluster-robust standard errors (:mod:`sparkus.metrics._staggered`).
"""

from __future__ import annotations

from typing import Final

import numpy as np

from sparkus._checks import FloatArray
from sparkus._errors import warn_caller

__all__ = ["FEW_CLUSTERS", "FEW_EFFECTIVE", "effective_clusters", "warn_few_clusters"]

FEW_CLUSTERS: Final = 30  # fewer clusters than this: cluster-robust SEs warned of
FEW_EFFECTIVE: Final = 12.0  # fewer effective clusters (Carter et al.'s G*): warned of


def effective_clusters(weight: FloatArray) -> FloatArray:
    """The effective number of clusters of each column of `weight` (clusters x estimates).

    `weight`: per cluster, the sum ``w_g`` of its rows' squared weights in the estimate
    (``((X'X)⁻¹ xᵢ)_j²``); ``(Σ_g w_g)² / Σ_g w_g²`` is Carter, Schnepel & Steigerwald's (2017)
    ``G*`` with no correlation within clusters (docs/regression.md, "Few treated clusters").
    """
    top = weight.max(axis=0)
    unit = weight / np.where(top > 0, top, 1.0)  # no square underflows
    return np.asarray(unit.sum(axis=0) ** 2 / np.einsum("ij,ij->j", unit, unit), dtype=float)


def warn_few_clusters(count: int, effective: dict[str, float]) -> None:
    """Warn once of fewer than FEW_CLUSTERS clusters, or of an estimate resting on few.

    `effective` maps each estimate's name to its effective number of clusters.
    """
    said = []
    if count < FEW_CLUSTERS:
        said.append(
            f"only {count} clusters: cluster-robust standard errors are unreliable below about "
            f"{FEW_CLUSTERS} (the p-values use t with {count - 1} d.f., which helps only in part)"
        )
    name = min(effective, key=effective.__getitem__, default=None)
    if name is not None and effective[name] < min(FEW_EFFECTIVE, count / 2):  # else count
        said.append(
            f"the cluster-robust standard error of {name} rests on few clusters: its effective "
            f"number of clusters is {effective[name]:.1f} of {count} (most of its variance "
            "comes from a few clusters, such as a few treated teams among many), and below "
            f"about {FEW_EFFECTIVE:g} its tests reject a true effect of 0 too often (with 3 "
            "treated clusters of 30, 18% of the time at 5%); treat more clusters, or use a "
            "wild cluster bootstrap (MacKinnon & Webb 2017)"
        )
    if said:
        warn_caller("; ".join(said))
