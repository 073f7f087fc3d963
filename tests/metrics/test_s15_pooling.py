"""Meta-analysis pooling: exact against rational arithmetic, and free of the studies' order."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from sparkus import SparkusError
from sparkus.metrics import fixed_effect, random_effects


def _exact(y: list[float], v: list[float]) -> dict[str, float]:
    """The fixed-effect mean, the DerSimonian-Laird tau², its pooled mean and metafor's I².

    Closed forms (DerSimonian & Laird 1986; Higgins & Thompson 2002, as metafor's
    ``rma(method="DL")`` reports I²) evaluated in exact rational arithmetic.
    """
    w = [1 / Fraction(x) for x in v]
    effects = [Fraction(x) for x in y]
    sw = sum(w)
    mu = sum(a * b for a, b in zip(w, effects, strict=True)) / sw
    q = sum(a * (b - mu) ** 2 for a, b in zip(w, effects, strict=True))
    sw2 = sum(a * a for a in w)
    tau2 = max(Fraction(0), (q - (len(y) - 1)) / (sw - sw2 / sw))
    w_re = [1 / (Fraction(x) + tau2) for x in v]
    mu_re = sum(a * b for a, b in zip(w_re, effects, strict=True)) / sum(w_re)
    s2 = (len(y) - 1) * sw / (sw * sw - sw2)
    return {
        "fixed": float(mu),
        "tau2": float(tau2),
        "random": float(mu_re),
        "i2": float(tau2 / (tau2 + s2)),
    }


@pytest.mark.parametrize(
    ("y", "v"),
    [
        # one study a million times more precise than the others: tau² was 4e-5 off, and with
        # 1e9 times, twice the true value (1.5 for 0.75), the pooled mean 0.818 for 0.692
        ([1.0, 0.0, 2.0], [1.0, 1e-12, 1.0]),
        ([1.0, 0.0, 2.0], [1.0, 1e-18, 1.0]),
        ([0.0, 0.0, 0.0, 0.0, 776.0], [997619579647.0, 3926.0, 5.145970340757747e-05, 108410.0, 776.0]),
        # the precise studies at 0, the median at 1e9: the fixed-effect mean was 6e-8 off
        ([0.0, 1e9, 1e9], [1.0, 1e9, 1e9]),
        ([0.0, 0.0, 1e6, 1e6, 1e6], [1.0, 1.0, 1e6, 1e6, 1e6]),
    ],
)  # fmt: skip
def test_pooling_matches_the_exact_closed_forms(y: list[float], v: list[float]) -> None:
    """Fixed-effect mean, DL tau², its mean and I² agree with exact rational arithmetic."""
    want = _exact(y, v)
    fixed = fixed_effect(y, v)
    dl = random_effects(y, v, method="DL")
    assert fixed.estimate == pytest.approx(want["fixed"], rel=1e-12)
    assert dl.tau2 == pytest.approx(want["tau2"], rel=1e-12)
    assert dl.estimate == pytest.approx(want["random"], rel=1e-12)
    assert dl.i2 == pytest.approx(want["i2"], rel=1e-12)


_EFFECTS = st.floats(-1e12, 1e12, allow_nan=False).map(lambda x: float(round(x)))
_VARIANCES = st.floats(-15.0, 15.0).map(lambda e: float(10.0**e))


@st.composite
def _studies(draw: st.DrawFn) -> tuple[list[float], list[float], list[int]]:
    k = draw(st.integers(2, 12))
    y = draw(st.lists(_EFFECTS, min_size=k, max_size=k))
    v = draw(st.lists(_VARIANCES, min_size=k, max_size=k))
    return y, v, draw(st.permutations(range(k)))


@given(_studies(), st.sampled_from(["DL", "REML"]))
@example(([1.0, 0.0, 2.0], [1.0, 1e-15, 1.0], [1, 0, 2]), "DL")
@example(([1.0, 0.0, 2.0], [1.0, 1e-15, 1.0], [1, 0, 2]), "REML")
@example(([0.0, 0.0, 0.0, 0.0, 776.0],
          [997619579647.0, 3926.0, 5.145970340757747e-05, 108410.0, 776.0],
          [0, 1, 4, 3, 2]), "DL")  # fmt: skip
def test_order_of_the_studies_does_not_change_the_result(
    data: tuple[list[float], list[float], list[int]], method: str
) -> None:
    """Listing the studies in another order gives the same estimate, se, tau², Q and I²."""
    y, v, order = data
    try:
        first = random_effects(y, v, method=method)  # type: ignore[arg-type]
    except SparkusError:
        return
    second = random_effects(
        np.asarray(y)[order],
        np.asarray(v)[order],
        method=method,  # type: ignore[arg-type]
    )
    for name in ("estimate", "se", "tau2", "q", "i2", "h2"):
        a, b = getattr(first, name), getattr(second, name)
        assert a == pytest.approx(b, rel=1e-9, abs=1e-12 * first.se), name
