"""The numerics of inverse-variance pooling, safe over the whole float range.

The textbook formulas square weights and z-scores at their own magnitude: with variances near
1e308 the weights are near 1e-308 and Σw² underflows to 0, so that H² became 0 / 0. Here

- every weight is used relative to the largest, ``w / max w = min(v + τ²) / (v + τ²)``, between
  0 and 1 (a study 1e308 times less precise than the best simply weighs 0);
- the effects are used in units of a power of two that puts them below 1 (an exact division),
  so that their weighted mean and its squared deviations cannot overflow, and less their
  fixed-effect mean, so that effects close together (1e15 plus noise) keep the digits of their
  differences and the pooled mean is a correction to it (:func:`scale_studies`);
- variances and τ² are added in units of a common power of two (:func:`_scaled_total`);
- a sum of squared z-scores (Q) is summed at the scale of its largest term;
- ``(Σw)² - Σw²``, twice the sum of the products of distinct weights, is summed as such
  (:func:`pair_sum`), which keeps its digits when one study carries almost all the weight.

Q, I² and H² are scale-free; the reported estimate, standard errors, τ² and intervals are
multiplied back at the end, and a number that does not fit a double even so is refused with an
error that says the range.
"""

from __future__ import annotations

import math
from typing import Final

import attrs
import numpy as np

from sparkus._checks import FloatArray
from sparkus._errors import EstimationError
from sparkus.metrics._stable import FLOAT_RANGE, common_scale, unscale

__all__ = [
    "Pooled",
    "Studies",
    "pair_sum",
    "pool",
    "scale_studies",
    "squared_z",
    "tau2_dl",
    "tau2_reml",
]

_REML_TOL: Final = 1e-12
_REML_PER_DECADE: Final = 4
"""Grid points per decade of τ² on which the REML score is scanned for sign changes."""
_REML_MIN_GRID: Final = 64
_MAX: Final = float(np.finfo(float).max)


@attrs.frozen(eq=False)
class Studies:
    """The studies: effects less `centre` in units of ``2**exponent`` (`y`), the variances.

    The pooled mean of `y` plus `centre` is the pooled effect in those units.
    """

    y: FloatArray
    exponent: int
    v: FloatArray
    centre: float


def scale_studies(y: FloatArray, v: FloatArray) -> Studies:
    """The effects divided by a power of two that puts them below 1, less their weighted mean.

    The centre is the fixed-effect mean as first summed; the pooled means are then taken as
    corrections to it (a two-pass mean). About it, effects close together (``1e15`` plus
    noise) keep every digit of their deviations, which their mean at that magnitude rounds
    away (Q was 24% off, τ² nine times too large); and unlike a centre far from the pooled
    mean (the median of effects of 0 and 1e9 whose weights favour the zeros), adding it back
    cancels no digits (the estimate was 6e-8 off, and moved with the order of the studies).
    The variances as given.
    """
    exponent, (scaled,) = common_scale(y)
    w = float(v.min()) / v
    centre = float(w @ scaled) / float(w.sum())
    return Studies(scaled - centre, exponent, v, centre)


def pair_sum(w: FloatArray) -> float:
    """``(Σw)² - Σw²``, summed as ``2 Σ_{i<j} wᵢwⱼ`` (all terms positive: no cancellation).

    The sum of the weights before each is a cumulative sum that stops short of it: taking the
    weight back off an inclusive one (``cumsum(w) - w``) cancelled the digits of small weights
    listed before a large one: τ² and I² were off (τ² twice its value beside a study with a
    variance 1e-18 of the others') and depended on the order of the studies.
    """
    before = np.concatenate(([0.0], np.cumsum(w[:-1])))
    return float(2.0 * (w @ before))


def _scaled_total(v: FloatArray, tau2: float) -> tuple[FloatArray, int]:
    """``v + τ²`` in units of ``4**half``.

    As they are (``half = 0``) unless a sum overflows; then τ² is at least 1e292 (the gap
    below the largest double), and the sums are divided by the power of four that brings the
    largest below 2, which leaves every one of them above 1e-17.
    """
    with np.errstate(over="ignore"):
        total = v + tau2
    if np.isfinite(total).all():
        return total, 0
    top = max(float(v.max()), tau2)
    half = (math.frexp(top)[1] + 1) // 2
    return np.ldexp(v, -2 * half) + math.ldexp(tau2, -2 * half), half


@attrs.frozen(eq=False)
class Pooled:
    """Inverse-variance pooling at one τ²: the mean, relative weights and their sums.

    `mu` is in the units of the scaled effects; `w` the weights over the largest; the true
    weights are ``w / minimum`` with ``minimum = min(v + τ²) = root² 4**half``.
    """

    mu: float
    w: FloatArray
    sw: float
    pairs: float
    root: float
    half: int

    def inverse_root_sum(self) -> float:
        """``1 / sqrt(Σ true weights)``, the fixed-effect standard error, in the studies' units."""
        return unscale(self.root / math.sqrt(self.sw), self.half)

    def minimum(self) -> float:
        """``min(v + τ²)`` in the studies' units (infinite if it does not fit a double)."""
        return unscale(self.root * self.root, 2 * self.half)


def pool(s: Studies, tau2: float) -> Pooled:
    """Pool the studies with variances ``v + tau2``."""
    total, half = _scaled_total(s.v, tau2)
    smallest = float(total.min())
    w = smallest / total
    sw = float(w.sum())
    return Pooled(float(w @ s.y) / sw, w, sw, pair_sum(w), math.sqrt(smallest), half)


