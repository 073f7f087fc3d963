"""What linked-table suppression costs a snapshot, in time and in cells hidden.

Usage: ``python benchmarks/bench_privacy.py [--quick] [--repeats N] [--no-check]
[--participants N]``.

The timed case: one snapshot's dashboard of 1,000,000 participants (20,000 with ``--quick``)
in three groupings with skewed sizes: department (60 groups), site (25) and level (8). Each is
drawn independently with probabilities proportional to ``1 / rank ** 2.2`` (seeded), so many
cross-classes (a department's people at one site and level) hold fewer than five people; and,
as in any real organisation, a few groups are tiny at every size: two departments of 1 and 3
people and a site of 4. Everyone follows the default spring journey (six sessions of coaching,
mentoring or self-guided reflection); the whole program is simulated (``simulate_events(
schedule, rng=1)``) and the snapshot taken 165 days after the start. sparkus times
``dashboard_at(tracker, at, secondary=True)``: the minimum group size, the change rule and the
linked secondary suppression verified by the attacker's linear programs, which is what
``Tracker.snapshot`` does. The peer is the same call with ``secondary=False`` (the minimum
group size and the change rule only), so the ratio is what the linked suppression adds. The
tracker is built once by an untimed child and saved; each measured child loads it.

The untimed check compares what three rules hide, in cells (one figure of one group, of the
total, a funnel step or a day of the series) and in the people those cells describe:

- *primary only*: ``secondary=False``;
- *per grouping*: the rule sparkus applied before the linked suppression, reproduced here from
  its code: per grouping, the small groups and then the smallest others until the hidden ones
  hold at least the minimum in at least two groups; then the same per figure on the people it
  describes;
- *linked*: ``secondary=True``.

It does so on this population and on the synthetic organisation as ``sparkus demo`` builds it
(``synthetic_org(5_000, seed=0)``, the triaged plan's participants, grouped by department,
level and support type). On the synthetic organisation it also runs
:func:`sparkus.privacy.verify_disclosure` on what each rule publishes, read from the dashboard
as the attacker reads it (``tests/privacy/world.py``): how many findings each leaves exposed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _harness import Case, CaseResult, Params, Work, main

FULL: Params = {"n": 1_000_000}
QUICK: Params = {"n": 20_000}
SEED = 20270104
DAYS = 165
GROUPINGS = {"department": 60, "site": 25, "level": 8}
SKEW = 2.2
TINY = {"department": (1, 3), "site": (4,)}
"""Groups of fixed small size, at any `n` (like the synthetic organisation's one-person
Executive Office): the last two departments and the last site."""
FIGURES = ("participation", "completion", "rating", "progress")
UNIT = {"participation": "started", "completion": "due_people", "rating": "raters",
        "progress": "paired", "overdue": "due_people"}  # fmt: skip
"""Who each figure describes: the per-person column of the exact figures that counts them (the
overdue steps, withheld alone while a completion cell is hidden, describe completion's people)."""


# -- the population ----------------------------------------------------------------------------


def _program(n: int) -> dict[str, Any]:
    """The seeded program, schedule and groupings of `n` participants (no events)."""
    import datetime as dt

    import numpy as np

    from sparkus.model import CostModel, Goal, Program, Season, default_journey, schedule_journeys

    rng = np.random.default_rng(SEED)
    template = default_journey(Season.SPRING, [Goal.LEADERSHIP_DEVELOPMENT])
    program = Program("Bench", (Goal.LEADERSHIP_DEVELOPMENT,), Season.SPRING, 1.0, "EUR",
                      CostModel({}), template)  # fmt: skip
    ids = np.char.add("E", np.char.zfill(np.arange(n).astype(str), 7))
    support = np.array(["coaching", "mentoring", "self_guided_reflection"])[rng.integers(0, 3, n)]
    start = dt.datetime(2027, 3, 1, tzinfo=dt.UTC)
    schedule = schedule_journeys(template, ids, support, np.full(n, 6), start=start)
    groups = {}
    for name, k in GROUPINGS.items():
        tiny = TINY.get(name, ())
        p = 1.0 / np.arange(1, k - len(tiny) + 1) ** SKEW
        labels = np.array([f"{name[0].upper()}{i:02d}" for i in range(k)])
        codes = rng.choice(k - len(tiny), n, p=p / p.sum())
        rows = rng.choice(n, sum(tiny), replace=False)
        codes[rows] = np.repeat(np.arange(k - len(tiny), k), tiny)
        groups[name] = labels[codes]
    return {"program": program, "schedule": schedule, "groups": groups,
            "as_of": start + dt.timedelta(days=DAYS)}  # fmt: skip


def _state_file(params: Params) -> Path:
    return Path(params["workdir"]) / f"tracker-{params['n']}.npz"


def prepare(params: Params) -> None:
    """Untimed, once: simulate the program and save the tracker's state for the children."""
    from sparkus.datasets import simulate_events
    from sparkus.metrics import Tracker

    data = _program(params["n"])
    tracker = Tracker(data["program"], data["schedule"], groups=data["groups"])
    tracker.update(simulate_events(data["schedule"], rng=1, encoded=True))
    tracker.save(_state_file(params))


def _tracker(params: Params) -> tuple[Any, int]:
    """The saved tracker and the snapshot's moment on its clock."""
    from sparkus.metrics import Tracker
    from sparkus.metrics._tracking.snapshot import seconds

    data = _program(params["n"])
    tracker = Tracker.load(_state_file(params), data["program"], data["schedule"])
    return tracker, seconds(data["as_of"])


def _side(secondary: bool) -> Callable[[Params], tuple[Work, Callable[[Any], dict[str, Any]]]]:
    def setup(params: Params) -> tuple[Work, Callable[[Any], dict[str, Any]]]:
        from sparkus.metrics._tracking.snapshot import dashboard_at

        tracker, at = _tracker(params)

        def work() -> Any:
            return dashboard_at(tracker, at, secondary=secondary)

        def report(result: Any) -> dict[str, Any]:
            return {"suppressed_entries": len(result[0].suppressed)}

        return work, report

    return setup


# -- the per-grouping rule, as sparkus applied it before linked suppression ---------------------


def _smallest_first(counts: Any, m: int, hidden: set[int]) -> set[int]:
    """`hidden`, the cells describing 1 to ``m - 1`` people, and then further cells, smallest
    first, until the hidden ones describe at least `m` people in at least two cells (or all are
    hidden). A cell describing nobody has no value to hide. From ``_suppress_figure`` and
    ``sparkus._privacy.suppress_small_groups`` before commit aa9925a."""
    import numpy as np

    primary = set(hidden) | {int(i) for i in np.flatnonzero((counts > 0) & (counts < m))}
    if not primary:
        return primary
    out = set(primary)
    for i in np.argsort(counts, kind="stable"):
        if int(i) in out or counts[i] <= 0:
            continue
        if len(out) >= 2 and int(counts[sorted(out)].sum()) >= m:
            break
        out.add(int(i))
    return out


def per_grouping(tracker: Any, exact: Any, m: int) -> tuple[dict[str, set[int]],
                                                             dict[str, dict[str, set[int]]]]:  # fmt: skip
    """The groups the old rule hides whole, per grouping, and the figures it hides per group."""
    import numpy as np

    whole: dict[str, set[int]] = {}
    figures: dict[str, dict[str, set[int]]] = {}
    for grouping, (names, codes) in tracker.groups.items():
        k = len(names)
        people = np.bincount(codes, minlength=k).astype(np.int64)
        whole[grouping] = _smallest_first(people, m, set())
        figures[grouping] = {}
        for figure in FIGURES:
            counts = np.bincount(codes, exact.person[UNIT[figure]], minlength=k).astype(np.int64)
            figures[grouping][figure] = _smallest_first(counts, m, whole[grouping])
    return whole, figures


def old_dashboard(tracker: Any, exact: Any, primary_only: Any, m: int) -> Any:
    """The dashboard the per-grouping rule publishes: the primary-only dashboard (its totals,
    funnel and series are the old rule's) with the old rule's groups and figures withheld."""
    import attrs

    from sparkus.metrics._tracking.snapshot import _without

    whole, figures = per_grouping(tracker, exact, m)
    groups = {}
    for grouping, (names, _) in tracker.groups.items():
        index = {name: i for i, name in enumerate(names)}
        rows = []
        for shown in primary_only.groups[grouping]:
            i = index[shown.group]
            if i in whole[grouping]:
                continue
            row = shown
            for figure in FIGURES:
                if i in figures[grouping][figure]:
                    row = _without(row, figure)
            rows.append(row)
        groups[grouping] = tuple(rows)
    return attrs.evolve(primary_only, groups=groups)


# -- counting what a dashboard hides -----------------------------------------------------------

Key = tuple[str, str, str]
"""One cell: (grouping, or total, funnel or engagement; the group, step or day; the figure)."""


def cells_hidden(tracker: Any, exact: Any, dashboard: Any) -> set[Key]:
    """The cells a dashboard lists as suppressed; a whole group or total is each of its figures
    that describes someone."""
    import numpy as np

    from sparkus.metrics._tracking.schema import ENGAGEMENT, FUNNEL, TOTALS

    out: set[Key] = set()
    for entry in dashboard.suppressed:
        if entry.grouping == FUNNEL:
            out.add((FUNNEL, entry.group, "completion"))
        elif entry.grouping == ENGAGEMENT:
            out.add((ENGAGEMENT, entry.group, "participation"))
        elif entry.figure is not None:
            out.add((entry.grouping, entry.group, entry.figure))
        else:
            if entry.grouping == TOTALS:
                members = np.ones(len(tracker.schedule), dtype=bool)
            else:
                names, codes = tracker.groups[entry.grouping]
                members = codes == names.index(entry.group)
            out.update((entry.grouping, entry.group, f) for f in FIGURES
                       if np.any(members & (exact.person[UNIT[f]] > 0)))  # fmt: skip
    return out


def cells_per_grouping(tracker: Any, exact: Any, primary_only: Any, m: int) -> set[Key]:
    """The cells the per-grouping rule hides: the primary rule's total, funnel steps and days
    (the old rule's), and per grouping the groups and figures of :func:`per_grouping`."""
    from sparkus.metrics._tracking.schema import ENGAGEMENT, FUNNEL, TOTALS

    out = {key for key in cells_hidden(tracker, exact, primary_only)
           if key[0] in (TOTALS, FUNNEL, ENGAGEMENT)}  # fmt: skip
    _, figures = per_grouping(tracker, exact, m)  # a group hidden whole is in every figure's set
    for grouping, (names, codes) in tracker.groups.items():
        for figure in FIGURES:
            for i in figures[grouping][figure]:
                if (exact.person[UNIT[figure]][codes == i] > 0).any():
                    out.add((grouping, names[i], figure))
    return out


def size(tracker: Any, exact: Any, cells: set[Key]) -> dict[str, int]:
    """How many cells, the people they describe (a person once per cell), and the distinct
    people in hidden group cells."""
    import numpy as np

    from sparkus.metrics._tracking.schema import ENGAGEMENT, FUNNEL, TOTALS

    person, schedule = exact.person, tracker.schedule
    people = 0
    touched = np.zeros(len(schedule), dtype=bool)
    for grouping, group, figure in cells:
        if grouping == FUNNEL:
            people += int(exact.funnel_due[schedule.step_ids.index(group)])
        elif grouping == ENGAGEMENT:  # a day, or a run of days written "first/last"
            first, _, last = group.partition("/")
            days = [int(np.datetime64(d, "D").astype(np.int64)) - schedule.epoch_day
                    for d in (first, last or first)]  # fmt: skip
            people += int(exact.enrolled_day[days[0] : days[1] + 1].sum())
        elif grouping == TOTALS:
            people += int(person[UNIT[figure]].sum())
        else:
            names, codes = tracker.groups[grouping]
            described = (codes == names.index(group)) & (person[UNIT[figure]] > 0)
            people += int(described.sum())
            touched |= described
    return {"cells": len(cells), "people_in_cells": people, "distinct_people": int(touched.sum())}


def verify(tracker: Any, dashboard: Any) -> dict[str, Any]:
    """The verifier on what `dashboard` publishes: hidden cells checked, findings exposed."""
    import time

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "privacy"))
    from world import published  # the attacker's reading of a dashboard, as the tests use it

    from sparkus.privacy import verify_disclosure

    started = time.perf_counter()
    check = verify_disclosure(list(published(tracker, dashboard).values()))
    return {
        "hidden": sum(1 for c in check.cells if c.kind == "hidden"),
        "exposed": len(check.exposed),
        "exposed_hidden": sum(1 for c in check.exposed if c.kind == "hidden"),
        "findings": [(c.figure, c.cell, c.kind, c.low, c.high, c.required) for c in check.exposed],
        "seconds": round(time.perf_counter() - started, 2),
    }


