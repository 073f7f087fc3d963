"""Exact references for the assignment solvers' tests: totals in Fractions, enumeration, and the
settings that force each solver (shared by the big-cost tests)."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np

SOLVERS = {
    "transport": {},
    "slots": {"MAX_PROVIDERS": 0},
    "auction": {"MAX_PROVIDERS": 0, "MAX_SLOT_CELLS": 0},
}
"""The module constants of ``exact/solve.py`` that make it pick each solver."""


def exact_total(cost: np.ndarray, provider: np.ndarray) -> Fraction:
    """The exact sum of the chosen costs."""
    return sum((Fraction(float(cost[i, j])) for i, j in enumerate(provider) if j >= 0), Fraction(0))


def allowed(cost: np.ndarray, caps: list[int]) -> list[tuple[int, int]]:
    """The pairs a placement may use: a finite cost, a provider with places."""
    n, m = cost.shape
    return [(i, j) for i in range(n) for j in range(m) if math.isfinite(cost[i, j]) and caps[j]]


def brute_force(cost: np.ndarray, caps: list[int]) -> tuple[int, Fraction]:
    """The most participants placeable and their least exact total, by enumeration."""
    n, m = cost.shape
    best = (0, Fraction(0))
    pairs = set(allowed(cost, caps))
    for choice in itertools.product(range(-1, m), repeat=n):
        if any(j >= 0 and (i, j) not in pairs for i, j in enumerate(choice)):
            continue
        if any(choice.count(j) > caps[j] for j in range(m)):
            continue
        seated = sum(j >= 0 for j in choice)
        value = exact_total(cost, np.array(choice))
        if seated > best[0] or (seated == best[0] and value < best[1]):
            best = (seated, value)
    return best
