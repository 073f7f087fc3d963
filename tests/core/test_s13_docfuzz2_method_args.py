"""A public method of a record or result checks its arguments like a public function.

Found by fuzzing the methods of the objects the guide's examples return (helper H21):
``SupportPolicy.table`` read ``program.journey`` from whatever it was given (a bare
AttributeError), ``Problem.prefixed`` unpacked its `prefix` unchecked (a bare TypeError for
None or a number; for an array, the array's rows reached the path check, which let numpy's
TypeError out), and ``Cell.mask`` passed `n` to numpy unchecked (numpy's TypeError, ValueError
or IndexError; a boolean mask came back at its own length whatever `n` said). Each now refuses
a wrong argument with a SchemaError naming it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from sparkus import Problem, SchemaError
from sparkus.matching import SupportPolicy
from sparkus.privacy import Cell

DOORS: dict[str, tuple[str, Callable[[object], object]]] = {
    "SupportPolicy.table": ("program", lambda v: SupportPolicy().table(v)),  # type: ignore[arg-type]
    "Problem.prefixed": ("prefix", lambda v: Problem(("a", 0), "m").prefixed(v)),  # type: ignore[arg-type]
    "Cell.mask": ("n", lambda v: Cell("a", [0, 3], None).mask(v)),  # type: ignore[arg-type]
}
VALUES = {
    "None": None,
    "1.5": 1.5,
    "object()": object(),
    "np.array([[1.0]])": np.array([[1.0]]),
}


@pytest.mark.parametrize("door", list(DOORS))
@pytest.mark.parametrize("value", list(VALUES))
def test_a_wrong_argument_is_a_schema_error(door: str, value: str) -> None:
    """A wrong argument is refused with a SchemaError that names the parameter."""
    name, call = DOORS[door]
    with pytest.raises(SchemaError, match=rf"\b{name}: expected"):
        call(VALUES[value])


def test_an_array_segment_of_a_path_is_a_schema_error() -> None:
    """A path segment that is an array (numpy gives it ``__index__``) is refused, not a TypeError."""
    with pytest.raises(SchemaError, match=r"\bpath: expected"):
        Problem(("a", np.array([1.0])), "m")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("members", "n"),
    [
        ([0, 3], 3),
        ([0, 3], -1),
        ([0, 3], 2**63),
        ([True, False, True], 4),
        ([True, False, True], 2),
    ],
    ids=["index past n", "negative", "2**63", "mask longer", "mask shorter"],
)
def test_a_mask_length_the_members_do_not_fit_is_a_schema_error(
    members: list[object], n: int
) -> None:
    """``Cell.mask(n)`` refuses an `n` its members do not fit, rather than a wrong-length mask."""
    with pytest.raises(SchemaError, match=r"\bn: expected"):
        Cell("a", members, None).mask(n)
