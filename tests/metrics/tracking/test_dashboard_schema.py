"""JSON Schema of the dashboard snapshot: snapshots from a tracker and the hand-written contract
validate (checked with the ``jsonschema`` package), and each invalid snapshot is refused by the
schema and by sparkus' reader alike."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus import SchemaError
from sparkus.metrics import Tracker, dashboard_schema
from sparkus.metrics._tracking.reader import read_dashboard
from tests.metrics.tracking._dashboard_fixture import dashboard_snapshot as snapshot
from tests.metrics.tracking.test_snapshot_records import ESTIMATE, RETURN
from tests.metrics.tracking.test_tracker import DEPARTMENTS, END, EVENTS, PROGRAM, SCHEDULE, START

jsonschema = pytest.importorskip("jsonschema")

SCHEMA = dashboard_schema()
jsonschema.Draft202012Validator.check_schema(SCHEMA)
VALIDATOR = jsonschema.Draft202012Validator(
    SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)


def assert_valid(document: object) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(document)]
    assert errors == []


def _tracker() -> Tracker:
    tracker = Tracker(PROGRAM, SCHEDULE, groups={"department": DEPARTMENTS})
    tracker.update(EVENTS)
    return tracker


TRACKER = _tracker()


def test_schema_is_draft_2020_12_with_a_versioned_id():
    """The dashboard schema is a valid draft 2020-12 schema, versioned with the document."""
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert SCHEMA["$id"].endswith("/dashboard.v1.schema.json")
    assert SCHEMA["properties"]["schema"] == {"const": "sparkus.dashboard",
                                              "description": "What the document is."}  # fmt: skip
    level = SCHEMA["$defs"]["Progress"]["properties"]["level"]
    assert (level["exclusiveMinimum"], level["exclusiveMaximum"]) == (0.0, 1.0)
    assert SCHEMA["$defs"]["Suppressed"]["required"] == ["grouping", "group", "reason"]


def test_tracker_snapshots_validate():
    """Snapshots over the program, with suppressed groups, impact and ROI, validate."""
    days = [0, 10, 45, 120]
    for day in days:
        dashboard = TRACKER.snapshot(as_of=START + dt.timedelta(days=day))
        assert_valid(json.loads(json.dumps(dashboard.to_dict())))
    full = TRACKER.snapshot(as_of=END, impact=ESTIMATE, roi=RETURN).to_dict()
    assert full["suppressed"]
    assert full["impact"]
    assert full["roi"]
    assert_valid(json.loads(json.dumps(full)))


@settings(max_examples=15, deadline=None)
@given(st.integers(-30, 400), st.sampled_from([2, 3, 5, 8]))
def test_snapshots_on_any_day_and_group_size_validate(day, minimum):
    """A snapshot on any day, under any minimum group size, validates."""
    program = attrs.evolve(PROGRAM, min_group_size=minimum)
    tracker = Tracker(program, SCHEDULE, groups={"department": DEPARTMENTS})
    tracker.update(EVENTS)
    assert_valid(tracker.snapshot(as_of=START + dt.timedelta(days=day)).to_dict())


def test_the_hand_written_contract_validates():
    """The contract's example, written independently of the tracker, validates."""
    assert_valid(snapshot())
    read_dashboard(snapshot())


def _set(path: str, value: object) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = doc
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        target[int(last) if isinstance(target, list) else last] = value

    return mutate


def _drop(path: str) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = doc
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        del target[last]

    return mutate


