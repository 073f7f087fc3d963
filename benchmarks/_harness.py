"""Benchmark machinery: the case table, measured children, interleaved repeats, table and record.

A script declares its cases (`Case`: what sparkus does, the peer, the sizes, an optional
untimed check and notes) and ends with ``sys.exit(main(CASES, ...))``. `main` parses the
common options (``--quick``, ``--repeats N``, ``--only NAME``, ``--single-thread``,
``--no-check``), runs each case's check, then its timed children, sides interleaved, prints
the table and notes and writes the JSON record; the same `main`, called with the hidden
``--child`` or ``--untimed`` options, is the child.

Every measurement runs in a fresh interpreter. A workload child runs ``setup`` (imports and input,
not timed), resets its peak-RSS mark, reads a baseline, then times ``work`` alone and reads the
peak again; it reports one line, ``MARKER`` followed by a Python literal, on stdout. The parent
only imports the standard library.

Peak memory is the kernel's high-water mark of the child's resident set. On Linux it is read as
``VmHWM`` from ``/proc/self/status``, with ``ru_maxrss`` recorded beside it: after ``exec`` Linux
folds the high-water mark of the address space the child was forked from (the parent's) into
``ru_maxrss``, so ``ru_maxrss`` can never read below the parent's peak, which would hide the
small figures of the import cases. Elsewhere ``ru_maxrss`` is used.
"""

from __future__ import annotations

import argparse
import ast
import gc
import importlib.util
import inspect
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = [
    "CHECK_MARKER",
    "MARKER",
    "Case",
    "CaseResult",
    "PeerMissing",
    "Sample",
    "Side",
    "SideResult",
    "agreement_note",
    "format_table",
    "import_child_code",
    "machine_facts",
    "main",
    "measure",
    "missing_peer",
    "run_interleaved",
    "write_json",
]

MARKER = "@@sparkus-bench@@ "
CHECK_MARKER = "@@sparkus-bench-check@@ "
CHILD_TIMEOUT_S = 600.0
UNTIMED_TIMEOUT_S = 1800.0
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
Params = dict[str, Any]
Work = Callable[[], object]
Report = Callable[[Any], dict[str, Any]]  # extra fields read from the work's result, untimed
Setup = Callable[[Params], Work | tuple[Work, Report]]


# -- in the child ------------------------------------------------------------------------------


def ru_maxrss_kib() -> int:
    """``getrusage``'s peak resident set size, in KiB on Linux (floored at the parent's peak)."""
    import resource

    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def peak_rss_kib() -> int:
    """This address space's peak resident set size in KiB: ``VmHWM``, else ``ru_maxrss``.

    Import-free apart from `resource`: its source is also pasted into the import-time children.
    """
    try:
        with open("/proc/self/status") as status:  # noqa: PTH123 (no pathlib in import children)
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return ru_maxrss_kib()


def reset_peak_rss() -> bool:
    """Reset the peak-RSS mark to the current RSS (Linux >= 4.0); False where unsupported."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def measure(setup: Setup, params: Params) -> None:
    """Run in a child: build the work with `setup`, then time it and report time and peak RSS.

    `setup` does the imports and builds the input (neither is timed nor counted in the
    increment) and returns the work as a function of no arguments, or a pair ``(work, report)``
    where ``report(result)`` returns extra fields for the record (read after the timing). The
    result is kept until the peak is read, so freeing it is not timed.
    """
    built = setup(params)
    work, report = built if isinstance(built, tuple) else (built, None)
    gc.collect()
    reset = reset_peak_rss()
    baseline = peak_rss_kib()
    start = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - start
    peak = peak_rss_kib()
    extra = {} if report is None else report(result)
    del result
    out = {
        "seconds": seconds,
        "baseline_kib": baseline,
        "peak_kib": peak,
        "reset": reset,
        "ru_maxrss_kib": ru_maxrss_kib(),
        **extra,
    }
    print(MARKER + repr(out), flush=True)


def import_child_code(module: str) -> str:
    """Code for ``python -c`` that times ``import module`` and reports as `measure` does.

    Nothing but `sys` and `time` (both loaded at startup) is imported before the import
    measured; the peak-memory helpers are pasted in as source.
    """
    helpers = inspect.getsource(ru_maxrss_kib) + "\n" + inspect.getsource(peak_rss_kib)
    main = textwrap.dedent(f"""
        import sys, time
        baseline = peak_rss_kib()
        start = time.perf_counter()
        import {module}
        seconds = time.perf_counter() - start
        report = dict(seconds=seconds, baseline_kib=baseline, peak_kib=peak_rss_kib(),
                      reset=False, ru_maxrss_kib=ru_maxrss_kib(),
                      scipy_imported="scipy" in sys.modules)
        print({MARKER!r} + repr(report))
    """)
    return helpers + main


# -- in the parent -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Side:
    """One side of a comparison: a label and the child command (arguments after python).

    With `wall_clock`, the time is the parent's wall time around the whole child process (for
    import times); otherwise it is the time the child measured around its work.
    """

    label: str
    command: tuple[str, ...]
    wall_clock: bool = False


@dataclass(frozen=True)
class Sample:
    """One child's report."""

    seconds: float
    peak_kib: int
    baseline_kib: int
    reset: bool
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def increment_kib(self) -> int:
        return self.peak_kib - self.baseline_kib


