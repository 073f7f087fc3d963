"""Tests of the plugin registry: registration, contract checks, lookup and entry-point discovery."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
import textwrap
import types

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.matching import (
    Matcher,
    Scorer,
    available_matchers,
    available_scorers,
    get_matcher,
    get_scorer,
    register,
)
from sparkus.matching._pairing import registry as _registry


class Identity:
    """A stand-in matcher: participant i goes to provider 0 if allowed and free."""

    name = "identity"

    def match(self, cost, capacity, *, rng):
        return np.full(cost.shape[0], -1, dtype=np.intp)


class LanguageStandIn:
    """A stand-in scorer: every pair scores 1."""

    name = "stand-in-language"

    def prepare(self, participants, providers):
        return lambda rows, cols: np.ones(np.broadcast(rows, cols).shape)


@pytest.fixture
def fresh(monkeypatch):
    """A registry of the built-ins only, with no installed entry points and no scoring module."""
    monkeypatch.setattr(_registry, "_REGISTRY", _registry._Registry())
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda group: [])
    monkeypatch.setattr(_registry, "_builtin_scorers", list)
    return _registry._REGISTRY


def test_builtins_present(fresh):
    """ "exact" and "greedy" are always registered and conform to the Matcher protocol."""
    assert available_matchers() == ("exact", "greedy")
    for name in ("exact", "greedy"):
        matcher = get_matcher(name)
        assert isinstance(matcher, Matcher)
        assert matcher.name == name


def test_register_and_get(fresh):
    """A registered matcher is found by its name, or by the name given to register()."""
    plugin = register(Identity())
    assert get_matcher("identity") is plugin
    other = register(Identity(), name="other")
    assert get_matcher("other") is other
    assert available_matchers() == ("exact", "greedy", "identity", "other")


def test_register_class_is_built(fresh):
    """A class is instantiated without arguments at registration."""
    plugin = register(Identity)
    assert isinstance(plugin, Identity)
    assert get_matcher("identity") is plugin


def test_register_scorer(fresh):
    """An object with `prepare` is a scorer: found by get_scorer, not by get_matcher."""
    scorer = register(LanguageStandIn())
    assert isinstance(scorer, Scorer)
    assert get_scorer("stand-in-language") is scorer
    assert available_scorers() == ("stand-in-language",)
    with pytest.raises(SchemaError, match="no matcher named 'stand-in-language'"):
        get_matcher("stand-in-language")


def test_name_clash_refused_unless_replace(fresh):
    """Registering a taken name is an error naming the holder, unless replace=True."""
    register(Identity())
    with pytest.raises(SchemaError, match=r"matcher named 'identity' is already registered"):
        register(Identity())
    with pytest.raises(SchemaError, match="replace=True"):
        register(Identity(), name="exact")
    new = register(Identity(), name="exact", replace=True)
    assert get_matcher("exact") is new


@pytest.mark.parametrize(
    ("plugin", "expected"),
    [
        (
            types.SimpleNamespace(name="x"),
            r"'x' \(SimpleNamespace\) is neither a matcher nor a scorer",
        ),
        (
            types.SimpleNamespace(name=None, match=lambda cost, capacity, *, rng: None),
            r"lacks a non-empty string `name`",
        ),
        (
            types.SimpleNamespace(name="two-args", match=lambda cost, capacity: None),
            r"'two-args' .*lacks a `match` method callable as `match\(cost, capacity, \*, rng\)`",
        ),
        (
            types.SimpleNamespace(name="p", prepare=lambda participants: None),
            r"lacks a `prepare` method callable as `prepare\(participants, providers\)`",
        ),
        (
            types.SimpleNamespace(
                name="both", match=lambda c, k, *, rng: None, prepare=lambda p, q: None
            ),
            r"has both `match` and `prepare`",
        ),
    ],
)
def test_contract_checked_at_registration(fresh, plugin, expected):
    """A plugin that lacks part of its protocol is refused with its name and what it lacks."""
    with pytest.raises(SchemaError, match=expected):
        register(plugin)
    assert available_matchers() == ("exact", "greedy")


def test_class_needing_arguments_refused(fresh):
    """A class that cannot be built without arguments is refused, asking for an instance."""

    class NeedsArgs(Identity):
        def __init__(self, k):
            self.k = k

    with pytest.raises(SchemaError, match="register an instance instead"):
        register(NeedsArgs)


def test_unknown_name_lists_known(fresh):
    """An unknown name is answered with the list of known names and how to add one."""
    with pytest.raises(SchemaError) as info:
        get_matcher("hungarian")
    message = str(info.value)
    assert "no matcher named 'hungarian'" in message
    assert "'exact', 'greedy'" in message
    assert "sparkus.matchers" in message
    with pytest.raises(SchemaError, match="a string"):
        get_matcher(3)  # type: ignore[arg-type]


def test_no_scan_at_import():
    """Importing sparkus.matching scans no entry points and imports no scipy."""
    code = textwrap.dedent(
        """
        import sys
        import sparkus.matching
        from sparkus.matching._pairing.registry import _REGISTRY
        assert not _REGISTRY.scanned, "entry points scanned at import"
        assert "scipy" not in sys.modules, "scipy imported at import"
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# -- entry points --------------------------------------------------------------------------------

