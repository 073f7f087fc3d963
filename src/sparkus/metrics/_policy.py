"""The value of a targeting policy, doubly robust: what would the outcome be if we treated whom it picks.

For a policy ``π`` (1 = treat, 0 = do not) the augmented inverse probability weighted (AIPW)
value is the mean over people of

``π Γ1 + (1 - π) Γ0``, with ``Γ1 = m1 + t (y - m1) / e`` and ``Γ0 = m0 + (1 - t) (y - m0) / (1 - e)``,

where ``e`` is the propensity (the probability of being treated) and ``m1``, ``m0`` the outcome
models of the treated and the untreated (Dudík, Langford & Li 2011; Athey & Wager 2021). It is
consistent when either the propensity or the outcome models are right. The difference of two
policies is the mean of ``(π - π') (Γ1 - Γ0)``: the same people, so the two values are paired.

- The propensity is the one given, else a logistic regression on `X` (as
  :func:`~sparkus.metrics.aipw`), else the treated share (a randomised program).
- The outcome models are least squares on ``[1, X]`` fitted within each group; without `X`
  they are the groups' mean outcomes (``m1 = ȳ1``, ``m0 = ȳ0``). The value then stays
  doubly robust rather than the unnormalised (Horvitz-Thompson) inverse probability weighted
  mean ``mean(π t y / e + (1 - π) (1 - t) y / (1 - e))``, which is not equivariant to the
  outcome's location: on a constant outcome it is not that constant unless the weights
  happen to average 1. With the means an outcome that barely varies about a level is valued
  at that level, shifting `y` shifts the value by as much, and like the self-normalised
  (Hájek) estimator it needs no weight to average 1 (Robins, Sued, Lei-Gomez & Rotnitzky
  2007).

The standard error is the standard deviation of the terms (divisor ``n``) over ``√n``, treating
the fitted models as known (as :func:`~sparkus.metrics.aipw`); the interval is normal. EconML's
``LinearDRLearner`` reports the same standard error for treating everyone against no one times
``√(n / (n - 1))`` (its HC1 correction).

The outcome models are fitted to each group's deviations from that group's median outcome,
which is added back at the end: an outcome of ``1e15`` plus noise keeps every digit of its
noise (shifting the outcome moves the value by the shift and leaves the difference and the
standard errors as they were), and an outcome that is one number in each group has residuals
of exactly zero, so that a standard error of zero is refused as such rather than reported as
rounding noise.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import (
    BoolArray,
    FloatArray,
    check_level,
    check_number,
    describe,
    is_real,
    schema_error,
)
from sparkus._checks_effects import indicator, same_length, vector
from sparkus._errors import EstimationError, SparkusWarning
from sparkus.metrics._estimate import Estimate, finite_or_raise, wald_estimate
from sparkus.metrics._overlap import MAX_WEIGHT, fit_design, warn_overlap, weighting_data
from sparkus.metrics._rows import paired_rows
from sparkus.metrics._stable import centred, common_scale
from sparkus.metrics._weighting import outcome_fit

__all__ = ["policy_difference", "policy_value"]


@attrs.frozen(eq=False)
class Scores:
    """The doubly robust scores ``Γ1 = c1 + gamma1`` and ``Γ0 = c0 + gamma0`` of every person.

    ``c1`` and ``c0`` are the median outcomes of the treated and of the untreated, and all
    four in units of ``2**exponent``; `how` says how the propensity and the outcome models
    were had.
    """

    c1: float
    c0: float
    gamma1: FloatArray
    gamma0: FloatArray
    exponent: int
    how: str


def _propensity(value: object, n: int) -> FloatArray:
    """The given propensity, a number or one per person, each strictly between 0 and 1."""
    if isinstance(value, bool | np.bool_):
        msg = f"expected a probability or one per person, got {describe(value)}"
        raise schema_error("propensity", msg)
    if is_real(value):  # one number for everyone (an int past the float range refused too)
        return np.full(n, check_number(value, "propensity", low=0.0, high=1.0, low_open=True,
                                       high_open=True, what="a probability"))  # fmt: skip
    e = vector(value, "propensity")
    bad = ~((e > 0.0) & (e < 1.0))
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        msg = (
            f"expected probabilities strictly between 0 and 1, got {e[row]:g} at row {row}; "
            "a person who could not have been treated (or untreated) has no weight"
        )
        raise schema_error("propensity", msg)
    return e


def _gammas(
    y: object, treated: object, policies: list[tuple[str, object]], X: object,
    propensity: object, names: object, stacklevel: int,
) -> tuple[Scores, list[BoolArray]]:  # fmt: skip
    """The doubly robust scores of every person, and the policies (as 0/1 arrays)."""
    scalar = is_real(propensity)
    inputs: list[tuple[str, object]] = [("y", y), ("treated", treated), *policies]
    if X is not None:
        inputs.append(("X", X))
    if propensity is not None and not scalar:
        inputs.append(("propensity", propensity))
    aligned = dict(zip([k for k, _ in inputs], paired_rows(*inputs), strict=True))
    if aligned["y"] is None:
        raise schema_error("y", "expected the outcome, one value per person, got None")
    outcome = vector(aligned["y"], "y", minimum=2)
    group = indicator(aligned["treated"], "treated")
    chosen = [indicator(aligned[name], name) for name, _ in policies]
    lengths = [("y", len(outcome)), ("treated", len(group))]
    lengths += [(name, len(p)) for (name, _), p in zip(policies, chosen, strict=True)]
    same_length(*lengths)
    n = len(group)
    n1 = int(np.count_nonzero(group))
    if n1 in (0, n):
        which = "everyone was" if n1 == n else "no one was"
        msg = f"{which} treated; a policy's value needs people treated and people not"
        raise schema_error("treated", msg)
    exponent, (scaled,) = common_scale(outcome)
    if X is None:
        covariates: FloatArray = np.empty((n, 0))
        labels: tuple[str, ...] = ()
        model = "outcome model the group means"
    else:
        data = weighting_data(outcome, group, aligned["X"], "ATE", None, names)
        covariates, labels = data.X, data.names
        model = "linear outcome model per group"
    # each group's outcome about the median of that group: the deviations of values close
    # together (1e15 plus noise) keep every digit, and a group whose outcome is one number
    # has residuals of exactly 0, not rounding noise that would pass for a standard error
    c1 = float(np.median(scaled[group]))
    c0 = float(np.median(scaled[~group]))
    r1, r0 = scaled - c1, scaled - c0
    m1 = outcome_fit(covariates, r1, group, labels, "treated")
    m0 = outcome_fit(covariates, r0, ~group, labels, "control")
    if propensity is not None:
        e = _propensity(propensity if scalar else aligned["propensity"], n)
        same_length(("y", n), ("propensity", len(e)))
        source = "propensity given"
    elif X is None:
        e = np.full(n, n1 / n)
        source = "propensity the treated share"
    else:
        d = fit_design(data)
        warn_overlap(d.diagnostics, stacklevel=stacklevel + 1)
        e = d.fit.propensity
        source = "logistic propensity"
    t = group.astype(np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        gamma1 = m1 + t * (r1 - m1) / e
        gamma0 = m0 + (1.0 - t) * (r0 - m0) / (1.0 - e)
    _finite_terms(gamma1, gamma0, e=e)
    if propensity is not None:  # a fitted one was checked with the rest of its overlap
        _warn_heavy(e, group, stacklevel + 1)
    return Scores(c1, c0, gamma1, gamma0, exponent, f"{source}, {model}"), chosen


def _warn_heavy(e: FloatArray, group: BoolArray, stacklevel: int) -> None:
    """Warn, as a fitted propensity's overlap check does, of people weighing above 100."""
    weight = np.where(group, 1.0 / e, 1.0 / (1.0 - e))  # finite: the terms were
    heavy = int(np.count_nonzero(weight > MAX_WEIGHT))
    if heavy:
        units = "1 person gets a weight" if heavy == 1 else f"{heavy:,} people get weights"
        msg = (
            f"poor overlap: {units} above {MAX_WEIGHT:g} (a propensity given below "
            f"{1 / MAX_WEIGHT:g} among the treated or above {1 - 1 / MAX_WEIGHT:g} among the "
            "untreated): the value rests on few people"
        )
        warnings.warn(msg, SparkusWarning, stacklevel=stacklevel + 1)


