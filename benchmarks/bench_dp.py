"""What the differentially private release mode costs in accuracy on the synthetic organisation.

Usage: ``python benchmarks/bench_dp.py [--quick] [--repeats N] [--participants N]
[--figure PATH] [--json PATH]``.

The case: everyone of ``synthetic_org(5_000, seed=7)`` in the organisation's program (coaching
for executives and senior leaders, mentoring for managers, self-guided reflection for the
others, six sessions each), ``simulate_events(schedule, rng=1)``, a ``Tracker`` grouped by
department and by site, and its exact dashboard ``snapshot`` 120 days after the start, with
``min_group_size=2`` so that every department but the one-person Executive Office shows.

The dashboard's figures are released by the public method, ``Tracker.private_snapshot``: twelve
partitions (totals, department and site, each with participants, participation rate,
completion rate and mean rating), so each partition gets ε/12 and a two-number figure ε/24 per
number. Its per-person bounds come from the program's journey template: 1 for people counted;
the most required steps one journey can hold for the completion rate; the most slots one
journey can hold (each slot keeps one rating) for the pooled mean rating, as the dashboard
defines it. The exact figures it starts from (the tracker's internal ``exact_aggregates``) are
checked against the exact snapshot's rates first. A second rating and completion figure, per
person (the mean over raters of each rater's own mean; the mean over people of each person's
share of steps completed; per-person bound 1), released with ``sparkus.privacy.release_private``
on the same partitions, shows what a DP-friendlier definition would cost.

Each budget (ε = 1 and ε = 0.1 per release) is released `repeats` times with OpenDP's noise
(unseeded: OpenDP's sampler cannot be seeded; at 200 repeats a rerun's errors differ by about
a tenth). The table gives, per department, the mean absolute error
against the exact figure: percentage points for the rates, rating points (0-10) for the means.
``--figure`` draws it against department size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from sparkus.datasets import simulate_events, synthetic_org
from sparkus.metrics import Tracker
from sparkus.metrics._tracking.private import contribution_bounds, exact_aggregates
from sparkus.metrics._tracking.snapshot import seconds
from sparkus.model import JourneyProgress, schedule_journeys
from sparkus.privacy import DifferentialPrivacy, ExactRate, ExactSum, release_private

BUDGETS = (1.0, 0.1)
START = dt.datetime(2027, 1, 4, tzinfo=dt.UTC)
AS_OF = START + dt.timedelta(days=120)


def build(n: int) -> dict[str, Any]:
    """The organisation, its program's tracker and the exact snapshot at AS_OF."""
    org = synthetic_org(n, seed=7)
    population = org.population
    level = population.decode("level")
    support = np.where(
        np.isin(level, ["executive", "senior_leader"]),
        "coaching",
        np.where(level == "manager", "mentoring", "self_guided_reflection"),
    )
    schedule = schedule_journeys(
        org.program.journey, population["id"], support, np.full(n, 6), start=START,
        excess="truncate",
    )  # fmt: skip
    program = attrs.evolve(org.program, min_group_size=2)
    groups = {"department": population.decode("department"),
              "site": population.decode("site")}  # fmt: skip
    tracker = Tracker(program, schedule, groups=groups)
    tracker.update(simulate_events(schedule, rng=1))
    started = time.perf_counter()
    snapshot = tracker.snapshot(AS_OF)
    snapshot_seconds = time.perf_counter() - started
    return {"tracker": tracker, "groups": groups, "snapshot": snapshot,
            "snapshot_seconds": snapshot_seconds}  # fmt: skip


def per_person(tracker: Tracker) -> dict[str, Any]:
    """Each participant's own completion share and mean rating at AS_OF, from the public state.

    For the per-person figures only (the dashboard's figures come from the tracker itself).
    """
    schedule, progress = tracker.schedule, tracker.progress
    n = len(schedule)
    at = seconds(AS_OF)
    row = schedule.row.astype(np.intp)
    steps = schedule.template.steps
    required = np.array([s.required for s in steps], dtype=bool)[schedule.step.astype(np.intp)]
    _, due = tracker.step_states(AS_OF)
    due_by = due <= np.datetime64(AS_OF.replace(tzinfo=None), "s")
    done_by = progress.first_done <= at
    rated = (progress.rating_time != JourneyProgress.UNSET) & (progress.rating_time <= at)
    rating_n = np.bincount(row, rated, minlength=n)
    rating_sum = np.bincount(row, np.where(rated, progress.rating, 0.0), minlength=n)
    due_n = np.bincount(row, required & due_by, minlength=n)
    done_n = np.bincount(row, required & due_by & done_by, minlength=n)
    return {
        "has_due": due_n > 0,
        "share": np.divide(done_n, due_n, out=np.zeros(n), where=due_n > 0),
        "rated": rating_n > 0,
        "rater_mean": np.divide(rating_sum, rating_n, out=np.zeros(n), where=rating_n > 0),
    }


