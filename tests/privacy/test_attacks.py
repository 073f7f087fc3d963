"""The four attacks of issue 13, through a real Tracker, the fairness audit and subgroup effects.

Each attack is tried twice: against what sparkus publishes (nothing is recovered: the verifier,
whose ranges ``test_verify.py`` checks against a per-person attacker, finds every hidden cell
protected), and against a release without the defence (``secondary=False``, no ledger, the
totals published), where the same attack recovers the hidden figure exactly, so each test can
fail.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from sparkus._privacy import CHANGED, COMPLEMENTARY, EARLIER, OVERLAPPING, SMALL, UNRELEASED
from sparkus.datasets import simulate_events
from sparkus.metrics import subgroup_effects
from sparkus.metrics._tracking.figures import exact_figures
from sparkus.metrics._tracking.snapshot import dashboard_at, seconds
from sparkus.privacy import Cell, Figure, verify_disclosure
from sparkus.triage import audit
from tests.privacy.world import (
    day,
    events,
    figure_range,
    published,
    released,
    tracker_of,
)

RULES = (SMALL, COMPLEMENTARY, CHANGED, OVERLAPPING, EARLIER, UNRELEASED)

# -- (a) across groupings --------------------------------------------------------------------------

# department Legal 3 / Tech 5 / Ops 8 / Sales 6; site Berlin = Tech + six of the Ops people;
# level "executive" = exactly those six. No grouping refines another.
DEPT = np.array(["Legal"] * 3 + ["Tech"] * 5 + ["Ops"] * 8 + ["Sales"] * 6)
_OPS = np.flatnonzero(DEPT == "Ops")
EXECUTIVE = np.isin(np.arange(len(DEPT)), _OPS[2:])
SITE = np.where((DEPT == "Tech") | EXECUTIVE, "Berlin", "Paris")
LEVEL = np.where(EXECUTIVE, "executive", "staff")


def _groupings_tracker():
    """Most people active and through the kickoff by day 5 (Legal: two of three)."""
    tracker = tracker_of({"department": DEPT, "site": SITE, "level": LEVEL})
    inactive = {1, 10, 17, 20}
    rows = []
    for p in range(len(DEPT)):
        if p not in inactive:
            rows.append((p, "activity", "", 1.0 + 0.01 * p, np.nan))
            rows.append((p, "step_completed", "kickoff", 0.5, np.nan))
    tracker.update(events(rows))
    return tracker


def _row(snap, grouping, group):
    return {r.group: r for r in snap.groups[grouping]}.get(group)


def test_across_groupings_the_snapshot_protects_every_hidden_cell():
    """Department, site and level together: every hidden cell keeps its width."""
    tracker = _groupings_tracker()
    snap = tracker.snapshot(day(5))
    check = verify_disclosure(list(published(tracker, snap).values()))
    assert check.protected, check.exposed
    hidden = {(c.figure, c.cell) for c in check.cells if c.kind == "hidden"}
    assert ("active", "department=Legal") in hidden
    # the sum can no longer be formed from the document: a term of it is withheld
    terms = [
        snap.totals.active,
        _row(snap, "department", "Sales"),
        _row(snap, "department", "Ops"),
        _row(snap, "site", "Berlin"),
        _row(snap, "level", "executive"),
    ]
    assert any(t is None or (not isinstance(t, int) and t.active is None) for t in terms)


def test_across_groupings_without_linked_suppression_recovers_legal():
    """secondary=False: totals - Sales - Ops - (Berlin - executive) is Legal's count, exactly."""
    tracker = _groupings_tracker()
    at = seconds(day(5))
    snap, _ = dashboard_at(tracker, at, secondary=False)
    person = exact_figures(tracker, at).person
    legal_active = int(person["active"][DEPT == "Legal"].sum())
    assert legal_active == 2
    # the attacker's sum, read from the document
    rows = {(g, r.group): r.active for g in snap.groups for r in snap.groups[g]}
    recovered = (
        snap.totals.active
        - rows["department", "Sales"]
        - rows["department", "Ops"]
        - (rows["site", "Berlin"] - rows["level", "executive"])
    )
    assert recovered == legal_active
    # and the verifier finds the same
    check = verify_disclosure(list(published(tracker, snap).values()))
    assert not check.protected
    (legal,) = [c for c in check.cells if (c.figure, c.cell) == ("active", "department=Legal")]
    assert (legal.low, legal.high, legal.protected) == (2.0, 2.0, False)


# -- (b) across time ---------------------------------------------------------------------------------

