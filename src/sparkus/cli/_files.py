"""Reading the documented file formats of the command line: people, program, providers.

People come as CSV, one row per person (the columns of :meth:`Population.from_columns`;
``tenure_years``, ``utc_offset`` and the instrument's items are numbers, a free column whose
every filled cell is a number is read as numbers, the rest as text; ``;`` joins the entries of
``languages`` and ``focus_goals``). A program comes as the JSON of a
:class:`~sparkus.model.Program` or of a whole :class:`~sparkus.model.ProgramDocument`; providers
as a JSON list of :class:`~sparkus.model.Provider` records, or inside a program document.

Every problem names its file and its place: for CSV files the line and the column
(``people.csv, line 19, column level: ...``), for JSON files the path inside the document
(``program.json, at journey.steps[2].day: ...``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from sparkus._errors import Problem, SchemaError
from sparkus._fields import spelling_key
from sparkus.cli._csv import Located, Table, lines_of, read_table
from sparkus.cli._exits import FileInputError, shown
from sparkus.cli._json import json_problems, parse_json_file
from sparkus.model import Population, Program, ProgramDocument, Provider, structure

__all__ = [
    "NUMBER_COLUMNS",
    "TOTAL_LABELS",
    "check_employees",
    "located",
    "read_people",
    "read_program",
    "read_providers",
    "total_rows",
    "with_totals",
]

TEXT_COLUMNS: Final = frozenset(
    {"id", "level", "department", "team", "manager_id", "languages", "focus_goals"}
)
"""Columns read as text even when every cell looks like a number (ids such as ``0042``)."""

NUMBER_COLUMNS: Final = frozenset({"tenure_years", "utc_offset"})
"""Columns read as numbers: a cell that is not one is a problem at its place."""

_OPTIONAL_TEXT: Final = frozenset({"team", "manager_id"})
"""Text columns where an empty cell means "none"."""

TOTAL_LABELS: Final = frozenset({"total", "totals", "grand total", "subtotal", "sub total",
                                 "sum", "overall", "all"})  # fmt: skip
"""The labels spreadsheets and HR systems give a total row (compared by ``spelling_key``)."""

_ROW_REFERENCE: Final = re.compile(r"participants\[(\d+)\]")
"""Another row a population's message names (``'E11' repeats participants[10]``)."""
_ROWS: Final = re.compile(r"\brows? (\d+(?:(?:, | and )\d+)*)")
"""The rows a message of a whole column lists (``unknown values 'SL' (rows 2 and 5)``)."""


def total_rows(
    table: Table, names: Iterable[str], *, rows: npt.NDArray[np.bool_] | None = None
) -> list[Located]:
    """A problem at each row of `table` (of `rows`; all by default) labelled as a total.

    The total row a pivot or an HR system writes at the bottom of an export (``Grand Total``
    in one of the columns `names`, compared by ``spelling_key`` with :data:`TOTAL_LABELS`) is
    not a person: its sums would count as one more person, and its blank cells would each be
    named with a fix for a person's row. The first of the columns `names` that labels it is
    named; columns the file lacks are passed over.
    """
    present = [name for name in dict.fromkeys(names) if name in table.cells]
    chosen = range(len(table)) if rows is None else np.flatnonzero(rows).tolist()
    out = []
    for row in chosen:
        for name in present:
            if spelling_key(cell := table.cells[name][row]) in TOTAL_LABELS:
                message = f"{shown(cell)} labels a total row, not a person; remove the row"
                out.append(table.problem(row, name, message))
                break
    return out


def with_totals(problems: Iterable[Located], totals: Sequence[Located]) -> list[Located]:
    """`totals` (:func:`total_rows`) and the `problems` that are not on their lines."""
    lines = {total.line for total in totals}
    return [*totals, *(p for p in problems if p.line not in lines)]


def _in_lines(message: str, table: Table) -> str:
    """`message` with each row it names as the line of the file (``repeats line 12``).

    Rows count from 0 below the header; a person reading the file sees its lines. A message
    naming a row the file does not have is left as it is.
    """
    named = [m.group(1) for m in _ROW_REFERENCE.finditer(message)]
    named += [n for m in _ROWS.finditer(message) for n in re.findall(r"\d+", m.group(1))]
    if any(int(n) >= len(table) for n in named):
        return message

    def reference(match: re.Match[str]) -> str:
        return f"line {table.lines[int(match.group(1))]}"

    def rows(match: re.Match[str]) -> str:
        numbers = re.sub(r"\d+", lambda n: str(table.lines[int(n.group(0))]), match.group(1))
        return ("lines " if match.group(0).startswith("rows") else "line ") + numbers

    return _ROWS.sub(rows, _ROW_REFERENCE.sub(reference, message))


def _cell_of(problem: Problem) -> tuple[int | None, str]:
    """The row and column of a population problem: ``("participants", 3, "level")``."""
    rows = [s for s in problem.path if isinstance(s, int)]
    names = [s for s in problem.path if isinstance(s, str) and s != "participants"]
    return (rows[0] if rows else None), (names[0] if names else "")


