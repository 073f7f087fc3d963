"""Looking an enum member up by an array is a SchemaError listing the allowed values.

Found by fuzzing each public door from its docstring example (helper H20): Python's enum
lookup compares an unhashable value with every member's (``member.value == value``), which for
a numpy array of other than one element raised numpy's bare "truth value is ambiguous"
ValueError before the enum's ``_missing_`` could answer. Every sparkus enum now sends an
unhashable value straight to ``_missing_``.
"""

from __future__ import annotations

import enum

import numpy as np
import pytest

import sparkus.model
import sparkus.triage
from sparkus import SchemaError

ENUMS = sorted(
    (
        obj
        for module in (sparkus.model, sparkus.triage)
        for obj in map(module.__dict__.get, module.__all__)
        if isinstance(obj, type) and issubclass(obj, enum.Enum)
    ),
    key=lambda cls: cls.__name__,
)


@pytest.mark.parametrize(
    "value", [np.array([]), np.array(["manager", "ready"])], ids=["empty", "two"]
)
@pytest.mark.parametrize("cls", ENUMS, ids=lambda cls: cls.__name__)
def test_an_array_is_not_a_member(cls: type[enum.Enum], value: object) -> None:
    """``Enum(array)`` raises the enum's SchemaError, naming the enum; values still find members."""
    assert all(cls(member.value) is member for member in cls)
    with pytest.raises(SchemaError, match=cls.__name__):
        cls(value)