# Sales 7, Tech 6, Ops 6 with pre and post scores; Sales' person 6 is paired only later
TIME_DEPT = ["Sales"] * 7 + ["Tech"] * 6 + ["Ops"] * 6
_rng = np.random.default_rng(3)
PRE = np.round(_rng.uniform(2, 4, len(TIME_DEPT)), 1)
POST = np.round(PRE + _rng.uniform(-0.5, 1.5, len(TIME_DEPT)), 1)
LATE = [6, 0, 1, 2, 3]
"""Sales people whose post score arrives after the first release: 6, then 0..3 (for 3+ releases)."""


def _scores(people, post_day):
    rows = []
    for p in people:
        rows.append((p, "step_completed", "self-assessment", 7.5, PRE[p]))
        rows.append((p, "step_completed", "checkpoint-final", post_day + 0.01 * p, POST[p]))
    return rows


def _first_batch():
    return _scores([p for p in range(len(TIME_DEPT)) if p != 6], 20.0)


def _progress(snap, group):
    return _row(snap, "department", group).progress


def test_across_time_the_ledger_hides_a_change_of_one():
    """Sales' progress n 6 -> 7: the second release withholds it, and nothing is recoverable."""
    tracker = tracker_of({"department": TIME_DEPT})
    tracker.update(events(_first_batch()))
    first = tracker.snapshot(day(25))
    assert _progress(first, "Sales").n == 6
    tracker.update(events(_scores([6], 30.0), first_id=1_000))
    second = tracker.snapshot(day(35))
    assert tracker.releases == 2
    assert _progress(second, "Sales") is None
    (why,) = [s for s in second.suppressed if s.group == "Sales" and s.figure == "progress"]
    assert why.reason == CHANGED
    figures = released(tracker, [first, second])
    check = verify_disclosure(figures)
    assert check.protected, check.exposed
    # the newcomer's own change is not pinned: an independent attacker over both releases
    progress = {f.name: f for f in figures}["progress"]
    newcomer = np.arange(len(TIME_DEPT)) == 6
    low, high = figure_range(progress, newcomer, len(TIME_DEPT))
    assert high - low > 0.5 * (progress.high[6] - progress.low[6])


def test_across_time_without_the_ledger_the_difference_gives_the_newcomer():
    """A tracker that forgot its first release shows Sales again: 7 m2 - 6 m1 is person 6's change."""
    remembering = tracker_of({"department": TIME_DEPT})
    remembering.update(events(_first_batch()))
    first = remembering.snapshot(day(25))
    forgetful = tracker_of({"department": TIME_DEPT})
    forgetful.update(events(_first_batch()))
    forgetful.update(events(_scores([6], 30.0), first_id=1_000))
    second = forgetful.snapshot(day(35))  # no memory of `first`
    m1, m2 = _progress(first, "Sales"), _progress(second, "Sales")
    assert (m1.n, m2.n) == (6, 7)
    assert 7 * m2.estimate - 6 * m1.estimate == pytest.approx(POST[6] - PRE[6], abs=1e-9)
    # the verifier sees it too: a group of one person, pinned across the two releases
    figures = released(forgetful, [first, second])
    check = verify_disclosure(figures)
    assert not check.protected
    pinned = [c for c in check.exposed if c.figure == "progress" and c.kind == "group"]
    assert [(c.low, c.high) for c in pinned] == [pytest.approx((POST[6] - PRE[6],) * 2)]


def test_across_four_releases_a_cell_stays_hidden_until_k_have_changed():
    """6, 7, 9 then 11 paired in Sales: hidden while fewer than 5 changed since a value shown
    or withheld (11 is two people from the 9 withheld before)."""
    tracker = tracker_of({"department": TIME_DEPT + ["Sales"] * 4})
    n = len(TIME_DEPT) + 4
    global_pre = np.r_[PRE, [3.0, 2.5, 3.5, 2.0]]
    global_post = np.r_[POST, [3.4, 3.5, 3.0, 3.1]]

    def scores(people, post_day, first_id):
        rows = []
        for p in people:
            rows.append((p, "step_completed", "self-assessment", 7.5, global_pre[p]))
            rows.append(
                (p, "step_completed", "checkpoint-final", post_day + 0.01 * p, global_post[p])
            )
        return events(rows, first_id=first_id)

    first_people = [p for p in range(len(TIME_DEPT)) if p != 6]
    tracker.update(scores(first_people, 20.0, 0))
    snaps = [tracker.snapshot(day(25))]
    for batch, (people, when) in enumerate([([6], 30.0), ([19, 20], 40.0), ([21, 22], 50.0)]):
        tracker.update(scores(people, when, 1_000 * (batch + 1)))
        snaps.append(tracker.snapshot(day(when + 5)))
    assert tracker.releases == 4
    shown = [_progress(s, "Sales") for s in snaps]
    # release 3 shows 11, but release 2 withheld 9 of them: two people from that value
    assert [p.n if p is not None else None for p in shown] == [6, None, None, None]
    check = verify_disclosure(released(tracker, snaps))
    assert check.protected, check.exposed
    # the attacker with all four releases knows the five newcomers' total, not any one of them
    progress = {f.name: f for f in released(tracker, snaps)}["progress"]
    for person in (6, 19, 21):
        low, high = figure_range(progress, np.arange(n) == person, n)
        assert high - low > 0.5, person


