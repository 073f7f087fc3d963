"""An HR analyst's real exports through ``sparkus run`` and the step commands.

A "Grand Total" row at the bottom of a people file or export was named by its blank cells,
each with a fix for a person's row ("fill it in"), and a total row with its cells filled was
read as one more person; a header repeated inside the file (exports joined one below the
other) was a problem at every cell of its line; a title in the first cell of a sheet, which
Excel pads to the sheet's width, was only "column 2 has no name", "column 3 has no name", ...;
numbers with grouped digits (``3,179.2``, ``1.234,5``) and a tenure column all written with
decimal commas were refused without the fix; a column name in the program file with a space
around it, as copied from the export's header, was "no column" though the header had it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.csv_rows import read_rows, write_rows
from tests.cli.test_s9b_run_exports import _edit, _example

pytest.importorskip("pandas")

_EVALUATE = ("--outcome", "outcome_post", "--pre", "outcome_pre", "--treated",
             "support=coaching", "--control", "support=none")  # fmt: skip


def _problems(done) -> list[str]:
    return [line.strip() for line in done.err.splitlines() if line.startswith("  ")]


def _triage(run, org: Path):
    return run("triage", "--people", str(org / "people.csv"), "--program",
               str(org / "program.json"))  # fmt: skip


# a total row at the bottom ----------------------------------------------------------------


@pytest.mark.parametrize("label", ["Grand Total", "TOTAL", "Sub-total"])
def test_a_total_row_of_an_export_is_named_by_its_label(run, tmp_path, label):
    """`sparkus run`: the export's total row is one problem, its label, not its blank cells."""
    folder = _example(run, tmp_path)
    rows = read_rows(folder / "messy_export.csv")
    write_rows(folder / "messy_export.csv", [*rows, [label] + [""] * (len(rows[0]) - 1)])
    done = run("run", str(folder / "program.toml"))
    assert done.status == 3, done.err
    assert _problems(done) == [
        (
            f"messy_export.csv, line {len(rows) + 1}, column Employee ID: {label!r} labels a total "
            "row, not a person; remove the row"
        )
    ]


@pytest.mark.parametrize("filled", [False, True], ids=["blank", "filled"])
def test_a_total_row_of_a_people_file_is_not_a_person(org, run, filled):
    """`sparkus triage`: a total row is refused at its label, blank or filled with cells that
    would pass for a person's (it used to be read as one more person)."""
    rows = read_rows(org / "people.csv")
    total = [*rows[1]] if filled else [""] * len(rows[0])
    total[rows[0].index("id")] = "Grand Total"
    write_rows(org / "people.csv", [*rows, total])
    done = _triage(run, org)
    assert done.status == 3, done.err
    assert _problems(done) == [
        (
            f"people.csv, line {len(rows) + 1}, column id: 'Grand Total' labels a total row, not a "
            "person; remove the row"
        )
    ]


def test_other_problems_are_still_listed_beside_a_total_row(org, run):
    """A total row hides the problems of its own line only."""
    rows = read_rows(org / "people.csv")
    rows[3][rows[0].index("level")] = "intern"
    write_rows(org / "people.csv", [*rows, ["Total"] + [""] * (len(rows[0]) - 1)])
    done = _triage(run, org)
    assert done.status == 3, done.err
    assert _problems(done) == [
        (
            "people.csv, line 4, column level: 'intern' is not one of executive, senior_leader, "
            "manager, individual_contributor"
        ),
        (
            f"people.csv, line {len(rows) + 1}, column id: 'Total' labels a total row, not a "
            "person; remove the row"
        ),
    ]


# lines that are not rows ------------------------------------------------------------------


def test_a_header_repeated_inside_the_file_is_one_problem(org, run):
    """Two exports joined one below the other: the second header is named, once."""
    rows = read_rows(org / "people.csv")
    write_rows(org / "people.csv", [*rows[:11], rows[0], *rows[11:]])
    done = _triage(run, org)
    assert done.status == 3, done.err
    assert _problems(done) == [
        (
            "people.csv, line 12: repeats the header (line 1); delete it (files joined one below "
            "the other repeat their headers)"
        )
    ]


