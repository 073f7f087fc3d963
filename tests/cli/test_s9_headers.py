"""Headers the command line reads: a field spelled otherwise, and an export split by ';'."""

from __future__ import annotations

from tests.cli.csv_rows import read_rows, write_rows


def test_a_manager_id_header_spelled_otherwise_is_refused(org, run):
    """`Manager_ID` is not read as a free column with the manager tree left empty (exit 3)."""
    rows = read_rows(org / "people.csv")
    index = rows[0].index("manager_id")
    rows[0][index] = "Manager_ID"
    write_rows(org / "people.csv", rows)
    done = run("triage", "--people", str(org / "people.csv"), "--program",
               str(org / "program.json"))  # fmt: skip
    assert done.status == 3
    (line,) = [line.strip() for line in done.err.splitlines() if line.startswith("  ")]
    assert line.startswith("people.csv, column Manager_ID: the column 'Manager_ID' differs from")
    assert "the field 'manager_id'" in line


def test_run_names_a_semicolon_export_as_such(run, tmp_path):
    """An export saved with ';' is one data problem naming the delimiter, not a missing key each."""
    folder = tmp_path / "ex"
    assert run("run", "--example", str(folder)).status == 0
    export = folder / "messy_export.csv"
    rows = read_rows(export)
    export.write_text("".join(";".join(row) + "\n" for row in rows), encoding="utf-8")
    done = run("run", str(folder / "program.toml"))
    assert done.status == 3
    (line,) = [line.strip() for line in done.err.splitlines() if line.startswith("  ")]
    assert line.startswith("messy_export.csv: one column, 'Employee ID;Job Level;")
    assert line.endswith("the file seems to use ';' as its delimiter: save it comma-separated")
