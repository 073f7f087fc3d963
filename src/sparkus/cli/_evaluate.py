"""``sparkus evaluate``: the difference a program made to an outcome, from one CSV file.

Every column an option names is checked against the file before anything is read (all missing
ones at once, with the columns the file has), and every cell the estimate uses is checked at its
line: an empty or non-numeric outcome, baseline or covariate, an empty cluster, a treatment
flag that is not 0/1. Rows that are neither treated nor control are left out, and their cells
are not checked. Without ``--control``, the control rows are the rest: then a row whose
``--treated`` cell is empty (a blank, or the total row at the bottom of an export) is refused
at its line, not counted as control, and the values that made the control group are said on
standard error. A selected row labelled as a total (``Grand Total`` in the id or a group
column) is refused at its line, and a person whose id (``--id``) repeats is refused at its line,
not counted twice.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from sparkus._errors import SchemaError
from sparkus._fields import spelling_key
from sparkus.cli._csv import Located, Table, lines_of, number, read_table
from sparkus.cli._exits import FileInputError, UsageError
from sparkus.cli._files import total_rows
from sparkus.cli._steps import summary

__all__ = ["run_evaluate"]

_TRUE = frozenset({"true", "yes", "y"})
_FALSE = frozenset({"false", "no", "n"})
"""A flag's words, in any case (``TRUE``, ``Yes``, ``Y``), beside the numbers 1 and 0."""
_ANCOVA_TERMS: Final = frozenset({"intercept", "treated", "pre"})
"""The names of the terms of ancova's own model (``post = a + t treated + b pre``): a covariate
column named so is passed under another name, so that the file's names never clash with them."""


def _spelt_otherwise(
    name: str, value: str, option: str, table: Table, chosen: npt.NDArray[np.bool_]
) -> None:
    """Refuse cells that spell `value` otherwise (``Coaching`` for ``coaching``).

    They would be left out as neither treated nor control, and the estimate made on part of
    the group without a word.
    """
    others = Counter(
        cell for cell, picked in zip(table.cells[name], chosen.tolist(), strict=True)
        if not picked and cell and spelling_key(cell) == spelling_key(value)
    )  # fmt: skip
    if others:
        shown = ", ".join(f"{v!r} ({n:,} row{'s' * (n != 1)})" for v, n in others.most_common())
        msg = (
            f"{table.in_column(name)}: {shown} differ{'s' * (len(others) == 1)} from "
            f"{value!r} ({option} {name}={value}) only in case, spaces or separators, and would "
            f"be left out; write the value one way in the file"
        )
        raise FileInputError([msg])


def _column(spec: str, option: str) -> tuple[str, str | None]:
    """``COLUMN`` or ``COLUMN=VALUE`` as (column, value or None)."""
    name, equals, value = spec.partition("=")
    name = name.strip()
    if not name:
        raise UsageError(f"{option} {spec!r}: expected COLUMN or COLUMN=VALUE")
    return name, (value.strip() if equals else None)


def _same(cell: str, value: str, numeric: bool) -> bool:
    if numeric:
        read = number(cell)
        return read is not None and read == number(value)
    return cell == value


def _group(spec: str, option: str, table: Table, problems: list[Located]) -> npt.NDArray[np.bool_]:
    """Rows selected by ``COLUMN`` (0/1, true/false, yes/no, y/n) or ``COLUMN=VALUE``."""
    name, value = _column(spec, option)
    cells = table.cells[name]
    if value is not None:
        numeric = table.is_numeric(name)
        chosen = np.array([_same(cell, value, numeric) for cell in cells], dtype=bool)
        if not numeric:
            _spelt_otherwise(name, value, option, table, chosen)
        if not chosen.any():
            seen = sorted(set(cells))
            shown = ", ".join(repr(v) for v in seen[:10]) + (", ..." if len(seen) > 10 else "")
            msg = f"{table.name}: no row has {name}={value} ({option}); its values: {shown}"
            raise FileInputError([msg])
        return chosen
    chosen = np.zeros(len(cells), dtype=bool)
    for i, cell in enumerate(cells):
        text = cell.casefold()
        read = number(text)
        if text in _TRUE or read == 1:
            chosen[i] = True
        elif text not in _FALSE and read != 0:  # 0, -0, 0.0 and 1.0 are numbers too
            got = repr(cell) if cell else "an empty cell"
            message = (
                f"expected 0/1 or true/false (yes/no, y/n), got {got}; or select rows with "
                f"{option} {name}=VALUE"
            )
            problems.append(table.problem(i, name, message))
    return chosen


