"""roi and its records at the edges: a tiny benefit's payback, numpy scalars, huge ints.

Fuzzing found a payback of inf months (or 2.56e301) for a benefit of 5e-324, and a Benefit of
a float16 improvement refused with numpy's overflow warning: the product stayed in float16.
"""

import math

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.metrics import Benefit, Cost, roi


def _benefit(improvement, **kw):
    fields = {"name": "e", "improvement": improvement, "se": 1.1, "unit": "p", "value": 1000.0,
              "count": 40, "isolation": 1.0, "confidence": 0.9}  # fmt: skip
    return Benefit(**(fields | kw))


@pytest.mark.parametrize("improvement", [5e-324, 1e-300, 1e-6, 0.01])
def test_a_payback_beyond_a_century_is_none(improvement):
    """Benefits under 1% of the costs a year: None, said in words, never inf or 1e301."""
    result = roi(_benefit(improvement), [Cost("fees", 76_800.0)], rng=1)
    assert result.payback_months is None
    assert result.to_dict()["payback_months"] is None
    assert "more than 1,200 months" in result.summary()
    assert "inf" not in result._repr_html_()


def test_a_payback_at_the_horizon_is_kept():
    """Benefits of exactly 1% of the costs a year pay back in 1,200 months."""
    result = roi(_benefit(1.0, se=0.0, confidence=1.0), [Cost("fees", 4_000_000.0)], rng=1)
    assert result.payback_months == pytest.approx(1200.0)


@pytest.mark.parametrize("kind", [np.float16, np.float32, np.float64, np.int8, np.int64])
def test_numpy_scalars_are_plain_floats(kind):
    """Every number of a Benefit and a Cost is stored as a Python float, with no warning."""
    b = Benefit(name="e", improvement=kind(4), se=kind(1), unit="p", value=kind(100),
                count=kind(40), isolation=kind(1), confidence=kind(1),
                value_range=(kind(50), kind(120)))  # fmt: skip
    for field in (b.improvement, b.se, b.value, b.count, b.isolation, b.confidence,
                  *b.value_range):  # fmt: skip
        assert type(field) is float
    assert b.gross_value == 16_000.0
    assert type(Cost("fees", kind(100)).amount) is float


def test_float16_improvement_of_the_report():
    """improvement=np.float16(4.2) x 40 x 1000 is about 168,000, not an overflow."""
    b = _benefit(np.float16(4.2))
    assert b.gross_value == pytest.approx(168_000, rel=1e-3)
    assert math.isfinite(roi(b, [Cost("fees", 76_800.0)], rng=1).roi)


@pytest.mark.parametrize("field", ["improvement", "value", "count", "se"])
def test_an_int_beyond_the_float_range_is_named(field):
    """A Python int of 10**400 is a SchemaError naming the field, not an OverflowError."""
    with pytest.raises(SchemaError, match=field):
        _benefit(**{"improvement": 4.2, field: 10**400})
    with pytest.raises(SchemaError, match="amount"):
        Cost("fees", 10**400)
