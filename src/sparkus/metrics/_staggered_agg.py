"""The aggregations of the group-time effects (R's ``did::aggte``) and their influence functions.

Each aggregation is a weighted mean of ATT(g, t) cells; its influence function is the same
weighted mean of the cells' influence functions plus, where the weights are estimated group
shares, the estimation effect of the weights (R's ``did:::wif``).
"""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import FloatArray, IntArray

__all__ = ["Aggregated", "Parts", "by_group", "by_label"]


def _wif_table(
    keep_groups: FloatArray, pg: FloatArray, parts: Parts, att: FloatArray
) -> FloatArray:
    """The group-share weights' influence times the effects, ``wif @ att``, per group.

    Entry 0 is for the never treated, entry i + 1 for ``parts.groups[i]``. R's ``wif`` is the units x cells matrix ``share / total - rowsum(share) pg / total^2`` with
    ``share = 1[g == keep_groups] - pg``; its product with `att` is the same for all the units
    of a group (it needs only the sum of the kept cells' effects and their count in the
    unit's group), so no such matrix is built.
    """
    total = float(pg.sum())
    size = parts.groups.size + 1
    cell_index = np.searchsorted(parts.groups, keep_groups) + 1
    att_sum = np.bincount(cell_index, weights=att, minlength=size)
    count = np.bincount(cell_index, minlength=size).astype(float)
    pg_att = float(pg @ att)
    out = (att_sum - pg_att) / total - (count - total) * pg_att / total**2
    return np.asarray(out, dtype=float)


def _wif_att(keep_groups: FloatArray, pg: FloatArray, parts: Parts, att: FloatArray) -> FloatArray:
    """:func:`_wif_table` for each unit."""
    return _wif_table(keep_groups, pg, parts, att)[parts.unit_group + 1]


def _aggregate(
    att: FloatArray,
    inf: FloatArray,
    weights: FloatArray,
    wif: tuple[FloatArray, FloatArray, Parts] | None,
) -> tuple[float, FloatArray]:
    value = float(att @ weights)
    func = inf @ weights
    if wif is not None:
        func = func + _wif_att(*wif, att)
    return value, func


@attrs.frozen
class Parts:
    """The cells' effects, influence functions and group shares, to aggregate."""

    att: FloatArray
    inf: FloatArray
    pg: FloatArray
    group: FloatArray
    groups: FloatArray
    unit_group: IntArray  # each unit's index in `groups`; -1 for the never treated

    def weighted(self, keep: npt.NDArray[np.bool_]) -> tuple[float, FloatArray]:
        """The group-share weighted mean of the kept cells, with the weights' estimation error."""
        att, inf = self.weighted_many([keep])
        return float(att[0]), inf[:, 0]

    def weighted_many(self, keeps: list[npt.NDArray[np.bool_]]) -> tuple[FloatArray, FloatArray]:
        """:meth:`weighted` for several sets of cells at once: one product with the cells."""
        w = np.column_stack([np.where(k, self.pg, 0.0) / self.pg[k].sum() for k in keeps])
        table = np.column_stack(
            [_wif_table(self.group[k], self.pg[k], self, self.att[k]) for k in keeps]
        )
        return self.att @ w, self.inf @ w + table[self.unit_group + 1]


@attrs.frozen
class Aggregated:
    """One aggregation: labels, effects and influence functions, and the overall's."""

    kind: str
    labels: FloatArray
    att: FloatArray
    inf: FloatArray
    overall: float
    overall_inf: FloatArray


def by_group(
    parts: Parts,
    groups: FloatArray,
    pg_group: FloatArray,
    post: npt.NDArray[np.bool_],
) -> Aggregated:
    """Each group's mean post-treatment effect; overall, their group-share weighted mean."""
    keep = (parts.group[:, None] == groups[None, :]) & post[:, None]
    w = keep / keep.sum(axis=0)
    att, inf = parts.att @ w, parts.inf @ w
    overall, func = _aggregate(att, inf, pg_group / pg_group.sum(), (groups, pg_group, parts))
    return Aggregated("group", groups, att, inf, overall, func)


def by_label(
    parts: Parts,
    label: FloatArray,
    eligible: npt.NDArray[np.bool_],
    values: FloatArray,
    kind: str,
) -> Aggregated:
    """Cells sharing a label (event time or calendar period), weighted by group share.

    The overall is the plain mean over the labels (event times from 0 on), as R's ``aggte``.
    """
    att, inf = parts.weighted_many([(label == v) & eligible for v in values])
    mask = values >= 0 if kind == "dynamic" else np.ones(values.shape[0], dtype=bool)
    k = int(mask.sum())
    overall, func = _aggregate(att[mask], inf[:, mask], np.full(k, 1 / k), None)
    return Aggregated(kind, values.astype(float), att, inf, overall, func)
