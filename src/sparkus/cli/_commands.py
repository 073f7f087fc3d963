"""The commands that run one step of the program on files: triage, plan, evaluate, synthetic.

Each command reads the documented formats (:mod:`sparkus.cli._files`), calls the library, writes
its per-person result as CSV (``--out``, standard output by default) and prints a short summary
to standard error, so that ``sparkus triage ... > triage.csv`` leaves a clean file.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from sparkus.cli._files import (
    FileInputError,
    read_people,
    read_program,
    read_providers,
    read_table,
    write_table,
)
from sparkus.model import Population, Program, ProgramDocument, to_json

__all__ = ["add_commands"]


def _scales() -> dict[str, tuple[float, float]]:
    """The answer scale of each default instrument item's column."""
    from sparkus.triage import default_instrument

    return {item.column: item.scale for item in default_instrument().items}


def _summary(text: str) -> None:
    print(text, file=sys.stderr)


def _triage_files(args: argparse.Namespace) -> tuple[Population, Program, Any]:
    from sparkus.triage import triage

    people = read_people(args.people, scales=_scales())
    program, _ = read_program(args.program)
    return people, program, triage(people, program=program)


def _run_triage(args: argparse.Namespace) -> int:
    from sparkus.triage import ReadinessLevel

    _, _, result = _triage_files(args)
    names = np.array([level.value for level in ReadinessLevel] + ["not_assessed"], dtype=object)
    columns: dict[str, Any] = {
        "id": result.ids,
        "readiness": names[result.level],
        "review": result.review,
        "sessions": result.sessions,
        "reflection_share": result.reflection_share,
    }
    if result.score is not None:
        columns["score"] = result.score
    write_table(args.out, columns)
    _summary(str(result))
    return 0


def _run_plan(args: argparse.Namespace) -> int:
    from sparkus.matching import plan_support

    people, program, triaged = _triage_files(args)
    providers = read_providers(args.providers) if args.providers else read_program(args.program)[1]
    if not providers:
        msg = (
            "no providers: pass --providers FILE, or a program document (--program) that lists them"
        )
        raise FileInputError([msg])
    plan = plan_support(people, triaged, program, providers, budget=args.budget)
    write_table(
        args.out,
        {
            "id": plan.ids,
            "support": [s.value if s is not None else None for s in plan.support],
            "pool": plan.pool,
            "sessions": plan.sessions,
            "cost": plan.cost,
            "expected_effect": plan.effect,
        },
    )
    _summary(str(plan))
    return 0


def _plan_supports(path: str, people: Population) -> dict[str, npt.NDArray[np.bool_]]:
    """The plan CSV's support column as one mask over the people per support type."""
    file = Path(path).name
    table = read_table(path)
    missing = [c for c in ("id", "support") if c not in table]
    if missing:
        raise FileInputError([f"{file}: no column {c!r} (a plan as `sparkus plan` writes it)"
                              for c in missing])  # fmt: skip
    row_of = {pid: i for i, pid in enumerate(people["id"].tolist())}
    ids = [str(v) for v in table["id"].tolist()]
    unknown = [f"{file}, line {i + 2}, column id: {pid!r} is not in the people file"
               for i, pid in enumerate(ids) if pid not in row_of]  # fmt: skip
    if unknown:
        raise FileInputError(unknown[:20])
    masks: dict[str, npt.NDArray[np.bool_]] = {}
    for pid, support in zip(ids, table["support"].tolist(), strict=True):
        if support:
            masks.setdefault(str(support), np.zeros(len(people), dtype=bool))[row_of[pid]] = True
    return masks


def _run_match(args: argparse.Namespace) -> int:
    from sparkus.matching import assign, candidate_matrix
    from sparkus.model import SupportType

    people = read_people(args.people, scales=_scales())
    program, in_program = read_program(args.program)
    providers = read_providers(args.providers) if args.providers else in_program
    masks = _plan_supports(args.plan, people)
    fixed: dict[str, str] = {}
    if args.fixed:
        table = read_table(args.fixed)
        if "id" not in table or "provider_id" not in table:
            raise FileInputError([f"{Path(args.fixed).name}: needs columns 'id' and 'provider_id'"])
        fixed = dict(zip(map(str, table["id"].tolist()), map(str, table["provider_id"].tolist()),
                         strict=True))  # fmt: skip
    out: dict[str, list[Any]] = {k: [] for k in ("id", "support", "provider_id", "compatibility",
                                                  "fixed", "reason")}  # fmt: skip
    for name in args.support:
        support = SupportType(name)
        members = masks.get(name)
        if members is None or not members.any():
            _summary(f"{name}: nobody in the plan")
            continue
        candidates = candidate_matrix(
            people, providers, members=members, support_type=support, program=program
        )
        mine = {p: q for p, q in fixed.items() if p in set(candidates.participant_ids)}
        result = assign(candidates, fixed=mine, load_penalty=args.load_penalty)
        pairs = result.pairs()
        scores = candidates.scores.tocsr()
        col_of = {pid: j for j, pid in enumerate(candidates.provider_ids)}
        for i, pid in enumerate(candidates.participant_ids):
            provider = pairs.get(pid)
            out["id"].append(pid)
            out["support"].append(name)
            out["provider_id"].append(provider)
            out["compatibility"].append(
                None if provider is None else float(scores[i, col_of[str(provider)]])
            )
            out["fixed"].append(pid in mine)
            out["reason"].append(result.unassigned.get(pid) if provider is None else None)
        _summary(f"{name}: {result!r}")
    write_table(args.out, out)
    return 0


