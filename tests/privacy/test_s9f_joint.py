"""A rating sum and its NPS are read together: a rating's class bounds its value.

Promoters rate 9 or more, detractors 6 or less: an attacker who holds a cell's rating sum and
its NPS knows more than from either alone. The red team's case: departments of 1, 5 and 5
raters; the separate programs kept Tech's hidden sum within 34 to 50, a joint one narrows it
to 36 to 49. The attacker here is independent of :mod:`sparkus._privacy`: one rating and two
class indicators per person, solved as a mixed-integer program with scipy's HiGHS.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from sparkus import SchemaError
from sparkus.privacy import Cell, Figure, verify_disclosure
from tests.privacy.world import day, events, published, tracker_of


def _tracker(sizes, ratings):
    """Departments Legal, Tech, Ops of `sizes`; person p rates coaching-1 `ratings[p]`."""
    dept = np.repeat(["Legal", "Tech", "Ops"], sizes)
    tracker = tracker_of({"department": dept})
    rows = [(p, "session_rated", "coaching-1", 2.0 + 0.01 * p, float(v))
            for p, v in enumerate(ratings)]  # fmt: skip
    tracker.update(events(rows))
    return dept, tracker, tracker.snapshot(day(20))


def _joint_range(n, cells, target):
    """The least and most ``target @ rating`` given (mask, sum, nps) cells, one rating each."""
    size = 3 * n  # ratings, promoter and detractor indicators
    rows, low, high = [], [], []

    def row(**parts):
        out = np.zeros(size)
        for block, values in parts.items():
            start = {"x": 0, "p": n, "d": 2 * n}[block]
            out[start : start + n] = values
        return out

    for mask, total, nps in cells:
        m = mask.astype(float)
        rows += [row(x=m), row(p=m, d=-m)]
        low += [total - 1e-6, nps]
        high += [total + 1e-6, nps]
    eye = np.eye(n)
    for i in range(n):
        e = eye[i]
        rows += [row(x=e, d=4 * e), row(x=e, d=6 * e, p=-3 * e), row(x=e, p=-e), row(p=e, d=e)]
        low += [-np.inf, 6, -np.inf, -np.inf]  # detractor: x <= 6; else x >= 6, promoter >= 9
        high += [10, np.inf, 9, 1]  # not a promoter: x <= 9; one class at most
    bounds = Bounds(np.zeros(size), np.r_[np.full(n, 10.0), np.ones(2 * n)])
    c = np.r_[np.asarray(target, dtype=float), np.zeros(2 * n)]
    ends = []
    for sign in (1.0, -1.0):
        res = milp(sign * c, integrality=np.r_[np.zeros(n), np.ones(2 * n)], bounds=bounds,
                   constraints=LinearConstraint(np.array(rows), low, high))  # fmt: skip
        assert res.status == 0, res.message
        ends.append(sign * float(res.fun))
    return ends[0], ends[1]


def _shown(dept, snap):
    """The published (mask, rating sum, NPS count) cells, as the document shows them."""
    n = len(dept)
    t = snap.totals
    out = [(np.ones(n, dtype=bool), t.mean_rating * n, round(t.nps * n / 100))]
    for r in snap.groups["department"]:
        mask = dept == r.group
        if r.mean_rating is not None:
            out.append((mask, r.mean_rating * mask.sum(), round(r.nps * mask.sum() / 100)))
    return out


def _hidden_ranges(dept, snap, k=5, share=0.5):
    """Per hidden department: its joint range, and the width it must keep.

    The width: ``share`` of ``min(k, n)`` ratings' range, capped by what the published cells
    leave it one at a time (each department is one atom here, so that is exact).
    """
    cells = _shown(dept, snap)
    out = {}
    for group in np.unique(dept):
        mask = dept == group
        if any(np.array_equal(c[0], mask) for c in cells):
            continue
        low, high = _joint_range(len(dept), cells, mask)
        alone = [_joint_range(len(dept), [c], mask) for c in cells]
        cap = min(b for _, b in alone) - max(a for a, _ in alone)
        out[str(group)] = (low, high, min(share * min(k, mask.sum()) * 10, cap))
    return out


REPRO = ([1, 5, 5], [10, 9, 9, 9, 9, 9, 9, 2, 9, 10, 9])
SEARCHED = ([3, 6, 5], [9, 10, 2, 9, 9, 7, 10, 9, 2, 5, 5, 9, 10, 5])
"""Found by a random search: the separate programs hid Legal and Ops only, and Ops' rating
sum kept 25 to 48 against the joint attacker (width 23, 25 required)."""


@pytest.mark.parametrize("case", [REPRO, SEARCHED], ids=["repro", "searched"])
def test_every_hidden_rating_sum_keeps_its_joint_width(case):
    """Against the joint attacker, each hidden department keeps its width (Tech hidden too)."""
    dept, _, snap = _tracker(*case)
    found = _hidden_ranges(dept, snap)
    for group, (low, high, need) in found.items():
        assert high - low >= need - 1e-6, (group, low, high, need)
    assert set(found) == {"Legal", "Tech", "Ops"}


def test_the_verifier_reports_the_joint_range_of_a_rating_pair():
    """With the rating and NPS figures paired, Tech's range is 36 to 49, its width 13."""
    dept, tracker, snap = _tracker(*REPRO)
    figures = list(published(tracker, snap).values())
    apart = verify_disclosure(figures)
    joint = verify_disclosure(figures, ratings=[("rating", "nps")])
    cell = "department=Tech"
    [before] = [c for c in apart.cells if c.figure == "rating" and c.cell == cell]
    [after] = [c for c in joint.cells if c.figure == "rating" and c.cell == cell]
    assert (before.low, before.high) == pytest.approx((34.0, 50.0))
    assert (after.low, after.high) == pytest.approx(_joint_range(len(dept), _shown(dept, snap),
                                                                 dept == "Tech"), abs=1e-5)  # fmt: skip
    assert (after.low, after.high, after.required) == pytest.approx((36.0, 49.0, 13.0))
    assert joint.protected


