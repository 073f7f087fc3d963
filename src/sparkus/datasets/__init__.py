"""Data sets for examples, tests and benchmarks.

:func:`synthetic_org` draws a seeded organisation whose ground truth is documented and returned
with it.
"""

from sparkus.datasets._events import simulate_events
from sparkus.datasets._synthetic import SyntheticOrg, SyntheticTruth, synthetic_org

__all__ = ["SyntheticOrg", "SyntheticTruth", "simulate_events", "synthetic_org"]
