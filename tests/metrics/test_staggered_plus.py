"""staggered_did with covariates (Sant'Anna & Zhao 2020) and the multiplier bootstrap.

References: the ``csdid`` package (the Python port of R's ``did``, installed in the test
environment), run live on the same data: ``ATTgt(..., xformla="y~x1+x2").fit(est_method=...,
bstrap=False)`` and ``aggte(typec=..., bstrap=False)`` for the point estimates and analytic
standard errors; ``fit(bstrap=True)`` with ``cband=True`` for the bootstrap, compared in
distribution. The bootstrap's own simulation error is the closed form of the IQR-based
standard error (derivation in ``_iqr_rel_sd``).
"""

from __future__ import annotations

import math
import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from sparkus import EstimationError
from sparkus.metrics import DiDAggregation, StaggeredDiD, staggered_did

CSDID_CONTROL = {"never": "nevertreated", "not_yet": "notyettreated"}


def _panel(seed: int, n: int = 400, periods: int = 5, varying: bool = False) -> pd.DataFrame:
    """Staggered starts whose timing depends on x1 and x2, trends that depend on them too.

    Without the covariates parallel trends fail (the x1-heavy units trend faster and start
    more often); with them they hold, and the true ATT(g, t) is 1 + 0.5 (t - g) + 0.3 E[x1|g].
    With `varying`, x1 drifts over time (so the base period's value matters).
    """
    rng = np.random.default_rng(seed)
    x1 = rng.normal(size=n)
    x2 = rng.binomial(1, 0.4, size=n).astype(float)
    starts = rng.random(n) < 1 / (1 + np.exp(-(x1 - 0.3 * x2)))
    first = np.where(starts, rng.choice(np.arange(3, periods + 1), size=n), 0)
    unit = np.repeat(np.arange(n), periods)
    time = np.tile(np.arange(1, periods + 1), n)
    g = np.repeat(first, periods)
    big_x1 = np.repeat(x1, periods)
    if varying:
        big_x1 = big_x1 + 0.3 * rng.normal(size=n * periods)
    big_x2 = np.repeat(x2, periods)
    effect = np.where((g > 0) & (time >= g), 1.0 + 0.5 * (time - g) + 0.3 * big_x1, 0.0)
    y = (
        np.repeat(rng.normal(size=n), periods)
        + 0.5 * time * (1 + np.repeat(x1, periods))
        + 0.4 * big_x2 * time
        + effect
        + rng.normal(size=n * periods)
    )
    return pd.DataFrame({"y": y, "unit": unit, "time": time, "g": g, "x1": big_x1, "x2": big_x2})


def _aggregation(result: StaggeredDiD, kind: str) -> DiDAggregation:
    return {"group": result.by_group, "dynamic": result.by_event, "calendar": result.by_period}[
        kind
    ]


def _check_against_csdid(res: StaggeredDiD, out: object, tol: float) -> None:
    ref = out.results  # type: ignore[attr-defined]
    np.testing.assert_array_equal(res.group, np.asarray(ref["group"], dtype=float))
    np.testing.assert_array_equal(res.period, np.asarray(ref["year"], dtype=float))
    np.testing.assert_allclose(res.att, np.asarray(ref["att"]), rtol=0, atol=tol)
    np.testing.assert_allclose(res.se, np.asarray(ref["se"]), rtol=0, atol=tol)
    out.aggte(typec="simple", bstrap=False)  # type: ignore[attr-defined]
    atte = out.atte  # type: ignore[attr-defined]
    assert res.simple == pytest.approx(float(atte["overall_att"]), abs=tol)
    assert res.simple_se == pytest.approx(float(atte["overall_se"]), abs=tol)
    for kind in ("group", "dynamic", "calendar"):
        out.aggte(typec=kind, bstrap=False)  # type: ignore[attr-defined]
        atte = out.atte  # type: ignore[attr-defined]
        agg = _aggregation(res, kind)
        np.testing.assert_array_equal(agg.labels, np.asarray(atte["egt"], dtype=float))
        np.testing.assert_allclose(agg.att, np.asarray(atte["att_egt"], dtype=float), atol=tol)
        np.testing.assert_allclose(agg.se, np.asarray(atte["se_egt"], dtype=float), atol=tol)
        assert agg.overall == pytest.approx(float(atte["overall_att"]), abs=tol)
        assert agg.overall_se == pytest.approx(float(atte["overall_se"]), abs=tol)


