"""Scorer options take numpy numbers as the numbers they are, and refuse a huge int cleanly.

``np.float32(0.3)`` and ``np.bool_(True)`` were refused as not numbers, and a Python int too
large for a float (``10**400``) raised a bare OverflowError instead of a SchemaError.
"""

from __future__ import annotations

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.matching import (
    GoalFit,
    SeniorityGap,
    SharedLanguage,
    StatedPreferences,
    TimeZoneOverlap,
)

OPTIONS = [
    (GoalFit, "unknown", np.float32(0.25)),
    (SharedLanguage, "unknown", np.float16(0.5)),
    (SharedLanguage, "required", np.bool_(True)),
    (TimeZoneOverlap, "start", np.int64(8)),
    (TimeZoneOverlap, "end", np.float32(18.5)),
    (SeniorityGap, "width", np.int32(2)),
    (StatedPreferences, "unstated", np.float32(0.75)),
]


@pytest.mark.parametrize(("scorer", "field", "value"), OPTIONS)
def test_numpy_scalars_are_read_as_python_values(scorer, field, value):
    """A numpy scalar option is accepted and kept as the Python value it stands for."""
    made = scorer(**{field: value})
    kept = getattr(made, field)
    assert kept == value.item()
    assert type(kept) is type(value.item())


@pytest.mark.parametrize(("scorer", "field"), [(s, f) for s, f, _ in OPTIONS if f != "required"])
def test_an_int_beyond_the_floats_is_a_schema_error(scorer, field):
    """``10**400`` is refused with a SchemaError naming the option, not an OverflowError."""
    with pytest.raises(SchemaError, match=field):
        scorer(**{field: 10**400})
