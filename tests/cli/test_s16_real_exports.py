"""Files as HR departments really save them, end to end through the command line.

A workbook given for a CSV was named as "a NUL character"; Excel's "Unicode text" (UTF-16,
tab-separated) was refused though its encoding was read; a program file saved by Notepad (a
byte-order mark, or UTF-16) was "not valid TOML" at line 1, column 1; a survey column mixing
numbers with one word had every number named as "a number written as text"; and ``--out``
naming a pipe or a device asked for ``--force``, then replaced it with a file.
"""

from __future__ import annotations

import codecs
import threading
from pathlib import Path

import pytest

from sparkus.cli._exits import FileInputError
from sparkus.cli._text import read_text
from tests.cli.csv_rows import read_rows, write_rows

_TABLES = ("people.csv", "triage.csv", "plan.csv", "matching.csv", "journeys.csv")


def _example(run, tmp_path: Path) -> Path:
    folder = tmp_path / "ex"
    assert run("run", "--example", str(folder)).status == 0
    return folder


def _problems(done) -> list[str]:
    return [line.strip() for line in done.err.splitlines() if line.startswith("  ")]


def _same_tables(one: Path, other: Path) -> None:
    for name in _TABLES:
        assert (one / name).read_bytes() == (other / name).read_bytes(), name


# a workbook given for a CSV ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "named"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", "a zip archive, as an Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "an Office file, as an old Excel workbook"),
    ],
    ids=["xlsx", "xls"],
)
def test_a_workbook_is_named_as_a_spreadsheet(org, run, start, named):
    """An .xlsx or .xls file given as people: said to be a workbook, with how to save CSV."""
    (org / "people.xlsx").write_bytes(start + bytes(range(256)))
    with pytest.raises(FileInputError) as info:
        read_text(org / "people.xlsx")
    (line,) = info.value.lines
    assert line.startswith(f"people.xlsx: is {named}")
    assert "save the sheet as CSV" in line
    done = run("triage", "--people", str(org / "people.xlsx"), "--program",
               str(org / "program.json"))  # fmt: skip
    assert done.status == 3
    assert _problems(done) == [line]


@pytest.mark.parametrize(
    "text",
    [
        "<html><body><table><tr><td>id</td><td>level</td></tr></table></body></html>\n",
        '\ufeff<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">\n',
    ],
    ids=["html table", "xml spreadsheet"],
)
def test_an_excel_export_that_is_a_page_is_named_as_one(org, run, text):
    """An "Excel" export saved as an HTML table or XML spreadsheet: named, not 1-cell rows."""
    (org / "people.xls").write_text(text, encoding="utf-8")
    done = run("triage", "--people", str(org / "people.xls"), "--program",
               str(org / "program.json"))  # fmt: skip
    assert done.status == 3
    expected = (
        "people.xls: is an HTML or XML page, not CSV (some systems save their 'Excel' exports "
        "as such pages); open it in Excel and save it as 'CSV UTF-8 (Comma delimited)'"
    )
    assert _problems(done) == [expected]


# tab-separated exports ---------------------------------------------------------------------


def test_excel_unicode_text_runs_as_the_comma_export(run, tmp_path):
    """The example export as Excel's "Unicode text" (UTF-16, tabs, CRLF): the same tables."""
    folder = _example(run, tmp_path)
    done = run("run", str(folder / "program.toml"), "--out", str(tmp_path / "commas"))
    assert done.status == 0, done.err
    export = folder / "messy_export.csv"
    rows = read_rows(export)
    export.write_bytes("".join("\t".join(row) + "\r\n" for row in rows).encode("utf-16"))
    done = run("run", str(folder / "program.toml"), "--out", str(tmp_path / "tabs"))
    assert done.status == 0, done.err
    _same_tables(tmp_path / "commas", tmp_path / "tabs")


def test_a_tab_separated_people_file_is_read(org, run):
    """`sparkus triage` on the people saved with tabs writes what it writes for commas."""
    argv = ["triage", "--people", str(org / "people.csv"), "--program", str(org / "program.json")]
    commas = run(*argv)
    assert commas.status == 0, commas.err
    write_rows(org / "people.csv", read_rows(org / "people.csv"), delimiter="\t")
    tabs = run(*argv)
    assert tabs.status == 0, tabs.err
    assert tabs.out == commas.out


