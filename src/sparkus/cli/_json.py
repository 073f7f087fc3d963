"""Reading a JSON input file through the one JSON reader that ``from_json`` uses too.

The file's text is read by the command line's file rules, then by the shared reader, which
refuses nesting deeper than 64 levels and numbers longer than 1,000 characters (by line and
column), drops one byte-order mark and refuses a second (as ``from_json`` does), and finds keys
given twice in one object and half surrogate pairs (at their JSON path). :func:`parse_json_file`
gives these back with the data, so that a reader of records lists them together with the
problems of the values (NaN, a fee of 1e308, a capacity of 2**63), which the records' own checks
refuse at their paths: every problem of the file at once, each printed with the file's name.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sparkus._errors import Problem
from sparkus._json import JSONTextError, parse_json
from sparkus.cli._exits import FileInputError
from sparkus.cli._text import read_text

__all__ = ["json_problems", "parse_json_file", "read_json"]


def read_json(path: str | Path) -> Any:
    """The parsed JSON document of `path`, as plain dicts, lists, strings and numbers.

    Raises
    ------
    FileInputError
        For a file that cannot be read, text that is not JSON or breaks the reader's limits
        (with line and column), and every refused value at its path in the document.
    """
    data, found = parse_json_file(path)
    if found:
        raise json_problems(path, found)
    return data


def parse_json_file(path: str | Path) -> tuple[Any, list[Problem]]:
    """As :func:`read_json`, the problems of the values that did parse returned with the data.

    A repeated key (its last value kept) and a text holding half a surrogate pair are listed
    at their paths, for a reader that checks the data further to list with its own problems.

    Raises
    ------
    FileInputError
        For a file that cannot be read, or text that is not JSON or breaks the reader's limits
        (with line and column).
    """
    path = Path(path)
    text = read_text(path, mark=True)
    if not text.removeprefix("\ufeff").strip():
        raise FileInputError([f"{path}: is empty; expected a JSON document"])
    try:
        return parse_json(text)
    except JSONTextError as error:
        raise FileInputError(
            [f"{path.name}, line {error.line}, column {error.column}: {error.what}"]
        ) from None


def json_problems(
    path: str | Path, found: list[Problem], more: Iterable[Problem] = ()
) -> FileInputError:
    """The error listing the problems `found` in the file's text, then `more` not among them.

    `more` are the problems of reading the data as records: a text holding half a surrogate
    pair, which the record refuses as the reader did, is listed once.
    """
    seen = set(found)
    problems = found + [p for p in more if p not in seen]
    return FileInputError([f"{Path(path).name}, at {p.location}: {p.message}" for p in problems])