def compare(tracker: Any, at: int, *, run_verifier: bool) -> dict[str, Any]:
    """The three rules on one tracker at `at`: what each hides, and the verifier's verdicts."""
    import time

    from sparkus.metrics._tracking.figures import exact_figures
    from sparkus.metrics._tracking.snapshot import dashboard_at

    m = tracker.program.min_group_size
    exact = exact_figures(tracker, at)
    primary, _ = dashboard_at(tracker, at, secondary=False)
    started = time.perf_counter()
    linked, _ = dashboard_at(tracker, at, secondary=True)
    linked_seconds = time.perf_counter() - started
    dashboards = {"primary only": primary,
                  "per grouping": old_dashboard(tracker, exact, primary, m),
                  "linked": linked}  # fmt: skip
    out: dict[str, Any] = {"participants": len(tracker.schedule),
                           "linked_seconds": round(linked_seconds, 2)}  # fmt: skip
    hidden = {"primary only": cells_hidden(tracker, exact, primary),
              "per grouping": cells_per_grouping(tracker, exact, primary, m),
              "linked": cells_hidden(tracker, exact, linked)}  # fmt: skip
    for name, dashboard in dashboards.items():
        row: dict[str, Any] = dict(size(tracker, exact, hidden[name]))
        if run_verifier:  # the small case: the cells themselves too
            row["verifier"] = verify(tracker, dashboard)
            row["hidden_cells"] = sorted(hidden[name])
        out[name] = row
    return out