def located(
    error: SchemaError, table: Table, *, columns: Mapping[str, str] | None = None
) -> list[Located]:
    """The problems of a population built from `table`, each naming its cell in the file.

    `columns` maps a field to the file's column that holds it (``sparkus run``'s export); by
    default each field is the column of its name. A problem of a column's rows that names no
    row (``... and 180 more rows with the same problem``) sums up the rows listed just before
    it: it is placed after them, not at the top. A problem of a column the file lacks lists
    the columns it has (see :meth:`Table.columns_note`). The rows a message names
    (``'E11' repeats participants[10]``, ``unknown values 'SL' (rows 2 and 5)``) are named by
    their lines (``repeats line 12``, ``(lines 4 and 7)``).
    """
    out: list[Located] = []
    for given in error.problems:
        problem = Problem(given.path, _in_lines(given.message, table))
        row, field = _cell_of(problem)
        column = (columns or {}).get(field, field)
        if row is not None and row < len(table):
            if column:
                out.append(table.problem(row, column, problem.message))
            else:
                line = table.lines[row]
                out.append(Located(line, "", f"{table.name}, line {line}: {problem.message}"))
            continue
        where = table.in_column(column) if column else table.name
        text = f"{where}: {problem.message}"
        if row is None and column and column not in table.cells:  # a required column
            text += table.columns_note()
        previous = out[-1] if out else None
        if (
            row is None
            and problem.path[:1] == ("participants",)
            and previous is not None
            and previous.line > 0
            and previous.column == column
        ):
            out.append(Located(previous.line, column, text, follows=True))
        else:
            out.append(Located(0, column, text))
    return out


def read_people(
    path: str | Path, *, scales: Mapping[str, tuple[float, float]] | None = None
) -> Population:
    """The people CSV as a :class:`~sparkus.model.Population`, every problem at its cell.

    `scales` declares the range of score columns that are present in the file (others are
    ignored), so that an answer outside its scale is a problem at its cell.

    Raises
    ------
    FileInputError
        Every problem of the file, each with its line and column, in the order of the lines.
    """
    table = read_table(path)
    table.require_rows()
    present = {k: v for k, v in (scales or {}).items() if k in table.cells}
    numeric = NUMBER_COLUMNS | present.keys()
    problems: list[Located] = []
    columns: dict[str, npt.NDArray[Any]] = {}
    for name in table.cells:
        if name in TEXT_COLUMNS:
            columns[name] = table.text(name, empty_is_none=name in _OPTIONAL_TEXT)
        elif name in numeric or table.is_numeric(name):
            columns[name] = table.numbers(name, problems)
        else:
            columns[name] = table.text(name)
    # A cell reported above is NaN in its column: the population's own "nan is not a finite
    # number" for it would only repeat the problem.
    reported = {(p.line, p.column) for p in problems}
    population = None
    try:
        population = Population.from_columns(columns, scales=present)
    except SchemaError as error:
        problems += [p for p in located(error, table) if (p.line, p.column) not in reported]
    # a total row at the bottom: its label, in the id column or the first one, is the problem
    problems = with_totals(problems, total_rows(table, ["id", *list(table.cells)[:1]]))
    if population is not None and not problems:
        return population
    raise FileInputError(lines_of(problems))


def read_program(path: str | Path) -> tuple[Program, tuple[Provider, ...]]:
    """A program JSON file: a :class:`Program`, or a :class:`ProgramDocument` with providers.

    Raises
    ------
    FileInputError
        For a file that cannot be read or is not JSON (line and column); else every problem
        of the document at its path, a key given twice among them (as
        :func:`~sparkus.model.from_json` lists them).
    """
    data, found = parse_json_file(path)
    try:
        if isinstance(data, dict) and "program" in data:
            document = structure(data, ProgramDocument)
            read = document.program, document.providers
        else:
            read = structure(data, Program), ()
    except SchemaError as error:
        raise json_problems(path, found, error.problems) from None
    if found:
        raise json_problems(path, found)
    return read


def read_providers(path: str | Path) -> tuple[Provider, ...]:
    """A providers JSON file: a list of providers, or a program document that holds them.

    Each provider is read on its own, so the problems of all of them are reported, each at
    its index in the list (``providers.json, at [3].capacity: ...``).

    Raises
    ------
    FileInputError
        For a file that cannot be read, is not JSON, or is not a list of providers; every
        problem of every provider at its path; an empty list; a repeated provider id; a key
        given twice in an object, listed together with the rest.
    """
    data, found = parse_json_file(path)
    prefix: tuple[str, ...] = ()
    if isinstance(data, dict) and "providers" in data:
        data, prefix = data["providers"], ("providers",)
    if not isinstance(data, list):
        msg = 'expected a list of providers, or a program document with a "providers" list'
        raise json_problems(path, found, [Problem(prefix, msg)])
    if not data:
        raise json_problems(path, found, [Problem(prefix, "lists no providers")])
    problems: list[Problem] = []
    providers: list[Provider] = []
    first: dict[str, int] = {}
    for index, item in enumerate(data):
        try:
            provider = structure(item, Provider)
        except SchemaError as error:
            problems.extend(p.prefixed((*prefix, index)) for p in error.problems)
            continue
        providers.append(provider)
        if provider.id in first:
            message = f"{provider.id!r} repeats the id of item {first[provider.id]}"
            problems.append(Problem((*prefix, index, "id"), message))
        first.setdefault(provider.id, index)
    if problems or found:
        raise json_problems(path, found, problems)
    return tuple(providers)


def check_employees(
    providers: tuple[Provider, ...], people: Population, *, source: str, people_file: str
) -> None:
    """Refuse, before any work, an employee provider who is not a person of the people file.

    Matching keeps a mentor out of their own reporting line, so a provider's ``employee_id``
    must be the id of a row; otherwise matching would refuse it only after triage and the
    plan, without naming the file. `source` and `people_file` are the files' names.

    Raises
    ------
    FileInputError
        One line per such provider, naming both files.
    """
    known = set(people.ids.tolist())
    lines = [
        f"{source}: provider {p.id!r} has employee_id {p.employee_id!r}, which is not an id in "
        f"{people_file}; give the id of their row there (matching keeps a provider out of "
        "their own reporting line), or leave employee_id out for an outside provider"
        for p in providers
        if p.employee_id is not None and p.employee_id not in known
    ]
    if lines:
        raise FileInputError(lines)
