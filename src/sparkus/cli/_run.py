"""``sparkus run``: the whole program on your own files, and ``sparkus run --example``.

The program file (:mod:`sparkus.cli._program_file`) names the export and how to read it; the
command runs triage, the support plan, matching (when a providers file is given) and the
journeys, and writes into the output folder:

- ``people.csv``, ``triage.csv``, ``plan.csv``, ``matching.csv`` (with providers),
  ``journeys.csv``: the results' ``to_frame()`` tables, as CSV;
- ``report.html``: the dashboard at the journeys' start (no events yet: the plan's start).

Tables go through pandas, or polars when pandas is missing (one of them must be installed).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import shutil
from importlib import resources
from pathlib import Path
from typing import Any, Final, Literal, cast

import numpy as np

from sparkus._errors import Problem, SchemaError
from sparkus.cli._csv import (
    Located,
    Table,
    like_number,
    lines_of,
    read_table,
    same_file,
    write_table,
)
from sparkus.cli._exits import FileInputError, UsageError
from sparkus.cli._files import (
    NUMBER_COLUMNS,
    check_employees,
    located,
    read_providers,
    total_rows,
    with_totals,
)
from sparkus.cli._program_file import RunConfig, read_program_file
from sparkus.cli._steps import summary
from sparkus.model import Population, Provider, SupportType

__all__ = ["EXAMPLE_FILES", "OUTPUTS", "run_run"]

EXAMPLE_FILES: Final = ("program.toml", "messy_export.csv", "providers.json")
"""The files ``sparkus run --example DIR`` writes."""

OUTPUTS: Final = (
    "people.csv",
    "triage.csv",
    "plan.csv",
    "matching.csv",
    "journeys.csv",
    "report.html",
)
"""The files ``sparkus run`` writes (``matching.csv`` only with a providers file)."""

_MATCHED: Final = (SupportType.COACHING, SupportType.MENTORING, SupportType.PEER_SUPPORT,
                   SupportType.TEAM_COACHING)  # fmt: skip
_TEXT_FIELDS: Final = frozenset({"id", "level", "department", "team", "manager_id"})
_SETTINGS: Final = ("columns", "labels", "missing", "as_of", "scales")
_LACKING: Final = "required column is missing"
_IN_THE_FILE: Final = (
    (re.compile(r"pass missing=\{'([^']+)': 'carry'\}"), r'add \1 = "carry" to [export.missing]'),
    (re.compile(r"pass columns=\{'([^']+)': '([^']+)'\}"), r'map it under [export.columns] (\1 = "\2")'),
    (re.compile(r"with labels=\{'([^']+)': \{raw: \w+\}\}"), r'under [export.labels.\1] ("raw" = "value")'),
    (re.compile(r"labels=\{'([^']+)': \{'([^']+)': '([^']+)'\}\}"), r'[export.labels.\1] "\2" = "\3"'),
    (re.compile(r"read (?:it|the column) as dates first \(e\.g\. pandas\.to_datetime\([^)]*\)[^)]*\)"),
     "format its cells as dates (yyyy-mm-dd) in the spreadsheet and export it again"),
    (re.compile(r"leave out as_of"), "remove as_of from [export]"),
)  # fmt: skip
"""The fixes a population's problems name in Python, as the program file says them."""
_WORD: Final = re.compile(r"expected a number on the declared scale [^,]+, got str '([^'\\\"]+)'$")
"""A survey answer in words (``'N/A'``, ``'Agree'``), which the program file can map."""


def _folder(
    directory: Path, names: tuple[str, ...], *, force: bool, option: str, create: bool = True
) -> None:
    """Refuse to overwrite the `names` in `directory` unless `force`; create it if `create`.

    Without `create`, the folder is only checked: the first of it and its parents that exists
    must be a writable folder, so that a run that fails leaves no folder behind.
    """
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{option} {directory}: is a file, not a folder")
    existing = [n for n in names if (directory / n).exists()]
    if existing and not force:
        shown = ", ".join(str(directory / n) for n in existing)
        raise UsageError(f"{shown}: the file exists; add --force to overwrite")
    if not create:
        there = next(p for p in (directory, *directory.parents) if p.exists() or p == p.parent)
        if not there.is_dir():
            raise UsageError(f"{option} {directory}: {there} is a file, not a folder")
        if not os.access(there, os.W_OK | os.X_OK):
            raise UsageError(f"{option} {directory}: the folder {there} is not writable")
        return
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(
            f"{directory}: cannot create the folder ({error.strerror or error})"
        ) from None


def write_example(directory: str, *, force: bool) -> int:
    """``sparkus run --example DIR``: the example program, its export and its providers."""
    out = Path(directory)
    _folder(out, EXAMPLE_FILES, force=force, option="--example")
    source = resources.files("sparkus.cli") / "example"
    for name in EXAMPLE_FILES:
        with resources.as_file(source / name) as file:
            shutil.copyfile(file, out / name)
    summary(f"wrote {out / 'program.toml'}; run it with: sparkus run {out / 'program.toml'}")
    return 0


