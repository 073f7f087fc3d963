"""The readiness scale: four ordered levels, least ready first, and the spellings of them."""

from __future__ import annotations

import enum

from sparkus._checks import describe
from sparkus._errors import Problem, SchemaError
from sparkus._fields import read_member
from sparkus._labels import ByValue

__all__ = ["ReadinessLevel", "readiness_level"]


class ReadinessLevel(enum.Enum, metaclass=ByValue):
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

    A level is looked up by its value in the spellings real exports use: any case, white space
    around it ignored, and a space or a hyphen for the underscore (``"Highly ready"``,
    ``" READY "``, ``"highly-ready"``). Any other text is a :class:`~sparkus.SchemaError`
    listing the four values.

    Examples
    --------
    >>> from sparkus.triage import ReadinessLevel
    >>> ReadinessLevel("ready").rank > ReadinessLevel.EMERGING.rank
    True
    >>> ReadinessLevel("Highly ready")
    <ReadinessLevel.HIGHLY_READY: 'highly_ready'>

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

    @classmethod
    def _missing_(cls, value: object) -> ReadinessLevel:
        found = readiness_level(value)
        if found is None:
            allowed = ", ".join(repr(level.value) for level in cls)
            msg = (
                f"expected a readiness level ({allowed}; any case, spaces or hyphens for "
                f"underscores), got {describe(value)}"
            )
            raise SchemaError([Problem(("ReadinessLevel",), msg)])
        return found


_RANK = {level: i for i, level in enumerate(ReadinessLevel)}


def readiness_level(label: object) -> ReadinessLevel | None:
    """The level `label` names: a member, or a value in an accepted spelling; else None.

    Accepted: the value or the name in any case, with white space around it, and spaces,
    hyphens or other separators for the underscore (``" Highly-Ready "`` is
    ``highly_ready``), as :func:`~sparkus._fields.read_member` reads every enum label.
    Numbers, booleans and other text name no level.
    """
    return read_member(label, ReadinessLevel)
