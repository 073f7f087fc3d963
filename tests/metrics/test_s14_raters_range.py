"""A 360 change beyond the float range is a typed error, not inf (nor a RuntimeWarning)."""

from __future__ import annotations

import datetime as dt

import pytest

from sparkus import EstimationError
from sparkus.metrics import rater_change
from sparkus.model import Assessment
from sparkus.model import AssessmentSource as S

T0, T1 = (dt.datetime(2026, m, 1, tzinfo=dt.UTC) for m in (3, 9))
BIG = 1.7e308
SCALE = (-BIG, BIG)


def test_a_change_beyond_the_float_range_is_refused() -> None:
    """A change of 3.4e308 is an EstimationError naming the row; one of 1.7e308 is kept."""
    pre = [Assessment(p, S.SELF, {"x": -BIG}, T0, scale=SCALE) for p in ("a", "b")]
    post = [Assessment(p, S.SELF, {"x": BIG}, T1, scale=SCALE) for p in ("a", "b")]
    with pytest.raises(EstimationError, match=r"self rating of 'a' is beyond the range"):
        rater_change(pre, post)
    # a change that is itself a double is kept exactly, as post - pre
    pre = [Assessment("a", S.SELF, {"x": -BIG / 2}, T0, scale=SCALE)]
    post = [Assessment("a", S.SELF, {"x": BIG / 2}, T1, scale=SCALE)]
    assert rater_change(pre, post).change.tolist() == [BIG]