def _csdid(
    data: pd.DataFrame,
    xformla: str,
    *,
    est_method: str = "dr",
    names: tuple[str, str, str, str] = ("y", "g", "unit", "time"),
    **options: object,
) -> object:
    """csdid's ATTgt on `data` (y, first treated, unit, time columns named by `names`), fitted;
    its warnings (pandas deprecations inside csdid) silenced."""
    from csdid.att_gt import ATTgt

    y, g, unit, time = names
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ATTgt(yname=y, gname=g, idname=unit, tname=time, xformla=xformla, data=data,
                      **options)  # fmt: skip
        return model.fit(est_method=est_method, bstrap=bool(options.get("biters")))


@pytest.mark.parametrize("method", ["dr", "ipw", "reg"])
@pytest.mark.parametrize("control", ["never", "not_yet"])
def test_covariates_match_csdid(method: str, control: str) -> None:
    """Every cell, SE and aggregation equals csdid with xformla=y~x1+x2 to 1e-9."""
    pytest.importorskip("csdid.att_gt")
    d = _panel(1)
    res = staggered_did(
        d.y,
        d.unit,
        d.time,
        d.g,
        control=control,  # type: ignore[arg-type]
        covariates=d[["x1", "x2"]],
        est_method=method,  # type: ignore[arg-type]
    )
    assert res.est_method == method
    assert res.n_covariates == 2
    out = _csdid(d, "y~x1+x2", est_method=method, control_group=[CSDID_CONTROL[control]])
    _check_against_csdid(res, out, 1e-9)


def test_time_varying_covariates_use_the_base_period() -> None:
    """A covariate that changes over time enters at each cell's base period, as csdid/R."""
    pytest.importorskip("csdid.att_gt")
    d = _panel(2, n=300, varying=True)
    res = staggered_did(d.y, d.unit, d.time, d.g, covariates=d[["x1", "x2"]].to_numpy())
    _check_against_csdid(res, _csdid(d, "y~x1+x2"), 1e-9)
    # changing x1 in a period that is no cell's base period (the last) changes nothing
    last = d.time == d.time.max()
    moved = d.x1.where(~last, d.x1 + 5.0)
    res2 = staggered_did(d.y, d.unit, d.time, d.g, covariates=np.column_stack([moved, d.x2]))
    np.testing.assert_array_equal(res.att, res2.att)


def test_mpdta_with_lpop_matches_csdid() -> None:
    """R's mpdta with xformla=~lpop (R did's own example), against csdid live, to 1e-9."""
    pytest.importorskip("csdid.att_gt")
    path = os.environ.get("SPARKUS_MPDTA")
    if not path or not Path(path).is_file():
        pytest.skip("SPARKUS_MPDTA is not set to the mpdta CSV")
    d = pd.read_csv(path)
    res = staggered_did(d.lemp, d.countyreal, d.year, d["first.treat"], covariates=d.lpop)
    out = _csdid(d, "lemp~lpop", names=("lemp", "first.treat", "countyreal", "year"))
    _check_against_csdid(res, out, 1e-9)


def test_covariates_remove_the_confounded_trend() -> None:
    """Unconditional DiD is biased here; the DR estimate recovers the truth (known by design)."""
    d = _panel(3, n=4000, periods=4)
    plain = staggered_did(d.y, d.unit, d.time, d.g)
    dr = staggered_did(d.y, d.unit, d.time, d.g, covariates=d[["x1", "x2"]])
    pre = dr.period < dr.group  # placebo cells: truth 0
    assert np.all(np.abs(dr.att[pre]) < 4 * dr.se[pre])
    assert np.any(np.abs(plain.att[pre]) > 4 * plain.se[pre])
    x1 = d.groupby("unit").x1.first().to_numpy()
    first = d.groupby("unit").g.first().to_numpy()
    post = ~pre
    truth = np.array(
        [
            1.0 + 0.5 * (t - g) + 0.3 * x1[first == g].mean()
            for g, t in zip(dr.group[post], dr.period[post], strict=True)
        ]
    )
    assert np.all(np.abs(dr.att[post] - truth) < 4 * dr.se[post])


