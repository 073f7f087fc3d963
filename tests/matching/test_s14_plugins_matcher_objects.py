"""A matcher object passed to a door is checked as register() checks one: an instance, named."""

from __future__ import annotations

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.matching import assign, check_plugin, register
from sparkus.matching._pairing import registry as _registry


class Named:
    """A matcher that places nobody, under the name it is given."""

    def __init__(self, name):
        self.name = name

    def match(self, cost, capacity, *, rng):
        return np.full(cost.shape[0], -1, dtype=np.intp)


@pytest.mark.parametrize("name", [" padded", "padded ", "tab\there", "zero\u200bwidth"])
def test_a_matcher_name_that_does_not_read_as_typed_is_refused(name):
    """Such a name had been accepted by assign() and check_plugin() and shown in the result."""
    expected = r"lacks a `name` that reads as it is typed"
    with pytest.raises(SchemaError, match=r"matcher: .*" + expected):
        assign(np.array([[0.1, 0.2]]), capacity=1, matcher=Named(name))
    with pytest.raises(SchemaError, match=r"plugin: .*" + expected):
        check_plugin(Named(name), "matcher")


def test_a_matcher_class_is_told_to_be_an_instance():
    """A class had been checked unbound: `match` was said to take the wrong arguments."""
    expected = r"lacks being an instance \(this is the class; pass Named\(\)\)"
    with pytest.raises(SchemaError, match=r"matcher: .*" + expected):
        assign(np.array([[0.1, 0.2]]), capacity=1, matcher=Named)
    with pytest.raises(SchemaError, match=r"plugin: .*" + expected):
        check_plugin(Named, "matcher")


class Unprintable(Named):
    """A matcher whose repr raises."""

    def __repr__(self):
        raise RuntimeError("no repr")


def test_a_name_taken_by_a_plugin_whose_repr_raises_is_still_reported(monkeypatch):
    """The message naming the holder of a taken name had raised the holder's RuntimeError."""
    monkeypatch.setattr(_registry, "_REGISTRY", _registry._Registry())
    register(Unprintable("s14-unprintable"))
    with pytest.raises(SchemaError, match=r"'s14-unprintable' is already registered \('s14-unp"):
        register(Named("s14-unprintable"))
