"""Benchmarks of the fitted triage models against scikit-learn, the machinery of run.py.

Usage: ``python benchmarks/bench_triage.py [--quick] [--repeats N] [--only NAME]``.

The cases (sizes of the full run; ``--quick`` divides the rows by 10):

- ``logistic_fit``: ``LogisticReadinessModel(C=1.0, tol=1e-4).fit(X, y)`` on 100,000 x 20
  standard-normal features and four classes drawn from a softmax model, against scikit-learn's
  ``LogisticRegression(C=1.0, solver="lbfgs", tol=1e-4)`` on the same data (``tol=1e-4`` is
  scikit-learn's default; both allow 1,000 iterations). Target: ratio <= 0.8.
- ``logistic_fit_tight``: the same at ``tol=1e-10`` (sparkus's default), for information.
- ``predict_proba``: ``model.predict_proba(X)`` in one call on 1,000,000 x 20 (160 MB), against
  the plain floor ``scipy.special.softmax(X @ W.T + b, axis=1)`` with the same coefficients.
  Target: peak memory increment under 4x the input's size.

With ``--single-thread`` every child runs BLAS and OpenMP on one thread: on a busy shared host,
multi-threaded BLAS (numpy) and OpenMP (scikit-learn's loss) can slow down many times over, which
says more about the host than about either library.

Every child builds its data (seeded) and warms its imports on a small fit first, none of it
timed. An untimed child fits both models on the same data and reports how far apart they are.
The parent imports the standard library only; the two sides alternate: sparkus, peer, ...
"""

from __future__ import annotations

import argparse
import ast
import json
import os
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
FIT_TARGET_RATIO = 0.8
MEMORY_TARGET = 4.0  # peak increment of predict_proba, in multiples of the input's size
CHECK_MARKER = "@@sparkus-bench-check@@ "
CASE_NAMES = ("logistic_fit", "logistic_fit_tight", "predict_proba")
SEED = 20261127
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


# -- in the children ---------------------------------------------------------------------------


def _data(n: int, p: int = 20, n_classes: int = 4) -> tuple[Any, Any]:
    """Standard-normal features; labels drawn from a softmax model with moderate effects."""
    import numpy as np

    rng = np.random.default_rng(SEED)
    X = rng.standard_normal((n, p))
    W = rng.normal(0.0, 0.5, size=(n_classes, p))
    scores = X @ W.T
    prob = np.exp(scores - scores.max(axis=1, keepdims=True))
    prob /= prob.sum(axis=1, keepdims=True)
    y = (prob.cumsum(axis=1) < rng.random((n, 1))).sum(axis=1)
    return X, y


def _sparkus_model(tol: float) -> Any:
    from sparkus.triage._logistic import LogisticReadinessModel

    return LogisticReadinessModel(C=1.0, tol=tol, max_iter=1000)


def _sklearn_model(tol: float) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=1.0, solver="lbfgs", tol=tol, max_iter=1000)


def _fit_setup(make: Callable[[float], Any]) -> Callable[[Params], Work]:
    def setup(params: Params) -> Work:
        import warnings

        small_X, small_y = _data(2_000)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            make(params["tol"]).fit(small_X, small_y)  # warm the imports, untimed
        X, y = _data(params["n"])
        model = make(params["tol"])

        def work() -> Any:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # scikit-learn's ConvergenceWarning, if any
                return model.fit(X, y)

        return work

    return setup


def _fitted_for_prediction() -> Any:
    X, y = _data(20_000)
    return _sparkus_model(1e-10).fit(X, y)


def _proba_sparkus(params: Params) -> Work:
    import numpy as np

    model = _fitted_for_prediction()
    model.predict_proba(np.zeros((10, 20)))  # warm, untimed
    X = np.random.default_rng(SEED + 1).standard_normal((params["n"], 20))
    return lambda: model.predict_proba(X)


def _proba_floor(params: Params) -> Work:
    import numpy as np
    from scipy.special import softmax

    model = _fitted_for_prediction()
    W, b = model.coef_, model.intercept_
    softmax(np.zeros((10, 4)), axis=1)  # warm, untimed
    X = np.random.default_rng(SEED + 1).standard_normal((params["n"], 20))
    return lambda: softmax(X @ W.T + b, axis=1)