def test_releasing_an_unchanged_state_again_changes_nothing():
    """The same state released twice: the second dashboard is the first, and both protected.

    Regression (found by test_properties): with two groupings, the second release hid the whole
    rating figure, and the re-hidden cells were pinned by the first release's values.
    """
    dept = ["Legal"] * 3 + ["Tech"] * 6 + ["Ops"] * 7 + ["Sales"] * 6
    site = ["X" if i % 3 else "Y" for i in range(len(dept))]
    tracker = tracker_of({"department": dept, "site": site})
    rows = []
    for p in range(len(dept)):
        rows.append((p, "activity", "", 1.0, np.nan))
        rows.append((p, "step_completed", "kickoff", 0.5, np.nan))
        rows.append((p, "session_rated", "kickoff", 0.6, float((p * 7) % 11)))
    tracker.update(events(rows))
    first = tracker.snapshot(day(5))
    second = tracker.snapshot(day(5))

    # the same cells stay hidden; a complement may now give the rule that binds it second:
    # showing it would pin the value the first release withheld
    def cells(snap):
        return [(s.grouping, s.group, s.figure) for s in snap.suppressed]

    assert cells(second) == cells(first)
    assert {s.reason for s in second.suppressed} <= {s.reason for s in first.suppressed} | {EARLIER}
    assert second.groups == first.groups
    assert second.totals == first.totals
    check = verify_disclosure(released(tracker, [first, second]))
    assert check.protected, check.exposed


# -- (c) in the words ----------------------------------------------------------------------------------


def _organisations():
    """Snapshots of several organisations: the two above and three simulated ones."""
    tracker = _groupings_tracker()
    yield tracker.snapshot(day(5))
    tracker = tracker_of({"department": TIME_DEPT})
    tracker.update(events(_first_batch()))
    yield tracker.snapshot(day(25))
    tracker.update(events(_scores([6], 30.0), first_id=1_000))
    yield tracker.snapshot(day(35))
    for seed, n in ((1, 34), (4, 47), (7, 23)):
        rng = np.random.default_rng(seed)
        groups = {
            "department": rng.choice(["A", "B", "C", "D"], n, p=[0.1, 0.3, 0.3, 0.3]),
            "site": rng.choice(["X", "Y"], n, p=[0.6, 0.4]),
            "level": rng.choice(["jr", "sr", "ex"], n, p=[0.5, 0.4, 0.1]),
        }
        tracker = tracker_of(groups)
        tracker.update(simulate_events(tracker.schedule, rng=seed, as_of=day(40)))
        yield tracker.snapshot(day(20))
        yield tracker.snapshot(day(40))


def test_no_reason_carries_a_number():
    """Every suppression reason is one of the rule texts, none of which holds a digit."""
    for text in RULES:
        assert not re.search(r"\d", text), text
    seen = set()
    count = 0
    for snap in _organisations():
        for entry in snap.suppressed:
            assert not re.search(r"\d", entry.reason), entry
            assert entry.reason in RULES, entry
            seen.add(entry.reason)
            count += 1
        # the document as JSON says nothing else about them
        for entry in snap.to_dict()["suppressed"]:
            assert not re.search(r"\d", entry["reason"])
    assert count > 10
    assert {SMALL, COMPLEMENTARY, CHANGED} <= seen


# -- (d) the fairness audit and subgroup effects -------------------------------------------------


def _people(spec):
    groups = np.repeat(list(spec), [n for n, _ in spec.values()])
    selected = np.concatenate([np.arange(n) < k for n, k in spec.values()])
    return selected, groups


def _audit_figure(result, groups, *, total=None):
    """The audit's published numbers as verifier cells: each shown group's selected count,
    each hidden group's as a hidden cell, and the total selected if given."""
    cells = [
        Cell(str(g), groups == g, result.selected_counts.get(g)) for g in np.unique(groups).tolist()
    ]
    if result.n_selected is not None or total is not None:
        value = result.n_selected if result.n_selected is not None else total
        cells.append(Cell("all", np.ones(len(groups), bool), value))
    return Figure("selected", cells)


