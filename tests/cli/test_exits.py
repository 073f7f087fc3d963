"""Exit statuses: each kind of failure has its own, and no failure shows a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sparkus.cli import main


def files(org):
    return ["--people", str(org / "people.csv"), "--program", str(org / "program.json")]


def test_help_lists_the_exit_statuses(run):
    """`sparkus --help` exits 0 and documents every exit status."""
    done = run("--help")
    assert done.status == 0
    for line in ("0  success", "1  an internal error", "2  usage", "3  bad input data",
                 "4  infeasible", "5  estimation impossible"):  # fmt: skip
        assert line in done.out


@pytest.mark.parametrize(
    "argv",
    [[], ["nope"], ["demo", "--nope"], ["demo", "--n"], ["triage"], ["--debug"]],
    ids=[
        "no command",
        "unknown command",
        "unknown option",
        "missing value",
        "missing options",
        "only --debug",
    ],
)
def test_usage_errors_exit_2(run, argv):
    """argparse's usage errors return 2 from main (no SystemExit escapes)."""
    done = run(*argv)
    assert done.status == 2
    assert "error:" in done.err


def test_an_internal_error_is_one_line_without_traceback(org, run, monkeypatch):
    """A bug exits 1 with one line naming it, where to report it and the --debug flag."""

    def broken(args):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr("sparkus.cli._commands.run_triage", broken)
    done = run("triage", *files(org))
    assert done.status == 1
    assert done.err.count("\n") == 1
    assert "internal error, a bug in sparkus (ZeroDivisionError: division by zero)" in done.err
    assert "https://github.com/sparkus/sparkus/issues" in done.err
    assert "run again with --debug for the traceback" in done.err


@pytest.mark.parametrize("where", ["before", "after"])
def test_debug_shows_the_traceback(org, capsys, monkeypatch, where):
    """--debug, before or after the command, prints the internal error's traceback."""

    def broken(args):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr("sparkus.cli._commands.run_triage", broken)
    argv = ["triage", *files(org)]
    argv = ["--debug", *argv] if where == "before" else [*argv, "--debug"]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err
    assert "ZeroDivisionError" in err


def test_interrupt_exits_130(org, run, monkeypatch):
    """Ctrl-C ends the command with 130 and one line, no traceback."""

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr("sparkus.cli._commands.run_triage", interrupted)
    done = run("triage", *files(org))
    assert done.status == 130
    assert done.err.strip() == "sparkus triage: interrupted"


def test_closed_standard_output_exits_quietly():
    """`sparkus synthetic`-sized output into a pipe closed early ends without a traceback."""
    script = (
        "import sys\n"
        "from sparkus.cli import main\n"
        "sys.exit(main(['demo', '--n', '200', '--json']))\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None
    process.stdout.close()  # the reader leaves at once, as `| head -0` would
    _, err = process.communicate(timeout=120)
    assert b"Traceback" not in err
    assert process.returncode == 141


def test_infeasible_exits_4(org, run):
    """A budget below the program's fixed cost is infeasible: exit 4, saying by how much."""
    done = run("plan", *files(org), "--budget", "0")
    assert done.status == 4
    assert "infeasible:" in done.err
    assert "exceeds the budget" in done.err


def test_estimation_impossible_exits_5(org, run):
    """An outcome that is its own baseline leaves no residual variance: exit 5."""
    done = run("evaluate", str(org / "people.csv"), "--outcome", "outcome_post",
               "--pre", "outcome_post", "--treated", "support=coaching")  # fmt: skip
    assert done.status == 5
    assert "cannot estimate:" in done.err


def test_sparkus_warnings_are_one_line_each(org, run):
    """A SparkusWarning is printed as one line on standard error; the result still stands."""
    done = run("evaluate", str(org / "people.csv"), "--outcome", "outcome_post",
               "--pre", "outcome_pre", "--treated", "support=coaching", "--clusters",
               "department")  # fmt: skip
    assert done.status == 0
    assert "sparkus evaluate: warning: only" in done.err


def test_console_script_returns_the_status(tmp_path):
    """`python -m sparkus` exits with main's status (2 for a usage error, 3 for bad data)."""
    usage = subprocess.run([sys.executable, "-m", "sparkus", "demo", "--n", "5"],
                           capture_output=True, text=True, check=False)  # fmt: skip
    assert usage.returncode == 2
    (tmp_path / "people.csv").write_text("")
    data = subprocess.run(
        [sys.executable, "-m", "sparkus", "evaluate", str(tmp_path / "people.csv"),
         "--outcome", "y", "--treated", "t", "--method", "naive"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert data.returncode == 3
    assert "Traceback" not in data.stderr


def test_other_warnings_are_shown_once():
    """A warning that is not a SparkusWarning is shown once, after the command, and the run
    ends (showing it inside the recording block used to record it again, without end)."""
    script = (
        "import sys, warnings\n"
        "import sparkus.cli._commands as commands\n"
        "from sparkus.cli import main\n"
        "def warns(args):\n"
        "    warnings.warn('overflow encountered in multiply', RuntimeWarning, stacklevel=1)\n"
        "    raise ValueError('then a bug')\n"
        "commands.run_triage = warns\n"
        "sys.exit(main(['triage', '--people', 'p.csv', '--program', 'p.json']))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, check=False)  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.count("RuntimeWarning: overflow encountered in multiply") == 1
    assert "internal error" in done.stderr