def test_commas_inside_a_tab_separated_cell_stay_in_the_cell(tmp_path):
    """A header with more cells at tabs than at commas is split at tabs only."""
    from sparkus.cli._csv import read_table

    text = "id\tsite, floor\tdept\nE1\tParis, 3\tR&D\n"
    (tmp_path / "f.txt").write_text(text, encoding="utf-8")
    table = read_table(tmp_path / "f.txt")
    assert table.cells == {"id": ["E1"], "site, floor": ["Paris, 3"], "dept": ["R&D"]}


# the program file as editors save it -------------------------------------------------------


@pytest.mark.parametrize(
    "encode",
    [lambda text: codecs.BOM_UTF8 + text.encode(), lambda text: text.encode("utf-16")],
    ids=["utf-8 with BOM", "utf-16 with BOM"],
)
def test_a_program_file_saved_by_notepad_runs(run, tmp_path, encode):
    """A program file with a byte-order mark, or in UTF-16, runs like the plain one."""
    folder = _example(run, tmp_path)
    program = folder / "program.toml"
    done = run("run", str(program), "--out", str(tmp_path / "plain"))
    assert done.status == 0, done.err
    program.write_bytes(encode(program.read_text(encoding="utf-8")))
    done = run("run", str(program), "--out", str(tmp_path / "marked"))
    assert done.status == 0, done.err
    _same_tables(tmp_path / "plain", tmp_path / "marked")


def test_a_latin1_program_file_is_named_at_its_byte(run, tmp_path):
    """A program file in Latin-1: exit status 2, the byte named by line and character."""
    folder = _example(run, tmp_path)
    program = folder / "program.toml"
    text = program.read_text(encoding="utf-8").replace('"Lead 2026"', '"Führung"')
    program.write_bytes(text.encode("latin-1"))
    done = run("run", str(program))
    assert done.status == 2
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "Führung" in t)
    assert f"program.toml, line {line}, character 10: byte 0xFC is not UTF-8" in done.err
    assert "codec" not in done.err


# survey answers that mix numbers and words -------------------------------------------------


def _set_answer(export: Path, line: int, value: str) -> None:
    rows = read_rows(export)
    rows[line - 1][rows[0].index("Q1 Motivation (self)")] = value
    write_rows(export, rows)


@pytest.mark.parametrize(
    ("plain", "written", "label"),
    [("4", "Agree", '"Agree" = 4'), ("", "N/A", '"N/A" = ""')],
    ids=["a-word-among-numbers", "an-answer-mapped-to-a-blank"],
)
def test_an_answer_mapped_by_the_labels_runs_as_its_value(run, tmp_path, plain, written, label):
    """`Agree` mapped to 4 (or `"N/A" = ""`, a blank): the run equals the one with 4 (a blank)."""
    folder = _example(run, tmp_path)
    export = folder / "messy_export.csv"
    _set_answer(export, 3, plain)
    done = run("run", str(folder / "program.toml"), "--out", str(tmp_path / "plain"))
    assert done.status == 0, done.err
    _set_answer(export, 3, written)
    with (folder / "program.toml").open("a", encoding="utf-8") as handle:
        handle.write(f"\n[export.labels.self_motivation]\n{label}\n")
    done = run("run", str(folder / "program.toml"), "--out", str(tmp_path / "written"))
    assert done.status == 0, done.err
    _same_tables(tmp_path / "plain", tmp_path / "written")


@pytest.mark.parametrize("cell", ["75%", "3,5", "Yes"])
def test_one_bad_answer_is_the_one_problem(run, tmp_path, cell):
    """A survey cell that is not a number is named alone, not the column's numbers too."""
    folder = _example(run, tmp_path)
    _set_answer(folder / "messy_export.csv", 3, cell)
    done = run("run", str(folder / "program.toml"))
    assert done.status == 3
    expected = (
        "messy_export.csv, line 3, column Q1 Motivation (self): expected a number on the "
        f"declared scale 1 to 5, got str {cell!r}; under [export.labels.self_motivation], map "
        f'it to an answer ("{cell}" = <number>) or, if it means no answer, to a blank '
        f'("{cell}" = "")'
    )
    assert _problems(done) == [expected]