def demo_tracker() -> tuple[Any, int]:
    """The tracker ``sparkus demo`` builds (n = 5,000, seed 0) and its snapshot's moment."""
    import numpy as np

    from sparkus.cli._demo import PROGRAM_START, _planning
    from sparkus.datasets import simulate_events, synthetic_org
    from sparkus.metrics import Tracker
    from sparkus.metrics._tracking.snapshot import seconds
    from sparkus.model import schedule_journeys
    from sparkus.triage import triage

    org = synthetic_org(5_000, seed=0)
    triaged = triage(org.population, program=org.program)
    _, plan = _planning(org, triaged)
    supported = np.flatnonzero(np.array([s is not None for s in plan.support]))
    schedule = schedule_journeys(org.program.journey, plan.ids[supported],
                                 plan.support[supported], plan.sessions[supported],
                                 start=PROGRAM_START, excess="truncate")  # fmt: skip
    events = simulate_events(schedule, rng=org.seed, readiness=triaged.level[supported])
    groups = {by: org.population.decode(by).astype(str)[supported]
              for by in ("department", "level")}  # fmt: skip
    groups["support_type"] = np.array([s.value for s in plan.support[supported]], dtype=object)
    tracker = Tracker(org.program, schedule, groups=groups)
    tracker.update(events)
    return tracker, seconds(tracker.latest())


