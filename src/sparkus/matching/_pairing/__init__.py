"""Who works with whom: scoring, candidates, assignment, groups and the plugins that extend them.

Compatibility scorers (``scorers.py``) make the candidate matrix (``candidates.py``);
:func:`~sparkus.matching.assign` places people with a matcher (``assign.py``, around the
instance-and-solve core it shares with :func:`~sparkus.matching.rematch`); the exact solvers sit
behind one entry in ``exact/``. Stable matching, peer circles and team cohorts answer the same
question for two-sided preferences and for groups; ``protocols.py`` and ``registry.py`` are the
plugin contract and the registry.
"""
