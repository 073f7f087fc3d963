"""Argument parsing, dispatch and exit statuses of the ``sparkus`` command."""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
import warnings
from collections.abc import Sequence
from typing import Final, NoReturn

from sparkus._errors import EstimationError, InfeasibleError, SchemaError, SparkusWarning
from sparkus.cli._commands import add_commands, force_option
from sparkus.cli._csv import check_output
from sparkus.cli._exits import (
    DATA,
    ESTIMATION,
    INFEASIBLE,
    INTERNAL,
    INTERRUPTED,
    USAGE,
    FileInputError,
    UsageError,
)
from sparkus.cli._options import MAX_DEMO_HEADCOUNT, MAX_SEED, path, whole

ISSUES: Final = "https://github.com/sparkus/sparkus/issues"
"""Where an internal error is reported."""

CLOSED_PIPE: Final = 141
"""Standard output closed early (``sparkus triage ... | head``), as shells report SIGPIPE."""

_DEMO_HELP = """\
Run the whole sparkus pipeline on a seeded synthetic organisation and print a readable report:
the organisation and its providers; the program (goals, season, budget, journey); readiness
triage with its fairness audit; support planning against the usual scenarios; matching of
coaches and mentors and the forming of peer circles; the earlier program's impact estimated
naively, by ANCOVA and by AIPW against the known truth, with its ROI; the journeys and
simulated events of the new program as HR's privacy-safe dashboard shows them; and the
evidence loop: who benefits learned from the earlier program, the priors updated, the next
season planned by readiness, by predicted benefit and by the truth (the oracle) for the same
budget and valued against the truth, its participants randomised to waves by team, and the
waves' outcomes simulated from the truth and analysed by staggered DiD.

The organisation is the one sparkus.datasets.synthetic_org(n, seed=seed) draws: the same --n
and --seed always give the same report. Groups smaller than the program's minimum reporting
size (5) are suppressed in the fairness audits, the impact estimates and the dashboard; the
plan, matching and evidence-loop tables show the synthetic organisation's plan whole, so at a
small --n some of their rows are one or two (synthetic) people. --html PATH writes the
dashboard as a self-contained HTML report.
"""

_EXITS = """\
exit statuses:
    0  success
    1  an internal error (a bug in sparkus; --debug shows the traceback)
    2  usage: an unknown command or option, a bad option value, an output that cannot
       be written or already exists (add --force), a problem of sparkus run's program file
    3  bad input data: a file that cannot be read or does not fit its format (each
       problem named by file and line and column, or JSON path)
    4  infeasible: constraints that cannot all be met (budget, capacities)
    5  estimation impossible: the data cannot support the estimate
  130  interrupted (Ctrl-C)
  141  standard output closed before the command finished (sparkus triage ... | head)
"""


