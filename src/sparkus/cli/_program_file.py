"""The program file of ``sparkus run``: TOML, read with the standard library's :mod:`tomllib`.

TOML rather than JSON because people write this file by hand: it takes comments (say why the
budget is what it is), dates (``start = 2026-01-05``) and ``40_000``, and has no trailing-comma
trap; :mod:`tomllib` is in the standard library, so reading it adds no dependency.

Every problem of the file is a :class:`~sparkus.cli._exits.UsageError` (exit status 2) naming
the file, the key and the reason (``program.toml, at costs.session_cost.coaching: ...``), all of
them at once.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import attrs

from sparkus._errors import Problem, SchemaError
from sparkus._fields import parse_time
from sparkus.cli._exits import FileInputError, UsageError
from sparkus.cli._text import read_text
from sparkus.model import (
    Goal,
    Participant,
    Program,
    Season,
    default_journey,
    structure,
    unstructure,
)

__all__ = ["RunConfig", "read_program_file"]

_KEYS: Final = {
    "": ("program", "costs", "export", "providers", "output"),
    "program": ("name", "goals", "season", "budget", "currency", "start", "min_group_size"),
    "export": ("path", "columns", "labels", "missing", "as_of"),
    "providers": ("path",),
    "output": ("folder",),
}
_FIELDS: Final = frozenset(f.name for f in attrs.fields(Participant)) - {"attributes"}
"""A participant's own fields: ``missing = "carry"`` is for the other columns, never these."""
_REQUIRED: Final = {
    "": ("program", "costs", "export"),
    "program": ("goals", "season", "budget", "currency", "start"),
    "export": ("path",),
}


@dataclass(frozen=True)
class RunConfig:
    """What a program file says, checked: the program, the export and where to write."""

    path: Path
    program: Program
    start: dt.datetime
    export: Path
    columns: dict[str, str]
    labels: dict[str, dict[str, str | float]]
    missing: dict[str, str]
    as_of: dt.date | None
    providers: Path | None
    output: Path


def _where(path: Path, key: str, message: str) -> str:
    return f"{path.name}, at {key}: {message}" if key else f"{path.name}: {message}"


def _table(data: Mapping[str, Any], section: str, problems: list[str], path: Path) -> None:
    """Unknown keys and missing required keys of one table of the file."""
    prefix = f"{section}." if section else ""
    for key in data:
        if key not in _KEYS[section]:
            allowed = ", ".join(_KEYS[section])
            problems.append(
                _where(path, prefix + key, f"not a key of this table; the keys are {allowed}")
            )
    for key in _REQUIRED.get(section, ()):
        if key not in data:
            problems.append(_where(path, prefix + key, "missing; this key is required"))


def _section(data: Mapping[str, Any], name: str, problems: list[str], path: Path) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        problems.append(_where(path, name, f"expected a table ([{name}]), got {value!r}"))
        return {}
    if name in _KEYS:
        _table(value, name, problems, path)
    return value


def _start(value: object) -> dt.datetime | str:
    """A TOML date or date-time (local ones read as UTC) or ISO text; else the reason."""
    if isinstance(value, str):
        try:
            value = parse_time(value)
        except ValueError:
            return f"expected a date such as 2026-01-05, got {value!r}"
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    return f"expected a date such as 2026-01-05, got {value!r}"


def _program(
    section: dict[str, Any], costs: dict[str, Any], path: Path, problems: list[str]
) -> Program | None:
    """The program, through the records' own checks; each problem at its key of the file."""
    placeholder = unstructure(default_journey(Season.SPRING, (Goal.LEADERSHIP_DEVELOPMENT,)))
    data = {
        "name": section.get("name", path.stem),
        "goals": section.get("goals"),
        "season": section.get("season"),
        "budget": section.get("budget"),
        "currency": section.get("currency"),
        "cost_model": costs,
        "journey": placeholder,
    }
    if "min_group_size" in section:
        data["min_group_size"] = section["min_group_size"]
    try:
        program = structure(data, Program)
    except SchemaError as error:
        for problem in error.problems:
            head, *rest = problem.path or ("program",)
            key = (
                Problem(("costs", *rest), "").location
                if head == "cost_model"
                else Problem(("program", head, *rest), "").location
            )
            problems.append(_where(path, key, problem.message))
        return None
    return attrs.evolve(program, journey=default_journey(program.season, program.goals))


