"""Default journey templates: the shape of a program by season and goals.

This is policy, not science: the evidence on how many sessions coaching needs is mixed (Sonesh et al.
2015 found that the number matters; Jones, Woods & Guillaume 2016 and de Haan & Nilsson 2023 found
little effect), so every number here is a starting point to override, not a finding.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

from sparkus._checks import describe
from sparkus._errors import Problem, SchemaError
from sparkus._fields import not_one_of
from sparkus.model._enums import Goal, Season, StepKind, SupportType
from sparkus.model._records import JourneyTemplate, Step

__all__ = ["default_journey"]

# Season -> (duration in days, extra monthly pulse checkpoints). A crisis (winter) and high
# growth (summer) ask for short, dense programs; business as usual (autumn) for a long, calm one.
_SEASON_SHAPE: Final = {
    Season.SPRING: (150, False),
    Season.SUMMER: (120, False),
    Season.AUTUMN: (180, False),
    Season.WINTER: (90, True),
}

# Goal -> the human support types whose sessions the template offers.
_GOAL_SUPPORT: Final = {
    Goal.LEADERSHIP_DEVELOPMENT: (SupportType.COACHING, SupportType.MENTORING),
    Goal.TEAM_COLLABORATION: (SupportType.TEAM_COACHING, SupportType.PEER_SUPPORT),
    Goal.DIVERSITY_INCLUSION: (SupportType.MENTORING, SupportType.PEER_SUPPORT),
    Goal.TRANSFORMATION_READINESS: (SupportType.COACHING, SupportType.PEER_SUPPORT),
}

_SESSIONS: Final = {
    SupportType.COACHING: (StepKind.COACHING_SESSION, 6),
    SupportType.MENTORING: (StepKind.MENTORING_SESSION, 6),
    SupportType.PEER_SUPPORT: (StepKind.PEER_SESSION, 6),
    SupportType.TEAM_COACHING: (StepKind.TEAM_SESSION, 4),
}

_FIRST_SESSION_DAY: Final = 14
_REFLECTION_EVERY: Final = 14


def _spread(count: int, first: int, last: int) -> list[int]:
    """`count` days spread evenly from `first` to `last`, both included."""
    if count == 1:
        return [first]
    return [first + round(k * (last - first) / (count - 1)) for k in range(count)]


def _default_journey_iv(season: object, goals: tuple[object, ...]) -> None:
    problems = []
    if not isinstance(season, Season):
        problems.append(Problem(("season",), not_one_of(season, Season)))
    if not goals:
        problems.append(Problem(("goals",), "must name at least one Goal"))
    problems += [
        Problem(("goals", i), not_one_of(g, Goal))
        for i, g in enumerate(goals)
        if not isinstance(g, Goal)
    ]
    if problems:
        raise SchemaError(problems)


def default_journey(season: Season, goals: Iterable[Goal]) -> JourneyTemplate:
    """The default journey template for a program's season and goals.

    Every journey opens with a kickoff webinar (day 0), digital vision setting (day 3), a
    self-assessment (day 7) and manager feedback (day 10), has a mid-point and a final
    checkpoint, and offers a self-guided reflection exercise every 14 days from day 14. The
    human sessions depend on the goals, spread evenly from day 14 to two weeks before the end:

    =========================  ===========================================
    goal                       sessions offered
    =========================  ===========================================
    leadership development     coaching (6), mentoring (6)
    team collaboration         team coaching (4), peer support (6)
    diversity & inclusion      mentoring (6), peer support (6)
    transformation readiness   coaching (6), peer support (6)
    =========================  ===========================================

    The season sets the length: spring (new vision) 150 days, summer (high growth) 120, autumn
    (business as usual) 180, winter (transformation or crisis) 90 with monthly pulse checkpoints.

    Parameters
    ----------
    season : Season
        The program's business season.
    goals : iterable of Goal
        The program's strategic goals, at least one.

    Returns
    -------
    JourneyTemplate
        Named ``"<season>: <goal>, <goal>"``.

    Raises
    ------
    SchemaError
        If `season` is not a :class:`Season` or `goals` is not an iterable, is empty or holds
        a non-:class:`Goal`.

    Examples
    --------
    >>> from sparkus.model import Goal, Season, default_journey
    >>> t = default_journey(Season.WINTER, [Goal.TEAM_COLLABORATION])
    >>> t.duration_days, [s.value for s in t.support_types]
    (90, ['team_coaching', 'peer_support', 'self_guided_reflection'])

    .. versionadded:: 0.1
    """
    given: object = goals
    if isinstance(given, str | bytes | Mapping) or not isinstance(given, Iterable):
        msg = f"expected an iterable of Goal, got {describe(given)}"
        raise SchemaError([Problem(("goals",), msg)])
    goals = tuple(given)
    _default_journey_iv(season, goals)

    duration, pulses = _SEASON_SHAPE[season]
    steps: list[tuple[int, int, Step]] = []

    def add(step: Step) -> None:
        steps.append((step.day, len(steps), step))

    add(Step("kickoff", StepKind.KICKOFF_WEBINAR, 0))
    add(Step("vision", StepKind.VISION_SETTING, 3))
    add(Step("self-assessment", StepKind.SELF_ASSESSMENT, 7))
    add(Step("manager-feedback", StepKind.MANAGER_FEEDBACK, 10))
    supports = dict.fromkeys(s for g in dict.fromkeys(goals) for s in _GOAL_SUPPORT[g])
    last_session = duration - _FIRST_SESSION_DAY
    for support in supports:
        kind, count = _SESSIONS[support]
        for k, day in enumerate(_spread(count, _FIRST_SESSION_DAY, last_session), start=1):
            add(Step(f"{support.value}-{k}", kind, day))
    for k, day in enumerate(range(_FIRST_SESSION_DAY, duration, _REFLECTION_EVERY), start=1):
        add(Step(f"reflection-{k}", StepKind.REFLECTION_EXERCISE, day, required=False))
    if pulses:
        for k, day in enumerate(range(30, duration, 30), start=1):
            add(Step(f"pulse-{k}", StepKind.CHECKPOINT, day, required=False))
    add(Step("checkpoint-mid", StepKind.CHECKPOINT, duration // 2))
    add(Step("checkpoint-final", StepKind.CHECKPOINT, duration))
    name = f"{season.value}: " + ", ".join(g.value for g in dict.fromkeys(goals))
    return JourneyTemplate(
        name, tuple(s for _, _, s in sorted(steps, key=lambda t: t[:2])), duration
    )