def test_a_label_for_a_number_still_maps_it(run, tmp_path):
    """`"1" = 5` (a reversed item) maps the cell `1`: it is not read as the number 1 first."""
    folder = _example(run, tmp_path)
    export = folder / "messy_export.csv"
    rows = read_rows(export)
    column = rows[0].index("Q1 Motivation (self)")
    rows[2][column] = "5"
    write_rows(export, rows)
    done = run("run", str(folder / "program.toml"), "--out", str(tmp_path / "five"))
    assert done.status == 0, done.err
    rows[2][column] = "1"
    rows[3][column] = "Agree"
    write_rows(export, rows)
    with (folder / "program.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[export.labels.self_motivation]\n"1" = 5\n"Agree" = 4\n')
    done = run("run", str(folder / "program.toml"), "--out", str(tmp_path / "mapped"))
    assert done.status == 0, done.err
    people = read_rows(tmp_path / "mapped" / "people.csv")
    at = people[0].index("self_motivation")
    assert (people[2][at], people[3][at]) == ("5.0", "4.0")


# writing to a pipe, a device, a link -------------------------------------------------------


def test_out_to_a_named_pipe_is_written_not_replaced(org, run, tmp_path):
    """`--out` naming a pipe (as /dev/stdout may be) writes into it, without --force."""
    import os

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
    reader.start()
    done = run("triage", "--people", str(org / "people.csv"), "--program",
               str(org / "program.json"), "--out", str(pipe))  # fmt: skip
    if done.status != 0:  # let the reader go before failing
        with pipe.open("wb"):
            pass
    reader.join(timeout=30)
    assert done.status == 0, done.err
    assert pipe.is_fifo()
    assert received[0].decode().startswith("id,readiness,review,sessions")


def test_out_through_a_link_replaces_the_file_and_keeps_the_link(org, run, tmp_path):
    """`--out link --force`: the file the link names gets the table; the link stays."""
    target = tmp_path / "real.csv"
    target.write_text("old\n")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    done = run("triage", "--people", str(org / "people.csv"), "--program",
               str(org / "program.json"), "--out", str(link), "--force")  # fmt: skip
    assert done.status == 0, done.err
    assert link.is_symlink()
    assert target.read_text().startswith("id,readiness,")


# a delimiter at the end of every line; lines above the header ------------------------------


def test_a_delimiter_ending_every_line_is_no_column(org, run):
    """`id,level,...,` on every line (an empty, unnamed last column): read as without it."""
    argv = ["triage", "--people", str(org / "people.csv"), "--program", str(org / "program.json")]
    plain = run(*argv)
    assert plain.status == 0, plain.err
    write_rows(org / "people.csv", [[*row, ""] for row in read_rows(org / "people.csv")])
    ended = run(*argv)
    assert ended.status == 0, ended.err
    assert ended.out == plain.out


def test_an_unnamed_column_a_row_fills_is_still_refused(tmp_path):
    """An unnamed column with a value in it is named: its cells would be lost."""
    from sparkus.cli._csv import read_table

    (tmp_path / "f.csv").write_text("id,\nE1,\nE2,x\n")
    with pytest.raises(FileInputError) as info:
        read_table(tmp_path / "f.csv")
    assert info.value.lines == ("f.csv, line 1: column 2 has no name",)


def test_title_lines_above_the_header_are_named_first(org, run):
    """A title and an export date above the header: the first problem says where it is."""
    rows = read_rows(org / "people.csv")
    write_rows(org / "people.csv", [["People export", "2025-06-30"], [], *rows])
    done = run("triage", "--people", str(org / "people.csv"), "--program",
               str(org / "program.json"))  # fmt: skip
    assert done.status == 3
    problems = _problems(done)
    assert problems[0] == (
        f"people.csv, line 1: the header has 2 cells, and every row below it has {len(rows[0])}: "
        "if the header is line 3, delete the lines above it (a title or the date of the export)"
    )
    assert problems[1] == f"people.csv, line 3: {len(rows[0])} cells, but the header has 2"


# treatment flags as exports write them -----------------------------------------------------


def test_flags_in_the_words_of_exports_select_the_same_rows(org, run):
    """Y/N, Yes/No, TRUE/false and 1.0/-0 in a flag column: the estimate of the 0/1 column."""
    rows = read_rows(org / "people.csv")
    support = rows[0].index("support")
    rows[0].append("coached")
    words = (("1", "0"), ("Y", "N"), ("Yes", "no"), ("TRUE", "false"), ("1.0", "-0"), ("y", "n"))
    for row in rows[1:]:
        row.append("1" if row[support] == "coaching" else "0")
    write_rows(org / "people.csv", rows)
    argv = ["evaluate", str(org / "people.csv"), "--outcome", "outcome_post", "--pre",
            "outcome_pre", "--treated", "coached", "--json"]  # fmt: skip
    numbers = run(*argv)
    assert numbers.status == 0, numbers.err
    for i, row in enumerate(rows[1:]):
        yes, no = words[i % len(words)]
        row[-1] = yes if row[-1] == "1" else no
    write_rows(org / "people.csv", rows)
    spelled = run(*argv)
    assert spelled.status == 0, spelled.err
    assert spelled.out == numbers.out


# empty paths -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["run", "{ex}/program.toml", "--out", ""], "--out"),
        (["plan", "--people", "{org}/people.csv", "--program", "{org}/program.json",
          "--providers", " "], "--providers"),
        (["synthetic", ""], "directory"),
        (["triage", "--people", "", "--program", "{org}/program.json"], "--people"),
    ],
    ids=["run --out", "plan --providers", "synthetic", "triage --people"],
)  # fmt: skip
def test_an_empty_path_is_a_usage_error(org, run, tmp_path, monkeypatch, argv, option):
    """An empty path (`--out "$OUT"`, OUT unset) is refused: not the current folder, not none."""
    folder = _example(run, tmp_path)
    monkeypatch.chdir(tmp_path / "ex")
    given = [a.format(ex=folder, org=org) for a in argv]
    before = sorted(p.name for p in (tmp_path / "ex").iterdir())
    done = run(*given)
    assert done.status == 2
    assert f"error: argument {option}: expected a path, got " in done.err
    assert sorted(p.name for p in (tmp_path / "ex").iterdir()) == before


