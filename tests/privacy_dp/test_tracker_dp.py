"""Tracker.private_snapshot: the dashboard's figures released with differential privacy.

The exact aggregates are checked against a hand count of a small organisation and against the
exact snapshot's figures; the release against the split of ε that the engine documents (scales
in closed form), the ledger across releases, the seed, and the doors. Releases drawn through
OpenDP are checked by their structure only (its noise cannot be seeded); seeded ones exactly.
"""

from __future__ import annotations

import datetime as dt
import math
import subprocess
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from sparkus import InfeasibleError, SchemaError, SparkusWarning
from sparkus.datasets import simulate_events, synthetic_org
from sparkus.metrics import Tracker
from sparkus.metrics._tracking.private import contribution_bounds, exact_aggregates
from sparkus.metrics._tracking.snapshot import seconds
from sparkus.model import (
    CostModel,
    Goal,
    Program,
    Season,
    SupportType,
    default_journey,
    schedule_journeys,
)
from sparkus.privacy import (
    DifferentialPrivacy,
    ExactCount,
    ExactRate,
    ExactSum,
    NoisyCount,
    NoisyRate,
    NoisySum,
    PrivacyLedger,
    PrivateRelease,
    release_private,
)

START = dt.datetime(2027, 1, 4, tzinfo=dt.UTC)
TEMPLATE = default_journey(Season.WINTER, [Goal.LEADERSHIP_DEVELOPMENT])
# The default winter journey, printed: 8 steps every journey shares (kickoff, vision,
# self-assessment, manager-feedback, checkpoint-mid and checkpoint-final required; pulse-1 and
# pulse-2 not), then 6 coaching and 6 mentoring sessions (required) and 6 reflection exercises
# (not required). The longest journey: 8 + 6 = 14 slots, 6 + 6 = 12 of them required.
REQUIRED_BOUND, SLOT_BOUND = 12, 14
FIGURES = ("participants", "participation", "completion", "rating")


def day(d: float) -> dt.datetime:
    return START + dt.timedelta(days=d)


def tracker_of(teams: Sequence[str], *, k: int = 5) -> Tracker:
    """Coaching (4 sessions) for everyone, all starting on day 0, grouped by team."""
    n = len(teams)
    program = Program("Pilot", (Goal.LEADERSHIP_DEVELOPMENT,), Season.WINTER, 1e5, "EUR",
                      CostModel({SupportType.COACHING: 200.0}), TEMPLATE, min_group_size=k)  # fmt: skip
    schedule = schedule_journeys(TEMPLATE, [f"p{i:03d}" for i in range(n)],
                                 [SupportType.COACHING] * n, [4] * n, start=START)  # fmt: skip
    return Tracker(program, schedule, groups={"team": np.asarray(teams)})


def events(rows: Sequence[tuple[int, str, str, float, float]]) -> dict[str, object]:
    """Event columns from rows ``(person, kind, step, day, value)``."""
    base = np.datetime64("2027-01-04T00:00", "s")
    return {
        "id": np.arange(len(rows)),
        "participant": np.array([f"p{r[0]:03d}" for r in rows]),
        "kind": np.array([r[1] for r in rows]),
        "step": np.array([r[2] for r in rows]),
        "time": np.array([base + round(r[3] * 86_400) for r in rows]),
        "value": np.array([r[4] for r in rows], dtype=float),
    }


NAN = math.nan
# Team A: p0..p4 (5 people), team B: p5..p7 (3, under the minimum group size of 5).
HAND = [
    (0, "step_completed", "kickoff", 0.5, NAN),
    (0, "session_rated", "kickoff", 0.6, 8.0),
    (1, "step_completed", "kickoff", 1.0, NAN),
    (1, "step_completed", "vision", 4.0, NAN),
    (1, "session_rated", "vision", 4.1, 6.0),
    (2, "activity", "", 12.0, NAN),
    (5, "step_completed", "kickoff", 0.5, NAN),
    (5, "session_rated", "kickoff", 0.7, 10.0),
    (5, "activity", "", 19.0, NAN),
    (6, "step_completed", "self-assessment", 21.0, NAN),  # after as_of: not counted
]
AS_OF = day(20.5)


