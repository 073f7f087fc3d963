"""Benchmarks of ``sparkus.metrics`` against established tools, the machinery of run.py (README.md).

Usage: ``python benchmarks/bench_metrics.py [--quick] [--repeats N] [--only NAME]``.

The case: the 2x2 difference-in-differences with 10 covariates and cluster-robust standard
errors on 1,000,000 rows in 2,000 clusters. sparkus times ``did(y, treated, post,
covariates=C, clusters=g)``, which checks its input and builds its design; the peer times
``OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": g})`` alone, on the design
``[1, treated, post, treated*post, C]`` already built by ``numpy.column_stack`` (untimed), so
the ratio, if anything, flatters statsmodels. Both children build the data (seeded) and warm
their imports (scipy, statsmodels) on a small fit first, none of it timed. An untimed child
checks that the two give the same estimate and standard error and reports the differences.

The case ``bootstrap_bca``: a 2,000-resample BCa bootstrap of a difference of means of two
samples of 50,000 rows each (100,000 rows). sparkus times ``bootstrap((x, y), statistic,
rng=seed)``; the peer times ``scipy.stats.bootstrap((x, y), statistic, n_resamples=2000,
method="BCa", batch=100, rng=seed)`` with the same vectorised statistic. ``batch=100`` bounds
scipy's memory (without it, its jackknife would hold a 50,000 x 49,999 array) and was its
fastest batch in a trial. An untimed child runs both with the same seed and batch, so the
bootstrap distributions are identical, and reports the difference of the intervals (sparkus'
grouped jackknife against scipy's exact one; see ``bootstrap``'s Notes).

The case ``propensity_ipw``: a logistic propensity fit and IPW on 200,000 rows and 10 covariates.
sparkus times ``ipw(y, treated, X)``, which checks its input, fits the propensity model, computes
the Hájek estimate with its stacked standard error and the overlap diagnostics; the peer times
``sm.Logit(treated, Z).fit(disp=0)`` on the design ``Z = add_constant(X)`` (built untimed) and the
Hájek estimate from ``predict()`` in numpy, without a standard error (statsmodels'
``TreatmentEffect.ipw`` would add a GMM by Nelder-Mead), so the ratio flatters statsmodels. An
untimed child reports the differences of the coefficients and the estimates. Both children
inherit the same thread settings (library defaults, or one thread with ``--single-thread``).
The ratio depends on them: on this shared 2-core host, BLAS threads slow statsmodels' many
BLAS calls (its time more than doubles under load), while sparkus makes few (see
``_propensity``), so quote the figure with its thread setting: 0.19x with defaults (load about
2), 0.40x on one thread, on 2026-11-27.

The parent imports the standard library only; every measurement runs in a fresh child, and the
two sides alternate: sparkus, statsmodels, sparkus, ...
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from _harness import CHECK_MARKER, Case, Params, Work, agreement_note, main

TARGET_RATIO = 0.25
FULL: Params = {"n": 1_000_000, "p": 10, "clusters": 2_000}
QUICK: Params = {"n": 50_000, "p": 10, "clusters": 500}
BOOT_TARGET_RATIO = 0.1
BOOT_FULL: Params = {"n": 50_000, "resamples": 2_000}
BOOT_QUICK: Params = {"n": 5_000, "resamples": 500}
SCIPY_BATCH = 100
IPW_TARGET_RATIO = 0.25
IPW_FULL: Params = {"n": 200_000, "p": 10}
IPW_QUICK: Params = {"n": 20_000, "p": 10}


# -- in the children ---------------------------------------------------------------------------


def _data(params: Params) -> dict[str, Any]:
    """A seeded panel: cluster effects, 10 covariates, a true effect of 0.3."""
    import numpy as np

    rng = np.random.default_rng(20261127)
    n, p, n_clusters = params["n"], params["p"], params["clusters"]
    cluster = rng.integers(0, n_clusters, n)
    treated = (cluster < 0.4 * n_clusters).astype(np.int8)
    post = rng.integers(0, 2, n).astype(np.int8)
    covariates = rng.normal(size=(n, p)) + np.linspace(0.0, 50.0, p)
    y = (
        covariates @ np.linspace(0.1, 1.0, p)
        + 0.5 * treated
        + 0.2 * post
        + 0.3 * treated * post
        + rng.normal(0.0, 0.5, n_clusters)[cluster]
        + rng.normal(size=n)
    )
    return {"y": y, "treated": treated, "post": post, "covariates": covariates, "g": cluster}


def _sparkus_work(data: dict[str, Any]) -> Callable[[], Any]:
    from sparkus.metrics import did

    def work() -> Any:
        return did(
            data["y"], data["treated"], data["post"], covariates=data["covariates"],
            clusters=data["g"],
        )  # fmt: skip

    return work


def _statsmodels_work(data: dict[str, Any]) -> Callable[[], Any]:
    """The statsmodels fit alone: the design is built here, before the timing starts."""
    import numpy as np
    import statsmodels.api as sm

    treated, post = data["treated"], data["post"]
    X = np.column_stack([np.ones(len(treated)), treated, post, treated * post, data["covariates"]])
    y, groups = data["y"], data["g"]

    def work() -> Any:
        return sm.OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": groups})

    return work


def _warm(make: Callable[[dict[str, Any]], Callable[[], Any]]) -> None:
    """Run the work once on small data: imports (scipy, statsmodels) are not timed."""
    make(_data({"n": 2_000, "p": 10, "clusters": 50}))()


def _did_sparkus(params: Params) -> Work:
    _warm(_sparkus_work)
    return _sparkus_work(_data(params))


def _did_statsmodels(params: Params) -> Work:
    _warm(_statsmodels_work)
    return _statsmodels_work(_data(params))


def _boot_data(params: Params) -> tuple[Any, Any]:
    """Two seeded samples of `n` rows each; the coached mean is 0.3 higher."""
    import numpy as np

    rng = np.random.default_rng(20261128)
    return rng.normal(0.3, 1.0, params["n"]), rng.normal(0.0, 1.0, params["n"])


def _mean_difference(x: Any, y: Any, axis: int = -1) -> Any:
    import numpy as np

    return np.mean(x, axis=axis) - np.mean(y, axis=axis)


def _boot_sparkus_work(params: Params) -> Callable[[], Any]:
    from sparkus.metrics import bootstrap

    x, y = _boot_data(params)
    resamples = params["resamples"]
    return lambda: bootstrap((x, y), _mean_difference, n_resamples=resamples, rng=1)


def _boot_scipy_work(params: Params, batch: int | None = None) -> Callable[[], Any]:
    from scipy import stats

    x, y = _boot_data(params)
    resamples, batch = params["resamples"], batch or SCIPY_BATCH

    def work() -> Any:
        return stats.bootstrap(
            (x, y), _mean_difference, n_resamples=resamples, method="BCa", batch=batch, rng=1
        )

    return work


def _boot_sparkus(params: Params) -> Work:
    _boot_sparkus_work({"n": 200, "resamples": 50})()
    return _boot_sparkus_work(params)


def _boot_scipy(params: Params) -> Work:
    _boot_scipy_work({"n": 200, "resamples": 50})()
    return _boot_scipy_work(params)


def check_bootstrap(params: Params) -> dict[str, Any]:
    """Untimed: both with the same seed and batch (so the same resamples); the intervals."""
    import numpy as np
    import scipy

    from sparkus.metrics import bootstrap

    x, y = _boot_data(params)
    ours = bootstrap((x, y), _mean_difference, n_resamples=params["resamples"], rng=1,
                     batch=SCIPY_BATCH)  # fmt: skip
    theirs = _boot_scipy_work(params)()
    low, high = (float(v) for v in theirs.confidence_interval)
    width = high - low
    return {
        "same_distribution": bool(
            np.array_equal(ours.bootstrap_distribution, theirs.bootstrap_distribution)
        ),
        "ci": list(ours.ci),
        "scipy_ci": [low, high],
        "diff_low_over_width": (ours.ci.low - low) / width,
        "diff_high_over_width": (ours.ci.high - high) / width,
        "jackknife": ours.jackknife,
        "acceleration": ours.acceleration,
        "scipy": scipy.__version__,
    }


def _ipw_data(params: Params) -> dict[str, Any]:
    """Seeded covariates, selection on all of them (good overlap), a true effect of 0.5."""
    import numpy as np

    rng = np.random.default_rng(20261129)
    n, p = params["n"], params["p"]
    X = rng.normal(size=(n, p)) + np.linspace(0.0, 5.0, p)
    eta = (X - np.linspace(0.0, 5.0, p)) @ np.linspace(-0.4, 0.4, p) - 0.2
    treated = rng.random(n) < 1.0 / (1.0 + np.exp(-eta))
    y = X @ np.linspace(0.5, 1.5, p) + 0.5 * treated + rng.normal(size=n)
    return {"y": y, "treated": treated, "X": X}


def _ipw_sparkus_work(data: dict[str, Any]) -> Callable[[], Any]:
    from sparkus.metrics import ipw

    return lambda: ipw(data["y"], data["treated"], data["X"])


def _ipw_statsmodels_work(data: dict[str, Any]) -> Callable[[], Any]:
    """statsmodels' Logit and the Hajek estimate in numpy; the design is built untimed."""
    import numpy as np
    import statsmodels.api as sm

    y, t = data["y"], data["treated"].astype(np.float64)
    Z = sm.add_constant(data["X"])

    def work() -> Any:
        fit = sm.Logit(t, Z).fit(disp=0)
        p = fit.predict()
        w1, w0 = t / p, (1.0 - t) / (1.0 - p)
        return fit, float(w1 @ y / w1.sum() - w0 @ y / w0.sum())

    return work


