"""Benchmarks of sparkus, each against a named peer measured in the same run (see README.md).

Usage: ``python benchmarks/run.py [--quick] [--repeats N] [--only NAME]``.

The parent process imports the standard library only; every measurement runs in a fresh child
(``run.py --child CASE:SIDE``), and the two sides of a case alternate: sparkus, peer, sparkus, ...
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from _harness import (
    CaseResult,
    Params,
    Side,
    Work,
    format_seconds,
    format_table,
    import_child_code,
    machine_facts,
    measure,
    run_interleaved,
    write_json,
)

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
DRAWS_PER_PERSON = 20
IMPORT_TARGET_S = 0.35
JSON_OPTIONS: dict[str, Any] = {"allow_nan": False, "ensure_ascii": False}  # as sparkus.to_json
TUPLE_COLUMNS = ("languages", "focus_goals")


@dataclass(frozen=True)
class Sizes:
    org: int  # people in synthetic_org
    columns: int  # rows given to Population.from_columns
    document: int  # participants in the JSON document


FULL = Sizes(org=1_000_000, columns=1_000_000, document=10_000)
QUICK = Sizes(org=20_000, columns=20_000, document=1_000)


# -- what the children run: each setup returns the work, untimed imports and input done -------


def _org_sparkus(params: Params) -> Work:
    from sparkus.datasets import synthetic_org

    return partial(synthetic_org, params["n"], seed=0)


def _org_floor(params: Params) -> Work:
    import numpy as np

    rng = np.random.default_rng(0)
    return partial(rng.standard_normal, (DRAWS_PER_PERSON, params["n"]))


def _load_columns(path: str) -> tuple[dict[str, Any], dict[str, tuple[float, float]]]:
    import pickle

    with Path(path).open("rb") as file:
        data: dict[str, Any] = pickle.load(file)  # written by _write_columns in this run
    return data["columns"], data["scales"]


def _columns_sparkus(params: Params) -> Work:
    from sparkus.model import Population

    columns, scales = _load_columns(params["path"])
    return partial(Population.from_columns, columns, scales=scales)


def _columns_pandas(params: Params) -> Work:
    import pandas as pd

    columns, _ = _load_columns(params["path"])
    categories = {
        name: "category"
        for name, values in columns.items()
        if values.dtype.kind == "U" and name != "id"
    }
    return lambda: pd.DataFrame(columns).astype(categories)


def _document(n: int) -> Any:
    from sparkus.datasets import synthetic_org
    from sparkus.model import ProgramDocument

    org = synthetic_org(n, seed=0)
    return ProgramDocument(org.program, tuple(org.population.to_records()), org.providers)


def _json_sparkus(params: Params) -> Work:
    from sparkus.model import ProgramDocument, from_json, to_json

    document = _document(params["n"])
    return lambda: from_json(to_json(document), ProgramDocument)


def _json_stdlib(params: Params) -> Work:
    from sparkus.model import unstructure

    data = unstructure(_document(params["n"]))
    return lambda: json.loads(json.dumps(data, **JSON_OPTIONS))


CHILD_SETUPS: dict[str, Callable[[Params], Work]] = {
    "synthetic_org:sparkus": _org_sparkus,
    "synthetic_org:peer": _org_floor,
    "from_columns:sparkus": _columns_sparkus,
    "from_columns:peer": _columns_pandas,
    "json_round_trip:sparkus": _json_sparkus,
    "json_round_trip:peer": _json_stdlib,
}


def _write_columns(params: Params) -> None:
    """Draw the organisation once and store its columns as a realistic from_columns input."""
    import pickle

    import numpy as np

    from sparkus.datasets import synthetic_org

    population = synthetic_org(params["n"], seed=0).population
    columns: dict[str, Any] = {}
    for name, values in population.to_columns().items():
        if name in TUPLE_COLUMNS:
            columns[name] = np.array([";".join(row) for row in values.tolist()])
        elif name == "manager_id" or values.dtype != object:
            columns[name] = values  # manager_id keeps None at the top: an object array
        else:
            if any(v is None for v in values.tolist()):
                msg = f"column {name!r} has missing values; .astype(str) would write 'None'"
                raise ValueError(msg)
            columns[name] = values.astype(str)
    scales = {
        name: (1.0, 5.0) for name, column in population.schema.items() if column.scale is not None
    }
    with Path(params["path"]).open("wb") as file:
        pickle.dump({"columns": columns, "scales": scales}, file, protocol=5)


# -- the cases, as the parent sees them ------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    what: str
    sparkus: Side
    peer: Side
    repeats: int
    prepare: Params | None = None  # arguments of _write_columns, run once before the case
    is_import: bool = False


def _workload(case: str, label: str, side: str, params: Params) -> Side:
    command = (str(HERE / "run.py"), "--child", f"{case}:{side}", "--params", json.dumps(params))
    return Side(label, command)


def _import(module: str) -> Side:
    return Side(f"import {module}", ("-c", import_child_code(module)), wall_clock=True)


def build_cases(sizes: Sizes, repeats: int, import_repeats: int, workdir: Path) -> list[Case]:
    columns = {"n": sizes.columns, "path": str(workdir / "columns.pickle")}
    return [
        Case(
            "synthetic_org",
            f"sparkus.datasets.synthetic_org({sizes.org:_}, seed=0), the whole organisation",
            _workload("synthetic_org", "sparkus", "sparkus", {"n": sizes.org}),
            _workload(
                "synthetic_org", "numpy: 20 draws per person (floor)", "peer", {"n": sizes.org}
            ),
            repeats,
        ),
        Case(
            "from_columns",
            f"Population.from_columns on {sizes.columns:_} rows (unicode and object columns)",
            _workload("from_columns", "sparkus", "sparkus", columns),
            _workload("from_columns", "pandas DataFrame + category", "peer", columns),
            repeats,
            prepare=columns,
        ),
        Case(
            "json_round_trip",
            f"from_json(to_json(doc), ProgramDocument), {sizes.document:_} participants",
            _workload("json_round_trip", "sparkus", "sparkus", {"n": sizes.document}),
            _workload("json_round_trip", "stdlib json (floor)", "peer", {"n": sizes.document}),
            repeats,
        ),
        Case(
            "import_sparkus",
            "wall time of `python -c 'import sparkus'`",
            _import("sparkus"),
            _import("numpy"),
            import_repeats,
            is_import=True,
        ),
        Case(
            "import_sparkus_model",
            "wall time of `python -c 'import sparkus.model'`",
            _import("sparkus.model"),
            _import("numpy"),
            import_repeats,
            is_import=True,
        ),
    ]


def _prepare_columns(params: Params) -> None:
    command = [sys.executable, str(HERE / "run.py"), "--write-columns", json.dumps(params)]
    subprocess.run(command, check=True)


def import_notes(result: CaseResult) -> list[str]:
    samples = result.sparkus.samples
    with_scipy = sum(bool(s.extra.get("scipy_imported")) for s in samples)
    answer = "yes" if with_scipy else "no"
    runs = f"{with_scipy}/{len(samples)} runs"
    notes = [f"scipy in sys.modules after `{result.sparkus.label}`: {answer} ({runs})"]
    inside = {
        side.label: statistics.median(s.extra["in_process_seconds"] for s in side.samples)
        for side in (result.sparkus, result.peer)
    }
    notes.append(
        "the import statement alone, timed in the child: "
        + ", ".join(f"`{label}` {format_seconds(t)}" for label, t in inside.items())
        + " (the rest of the wall time is interpreter start-up, the same for both)"
    )
    if result.name == "import_sparkus":
        median = result.sparkus.median_seconds
        verdict = "met" if median <= IMPORT_TARGET_S else "MISSED"
        notes.append(
            f"`import sparkus` median {format_seconds(median)}; "
            f"target <= {IMPORT_TARGET_S} s: {verdict}"
        )
    return notes


def run_case(case: Case) -> CaseResult:
    print(f"{case.name}: {case.what}", file=sys.stderr)
    if case.prepare is not None:
        _prepare_columns(case.prepare)
    ours, theirs = run_interleaved(
        case.name, case.sparkus, case.peer, case.repeats, warmup=case.is_import
    )
    result = CaseResult(case.name, case.what, ours, theirs)
    if case.is_import:
        result.notes.extend(import_notes(result))
    return result


# -- command line ------------------------------------------------------------------------------

CASE_NAMES = (
    "synthetic_org",
    "from_columns",
    "json_round_trip",
    "import_sparkus",
    "import_sparkus_model",
)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="small sizes and 1 repeat: a smoke run under 30 s"
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=None,
        metavar="N",
        help="repeats per side (default: 3, and 10 for the import cases; 1 with --quick)",
    )
    parser.add_argument(
        "--only", choices=CASE_NAMES, metavar="NAME", help=f"run one case: {', '.join(CASE_NAMES)}"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--params", help=argparse.SUPPRESS)
    parser.add_argument("--write-columns", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeats is not None and args.repeats < 1:
        parser.error(f"--repeats must be at least 1, got {args.repeats}")
    return args


def _repeat_counts(args: argparse.Namespace) -> tuple[int, int]:
    if args.repeats is not None:
        return args.repeats, args.repeats
    return (1, 1) if args.quick else (3, 10)


def main(args: argparse.Namespace) -> int:
    started = datetime.now(UTC)
    clock = time.perf_counter()
    sizes = QUICK if args.quick else FULL
    repeats, import_repeats = _repeat_counts(args)
    facts = machine_facts()
    with tempfile.TemporaryDirectory(prefix="sparkus-bench-") as workdir:
        cases = build_cases(sizes, repeats, import_repeats, Path(workdir))
        results = [run_case(c) for c in cases if args.only in (None, c.name)]
    elapsed = time.perf_counter() - clock
    facts["load_average_after"] = machine_facts()["load_average"]

    versions = facts["versions"]
    print(
        f"sparkus benchmarks, {started:%Y-%m-%d %H:%M} UTC, {facts['cpu_count']} CPUs, "
        f"Python {facts['python']}, numpy {versions['numpy']}, pandas {versions['pandas']}"
        f"{' (--quick)' if args.quick else ''}"
    )
    print(
        "ratio = sparkus median / peer median (interleaved runs, fresh process each); "
        "peak = child's peak RSS (+ increment over its baseline after setup)\n"
    )
    print(format_table(results))
    notes = [note for r in results for note in r.notes]
    if notes:
        print("\n" + "\n".join(f"- {note}" for note in notes))
    record = {
        "started_utc": started.isoformat(),
        "wall_seconds": elapsed,
        "machine": facts,
        "options": {
            "quick": args.quick,
            "repeats": repeats,
            "import_repeats": import_repeats,
            "only": args.only,
            "sizes": asdict(sizes),
        },
        "cases": [r.to_dict() for r in results],
    }
    path = write_json(RESULTS, record)
    print(f"\nwrote {path.relative_to(HERE.parent)} ({format_seconds(elapsed)} in all)")
    return 0


def child(spec: str, params: Params) -> int:
    measure(CHILD_SETUPS[spec], params)
    return 0


if __name__ == "__main__":
    arguments = parse_args()
    if arguments.child:
        sys.exit(child(arguments.child, json.loads(arguments.params)))
    if arguments.write_columns:
        _write_columns(json.loads(arguments.write_columns))
        sys.exit(0)
    sys.exit(main(arguments))