def hand_tracker() -> Tracker:
    tracker = tracker_of(["A"] * 5 + ["B"] * 3)
    tracker.update(events(HAND)).raise_for_rejected()
    return tracker


def test_contribution_bounds_are_the_longest_journey_of_the_template() -> None:
    """12 required steps and 14 slots for the default winter journey, counted from its print."""
    assert contribution_bounds(TEMPLATE) == (REQUIRED_BOUND, SLOT_BOUND)


def test_exact_aggregates_match_a_hand_count() -> None:
    """Every cell of a small organisation's release equals the figure counted by hand.

    By day 20.5 each person has 5 required steps due (kickoff 0, vision 3, self-assessment 7,
    manager-feedback 10, coaching-1 14). Active in the 14 days ending day 20: p2 (day 12) and
    p5 (day 19). Ratings: A 8 + 6 over 2, B 10 over 1.
    """
    tracker = hand_tracker()
    cells = exact_aggregates(tracker, seconds(AS_OF))
    assert list(cells) == [f"{g}/{f}" for g in ("total", "team") for f in FIGURES]
    expected = {
        "total": ("all", 8, (2, 8), (4, 40), (24.0, 3)),
        "A": ("A", 5, (1, 5), (3, 25), (14.0, 2)),
        "B": ("B", 3, (1, 3), (1, 15), (10.0, 1)),
    }
    for key, (group, n, active, done, rating) in expected.items():
        grouping = "total" if key == "total" else "team"
        assert cells[f"{grouping}/participants"][group] == ExactCount(n)
        assert cells[f"{grouping}/participation"][group] == ExactRate(*active)
        assert cells[f"{grouping}/completion"][group] == ExactRate(*done, per_person=REQUIRED_BOUND)
        assert cells[f"{grouping}/rating"][group] == ExactSum(
            rating[0], rating[1], 0.0, 10.0, per_person=SLOT_BOUND
        )


def _synthetic(n: int = 400) -> Tracker:
    org = synthetic_org(n, seed=3)
    level = org.population.decode("level")
    support = np.where(level == "manager", "mentoring", "self_guided_reflection")
    starts = [day(0 if i % 4 else 90) for i in range(n)]  # a quarter not started by day 75
    schedule = schedule_journeys(org.program.journey, org.population["id"], support,
                                 np.full(n, 4), start=starts, excess="truncate")  # fmt: skip
    groups = {"department": org.population.decode("department"),
              "site": org.population.decode("site")}  # fmt: skip
    tracker = Tracker(org.program, schedule, groups=groups)
    tracker.update(simulate_events(schedule, rng=2))
    return tracker


def test_exact_aggregates_equal_the_exact_snapshot_for_every_published_group() -> None:
    """For each group the exact snapshot shows, and the totals, the aggregates give its figures."""
    tracker = _synthetic()
    snap = tracker.snapshot(day(75), release=False)
    cells = exact_aggregates(tracker, seconds(day(75)))
    compared = 0
    rows = [("total", "all", snap.totals)]
    rows += [(g, row.group, row) for g in tracker.groups for row in snap.groups[g]]
    for grouping, group, row in rows:
        count = cells[f"{grouping}/participants"][group]
        assert isinstance(count, ExactCount)
        assert count.count == row["participants"]
        pairs = (
            ("participation_rate", cells[f"{grouping}/participation"][group]),
            ("completion_rate", cells[f"{grouping}/completion"][group]),
            ("mean_rating", cells[f"{grouping}/rating"][group]),
        )
        for field, cell in pairs:
            shown = row[field]
            if shown is None:  # hidden by the exact snapshot's protection
                continue
            value = cell.mean if isinstance(cell, ExactSum) else cell.rate  # type: ignore[union-attr]
            assert value == pytest.approx(shown, rel=1e-12), (grouping, group, field)
            compared += 1
    assert compared >= 20
    started = cells["total/participation"]["all"]
    assert isinstance(started, ExactRate)
    assert started.denominator == 300  # the rate is of those started, not of everyone
    # and the release has every group the tracker knows, hidden or not
    for grouping, (names, _) in tracker.groups.items():
        for figure in FIGURES:
            assert list(cells[f"{grouping}/{figure}"]) == names
    hidden = {s["group"] for s in snap.suppressed if s["grouping"] == "department"}
    assert hidden  # the one-person Executive Office at least
    assert hidden <= set(cells["department/participants"])


