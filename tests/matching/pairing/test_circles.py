"""Tests of peer circles: partitions, the objective, the random baseline, the bound, errors."""

from __future__ import annotations

import itertools
import json
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus import InfeasibleError, SchemaError
from sparkus.datasets import synthetic_org
from sparkus.matching import CircleAims, PeerCircles, form_peer_circles
from sparkus.model import Population
from tests.strategies import grouping_columns

LEVELS = ("executive", "senior_leader", "manager", "individual_contributor")

# -- an independent, plain reading of the objective ----------------------------------------------


def plain_scores(pop: Population, aims: CircleAims) -> np.ndarray:
    """The weighted pair scores, from the definitions, one pair at a time."""
    levels = [LEVELS.index(v) for v in pop.decode("level")]
    departments = list(pop.decode("department"))
    offsets = [float(x) for x in pop["utc_offset"]]
    total = aims.level + aims.departments + aims.time_zones
    n = len(pop)
    out = np.zeros((n, n))
    for i, j in itertools.product(range(n), repeat=2):
        apart = abs(offsets[i] - offsets[j]) % 24
        apart = min(apart, 24 - apart)
        overlap = max(0.0, aims.workday_hours - apart) / aims.workday_hours
        out[i, j] = (
            aims.level * (1 - abs(levels[i] - levels[j]) / 3)
            + aims.departments * (departments[i] != departments[j])
            + aims.time_zones * overlap
        ) / total
    return out


def plain_objective(scores: np.ndarray, circles: list[tuple[int, ...]]) -> float:
    """Mean over members of their mean score with their circle-mates."""
    fits = [
        sum(scores[i, j] for j in circle if j != i) / (len(circle) - 1)
        for circle in circles
        for i in circle
    ]
    return float(np.mean(fits))


def partitions(items: list[int], low: int, high: int):
    """Every partition of `items` into blocks of `low` to `high` (each once)."""
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for k in range(low - 1, high):
        for mates in itertools.combinations(rest, k):
            left = [x for x in rest if x not in mates]
            for tail in partitions(left, low, high):
                yield [(first, *mates), *tail]


def population(n: int, seed: int, departments: int = 3) -> Population:
    rng = np.random.default_rng(seed)
    return Population.from_columns({
        "id": [f"p{i}" for i in range(n)],
        "level": [LEVELS[k] for k in rng.integers(0, 4, n)],
        "department": [f"d{k}" for k in rng.integers(0, departments, n)],
        "tenure_years": [1.0] * n,
        "utc_offset": rng.choice([-5.0, 0.0, 1.0, 5.5, 8.0], n).tolist(),
    })  # fmt: skip


def check_partition(result: PeerCircles, pop: Population, rows: np.ndarray) -> None:
    """Every member in exactly one circle, sizes in range, the views consistent."""
    low, high = result.size_range
    ids = pop.ids[rows].tolist()
    assert result.ids.tolist() == ids
    assert result.rows.tolist() == rows.tolist()
    placed = [m for circle in result.circles for m in circle]
    assert sorted(placed) == sorted(ids)
    assert all(low <= len(c) <= high for c in result.circles)
    assert result.sizes.tolist() == [len(c) for c in result.circles]
    for member, c in zip(ids, result.circle.tolist(), strict=True):
        assert member in result.circles[c]


# -- partitions ----------------------------------------------------------------------------------


def feasible(n: int, low: int, high: int) -> bool:
    return any(k * low <= n <= k * high for k in range(1, n + 1))