def _check_method(args: argparse.Namespace) -> None:
    """Refuse, before reading, an option combination the method cannot use."""
    if args.method == "aipw" and not (args.pre or args.covariates):
        raise UsageError(
            "--method aipw needs --pre and/or --covariates (what selection depended on)"
        )
    if args.method == "ancova" and not args.pre:
        raise UsageError("--method ancova needs --pre COLUMN (the baseline); or use --method naive")
    if args.clusters and args.method != "ancova":
        raise UsageError(f"--clusters applies to --method ancova, not {args.method}")
    if args.trim is not None and args.method != "aipw":
        raise UsageError(f"--trim applies to --method aipw, not {args.method}")
    for option, given in (("--pre", args.pre), ("--covariates", args.covariates)):
        if given and args.method == "naive":  # else read, checked and silently not used
            raise UsageError(f"{option} applies to --method ancova or aipw, not naive")
    _check_columns(args)


def _check_columns(args: argparse.Namespace) -> None:
    """Refuse a column named by two of the options that put numbers in the model.

    The baseline or the outcome again as a covariate, a covariate twice, or the treatment flag
    as a number of the model is singular, or silently merged: a mistake in the command line,
    not a property of the data. (The outcome as its own baseline stays what it was, an
    estimate the data cannot support: exit status 5.)
    """
    seen: dict[str, str] = {}
    treated = _column(args.treated, "--treated")
    named = [("--outcome", args.outcome), ("--pre", args.pre)]
    named += [("--covariates", c) for c in args.covariates or ()]
    named += [("--treated", treated[0])] if treated[1] is None else []
    for option, column in named:
        if column is None or (option == "--pre" and column == args.outcome):
            continue
        if column in seen:
            twice = "twice" if seen[column] == option else f"also to {seen[column]}"
            msg = f"{option} {column}: the column is given {twice}; give each column once"
            raise UsageError(msg)
        seen[column] = option


def run_evaluate(args: argparse.Namespace) -> int:
    """``sparkus evaluate``."""
    from sparkus.metrics import aipw, ancova, welch_ttest

    _check_method(args)
    table = read_table(args.data)
    table.require_rows()
    named = [args.outcome, _column(args.treated, "--treated")[0]]
    if args.control:
        named.append(_column(args.control, "--control")[0])
    named += [args.pre] if args.pre else []
    named += list(args.covariates or ()) + ([args.clusters] if args.clusters else [])
    named += [args.id] if args.id else []
    table.require(*dict.fromkeys(named))

    problems: list[Located] = []
    treated = _group(args.treated, "--treated", table, problems)
    if args.control:
        control = _group(args.control, "--control", table, problems)
    else:
        control = ~treated
        _blank_rest(args.treated, table, problems)
    if problems:
        raise FileInputError(lines_of(problems))
    both = np.flatnonzero(treated & control)
    if both.size:
        raise FileInputError([f"{table.name}, line {table.lines[i]}: selected as both treated "
                              "and control" for i in both.tolist()])  # fmt: skip
    keep = treated | control
    if not (keep & ~treated).any():
        msg = f"{table.name}: no control row (every selected row is treated); give --control"
        raise FileInputError([msg])
    _total_rows(args, table, keep)
    _repeated_people(args.id, table, keep)

    post = table.numbers(args.outcome, problems, rows=keep)
    pre = table.numbers(args.pre, problems, rows=keep) if args.pre else None
    covariates = {c: table.numbers(c, problems, rows=keep) for c in args.covariates or ()}
    clusters = None
    if args.clusters:
        clusters = table.text(args.clusters)
        for i in np.flatnonzero(keep & (clusters == "")).tolist():
            problems.append(table.problem(i, args.clusters, "empty; every row needs a cluster"))
    if problems:
        raise FileInputError(lines_of(problems))

    estimate: Any
    try:
        if args.method == "naive":
            estimate = welch_ttest(post[keep & treated], post[keep & ~treated])
        elif args.method == "aipw":
            design = ({args.pre: pre} if pre is not None else {}) | covariates
            estimate = aipw(post[keep], treated[keep], {k: v[keep] for k, v in design.items()},
                            trim=args.trim)  # fmt: skip
        else:
            assert pre is not None  # _check_method
            adjust = {f"{k} (column)" if k in _ANCOVA_TERMS else k: v[keep]
                      for k, v in covariates.items()}  # fmt: skip
            estimate = ancova(
                post[keep],
                pre[keep],
                treated[keep],
                covariates=adjust or None,
                clusters=clusters[keep] if clusters is not None else None,
            )
    except SchemaError as error:  # of the file's cells (cluster labels spelled two ways)
        raise FileInputError(_in_file(error, args, table)) from None
    if args.json:
        print(json.dumps(estimate.to_dict(), indent=2, allow_nan=False))
    else:
        print(estimate.summary())
    dropped = int((~keep).sum())
    if dropped:
        summary(f"{dropped:,} rows are neither treated nor control and were left out"
                f"{_left_out(args, table, keep)}")  # fmt: skip
    if not args.control and (rest := _values(args.treated, table, ~treated)):
        summary(f"control rows (without --control, every row not treated): {rest}")
    return 0


