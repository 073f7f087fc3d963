"""The command line end to end on files as HR systems and spreadsheets write them.

An export's total row at the bottom (its ``support`` cell empty) was counted as a control person
by ``sparkus evaluate --treated support=coaching``, and a person listed once per job was
counted twice: wrong estimates, without a word. Cluster labels spelled two ways were refused
without naming the file or the column, and a covariate column named ``pre`` or ``treated``
was refused as "taken by the design". ``sparkus demo --html -`` wrote a file named ``-``,
replacing one without ``--force``. ``sparkus run`` left an empty output folder behind when it
failed, and one decimal comma in a tenure column made every other cell of it a problem. Excel's
``sep=,`` first line, and a header line alone ending with a delimiter, made every row a
problem.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.cli.csv_rows import read_rows, write_rows

_EVALUATE = ("--outcome", "outcome_post", "--pre", "outcome_pre", "--json")


def _problems(done) -> list[str]:
    return [line.strip() for line in done.err.splitlines() if line.startswith("  ")]


def _triage(run, people: Path, org: Path):
    return run("triage", "--people", str(people), "--program", str(org / "program.json"))


def _example(run, tmp_path: Path) -> Path:
    folder = tmp_path / "ex"
    assert run("run", "--example", str(folder)).status == 0
    return folder


# sparkus evaluate: rows that are not people -------------------------------------------------


@pytest.mark.parametrize(
    "cells",
    [{"id": "Total", "outcome_post": "15000", "outcome_pre": "14000"}, {"id": "E999999"}],
    ids=["total row", "blank support"],
)
def test_a_row_with_an_empty_treated_cell_is_not_a_control(org, run, cells):
    """Without --control, an empty --treated cell is an error at its line, not a control."""
    rows = read_rows(org / "people.csv")
    extra = dict.fromkeys(rows[0], "")
    extra |= {"outcome_post": "50", "outcome_pre": "50"} | cells
    write_rows(org / "people.csv", [*rows, [extra[name] for name in rows[0]]])
    done = run("evaluate", str(org / "people.csv"), *_EVALUATE, "--treated", "support=coaching")
    assert done.status == 3
    line = len(rows) + 1
    expected = (
        f"people.csv, line {line}, column support: empty, so neither support=coaching nor known "
        "to be control; fill it in, or give --control support=VALUE to leave out the rows that "
        "are neither"
    )
    assert _problems(done) == [expected]
    given = run("evaluate", str(org / "people.csv"), *_EVALUATE, "--treated", "support=coaching",
                "--control", "support=none")  # fmt: skip
    assert given.status == 0, given.err
    assert "support=(empty) (1)" in given.err


@pytest.mark.parametrize(
    ("cells", "control", "column"),
    [({"support": "Grand Total"}, (), "support"),
     ({"id": "TOTAL", "support": "none"}, ("--control", "support=none"), "id"),
     ({"id": "E999999", "support": "sub-total"}, ("--control", "support=sub-total"), "support")],
    ids=["rest", "id", "control value"],
)  # fmt: skip
def test_a_total_row_is_not_a_person(org, run, cells, control, column):
    """A pivot's total row selected as control (by the rest, or by --control) is refused at its
    line, naming the cell; it used to count its sums as one more control person."""
    rows = read_rows(org / "people.csv")
    extra = dict.fromkeys(rows[0], "") | {"outcome_post": "15000", "outcome_pre": "14000"} | cells
    write_rows(org / "people.csv", [*rows, [extra[name] for name in rows[0]]])
    done = run("evaluate", str(org / "people.csv"), *_EVALUATE, "--treated", "support=coaching",
               *control)  # fmt: skip
    assert done.status == 3, done.err
    expected = (
        f"people.csv, line {len(rows) + 1}, column {column}: {cells[column]!r} labels a total "
        "row, not a person; remove the row"
    )
    assert _problems(done) == [expected]


def test_the_rest_as_control_is_counted_by_value(org, run):
    """Without --control, the values that made the control group are said on standard error."""
    done = run("evaluate", str(org / "people.csv"), *_EVALUATE, "--treated", "support=coaching")
    assert done.status == 0, done.err
    said = [line for line in done.err.splitlines() if line.startswith("control rows")]
    assert len(said) == 1
    assert "support=none (" in said[0]
    assert "support=coaching" not in said[0]


@pytest.mark.parametrize("renamed", [None, "Employee ID"])
def test_a_person_on_two_rows_is_refused(org, run, renamed):
    """An export listing a person once per job: the second row is an error, not counted twice."""
    rows = read_rows(org / "people.csv")
    if renamed:
        rows[0][rows[0].index("id")] = renamed
    write_rows(org / "people.csv", [*rows, rows[3]])
    extra = ["--id", renamed] if renamed else []
    done = run("evaluate", str(org / "people.csv"), *_EVALUATE, "--treated", "support=coaching",
               *extra)  # fmt: skip
    assert done.status == 3
    expected = (
        f"people.csv, line {len(rows) + 1}, column {renamed or 'id'}: {rows[3][0]!r} repeats "
        "line 4: one row per person"
    )
    assert _problems(done) == [expected]


def test_cluster_labels_spelled_two_ways_name_the_file_and_column(org, run):
    """Team labels that differ only in case: refused naming the file and the column."""
    rows = read_rows(org / "people.csv")
    team, support = rows[0].index("team"), rows[0].index("support")
    teams = [r[team] for r in rows[1:]]
    row = next(r for r in rows[1:] if r[support] == "coaching" and teams.count(r[team]) > 1)
    row[team] = row[team].upper()
    write_rows(org / "people.csv", rows)
    done = run("evaluate", str(org / "people.csv"), *_EVALUATE, "--treated", "support=coaching",
               "--clusters", "team")  # fmt: skip
    assert done.status == 3
    (problem,) = _problems(done)
    assert problem.startswith("people.csv, column team: holds labels that differ only in case")


@pytest.mark.parametrize("name", ["pre", "treated", "intercept"])
def test_a_covariate_named_like_a_term_of_the_model_is_adjusted_for(org, run, name):
    """A covariate column named `pre` runs: the estimate and HC1 SE statsmodels gives."""
    pd = pytest.importorskip("pandas")
    sm = pytest.importorskip("statsmodels.api")
    rows = read_rows(org / "people.csv")
    rows[0][rows[0].index("tenure_years")] = name
    write_rows(org / "people.csv", rows)
    done = run("evaluate", str(org / "people.csv"), *_EVALUATE, "--treated", "support=coaching",
               "--control", "support=none", "--covariates", name)  # fmt: skip
    assert done.status == 0, done.err
    reported = json.loads(done.out)
    # reference: statsmodels OLS of post on treated, pre and the covariate, HC1 errors
    frame = pd.read_csv(org / "people.csv")
    frame = frame[frame["support"].isin(["coaching", "none"])]
    design = np.column_stack([np.ones(len(frame)), (frame["support"] == "coaching").to_numpy(),
                              frame["outcome_pre"], frame[name]])  # fmt: skip
    fit = sm.OLS(frame["outcome_post"].to_numpy(), design).fit(cov_type="HC1")
    assert reported["estimate"] == pytest.approx(fit.params[1], rel=1e-9)
    assert reported["se"] == pytest.approx(fit.bse[1], rel=1e-9)


def test_a_data_file_after_covariates_is_said_to_go_first(org, run):
    """`--covariates a file.csv` takes the file as a column: the usage error says so."""
    done = run("evaluate", "--outcome", "outcome_post", "--pre", "outcome_pre", "--treated",
               "support=coaching", "--covariates", "tenure_years", str(org / "people.csv"))  # fmt: skip
    assert done.status == 2
    assert done.err.count("\n") == 1
    assert "give the data file first (sparkus evaluate DATA ... --covariates ...)" in done.err


# outputs: where asked, and none on failure -------------------------------------------------


def test_demo_html_to_standard_output_is_refused(run, tmp_path, monkeypatch):
    """`demo --html -` exits 2 and writes no file named `-`, nor replaces one."""
    monkeypatch.chdir(tmp_path)
    done = run("demo", "--n", "20", "--html", "-")
    assert done.status == 2
    assert "--html -: standard output carries the report" in done.err
    assert not (tmp_path / "-").exists()


def test_a_failed_run_leaves_no_output_folder(run, tmp_path):
    """A run refused for its export creates no output folder."""
    folder = _example(run, tmp_path)
    rows = read_rows(folder / "messy_export.csv")
    rows[3][rows[0].index("Job Level")] = "Intern"
    write_rows(folder / "messy_export.csv", rows)
    done = run("run", str(folder / "program.toml"), "--out", str(tmp_path / "new" / "results"))
    assert done.status == 3
    assert not (tmp_path / "new").exists()
    done = run("run", str(folder / "program.toml"))
    assert done.status == 3
    assert not (folder / "results").exists()


def test_a_run_never_replaces_its_own_export(run, tmp_path):
    """An export named people.csv in the output folder: exit 2 even with --force, kept whole."""
    folder = _example(run, tmp_path)
    export = (folder / "messy_export.csv").rename(folder / "people.csv")
    before = export.read_bytes()
    program = folder / "program.toml"
    text = program.read_text(encoding="utf-8").replace('"messy_export.csv"', '"people.csv"')
    program.write_text(text, encoding="utf-8")
    done = run("run", str(program), "--out", str(folder), "--force")
    assert done.status == 2
    assert "the run's people.csv would replace the export" in done.err
    assert export.read_bytes() == before


def test_a_column_name_with_a_line_break_keeps_each_problem_on_one_line(run, tmp_path):
    """A header cell holding a quoted line break is named quoted, on the problem's one line."""
    folder = _example(run, tmp_path)
    rows = read_rows(folder / "messy_export.csv")
    column = rows[0].index("Q1 Motivation (self)")
    rows[0][column] = "Q1 Motivation\n(self)"
    rows[5][column] = "9"
    write_rows(folder / "messy_export.csv", rows)
    program = folder / "program.toml"
    text = program.read_text(encoding="utf-8")
    program.write_text(text.replace("Q1 Motivation (self)", "Q1 Motivation\\n(self)"),
                       encoding="utf-8")  # fmt: skip
    done = run("run", str(program))
    assert done.status == 3
    assert _problems(done) == [
        "messy_export.csv, line 7, column 'Q1 Motivation\\n(self)': 9.0 is outside the scale 1 to 5"
    ]