PLUGIN_MODULE = """
import numpy as np

class Good:
    name = "good"
    def match(self, cost, capacity, *, rng):
        return np.full(cost.shape[0], -1, dtype=np.intp)

class Lacking:
    name = "lacking"

class GoodScorer:
    name = "good-scorer"
    def prepare(self, participants, providers):
        return lambda rows, cols: np.ones(len(rows))
"""


@pytest.fixture
def installed(monkeypatch, tmp_path, fresh):
    """Fake installed entry points: a good matcher, a broken one, a non-conforming one."""
    (tmp_path / "fake_sparkus_plugins.py").write_text(PLUGIN_MODULE)
    (tmp_path / "fake_broken_plugin.py").write_text("raise ImportError('missing dependency xyz')")
    monkeypatch.syspath_prepend(str(tmp_path))
    points = {
        "sparkus.matchers": [
            importlib.metadata.EntryPoint("good", "fake_sparkus_plugins:Good", "sparkus.matchers"),
            importlib.metadata.EntryPoint("broken", "fake_broken_plugin:X", "sparkus.matchers"),
            importlib.metadata.EntryPoint(
                "lacking", "fake_sparkus_plugins:Lacking", "sparkus.matchers"
            ),
        ],
        "sparkus.scorers": [
            importlib.metadata.EntryPoint(
                "good-scorer", "fake_sparkus_plugins:GoodScorer", "sparkus.scorers"
            )
        ],
    }
    calls = []

    def entry_points(group):
        calls.append(group)
        return points.get(group, [])

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    return calls


def test_entry_points_scanned_once_on_first_lookup(installed):
    """Entry points are read on the first lookup only, and listed without being imported."""
    assert installed == []
    assert available_matchers() == ("broken", "exact", "good", "greedy", "lacking")
    assert "fake_sparkus_plugins" not in sys.modules
    available_scorers()
    get_matcher("exact")
    assert sorted(installed) == ["sparkus.matchers", "sparkus.scorers"]


def test_entry_point_loaded_by_name(installed):
    """An installed matcher or scorer is loaded when its name is asked for."""
    matcher = get_matcher("good")
    assert type(matcher).__name__ == "Good"
    assert get_matcher("good") is matcher
    assert type(get_scorer("good-scorer")).__name__ == "GoodScorer"


def test_broken_entry_point_named_and_isolated(installed):
    """A plugin that fails to load is reported by name and does not stop the others."""
    with pytest.raises(SchemaError) as info:
        get_matcher("broken")
    message = str(info.value)
    assert "'broken'" in message
    assert "fake_broken_plugin:X" in message
    assert "missing dependency xyz" in message
    assert isinstance(info.value.__cause__, ImportError)
    assert type(get_matcher("good")).__name__ == "Good"
    with pytest.raises(SchemaError, match=r"'lacking'.*no `match` method"):
        get_matcher("lacking")


def test_runtime_registration_and_entry_points(installed):
    """A name taken by an installed plugin needs replace=True; registering it first wins."""
    with pytest.raises(SchemaError, match="entry point 'fake_sparkus_plugins:Good'"):
        register(Identity(), name="good")
    mine = register(Identity(), name="good", replace=True)
    assert get_matcher("good") is mine


def test_builtin_scorers_registered_lazily(monkeypatch):
    """The scoring module's BUILTIN_SCORERS are registered on the first scorer lookup."""
    monkeypatch.setattr(_registry, "_REGISTRY", _registry._Registry())
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda group: [])
    fake = types.ModuleType("sparkus.matching._pairing.scorers")
    fake.BUILTIN_SCORERS = {"stand-in-language": LanguageStandIn()}  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "sparkus.matching._pairing.scorers", fake)
    assert not _registry._REGISTRY.builtin_scorers_loaded
    assert available_scorers() == ("stand-in-language",)
    assert isinstance(get_scorer("stand-in-language"), LanguageStandIn)


def test_real_builtin_scorers_available():
    """Every scorer the scoring module lists is available by name."""
    from sparkus.matching._pairing.scorers import BUILTIN_SCORERS

    names = set(available_scorers())
    assert set(BUILTIN_SCORERS) <= names
    for name in BUILTIN_SCORERS:
        assert get_scorer(name).name == name


def test_example_plugin_discovered():
    """The example plugin of docs/examples is found through its entry point when installed.

    nox's `tests` session installs it and sets SPARKUS_REQUIRE_EXAMPLE_PLUGIN, so there this
    test fails rather than skips if the plugin is missing.
    """
    try:
        import sparkus_greedy
    except ImportError:
        if os.environ.get("SPARKUS_REQUIRE_EXAMPLE_PLUGIN"):
            raise
        pytest.skip("the example plugin is not installed (pip install docs/examples/...)")
    assert "regret-greedy" in available_matchers()
    assert isinstance(get_matcher("regret-greedy"), sparkus_greedy.RegretGreedy)