def per_person_aggregates(
    tracker: Tracker, dashboard: dict[str, dict[Any, Any]], person: dict[str, Any]
) -> dict[str, dict[Any, Any]]:
    """The dashboard's partitions with completion and rating defined per person (bound 1)."""
    cells = dict(dashboard)
    n = len(tracker.schedule)
    groupings = {"total": (["all"], np.zeros(n, dtype=np.intp)), **tracker.groups}
    for grouping, (names, codes) in groupings.items():
        k = len(names)

        def total(values: Any, codes: Any = codes, k: int = k) -> Any:
            return np.bincount(codes, values, minlength=k)

        people_due, shares = total(person["has_due"]).astype(np.int64), total(person["share"])
        raters, rater_sum = total(person["rated"]).astype(np.int64), total(person["rater_mean"])
        cells[f"{grouping}/completion"] = {
            g: ExactSum(float(min(shares[i], people_due[i])), int(people_due[i]), 0.0, 1.0)
            for i, g in enumerate(names)
        }
        cells[f"{grouping}/rating"] = {
            g: ExactSum(float(min(rater_sum[i], 10.0 * raters[i])), int(raters[i]), 0.0, 10.0)
            for i, g in enumerate(names)
        }
    return cells


def check_against_snapshot(data: dict[str, Any], cells: dict[str, dict[Any, Any]]) -> int:
    """The tracker's exact figures equal the snapshot's department rows; returns rows checked."""
    checked = 0
    for row in data["snapshot"].groups["department"]:
        g = row["group"]
        pairs = [
            (row["participation_rate"], cells["department/participation"][g].rate),
            (row["completion_rate"], cells["department/completion"][g].rate),
            (row["mean_rating"], cells["department/rating"][g].mean),
        ]
        for shown, rebuilt in pairs:
            if shown is None:
                continue
            if rebuilt is None or not math.isclose(shown, rebuilt, rel_tol=1e-9, abs_tol=1e-12):
                msg = f"{g}: snapshot {shown} but rebuilt {rebuilt}"
                raise SystemExit(f"bench_dp: the exact figures disagree: {msg}")
        checked += 1
    return checked


COLUMNS = {  # column: (configuration, partition figure, unit scale, title)
    "participation": ("dashboard", "participation", 100.0, "participation rate (points)"),
    "completion": ("dashboard", "completion", 100.0, "completion rate, pooled (points)"),
    "rating": ("dashboard", "rating", 1.0, "mean rating, pooled (0-10)"),
    "completion_pp": ("per_person", "completion", 100.0, "completion, per person (points)"),
    "rating_pp": ("per_person", "rating", 1.0, "mean rating, per rater (0-10)"),
}


def errors(data: dict[str, Any], cells: dict[str, dict[Any, Any]] | None, epsilon: float,
           repeats: int, departments: list[str]
           ) -> tuple[dict[str, dict[str, float]], float, float]:  # fmt: skip
    """Mean absolute error per department and figure over `repeats` releases.

    `cells` None releases the dashboard through ``Tracker.private_snapshot`` (the exact figures
    from the tracker's ``exact_aggregates``); otherwise `cells` through ``release_private``.
    Also the time of one release (after a first, untimed one that loads OpenDP) and the ε each
    partition got.
    """
    tracker: Tracker = data["tracker"]
    options = DifferentialPrivacy(epsilon, epsilon * (repeats + 1))

    def release(ledger: Any) -> Any:
        if cells is None:
            return tracker.private_snapshot(options, as_of=AS_OF, ledger=ledger)
        return release_private(cells, options, ledger=ledger)

    exact_cells = data["exact"] if cells is None else cells
    figures = ("participation", "completion", "rating")
    exact = {f: {g: _value(exact_cells[f"department/{f}"][g]) for g in departments}
             for f in figures}  # fmt: skip
    sums = {f: dict.fromkeys(departments, 0.0) for f in figures}
    defined = {f: dict.fromkeys(departments, 0) for f in figures}
    ledger = release(None).ledger  # warm-up: imports OpenDP
    seconds_ = 0.0
    share = 0.0
    for _ in range(repeats):
        started = time.perf_counter()
        result = release(ledger)
        seconds_ += time.perf_counter() - started
        ledger = result.ledger
        share = result.epsilon_by_partition["department/participation"]
        for f in figures:
            for g in departments:
                value = result.value(f"department/{f}", g)
                if value is not None:
                    sums[f][g] += abs(value - exact[f][g])
                    defined[f][g] += 1
    table = {f: {g: sums[f][g] / max(defined[f][g], 1) for g in departments} for f in figures}
    return table, seconds_ / repeats, share


def _value(aggregate: Any) -> float:
    value = aggregate.rate if isinstance(aggregate, ExactRate) else aggregate.mean
    return float(value)