G = "groups.department.0"
MUTATIONS = [
    # the document itself
    ("another schema", _set("schema", "acme.dashboard")),
    ("version 2", _set("schema_version", 2)),
    ("no version", _drop("schema_version")),
    ("time without offset", _set("as_of", "2027-03-31T00:00:00")),
    ("time that is no time", _set("as_of", "end of March")),
    ("offset with seconds", _set("as_of", "2027-03-31T00:00:00+01:00:30")),
    ("min group size 0", _set("min_group_size", 0)),
    ("min group size null", _set("min_group_size", None)),
    ("window null", _set("engagement.window_days", None)),
    ("window 0 days", _set("engagement.window_days", 0)),
    # wrong type
    ("program is a number", _set("program", 7)),
    ("participants as text", _set("totals.participants", "1200")),
    ("participants a fraction", _set("totals.participants", 12.5)),
    ("funnel is an object", _set("funnel", {})),
    ("groups is a list", _set("groups", [])),
    ("a grouping is an object", _set("groups.department", {})),
    ("interval of one number", _set(f"{G}.progress.ci", [1.0])),
    ("interval of text", _set(f"{G}.progress.ci", ["a", "b"])),
    ("date that is no date", _set("engagement.series.0.date", "Monday")),
    ("figure is a number", _set("suppressed.0.figure", 3)),
    ("impact is a list", _set("impact", [])),
    # out of range
    ("participation above 1", _set("totals.participation_rate", 1.2)),
    ("negative completion", _set(f"{G}.completion_rate", -0.1)),
    ("NPS of 101", _set("totals.nps", 101)),
    ("rating of 11", _set("totals.mean_rating", 11)),
    ("negative overdue steps", _set("totals.overdue_steps", -1)),
    ("days to complete as text", _set("funnel.0.median_days_to_complete", "2")),
    ("confidence level of 1", _set(f"{G}.progress.level", 1.0)),
    ("confidence level of 0", _set("impact.level", 0)),
    ("p-value above 1", _set("impact.pvalue", 1.5)),
    ("progress of no one", _set(f"{G}.progress.n", 0)),
    # unknown choice
    ("an unknown suppressed figure", _set("suppressed.0.figure", "salary")),
    # missing required key
    ("no totals", _drop("totals")),
    ("totals without nps", _drop("totals.nps")),
    ("step without due", _drop("funnel.0.due")),
    ("group row without progress", _drop(f"{G}.progress")),
    ("suppressed cell without reason", _drop("suppressed.0.reason")),
    ("point without date", _drop("engagement.series.0.date")),
    ("roi without currency", _drop("roi.currency")),
]


@pytest.mark.parametrize(("label", "mutate"), MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_invalid_snapshot_is_refused_by_schema_and_reader(label, mutate):
    """The schema and sparkus' reader both refuse the snapshot."""
    doc = snapshot()
    mutate(doc)
    assert not VALIDATOR.is_valid(doc), f"the schema accepts: {label}"
    with pytest.raises(SchemaError):
        read_dashboard(doc)


def test_unknown_keys_are_allowed_by_both():
    """A newer tracker's extra keys pass the schema and the reader (forward compatibility)."""
    doc = snapshot()
    doc["benchmark"] = {"industry": 0.5}
    doc["totals"]["median_sessions"] = 4
    assert_valid(doc)
    read_dashboard(doc)


READER_ONLY = [
    ("more active than participants", _set("totals.active", 5000)),
    ("more completed than due", _set("funnel.0.completed", 5000)),
    ("an interval upside down", _set(f"{G}.progress.ci", [4.0, 2.0])),
    ("an estimate outside its interval", _set(f"{G}.progress.estimate", 9.0)),
    ("a day twice", _set("engagement.series.1.date", "2027-01-04")),
]


@pytest.mark.parametrize(("label", "mutate"), READER_ONLY, ids=[m[0] for m in READER_ONLY])
def test_rules_across_figures_are_the_readers(label, mutate):
    """What JSON Schema cannot say passes the schema and is refused by the reader."""
    doc = snapshot()
    mutate(doc)
    assert VALIDATOR.is_valid(doc), label
    with pytest.raises(SchemaError):
        read_dashboard(doc)


def test_an_offset_past_59_minutes_is_refused_not_rolled_over():
    """Python reads '+01:60' as +02:00; the reader refuses it, as from_json and events do."""
    doc = snapshot()
    doc["as_of"] = "2027-03-31T00:00:00+01:60"
    with pytest.raises(SchemaError, match="as_of"):
        read_dashboard(doc)
