"""The door table of the JSON Schemas: sparkus.model.json_schema and
sparkus.metrics.dashboard_schema.

Each case is one bad input, the error it must raise and the names its message must hold.
"""

from __future__ import annotations

from sparkus import SchemaError
from sparkus.metrics import Dashboard
from sparkus.model import Level, Participant, SupportType, json_schema

from .table import Door, NotADoor, case

DOORS = [
    Door(
        "sparkus.model.json_schema",
        (
            case("a record instead of its class",
                 lambda: json_schema(Participant("e1", Level.MANAGER, "Sales", 1.0)),  # type: ignore[arg-type]
                 SchemaError, "cls", "Participant"),
            case("an enum", lambda: json_schema(SupportType), SchemaError, "cls", "SupportType"),
            case("a class that is not a record", lambda: json_schema(dict), SchemaError, "cls"),
            case("the dashboard (its schema is dashboard_schema's)",
                 lambda: json_schema(Dashboard), SchemaError, "cls", "Dashboard"),
            case("a class name", lambda: json_schema("Participant"), SchemaError, "cls"),  # type: ignore[arg-type]
            case("None", lambda: json_schema(None), SchemaError, "cls"),  # type: ignore[arg-type]
        ),
    ),
    NotADoor(
        "sparkus.metrics.dashboard_schema",
        "takes no input: the schema of the one dashboard format this sparkus writes",
    ),
]  # fmt: skip