CHILD_SETUPS: dict[str, Callable[[Params], Work]] = {
    "logistic_fit:sparkus": _fit_setup(_sparkus_model),
    "logistic_fit:peer": _fit_setup(_sklearn_model),
    "predict_proba:sparkus": _proba_sparkus,
    "predict_proba:peer": _proba_floor,
}


def _objective(X: Any, y: Any, coef: Any, intercept: Any) -> float:
    """scikit-learn's objective: 0.5 ||coef||^2 + C * sum of log-losses, with C = 1."""
    import numpy as np

    scores = X @ coef.T + intercept
    top = scores.max(axis=1, keepdims=True)
    lse = np.log(np.exp(scores - top).sum(axis=1)) + top[:, 0]
    loss = float((lse - scores[np.arange(len(y)), y]).sum())
    return 0.5 * float((coef * coef).sum()) + loss


def check(params: Params) -> None:
    """Untimed: fit both models on the same data at each tolerance; report the differences."""
    import warnings

    import numpy as np
    import sklearn
    from scipy.special import softmax

    X, y = _data(params["n"])
    report: dict[str, Any] = {"sklearn": sklearn.__version__}
    for tol in (1e-4, 1e-10):
        ours = _sparkus_model(tol).fit(X, y)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = _sklearn_model(tol).fit(X, y)
        report[f"tol={tol:g}"] = {
            "max_abs_diff_coef": float(np.abs(ours.coef_ - theirs.coef_).max()),
            "max_abs_diff_intercept": float(np.abs(ours.intercept_ - theirs.intercept_).max()),
            "objective_sparkus": _objective(X, y, ours.coef_, ours.intercept_),
            "objective_sklearn": _objective(X, y, theirs.coef_, theirs.intercept_),
            "iterations_sparkus": int(ours.n_iter_),
            "iterations_sklearn": int(np.max(theirs.n_iter_)),
        }
    model = _fitted_for_prediction()
    Xp = np.random.default_rng(SEED + 2).standard_normal((50_000, 20))
    floor = softmax(Xp @ model.coef_.T + model.intercept_, axis=1)
    report["predict_proba_max_abs_diff"] = float(np.abs(model.predict_proba(Xp) - floor).max())
    print(CHECK_MARKER + repr(report), flush=True)


# -- in the parent -----------------------------------------------------------------------------


def _side(label: str, spec: str, params: Params) -> Side:
    command = (
        str(HERE / "bench_triage.py"), "--child", spec, "--params", json.dumps(params),
    )  # fmt: skip
    return Side(label, command)


