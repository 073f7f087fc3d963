"""Tests of deferred acceptance with capacities and of the stability checks."""

from __future__ import annotations

import itertools
import json
import sys
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sparkus import SchemaError
from sparkus.matching import StableMatching, blocking_pairs, deferred_acceptance, is_stable

# -- an independent, plain reading of the definitions --------------------------------------------


def plain_blocking(matching, proposer_prefs, reviewer_prefs, capacity):
    """Blocking pairs straight from the definition, one pair at a time."""
    out = []
    for p, listed in proposer_prefs.items():
        current = matching.get(p)
        if current is not None and (current not in listed or p not in reviewer_prefs[current]):
            current = None  # held in a pair that is not acceptable: as good as unmatched
        for r in listed:
            if r == current:
                break  # the rest of p's list is worse than its match
            if p not in reviewer_prefs[r]:
                continue
            held = [q for q, s in matching.items() if s == r]
            listing = reviewer_prefs[r]

            def rank(q, listing=listing, r=r):
                acceptable = q in listing and r in proposer_prefs[q]
                return listing.index(q) if acceptable else len(listing)  # unacceptable: worst

            if len(held) < capacity[r] or any(rank(p) < rank(q) for q in held):
                out.append((p, r))
    return out


def plain_stable(matching, proposer_prefs, reviewer_prefs, capacity):
    """Stability from the definition: acceptable pairs, capacities, no blocking pair."""
    for p, r in matching.items():
        if r is not None and (r not in proposer_prefs[p] or p not in reviewer_prefs[r]):
            return False
    for r, c in capacity.items():
        if sum(s == r for s in matching.values()) > c:
            return False
    return not plain_blocking(matching, proposer_prefs, reviewer_prefs, capacity)


def all_stable_matchings(proposer_prefs, reviewer_prefs, capacity):
    """Every stable matching, by trying every choice of every proposer."""
    proposers = list(proposer_prefs)
    options = [[None, *proposer_prefs[p]] for p in proposers]
    for choice in itertools.product(*options):
        matching = dict(zip(proposers, choice, strict=True))
        if plain_stable(matching, proposer_prefs, reviewer_prefs, capacity):
            yield matching


@st.composite
def markets(draw):
    """At most 5 proposers and 3 reviewers, incomplete lists, capacities 0-2."""
    proposers = [f"p{i}" for i in range(draw(st.integers(1, 5)))]
    reviewers = [f"r{j}" for j in range(draw(st.integers(1, 3)))]

    def ranking(items):
        chosen = draw(st.lists(st.sampled_from(items), unique=True, max_size=len(items)))
        return draw(st.permutations(chosen))

    proposer_prefs = {p: list(ranking(reviewers)) for p in proposers}
    reviewer_prefs = {r: list(ranking(proposers)) for r in reviewers}
    capacity = {r: draw(st.integers(0, 2)) for r in reviewers}
    return proposer_prefs, reviewer_prefs, capacity


# -- correctness ---------------------------------------------------------------------------------


@given(markets())
def test_result_is_stable_and_proposer_optimal(market):
    """Every result is stable, and each proposer gets its best partner in any stable matching."""
    proposer_prefs, reviewer_prefs, capacity = market
    result = deferred_acceptance(proposer_prefs, reviewer_prefs, capacity)
    assert plain_stable(result.matches, *market)
    assert result.is_stable()
    assert result.blocking_pairs() == []
    for stable in all_stable_matchings(*market):
        for p, listed in proposer_prefs.items():
            ours, theirs = result.matches[p], stable[p]
            if theirs is not None:
                assert ours is not None
                assert listed.index(ours) <= listed.index(theirs)


@given(markets(), st.data())
def test_checks_agree_with_the_definitions(market, data):
    """is_stable and blocking_pairs agree with a plain reading on arbitrary matchings."""
    proposer_prefs, reviewer_prefs, _ = market
    matching = {p: data.draw(st.sampled_from([None, *reviewer_prefs])) for p in proposer_prefs}
    assert is_stable(matching, *market) == plain_stable(matching, *market)
    expected = plain_blocking(matching, *market)
    assert sorted(blocking_pairs(matching, *market)) == sorted(expected)


def matching_package_instance():
    rng = np.random.default_rng(31)
    n_p, n_r = 40, 6
    proposer_prefs = {
        f"p{i}": [f"r{j}" for j in rng.permutation(n_r)[: int(rng.integers(1, 5))]]
        for i in range(n_p)
    }
    applicants = {
        f"r{j}": [p for p, listed in proposer_prefs.items() if f"r{j}" in listed]
        for j in range(n_r)
    }
    reviewer_prefs = {r: [ps[k] for k in rng.permutation(len(ps))] for r, ps in applicants.items()}
    capacity = {f"r{j}": int(rng.integers(1, 6)) for j in range(n_r)}
    return proposer_prefs, reviewer_prefs, capacity


