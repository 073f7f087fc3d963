"""The built-in compatibility scorers: goal fit, language, time zones, seniority, preferences.

Each scorer follows :class:`~sparkus.matching.Scorer`: ``prepare`` turns the
population and the providers into a few small arrays once, and returns a function that scores
any number of (participant row, provider column) pairs with array operations only, never a
Python loop per pair or per person. Categorical features (goal sets, language sets) are scored
through a small table indexed by the category code of each side, so a pair costs one gather.

Scores lie in ``[0, 1]``, higher is better; ``-inf`` forbids a pair. How much each scorer counts
is not decided here but by the weights given to :func:`~sparkus.matching.candidate_matrix`.
The reporting-line constraint, which walks the manager tree, is in ``reporting_line.py``;
:data:`BUILTIN_SCORERS` lists them all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Final, NoReturn

import attrs
import numpy as np
from numpy.typing import NDArray

from sparkus._checks import FloatArray, is_finite_real
from sparkus._errors import Problem, SchemaError, shown
from sparkus._ids import near_ids
from sparkus.matching._pairing.protocols import prepare_iv
from sparkus.matching._pairing.reporting_line import SameReportingLine
from sparkus.model import FrozenMapping, Goal, Level

if TYPE_CHECKING:
    from sparkus.matching._pairing.protocols import IndexArray, PairScore
    from sparkus.model import Population, Program, Provider

__all__ = [
    "BUILTIN_SCORERS", "GoalFit", "SameReportingLine", "SeniorityGap", "SharedLanguage",
    "StatedPreferences", "Tabulated", "TimeZoneOverlap",
]  # fmt: skip

IntArray = NDArray[np.int64]

_GOALS: Final = tuple(goal.value for goal in Goal)
_LEVELS: Final = len(Level)
_MAX_LISTED: Final = 8
_LANGUAGE, _ZONES, _STATED = "shared_language", "time_zone_overlap", "stated_preferences"


# -- parameter checks (raised when a scorer is constructed) --------------------------------------


def _fail(scorer: str, field: str, message: str) -> NoReturn:
    raise SchemaError([Problem((scorer, field), message)])


def _plain(value: object) -> object:
    """A numpy scalar as the Python number or bool it is (``np.float32(0.5)`` as 0.5)."""
    return value.item() if isinstance(value, np.generic) else value


def _unit_float(scorer: str) -> attrs._ValidatorType[float]:
    def check(_instance: object, attribute: attrs.Attribute[float], value: object) -> None:
        x = _number(value)
        if x is None or not 0.0 <= x <= 1.0:
            _fail(scorer, attribute.name, f"expected a number from 0 to 1, got {shown(value)}")

    return check


def _bool(scorer: str) -> attrs._ValidatorType[bool]:
    def check(_instance: object, attribute: attrs.Attribute[bool], value: object) -> None:
        if not isinstance(value, bool):
            _fail(scorer, attribute.name, f"expected True or False, got {shown(value)}")

    return check


def _number(given: object) -> float | None:
    return float(given) if is_finite_real(given) else None  # type: ignore[arg-type]


def _listed(values: Sequence[object]) -> str:
    shown = ", ".join(repr(v) for v in values[:_MAX_LISTED])
    return shown + (f", ... ({len(values)} in all)" if len(values) > _MAX_LISTED else "")


# -- shared helpers ------------------------------------------------------------------------------


def _bits(items: Sequence[str], universe: Mapping[str, int]) -> int:
    out = 0
    for item in items:
        out |= 1 << universe[item]
    return out


def _set_codes(
    participant_sets: Sequence[Sequence[str]], provider_sets: Sequence[Sequence[str]]
) -> tuple[list[int], list[int], IntArray]:
    """Bit sets of each participant category and each provider, over their common items.

    Returns the participant-category bit sets, the distinct provider bit sets, and each
    provider's index into those distinct sets.
    """
    universe = {
        item: i
        for i, item in enumerate(
            sorted({x for s in (*participant_sets, *provider_sets) for x in s})
        )
    }
    left = [_bits(s, universe) for s in participant_sets]
    right_all = [_bits(s, universe) for s in provider_sets]
    distinct = list(dict.fromkeys(right_all))
    where = {b: i for i, b in enumerate(distinct)}
    index = np.fromiter((where[b] for b in right_all), dtype=np.int64, count=len(right_all))
    return left, distinct, index


@attrs.frozen(eq=False)
class Tabulated:
    """A scorer as a table: ``score(r, c) = table[row_code[r], column_code[c]]``.

    Scorers whose score depends on a few categories of each side (goal sets, language sets,
    levels, time zones) expose this form through a ``_tabulate`` method, which lets
    :func:`candidate_matrix` fuse several of them into one table and score a block of pairs
    with a single gather.
    """

    row_code: NDArray[np.intp]
    table: FloatArray
    column_code: NDArray[np.intp]

    def score(self, rows: IndexArray, cols: IndexArray) -> FloatArray:
        """The scores of the pairs (`rows`, `cols`), broadcast together."""
        return self.table[self.row_code[rows], self.column_code[cols]]


def _tabulated(
    row_codes: NDArray[np.integer], table: FloatArray, column_codes: IntArray
) -> Tabulated:
    """Code -1 (missing) of a population category column points at the table's last row."""
    rows = np.where(row_codes < 0, table.shape[0] - 1, row_codes).astype(np.intp)
    return Tabulated(rows, np.asarray(table, dtype=np.float64), column_codes.astype(np.intp))


