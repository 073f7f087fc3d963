"""verify_disclosure against an attacker written out here: one variable per person, scipy's HiGHS.

The reference ranges come from :func:`tests.privacy.world.person_range`, which knows nothing of
the verifier's atoms, boxes or witnesses: every published cell is one equality on per-person
values (``milp`` for counts, ``linprog`` for sums and means), and each hidden cell is minimised
and maximised. The protection widths are worked out by hand in the comments (the documented
rule: ``share`` of the range of ``min(k, n)`` of the cell's people, never more than one published
cell alone leaves the cell).
"""

from __future__ import annotations

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.privacy import Cell, CellRange, DisclosureCheck, Figure, verify_disclosure
from tests.privacy.world import as_mask, figure_range, person_range

# A table of 12 people in two overlapping groupings (used by several tests):
#   department A = 0..2 (3 people), B = 3..6 (4), C = 7..11 (5); site X = 0..5, Y = 6..11.
# Person 6 is the only one of B in Y: C and Y are published, so Y - C is person 6's value.
N = 12
IDX = np.arange(N)
DEPT = {"A": IDX < 3, "B": (IDX >= 3) & (IDX < 7), "C": IDX >= 7}
SITE = {"X": IDX < 6, "Y": IDX >= 6}
ACTIVE = np.array([1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 0, 1])


def _cells(values, hidden=("A", "B"), *, mean=False, release=0):
    """The total, the departments (`hidden` withheld) and the sites of `values`."""

    def shown(mask):
        total = float(values[mask].sum())
        return total / mask.sum() if mean else total

    cells = [Cell("all", np.ones(N, bool), shown(np.ones(N, bool)), release=release)]
    for name, mask in (DEPT | SITE).items():
        cells.append(Cell(name, mask, None if name in hidden else shown(mask), release=release))
    return cells


def _found(check: DisclosureCheck, cell: str, kind: str = "hidden") -> CellRange:
    (row,) = [c for c in check.cells if c.cell == cell and c.kind == kind]
    return row


def _assert_matches_attacker(check: DisclosureCheck, figures, n: int) -> None:
    """Every hidden cell's range equals the per-person attacker's."""
    by_name = {f.name: f for f in figures}
    hidden = [c for c in check.cells if c.kind == "hidden"]
    assert len(hidden) == sum(c.value is None for f in figures for c in f.cells)
    for row in hidden:
        figure = by_name[row.figure]
        (cell,) = [c for c in figure.cells if c.name == row.cell and c.release == row.release]
        low, high = figure_range(figure, as_mask(cell.members, n), n)
        assert (row.low, row.high) == pytest.approx((low, high), abs=1e-6), row


# -- counts, sums and means ----------------------------------------------------------------------


def test_counts_hidden_ranges_widths_and_a_group_isolated_by_two_groupings():
    """A count table: A and B's ranges are the attacker's and wide enough; person 6 is pinned."""
    figure = Figure("active", _cells(ACTIVE))
    check = verify_disclosure([figure])
    _assert_matches_attacker(check, [figure], N)
    # by hand: X = A + x3 + x4 + x5 = 4, so A is 1..3; all - C = A + B = 5, so B is 2..4
    a, b = _found(check, "A"), _found(check, "B")
    assert (a.low, a.high, b.low, b.high) == (1.0, 3.0, 2.0, 4.0)
    # widths: A has 3 people: 0.5 * min(5, 3) = 1.5; B has 4: 0.5 * 4 = 2.0 (X alone leaves B
    # 1..4, wider, so nothing caps it)
    assert (a.required, b.required) == (1.5, 2.0)
    assert a.protected
    assert b.protected
    # person 6 is the only one in B and Y: Y - C = 5 - 4 = 1, exactly; a group of one person
    # must keep 0.5 * min(5, 1) = 0.5
    group = _found(check, "only in: all, B, Y", "group")
    assert (group.low, group.high, group.required, group.protected) == (1.0, 1.0, 0.5, False)
    assert person_range(
        N, [(c.mask(N), c.value) for c in figure.cells if c.value is not None], IDX == 6
    ) == (1.0, 1.0)
    assert not check.protected
    assert check.exposed == (group,)
    assert check.consistent == {"active": True}