# Computed once with the `matching` package 1.4.3 (HospitalResident.create_from_dictionaries,
# solve(optimal="resident")); the other 17 proposers are unmatched.
PINNED_MATCHES = {
    "p0": "r2", "p1": "r0", "p10": "r1", "p14": "r4", "p15": "r2", "p16": "r2", "p19": "r2",
    "p2": "r5", "p20": "r3", "p23": "r5", "p25": "r3", "p27": "r3", "p28": "r5", "p31": "r3",
    "p33": "r2", "p34": "r0", "p35": "r5", "p36": "r1", "p38": "r4", "p39": "r1", "p4": "r5",
    "p5": "r4", "p7": "r4",
}  # fmt: skip


def test_pinned_matching_package_result():
    """A seeded market gives the resident-optimal matching the `matching` package found."""
    result = deferred_acceptance(*matching_package_instance())
    assert {p: r for p, r in result.matches.items() if r is not None} == PINNED_MATCHES
    assert result.n_matched == 23


def test_live_matching_package_comparison():
    """On a larger random market the result equals the `matching` package's, live."""
    with warnings.catch_warnings():  # the package changes warning filters on import
        warnings.simplefilter("ignore")
        from matching import games

        rng = np.random.default_rng(8)
        n_p, n_r = 300, 20
        proposer_prefs = {
            p: rng.choice(n_r, int(rng.integers(1, 6)), replace=False).tolist() for p in range(n_p)
        }
        applicants = {r: [p for p, lst in proposer_prefs.items() if r in lst] for r in range(n_r)}
        reviewer_prefs = {r: rng.permutation(ps).tolist() for r, ps in applicants.items()}
        capacity = {r: int(rng.integers(1, 15)) for r in range(n_r)}
        limit = sys.getrecursionlimit()
        try:
            sys.setrecursionlimit(max(limit, 20_000))  # the package deep-copies recursively
            game = games.HospitalResident.create_from_dictionaries(
                proposer_prefs, reviewer_prefs, capacity
            )
            solved = game.solve(optimal="resident")
        finally:
            sys.setrecursionlimit(limit)
    theirs = {resident.name: hospital.name for hospital, rs in solved.items() for resident in rs}
    result = deferred_acceptance(proposer_prefs, reviewer_prefs, capacity)
    assert {p: r for p, r in result.matches.items() if r is not None} == theirs


def test_documented_example():
    """The docstring's three proposers: cai takes x, ana falls back to y, ben is left out."""
    proposers = {"ana": ["x", "y"], "ben": ["x"], "cai": ["x", "y"]}
    reviewers = {"x": ["cai", "ana", "ben"], "y": ["ana", "cai"]}
    result = deferred_acceptance(proposers, reviewers, {"x": 1, "y": 1})
    assert result.matches == {"ana": "y", "ben": None, "cai": "x"}
    assert result.assignees == {"x": ["cai"], "y": ["ana"]}


def test_acceptability_needs_both_sides():
    """A pair listed by only one side is never matched."""
    proposers = {"a": ["x"], "b": ["x"]}
    reviewers = {"x": ["b"]}
    result = deferred_acceptance(proposers, reviewers, {"x": 2})
    assert result.matches == {"a": None, "b": "x"}


def test_capacities_and_reviewer_order():
    """A reviewer keeps its favourites up to capacity and lists them in its own order."""
    proposers = {i: ["x", "y"] for i in range(5)}
    reviewers = {"x": [4, 3, 2, 1, 0], "y": [0, 1, 2, 3, 4]}
    result = deferred_acceptance(proposers, reviewers, {"x": 2, "y": 2})
    assert result.assignees == {"x": [4, 3], "y": [0, 1]}
    assert result.matches[2] is None


def test_large_market_is_stable():
    """A market of thousands matches in proposer-optimal fashion and passes the check."""
    rng = np.random.default_rng(1)
    n_p, n_r = 4000, 200
    proposer_prefs = {p: rng.choice(n_r, 8, replace=False).tolist() for p in range(n_p)}
    applicants = {r: [] for r in range(n_r)}
    for p, listed in proposer_prefs.items():
        for r in listed:
            applicants[r].append(p)
    reviewer_prefs = {r: rng.permutation(ps).tolist() for r, ps in applicants.items()}
    result = deferred_acceptance(proposer_prefs, reviewer_prefs, dict.fromkeys(applicants, 20))
    assert result.is_stable()
    assert is_stable(result.matches, proposer_prefs, reviewer_prefs, dict.fromkeys(applicants, 20))


