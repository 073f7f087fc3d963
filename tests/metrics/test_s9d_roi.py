"""ROI at the edges: products that fit a double are computed, and the benefits' order is moot."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.metrics import Benefit, Cost, roi
from sparkus.metrics._stable import product


def _benefit(**given: object) -> Benefit:
    fields: dict[str, object] = {"name": "b", "isolation": 1.0, "confidence": 1.0}
    fields.update(given)
    return Benefit(**fields)  # type: ignore[arg-type]


def test_benefit_whose_product_fits_is_not_refused_part_way():
    """1e200 x 1e200 x 1e-200 is 1e200: the naive left-to-right product overflowed first."""
    b = _benefit(improvement=1e200, count=1e200, value=1e-200)
    assert b.gross_value == pytest.approx(1e200, rel=1e-15)
    assert b.counted_value == pytest.approx(1e200, rel=1e-15)


def test_benefit_whose_product_fits_does_not_underflow_part_way():
    """1e-200 x 1e-200 x 1e200 is 1e-200, not 0."""
    b = _benefit(improvement=1e-200, count=1e-200, value=1e200, isolation=0.5, confidence=0.5)
    assert b.counted_value == pytest.approx(0.25e-200, rel=1e-15)
    result = roi(b, [Cost("c", 1e-200)], rng=1)
    assert result.bcr == pytest.approx(0.25, rel=1e-14)


def test_benefit_beyond_the_range_is_still_refused():
    """A product that itself exceeds 1.8e308 is refused, naming `improvement`."""
    with pytest.raises(SchemaError, match=r"improvement: improvement x count x value"):
        _benefit(improvement=1e200, count=1e200, value=1.0)


def test_participant_time_whose_product_fits():
    """people x hours x hourly_cost with a huge and a tiny factor is computed."""
    cost = Cost.participant_time(people=1e300, hours=1e300, hourly_cost=1e-300)
    assert cost.amount == pytest.approx(1e300, rel=1e-15)


def test_monte_carlo_draws_whose_product_fits():
    """The draws use the same product: no overflow when improvement x value is beyond a double."""
    b = _benefit(improvement=1e200, se=1e199, count=1e-200, value=1e200)
    result = roi(b, [Cost("c", 1e200)], rng=2, n_draws=1_000)
    assert result.bcr == pytest.approx(1.0, rel=1e-14)
    assert result.bcr_ci.low < 1.0 < result.bcr_ci.high


def test_roi_interval_does_not_depend_on_the_order_of_the_benefits():
    """The same benefits listed in another order give the same interval for the same seed."""
    items = [
        _benefit(name="sales", improvement=2.0, se=1.0, value=100.0, count=10),
        _benefit(name="exits", improvement=1.0, se=0.5, value=500.0, value_range=(300.0, 900.0)),
        _benefit(name="none", improvement=None, value=1.0),
    ]
    costs = [Cost("fees", 1_500.0)]
    first = roi(items, costs, rng=5, n_draws=2_000)
    for order in ([2, 1, 0], [1, 0, 2]):
        other = roi([items[k] for k in order], costs, rng=5, n_draws=2_000)
        assert other.roi_ci == first.roi_ci
        assert other.break_even_probability == first.break_even_probability


@pytest.mark.parametrize(
    "factors",
    [(3.0, 7.0, 0.25), (1e308, 1e-308, 2.0), (-1.5, 1e-320, 1e10), (0.0, 1e308, 1e308)],
)
def test_product_matches_the_exact_product(factors: tuple[float, ...]):
    """The product is the exact product rounded (checked with fractions)."""
    from fractions import Fraction

    exact = math.prod(Fraction(f) for f in factors)
    assert product(*factors) == pytest.approx(float(exact), rel=1e-15, abs=0.0)


def test_product_of_arrays_broadcasts():
    """Arrays and scalars broadcast as in numpy."""
    got = product(np.array([1e200, -2.0]), 1e200, 1e-200)
    np.testing.assert_allclose(got, [1e200, -2.0], rtol=1e-15)
