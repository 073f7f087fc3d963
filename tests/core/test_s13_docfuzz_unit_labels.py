"""staggered_did: a missing or mixed `unit` label, or a mistyped `rng`, is a SchemaError.

Found by fuzzing each public door from its docstring example (helper H20): unit labels with a
None or "" beside numbers reached ``np.unique`` (a bare TypeError, ``'<' not supported``), and
`rng` was only checked when `bootstrap` was given. Unit and
cluster labels now share one check (missing labels named by row, labels of two kinds refused).
"""

from __future__ import annotations

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.metrics import staggered_did

_UNIT = np.repeat(np.arange(15), 3)
_TIME = np.tile([1, 2, 3], 15)
_FIRST = np.repeat([2, 3, 0], 15)
_NOISE = np.tile([0.0, 0.1, -0.1], 15) * np.repeat(np.tile([1, -1, 1, -1, 0], 3), 3)
_Y = _TIME * 1.0 + (_TIME >= _FIRST) * (_FIRST > 0) * 2.0 + _UNIT * 0.1 + _NOISE


@pytest.mark.parametrize("label", [None, ""], ids=repr)
def test_a_bad_unit_label_is_refused(label: object) -> None:
    """A unit label that is missing, or text among numbers, is refused, naming `unit`."""
    unit = _UNIT.astype(object)
    unit[0] = label
    with pytest.raises(SchemaError, match="unit"):
        staggered_did(_Y, unit, _TIME, _FIRST)


def test_rng_is_checked_without_a_bootstrap() -> None:
    """A `rng` that is not a seed or Generator is refused even when no bootstrap uses it."""
    with pytest.raises(SchemaError, match="rng"):
        staggered_did(_Y, _UNIT, _TIME, _FIRST, rng=object())