def test_hiding_the_department_that_isolates_protects_the_group():
    """Hiding C as well leaves person 6 anywhere in 0..1: nothing is exposed."""
    figure = Figure("active", _cells(ACTIVE, hidden=("A", "B", "C")))
    check = verify_disclosure([figure])
    _assert_matches_attacker(check, [figure], N)
    assert check.protected
    assert [c.kind for c in check.cells] == ["hidden"] * 3
    # C is 4..5: Y alone (5 of its 6 active) leaves C at least 4, so the width asked of C is
    # capped at 1, which it keeps
    c = _found(check, "C")
    assert (c.low, c.high, c.required) == (4.0, 5.0, 1.0)


def test_hiding_one_site_is_not_enough():
    """Y hidden beside A and B is still all - X: the verifier says so."""
    check = verify_disclosure([Figure("active", _cells(ACTIVE, hidden=("A", "B", "Y")))])
    y = _found(check, "Y")
    assert (y.low, y.high, y.protected) == (5.0, 5.0, False)


def test_sums_with_per_person_bounds():
    """A sum with a bound per person (ratings of 0..10 times each one's ratings)."""
    rng = np.random.default_rng(4)
    ratings = rng.integers(1, 4, N)
    high = 10.0 * ratings
    values = np.round(rng.uniform(0.3, 0.8, N) * high, 1)
    figure = Figure("rating", _cells(values), kind="sum", low=np.zeros(N), high=high)
    check = verify_disclosure([figure])
    _assert_matches_attacker(check, [figure], N)
    a = _found(check, "A")
    # A's own range, by the same attacker, is well below its people's whole range
    assert 0 < a.high - a.low < high[DEPT["A"]].sum()
    # the width: 0.5 * min(5, 3) / 3 of A's whole range (0 to the sum of its people's highs)
    assert a.required == pytest.approx(0.5 * high[DEPT["A"]].sum())
    # person 6 again: Y - C pins their sum exactly
    group = _found(check, "only in: all, B, Y", "group")
    assert group.low == pytest.approx(values[6])
    assert group.high == pytest.approx(values[6])


def test_means_are_reported_in_the_means_units():
    """A mean on a 1-5 scale: ranges are means; the width is share * 4 for five or fewer."""
    scores = np.array([3.0, 4.0, 2.5, 3.5, 4.5, 3.0, 2.0, 4.0, 3.0, 5.0, 1.5, 3.5])
    figure = Figure("score", _cells(scores, mean=True), kind="mean", low=1.0, high=5.0)
    check = verify_disclosure([figure])
    _assert_matches_attacker(check, [figure], N)
    a, b = _found(check, "A"), _found(check, "B")
    # A (3 people) and B (4): 0.5 * min(5, n) / n of n people's range of 4, as a mean: 0.5 * 4
    assert a.required == pytest.approx(2.0)
    assert b.required == pytest.approx(2.0)
    # X's mean leaves A's anywhere its three unknown neighbours allow: wide enough
    assert a.protected
    assert b.protected
    # person 6: Y's mean * 6 - C's mean * 5 = 2.0, their own score, exactly (a group of one)
    group = _found(check, "only in: all, B, Y", "group")
    assert (group.low, group.high) == pytest.approx((2.0, 2.0))
    assert group.required == pytest.approx(0.5 * 4)
    assert check.exposed == (group,)


def test_an_explicit_width_replaces_the_default():
    """`width` in the figure's units: B's 2..4 keeps the default 2 but not 2.5."""
    default = verify_disclosure([Figure("active", _cells(ACTIVE))])
    wide = verify_disclosure([Figure("active", _cells(ACTIVE), width=2.5)])
    assert _found(default, "B").protected
    a, b = _found(wide, "A"), _found(wide, "B")
    assert (b.low, b.high, b.required, b.protected) == (2.0, 4.0, 2.5, False)
    # A: X alone (4 of its 6 active) leaves A only 1..3, so the width asked is capped at 2
    assert (a.low, a.high, a.required, a.protected) == (1.0, 3.0, 2.0, True)
    narrow = verify_disclosure([Figure("active", _cells(ACTIVE), width=0.0)])
    # width 0: even person 6, pinned, keeps it (the group finding disappears)
    assert narrow.protected