def _blank_rest(spec: str, table: Table, problems: list[Located]) -> None:
    """Without ``--control``, a row whose ``--treated COLUMN=VALUE`` cell is empty is a problem.

    Every row not treated is control then; an empty cell says nothing of the person (a missing
    value, or the total row at the bottom of an export) and would count as control.
    """
    name, value = _column(spec, "--treated")
    if value is None:  # a 0/1 column: an empty cell is already a problem
        return
    for i, cell in enumerate(table.cells[name]):
        if not cell:
            message = (
                f"empty, so neither {name}={value} nor known to be control; fill it in, or "
                f"give --control {name}=VALUE to leave out the rows that are neither"
            )
            problems.append(table.problem(i, name, message))


def _total_rows(args: argparse.Namespace, table: Table, keep: npt.NDArray[np.bool_]) -> None:
    """Refuse a selected row labelled as a total (``Grand Total``) in the id or a group column.

    A pivot's total row at the bottom of an export is not a person: selected as control (the
    rest, without ``--control``) or by an id-less ``--control`` value, its sums would count as
    one more person's outcome.
    """
    named = [_column(spec, option)[0] for spec, option in
             ((args.treated, "--treated"), (args.control, "--control")) if spec]  # fmt: skip
    if problems := total_rows(table, [*named, args.id or "id"], rows=keep):
        raise FileInputError(lines_of(problems))


def _repeated_people(name: str | None, table: Table, keep: npt.NDArray[np.bool_]) -> None:
    """Refuse a person (by `name`, the ``--id`` column; ``id`` if the file has it) twice.

    An export that lists a person once per job or per position would count them twice.
    """
    if name is None:
        if "id" not in table.cells:
            return
        name = "id"
    cells = table.cells[name]
    first: dict[str, int] = {}
    problems: list[Located] = []
    for i in np.flatnonzero(keep).tolist():
        pid = cells[i]
        if not pid:
            problems.append(table.problem(i, name, "empty; every row needs the person's id"))
        elif pid in first:
            message = f"{pid!r} repeats line {table.lines[first[pid]]}: one row per person"
            problems.append(table.problem(i, name, message))
        first.setdefault(pid, i)
    if problems:
        raise FileInputError(lines_of(problems))


def _in_file(error: SchemaError, args: argparse.Namespace, table: Table) -> list[str]:
    """The estimator's problems with the file's cells, each at the column it came from."""
    columns = {"clusters": args.clusters, "pre": args.pre, "post": args.outcome,
               "y": args.outcome, "x": args.outcome}  # fmt: skip
    lines = []
    for problem in error.problems:
        head = problem.path[0] if problem.path else None
        column = columns.get(head) if isinstance(head, str) else None
        if column is None and head in ("covariates", "X") and len(problem.path) > 1:
            column = str(problem.path[1]).removesuffix(" (column)")
        where = table.in_column(column) if column else table.name
        lines.append(f"{where}: {problem.message if column else problem}")
    return lines


def _left_out(args: argparse.Namespace, table: Table, keep: npt.NDArray[np.bool_]) -> str:
    """The values of the rows left out, by the column that chose by value (``: support=x (12)``)."""
    spec = args.treated
    if args.control and _column(spec, "--treated")[1] is None:
        spec = args.control
    shown = _values(spec, table, ~keep)
    return f": {shown}" if shown else ""


def _values(spec: str, table: Table, rows: npt.NDArray[np.bool_]) -> str:
    """The values of `rows` in the column `spec` chose by value, counted (``support=x (12)``).

    Empty when `spec` names a 0/1 column.
    """
    name, value = _column(spec, "--treated")
    if value is None:
        return ""
    counts = Counter(c for c, r in zip(table.cells[name], rows.tolist(), strict=True) if r)
    shown = ", ".join(f"{name}={c or '(empty)'} ({n:,})" for c, n in counts.most_common(10))
    return shown + (f", ... ({len(counts):,} values)" if len(counts) > 10 else "")
