"""Randomisation inference for a randomised rollout: the design drawn again, many times.

When waves are drawn by lot, the lot itself is the basis of inference (Fisher's exact test,
Rosenbaum 2002, ch. 2): under the sharp null that the support changed nobody's outcome, the
outcomes are fixed and only the draw varies, so the statistic's distribution is that of the
statistic over the draws the design could have made. :func:`randomization_test` redraws the
design with its own randomisation (:func:`~sparkus.metrics.design_rollout`'s draw: the same
strata, the same clusters, the same number of units per wave up to which waves take a
stratum's remainder) and compares. The p-value counts the observed draw among the draws
(Phipson & Smyth 2010), so it is never 0 and is exact for any number of draws.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator
from typing import Any, Final, Literal, TypeAlias, cast

import attrs
import numpy as np

from sparkus._checks import (
    FloatArray,
    IntArray,
    check_choice,
    check_number,
    check_rng,
    describe,
    real_array,
    schema_error,
)
from sparkus._errors import EstimationError, shown
from sparkus._results import Result, Table, format_number
from sparkus.metrics._rollout import RolloutDesign, deal_order, draw_waves
from sparkus.metrics._stable import common_scale, unscale

__all__ = ["RandomizationTest", "randomization_test"]

Alternative: TypeAlias = Literal["two-sided", "greater", "less"]
_ALTERNATIVES: Final[tuple[Alternative, ...]] = ("two-sided", "greater", "less")
MAX_DRAWS: Final = 1_000_000
"""The most draws a test may take."""
MAX_EXACT: Final = 200_000
"""The most distinct draws ``draws="exact"`` enumerates."""
_TOLERANCE: Final = 1e-12  # relative: a redraw ties with the observed statistic within it


@attrs.frozen(repr=False, eq=False)
class RandomizationTest(Result):
    """A randomisation test of a randomised rollout.

    .. versionadded:: 0.1

    Attributes
    ----------
    statistic : float
        The statistic on the rollout as drawn.
    pvalue : float
        ``(1 + b) / (1 + m)`` for `m` random redraws of which `b` give a statistic at least as
        extreme (Phipson & Smyth 2010); with ``draws="exact"``, the share of all the draws
        the design could have made (each as likely) that are at least as extreme.
    null : ndarray of float64
        The statistic on each redraw (each distinct draw for ``"exact"``).
    draws : int
        The number of redraws, or of distinct draws for ``"exact"``.
    exact : bool
        Whether every draw was enumerated.
    alternative : str
        ``"two-sided"`` (``|T| >= |t|``), ``"greater"`` (``T >= t``) or ``"less"``.
    period : int or None
        The period of the built-in statistic (None for a callable).
    method : str
        What was tested, in words.

    Examples
    --------
    >>> from sparkus.metrics import design_rollout, randomization_test
    >>> people = {"site": ["x"] * 10 + ["y"] * 10, "tenure": list(range(20))}
    >>> design = design_rollout(people, waves=2, strata="site", rng=3)
    >>> y = 2.0 * (design.wave == 1) + [0.1 * (i % 7) for i in range(20)]
    >>> test = randomization_test(design, y, draws=999, rng=4)
    >>> round(test.statistic, 2), test.pvalue
    (1.79, 0.001)
    """

    statistic: float
    pvalue: float
    null: FloatArray
    draws: int
    exact: bool
    alternative: str
    period: int | None
    method: str

    def _headline(self) -> str:
        how = "exact" if self.exact else f"draws={self.draws:,}"
        return (
            f"statistic={format_number(self.statistic)}, pvalue={format_number(self.pvalue)}, "
            f"{how}, {self.alternative}"
        )

    def _tables(self) -> list[Table]:
        rows = (
            ("statistic", format_number(self.statistic)),
            ("p-value", format_number(self.pvalue)),
            ("alternative", self.alternative),
            ("draws", f"all {self.draws:,} (exact)" if self.exact else f"{self.draws:,}"),
            ("null: mean", format_number(float(self.null.mean()))),
            ("null: standard deviation", format_number(float(self.null.std()))),
        )
        return [Table("Randomisation test", ("", "value"), rows, note=self.method)]


def early_vs_late(y: FloatArray, wave: IntArray, period: int) -> float:
    """Mean outcome of the waves started by `period` minus that of the waves not yet started.

    Computed in units of a power of two near the largest outcome (exact), so outcomes near
    1e308 do not overflow their sums, and from the smallest outcome, so outcomes that are all
    equal give exactly 0 on every draw (their means would differ in the last bit from draw to
    draw, and the p-value would count rounding); a difference beyond the largest double is
    infinite.
    """
    early = wave <= period
    if early.all() or not early.any():
        return math.nan
    exponent, (scaled,) = common_scale(y)
    scaled = scaled - scaled.min()
    return unscale(float(scaled[early].mean() - scaled[~early].mean()), exponent)


def _randomization_test_iv(
    design: object, y: object, statistic: object, period: object, draws: object,
    alternative: object, rng: object,
) -> tuple[RolloutDesign, FloatArray, int | None, bool, Alternative, np.random.Generator]:  # fmt: skip
    if not isinstance(design, RolloutDesign):
        msg = f"expected a RolloutDesign (from design_rollout), got {describe(design)}"
        raise schema_error("design", msg)
    values = real_array(_by_label(y, design), "y")
    n = design.wave.shape[0]
    if values.shape != (n,):
        raise schema_error("y", f"expected one outcome per person ({n}), got shape {values.shape}")
    if (bad := np.flatnonzero(~np.isfinite(values))).size:
        rows = ", ".join(str(i) for i in bad[:5].tolist())
        if design.ids is not None:  # a pandas y was put in the design's order: name the people
            rows += f" (ids {', '.join(map(shown, design.ids[bad[:5]].tolist()))})"
        msg = f"rows {rows} are missing or not finite; every person needs a finite outcome"
        raise schema_error("y", msg)
    chosen_period: int | None = None
    if isinstance(statistic, str) and statistic == "early_vs_late":
        if design.waves < 2:
            raise schema_error("design", "has one wave: early against late needs two or more")
        chosen_period = int(check_number(period, "period", low=1, high=design.waves - 1,
                                         integer=True))  # fmt: skip
    elif not callable(statistic):
        msg = f"expected 'early_vs_late' or a function of (y, wave), got {describe(statistic)}"
        raise schema_error("statistic", msg)
    exact = isinstance(draws, str) and draws == "exact"
    if isinstance(draws, str) and not exact:
        msg = f"expected 'exact' or an integer from 1 to {MAX_DRAWS:,}, got {describe(draws)}"
        raise schema_error("draws", msg)
    if not exact:
        check_number(draws, "draws", low=1, high=MAX_DRAWS, integer=True)
    side = check_choice(alternative, "alternative", _ALTERNATIVES)
    return design, values, chosen_period, exact, side, check_rng(rng)


def _by_label(y: object, design: RolloutDesign) -> object:
    """A pandas `y` put in the design's row order by its index, or refused; else as it is.

    The design names its rows by their ids (read as text), or by their row numbers without ids
    (as numbers, or as text), as the index of its ``to_frame()``: a Series indexed otherwise,
    or in another order, would be paired with the waves by position, so it is aligned by label
    or refused naming some labels at fault.
    """
    index: Any = getattr(y, "index", None)
    if not type(y).__module__.startswith("pandas") or not hasattr(index, "get_indexer"):
        return y
    what = "the design's ids" if design.ids is not None else "the design's row numbers"
    labels: Any = np.arange(len(design.wave)) if design.ids is None else design.ids
    if design.ids is not None or index.dtype.kind not in "iuf":  # text, as the design reads it
        labels, given = labels.astype(str), index.map(str)
    else:
        given = index
    fix = (f"index `y` by {what} (the index of its to_frame()), or pass `y.to_numpy()` in the "
           "design's row order")  # fmt: skip
    if not given.is_unique:
        raise schema_error("y", f"has repeated index labels; {fix}")
    where = given.get_indexer(labels)
    missing = [labels[k] for k in np.flatnonzero(where < 0)[:5].tolist()]
    extra = sorted(set(given.tolist()) - set(labels.tolist()), key=str)[:5]
    if missing or extra:
        parts = [f"lacks {', '.join(map(shown, missing))}"] if missing else []
        parts += [f"has {', '.join(map(shown, extra))}, not among them"] if extra else []
        msg = f"its index does not hold {what}: it {' and '.join(parts)}; {fix}"
        raise schema_error("y", msg)
    found: Any = y
    return found.iloc[where]


def _stratum_draws(units: IntArray, waves: int) -> list[IntArray]:
    """Every distinct wave vector of one stratum's units the design's draw can make, once each.

    The draw gives ``q + 1`` units to ``r`` of the waves and ``q`` to the others (``m = q·waves
    + r``): each choice of those waves, then of each wave's units among those left, is one
    distinct vector, so the work is the number of vectors (:func:`_count_exact`), not ``m!``.
    """
    m = units.size
    q, r = divmod(m, waves)
    out: list[IntArray] = []
    for larger in itertools.combinations(range(waves), r):
        sizes = [q + 1 if w in larger else q for w in range(waves)]
        _deal(np.zeros(m, dtype=np.int64), list(range(m)), sizes, 0, out)
    out.sort(key=lambda vector: vector.tolist())
    return out


def _deal(
    vector: IntArray, left: list[int], sizes: list[int], wave: int, out: list[IntArray]
) -> None:
    """Append each way to give ``sizes[wave:]`` of the positions `left` to waves ``wave + 1``..."""
    if wave == len(sizes) - 1:
        vector[left] = wave + 1
        out.append(vector.copy())
        return
    for chosen in itertools.combinations(left, sizes[wave]):
        vector[list(chosen)] = wave + 1
        taken = set(chosen)
        _deal(vector, [i for i in left if i not in taken], sizes, wave + 1, out)


def _count_exact(design: RolloutDesign) -> int:
    """How many distinct draws the design can make (each as likely), when not far past the limit.

    Per stratum of `m` units, ``C(waves, r) · m! / ((q + 1)!^r · q!^(waves - r))``. Its
    logarithm (:func:`math.lgamma`) settles a count far past ``MAX_EXACT`` at once (returned as
    ``MAX_EXACT + 1``); any other count is a product of binomials no larger than it, never the
    factorial of a large stratum, which took a minute for a million units.
    """
    waves = design.waves
    sizes = [int(m) for m in np.bincount(design.unit_stratum) if m]
    log_total = 0.0
    for m in sizes:
        q, r = divmod(m, waves)
        log_total += (math.lgamma(waves + 1) - math.lgamma(r + 1) - math.lgamma(waves - r + 1)
                      + math.lgamma(m + 1) - r * math.lgamma(q + 2)
                      - (waves - r) * math.lgamma(q + 1))  # fmt: skip
    if log_total > math.log(MAX_EXACT) + 1.0:  # a margin for lgamma's rounding
        return MAX_EXACT + 1
    total = 1
    for m in sizes:
        q, r = divmod(m, waves)
        total *= math.comb(waves, r)
        left = m
        for size in [q + 1] * r + [q] * (waves - r):
            total *= math.comb(left, size)
            left -= size
    return total


def _exact_waves(design: RolloutDesign) -> Iterator[IntArray]:
    """Each distinct draw of the design, as each unit's wave, one at a time."""
    codes = np.unique(design.unit_stratum).tolist()
    members = [np.flatnonzero(design.unit_stratum == c) for c in codes]
    options = [_stratum_draws(u, design.waves) for u in members]
    for combo in itertools.product(*options):
        unit_wave = np.zeros(design.unit_stratum.shape[0], dtype=np.int64)
        for units, waves in zip(members, combo, strict=True):
            unit_wave[units] = waves
        yield unit_wave


