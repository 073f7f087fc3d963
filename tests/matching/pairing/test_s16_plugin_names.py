"""Plugin names are typed to look plugins up: names that read alike are refused or hinted."""

from __future__ import annotations

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.matching import available_matchers, get_matcher, register
from sparkus.matching._pairing import registry as _registry


@pytest.fixture(autouse=True)
def fresh(monkeypatch):
    """A registry of the built-ins only, so that what a test registers does not outlive it."""
    monkeypatch.setattr(_registry, "_REGISTRY", _registry._Registry())


class _Nobody:
    """A matcher that places nobody."""

    name = "s16-nobody"

    def match(self, cost, capacity, *, rng):
        return np.full(cost.shape[0], -1, dtype=np.intp)


@pytest.mark.parametrize("name", [" s16-padded", "s16-padded ", "s16-zero\u200bwidth", "s16\ttab"])
def test_a_name_that_does_not_read_as_typed_is_refused(name):
    """A name with spaces at its ends or invisible characters had been registered as given."""
    with pytest.raises(SchemaError, match=r"name: .* has spaces at its ends or characters"):
        register(_Nobody(), name=name)
    assert name not in available_matchers()


def test_a_name_differing_only_in_case_is_refused():
    """``My-Name`` beside ``my-name`` had been a second matcher, looked up by case alone."""
    register(_Nobody(), name="s16-cased")
    with pytest.raises(
        SchemaError, match=r"'s16-cased' is registered, which differs from 'S16-Cased' only in case"
    ):
        register(_Nobody(), name="S16-Cased")
    assert "S16-Cased" not in available_matchers()
    register(_Nobody(), name="s16-cased", replace=True)  # the same name replaces as before


@pytest.mark.parametrize("typed", ["Exact", "EXACT", " exact", "exact "])
def test_a_lookup_in_another_case_or_with_spaces_names_the_known_one(typed):
    """An unknown name that is a known one in another case or with spaces says which."""
    with pytest.raises(SchemaError, match=r"no matcher named .* \(did you mean 'exact'\?\)"):
        get_matcher(typed)
