"""Benchmark of ``sparkus.metrics.Tracker`` against a pandas groupby, the machinery of run.py.

Usage: ``python benchmarks/bench_tracker.py [--quick] [--repeats N] [--no-check] [--participants N]
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

The second case, ``tracker_update``, times ``Tracker.update`` alone (no snapshot) against
pandas building the same state: drop repeated ids, then per (participant, step) the first
completion, the latest status, reschedule, rating and score, and the distinct active days; its
untimed check compares the first completion of every slot and the count of active
person-days.

An untimed child checks that the two agree on the department figures and that the merge of 16
shard trackers equals the single pass exactly. Every measurement runs in a fresh child and the
two sides alternate: sparkus, pandas, sparkus, ...
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from _harness import Case, CaseResult, Params, Work, main

FULL: Params = {"n": 1_000_000, "events": 10_000_000, "shards": 16, "batch": 1_000_000}
QUICK: Params = {"n": 20_000, "events": 200_000, "shards": 16, "batch": 50_000}
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


def _update_work(data: dict[str, Any], batch: int) -> Callable[[], Any]:
    """Tracker.update alone: every batch checked and accumulated into the state, no snapshot."""
    import numpy as np

    from sparkus.metrics import Tracker

    events = data["events"]
    chunks = [events.take(np.arange(lo, min(lo + batch, len(events))))
              for lo in range(0, len(events), batch)]  # fmt: skip

    def work() -> Any:
        tracker = Tracker(data["program"], data["schedule"],
                          groups={"department": data["department"]})  # fmt: skip
        for chunk in chunks:
            tracker.update(chunk)
        return tracker

    return work


def _state_pandas_work(data: dict[str, Any]) -> Callable[[], Any]:
    """The tracker's state with pandas: dedupe, then per (participant, step) and per day."""
    import pandas as pd

    events = data["events"]
    frame = pd.DataFrame({"id": events.id, "row": events.participant, "step": events.step,
                          "kind": events.kind, "time": events.time, "value": events.value})  # fmt: skip

    def work() -> Any:
        ev = frame.drop_duplicates("id")
        keys = ["row", "step"]
        done = ev[ev.kind == 0].groupby(keys)["time"].min()
        flow = ev[ev.kind.isin([1, 2, 3])].assign(
            key=lambda d: d.time * 4 + d.kind.map({3: 1, 1: 2, 2: 3})
        )
        status = flow.groupby(keys)["key"].max()
        latest = [ev[mask].sort_values(["time", "value"]).groupby(keys)[["time", "value"]].last()
                  for mask in (ev.kind == 3, ev.kind == 4,
                               (ev.kind == 0) & ev.value.notna())]  # fmt: skip
        marks = ev[ev.kind.isin([0, 4, 5])]
        days = pd.DataFrame({"row": marks.row, "day": marks.time // DAY}).drop_duplicates()
        return done, status, latest, days

    return work


def _floor_work(data: dict[str, Any], batch: int) -> Callable[[], Any]:
    """The bare numpy passes any checked update into this state makes: a floor, not a peer.

    The same state (eight arrays of one value per slot and the active-day bits, in plain pages,
    filled as the tracker fills them), then per batch: one sort of the ids (finding repeats
    needs a sort or a hash), one range test of the rows, one gather of each event's first slot,
    last slot and journey start (one row of a table), the time test, and one gather, op and
    scatter per event into its fact and into the active days. It resolves no repeated slot,
    keeps no second array per fact and builds no report, so it is below what an exact update
    can do.
    """
    import mmap

    import numpy as np

    schedule, events = data["schedule"], data["events"]
    chunks = [events.take(np.arange(lo, min(lo + batch, len(events))))
              for lo in range(0, len(events), batch)]  # fmt: skip
    n, m = len(schedule), schedule.n_slots
    words = max(1, -(-schedule.n_days // 64))
    epoch_day = schedule.epoch_day
    starts = schedule.start_seconds
    span = int(schedule.end_seconds[0] - starts[0])
    table = np.stack([schedule.offsets[:-1], schedule.offsets[1:], starts], axis=1)
    bit = np.left_shift(np.uint64(1), np.arange(64, dtype=np.uint64))

    def plain(size: int, dtype: Any, fill: Any) -> Any:
        out = np.frombuffer(mmap.mmap(-1, size * np.dtype(dtype).itemsize), dtype=dtype)
        if fill:
            out.fill(fill)
        return out

    def work() -> Any:
        facts = [plain(m, np.int64, -1) for _ in range(5)]
        values = [plain(m, np.float64, -np.inf) for _ in range(3)]
        active = plain(n * words, np.uint64, 0)
        for chunk in chunks:
            np.sort(chunk.id)
            row = chunk.participant
            known = (row >= 0) & (row < n)
            info = table[np.where(known, row, 0)]
            slot = info[:, 0] + chunk.step
            good = known & (slot < info[:, 1]) & (chunk.time >= info[:, 2])
            good &= chunk.time < info[:, 2] + span
            kind, time = chunk.kind, chunk.time
            for k in range(5):  # each event's fact: one gather, op and scatter
                sel = good & (kind == k)
                where = slot[sel]
                mine = facts[k][where]
                np.maximum(mine, time[sel], out=mine)
                facts[k][where] = mine
            sel = good & ((kind == 0) | (kind >= 4))
            day = time[sel] // DAY - epoch_day
            word = row[sel] * words + (day >> 6)
            mine = active[word]
            mine |= bit[day & 63]
            active[word] = mine
        return facts, values, active

    return work


def _floor(params: Params) -> Work:
    return _floor_work(_data(params), params["batch"])


def _update_sparkus(params: Params) -> Work:
    return _update_work(_data(params), params["batch"])


def _update_pandas(params: Params) -> Work:
    import pandas as pd  # noqa: F401  (imported before the timing starts)

    return _state_pandas_work(_data(params))


def check_state(params: Params) -> dict[str, Any]:
    """Untimed: the tracker's state equals pandas' per-slot first completions and active days."""
    import numpy as np
    import pandas as pd

    data = _data(params)
    tracker = _update_work(data, params["batch"])()
    done, _, _, days = _state_pandas_work(data)()
    schedule, progress = data["schedule"], tracker.progress
    rows = done.index.get_level_values(0).to_numpy()
    steps = done.index.get_level_values(1).to_numpy()
    slots = schedule.slots_of(rows, steps)
    first_done = np.full(schedule.n_slots, progress.NEVER, dtype=np.int64)
    first_done[slots] = done.to_numpy()
    bits = np.unpackbits(progress.active.view(np.uint8), axis=1, bitorder="little")
    active_days = int(bits.sum())
    return {"first_done_equal": bool(np.array_equal(first_done, progress.first_done)),
            "active_days": active_days, "pandas_active_days": len(days),
            "pandas": pd.__version__, "events": len(data["events"])}  # fmt: skip


def _tracker_sparkus(params: Params) -> Work:
    return _sparkus_work(_data(params), params["batch"])


def _tracker_pandas(params: Params) -> Work:
    import pandas as pd  # noqa: F401  (imported before the timing starts)

    return _pandas_work(_data(params))


def check(params: Params) -> dict[str, Any]:
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
    return {"max_abs_diff": diffs, "merge_equals_one_pass": bool(merged == one),
            "pandas": pd.__version__, "events": len(events)}  # fmt: skip


# -- the case, as the parent sees it ------------------------------------------------------------


def notes(result: CaseResult, params: Params, agreement: dict[str, Any]) -> list[str]:
    rate = params["events"] / result.sparkus.median_seconds
    peer_rate = params["events"] / result.peer.median_seconds
    out = [f"sparkus {rate:,.0f} events/s; pandas {peer_rate:,.0f} events/s"]
    if agreement:
        out.append(
            f"same data, pandas {agreement['pandas']}: largest differences "
            + ", ".join(f"{k} {v:.1e}" for k, v in agreement["max_abs_diff"].items())
            + f"; merge of {params['shards']} shard states equals one pass: "
            + str(agreement["merge_equals_one_pass"])
        )
    return out


def update_notes(result: CaseResult, params: Params, agreement: dict[str, Any]) -> list[str]:
    rate = params["events"] / result.sparkus.median_seconds
    peer_rate = params["events"] / result.peer.median_seconds
    out = [f"sparkus {rate:,.0f} events/s; pandas {peer_rate:,.0f} events/s"]
    if agreement:
        out.append(
            f"same data, pandas {agreement['pandas']}: first completions per slot equal: "
            f"{agreement['first_done_equal']}; active person-days {agreement['active_days']:,} "
            f"(pandas {agreement['pandas_active_days']:,})"
        )
    return out


def floor_notes(result: CaseResult, params: Params, _agreement: dict[str, Any]) -> list[str]:
    rate = params["events"] / result.sparkus.median_seconds
    floor_rate = params["events"] / result.peer.median_seconds
    return [f"sparkus {rate:,.0f} events/s; the bare numpy passes {floor_rate:,.0f} events/s"]


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--participants", type=int, default=None, metavar="N")
    parser.add_argument("--events", type=int, default=None, metavar="N")


def tune(args: argparse.Namespace, params: Params) -> Params:
    if args.participants:
        params["n"] = args.participants
    if args.events:
        params["events"] = args.events
    return params


CASES = [
    Case(
        "tracker_ingest",
        "Tracker.update of {events:_} events over {n:_} participants in batches of {batch:_}, "
        "then snapshot()",
        _tracker_sparkus,
        _tracker_pandas,
        "pandas groupby",
        FULL,
        QUICK,
        check=check,
        notes=notes,
    ),
    Case(
        "tracker_update",
        "Tracker.update of {events:_} events over {n:_} participants in batches of {batch:_} "
        "(the state only, no snapshot)",
        _update_sparkus,
        _update_pandas,
        "pandas: dedupe + groupby of the state",
        FULL,
        QUICK,
        check=check_state,
        notes=update_notes,
    ),
    Case(
        "tracker_floor",
        "Tracker.update of {events:_} events over {n:_} participants in batches of {batch:_} "
        "against the bare numpy passes such an update makes",
        _update_sparkus,
        _floor,
        "numpy: the floor's passes into the same state (no repeats resolved, no report)",
        FULL,
        QUICK,
        notes=floor_notes,
    ),
]

if __name__ == "__main__":
    sys.exit(main(CASES, title="sparkus.metrics.Tracker benchmark", doc=__doc__,
                  script=__file__, options=options, tune=tune))  # fmt: skip
