"""Disclosure control: what sparkus may publish about people, and the proof that it is safe.

Shared core: every package that aggregates people (the fairness audit, subgroup effects, the
tracker's dashboard) imports it. ``groups`` holds the minimum group size and the per-grouping
complementary suppression; ``atoms``, ``lp`` and ``linked`` the attacker's linear programs and
the linked-table suppression they guide; ``records`` and ``verify`` the public verifier
(:mod:`sparkus.privacy`).
"""

from sparkus._privacy.atoms import atoms_of_keys, atoms_of_masks, incidence
from sparkus._privacy.groups import (
    Group,
    distinct_groups,
    group_label_problems,
    suppress_small_groups,
)
from sparkus._privacy.linked import LinkedTable, Protection, protect_linked
from sparkus._privacy.lp import Inconsistent, Measure, Solver, box, required, tolerance
from sparkus._privacy.records import (
    CHANGED,
    COMPLEMENTARY,
    EARLIER,
    OVERLAPPING,
    SMALL,
    UNRELEASED,
    Cell,
    CellRange,
    DisclosureCheck,
    Figure,
)
from sparkus._privacy.verify import DEFAULT_MIN_GROUP_SIZE, DEFAULT_SHARE, verify_disclosure

__all__ = [
    "CHANGED",
    "COMPLEMENTARY",
    "DEFAULT_MIN_GROUP_SIZE",
    "DEFAULT_SHARE",
    "EARLIER",
    "OVERLAPPING",
    "SMALL",
    "UNRELEASED",
    "Cell",
    "CellRange",
    "DisclosureCheck",
    "Figure",
    "Group",
    "Inconsistent",
    "LinkedTable",
    "Measure",
    "Protection",
    "Solver",
    "atoms_of_keys",
    "atoms_of_masks",
    "box",
    "distinct_groups",
    "group_label_problems",
    "incidence",
    "protect_linked",
    "required",
    "suppress_small_groups",
    "tolerance",
    "verify_disclosure",
]