# fixes said in the words of the spreadsheet, not of pandas ---------------------------------


@pytest.mark.parametrize("kind", ["excel serials", "day-first"])
def test_hire_dates_to_fix_are_said_without_python(run, tmp_path, kind):
    """Hire dates as Excel serial numbers or day-first: the fix is said for the spreadsheet."""
    import datetime as dt

    folder = _example(run, tmp_path)
    export = folder / "messy_export.csv"
    rows = read_rows(export)
    column = rows[0].index("Hire Date")
    if kind == "excel serials":
        for row in rows[1:]:
            row[column] = str((dt.date.fromisoformat(row[column]) - dt.date(1899, 12, 30)).days)
    else:
        rows[2][column] = "21/01/2015"
    write_rows(export, rows)
    done = run("run", str(folder / "program.toml"))
    assert done.status == 3
    (problem,) = _problems(done)
    assert "format its cells as dates (yyyy-mm-dd) in the spreadsheet" in problem
    assert "pandas" not in problem
    if kind == "excel serials":
        assert problem.endswith("or remove as_of from [export] if the numbers are years of tenure")


# codes with leading zeros ------------------------------------------------------------------


def test_codes_with_leading_zeros_stay_text(org, run, tmp_path):
    """A free column of codes (`00123`, `123`) is text: two codes, never the number 123 twice."""
    from sparkus.cli._files import read_people

    rows = read_rows(org / "people.csv")
    rows[0].append("cost_centre")
    for i, row in enumerate(rows[1:]):
        row.append("00123" if i % 2 else "123")
    write_rows(org / "people.csv", rows)
    people = read_people(org / "people.csv")
    assert people.schema["cost_centre"].kind == "category"
    assert sorted(set(people.decode("cost_centre").tolist())) == ["00123", "123"]
    folder = _example(run, tmp_path)
    export = folder / "messy_export.csv"
    rows = read_rows(export)
    site = rows[0].index("Site")
    for i, row in enumerate(rows[1:]):
        row[site] = f"{i % 7:05d}"
    write_rows(export, rows)
    done = run("run", str(folder / "program.toml"))
    assert done.status == 0, done.err
    written = read_rows(folder / "results" / "people.csv")
    at = written[0].index("site")
    assert [row[at] for row in written[1:4]] == ["00000", "00001", "00002"]


# a provider who is an employee the people file lacks ---------------------------------------