def squared_z(s: Studies, mu: float, tau2: float) -> float:
    """``Σ (y - mu)² / (v + τ²)`` (Q at this τ²), summed at the scale of its largest term.

    Infinite when it exceeds the range of a double.
    """
    total, half = _scaled_total(s.v, tau2)
    # (y - mu) 2**e / (sqrt(total) 2**half): the units kept apart until the end
    z = (s.y - mu) / np.sqrt(total)
    top = float(np.max(np.abs(z)))
    if top == 0.0:
        return 0.0
    inner = float(np.sum((z / top) ** 2))
    scale = unscale(top, s.exponent - half)
    if scale == 0.0:
        return 0.0
    return scale * scale * inner if scale < math.sqrt(_MAX / inner) else math.inf


def tau2_dl(s: Studies) -> float:
    """The DerSimonian-Laird moment estimate of τ², truncated at zero.

    ``(Q - (k - 1)) / (Σw - Σw² / Σw)``, the denominator written as ``pairs / (Σw max w)``.
    """
    fixed = pool(s, 0.0)
    q = squared_z(s, fixed.mu, 0.0)
    excess = q - (len(s.y) - 1)
    if excess <= 0.0:
        return 0.0
    tau2 = excess * fixed.minimum() * fixed.sw / fixed.pairs if fixed.pairs > 0.0 else math.inf
    if not math.isfinite(tau2):
        msg = (
            "the DerSimonian-Laird tau² does not fit a double (one study carries all but "
            f"1e-308 of the weight, or the effects are too far apart for their errors); "
            f"{FLOAT_RANGE}"
        )
        raise EstimationError(msg)
    return tau2


def _reml_score(s: Studies, tau2: float) -> float:
    """The sign-carrying REML score at τ²: ``(y'P²y - tr P) / (max w)² / 4**e``.

    With ``P = W - w w' / Σw`` the score is ``y'P²y - tr P``; divided as above it reads
    ``Σ (w (y - μ))² - min(v + τ²) 4**-e 2 Σ_{i<j} wᵢwⱼ / Σw`` in relative weights and
    scaled effects, which cannot overflow (a term beyond the range becomes its limit).
    """
    p = pool(s, tau2)
    first = float(((p.w * (s.y - p.mu)) ** 2).sum())
    factor = unscale(p.root * p.root, 2 * (p.half - s.exponent))
    second = factor * p.pairs / p.sw if factor < math.inf else math.inf
    return first - second


def _reml_loglik(s: Studies, tau2: float) -> float:
    """The restricted log-likelihood of τ², up to a constant (-inf where Q overflows)."""
    total, half = _scaled_total(s.v, tau2)
    p = pool(s, tau2)
    q = squared_z(s, p.mu, tau2)
    log_total = float(np.log(total).sum()) + len(total) * 2 * half * math.log(2.0)
    log_sw = math.log(p.sw) - 2.0 * math.log(p.root) - 2 * p.half * math.log(2.0)
    return -0.5 * (log_total + log_sw + q)


def tau2_reml(s: Studies) -> float:
    """The REML estimate of τ², a root of the score, to machine precision.

    The score is scanned on a grid from 0 to a τ² beyond which it is negative, at least four
    points a decade from a millionth of the smallest variance; each sign change from + to -
    brackets a local maximum, refined by Brent's method. The estimate is the candidate (0
    included when the score is negative there) of highest restricted likelihood. Unlike Fisher
    scoring, this cannot oscillate, and its answer does not depend on the order of the studies.
    """
    from scipy import optimize

    spread = unscale(float(np.var(s.y, ddof=1)), 2 * s.exponent)
    upper = min(10.0 * (spread + float(s.v.max())), _MAX) or np.finfo(float).tiny
    while _reml_score(s, upper) > 0:
        if upper >= _MAX:
            msg = (
                "the REML estimate of tau², the variance between the `effects`, exceeds the "
                f"range of a double; {FLOAT_RANGE}"
            )
            raise EstimationError(msg)
        upper = min(upper * 10.0, _MAX)
    low = max(float(s.v.min()) * 1e-6, upper * 1e-300, np.finfo(float).tiny)
    points = max(_REML_MIN_GRID, int(_REML_PER_DECADE * math.log10(upper / low)) + 1)
    with np.errstate(over="ignore"):  # the last point may round above the largest double
        spaced = np.minimum(np.exp(np.linspace(math.log(low), math.log(upper), points)), upper)
    grid = np.concatenate([[0.0], spaced])
    score = np.array([_reml_score(s, t) for t in grid])
    candidates = [0.0] if score[0] <= 0 else []
    for i in np.flatnonzero((score[:-1] > 0) & (score[1:] <= 0)).tolist():
        # disp=False: where rounding makes the score noisy near its root, Brent may not meet
        # the tolerance; its last iterate is then within the noise, which is what is wanted
        root, _ = optimize.brentq(
            lambda t: _reml_score(s, t),
            grid[i],
            grid[i + 1],
            xtol=_REML_TOL * max(grid[i], grid[i + 1] * 1e-12, 1e-300),
            rtol=4 * np.finfo(float).eps,
            maxiter=200,
            full_output=True,
            disp=False,
        )
        candidates.append(float(root))
    if not candidates:  # pragma: no cover - the score is negative at `upper`
        raise EstimationError("the REML estimate of tau² could not be bracketed; use method='DL'")
    return max(candidates, key=lambda t: _reml_loglik(s, t))
