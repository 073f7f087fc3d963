"""The doors of sparkus.privacy: the verifier's records and verify_disclosure.

Each case is one malformed cell, figure or option and the SchemaError it must raise, naming the
field (``members``, ``figures[0].cells[1].members``, ``share``). The tables are a handful of
people, so the whole file runs in well under a second.
"""

from __future__ import annotations

import numpy as np

from sparkus import SchemaError
from sparkus.privacy import Cell, Figure, verify_disclosure

from .table import Door, NotADoor, case

_ALL = np.ones(4, dtype=bool)
_CELLS = [Cell("all", _ALL, 2.0), Cell("A", np.arange(4) < 2, None)]


def _verify(*cells: Cell, **options: object) -> object:
    return verify_disclosure([Figure("f", [*_CELLS, *cells])], **options)  # type: ignore[arg-type]


_RESULT = "a result class: built by verify_disclosure from values already checked at its door"

DOORS = [
    Door(
        "sparkus.privacy.Cell",
        (
            case("members 2-D", lambda: Cell("A", [[0, 1]], 1.0), SchemaError, "members", "1-D"),
            case("negative index", lambda: Cell("A", [-1, 2], 1.0), SchemaError, "members"),
            case(
                "float members",
                lambda: Cell("A", [0.0, 1.0], 1.0),
                SchemaError,
                "members",
                "boolean mask",
            ),
            case(
                "a row twice",
                lambda: Cell("A", [1, 1], 1.0),
                SchemaError,
                "members",
                "more than once",
            ),
            case("text members", lambda: Cell("A", ["a", "b"], 1.0), SchemaError, "members"),
            case("NaN value", lambda: Cell("A", [0], float("nan")), SchemaError, "value"),
            case("value as text", lambda: Cell("A", [0], "3"), SchemaError, "value"),
            case("empty name", lambda: Cell("", [0], 1.0), SchemaError, "name"),
            case("name not text", lambda: Cell(3, [0], 1.0), SchemaError, "name"),
            case(
                "negative release", lambda: Cell("A", [0], 1.0, release=-1), SchemaError, "release"
            ),
            case(
                "release as a bool",
                lambda: Cell("A", [0], 1.0, release=True),
                SchemaError,
                "release",
            ),
        ),
    ),
    Door(
        "sparkus.privacy.Figure",
        (
            case(
                "unknown kind",
                lambda: Figure("f", _CELLS, kind="median"),
                SchemaError,
                "kind",
                "count, sum, mean",
            ),
            case(
                "a count's bound not whole",
                lambda: Figure("f", _CELLS, low=0.5),
                SchemaError,
                "low",
                "whole numbers",
            ),
            case("high below low", lambda: Figure("f", _CELLS, low=2, high=1), SchemaError, "high"),
            case("infinite bound", lambda: Figure("f", _CELLS, high=np.inf), SchemaError, "low"),
            case(
                "bounds of two lengths",
                lambda: Figure("f", _CELLS, kind="sum", low=np.zeros(3), high=np.ones(4)),
                SchemaError,
                "high",
                "`low` has 3",
            ),
            case(
                "bounds as text",
                lambda: Figure("f", _CELLS, kind="sum", low="0"),
                SchemaError,
                "low",
            ),
            case("negative width", lambda: Figure("f", _CELLS, width=-1.0), SchemaError, "width"),
            case(
                "NaN width", lambda: Figure("f", _CELLS, width=float("nan")), SchemaError, "width"
            ),
            case("not a cell", lambda: Figure("f", [*_CELLS, "x"]), SchemaError, "cells[2]"),
            case(
                "a cell twice in one release",
                lambda: Figure("f", [*_CELLS, Cell("A", [0], None)]),
                SchemaError,
                "cells[2]",
                "'A' appears twice in release 0",
            ),
            case("empty name", lambda: Figure("", _CELLS), SchemaError, "name"),
        ),
    ),
    Door(
        "sparkus.privacy.verify_disclosure",
        (
            case(
                "one figure, not a sequence",
                lambda: verify_disclosure(Figure("f", _CELLS)),
                SchemaError,
                "figures",
            ),
            case(
                "a cell for a figure",
                lambda: verify_disclosure([_CELLS[0]]),
                SchemaError,
                "figures[0]",
            ),
            case(
                "a figure name twice",
                lambda: verify_disclosure([Figure("f", _CELLS), Figure("f", _CELLS)]),
                SchemaError,
                "figures[1].name",
            ),
            case(
                "masks of two lengths",
                lambda: _verify(Cell("B", np.ones(5, dtype=bool), 1.0)),
                SchemaError,
                "figures[0].cells[2].members",
                "5 entries",
            ),
            case(
                "bounds and masks of two lengths",
                lambda: verify_disclosure(
                    [Figure("f", _CELLS, kind="sum", low=np.zeros(5), high=np.ones(5))]
                ),
                SchemaError,
                "figures[0].cells[0].members",
                "figures.0.low",
            ),
            case(
                "an index past the population",
                lambda: _verify(Cell("B", [1, 4], None)),
                SchemaError,
                "figures[0].cells[2].members",
                "row 4",
            ),
            case(
                "values that cannot hold",
                lambda: verify_disclosure([Figure("f", [Cell("A", [0, 1], 3.0)])]),
                SchemaError,
                "figures.f",
                "release 0",
            ),
            case(
                "min_group_size 0", lambda: _verify(min_group_size=0), SchemaError, "min_group_size"
            ),
            case(
                "min_group_size 2.5",
                lambda: _verify(min_group_size=2.5),
                SchemaError,
                "min_group_size",
            ),
            case("share above 1", lambda: _verify(share=1.5), SchemaError, "share"),
            case("share NaN", lambda: _verify(share=float("nan")), SchemaError, "share"),
            case("share as text", lambda: _verify(share="half"), SchemaError, "share"),
            case("ratings as text", lambda: _verify(ratings="f"), SchemaError, "ratings"),
            case(
                "ratings naming no figure",
                lambda: _verify(ratings=[("f", "missing")]),
                SchemaError,
                "ratings[0]",
                "'missing'",
            ),
            case(
                "ratings pairing a count with itself",
                lambda: _verify(ratings=[("f", "f")]),
                SchemaError,
                "ratings[0]",
            ),
        ),
    ),
    NotADoor("sparkus.privacy.CellRange", f"{_RESULT} (one finding)"),
    NotADoor("sparkus.privacy.DisclosureCheck", f"{_RESULT} (the verdict)"),
]
