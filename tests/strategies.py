"""Hypothesis strategies of valid and invalid sparkus model inputs.

Every strategy stays small (at most eight records in a list) so that a property test runs in well
under a second. Strategies of valid records only draw values the record's own checks accept;
those of invalid input (``bad_levels``, ``non_finite``, ``naive_datetimes``,
``participant_dicts_with_one_problem``) draw values that must be refused.
"""

from __future__ import annotations

import datetime as dt
import math
import string
from typing import Any

import numpy as np
from hypothesis import strategies as st

from sparkus.model import (
    Assessment,
    AssessmentSource,
    CostModel,
    Event,
    EventKind,
    Goal,
    Journey,
    JourneyTemplate,
    Level,
    Participant,
    Program,
    ProgramDocument,
    Provider,
    Season,
    Step,
    StepKind,
    SupportType,
    default_journey,
    unstructure,
)
from sparkus.model._columns import field_lookalike

MAX_RECORDS = 8

CORE_COLUMNS = frozenset(
    {"id", "level", "department", "tenure_years", "manager_id", "team", "utc_offset",
     "languages", "focus_goals"}
)  # fmt: skip
"""The columns of a Population that are fields of Participant, not free attributes."""

LEVEL_VALUES = tuple(level.value for level in Level)

# -- scalars ----------------------------------------------------------------------------------

_ALPHABET = string.ascii_letters + string.digits + "-_ .éßø"

idents = st.text(_ALPHABET, min_size=1, max_size=8).filter(lambda s: s == s.strip())
"""Non-empty text without leading or trailing white space: ids, names, departments."""

attribute_names = idents.filter(lambda s: s not in CORE_COLUMNS and field_lookalike(s) is None)
"""Names of free attributes; never a core column name, nor one spelled like it (``Level``)."""

language_codes = st.builds(
    lambda base, subtags: "-".join([base, *subtags]),
    st.text(string.ascii_lowercase, min_size=2, max_size=3),
    st.lists(st.text(string.ascii_letters + string.digits, min_size=2, max_size=8), max_size=2),
)
"""ISO 639-like codes matching ``^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$``."""

currencies = st.text(string.ascii_uppercase, min_size=3, max_size=3)


def finite_floats(low: float | None = None, high: float | None = None) -> st.SearchStrategy[float]:
    """Finite floats in ``[low, high]`` (not too large, so sums stay finite)."""
    low = -1e12 if low is None else low
    high = 1e12 if high is None else high
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def numbers(low: float | None = None, high: float | None = None) -> st.SearchStrategy[float]:
    """Finite numbers in ``[low, high]``: floats, and ints where the range holds some."""
    ints = st.integers(
        -(2**40) if low is None else math.ceil(low), 2**40 if high is None else math.floor(high)
    )
    return st.one_of(finite_floats(low, high), ints)


nonnegative = numbers(0.0, 1e9)
tenures = numbers(0.0, 100.0)  # a participant's tenure in years: at most 100
utc_offsets = numbers(-12.0, 14.0)
languages = st.lists(language_codes, max_size=3, unique=True).map(tuple)
goal_tuples = st.lists(st.sampled_from(Goal), max_size=4, unique=True).map(tuple)

offsets = st.integers(-(23 * 60 + 59), 23 * 60 + 59).map(
    lambda minutes: dt.timezone(dt.timedelta(minutes=minutes))
)
aware_datetimes = st.datetimes(
    min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2100, 1, 1), timezones=offsets
)
"""Timezone-aware datetimes with a fixed offset in whole minutes."""

naive_datetimes = st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2100, 1, 1))

non_finite = st.sampled_from([math.nan, math.inf, -math.inf])

attribute_values: st.SearchStrategy[Any] = st.one_of(
    st.text(max_size=8),
    st.integers(-(2**53), 2**53),
    finite_floats(),
    st.booleans(),
)
"""Any value a Participant accepts as a free attribute."""

