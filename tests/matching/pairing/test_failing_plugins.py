"""Plugins whose own code fails are reported by name, as SchemaErrors chained to the cause."""

from __future__ import annotations

import importlib.metadata

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.datasets import synthetic_org
from sparkus.matching import assign, candidate_matrix, check_plugin, register
from sparkus.matching._pairing import registry as _registry

ORG = synthetic_org(20, seed=1)


@pytest.fixture
def fresh(monkeypatch):
    """A registry of its own, so registrations here stay here."""
    monkeypatch.setattr(_registry, "_REGISTRY", _registry._Registry())
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda group: [])


class Boom:
    """A matcher whose match raises."""

    name = "boom"

    def match(self, cost, capacity, *, rng):
        return {}["x"]


class Unreadable:
    """A plugin whose name cannot be read."""

    @property
    def name(self):
        raise RuntimeError("no name")

    def match(self, cost, capacity, *, rng):
        return np.full(cost.shape[0], -1, dtype=np.intp)


class Everything:
    """A plugin every attribute of which raises."""

    def __getattr__(self, key):
        raise RuntimeError("nothing here")


def _scorer(name, prepare):
    return type(name, (), {"name": name, "prepare": lambda self, people, providers: prepare()})()


def test_a_matcher_that_raises_is_named():
    """A matcher's exception is a SchemaError at `matcher` naming it, chained to the cause."""
    with pytest.raises(SchemaError, match=r"matcher: the matcher 'boom' raised KeyError: 'x'") as e:
        assign(np.array([[0.1, 0.2]]), capacity=1, matcher=Boom())
    assert isinstance(e.value.__cause__, KeyError)


def test_a_matcher_is_reported_under_the_name_it_was_looked_up_by(fresh):
    """A matcher registered under another name is reported under that name."""

    class Alpha:
        name = "alpha"

        def match(self, cost, capacity, *, rng):
            return np.zeros(cost.shape[0], dtype=np.intp)

    register(Alpha(), name="beta")
    result = assign(np.array([[0.1, 0.2]]), capacity=1, matcher="beta")
    assert result.matcher == "beta"
    register(Boom(), name="kaboom")
    with pytest.raises(SchemaError, match="the matcher 'kaboom' raised KeyError"):
        assign(np.array([[0.1, 0.2]]), capacity=1, matcher="kaboom")


@pytest.mark.parametrize("plugin_class", [Unreadable, Everything])
def test_a_name_that_raises_is_reported_not_raised(fresh, plugin_class):
    """A `name` (or any attribute) that raises is a problem of the plugin, not a bare error."""
    plugin = plugin_class()
    with pytest.raises(SchemaError, match=r"plugin: .*`name` that can be read .*RuntimeError"):
        check_plugin(plugin, "matcher")
    with pytest.raises(SchemaError, match="plugin: "):
        register(plugin)
    with pytest.raises(SchemaError, match="matcher: "):
        assign(np.array([[0.1, 0.2]]), capacity=1, matcher=plugin)


def _fail(exc):
    raise exc


@pytest.mark.parametrize(
    ("prepare", "expected"),
    [
        (lambda: _fail(ZeroDivisionError("zero")), r"the scorer 'bad' raised ZeroDivisionError: zero"),
        (lambda: None, r"returned None from `prepare`"),
        (lambda: (lambda rows, cols: _fail(KeyError("k"))), r"the scorer 'bad' raised KeyError"),
        (lambda: (lambda rows, cols: None), r"returned None; scores must be numbers"),
        (lambda: (lambda rows, cols: np.full(np.broadcast(rows, cols).shape, "a")),
         r"returned an array of <U1; scores must be numbers"),
        (lambda: (lambda rows, cols: [[0.5, None]]), r"returned list .*; scores must be numbers"),
    ],
)  # fmt: skip
def test_a_failing_scorer_is_named(fresh, prepare, expected):
    """A scorer whose prepare or score raises, or returns no numbers, is named at scorers.<name>."""
    register(_scorer("bad", prepare))
    with pytest.raises(SchemaError, match=r"scorers\.bad: .*" + expected) as e:
        candidate_matrix(ORG.population, list(ORG.providers), scorers={"bad": 1.0})
    assert len(e.value.problems) == 1