@dataclass
class SideResult:
    label: str
    samples: list[Sample] = field(default_factory=list)

    @property
    def median_seconds(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def median_peak_kib(self) -> float:
        return statistics.median(s.peak_kib for s in self.samples)

    @property
    def median_increment_kib(self) -> float:
        return statistics.median(s.increment_kib for s in self.samples)

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "median_seconds": self.median_seconds,
            "median_peak_kib": self.median_peak_kib,
            "median_increment_kib": self.median_increment_kib,
            "seconds": [s.seconds for s in self.samples],
            "peak_kib": [s.peak_kib for s in self.samples],
            "baseline_kib": [s.baseline_kib for s in self.samples],
            "peak_reset_before_work": [s.reset for s in self.samples],
            "extra": [s.extra for s in self.samples],
        }


@dataclass
class CaseResult:
    name: str
    what: str
    sparkus: SideResult
    peer: SideResult
    notes: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        """sparkus median over peer median: how many times the peer's time sparkus takes."""
        return self.sparkus.median_seconds / self.peer.median_seconds

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "what": self.what,
            "ratio": self.ratio,
            "sparkus": self.sparkus.to_dict(),
            "peer": self.peer.to_dict(),
            "notes": self.notes,
        }


class ChildError(RuntimeError):
    """A measured child failed or did not report."""


class PeerMissing(ChildError):
    """A child failed because a package it imports (a peer, never sparkus) is not installed.

    The case is skipped, not failed: CI runs every script once with ``--quick`` in whatever
    environment it has, and a peer absent there must not hide the other cases.
    """

    def __init__(self, module: str) -> None:
        super().__init__(f"{module} is not installed")
        self.module = module


_RUNTIME = frozenset({"sparkus", "numpy", "scipy", "attrs", "cattrs", "cattr"})
"""Top-level modules sparkus itself needs: a child missing one of them is broken, not skipped."""


def missing_peer(stderr: str) -> str | None:
    """The top-level module a child's traceback says is missing, if a peer's, else None."""
    lines = [x for x in stderr.splitlines() if x.startswith("ModuleNotFoundError: No module")]
    if not lines:
        return None
    name = lines[-1].split("'")[1] if lines[-1].count("'") >= 2 else ""
    top = name.split(".")[0]
    if not top or top in _RUNTIME or importlib.util.find_spec(top) is not None:
        return None
    return top


def _failed(what: str, returncode: int, stderr: str) -> ChildError:
    """The error for a failed child: PeerMissing when a peer package is not installed."""
    module = missing_peer(stderr)
    if module is not None:
        return PeerMissing(module)
    tail = "\n".join(stderr.strip().splitlines()[-15:])
    return ChildError(f"{what} exited with {returncode}:\n{tail}")


def run_child(side: Side) -> Sample:
    """Run one fresh child for `side` and return its report."""
    argv = [sys.executable, *side.command]
    start = time.perf_counter()
    done = subprocess.run(
        argv, capture_output=True, text=True, timeout=CHILD_TIMEOUT_S, check=False
    )
    wall = time.perf_counter() - start
    reports = [line for line in done.stdout.splitlines() if line.startswith(MARKER)]
    if done.returncode != 0 or not reports:
        raise _failed(f"{side.label!r} child (no report)", done.returncode, done.stderr)
    report: dict[str, Any] = ast.literal_eval(reports[-1][len(MARKER) :])
    seconds = wall if side.wall_clock else float(report.pop("seconds"))
    if side.wall_clock:
        report["in_process_seconds"] = report.pop("seconds")
    core = {k: report.pop(k) for k in ("peak_kib", "baseline_kib", "reset")}
    return Sample(seconds=seconds, extra=report, **core)