def test_an_employee_provider_missing_from_the_export_is_named_first(run, tmp_path):
    """A mentor's employee_id that is no row of the export: both files named, before triage."""
    folder = _example(run, tmp_path)
    providers = folder / "providers.json"
    providers.write_text(providers.read_text().replace('"E0002"', '"E9999"'))
    done = run("run", str(folder / "program.toml"))
    assert done.status == 3
    expected = (
        "providers.json: provider 'mentor-1' has employee_id 'E9999', which is not an id in "
        "messy_export.csv; give the id of their row there (matching keeps a provider out of "
        "their own reporting line), or leave employee_id out for an outside provider"
    )
    assert _problems(done) == [expected]
    assert "TriageResult" not in done.err
    assert not (folder / "results" / "people.csv").exists()


def test_match_names_the_providers_file_of_an_unknown_employee(org, run, tmp_path):
    """`sparkus match --providers`: an employee_id no person has is a problem of that file."""
    import json

    argv = ["--people", str(org / "people.csv"), "--program", str(org / "program.json")]
    plan = run("plan", *argv, "--out", str(tmp_path / "plan.csv"))
    assert plan.status == 0, plan.err
    document = json.loads((org / "program.json").read_text())
    providers = document["providers"]
    mentor = next(i for i, p in enumerate(providers) if p["support_type"] == "mentoring")
    providers[mentor]["employee_id"] = "nobody"
    (tmp_path / "providers.json").write_text(json.dumps(providers))
    done = run("match", *argv, "--plan", str(tmp_path / "plan.csv"), "--providers",
               str(tmp_path / "providers.json"))  # fmt: skip
    assert done.status == 3
    (problem,) = _problems(done)
    assert problem.startswith(
        f"providers.json: provider {providers[mentor]['id']!r} has employee_id 'nobody', which "
        "is not an id in people.csv"
    )


# options that conflict ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (["--pre", "outcome_pre", "--covariates", "outcome_pre"],
         "--covariates outcome_pre: the column is given also to --pre"),
        (["--pre", "outcome_pre", "--covariates", "outcome_post"],
         "--covariates outcome_post: the column is given also to --outcome"),
        (["--pre", "outcome_pre", "--covariates", "tenure_years", "tenure_years"],
         "--covariates tenure_years: the column is given twice"),
        (["--pre", "outcome_pre", "--method", "aipw", "--covariates", "outcome_pre"],
         "--covariates outcome_pre: the column is given also to --pre"),
        (["--pre", "outcome_pre", "--method", "naive"],
         "--pre applies to --method ancova or aipw, not naive"),
        (["--covariates", "tenure_years", "--method", "naive"],
         "--covariates applies to --method ancova or aipw, not naive"),
    ],
    ids=["baseline as covariate", "outcome as covariate", "covariate twice", "aipw merged",
         "naive --pre", "naive --covariates"],
)  # fmt: skip
def test_options_naming_one_column_twice_are_a_usage_error(org, run, options, said):
    """A column given to two model options is exit status 2, not a singular fit or ignored."""
    done = run("evaluate", str(org / "people.csv"), "--outcome", "outcome_post",
               "--treated", "support=coaching", "--control", "support=none", *options)  # fmt: skip
    assert done.status == 2
    assert f"sparkus evaluate: {said}" in done.err


def test_help_lists_every_exit_status_the_docs_list(run):
    """`sparkus --help` lists 130 and 141 too, as docs/command-line.md and main do."""
    done = run("--help")
    assert done.status == 0
    for status in ("0", "1", "2", "3", "4", "5", "130", "141"):
        assert f"\n  {status:>3}  " in done.out, status


def test_a_run_without_providers_leaves_no_earlier_matching(run, tmp_path):
    """`--force` over a run with providers, now without: the old matching.csv is removed."""
    folder = _example(run, tmp_path)
    program = folder / "program.toml"
    assert run("run", str(program)).status == 0
    assert (folder / "results" / "matching.csv").exists()
    text = program.read_text(encoding="utf-8")
    program.write_text(text.replace('[providers]\npath = "providers.json"', ""), encoding="utf-8")
    done = run("run", str(program), "--force")
    assert done.status == 0, done.err
    assert not (folder / "results" / "matching.csv").exists()
    assert "removed " in done.err
