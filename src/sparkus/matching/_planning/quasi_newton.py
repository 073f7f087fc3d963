"""A projected quasi-Newton method for the dual that keeps its curvature from call to call.

The structured path (``lagrange.py``) minimises a convex, piecewise-linear ``L`` over
``x >= 0`` with few variables (the budget, the pools, the groups: about twenty). Over many
people the pieces of ``L`` are fine, so a BFGS model of its curvature, a dense matrix of that
size, fits it well. Along a frontier only the budget's term ``lam * budget`` of ``L`` changes
with the budget, so that model stays valid from one budget to the next: :func:`descend`
returns it, and the next budget starts from it instead of from the identity (scipy's
L-BFGS-B cannot take it, and so relearns it at every budget).

Each step goes along ``-H g`` over the free variables (those off their bound, or whose
gradient points inside), is projected on ``x >= 0`` and is shortened, by interpolation, until
it decreases ``L`` by a tenth of a thousandth of what the slope promises (Armijo), or
lengthened fourfold while ``L`` still falls steeply at its end (Wolfe's curvature condition:
near a kink the model learns short steps, which would then crawl). Every point
evaluated is handed to ``keep`` (a valid bound, and a cut for the cutting planes).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Final

import numpy as np

from sparkus._checks import FloatArray
from sparkus.matching._planning.passes import Evaluation

__all__ = ["descend"]

_ARMIJO: Final = 1e-4
_SHORTEN: Final = 6  # the most shortenings of one step
_LENGTHEN: Final = 4  # the most lengthenings of one step
_WOLFE: Final = 0.9
_CURVED: Final = 1e-10  # the least s . y / (|s| |y|) an update needs


def descend(
    evaluate: Callable[[FloatArray], Evaluation],
    x: FloatArray,
    centre: Evaluation,
    *,
    inverse: FloatArray | None,
    step: float | None,
    precision: float,
    most: int,
    deadline: float,
    keep: Callable[[FloatArray, Evaluation], None],
) -> tuple[FloatArray, Evaluation, int, FloatArray]:
    """Minimise ``L`` over ``x >= 0`` from `x` (where ``L`` is `centre`).

    `inverse` is a model of the inverse Hessian to start from (None: a multiple of the
    identity whose first step has length `step`, or one where `step` is None). Stops when a
    step improves ``L`` by less than `precision` relative (as scipy's ``ftol``), when no
    shortened step improves it, after `most` evaluations or at `deadline`. Returns the best
    point, its evaluation, the evaluations taken and the curvature model at the end.
    """
    m = x.shape[0]
    g = centre.gradient
    fresh = inverse is None
    if inverse is None:
        top = float(np.max(np.abs(g))) if m else 0.0
        length = 1.0 if step is None else step
        inverse = np.eye(m) * (length / top if top > 0 else 1.0)
    h = inverse.copy()
    count = 0
    retried = False
    while count < most and time.perf_counter() <= deadline:
        free = (x > 0) | (g < 0)
        if not np.any(free):
            break
        d = np.zeros(m)
        d[free] = -h[np.ix_(free, free)] @ g[free]
        y = np.maximum(x + d, 0.0)
        slope = float(g @ (y - x))
        if not slope < 0:  # the projection spoilt the descent: the projected gradient instead
            d = np.where(free, -g, 0.0) * (float(np.sqrt(np.mean(np.diag(h)))) ** 2)
            y = np.maximum(x + d, 0.0)
            slope = float(g @ (y - x))
            if not slope < 0:
                break
        t = 1.0
        accepted = None
        for _ in range(_SHORTEN):
            found = evaluate(y)
            count += 1
            keep(y, found)
            if found.value <= centre.value + _ARMIJO * slope:
                accepted = (y, found)
                break
            if count >= most or time.perf_counter() > deadline:
                break
            # the quadratic through L(x), its slope and L(y), minimised, kept within [0.1, 0.5]
            curve = found.value - centre.value - slope
            shorter = -slope / (2.0 * curve) if curve > 0 else 0.5
            t *= min(max(shorter, 0.1), 0.5)
            y = np.maximum(x + t * d, 0.0)
            slope = float(g @ (y - x))
            if not slope < 0:
                break
        if accepted is None:
            if fresh or retried:  # the model was no help even afresh: the minimum is near
                break
            retried, fresh = True, True  # once: forget the curvature, start from the gradient
            top = float(np.max(np.abs(g)))
            h = np.eye(m) * (float(np.max(np.abs(d))) * 0.1 / top if top > 0 else 1.0)
            continue
        y, found = accepted
        # Wolfe's curvature condition: while L still falls steeply at the step's end, a longer
        # step is tried (a curvature model learnt near a kink is short in some directions)
        for _ in range(_LENGTHEN):
            if float(found.gradient @ (y - x)) >= _WOLFE * float(g @ (y - x)):
                break
            if count >= most or time.perf_counter() > deadline:
                break
            t *= 4.0
            longer = np.maximum(x + t * d, 0.0)
            tried = evaluate(longer)
            count += 1
            keep(longer, tried)
            if not tried.value < found.value:
                break
            y, found = longer, tried
        s, v = y - x, found.gradient - g
        if _curved(s, v):
            if fresh:  # the identity's scale from the first pair (Shanno and Phua)
                h = np.eye(m) * (float(s @ v) / float(v @ v))
                fresh = False
            h = _update(h, s, v)
        improved = centre.value - found.value
        x, g, centre = y, found.gradient, found
        scale = max(abs(centre.value), abs(centre.value + improved), 1.0)
        if improved <= precision * scale:
            break
    if not math.isfinite(float(np.sum(h))):
        h = inverse
    return x, centre, count, h


def _curved(s: FloatArray, v: FloatArray) -> bool:
    """Whether the pair (step, change of gradient) shows curvature enough for an update."""
    return float(s @ v) > _CURVED * float(np.linalg.norm(s)) * float(np.linalg.norm(v))


def _update(h: FloatArray, s: FloatArray, v: FloatArray) -> FloatArray:
    """BFGS's update of the inverse Hessian `h` by the step `s` and the change of gradient `v`."""
    rho = 1.0 / float(s @ v)
    hv = h @ v
    out: FloatArray = (
        h
        - rho * (np.outer(s, hv) + np.outer(hv, s))
        + (rho * rho * float(v @ hv) + rho) * np.outer(s, s)
    )
    return out