# -- goal fit ------------------------------------------------------------------------------------


def _goals_converter(value: object) -> tuple[Goal, ...]:
    given: object = value
    if given is None:
        return ()
    if isinstance(given, str | Goal):
        given = (given,)
    if not isinstance(given, Sequence):
        _fail("goal_fit", "fallback", f"expected a sequence of goals, got {shown(given)}")
    out: list[Goal] = []
    for item in given:
        try:
            out.append(Goal(item))
        except ValueError:
            _fail("goal_fit", "fallback", f"{shown(item)} is not one of {', '.join(_GOALS)}")
    return tuple(dict.fromkeys(out))


@attrs.frozen
class GoalFit:
    """Goal fit: the share of a participant's goals that the provider specialises in.

    .. versionadded:: 0.1

    The goals are the participant's ``focus_goals`` (chosen in vision setting), or `fallback`
    (the program's goals, filled in by :func:`candidate_matrix` from its `program`) for a
    participant who chose none. A provider specialising in every such goal scores 1, one
    specialising in none of them 0.

    Parameters
    ----------
    fallback : sequence of Goal, optional
        Goals used for participants without focus goals, usually ``program.goals``.
    unknown : float
        The score of a participant with no goals at all (none chosen, no fallback); default
        0.5, neither good nor bad.

    Notes
    -----
    Agreement on goals is one of the three parts of the working alliance (with the bond and
    agreement on tasks), and the alliance correlates with coaching outcomes at r = 0.41
    (Graßmann et al. 2019, 27 samples, N = 3,563). That a provider's declared *specialties*
    produce that agreement is an assumption, not a finding: treat the weight as a judgement.

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.matching import GoalFit
    >>> from sparkus.model import Goal, Level, Population, Provider, SupportType
    >>> people = Population.from_columns({
    ...     "id": ["a", "b"], "level": ["manager", "manager"], "department": ["R&D", "R&D"],
    ...     "tenure_years": [3.0, 4.0],
    ...     "focus_goals": [["leadership_development", "team_collaboration"], []]})
    >>> coach = Provider("c1", SupportType.COACHING, 5, 300.0, Level.EXECUTIVE,
    ...                  specialties=(Goal.LEADERSHIP_DEVELOPMENT,))
    >>> score = GoalFit(fallback=[Goal.LEADERSHIP_DEVELOPMENT]).prepare(people, [coach])
    >>> score(np.array([0, 1]), np.array([0, 0])).tolist()
    [0.5, 1.0]
    """

    name = "goal_fit"

    fallback: tuple[Goal, ...] = attrs.field(default=(), converter=_goals_converter)
    unknown: float = attrs.field(default=0.5, converter=_plain, validator=_unit_float("goal_fit"))

    def for_program(self, program: Program) -> GoalFit:
        """Return this scorer with `program`'s goals as fallback (unless it already has one).

        Raises
        ------
        SchemaError
            If `program` is not a :class:`~sparkus.model.Program`.
        """
        from sparkus.model import Program

        given: object = program  # checked at run time for callers without a type checker
        if not isinstance(given, Program):
            msg = f"expected a Program, got {type(given).__name__}"
            raise SchemaError([Problem(("program",), msg)])
        return self if self.fallback else attrs.evolve(self, fallback=program.goals)

    def prepare(self, participants: Population, providers: Sequence[Provider]) -> PairScore:
        """Tabulate the fit of every goal set with every specialty set."""
        prepare_iv(participants, providers)
        return self._tabulate(participants, providers).score

    def _tabulate(self, participants: Population, providers: Sequence[Provider]) -> Tabulated:
        categories = participants.schema["focus_goals"].categories
        fallback = tuple(g.value for g in self.fallback)
        sets = [tuple(str(x) for x in c) or fallback for c in categories] + [fallback]
        left, right, index = _set_codes(
            sets, [tuple(g.value for g in p.specialties) for p in providers]
        )
        goals = np.array(left, dtype=np.int64)
        specialties = np.array(right, dtype=np.int64)
        shared = np.bitwise_count(goals[:, None] & specialties[None, :]).astype(np.float64)
        size = np.bitwise_count(goals).astype(np.float64)[:, None]
        with np.errstate(invalid="ignore", divide="ignore"):
            table = np.where(size > 0, shared / size, self.unknown)
        return _tabulated(participants["focus_goals"], table, index)