def test_a_total_nps_of_100_caps_the_width_instead_of_hiding_everything():
    """Every rating 9 or 10: the total's NPS pins each to a width of 1, no suppression helps."""
    ratings = [10, 9, 10, 9, 9, 10, 9, 9, 10, 9, 10]
    dept, tracker, snap = _tracker([1, 5, 5], ratings)
    assert snap.totals.nps == 100.0
    assert snap.totals.mean_rating is not None  # the figure is not hidden whole
    assert {(s.group, s.figure) for s in snap.suppressed if s.grouping != "engagement"} == {
        ("Legal", None),
        ("Tech", "rating"),
        ("Ops", "rating"),
        ("all", "overdue"),  # Legal's completion is hidden with its row
    }
    figures = list(published(tracker, snap).values())
    check = verify_disclosure(figures, ratings=[("rating", "nps")])
    [legal] = [c for c in check.cells if c.figure == "rating" and c.cell == "department=Legal"]
    assert (legal.low, legal.high, legal.required) == pytest.approx((9.0, 10.0, 1.0))
    assert check.protected
    found = _hidden_ranges(dept, snap)
    assert all(high - low >= need - 1e-6 for low, high, need in found.values())


def test_a_pair_of_figures_with_two_ratings_a_person():
    """Per-person bounds of two ratings each: the pair's programs are still the joint ones."""
    members = np.arange(6)
    cells_r = [Cell("all", members, 114.0), Cell("a", members[:1], None),
               Cell("b", members[1:], None)]  # fmt: skip
    cells_q = [Cell("all", members, 12), Cell("a", members[:1], None),
               Cell("b", members[1:], None)]  # fmt: skip
    two = np.full(6, 2.0)
    rating = Figure("rating", cells_r, kind="sum", low=0.0, high=10.0 * two)
    nps = Figure("nps", cells_q, kind="count", low=-two, high=two)
    check = verify_disclosure([rating, nps], ratings=[("rating", "nps")], min_group_size=2)
    [a] = [c for c in check.cells if c.figure == "rating" and c.cell == "a"]
    # every one of the 12 ratings a promoter: person a's two ratings sum 18 to 20
    assert (a.low, a.high) == pytest.approx((18.0, 20.0))
    apart = verify_disclosure([rating, nps], min_group_size=2)
    [a_apart] = [c for c in apart.cells if c.figure == "rating" and c.cell == "a"]
    assert (a_apart.low, a_apart.high) == pytest.approx((14.0, 20.0))


