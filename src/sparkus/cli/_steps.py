"""``sparkus triage``, ``plan`` and ``match``: one step of the program on files.

Each command checks its output path first (so a typo costs nothing), reads the documented
formats (:mod:`sparkus.cli._files`), calls the library, writes its per-person result as CSV
(``--out``, standard output by default) and prints a short summary to standard error, so that
``sparkus triage ... > triage.csv`` leaves a clean file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from sparkus._errors import InfeasibleError, SchemaError
from sparkus.cli._csv import Located, Table, check_output, lines_of, read_table, write_table
from sparkus.cli._exits import FileInputError, UsageError
from sparkus.cli._files import check_employees, read_people, read_program, read_providers
from sparkus.model import Population, Program, Provider, SupportType

__all__ = ["MATCHED", "run_match", "run_plan", "run_triage"]

MATCHED = ("coaching", "mentoring", "peer_support", "team_coaching")
"""The support types ``sparkus match --support`` accepts."""


def _scales() -> dict[str, tuple[float, float]]:
    """The answer scale of each default instrument item's column."""
    from sparkus.triage import default_instrument

    return {item.column: item.scale for item in default_instrument().items}


def summary(text: str) -> None:
    """A line for the person at the terminal, on standard error."""
    print(text, file=sys.stderr)


def _triage_files(
    args: argparse.Namespace,
) -> tuple[Population, Program, tuple[Provider, ...], Any]:
    """The people, the program, the providers the program lists, and their triage."""
    from sparkus.triage import triage

    people = read_people(args.people, scales=_scales())
    program, providers = read_program(args.program)
    return people, program, providers, triage(people, program=program)


def _inputs(args: argparse.Namespace) -> list[str | None]:
    """The files a command reads, which its --out may not overwrite."""
    return [
        getattr(args, name, None) for name in ("people", "program", "providers", "plan", "fixed")
    ]


def run_triage(args: argparse.Namespace) -> int:
    """``sparkus triage``."""
    from sparkus.triage import ReadinessLevel

    check_output(args.out, force=args.force, inputs=_inputs(args))
    *_, result = _triage_files(args)
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
    summary(str(result))
    return 0


def _providers(args: argparse.Namespace, in_program: tuple[Provider, ...]) -> tuple[Provider, ...]:
    if args.providers:
        return read_providers(args.providers)
    if not in_program:
        msg = (
            f"{args.program} lists no providers: pass --providers FILE, or a program document "
            'with a "providers" list'
        )
        raise UsageError(msg)
    return in_program


def run_plan(args: argparse.Namespace) -> int:
    """``sparkus plan``."""
    from sparkus.matching import plan_support

    check_output(args.out, force=args.force, inputs=_inputs(args))
    people, program, in_program, triaged = _triage_files(args)
    providers = _providers(args, in_program)
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
    summary(str(plan))
    return 0


def _plan_supports(path: str, people: Population) -> dict[str, str]:
    """The plan CSV's support of each person it names (empty for none), checked."""
    table = read_table(path)
    table.require("id", "support", why=" (a plan as `sparkus plan` writes it)")
    known = set(people["id"].tolist())
    kinds = {s.value for s in SupportType}
    problems: list[Located] = []
    supports: dict[str, str] = {}
    first: dict[str, int] = {}
    for i, (pid, support) in enumerate(zip(table.cells["id"], table.cells["support"], strict=True)):
        if pid not in known:
            problems.append(table.problem(i, "id", f"{pid!r} is not in the people file"))
        elif pid in first:
            message = f"{pid!r} repeats line {table.lines[first[pid]]}"
            problems.append(table.problem(i, "id", message))
        if support and support not in kinds:
            message = f"{support!r} is not one of {', '.join(sorted(kinds))} (or empty for none)"
            problems.append(table.problem(i, "support", message))
        first.setdefault(pid, i)
        supports[pid] = support
    if problems:
        raise FileInputError(lines_of(problems))
    return supports