def _finite_terms(*terms: FloatArray, e: FloatArray | None = None) -> None:
    """EstimationError if a doubly robust term left the range of a double, and why."""
    if all(np.isfinite(term).all() for term in terms):
        return
    why = "`y` is too large for them; rescale it (to thousands, say)"
    if e is not None:
        low, high = float(e.min()), float(e.max())
        why = (
            f"the weights 1 / propensity and 1 / (1 - propensity), with propensities from "
            f"{low:g} to {high:g}, times the outcome's residuals are too large; a propensity "
            "that close to 0 or 1 leaves those people almost no chance of the other arm "
            "(trim them, or rescale `y`)"
        )
    msg = f"the doubly robust terms are beyond the range of double precision: {why}"
    raise EstimationError(msg)


def _estimate(offset: float, terms: FloatArray, level: float, exponent: int, method: str,
              measure: str | None, alike: str) -> Estimate:  # fmt: skip
    """The estimate ``offset + mean(terms)``, its standard error from the spread of `terms`.

    `offset` and `terms` are in units of ``2**exponent``; `alike` says when every term is
    the same (for the error then).
    """
    n = len(terms)
    _finite_terms(terms)
    shift, (unit,) = common_scale(terms)  # every |term| below 1: no sum overflows
    # about their median, so that terms all alike have deviations of exactly 0 (their mean,
    # a sum of n copies divided by n, is off by a rounding that would pass for a spread)
    middle, deviations = centred(unit)
    mean = float(deviations.mean())
    spread = deviations - mean
    top = float(np.max(np.abs(spread)))
    se = top * math.sqrt(float(np.sum((spread / top) ** 2))) / n if top > 0 else 0.0
    value = math.ldexp(offset, -shift) + middle + mean
    finite_or_raise((value, se), "the value or its standard error")
    if not se > 0:
        msg = (
            f"the standard error is zero: every person's doubly robust term is the same "
            f"({alike}), so there is no variation to estimate it from"
        )
        raise EstimationError(msg)
    return wald_estimate(value, se, None, level, statistic=value / se, n=n, method=method,
                         exponent=exponent + shift, measure=measure)  # fmt: skip