@settings(max_examples=30)
@given(
    columns=grouping_columns(max_size=24),
    low=st.integers(2, 5),
    extra=st.integers(0, 3),
    seed=st.integers(0, 2**16),
    data=st.data(),
)
def test_every_member_in_one_circle_of_a_size_in_range(columns, low, extra, seed, data):
    """Any feasible instance: each member in exactly one circle, every size within the range."""
    pop = Population.from_columns(columns)
    rows = np.asarray(
        data.draw(st.lists(st.integers(0, len(pop) - 1), unique=True, min_size=1)), dtype=np.intp
    )
    size = (low, low + extra)
    if not feasible(rows.size, *size):
        with pytest.raises(InfeasibleError, match="cannot be split into circles"):
            form_peer_circles(pop, rows.tolist(), size=size, rng=seed)
        return
    result = form_peer_circles(pop, rows.tolist(), size=size, rng=seed)
    check_partition(result, pop, rows)
    sub = plain_scores(pop, CircleAims())[np.ix_(rows, rows)]
    position = {member: k for k, member in enumerate(pop.ids[rows].tolist())}
    circles = [tuple(position[m] for m in circle) for circle in result.circles]
    assert result.objective == pytest.approx(plain_objective(sub, circles), abs=1e-12)
    assert result.objective <= result.bound + 1e-12
    for aim in result.aim_scores:
        assert result.aim_scores[aim] <= result.aim_bounds[aim] + 1e-12


def test_result_views_and_json():
    """The summary, repr, circle_of and to_dict (JSON-ready) agree with the circles."""
    org = synthetic_org(300, seed=1)
    result = form_peer_circles(org.population, size=(4, 6), rng=0)
    check_partition(result, org.population, np.arange(300))
    first = result.circles[0][0]
    assert result.circle_of(first) == result.circles[0]
    with pytest.raises(SchemaError, match="not a member"):
        result.circle_of("nobody")
    data = json.loads(json.dumps(result.to_dict()))
    assert data["aims"] == {"level": 1.0, "departments": 1.0, "time_zones": 1.0,
                            "workday_hours": 8.0}  # fmt: skip
    assert [tuple(c) for c in data["circles"]] == list(result.circles)
    assert repr(result).startswith("PeerCircles(n=300, circles=")
    text = result.summary()
    assert "time zones" in text
    assert "bound" in text
    assert "<table>" in result._repr_html_()
    assert 0 <= result.gap <= 1


# -- the objective against random circles, the bound and the optimum -----------------------------


def test_hand_checked_instance():
    """Two obvious circles: objective 1, bound 1, random 2/3 (worked out by hand)."""
    pop = Population.from_columns({
        "id": list("abcdef"),
        "level": ["manager"] * 3 + ["individual_contributor"] * 3,
        "department": ["X", "Y", "Z"] * 2,
        "tenure_years": [1.0] * 6,
        "utc_offset": [0.0] * 3 + [8.0] * 3,
    })  # fmt: skip
    result = form_peer_circles(pop, size=(3, 3), rng=0)
    assert sorted(result.circles) == [("a", "b", "c"), ("d", "e", "f")]
    assert result.objective == pytest.approx(1.0)
    assert result.bound == pytest.approx(1.0)
    # For a: mates b, c score 1; d (same department, level 2/3 apart, no overlap) scores
    # (2/3 + 0 + 0) / 3; e and f (2/3 + 1 + 0) / 3. Mean over the 5 others: 2/3, for everyone.
    assert result.random_objective == pytest.approx(2 / 3)
    assert result.random_aim_scores["time_zones"] == pytest.approx(2 / 5)
    assert result.fit.tolist() == pytest.approx([1.0] * 6)


def test_beats_random_circles_and_stays_under_the_bound():
    """On the synthetic organisation: far above random circles, never above the bound."""
    org = synthetic_org(1_500, seed=11)
    result = form_peer_circles(org.population, size=(4, 6), rng=5)
    assert result.objective - result.random_objective > 0.2
    assert result.objective <= result.bound
    assert result.gap < 0.02
    for aim in result.aim_scores:
        assert result.random_aim_scores[aim] < result.aim_scores[aim] <= result.aim_bounds[aim]


def test_random_baseline_is_the_mean_over_partitions():
    """The random expectation equals the mean objective over all partitions of the same sizes."""
    pop = population(7, seed=3)
    result = form_peer_circles(pop, size=(3, 4), rng=0)
    sizes = sorted(result.sizes.tolist())
    scores = plain_scores(pop, CircleAims())
    values = [
        plain_objective(scores, p)
        for p in partitions(list(range(7)), 3, 4)
        if sorted(len(c) for c in p) == sizes
    ]
    assert result.random_objective == pytest.approx(np.mean(values), abs=1e-12)