def test_an_explicit_width_of_a_mean_is_in_mean_units():
    """A mean figure's `width` is a width of the mean, not of the sum."""
    scores = np.linspace(1.5, 4.5, N)
    cells = _cells(scores, hidden=("A", "B", "Y"), mean=True)
    figure = Figure("score", cells, kind="mean", low=1.0, high=5.0, width=0.25)
    check = verify_disclosure([figure])
    _assert_matches_attacker(check, [figure], N)
    for name in ("A", "B"):
        row = _found(check, name)
        assert row.required == pytest.approx(0.25)
        assert row.protected == (row.high - row.low >= 0.25)


def test_share_and_min_group_size_set_the_default_width():
    """share 0.25 and k 2: a hidden cell of 3 keeps 0.25 * min(2, 3) = 0.5."""
    check = verify_disclosure([Figure("active", _cells(ACTIVE))], min_group_size=2, share=0.25)
    assert _found(check, "A").required == 0.5
    assert _found(check, "B").required == 0.5
    assert (check.min_group_size, check.share) == (2, 0.25)
    # with k = 2, person 6 is a group of fewer than 2 people still: required 0.25 * 1
    assert _found(check, "only in: all, B, Y", "group").required == 0.25


def test_a_cell_at_its_top_pins_its_people_and_caps_the_width():
    """Everyone in a published cell active pins each of them: no width is asked of them."""
    values = ACTIVE.copy()
    values[:6] = 1  # X: 6 of 6 active, so A (inside X) is 3 of 3, whatever else is hidden
    figure = Figure("active", _cells(values, hidden=("A", "B", "Y")))
    check = verify_disclosure([figure])
    a = _found(check, "A")
    assert (a.low, a.high) == (3.0, 3.0)
    # X alone leaves A nothing: the width asked is capped at 0, so A counts as protected
    assert a.required == 0.0
    assert a.protected


def test_a_hidden_cell_with_nothing_published_keeps_its_whole_range():
    """No published cell: a hidden count of 3 can be 0..3."""
    check = verify_disclosure([Figure("f", [Cell("A", [0, 1, 2], None)])])
    (row,) = check.cells
    assert (row.low, row.high, row.required, row.protected) == (0.0, 3.0, 1.5, True)


def test_a_published_cell_about_too_few_people_is_reported():
    """A cell of 3 people published is a 'small' finding, not protected, whatever its value."""
    cells = [
        Cell("all", np.ones(N, bool), 9.0),
        Cell("A", DEPT["A"], 2.0),
        Cell("rest", ~DEPT["A"], 7.0),
    ]
    check = verify_disclosure([Figure("active", cells)])
    (row,) = check.cells
    assert (row.cell, row.kind, row.low, row.high, row.protected) == ("A", "small", 2.0, 2.0, False)
    # with k = 3 the same cell is allowed
    assert verify_disclosure([Figure("active", cells)], min_group_size=3).protected


def _random_figure(seed: int, kind: str) -> tuple[Figure, int]:
    """A random table of 9 to 16 people in two overlapping groupings, some cells hidden."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(9, 17))
    first, second = rng.integers(0, 3, n), rng.integers(0, 2, n)
    low, high = (0.0, 1.0) if kind == "count" else (1.0, 5.0)
    values = rng.integers(0, 2, n) if kind == "count" else np.round(rng.uniform(1, 5, n), 1)
    cells = [Cell("all", np.ones(n, bool), float(values.sum()))]
    for g, codes in (("g", first), ("h", second)):
        for i in np.unique(codes):
            mask = codes == i
            shown = float(values[mask].sum()) / (mask.sum() if kind == "mean" else 1)
            cells.append(Cell(f"{g}={i}", mask, None if rng.random() < 0.5 else shown))
    if kind == "mean":
        cells[0] = Cell("all", np.ones(n, bool), float(values.mean()))
    return Figure("f", cells, kind=kind, low=low, high=high), n


@pytest.mark.parametrize("kind", ["count", "sum", "mean"])
@pytest.mark.parametrize("seed", range(8))
def test_random_tables_match_the_per_person_attacker(seed, kind):
    """On random small tables every hidden range is the attacker's, and `protected` follows."""
    figure, n = _random_figure(seed, kind)
    check = verify_disclosure([figure])
    _assert_matches_attacker(check, [figure], n)
    span = 1.0 if kind == "count" else 4.0
    for row in check.cells:
        if row.kind != "hidden":
            continue
        (cell,) = [c for c in figure.cells if c.name == row.cell]
        people = cell.size
        # never more than the documented default; a mean's default is share * min(k, n) / n
        # of n people's whole range, in mean units
        default = 0.5 * min(5, people) * span / (people if kind == "mean" else 1)
        assert row.required <= default + 1e-9
        assert row.protected == (row.high - row.low >= row.required - 1e-6)


