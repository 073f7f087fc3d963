"""Disclosure control you can check: the exact verifier of published tables about people.

sparkus publishes figures about groups of people (dashboards, subgroup effects, audits) and
protects them against a stated attacker: one who knows every figure published for the
program, across all groupings, figures and releases, and everyone's group memberships.
:func:`verify_disclosure` is that attacker, written as linear programs: give it the cells a
table publishes (who each aggregates, the value shown, or None for a hidden cell) and it
returns, for every hidden cell, the smallest and largest value consistent with everything
published, and whether that range keeps the protection width. Any tool can check its own
tables with it, not only sparkus'. The guide is the Privacy page of the documentation.
"""

from sparkus._privacy import Cell, CellRange, DisclosureCheck, Figure, verify_disclosure

__all__ = ["Cell", "CellRange", "DisclosureCheck", "Figure", "verify_disclosure"]