def policy_value(
    y: npt.ArrayLike,
    treated: npt.ArrayLike,
    policy: npt.ArrayLike,
    *,
    X: npt.ArrayLike | Mapping[str, npt.ArrayLike] | Any = None,
    propensity: float | npt.ArrayLike | None = None,
    names: Sequence[str] | None = None,
    level: float = 0.95,
) -> Estimate:
    """The doubly robust (AIPW) value of treating whom a policy picks: the mean outcome then.

    .. versionadded:: 0.1

    Estimates what the average outcome would have been had exactly the people with
    ``policy == 1`` been treated, from a sample where treatment was randomised (give the
    `propensity`) or depended on the covariates `X` (the propensity is then fitted). See the
    module notes for the formula.

    Parameters
    ----------
    y : array-like of float, shape (n,)
        The outcome.
    treated : array-like of bool or {0, 1}, shape (n,)
        Whether each person was treated. Both groups must occur.
    policy : array-like of bool or {0, 1}, shape (n,)
        Whom the policy treats (1) and whom not (0).
    X : array-like of shape (n,) or (n, p), or a mapping of name to column, optional
        Covariates for the outcome models (least squares within each group) and, when
        `propensity` is not given, the logistic propensity model. Without it the outcome
        models are the two groups' mean outcomes (see the module notes).

        .. versionchanged:: 0.1
           Without `X` the outcome models are the groups' means, no longer zero: the
           unnormalised inverse probability weighted value did not return a constant
           outcome's constant.
    propensity : float or array-like of float, optional
        The known probability of treatment (one number, or one per person), strictly between
        0 and 1: 0.5 for a randomised program with equal arms. Default: fitted on `X`, or the
        treated share when `X` is not given.
    names : sequence of str, optional
        The names of the columns of an array `X`.
    level : float, default 0.95
        The confidence level.

    Returns
    -------
    Estimate
        The value, its standard error, normal interval, and the z test against 0; `n` counts
        the people.

    Raises
    ------
    SchemaError
        If `policy` or `treated` is not 0/1 (naming it), if everyone or no one was treated,
        or if a `propensity` is not strictly between 0 and 1.
    EstimationError
        If the lengths differ, if a value is missing, if an outcome model cannot be fitted
        (as :func:`aipw`), or if the standard error is zero (an outcome that is the same for
        everyone, say).

    Warns
    -----
    SparkusWarning
        When overlap is poor: for a fitted propensity, as :func:`aipw`; for a given one, when
        someone's weight (``1 / e`` if treated, ``1 / (1 - e)`` if not) is above 100.

    See Also
    --------
    policy_difference : The difference between two policies' values, paired.
    qini : How well a score ranks people by their gain.

    References
    ----------
    Dudík, M., Langford, J. & Li, L. (2011). Doubly robust policy evaluation and learning.
    *Proceedings of ICML*, 1097-1104.

    Athey, S. & Wager, S. (2021). Policy learning with observational data. *Econometrica*
    89(1), 133-161.

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.metrics import policy_value
    >>> rng = np.random.default_rng(3)
    >>> readiness = rng.normal(0.0, 1.0, 1000)
    >>> coached = rng.random(1000) < 0.5
    >>> growth = readiness + coached * (readiness > 0) + rng.normal(0.0, 1.0, 1000)
    >>> value = policy_value(growth, coached, readiness > 0, X={"readiness": readiness},
    ...                      propensity=0.5)
    >>> round(value.estimate, 3), round(value.se, 3)  # the truth: 0.5
    (0.557, 0.065)
    """
    confidence = check_level(level)
    scores, (chosen,) = _gammas(
        y, treated, [("policy", policy)], X, propensity, names, stacklevel=2
    )
    # Γ1 - c0 for those treated, Γ0 - c0 for the others: their spread is the policy's
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is refused by _estimate
        terms = np.where(chosen, (scores.c1 - scores.c0) + scores.gamma1, scores.gamma0)
    method = f"AIPW value of the policy ({scores.how}; influence-function SE)"
    alike = (
        "as for an outcome that is the same for everyone, or one number among the treated "
        "and another among the untreated with a policy that treats everyone or no one"
    )
    return _estimate(scores.c0, terms, confidence, scores.exponent, method, None, alike)


