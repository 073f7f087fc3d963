"""Tools for testing code built on sparkus, and plugins for it.

:func:`check_matcher` runs the invariants every matcher must keep (the protocol, the shape and
type of its answer, capacities, allowed pairs only, determinism under a seed, inputs left
unchanged, empty and all-forbidden instances) on generated instances, and fails with a
:class:`MatcherCheckError` that names the matcher, the invariant and a minimal instance that
breaks it. :func:`assignment_instances` is the hypothesis strategy it draws them from, for a
plugin's own property tests.

Hypothesis is needed by these functions only, and imported when they run: install it with
``pip install hypothesis`` (it is part of sparkus' ``test`` extra).
"""

from sparkus.testing._check import MatcherCheckError, check_matcher
from sparkus.testing._strategies import AssignmentInstance, assignment_instances

__all__ = [
    "AssignmentInstance",
    "MatcherCheckError",
    "assignment_instances",
    "check_matcher",
]