def randomization_test(
    design: RolloutDesign,
    y: Any,
    *,
    statistic: Literal["early_vs_late"] | Callable[[FloatArray, IntArray], float] = (
        "early_vs_late"
    ),
    period: int = 1,
    draws: int | Literal["exact"] = 999,
    alternative: Alternative = "two-sided",
    rng: int | np.random.Generator | None = None,
) -> RandomizationTest:
    """The randomisation p-value of a statistic of a randomised rollout.

    .. versionadded:: 0.1

    Under the sharp null hypothesis that the support changed no one's outcome, `y` is what it
    would have been under any draw of the waves; the design is drawn again `draws` times with
    its own randomisation (:func:`design_rollout`'s: within each stratum the same units, whole
    clusters, dealt to the waves in turn, so each wave gets the same number of units up to
    which waves take the stratum's remainder) and the statistic computed on each redraw. The
    p-value is ``(1 + b) / (1 + draws)``, with `b` the redraws at least as extreme as the
    observed statistic (Phipson & Smyth 2010: the observed draw is one of the possible draws,
    so the p-value is never 0 and the test keeps its level exactly).

    Parameters
    ----------
    design : RolloutDesign
        The rollout, from :func:`design_rollout`.
    y : array-like of float
        One outcome per person, in the design's row order, measured at `period` (after the
        waves up to `period` started, before the next). A pandas Series is read by its index,
        which must hold the design's ids (or its row numbers, as numbers or as text, without
        ids), as the index of ``design.to_frame()``, in any order.
    statistic : "early_vs_late" or callable
        ``"early_vs_late"``: the mean outcome of the people in waves 1 to `period` minus that
        of the people in later waves (NaN-free for any draw, as every wave has a unit when
        there are at least as many units per stratum as waves). A callable gets ``(y, wave)``
        (floats, and each person's wave, 1 first) and returns a float.
    period : int
        For ``"early_vs_late"``: the last wave counted as started, 1 to ``waves - 1``.
    draws : int or "exact"
        Random redraws, 1 to 1,000,000; or ``"exact"``: every distinct draw the design can
        make (each as likely), for designs with at most 200,000 of them.
    alternative : {"two-sided", "greater", "less"}
        Extreme means ``|T| >= |t|``, ``T >= t`` or ``T <= t``. A redraw that equals the
        observed statistic up to rounding ties with it and counts as at least as extreme:
        within 1e-12 of the range of `y` for ``"early_vs_late"``, or 1e-12 of ``|t|`` for a
        callable (no absolute floor, so multiplying `y` by a constant keeps the p-value).
    rng : int, numpy.random.Generator or None
        The seed of the redraws: the same seed gives the same p-value.

    Returns
    -------
    RandomizationTest

    Raises
    ------
    SchemaError
        If `design` is not a RolloutDesign, `y` is not one finite number per person (or a
        Series whose index is not the design's ids, or row numbers, once each), `period`
        is not a wave before the last, `statistic`, `draws`, `alternative` or `rng` is not one
        of the values above, ``"exact"`` would enumerate more than 200,000 draws, or the
        statistic raises or returns something other than one number on any draw, or a value
        that is not finite on the rollout as drawn (its own exception chained).
    EstimationError
        If the statistic is NaN or infinite on any redraw: such a draw can be counted neither
        as extreme nor as not, and leaving it out would make the p-value too small.

    References
    ----------
    Phipson, B. and Smyth, G. K. (2010). Permutation p-values should never be zero.
    *Statistical Applications in Genetics and Molecular Biology* 9(1), 39.

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.metrics import design_rollout, randomization_test
    >>> rng = np.random.default_rng(0)
    >>> people = {"team": np.repeat(np.arange(12), 5), "site": np.repeat(["a", "b"], 30)}
    >>> design = design_rollout(people, waves=3, strata="site", cluster="team", rng=1)
    >>> y = rng.normal(size=60)  # no effect at all
    >>> test = randomization_test(design, y, period=1, draws=499, rng=2)
    >>> test.draws, bool(0 < test.pvalue <= 1)
    (499, True)
    """
    chosen, values, chosen_period, exact, side, gen = _randomization_test_iv(
        design, y, statistic, period, draws, alternative, rng
    )
    stat: Callable[[FloatArray, IntArray], float]
    if chosen_period is not None:
        p = chosen_period

        def stat(v: FloatArray, w: IntArray) -> float:
            return early_vs_late(v, w, p)

        method = (f"difference in mean outcome, waves 1 to {p} minus waves {p + 1} to "
                  f"{chosen.waves}, redrawn with the design's stratified randomisation")  # fmt: skip
    else:
        stat = cast(Callable[[FloatArray, IntArray], float], statistic)
        method = "a user statistic, redrawn with the design's stratified randomisation"
    if chosen.cluster is not None:
        method += f" of whole clusters ({chosen.cluster!r})"
    observed = _value(stat, values, chosen.wave)
    if exact:
        count = _count_exact(chosen)
        if count > MAX_EXACT:
            msg = (f"the design can make more than {MAX_EXACT:,} draws; pass a number of "
                   "random draws instead")  # fmt: skip
            raise schema_error("draws", msg)
        unit_waves = _exact_waves(chosen)
    else:  # one redraw at a time: a million redraws of many units would not fit in memory
        n_draws = int(cast(int, draws))
        order = deal_order(chosen.ids, chosen.cluster, len(chosen.units))
        unit_waves = (draw_waves(chosen.unit_stratum, chosen.waves, gen, order)
                      for _ in range(n_draws))  # fmt: skip
    null = np.array([_value(stat, values, w[chosen.unit], k + 1)
                     for k, w in enumerate(unit_waves)])  # fmt: skip
    bad = ~np.isfinite(null)
    if bad.any():
        msg = (
            f"the statistic is NaN or infinite on {int(bad.sum()):,} of {len(null):,} redraws "
            "(a redraw may, e.g., leave a wave without people); a redraw without a statistic "
            "cannot be counted as extreme or not, so use a statistic defined on every draw"
        )
        raise EstimationError(msg)
    if chosen_period is None:  # a caller's statistic: rounding relative to itself (as scipy)
        tie = abs(observed) * _TOLERANCE
    else:  # a difference of means rounds relative to the outcomes' range, even when it is ~0
        exponent, (scaled,) = common_scale(values)
        tie = unscale(_TOLERANCE * float(np.ptp(scaled)), exponent)
    if side == "two-sided":
        extreme = np.abs(null) >= abs(observed) - tie
    elif side == "greater":
        extreme = null >= observed - tie
    else:
        extreme = null <= observed + tie
    hits = int(np.sum(extreme))
    pvalue = hits / len(null) if exact else (1 + hits) / (1 + len(null))
    null.flags.writeable = False
    return RandomizationTest(float(observed), float(pvalue), null, len(null), exact, side,
                             chosen_period, method)  # fmt: skip


