"""People files the CLI refuses, and how: numbers only Python reads, problem order, delimiters.

The fuzzing report of round 3 (model I/O and the command line), entries 4, 7 and 8.
"""

from __future__ import annotations

import pytest

from tests.cli.csv_rows import read_rows, write_rows


def set_cells(folder, column, value, lines):
    """Set `column` to `value` on each of `lines` of people.csv (the header is line 1)."""
    rows = read_rows(folder / "people.csv")
    index = rows[0].index(column)
    for line in lines:
        rows[line - 1][index] = value
    write_rows(folder / "people.csv", rows)


def triage(run, folder, people="people.csv"):
    return run(
        "triage", "--people", str(folder / people), "--program", str(folder / "program.json")
    )


def problems_of(done):
    return [line.strip() for line in done.err.splitlines() if line.startswith("  ")]


# entry 4: numbers only Python's float() reads -----------------------------------------------


@pytest.mark.parametrize(
    ("column", "cell"),
    [("tenure_years", "3_06"), ("tenure_years", "\u0663"), ("self_motivation", "\uff14"),
     ("utc_offset", "1_0")],
)  # fmt: skip
def test_underscores_and_foreign_digits_are_not_numbers(org, run, column, cell):
    """`3_06` is not 306, and `٣` is not 3: each is one problem at its cell."""
    set_cells(org, column, cell, [4])
    done = triage(run, org)
    assert done.status == 3
    expected = f"people.csv, line 4, column {column}: expected a number, got {cell!r}"
    assert problems_of(done) == [expected]


def test_an_underscored_free_column_is_text(org):
    """A free column holding `1_000` is not read as numbers: it is text, as with `3,5`."""
    from sparkus.cli._files import read_people

    set_cells(org, "outcome_post", "1_000", [2])
    people = read_people(org / "people.csv")
    assert people.schema["outcome_post"].kind == "category"


def test_an_underscored_treatment_flag_is_refused(org, run):
    """`0_1` in a 0/1 treatment column is refused at its line, not read as 1 (treated)."""
    rows = read_rows(org / "people.csv")
    support = rows[0].index("support")
    rows[0].append("coached")
    for row in rows[1:]:
        row.append("1" if row[support] == "coaching" else "0")
    rows[5][-1] = "0_1"
    write_rows(org / "people.csv", rows)
    done = run("evaluate", str(org / "people.csv"), "--outcome", "outcome_post",
               "--pre", "outcome_pre", "--treated", "coached")  # fmt: skip
    assert done.status == 3
    expected = (
        "people.csv, line 6, column coached: expected 0/1 or true/false (yes/no, y/n), got "
        "'0_1'; or select rows with --treated coached=VALUE"
    )
    assert problems_of(done) == [expected]


# entry 7: "... and N more rows" after the rows it sums up ---------------------------------


def test_a_summary_of_rows_follows_the_rows_of_its_column(org, run):
    """Each column's "... and 5 more rows" comes right after that column's last listed row."""
    set_cells(org, "level", "intern", range(2, 27))
    set_cells(org, "languages", "klingon", range(2, 27))
    done = triage(run, org)
    assert done.status == 3
    problems = problems_of(done)
    assert len(problems) == 42
    for column in ("languages", "level"):
        rows = [
            i
            for i, p in enumerate(problems)
            if p.startswith("people.csv, line ") and f", column {column}: " in p
        ]
        (summary,) = [
            i for i, p in enumerate(problems) if p.startswith(f"people.csv, column {column}: ...")
        ]
        assert len(rows) == 20
        assert summary == rows[-1] + 1
        assert problems[summary] == (
            f"people.csv, column {column}: ... and 5 more rows with the same problem"
        )
        assert problems[rows[-1]].startswith(f"people.csv, line 21, column {column}: ")


def test_a_summary_of_cells_already_named_is_not_repeated(org, run):
    """25 words in tenure_years are 25 problems, with no "... and 5 more" about the same cells."""
    set_cells(org, "tenure_years", "five", range(2, 27))
    done = triage(run, org)
    assert done.status == 3
    problems = problems_of(done)
    assert len(problems) == 25
    assert all(p.endswith("expected a number, got 'five'") for p in problems)