@settings(max_examples=8, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_row_order_does_not_matter_with_covariates(seed: int) -> None:
    """Shuffling the rows (covariates with them) gives the same cells and bootstrap draws."""
    d = _panel(4, n=120, periods=4)
    shuffled = d.sample(frac=1.0, random_state=np.random.default_rng(seed).integers(2**31))
    a = staggered_did(d.y, d.unit, d.time, d.g, covariates=d[["x1", "x2"]])
    b = staggered_did(
        shuffled.y, shuffled.unit, shuffled.time, shuffled.g, covariates=shuffled[["x1", "x2"]]
    )
    np.testing.assert_allclose(a.att, b.att, atol=1e-10)
    np.testing.assert_allclose(a.se, b.se, atol=1e-10)
    np.testing.assert_allclose(a.by_event.se, b.by_event.se, atol=1e-10)


def test_inputs_are_not_mutated() -> None:
    d = _panel(5, n=100, periods=4)
    x = d[["x1", "x2"]].to_numpy().copy()
    before = x.copy()
    staggered_did(d.y, d.unit, d.time, d.g, covariates=x, bootstrap=100, rng=0)
    np.testing.assert_array_equal(x, before)


def test_a_degenerate_propensity_is_refused_by_cell() -> None:
    """A covariate that (nearly) splits group 3 from the never treated: EstimationError."""
    d = _panel(6, n=200, periods=4)
    split = np.where(d.g == 3, 1.0, 0.0) + 1e-3 * d.x1
    with pytest.raises(EstimationError, match=r"\(g=3, t=2\)"):
        staggered_did(d.y, d.unit, d.time, d.g, covariates=split)


# -- the multiplier bootstrap ----------------------------------------------------------------


def _iqr_rel_sd(draws: int) -> float:
    """Relative sd of the IQR-based SE, (q75 - q25) / (z75 - z25), from `draws` normal draws.

    Sample quantiles: Var(q_p) = p(1 - p) / (B f^2), Cov(q25, q75) = 0.25 * 0.25 / (B f^2) with
    f = phi(z75) the same at both; so Var(q75 - q25) = (2 * 0.1875 - 2 * 0.0625) / (B f^2)
    = 0.25 / (B f^2), and the relative sd is 0.5 / (f sqrt(B) (z75 - z25)) = 1.166 / sqrt(B).
    """
    z = stats.norm.ppf(0.75)
    return 0.5 / (stats.norm.pdf(z) * math.sqrt(draws) * 2 * z)


def test_bootstrap_is_reproducible_with_a_seed() -> None:
    d = _panel(7, n=200, periods=4)
    a = staggered_did(d.y, d.unit, d.time, d.g, bootstrap=200, rng=42)
    b = staggered_did(d.y, d.unit, d.time, d.g, bootstrap=200, rng=np.random.default_rng(42))
    assert a.boot_se is not None
    assert b.boot_se is not None
    np.testing.assert_array_equal(a.boot_se, b.boot_se)
    assert a.crit == b.crit
    assert a.by_event.crit == b.by_event.crit
    c = staggered_did(d.y, d.unit, d.time, d.g, bootstrap=200, rng=43)
    assert c.boot_se is not None
    assert not np.array_equal(a.boot_se, c.boot_se)
    plain = staggered_did(d.y, d.unit, d.time, d.g)
    assert plain.boot_se is None
    assert plain.crit is None
    assert plain.bootstrap == 0
    np.testing.assert_array_equal(plain.att, a.att)  # the bootstrap changes no estimate


@pytest.mark.parametrize("multipliers", ["mammen", "rademacher"])
def test_bootstrap_se_within_simulation_error_of_analytic(multipliers: str) -> None:
    """Given the data, a draw's variance is mean(inf^2) exactly (multipliers have variance 1),
    so the bootstrap SE estimates the analytic SE; the tolerance is 4 closed-form sds."""
    d = _panel(8, n=1500, periods=5)
    draws = 2000
    res = staggered_did(
        d.y,
        d.unit,
        d.time,
        d.g,
        covariates=d[["x1", "x2"]],
        bootstrap=draws,
        multipliers=multipliers,  # type: ignore[arg-type]
        rng=1,
    )
    tol = 4 * _iqr_rel_sd(draws)
    assert res.boot_se is not None
    np.testing.assert_allclose(res.boot_se, res.se, rtol=tol)
    for agg in (res.by_group, res.by_event, res.by_period):
        assert agg.boot_se is not None
        assert agg.overall_boot_se is not None
        np.testing.assert_allclose(agg.boot_se, agg.se, rtol=tol)
        assert agg.overall_boot_se == pytest.approx(agg.overall_se, rel=tol)
    assert res.simple_boot_se == pytest.approx(res.simple_se, rel=tol)


def _max_quantile_sd(k: int, level: float, draws: int) -> float:
    """Sd of the `level` quantile of max |Z| over k independent normals, from `draws` draws:
    sqrt(p (1 - p) / B) / f(c) with f the density of the maximum, k (2 Phi(c) - 1)^(k-1) 2 phi(c),
    at c the Bonferroni value (independent cells are the case where crit comes closest to it)."""
    c = stats.norm.ppf(1 - (1 - level) / (2 * k))
    density = k * (2 * stats.norm.cdf(c) - 1) ** (k - 1) * 2 * stats.norm.pdf(c)
    return math.sqrt(level * (1 - level) / draws) / density


def test_uniform_critical_value_between_pointwise_and_bonferroni() -> None:
    """z < crit < Bonferroni (up to the bootstrap quantile's 4 sds: nearly independent cells
    bring the sup-t value within simulation error of Bonferroni)."""
    d = _panel(9, n=800, periods=6)
    draws = 999
    res = staggered_did(d.y, d.unit, d.time, d.g, bootstrap=draws, rng=3)
    z = stats.norm.ppf(0.975)
    for crit, k in ((res.crit, res.att.shape[0]), (res.by_event.crit, res.by_event.att.shape[0])):
        assert crit is not None
        bonferroni = stats.norm.ppf(1 - 0.05 / (2 * k))
        assert z + 0.3 < crit < bonferroni + 4 * _max_quantile_sd(k, 0.95, draws)
    frame = res.to_frame()
    assert list(frame.index.names) == ["group", "period"]
    np.testing.assert_allclose(frame.band_high - frame.band_low, 2 * res.crit * res.boot_se)
    text = res.summary()
    assert "band low" in text
    assert "critical value" in text


def test_bootstrap_agrees_with_csdid_in_distribution() -> None:
    """csdid's bootstrap SEs and uniform critical value against ours (both Rademacher): each
    is a simulation estimate of the same quantity, so they differ by at most 4 sds of a
    difference."""
    pytest.importorskip("csdid.att_gt")
    d = _panel(10, n=600, periods=5)
    draws = 999
    res = staggered_did(d.y, d.unit, d.time, d.g, covariates=d[["x1", "x2"]], bootstrap=draws)
    np.random.seed(0)  # noqa: NPY002 (csdid draws from numpy's global generator)
    ref = _csdid(d, "y~x1+x2", cband=True, biters=draws).results  # type: ignore[attr-defined]
    tol = 4 * math.sqrt(2) * _iqr_rel_sd(draws)
    assert res.boot_se is not None
    assert res.crit is not None
    np.testing.assert_allclose(res.boot_se, np.asarray(ref["se"], dtype=float), rtol=tol)
    crit_ref = float(np.asarray(ref["c"], dtype=float).ravel()[0])
    assert res.crit == pytest.approx(crit_ref, rel=0.1)


def test_to_frame_without_bootstrap_and_polars() -> None:
    d = _panel(11, n=100, periods=4)
    res = staggered_did(d.y, d.unit, d.time, d.g)
    frame = res.to_frame()
    assert list(frame.columns) == ["att", "se", "ci_low", "ci_high", "n_treated", "n_control"]
    np.testing.assert_array_equal(frame.att.to_numpy(), res.att)
    event = res.by_event.to_frame(backend="polars")
    assert event.columns == ["dynamic", "att", "se", "ci_low", "ci_high"]
    assert event["att"].to_list() == res.by_event.att.tolist()


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_unit_and_time_labels_do_not_matter(seed: int) -> None:
    """Units as text, as sparse or shifted integers, periods as floats: the same cells."""
    d = _panel(12, n=60, periods=4)
    rng = np.random.default_rng(seed)
    codes = rng.permutation(10**6)[:60] if seed % 2 else rng.permutation(60) - 30
    relabel = codes[d.unit.to_numpy()]
    base = staggered_did(d.y, d.unit, d.time, d.g)
    as_text = staggered_did(d.y, [f"u{k}" for k in relabel], d.time, d.g)
    shifted = staggered_did(d.y, relabel, d.time + 2000.0, np.where(d.g > 0, d.g + 2000.0, 0))
    np.testing.assert_allclose(as_text.att, base.att, atol=1e-12)
    np.testing.assert_allclose(shifted.att, base.att, atol=1e-12)
    np.testing.assert_allclose(shifted.se, base.se, atol=1e-12)
    np.testing.assert_array_equal(shifted.period, base.period + 2000.0)


def test_uniform_band_covers_all_cells_at_nominal_rate() -> None:
    """Monte Carlo with a known truth: the uniform band covers every ATT(g, t) at once in
    about 95% of panels (4 binomial sds, sqrt(0.95 * 0.05 / reps)), while the pointwise
    intervals, read jointly, cover all cells clearly less often."""
    reps, n, periods = 200, 300, 5
    rng = np.random.default_rng(2026)
    unit = np.repeat(np.arange(n), periods)
    time = np.tile(np.arange(1, periods + 1), n)
    uniform = pointwise = 0
    for _ in range(reps):
        first = np.repeat(rng.choice([0, 3, 4, 5], size=n), periods)
        truth = np.where((first > 0) & (time >= first), 1.0 + 0.5 * (time - first), 0.0)
        y = (
            np.repeat(rng.normal(size=n), periods)
            + 0.2 * time
            + truth
            + rng.normal(size=n * periods)
        )
        res = staggered_did(y, unit, time, first, bootstrap=199, rng=rng)
        assert res.boot_se is not None
        assert res.crit is not None
        cell_truth = np.where(res.period >= res.group, 1.0 + 0.5 * (res.period - res.group), 0.0)
        uniform += bool(np.all(np.abs(res.att - cell_truth) <= res.crit * res.boot_se))
        pointwise += bool(np.all(np.abs(res.att - cell_truth) <= 1.959964 * res.se))
    sd = math.sqrt(0.95 * 0.05 / reps)
    assert abs(uniform / reps - 0.95) < 4 * sd
    assert pointwise / reps < 0.95 - 4 * sd


def test_not_yet_without_never_treated_says_what_to_do_and_the_advice_holds():
    """Every unit eventually treated and control='not_yet': the last periods have no
    comparison units. The message had advised control='not_yet', which was passed; it now
    says to keep the periods before the last group's first, and doing so gives csdid's cells.
    Reference: csdid 0.4.3, ATTgt(yname="y", gname="g", idname="id", tname="t",
    control_group="notyettreated", data=df).fit(est_method="dr", bstrap=False) on the full
    data (it drops those periods itself): ATT(2,2) 1.133127, ATT(2,3) 0.151019, ATT(3,2)
    -0.410201, ATT(3,3) 0.843793."""
    rng = np.random.default_rng(3)
    rows = []
    for i in range(30):
        g, a = [2, 3, 4][i // 10], rng.normal()
        for t in range(1, 5):
            rows.append((i, t, g, a + 0.2 * t + (t >= g) + rng.normal()))
    unit, time, first, y = (np.array(c, dtype=float) for c in zip(*rows, strict=True))
    with pytest.raises(EstimationError, match=r"keep only the periods before 4, the last group"):
        staggered_did(y, unit, time, first, control="not_yet")
    keep = time < 4
    first = np.where(first == 4, 0, first)[keep]
    result = staggered_did(y[keep], unit[keep], time[keep], first, control="not_yet")
    np.testing.assert_allclose(result.att, [1.133127, 0.151019, -0.410201, 0.843793], atol=1e-6)
