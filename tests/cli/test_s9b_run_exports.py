"""``sparkus run`` on exports as HR systems write them, with no glue between.

Survey answers in words could not be mapped to numbers in the program file (labels took text
only); ``missing = "carry"`` applied to the id and the level too, and so was always refused; a
repeated id said "repeats participants[10]", a row number the file does not show; a missing
required column said to map it in Python.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from tests.cli.csv_rows import read_rows

pytest.importorskip("pandas")

_LIKERT = ("Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree")
_ITEMS = (
    "self_motivation", "self_openness", "self_awareness", "self_responsibility",
    "self_time_capacity", "self_prior_development", "manager_openness", "manager_support",
    "manager_motivation",
)  # fmt: skip


def _example(run, tmp_path: Path) -> Path:
    folder = tmp_path / "ex"
    assert run("run", "--example", str(folder)).status == 0
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _in_words(export: Path) -> None:
    """The survey answers as words, in a file saved by Excel (a byte-order mark, CRLF)."""
    rows = read_rows(export)
    first = rows[0].index("Q1 Motivation (self)")
    for row in rows[1:]:
        row[first:] = [_LIKERT[int(cell) - 1] if cell else "" for cell in row[first:]]
    with export.open("w", newline="", encoding="utf-8-sig") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)


def test_answers_in_words_map_to_numbers_in_the_program_file(run, tmp_path):
    """`[export.labels.self_motivation] Agree = 4` reads words as the numbers of the scale."""
    folder = _example(run, tmp_path)
    before = run("run", str(folder / "program.toml"), "--out", str(tmp_path / "numbers"))
    assert before.status == 0, before.err
    _in_words(folder / "messy_export.csv")
    tables = "".join(
        f"\n[export.labels.{item}]\n" + "".join(f'"{w}" = {k}\n' for k, w in enumerate(_LIKERT, 1))
        for item in _ITEMS
    )
    with (folder / "program.toml").open("a", encoding="utf-8") as handle:
        handle.write(tables)
    done = run("run", str(folder / "program.toml"), "--out", str(tmp_path / "words"))
    assert done.status == 0, done.err
    for name in ("people.csv", "triage.csv", "plan.csv"):
        words = (tmp_path / "words" / name).read_text(encoding="utf-8")
        assert words == (tmp_path / "numbers" / name).read_text(encoding="utf-8")


def test_a_label_that_is_neither_text_nor_a_number_is_named(run, tmp_path):
    """A label's value of another kind (true) is a problem at its key, exit status 2."""
    folder = _example(run, tmp_path)
    with (folder / "program.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[export.labels.self_motivation]\n"Agree" = true\n')
    done = run("run", str(folder / "program.toml"))
    assert done.status == 2
    assert "program.toml, at export.labels: expected tables of text or numbers" in done.err


def test_missing_carry_for_every_column_is_for_the_free_attributes(run, tmp_path):
    """`missing = "carry"` carries the survey's blanks, as the table of each column does."""
    folder = _example(run, tmp_path)
    program = folder / "program.toml"
    text = program.read_text(encoding="utf-8")
    text = re.sub(r"\nmissing = \{[^\n]*\}", '\nmissing = "carry"', text)
    program.write_text(text, encoding="utf-8")
    done = run("run", str(program))
    assert done.status == 0, done.err
    assert "carried as missing: 71 cells" in done.err


def test_a_repeated_id_names_the_line_of_its_first_row(run, tmp_path):
    """Two rows with one id: the second names the line of the first, not a row number."""
    folder = _example(run, tmp_path)
    export = folder / "messy_export.csv"
    lines = export.read_text(encoding="utf-8").splitlines(keepends=True)
    export.write_text("".join([*lines, lines[11]]), encoding="utf-8")
    done = run("run", str(folder / "program.toml"))
    assert done.status == 3
    expected = (
        f"messy_export.csv, line {len(lines) + 1}, column Employee ID: 'E0011' repeats line 12"
    )
    assert expected in done.err, done.err


def test_a_missing_required_column_is_mapped_in_the_program_file(run, tmp_path):
    """No column for `level`: the fix named is the program file's [export.columns]."""
    folder = _example(run, tmp_path)
    _edit(folder / "program.toml", 'level = "Job Level"\n', "")
    done = run("run", str(folder / "program.toml"))
    assert done.status == 3
    assert (
        "messy_export.csv, column level: required column is missing: no column is named "
        "'level'; name the one that holds it in program.toml, under [export.columns] "
        '(level = "<column>") (columns: Employee ID, Job Level,'
    ) in done.err, done.err
    assert "columns={" not in done.err


def test_day_first_hire_dates_are_one_problem_of_their_column(run, tmp_path):
    """Hire dates saved as 21/01/2015: one problem of the column, saying how to save them."""
    folder = _example(run, tmp_path)
    export = folder / "messy_export.csv"
    text = export.read_text(encoding="utf-8")
    text = re.sub(r",(\d{4})-(\d\d)-(\d\d),", r",\3/\2/\1,", text)
    export.write_text(text, encoding="utf-8")
    done = run("run", str(folder / "program.toml"))
    assert done.status == 3
    (line,) = [x for x in done.err.splitlines() if "Hire Date" in x]
    assert line.startswith("  messy_export.csv, column Hire Date: the column 'Hire Date' holds no")
    assert "'21/01/2015', in 200 cells" in line
    assert "yyyy-mm-dd" in line


def test_fixes_are_said_in_the_program_file_and_rows_as_lines(run, tmp_path):
    """An unknown level, a blank answer, a department spelled twice: TOML fixes, file lines."""
    folder = _example(run, tmp_path)
    program = folder / "program.toml"
    _edit(program, 'self_motivation = "carry", ', "")
    export = folder / "messy_export.csv"
    lines = export.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].replace("Senior Leader", "SL", 1)  # line 4 of the file
    lines[8] = re.sub(r"^(E\d+,[^,]+),[^,]+,", r"\1,Legal,", lines[8])
    lines[9] = re.sub(r"^(E\d+,[^,]+),[^,]+,", r"\1,LEGAL ,", lines[9])
    export.write_text("".join(lines), encoding="utf-8")
    done = run("run", str(program))
    assert done.status == 3
    assert "unknown values 'SL' (line 4): 1 row in all" in done.err, done.err
    assert 'map the others under [export.labels.level] ("raw" = "value")' in done.err
    assert 'add self_motivation = "carry" to [export.missing]' in done.err
    assert "'Legal' (1 row), 'LEGAL' (1 row)" in done.err
    assert '[export.labels.department] "legal" = "Legal"' in done.err
    assert "labels={" not in done.err
    assert "missing={" not in done.err


def test_a_start_with_an_offset_past_59_minutes_is_refused(run, tmp_path):
    """'+01:60' is not read as +02:00 (Python's own parser rolls it over): exit 2, named."""
    folder = tmp_path / "ex"
    assert run("run", "--example", str(folder)).status == 0
    program = folder / "program.toml"
    text = program.read_text(encoding="utf-8")
    program.write_text(text.replace("start = 2026-01-05", 'start = "2026-01-05T00:00+01:60"'),
                       encoding="utf-8")  # fmt: skip
    done = run("run", str(program))
    assert done.status == 2
    assert "at program.start: expected a date" in done.err