def _ipw_sparkus(params: Params) -> Work:
    _ipw_sparkus_work(_ipw_data({"n": 2_000, "p": 10}))()  # imports, untimed
    return _ipw_sparkus_work(_ipw_data(params))


def _ipw_statsmodels(params: Params) -> Work:
    _ipw_statsmodels_work(_ipw_data({"n": 2_000, "p": 10}))()  # imports, untimed
    return _ipw_statsmodels_work(_ipw_data(params))


def check_ipw(params: Params) -> None:
    """Untimed: the propensity coefficients and the estimates of both sides."""
    import numpy as np
    import statsmodels

    from sparkus.metrics import PropensityModel

    data = _ipw_data(params)
    ours = _ipw_sparkus_work(data)()
    fit, theirs = _ipw_statsmodels_work(data)()
    model = PropensityModel().fit(data["X"], data["treated"])
    coef = np.concatenate([[model.intercept_], model.coef_])
    report = {
        "estimate": ours.estimate,
        "se": ours.se,
        "statsmodels_estimate": theirs,
        "rel_diff_estimate": abs(ours.estimate / theirs - 1.0),
        "max_rel_diff_coef": float(np.max(np.abs(coef / np.asarray(fit.params) - 1.0))),
        "statsmodels": statsmodels.__version__,
    }
    print(CHECK_MARKER + repr(report), flush=True)


