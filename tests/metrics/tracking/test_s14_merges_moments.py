"""CoMoments: shards merged keep the noise at any level, and the progress SD does not cancel."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sparkus import SchemaError
from sparkus.metrics import Tracker
from sparkus.metrics._tracking.moments import CoMoments
from sparkus.model import schedule_journeys
from tests.privacy.world import START, TEMPLATE, pilot


def _exact(x: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Means and (co-)moments in rational arithmetic, rounded once: the reference."""
    fx, fy = [Fraction(v) for v in x], [Fraction(v) for v in y]
    n = len(fx)
    mx, my = sum(fx) / n, sum(fy) / n
    fd = [b - a for a, b in zip(fx, fy, strict=True)]
    md = my - mx
    return {
        "mean_x": float(mx), "mean_y": float(my), "mean_d": float(md),
        "m2_x": float(sum((a - mx) ** 2 for a in fx)),
        "m2_y": float(sum((b - my) ** 2 for b in fy)),
        "c_xy": float(sum((a - mx) * (b - my) for a, b in zip(fx, fy, strict=True))),
        "m2_d": float(sum((d - md) ** 2 for d in fd)),
    }  # fmt: skip


def _same(a: CoMoments, b: CoMoments) -> bool:
    return all(np.array_equal(getattr(a, f.name), getattr(b, f.name))
               for f in attrs.fields(CoMoments))  # fmt: skip


@given(
    st.sampled_from([1e15, -3e12, 1e9, 1.0, 0.0]),
    st.lists(st.tuples(st.integers(-1000, 1000), st.integers(-1000, 1000)), min_size=1,
             max_size=30),
    st.lists(st.integers(0, 4), min_size=30, max_size=30),
    st.randoms(use_true_random=False),
)  # fmt: skip
def test_shards_merge_to_the_exact_moments_at_any_level(level, noise, shard, order):
    """Any split into shards, merged in any order, gives the exact moments (to 1e-12) at 1e15.

    The reference is rational arithmetic on the same floats (``fractions``): Chan's update on
    means rounded at 1e15 lost the noise (m2 off by 28%, the difference's variance 20-fold).
    Merging is commutative bit for bit, and an empty part is the identity.
    """
    x = level + np.array([a for a, _ in noise], float) / 8  # 1/8: on the float grid at 1e15
    y = x + np.array([b for _, b in noise], float) / 64 + 0.5
    k = len(x)
    parts = [np.flatnonzero(np.array(shard[:k]) == s) for s in range(5)]
    order.shuffle(parts)
    states = [CoMoments.of(x[p], y[p], np.zeros(len(p), np.intp), 1) for p in parts]
    merged = states[0]
    for s in states[1:]:
        assert _same(merged.merge(s), s.merge(merged))
        merged = merged.merge(s)
    empty = CoMoments.of(x[:0], y[:0], np.zeros(0, np.intp), 1)
    assert _same(merged.merge(empty), merged)
    assert _same(empty.merge(merged), merged)
    ref = _exact(x, y)
    mean_d, var_d = merged.difference()
    got = {"mean_x": merged.mean_x[0], "mean_y": merged.mean_y[0], "mean_d": mean_d[0],
           "m2_x": merged.m2_x[0], "m2_y": merged.m2_y[0], "c_xy": merged.c_xy[0],
           "m2_d": var_d[0] * (k - 1) if k > 1 else 0.0}  # fmt: skip
    spread = abs(ref["m2_x"]) + abs(ref["m2_y"]) + 1e-300
    for name, value in got.items():
        scale = spread if name in ("c_xy",) else abs(ref[name])
        assert value == pytest.approx(ref[name], rel=1e-12, abs=1e-12 * scale), name
    assert merged.n[0] == k
    if k == 1:
        assert merged.m2_x[0] == merged.m2_y[0] == merged.c_xy[0] == 0.0
        assert np.isnan(var_d[0])


def test_moments_of_one_level_against_numpy():
    """At a moderate level the moments equal numpy's mean, var and cov (ddof 0), to 1e-12."""
    rng = np.random.default_rng(5)
    x = 1e6 + rng.normal(0, 3, 500)
    y = 0.8 * x + rng.normal(0, 1, 500)
    g = rng.integers(0, 3, 500).astype(np.intp)
    m = CoMoments.of(x[:200], y[:200], g[:200], 3).merge(CoMoments.of(x[200:], y[200:], g[200:], 3))
    for i in range(3):
        xi, yi = x[g == i], y[g == i]
        k = len(xi)
        assert m.mean_x[i] == pytest.approx(np.mean(xi), rel=1e-12)
        assert m.m2_x[i] / k == pytest.approx(np.var(xi), rel=1e-12)
        assert m.m2_y[i] / k == pytest.approx(np.var(yi), rel=1e-12)
        assert m.c_xy[i] / k == pytest.approx(np.cov(xi, yi, ddof=0)[0, 1], rel=1e-12)
        assert m.difference()[1][i] == pytest.approx(np.var(yi - xi, ddof=1), rel=1e-12)


def test_merge_refuses_moments_of_other_groups():
    """Moments of 1 group merged with those of 3 are refused; numpy broadcast them silently."""
    one = CoMoments.of(np.ones(2), np.ones(2), np.zeros(2, np.intp), 1)
    three = CoMoments.of(np.ones(3), np.ones(3), np.arange(3, dtype=np.intp), 3)
    with pytest.raises(SchemaError, match="CoMoments of 3 groups, got 1 groups"):
        three.merge(one)
    with pytest.raises(SchemaError, match="got dict"):
        three.merge({})  # type: ignore[arg-type]


def test_progress_interval_of_large_scores():
    """Scores of about 1e9 that change by a few points: the paired t interval, not a point.

    ``m2_x + m2_y - 2 c_xy`` cancelled to 0 here, so the interval collapsed to the estimate.
    """
    ids = [f"p{i}" for i in range(6)]
    schedule = schedule_journeys(TEMPLATE, ids, ["coaching"] * 6, [4] * 6, start=START)
    pre = 1e9 * np.array([1.0, 3, 2, 7, 5, 11]) + 0.25
    post = pre + np.array([3.0, 1, 4, 1, 5, 9])
    events = {
        "id": np.arange(12), "participant": np.repeat(ids, 2),
        "kind": np.array(["step_completed"] * 12),
        "step": np.array(["self-assessment", "checkpoint-final"] * 6),
        "time": np.array(["2027-01-11", "2027-04-04"] * 6, dtype="datetime64[s]"),
        "value": np.column_stack([pre, post]).reshape(-1),
    }  # fmt: skip
    tracker = Tracker(pilot(), schedule, groups={"all": ["x"] * 6})
    assert tracker.update(events).ok
    progress = tracker.snapshot(as_of=START + dt.timedelta(days=100)).groups["all"][0].progress
    assert progress is not None
    # scipy 1.17.1: stats.ttest_rel([4, 4, 6, 8, 10, 20], [1, 3, 2, 7, 5, 11])
    # .confidence_interval(0.95): the same differences 3, 1, 4, 1, 5, 9 (mean 23/6)
    assert progress.estimate == pytest.approx(23 / 6, rel=1e-12)
    assert progress.ci == pytest.approx([0.6908620199963953, 6.975804646670271], rel=1e-12)