def _group(spec: str, columns: dict[str, npt.NDArray[Any]], file: str) -> npt.NDArray[np.bool_]:
    """Rows selected by ``COLUMN`` (true/1 values) or ``COLUMN=VALUE``."""
    name, _, value = spec.partition("=")
    if name not in columns:
        known = ", ".join(columns)
        raise FileInputError([f"{file}: no column {name!r} (columns: {known})"])
    column = columns[name]
    if value:
        text = np.array([str(v) for v in column.tolist()], dtype=object)
        if column.dtype.kind == "f":
            text = np.array([f"{v:g}" for v in column.tolist()], dtype=object)
            value = f"{float(value):g}" if _is_number(value) else value
        return np.asarray(text == value, dtype=bool)
    if column.dtype.kind == "f":
        bad = np.flatnonzero(~np.isin(column, [0.0, 1.0]))
    else:
        lowered = np.array([str(v).lower() for v in column.tolist()], dtype=object)
        bad = np.flatnonzero(~np.isin(lowered, ["true", "false", "1", "0", "yes", "no"]))
    if bad.size:
        lines = [
            f"{file}, line {i + 2}, column {name}: expected 0/1 or true/false, got "
            f"{column[i]!r}; or select rows with --treated {name}=VALUE"
            for i in bad[:10].tolist()
        ]
        raise FileInputError(lines)
    if column.dtype.kind == "f":
        return np.asarray(column == 1.0, dtype=bool)
    return np.isin(np.array([str(v).lower() for v in column.tolist()]), ["true", "1", "yes"])


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _numeric(columns: dict[str, npt.NDArray[Any]], name: str, file: str) -> npt.NDArray[Any]:
    if name not in columns:
        known = ", ".join(columns)
        raise FileInputError([f"{file}: no column {name!r} (columns: {known})"])
    column = columns[name]
    if column.dtype.kind != "f":
        bad = next(i for i, v in enumerate(column.tolist()) if not _is_number(str(v)))
        msg = f"{file}, line {bad + 2}, column {name}: expected a number, got {column[bad]!r}"
        raise FileInputError([msg])
    return column


def _run_evaluate(args: argparse.Namespace) -> int:
    from sparkus.metrics import aipw, ancova, welch_ttest

    file = Path(args.data).name
    columns = read_table(args.data)
    treated = _group(args.treated, columns, file)
    control = _group(args.control, columns, file) if args.control else ~treated
    both = np.flatnonzero(treated & control)
    if both.size:
        lines = [f"{file}, line {i + 2}: selected as both treated and control" for i in both[:10]]
        raise FileInputError(lines)
    keep = treated | control
    post = _numeric(columns, args.outcome, file)
    if args.method == "naive":
        estimate = welch_ttest(post[keep & treated], post[keep & control])
    elif args.method == "aipw":
        names = ([args.pre] if args.pre else []) + list(args.covariates or ())
        if not names:
            msg = "--method aipw needs --pre and/or --covariates (what selection depended on)"
            raise FileInputError([msg])
        design = {c: _numeric(columns, c, file)[keep] for c in names}
        estimate = aipw(post[keep], treated[keep], design, trim=args.trim)
    else:
        if not args.pre:
            raise FileInputError([f"--method {args.method} needs --pre COLUMN (the baseline)"])
        pre = _numeric(columns, args.pre, file)
        covariates = {c: _numeric(columns, c, file)[keep] for c in args.covariates or ()}
        clusters = columns[args.clusters][keep] if args.clusters else None
        estimate = ancova(
            post[keep], pre[keep], treated[keep], covariates=covariates or None, clusters=clusters
        )
    dropped = int((~keep).sum())
    if args.json:
        print(json.dumps(estimate.to_dict(), indent=2))
    else:
        print(estimate.summary())
    if dropped:
        _summary(f"{dropped:,} rows are neither treated nor control and were left out")
    return 0