# -- shared language -----------------------------------------------------------------------------


@attrs.frozen
class SharedLanguage:
    """Shared language: 1 when participant and provider have a working language in common.

    .. versionadded:: 0.1

    Parameters
    ----------
    required : bool
        If true, a pair without a common language is forbidden (``-inf``) instead of scoring
        0. Default false.
    unknown : float
        The score when either side lists no language; default 0.5.

    Notes
    -----
    A common language is a practical precondition of a conversation rather than a measured
    predictor of outcomes; among similarity criteria, mentor-protégé similarity correlates
    rho = 0.38-0.59 with protégés' positive perceptions (Eby et al. 2013). Set `required` where
    sessions cannot happen through an interpreter.

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.matching import SharedLanguage
    >>> from sparkus.model import Level, Population, Provider, SupportType
    >>> people = Population.from_columns({
    ...     "id": ["a", "b"], "level": ["manager", "manager"], "department": ["R&D", "R&D"],
    ...     "tenure_years": [3.0, 4.0], "languages": [["en", "de"], ["fr"]]})
    >>> coach = Provider("c1", SupportType.COACHING, 5, 300.0, Level.EXECUTIVE, languages=("de",))
    >>> SharedLanguage().prepare(people, [coach])(np.array([0, 1]), np.array([0, 0])).tolist()
    [1.0, 0.0]
    """

    name = "shared_language"

    required: bool = attrs.field(default=False, converter=_plain, validator=_bool(_LANGUAGE))
    unknown: float = attrs.field(default=0.5, converter=_plain, validator=_unit_float(_LANGUAGE))

    def prepare(self, participants: Population, providers: Sequence[Provider]) -> PairScore:
        """Tabulate every participant language set against every provider language set."""
        prepare_iv(participants, providers)
        return self._tabulate(participants, providers).score

    def _tabulate(self, participants: Population, providers: Sequence[Provider]) -> Tabulated:
        categories = [tuple(str(x) for x in c) for c in participants.schema["languages"].categories]
        left, right, index = _set_codes([*categories, ()], [p.languages for p in providers])
        a = np.array(left, dtype=object)[:, None]
        b = np.array(right, dtype=object)[None, :]
        common = ((a & b) != 0).astype(bool)
        known = ((a != 0) & (b != 0)).astype(bool)
        miss = -np.inf if self.required else 0.0
        table = np.where(known, np.where(common, 1.0, miss), self.unknown).astype(np.float64)
        return _tabulated(participants["languages"], table, index)


# -- time-zone overlap ---------------------------------------------------------------------------


def _hours(scorer: str) -> attrs._ValidatorType[float]:
    def check(_instance: object, attribute: attrs.Attribute[float], value: object) -> None:
        x = _number(value)
        if x is None or not 0.0 <= x <= 24.0:
            _fail(scorer, attribute.name, f"expected an hour from 0 to 24, got {shown(value)}")

    return check


