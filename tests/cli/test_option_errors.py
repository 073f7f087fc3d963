"""Usage errors in one line, empty and overwritten inputs, and the demo on a tiny organisation."""

from __future__ import annotations

import pytest


def files(org):
    return ["--people", str(org / "people.csv"), "--program", str(org / "program.json")]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["demo", "--n", "5"], "sparkus demo: error: argument --n: expected a whole number"),
        (["demo", "--seed", "x"], "sparkus demo: error: argument --seed:"),
        (["demo", "--bogus"], "sparkus: error: unrecognized arguments: --bogus"),
        (["nope"], "sparkus: error: argument COMMAND: invalid choice: 'nope'"),
        ([], "sparkus: error: the following arguments are required: COMMAND"),
    ],
)
def test_an_option_error_is_one_line(run, argv, expected):
    """A bad option value or an unknown option is one line on stderr, without the usage block."""
    done = run(*argv)
    assert done.status == 2
    assert done.err.startswith(expected)
    assert done.err.count("\n") == 1
    assert "usage:" not in done.err


def test_a_bad_budget_is_one_line(org, run):
    """`--budget nan` names the option and the value in one line."""
    done = run("plan", *files(org), "--budget", "nan")
    assert done.status == 2
    assert done.err.count("\n") == 1
    assert "sparkus plan: error: argument --budget: " in done.err
    assert "got nan" in done.err


def test_an_unknown_option_before_the_command_is_named(run):
    """`sparkus --bogus` names --bogus, not only the missing command."""
    done = run("--bogus")
    assert done.status == 2
    assert "unrecognized arguments: --bogus" in done.err
    assert "COMMAND" in done.err
    assert done.err.count("\n") == 1


def test_an_empty_program_file_is_named_by_the_path_given(org, run, tmp_path):
    """An empty --program file is reported as empty, under the path as given."""
    empty = tmp_path / "sub" / "program.json"
    empty.parent.mkdir()
    empty.write_text("  \n", encoding="utf-8")
    done = run("plan", "--people", str(org / "people.csv"), "--program", str(empty))
    assert done.status == 3
    assert f"{empty}: is empty; expected a JSON document" in done.err
    assert "not valid JSON" not in done.err
    empty.with_name("people.csv").write_text("", encoding="utf-8")
    done = run("plan", "--people", str(empty.with_name("people.csv")), "--program", str(empty))
    assert f"{empty.with_name('people.csv')}: is empty; expected a header row" in done.err


@pytest.mark.parametrize("command", ["triage", "plan"])
def test_out_may_not_overwrite_an_input_even_with_force(org, run, command):
    """--out naming an input file is refused, with --force too, and the input is kept."""
    people = org / "people.csv"
    before = people.read_bytes()
    done = run(command, *files(org), "--out", str(people), "--force")
    assert done.status == 2
    assert f"--out {people}: is also an input" in done.err
    assert people.read_bytes() == before


def test_demo_text_report_runs_on_20_people(run):
    """`sparkus demo --n 20` prints its text report, suppressed funnel cells as such."""
    done = run("demo", "--n", "20", "--seed", "1")
    assert done.status == 0, done.err
    funnel = next(line for line in done.out.splitlines() if line.startswith("  funnel:"))
    assert "suppressed" in funnel
    assert run("demo", "--n", "25", "--seed", "2").status == 0
