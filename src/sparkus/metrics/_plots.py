"""Plots of estimates (the ``plot`` extra): a forest plot and a covariate-balance plot.

Each function draws on the axes it is given (or the current ones, as lifelines' plots do) and
returns them. matplotlib is imported inside the functions, so ``import sparkus.metrics`` does not
import it; without matplotlib they raise an :class:`ImportError` that says what to install.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

import numpy as np

from sparkus._checks import check_number, describe, schema_error
from sparkus._errors import Problem, SchemaError, name_text, shown
from sparkus.metrics._meta import MetaAnalysis

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["balance_plot", "forest_plot"]

# The Okabe-Ito colours, distinguishable under the common colour blindnesses; grey 4.5:1 on white.
BLUE: Final = "#0072b2"
ORANGE: Final = "#d55e00"
GREY: Final = "#767676"


def axes_or_current(ax: object, caller: str) -> Axes:
    """`ax` if it is a matplotlib Axes, or the current axes for None; else a SchemaError.

    Without matplotlib, an ImportError naming the extra to install.
    """
    try:
        import matplotlib.axes
        import matplotlib.pyplot as plt
    except ImportError as exc:
        msg = f"{caller} needs matplotlib: install it with `pip install sparkus[plot]`"
        raise ImportError(msg) from exc
    if ax is None:
        return plt.gca()
    if not isinstance(ax, matplotlib.axes.Axes):
        raise schema_error("ax", f"expected a matplotlib Axes or None, got {describe(ax)}")
    return ax


def forest_plot(
    result_or_estimates: MetaAnalysis | Mapping[str, Any],
    *,
    ax: Axes | None = None,
    null: float | None = 0.0,
    prediction: bool = True,
    xlabel: str = "effect",
) -> Axes:
    """Draw a forest plot: each study's (or subgroup's) effect and interval, one per row.

    .. versionadded:: 0.1

    For a :class:`MetaAnalysis` the studies are drawn as squares sized by their weight with
    their confidence intervals, and the pooled estimate as a diamond spanning its interval,
    with the prediction interval as a line through it. For a mapping of labels to
    :class:`Estimate` (subgroup effects, say) each estimate is a point with its interval; a
    label mapped to None (a subgroup suppressed for privacy) keeps its row, marked
    "suppressed".

    Parameters
    ----------
    result_or_estimates : MetaAnalysis or mapping of str to Estimate
        What to draw. Any value with ``estimate`` and ``ci`` attributes will do.
    ax : matplotlib.axes.Axes, optional
        The axes to draw on; by default the current axes.
    null : float or None, default 0.0
        Where to draw the dashed line of no effect; None for no line.
    prediction : bool, default True
        For a random-effects meta-analysis, draw the prediction interval.
    xlabel : str, default "effect"
        The label of the x axis.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on; the first row is at the top.

    Raises
    ------
    ImportError
        If matplotlib is not installed (install ``sparkus[plot]``).
    SchemaError
        If `result_or_estimates` is neither a MetaAnalysis nor a mapping of estimates, `null`
        is not None or a finite number, `prediction` is not a bool, `xlabel` not a str, or
        `ax` is neither None nor a matplotlib Axes.

    See Also
    --------
    random_effects, fixed_effect : Meta-analyses to draw.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from sparkus.metrics import forest_plot, random_effects
    >>> result = random_effects([0.42, 0.31, 0.65], [0.010, 0.020, 0.015],
    ...                         labels=["Lyon", "Porto", "Turin"])
    >>> fig, ax = plt.subplots()
    >>> ax = forest_plot(result, ax=ax)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['Lyon', 'Porto', 'Turin', 'random effects (REML)']
    >>> plt.close(fig)
    """
    problems: list[Problem] = []
    line = None if null is None else check_number(null, "null", problems=problems)
    flag: object = prediction
    if not isinstance(flag, bool):
        problems.append(Problem(("prediction",), f"expected True or False, got {shown(flag)}"))
    label: object = xlabel
    if not isinstance(label, str):
        problems.append(Problem(("xlabel",), f"expected a str, got {type(label).__name__}"))
    if problems:
        raise SchemaError(problems)
    given: object = result_or_estimates
    if not isinstance(given, MetaAnalysis | Mapping):
        msg = (
            "expected a MetaAnalysis or a mapping of labels to Estimates, got "
            f"{type(result_or_estimates).__name__}"
        )
        raise schema_error("result_or_estimates", msg)
    axes = axes_or_current(ax, "forest_plot")
    if isinstance(given, MetaAnalysis):
        _forest_meta(axes, given, prediction=prediction)
    else:
        _forest_estimates(axes, given)
    if line is not None:
        axes.axvline(line, color=GREY, linestyle="--", linewidth=1, zorder=0)
    axes.set_xlabel(xlabel)
    return axes


def _forest_meta(ax: Axes, result: MetaAnalysis, *, prediction: bool) -> None:
    k = result.k
    rows = np.arange(k, dtype=np.float64)
    ax.hlines(rows, result.study_ci[:, 0], result.study_ci[:, 1], color="black", linewidth=1)
    sizes = 20.0 + 180.0 * result.weights / float(result.weights.max())
    ax.scatter(result.effects, rows, s=sizes, marker="s", color=BLUE, zorder=3)
    pooled = float(k)
    low, high = result.ci
    diamond_x = [low, result.estimate, high, result.estimate]
    diamond_y = [pooled, pooled - 0.3, pooled, pooled + 0.3]
    ax.fill(diamond_x, diamond_y, color=ORANGE, zorder=3)
    if prediction and result.prediction_interval is not None:
        pi = result.prediction_interval
        ax.hlines([pooled], [pi.low], [pi.high], color=ORANGE, linewidth=1.5, zorder=2)
    ax.set_yticks([*rows.tolist(), pooled], [*result.labels, result.method])
    ax.set_ylim(pooled + 0.8, -0.8)


def _forest_estimates(ax: Axes, estimates: Mapping[str, Any]) -> None:
    if not estimates:
        raise schema_error("result_or_estimates", "is empty; pass at least one estimate")
    labels: list[str] = []
    points: list[tuple[float, float, float, float]] = []
    suppressed: list[float] = []
    problems: list[Problem] = []
    for i, (label, value) in enumerate(estimates.items()):
        labels.append(name_text(label, "estimates"))
        if value is None:
            suppressed.append(float(i))
            continue
        try:
            estimate = float(value.estimate)
            low, high = (float(v) for v in value.ci)
        except (AttributeError, TypeError, ValueError):
            msg = f"expected an Estimate (with `estimate` and `ci`), got {type(value).__name__}"
            problems.append(Problem(("result_or_estimates", str(label)), msg))
            continue
        if not all(math.isfinite(v) for v in (estimate, low, high)):
            msg = "has a missing or non-finite estimate or interval"
            problems.append(Problem(("result_or_estimates", str(label)), msg))
            continue
        points.append((float(i), estimate, low, high))
    if problems:
        raise SchemaError(problems)
    if points:
        data = np.array(points)
        ax.hlines(data[:, 0], data[:, 2], data[:, 3], color="black", linewidth=1)
        ax.scatter(data[:, 1], data[:, 0], marker="o", color=BLUE, zorder=3)
    for row in suppressed:
        ax.annotate("suppressed", (0.5, row), xycoords=("axes fraction", "data"),
                    ha="center", va="center", color=GREY, fontstyle="italic")  # fmt: skip
    n = len(labels)
    ax.set_yticks(np.arange(n, dtype=np.float64).tolist(), labels)
    ax.set_ylim(n - 0.5, -0.5)


def balance_plot(
    diagnostics: object,
    *,
    ax: Axes | None = None,
    threshold: float = 0.1,
    absolute: bool = True,
) -> Axes:
    """Draw a covariate-balance ("love") plot: standardised mean differences before and after.

    .. versionadded:: 0.1

    One row per covariate: an open circle for the standardised mean difference between
    treated and control before weighting, a filled one after, and dashed lines at the
    `threshold` commonly taken as good balance (0.1; Austin 2009).

    Parameters
    ----------
    diagnostics : OverlapDiagnostics
        Anything with ``covariates`` (names), ``smd_before`` and ``smd_after`` (one number per
        covariate), such as the overlap diagnostics of the weighting estimators.
    ax : matplotlib.axes.Axes, optional
        The axes to draw on; by default the current axes.
    threshold : float, default 0.1
        Where to draw the balance threshold; positive.
    absolute : bool, default True
        Plot absolute differences (the usual love plot); False keeps their signs and draws
        the threshold on both sides of zero.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on; the first covariate is at the top.

    Raises
    ------
    ImportError
        If matplotlib is not installed (install ``sparkus[plot]``).
    SchemaError
        If `diagnostics` lacks one of the attributes, their lengths differ, a value is not
        finite, `threshold` is not positive, or `ax` is neither None nor a matplotlib Axes.

    References
    ----------
    Austin, P. C. (2009). Balance diagnostics for comparing the distribution of baseline
    covariates between treatment groups in propensity-score matched samples. *Statistics in
    Medicine* 28(25), 3083-3107.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from types import SimpleNamespace
    >>> from sparkus.metrics import balance_plot
    >>> diagnostics = SimpleNamespace(covariates=("tenure", "level", "age"),
    ...                               smd_before=[0.42, -0.25, 0.08],
    ...                               smd_after=[0.03, -0.05, 0.01])
    >>> fig, ax = plt.subplots()
    >>> ax = balance_plot(diagnostics, ax=ax)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['tenure', 'level', 'age']
    >>> plt.close(fig)
    """
    names, before, after = _balance_iv(diagnostics, threshold, absolute)
    axes = axes_or_current(ax, "balance_plot")
    if absolute:
        before, after = np.abs(before), np.abs(after)
    rows = np.arange(len(names), dtype=np.float64)
    axes.scatter(before, rows, facecolors="none", edgecolors=ORANGE, label="before weighting",
                 zorder=3)  # fmt: skip
    axes.scatter(after, rows, color=BLUE, label="after weighting", zorder=3)
    axes.axvline(float(threshold), color=GREY, linestyle="--", linewidth=1, zorder=0)
    if absolute:
        axes.set_xlabel("absolute standardised mean difference")
    else:
        axes.axvline(-float(threshold), color=GREY, linestyle="--", linewidth=1, zorder=0)
        axes.axvline(0.0, color="black", linewidth=0.8, zorder=0)
        axes.set_xlabel("standardised mean difference")
    axes.set_yticks(rows.tolist(), list(names))
    axes.set_ylim(len(names) - 0.5, -0.5)
    axes.legend(loc="best")
    return axes


def _balance_iv(
    diagnostics: object, threshold: object, absolute: object = True
) -> tuple[tuple[str, ...], np.ndarray[Any, np.dtype[np.float64]],
           np.ndarray[Any, np.dtype[np.float64]]]:  # fmt: skip
    missing = [a for a in ("covariates", "smd_before", "smd_after") if not hasattr(diagnostics, a)]
    if missing:
        msg = (
            f"{type(diagnostics).__name__} has no {', '.join(missing)}; pass the overlap "
            "diagnostics of a weighting estimator"
        )
        raise schema_error("diagnostics", msg)
    names = tuple(str(c) for c in getattr(diagnostics, "covariates"))  # noqa: B009
    problems: list[Problem] = []
    arrays = []
    for attribute in ("smd_before", "smd_after"):
        try:
            array = np.asarray(getattr(diagnostics, attribute), dtype=np.float64).reshape(-1)
        except (TypeError, ValueError):
            problems.append(Problem(("diagnostics", attribute), "is not an array of numbers"))
            continue
        if len(array) != len(names):
            msg = f"has {len(array)} values for {len(names)} covariates"
            problems.append(Problem(("diagnostics", attribute), msg))
        elif not np.all(np.isfinite(array)):
            problems.append(Problem(("diagnostics", attribute), "holds NaN or infinite values"))
        arrays.append(array)
    check_number(threshold, "threshold", low=0.0, low_open=True, what="a positive number",
                 problems=problems)  # fmt: skip
    if not isinstance(absolute, bool):
        problems.append(Problem(("absolute",), f"expected True or False, got {shown(absolute)}"))
    if problems:
        raise SchemaError(problems)
    return names, arrays[0], arrays[1]