# One kind of attribute column: the strategy of its values (strings here are ids-like, which
# a Population stores as categories).
_ATTRIBUTE_KINDS: dict[str, st.SearchStrategy[Any]] = {
    "str": idents,
    "int": st.integers(-(2**53), 2**53),
    "float": finite_floats(),
    "bool": st.booleans(),
}

# -- records ----------------------------------------------------------------------------------


@st.composite
def participants(
    draw: st.DrawFn, *, attributes: st.SearchStrategy[Any] | None = None
) -> Participant:
    """A valid Participant; `attributes` draws its free attributes (default: any valid ones)."""
    pid = draw(idents)
    manager = draw(st.none() | idents.filter(lambda s: s != pid))
    if attributes is None:
        attributes = st.dictionaries(attribute_names, attribute_values, max_size=4)
    return Participant(
        pid,
        draw(st.sampled_from(Level)),
        draw(idents),
        draw(tenures),
        manager_id=manager,
        team=draw(st.none() | idents),
        utc_offset=draw(utc_offsets),
        languages=draw(languages),
        focus_goals=draw(goal_tuples),
        attributes=draw(attributes),
    )


providers = st.builds(
    Provider,
    idents,
    st.sampled_from(SupportType),
    st.integers(0, 50),
    nonnegative,
    st.sampled_from(Level),
    specialties=goal_tuples,
    languages=languages,
    utc_offset=utc_offsets,
    employee_id=st.none() | idents,
)


@st.composite
def scales(draw: st.DrawFn) -> tuple[float, float]:
    """A score scale ``(low, high)`` with low < high."""
    low = draw(st.integers(-10, 10) | finite_floats(-100.0, 100.0))
    width = draw(st.integers(1, 10) | finite_floats(0.5, 100.0))
    return (low, low + width)


@st.composite
def assessments(draw: st.DrawFn, participant_ids: st.SearchStrategy[str] = idents) -> Assessment:
    """A valid Assessment about one of `participant_ids`, every score inside its scale."""
    low, high = draw(scales())
    scores = draw(st.dictionaries(idents, finite_floats(float(low), float(high)), max_size=5))
    return Assessment(
        draw(participant_ids),
        draw(st.sampled_from(AssessmentSource)),
        scores,
        draw(aware_datetimes),
        scale=(low, high),
        rater_id=draw(st.none() | idents),
    )


_support_costs = st.dictionaries(st.sampled_from(SupportType), nonnegative, max_size=5)

cost_models = st.builds(
    CostModel,
    _support_costs,
    session_hours=nonnegative,
    participant_hourly_cost=nonnegative,
    per_participant_cost=_support_costs,
    fixed_cost=nonnegative,
)

steps = st.builds(
    Step, idents, st.sampled_from(StepKind), st.integers(0, 400), required=st.booleans()
)


@st.composite
def step_sequences(
    draw: st.DrawFn, kinds: st.SearchStrategy[StepKind] | None = None
) -> tuple[Step, ...]:
    """One to eight steps with unique ids, in order of day, of `kinds` (default: any kind)."""
    if kinds is None:
        kinds = st.sampled_from(StepKind)
    ids = draw(st.lists(idents, min_size=1, max_size=MAX_RECORDS, unique=True))
    days = sorted(draw(st.lists(st.integers(0, 400), min_size=len(ids), max_size=len(ids))))
    return tuple(
        Step(i, draw(kinds), day, required=draw(st.booleans()))
        for i, day in zip(ids, days, strict=True)
    )


@st.composite
def journey_templates(draw: st.DrawFn) -> JourneyTemplate:
    """A valid JourneyTemplate: a random one, or a default journey."""
    if draw(st.booleans()):
        goals = draw(st.lists(st.sampled_from(Goal), min_size=1, max_size=4, unique=True))
        return default_journey(draw(st.sampled_from(Season)), goals)
    seq = draw(step_sequences())
    duration = draw(st.integers(max(1, seq[-1].day), 500))
    return JourneyTemplate(draw(idents), seq, duration)