def _run_check(params: Params) -> dict[str, Any]:
    command = [sys.executable, str(HERE / "bench_triage.py"), "--check", json.dumps(params)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    line = next(x for x in done.stdout.splitlines() if x.startswith(CHECK_MARKER))
    report: dict[str, Any] = ast.literal_eval(line[len(CHECK_MARKER) :])
    return report


def _fit_case(name: str, n: int, tol: float, repeats: int) -> CaseResult:
    params = {"n": n, "tol": tol}
    what = (
        f"LogisticReadinessModel(C=1.0, tol={tol:g}).fit on {n:_} x 20, 4 classes, vs "
        f"LogisticRegression(C=1.0, solver='lbfgs', tol={tol:g})"
    )
    print(f"{name}: {what}", file=sys.stderr)
    ours, theirs = run_interleaved(
        name,
        _side("sparkus", "logistic_fit:sparkus", params),
        _side(f"sklearn lbfgs tol={tol:g}", "logistic_fit:peer", params),
        repeats,
    )
    return CaseResult(name, what, ours, theirs)


def _proba_case(n: int, repeats: int) -> CaseResult:
    params = {"n": n}
    input_mib = n * 20 * 8 / 2**20
    what = f"predict_proba on {n:_} x 20 float64 ({input_mib:,.0f} MiB) in one call, 4 classes"
    print(f"predict_proba: {what}", file=sys.stderr)
    ours, theirs = run_interleaved(
        "predict_proba",
        _side("sparkus", "predict_proba:sparkus", params),
        _side("softmax(X @ W.T + b) (floor)", "predict_proba:peer", params),
        repeats,
    )
    result = CaseResult("predict_proba", what, ours, theirs)
    times = result.sparkus.median_increment_kib / 1024 / input_mib
    verdict = "met" if times < MEMORY_TARGET else "MISSED"
    result.notes.append(
        f"predict_proba peak increment {result.sparkus.median_increment_kib / 1024:,.0f} MiB = "
        f"{times:.2f}x the input ({input_mib:,.0f} MiB); target < {MEMORY_TARGET:g}x: {verdict}; "
        f"the floor's increment is "
        f"{result.peer.median_increment_kib / 1024 / input_mib:.2f}x"
    )
    return result


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the rows, 1 repeat")
    parser.add_argument("--repeats", type=int, default=None, metavar="N",
                        help="repeats per side (default: 5; 1 with --quick)")  # fmt: skip
    parser.add_argument("--only", choices=CASE_NAMES, metavar="NAME",
                        help=f"run one case: {', '.join(CASE_NAMES)}")  # fmt: skip
    parser.add_argument("--single-thread", action="store_true",
                        help="children run BLAS and OpenMP on one thread (fairer on a busy host)")  # fmt: skip
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
    scale = 10 if args.quick else 1
    fit_n, proba_n = 100_000 // scale, 1_000_000 // scale
    repeats = args.repeats or (1 if args.quick else 5)
    if args.single_thread:  # inherited by every child, before numpy or sklearn load there
        for variable in THREAD_VARIABLES:
            os.environ[variable] = "1"
    facts = machine_facts()
    facts["threads"] = "1 (--single-thread)" if args.single_thread else "library defaults"
    agreement = _run_check({"n": fit_n}) if args.only in (None, "logistic_fit") else {}
    results: list[CaseResult] = []
    if args.only in (None, "logistic_fit"):
        result = _fit_case("logistic_fit", fit_n, 1e-4, repeats)
        verdict = "met" if result.ratio <= FIT_TARGET_RATIO else "MISSED"
        result.notes.append(f"logistic_fit target ratio <= {FIT_TARGET_RATIO}: {verdict}")
        for tol in ("1e-04", "1e-10"):
            a = agreement[f"tol={float(tol):g}"]
            result.notes.append(
                f"same data, sklearn {agreement['sklearn']}, tol={tol}: max |coef diff| "
                f"{a['max_abs_diff_coef']:.1e}, max |intercept diff| "
                f"{a['max_abs_diff_intercept']:.1e}; objective sparkus {a['objective_sparkus']:.10g}"
                f" vs sklearn {a['objective_sklearn']:.10g}; iterations {a['iterations_sparkus']} "
                f"vs {a['iterations_sklearn']}"
            )
        results.append(result)
    if args.only in (None, "logistic_fit_tight"):
        result = _fit_case("logistic_fit_tight", fit_n, 1e-10, repeats)
        result.notes.append("logistic_fit_tight: for information, no target")
        results.append(result)
    if args.only in (None, "predict_proba"):
        result = _proba_case(proba_n, repeats)
        if agreement:
            result.notes.append(
                "predict_proba vs the floor on 50,000 rows: max |diff| "
                f"{agreement['predict_proba_max_abs_diff']:.1e}"
            )
        results.append(result)
    elapsed = time.perf_counter() - clock
    facts["load_average_after"] = machine_facts()["load_average"]
    versions = facts["versions"]
    print(
        f"sparkus.triage benchmarks, {started:%Y-%m-%d %H:%M} UTC, {facts['cpu_count']} CPUs, "
        f"Python {facts['python']}, numpy {versions['numpy']}, threads: {facts['threads']}, "
        f"load average {facts['load_average'][0]:.1f} before and "
        f"{facts['load_average_after'][0]:.1f} after{' (--quick)' if args.quick else ''}"
    )
    print(
        "ratio = sparkus median / peer median (interleaved runs, fresh process each); "
        "peak = child's peak RSS (+ increment over its baseline after setup)\n"
    )
    print(format_table(results))
    notes = [note for r in results for note in r.notes]
    print("\n" + "\n".join(f"- {note}" for note in notes))
    record = {
        "started_utc": started.isoformat(),
        "wall_seconds": elapsed,
        "machine": facts,
        "options": {
            "quick": args.quick,
            "repeats": repeats,
            "only": args.only,
            "single_thread": args.single_thread,
        },
        "agreement": agreement,
        "cases": [r.to_dict() for r in results],
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