def _pair(**changes):
    cells = [Cell("all", [0, 1, 2], 20.0), Cell("a", [0], None)]
    counts = [Cell("all", [0, 1, 2], 1), Cell("a", [0], None)]
    rating = Figure("rating", cells, kind="sum", low=0.0, high=changes.pop("high", 10.0))
    nps = Figure("nps", changes.pop("counts", counts), kind="count", low=-1, high=1)
    return [rating, nps]


@pytest.mark.parametrize(
    ("figures", "ratings", "message"),
    [
        (_pair(), [("rating", "votes")], r"ratings\[0\]: names no figure: 'votes'"),
        (_pair(), [("nps", "rating")], r"ratings\[0\]: expected a sum or mean of ratings"),
        (_pair(), "rating", r"ratings: expected a sequence"),
        (_pair(), [("rating",)], r"ratings\[0\]: expected a pair of figure names"),
        (_pair(high=5.0), [("rating", "nps")], r"ratings\[0\]: expected the bounds of ratings"),
        (
            _pair(counts=[Cell("all", [0, 1, 2], 1), Cell("b", [0], None)]),
            [("rating", "nps")],
            r"ratings\[0\]: the two figures must have the same cells",
        ),
    ],
    ids=["unknown", "swapped", "a string", "one name", "bounds", "cells"],
)
def test_a_bad_rating_pair_is_named(figures, ratings, message):
    """A pair that names no figure, the wrong kinds, bounds or cells is a SchemaError."""
    with pytest.raises(SchemaError, match=message):
        verify_disclosure(figures, ratings=ratings)


def test_values_no_ratings_give_together_are_named():
    """Sums that hold apart but not with their NPS (114 over 12 ratings, NPS -12) are refused."""
    members = np.arange(12)
    rating = Figure("rating", [Cell("all", members, 114.0), Cell("a", members[:1], None)],
                    kind="sum", low=0.0, high=10.0)  # fmt: skip
    nps = Figure("nps", [Cell("all", members, -12), Cell("a", members[:1], None)], low=-1, high=1)
    verify_disclosure([rating, nps], min_group_size=2)  # apart, they hold
    with pytest.raises(
        SchemaError, match=r"figures\.rating: .* read with 'nps' as the same ratings"
    ):
        verify_disclosure([rating, nps], ratings=[("rating", "nps")], min_group_size=2)


def test_a_snapshot_keeps_its_widths_read_apart_too():
    """Read apart, as verify_disclosure without `ratings` does, every hidden cell is protected.

    The joint one-cell box caps widths below the separate ones; the protection keeps both.
    """
    from tests.privacy.test_properties import _organisation

    tracker = _organisation(54, 2, 68)
    snap = tracker.snapshot(day(8))
    figures = list(published(tracker, snap).values())
    assert verify_disclosure(figures).protected
    assert verify_disclosure(figures, ratings=[("rating", "nps")]).protected


def test_a_degenerate_joint_program_with_no_published_cell_solves():
    """Two atoms of one rating, nothing published: HiGHS' simplex stalls, the program solves."""
    from scipy import sparse

    from sparkus._privacy import Measure
    from sparkus._privacy.joint import JointSolver

    one = np.ones(2)
    rating = Measure("r", 0 * one, 10 * one, np.full(1, np.nan), integer=False, role="rating")
    nps = Measure("q", -one, one, np.full(1, np.nan), integer=True, role="nps")
    solver = JointSolver(sparse.csr_matrix(np.ones((1, 2))), np.zeros(1, dtype=bool), rating, nps)
    c = np.array([1.00008565, 1.00023681, 2.36810507e-04, 8.56491671e-05])
    x, binding = solver.extreme(c)
    assert x == pytest.approx([0.0, 0.0, -1.0, -1.0])
    assert len(binding) == 0