def _seeded(tracker: Tracker, options: DifferentialPrivacy, **kwargs: object) -> PrivateRelease:
    with pytest.warns(SparkusWarning, match="seeded"):
        return tracker.private_snapshot(options, as_of=AS_OF, **kwargs)  # type: ignore[arg-type]


def test_every_group_is_published_none_suppressed() -> None:
    """Team B (3 people, hidden from the exact snapshot) is in every partition of the release."""
    tracker = hand_tracker()
    exact = tracker.snapshot(AS_OF, release=False)
    assert "B" not in [r.group for r in exact.groups["team"]]
    assert any(s["group"] == "B" for s in exact.suppressed)
    release = _seeded(tracker, DifferentialPrivacy(1.0, 10.0), rng=0)
    assert {p: list(c) for p, c in release.cells.items()} == {
        **{f"total/{f}": ["all"] for f in FIGURES},
        **{f"team/{f}": ["A", "B"] for f in FIGURES},
    }
    assert tracker.releases == 0  # a private release is not an exact release


def test_noise_scales_follow_the_split_in_closed_form() -> None:
    """Eight partitions: ε/8 each, ε/16 per number of a two-number cell, scale Δ / ε_number.

    Δ: 1 for people, 12 required steps for completion, 14 slots x (10 - 0) / 2 for the
    rating sum (released about the scale's middle).
    """
    epsilon = 0.8
    release = _seeded(hand_tracker(), DifferentialPrivacy(epsilon, 10.0), rng=1)
    assert dict(release.epsilon_by_partition) == pytest.approx(
        dict.fromkeys(release.cells, epsilon / 8), rel=1e-9
    )
    count = release.cells["team/participants"]["B"]
    rate = release.cells["team/participation"]["B"]
    completion = release.cells["team/completion"]["B"]
    rating = release.cells["team/rating"]["B"]
    assert isinstance(count, NoisyCount)
    assert isinstance(rate, NoisyRate)
    assert isinstance(completion, NoisyRate)
    assert isinstance(rating, NoisySum)
    assert count.scale == pytest.approx(1 / (epsilon / 8), rel=1e-9)
    assert rate.scales == pytest.approx((1 / (epsilon / 16),) * 2, rel=1e-9)
    assert completion.scales == pytest.approx((12 / (epsilon / 16),) * 2, rel=1e-9)
    assert rating.scales == pytest.approx((14 / (epsilon / 16), 14 * 5 / (epsilon / 16)),
                                          rel=1e-9)  # fmt: skip


def _releases_numbers(release: PrivateRelease) -> dict[tuple[str, object], list[float]]:
    out: dict[tuple[str, object], list[float]] = {}
    for partition, cells in release.cells.items():
        for group, cell in cells.items():
            scales = [cell.scale] if isinstance(cell, NoisyCount) else list(cell.scales)
            out[partition, group] = scales
    return out


def _numbers(aggregate: object) -> list[float]:
    """The numbers a cell releases, in the order of its scales (a sum about its middle)."""
    if isinstance(aggregate, ExactCount):
        return [aggregate.count]
    if isinstance(aggregate, ExactRate):
        return [aggregate.numerator, aggregate.denominator]
    assert isinstance(aggregate, ExactSum)
    return [aggregate.count, aggregate.total - 5.0 * aggregate.count]