def test_one_decimal_comma_in_tenure_years_is_the_one_problem(run, tmp_path):
    """Tenure in years with one `3,5`: that cell is the problem; dates still ask for as_of."""
    folder = _example(run, tmp_path)
    program = folder / "program.toml"
    plain = program.read_text(encoding="utf-8")
    program.write_text(plain.replace("as_of = 2025-06-30", ""), encoding="utf-8")
    dates = run("run", str(program))  # dates of hire, no as_of: one problem of the file
    assert dates.status == 2
    assert dates.err.startswith("sparkus run: program.toml, at export.as_of: tenure_years comes")
    rows = read_rows(folder / "messy_export.csv")
    column = rows[0].index("Hire Date")
    rows[0][column] = "Years of service"
    for row in rows[1:]:
        row[column] = "4"
    rows[4][column] = "3,5"
    write_rows(folder / "messy_export.csv", rows)
    text = program.read_text(encoding="utf-8").replace('"Hire Date"', '"Years of service"')
    program.write_text(text, encoding="utf-8")
    done = run("run", str(program))
    assert done.status == 3
    expected = (
        "messy_export.csv, line 5, column Years of service: expected a number, got '3,5': write "
        "it with '.' as the decimal point and no thousands separator"
    )
    assert _problems(done) == [expected]


