"""Benchmark of ``sparkus.metrics.Tracker`` against a pandas groupby, the machinery of run.py.

Usage: ``python benchmarks/bench_tracker.py [--quick] [--repeats N] [--participants N]
[--events N]``.

The case: ingest 10,000,000 events over 1,000,000 participants (the default spring journey,
coaching, mentoring and self-guided reflection, eight departments) and compute the dashboard's
figures. sparkus times ``Tracker.update`` in batches of 1,000,000 events (validation included:
every event is checked against the schedule) and one ``snapshot`` (engagement series, funnel,
figures by department with the privacy rule). The peer times pandas on the same columns: drop
repeated events, the first completion, the latest status and rating per (participant, step),
the distinct active days, then ``groupby`` the same figures by department and by step; it
validates nothing and applies no privacy rule, so the ratio, if anything, flatters pandas. The
events are the simulator's (``simulate_events(..., encoded=True)``: participant rows and step
indices, with late and repeated events), built before the timing starts.

An untimed child checks that the two agree on the department figures and that the merge of 16
shard trackers equals the single pass exactly. Every measurement runs in a fresh child and the
two sides alternate: sparkus, pandas, sparkus, ...
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
FULL: Params = {"n": 1_000_000, "events": 10_000_000, "shards": 16, "batch": 1_000_000}
QUICK: Params = {"n": 20_000, "events": 200_000, "shards": 16, "batch": 50_000}
CHECK_MARKER = "@@sparkus-bench-check@@ "
DAY = 86_400


# -- in the children ---------------------------------------------------------------------------


def _data(params: Params) -> dict[str, Any]:
    """A seeded schedule, its departments and `events` simulated events (participant rows)."""
    import datetime as dt

    import numpy as np

    from sparkus.datasets import simulate_events
    from sparkus.model import CostModel, Goal, Program, Season, default_journey, schedule_journeys

    rng = np.random.default_rng(20270104)
    n = params["n"]
    template = default_journey(Season.SPRING, [Goal.LEADERSHIP_DEVELOPMENT])
    program = Program("Bench", (Goal.LEADERSHIP_DEVELOPMENT,), Season.SPRING, 1.0, "EUR",
                      CostModel({}), template)  # fmt: skip
    ids = np.char.add("E", np.char.zfill(np.arange(n).astype(str), 7))
    support = np.array(["coaching", "mentoring", "self_guided_reflection"])[rng.integers(0, 3, n)]
    start = dt.datetime(2027, 3, 1, tzinfo=dt.UTC)
    schedule = schedule_journeys(template, ids, support, np.full(n, 6), start=start)
    department = np.array([f"D{k}" for k in range(8)])[rng.integers(0, 8, n)]
    # the whole program simulated (about 30 events per person), then `events` of them drawn
    # at random, kept in arrival order
    events = simulate_events(schedule, rng=1, encoded=True)
    pick = np.sort(
        rng.choice(len(events), size=params["events"], replace=params["events"] > len(events))
    )
    events = events.take(pick)
    as_of = start + dt.timedelta(days=165)
    return {"program": program, "schedule": schedule, "department": department,
            "events": events, "as_of": as_of}  # fmt: skip


def _sparkus_work(data: dict[str, Any], batch: int) -> Callable[[], Any]:
    from sparkus.metrics import Tracker

    events = data["events"]
    import numpy as np

    chunks = [events.take(np.arange(lo, min(lo + batch, len(events))))
              for lo in range(0, len(events), batch)]  # fmt: skip

    def work() -> Any:
        tracker = Tracker(data["program"], data["schedule"],
                          groups={"department": data["department"]})  # fmt: skip
        for chunk in chunks:
            tracker.update(chunk)
        return tracker.snapshot(as_of=data["as_of"])

    return work


def _pandas_work(data: dict[str, Any]) -> Callable[[], Any]:
    """The same figures with pandas: dedupe, reduce per slot and per day, group by."""
    import numpy as np
    import pandas as pd

    schedule, events = data["schedule"], data["events"]
    steps = schedule.template.steps
    at = int(data["as_of"].timestamp())
    frame = pd.DataFrame({"id": events.id, "row": events.participant, "step": events.step,
                          "kind": events.kind, "time": events.time, "value": events.value})  # fmt: skip
    slots = pd.DataFrame({"row": schedule.row.astype(np.int64), "step": schedule.step.astype(np.int64),
                          "due": schedule.due_seconds,
                          "required": np.array([s.required for s in steps])[schedule.step]})  # fmt: skip
    people = pd.DataFrame({"department": data["department"],
                           "start": schedule.start_seconds})  # fmt: skip
    pre = next(i for i, s in enumerate(steps) if s.id == "self-assessment")
    post = next(i for i, s in enumerate(steps) if s.id == "checkpoint-final")
    window = 14

    def work() -> Any:
        ev = frame.drop_duplicates("id")
        per_slot = slots.set_index(["row", "step"])
        done = ev[ev.kind == 0].groupby(["row", "step"])["time"].min().rename("done")
        flow = ev[ev.kind.isin([1, 2, 3])].assign(
            key=lambda d: d.time * 4 + d.kind.map({3: 1, 1: 2, 2: 3})
        )
        status = flow.groupby(["row", "step"])["key"].max().rename("status")
        moved = (ev[ev.kind == 3].sort_values(["time", "value"])
                 .groupby(["row", "step"])["value"].last().rename("moved"))  # fmt: skip
        rated = (ev[ev.kind == 4].sort_values(["time", "value"])
                 .groupby(["row", "step"])["value"].last().rename("rating"))  # fmt: skip
        scored = (ev[(ev.kind == 0) & ev.value.notna()].sort_values(["time", "value"])
                  .groupby(["row", "step"])["value"].last().rename("score"))  # fmt: skip
        table = per_slot.join([done, status, moved, rated, scored]).reset_index()
        table["due"] = table.due + (table.moved.fillna(0) * DAY).round().astype(np.int64)
        table["done_by"] = table.done <= at
        table["due_by"] = table.due <= at
        table["req_due"] = table.required & table.due_by
        open_ = table.done.isna() & (table.status.isna() | (table.status % 4 == 1))
        table["overdue"] = open_ & (table.due < at)
        table["department"] = people.department.to_numpy()[table.row.to_numpy()]
        table["promoter"] = table.rating >= 9
        table["detractor"] = table.rating <= 6
        # activity: distinct active days, active in the window
        marks = ev[ev.kind.isin([0, 4, 5])]
        days = pd.DataFrame({"row": marks.row, "day": marks.time // DAY}).drop_duplicates()
        recent = days[(days.day > at // DAY - window) & (days.day <= at // DAY)]
        active = np.zeros(len(people), dtype=bool)
        active[recent.row.unique()] = True
        series = days.groupby("day")["row"].nunique()  # (daily actives, not windowed)
        # progress
        pairs = table[table.step.isin([pre, post])].pivot_table(
            index="row", columns="step", values="score", aggfunc="last"
        )
        pairs = pairs.reindex(columns=[pre, post]).dropna()
        change = (pairs[post] - pairs[pre]).rename("change").to_frame()
        change["department"] = people.department.to_numpy()[change.index.to_numpy()]
        by_person = people.assign(active=active)
        dept = pd.DataFrame({
            "participants": by_person.groupby("department").size(),
            "participation_rate": by_person.groupby("department")["active"].mean(),
            "completion_rate": table[table.req_due].groupby("department")["done_by"].mean(),
            "mean_rating": table.groupby("department")["rating"].mean(),
            "nps": table[table.rating.notna()].groupby("department").apply(
                lambda g: 100.0 * (g.promoter.mean() - g.detractor.mean()), include_groups=False),
            "progress": change.groupby("department")["change"].mean(),
            "progress_sd": change.groupby("department")["change"].std(),
        })  # fmt: skip
        finished = table[table.due_by & table.done_by]
        funnel = pd.DataFrame({
            "due": table.groupby("step")["due_by"].sum(),
            "completed": finished.groupby("step").size(),
            "median_days": ((finished.done - finished.due) / DAY).groupby(finished.step).median(),
        })  # fmt: skip
        return dept, funnel, series, int(table.overdue.sum())

    return work


def _tracker_sparkus(params: Params) -> Work:
    return _sparkus_work(_data(params), params["batch"])


def _tracker_pandas(params: Params) -> Work:
    import pandas as pd  # noqa: F401  (imported before the timing starts)

    return _pandas_work(_data(params))


CHILD_SETUPS: dict[str, Callable[[Params], Work]] = {
    "tracker:sparkus": _tracker_sparkus,
    "tracker:peer": _tracker_pandas,
}


def check(params: Params) -> None:
    """Untimed: the two agree on the department figures; 16 merged shards equal one pass."""
    import numpy as np
    import pandas as pd

    from sparkus.metrics import Tracker

    data = _data(params)
    ours = _sparkus_work(data, params["batch"])()
    pandas_result = _pandas_work(data)()
    dept, funnel, _, overdue = pandas_result
    diffs = {}
    entries = {e["group"]: e for e in ours.groups["department"]}
    for figure in ("participation_rate", "completion_rate", "mean_rating", "nps"):
        mine = np.array([entries[g][figure] for g in dept.index], dtype=float)
        diffs[figure] = float(np.nanmax(np.abs(mine - dept[figure].to_numpy())))
    mine = np.array(
        [np.nan if entries[g]["progress"] is None else entries[g]["progress"]["estimate"]
         for g in dept.index], dtype=float)  # fmt: skip
    diffs["progress"] = float(np.nanmax(np.abs(mine - dept["progress"].to_numpy()), initial=0.0))
    diffs["overdue_steps"] = abs(ours.totals["overdue_steps"] - overdue)
    due = {f["step"]: f["due"] for f in ours.funnel}
    ids = data["schedule"].step_ids
    diffs["funnel_due"] = max(abs(due[ids[int(i)]] - int(v)) for i, v in funnel["due"].items())
    del ours, pandas_result, dept, funnel
    # 16 shard states, folded as they are built (two or three states alive at a time)
    events, shards = data["events"], params["shards"]
    which = np.random.default_rng(7).integers(0, shards, len(events))
    groups = {"department": data["department"]}
    merged = None
    for k in range(shards):
        tracker = Tracker(data["program"], data["schedule"], groups=groups)
        tracker.update(events.take(np.flatnonzero(which == k)))
        merged = tracker if merged is None else merged.merge(tracker)
        del tracker
    one = Tracker(data["program"], data["schedule"], groups=groups)
    for lo in range(0, len(events), params["batch"]):
        one.update(events.take(np.arange(lo, min(lo + params["batch"], len(events)))))
    report = {"max_abs_diff": diffs, "merge_equals_one_pass": bool(merged == one),
              "pandas": pd.__version__, "events": len(events)}  # fmt: skip
    print(CHECK_MARKER + repr(report), flush=True)


# -- in the parent -----------------------------------------------------------------------------


def _side(label: str, side: str, params: Params) -> Side:
    command = (str(HERE / "bench_tracker.py"), "--child", f"tracker:{side}",
               "--params", json.dumps(params))  # fmt: skip
    return Side(label, command)


def _run_check(params: Params) -> dict[str, Any]:
    command = [sys.executable, str(HERE / "bench_tracker.py"), "--check", json.dumps(params)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    line = next(x for x in done.stdout.splitlines() if x.startswith(CHECK_MARKER))
    report: dict[str, Any] = ast.literal_eval(line[len(CHECK_MARKER) :])
    return report


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200,000 events, 1 repeat")
    parser.add_argument("--repeats", type=int, default=None, metavar="N",
                        help="repeats per side (default: 3; 1 with --quick)")  # fmt: skip
    parser.add_argument("--participants", type=int, default=None, metavar="N")
    parser.add_argument("--events", type=int, default=None, metavar="N")
    parser.add_argument("--no-check", action="store_true", help="skip the agreement check")
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
    params = dict(QUICK if args.quick else FULL)
    if args.participants:
        params["n"] = args.participants
    if args.events:
        params["events"] = args.events
    repeats = args.repeats or (1 if args.quick else 3)
    facts = machine_facts()
    name = "tracker_ingest"
    what = (f"Tracker.update of {params['events']:_} events over {params['n']:_} participants "
            f"in batches of {params['batch']:_}, then snapshot()")  # fmt: skip
    print(f"{name}: {what}", file=sys.stderr)
    agreement = {} if args.no_check else _run_check(params)
    ours, theirs = run_interleaved(
        name, _side("sparkus", "sparkus", params), _side("pandas groupby", "peer", params), repeats
    )
    result = CaseResult(name, what, ours, theirs)
    rate = params["events"] / ours.median_seconds
    peer_rate = params["events"] / theirs.median_seconds
    result.notes.append(f"sparkus {rate:,.0f} events/s; pandas {peer_rate:,.0f} events/s")
    if agreement:
        result.notes.append(
            f"same data, pandas {agreement['pandas']}: largest differences "
            + ", ".join(f"{k} {v:.1e}" for k, v in agreement["max_abs_diff"].items())
            + f"; merge of {params['shards']} shard states equals one pass: "
            + str(agreement["merge_equals_one_pass"])
        )
    elapsed = time.perf_counter() - clock
    facts["load_average_after"] = machine_facts()["load_average"]
    versions = facts["versions"]
    print(
        f"sparkus.metrics.Tracker benchmark, {started:%Y-%m-%d %H:%M} UTC, {facts['cpu_count']} "
        f"CPUs, Python {facts['python']}, numpy {versions['numpy']}, pandas {versions['pandas']}"
        f"{' (--quick)' if args.quick else ''}"
    )
    print("ratio = sparkus median / peer median (interleaved runs, fresh process each); "
          "peak = child's peak RSS (+ increment over its baseline after setup)\n")  # fmt: skip
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