def _window(instance: TimeZoneOverlap, _attribute: attrs.Attribute[float], value: float) -> None:
    if not instance.start < value <= instance.start + 24.0:
        msg = f"must be after `start` ({instance.start:g}) by at most 24 hours, got {shown(value)}"
        _fail("time_zone_overlap", "end", msg)


@attrs.frozen
class TimeZoneOverlap:
    """Time-zone overlap: the share of the working day both sides share, from UTC offsets.

    .. versionadded:: 0.1

    Both sides work from `start` to `end` local time. The score is the number of hours those
    windows overlap (on the 24-hour clock, so the day wraps around) divided by the length of
    the window: 1 in the same time zone, 0 when the working days never meet.

    Parameters
    ----------
    start, end : float
        Local working hours, default 9 to 17.

    Notes
    -----
    No study links time-zone overlap to coaching outcomes; the scorer encodes a practical
    constraint (sessions in working hours), so its weight is a judgement.

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.matching import TimeZoneOverlap
    >>> from sparkus.model import Level, Population, Provider, SupportType
    >>> people = Population.from_columns({
    ...     "id": ["ny", "sg"], "level": ["manager", "manager"], "department": ["R&D", "R&D"],
    ...     "tenure_years": [3.0, 4.0], "utc_offset": [-5.0, 8.0]})
    >>> london = Provider("c1", SupportType.COACHING, 5, 300.0, Level.EXECUTIVE, utc_offset=0.0)
    >>> TimeZoneOverlap().prepare(people, [london])(np.array([0, 1]), np.array([0, 0])).tolist()
    [0.375, 0.0]
    """

    name = "time_zone_overlap"

    start: float = attrs.field(default=9.0, converter=_plain, validator=_hours(_ZONES))
    end: float = attrs.field(default=17.0, converter=_plain, validator=[_hours(_ZONES), _window])

    def prepare(self, participants: Population, providers: Sequence[Provider]) -> PairScore:
        """Tabulate the overlap of every pair of UTC offsets that occurs."""
        prepare_iv(participants, providers)
        return self._tabulate(participants, providers).score

    def _tabulate(self, participants: Population, providers: Sequence[Provider]) -> Tabulated:
        mine, row_code = np.unique(participants["utc_offset"], return_inverse=True)
        theirs, column_code = np.unique(
            np.array([p.utc_offset for p in providers], dtype=np.float64), return_inverse=True
        )
        length = float(self.end - self.start)
        apart = np.abs(mine[:, None] - theirs[None, :]) % 24.0
        apart = np.minimum(apart, 24.0 - apart)  # 0 to 12 hours apart, either way round
        near = np.maximum(length - apart, 0.0)
        far = np.maximum(length - (24.0 - apart), 0.0)  # overlap across midnight
        table = np.minimum(near + far, length) / length
        return _tabulated(row_code.reshape(-1), table, column_code.reshape(-1).astype(np.int64))


# -- seniority gap -------------------------------------------------------------------------------


def _preferred(value: object) -> int:
    """An integer number of levels (a numpy integer read as the int it is), or a SchemaError."""
    given = int(value) if isinstance(value, np.integer) else value
    if isinstance(given, bool) or not isinstance(given, int) or abs(given) >= _LEVELS:
        msg = (
            f"expected an integer from {1 - _LEVELS} to {_LEVELS - 1} (levels), got {shown(value)}"
        )
        _fail("seniority_gap", "preferred", msg)
    return given


def _width(_instance: object, _attribute: attrs.Attribute[float], value: object) -> None:
    x = _number(value)
    if x is None or x <= 0:
        _fail("seniority_gap", "width", f"expected a positive number of levels, got {shown(value)}")


