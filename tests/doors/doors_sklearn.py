"""Door table of what the scikit-learn protocol adds to the fitted readiness models (issue 14).

The models' ``fit``, ``predict`` and ``predict_proba`` doors live in ``doors_fit.py``; here are
the methods the protocol gave the ordinal model (``score``, ``set_params``) and the column-name
check that data frames bring to every method that reads `X` after fit.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pandas as pd

from sparkus import NotFittedError, SchemaError

from .table import Door, case


@functools.cache
def _data() -> tuple[pd.DataFrame, np.ndarray]:
    """Four ordered levels from a latent logistic score of two named columns (not separable)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    y = np.digitize(X @ [1.0, -0.5] + rng.logistic(size=200), [-1.0, 0.0, 1.5])
    return pd.DataFrame(X, columns=["tenure", "prior"]), y


@functools.cache
def _ordinal() -> Any:
    from sparkus.triage import OrdinalReadinessModel

    X, y = _data()
    return OrdinalReadinessModel().fit(X, y)


def _model(kind: str) -> Any:
    from sparkus import triage

    return getattr(triage, kind)()


DOORS = [
    Door(
        "sparkus.triage.OrdinalReadinessModel.score",
        (
            case(
                "before fit",
                lambda: _model("OrdinalReadinessModel").score(*_data()),
                NotFittedError,
                "fit",
            ),
            case(
                "labels of another length",
                lambda: _ordinal().score(_data()[0], _data()[1][:5]),
                SchemaError,
                "y",
            ),
            case(
                "columns renamed since fit",
                lambda: _ordinal().score(_data()[0].rename(columns={"prior": "p"}), _data()[1]),
                SchemaError,
                "X",
                "unseen at fit time",
                "- p",
            ),
            case(
                "columns in another order",
                lambda: _ordinal().score(_data()[0][["prior", "tenure"]], _data()[1]),
                SchemaError,
                "X",
                "same order as they were in fit",
            ),
            case(
                "a column missing",
                lambda: _ordinal().score(_data()[0][["tenure"]], _data()[1]),
                SchemaError,
                "X",
                "yet now missing",
                "- prior",
            ),
        ),
    ),
    Door(
        "sparkus.triage.OrdinalReadinessModel.set_params",
        (
            case(
                "unknown hyper-parameter",
                lambda: _model("OrdinalReadinessModel").set_params(C=1.0),
                SchemaError,
                "C",
            ),
        ),
    ),
    Door(
        "sparkus.triage.LogisticReadinessModel.set_params",
        (
            case(
                "unknown hyper-parameter",
                lambda: _model("LogisticReadinessModel").set_params(order=[0, 1]),
                SchemaError,
                "order",
            ),
        ),
    ),
]