def run_interleaved(
    name: str, sparkus: Side, peer: Side, repeats: int, *, warmup: bool = False
) -> tuple[SideResult, SideResult]:
    """Run sparkus, peer, sparkus, peer, ... `repeats` times each; progress goes to stderr."""
    if warmup:  # fill the OS file cache, so the first timed child is not the cold one
        run_child(sparkus)
        run_child(peer)
    ours, theirs = SideResult(sparkus.label), SideResult(peer.label)
    for i in range(1, repeats + 1):
        for side, result in ((sparkus, ours), (peer, theirs)):
            sample = run_child(side)
            result.samples.append(sample)
            progress = f"{format_seconds(sample.seconds)}, peak {format_mib(sample.peak_kib)}"
            print(f"  {name} [{i}/{repeats}] {side.label}: {progress}", file=sys.stderr)
    return ours, theirs


# -- reporting ---------------------------------------------------------------------------------


def format_seconds(seconds: float) -> str:
    if seconds >= 1.0:
        return f"{seconds:.2f} s"
    return f"{seconds * 1e3:.1f} ms"


def format_mib(kib: float) -> str:
    return f"{kib / 1024:,.0f} MiB"


def format_memory(side: SideResult) -> str:
    increment = side.median_increment_kib / 1024
    shown = f"{increment:.1f}" if abs(increment) < 10 else f"{increment:,.0f}"
    return f"{format_mib(side.median_peak_kib)} (+{shown})"


TABLE_HEADER = (
    "case",
    "sparkus",
    "peer",
    "peer time",
    "ratio",
    "sparkus peak (+work)",
    "peer peak (+work)",
)


def table_rows(results: Sequence[CaseResult]) -> list[tuple[str, ...]]:
    return [
        (
            r.name,
            format_seconds(r.sparkus.median_seconds),
            r.peer.label,
            format_seconds(r.peer.median_seconds),
            f"{r.ratio:.2f}x",
            format_memory(r.sparkus),
            format_memory(r.peer),
        )
        for r in results
    ]