def check(params: Params) -> dict[str, Any]:
    """Untimed: what each rule hides, on the demo's organisation and on this population."""
    tracker, at = demo_tracker()
    demo = compare(tracker, at, run_verifier=True)
    tracker, at = _tracker(params)
    bench = compare(tracker, at, run_verifier=False)
    return {"synthetic_org": demo, "bench": bench}


# -- the case, as the parent sees it ------------------------------------------------------------


def _say(label: str, found: dict[str, Any]) -> str:
    parts = []
    for rule in ("primary only", "per grouping", "linked"):
        row = found[rule]
        text = (f"{rule} {row['cells']} cells, {row['people_in_cells']:,} people in them "
                f"({row['distinct_people']:,} distinct in hidden group cells)")  # fmt: skip
        if "verifier" in row:
            v = row["verifier"]
            text += f", verifier: {v['exposed']} exposed ({v['exposed_hidden']} hidden cells)"
        parts.append(text)
    return f"{label} ({found['participants']:,} participants): " + "; ".join(parts)


def notes(result: CaseResult, _params: Params, agreement: dict[str, Any]) -> list[str]:
    added = result.sparkus.median_seconds - result.peer.median_seconds
    out = [(f"linked suppression adds {added:.2f} s to a snapshot of "
            f"{result.peer.median_seconds:.2f} s ({result.ratio:.1f}x)")]  # fmt: skip
    if agreement:
        out.append(_say("synthetic organisation", agreement["synthetic_org"]))
        out.append(_say("this population", agreement["bench"]))
    return out


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--participants", type=int, default=None, metavar="N")


def tune(args: argparse.Namespace, params: Params) -> Params:
    if args.participants:
        params["n"] = args.participants
    return params


CASES = [
    Case(
        "linked_suppression",
        "dashboard_at(secondary=True) of {n:_} participants in three skewed groupings",
        _side(secondary=True),
        _side(secondary=False),
        "snapshot without linked suppression",
        FULL,
        QUICK,
        prepare=prepare,
        check=check,
        notes=notes,
    )
]

if __name__ == "__main__":
    sys.exit(main(CASES, title="sparkus linked-table suppression benchmark", doc=__doc__,
                  script=__file__, options=options, tune=tune))  # fmt: skip