def draw(figure: Path, sizes: dict[str, int], results: dict[float, Any]) -> None:
    """Mean absolute error against department size, one panel per figure, both budgets."""
    import matplotlib as mpl

    mpl.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(COLUMNS), figsize=(15, 3.4), constrained_layout=True)
    order = sorted(sizes, key=lambda g: sizes[g])
    for ax, (column, (*_, title)) in zip(axes, COLUMNS.items(), strict=True):
        for epsilon, marker in zip(BUDGETS, ("o", "s"), strict=True):
            table = results[epsilon]["errors"][column]
            ax.plot([sizes[g] for g in order], [table[g] for g in order], marker=marker,
                    label=f"ε = {epsilon:g} per release")  # fmt: skip
        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(mpl.ticker.ScalarFormatter())
        ax.xaxis.set_minor_formatter(mpl.ticker.NullFormatter())
        ax.set_xticks([300, 400, 600, 800, 1200])
        ax.set_ylim(bottom=0)
        ax.set_xlabel("department size (participants)")
        ax.set_title(title, fontsize=10)
    axes[0].set_ylabel("mean absolute error")
    axes[0].legend(fontsize=8)
    fig.suptitle("Error of a DP dashboard (12 partitions) against the exact figures, by "
                 "department size", fontsize=11)  # fmt: skip
    fig.savefig(figure, dpi=100)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 people, 20 repeats")
    parser.add_argument("--repeats", type=int, default=None, help="releases per budget (200)")
    parser.add_argument("--participants", type=int, default=None, help="headcount (5,000)")
    parser.add_argument("--figure", type=Path, default=None, help="write the figure here")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    # the common options of benchmarks/_harness.py, accepted so `nox -s bench -- ...` runs
    parser.add_argument("--only", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--single-thread", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-check", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.only not in (None, "dp_accuracy"):
        return 0
    n = args.participants or (1_000 if args.quick else 5_000)
    repeats = args.repeats or (20 if args.quick else 200)
    load_before = os.getloadavg()
    print(f"bench_dp: {n:,} participants, {repeats} releases per budget", file=sys.stderr)
    data = build(n)
    tracker: Tracker = data["tracker"]
    data["exact"] = exact_aggregates(tracker, seconds(AS_OF))
    person = per_person(tracker)
    required_bound, slots_bound = contribution_bounds(tracker.schedule.template)
    configurations: dict[str, dict[str, dict[Any, Any]] | None] = {
        "dashboard": None,  # Tracker.private_snapshot
        "per_person": per_person_aggregates(tracker, data["exact"], person),
    }
    checked = 0 if args.no_check else check_against_snapshot(data, data["exact"])
    departments = [row["group"] for row in data["snapshot"].groups["department"]]
    cells = data["exact"]
    sizes = {g: cells["department/participants"][g].count for g in departments}
    results: dict[float, Any] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no seeded release here: every noise is OpenDP's
        for epsilon in BUDGETS:
            measured = {c: errors(data, configurations[c], epsilon, repeats, departments)
                        for c in configurations}  # fmt: skip
            table = {column: {g: unit * measured[c][0][f][g] for g in departments}
                     for column, (c, f, unit, _) in COLUMNS.items()}  # fmt: skip
            results[epsilon] = {"errors": table,
                                "seconds_per_release": measured["dashboard"][1],
                                "seconds_per_engine_release": measured["per_person"][1],
                                "epsilon_per_partition": measured["dashboard"][2]}  # fmt: skip
    header = f"{'department':<18}{'size':>6}" + "".join(f"{c:>15}" for c in COLUMNS)
    for epsilon in BUDGETS:
        result = results[epsilon]
        print(f"\nε = {epsilon:g} per release, {len(cells)} partitions of "
              f"{result['epsilon_per_partition']:.4g} each: mean absolute error "
              "(rates in points, ratings on 0-10)")  # fmt: skip
        print(header)
        for g in sorted(departments, key=lambda g: sizes[g]):
            line = "".join(f"{result['errors'][c][g]:>15.2f}" for c in COLUMNS)
            print(f"{g:<18}{sizes[g]:>6,}{line}")
        medians = "".join(f"{np.median(list(result['errors'][c].values())):>15.2f}"
                          for c in COLUMNS)  # fmt: skip
        print(f"{'median':<24}{medians}")
        print(f"one Tracker.private_snapshot: {1000 * result['seconds_per_release']:.1f} ms, "
              f"one release_private of ready cells: "
              f"{1000 * result['seconds_per_engine_release']:.1f} ms "
              f"(the exact snapshot: {1000 * data['snapshot_seconds']:.1f} ms)")  # fmt: skip
    print(f"\nbounds: {required_bound} required steps and {slots_bound} rated "
          f"slots per person; exact figures checked against {checked} snapshot rows; "
          f"load average {load_before[0]:.2f} before, {os.getloadavg()[0]:.2f} after "
          f"({os.cpu_count()} CPUs, Python {platform.python_version()})")  # fmt: skip
    if args.figure is not None:
        draw(args.figure, sizes, results)
        print(f"figure: {args.figure}", file=sys.stderr)
    if args.json is not None:
        record = {"participants": n, "repeats": repeats, "sizes": sizes,
                  "bounds": {"steps": required_bound, "slots": slots_bound},
                  "results": {str(e): r for e, r in results.items()},
                  "load_average": [load_before[0], os.getloadavg()[0]]}  # fmt: skip
        args.json.write_text(json.dumps(record, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