def test_the_busiest_participant_costs_at_most_epsilon() -> None:
    """Removing one participant who did every step due and rated six slots 0 costs <= ε.

    The loss of independent Laplace noises is the sum over released numbers of |change| /
    scale. The template's bounds must cover what one real journey contributes. Closed form,
    in each of the two groupings (total and team), with ε/8 per partition: participants 1,
    participation 1 + 1 (halves), completion 5/12 + 5/12 (halves), rating 6/14 for the count
    and 6 x 5 / (14 x 5) for the sum about the middle (halves): (ε/8)(2 + 5/12 + 6/14).
    """
    teams = ["A"] * 5 + ["B"] * 3
    busy = 7  # in team B; everything due by day 20.5, completed and rated 10
    rows = list(HAND)
    for step, due in (("kickoff", 0), ("vision", 3), ("self-assessment", 7),
                      ("manager-feedback", 10), ("coaching-1", 14), ("pulse-1", 30)):  # fmt: skip
        rows.append((busy, "step_completed", step, min(due + 0.2, 20.0), NAN))
        rows.append((busy, "session_rated", step, min(due + 0.3, 20.2), 0.0))
    with_ = tracker_of(teams)
    with_.update(events(rows)).raise_for_rejected()
    without = tracker_of(teams[:busy])
    without.update(events([r for r in rows if r[0] != busy])).raise_for_rejected()
    epsilon = 0.5
    release = _seeded(with_, DifferentialPrivacy(epsilon, 10.0), rng=4)
    before = exact_aggregates(with_, seconds(AS_OF))
    after = exact_aggregates(without, seconds(AS_OF))
    scales = _releases_numbers(release)
    loss = 0.0
    for partition, cells in before.items():
        for group, aggregate in cells.items():
            change = np.abs(np.subtract(_numbers(aggregate), _numbers(after[partition][group])))
            loss += float(np.sum(change / np.array(scales[partition, group])))
    assert loss <= epsilon * (1 + 1e-9)
    assert loss == pytest.approx(2 * (epsilon / 8) * (2 + 5 / 12 + 6 / 14), rel=1e-9)


def test_the_ledger_is_spent_across_releases_and_refuses_past_the_budget() -> None:
    """0.4 + 0.4 fit a budget of 1; the third release is refused and the ledger kept as it was."""
    tracker = hand_tracker()
    options = DifferentialPrivacy(0.4, 1.0)
    first = tracker.private_snapshot(options, as_of=day(10))
    second = tracker.private_snapshot(options, as_of=day(20), ledger=first.ledger)
    assert (first.spent, second.spent) == pytest.approx((0.4, 0.8))
    assert second.remaining == pytest.approx(0.2)
    assert second.ledger.labels == (day(10).isoformat(), day(20).isoformat())
    assert first.ledger.n_releases == 1  # a ledger never changes
    with pytest.raises(InfeasibleError, match=r"only 0\.2 of the total budget 1 remains"):
        tracker.private_snapshot(options, as_of=AS_OF, ledger=second.ledger)
    assert second.ledger.n_releases == 2
    summary = second.summary()
    assert "spent, all releases" in summary
    assert "0.8" in summary


def test_a_saved_ledger_carries_the_budget_to_the_next_release() -> None:
    """A ledger written with to_dict and read back refuses as the original does."""
    tracker = hand_tracker()
    options = DifferentialPrivacy(1.0, 2.0)
    ledger = PrivacyLedger(2.0)
    for d in (7, 14):
        ledger = PrivacyLedger.from_dict(
            tracker.private_snapshot(options, as_of=day(d), ledger=ledger).ledger.to_dict()
        )
    assert ledger.spent == 2.0
    with pytest.raises(InfeasibleError):
        tracker.private_snapshot(options, as_of=AS_OF, ledger=ledger)


def test_a_seed_reproduces_the_release_exactly() -> None:
    """The same seed gives the same figures (those of the engine on the exact aggregates)."""
    tracker = hand_tracker()
    options = DifferentialPrivacy(1.0, 10.0)
    one, two = _seeded(tracker, options, rng=5), _seeded(tracker, options, rng=5)
    other = _seeded(tracker, options, rng=6)
    assert one.cells == two.cells
    assert one.cells != other.cells
    assert one.seeded
    assert "NOT private" in one.summary()
    with pytest.warns(SparkusWarning):
        engine = release_private(exact_aggregates(tracker, seconds(AS_OF)), options,
                                 label=AS_OF.isoformat(), rng=5)  # fmt: skip
    assert engine.cells == one.cells
    assert engine.ledger == one.ledger
    unseeded = tracker.private_snapshot(options, as_of=AS_OF)
    assert not unseeded.seeded


