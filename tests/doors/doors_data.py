"""The door table of the data side: sparkus' errors, sparkus.model, sparkus.datasets and the
live tracking of sparkus.metrics (Tracker, Dashboard, the page and the plots).

Each case is one bad input, the error it must raise and the names its message must hold.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import numpy as np

from sparkus import Problem, SchemaError
from sparkus.datasets import SyntheticOrg, SyntheticTruth, simulate_events, synthetic_org
from sparkus.metrics import (
    Dashboard,
    Tracker,
    plot_engagement,
    plot_funnel,
    plot_progress,
    render_html,
    write_html,
)
from sparkus.model import (
    Assessment,
    AssessmentSource,
    Column,
    CostModel,
    Event,
    EventCheck,
    EventKind,
    EventTable,
    FrozenMapping,
    Goal,
    Journey,
    JourneyProgress,
    JourneySchedule,
    JourneyTemplate,
    Level,
    Participant,
    Population,
    Program,
    ProgramDocument,
    Provider,
    RejectedEvent,
    Season,
    Step,
    StepKind,
    StepState,
    SupportType,
    check_events,
    default_journey,
    from_json,
    schedule_journeys,
    structure,
    to_json,
    unstructure,
)

from .table import Door, Entry, NotADoor, case

START = dt.datetime(2027, 1, 4, tzinfo=dt.UTC)
DAY = dt.datetime(2027, 1, 18, 10, tzinfo=dt.UTC)
NAIVE = dt.datetime(2027, 1, 18, 10)
TEMPLATE = default_journey(Season.WINTER, [Goal.LEADERSHIP_DEVELOPMENT])
COSTS = CostModel({SupportType.COACHING: 200.0})
PROGRAM = Program(
    "Pilot", (Goal.LEADERSHIP_DEVELOPMENT,), Season.WINTER, 1e5, "EUR", COSTS, TEMPLATE
)
IDS = [f"p{i:02d}" for i in range(12)]
SCHEDULE = schedule_journeys(TEMPLATE, IDS, ["coaching"] * 12, [4] * 12, start=START)
_GAINS = {s: np.zeros(2) for s in SupportType}  # a valid SyntheticTruth.individual_effects
EVENTS = simulate_events(SCHEDULE, rng=1)
PERSON = {"id": "e1", "level": "manager", "department": "Sales", "tenure_years": 2}
POPULATION = {
    "id": ["a", "b"],
    "level": ["manager"] * 2,
    "department": ["S"] * 2,
    "tenure_years": [1.0, 2.0],
}


def _events(**change: Any) -> dict[str, Any]:
    columns: dict[str, Any] = {
        "id": ["x1", "x2"],
        "participant": ["p01", "p02"],
        "kind": ["activity"] * 2,
        "time": np.array([DAY, DAY], dtype=object),
        "step": ["", ""],
        "value": [None, None],
    }
    columns.update(change)
    return columns


def _tracker() -> Tracker:
    tracker = Tracker(PROGRAM, SCHEDULE, groups={"half": np.array(["a", "b"] * 6)})
    tracker.update(EVENTS)
    return tracker


def _saved(**members: Any) -> io.BytesIO:
    import zipfile

    buffer = io.BytesIO()
    _tracker().save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        content = {n: archive.read(n) for n in archive.namelist()}
    for name, array in members.items():
        if array is None:
            content.pop(f"{name}.npy")
            continue
        one = io.BytesIO()
        np.save(one, array)
        content[f"{name}.npy"] = one.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in content.items():
            archive.writestr(name, data)
    out.seek(0)
    return out


def _snapshot(**change: Any) -> dict[str, Any]:
    document = _tracker().snapshot(as_of=START + dt.timedelta(days=60)).to_dict()
    for key, value in change.items():
        document[key] = value
    return document


def _with_funnel(**fields: Any) -> dict[str, Any]:
    document = _snapshot()
    document["funnel"][0].update(fields)
    return document


def _check() -> EventCheck:
    return check_events(SCHEDULE, _events(participant=["ghost", "p01"]))


def _empty_path() -> str:
    return ""


_MESSAGE_ONLY = "an exception class raised with a message; any text is a valid message"

# fmt: off
DOORS: list[Entry] = [
    # -- sparkus ------------------------------------------------------------------------------
    NotADoor("sparkus.EstimationError", _MESSAGE_ONLY),
    NotADoor("sparkus.InfeasibleError", _MESSAGE_ONLY),
    NotADoor("sparkus.NotFittedError", _MESSAGE_ONLY),
    Door("sparkus.Problem", (
        case("path is None", lambda: Problem(None, "m"), SchemaError, "path"),
        case("path is a string", lambda: Problem("level", "m"), SchemaError, "path"),
        case("a bool in the path", lambda: Problem(("a", True), "m"), SchemaError, "path"),
        case("message not text", lambda: Problem(("a",), 5), SchemaError, "message"),
    )),
    Door("sparkus.SchemaError", (
        case("no problem", lambda: SchemaError([]), SchemaError, "problems"),
        case("not a Problem", lambda: SchemaError(["bad"]), SchemaError, "problems"),
    )),
    NotADoor("sparkus.SparkusError", _MESSAGE_ONLY),
    NotADoor("sparkus.SparkusWarning", "a warning class: it is issued, never called with data"),
    NotADoor("sparkus.__version__", "a constant: the installed version's text"),
    NotADoor("sparkus.datasets", "a subpackage, imported on first use; its names have doors"),
    NotADoor("sparkus.matching", "a subpackage, imported on first use; its names have doors"),
    NotADoor("sparkus.metrics", "a subpackage, imported on first use; its names have doors"),
    NotADoor("sparkus.model", "a subpackage, imported on first use; its names have doors"),
    NotADoor("sparkus.testing", "a subpackage, imported on first use; its names have doors"),
    NotADoor("sparkus.triage", "a subpackage, imported on first use; its names have doors"),
    # -- sparkus.model: constants, aliases, protocols, the shared container --------------------
    NotADoor("sparkus.model.SCHEMA_VERSION", "a constant: the document format's version"),
    NotADoor("sparkus.model.ColumnKind", "a type alias (a Literal of column kinds)"),
    NotADoor("sparkus.model.FrameLike", "a typing Protocol: what a DataFrame-like offers"),
    Door("sparkus.model.FrozenMapping", (
        case("not a mapping", lambda: FrozenMapping(5), SchemaError, "data", "expected a mapping"),
        case("a list", lambda: FrozenMapping([("a", 1)]), SchemaError, "data"),
    )),
    # -- sparkus.model: the vocabularies ------------------------------------------------------
    *(
        Door(f"sparkus.model.{cls.__name__}", (
            case("unknown value", lambda cls=cls: cls("boss"), SchemaError, cls.__name__,
                 "'boss' is not one of"),
            case("None", lambda cls=cls: cls(None), SchemaError, cls.__name__, "None"),
            case("a list", lambda cls=cls: cls([1]), SchemaError, cls.__name__, "[1]"),
        ))
        for cls in (AssessmentSource, EventKind, Goal, Season, StepKind, StepState, SupportType)
    ),
    Door("sparkus.model.Level", (
        case("unknown value", lambda: Level("boss"), SchemaError, "Level", "'boss'", "executive"),
        case("export spelling", lambda: Level("Manager"), SchemaError, "did you mean 'manager'"),
        case("spaces", lambda: Level("individual contributor"), SchemaError,
             "individual_contributor"),
        case("number", lambda: Level(3), SchemaError, "Level", "3"),
    )),
    # -- sparkus.model: records ---------------------------------------------------------------
    Door("sparkus.model.Participant", (
        case("id not text", lambda: Participant(3, Level.MANAGER, "S", 1.0), SchemaError, "id"),  # type: ignore[arg-type]
        case("level a string", lambda: Participant("a", "manager", "S", 1.0), SchemaError,  # type: ignore[arg-type]
             "level", "Level('manager')"),
        case("NaN tenure", lambda: Participant("a", Level.MANAGER, "S", float("nan")),
             SchemaError, "tenure_years"),
        case("negative tenure", lambda: Participant("a", Level.MANAGER, "S", -1.0), SchemaError,
             "tenure_years"),
        case("own manager", lambda: Participant("a", Level.MANAGER, "S", 1.0, manager_id="a"),
             SchemaError, "manager_id"),
        case("offset", lambda: Participant("a", Level.MANAGER, "S", 1.0, utc_offset=99),
             SchemaError, "utc_offset"),
        case("attributes", lambda: Participant("a", Level.MANAGER, "S", 1.0,
                                               attributes={"x": [1]}), SchemaError, "attributes.x"),  # type: ignore[dict-item]
        case("language", lambda: Participant("a", Level.MANAGER, "S", 1.0, languages=("EN",)),
             SchemaError, "languages[0]"),
    )),
    Door("sparkus.model.Provider", (
        case("capacity float", lambda: Provider("c", SupportType.COACHING, 2.5, 1.0,
                                                Level.MANAGER), SchemaError, "capacity"),  # type: ignore[arg-type]
        case("negative fee", lambda: Provider("c", SupportType.COACHING, 2, -1.0, Level.MANAGER),
             SchemaError, "cost_per_session"),
        case("fee 1e308", lambda: Provider("c", SupportType.COACHING, 2, 1e308, Level.MANAGER),
             SchemaError, "cost_per_session"),
        case("capacity 2**63", lambda: Provider("c", SupportType.COACHING, 2**63, 1.0,
                                                Level.MANAGER), SchemaError, "capacity"),
        case("support a string", lambda: Provider("c", "coaching", 2, 1.0, Level.MANAGER),  # type: ignore[arg-type]
             SchemaError, "support_type"),
        case("inf fee", lambda: Provider("c", SupportType.COACHING, 2, float("inf"),
                                         Level.MANAGER), SchemaError, "cost_per_session"),
    )),
    Door("sparkus.model.Assessment", (
        case("naive time", lambda: Assessment("a", AssessmentSource.SELF, {"x": 3.0}, NAIVE),
             SchemaError, "taken_at"),
        case("score off scale", lambda: Assessment("a", AssessmentSource.SELF, {"x": 9.0}, DAY),
             SchemaError, "scores.x"),
        case("NaN score", lambda: Assessment("a", AssessmentSource.SELF, {"x": float("nan")},
                                             DAY), SchemaError, "scores.x"),
        case("scale reversed", lambda: Assessment("a", AssessmentSource.SELF, {}, DAY,
                                                  scale=(5.0, 1.0)), SchemaError, "scale"),
    )),
    Door("sparkus.model.CostModel", (
        case("fee key", lambda: CostModel({"coaching": 1.0}), SchemaError, "session_cost"),  # type: ignore[dict-item]
        case("negative fee", lambda: CostModel({SupportType.COACHING: -1.0}), SchemaError,
             "session_cost.coaching"),
        case("not a mapping", lambda: CostModel(5), SchemaError, "session_cost"),  # type: ignore[arg-type]
        case("hourly cost 1e308", lambda: CostModel({}, participant_hourly_cost=1e308),
             SchemaError, "participant_hourly_cost"),
        case("NaN hours", lambda: CostModel({}, session_hours=float("nan")), SchemaError,
             "session_hours"),
    )),
    Door("sparkus.model.CostModel.per_person", (
        case("support text", lambda: COSTS.per_person("coaching", sessions=2), SchemaError,  # type: ignore[arg-type]
             "support"),
        case("no fee", lambda: COSTS.per_person(SupportType.MENTORING, sessions=2), SchemaError,
             "session_cost.mentoring"),
        case("sessions float", lambda: COSTS.per_person(SupportType.COACHING, sessions=2.5),  # type: ignore[arg-type]
             SchemaError, "sessions"),
        case("sessions negative", lambda: COSTS.per_person(SupportType.COACHING, sessions=-1),
             SchemaError, "sessions"),
        case("sessions huge", lambda: COSTS.per_person(SupportType.COACHING, sessions=10**30),
             SchemaError, "sessions"),
    )),
    Door("sparkus.model.Step", (
        case("negative day", lambda: Step("s", StepKind.CHECKPOINT, -1), SchemaError, "day"),
        case("float day", lambda: Step("s", StepKind.CHECKPOINT, 1.5), SchemaError, "day"),  # type: ignore[arg-type]
        case("required 1", lambda: Step("s", StepKind.CHECKPOINT, 1, required=1), SchemaError,  # type: ignore[arg-type]
             "required"),
        case("kind text", lambda: Step("s", "checkpoint", 1), SchemaError, "kind"),  # type: ignore[arg-type]
    )),
    Door("sparkus.model.JourneyTemplate", (
        case("no steps", lambda: JourneyTemplate("t", (), 30), SchemaError, "steps"),
        case("step after end", lambda: JourneyTemplate("t", (Step("s", StepKind.CHECKPOINT, 40),),
                                                       30), SchemaError, "steps[0].day"),
        case("repeated id", lambda: JourneyTemplate("t", (Step("s", StepKind.CHECKPOINT, 1),
                                                          Step("s", StepKind.CHECKPOINT, 2)), 30),
             SchemaError, "steps[1].id"),
        case("zero days", lambda: JourneyTemplate("t", (Step("s", StepKind.CHECKPOINT, 0),), 0),
             SchemaError, "duration_days"),
    )),
    Door("sparkus.model.JourneyTemplate.steps_for", (
        case("text", lambda: TEMPLATE.steps_for("coaching"), SchemaError, "support"),  # type: ignore[arg-type]
        case("array", lambda: TEMPLATE.steps_for(np.array([1, 2])), SchemaError, "support"),  # type: ignore[arg-type]
    )),
    Door("sparkus.model.Journey", (
        case("naive start", lambda: Journey("a", NAIVE, TEMPLATE.steps[:1]), SchemaError,
             "start"),
        case("session of other support", lambda: Journey("a", START, TEMPLATE.steps_for(
            SupportType.COACHING)[:5]), SchemaError, "steps[4].kind"),
        case("steps a list", lambda: Journey("a", START, list(TEMPLATE.steps[:1])),  # type: ignore[arg-type]
             SchemaError, "steps"),
    )),
    Door("sparkus.model.Journey.due", (
        case("unknown step", lambda: Journey("a", START, TEMPLATE.steps[:1]).due("nope"),
             SchemaError, "step_id", "nope"),
        case("not text", lambda: Journey("a", START, TEMPLATE.steps[:1]).due(3), SchemaError,  # type: ignore[arg-type]
             "step_id"),
    )),
    Door("sparkus.model.Event", (
        case("naive time", lambda: Event("e", "a", EventKind.ACTIVITY, NAIVE), SchemaError,
             "time"),
        case("rating without value", lambda: Event("e", "a", EventKind.SESSION_RATED, DAY,
                                                   step="s"), SchemaError, "value"),
        case("step event without step", lambda: Event("e", "a", EventKind.STEP_COMPLETED, DAY),
             SchemaError, "step"),
        case("inf value", lambda: Event("e", "a", EventKind.ACTIVITY, DAY,
                                        value=float("inf")), SchemaError, "value"),
    )),
    Door("sparkus.model.Program", (
        case("no goals", lambda: Program("p", (), Season.SPRING, 1.0, "EUR", COSTS, TEMPLATE),
             SchemaError, "goals"),
        case("currency", lambda: Program("p", (Goal.TEAM_COLLABORATION,), Season.SPRING, 1.0,
                                         "euro", COSTS, TEMPLATE), SchemaError, "currency"),
        case("budget 1e308", lambda: Program("p", (Goal.TEAM_COLLABORATION,), Season.SPRING,
                                             1e308, "EUR", COSTS, TEMPLATE), SchemaError,
             "budget"),
        case("budget NaN", lambda: Program("p", (Goal.TEAM_COLLABORATION,), Season.SPRING,
                                           float("nan"), "EUR", COSTS, TEMPLATE), SchemaError,
             "budget"),
        case("min group 1", lambda: Program("p", (Goal.TEAM_COLLABORATION,), Season.SPRING, 1.0,
                                            "EUR", COSTS, TEMPLATE, min_group_size=1),
             SchemaError, "min_group_size"),
    )),
    Door("sparkus.model.ProgramDocument", (
        case("program missing", lambda: ProgramDocument(None), SchemaError, "program"),  # type: ignore[arg-type]
        case("repeated ids", lambda: ProgramDocument(PROGRAM, (
            Participant("a", Level.MANAGER, "S", 1.0), Participant("a", Level.MANAGER, "S", 1.0)
        )), SchemaError, "participants[1].id"),
        case("unknown manager", lambda: ProgramDocument(PROGRAM, (
            Participant("a", Level.MANAGER, "S", 1.0, manager_id="ghost"),)), SchemaError,
             "participants[0].manager_id"),
        case("version", lambda: ProgramDocument(PROGRAM, schema_version=9), SchemaError,
             "schema_version"),
    )),
    Door("sparkus.model.Column", (
        case("unknown kind", lambda: Column("x", "money"), SchemaError, "kind"),  # type: ignore[arg-type]
        case("name not text", lambda: Column(3, "float"), SchemaError, "name"),  # type: ignore[arg-type]
        case("scale reversed", lambda: Column("x", "float", scale=(5.0, 1.0)), SchemaError,
             "scale"),
        case("required 1", lambda: Column("x", "float", required=1), SchemaError, "required"),  # type: ignore[arg-type]
    )),
    # -- sparkus.model: the population --------------------------------------------------------
    Door("sparkus.model.Population.from_columns", (
        case("not a mapping", lambda: Population.from_columns([1, 2]), SchemaError, "mapping"),  # type: ignore[arg-type]
        case("missing column", lambda: Population.from_columns({"id": ["a"]}), SchemaError,
             "level", "required column is missing"),
        case("NaN tenure", lambda: Population.from_columns(
            {**POPULATION, "tenure_years": [1.0, float("nan")]}), SchemaError,
             "participants[1].tenure_years"),
        case("int ids", lambda: Population.from_columns({**POPULATION, "id": [1, 2]}),
             SchemaError, "participants[0].id"),
        case("repeated ids", lambda: Population.from_columns({**POPULATION, "id": ["a", "a"]}),
             SchemaError, "participants[1].id"),
        case("export spelling", lambda: Population.from_columns(
            {**POPULATION, "level": ["Manager", "manager"]}), SchemaError,
             "participants[0].level", "did you mean 'manager'"),
        case("lengths differ", lambda: Population.from_columns({**POPULATION, "id": ["a"]}),
             SchemaError, "columns"),
        case("scales", lambda: Population.from_columns(POPULATION, scales=5), SchemaError,  # type: ignore[arg-type]
             "scales"),
        case("pandas misaligned", lambda: Population.from_columns({
            k: __import__("pandas").Series(v, index=[0, 1] if k != "tenure_years" else [4, 5])
            for k, v in POPULATION.items()}), SchemaError, "tenure_years", "index"),
        case("scale reversed", lambda: Population.from_columns(
            {**POPULATION, "x": [1.0, 2.0]}, scales={"x": (5, 1)}), SchemaError, "scales.x"),
        case("scale past the floats", lambda: Population.from_columns(
            {**POPULATION, "x": [1.0, 2.0]}, scales={"x": (0, 10**400)}), SchemaError,
             "scales.x", "finite"),
    )),
    # sparkus.model.Population.from_frame: in doors_ingest.py
    Door("sparkus.model.Population.from_records", (
        case("not iterable", lambda: Population.from_records(5), SchemaError, "records"),  # type: ignore[arg-type]
        case("not records", lambda: Population.from_records([PERSON]), SchemaError,  # type: ignore[list-item]
             "participants[0]"),
    )),
    Door("sparkus.model.Population.decode", (
        case("unknown column", lambda: Population.from_columns(POPULATION).decode("nope"),
             SchemaError, "name", "nope"),
        case("not text", lambda: Population.from_columns(POPULATION).decode(3), SchemaError,  # type: ignore[arg-type]
             "name"),
    )),
    # -- sparkus.model: JSON ------------------------------------------------------------------
    Door("sparkus.model.from_json", (
        case("deep nesting", lambda: from_json("[" * 100_000, Participant), SchemaError,
             "nested more than 64 deep", "line 1"),
        case("5,000 digits", lambda: from_json('{"tenure_years": ' + "9" * 5000 + "}",
                                               Participant), SchemaError, "line 1, column 18"),
        case("not UTF-8", lambda: from_json(b"\xff{}", Participant), SchemaError, "not UTF-8",
             "line 1, column 1"),
        case("repeated key", lambda: from_json('{"id": "a", "id": "b"}', Participant),
             SchemaError, "id: repeats a key"),
        case("not JSON", lambda: from_json('{"id": }', Participant), SchemaError,
             "line 1, column 8"),
        case("text a number", lambda: from_json(5, Participant), SchemaError, "text"),  # type: ignore[arg-type]
        case("cls not a record", lambda: from_json("{}", dict), SchemaError, "cls"),
        case("bad level", lambda: from_json(json.dumps({**PERSON, "level": "boss"}),
                                            Participant), SchemaError, "level"),
    )),
    Door("sparkus.model.structure", (
        case("cls not a record", lambda: structure({}, int), SchemaError, "cls"),
        case("list item", lambda: structure([PERSON, {**PERSON, "tenure_years": -1}],
                                            tuple[Participant, ...]), SchemaError,
             "[1].tenure_years"),
        case("not a list", lambda: structure(PERSON, list[Participant]), SchemaError,
             "expected a list"),
        case("unknown field", lambda: structure({**PERSON, "salary": 1}, Participant),
             SchemaError, "salary"),
    )),
    Door("sparkus.model.to_json", (
        case("not a record", lambda: to_json({"id": "a"}), SchemaError, "obj"),
        case("indent", lambda: to_json(Participant("a", Level.MANAGER, "S", 1.0), indent=-1),
             SchemaError, "indent"),
    )),
    Door("sparkus.model.unstructure", (
        case("not a record", lambda: unstructure(object()), SchemaError, "obj"),
    )),
    # -- sparkus.model: journeys and events ---------------------------------------------------
    Door("sparkus.model.default_journey", (
        case("season text", lambda: default_journey("spring", [Goal.TEAM_COLLABORATION]),  # type: ignore[arg-type]
             SchemaError, "season"),
        case("no goals", lambda: default_journey(Season.SPRING, []), SchemaError, "goals"),
        case("goals a number", lambda: default_journey(Season.SPRING, 5), SchemaError, "goals"),  # type: ignore[arg-type]
        case("goal text", lambda: default_journey(Season.SPRING, ["x"]), SchemaError,  # type: ignore[list-item]
             "goals[0]"),
    )),
    Door("sparkus.model.schedule_journeys", (
        case("template", lambda: schedule_journeys(None, ["a"], None, start=START), SchemaError,  # type: ignore[arg-type]
             "template"),
        case("float ids", lambda: schedule_journeys(TEMPLATE, [1.5], None, start=START),
             SchemaError, "ids", "row 0"),
        case("repeated ids", lambda: schedule_journeys(TEMPLATE, ["a", "a"], None, start=START),
             SchemaError, "ids", "'a'"),
        case("support", lambda: schedule_journeys(TEMPLATE, ["a"], ["yoga"], start=START),
             SchemaError, "support[0]"),
        case("sessions float", lambda: schedule_journeys(TEMPLATE, ["a"], ["coaching"], [1.5],
                                                         start=START), SchemaError, "sessions"),
        case("naive start", lambda: schedule_journeys(TEMPLATE, ["a"], None, start=NAIVE),
             SchemaError, "start"),
        case("year 9999", lambda: schedule_journeys(
            TEMPLATE, ["a"], None, start=dt.datetime(9999, 1, 1, tzinfo=dt.UTC)), SchemaError,
             "start", "2200"),
        case("start past the years numpy converts", lambda: schedule_journeys(
            TEMPLATE, ["a"], None, start=np.array([96290296032926006], dtype="datetime64[D]")),
             SchemaError, "start", "years 1 to 9999"),
        case("span", lambda: schedule_journeys(TEMPLATE, ["a", "b"], None, start=np.array(
            ["2000-01-01", "2150-01-01"], dtype="datetime64[s]")), SchemaError, "start", "span"),
        case("follow-up huge", lambda: schedule_journeys(TEMPLATE, ["a"], None, start=START,
                                                         follow_up_days=10**9), SchemaError,
             "follow_up_days"),
        case("excess", lambda: schedule_journeys(TEMPLATE, ["a"], None, start=START,
                                                 excess="drop"), SchemaError, "excess"),  # type: ignore[arg-type]
        case("pandas misaligned", lambda: schedule_journeys(
            TEMPLATE, __import__("pandas").Series(["a", "b"], index=[0, 1]),
            __import__("pandas").Series(["coaching"] * 2, index=[5, 6]), start=START),
             SchemaError, "support", "index"),
        case("too many sessions", lambda: schedule_journeys(TEMPLATE, ["a"], ["coaching"], [9],
                                                            start=START), SchemaError,
             "sessions", "excess='truncate'"),
    )),
    Door("sparkus.model.JourneySchedule", (
        case("made directly", lambda: JourneySchedule(TEMPLATE, *([[1]] * 8), 0, combo=[1],  # type: ignore[arg-type]
                                                      combo_position=[1]), SchemaError, "ids",
             "schedule_journeys"),
    )),
    Door("sparkus.model.JourneySchedule.journey", (
        case("unknown id", lambda: SCHEDULE.journey("ghost"), SchemaError, "participant_id"),
        case("not text", lambda: SCHEDULE.journey(3), SchemaError, "participant_id"),  # type: ignore[arg-type]
    )),
    Door("sparkus.model.JourneySchedule.rows_of", (
        case("floats", lambda: SCHEDULE.rows_of(np.array([1.5])), SchemaError, "ids", "row 0"),
        case("2-D", lambda: SCHEDULE.rows_of(np.zeros((2, 2), dtype=str)), SchemaError, "ids"),
    )),
    Door("sparkus.model.JourneySchedule.slots_of", (
        case("row outside", lambda: SCHEDULE.slots_of(np.array([99]), np.array([0])),
             SchemaError, "rows"),
        case("step outside", lambda: SCHEDULE.slots_of(np.array([0]), np.array([-1])),
             SchemaError, "steps"),
        case("floats", lambda: SCHEDULE.slots_of(np.array([0.5]), np.array([0])), SchemaError,
             "rows"),
    )),
    Door("sparkus.model.check_events", (
        case("schedule", lambda: check_events(None, _events()), SchemaError, "schedule"),  # type: ignore[arg-type]
        case("not a table", lambda: check_events(SCHEDULE, 5), SchemaError, "events"),
        case("missing column", lambda: check_events(SCHEDULE, {"id": [1]}), SchemaError,
             "participant"),
        case("float ids", lambda: check_events(SCHEDULE, _events(id=[1.5, 2.5])), SchemaError,
             "id", "rows 0 and 1"),
        case("uint64 ids", lambda: check_events(SCHEDULE, _events(
            id=np.array([2**63, 1], dtype=np.uint64))), SchemaError, "id", "row 0"),
        case("float participants", lambda: check_events(SCHEDULE, _events(
            participant=[1.5, 0.0])), SchemaError, "participant", "rows 0 and 1"),
        case("2-D column", lambda: check_events(SCHEDULE, _events(kind=np.zeros((2, 2)))),
             SchemaError, "kind"),
        case("pandas misaligned", lambda: check_events(SCHEDULE, {
            k: __import__("pandas").Series(v, index=[0, 1] if k != "value" else [5, 6])
            for k, v in _events().items()}), SchemaError, "value", "index"),
    )),
    Door("sparkus.model.EventTable", (
        case("made from lists", lambda: EventTable([1], [1], [1], [1], [1], [1], [1]),  # type: ignore[arg-type]
             SchemaError, "id", "from_columns"),
    )),
    Door("sparkus.model.EventTable.from_columns", (
        case("missing column", lambda: EventTable.from_columns({"id": [1]}), SchemaError,
             "participant"),
        case("lengths", lambda: EventTable.from_columns(_events(id=["a"])), SchemaError,
             "differ in length"),
        case("bool ids", lambda: EventTable.from_columns(_events(id=[True, False])),
             SchemaError, "id"),
        case("scalar column", lambda: EventTable.from_columns(_events(time=5)), SchemaError,
             "time"),
    )),
    Door("sparkus.model.EventTable.from_records", (
        case("not records", lambda: EventTable.from_records(["x"]), SchemaError, "events[0]"),  # type: ignore[list-item]
        case("not iterable", lambda: EventTable.from_records(5), SchemaError, "events"),  # type: ignore[arg-type]
        case("dict with a record's old field", lambda: EventTable.from_records([{
            "id": "e", "participant_id": "a", "kind": "activity", "time": DAY}]), SchemaError,
            "events[0].participant_id", "unknown field", "events[0]", "participant"),
    )),
    Door("sparkus.model.EventTable.take", (
        case("outside", lambda: EVENTS.take([10**9]), SchemaError, "rows"),
        case("floats", lambda: EVENTS.take([0.5]), SchemaError, "rows"),
        case("short mask", lambda: EVENTS.take([True]), SchemaError, "rows"),
    )),
    Door("sparkus.model.EventCheck.raise_for_rejected", (
        case("a refused event", lambda: _check().raise_for_rejected(), SchemaError,
             "events[0].participant", "ghost"),
    )),
    Door("sparkus.model.RejectedEvent", (
        case("negative row", lambda: RejectedEvent(-1, "a", ()), SchemaError, "row"),
        case("float id", lambda: RejectedEvent(0, 1.5, ()), SchemaError, "id"),  # type: ignore[arg-type]
        case("reasons", lambda: RejectedEvent(0, "a", ("x",)), SchemaError, "reasons"),  # type: ignore[arg-type]
    )),
    Door("sparkus.model.JourneyProgress", (
        case("not a schedule", lambda: JourneyProgress(None), SchemaError, "schedule"),  # type: ignore[arg-type]
    )),
    Door("sparkus.model.JourneyProgress.apply", (
        case("not a check", lambda: JourneyProgress(SCHEDULE).apply(5), SchemaError, "check"),
        case("other schedule", lambda: JourneyProgress(SCHEDULE).apply(check_events(
            schedule_journeys(TEMPLATE, ["p01"], None, start=START), _events())), SchemaError,
             "check", "another journey schedule"),
    )),
    Door("sparkus.model.JourneyProgress.merge", (
        case("not a state", lambda: JourneyProgress(SCHEDULE).merge(5), SchemaError, "other"),  # type: ignore[arg-type]
    )),
    Door("sparkus.model.JourneyProgress.from_arrays", (
        case("not a mapping", lambda: JourneyProgress.from_arrays(SCHEDULE, 5), SchemaError,  # type: ignore[arg-type]
             "arrays"),
        case("missing arrays", lambda: JourneyProgress.from_arrays(SCHEDULE, {}), SchemaError,
             "first_done"),
        case("rating 11", lambda: JourneyProgress.from_arrays(SCHEDULE, {
            **JourneyProgress(SCHEDULE).arrays(),
            "rating_time": np.full(SCHEDULE.n_slots, SCHEDULE.start_seconds[0] + 5),
            "rating": np.full(SCHEDULE.n_slots, 11.0)}), SchemaError, "rating", "slot"),
    )),
    Door("sparkus.model.JourneyProgress.states", (
        case("as_of a datetime", lambda: JourneyProgress(SCHEDULE).states(DAY), SchemaError,  # type: ignore[arg-type]
             "as_of"),
    )),
    # -- sparkus.datasets ---------------------------------------------------------------------
    Door("sparkus.datasets.synthetic_org", (
        case("too small", lambda: synthetic_org(5), SchemaError, "n"),
        case("a trillion", lambda: synthetic_org(10**12), SchemaError, "n", "10,000,000"),
        case("float n", lambda: synthetic_org(50.0), SchemaError, "n"),  # type: ignore[arg-type]
        case("negative seed", lambda: synthetic_org(50, seed=-1), SchemaError, "seed"),
    )),
    Door("sparkus.datasets.simulate_events", (
        case("schedule", lambda: simulate_events(None), SchemaError, "schedule"),  # type: ignore[arg-type]
        case("rng text", lambda: simulate_events(SCHEDULE, rng="x"), SchemaError, "rng"),  # type: ignore[arg-type]
        case("naive as_of", lambda: simulate_events(SCHEDULE, as_of=NAIVE), SchemaError,
             "as_of"),
        case("NaN rate", lambda: simulate_events(SCHEDULE, duplicate_rate=float("nan")),
             SchemaError, "duplicate_rate"),
        case("readiness length", lambda: simulate_events(SCHEDULE, readiness=[0.0]),
             SchemaError, "readiness"),
        case("readiness inf", lambda: simulate_events(SCHEDULE, readiness=[np.inf] * 12),
             SchemaError, "readiness"),
        case("encoded text", lambda: simulate_events(SCHEDULE, encoded="yes"), SchemaError,  # type: ignore[arg-type]
             "encoded"),
    )),
    Door("sparkus.datasets.SyntheticOrg", (
        case("wrong parts", lambda: SyntheticOrg(None, (), None, None, -1), SchemaError,  # type: ignore[arg-type]
             "population", "program", "truth", "seed"),
    )),
    Door("sparkus.datasets.SyntheticTruth", (
        case("not arrays", lambda: SyntheticTruth([1.0], [0], ("a",), {}, {}, 1.0, [0.5], "s", _GAINS),  # type: ignore[arg-type]
             SchemaError, "readiness"),
        case("sd zero", lambda: SyntheticTruth(np.zeros(2), np.zeros(2), ("a",), {}, {}, 0.0,
                                               np.zeros(2), "s", _GAINS), SchemaError, "outcome_sd"),
        case("individual effects not a mapping", lambda: SyntheticTruth(
            np.zeros(2), np.zeros(2), ("a",), {}, {}, 1.0, np.zeros(2), "s", [0.0]),  # type: ignore[arg-type]
             SchemaError, "individual_effects"),
        case("individual effects missing a type", lambda: SyntheticTruth(
            np.zeros(2), np.zeros(2), ("a",), {}, {}, 1.0, np.zeros(2), "s",
            {SupportType.COACHING: np.zeros(2)}), SchemaError, "individual_effects", "mentoring"),
        case("individual effects of the wrong length", lambda: SyntheticTruth(
            np.zeros(2), np.zeros(2), ("a",), {}, {}, 1.0, np.zeros(2), "s",
            {**_GAINS, SupportType.COACHING: np.zeros(3)}), SchemaError, "coaching", "3 values"),
        case("individual effects not finite", lambda: SyntheticTruth(
            np.zeros(2), np.zeros(2), ("a",), {}, {}, 1.0, np.zeros(2), "s",
            {**_GAINS, SupportType.MENTORING: np.array([1.0, np.nan])}), SchemaError,
             "mentoring", "not finite"),
    )),
    # -- sparkus.metrics: live tracking -------------------------------------------------------
    Door("sparkus.metrics.Tracker", (
        case("program", lambda: Tracker(None, SCHEDULE), SchemaError, "program"),  # type: ignore[arg-type]
        case("schedule", lambda: Tracker(PROGRAM, None), SchemaError, "schedule"),  # type: ignore[arg-type]
        case("groups length", lambda: Tracker(PROGRAM, SCHEDULE, groups={"g": ["a"]}),
             SchemaError, "groups.g"),
        case("window 0", lambda: Tracker(PROGRAM, SCHEDULE, window_days=0), SchemaError,
             "window_days"),
        case("pre step", lambda: Tracker(PROGRAM, SCHEDULE, pre_step="nope"), SchemaError,
             "pre_step"),
        case("level 1", lambda: Tracker(PROGRAM, SCHEDULE, level=1.0), SchemaError, "level"),
        case("share 0", lambda: Tracker(PROGRAM, SCHEDULE, protection_share=0.0), SchemaError,
             "protection_share"),
        case("share 2", lambda: Tracker(PROGRAM, SCHEDULE, protection_share=2), SchemaError,
             "protection_share"),
        case("share nan", lambda: Tracker(PROGRAM, SCHEDULE, protection_share=float("nan")),
             SchemaError, "protection_share"),
        case("share text", lambda: Tracker(PROGRAM, SCHEDULE, protection_share="half"),  # type: ignore[arg-type]
             SchemaError, "protection_share"),
    )),
    Door("sparkus.metrics.Tracker.update", (
        case("not a table", lambda: Tracker(PROGRAM, SCHEDULE).update(5), SchemaError,
             "events"),
        case("float ids", lambda: Tracker(PROGRAM, SCHEDULE).update(_events(id=[1.5, 2.0])),
             SchemaError, "id", "row"),
        case("pandas misaligned", lambda: Tracker(PROGRAM, SCHEDULE).update({
            k: __import__("pandas").Series(v, index=[0, 1] if k != "time" else [3, 4])
            for k, v in _events().items()}), SchemaError, "time"),
        case("dict without kind", lambda: Tracker(PROGRAM, SCHEDULE).update(
            {"id": "e", "participant": "a", "time": DAY}), SchemaError, "events[0]", "kind"),
        case("dict holding a list", lambda: Tracker(PROGRAM, SCHEDULE).update(
            [{"id": "e", "participant": "a", "kind": "activity", "time": [DAY]}]), SchemaError,
            "events[0].time", "one value"),
    )),
    Door("sparkus.metrics.Tracker.merge", (
        case("not a tracker", lambda: _tracker().merge(5), SchemaError, "other"),  # type: ignore[arg-type]
        case("other options", lambda: _tracker().merge(Tracker(PROGRAM, SCHEDULE)),
             SchemaError, "other"),
    )),
    Door("sparkus.metrics.Tracker.snapshot", (
        case("naive as_of", lambda: _tracker().snapshot(as_of=NAIVE), SchemaError, "as_of"),
        case("as_of text", lambda: _tracker().snapshot(as_of="2027-01-01"), SchemaError,  # type: ignore[arg-type]
             "as_of"),
        case("past 9999", lambda: _tracker().snapshot(as_of=dt.datetime(
            9999, 12, 31, 23, tzinfo=dt.timezone(-dt.timedelta(hours=5)))), SchemaError,
             "as_of"),
        case("roi NaN", lambda: _tracker().snapshot(roi={
            "roi_percent": float("nan"), "bcr": None, "ci": None, "level": None,
            "currency": "EUR"}), SchemaError, "roi.roi_percent"),
        case("impact kind", lambda: _tracker().snapshot(impact=5), SchemaError, "impact"),  # type: ignore[arg-type]
    )),
    Door("sparkus.metrics.Tracker.step_states", (
        case("naive", lambda: _tracker().step_states(NAIVE), SchemaError, "as_of"),
    )),
    Door("sparkus.metrics.Tracker.save", (
        case("not a path", lambda: _tracker().save(5), SchemaError, "file"),  # type: ignore[arg-type]
        case("missing folder", lambda: _tracker().save("/no/such/folder/state.npz"),
             SchemaError, "file", "/no/such/folder/state.npz"),
    )),
    Door("sparkus.metrics.Tracker.load", (
        case("missing file", lambda: Tracker.load("/no/such/state.npz", PROGRAM, SCHEDULE),
             SchemaError, "file", "/no/such/state.npz"),
        case("empty", lambda: Tracker.load(io.BytesIO(b""), PROGRAM, SCHEDULE), SchemaError,
             "file"),
        case("garbage", lambda: Tracker.load(io.BytesIO(b"garbage" * 9), PROGRAM, SCHEDULE),
             SchemaError, "file", "not a saved Tracker"),
        case("missing member", lambda: Tracker.load(_saved(state_rating=None), PROGRAM,
                                                    SCHEDULE), SchemaError, "state_rating"),
        case("wrong shape", lambda: Tracker.load(_saved(state_rating=np.zeros(3)), PROGRAM,
                                                 SCHEDULE), SchemaError, "rating"),
        case("codes outside", lambda: Tracker.load(_saved(group_0=np.full(12, 7)), PROGRAM,
                                                   SCHEDULE), SchemaError, "group_0"),
        case("huge member", lambda: Tracker.load(_saved(state_score=np.zeros(10**6)), PROGRAM,
                                                 SCHEDULE), SchemaError, "state_score.npy",
             "declares"),
        case("objects", lambda: Tracker.load(_saved(state_score=np.array([None] * 5)), PROGRAM,
                                             SCHEDULE), SchemaError, "state_score.npy"),
        case("program", lambda: Tracker.load(_saved(), None, SCHEDULE), SchemaError, "program"),  # type: ignore[arg-type]
        case("other schedule", lambda: Tracker.load(_saved(), PROGRAM, schedule_journeys(
            TEMPLATE, IDS, ["coaching"] * 12, [3] * 12, start=START)), SchemaError, "schedule"),
    )),
    Door("sparkus.metrics.Dashboard", (
        case("parts", lambda: Dashboard(program="p", as_of="2027-01-01T00:00:00+00:00",
                                        min_group_size=5, totals={}, engagement=None, funnel=[],  # type: ignore[arg-type]
                                        groups={}, suppressed=()), SchemaError, "totals",
             "engagement", "funnel"),
        case("as_of naive", lambda: Dashboard(program="p", as_of="2027-01-01",
                                              min_group_size=5, totals=_tracker().snapshot().totals,
                                              engagement=_tracker().snapshot().engagement,
                                              funnel=(), groups={}, suppressed=()), SchemaError,
             "as_of"),
    )),
    Door("sparkus.metrics.render_html", (
        case("not a snapshot", lambda: render_html(5), SchemaError, "expected an object"),
        case("completed > due", lambda: render_html(_with_funnel(due=3, completed=4)),
             SchemaError, "funnel[0].completed"),
        case("NaN rate", lambda: render_html(_snapshot(totals={
            **_snapshot()["totals"], "completion_rate": float("nan")})), SchemaError,
             "totals.completion_rate"),
        case("schema", lambda: render_html(_snapshot(schema="other")), SchemaError, "schema"),
        case("title", lambda: render_html(_snapshot(), title=5), SchemaError, "title"),  # type: ignore[arg-type]
        case("plan", lambda: render_html(_snapshot(), plan="plan"), SchemaError, "plan",  # type: ignore[arg-type]
             "SupportPlan"),
        case("triage", lambda: render_html(_snapshot(), triage=[1]), SchemaError, "triage",  # type: ignore[arg-type]
             "TriageResult"),
        case("matching item", lambda: render_html(_snapshot(), matching={"coaching": 3}),  # type: ignore[dict-item]
             SchemaError, "matching.coaching", "Assignment"),
        case("audit empty", lambda: render_html(_snapshot(), audit={}), SchemaError, "audit",
             "non-empty mapping"),
    )),
    Door("sparkus.metrics.write_html", (
        case("missing folder", lambda: write_html(_snapshot(), "/no/such/dir/r.html"),
             SchemaError, "path", "/no/such/dir/r.html"),
        case("path None", lambda: write_html(_snapshot(), None), SchemaError, "path"),  # type: ignore[arg-type]
        case("empty path", lambda: write_html(_snapshot(), _empty_path()), SchemaError, "path"),
        case("bad snapshot", lambda: write_html({}, "x.html"), SchemaError, "schema"),
        case("plan", lambda: write_html(_snapshot(), "x.html", plan=5), SchemaError, "plan"),  # type: ignore[arg-type]
    )),
    Door("sparkus.metrics.plot_engagement", (
        case("not a snapshot", lambda: plot_engagement(5), SchemaError, "expected an object"),
        case("ax", lambda: plot_engagement(_snapshot(), ax=5), SchemaError, "ax"),  # type: ignore[arg-type]
    )),
    Door("sparkus.metrics.plot_funnel", (
        case("completed > due", lambda: plot_funnel(_with_funnel(due=1, completed=2)),
             SchemaError, "funnel[0].completed"),
        case("ax", lambda: plot_funnel(_snapshot(), ax="x"), SchemaError, "ax"),  # type: ignore[arg-type]
    )),
    Door("sparkus.metrics.plot_progress", (
        case("unknown grouping", lambda: plot_progress(_snapshot(), "site"), SchemaError,
             "grouping"),
        case("not a snapshot", lambda: plot_progress([], "half"), SchemaError,
             "expected an object"),
        case("ax", lambda: plot_progress(_snapshot(), "half", ax=3), SchemaError, "ax"),  # type: ignore[arg-type]
    )),
]
# fmt: on
