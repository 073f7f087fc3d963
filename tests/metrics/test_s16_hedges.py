"""Hedges' exact correction J at many degrees of freedom."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sparkus.metrics import cohens_d, hedges_g


def _j_large(m: float) -> float:
    """J(m) to within 1e-19 for m = 1e6: ``1 - 3 / (4m) - 7 / (32 m²)`` (next term 1e-19)."""
    return 1.0 - 3.0 / (4.0 * m) - 7.0 / (32.0 * m * m)


def test_exact_correction_at_a_million_degrees_of_freedom() -> None:
    """g / d is J(1e6) to the last digits; log-gammas had lost 2.6e-10 of it."""
    rng = np.random.default_rng(16)
    n = 500_001  # n1 + n2 - 2 = 1e6
    x, y = rng.normal(0.1, 1.0, n), rng.normal(0.0, 1.0, n)
    d = cohens_d(x, y, ci_method="normal").estimate
    g = hedges_g(x, y, ci_method="normal").estimate
    assert g / d == pytest.approx(_j_large(1e6), rel=2e-15, abs=0.0)


@pytest.mark.parametrize(("n1", "n2"), [(2, 2), (3, 4), (60, 80), (101, 101), (150, 400)])
def test_exact_correction_is_the_gamma_ratio(n1: int, n2: int) -> None:
    """Below and beyond the switch to the series, J is Γ(m/2) / (√(m/2) Γ((m-1)/2))."""
    m = n1 + n2 - 2
    x = np.linspace(0.0, 1.0, n1) ** 2 + 0.3
    y = np.linspace(0.0, 1.0, n2) ** 3
    d = cohens_d(x, y, ci_method="normal").estimate
    g = hedges_g(x, y, ci_method="normal").estimate
    j = math.exp(math.lgamma(m / 2.0) - math.lgamma((m - 1.0) / 2.0)) / math.sqrt(m / 2.0)
    assert g / d == pytest.approx(j, rel=5e-13)
    assert g / d < 1.0
