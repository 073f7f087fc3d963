"""Tests of sparkus.metrics.forest_plot and balance_plot (matplotlib, Agg backend)."""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.metrics import balance_plot, forest_plot, random_effects, welch_ttest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
plt = pytest.importorskip("matplotlib.pyplot")

EFFECTS = [0.42, 0.31, 0.65, 0.12]
VARIANCES = [0.010, 0.020, 0.015, 0.030]
LABELS = ["Lyon", "Porto", "Turin", "Ghent"]


@pytest.fixture
def ax():
    fig, axes = plt.subplots()
    yield axes
    plt.close(fig)


def _points(ax):
    """The (x, y) of every scattered point, collection by collection."""
    from matplotlib.collections import PathCollection

    return [np.asarray(c.get_offsets()) for c in ax.collections if isinstance(c, PathCollection)]


def _ticks(ax):
    return [t.get_text() for t in ax.get_yticklabels()]


def test_forest_plot_of_a_meta_analysis(ax):
    """One square per study at its effect, a diamond over the pooled CI, and the labels."""
    result = random_effects(EFFECTS, VARIANCES, labels=LABELS)
    assert forest_plot(result, ax=ax) is ax
    (squares,) = _points(ax)
    np.testing.assert_allclose(squares[:, 0], EFFECTS)
    np.testing.assert_allclose(squares[:, 1], [0, 1, 2, 3])
    assert _ticks(ax) == [*LABELS, "random effects (REML)"]
    diamonds = [p for p in ax.patches if len(p.get_xy()) >= 4]
    assert len(diamonds) == 1
    xs = diamonds[0].get_xy()[:, 0]
    assert min(xs) == pytest.approx(result.ci.low)
    assert max(xs) == pytest.approx(result.ci.high)
    segments = [s for c in ax.collections for s in getattr(c, "get_segments", list)()]
    # four study intervals and the prediction interval
    assert len(segments) == 5
    spans = sorted((float(s[0][0]), float(s[1][0])) for s in segments)
    assert (result.prediction_interval.low, result.prediction_interval.high) == pytest.approx(
        spans[0]
    )
    assert ax.get_lines()[0].get_xdata()[0] == 0.0  # the line of no effect
    assert ax.get_ylim()[0] > ax.get_ylim()[1]  # first study on top


def test_forest_plot_without_prediction_or_null(ax):
    """prediction=False and null=None leave out the prediction interval and the null line."""
    result = random_effects(EFFECTS, VARIANCES)
    forest_plot(result, ax=ax, prediction=False, null=None, xlabel="Hedges' g")
    segments = [s for c in ax.collections for s in getattr(c, "get_segments", list)()]
    assert len(segments) == 4
    assert ax.get_lines() == []
    assert ax.get_xlabel() == "Hedges' g"


def test_forest_plot_of_subgroup_estimates(ax):
    """A mapping of labels to Estimates: a point and interval each; None rows say suppressed."""
    rng = np.random.default_rng(0)
    estimates = {
        "Sales": welch_ttest(rng.normal(1, 1, 20), rng.normal(0, 1, 20)),
        "R&D": None,
        "Finance": welch_ttest(rng.normal(0.5, 1, 20), rng.normal(0, 1, 20)),
    }
    forest_plot(estimates, ax=ax)
    (points,) = _points(ax)
    np.testing.assert_allclose(points[:, 0], [estimates["Sales"].estimate,
                                              estimates["Finance"].estimate])  # fmt: skip
    np.testing.assert_allclose(points[:, 1], [0, 2])
    assert _ticks(ax) == ["Sales", "R&D", "Finance"]
    assert [t.get_text() for t in ax.texts] == ["suppressed"]


def test_forest_plot_uses_current_axes():
    """Without `ax`, the current axes are drawn on and returned."""
    fig, axes = plt.subplots()
    try:
        assert forest_plot(random_effects(EFFECTS, VARIANCES)) is axes
    finally:
        plt.close(fig)


def test_forest_plot_refuses_other_input(ax):
    """Anything but a MetaAnalysis or a mapping of estimates is a SchemaError."""
    with pytest.raises(SchemaError, match="MetaAnalysis or a mapping"):
        forest_plot([0.1, 0.2], ax=ax)
    with pytest.raises(SchemaError, match="is empty"):
        forest_plot({}, ax=ax)
    with pytest.raises(SchemaError, match=r"result_or_estimates\.Sales: expected an Estimate"):
        forest_plot({"Sales": 0.3}, ax=ax)


DIAGNOSTICS = SimpleNamespace(
    covariates=("tenure", "level", "age"),
    smd_before=np.array([0.42, -0.25, 0.08]),
    smd_after=np.array([0.03, -0.05, 0.01]),
)


def test_balance_plot(ax):
    """Open circles before and filled after, one per covariate, and the threshold line."""
    assert balance_plot(DIAGNOSTICS, ax=ax) is ax
    before, after = _points(ax)
    np.testing.assert_allclose(before[:, 0], [0.42, 0.25, 0.08])
    np.testing.assert_allclose(after[:, 0], [0.03, 0.05, 0.01])
    np.testing.assert_allclose(after[:, 1], [0, 1, 2])
    assert _ticks(ax) == ["tenure", "level", "age"]
    assert [line.get_xdata()[0] for line in ax.get_lines()] == [0.1]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["before weighting", "after weighting"]


def test_balance_plot_signed(ax):
    """absolute=False keeps the signs and draws the threshold on both sides and zero."""
    balance_plot(DIAGNOSTICS, ax=ax, absolute=False, threshold=0.2)
    before, _ = _points(ax)
    np.testing.assert_allclose(before[:, 0], [0.42, -0.25, 0.08])
    assert sorted(line.get_xdata()[0] for line in ax.get_lines()) == [-0.2, 0.0, 0.2]


@pytest.mark.parametrize(
    ("diagnostics", "threshold", "match"),
    [
        (SimpleNamespace(covariates=("a",), smd_before=[0.1]), 0.1, "has no smd_after"),
        (SimpleNamespace(covariates=("a", "b"), smd_before=[0.1], smd_after=[0.1, 0.2]), 0.1,
         r"smd_before: has 1 values for 2 covariates"),
        (SimpleNamespace(covariates=("a",), smd_before=[np.nan], smd_after=[0.1]), 0.1,
         "NaN"),
        (DIAGNOSTICS, 0.0, "threshold: expected a positive number"),
    ],
)  # fmt: skip
def test_balance_plot_bad_input(ax, diagnostics, threshold, match):
    """Missing attributes, mismatched lengths, NaN and a bad threshold are SchemaErrors."""
    with pytest.raises(SchemaError, match=match):
        balance_plot(diagnostics, ax=ax, threshold=threshold)


def test_missing_matplotlib_says_what_to_install(monkeypatch):
    """Without matplotlib, the plots raise an ImportError naming the `plot` extra."""
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"sparkus\[plot\]"):
        forest_plot(random_effects(EFFECTS, VARIANCES))
    with pytest.raises(ImportError, match=r"sparkus\[plot\]"):
        balance_plot(DIAGNOSTICS)


def test_importing_metrics_does_not_import_matplotlib():
    """`import sparkus.metrics` leaves matplotlib unimported (it is imported on first plot)."""
    code = "import sys, sparkus.metrics; print('matplotlib' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)  # fmt: skip
    assert done.stdout.strip() == "False"
