"""Half of a UTF-16 surrogate pair is refused where text enters, not late by ``to_json``.

Records built in Python took ``"\\ud800"`` in any text field (ids, names, labels, free
attributes and their keys), and ``to_json`` refused the record later; populations read from
columns or frames, and event tables, took it and kept it. Each now refuses it at once, at its
field (or column and row), in the words ``from_json`` and ``to_json`` use.
"""

import datetime as dt
import json
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sparkus import SchemaError
from sparkus.model import (
    Event,
    EventKind,
    EventTable,
    JourneyTemplate,
    Level,
    Participant,
    Population,
    Provider,
    Step,
    StepKind,
    SupportType,
    from_json,
)

HALF = "holds half of a UTF-16 surrogate pair (a lone \\uD800 to \\uDFFF escape): not text"
TIME = dt.datetime(2027, 1, 5, 10, tzinfo=dt.UTC)


def _problems(build: Any) -> list[tuple[str, str]]:
    with pytest.raises(SchemaError) as error:
        build()
    str(error.value).encode("utf-8")  # the message itself can be printed and logged
    return [(p.location, p.message) for p in error.value.problems]


@pytest.mark.parametrize(
    ("build", "where"),
    [
        (lambda: Participant("e\ud800", Level.MANAGER, "Sales", 1.0), "id"),
        (lambda: Participant("e1", Level.MANAGER, "Sa\udc00les", 1.0), "department"),
        (lambda: Participant("e1", Level.MANAGER, "Sales", 1.0, team="\udfff"), "team"),
        (
            lambda: Participant("e1", Level.MANAGER, "Sales", 1.0, attributes={"site": "\ud800"}),
            "attributes.site",
        ),
        (
            lambda: Provider("c\ud800", SupportType.COACHING, 3, 100.0, Level.MANAGER),
            "id",
        ),
        (lambda: Event("ev\ud800", "e1", EventKind.ACTIVITY, TIME), "id"),
        (lambda: Event("ev1", "e1", EventKind.ACTIVITY, TIME, step="s\udc00"), "step"),
        (
            lambda: JourneyTemplate("t\ud800", (Step("k", StepKind.KICKOFF_WEBINAR, 0),), 10),
            "name",
        ),
    ],
    ids=["participant", "department", "team", "attribute", "provider", "event", "step", "name"],
)
def test_a_record_refuses_half_a_pair_at_construction_naming_the_field(
    build: Any, where: str
) -> None:
    """Every text field of a record built in Python refuses a lone surrogate, by name."""
    assert _problems(build) == [(where, HALF)]


def test_a_key_holding_half_a_pair_is_refused_escaped_as_to_json_says() -> None:
    """An attribute key: the path shows it escaped and the message is from_json's."""
    found = _problems(
        lambda: Participant("e1", Level.MANAGER, "Sales", 1.0, attributes={"k\udc00": 1})
    )
    read = _problems(
        lambda: from_json(
            '{"id": "e1", "level": "manager", "department": "Sales", "tenure_years": 1,'
            ' "attributes": {"k\\udc00": 1}}',
            Participant,
        )
    )
    assert found == read == [("attributes.k\\udc00", f"the key {HALF}")]


def test_construction_and_from_json_say_the_same_for_a_value() -> None:
    """The same text refused the same way, built in Python or read from JSON."""
    data = {"id": "e1", "level": "manager", "department": "Sales\\ud800", "tenure_years": 1}
    text = json.dumps(data).replace("\\\\", "\\")
    read = _problems(lambda: from_json(text, Participant))
    built = _problems(lambda: Participant("e1", Level.MANAGER, "Sales\ud800", 1.0))
    assert built == read == [("department", HALF)]


def test_text_beyond_ascii_is_still_taken() -> None:
    """Accents, other scripts and astral characters (a real surrogate pair in UTF-16) pass."""
    person = Participant(
        "Z\u00fcrich \U0001f600",
        Level.MANAGER,
        "\u55b6\u696d",
        1.0,
        attributes={"\u00e9": "\u00e0"},
    )
    assert person.id == "Z\u00fcrich \U0001f600"


def _columns(**changed: Any) -> dict[str, Any]:
    columns: dict[str, Any] = {
        "id": ["a", "b"],
        "level": ["manager", "manager"],
        "department": ["Sales", "Sales"],
        "tenure_years": [1.0, 2.0],
    }
    return {**columns, **changed}


@pytest.mark.parametrize("as_array", [False, True])
@pytest.mark.parametrize(
    ("changed", "where"),
    [
        ({"id": ["a", "b\ud800"]}, "participants[1].id"),
        ({"department": ["Sales", "S\udc00"]}, "participants[1].department"),
        ({"team": ["\ud800", "x"]}, "participants[0].team"),
        ({"site": ["Oslo", "L\ud800ma"]}, "participants[1].site"),
        ({"manager_id": [None, "a\udc00"]}, "participants[1].manager_id"),
    ],
)
def test_population_columns_refuse_half_a_pair_by_column_and_row(
    changed: dict[str, list[Any]], where: str, *, as_array: bool
) -> None:
    """from_columns refuses what the record refuses, in its words, not another reason."""
    if as_array:
        changed = {k: np.array(v, dtype=object if None in v else str) for k, v in changed.items()}
    assert _problems(lambda: Population.from_columns(_columns(**changed))) == [(where, HALF)]


def test_from_frame_refuses_half_a_pair() -> None:
    """A DataFrame's text columns are read by the same rule."""
    frame = pd.DataFrame(_columns(id=["a\ud800", "b"], site=["x", "y\udc00"]))
    assert _problems(lambda: Population.from_frame(frame)) == [
        ("participants[0].id", HALF),
        ("participants[1].site", HALF),
    ]


def test_a_column_named_with_half_a_pair_is_refused_escaped() -> None:
    """A free column's name becomes an attribute key: refused as the record refuses it."""
    found = _problems(lambda: Population.from_columns(_columns(**{"s\ud800": [1, 2]})))
    assert found == [("s\\ud800", f"the key {HALF}")]


@pytest.mark.parametrize("name", ["id", "participant", "step"])
@pytest.mark.parametrize("as_array", [False, True])
def test_an_event_table_refuses_half_a_pair_naming_column_and_row(
    name: str, *, as_array: bool
) -> None:
    """Event ids, participants and steps: what an Event record refuses, the table refuses."""
    columns: dict[str, Any] = {
        "id": ["ev1", "ev2"],
        "participant": ["e1", "e1"],
        "kind": ["activity", "activity"],
        "time": ["2027-01-05T10:00+00:00"] * 2,
        "step": ["", ""],
    }
    columns[name] = [columns[name][0], "x\ud800"]
    if as_array:
        columns[name] = np.array(columns[name])
    found = _problems(lambda: EventTable.from_columns(columns))
    assert found == [(name, f"{HALF}, in row 1, e.g. 'x\\ud800'")]