def _label(value: object) -> bool:
    """A label's value: text, or a number (a survey answered in words: ``Agree = 4``)."""
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def _mapping(value: object, key: str, path: Path, problems: list[str], depth: int = 1) -> Any:
    """A table of text values (`depth` 2: tables of labels, one per column); else one problem."""
    if value is None:
        return {}
    ok = isinstance(value, dict) and all(
        isinstance(v, str) if depth == 1 else isinstance(v, dict) and all(map(_label, v.values()))
        for v in value.values()
    )
    if not ok:
        shape = (
            "a table of text"
            if depth == 1
            else "tables of text or numbers, one per column (Agree = 4)"
        )
        problems.append(_where(path, key, f"expected {shape}, got {value!r}"))
        return {}
    return value


def _text_of(path: Path) -> str:
    """The program file's text, read by the rules of every input file (:func:`read_text`).

    A byte-order mark (Notepad writes one) is dropped and UTF-16 with its mark is read; other
    encodings, binary files, spreadsheets and oversized files are refused, as usage errors.
    """
    if path.is_dir():
        raise UsageError(f"{path}: is a folder; give the program file in it")
    try:
        return read_text(path)
    except FileInputError as error:
        if not path.exists():
            raise UsageError(f"{path}: no such file; give the program file to run") from None
        raise UsageError("\n".join(error.lines)) from None


def read_program_file(path: str | Path, *, out: str | None = None) -> RunConfig:
    """The program file at `path`, checked; `out` overrides its output folder.

    Raises
    ------
    UsageError
        A file that cannot be read (as :func:`~sparkus.cli._text.read_text` reads every input
        file: UTF-8 with or without a byte-order mark, or UTF-16 with its mark) or is not
        TOML, and every problem of its keys, each named
        by file and key.
    """
    path = Path(path)
    try:
        data = tomllib.loads(_text_of(path))
    except tomllib.TOMLDecodeError as error:
        raise UsageError(f"{path.name}: not valid TOML ({error})") from None
    problems: list[str] = []
    _table(data, "", problems, path)
    section = _section(data, "program", problems, path)
    costs = _section(data, "costs", problems, path)
    export = _section(data, "export", problems, path)
    providers = _section(data, "providers", problems, path)
    output = _section(data, "output", problems, path)
    program = _program(section, costs, path, problems) if "costs" in data else None
    start = _start(section.get("start")) if "start" in section else None
    if isinstance(start, str):
        problems.append(_where(path, "program.start", start))
    as_of = export.get("as_of")
    if isinstance(as_of, dt.datetime):
        as_of = as_of.date()
    if as_of is not None and not isinstance(as_of, dt.date):
        problems.append(
            _where(path, "export.as_of", f"expected a date such as 2025-06-30, got {as_of!r}")
        )
    files: dict[str, Path | None] = {}
    for key, table in (
        ("export.path", export),
        ("providers.path", providers),
        ("output.folder", output),
    ):
        value = table.get(key.split(".")[1])
        if value is not None and not (isinstance(value, str) and value.strip()):
            problems.append(_where(path, key, f"expected a path (text), got {value!r}"))
            value = None
        files[key] = None if value is None else path.parent / value
    # the export's header cells are read without the spaces around them: so are their names
    columns = {
        field: name.strip()
        for field, name in _mapping(export.get("columns"), "export.columns", path, problems).items()
    }
    labels = _mapping(export.get("labels"), "export.labels", path, problems, depth=2)
    missing = export.get("missing")
    if isinstance(missing, str):  # one policy for every free attribute named in `columns`
        missing = dict.fromkeys((c for c in columns if c not in _FIELDS), missing)
    missing = _mapping(missing, "export.missing", path, problems)
    if problems:
        raise UsageError("\n".join(problems))
    assert program is not None  # checked above
    assert isinstance(start, dt.datetime)
    export_path = files["export.path"]
    assert export_path is not None  # required above
    folder = Path(out) if out is not None else files["output.folder"] or path.parent / "results"
    return RunConfig(
        path=path,
        program=program,
        start=start,
        export=export_path,
        columns=columns,
        labels=labels,
        missing=missing,
        as_of=as_of,
        providers=files["providers.path"],
        output=folder,
    )
