"""The readiness scale: four ordered levels, least ready first."""

from __future__ import annotations

import enum

__all__ = ["ReadinessLevel"]


class ReadinessLevel(enum.Enum):
    """How ready a person is to benefit from human development support, least ready first.

    The levels follow the stages of change of the transtheoretical model:

    ================  ===============================  ==========================================
    level             stage of change                  default treatment (:class:`DosagePolicy`)
    ================  ===============================  ==========================================
    ``resistant``     precontemplation                 excluded for now; invited again later
    ``emerging``      contemplation                    self-guided reflection exercises
    ``ready``         preparation                      human sessions and reflection
    ``highly_ready``  action, maintenance              fewer human sessions and reflection
    ================  ===============================  ==========================================

    :attr:`rank` gives the order (0 for ``resistant``), so levels compare by readiness.

    Examples
    --------
    >>> from sparkus.triage import ReadinessLevel
    >>> ReadinessLevel("ready").rank > ReadinessLevel.EMERGING.rank
    True

    .. versionadded:: 0.1
    """

    RESISTANT = "resistant"
    EMERGING = "emerging"
    READY = "ready"
    HIGHLY_READY = "highly_ready"

    @property
    def rank(self) -> int:
        """Position on the scale: 0 for the least ready."""
        return _RANK[self]


_RANK = {level: i for i, level in enumerate(ReadinessLevel)}
