"""Disclosure control: what sparkus may publish about people, and the proof that it is safe.

Shared core: every package that aggregates people (the fairness audit, subgroup effects, the
tracker's dashboard) imports it.
"""

from sparkus._privacy.groups import (
    Group,
    distinct_groups,
    invalid_label_rows,
    suppress_small_groups,
)

__all__ = ["Group", "distinct_groups", "invalid_label_rows", "suppress_small_groups"]
