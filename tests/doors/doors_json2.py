"""The door table of ``Population.from_json``: a program document's participants as columns.

Each case is one bad input, the error it must raise and the names its message must hold.
"""

from __future__ import annotations

from sparkus import SchemaError
from sparkus.model import Population

from .table import Door, Entry, case

_DOCUMENT = (
    '{"program": {"name": "x"}, "participants": [{"id": "a", "level": "boss", '
    '"department": "S", "tenure_years": -1}]}'
)

DOORS: list[Entry] = [
    Door("sparkus.model.Population.from_json", (
        case("not text", lambda: Population.from_json(3), SchemaError, "text", "int"),  # type: ignore[arg-type]
        case("not JSON", lambda: Population.from_json("{"), SchemaError, "line 1", "column"),
        case("not UTF-8", lambda: Population.from_json(b"\xff"), SchemaError, "UTF-8"),
        case("a list", lambda: Population.from_json("[]"), SchemaError, "ProgramDocument"),
        case("bad participant", lambda: Population.from_json(_DOCUMENT), SchemaError,
             "participants[0].level", "boss", "participants[0].tenure_years", "program.season"),
        case("repeated key", lambda: Population.from_json('{"program": {}, "program": {}}'),
             SchemaError, "program", "repeats a key"),
        case("scales", lambda: Population.from_json("{}", scales=5), SchemaError,  # type: ignore[arg-type]
             "scales"),
    )),
]  # fmt: skip
