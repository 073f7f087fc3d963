"""A plot's `ax` that is not a matplotlib Axes is a SchemaError, not an AttributeError.

Found by fuzzing each public door from its docstring example (helper H20): the dashboard's
plots checked `ax`, but forest_plot, balance_plot and QiniResult.plot drew on whatever came
(``'float' object has no attribute 'hlines'``). The one helper every plot takes its axes from
now checks them.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.metrics import balance_plot, forest_plot, qini, random_effects

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

_RNG = np.random.default_rng(7)
_SCORE = _RNG.normal(size=400)
_COACHED = _RNG.random(400) < 0.5
_PROMOTED = _RNG.random(400) < 0.2 + 0.2 * _COACHED * (_SCORE > 0)

DOORS = {
    "forest_plot": lambda ax: forest_plot(
        random_effects([0.42, 0.31, 0.65], [0.010, 0.020, 0.015], labels=["a", "b", "c"]), ax=ax
    ),
    "balance_plot": lambda ax: balance_plot(
        SimpleNamespace(covariates=("t", "l"), smd_before=[0.4, -0.2], smd_after=[0.0, 0.1]),
        ax=ax,
    ),
    "QiniResult.plot": lambda ax: qini(_PROMOTED, _COACHED, _SCORE).plot(ax),
}


@pytest.mark.parametrize("ax", [float("nan"), "axes", object()], ids=["nan", "text", "object"])
@pytest.mark.parametrize("door", sorted(DOORS))
def test_ax_must_be_axes(door: str, ax: object) -> None:
    """Anything but None or a matplotlib Axes for `ax` is refused, naming `ax`."""
    with pytest.raises(SchemaError, match="ax"):
        DOORS[door](ax)
