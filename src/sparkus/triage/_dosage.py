"""Dosage: how much human support and self-guided reflection each readiness level gets."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final, TypeVar

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import align_rows, describe, real_array, rows_text, schema_error
from sparkus._errors import Problem
from sparkus._fields import Record, checked, freeze, mapping_of, member, number
from sparkus.model import FrozenMapping, Goal, Level
from sparkus.triage._levels import ReadinessLevel

__all__ = ["DosagePolicy"]

_LEVELS: Final = tuple(ReadinessLevel)
_MAX_SESSIONS: Final = 1_000
"""The most sessions a policy entry may give one person (docs/errors.md, limits): a base and two
extras add up to 3,000 per person at most, so totals and costs stay far inside int64 and float."""
_count = number(low=0, high=_MAX_SESSIONS, integer=True)
_full = number(low=1, high=_MAX_SESSIONS, integer=True)
_T = TypeVar("_T")


def _per_level(values: tuple[_T, _T, _T, _T]) -> FrozenMapping[ReadinessLevel, _T]:
    """One value per readiness level, least ready first."""
    return FrozenMapping(dict(zip(_LEVELS, values, strict=True)))


def _default_sessions() -> FrozenMapping[ReadinessLevel, int]:
    return _per_level((0, 0, 6, 4))


def _default_share() -> FrozenMapping[ReadinessLevel, float]:
    return _per_level((0.0, 1.0, 0.3, 0.3))


def _no_extra_level() -> FrozenMapping[Level, int]:
    return FrozenMapping()


def _no_extra_goal() -> FrozenMapping[Goal, int]:
    return FrozenMapping()


@attrs.frozen
class DosagePolicy(Record):
    """How many human sessions, and what share of self-guided reflection, each person gets.

    A person's human sessions are ``sessions[readiness]``, plus ``level_extra[their Level]``
    and the largest ``goal_extra`` among the program's goals when that base is above zero.
    The policy is data: read it, override it, serialise it.

    The defaults follow the mission's method: the resistant are excluded for now (no
    sessions), the emerging majority get technology-powered reflection only, the ready get six
    human sessions (the default journey's count) and the highly ready four. Evidence on dose
    is mixed (Sonesh et al. 2015 found that the number of sessions matters; Jones, Woods &
    Guillaume 2016 and de Haan & Nilsson 2023 found little effect, and Jones et al. found no
    moderation by duration), so "the ready need fewer sessions" is a policy to test, and the
    level and goal extras default to zero.

    Parameters
    ----------
    sessions : mapping of ReadinessLevel to int
        Human sessions per readiness level, 0 to 1,000; every level must be present.
    reflection_share : mapping of ReadinessLevel to float
        Share of a person's development activities delivered as self-guided reflection,
        in ``[0, 1]``; every level must be present.
    level_extra : mapping of Level to int
        Extra sessions by organisational level, 0 to 1,000 (missing levels: 0).
    goal_extra : mapping of Goal to int
        Extra sessions when the program pursues a goal, 0 to 1,000 (missing goals: 0).
    full_sessions : int
        What "everyone gets full coaching" means, in sessions per person, 1 to 1,000: the
        comparison for the saving, which is undefined for a full dose of no sessions.

    Raises
    ------
    SchemaError
        For a missing readiness level, a share outside ``[0, 1]``, a session count that is not
        an integer from 0 to 1,000, or `full_sessions` below 1 or above 1,000, each named by
        its path.

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.triage import DosagePolicy
    >>> sessions, share = DosagePolicy().dose(np.array([0, 1, 2, 3]), np.array([3, 3, 3, 0]))
    >>> sessions.tolist(), share.tolist()
    ([0, 0, 6, 4], [0.0, 1.0, 0.3, 0.3])

    .. versionadded:: 0.1
    """

    sessions: Mapping[ReadinessLevel, int] = attrs.field(
        factory=_default_sessions,
        converter=freeze,
        metadata=checked(mapping_of(member(ReadinessLevel), _count)),
    )
    reflection_share: Mapping[ReadinessLevel, float] = attrs.field(
        factory=_default_share,
        converter=freeze,
        metadata=checked(mapping_of(member(ReadinessLevel), number(low=0.0, high=1.0))),
    )
    level_extra: Mapping[Level, int] = attrs.field(
        factory=_no_extra_level,
        converter=freeze,
        metadata=checked(mapping_of(member(Level), _count)),
    )
    goal_extra: Mapping[Goal, int] = attrs.field(
        factory=_no_extra_goal, converter=freeze, metadata=checked(mapping_of(member(Goal), _count))
    )
    full_sessions: int = attrs.field(default=6, metadata=checked(_full))

    def _cross_check(self) -> list[Problem]:
        return [
            Problem((name, level.value), "every readiness level needs an entry")
            for name in ("sessions", "reflection_share")
            for level in _LEVELS
            if level not in getattr(self, name)
        ]

    def dose(
        self,
        readiness: npt.ArrayLike,
        level: npt.ArrayLike,
        goals: Iterable[Goal] = (),
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """Human sessions and reflection share per person.

        Parameters
        ----------
        readiness : array of int
            Readiness level ranks (0 resistant ... 3 highly ready); -1 for people not
            assessed, who get nothing until a person decides.
        level : array of int
            Organisational level ranks (:attr:`sparkus.model.Level.rank`), one per person.
        goals : iterable of Goal
            The program's goals.

        Raises
        ------
        SchemaError
            If a readiness rank is not an integer from -1 to 3, an organisational level rank
            not one of :class:`~sparkus.model.Level`'s, the two differ in length (or, as pandas
            Series, in the labels of their indexes), or a goal is not a
            :class:`~sparkus.model.Goal` (each named by row or position).

        Notes
        -----
        pandas Series are paired by their index (the result follows `readiness`'s order),
        never by position; other inputs are paired by position.
        """
        r, lv, goal_list = _dose_iv(readiness, level, goals)
        base = np.array([self.sessions[x] for x in _LEVELS] + [0], dtype=np.int64)[r]
        share = np.array([self.reflection_share[x] for x in _LEVELS] + [0.0])[r]
        by_level = np.array([self.level_extra.get(x, 0) for x in Level], dtype=np.int64)[lv]
        by_goal = max((self.goal_extra.get(g, 0) for g in goal_list), default=0)
        sessions = np.where(base > 0, base + by_level + by_goal, 0)
        return sessions, share


def _ranks(value: object, name: str, low: int, high: int) -> npt.NDArray[np.int64]:
    """Integer ranks from `low` to `high`, one per person; any other value named by row."""
    array = real_array(value, name)
    if array.ndim != 1:
        raise schema_error(name, f"expected a 1-D array of ranks, got shape {array.shape}")
    with np.errstate(invalid="ignore"):
        bad = ~((array >= low) & (array <= high) & (array == np.round(array)))
    if bad.any():
        rows = np.flatnonzero(bad)
        shown = ", ".join(repr(float(v)) for v in array[rows[:5]])
        msg = f"expected integer ranks from {low} to {high}, got {shown} in {rows_text(rows)}"
        raise schema_error(name, msg)
    return array.astype(np.int64)


def _dose_iv(
    readiness: object, level: object, goals: object
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], list[Goal]]:
    readiness, level = align_rows(("readiness", readiness), ("level", level))
    r = _ranks(readiness, "readiness", -1, len(_LEVELS) - 1)
    lv = _ranks(level, "level", 0, len(Level) - 1)
    if r.shape != lv.shape:
        msg = f"has {lv.shape[0]} rows but `readiness` has {r.shape[0]}; pass one per person"
        raise schema_error("level", msg)
    if isinstance(goals, str | bytes) or not isinstance(goals, Iterable):
        raise schema_error("goals", f"expected an iterable of Goal, got {describe(goals)}")
    goal_list = list(goals)
    for k, g in enumerate(goal_list):
        if not isinstance(g, Goal):
            raise schema_error(f"goals[{k}]", f"expected a Goal, got {describe(g)}")
    return r, lv, goal_list
