"""verify_disclosure's supported range: bounds within ±1e12, releases within int64.

Fuzzing found high=1e308 overflowing the attacker's box (inf - inf: NaN widths and the verdict
"exposed" where high=1e300 gave "protected"), and release=10**20 a bare OverflowError.
"""

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.privacy import Cell, Figure, verify_disclosure


def _figure(scale, value=3.0):
    return Figure("a", [Cell("x", [0, 1, 2, 3, 4, 5], value * scale), Cell("y", [0, 1], None)],
                  kind="sum", low=0, high=scale)  # fmt: skip


@pytest.mark.parametrize("high", [1e13, 1e300, 1e308, -1e308])
def test_bounds_beyond_the_range_are_named(high):
    """Any bound beyond ±1e12 is one SchemaError naming `high`, whatever its size."""
    with pytest.raises(SchemaError, match=r"high: the bounds must be within ±1e\+12"):
        Figure("a", [Cell("x", [0, 1], None)], kind="sum", low=min(0.0, high),
               high=max(0.0, high))  # fmt: skip


def test_a_value_beyond_the_range_is_named():
    """A published sum beyond 1e12 a person is refused, naming the cell's value."""
    with pytest.raises(SchemaError, match=r"cells\[0\]\.value: 1e\+300 is beyond"):
        Figure("a", [Cell("x", [0, 1], 1e300)], kind="sum", low=0, high=1)


@pytest.mark.parametrize("k", range(-30, 31, 6))
def test_the_verdict_does_not_depend_on_the_scale(k):
    """The report's table times 2**k, within the range: the same verdict and widths."""
    scale = 2.0**k
    check = verify_disclosure([_figure(scale)])
    assert check.protected
    [cell] = check.cells
    assert (cell.low / scale, cell.high / scale, cell.required / scale) == pytest.approx(
        (0.0, 2.0, 1.0)
    )


@pytest.mark.parametrize("release", [10**20, 2**63, -1, np.uint64(2**64 - 1)])
def test_a_release_beyond_int64_is_named(release):
    """release=10**20 is a SchemaError naming `release`, not an OverflowError."""
    with pytest.raises(SchemaError, match=r"release: expected a whole number from 0 to 9,223"):
        Cell("x", [0, 1], None, release=release)


def test_the_largest_release_verifies():
    """release=2**63 - 1 is accepted and verified."""
    last = np.int64(2**63 - 1)
    check = verify_disclosure([Figure("a", [Cell("x", [0, 1], 1, release=0),
                                            Cell("x", [0, 1], None, release=last)])])  # fmt: skip
    assert [c.release for c in check.cells if c.kind == "hidden"] == [2**63 - 1]
