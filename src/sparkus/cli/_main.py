"""Argument parsing and dispatch for the ``sparkus`` command."""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Sequence

from sparkus._errors import SparkusError, SparkusWarning
from sparkus.cli._commands import add_commands
from sparkus.cli._files import FileInputError

_DEMO_HELP = """\
Run the whole sparkus pipeline on a seeded synthetic organisation and print a readable report:
the organisation and its providers; the program (goals, season, budget, journey); readiness
triage with its fairness audit; support planning against the usual scenarios; matching of
coaches and mentors and the forming of peer circles; the earlier program's impact estimated
naively, by ANCOVA and by AIPW against the known truth, with its ROI; and the journeys and
simulated events of the new program as HR's privacy-safe dashboard shows them.

The organisation is the one sparkus.datasets.synthetic_org(n, seed=seed) draws: the same --n
and --seed always give the same report. Groups smaller than the program's minimum reporting
size (5) are suppressed in every table about people. --html PATH writes the dashboard as a
self-contained HTML report.
"""


def _positive_int(text: str) -> int:
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        msg = f"expected a whole number, got {text!r}"
        raise argparse.ArgumentTypeError(msg) from None
    if value < 0:
        msg = f"expected a number >= 0, got {value}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sparkus",
        description="Evidence-based coaching programs at scale.",
        epilog="Run 'sparkus demo --help' for the demo's options.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    demo = commands.add_parser(
        "demo",
        help="run the pipeline on the bundled synthetic organisation",
        description=_DEMO_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    demo.add_argument(
        "--n", type=_positive_int, default=5_000, help="headcount, >= 20 (default: 5000)"
    )
    demo.add_argument("--seed", type=_positive_int, default=0, help="random seed (default: 0)")
    demo.add_argument(
        "--json", action="store_true", help="print the report as JSON instead of text"
    )
    demo.add_argument(
        "--progress",
        action="store_true",
        help="show the progress bar on standard error even when it is not a terminal",
    )
    demo.add_argument(
        "--html", metavar="PATH", help="also write the dashboard as a self-contained HTML report"
    )
    demo.set_defaults(run=_run_demo)
    add_commands(commands, _positive_int)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``sparkus`` command line; return the exit status.

    .. versionadded:: 0.1

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; ``sys.argv[1:]`` by default.

    Returns
    -------
    int
        0 on success, 2 for bad arguments or input (the error is printed to stderr).

    Examples
    --------
    >>> from sparkus.cli import main
    >>> main(["demo", "--n", "200", "--seed", "1", "--json"])  # doctest: +ELLIPSIS
    {
      "organisation": {
    ...
    0
    """
    args = _parser().parse_args(argv)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", SparkusWarning)
            status = int(args.run(args))
        for warning in caught:
            if issubclass(warning.category, SparkusWarning):
                print(f"sparkus {args.command}: warning: {warning.message}", file=sys.stderr)
            else:
                warnings.showwarning(warning.message, warning.category, warning.filename,
                                     warning.lineno)  # fmt: skip
        return status
    except FileInputError as error:
        lines = "\n".join(f"  {line}" for line in error.lines)
        print(f"sparkus {args.command}: problems in the input:\n{lines}", file=sys.stderr)
        return 2
    except SparkusError as error:
        print(f"sparkus {args.command}: {error}", file=sys.stderr)
        return 2


def _run_demo(args: argparse.Namespace) -> int:
    from sparkus.cli._demo import STEPS, build_report
    from sparkus.cli._demo_text import render_report
    from sparkus.cli._progress import Progress

    progress = Progress(STEPS, enabled=True if args.progress else None)
    report = build_report(n=args.n, seed=args.seed, progress=progress, html=args.html)
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print(render_report(report))
    return 0