def test_a_title_padded_to_the_sheets_width_names_the_header_line(run, tmp_path):
    """Excel pads a title above the header with delimiters: the first problem says where the
    header is."""
    folder = _example(run, tmp_path)
    rows = read_rows(folder / "messy_export.csv")
    width = len(rows[0])
    title = [["Headcount report, June 2025"] + [""] * (width - 1), [""] * width]
    write_rows(folder / "messy_export.csv", [*title, *rows])
    done = run("run", str(folder / "program.toml"))
    assert done.status == 3, done.err
    problems = _problems(done)
    assert problems[0] == (
        f"messy_export.csv, line 1: the header names 1 of its {width} columns: if the header "
        "is line 3, delete the lines above it (a title or the date of the export)"
    )
    assert problems[1:] == [
        f"messy_export.csv, line 1: column {i} has no name" for i in range(2, width + 1)
    ]


# numbers as European and US spreadsheets write them ---------------------------------------


@pytest.mark.parametrize("cell", ["3,179.2", "1.234,5", "1 234,5", "1\u202f234,5", "1'234.5"])
def test_grouped_digits_are_named_with_the_fix(org, run, cell):
    """A number with grouped digits, in any locale's way, is named with how to write it."""
    rows = read_rows(org / "people.csv")
    support = rows[0].index("support")
    line = next(i for i, row in enumerate(rows) if row[support] == "coaching")
    rows[line][rows[0].index("outcome_post")] = cell
    write_rows(org / "people.csv", rows)
    done = run("evaluate", str(org / "people.csv"), *_EVALUATE)
    assert done.status == 3, done.err
    assert _problems(done) == [
        (
            f"people.csv, line {line + 1}, column outcome_post: expected a number, got {cell!r}: "
            "write it with '.' as the decimal point and no thousands separator"
        )
    ]


def test_tenure_all_in_decimal_commas_is_named_at_each_cell(run, tmp_path):
    """`sparkus run`, tenure in years (no as_of): a column written with decimal commas only is
    named at each cell with the fix, as one such cell among numbers is."""
    folder = _example(run, tmp_path)
    _edit(folder / "program.toml", "as_of = 2025-06-30", "")
    rows = read_rows(folder / "messy_export.csv")
    hired = rows[0].index("Hire Date")
    for i, row in enumerate(rows[1:4], start=1):
        row[hired] = f"{i},5"
    write_rows(folder / "messy_export.csv", rows[:4])
    done = run("run", str(folder / "program.toml"))
    assert done.status == 3, done.err
    assert _problems(done) == [
        f"messy_export.csv, line {i + 1}, column Hire Date: expected a number, got '{i},5': "
        "write it with '.' as the decimal point and no thousands separator"
        for i in (1, 2, 3)
    ]


# the program file names the export's columns ----------------------------------------------


def test_a_column_name_copied_with_its_spaces_is_found(run, tmp_path):
    """`"Dept "` in the program file, as the export's header cell is written: the column the
    header names (its cells are read without the spaces around them)."""
    folder = _example(run, tmp_path)
    plain = run("run", str(folder / "program.toml"), "--out", str(tmp_path / "plain"))
    assert plain.status == 0, plain.err
    rows = read_rows(folder / "messy_export.csv")
    rows[0][rows[0].index("Dept")] = "Dept "
    write_rows(folder / "messy_export.csv", rows)
    _edit(folder / "program.toml", 'department = "Dept"', 'department = "Dept "')
    spaced = run("run", str(folder / "program.toml"), "--out", str(tmp_path / "spaced"))
    assert spaced.status == 0, spaced.err
    for name in ("people.csv", "triage.csv", "plan.csv", "matching.csv", "journeys.csv"):
        assert (tmp_path / "plain" / name).read_bytes() == (tmp_path / "spaced" / name).read_bytes()