def _backend() -> Literal["pandas", "polars"]:
    for name in ("pandas", "polars"):
        if importlib.util.find_spec(name) is not None:
            return name
    msg = (
        "sparkus run writes its tables with pandas or polars, and neither is installed; "
        "install one: pip install 'sparkus[pandas]'"
    )
    raise UsageError(msg)


def _cell(value: Any) -> Any:
    """Dates and times in ISO 8601 (a pandas Timestamp would be written as its nanoseconds)."""
    isoformat = getattr(value, "isoformat", None)
    return isoformat() if callable(isoformat) and str(value) != "NaT" else value


def _columns(frame: Any) -> dict[str, list[Any]]:
    """A pandas or polars frame as columns, the index first."""
    if hasattr(frame, "reset_index"):
        frame = frame.reset_index()
        data = {str(name): frame[name].tolist() for name in frame.columns}
    else:
        data = {str(k): v for k, v in frame.to_dict(as_series=False).items()}
    return {name: [_cell(v) for v in values] for name, values in data.items()}


def _not_an_input(config: RunConfig) -> None:
    """Refuse, even with ``--force``, an output file that is one of the run's own inputs.

    An export saved as ``people.csv`` beside a program file whose output folder is ``.`` would
    be replaced by the run's ``people.csv``.
    """
    inputs = {"the export": config.export, "the program file": config.path}
    if config.providers is not None:
        inputs["the providers file"] = config.providers
    for name in OUTPUTS:
        path = config.output / name
        for what, given in inputs.items():
            if same_file(path, given):
                msg = (
                    f"{path}: the run's {name} would replace {what} ({given}); write it "
                    "elsewhere (--out DIR, or folder under [output] in the program file)"
                )
                raise UsageError(msg)


def _read_export(config: RunConfig) -> tuple[Population, Table]:
    """The export as a population, every problem named by file and key, or line and column."""
    from sparkus.triage import default_instrument

    table = _blanked(read_table(config.export), config)
    table.require_one_delimiter()  # else each column of the program file is named missing
    table.require_rows()
    labels = {
        f: {k: v for k, v in spelled.items() if v != ""} for f, spelled in config.labels.items()
    }
    text = {config.columns.get(f, f) for f in _TEXT_FIELDS}
    # Tenure in years (dates of hire when as_of is given) and time zones, unless their labels
    # map words: in a column with numbers (or numbers with decimal commas), each cell that is
    # no number is a problem at its place, the others numbers. (A column with none, such as
    # dates without as_of, is left to the population, which says what to set.)
    numbers = {
        name
        for f in NUMBER_COLUMNS - config.labels.keys()
        if (f != "tenure_years" or config.as_of is None)
        and (name := config.columns.get(f, f)) in table.cells
        and any(like_number(cell) for cell in table.cells[name] if cell)
    }
    fields = set(config.columns) | set(table.cells)
    scales = {i.column: i.scale for i in default_instrument().items if i.column in fields}
    problems: list[Located] = []
    columns: dict[str, Any] = {}
    for name in table.cells:
        if name in numbers or (name not in text and table.is_numeric(name)):
            columns[name] = table.numbers(name, problems, required=False)
        else:  # answers on a scale: from_frame reads "4" beside "Agree" as 4
            columns[name] = np.array(table.cells[name], dtype=object)
    # a total row at the bottom: its label, in the id column or the first one, is the problem
    totals = total_rows(table, [config.columns.get("id", "id"), *list(table.cells)[:1]])
    if problems:
        raise FileInputError(lines_of(with_totals(problems, totals)))
    try:
        people = Population.from_frame(
            cast(Any, columns),  # a mapping of columns, which from_frame reads like a frame
            columns=config.columns,
            labels=labels,
            missing=cast(Any, config.missing) or None,
            as_of=config.as_of,
            scales=scales,
        )
    except SchemaError as error:
        raise _export_error(error, config, table, totals) from None
    if totals:
        raise FileInputError(lines_of(totals))
    return people, table


def _blanked(table: Table, config: RunConfig) -> Table:
    """`table` with the cells a label maps to empty text (``"N/A" = ""``) made blank.

    A blank is then what ``[export.missing]`` says (carried, or refused at its cell), as an
    empty cell is; the labels map itself keeps only text and numbers.
    """
    blanks = {
        config.columns.get(f, f): {str(k).strip().casefold() for k, v in spelled.items() if v == ""}
        for f, spelled in config.labels.items()
    }
    cells = {
        name: [("" if c.casefold() in blanks[name] else c) for c in column]
        if blanks.get(name) else column
        for name, column in table.cells.items()
    }  # fmt: skip
    return Table(table.name, cells, table.lines)


def _export_error(
    error: SchemaError, config: RunConfig, table: Table, totals: list[Located]
) -> Exception:
    """The export's problems, each where it is fixed.

    A setting's at its key of the program file (exit 2), a cell's at its line and column of
    the export (exit 3); a total row's (`totals`) is its label alone.
    """
    settings = [p for p in error.problems if p.path and p.path[0] in _SETTINGS]
    if settings:
        return UsageError("\n".join(
            f"{config.path.name}, at {Problem(('export', *p.path), '').location}: {p.message}"
            for p in settings
        ))  # fmt: skip
    problems = [_for_file(p, config) for p in error.problems]
    cells = located(SchemaError(problems), table, columns=config.columns)
    return FileInputError(lines_of(with_totals(cells, totals)))