def check(params: Params) -> dict[str, Any]:
    """Untimed: fit both on the same data and report the estimates and standard errors."""
    import warnings

    import statsmodels

    data = _data(params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = _sparkus_work(data)()
        theirs = _statsmodels_work(data)()
    return {
        "estimate": ours.estimate,
        "se": ours.se,
        "statsmodels_estimate": float(theirs.params[3]),
        "statsmodels_se": float(theirs.bse[3]),
        "rel_diff_estimate": abs(ours.estimate / float(theirs.params[3]) - 1.0),
        "rel_diff_se": abs(ours.se / float(theirs.bse[3]) - 1.0),
        "statsmodels": statsmodels.__version__,
    }


# -- the cases, as the parent sees them ---------------------------------------------------------


def did_note(agreement: dict[str, Any]) -> str:
    return (
        f"same data, statsmodels {agreement['statsmodels']}: estimate {agreement['estimate']:.6g}"
        f" (rel. diff {agreement['rel_diff_estimate']:.1e}), SE {agreement['se']:.6g} (rel. diff "
        f"{agreement['rel_diff_se']:.1e})"
    )


def bootstrap_note(agreement: dict[str, Any]) -> str:
    return (
        f"same resamples as scipy {agreement['scipy']}: {agreement['same_distribution']}; "
        f"interval ends differ by {agreement['diff_low_over_width']:.1e} and "
        f"{agreement['diff_high_over_width']:.1e} of its width ({agreement['jackknife']} "
        "jackknife against scipy's exact one)"
    )


def ipw_note(agreement: dict[str, Any]) -> str:
    return (
        f"same data, statsmodels {agreement['statsmodels']}: estimate "
        f"{agreement['estimate']:.6g} (rel. diff {agreement['rel_diff_estimate']:.1e}), "
        f"propensity coefficients max rel. diff {agreement['max_rel_diff_coef']:.1e}; sparkus "
        f"also computes the SE ({agreement['se']:.4g}) and the overlap diagnostics"
    )


CASES = [
    Case("did_clustered",
         "did(...) with {p} covariates and CR1 standard errors, {n:_} rows, {clusters:_} clusters",
         _did_sparkus, _did_statsmodels, "statsmodels OLS fit, cluster", FULL, QUICK,
         target=TARGET_RATIO, check=check, notes=agreement_note(did_note)),
    Case("bootstrap_bca",
         "bootstrap(...) BCa of a mean difference, 2 x {n:_} rows, {resamples:_} resamples",
         _boot_sparkus, _boot_scipy, f"scipy.stats.bootstrap BCa, batch={SCIPY_BATCH}",
         BOOT_FULL, BOOT_QUICK, target=BOOT_TARGET_RATIO, check=check_bootstrap,
         notes=agreement_note(bootstrap_note)),
    Case("propensity_ipw",
         "ipw(...): logistic propensity fit + IPW, {n:_} rows x {p} covariates",
         _ipw_sparkus, _ipw_statsmodels, "statsmodels Logit fit + Hajek weights", IPW_FULL,
         IPW_QUICK, target=IPW_TARGET_RATIO, check=check_ipw, notes=agreement_note(ipw_note)),
]  # fmt: skip

if __name__ == "__main__":
    sys.exit(main(CASES, title="sparkus.metrics benchmark", doc=__doc__, script=__file__,
                  repeats=5))  # fmt: skip