# -- releases --------------------------------------------------------------------------------------


def _sales_releases(first: float, second: float, newcomers: int):
    """Sales holds people 0..5 in release 0 and gains `newcomers` in release 1."""
    n = 20
    before = np.arange(n) < 6
    after = np.arange(n) < 6 + newcomers
    cells = [
        Cell("all", np.ones(n, bool), 10.0, release=0),
        Cell("Sales", before, first, release=0),
        Cell("all", np.ones(n, bool), 10.0, release=1),
        Cell("Sales", after, second, release=1),
    ]
    return n, cells


def test_two_releases_with_unchanged_values_are_one_program():
    """Sales 6 -> 7 with values consistent: the newcomer's value is the difference, exactly."""
    n, cells = _sales_releases(4.0, 5.0, 1)
    figure = Figure("active", cells)
    check = verify_disclosure([figure])
    assert check.consistent == {"active": True}
    (group,) = [c for c in check.cells if c.kind == "group"]
    # the independent attacker: both releases' cells on the same per-person values
    published = [(c.mask(n), c.value) for c in cells]
    assert person_range(n, published, np.arange(n) == 6) == (1.0, 1.0)
    assert (group.low, group.high, group.protected) == (1.0, 1.0, False)
    assert group.release == 1
    assert "Sales (release 1)" in group.cell
    assert "Sales (release 0)" not in group.cell


def test_a_change_of_at_least_k_people_isolates_nobody():
    """Sales 6 -> 11: the five newcomers' total is known, each of them is not."""
    _, cells = _sales_releases(4.0, 7.0, 5)
    check = verify_disclosure([Figure("active", cells)])
    assert check.protected
    assert check.cells == ()


def test_releases_whose_values_changed_are_checked_one_by_one_with_the_change_rule():
    """Sales 4 then 2 after one joined: impossible for unchanged values; the change rule fires."""
    _, cells = _sales_releases(4.0, 2.0, 1)
    check = verify_disclosure([Figure("active", cells)])
    assert check.consistent == {"active": False}
    (changed,) = check.exposed
    assert (changed.cell, changed.release, changed.kind) == ("Sales", 1, "changed")
    assert (changed.low, changed.high, changed.width) == (None, None, None)
    # five people changed: the rule has nothing to say
    _, cells = _sales_releases(4.0, 2.0, 5)
    check = verify_disclosure([Figure("active", cells)])
    assert check.consistent == {"active": False}
    assert check.protected


def test_a_hidden_cell_is_bounded_by_every_release():
    """Legal hidden in both releases; release 1's total and Tech pin Legal where release 0 did not."""
    n = 12
    legal, tech = np.arange(n) < 3, (np.arange(n) >= 3) & (np.arange(n) < 8)
    values = np.array([1, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 0])
    release0 = [
        Cell("all", np.ones(n, bool), values.sum(), release=0),
        Cell("Legal", legal, None, release=0),
        Cell("Tech", tech, None, release=0),
    ]
    release1 = [
        Cell("all", np.ones(n, bool), values.sum(), release=1),
        Cell("Legal", legal, None, release=1),
        Cell("Tech", tech, values[tech].sum(), release=1),
        Cell("rest", ~legal & ~tech, values[~legal & ~tech].sum(), release=1),
    ]
    alone = verify_disclosure([Figure("active", release0)])
    both = verify_disclosure([Figure("active", release0 + release1)])
    assert alone.protected
    for row in both.cells:
        if row.kind == "hidden" and row.cell == "Legal":
            assert (row.low, row.high) == (2.0, 2.0)
            assert not row.protected
    _assert_matches_attacker(both, [Figure("active", release0 + release1)], n)


