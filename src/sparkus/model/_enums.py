"""The closed vocabularies of a coaching program.

Every enum serialises by its value (the lower-case string), which is also what a CSV column or a
JSON document holds. The order of members is meaningful where it says so.

Looking a member up by a value it does not have (``Level("boss")``) is a
:class:`~sparkus.SchemaError` listing the allowed values (still a :class:`ValueError`), and
for a spelling that an export would use (``"Manager"``, ``"IC"``) it says which value was
meant; the lookup stays exact, so nothing is read as something else silently.
"""

from __future__ import annotations

import enum
from typing import Any

from sparkus._errors import Problem, SchemaError
from sparkus._fields import SPELLINGS, not_one_of
from sparkus._labels import ByValue

__all__ = [
    "AssessmentSource",
    "EventKind",
    "Goal",
    "Level",
    "Season",
    "StepKind",
    "SupportType",
    "unknown_label",
]


def unknown_label(value: object, cls: type[enum.Enum]) -> str:
    """Why `value` is not a member of `cls`: the allowed values, and the one meant, if clear."""
    return not_one_of(value, cls)


def _refuse(cls: type[enum.Enum], value: object) -> Any:
    """The enums' ``_missing_``: an unknown value is a SchemaError at the enum's name."""
    raise SchemaError([Problem((cls.__name__,), unknown_label(value, cls))])


_missing = classmethod(_refuse)


class Level(enum.Enum, metaclass=ByValue):
    """A person's level in the organisation, most senior first.

    .. versionadded:: 0.1

    The order is the pyramid's: :attr:`rank` 0 is the most senior.

    Examples
    --------
    >>> Level("manager")
    <Level.MANAGER: 'manager'>
    >>> Level.EXECUTIVE.rank < Level.MANAGER.rank
    True
    """

    _missing_ = _missing

    EXECUTIVE = "executive"
    SENIOR_LEADER = "senior_leader"
    MANAGER = "manager"
    INDIVIDUAL_CONTRIBUTOR = "individual_contributor"

    @property
    def rank(self) -> int:
        """Position in the pyramid, 0 for the most senior level."""
        return _LEVEL_RANK[self]


_LEVEL_RANK = {level: i for i, level in enumerate(Level)}


class Season(enum.Enum, metaclass=ByValue):
    """The business season a program runs in; :attr:`meaning` says what it stands for.

    .. versionadded:: 0.1

    Examples
    --------
    >>> Season.WINTER.meaning
    'major transformation or crisis'
    """

    _missing_ = _missing

    SPRING = "spring"
    SUMMER = "summer"
    AUTUMN = "autumn"
    WINTER = "winter"

    @property
    def meaning(self) -> str:
        """The business situation the season names."""
        return _SEASON_MEANING[self]


_SEASON_MEANING = {
    Season.SPRING: "new vision or strategy",
    Season.SUMMER: "high growth and expansion",
    Season.AUTUMN: "business as usual, optimising processes",
    Season.WINTER: "major transformation or crisis",
}


class Goal(enum.Enum, metaclass=ByValue):
    """A strategic goal of a program (and a focus a participant chooses in vision setting).

    .. versionadded:: 0.1

    Examples
    --------
    >>> from sparkus.model import Goal
    >>> [goal.value for goal in Goal]  # doctest: +NORMALIZE_WHITESPACE
    ['leadership_development', 'team_collaboration', 'diversity_inclusion',
     'transformation_readiness']
    """

    _missing_ = _missing

    LEADERSHIP_DEVELOPMENT = "leadership_development"
    TEAM_COLLABORATION = "team_collaboration"
    DIVERSITY_INCLUSION = "diversity_inclusion"
    TRANSFORMATION_READINESS = "transformation_readiness"


class SupportType(enum.Enum, metaclass=ByValue):
    """A kind of development support a participant can receive.

    .. versionadded:: 0.1

    Examples
    --------
    >>> from sparkus.model import SupportType
    >>> SupportType("peer_support")
    <SupportType.PEER_SUPPORT: 'peer_support'>
    >>> len(SupportType)
    5
    """

    _missing_ = _missing

    COACHING = "coaching"
    MENTORING = "mentoring"
    PEER_SUPPORT = "peer_support"
    TEAM_COACHING = "team_coaching"
    SELF_GUIDED_REFLECTION = "self_guided_reflection"