@attrs.frozen
class SeniorityGap:
    """Seniority gap: best when the provider sits `preferred` levels above the participant.

    .. versionadded:: 0.1

    The gap is the number of levels of :class:`~sparkus.model.Level` by which the provider's
    ``seniority`` is above the participant's ``level`` (executive, senior leader, manager,
    individual contributor: a senior leader mentoring a manager is a gap of 1; a manager
    mentoring a manager, 0; negative when the provider is junior). The score is
    ``max(0, 1 - |gap - preferred| / width)``: 1 at the preferred gap, falling linearly by
    ``1 / width`` per level away from it, in either direction.

    Parameters
    ----------
    preferred : int
        The best gap in levels; default 1 (one level up).
    width : float
        Levels away from `preferred` at which the score reaches 0; default 3, so with the
        defaults a gap of 0 or 2 scores 2/3, a gap of 3 or -1 scores 1/3.

    Notes
    -----
    Evidence is thin. Perceived similarity between mentor and protégé correlates
    rho = 0.38-0.59 with the protégé's positive perceptions of mentoring (Eby et al. 2013,
    Psychological Bulletin 139(2)), which argues against large gaps; a gap of one level is
    common practice for mentoring (experience to pass on, outside the reporting line), not a
    measured optimum. For external coaches ``seniority`` is the most senior level they work
    with, so the gap says how well their experience fits the participant's level.

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.matching import SeniorityGap
    >>> from sparkus.model import Level, Population, Provider, SupportType
    >>> people = Population.from_columns({
    ...     "id": ["a", "b", "c"], "level": ["manager", "senior_leader", "executive"],
    ...     "department": ["R&D"] * 3, "tenure_years": [3.0, 4.0, 9.0]})
    >>> mentor = Provider("m1", SupportType.MENTORING, 3, 0.0, Level.SENIOR_LEADER)
    >>> SeniorityGap().prepare(people, [mentor])(np.arange(3), np.zeros(3, int)).round(3).tolist()
    [1.0, 0.667, 0.333]
    """

    name = "seniority_gap"

    preferred: int = attrs.field(default=1, converter=_preferred)
    width: float = attrs.field(default=3.0, converter=_plain, validator=_width)

    def prepare(self, participants: Population, providers: Sequence[Provider]) -> PairScore:
        """Tabulate the score of each pair of levels."""
        prepare_iv(participants, providers)
        return self._tabulate(participants, providers).score

    def _tabulate(self, participants: Population, providers: Sequence[Provider]) -> Tabulated:
        ranks = np.arange(_LEVELS)  # rank 0 is the most senior level
        gap = ranks[:, None] - ranks[None, :]  # participant's rank minus provider's
        table = np.maximum(0.0, 1.0 - np.abs(gap - self.preferred) / float(self.width))
        theirs = np.array([p.seniority.rank for p in providers], dtype=np.int64)
        return _tabulated(participants["level"], table, theirs)


# -- stated preferences --------------------------------------------------------------------------


def _preferences_converter(value: object) -> FrozenMapping[str, tuple[str, ...]]:
    given: object = value
    if not isinstance(given, Mapping):
        msg = f"expected a mapping of participant id to a ranked list of provider ids, got {shown(given)}"
        _fail("stated_preferences", "preferences", msg)
    problems: list[Problem] = []
    out: dict[str, tuple[str, ...]] = {}
    for key, ranked in given.items():
        path = ("preferences", str(key))
        if not isinstance(key, str):
            problems.append(Problem(path, f"expected a participant id (str), got {shown(key)}"))
            continue
        if isinstance(ranked, str) or not isinstance(ranked, Sequence):
            problems.append(Problem(path, f"expected a list of provider ids, got {shown(ranked)}"))
            continue
        bad = [v for v in ranked if not isinstance(v, str)]
        repeats = [v for i, v in enumerate(ranked) if v in ranked[:i]]
        if bad:
            problems.append(Problem(path, f"provider ids must be strings, got {_listed(bad)}"))
        elif repeats:
            problems.append(Problem(path, f"lists {_listed(repeats)} more than once"))
        else:
            out[key] = tuple(ranked)
    if problems:
        raise SchemaError([p.prefixed(("stated_preferences",)) for p in problems])
    return FrozenMapping(out)