# CSV as Excel writes it --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "delimiter"), [("sep=,", ","), ('"sep=,"', ","), ("sep=\t", "\t")]
)
def test_excel_sep_line_is_followed(org, run, first, delimiter):
    """A first line `sep=,` (Excel's) is skipped: the same triage as without it."""
    plain = _triage(run, org / "people.csv", org)
    assert plain.status == 0
    rows = read_rows(org / "people.csv")
    write_rows(org / "marked.csv", rows, delimiter=delimiter)
    marked = org / "marked.csv"
    marked.write_text(first + "\r\n" + marked.read_text(encoding="utf-8"), encoding="utf-8")
    done = _triage(run, marked, org)
    assert done.status == 0, done.err
    assert done.out == plain.out


def test_excel_sep_semicolon_line_is_one_problem(org, run):
    """`sep=;` above semicolon-separated rows: one line saying to save comma-separated."""
    rows = read_rows(org / "people.csv")
    write_rows(org / "people.csv", rows, delimiter=";")
    people = org / "people.csv"
    people.write_text("sep=;\n" + people.read_text(encoding="utf-8"), encoding="utf-8")
    done = _triage(run, people, org)
    assert done.status == 3
    assert _problems(done) == [
        "people.csv, line 1: the file says its delimiter is ';' (sep=;); save it comma-separated"
    ]


def test_a_delimiter_ending_the_header_line_alone_is_no_column(org, run):
    """A header ending `,,` above rows without them: read as the rows' columns."""
    plain = _triage(run, org / "people.csv", org)
    rows = read_rows(org / "people.csv")
    write_rows(org / "people.csv", [[*rows[0], "", ""], *rows[1:]])
    done = _triage(run, org / "people.csv", org)
    assert done.status == 0, done.err
    assert done.out == plain.out
