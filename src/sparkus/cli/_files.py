"""Reading and writing the documented file formats of the command line.

People come as CSV, one row per person (the columns of :meth:`Population.from_columns`; a
column whose every non-empty cell is a number is read as numbers, the rest as text; ``;`` joins
the entries of ``languages`` and ``focus_goals``). A program comes as the JSON of a
:class:`~sparkus.model.Program` or of a whole :class:`~sparkus.model.ProgramDocument`; providers
as a JSON list of :class:`~sparkus.model.Provider` records, or inside the program document.

Errors keep the library's :class:`~sparkus.SchemaError` and say in which file each problem sits:
for CSV files the line and the column (``people.csv, line 19, column level: ...``), for JSON
files the path inside the document.
"""

from __future__ import annotations

import csv
import io
import json
import math
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from sparkus._errors import Problem, SchemaError, SparkusError
from sparkus.model import Population, Program, ProgramDocument, Provider, from_json, structure

__all__ = [
    "FileInputError",
    "read_people",
    "read_program",
    "read_providers",
    "read_table",
    "write_table",
]

_TEXT_COLUMNS: Final = frozenset(
    {"id", "level", "department", "team", "manager_id", "languages", "focus_goals"}
)
"""Columns read as text even when every cell looks like a number (ids such as ``0042``)."""

_OPTIONAL_TEXT: Final = frozenset({"team", "manager_id"})
"""Text columns where an empty cell means "none"."""


class FileInputError(SparkusError, ValueError):
    """Problems in an input file, each located by file and line (CSV) or path (JSON)."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = tuple(lines)
        super().__init__("\n".join(self.lines))


def _located(error: SchemaError, path: Path, *, csv_rows: bool) -> FileInputError:
    """The problems of `error` as lines naming `path` and, for CSV, the line and column."""
    lines = []
    for problem in error.problems:
        lines.append(f"{path.name}, {_where(problem, csv_rows=csv_rows)}: {problem.message}")
    return FileInputError(lines)


def _where(problem: Problem, *, csv_rows: bool) -> str:
    steps = problem.path
    if csv_rows:
        # Population paths are ("participants", row, column) or (column,) or ("participants", column).
        rows = [s for s in steps if isinstance(s, int)]
        names = [s for s in steps if isinstance(s, str) and s != "participants"]
        column = f"column {names[-1]}" if names else "file"
        if rows:
            return f"line {rows[0] + 2}, {column}"  # line 1 is the header
        return column
    return f"at {problem.location}"


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise FileInputError([f"{path}: cannot be read ({error.strerror or error})"]) from None
    except UnicodeDecodeError as error:
        msg = f"{path}: is not UTF-8 text (byte {error.start}); save it as UTF-8 CSV or JSON"
        raise FileInputError([msg]) from None


def _number(cell: str) -> float | None:
    """The cell as a number, None when empty; raises ValueError when it is not a number."""
    text = cell.strip()
    if not text:
        return None
    value = float(text)
    if math.isinf(value):
        raise ValueError(text)
    return value


def _column(name: str, cells: list[str]) -> npt.NDArray[Any]:
    """One CSV column as numbers (NaN for empty cells) if every filled cell is one, else text."""
    if name not in _TEXT_COLUMNS:
        try:
            numbers = [_number(c) for c in cells]
        except ValueError:
            pass
        else:
            if any(v is not None for v in numbers):
                return np.array([math.nan if v is None else v for v in numbers], dtype=np.float64)
    if name in _OPTIONAL_TEXT:
        return np.array([c.strip() or None for c in cells], dtype=object)
    return np.array([c.strip() for c in cells], dtype=object)


def read_table(path: str | Path) -> dict[str, npt.NDArray[Any]]:
    """A CSV file with a header row as columns: numbers where every filled cell is a number.

    Raises
    ------
    FileInputError
        An unreadable file, no header, an empty or duplicate column name, or a row with a
        different number of cells than the header (each such line named).
    """
    path = Path(path)
    reader = csv.reader(io.StringIO(_read_text(path), newline=""))
    rows = list(reader)
    if not rows:
        raise FileInputError([f"{path.name}: is empty; expected a header row naming the columns"])
    header = [h.strip() for h in rows[0]]
    problems = []
    seen: set[str] = set()
    for i, name in enumerate(header):
        if not name:
            problems.append(f"{path.name}, line 1: column {i + 1} has no name")
        elif name in seen:
            problems.append(f"{path.name}, line 1: column {name!r} appears twice")
        seen.add(name)
    body = rows[1:]
    for line, row in enumerate(body, start=2):
        if len(row) != len(header) and any(cell.strip() for cell in row):
            problems.append(
                f"{path.name}, line {line}: {len(row)} cells, but the header has {len(header)}"
            )
    if problems:
        raise FileInputError(problems)
    body = [row for row in body if any(cell.strip() for cell in row)]
    return {name: _column(name, [row[i] for row in body]) for i, name in enumerate(header)}


def read_people(
    path: str | Path, *, scales: Mapping[str, tuple[float, float]] | None = None
) -> Population:
    """The people CSV as a :class:`~sparkus.model.Population`, errors located by line.

    `scales` declares the range of score columns that are present in the file (others are
    ignored), so that an answer outside its scale is an error naming its line.
    """
    path = Path(path)
    columns = read_table(path)
    present = {k: v for k, v in (scales or {}).items() if k in columns}
    try:
        return Population.from_columns(columns, scales=present)
    except SchemaError as error:
        raise _located(error, path, csv_rows=True) from None


def _json(path: Path) -> Any:
    text = _read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        msg = (
            f"{path.name}, line {error.lineno}, column {error.colno}: not valid JSON ({error.msg})"
        )
        raise FileInputError([msg]) from None


def read_program(path: str | Path) -> tuple[Program, tuple[Provider, ...]]:
    """A program JSON file: a :class:`Program`, or a :class:`ProgramDocument` with providers."""
    path = Path(path)
    data = _json(path)
    is_document = isinstance(data, dict) and "program" in data
    try:
        if is_document:
            document = from_json(json.dumps(data), ProgramDocument)
            return document.program, document.providers
        return from_json(json.dumps(data), Program), ()
    except SchemaError as error:
        raise _located(error, path, csv_rows=False) from None


def read_providers(path: str | Path) -> tuple[Provider, ...]:
    """A providers JSON file: a list of providers, or a program document that holds them."""
    path = Path(path)
    data = _json(path)
    if isinstance(data, dict) and "providers" in data:
        data = data["providers"]
    try:
        return structure(data, tuple[Provider, ...])
    except SchemaError as error:
        raise _located(error, path, csv_rows=False) from None


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float | np.floating):
        return "" if math.isnan(value) else repr(float(value))
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    return str(getattr(value, "value", value))


def write_table(path: str | Path | None, columns: Mapping[str, Iterable[object]]) -> None:
    """Write columns as CSV to `path`, or to standard output when `path` is None or ``-``."""
    names = list(columns)
    rows = zip(*(list(columns[n]) for n in names), strict=True)
    if path is None or str(path) == "-":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(names)
        writer.writerows([_cell(v) for v in row] for row in rows)
        return
    with Path(path).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(names)
        writer.writerows([_cell(v) for v in row] for row in rows)