def _for_file(problem: Problem, config: RunConfig) -> Problem:
    """`problem` with its fix said in the program file's words, not in Python's.

    ``pass missing={'x': 'carry'}`` is ``x = "carry"`` under ``[export.missing]``, and so on
    for ``columns=`` and ``labels=``; a required field no column holds is named with its key.
    """
    (field, *rest) = problem.path or ("",)
    if not rest and problem.message.startswith(_LACKING):
        msg = (
            f"{_LACKING}: no column is named {field!r}; name the one that holds it in "
            f'{config.path.name}, under [export.columns] ({field} = "<column>")'
        )
        return Problem(problem.path, msg)
    msg = problem.message
    for pattern, words in _IN_THE_FILE:
        msg = pattern.sub(words, msg)
    word = _WORD.search(msg)
    if word and problem.path and isinstance(problem.path[-1], str):
        shown = word.group(1)
        msg += (
            f"; under [export.labels.{problem.path[-1]}], map it to an answer "
            f'("{shown}" = <number>) or, if it means no answer, to a blank ("{shown}" = "")'
        )
    return Problem(problem.path, msg)


def _match(
    people: Population, plan: Any, providers: tuple[Provider, ...], program: Any
) -> tuple[dict[str, list[Any]], list[Any]]:
    """Each matched support type's assignment as one table, and the assignments themselves.

    The table has a support column; the assignments carry each person's provider into the
    journeys.
    """
    from sparkus.matching import assign, candidate_matrix

    out: dict[str, list[Any]] = {}
    results: list[Any] = []
    for support in _MATCHED:
        members = np.array([s is support for s in plan.support], dtype=bool)
        if not members.any() or not any(p.support_type is support for p in providers):
            continue
        candidates = candidate_matrix(
            people, providers, members=members, support_type=support, program=program
        )
        result = assign(candidates)
        results.append(result)
        summary(f"{support.value}: {result!r}")
        columns = _columns(result.to_frame(backend=_backend()))
        columns = {"participant": columns.pop("participant"),
                   "support": [support.value] * len(columns["provider"]), **columns}  # fmt: skip
        for name, values in columns.items():
            out.setdefault(name, []).extend(values)
    return out, results


def run_run(args: argparse.Namespace) -> int:
    """``sparkus run``."""
    if args.example is not None:
        if args.config is not None:
            raise UsageError("give a program file or --example DIR, not both")
        return write_example(args.example, force=args.force)
    if args.config is None:
        raise UsageError("give the program file to run, or --example DIR to write one")
    return _run(read_program_file(args.config, out=args.out), force=args.force)


def _run(config: RunConfig, *, force: bool) -> int:
    from sparkus.matching import plan_support
    from sparkus.metrics import Tracker, write_html
    from sparkus.model import schedule_journeys
    from sparkus.triage import triage

    backend = _backend()
    providers = read_providers(config.providers) if config.providers is not None else ()
    _not_an_input(config)
    _folder(config.output, OUTPUTS, force=force, option="--out", create=False)
    people, _ = _read_export(config)
    if config.providers is not None:
        check_employees(providers, people, source=config.providers.name,
                        people_file=config.export.name)  # fmt: skip
    summary(f"read {config.export.name}: {len(people):,} people; carried as missing: "
            f"{sum(people.carried.values()):,} cells")  # fmt: skip
    program = config.program
    triaged = triage(people, program=program, missing="review")
    summary(str(triaged))
    plan = plan_support(people, triaged, program, providers)
    summary(str(plan))
    tables: dict[str, Any] = {
        "people.csv": _columns(people.to_frame(backend=backend)),
        "triage.csv": _columns(triaged.to_frame(backend=backend)),
        "plan.csv": _columns(plan.to_frame(backend=backend)),
    }
    assignments: list[Any] = []
    if providers:
        tables["matching.csv"], assignments = _match(people, plan, providers, program)
    else:
        summary("matching: skipped (the program file names no providers file)")
    # each journey knows its provider where matching placed the person
    schedule = schedule_journeys(
        program.journey, **plan.enrolled(assignments or None), start=config.start,
        excess="truncate",
    )  # fmt: skip
    tables["journeys.csv"] = _columns(schedule.to_frame(backend=backend))
    # no events yet: the dashboard as the program starts
    snapshot = Tracker(program, schedule).snapshot(as_of=config.start)
    _folder(config.output, OUTPUTS, force=force, option="--out")  # made now the work is done
    for name, columns in tables.items():
        write_table(config.output / name, columns)
    stale = [config.output / n for n in OUTPUTS if n.endswith(".csv") and n not in tables]
    for path in [p for p in stale if p.is_file()]:  # an earlier run's, --force given
        path.unlink()
        summary(f"removed {path}: an earlier run's, which this run does not write")
    write_html(snapshot, config.output / "report.html", title=program.name)
    written = ", ".join([*tables, "report.html"])
    summary(f"wrote {written} in {config.output}")
    return 0