def test_a_summary_of_export_rows_follows_them(run, tmp_path):
    """`sparkus run`: 25 hire dates after as_of are 20 lines, then the count of the rest."""
    folder = tmp_path / "ex"
    assert run("run", "--example", str(folder)).status == 0
    export = folder / "messy_export.csv"
    rows = read_rows(export)
    hired = rows[0].index("Hire Date")
    for row in rows[1:26]:
        row[hired] = "2030-01-01"
    write_rows(export, rows)
    done = run("run", str(folder / "program.toml"))
    assert done.status == 3
    problems = problems_of(done)
    assert len(problems) == 21
    assert problems[19].startswith("messy_export.csv, line 21, column Hire Date: the date 2030")
    assert problems[20] == (
        "messy_export.csv, column Hire Date: ... and 5 more rows with the same problem"
    )


# entry 8: a missing column lists the file's; another delimiter is named -------------------


def test_a_missing_required_column_lists_the_columns_of_the_file(org, run):
    """A header `emp_no` instead of `id`: the problem lists the columns the file has."""
    rows = read_rows(org / "people.csv")
    rows[0][0] = "emp_no"
    write_rows(org / "people.csv", rows)
    done = triage(run, org)
    assert done.status == 3
    (problem,) = problems_of(done)
    header = ", ".join(rows[0])
    assert problem == f"people.csv, column id: required column is missing (columns: {header})"


def test_a_file_with_another_delimiter_is_named_as_such(org, run):
    """A `;`-separated people file: each missing column says to save it with commas.

    (A tab-separated file is read: see test_s16_real_exports.py.)
    """
    rows = read_rows(org / "people.csv")
    write_rows(org / "people.csv", rows, delimiter=";")
    done = triage(run, org)
    assert done.status == 3
    problems = problems_of(done)
    hint = "; the file seems to use ';' as its delimiter: save it comma-separated"
    assert [p.split(":")[0] for p in problems] == [
        f"people.csv, column {c}" for c in ("department", "id", "level", "tenure_years")
    ]
    shown = ";".join(rows[0])
    assert all(p.endswith(f"required column is missing{hint} (columns: {shown})") for p in problems)


def test_a_semicolon_file_with_decimal_commas_is_named_as_such(org, run):
    """Rows split by a decimal comma: the delimiter is named first, then each line."""
    rows = read_rows(org / "people.csv")
    tenure = rows[0].index("tenure_years")
    rows[2][tenure] = rows[2][tenure].replace(".", ",")
    write_rows(org / "people.csv", rows, delimiter=";")
    done = triage(run, org)
    assert done.status == 3
    problems = problems_of(done)
    assert problems[0].startswith("people.csv, line 1: one column, 'id;level;")
    assert problems[0].endswith(
        "the file seems to use ';' as its delimiter: save it comma-separated"
    )
    assert problems[1:] == ["people.csv, line 3: 2 cells, but the header has 1"]


def test_a_column_an_option_names_gets_the_delimiter_hint_too(org, run):
    """`sparkus evaluate` on a `;` file: the missing outcome column names the delimiter."""
    write_rows(org / "people.csv", read_rows(org / "people.csv"), delimiter=";")
    done = run("evaluate", str(org / "people.csv"), "--outcome", "outcome_post",
               "--treated", "support=coaching", "--method", "naive")  # fmt: skip
    assert done.status == 3
    assert ("people.csv: no column 'outcome_post'; the file seems to use ';' as its delimiter: "
            "save it comma-separated (columns: id;level;") in done.err  # fmt: skip


def test_located_places_each_kind_of_population_problem(tmp_path):
    """A cell at its line and column, a row at its line, a column's summary after its rows."""
    from sparkus._errors import Problem, SchemaError
    from sparkus.cli._csv import lines_of, read_table
    from sparkus.cli._files import located

    (tmp_path / "f.csv").write_text("Who,Rank\na,x\nb,y\nc,z\n")
    table = read_table(tmp_path / "f.csv")
    error = SchemaError([
        Problem(("participants", 1, "level"), "bad level"),
        Problem(("participants", 2, "level"), "bad level"),
        Problem(("participants", "level"), "... and 9 more rows with the same problem"),
        Problem(("participants", 2), "a cycle"),
        Problem(("department",), "required column is missing"),
    ])  # fmt: skip
    assert lines_of(located(error, table, columns={"level": "Rank"})) == [
        "f.csv, column department: required column is missing (columns: Who, Rank)",
        "f.csv, line 3, column Rank: bad level",
        "f.csv, line 4: a cycle",
        "f.csv, line 4, column Rank: bad level",
        "f.csv, column Rank: ... and 9 more rows with the same problem",
    ]