@st.composite
def journeys(draw: st.DrawFn) -> Journey:
    """A valid Journey: shared steps plus sessions of its own support type, and a provider
    (or none) where it has support."""
    support = draw(st.none() | st.sampled_from(SupportType))
    allowed = [k for k in StepKind if k.support_type in (None, support)]
    provider = None if support is None else draw(st.none() | idents)
    steps = draw(step_sequences(st.sampled_from(allowed)))
    return Journey(draw(idents), draw(aware_datetimes), steps, support, provider)


@st.composite
def events(draw: st.DrawFn) -> Event:
    """A valid Event: a step id where its kind needs one, a value where it needs one."""
    kind = draw(st.sampled_from(EventKind))
    step = draw(st.none() | idents) if kind is EventKind.ACTIVITY else draw(idents)
    value = (
        draw(finite_floats()) if kind is EventKind.SESSION_RATED else draw(st.none() | numbers())
    )
    return Event(draw(idents), draw(idents), kind, draw(aware_datetimes), step=step, value=value)


programs = st.builds(
    Program,
    idents,
    st.lists(st.sampled_from(Goal), min_size=1, max_size=4, unique=True).map(tuple),
    st.sampled_from(Season),
    nonnegative,
    currencies,
    cost_models,
    journey_templates(),
    min_group_size=st.integers(2, 50),
)

# -- populations ------------------------------------------------------------------------------


@st.composite
def attribute_schemas(draw: st.DrawFn) -> dict[str, str]:
    """Attribute name to kind (``str``, ``int``, ``float`` or ``bool``), at most three."""
    return draw(
        st.dictionaries(attribute_names, st.sampled_from(sorted(_ATTRIBUTE_KINDS)), max_size=3)
    )


@st.composite
def participant_lists(
    draw: st.DrawFn, *, min_size: int = 0, max_size: int = MAX_RECORDS
) -> list[Participant]:
    """Participants that make a valid Population.

    Ids are unique; each manager is an earlier row or None (a forest); every participant has the
    same attribute names, one kind per name.
    """
    ids = draw(st.lists(idents, min_size=min_size, max_size=max_size, unique=True))
    schema = draw(attribute_schemas())
    out = []
    for i, pid in enumerate(ids):
        manager = draw(st.none() | st.sampled_from(ids[:i])) if i else None
        attributes = {name: draw(_ATTRIBUTE_KINDS[kind]) for name, kind in schema.items()}
        out.append(
            Participant(
                pid,
                draw(st.sampled_from(Level)),
                draw(idents),
                draw(tenures),
                manager_id=manager,
                team=draw(st.none() | idents),
                utc_offset=draw(utc_offsets),
                languages=draw(languages),
                focus_goals=draw(goal_tuples),
                attributes=attributes,
            )
        )
    return out


def columns_of(records: list[Participant]) -> dict[str, list[Any]]:
    """The columns (plain lists, values as a caller would give them) of `records`."""
    columns: dict[str, list[Any]] = {
        "id": [r.id for r in records],
        "level": [r.level.value for r in records],
        "department": [r.department for r in records],
        "tenure_years": [float(r.tenure_years) for r in records],
        "manager_id": [r.manager_id for r in records],
        "team": [r.team for r in records],
        "utc_offset": [float(r.utc_offset) for r in records],
        "languages": [list(r.languages) for r in records],
        "focus_goals": [[g.value for g in r.focus_goals] for r in records],
    }
    for name in records[0].attributes if records else ():
        columns[name] = [r.attributes[name] for r in records]
    return columns