class StepKind(enum.Enum, metaclass=ByValue):
    """A kind of step on a participant's journey.

    .. versionadded:: 0.1

    Session steps belong to one support type (:attr:`support_type`); the others are common to
    every journey.

    Examples
    --------
    >>> StepKind.MENTORING_SESSION.support_type
    <SupportType.MENTORING: 'mentoring'>
    >>> StepKind.KICKOFF_WEBINAR.support_type is None
    True
    """

    _missing_ = _missing

    KICKOFF_WEBINAR = "kickoff_webinar"
    VISION_SETTING = "vision_setting"
    SELF_ASSESSMENT = "self_assessment"
    MANAGER_FEEDBACK = "manager_feedback"
    COACHING_SESSION = "coaching_session"
    MENTORING_SESSION = "mentoring_session"
    PEER_SESSION = "peer_session"
    TEAM_SESSION = "team_session"
    REFLECTION_EXERCISE = "reflection_exercise"
    CHECKPOINT = "checkpoint"

    @property
    def support_type(self) -> SupportType | None:
        """The support type this step delivers, or ``None`` for a step every journey shares."""
        return _STEP_SUPPORT.get(self)


_STEP_SUPPORT = {
    StepKind.COACHING_SESSION: SupportType.COACHING,
    StepKind.MENTORING_SESSION: SupportType.MENTORING,
    StepKind.PEER_SESSION: SupportType.PEER_SUPPORT,
    StepKind.TEAM_SESSION: SupportType.TEAM_COACHING,
    StepKind.REFLECTION_EXERCISE: SupportType.SELF_GUIDED_REFLECTION,
}


class AssessmentSource(enum.Enum, metaclass=ByValue):
    """Who answered an assessment: the participant, their manager, a peer or a direct report.

    .. versionadded:: 0.1

    Self and manager are single raters by nature; peers and direct reports are *rater groups*
    (:attr:`is_rater_group`), which a 360 report never shows below a minimum number of raters
    (three by default, the common rater-anonymity norm of 360 tools; see
    :func:`sparkus.metrics.rater_change`).

    Examples
    --------
    >>> from sparkus.model import AssessmentSource
    >>> [source.value for source in AssessmentSource]
    ['self', 'manager', 'peer', 'direct_report']
    >>> AssessmentSource.PEER.is_rater_group, AssessmentSource.MANAGER.is_rater_group
    (True, False)
    """

    _missing_ = _missing

    SELF = "self"
    MANAGER = "manager"
    PEER = "peer"
    DIRECT_REPORT = "direct_report"

    @property
    def is_rater_group(self) -> bool:
        """True for sources answered by several anonymous raters (peers, direct reports)."""
        return self in (AssessmentSource.PEER, AssessmentSource.DIRECT_REPORT)


class EventKind(enum.Enum, metaclass=ByValue):
    """What an event records about a participant's journey.

    .. versionadded:: 0.1

    Examples
    --------
    >>> from sparkus.model import EventKind
    >>> EventKind("session_rated") is EventKind.SESSION_RATED
    True
    """

    _missing_ = _missing

    STEP_COMPLETED = "step_completed"
    STEP_MISSED = "step_missed"
    STEP_SKIPPED = "step_skipped"
    STEP_RESCHEDULED = "step_rescheduled"
    SESSION_RATED = "session_rated"
    ACTIVITY = "activity"


# The spellings of each level that exports use beside its value and name, read by read_member.
SPELLINGS[Level] = {
    Level.EXECUTIVE: ("executives", "exec", "c level", "c suite"),
    Level.SENIOR_LEADER: ("senior leaders", "senior leadership", "sr leader", "senior management"),
    Level.MANAGER: ("managers", "people manager", "line manager", "mgr"),
    Level.INDIVIDUAL_CONTRIBUTOR: (
        "individual contributors", "ic", "contributor", "non manager", "staff",
    ),
}  # fmt: skip
