"""Reading a JSON input file through the one JSON reader that ``from_json`` uses too.

The file's text is read by the command line's file rules, then by the shared reader, which
refuses nesting deeper than 64 levels and numbers longer than 1,000 characters (by line and
column), and keys given twice in one object and half surrogate pairs (at their JSON path).
Each problem is printed with the file's name (an empty file with the path as given). The values themselves (NaN, a fee of 1e308, a
capacity of 2**63) are refused at their paths by the records' own checks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sparkus._errors import SchemaError
from sparkus._json import JSONTextError, load_json
from sparkus.cli._exits import FileInputError
from sparkus.cli._text import read_text

__all__ = ["read_json"]


def read_json(path: str | Path) -> Any:
    """The parsed JSON document of `path`, as plain dicts, lists, strings and numbers.

    Raises
    ------
    FileInputError
        For a file that cannot be read, text that is not JSON or breaks the reader's limits
        (with line and column), and every refused value at its path in the document.
    """
    path = Path(path)
    text = read_text(path)
    if not text.strip():
        raise FileInputError([f"{path}: is empty; expected a JSON document"])
    try:
        return load_json(text)
    except JSONTextError as error:
        raise FileInputError(
            [f"{path.name}, line {error.line}, column {error.column}: {error.what}"]
        ) from None
    except SchemaError as error:
        lines = [f"{path.name}, at {p.location}: {p.message}" for p in error.problems]
        raise FileInputError(lines) from None
