"""Metrics inputs from pandas: a nullable integer column with <NA> names its missing rows."""

from __future__ import annotations

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.metrics import subgroup_effects

pd = pytest.importorskip("pandas")


def test_subgroup_labels_from_a_nullable_integer_column_name_the_missing_row():
    """Int64 groups with <NA> (floats once read) name the row, not 'got dtype float64'."""
    rng = np.random.default_rng(0)
    n = 60
    groups = pd.array([1, 2] * 29 + [1, None], dtype="Int64")
    y, treated = rng.normal(size=n), np.arange(n) % 4 < 2
    with pytest.raises(SchemaError, match=r"groups: is missing in row 59; give every person"):
        subgroup_effects(y, treated, groups)


def test_subgroup_labels_from_a_nullable_integer_column_without_missing_values():
    """The same column without <NA> is read as integer labels."""
    rng = np.random.default_rng(0)
    n = 60
    groups = pd.array([1, 2] * 30, dtype="Int64")
    y, treated = rng.normal(size=n), np.arange(n) % 4 < 2
    assert sorted(subgroup_effects(y, treated, groups).estimates) == [1, 2]


_SPELLED = ["Team A", "team a", "Team B", "Team C", "team c ", "Team D"]


def _cluster_doors():
    from sparkus.metrics import ancova, bootstrap, design_rollout, did, icc, ols, staggered_did

    rng = np.random.default_rng(0)
    n = 60
    y, t = rng.normal(size=n), np.arange(n) % 2
    period = np.arange(n) // 30
    unit = np.r_[np.arange(n), np.arange(n)]
    time = np.r_[np.zeros(n), np.ones(n)]
    first = np.r_[t, t]
    return {
        "clusters": [
            lambda c: icc(y, c),
            lambda c: ols(y, t, clusters=c),
            lambda c: ancova(y, y[::-1], t, clusters=c),
            lambda c: did(y, t, period, clusters=c),
            lambda c: bootstrap((y,), np.mean, clusters=c, rng=1, n_resamples=50),
        ],
        "cluster": [lambda c: staggered_did(np.r_[y, y], unit, time, first, cluster=np.r_[c, c])],
        r"population\['team'\]": [
            lambda c: design_rollout({"team": c}, waves=2, cluster="team", rng=1)
        ],
    }


@pytest.mark.parametrize("as_objects", [True, False])
def test_cluster_written_two_ways_is_refused_in_every_door(as_objects: bool):
    """'Team A' and 'team a' are one team: counted as two clusters they would shrink the
    clustered standard errors, so every door that counts clusters refuses them, naming both."""
    labels = np.array(_SPELLED * 10, dtype=object if as_objects else str)
    for name, doors in _cluster_doors().items():
        for door in doors:
            with pytest.raises(SchemaError, match=rf"{name}: .*'Team A' and 'team a'"):
                door(labels)


def test_clusters_written_one_way_are_counted():
    """Six teams written one way each are six clusters."""
    from sparkus.metrics import icc

    labels = np.array([f"Team {c}" for c in "ABCDEF"] * 10)
    assert icc(np.random.default_rng(0).normal(size=60), labels).n_clusters == 6