@attrs.frozen
class StatedPreferences:
    """Stated preferences, one-sided: each participant's ranked list of providers.

    .. versionadded:: 0.1

    A provider a participant lists at position ``r`` (0 for the first) of a list of length
    ``L`` scores ``1 - r / L``: the first choice 1, the last ``1 / L``. A provider the
    participant did not list scores 0. A participant who stated nothing scores `unstated`
    with every provider, which leaves their ranking to the other scorers. Providers do not
    rank participants (coaches rarely do); for two-sided ranks see
    :func:`deferred_acceptance`.

    Parameters
    ----------
    preferences : mapping of str to sequence of str
        Participant id to provider ids, most wanted first.
    unstated : float
        The score of every pair of a participant without a list; default 0.5.

    Raises
    ------
    SchemaError
        When a list repeats a provider; from ``prepare``, for participant or provider ids
        that do not exist, naming each.

    Notes
    -----
    Choice is part of what builds the working alliance, which correlates with outcomes at
    r = 0.41 (Graßmann et al. 2019); whether honouring a stated rank improves outcomes has not
    been measured.

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.matching import StatedPreferences
    >>> from sparkus.model import Level, Population, Provider, SupportType
    >>> people = Population.from_columns({
    ...     "id": ["a", "b"], "level": ["manager", "manager"], "department": ["R&D", "R&D"],
    ...     "tenure_years": [3.0, 4.0]})
    >>> coaches = [Provider(c, SupportType.COACHING, 5, 300.0, Level.EXECUTIVE)
    ...            for c in ("c1", "c2", "c3")]
    >>> score = StatedPreferences({"a": ["c2", "c1"]}).prepare(people, coaches)
    >>> score(np.array([[0], [1]]), np.array([[0, 1, 2]])).tolist()
    [[0.5, 1.0, 0.0], [0.5, 0.5, 0.5]]
    """

    name = "stated_preferences"

    preferences: FrozenMapping[str, tuple[str, ...]] = attrs.field(
        factory=lambda: FrozenMapping({}), converter=_preferences_converter
    )
    unstated: float = attrs.field(default=0.5, converter=_plain, validator=_unit_float(_STATED))

    def prepare(self, participants: Population, providers: Sequence[Provider]) -> PairScore:
        """Check every id and index the listed pairs."""
        prepare_iv(participants, providers)
        ids = participants.ids.tolist()
        row_of = dict(zip(ids, range(len(ids)), strict=True))
        col_of = {p.id: j for j, p in enumerate(providers)}
        absent = [who for who in self.preferences if who not in row_of]
        hints = dict(zip(absent, near_ids(ids, absent), strict=True))  # one pass over the ids
        problems: list[Problem] = []
        for who, ranked in self.preferences.items():
            path = ("stated_preferences", "preferences", who)
            if who in hints:
                msg = f"{shown(who)} names no participant of the population{hints[who]}"
                problems.append(Problem(path, msg))
            unknown = [v for v in ranked if v not in col_of]
            if unknown:
                msg = f"{_listed(unknown)} {'is' if len(unknown) == 1 else 'are'} not among the providers"
                problems.append(Problem(path, msg))
        if problems:
            raise SchemaError(problems)
        m = max(len(providers), 1)
        listed = np.zeros(len(ids), dtype=bool)
        keys: list[int] = []
        values: list[float] = []
        for who, ranked in self.preferences.items():
            row = row_of[who]
            listed[row] = bool(ranked)
            keys += [row * m + col_of[v] for v in ranked]
            values += [1.0 - r / len(ranked) for r in range(len(ranked))]
        order = np.argsort(np.array(keys, dtype=np.int64), kind="stable")
        key_array = np.append(np.array(keys, dtype=np.int64)[order], np.iinfo(np.int64).max)
        value_array = np.append(np.array(values, dtype=np.float64)[order], 0.0)
        unstated = float(self.unstated)

        def score(rows: IndexArray, cols: IndexArray) -> FloatArray:
            key = np.asarray(rows, dtype=np.int64) * m + np.asarray(cols, dtype=np.int64)
            at = np.searchsorted(key_array, key)
            found = key_array[at] == key
            return np.where(found, value_array[at], np.where(listed[rows], 0.0, unstated))

        return score


BUILTIN_SCORERS: Final = FrozenMapping({
    s.name: s
    for s in (GoalFit(), SharedLanguage(), TimeZoneOverlap(), SeniorityGap(),
              SameReportingLine(), StatedPreferences())
})  # fmt: skip
"""The built-in scorers with their default parameters, by name."""
