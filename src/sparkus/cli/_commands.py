"""The commands that run one step of the program on files, and ``sparkus synthetic``.

:func:`add_commands` registers triage, plan, match, evaluate and synthetic with the
``sparkus`` argument parser; the steps themselves live in :mod:`sparkus.cli._steps` and
:mod:`sparkus.cli._evaluate`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sparkus.cli._csv import write_file, write_table
from sparkus.cli._evaluate import run_evaluate
from sparkus.cli._exits import UsageError
from sparkus.cli._options import MAX_HEADCOUNT, MAX_SEED, path, real, whole
from sparkus.cli._run import run_run
from sparkus.cli._steps import MATCHED, run_match, run_plan, run_triage, summary
from sparkus.model import ProgramDocument, to_json

__all__ = ["add_commands", "force_option"]


def _synthetic_folder(directory: str, *, force: bool) -> Path:
    """The folder to write into: created if missing; its files kept unless `force`."""
    out = Path(directory)
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out}: is a file, not a folder; give the folder to write into")
    existing = [name for name in ("people.csv", "program.json") if (out / name).exists()]
    if existing and not force:
        shown = " and ".join(str(out / name) for name in existing)
        raise UsageError(f"{shown}: the file exists; add --force to overwrite")
    for name in existing:
        if (out / name).is_dir():
            raise UsageError(f"{out / name}: is a folder; sparkus synthetic writes a file there")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"{out}: cannot create the folder ({error.strerror or error})") from None
    return out


def _run_synthetic(args: argparse.Namespace) -> int:
    from sparkus.datasets import synthetic_org

    out = _synthetic_folder(args.directory, force=args.force)
    org = synthetic_org(args.n, seed=args.seed)
    pop = org.population
    # tuple columns (languages, focus_goals) are written `;`-joined, as people files read them
    columns: dict[str, Any] = {name: pop.decode(name) for name in pop.schema}
    write_table(out / "people.csv", columns)
    document = to_json(ProgramDocument(org.program, (), org.providers), indent=2) + "\n"
    write_file(out / "program.json", lambda handle: handle.write(document))
    summary(
        f"wrote {out / 'people.csv'} ({len(pop):,} people) and {out / 'program.json'} "
        f"(the program and {len(org.providers):,} providers)"
    )
    return 0


def force_option(parser: argparse.ArgumentParser, what: str) -> None:
    """Add ``--force``: consent to overwrite existing output files (`what` completes the help)."""
    parser.add_argument("--force", action="store_true", help=f"overwrite {what}")


def add_commands(commands: Any) -> None:
    """Add the file commands to the ``sparkus`` argument parser's sub-parsers."""
    formatter = argparse.HelpFormatter  # descriptions wrapped to the terminal's width

    def common(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--people", type=path, required=True, help="people CSV (see docs: file formats)"
        )
        parser.add_argument(
            "--program",
            type=path,
            required=True,
            help="program JSON: a Program or a ProgramDocument",
        )
        parser.add_argument(
            "--out", type=path, default=None, help="output CSV (default: standard output)"
        )
        force_option(parser, "the --out file if it exists")

    triage = commands.add_parser(
        "triage",
        help="sort people by readiness and dose their sessions",
        description="Read people and a program; write each person's readiness, review flag "
        "and sessions as CSV; print the triage summary to standard error.",
        formatter_class=formatter,
    )
    common(triage)
    triage.set_defaults(run=run_triage)

    plan = commands.add_parser(
        "plan",
        help="choose each person's support under the budget",
        description="Triage the people, then choose each person's support to maximise the "
        "expected effect under the program's budget and the providers' capacities; write the "
        "plan as CSV and print its summary to standard error.",
        formatter_class=formatter,
    )
    common(plan)
    plan.add_argument("--providers", type=path, help="providers JSON (default: those in --program)")
    plan.add_argument(
        "--budget", type=real(0, 1e15), default=None, help="override the program budget (>= 0)"
    )
    plan.set_defaults(run=run_plan)

    evaluate = commands.add_parser(
        "evaluate",
        help="estimate a program's effect from outcomes",
        description="Estimate the difference the program made to an outcome: naive (Welch), "
        "ANCOVA on the baseline (HC1 standard errors, cluster-robust with --clusters), or AIPW "
        "(doubly robust; the baseline and covariates feed both its models). "
        "Treated and control rows are chosen by a 0/1 column or COLUMN=VALUE.",
        formatter_class=formatter,
    )
    evaluate.add_argument("data", type=path, help="CSV with one row per person")
    evaluate.add_argument("--outcome", required=True, help="outcome column")
    evaluate.add_argument(
        "--treated", required=True, help="COLUMN (0/1, true/false, yes/no) or COLUMN=VALUE"
    )
    evaluate.add_argument(
        "--control",
        help="COLUMN=VALUE for the control rows (default: the rest; then an empty --treated "
        "cell is an error)",
    )
    evaluate.add_argument("--pre", help="baseline column (needed by ancova)")
    evaluate.add_argument(
        "--covariates",
        nargs="*",
        help="further numeric adjustment columns (the data file goes before this option)",
    )
    evaluate.add_argument("--clusters", help="ancova: cluster column for cluster-robust errors")
    evaluate.add_argument(
        "--id",
        help="column of the people's ids: a person on two rows is an error (default: id, if the "
        "file has it)",
    )
    evaluate.add_argument(
        "--method",
        choices=("ancova", "aipw", "naive"),
        default="ancova",
        help="the estimator (default: ancova)",
    )
    evaluate.add_argument(
        "--trim",
        type=real(0, 0.5, low_open=True, high_open=True),
        default=None,
        help="aipw: keep propensities in [t, 1 - t], 0 < t < 0.5",
    )
    evaluate.add_argument("--json", action="store_true", help="print the estimate as JSON")
    evaluate.set_defaults(run=run_evaluate)

    match = commands.add_parser(
        "match",
        help="assign the plan's participants to coaches and mentors",
        description="Score every participant of the plan against the providers of their "
        "support type (goal fit, language, time zones, seniority; never inside their own "
        "reporting line), then assign them exactly under the providers' capacities. Pairs "
        "chosen beforehand (--fixed) are kept; a pair naming someone the command does not "
        "match, or a provider of another support type, is an error. Writes one row per "
        "participant.",
        formatter_class=formatter,
    )
    common(match)
    match.add_argument(
        "--plan", type=path, required=True, help="plan CSV, as `sparkus plan` writes it"
    )
    match.add_argument(
        "--providers", type=path, help="providers JSON (default: those in --program)"
    )
    match.add_argument("--fixed", type=path, help="CSV of chosen pairs: columns id, provider_id")
    match.add_argument(
        "--support",
        nargs="+",
        default=["coaching", "mentoring"],
        choices=MATCHED,
        help="support types to match (default: coaching mentoring)",
    )
    match.add_argument(
        "--load-penalty",
        type=real(0, 1e6),
        default=0.0,
        help="spread participants over providers (0 = none; 0.1 to 1 is gentle)",
    )
    match.set_defaults(run=run_match)

    run = commands.add_parser(
        "run",
        help="run the whole program on your own export: triage, plan, matching, journeys",
        description="Read a program file (TOML: goals, season, budget, costs, the export and "
        "how to read it, optionally a providers file) and run triage, the support plan, "
        "matching (with providers) and the journeys; write people.csv, triage.csv, plan.csv, "
        "matching.csv, journeys.csv and report.html into the output folder. --example DIR "
        "writes a working example folder to start from.",
        formatter_class=formatter,
    )
    run.add_argument("config", nargs="?", type=path, help="the program file (TOML)")
    run.add_argument(
        "--example",
        metavar="DIR",
        type=path,
        help="write an example program, export and providers to DIR",
    )
    run.add_argument(
        "--out",
        metavar="DIR",
        type=path,
        help="output folder (default: [output] folder of the file)",
    )
    force_option(run, "the files an earlier run (or --example) wrote in the folder")
    run.set_defaults(run=run_run)

    synthetic = commands.add_parser(
        "synthetic",
        help="write the synthetic organisation as files to try the commands on",
        description="Write people.csv and program.json (the program and its providers) for "
        "sparkus.datasets.synthetic_org(n, seed) into DIRECTORY (created if missing). Files "
        "already there are kept unless --force.",
        formatter_class=formatter,
    )
    synthetic.add_argument("directory", type=path, help="the folder to write into")
    synthetic.add_argument(
        "--n",
        type=whole(20, MAX_HEADCOUNT),
        default=1_000,
        help=f"headcount, 20 to {MAX_HEADCOUNT:,} (default 1000)",
    )
    synthetic.add_argument(
        "--seed", type=whole(0, MAX_SEED), default=0, help="random seed (default 0)"
    )
    force_option(synthetic, "people.csv and program.json if they exist")
    synthetic.set_defaults(run=_run_synthetic)
