"""A Figure's `cells` that is not a sequence of cells is a SchemaError, not a TypeError.

Found by fuzzing each public door from its docstring example (helper H20): ``Figure`` turned
`cells` into a tuple with ``tuple(cells)``, so None or a number raised a bare TypeError
(``'NoneType' object is not iterable``) and a string became one "cell" per character.
"""

from __future__ import annotations

import pytest

from sparkus import SchemaError
from sparkus.privacy import Figure


@pytest.mark.parametrize(
    "cells",
    [None, float("nan"), 3, object(), "cells", {"all": 4}],
    ids=["None", "nan", "3", "object", "text", "mapping"],  # the same ids in every process
)
def test_cells_must_be_a_sequence(cells: object) -> None:
    """`cells` of None, a number, an object, text or a mapping is refused, naming `cells`."""
    with pytest.raises(SchemaError, match="cells: expected a sequence of Cell"):
        Figure("active", cells)