@st.composite
def population_columns(
    draw: st.DrawFn, *, min_size: int = 1
) -> tuple[dict[str, Any], dict[str, tuple[float, float]]]:
    """Valid input of ``Population.from_columns``: ``(columns, scales)``.

    Columns come as lists or numpy arrays; one scored column with a declared scale may be added.
    """
    records = draw(participant_lists(min_size=min_size))
    columns: dict[str, Any] = columns_of(records)
    for name in ("tenure_years", "utc_offset"):
        if draw(st.booleans()):
            columns[name] = np.array(columns[name], dtype=np.float64)
    if draw(st.booleans()):
        columns["id"] = np.array(columns["id"], dtype=np.str_)
    for name, values in list(columns.items()):
        if name not in CORE_COLUMNS and draw(st.booleans()):
            columns[name] = np.array(values)  # numbers, bools, strings: one dtype each
    scales_: dict[str, tuple[float, float]] = {}
    if draw(st.booleans()):
        name = draw(attribute_names.filter(lambda s: s not in columns))
        low, high = draw(scales())
        n = len(records)
        columns[name] = np.array(
            draw(st.lists(finite_floats(float(low), float(high)), min_size=n, max_size=n))
        )
        scales_[name] = (low, high)
    return columns, scales_


# -- the document -----------------------------------------------------------------------------


@st.composite
def program_documents(draw: st.DrawFn) -> ProgramDocument:
    """A valid ProgramDocument: a population-valid forest, unique providers, known assessees."""
    people = draw(participant_lists(max_size=5))
    ids = [p.id for p in people]
    provider_list = draw(st.lists(providers, max_size=3, unique_by=lambda p: p.id))
    assessment_list = draw(st.lists(assessments(st.sampled_from(ids)), max_size=3)) if ids else []
    return ProgramDocument(
        draw(programs), tuple(people), tuple(provider_list), tuple(assessment_list)
    )


RECORDS: dict[str, st.SearchStrategy[Any]] = {
    "Participant": participants(),
    "Provider": providers,
    "Assessment": assessments(),
    "CostModel": cost_models,
    "Step": steps,
    "JourneyTemplate": journey_templates(),
    "Journey": journeys(),
    "Event": events(),
    "Program": programs,
    "ProgramDocument": program_documents(),
}
"""A strategy of valid records for every record type of ``sparkus.model``."""

# -- populations to group (peer circles, team cohorts) ----------------------------------------


@st.composite
def grouping_columns(draw: st.DrawFn, *, min_size: int = 1, max_size: int = 30) -> dict[str, Any]:
    """Columns of ``Population.from_columns`` for grouping: values from small sets, so that
    people share levels, departments, teams (some None, some spanning departments) and zones."""
    n = draw(st.integers(min_size, max_size))

    def column(values: tuple[Any, ...]) -> list[Any]:
        return draw(st.lists(st.sampled_from(values), min_size=n, max_size=n))

    return {
        "id": [f"p{i}" for i in range(n)],
        "level": column(LEVEL_VALUES),
        "department": column(("Sales", "R&D", "Legal")),
        "tenure_years": [1.0] * n,
        "team": column(("t1", "t2", "t3", "t4", "t5", "t6", None)),
        "utc_offset": column((-5.0, 0.0, 1.0, 5.5, 8.0, 14.0)),
    }


# -- invalid input ----------------------------------------------------------------------------

bad_levels = st.text(max_size=12).filter(lambda s: s not in LEVEL_VALUES)
"""Strings that are not a Level value."""


@st.composite
def participant_dicts_with_one_problem(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    """A participant as JSON-ready data with one field broken, and that field's name."""
    data = unstructure(draw(participants()))
    field, bad = draw(
        st.sampled_from(
            [
                ("level", bad_levels),
                ("level", st.integers()),
                ("department", st.just("")),
                ("department", st.integers() | st.none() | st.booleans()),
                ("tenure_years", non_finite),
                ("tenure_years", st.floats(max_value=-1e-9, allow_nan=False)),
                ("tenure_years", st.text(max_size=4) | st.booleans() | st.none()),
                ("utc_offset", st.floats(min_value=14.5, allow_nan=False)),
                ("languages", st.just(["EN"])),
                ("focus_goals", st.just(["boss"])),
                ("attributes", st.just({"x": math.nan})),
                ("manager_id", st.just(5)),
            ]
        )
    )
    data[field] = draw(bad)
    return data, field
