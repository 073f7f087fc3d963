"""Benchmarks of the fitted triage models against scikit-learn, the machinery of run.py.

Usage: ``python benchmarks/bench_triage.py [--quick] [--repeats N] [--only NAME] [--single-thread]``.

The cases (sizes of the full run; ``--quick`` divides the rows by 10):

- ``logistic_fit``: ``LogisticReadinessModel(C=1.0, tol=1e-4).fit(X, y)`` on 100,000 x 20
  standard-normal features and four classes drawn from a softmax model, against scikit-learn's
  ``LogisticRegression(C=1.0, solver="lbfgs", tol=1e-4)`` on the same data (``tol=1e-4`` is
  scikit-learn's default; both allow 1,000 iterations). Target: ratio <= 0.8.
- ``logistic_fit_tight``: the same at ``tol=1e-10`` (sparkus's default), where both fits
  converge: the untimed check says whether the coefficients agree to 1e-5 (at ``tol=1e-4``
  neither side is converged that far, and they differ by about 5e-4). Target: ratio <= 0.8.
- ``logistic_fit_1m``: the tight fit on 1,000,000 x 20 (160 MB), 3 repeats; the same target
  and agreement (``--quick``: 20,000 rows).
- ``predict_proba``: ``model.predict_proba(X)`` in one call on 1,000,000 x 20 (160 MB), against
  the plain floor ``scipy.special.softmax(X @ W.T + b, axis=1)`` with the same coefficients.
  Target: peak memory increment under 4x the input's size.

With ``--single-thread`` every child runs BLAS and OpenMP on one thread: on a busy shared host,
multi-threaded BLAS (numpy) and OpenMP (scikit-learn's loss) can slow down many times over, which
says more about the host than about either library.

Every child builds its data (seeded) and warms its imports on a small fit first, none of it
timed. An untimed child per case fits both models on the same data (or predicts with both) and
reports how far apart they are.
The parent imports the standard library only; the two sides alternate: sparkus, peer, ...
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from _harness import Case, CaseResult, Params, Work, main

MEMORY_TARGET = 4.0  # peak increment of predict_proba, in multiples of the input's size
AGREEMENT = 1e-5  # the largest coefficient difference to sklearn's converged fit (issue 16)
SEED = 20261127


# -- in the children ---------------------------------------------------------------------------


def _data(n: int, p: int = 20, n_classes: int = 4) -> tuple[Any, Any]:
    """Standard-normal features; labels drawn from a softmax model with moderate effects."""
    import numpy as np

    rng = np.random.default_rng(SEED)
    X = rng.standard_normal((n, p))
    W = rng.normal(0.0, 0.5, size=(n_classes, p))
    scores = X @ W.T
    prob = np.exp(scores - scores.max(axis=1, keepdims=True))
    prob /= prob.sum(axis=1, keepdims=True)
    y = (prob.cumsum(axis=1) < rng.random((n, 1))).sum(axis=1)
    return X, y


def _sparkus_model(tol: float) -> Any:
    from sparkus.triage import LogisticReadinessModel

    return LogisticReadinessModel(C=1.0, tol=tol, max_iter=1000)


def _sklearn_model(tol: float) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=1.0, solver="lbfgs", tol=tol, max_iter=1000)


def _fit_setup(make: Callable[[float], Any]) -> Callable[[Params], Work]:
    def setup(params: Params) -> Work:
        import warnings

        small_X, small_y = _data(2_000)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            make(params["tol"]).fit(small_X, small_y)  # warm the imports, untimed
        X, y = _data(params["n"])
        model = make(params["tol"])

        def work() -> Any:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # scikit-learn's ConvergenceWarning, if any
                return model.fit(X, y)

        return work

    return setup


def _fitted_for_prediction() -> Any:
    X, y = _data(20_000)
    return _sparkus_model(1e-10).fit(X, y)


def _proba_sparkus(params: Params) -> Work:
    import numpy as np

    model = _fitted_for_prediction()
    model.predict_proba(np.zeros((10, 20)))  # warm, untimed
    X = np.random.default_rng(SEED + 1).standard_normal((params["n"], 20))
    return lambda: model.predict_proba(X)


def _proba_floor(params: Params) -> Work:
    import numpy as np
    from scipy.special import softmax

    model = _fitted_for_prediction()
    W, b = model.coef_, model.intercept_
    softmax(np.zeros((10, 4)), axis=1)  # warm, untimed
    X = np.random.default_rng(SEED + 1).standard_normal((params["n"], 20))
    return lambda: softmax(X @ W.T + b, axis=1)


def _objective(X: Any, y: Any, coef: Any, intercept: Any) -> float:
    """scikit-learn's objective: 0.5 ||coef||^2 + C * sum of log-losses, with C = 1."""
    import numpy as np

    scores = X @ coef.T + intercept
    top = scores.max(axis=1, keepdims=True)
    lse = np.log(np.exp(scores - top).sum(axis=1)) + top[:, 0]
    loss = float((lse - scores[np.arange(len(y)), y]).sum())
    return 0.5 * float((coef * coef).sum()) + loss


