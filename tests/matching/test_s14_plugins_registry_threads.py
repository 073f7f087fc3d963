"""Threads that look plugins up while another thread scans them find what is there."""

from __future__ import annotations

import importlib.metadata
import threading
import time

import numpy as np

from sparkus.matching import available_matchers, available_scorers, get_matcher, get_scorer
from sparkus.matching._pairing import registry as _registry


class Installed:
    """An installed matcher plugin."""

    name = "installed"

    def match(self, cost, capacity, *, rng):
        return np.full(cost.shape[0], -1, dtype=np.intp)


class _Point:
    """An entry point whose `load` returns the class itself (no module to import)."""

    def __init__(self, name, group):
        self.name, self.group, self.value = name, group, "pkg:Installed"

    def load(self):
        return Installed


def _meanwhile(entered, slow, lookup):
    """Run `lookup` once another thread running `slow` has set `entered` (and not returned)."""
    background = threading.Thread(target=slow)
    background.start()
    assert entered.wait(10)
    try:
        return lookup()
    finally:
        background.join()


def test_a_lookup_during_the_entry_point_scan_finds_the_plugin(monkeypatch):
    """A lookup while another thread scanned had been told that no such matcher exists."""
    monkeypatch.setattr(_registry, "_REGISTRY", _registry._Registry())
    entered = threading.Event()

    def entry_points(group):
        entered.set()
        time.sleep(0.3)
        return [_Point("installed", group)] if group == "sparkus.matchers" else []

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    found = _meanwhile(entered, available_matchers, lambda: get_matcher("installed"))
    assert isinstance(found, Installed)


def test_a_lookup_while_the_built_in_scorers_load_finds_them(monkeypatch):
    """A lookup while another thread loaded the built-in scorers had found none of them."""
    monkeypatch.setattr(_registry, "_REGISTRY", _registry._Registry())
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda group: [])
    entered = threading.Event()
    real = _registry._builtin_scorers

    def builtin_scorers():
        entered.set()
        time.sleep(0.3)
        return real()

    monkeypatch.setattr(_registry, "_builtin_scorers", builtin_scorers)
    found = _meanwhile(entered, available_scorers, lambda: get_scorer("goal_fit"))
    assert found.name == "goal_fit"