@pytest.mark.parametrize(
    ("label", "kwargs", "names"),
    [
        ("options a dict", {"options": {"epsilon_per_release": 1.0}}, ("options",)),
        ("options None", {"options": None}, ("options",)),
        ("ledger a float", {"ledger": 1.0}, ("ledger",)),
        ("ledger of another budget", {"ledger": PrivacyLedger(3.0)}, ("ledger", "total")),
        ("rng negative", {"rng": -1}, ("rng",)),
        ("rng text", {"rng": "seed"}, ("rng",)),
        ("as_of naive", {"as_of": dt.datetime(2027, 1, 20)}, ("as_of",)),
        ("as_of a date", {"as_of": dt.date(2027, 1, 20)}, ("as_of",)),
    ],
)
def test_bad_arguments_are_schema_errors_naming_the_parameter(
    label: str, kwargs: dict[str, object], names: tuple[str, ...]
) -> None:
    """Each bad argument raises SchemaError whose message names it; nothing is drawn."""
    tracker = hand_tracker()
    arguments: dict[str, object] = {"options": DifferentialPrivacy(1.0, 2.0), **kwargs}
    options = arguments.pop("options")
    with pytest.raises(SchemaError) as info:
        tracker.private_snapshot(options, **arguments)  # type: ignore[arg-type]
    for name in names:
        assert name in str(info.value), (label, str(info.value))


def test_bad_options_name_their_field() -> None:
    """The options refuse a zero ε and a budget below one release, naming each field."""
    with pytest.raises(SchemaError, match="epsilon_per_release"):
        DifferentialPrivacy(0.0, 1.0)
    with pytest.raises(SchemaError, match="total_epsilon"):
        DifferentialPrivacy(2.0, 1.0)


def test_every_problem_at_once() -> None:
    """One SchemaError lists the problems of every argument, in the signature's order."""
    tracker = hand_tracker()
    with pytest.raises(SchemaError) as info:
        tracker.private_snapshot("options", as_of="today", ledger=2, rng=-1)  # type: ignore[arg-type]
    assert [p.location for p in info.value.problems] == ["as_of", "options", "ledger", "rng"]


def test_a_grouping_named_total_is_refused() -> None:
    """A grouping called "total" would share the totals' partitions: the tracker refuses it."""
    program = hand_tracker().program
    schedule = hand_tracker().schedule
    with pytest.raises(SchemaError, match=r"groups\.total"):
        Tracker(program, schedule, groups={"total": ["x"] * len(schedule)})


SRC = Path(__file__).resolve().parents[2] / "src"


def test_importing_sparkus_privacy_loads_neither_opendp_nor_scipy_optimize() -> None:
    """`import sparkus.privacy` (and its DP names) stays light: OpenDP loads with a release."""
    code = (
        "import sys\n"
        "import sparkus.privacy as p\n"
        "p.DifferentialPrivacy(1.0, 2.0); p.PrivacyLedger(2.0)\n"
        "print(sorted(m for m in sys.modules if m.startswith(('opendp', 'scipy.optimize'))))\n"
        "import sparkus\n"
        "print(sparkus.privacy is p, 'privacy' in sparkus.__all__)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={"PYTHONPATH": str(SRC)}, check=True, timeout=60)  # fmt: skip
    assert done.stdout.splitlines() == ["[]", "True True"]


def test_an_opendp_release_keeps_every_figure_in_range() -> None:
    """Through OpenDP at a small ε: counts >= 0, rates in [0, 1], means on the 0-10 scale."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no seeded warning: this noise is OpenDP's
        release = hand_tracker().private_snapshot(DifferentialPrivacy(0.05, 1.0), as_of=AS_OF)
    assert release.n_cells == 12
    for cells in release.cells.values():
        for cell in cells.values():
            if isinstance(cell, NoisyCount):
                assert cell.count >= 0
            elif isinstance(cell, NoisyRate):
                assert 0 <= cell.numerator <= cell.denominator
            else:
                assert cell.mean is None or 0.0 <= cell.mean <= 10.0