def check_fit(params: Params) -> dict[str, Any]:
    """Untimed: fit both models on the same data at the case's tolerance; the differences."""
    import warnings

    import numpy as np
    import sklearn

    X, y = _data(params["n"])
    tol = params["tol"]
    ours = _sparkus_model(tol).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = _sklearn_model(tol).fit(X, y)
    return {
        "sklearn": sklearn.__version__,
        "max_abs_diff_coef": float(np.abs(ours.coef_ - theirs.coef_).max()),
        "max_abs_diff_intercept": float(np.abs(ours.intercept_ - theirs.intercept_).max()),
        "objective_sparkus": _objective(X, y, ours.coef_, ours.intercept_),
        "objective_sklearn": _objective(X, y, theirs.coef_, theirs.intercept_),
        "iterations_sparkus": int(ours.n_iter_),
        "iterations_sklearn": int(np.max(theirs.n_iter_)),
    }


def check_proba(_params: Params) -> dict[str, Any]:
    """Untimed: ``predict_proba`` against the floor on 50,000 rows."""
    import numpy as np
    from scipy.special import softmax

    model = _fitted_for_prediction()
    Xp = np.random.default_rng(SEED + 2).standard_normal((50_000, 20))
    floor = softmax(Xp @ model.coef_.T + model.intercept_, axis=1)
    return {"predict_proba_max_abs_diff": float(np.abs(model.predict_proba(Xp) - floor).max())}


# -- the cases, as the parent sees them ------------------------------------------------------------


def fit_notes(_result: CaseResult, params: Params, agreement: dict[str, Any]) -> list[str]:
    if not agreement:
        return []
    a = agreement
    worst = max(a["max_abs_diff_coef"], a["max_abs_diff_intercept"])
    verdict = "met" if worst <= AGREEMENT else "MISSED"
    note = (
        f"same data, sklearn {a['sklearn']}, tol={params['tol']:g}: max |coef diff| "
        f"{a['max_abs_diff_coef']:.1e}, max |intercept diff| {a['max_abs_diff_intercept']:.1e}; "
        f"objective sparkus {a['objective_sparkus']:.10g} vs sklearn "
        f"{a['objective_sklearn']:.10g}; iterations {a['iterations_sparkus']} vs "
        f"{a['iterations_sklearn']}"
    )
    if params["tol"] > 1e-8:  # neither side converged to 1e-5: no agreement target
        return [note]
    return [note, f"coefficients agree to {AGREEMENT:g}: {verdict}"]


def proba_notes(result: CaseResult, params: Params, agreement: dict[str, Any]) -> list[str]:
    input_mib = params["n"] * 20 * 8 / 2**20
    increment = result.sparkus.median_increment_kib / 1024
    times = increment / input_mib
    verdict = "met" if times < MEMORY_TARGET else "MISSED"
    memory = (
        f"peak increment {increment:,.0f} MiB = {times:.2f}x the input ({input_mib:,.0f} MiB); "
        f"target < {MEMORY_TARGET:g}x: {verdict}; the floor's increment is "
        f"{result.peer.median_increment_kib / 1024 / input_mib:.2f}x"
    )
    notes = [memory]
    if agreement:
        notes.append(
            "against the floor on 50,000 rows: max |diff| "
            f"{agreement['predict_proba_max_abs_diff']:.1e}"
        )
    return notes


_FIT_WHAT = (
    "LogisticReadinessModel(C=1.0, tol={tol:g}).fit on {n:_} x 20, 4 classes, vs "
    "LogisticRegression(C=1.0, solver='lbfgs', tol={tol:g})"
)
CASES = [
    Case("logistic_fit", _FIT_WHAT, _fit_setup(_sparkus_model), _fit_setup(_sklearn_model),
         "sklearn lbfgs tol={tol:g}", {"n": 100_000, "tol": 1e-4}, {"n": 10_000, "tol": 1e-4},
         target=0.8, check=check_fit, notes=fit_notes),
    Case("logistic_fit_tight", _FIT_WHAT, _fit_setup(_sparkus_model),
         _fit_setup(_sklearn_model), "sklearn lbfgs tol={tol:g}", {"n": 100_000, "tol": 1e-10},
         {"n": 10_000, "tol": 1e-10}, target=0.8, check=check_fit, notes=fit_notes),
    Case("logistic_fit_1m", _FIT_WHAT, _fit_setup(_sparkus_model), _fit_setup(_sklearn_model),
         "sklearn lbfgs tol={tol:g}", {"n": 1_000_000, "tol": 1e-10},
         {"n": 20_000, "tol": 1e-10}, repeats=3, target=0.8, check=check_fit, notes=fit_notes),
    Case("predict_proba", "predict_proba on {n:_} x 20 float64 in one call, 4 classes",
         _proba_sparkus, _proba_floor, "softmax(X @ W.T + b) (floor)", {"n": 1_000_000},
         {"n": 100_000}, check=check_proba, notes=proba_notes),
]  # fmt: skip

if __name__ == "__main__":
    sys.exit(main(CASES, title="sparkus.triage benchmarks", doc=__doc__, script=__file__,
                  repeats=5))  # fmt: skip