# -- the docstring's example ---------------------------------------------------------------------


def test_the_docstring_example():
    """Issue 13's cross-grouping attack: Legal is 2 and Tech 4, exactly, as documented."""
    dept = np.array(["Legal"] * 3 + ["Tech"] * 5 + ["Ops"] * 8 + ["Sales"] * 6)
    berlin = (dept == "Tech") | (np.arange(22) >= 10) & (dept == "Ops")
    executive = (dept == "Ops") & berlin
    active = np.array([1, 0, 1] + [1, 1, 0, 1, 1] + [1] * 8 + [1, 0, 1, 1, 0, 1])
    masks = {
        "all": np.ones(22, bool),
        "Legal": dept == "Legal",
        "Tech": dept == "Tech",
        "Ops": dept == "Ops",
        "Sales": dept == "Sales",
        "Berlin": berlin,
        "elsewhere": ~berlin,
        "executive": executive,
        "staff": ~executive,
    }
    figure = Figure(
        "active",
        [
            Cell(name, m, None if name in ("Legal", "Tech") else int(active[m].sum()))
            for name, m in masks.items()
        ],
    )
    check = verify_disclosure([figure])
    assert repr(check) == "DisclosureCheck(hidden=2, exposed=2, protected=False)"
    assert [(c.cell, c.low, c.high) for c in check.cells if c.kind == "hidden"] == [
        ("Legal", 2.0, 2.0),
        ("Tech", 4.0, 4.0),
    ]
    _assert_matches_attacker(check, [figure], 22)
    # the arithmetic: all - Sales - Ops - (Berlin - executive) = Legal's count
    legal = (
        active.sum()
        - active[masks["Sales"]].sum()
        - active[masks["Ops"]].sum()
        - (active[berlin].sum() - active[executive].sum())
    )
    assert legal == 2
    legal_row, tech_row = check.cells
    # widths: Legal (3 people) 0.5 * 3 = 1.5; Tech (5) 0.5 * 5 = 2.5, but Berlin alone (10 of
    # its 11 active, six of them executives) already leaves Tech only 4..5: capped at 1
    assert (legal_row.required, tech_row.required) == (1.5, 1.0)
    assert check.to_dict()["protected"] is False
    assert "Legal" in check.summary()


# -- what it refuses -------------------------------------------------------------------------------

_GOOD = [Cell("all", np.ones(4, bool), 2.0), Cell("A", np.arange(4) < 2, None)]


