"""The records of a coaching program: frozen, slotted attrs classes checked at construction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs

from sparkus._checks import check_number, describe
from sparkus._errors import Problem, SchemaError
from sparkus._fields import (
    AttributeValue,
    FrozenMapping,
    Record,
    attribute_value,
    aware_datetime,
    boolean,
    checked,
    currency,
    freeze,
    instance_of,
    language,
    mapping_of,
    member,
    not_one_of,
    number,
    optional,
    scale,
    text,
    tuple_of,
)
from sparkus._text_rules import name_text
from sparkus.model._display import program_html
from sparkus.model._enums import (
    AssessmentSource,
    EventKind,
    Goal,
    Level,
    Season,
    StepKind,
    SupportType,
)
from sparkus.model._record_rules import due_date, field_name_problems, real, real_pair, reals

__all__ = [
    "Assessment",
    "CostModel",
    "Event",
    "Journey",
    "JourneyTemplate",
    "Participant",
    "Program",
    "Provider",
    "Step",
]

_utc_offset = number(low=-12.0, high=14.0)
_nonnegative = number(low=0.0)
MAX_TENURE_YEARS: Final = 100
"""The longest tenure a participant's record holds, in years: longer is no one's (a tenure in
months or days, or a date read as a number, says so)."""
_tenure = number(low=0.0, high=MAX_TENURE_YEARS)
MAX_AMOUNT: Final = 1e15
"""The largest amount of money, or of hours, a record holds: far beyond any program's budget,
and small enough that costs summed over ten million people and their sessions stay finite."""
MAX_CAPACITY: Final = 1_000_000
"""The most participants one provider can take."""
_amount = number(low=0.0, high=MAX_AMOUNT)
_languages = tuple_of(language, unique=True)
_goals = tuple_of(member(Goal), unique=True)
_attributes = mapping_of(text, attribute_value)
_value = optional(number())


def _empty() -> FrozenMapping[Any, Any]:
    return FrozenMapping()


@attrs.frozen
class Participant(Record):
    """A person who may take part in a program.

    Parameters
    ----------
    id : str
        Unique identifier (an HR system's employee id).
    level : Level
        Level in the organisation.
    department : str
        Department name.
    tenure_years : float
        Years with the organisation, from 0 to 100 (longer is no one's: a tenure in months or
        days, or a date read as a number, is refused).
    manager_id : str or None
        The id of the person's manager, ``None`` at the top of the tree.
    team : str or None
        Team name, if the organisation records teams.
    utc_offset : float
        Usual UTC offset in hours (``-12`` to ``14``), for scheduling overlap.
    languages : tuple of str
        Languages the person works in, as ISO 639 codes.
    focus_goals : tuple of Goal
        The goals the person chose in vision setting.
    attributes : mapping of str to str, int, float or bool
        Free attributes (readiness-instrument scores, location, ...). Copied and frozen. None
        may be named like a field, even in another spelling (``Team``, ``Manager ID``).

    Examples
    --------
    >>> from sparkus.model import Level, Participant
    >>> p = Participant("e17", Level.MANAGER, "Sales", 4.5, manager_id="e2", languages=("en",))
    >>> p.level
    <Level.MANAGER: 'manager'>

    .. versionadded:: 0.1
    """

    id: str = attrs.field(metadata=checked(name_text))
    level: Level = attrs.field(metadata=checked(member(Level)))
    department: str = attrs.field(metadata=checked(name_text))
    tenure_years: float = attrs.field(converter=real, metadata=checked(_tenure))
    manager_id: str | None = attrs.field(default=None, metadata=checked(optional(name_text)))
    team: str | None = attrs.field(default=None, metadata=checked(optional(name_text)))
    utc_offset: float = attrs.field(converter=real, default=0.0, metadata=checked(_utc_offset))
    languages: tuple[str, ...] = attrs.field(default=(), metadata=checked(_languages))
    focus_goals: tuple[Goal, ...] = attrs.field(default=(), metadata=checked(_goals))
    attributes: Mapping[str, AttributeValue] = attrs.field(
        factory=_empty, converter=freeze, metadata=checked(_attributes)
    )

    def _cross_check(self) -> list[Problem]:
        return _participant_problems(self.id, self.manager_id, self.attributes)

    @classmethod
    def _check_partial(cls, parts: Mapping[str, Any], _raw: Mapping[str, Any]) -> list[Problem]:
        """The same checks over the fields that did read, when others did not."""
        names = parts.get("attributes", ())
        return _participant_problems(parts.get("id"), parts.get("manager_id"), names or ())


_PARTICIPANT_FIELDS = frozenset(f.name for f in attrs.fields(Participant))


def _participant_problems(pid: object, manager: object, names: Iterable[Any]) -> list[Problem]:
    """Attributes named like a field (in any spelling), and someone their own manager."""
    problems = field_name_problems(names, _PARTICIPANT_FIELDS, "Participant")
    if manager is not None and manager == pid:
        problems.append(Problem(("manager_id",), f"{pid!r} cannot be their own manager"))
    return problems


@attrs.frozen
class Provider(Record):
    """Someone who delivers support: a coach, a mentor, a peer-circle facilitator.

    Parameters
    ----------
    id : str
        Unique identifier.
    support_type : SupportType
        The support this provider delivers.
    capacity : int
        How many participants the provider can take at once, from 0 to 1,000,000.
    cost_per_session : float
        Fee per session in the program's currency, ``>= 0`` (0 for internal mentors).
    seniority : Level
        The most senior level the provider works with (a mentor's own level).
    specialties : tuple of Goal
        Goals the provider specialises in.
    languages : tuple of str
        Languages the provider works in, as ISO 639 codes.
    utc_offset : float
        Usual UTC offset in hours.
    employee_id : str or None
        The participant id of a provider who is also an employee (an internal mentor), so that
        no one is matched inside their own reporting line.

    Examples
    --------
    >>> from sparkus.model import Level, Provider, SupportType
    >>> Provider("c1", SupportType.COACHING, 8, 250.0, Level.EXECUTIVE).capacity
    8

    .. versionadded:: 0.1
    """

    id: str = attrs.field(metadata=checked(name_text))
    support_type: SupportType = attrs.field(metadata=checked(member(SupportType)))
    capacity: int = attrs.field(metadata=checked(number(low=0, high=MAX_CAPACITY, integer=True)))
    cost_per_session: float = attrs.field(converter=real, metadata=checked(_amount))
    seniority: Level = attrs.field(metadata=checked(member(Level)))
    specialties: tuple[Goal, ...] = attrs.field(default=(), metadata=checked(_goals))
    languages: tuple[str, ...] = attrs.field(default=(), metadata=checked(_languages))
    utc_offset: float = attrs.field(converter=real, default=0.0, metadata=checked(_utc_offset))
    employee_id: str | None = attrs.field(default=None, metadata=checked(optional(name_text)))


@attrs.frozen
class Assessment(Record):
    """One filled-in questionnaire: a self-assessment, a manager's, a peer's or a report's.

    Parameters
    ----------
    participant_id : str
        Whom the assessment is about.
    source : AssessmentSource
        Who answered it.
    scores : mapping of str to float
        Item name to score; every score inside `scale`.
    taken_at : datetime.datetime
        When it was answered, with a UTC offset.
    scale : tuple of (float, float)
        The lowest and highest possible score, default ``(1.0, 5.0)`` (a five-point Likert scale).
    rater_id : str or None
        Who answered, so that a rater who answers twice counts once in a rater group (peers,
        direct reports). Optional: without it, each assessment counts as one rater. It is
        input only: no result of sparkus shows it.

    Examples
    --------
    >>> import datetime as dt
    >>> from sparkus.model import Assessment, AssessmentSource
    >>> a = Assessment("e17", AssessmentSource.SELF, {"motivation": 4.0},
    ...                dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC))
    >>> a.scores["motivation"]
    4.0

    .. versionadded:: 0.1
    """

    participant_id: str = attrs.field(metadata=checked(name_text))
    source: AssessmentSource = attrs.field(metadata=checked(member(AssessmentSource)))
    scores: Mapping[str, float] = attrs.field(
        converter=reals, metadata=checked(mapping_of(text, number()))
    )
    taken_at: dt.datetime = attrs.field(metadata=checked(aware_datetime))
    scale: tuple[float, float] = attrs.field(
        default=(1.0, 5.0), converter=real_pair, metadata=checked(scale)
    )
    rater_id: str | None = attrs.field(default=None, metadata=checked(optional(name_text)))

    def _cross_check(self) -> list[Problem]:
        low, high = self.scale
        return [
            Problem(("scores", item), f"{score!r} is outside the scale {low:g} to {high:g}")
            for item, score in self.scores.items()
            if not low <= score <= high
        ]


_costs = mapping_of(member(SupportType), _amount)


@attrs.frozen
class CostModel(Record):
    """What support costs, fully loaded (Phillips): fees, licences and participants' time.

    Parameters
    ----------
    session_cost : mapping of SupportType to float
        Fee per session by support type (use a provider's own fee where it has one).
    session_hours : float
        Hours of a participant's time per session, default 1.
    participant_hourly_cost : float
        Loaded cost of one hour of a participant's time (salary and overhead), default 0.
    per_participant_cost : mapping of SupportType to float
        One-off cost per participant by support type (licences, platform seats, materials).
    fixed_cost : float
        Program cost that does not scale with participants (design, administration).
        Every amount and the session hours are at most 10**15, so that costs summed over
        millions of people stay finite.

    Examples
    --------
    >>> from sparkus.model import CostModel, SupportType
    >>> costs = CostModel({SupportType.COACHING: 300.0}, participant_hourly_cost=60.0)
    >>> costs.per_person(SupportType.COACHING, sessions=6)
    2160.0

    .. versionadded:: 0.1
    """

    session_cost: Mapping[SupportType, float] = attrs.field(
        converter=reals, metadata=checked(_costs)
    )
    session_hours: float = attrs.field(converter=real, default=1.0, metadata=checked(_amount))
    participant_hourly_cost: float = attrs.field(
        converter=real, default=0.0, metadata=checked(_amount)
    )
    per_participant_cost: Mapping[SupportType, float] = attrs.field(
        factory=_empty, converter=reals, metadata=checked(_costs)
    )
    fixed_cost: float = attrs.field(converter=real, default=0.0, metadata=checked(_amount))

    def per_person(self, support: SupportType, *, sessions: int) -> float:
        """Fully loaded cost of giving one person `sessions` sessions of `support`.

        Raises
        ------
        SchemaError
            If `support` is not a :class:`SupportType`, `sessions` not an integer from 0 to
            10,000, or the cost model has no session fee for `support`.
        """
        given: object = support
        if not isinstance(given, SupportType):
            raise SchemaError([Problem(("support",), not_one_of(given, SupportType))])
        check_number(sessions, "sessions", low=0, high=10_000, integer=True)
        if support not in self.session_cost:
            known = ", ".join(s.value for s in self.session_cost) or "none"
            msg = f"has no fee for {support.value!r} (fees are set for: {known})"
            raise SchemaError([Problem(("session_cost", support.value), msg)])
        per_session = self.session_cost[support] + self.session_hours * self.participant_hourly_cost
        return sessions * per_session + self.per_participant_cost.get(support, 0.0)


@attrs.frozen
class Step(Record):
    """One step of a journey.

    Parameters
    ----------
    id : str
        Identifier, unique within its template (events refer to it).
    kind : StepKind
        What the step is.
    day : int
        Days after the journey's start the step is due, ``>= 0``.
    required : bool
        Whether completing the journey needs this step.

    Examples
    --------
    >>> from sparkus.model import Step, StepKind
    >>> Step("coaching-1", StepKind.COACHING_SESSION, day=14).support_type
    <SupportType.COACHING: 'coaching'>

    .. versionadded:: 0.1
    """

    id: str = attrs.field(metadata=checked(name_text))
    kind: StepKind = attrs.field(metadata=checked(member(StepKind)))
    day: int = attrs.field(metadata=checked(number(low=0, integer=True)))
    required: bool = attrs.field(default=True, metadata=checked(boolean))

    @property
    def support_type(self) -> SupportType | None:
        """The support type the step delivers; ``None`` for steps every journey shares."""
        return self.kind.support_type


def _step_problems(steps: tuple[Step, ...], duration_days: int | None) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for i, step in enumerate(steps):
        if step.id in seen:
            problems.append(
                Problem(("steps", i, "id"), f"{step.id!r} repeats step {seen[step.id]}")
            )
        seen.setdefault(step.id, i)
        if i and step.day < steps[i - 1].day:
            msg = f"day {step.day} comes before the previous step's day {steps[i - 1].day}"
            problems.append(Problem(("steps", i, "day"), msg))
        if duration_days is not None and step.day > duration_days:
            msg = f"day {step.day} is after the journey's end (duration_days={duration_days})"
            problems.append(Problem(("steps", i, "day"), msg))
    return problems


_steps = tuple_of(instance_of(Step, "a Step"), nonempty=True)


@attrs.frozen
class JourneyTemplate(Record):
    """The steps a program offers, in order.

    Each journey takes the shared steps and its own support type's sessions.

    Parameters
    ----------
    name : str
        Template name.
    steps : tuple of Step
        Steps in order of `day`, ids unique.
    duration_days : int
        Length of the program in days; no step is due after it.

    Examples
    --------
    >>> from sparkus.model import JourneyTemplate, Step, StepKind, SupportType
    >>> t = JourneyTemplate("pilot", (Step("kickoff", StepKind.KICKOFF_WEBINAR, 0),
    ...                               Step("coaching-1", StepKind.COACHING_SESSION, 14)), 30)
    >>> [s.id for s in t.steps_for(SupportType.MENTORING)]
    ['kickoff']

    .. versionadded:: 0.1
    """

    name: str = attrs.field(metadata=checked(text))
    steps: tuple[Step, ...] = attrs.field(metadata=checked(_steps))
    duration_days: int = attrs.field(metadata=checked(number(low=1, integer=True)))

    def _cross_check(self) -> list[Problem]:
        return _step_problems(self.steps, self.duration_days)

    def steps_for(self, support: SupportType | None) -> tuple[Step, ...]:
        """The shared steps plus the sessions of `support` (``None``: shared steps only).

        Raises
        ------
        SchemaError
            If `support` is neither None nor a :class:`SupportType`.
        """
        given: object = support
        if given is not None and not isinstance(given, SupportType):
            raise SchemaError([Problem(("support",), not_one_of(given, SupportType))])
        return tuple(s for s in self.steps if s.support_type in (None, support))

    @property
    def support_types(self) -> tuple[SupportType, ...]:
        """The support types this template has sessions for, in order of first appearance."""
        found = (s.support_type for s in self.steps)
        return tuple(dict.fromkeys(t for t in found if t is not None))


@attrs.frozen
class Journey(Record):
    """One participant's path through a program: a start and the steps due after it.

    Parameters
    ----------
    participant_id : str
        Whose journey it is.
    start : datetime.datetime
        When the journey starts, with a UTC offset.
    steps : tuple of Step
        The participant's steps in order of `day`, ids unique.
    support_type : SupportType or None
        The support the participant receives, ``None`` for shared steps only.
    provider_id : str or None
        Who delivers the support: the id of a :class:`Provider` (the coach, mentor or
        facilitator the assignment placed the participant with), ``None`` if nobody is
        assigned. A journey without support has no provider.

    Examples
    --------
    >>> import datetime as dt
    >>> from sparkus.model import Journey, Step, StepKind
    >>> j = Journey("e17", dt.datetime(2026, 3, 2, tzinfo=dt.UTC),
    ...             (Step("kickoff", StepKind.KICKOFF_WEBINAR, 0),))
    >>> j.due("kickoff").isoformat()
    '2026-03-02T00:00:00+00:00'

    .. versionadded:: 0.1
    """

    participant_id: str = attrs.field(metadata=checked(name_text))
    start: dt.datetime = attrs.field(metadata=checked(aware_datetime))
    steps: tuple[Step, ...] = attrs.field(metadata=checked(_steps))
    support_type: SupportType | None = attrs.field(
        default=None, metadata=checked(optional(member(SupportType)))
    )
    provider_id: str | None = attrs.field(default=None, metadata=checked(optional(name_text)))

    def _cross_check(self) -> list[Problem]:
        problems = _step_problems(self.steps, None)
        if self.provider_id is not None and self.support_type is None:
            msg = (f"{self.provider_id!r} delivers no support here: a journey whose support is "
                   "none has no provider")  # fmt: skip
            problems.append(Problem(("provider_id",), msg))
        for i, step in enumerate(self.steps):
            if step.support_type not in (None, self.support_type):
                have = "none" if self.support_type is None else repr(self.support_type.value)
                msg = (
                    f"a {step.kind.value} step does not belong to a journey whose support is {have}"
                )
                problems.append(Problem(("steps", i, "kind"), msg))
        return problems

    def due(self, step_id: str) -> dt.datetime:
        """When step `step_id` is due.

        Raises
        ------
        SchemaError
            If `step_id` is not text, or the journey has no such step.
        """
        given: object = step_id
        if not isinstance(given, str):
            msg = f"expected a step id (text), got {describe(given)}"
            raise SchemaError([Problem(("step_id",), msg)])
        for step in self.steps:
            if step.id == step_id:
                return due_date(self.start, step.day, step_id)
        known = ", ".join(s.id for s in self.steps)
        msg = f"{step_id!r} is not a step of this journey (its steps: {known})"
        raise SchemaError([Problem(("step_id",), msg)])


@attrs.frozen
class Event(Record):
    """Something that happened on a journey.

    Parameters
    ----------
    id : str
        Unique event id; the same id applied twice counts once.
    participant : str
        Whose journey it belongs to (the participant's id).
    kind : EventKind
        What happened.
    time : datetime.datetime
        When, with a UTC offset.
    step : str or None
        The id of the step it concerns; required for step events and ratings.
    value : float or None
        A rating or a score, where the kind has one; required for ``session_rated``.

    Examples
    --------
    >>> import datetime as dt
    >>> from sparkus.model import Event, EventKind
    >>> e = Event("ev1", "e17", EventKind.SESSION_RATED, dt.datetime(2026, 3, 16, tzinfo=dt.UTC),
    ...           step="coaching-1", value=9.0)
    >>> e.value
    9.0

    .. versionadded:: 0.1
    """

    id: str = attrs.field(metadata=checked(name_text))
    participant: str = attrs.field(metadata=checked(name_text))
    kind: EventKind = attrs.field(metadata=checked(member(EventKind)))
    time: dt.datetime = attrs.field(metadata=checked(aware_datetime))
    step: str | None = attrs.field(default=None, metadata=checked(optional(name_text)))
    value: float | None = attrs.field(converter=real, default=None, metadata=checked(_value))

    def _cross_check(self) -> list[Problem]:
        problems = []
        if self.kind is not EventKind.ACTIVITY and self.step is None:
            problems.append(Problem(("step",), f"a {self.kind.value} event needs a step"))
        if self.kind is EventKind.SESSION_RATED and self.value is None:
            problems.append(Problem(("value",), "a session_rated event needs a value"))
        return problems


@attrs.frozen
class Program(Record):
    """A coaching program: its goals, season, budget, costs and journey.

    Parameters
    ----------
    name : str
        Program name.
    goals : tuple of Goal
        Strategic goals, at least one, without repeats.
    season : Season
        The business season the program runs in.
    budget : float
        Budget in `currency`, from 0 to 10**15.
    currency : str
        ISO 4217 code of the budget and every cost.
    cost_model : CostModel
        What support costs.
    journey : JourneyTemplate
        The steps participants walk; see :func:`default_journey`.
    min_group_size : int
        Smallest group any aggregate about people may show, ``>= 2``; default 5, the common
        default of people-analytics tools (Viva Glint, Lattice, Dayforce, 15Five, Microsoft's
        vivainsights ``mingroup``).

    Examples
    --------
    >>> from sparkus.model import CostModel, Goal, Program, Season, SupportType, default_journey
    >>> goals = (Goal.LEADERSHIP_DEVELOPMENT,)
    >>> program = Program("Lead 2026", goals, Season.SPRING, 250_000.0, "EUR",
    ...                   CostModel({SupportType.COACHING: 300.0}),
    ...                   default_journey(Season.SPRING, goals))
    >>> program.min_group_size
    5

    .. versionadded:: 0.1
    """

    name: str = attrs.field(metadata=checked(text))
    goals: tuple[Goal, ...] = attrs.field(
        metadata=checked(tuple_of(member(Goal), unique=True, nonempty=True))
    )
    season: Season = attrs.field(metadata=checked(member(Season)))
    budget: float = attrs.field(converter=real, metadata=checked(_amount))
    currency: str = attrs.field(metadata=checked(currency))
    cost_model: CostModel = attrs.field(metadata=checked(instance_of(CostModel, "a CostModel")))
    journey: JourneyTemplate = attrs.field(
        metadata=checked(instance_of(JourneyTemplate, "a JourneyTemplate"))
    )
    min_group_size: int = attrs.field(default=5, metadata=checked(number(low=2, integer=True)))

    def _repr_html_(self) -> str:
        return program_html(self)