def _value(stat: Callable[[FloatArray, IntArray], float], y: FloatArray, wave: IntArray,
           redraw: int = 0) -> float:  # fmt: skip
    """The statistic on one draw (0: the rollout as drawn; k: the k-th redraw) as a float.

    What the statistic raises, or a value that is not one number, is a SchemaError naming
    `statistic`, with its own exception chained. On the rollout as drawn the value must also be
    finite; a redraw's may not be, which the caller counts.
    """
    where = "on the rollout as drawn" if redraw == 0 else f"on redraw {redraw:,}"
    try:
        value: Any = stat(y.copy(), wave.copy())  # the caller's: any type may come back
    except Exception as exc:  # the caller's code: any failure is named, never passed bare
        msg = f"raised {type(exc).__name__} {where}: {exc}"
        raise schema_error("statistic", msg) from exc
    try:
        if isinstance(value, str | bytes):  # float() would read "1.5" as a number
            raise TypeError(value)
        number = float(value)
    except (TypeError, ValueError, OverflowError) as exc:
        got = "an integer beyond the floats" if isinstance(exc, OverflowError) else describe(value)
        msg = f"returned {got} {where}; it must return one number"
        raise schema_error("statistic", msg) from None
    if redraw == 0 and not math.isfinite(number):
        msg = f"is {number} {where}; it must be a finite number"
        raise schema_error("statistic", msg)
    return number