def policy_difference(
    y: npt.ArrayLike,
    treated: npt.ArrayLike,
    policy: npt.ArrayLike,
    baseline: npt.ArrayLike,
    *,
    X: npt.ArrayLike | Mapping[str, npt.ArrayLike] | Any = None,
    propensity: float | npt.ArrayLike | None = None,
    names: Sequence[str] | None = None,
    level: float = 0.95,
) -> Estimate:
    """How much more a policy's value is than a baseline policy's, doubly robust and paired.

    .. versionadded:: 0.1

    The value of `policy` minus that of `baseline` (each as :func:`policy_value`), on the
    same people: the mean of ``(π - π') (Γ1 - Γ0)``, so only the people the two policies
    treat differently count, and the standard error accounts for the pairing. "Treat by
    predicted benefit" against "treat by readiness", for instance.

    Parameters
    ----------
    y, treated : array-like, shape (n,)
        As :func:`policy_value`.
    policy : array-like of bool or {0, 1}, shape (n,)
        The policy whose gain is estimated.
    baseline : array-like of bool or {0, 1}, shape (n,)
        The policy it is compared with.
    X, propensity, names, level
        As :func:`policy_value`.

    Returns
    -------
    Estimate
        The difference ``value(policy) - value(baseline)``, its standard error, normal
        interval and z test against 0.

    Raises
    ------
    SchemaError
        As :func:`policy_value`, and if `baseline` is not 0/1.
    EstimationError
        As :func:`policy_value`; and if the two policies treat everyone alike (the standard
        error is zero).

    Warns
    -----
    SparkusWarning
        As :func:`policy_value`.

    See Also
    --------
    policy_value : One policy's value.

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.metrics import policy_difference
    >>> rng = np.random.default_rng(3)
    >>> readiness = rng.normal(0.0, 1.0, 1000)
    >>> coached = rng.random(1000) < 0.5
    >>> growth = readiness + coached * (readiness > 0) + rng.normal(0.0, 1.0, 1000)
    >>> gain = policy_difference(growth, coached, readiness > 0, readiness < 0,
    ...                          X={"readiness": readiness}, propensity=0.5)
    >>> round(gain.estimate, 3), [round(v, 3) for v in gain.ci]  # the truth: 0.5
    (0.512, [0.379, 0.646])
    """
    confidence = check_level(level)
    scores, (chosen, other) = _gammas(
        y, treated, [("policy", policy), ("baseline", baseline)], X, propensity, names,
        stacklevel=2,
    )  # fmt: skip
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is refused by _estimate
        gain = (scores.c1 - scores.c0) + (scores.gamma1 - scores.gamma0)
        terms = (chosen.astype(np.float64) - other.astype(np.float64)) * gain
    method = f"AIPW difference of two policies' values ({scores.how}; paired influence-function SE)"
    alike = (
        "as for two policies that treat everyone alike, or an outcome that is one number "
        "among the treated and another among the untreated with one policy treating everyone "
        "and the other no one"
    )
    return _estimate(0.0, terms, confidence, scores.exponent, method, "difference", alike)