def test_checks_flag_infeasible_matchings():
    """Unacceptable pairs or an over-full reviewer make a matching unstable."""
    proposers = {"a": ["x"], "b": ["x", "y"]}
    reviewers = {"x": ["a", "b"], "y": ["b"]}
    capacity = {"x": 1, "y": 1}
    assert not is_stable({"a": "y", "b": "x"}, proposers, reviewers, capacity)
    assert not is_stable({"a": "x", "b": "x"}, proposers, reviewers, capacity)
    assert is_stable({"a": "x", "b": "y"}, proposers, reviewers, capacity)
    # x has room: a (unmatched) and b (who prefers x to y) would both rather be there.
    assert blocking_pairs({"b": "y"}, proposers, reviewers, capacity) == [("a", "x"), ("b", "x")]


# -- errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proposers", "reviewers", "capacity", "where"),
    [
        ({"a": ["x", "x"]}, {"x": ["a"]}, {"x": 1}, ("proposer_prefs", "a")),
        ({"a": ["z"]}, {"x": ["a"]}, {"x": 1}, ("proposer_prefs", "a", 0)),
        ({"a": ["x"]}, {"x": ["a", "q"]}, {"x": 1}, ("reviewer_prefs", "x", 1)),
        ({"a": ["x"]}, {"x": ["a"]}, {"x": -1}, ("capacity", "x")),
        ({"a": ["x"]}, {"x": ["a"]}, {"x": 1.5}, ("capacity", "x")),
        ({"a": ["x"]}, {"x": ["a"]}, {}, ("capacity", "x")),
        ({"a": ["x"]}, {"x": ["a"]}, {"x": 1, "w": 1}, ("capacity", "w")),
        ({"a": "x"}, {"x": ["a"]}, {"x": 1}, ("proposer_prefs", "a")),
        ({"a": {"x"}}, {"x": ["a"]}, {"x": 1}, ("proposer_prefs", "a")),
        ([("a", ["x"])], {"x": ["a"]}, {"x": 1}, ("proposer_prefs",)),
        ({"a": [["x"]]}, {"x": ["a"]}, {"x": 1}, ("proposer_prefs", "a", 0)),
    ],
)
def test_bad_input_raises_schema_error(proposers, reviewers, capacity, where):
    """Bad preferences or capacities raise SchemaError with the path, never a KeyError."""
    with pytest.raises(SchemaError) as info:
        deferred_acceptance(proposers, reviewers, capacity)
    assert where in [p.path for p in info.value.problems]


def test_bad_matching_raises_schema_error():
    """A matching naming unknown people is a SchemaError for both checks."""
    proposers, reviewers, capacity = {"a": ["x"]}, {"x": ["a"]}, {"x": 1}
    with pytest.raises(SchemaError):
        is_stable({"zed": "x"}, proposers, reviewers, capacity)
    with pytest.raises(SchemaError):
        blocking_pairs({"a": "nowhere"}, proposers, reviewers, capacity)
    with pytest.raises(SchemaError):
        is_stable([("a", "x")], proposers, reviewers, capacity)


def test_every_problem_is_reported():
    """All problems of all three inputs arrive in one SchemaError."""
    with pytest.raises(SchemaError) as info:
        deferred_acceptance({"a": ["x", "q"]}, {"x": ["zz"]}, {"x": -1})
    assert len(info.value.problems) == 3


# -- the result object ---------------------------------------------------------------------------


def test_result_views():
    """summary, to_dict (JSON-ready), the HTML view and the one-line repr all work."""
    result = deferred_acceptance(*matching_package_instance())
    assert isinstance(result, StableMatching)
    assert "proposals" in result.summary()
    data = json.loads(json.dumps(result.to_dict()))
    assert data["n_matched"] == 23
    assert data["matches"]["p3"] is None
    assert result._repr_html_().startswith("<div")
    assert repr(result) == "StableMatching(n=40, matched=23, reviewers=6)"


def test_empty_market():
    """No proposers, or no reviewers, give an empty but valid result."""
    assert deferred_acceptance({}, {}, {}).matches == {}
    alone = deferred_acceptance({"a": []}, {}, {})
    assert alone.matches == {"a": None}
    assert alone.is_stable()


def test_a_huge_capacity_means_no_limit_and_allocates_nothing():
    """A capacity of 10**30 (beyond int64) is read as no limit, not an OverflowError or 8 GB."""
    proposers = {"a": ["x"], "b": ["x"]}
    reviewers = {"x": ["b", "a"]}
    result = deferred_acceptance(proposers, reviewers, {"x": 10**30})
    assert result.matches == {"a": "x", "b": "x"}
    assert is_stable(result.matches, proposers, reviewers, {"x": 10**12})
