"""The door table of ``sparkus.triage.BenefitModel``, the doubly robust learner of who benefits.

Missing or infinite values and lengths that differ are EstimationErrors naming the input and the
rows, as at every estimator of effects in sparkus; everything else is a SchemaError naming the
parameter, the fold or the support type at fault.
"""

from __future__ import annotations

import warnings

import numpy as np

from sparkus import EstimationError, NotFittedError, SchemaError
from sparkus.triage import BenefitModel

from .table import Door, Entry, case

N = 60
_RNG = np.random.default_rng(15)
X = _RNG.normal(size=(N, 2))
T = np.arange(N) % 2
Y = X[:, 0] + T + _RNG.normal(size=N)
LABELS = np.array(["none", "coaching", "mentoring"] * (N // 3), dtype=object)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # small samples: the overlap warning is not the point here
    FITTED = BenefitModel(rng=0).fit(X, T, Y)
    SEVERAL = BenefitModel(rng=0, folds=2).fit(X, LABELS, Y)


class _Mean:
    """A plug-in final stage (the mean): it has no interval."""

    def fit(self, X, y):
        self.mean = float(np.mean(y))
        return self

    def predict(self, X):
        return np.full(len(X), self.mean)


with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    PLUGGED = BenefitModel(final=_Mean(), rng=0).fit(X, T, Y)
_BAD_FOLD = np.where(T == 1, 0, np.arange(N) % 3)  # folds 1 and 2 hold no treated row


def _with(array, row, value):
    out = np.array(array, dtype=float)
    out.flat[row] = value
    return out


def _fit(**given):
    args = {"X": X, "treated": T, "y": Y}
    fold = given.pop("fold", None)
    params = given.pop("params", {})
    args.update(given)
    return BenefitModel(**params).fit(args["X"], args["treated"], args["y"], fold=fold)


DOORS: list[Entry] = [
    Door(
        "sparkus.triage.BenefitModel",
        (
            case("folds < 2", lambda: BenefitModel(folds=1), SchemaError, "folds"),
            case("folds not whole", lambda: BenefitModel(folds=2.5), SchemaError, "folds"),
            case("unknown final", lambda: BenefitModel(final="lasso"), SchemaError, "final"),
            case(
                "final without predict", lambda: BenefitModel(final=object()), SchemaError, "final"
            ),
            case(
                "propensity without predict_proba",
                lambda: BenefitModel(propensity=_Mean()),
                SchemaError,
                "propensity",
            ),
            case("outcome without fit", lambda: BenefitModel(outcome=3), SchemaError, "outcome"),
            case("clip of 0.5", lambda: BenefitModel(clip=0.5), SchemaError, "clip"),
            case("negative alpha", lambda: BenefitModel(alpha=-1.0), SchemaError, "alpha"),
            case("rng as text", lambda: BenefitModel(rng="seed"), SchemaError, "rng"),
        ),
    ),
    Door(
        "sparkus.triage.BenefitModel.fit",
        (
            case("NaN in X", lambda: _fit(X=_with(X, 7, np.nan)), EstimationError, "X", "row 3"),
            case("inf in y", lambda: _fit(y=_with(Y, 5, np.inf)), EstimationError, "y", "row 5"),
            case("lengths differ", lambda: _fit(y=Y[:-1]), EstimationError, "`y`", "59"),
            case("treated not 0/1", lambda: _fit(treated=T * 2), SchemaError, "treated"),
            case(
                "label no support type",
                lambda: _fit(treated=np.where(T, "coaching", "boss")),
                SchemaError,
                "treated",
                "'boss'",
                "rows 0, 2",
            ),
            case(
                "everyone 'none'", lambda: _fit(treated=np.full(N, "none")), SchemaError, "treated"
            ),
            case(
                "a fold with no treated row",
                lambda: _fit(fold=_BAD_FOLD),
                SchemaError,
                "fold 1",
                "treated row",
                "'treated'",
            ),
            case(
                "too few rows per fold",
                lambda: _fit(treated=(np.arange(N) < 3).astype(int)),
                SchemaError,
                "folds",
                "3 treated",
            ),
            case("a single fold", lambda: _fit(fold=np.zeros(N)), SchemaError, "fold"),
            case(
                "fold of another length",
                lambda: _fit(fold=np.arange(N - 1) % 2),
                EstimationError,
                "`fold`",
            ),
            case("X of 3 dimensions", lambda: _fit(X=np.zeros((N, 2, 2))), SchemaError, "X"),
        ),
    ),
    Door(
        "sparkus.triage.BenefitModel.predict",
        (
            case("before fit", lambda: BenefitModel().predict(X), NotFittedError, "fit"),
            case(
                "other feature count",
                lambda: FITTED.predict(np.zeros((3, 5))),
                SchemaError,
                "X",
                "2 feature",
            ),
            case("NaN in X", lambda: FITTED.predict(_with(X, 1, np.nan)), EstimationError, "X"),
            case(
                "several types, none named",
                lambda: SEVERAL.predict(X),
                SchemaError,
                "support",
                "coaching",
            ),
            case(
                "unknown type",
                lambda: FITTED.predict(X, support="yoga"),
                SchemaError,
                "support",
                "yoga",
            ),
            case(
                "frame missing a column",
                lambda: FITTED.predict({"x1": X[:, 0]}),
                SchemaError,
                "X",
                "'x2'",
            ),
        ),
    ),
    Door(
        "sparkus.triage.BenefitModel.effects",
        (case("before fit", lambda: BenefitModel().effects(X), NotFittedError, "fit"),),
    ),
    Door(
        "sparkus.triage.BenefitModel.predict_interval",
        (
            case("plug-in final stage", lambda: PLUGGED.predict_interval(X), SchemaError, "final"),
            case("level of 95", lambda: FITTED.predict_interval(X, level=95), SchemaError, "level"),
        ),
    ),
    Door(
        "sparkus.triage.BenefitModel.ate",
        (case("unknown type", lambda: SEVERAL.ate("yoga"), SchemaError, "support"),),
    ),
    Door(
        "sparkus.triage.BenefitModel.ate_interval",
        (case("level of 0", lambda: FITTED.ate_interval(level=0), SchemaError, "level"),),
    ),
    Door(
        "sparkus.triage.BenefitModel.to_frame",
        (
            case("plug-in final stage", PLUGGED.to_frame, SchemaError, "final"),
            case(
                "unknown backend", lambda: FITTED.to_frame(backend="arrow"), SchemaError, "backend"
            ),
        ),
    ),
]
