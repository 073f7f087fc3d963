"""Benchmark of ``BenefitModel`` (who benefits) against EconML's ``DRLearner``.

Usage: ``python benchmarks/bench_benefit.py [--quick] [--repeats N] [--single-thread]``.

The case (full size; ``--quick`` divides the rows by 10):

- ``dr_learner_fit``: ``BenefitModel(folds=5, clip=0.01).fit(X, t, y)`` on 100,000 x 20
  standard-normal features, a confounded binary treatment (a logistic propensity on three
  features) and an outcome whose effect is linear in two features; its built-in models: an
  unpenalised Newton logistic propensity, least squares on ``[X, t]``, a least-squares final
  stage with the HC1 covariance. The peer: EconML's ``DRLearner(cv=5, min_propensity=0.01)``
  with the same models from scikit-learn (``LogisticRegression(C=inf)`` at its default lbfgs
  ``tol=1e-4``, ``LinearRegression`` on ``[X, T]`` and ``LinearRegression`` as the final
  stage). Target: ratio <= 0.5 (issue 15).

Every child builds its data (seeded) and warms its imports on a small fit first, none of it
timed. An untimed child fits both on the same folds (EconML fed ours as ``cv=`` splits) and
reports how far apart their final coefficients are.
"""

from __future__ import annotations

import sys
from typing import Any

from _harness import Case, Params, Work, agreement_note, main

SEED = 20261206
TARGET_RATIO = 0.5


# -- in the children ---------------------------------------------------------------------------


def _data(n: int, p: int = 20) -> tuple[Any, Any, Any]:
    import numpy as np

    rng = np.random.default_rng(SEED)
    X = rng.standard_normal((n, p))
    e = 1.0 / (1.0 + np.exp(-(0.5 * X[:, 0] - 0.4 * X[:, 1] + 0.3 * X[:, 2])))
    t = (rng.random(n) < e).astype(int)
    tau = 1.0 + 0.8 * X[:, 3] - 0.5 * X[:, 4]
    y = X[:, :5].sum(axis=1) + t * tau + rng.standard_normal(n)
    return X, t, y


def _ours() -> Any:
    from sparkus.triage import BenefitModel

    return BenefitModel(folds=5, clip=0.01, rng=SEED)


def _econml(cv: Any = 5) -> Any:
    import numpy as np
    from econml.dr import DRLearner
    from sklearn.linear_model import LinearRegression, LogisticRegression

    return DRLearner(
        model_propensity=LogisticRegression(C=np.inf, max_iter=1_000),
        model_regression=LinearRegression(),
        model_final=LinearRegression(),
        cv=cv,
        min_propensity=0.01,
        random_state=SEED,
    )


def _fit_sparkus(params: Params) -> Work:
    import warnings

    small = _data(2_000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _ours().fit(*small)  # warm the imports, untimed
    X, t, y = _data(params["n"])
    return lambda: _ours().fit(X, t, y)


def _fit_econml(params: Params) -> Work:
    import warnings

    X0, t0, y0 = _data(2_000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _econml().fit(y0, t0, X=X0)  # warm the imports, untimed
    X, t, y = _data(params["n"])

    def work() -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # scikit-learn's and EconML's notices
            return _econml().fit(y, t, X=X)

    return work


def check_fit(params: Params) -> dict[str, Any]:
    """Untimed: both fitted on our folds; the largest difference of the final coefficients."""
    import warnings

    import econml
    import numpy as np

    X, t, y = _data(params["n"])
    ours = _ours().fit(X, t, y)
    splits = [(np.flatnonzero(ours.fold_ != f), np.flatnonzero(ours.fold_ == f)) for f in range(5)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        final = _econml(splits).fit(y, t, X=X).model_cate(T=1)
    theirs = np.concatenate([[final.intercept_], final.coef_])
    mine = np.concatenate([[ours.intercept_["treated"]], ours.coef_["treated"]])
    return {"econml": econml.__version__, "max_abs_diff": float(np.abs(mine - theirs).max())}


def _note(a: dict[str, Any]) -> str:
    return (
        f"same folds, EconML {a['econml']} (lbfgs at its default tol=1e-4): max |final "
        f"coefficient diff| {a['max_abs_diff']:.1e}"
    )


CASES = [
    Case("dr_learner_fit",
         "BenefitModel(folds=5).fit on {n:_} x 20, linear models",
         _fit_sparkus, _fit_econml, "EconML DRLearner(cv=5), sklearn linear models",
         {"n": 100_000}, {"n": 10_000}, target=TARGET_RATIO, check=check_fit,
         notes=agreement_note(_note)),
]  # fmt: skip

if __name__ == "__main__":
    sys.exit(main(CASES, title="sparkus.triage BenefitModel benchmark", doc=__doc__,
                  script=__file__, repeats=3))  # fmt: skip