class _OptionError(Exception):
    """A usage error found by argparse: the parser's name and argparse's message."""

    def __init__(self, prog: str, message: str) -> None:
        super().__init__(message)
        self.prog = prog
        self.message = message


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (see :func:`main`), not the usage block too."""

    def error(self, message: str) -> NoReturn:
        raise _OptionError(self.prog, message)


def _option_error(error: _OptionError, argv: Sequence[str], parser: _Parser) -> str:
    """One line for a usage error.

    An unknown option before the command is named, and a data file that ``--covariates`` took
    as one more column is said to go first.
    """
    message = error.message
    if error.prog == parser.prog and "COMMAND" in message:
        known = parser._option_string_actions  # argparse offers no public view
        unknown = [a.split("=", 1)[0] for a in argv if a.startswith("-") and a not in known]
        if unknown:
            message = f"unrecognized arguments: {' '.join(unknown)}; {message}"
    if (
        error.prog == f"{parser.prog} evaluate"
        and message.endswith("required: data")
        and ("--covariates" in argv)
    ):  # --covariates takes every word after it, the data file too
        message += (
            "; the words after --covariates are all read as covariates: give the data file "
            "first (sparkus evaluate DATA ... --covariates ...)"
        )
    return f"{error.prog}: error: {message} (run '{error.prog} --help' for the options)"


def _parser() -> _Parser:
    parser = _Parser(
        prog="sparkus",
        description="Evidence-based coaching programs at scale.",
        epilog="Run 'sparkus COMMAND --help' for a command's options.\n\n" + _EXITS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback of an internal error"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    demo = commands.add_parser(
        "demo",
        help="run the pipeline on the bundled synthetic organisation",
        description=_DEMO_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    demo.add_argument(
        "--n",
        type=whole(20, MAX_DEMO_HEADCOUNT),
        default=5_000,
        help=f"headcount, 20 to {MAX_DEMO_HEADCOUNT:,} (default: 5000)",
    )
    demo.add_argument("--seed", type=whole(0, MAX_SEED), default=0, help="random seed (default: 0)")
    demo.add_argument(
        "--json", action="store_true", help="print the report as JSON instead of text"
    )
    demo.add_argument(
        "--progress",
        action="store_true",
        help="show the progress bar on standard error even when it is not a terminal",
    )
    demo.add_argument(
        "--html",
        metavar="PATH",
        type=path,
        help="also write the dashboard as a self-contained HTML report",
    )
    force_option(demo, "the --html file if it exists")
    demo.set_defaults(run=_run_demo)
    add_commands(commands)
    for command in commands.choices.values():
        # also after the command; SUPPRESS keeps the global flag's value when absent here
        command.add_argument(
            "--debug",
            action="store_true",
            default=argparse.SUPPRESS,
            help="show the traceback of an internal error",
        )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``sparkus`` command line; return the exit status.

    .. versionadded:: 0.1

    No user error shows a Python traceback: each is one message on standard error, and the
    exit status says which kind it is.

    ======  =====================================================================================
    status  meaning
    ======  =====================================================================================
    0       success
    1       an internal error, a bug in sparkus: one line saying so and where to report it;
            ``--debug`` shows the traceback
    2       usage: an unknown command or option, a bad option value, an output path that
            cannot be written or already exists (add ``--force``), a problem of the program
            file of ``sparkus run`` (named by its key)
    3       bad input data: a file that cannot be read (missing, not UTF-8, not CSV/JSON) or
            does not fit its format, every problem named by file and line and column, or JSON
            path
    4       infeasible: constraints that cannot all be met
            (:class:`~sparkus.InfeasibleError`: budget, capacities)
    5       estimation impossible: the data cannot support the estimate
            (:class:`~sparkus.EstimationError`)
    130     interrupted (Ctrl-C)
    141     standard output closed before the command finished (``| head``)
    ======  =====================================================================================

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; ``sys.argv[1:]`` by default.

    Returns
    -------
    int
        The exit status above.

    Examples
    --------
    >>> from sparkus.cli import main
    >>> main(["demo", "--n", "200", "--seed", "1", "--json"])  # doctest: +ELLIPSIS
    {
      "organisation": {
    ...
    0
    """
    parser = _parser()
    given = list(sys.argv[1:] if argv is None else argv)
    try:
        args = parser.parse_args(given)
    except _OptionError as error:  # a usage error: one line, never the usage block
        _error(_option_error(error, given, parser))
        return USAGE
    except SystemExit as exit_:  # argparse: --help or --version (0)
        return exit_.code if isinstance(exit_.code, int) else USAGE
    name = f"sparkus {args.command}"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SparkusWarning)
        status = _run(args, name)
    # Shown only now: inside the block above, showing a warning would record it again.
    _show(caught, name)
    return status


def _run(args: argparse.Namespace, name: str) -> int:
    """Run the command; turn each kind of failure into its message and exit status."""
    try:
        return int(args.run(args))
    except UsageError as error:
        _error(f"{name}: {error}\n(run '{name} --help' for the options)")
        return USAGE
    except FileInputError as error:
        lines = "\n".join(f"  {line}" for line in error.shown)
        _error(f"{name}: problems in the input:\n{lines}")
        return DATA
    except SchemaError as error:
        _error(f"{name}: {error}")
        return DATA
    except InfeasibleError as error:
        _error(f"{name}: infeasible: {error}")
        return INFEASIBLE
    except EstimationError as error:
        _error(f"{name}: cannot estimate: {error}")
        return ESTIMATION
    except KeyboardInterrupt:
        _error(f"{name}: interrupted")
        return INTERRUPTED
    except BrokenPipeError:
        _quiet_stdout()
        return CLOSED_PIPE
    # Anything else is a bug in sparkus: said so in one line, the traceback only on request.
    except Exception as error:  # noqa: BLE001
        if args.debug:
            traceback.print_exc()
        what = f"{type(error).__name__}: {error}".splitlines()[0][:300]
        _error(
            f"{name}: internal error, a bug in sparkus ({what}); please report it with the "
            f"command you ran at {ISSUES}; run again with --debug for the traceback"
        )
        return INTERNAL


def _error(text: str) -> None:
    print(text, file=sys.stderr)


def _show(caught: list[warnings.WarningMessage], name: str) -> None:
    """Print the warnings of the run: sparkus's own as one line each."""
    for warning in caught:
        if issubclass(warning.category, SparkusWarning):
            _error(f"{name}: warning: {warning.message}")
        else:
            warnings.showwarning(warning.message, warning.category, warning.filename,
                                 warning.lineno)  # fmt: skip


def _quiet_stdout() -> None:
    """After the reader of standard output left, send what is still buffered nowhere."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (captured, say)
        pass


def _run_demo(args: argparse.Namespace) -> int:
    from sparkus.cli._demo import STEPS, build_report
    from sparkus.cli._demo_text import render_report
    from sparkus.cli._progress import Progress

    check_output(args.html, force=args.force, option="--html", stdout=False)
    progress = Progress(STEPS, enabled=True if args.progress else None)
    report = build_report(n=args.n, seed=args.seed, progress=progress, html=args.html)
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False, allow_nan=False))
    else:
        print(render_report(report))
    return 0