def _run_synthetic(args: argparse.Namespace) -> int:
    from sparkus.datasets import synthetic_org

    org = synthetic_org(args.n, seed=args.seed)
    out = Path(args.directory)
    out.mkdir(parents=True, exist_ok=True)
    pop = org.population
    columns: dict[str, Any] = {}
    for name in pop.schema:
        values = pop.decode(name)
        if name in ("languages", "focus_goals"):
            columns[name] = [";".join(getattr(v, "value", v) for v in row) for row in values]
        else:
            columns[name] = values
    write_table(out / "people.csv", columns)
    document = ProgramDocument(org.program, (), org.providers)
    (out / "program.json").write_text(to_json(document, indent=2) + "\n", encoding="utf-8")
    _summary(
        f"wrote {out / 'people.csv'} ({len(pop):,} people) and {out / 'program.json'} "
        f"(the program and {len(org.providers):,} providers)"
    )
    return 0


def add_commands(commands: Any, positive_int: Any) -> None:
    """Add the file commands to the ``sparkus`` argument parser's sub-parsers."""
    formatter = argparse.RawDescriptionHelpFormatter

    def common(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--people", required=True, help="people CSV (see docs: file formats)")
        parser.add_argument(
            "--program", required=True, help="program JSON: a Program or a ProgramDocument"
        )
        parser.add_argument("--out", default=None, help="output CSV (default: standard output)")

    triage = commands.add_parser(
        "triage",
        help="sort people by readiness and dose their sessions",
        description="Read people and a program; write each person's readiness, review flag "
        "and sessions as CSV; print the triage summary to standard error.",
        formatter_class=formatter,
    )
    common(triage)
    triage.set_defaults(run=_run_triage)

    plan = commands.add_parser(
        "plan",
        help="choose each person's support under the budget",
        description="Triage the people, then choose each person's support to maximise the "
        "expected effect under the program's budget and the providers' capacities; write the "
        "plan as CSV and print its summary to standard error.",
        formatter_class=formatter,
    )
    common(plan)
    plan.add_argument("--providers", help="providers JSON (default: those in --program)")
    plan.add_argument("--budget", type=float, default=None, help="override the program budget")
    plan.set_defaults(run=_run_plan)

    evaluate = commands.add_parser(
        "evaluate",
        help="estimate a program's effect from outcomes",
        description="Estimate the difference the program made to an outcome: naive (Welch), "
        "ANCOVA on the baseline (HC1 standard errors, cluster-robust with --clusters), or AIPW "
        "(doubly robust; the baseline and covariates feed both its models). "
        "Treated and control rows are chosen by a 0/1 column or COLUMN=VALUE.",
        formatter_class=formatter,
    )
    evaluate.add_argument("data", help="CSV with one row per person")
    evaluate.add_argument("--outcome", required=True, help="outcome column")
    evaluate.add_argument(
        "--treated", required=True, help="COLUMN (0/1, true/false) or COLUMN=VALUE"
    )
    evaluate.add_argument("--control", help="COLUMN=VALUE for the control rows (default: the rest)")
    evaluate.add_argument("--pre", help="baseline column (needed by ancova)")
    evaluate.add_argument("--covariates", nargs="*", help="further numeric adjustment columns")
    evaluate.add_argument("--clusters", help="cluster column for cluster-robust errors")
    evaluate.add_argument("--method", choices=("ancova", "aipw", "naive"), default="ancova")
    evaluate.add_argument(
        "--trim", type=float, default=None, help="aipw: keep propensities in [t, 1 - t]"
    )
    evaluate.add_argument("--json", action="store_true", help="print the estimate as JSON")
    evaluate.set_defaults(run=_run_evaluate)

    match = commands.add_parser(
        "match",
        help="assign the plan's participants to coaches and mentors",
        description="Score every participant of the plan against the providers of their "
        "support type (goal fit, language, time zones, seniority; never inside their own "
        "reporting line), then assign them exactly under the providers' capacities. Pairs "
        "chosen beforehand (--fixed) are kept. Writes one row per participant.",
        formatter_class=formatter,
    )
    common(match)
    match.add_argument("--plan", required=True, help="plan CSV, as `sparkus plan` writes it")
    match.add_argument("--providers", help="providers JSON (default: those in --program)")
    match.add_argument("--fixed", help="CSV of chosen pairs: columns id, provider_id")
    match.add_argument(
        "--support",
        nargs="+",
        default=["coaching", "mentoring"],
        choices=["coaching", "mentoring", "peer_support", "team_coaching"],
        help="support types to match (default: coaching mentoring)",
    )
    match.add_argument(
        "--load-penalty",
        type=float,
        default=0.0,
        help="spread participants over providers (0 = none; 0.1 to 1 is gentle)",
    )
    match.set_defaults(run=_run_match)

    synthetic = commands.add_parser(
        "synthetic",
        help="write the synthetic organisation as files to try the commands on",
        description="Write people.csv and program.json (the program and its providers) for "
        "sparkus.datasets.synthetic_org(n, seed) into DIRECTORY.",
        formatter_class=formatter,
    )
    synthetic.add_argument("directory", help="where to write the files")
    synthetic.add_argument("--n", type=positive_int, default=1_000, help="headcount (default 1000)")
    synthetic.add_argument("--seed", type=positive_int, default=0, help="random seed (default 0)")
    synthetic.set_defaults(run=_run_synthetic)