def format_table(results: Sequence[CaseResult]) -> str:
    """A Markdown table (readable as plain text too) of medians, ratios and peak memory."""
    rows = [TABLE_HEADER, *table_rows(results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(TABLE_HEADER))]
    numeric = {1, 3, 4, 5, 6}

    def line(cells: Sequence[str]) -> str:
        padded = (
            c.rjust(w) if i in numeric else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )
        return "| " + " | ".join(padded) + " |"

    rule = (
        "|"
        + "|".join(
            ("-" * (w + 1) + ":") if i in numeric else ("-" * (w + 2)) for i, w in enumerate(widths)
        )
        + "|"
    )
    return "\n".join([line(rows[0]), rule, *(line(row) for row in rows[1:])])


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def machine_facts() -> dict[str, Any]:
    """CPU, interpreter and library versions, read without importing the libraries."""
    return {
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "load_average": os.getloadavg(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "versions": {p: _version(p) for p in ("sparkus", "numpy", "pandas", "attrs", "cattrs")},
    }


def write_json(folder: Path, record: dict[str, Any]) -> Path:
    """Write `record` to ``folder/<UTC timestamp>.json`` and return the path."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H-%M-%SZ")
    path = folder / f"{stamp}.json"
    path.write_text(json.dumps(record, indent=2) + "\n")
    return path


# -- the case table and the command line -------------------------------------------------------

Check = Callable[[Params], dict[str, Any] | None]
Notes = Callable[[CaseResult, Params, dict[str, Any]], list[str]]
Tune = Callable[[argparse.Namespace, Params], Params]


@dataclass(frozen=True)
class Case:
    """One case of a benchmark script: sparkus against a named peer, at two sizes.

    `sparkus` and `peer` are child setups (see `measure`), or the name of a module whose
    ``import`` is timed by the parent's wall clock (after one untimed warm-up pair). `what` and
    `peer_label` are format strings filled from the case's params (``"{n:_} rows"``). Before
    the timing, `prepare` (input written to ``params["workdir"]``, a folder that lasts the run)
    and then `check` (do both sides give the same answer?) each run once in an untimed child;
    `check` returns a report kept in the record under ``agreement``; ``notes(result, params,
    report)`` (the report is empty with ``--no-check``) turns the timed result into notes.
    """

    name: str
    what: str
    sparkus: Setup | str
    peer: Setup | str
    peer_label: str
    full: Params
    quick: Params
    repeats: int | None = None  # repeats per side of a full run; None: the script's default
    target: float | None = None  # the ratio to stay at or under, noted as met or MISSED
    prepare: Callable[[Params], object] | None = None
    check: Check | None = None
    notes: Notes | None = None


def agreement_note(say: Callable[[dict[str, Any]], str]) -> Notes:
    """Notes of a case that has only the check to report: ``say(report)``, if it was checked."""

    def notes(_result: CaseResult, _params: Params, agreement: dict[str, Any]) -> list[str]:
        return [say(agreement)] if agreement else []

    return notes


def _parser(
    doc: str, cases: Sequence[Case], repeats: int, options: Callable[..., None] | None
) -> argparse.ArgumentParser:
    names = [c.name for c in cases]
    overrides = ", ".join(f"{c.name} {c.repeats}" for c in cases if c.repeats is not None)
    default = f"{repeats}{f' ({overrides})' if overrides else ''}; 1 with --quick"
    parser = argparse.ArgumentParser(description=doc.strip().splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes and 1 repeat")
    parser.add_argument("--repeats", type=int, default=None, metavar="N",
                        help=f"repeats per side (default {default})")  # fmt: skip
    parser.add_argument("--only", choices=names, metavar="NAME",
                        help=f"run one case: {', '.join(names)}")  # fmt: skip
    parser.add_argument("--single-thread", action="store_true",
                        help="children run BLAS and OpenMP on one thread (fairer on a busy host)")  # fmt: skip
    parser.add_argument("--no-check", action="store_true",
                        help="skip the untimed checks that both sides agree")  # fmt: skip
    if options is not None:
        options(parser)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--untimed", help=argparse.SUPPRESS)
    parser.add_argument("--params", help=argparse.SUPPRESS)
    return parser


def _untimed(script: Path, spec: str, params: Params) -> dict[str, Any]:
    """Run a case's `prepare` or `check` (``spec`` is ``NAME:prepare|check``) in a child."""
    argv = [sys.executable, str(script), "--untimed", spec, "--params", json.dumps(params)]
    done = subprocess.run(
        argv, capture_output=True, text=True, timeout=UNTIMED_TIMEOUT_S, check=False
    )
    if done.returncode != 0:
        raise _failed(f"untimed child {spec!r}", done.returncode, done.stderr)
    lines = [x for x in done.stdout.splitlines() if x.startswith(CHECK_MARKER)]
    report: dict[str, Any] = ast.literal_eval(lines[-1][len(CHECK_MARKER) :]) if lines else {}
    return report


def _side(script: Path, case: Case, which: str, params: Params) -> Side:
    setup = case.sparkus if which == "sparkus" else case.peer
    if isinstance(setup, str):
        label = f"import {setup}" if which == "sparkus" else case.peer_label.format(**params)
        return Side(label, ("-c", import_child_code(setup)), wall_clock=True)
    label = "sparkus" if which == "sparkus" else case.peer_label.format(**params)
    command = (str(script), "--child", f"{case.name}:{which}", "--params", json.dumps(params))
    return Side(label, command)


def _run_case(
    script: Path, case: Case, params: Params, repeats: int, *, check: bool
) -> tuple[CaseResult, dict[str, Any] | None]:
    what = case.what.format(**params)
    print(f"{case.name}: {what}", file=sys.stderr)
    if case.prepare is not None:
        _untimed(script, f"{case.name}:prepare", params)
    report = _untimed(script, f"{case.name}:check", params) if check and case.check else None
    ours, theirs = run_interleaved(
        case.name,
        _side(script, case, "sparkus", params),
        _side(script, case, "peer", params),
        repeats,
        warmup=isinstance(case.sparkus, str),
    )
    result = CaseResult(case.name, what, ours, theirs)
    if case.target is not None:
        verdict = "met" if result.ratio <= case.target else "MISSED"
        result.notes.append(f"target ratio <= {case.target:g}: {verdict}")
    if case.notes is not None:
        result.notes.extend(case.notes(result, params, report or {}))
    return result, report


def _child(cases: Sequence[Case], args: argparse.Namespace) -> int:
    by_name = {c.name: c for c in cases}
    params: Params = json.loads(args.params)
    if args.child:
        name, which = args.child.rsplit(":", 1)
        setup = by_name[name].sparkus if which == "sparkus" else by_name[name].peer
        if isinstance(setup, str):
            msg = f"case {name!r}: the {which} side is an import, timed by the parent"
            raise ValueError(msg)
        measure(setup, params)
        return 0
    name, step = args.untimed.rsplit(":", 1)
    run = by_name[name].prepare if step == "prepare" else by_name[name].check
    if run is None:
        msg = f"case {name!r} has no {step} step"
        raise ValueError(msg)
    report = run(params)
    if isinstance(report, dict):  # a check may also print CHECK_MARKER + its report itself
        print(CHECK_MARKER + repr(report), flush=True)
    return 0


def main(
    cases: Sequence[Case],
    *,
    title: str,
    doc: str,
    script: str,
    repeats: int = 3,
    results: Path | None = None,
    options: Callable[[argparse.ArgumentParser], None] | None = None,
    tune: Tune | None = None,
    argv: Sequence[str] | None = None,
) -> int:
    """Run a benchmark script: its command line, its cases, its table and its JSON record.

    `title` heads the printed table, `doc` (the script's docstring) gives the ``--help``
    description and `script` (its ``__file__``) is what the children run. `repeats` is the
    default number of repeats per side of a full run. A script with options of its own adds
    them with `options` (a function of the parser) and applies them to each case's params with
    `tune`. The record goes to `results` (default: ``results/`` beside the script).
    """
    parser = _parser(doc, cases, repeats, options)
    args = parser.parse_args(argv)
    if args.repeats is not None and args.repeats < 1:
        parser.error(f"--repeats must be at least 1, got {args.repeats}")
    if args.child or args.untimed:
        return _child(cases, args)
    path = Path(script).resolve()
    folder = results if results is not None else path.parent / "results"
    started = datetime.now(UTC)
    clock = time.perf_counter()
    if args.single_thread:  # inherited by every child, before numpy or sklearn load there
        for variable in THREAD_VARIABLES:
            os.environ[variable] = "1"
    facts = machine_facts()
    facts["threads"] = "1 (--single-thread)" if args.single_thread else "library defaults"
    measured: list[CaseResult] = []
    skipped: dict[str, str] = {}
    agreement: dict[str, Any] = {}
    used: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="sparkus-bench-") as workdir:
        for case in cases:
            if args.only not in (None, case.name):
                continue
            params = dict(case.quick if args.quick else case.full)
            if case.prepare is not None:
                params["workdir"] = workdir
            if tune is not None:
                params = tune(args, params)
            n = args.repeats or (1 if args.quick else case.repeats or repeats)
            used[case.name] = {"repeats": n, "params": params}
            try:
                result, report = _run_case(path, case, params, n, check=not args.no_check)
            except PeerMissing as missing:
                skipped[case.name] = f"skipped: {missing.module} is not installed"
                print(f"  {case.name}: {skipped[case.name]}", file=sys.stderr)
                continue
            measured.append(result)
            if report is not None:
                agreement[case.name] = report
    elapsed = time.perf_counter() - clock
    facts["load_average_after"] = machine_facts()["load_average"]
    versions = facts["versions"]
    print(
        f"{title}, {started:%Y-%m-%d %H:%M} UTC, {facts['cpu_count']} CPUs, "
        f"Python {facts['python']}, numpy {versions['numpy']}, pandas {versions['pandas']}, "
        f"threads: {facts['threads']}, load average {facts['load_average'][0]:.1f} before and "
        f"{facts['load_average_after'][0]:.1f} after{' (--quick)' if args.quick else ''}"
    )
    print(
        "ratio = sparkus median / peer median (interleaved runs, fresh process each); "
        "peak = child's peak RSS (+ increment over its baseline after setup)\n"
    )
    print(format_table(measured))
    notes = [f"{r.name}: {note}" for r in measured for note in r.notes]
    notes += [f"{name}: {why}" for name, why in skipped.items()]
    if notes:
        print("\n" + "\n".join(f"- {note}" for note in notes))
    record = {
        "started_utc": started.isoformat(),
        "wall_seconds": elapsed,
        "machine": facts,
        "options": {
            "quick": args.quick,
            "repeats": args.repeats,
            "only": args.only,
            "single_thread": args.single_thread,
            "check": not args.no_check,
            **{k: v for k, v in vars(args).items() if k not in _COMMON_OPTIONS},
            "cases": used,
        },
        "agreement": agreement,
        "cases": [r.to_dict() for r in measured],
        "skipped": skipped,
    }
    written = write_json(folder, record)
    print(f"\nwrote {written.relative_to(path.parent.parent)} ({format_seconds(elapsed)} in all)")
    return 0


_COMMON_OPTIONS = frozenset(
    {"quick", "repeats", "only", "single_thread", "no_check", "child", "untimed", "params"}
)