def _fixed_pairs(
    path: str, supports: dict[str, str], matched: list[str], providers: tuple[Provider, ...]
) -> tuple[dict[str, str], Table]:
    """The --fixed pairs, checked: each must name a person the command matches.

    The provider must exist and give the support the plan gives the person; any other pair is
    a problem at its line.
    """
    table = read_table(path)
    table.require("id", "provider_id", why=" (a CSV of chosen pairs)")
    kind_of = {p.id: p.support_type.value for p in providers}
    problems: list[Located] = []
    fixed: dict[str, str] = {}
    first: dict[str, int] = {}
    for i, (pid, provider) in enumerate(
        zip(table.cells["id"], table.cells["provider_id"], strict=True)
    ):
        support = supports.get(pid)
        if support not in matched:
            given = "is not in the plan" if support is None else (
                f"gets {support or 'no support'} in the plan"
            )  # fmt: skip
            message = f"{pid!r} is not matched: {given}, and --support matches {', '.join(matched)}"
            problems.append(table.problem(i, "id", message))
        elif pid in first:
            message = f"{pid!r} repeats line {table.lines[first[pid]]}"
            problems.append(table.problem(i, "id", message))
        if not provider:
            problems.append(table.problem(i, "provider_id", "empty; name the chosen provider"))
        elif provider not in kind_of:
            problems.append(table.problem(i, "provider_id", f"{provider!r} is not a provider"))
        elif support in matched and kind_of[provider] != support:
            message = (
                f"{provider!r} gives {kind_of[provider]}, but the plan gives {pid!r} {support}"
            )
            problems.append(table.problem(i, "provider_id", message))
        first.setdefault(pid, i)
        fixed[pid] = provider
    if problems:
        raise FileInputError(lines_of(problems))
    return fixed, table


def _fixed_problems(error: SchemaError, order: list[str], table: Table) -> list[str]:
    """The library's problems with the fixed pairs (``fixed[3]: ...``), at their lines."""
    row_of = {pid: i for i, pid in enumerate(table.cells["id"])}
    out: list[Located] = []
    for problem in error.problems:
        path = problem.path
        if (
            len(path) >= 2
            and path[0] == "fixed"
            and isinstance(path[1], int)
            and path[1] < len(order)
        ):
            out.append(table.problem(row_of[order[path[1]]], "id", problem.message))
        else:
            out.append(Located(0, "", f"{table.name}: {problem}"))
    return lines_of(out)


def run_match(args: argparse.Namespace) -> int:
    """``sparkus match``."""
    from sparkus.matching import assign, candidate_matrix

    check_output(args.out, force=args.force, inputs=_inputs(args))
    people = read_people(args.people, scales=_scales())
    program, in_program = read_program(args.program)
    providers = _providers(args, in_program)
    source = Path(args.providers or args.program).name
    check_employees(providers, people, source=source, people_file=Path(args.people).name)
    supports = _plan_supports(args.plan, people)
    matched = list(dict.fromkeys(args.support))
    fixed: dict[str, str] = {}
    fixed_table = None
    if args.fixed:
        fixed, fixed_table = _fixed_pairs(args.fixed, supports, matched, providers)
    ids = people["id"]
    out: dict[str, list[Any]] = {k: [] for k in ("id", "support", "provider_id", "compatibility",
                                                  "fixed", "reason")}  # fmt: skip
    for name in matched:
        members: npt.NDArray[np.bool_] = np.array(
            [supports.get(pid) == name for pid in ids.tolist()], dtype=bool
        )
        if not members.any():
            summary(f"{name}: nobody in the plan")
            continue
        candidates = candidate_matrix(
            people, providers, members=members, support_type=SupportType(name), program=program
        )
        listed = set(candidates.participant_ids)
        mine = {p: q for p, q in fixed.items() if p in listed}
        unlisted = [p for p in fixed if supports.get(p) == name and p not in listed]
        if unlisted and fixed_table is not None:  # never drop a chosen pair silently
            row_of = {pid: i for i, pid in enumerate(fixed_table.cells["id"])}
            message = f"is not among the {name} candidates"
            raise FileInputError(lines_of(
                fixed_table.problem(row_of[p], "id", f"{p!r} {message}") for p in unlisted
            ))  # fmt: skip
        try:
            result = assign(candidates, fixed=mine, load_penalty=args.load_penalty)
        except SchemaError as error:
            if not mine or fixed_table is None:
                raise
            raise FileInputError(_fixed_problems(error, list(mine), fixed_table)) from None
        except InfeasibleError as error:
            if not mine or fixed_table is None:
                raise
            raise InfeasibleError(f"the pairs of {fixed_table.name}: {error}") from None
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
        summary(f"{name}: {result!r}")
    write_table(args.out, out)
    return 0
