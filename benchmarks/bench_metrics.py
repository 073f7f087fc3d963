"""Benchmark of ``sparkus.metrics.did`` against statsmodels, the machinery of run.py (README.md).

Usage: ``python benchmarks/bench_metrics.py [--quick] [--repeats N]``.

The case: the 2x2 difference-in-differences with 10 covariates and cluster-robust standard
errors on 1,000,000 rows in 2,000 clusters. sparkus times ``did(y, treated, post,
covariates=C, clusters=g)``, which checks its input and builds its design; the peer times
``OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": g})`` alone, on the design
``[1, treated, post, treated*post, C]`` already built by ``numpy.column_stack`` (untimed), so
the ratio, if anything, flatters statsmodels. Both children build the data (seeded) and warm
their imports (scipy, statsmodels) on a small fit first, none of it timed. An untimed child
checks that the two give the same estimate and standard error and reports the differences.

The parent imports the standard library only; every measurement runs in a fresh child, and the
two sides alternate: sparkus, statsmodels, sparkus, ...
"""

from __future__ import annotations

import argparse
import ast
import json
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from _harness import (
    CaseResult,
    Params,
    Side,
    Work,
    format_seconds,
    format_table,
    machine_facts,
    measure,
    run_interleaved,
    write_json,
)

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
TARGET_RATIO = 0.25
FULL: Params = {"n": 1_000_000, "p": 10, "clusters": 2_000}
QUICK: Params = {"n": 50_000, "p": 10, "clusters": 500}
CHECK_MARKER = "@@sparkus-bench-check@@ "


# -- in the children ---------------------------------------------------------------------------


def _data(params: Params) -> dict[str, Any]:
    """A seeded panel: cluster effects, 10 covariates, a true effect of 0.3."""
    import numpy as np

    rng = np.random.default_rng(20261127)
    n, p, n_clusters = params["n"], params["p"], params["clusters"]
    cluster = rng.integers(0, n_clusters, n)
    treated = (cluster < 0.4 * n_clusters).astype(np.int8)
    post = rng.integers(0, 2, n).astype(np.int8)
    covariates = rng.normal(size=(n, p)) + np.linspace(0.0, 50.0, p)
    y = (
        covariates @ np.linspace(0.1, 1.0, p)
        + 0.5 * treated
        + 0.2 * post
        + 0.3 * treated * post
        + rng.normal(0.0, 0.5, n_clusters)[cluster]
        + rng.normal(size=n)
    )
    return {"y": y, "treated": treated, "post": post, "covariates": covariates, "g": cluster}


def _sparkus_work(data: dict[str, Any]) -> Callable[[], Any]:
    from sparkus.metrics import did

    def work() -> Any:
        return did(
            data["y"], data["treated"], data["post"], covariates=data["covariates"],
            clusters=data["g"],
        )  # fmt: skip

    return work


def _statsmodels_work(data: dict[str, Any]) -> Callable[[], Any]:
    """The statsmodels fit alone: the design is built here, before the timing starts."""
    import numpy as np
    import statsmodels.api as sm

    treated, post = data["treated"], data["post"]
    X = np.column_stack([np.ones(len(treated)), treated, post, treated * post, data["covariates"]])
    y, groups = data["y"], data["g"]

    def work() -> Any:
        return sm.OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": groups})

    return work


def _warm(make: Callable[[dict[str, Any]], Callable[[], Any]]) -> None:
    """Run the work once on small data: imports (scipy, statsmodels) are not timed."""
    make(_data({"n": 2_000, "p": 10, "clusters": 50}))()


def _did_sparkus(params: Params) -> Work:
    _warm(_sparkus_work)
    return _sparkus_work(_data(params))


def _did_statsmodels(params: Params) -> Work:
    _warm(_statsmodels_work)
    return _statsmodels_work(_data(params))


CHILD_SETUPS: dict[str, Callable[[Params], Work]] = {
    "did_clustered:sparkus": _did_sparkus,
    "did_clustered:peer": _did_statsmodels,
}