BRUTE = [(n, low, high, seed) for seed in range(4)
         for n, low, high in [(6, 2, 2), (7, 2, 3), (8, 3, 4), (9, 2, 4), (9, 3, 3)]]  # fmt: skip


@pytest.mark.parametrize(("n", "low", "high", "seed"), BRUTE)
def test_near_the_brute_force_optimum(n, low, high, seed):
    """Tiny instances: within 1% of the optimum over every partition, which the bound covers."""
    pop = population(n, seed=seed)
    aims = CircleAims(level=1.0, departments=2.0, time_zones=1.0)
    scores = plain_scores(pop, aims)
    best = max(plain_objective(scores, p) for p in partitions(list(range(n)), low, high))
    result = form_peer_circles(pop, size=(low, high), aims=aims, rng=seed)
    assert result.objective <= best + 1e-12
    assert result.objective >= best * 0.99
    assert result.bound >= best - 1e-12


def test_optimum_found_on_most_tiny_instances():
    """Over the tiny instances, the brute-force optimum itself is found at least 9 times in 10."""
    hits = 0
    for n, low, high, seed in BRUTE:
        pop = population(n, seed=seed + 100)
        scores = plain_scores(pop, CircleAims())
        best = max(plain_objective(scores, p) for p in partitions(list(range(n)), low, high))
        hits += form_peer_circles(pop, size=(low, high), rng=seed).objective >= best - 1e-12
    assert hits >= 0.9 * len(BRUTE)


def test_weights_steer_the_circles():
    """One aim alone scores it at least as well as balanced aims; time zones near the bound."""
    org = synthetic_org(400, seed=2)
    zones = form_peer_circles(org.population, aims={"time_zones": 1.0}, rng=0)
    mixed = form_peer_circles(org.population, aims={"departments": 1.0}, rng=0)
    assert zones.aims == CircleAims(level=0.0, departments=0.0, time_zones=1.0)
    assert zones.aim_scores["time_zones"] >= zones.aim_bounds["time_zones"] - 0.005
    balanced = form_peer_circles(org.population, rng=0)
    assert mixed.aim_scores["departments"] >= balanced.aim_scores["departments"]
    assert zones.aim_scores["time_zones"] >= balanced.aim_scores["time_zones"]
    assert zones.objective == pytest.approx(zones.aim_scores["time_zones"])


# -- determinism, inputs, errors -----------------------------------------------------------------


def test_same_seed_same_circles():
    """The same seed (int or Generator) gives the same circles; the population is untouched."""
    org = synthetic_org(600, seed=4)
    before = {name: org.population[name].copy() for name in ("level", "department")}
    members = list(range(0, 600, 2))
    given_members = list(members)
    a = form_peer_circles(org.population, members, rng=9)
    b = form_peer_circles(org.population, members, rng=np.random.default_rng(9))
    assert a.circles == b.circles
    assert a.objective == b.objective
    assert members == given_members
    for name, values in before.items():
        assert np.array_equal(org.population[name], values)


@given(seed=st.integers(0, 2**16), order=st.randoms(use_true_random=False))
@settings(max_examples=10, deadline=None)
def test_circles_do_not_depend_on_the_order_of_the_members(seed, order):
    """Members given in any order form the same circles (as sets), objective and fits."""
    org = synthetic_org(300, seed=3)
    ids = org.population.ids[:41].tolist()
    shuffled = list(ids)
    order.shuffle(shuffled)
    a = form_peer_circles(org.population, ids, size=(4, 6), rng=seed, max_rounds=30)
    b = form_peer_circles(org.population, shuffled, size=(4, 6), rng=seed, max_rounds=30)
    assert {frozenset(c) for c in a.circles} == {frozenset(c) for c in b.circles}
    assert a.objective == b.objective
    assert a.aim_scores == b.aim_scores
    fit_a = dict(zip(a.ids.tolist(), a.fit.tolist(), strict=True))
    assert fit_a == dict(zip(b.ids.tolist(), b.fit.tolist(), strict=True))
    assert b.ids.tolist() == shuffled  # the result still reads in the order given


