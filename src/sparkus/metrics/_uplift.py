"""Did the targeting work: the Qini and uplift curves of a score, as scikit-uplift defines them.

People are ranked by the score, highest first; people with the same score enter together (one
point of the curve per distinct score, as scikit-uplift's ``qini_curve`` and ``uplift_curve``).
At the point where the first ``k`` people are targeted, with ``k_t`` treated and ``k_c``
controls among them and ``r_t``, ``r_c`` of those responding,

- the **Qini curve** is ``r_t - r_c * k_t / k_c`` (0 when ``k_c = 0``): the extra responders
  among the treated over what the controls' rate predicts;
- the **uplift curve** is ``(r_t / k_t - r_c / k_c) * k`` (a rate with no one in its group
  counts as 0): the difference in response rates, scaled to the people targeted.

Both start at ``(0, 0)``. Each coefficient is the area between the curve and the straight
line from ``(0, 0)`` to the curve's end (random targeting), divided by the same area for the
perfect ranking (trapezoids): scikit-uplift's ``qini_auc_score`` (with
``negative_effect=True``: the perfect Qini ranking scores treated responders first and
control responders last) and ``uplift_auc_score``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import FloatArray, schema_error
from sparkus._checks_effects import indicator, same_length, vector
from sparkus._errors import EstimationError
from sparkus._results import Result, Table, format_number
from sparkus.metrics._estimate import frozen
from sparkus.metrics._rows import paired_rows

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["QiniResult", "qini"]

_MIN_PER_GROUP: Final = 2
"""The fewest people :func:`qini` takes in each group, treated and control."""


@attrs.frozen(repr=False, eq=False)
class QiniResult(Result):
    """The Qini and uplift curves of a targeting score, and their normalised areas.

    .. versionadded:: 0.1

    Attributes
    ----------
    targeted : ndarray of float64
        The number of people targeted at each point of the curves: 0, then the end of each
        run of equal scores, highest score first, up to `n`.
    qini_curve : ndarray of float64
        The Qini curve at each point: the treated responders among those targeted minus the
        control responders scaled to the number treated, ``r_t - r_c * k_t / k_c``.
    uplift_curve : ndarray of float64
        The uplift curve at each point: ``(r_t / k_t - r_c / k_c) * k``.
    coefficient : float
        The Qini coefficient: the area between the Qini curve and random targeting, over that
        of the perfect ranking (scikit-uplift's ``qini_auc_score``, ``negative_effect=True``).
        1 is the perfect ranking, 0 no better than random, negative worse than random.
    uplift_auc : float
        The same normalised area for the uplift curve (scikit-uplift's ``uplift_auc_score``).
    n : int
        The number of people.
    n_treated : int
        How many of them were treated.

    See Also
    --------
    qini : Computes this result.
    """

    targeted: FloatArray
    qini_curve: FloatArray
    uplift_curve: FloatArray
    coefficient: float
    uplift_auc: float
    n: int
    n_treated: int

    def _headline(self) -> str:
        return (
            f"coefficient={format_number(self.coefficient)}, "
            f"uplift_auc={format_number(self.uplift_auc)}, n={self.n:,}"
        )

    def _tables(self) -> list[Table]:
        rows = (
            ("Qini coefficient", format_number(self.coefficient)),
            ("area under the uplift curve (normalised)", format_number(self.uplift_auc)),
            ("people", f"{self.n:,}"),
            ("treated", f"{self.n_treated:,}"),
            ("points on each curve", f"{len(self.targeted):,}"),
        )
        note = (
            "Areas between each curve and random targeting, over the perfect ranking's "
            "(scikit-uplift's qini_auc_score and uplift_auc_score)."
        )
        return [Table("Qini and uplift curves", ("quantity", "value"), rows, note)]

    def plot(self, ax: Axes | None = None, *, curve: str = "qini") -> Axes:
        """Draw the Qini (or uplift) curve beside the random-targeting line.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Where to draw; the current axes by default.
        curve : {"qini", "uplift"}, default "qini"
            Which curve.

        Returns
        -------
        matplotlib.axes.Axes
            The axes drawn on.

        Raises
        ------
        SchemaError
            If `curve` is not "qini" or "uplift", or `ax` is neither None nor a matplotlib Axes.
        ImportError
            If matplotlib is not installed (install ``sparkus[plot]``).
        """
        from sparkus._checks import check_choice
        from sparkus.metrics._plots import axes_or_current

        kind = check_choice(curve, "curve", ("qini", "uplift"))
        ax = axes_or_current(ax, "QiniResult.plot")
        values = self.qini_curve if kind == "qini" else self.uplift_curve
        ax.plot(self.targeted, values, label=f"{kind} curve")
        ax.plot([0.0, self.targeted[-1]], [0.0, values[-1]], linestyle="--", label="random")
        ax.set_xlabel("people targeted, highest score first")
        ax.set_ylabel("extra responders" if kind == "qini" else "uplift times people targeted")
        ax.legend()
        return ax


def _curves(
    y: FloatArray, t: FloatArray, score: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The points ``k`` and the Qini and uplift curves at them, ``(0, 0)`` first."""
    order = np.argsort(-score, kind="stable")
    s = score[order]
    ends = np.r_[np.flatnonzero(s[1:] != s[:-1]), len(s) - 1]  # no overflow at ±1.8e308
    yo, to = y[order], t[order]
    k = (ends + 1).astype(np.float64)
    kt = np.cumsum(to)[ends]
    rt = np.cumsum(yo * to)[ends]
    rc = np.cumsum(yo * (1.0 - to))[ends]
    kc = k - kt
    safe_kc = np.where(kc > 0, kc, 1.0)
    safe_kt = np.where(kt > 0, kt, 1.0)
    qini = rt - np.where(kc > 0, rc * kt / safe_kc, 0.0)
    rate_t = np.where(kt > 0, rt / safe_kt, 0.0)
    rate_c = np.where(kc > 0, rc / safe_kc, 0.0)
    uplift = (rate_t - rate_c) * k
    return np.r_[0.0, k], np.r_[0.0, qini], np.r_[0.0, uplift]


def _area_above_random(x: FloatArray, v: FloatArray) -> float:
    """The trapezoid area under ``v(x)`` less that of the line from ``(0, 0)`` to its end."""
    area = float(np.sum((x[1:] - x[:-1]) * (v[1:] + v[:-1]) / 2.0))
    return area - float(x[-1] * v[-1] / 2.0)


def _normalised(
    x: FloatArray, v: FloatArray, best: tuple[FloatArray, FloatArray], what: str
) -> float:
    perfect = _area_above_random(*best)
    if perfect == 0.0:
        msg = (
            f"the perfect ranking's {what} curve lies on the random line, so the {what} "
            "coefficient is undefined (no responders, or a response rate that no ranking "
            "can separate)"
        )
        raise EstimationError(msg)
    return _area_above_random(x, v) / perfect


def _qini_iv(
    y: object, treated: object, score: object
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The outcome and the treatment as 0.0/1.0, and the score, of rows checked and paired."""
    rows = paired_rows(("y", y), ("treated", treated), ("score", score))
    outcome = indicator(rows[0], "y").astype(np.float64)
    group = indicator(rows[1], "treated")
    values = vector(rows[2], "score")
    same_length(("y", len(outcome)), ("treated", len(group)), ("score", len(values)))
    n = len(group)
    n1 = int(np.count_nonzero(group))
    if n1 in (0, n):
        which = "everyone was" if n1 == n else "no one was"
        raise schema_error("treated", f"{which} treated; the curves compare the two groups")
    if min(n1, n - n1) < _MIN_PER_GROUP:
        msg = (
            f"`treated` holds {n1:,} treated and {n - n1:,} control people; the curves compare "
            f"the response rates of the two groups, and each needs at least {_MIN_PER_GROUP} "
            "people (the rate of one person is that person's outcome, so the curves and "
            "coefficients would rank one person against the rest)"
        )
        raise EstimationError(msg)
    responders = int(np.count_nonzero(outcome))
    if responders in (0, n):
        which = "every" if responders == n else "no"
        msg = (f"{which} y is 1: the curves count responders against non-responders, so a "
               "constant outcome leaves nothing to rank (the coefficients are undefined)")  # fmt: skip
        raise EstimationError(msg)
    return outcome, group.astype(np.float64), values


def qini(y: npt.ArrayLike, treated: npt.ArrayLike, score: npt.ArrayLike) -> QiniResult:
    """The Qini curve, the Qini coefficient and the area under the uplift curve of a score.

    .. versionadded:: 0.1

    Ranks people by `score` (their predicted benefit, highest first) and asks, in a sample
    where treatment was randomised, whether those ranked first gained more: the Qini curve
    counts the extra responders among the treated over what the controls' response rate
    predicts, as more people are targeted. The definitions are scikit-uplift's (module notes).

    Parameters
    ----------
    y : array-like of {0, 1} or bool, shape (n,)
        The binary outcome (responded or not), as scikit-uplift requires.
    treated : array-like of {0, 1} or bool, shape (n,)
        Whether each person was treated. Each group, treated and control, needs at least
        two people.
    score : array-like of float, shape (n,)
        The targeting score: the predicted uplift, or anything ranked the same way.

    Returns
    -------
    QiniResult
        The curves, the Qini coefficient (`coefficient`) and the normalised area under the
        uplift curve (`uplift_auc`); ``result.plot()`` draws the curve.

    Raises
    ------
    SchemaError
        If `y` or `treated` is not 0/1, if everyone or no one was treated (naming
        `treated`), or if `score` is not numeric.
    EstimationError
        If an input has missing or infinite values, if the lengths differ, if only one person
        was treated or only one was not (the curves then rank one person's outcome), if `y` is
        constant (no responders, or no one else), or if the perfect ranking is no better than
        random, so the coefficients are undefined.

    See Also
    --------
    policy_value : The doubly robust value of treating whom a policy picks.

    Notes
    -----
    The curves and both areas equal scikit-uplift's ``qini_curve``, ``uplift_curve``,
    ``qini_auc_score`` and ``uplift_auc_score`` to rounding (compared in the tests). The
    coefficients are descriptive: no standard error is given.

    References
    ----------
    Radcliffe, N. J. (2007). Using control groups to target on predicted lift: building and
    assessing uplift models. *Direct Marketing Analytics Journal* 1, 14-21.

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.metrics import qini
    >>> rng = np.random.default_rng(7)
    >>> readiness = rng.normal(0.0, 1.0, 2000)
    >>> coached = rng.random(2000) < 0.5
    >>> promoted = rng.random(2000) < 0.2 + 0.2 * coached * (readiness > 0)
    >>> result = qini(promoted, coached, readiness)
    >>> result
    QiniResult(coefficient=0.1441, uplift_auc=0.1269, n=2,000)
    >>> result.targeted[:3], np.round(result.qini_curve[:3], 3)
    (array([0., 1., 2.]), array([ 0.,  0., -1.]))
    """
    outcome, t, values = _qini_iv(y, treated, score)
    n, n1 = len(t), int(np.count_nonzero(t))
    x, q, u = _curves(outcome, t, values)
    # the perfect rankings, as scikit-uplift's perfect_qini_curve (negative_effect=True) and
    # perfect_uplift_curve build them
    bx, bq, _ = _curves(outcome, t, outcome * t - outcome * (1.0 - t))
    control_responders = np.count_nonzero((outcome == 1.0) & (t == 0.0))
    treated_silent = np.count_nonzero((outcome == 0.0) & (t == 1.0))
    summand = outcome if control_responders > treated_silent else t
    ux, _, uu = _curves(outcome, t, 2.0 * (outcome == t) + summand)
    coefficient = _normalised(x, q, (bx, bq), "Qini")
    uplift_auc = _normalised(x, u, (ux, uu), "uplift")
    return QiniResult(
        targeted=frozen(x),
        qini_curve=frozen(q),
        uplift_curve=frozen(u),
        coefficient=coefficient,
        uplift_auc=uplift_auc,
        n=n,
        n_treated=n1,
    )