def check(params: Params) -> None:
    """Untimed: fit both on the same data and report the estimates and standard errors."""
    import warnings

    import statsmodels

    data = _data(params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = _sparkus_work(data)()
        theirs = _statsmodels_work(data)()
    report = {
        "estimate": ours.estimate,
        "se": ours.se,
        "statsmodels_estimate": float(theirs.params[3]),
        "statsmodels_se": float(theirs.bse[3]),
        "rel_diff_estimate": abs(ours.estimate / float(theirs.params[3]) - 1.0),
        "rel_diff_se": abs(ours.se / float(theirs.bse[3]) - 1.0),
        "statsmodels": statsmodels.__version__,
    }
    print(CHECK_MARKER + repr(report), flush=True)


# -- in the parent -----------------------------------------------------------------------------


def _side(label: str, side: str, params: Params) -> Side:
    command = (
        str(HERE / "bench_metrics.py"), "--child", f"did_clustered:{side}",
        "--params", json.dumps(params),
    )  # fmt: skip
    return Side(label, command)


def _run_check(params: Params) -> dict[str, Any]:
    command = [sys.executable, str(HERE / "bench_metrics.py"), "--check", json.dumps(params)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    line = next(x for x in done.stdout.splitlines() if x.startswith(CHECK_MARKER))
    report: dict[str, Any] = ast.literal_eval(line[len(CHECK_MARKER) :])
    return report


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="50,000 rows and 1 repeat")
    parser.add_argument("--repeats", type=int, default=None, metavar="N",
                        help="repeats per side (default: 5; 1 with --quick)")  # fmt: skip
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--params", help=argparse.SUPPRESS)
    parser.add_argument("--check", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeats is not None and args.repeats < 1:
        parser.error(f"--repeats must be at least 1, got {args.repeats}")
    return args


def main(args: argparse.Namespace) -> int:
    started = datetime.now(UTC)
    clock = time.perf_counter()
    params = QUICK if args.quick else FULL
    repeats = args.repeats or (1 if args.quick else 5)
    facts = machine_facts()
    name = "did_clustered"
    what = (
        f"did(...) with {params['p']} covariates and CR1 standard errors, {params['n']:_} rows, "
        f"{params['clusters']:_} clusters"
    )
    print(f"{name}: {what}", file=sys.stderr)
    agreement = _run_check(params)
    ours, theirs = run_interleaved(
        name,
        _side("sparkus", "sparkus", params),
        _side("statsmodels OLS fit, cluster", "peer", params),
        repeats,
    )
    result = CaseResult(name, what, ours, theirs)
    verdict = "met" if result.ratio <= TARGET_RATIO else "MISSED"
    result.notes.append(f"target ratio <= {TARGET_RATIO}: {verdict}")
    result.notes.append(
        f"same data, statsmodels {agreement['statsmodels']}: estimate {agreement['estimate']:.6g}"
        f" (rel. diff {agreement['rel_diff_estimate']:.1e}), SE {agreement['se']:.6g} (rel. diff "
        f"{agreement['rel_diff_se']:.1e})"
    )
    elapsed = time.perf_counter() - clock
    facts["load_average_after"] = machine_facts()["load_average"]
    versions = facts["versions"]
    print(
        f"sparkus.metrics benchmark, {started:%Y-%m-%d %H:%M} UTC, {facts['cpu_count']} CPUs, "
        f"Python {facts['python']}, numpy {versions['numpy']}"
        f"{' (--quick)' if args.quick else ''}"
    )
    print(
        "ratio = sparkus median / peer median (interleaved runs, fresh process each); "
        "peak = child's peak RSS (+ increment over its baseline after setup)\n"
    )
    print(format_table([result]))
    print("\n" + "\n".join(f"- {note}" for note in result.notes))
    record = {
        "started_utc": started.isoformat(),
        "wall_seconds": elapsed,
        "machine": facts,
        "options": {"quick": args.quick, "repeats": repeats, "params": params},
        "agreement": agreement,
        "cases": [result.to_dict()],
    }
    path = write_json(RESULTS, record)
    print(f"\nwrote {path.relative_to(HERE.parent)} ({format_seconds(elapsed)} in all)")
    return 0


if __name__ == "__main__":
    arguments = parse_args()
    if arguments.child:
        measure(CHILD_SETUPS[arguments.child], json.loads(arguments.params))
        sys.exit(0)
    if arguments.check:
        check(json.loads(arguments.check))
        sys.exit(0)
    sys.exit(main(arguments))