def test_members_as_ids_rows_or_mask():
    """Ids, row indices and a boolean mask select the same members."""
    org = synthetic_org(200, seed=5)
    mask = np.zeros(200, dtype=bool)
    mask[::3] = True
    mask_before = mask.copy()
    rows = np.flatnonzero(mask)
    by_mask = form_peer_circles(org.population, mask, rng=1)
    by_rows = form_peer_circles(org.population, rows.tolist(), rng=1)
    by_ids = form_peer_circles(org.population, org.population.ids[rows].tolist(), rng=1)
    assert by_mask.circles == by_rows.circles == by_ids.circles
    assert np.array_equal(mask, mask_before)


@pytest.mark.parametrize(
    ("n", "size", "hint"), [(3, (4, 6), "4"), (7, (4, 5), "5 or 8"), (11, (6, 6), "6 or 12")]
)
def test_infeasible_sizes(n, size, hint):
    """No partition into the size range: an InfeasibleError naming the nearest headcounts."""
    pop = population(n, seed=0)
    with pytest.raises(InfeasibleError, match=f"cannot be split.*work: {hint}"):
        form_peer_circles(pop, size=size)


BAD = [
    ({"members": ["p0", "ghost"]}, "members[1]"),
    ({"members": [0, 99]}, "members[1]"),
    ({"members": [0, 0, 1, 2]}, "more than once"),
    ({"members": [0, "p1"]}, "a mix of int, str"),
    ({"members": "p0"}, "boolean mask"),
    ({"members": [True, False]}, "one entry per participant"),
    ({"size": (1, 3)}, "2 <= smallest"),
    ({"size": (5, 4)}, "2 <= smallest"),
    ({"size": 4}, "size"),
    ({"aims": {"seniority": 1.0}}, "unknown aim"),
    ({"aims": {"level": -1.0}}, "aims.level"),
    ({"aims": {"level": 0.0}}, "every aim has weight 0"),
    ({"aims": CircleAims.__name__}, "expected a CircleAims"),
    ({"rng": "seed"}, "rng"),
    ({"max_rounds": -1}, "max_rounds"),
]


@pytest.mark.parametrize(("kwargs", "where"), BAD)
def test_bad_input_raises_schema_error(kwargs, where):
    """Bad members, sizes, aims, seeds: a SchemaError saying where."""
    pop = population(8, seed=0)
    with pytest.raises(SchemaError, match=f"(?s){where.replace('[', '.').replace(']', '.')}"):
        form_peer_circles(pop, **kwargs)


def test_aims_record_checks():
    """CircleAims refuses negative or non-finite weights and an out-of-range working day."""
    with pytest.raises(SchemaError, match="time_zones"):
        CircleAims(time_zones=float("nan"))
    with pytest.raises(SchemaError, match="workday_hours"):
        CircleAims(workday_hours=30.0)
    assert CircleAims(level=3.0, departments=1.0, time_zones=0.0).weights()["level"] == 0.75


def test_not_a_population_and_no_members():
    """A non-Population is a SchemaError; an empty selection is infeasible."""
    with pytest.raises(SchemaError, match="participants"):
        form_peer_circles({"id": ["a"]})  # type: ignore[arg-type]
    with pytest.raises(InfeasibleError, match="no members"):
        form_peer_circles(population(8, seed=0), [])


def test_counter_of_sizes_in_summary():
    """The summary counts circles by size."""
    result = form_peer_circles(population(20, seed=1), size=(4, 6), rng=0)
    counts = Counter(result.sizes.tolist())
    text = result.summary()
    for size, count in counts.items():
        assert f"{size}: {count}" in text
