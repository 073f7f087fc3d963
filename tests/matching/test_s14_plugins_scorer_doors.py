"""Hostile scorer plugins at the candidate matrix's door: named errors, never silent scores."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pytest

from sparkus import SchemaError
from sparkus.datasets import synthetic_org
from sparkus.matching import (
    SameReportingLine,
    SharedLanguage,
    candidate_matrix,
    register,
)
from sparkus.matching._pairing import registry as _registry

ORG = synthetic_org(30, seed=3)


@pytest.fixture(autouse=True)
def fresh(monkeypatch):
    """A registry of the built-ins only, so that what a test registers does not outlive it."""
    monkeypatch.setattr(_registry, "_REGISTRY", _registry._Registry())


def _shape(rows, cols):
    return np.broadcast(rows, cols).shape


class Returns:
    """A scorer whose score function returns ``make(rows, cols)``."""

    def __init__(self, name, make):
        self.name, self.make = name, make

    def prepare(self, participants, providers):
        return self.make


def _matrix(*scorers, **options):
    return candidate_matrix(ORG.population, list(ORG.providers), k=2, support_type="mentoring",
                            scorers=[(s, 1.0) for s in scorers], **options)  # fmt: skip


def _reversed_frame(rows, cols):
    shape = _shape(rows, cols)
    values = np.linspace(0, 1, shape[0] * shape[1]).reshape(shape)
    return pd.DataFrame(values, index=np.arange(shape[0])[::-1])


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (_reversed_frame, r"returned a pandas DataFrame; return a numpy array"),
        (lambda r, c: pd.Series(np.ones(_shape(r, c)[0])), r"returned a pandas Series"),
        (lambda r, c: pl.DataFrame(np.ones(_shape(r, c))), r"returned a polars DataFrame"),
        (lambda r, c: np.ma.masked_all(_shape(r, c)), r"returned masked \(missing\) scores"),
    ],
)
def test_scores_a_table_or_masked_are_refused(make, expected):
    """A frame's scores had been read by position (its index ignored), masked ones as data."""
    with pytest.raises(SchemaError, match=r"scorers\.odd: scorer 'odd' " + expected):
        _matrix(Returns("odd", make))


def test_one_scorer_cannot_change_the_pairs_the_next_one_scores():
    """A scorer writing into its `cols` had silently changed the next scorer's pairs."""

    def overwrite(rows, cols):
        cols[...] = 0
        return np.ones(_shape(rows, cols))

    first_column = Returns("first_column", lambda r, c: np.broadcast_to(c == 0, _shape(r, c)))
    with pytest.raises(SchemaError, match=r"the scorer 'writer' raised ValueError: .*read-only"):
        _matrix(Returns("writer", overwrite), first_column)


class OwnLanguage(SharedLanguage):
    """A plugin's subclass of a built-in table scorer with a `prepare` of its own."""

    name = "own_language"

    def prepare(self, participants, providers):
        return lambda rows, cols: np.full(_shape(rows, cols), 0.25)


class NanReportingLine(SameReportingLine):
    """A plugin's subclass of a built-in scorer that breaks the contract."""

    name = "nan_reporting_line"

    def prepare(self, participants, providers):
        return lambda rows, cols: np.full(_shape(rows, cols), np.nan)


def test_a_subclass_of_a_built_in_keeps_its_own_prepare_and_is_checked():
    """A subclass had been scored by the built-in's table, its NaN left unchecked (no pairs)."""
    cm = _matrix(OwnLanguage())
    assert cm.scores.nnz > 0
    np.testing.assert_array_equal(cm.scores.data, 0.25)
    with pytest.raises(SchemaError, match=r"scorer 'nan_reporting_line' returned NaN"):
        _matrix(NanReportingLine(), SharedLanguage())


class Unprintable:
    """An object whose repr raises."""

    def __repr__(self):
        raise RuntimeError("no repr")


class ForProgram:
    """A scorer whose `for_program` returns `returned`."""

    name = "tailored"

    def __init__(self, returned):
        self.returned = returned

    def prepare(self, participants, providers):
        return lambda rows, cols: np.full(_shape(rows, cols), 0.5)

    def for_program(self, program):
        return self.returned


@pytest.mark.parametrize(
    ("returned", "expected"),
    [
        (None, r"returned from `for_program` None, which is not a scorer"),
        (SharedLanguage, r"returned from `for_program` .*, which lacks being an instance \(this"),
        (Unprintable(), r"returned from `for_program` a Unprintable \(whose repr raised\)"),
    ],
)
def test_what_for_program_returns_is_checked(returned, expected):
    """A `for_program` returning no scorer had raised a bare AttributeError (or the repr's)."""
    with pytest.raises(SchemaError, match=r"scorers\.tailored: the scorer 'tailored' " + expected):
        _matrix(ForProgram(returned), program=ORG.program)


class Nameless:
    """A scorer without a name of its own."""

    def prepare(self, participants, providers):
        return lambda rows, cols: np.full(_shape(rows, cols), 0.5)


def test_a_registered_scorer_goes_by_the_name_it_was_looked_up_by():
    """A scorer registered under another name was reported by its own (or refused, nameless)."""
    register(Returns("alpha", lambda r, c: np.full(_shape(r, c), 0.5)), name="beta")
    register(Returns("alpha", lambda r, c: np.full(_shape(r, c), 0.5)))
    register(Nameless(), name="gamma")
    cm = _matrix("beta", "alpha", "gamma")
    assert tuple(cm.weights) == ("beta", "alpha", "gamma")
    register(Returns("alpha", lambda r, c: np.full(_shape(r, c), np.nan)), name="delta")
    with pytest.raises(SchemaError, match=r"scorers\.delta: scorer 'delta' returned NaN"):
        _matrix("delta")


@pytest.mark.parametrize(
    ("scorer", "expected"),
    [
        (Returns("", None), r"lacks a non-empty string `name` \(it has ''\)"),
        (Returns(" padded ", None), r"lacks a `name` that reads as it is typed"),
        (Returns("tab\there", None), r"lacks a `name` that reads as it is typed"),
        (Returns(5, None), r"lacks a non-empty string `name` \(it has 5\)"),
        (OwnLanguage, r"lacks being an instance \(this is the class; pass OwnLanguage\(\)\)"),
    ],
)
def test_a_scorer_object_is_checked_as_register_checks_it(scorer, expected):
    """A scorer object with an empty or padded name had been used; a class raised TypeError."""
    with pytest.raises(SchemaError, match=r"scorers\[0\]: .*" + expected):
        _matrix(scorer)