@pytest.mark.parametrize(
    "spec",
    [
        pytest.param({"A": (100, 50), "B": (100, 30)}, id="the-issue"),
        pytest.param({"A": (80, 40), "B": (100, 30)}, id="complement-is-the-reference"),
        pytest.param({"A": (100, 50), "B": (80, 24)}, id="complement-is-the-flagged"),
    ],
)
def test_the_audit_flags_b_while_the_verifier_finds_c_unrecoverable(spec):
    """A 50/100, B 30/100, C 3/4: B flagged at 0.6 against A; C keeps its whole range 0..4."""
    selected, groups = _people(spec | {"C": (4, 3)})
    result = audit(selected, groups)
    assert result.reference_group == "A"
    assert result.impact_ratios["B"] == pytest.approx(0.6)
    assert result.flagged == {"A": False, "B": True}
    assert list(result.suppressed) == ["C"]
    # the audit's protection width for a group of fewer than k is its whole range: share 1
    check = verify_disclosure([_audit_figure(result, groups)], share=1.0)
    (c,) = check.cells
    assert (c.cell, c.low, c.high, c.required, c.protected) == ("C", 0.0, 4.0, 4.0, True)


def test_the_verifier_recovers_c_when_the_audit_total_is_known():
    """With the total selected (83) as one more cell, C is 3, exactly: the check can fail."""
    selected, groups = _people({"A": (100, 50), "B": (100, 30), "C": (4, 3)})
    result = audit(selected, groups)
    check = verify_disclosure([_audit_figure(result, groups, total=83)], share=1.0)
    (c,) = check.cells
    assert (c.low, c.high, c.protected) == (3.0, 3.0, False)


def _subgroup_data():
    rng = np.random.default_rng(2)
    dept = np.repeat(["Sales", "Finance", "Marketing", "People"], [40, 30, 24, 7])
    treated = np.r_[
        np.arange(40) % 2 == 0, np.arange(30) % 2 == 0, np.arange(24) % 2 == 0, np.arange(7) < 2
    ]
    y = np.round(50 + 4 * treated + rng.normal(0, 5, len(dept)), 2)
    return y, treated, dept


def _subgroup_figures(result, y, treated, dept, *, overall=False):
    """What subgroup_effects publishes, at its strongest: per reported group, the treated and
    control counts and (more than the difference it shows) each arm's mean outcome; hidden
    groups' cells hidden; with `overall`, everyone's arm means and counts as well."""
    n = len(y)
    figures = {}
    for arm, mask in (("treated", treated), ("control", ~treated)):
        counts, means = [], []
        for g in np.unique(dept).tolist():
            member = (dept == g) & mask
            shown = g in result.estimates
            counts.append(Cell(g, dept == g, int(member.sum()) if shown else None))
            means.append(Cell(g, member, float(y[member].mean()) if shown else None))
        if overall:
            counts.append(Cell("all", np.ones(n, bool), int(mask.sum())))
            means.append(Cell("all", mask, float(y[mask].mean())))
        figures[f"n {arm}"] = Figure(f"n {arm}", counts)
        figures[f"y {arm}"] = Figure(
            f"y {arm}", means, kind="mean", low=float(y.min()), high=float(y.max())
        )
    del treated  # only through the masks above
    return list(figures.values())


def test_subgroup_effects_published_cells_pass_the_verifier():
    """People (2 treated) is suppressed; with overall withheld its figures are unrecoverable."""
    y, treated, dept = _subgroup_data()
    result = subgroup_effects(y, treated, dept)
    assert list(result.suppressed) == ["People"]
    assert result.overall is None
    assert result.n is None
    assert set(result.estimates) == {"Finance", "Marketing", "Sales"}
    for g, estimate in result.estimates.items():  # the cells below are what it shows
        member = dept == g
        assert estimate.estimate == pytest.approx(
            y[member & treated].mean() - y[member & ~treated].mean()
        )
    check = verify_disclosure(_subgroup_figures(result, y, treated, dept))
    assert check.protected, check.exposed
    hidden = {(c.figure, c.cell) for c in check.cells if c.kind == "hidden"}
    assert hidden == {(f, "People") for f in ("n treated", "n control", "y treated", "y control")}


def test_subgroup_effects_with_the_overall_figures_would_expose_the_small_group():
    """Publishing the overall arm means and sizes as well gives People's figures exactly."""
    y, treated, dept = _subgroup_data()
    result = subgroup_effects(y, treated, dept)
    check = verify_disclosure(_subgroup_figures(result, y, treated, dept, overall=True))
    assert not check.protected
    people = dept == "People"
    (row,) = [c for c in check.exposed if (c.figure, c.cell) == ("y treated", "People")]
    assert row.low == pytest.approx(y[people & treated].mean())
    assert row.high == pytest.approx(row.low)