@pytest.mark.parametrize(
    ("make", "names"),
    [
        pytest.param(lambda: Cell("A", [[0, 1]], 1), ("members", "1-D"), id="members-2d"),
        pytest.param(lambda: Cell("A", [-1, 2], 1), ("members",), id="members-negative"),
        pytest.param(lambda: Cell("A", [0.0, 1.0], 1), ("members", "booleans"), id="members-float"),
        pytest.param(
            lambda: Cell("A", [1, 1], 1), ("members", "more than once"), id="members-duplicate"
        ),
        pytest.param(lambda: Cell("A", ["a"], 1), ("members",), id="members-text"),
        pytest.param(lambda: Cell("A", [0], float("nan")), ("value",), id="value-nan"),
        pytest.param(lambda: Cell("A", [0], "3"), ("value",), id="value-text"),
        pytest.param(lambda: Cell("", [0], 1), ("name",), id="cell-name-empty"),
        pytest.param(lambda: Cell("A", [0], 1, release=-1), ("release",), id="release-negative"),
        pytest.param(lambda: Cell("A", [0], 1, release=True), ("release",), id="release-bool"),
        pytest.param(
            lambda: Figure("f", _GOOD, kind="median"), ("kind", "count, sum, mean"), id="kind"
        ),
        pytest.param(lambda: Figure("f", _GOOD, low=0.5), ("low", "whole"), id="count-bounds"),
        pytest.param(
            lambda: Figure("f", _GOOD, low=2, high=1), ("high", "below"), id="high-below-low"
        ),
        pytest.param(lambda: Figure("f", _GOOD, high=np.inf), ("low", "finite"), id="high-inf"),
        pytest.param(
            lambda: Figure("f", _GOOD, kind="sum", low=np.zeros(3), high=np.ones(4)),
            ("high", "`low` has 3"),
            id="bounds-lengths",
        ),
        pytest.param(lambda: Figure("f", _GOOD, width=-1), ("width",), id="width-negative"),
        pytest.param(lambda: Figure("f", [*_GOOD, "x"]), ("cells[2]", "Cell"), id="not-a-cell"),
        pytest.param(
            lambda: Figure("f", [*_GOOD, Cell("A", [0], None)]),
            ("cells[2]", "'A' appears twice in release 0"),
            id="cell-name-twice",
        ),
        pytest.param(lambda: Figure("", _GOOD), ("name",), id="figure-name-empty"),
        pytest.param(
            lambda: verify_disclosure(Figure("f", _GOOD)), ("figures", "sequence"), id="one-figure"
        ),
        pytest.param(
            lambda: verify_disclosure([_GOOD[0]]),
            ("figures[0]", "Figure"),
            id="a-cell-for-a-figure",
        ),
        pytest.param(
            lambda: verify_disclosure([Figure("f", _GOOD), Figure("f", _GOOD)]),
            ("figures[1].name", "'f' appears twice"),
            id="figure-name-twice",
        ),
        pytest.param(
            lambda: verify_disclosure([Figure("f", [*_GOOD, Cell("B", np.ones(5, bool), 1)])]),
            ("figures[0].cells[2].members", "5 entries", "4"),
            id="mask-lengths",
        ),
        pytest.param(
            lambda: verify_disclosure(
                [Figure("f", _GOOD, kind="sum", low=np.zeros(5), high=np.ones(5))]
            ),
            ("figures[0].cells[0].members", "figures.0.low"),
            id="mask-and-bounds-lengths",
        ),
        pytest.param(
            lambda: verify_disclosure([Figure("f", [*_GOOD, Cell("B", [1, 4], None)])]),
            ("figures[0].cells[2].members", "row 4", "past the 4 people"),
            id="index-past-population",
        ),
        pytest.param(
            lambda: verify_disclosure([Figure("f", [Cell("A", [0, 1], 3)])]),
            ("figures.f", "release 0", "cannot all hold"),
            id="inconsistent-release",
        ),
        pytest.param(
            lambda: verify_disclosure(
                [
                    Figure(
                        "f", [Cell("all", [0, 1, 2], 1, release=1), Cell("A", [0, 1], 2, release=1)]
                    )
                ]
            ),
            ("figures.f", "release 1"),
            id="inconsistent-later-release",
        ),
        pytest.param(
            lambda: verify_disclosure([Figure("f", _GOOD)], min_group_size=0),
            ("min_group_size",),
            id="k-zero",
        ),
        pytest.param(
            lambda: verify_disclosure([Figure("f", _GOOD)], min_group_size=2.5),
            ("min_group_size",),
            id="k-float",
        ),
        pytest.param(
            lambda: verify_disclosure([Figure("f", _GOOD)], share=1.5),
            ("share",),
            id="share-above-1",
        ),
        pytest.param(
            lambda: verify_disclosure([Figure("f", _GOOD)], share=float("nan")),
            ("share",),
            id="share-nan",
        ),
    ],
)
def test_bad_input_is_a_schema_error_naming_the_field(make, names):
    """Each malformed cell, figure or option is a SchemaError whose message names the field."""
    with pytest.raises(SchemaError) as info:
        make()
    assert isinstance(info.value, ValueError)
    for name in names:
        assert name in str(info.value), (name, str(info.value))


def test_problems_are_collected_not_stopped_at_the_first():
    """A figure with a bad name, kind and width names all three in one error."""
    with pytest.raises(SchemaError) as info:
        Figure("", _GOOD, kind="avg", width=float("nan"))
    text = str(info.value)
    assert "name" in text
    assert "kind" in text
    assert "width" in text
