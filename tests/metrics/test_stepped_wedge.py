"""rollout_power: Hussey & Hughes' closed form, checked by GLS algebra and by simulation."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from sparkus import SchemaError
from sparkus.metrics import rollout_power


def _design(clusters, steps):
    """X_ij: the earlier steps take the clusters left over; step s treated from period s."""
    per_step = [clusters // steps + (k < clusters % steps) for k in range(steps)]
    start = np.repeat(np.arange(1, steps + 1), per_step)
    return (np.arange(steps + 1)[None, :] >= start[:, None]).astype(float)


def _gls_variance(clusters, steps, m, icc):
    """Independent reference: Var(theta) = [(Z' V^-1 Z)^-1]_theta by matrix algebra, the model
    Hussey & Hughes (2007, sec. 2) derive eq. 8 from: cluster-period means with period fixed
    effects, a treatment indicator, and per cluster V = s2 I_T + tau2 J_T."""
    x = _design(clusters, steps)
    t = steps + 1
    s2, tau2 = (1 - icc) / m, icc
    v_inv = np.linalg.inv(s2 * np.eye(t) + tau2 * np.ones((t, t)))
    info = np.zeros((t + 1, t + 1))
    for row in x:
        z = np.column_stack([np.eye(t), row])
        info += z.T @ v_inv @ z
    return np.linalg.inv(info)[-1, -1], x


def _power_from(var, effect, alpha):
    z = stats.norm.ppf(1 - alpha / 2)
    shift = abs(effect) / math.sqrt(var)
    return stats.norm.cdf(shift - z) + stats.norm.cdf(-shift - z)


@settings(max_examples=60, deadline=None)
@given(
    steps=st.integers(2, 6),
    extra=st.integers(0, 10),
    m=st.floats(1, 200),
    icc=st.floats(0, 0.9),
    effect=st.floats(-1, 1),
    alpha=st.sampled_from([0.01, 0.05, 0.1]),
)
def test_equals_the_gls_variance(steps, extra, m, icc, effect, alpha):
    """The closed form equals the GLS variance computed by matrix inversion, any design."""
    clusters = max(2, steps + extra)
    var, _ = _gls_variance(clusters, steps, m, icc)
    got = rollout_power(effect, clusters=clusters, steps=steps, cluster_size=m, icc=icc,
                        alpha=alpha)  # fmt: skip
    assert got == pytest.approx(_power_from(var, effect, alpha), abs=1e-9)


def test_closed_form_by_hand():
    """12 clusters, 4 steps, m = 10, icc = 0.05: U = 3*(4+3+2+1) = 30, V = 3*(16+9+4+1) = 90,
    W = 0 + 9 + 36 + 81 + 144 = 270, s2 = 0.095, T = 5; eq. 8 by hand."""
    i, t, u, v, w, s2, tau2 = 12, 5, 30, 90, 270, 0.095, 0.05
    var = i * s2 * (s2 + t * tau2) / ((i * u - w) * s2 + (u * u + i * t * u - t * w - i * v) * tau2)
    got = rollout_power(0.3, clusters=12, steps=4, cluster_size=10, icc=0.05)
    assert got == pytest.approx(_power_from(var, 0.3, 0.05), abs=1e-12)


def test_a_simulated_rollout_rejects_as_often_as_the_power_says():
    """Simulate people (m per cluster and period, random cluster effects), estimate by GLS on
    the cluster-period means; the estimate's variance and the rejection rate match."""
    clusters, steps, m, icc, effect, reps = 10, 5, 8, 0.1, 0.25, 4000
    var, x = _gls_variance(clusters, steps, m, icc)
    t = steps + 1
    s2, tau2 = (1 - icc) / m, icc
    v_inv = np.linalg.inv(s2 * np.eye(t) + tau2 * np.ones((t, t)))
    zs = [np.column_stack([np.eye(t), row]) for row in x]
    info = sum(z.T @ v_inv @ z for z in zs)
    weights = [np.linalg.solve(info, z.T @ v_inv)[-1] for z in zs]  # theta-hat = sum w_i . y_i
    rng = np.random.default_rng(20240607)
    period = rng.normal(0, 1, t)
    a = rng.normal(0, math.sqrt(icc), (reps, clusters, 1))
    people = rng.normal(0, math.sqrt(1 - icc), (reps, clusters, t, m)).mean(axis=3)
    y = period + effect * x + a + people
    theta = sum(y[:, i, :] @ weights[i] for i in range(clusters))
    assert np.var(theta) == pytest.approx(var, rel=0.1)  # sd of a variance over 4000: ~2.2%
    assert theta.mean() == pytest.approx(effect, abs=4 * math.sqrt(var / reps))
    rejected = np.mean(np.abs(theta) / math.sqrt(var) > stats.norm.ppf(0.975))
    power = rollout_power(effect, clusters=clusters, steps=steps, cluster_size=m, icc=icc)
    assert rejected == pytest.approx(power, abs=4 * math.sqrt(power * (1 - power) / reps))


def test_power_grows_with_clusters_and_shrinks_with_icc():
    """More clusters help; a larger intra-cluster correlation hurts at this size."""
    base = {"steps": 3, "cluster_size": 20}
    assert rollout_power(0.2, clusters=6, icc=0.05, **base) < rollout_power(
        0.2, clusters=12, icc=0.05, **base
    )
    assert rollout_power(0.0, clusters=6, icc=0.05, **base) == pytest.approx(0.05)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"clusters": 1}, "clusters"),
        ({"clusters": 3, "steps": 4}, "clusters"),
        ({"steps": 1}, "steps"),
        ({"steps": 2.5}, "steps"),
        ({"cluster_size": 0.5}, "cluster_size"),
        ({"icc": 1.0}, "icc"),
        ({"icc": math.nan}, "icc"),
        ({"alpha": 0.0}, "alpha"),
    ],
)
def test_bad_input_is_a_schema_error(kwargs, name):
    """Out-of-range options are refused, naming the parameter."""
    args = {"clusters": 8, "steps": 4, "cluster_size": 10, "icc": 0.05} | kwargs
    with pytest.raises(SchemaError, match=name):
        rollout_power(0.3, **args)
