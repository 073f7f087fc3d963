"""Benchmark machinery: measured children, interleaved repeats, the table and the JSON record.

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

import ast
import gc
import inspect
import json
import os
import platform
import statistics
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = [
    "MARKER",
    "CaseResult",
    "Sample",
    "Side",
    "SideResult",
    "format_table",
    "import_child_code",
    "machine_facts",
    "measure",
    "run_interleaved",
    "write_json",
]

MARKER = "@@sparkus-bench@@ "
CHILD_TIMEOUT_S = 600.0
Params = dict[str, Any]
Work = Callable[[], object]
Setup = Callable[[Params], Work]


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
    increment) and returns the work as a function of no arguments. The result is kept until the
    peak is read, so freeing it is not timed.
    """
    work = setup(params)
    gc.collect()
    reset = reset_peak_rss()
    baseline = peak_rss_kib()
    start = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - start
    peak = peak_rss_kib()
    del result
    report = {
        "seconds": seconds,
        "baseline_kib": baseline,
        "peak_kib": peak,
        "reset": reset,
        "ru_maxrss_kib": ru_maxrss_kib(),
    }
    print(MARKER + repr(report), flush=True)


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
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        msg = f"{side.label!r} child exited with {done.returncode} and no report:\n{tail}"
        raise ChildError(msg)
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
