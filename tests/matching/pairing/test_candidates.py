"""Tests of the candidate matrix: top-k against a dense brute force, explanations, shortlists."""

from __future__ import annotations

import copy
import json
import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus import SchemaError
from sparkus.datasets import synthetic_org
from sparkus.matching import (
    DEFAULT_WEIGHTS,
    CandidateMatrix,
    GoalFit,
    SameReportingLine,
    SharedLanguage,
    StatedPreferences,
    assign,
    candidate_matrix,
    get_scorer,
)
from sparkus.model import Goal, Level, Population, Provider, SupportType

LANGUAGES = ("de", "en", "fr")
OFFSETS = (-5.0, 0.0, 1.0, 5.5, 8.0)
GOALS = tuple(g.value for g in Goal)
LEVELS = tuple(lv.value for lv in Level)


@st.composite
def instances(draw: st.DrawFn) -> tuple[Population, list[Provider], dict[str, list[str]]]:
    """A small organisation (a random manager forest), providers (some employees), preferences."""
    n = draw(st.integers(1, 9))
    ids = [f"e{i}" for i in range(n)]
    parent = [-1] + [draw(st.integers(-1, i - 1)) for i in range(1, n)]
    subsets = st.lists(st.sampled_from(LANGUAGES), max_size=2, unique=True)
    pop = Population.from_columns({
        "id": ids,
        "manager_id": [ids[p] if p >= 0 else None for p in parent],
        "level": draw(st.lists(st.sampled_from(LEVELS), min_size=n, max_size=n)),
        "department": ["D"] * n,
        "tenure_years": [1.0] * n,
        "utc_offset": draw(st.lists(st.sampled_from(OFFSETS), min_size=n, max_size=n)),
        "languages": draw(st.lists(subsets, min_size=n, max_size=n)),
        "focus_goals": draw(st.lists(st.lists(st.sampled_from(GOALS), max_size=2, unique=True),
                                     min_size=n, max_size=n)),
    })  # fmt: skip
    m = draw(st.integers(1, 7))
    providers = [
        Provider(
            f"q{j}",
            draw(st.sampled_from([SupportType.COACHING, SupportType.MENTORING])),
            draw(st.integers(0, 3)),
            0.0,
            Level(draw(st.sampled_from(LEVELS))),
            tuple(Goal(g) for g in draw(st.lists(st.sampled_from(GOALS), max_size=2, unique=True))),
            tuple(draw(subsets)),
            draw(st.sampled_from(OFFSETS)),
            draw(st.one_of(st.none(), st.sampled_from(ids))),
        )
        for j in range(m)
    ]
    prefs = {
        who: draw(st.lists(st.sampled_from([p.id for p in providers]), max_size=3, unique=True))
        for who in draw(st.lists(st.sampled_from(ids), max_size=3, unique=True))
    }
    return pop, providers, prefs


weight_values = st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0])


def brute_force(pop, providers, model, k, support_type=None, program=None):
    """Dense scores pair by pair in Python, then each row sorted by (-score, column)."""
    columns = [j for j, p in enumerate(providers) if support_type in (None, p.support_type)]
    scorers = [s.for_program(program) if program and hasattr(s, "for_program") else s
               for s, _ in model]  # fmt: skip
    total = sum(w for _, w in model)
    weights = [w / total for _, w in model]
    prepared = [s.prepare(pop, providers) for s in scorers]
    rows = []
    for i in range(len(pop)):
        allowed = []
        for c, j in enumerate(columns):
            raw = [float(f(np.array([i]), np.array([j]))[0]) for f in prepared]
            if any(s == -math.inf for s in raw):
                continue
            score = 0.0
            for s, w in zip(raw, weights, strict=True):
                score += w * s
            allowed.append((-min(score, 1.0), c))
        rows.append([(c, -neg) for neg, c in sorted(allowed)[:k]])
    return rows


def stored(cm: CandidateMatrix) -> list[list[tuple[int, float]]]:
    """The stored entries of each row as (column, score), best first (ties: lower column)."""
    out = []
    s = cm.scores
    for i in range(s.shape[0]):
        cols = s.indices[s.indptr[i] : s.indptr[i + 1]].tolist()
        vals = s.data[s.indptr[i] : s.indptr[i + 1]].tolist()
        out.append(sorted(zip(cols, vals, strict=True), key=lambda cv: (-cv[1], cv[0])))
    return out


# -- top-k against a brute force -----------------------------------------------------------------


@settings(max_examples=40)  # each example runs a pair-by-pair brute force
@given(instances(), st.integers(1, 8), st.lists(weight_values, min_size=6, max_size=6),
       st.sampled_from([None, SupportType.COACHING]), st.integers(1, 4))  # fmt: skip
def test_top_k_equals_a_dense_brute_force(instance, k, w, support_type, block_size) -> None:
    """Stored entries are each row's k best allowed pairs, ties to the lower column, any block size."""
    pop, providers, prefs = instance
    if sum(w[:5]) + w[5] == 0:
        w[0] = 1.0
    model = [
        (get_scorer("goal_fit"), w[0]), (SharedLanguage(required=w[1] == 0.5), w[1]),
        (get_scorer("seniority_gap"), w[2]), (get_scorer("time_zone_overlap"), w[3]),
        (StatedPreferences(prefs), w[4]), (SameReportingLine(), w[5]),
    ]  # fmt: skip
    cm = candidate_matrix(pop, providers, scorers=model, k=k, support_type=support_type,
                          block_size=block_size)  # fmt: skip
    assert stored(cm) == brute_force(pop, providers, model, k, support_type)
    assert cm.scores.has_canonical_format
    assert cm.scores.shape == (len(pop), len(cm.provider_ids))


@settings(max_examples=30)
@given(instances(), st.integers(1, 4))
def test_candidates_never_include_a_forbidden_pair(instance, k) -> None:
    """No stored pair puts a mentor inside the participant's own chain (networkx, live)."""
    pop, providers, _ = instance
    cm = candidate_matrix(pop, providers, k=k)
    graph = nx.DiGraph()
    graph.add_nodes_from(range(len(pop)))
    graph.add_edges_from((int(m), i) for i, m in enumerate(pop["manager_id"].tolist()) if m >= 0)
    row = {v: i for i, v in enumerate(pop.ids.tolist())}
    s = cm.scores.tocoo()
    for i, j in zip(s.row.tolist(), s.col.tolist(), strict=True):
        employee = providers[j].employee_id
        if employee is not None:
            e = row[employee]
            assert i != e
            assert i not in nx.ancestors(graph, e) | nx.descendants(graph, e)


# -- explanations and shortlists -----------------------------------------------------------------


@settings(max_examples=30)  # each example explains every pair
@given(instances(), st.integers(1, 3))
def test_explanations_sum_to_the_score(instance, k) -> None:
    """Each pair's contributions sum to its score; statuses agree with the stored candidates."""
    pop, providers, prefs = instance
    model = [*((get_scorer(name), w) for name, w in DEFAULT_WEIGHTS.items()),
             (StatedPreferences(prefs), 0.2)]  # fmt: skip
    cm = candidate_matrix(pop, providers, scorers=model, k=k)
    dense = cm.scores.toarray()
    has = np.zeros(dense.shape, dtype=bool)
    has[cm.scores.tocoo().row, cm.scores.tocoo().col] = True
    for i, pid in enumerate(cm.participant_ids):
        for j, qid in enumerate(cm.provider_ids):
            e = cm.explain(pid, qid)
            assert sum(e.weights) == pytest.approx(1.0)
            if e.status == "forbidden":
                assert e.score == -math.inf
                assert e.forbidden_by == ("same_reporting_line",)
                assert e.contributions[-2] == -math.inf  # the forbidding scorer's part
                assert not has[i, j]
                continue
            expected = [w * s for w, s in zip(e.weights, e.scores, strict=True)]
            assert e.contributions == pytest.approx(expected)
            assert sum(e.contributions) == pytest.approx(e.score, abs=1e-12)
            assert (e.status == "candidate") == has[i, j]
            if has[i, j]:
                assert e.score == dense[i, j]


def test_explain_by_hand() -> None:
    """A pair's explanation lists each scorer's score, weight and contribution."""
    pop = Population.from_columns({
        "id": ["a"], "level": ["manager"], "department": ["D"], "tenure_years": [1.0],
        "languages": [["en"]], "focus_goals": [["leadership_development"]], "utc_offset": [0.0],
    })  # fmt: skip
    coach = Provider("c", SupportType.COACHING, 3, 100.0, Level.SENIOR_LEADER,
                     (Goal.LEADERSHIP_DEVELOPMENT,), ("en",), -5.0)  # fmt: skip
    cm = candidate_matrix(pop, [coach], scorers={"goal_fit": 2, "time_zone_overlap": 2})
    e = cm.explain("a", "c")
    # by hand: goal fit 1, overlap 3/8; weights 1/2 each: 0.5 + 0.1875
    assert e.scores == (1.0, 0.375)
    assert e.weights == (0.5, 0.5)
    assert e.contributions == (0.5, 0.1875)
    assert (e.status, e.score, e.rank) == ("candidate", 0.6875, 1)
    assert "candidate number 1" in e.summary()


def test_shortlist_is_the_best_candidates_with_explanations() -> None:
    """A shortlist lists the k best candidates in order, each explained with its rank."""
    org = synthetic_org(1_000, seed=5)
    cm = candidate_matrix(org.population, org.providers, support_type="coaching", k=5,
                          program=org.program)  # fmt: skip
    pid = cm.participant_ids[17]
    short = cm.shortlist(pid, k=3)
    row = stored(cm)[17]
    assert short.provider_ids == tuple(cm.provider_ids[c] for c, _ in row[:3])
    assert list(short.scores) == [v for _, v in row[:3]]
    assert [e.rank for e in short.explanations] == [1, 2, 3]
    assert all(e.status == "candidate" for e in short.explanations)
    assert len(cm.shortlist(pid, k=50).provider_ids) == 4  # only 4 coaches for 1,000 people
    assert pid in short.summary()
    assert repr(short).startswith("Shortlist(")


def test_no_candidate_explanations_and_shortlists() -> None:
    """The CEO has no allowed mentor (all are below them): forbidden pairs, an empty shortlist."""
    org = synthetic_org(300, seed=1)
    cm = candidate_matrix(org.population, org.providers, support_type=SupportType.MENTORING)
    ceo = org.population.ids[org.population["manager_id"] < 0][0]
    assert cm.n_candidates[cm.participant_ids.index(ceo)] == 0
    assert cm.shortlist(ceo).provider_ids == ()
    e = cm.explain(ceo, cm.provider_ids[0])
    assert e.status == "forbidden"
    assert e.forbidden_by == ("same_reporting_line",)
    assert "participants without a candidate" in cm.summary()


# -- the matrix as the assignment sees it --------------------------------------------------------


def test_cost_keeps_every_stored_pair_including_zero_costs() -> None:
    """cost() = 1 - score on the same stored entries; a perfect score stays stored as cost 0."""
    pop = Population.from_columns({"id": ["a", "b"], "level": ["manager"] * 2,
                                   "department": ["D"] * 2, "tenure_years": [1.0] * 2})  # fmt: skip
    coaches = [Provider(c, SupportType.COACHING, 1, 1.0, Level.SENIOR_LEADER) for c in "xy"]
    cm = candidate_matrix(pop, coaches, scorers={"seniority_gap": 1.0})
    cost = cm.cost()
    assert cost.nnz == cm.scores.nnz == 4
    assert np.array_equal(cost.indices, cm.scores.indices)
    assert cost.data.tolist() == [0.0] * 4
    assert cm.capacity.tolist() == [1, 1]
    assert cm.capacity.dtype == np.int64


def test_assign_takes_a_candidate_matrix() -> None:
    """The assignment accepts the matrix as it is and places within capacity."""
    org = synthetic_org(400, seed=6)
    cm = candidate_matrix(org.population, org.providers, support_type="coaching", k=2,
                          members=org.population.ids[:20].tolist(), program=org.program)  # fmt: skip
    result = assign(cm)
    load = np.bincount(np.asarray(result.provider)[np.asarray(result.provider) >= 0],
                       minlength=len(cm.provider_ids))  # fmt: skip
    assert (load <= cm.capacity).all()


def test_members_and_support_type_select_rows_and_columns() -> None:
    """`members` picks rows (mask or ids, in order), `support_type` the provider columns."""
    org = synthetic_org(300, seed=2)
    pop = org.population
    mask = np.zeros(len(pop), dtype=bool)
    mask[[3, 1, 7]] = True
    by_mask = candidate_matrix(pop, org.providers, members=mask, support_type="mentoring", k=2)
    assert by_mask.participant_ids == tuple(pop.ids[[1, 3, 7]].tolist())
    assert all(p.startswith("M") for p in by_mask.provider_ids)
    wanted = [pop.ids[7], pop.ids[1]]
    by_ids = candidate_matrix(pop, org.providers, members=wanted, support_type="mentoring", k=2)
    assert by_ids.participant_ids == tuple(wanted)
    assert stored(by_ids)[0] == stored(by_mask)[2]


def test_program_goals_are_the_fallback_of_goal_fit() -> None:
    """With `program`, people without focus goals are fitted against the program's goals."""
    org = synthetic_org(200, seed=0)
    pop = Population.from_columns({"id": ["a"], "level": ["manager"], "department": ["D"],
                                   "tenure_years": [1.0]})  # fmt: skip
    coach = Provider("c", SupportType.COACHING, 1, 1.0, Level.EXECUTIVE, org.program.goals[:1])
    without = candidate_matrix(pop, [coach], scorers={"goal_fit": 1.0})
    with_program = candidate_matrix(pop, [coach], scorers={"goal_fit": 1.0}, program=org.program)
    assert without.scores.data.tolist() == [0.5]  # unknown
    assert with_program.scores.data.tolist() == [0.5]  # one of the program's two goals
    fit = candidate_matrix(pop, [coach], scorers=[(GoalFit(unknown=0.0), 1.0)])
    assert fit.scores.data.tolist() == [0.0]


# -- determinism, no mutation, results -----------------------------------------------------------


def test_same_input_same_matrix_whatever_the_block_size() -> None:
    """Two runs, and runs with different block sizes, give identical matrices."""
    org = synthetic_org(500, seed=8)
    runs = [candidate_matrix(org.population, org.providers, k=4, block_size=b, program=org.program)
            for b in (None, 1, 7, 10_000)]  # fmt: skip
    first = runs[0].scores
    for other in runs[1:]:
        assert np.array_equal(other.scores.indptr, first.indptr)
        assert np.array_equal(other.scores.indices, first.indices)
        assert np.array_equal(other.scores.data, first.data)


def test_inputs_are_not_mutated() -> None:
    """Population, providers, weights and preferences are left as they were."""
    org = synthetic_org(200, seed=9)
    before = copy.deepcopy(org.population.to_columns())
    providers = list(org.providers)
    weights = dict(DEFAULT_WEIGHTS)
    prefs = {org.population.ids[0]: [providers[0].id]}
    prefs_before = copy.deepcopy(prefs)
    model = [*((name, w) for name, w in weights.items()), (StatedPreferences(prefs), 1.0)]
    candidate_matrix(org.population, providers, scorers=model, k=3, program=org.program)
    after = org.population.to_columns()
    assert all(np.array_equal(before[c], after[c]) for c in before)
    assert providers == list(org.providers)
    assert weights == dict(DEFAULT_WEIGHTS)
    assert prefs == prefs_before


def test_result_summary_repr_and_json() -> None:
    """The matrix prints a summary, a one-line repr and JSON-ready data."""
    org = synthetic_org(200, seed=3)
    cm = candidate_matrix(org.population, org.providers, k=2, support_type="coaching")
    assert repr(cm) == "CandidateMatrix(n=200, providers=2, k=2, candidates=400)"
    assert "Compatibility model" in cm.summary()
    assert "<table>" in cm._repr_html_()
    data = json.loads(json.dumps(cm.to_dict()))
    assert data["weights"] == dict(DEFAULT_WEIGHTS)
    assert len(data["scores"]["data"]) == 400
    assert json.dumps(cm.explain(cm.participant_ids[0], cm.provider_ids[0]).to_dict())


# -- bad input -----------------------------------------------------------------------------------


class Broken:
    """A plugin scorer that breaks the contract in a chosen way."""

    def __init__(self, value: object, name: str = "broken") -> None:
        self.value = value
        self.name = name

    def prepare(self, participants, providers):
        if isinstance(self.value, np.ndarray):
            return lambda rows, cols: self.value
        return lambda rows, cols: np.full(np.broadcast_shapes(rows.shape, cols.shape), self.value)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"scorers": {"no_such": 1.0}}, "scorers.no_such: no scorer named 'no_such'"),
        (
            {"scorers": {"goal_fit": -1.0}},
            "the weight of 'goal_fit' must be a finite number from 0 to 1e12",
        ),
        ({"scorers": {"goal_fit": math.nan}}, "the weight of 'goal_fit'"),
        ({"scorers": {"goal_fit": 0.0}}, "at least one weight must be positive"),
        ({"scorers": {}}, "expected at least one scorer"),
        ({"scorers": [("goal_fit", 1.0), ("goal_fit", 2.0)]}, "repeated: 'goal_fit'"),
        ({"scorers": [(object(), 1.0)]}, "is not a scorer"),
        ({"scorers": "goal_fit"}, "expected a mapping of scorer name to weight"),
        ({"k": 0}, "`k` must be a positive integer"),
        ({"support_type": "therapy"}, "`support_type` must be one of"),
        ({"members": ["E000001", "nobody"]}, "'nobody' is not a participant id"),
        ({"members": np.ones(3, dtype=bool)}, "one entry per participant"),
        ({"members": ["E000001", "E000001"]}, "lists 'E000001' more than once"),
        ({"block_size": 0}, "`block_size` must be a positive integer"),
        ({"program": "p"}, "expected a Program or None"),
        ({"scorers": [(Broken(np.nan), 1.0)]}, "scorer 'broken' returned NaN"),
        ({"scorers": [(Broken(1.5), 1.0)]}, "scorer 'broken' returned 1.5"),
        ({"scorers": [(Broken(np.zeros(7)), 1.0)]}, "returned shape (7,)"),
    ],
)
def test_bad_input_is_a_schema_error(kwargs, message) -> None:
    """Each malformed argument is refused with a SchemaError naming what is wrong."""
    org = synthetic_org(100, seed=0)
    with pytest.raises(SchemaError) as error:
        candidate_matrix(org.population, org.providers, **kwargs)
    assert message in str(error.value)


def test_duplicate_providers_and_unknown_ids_are_named() -> None:
    """Repeated provider ids, and unknown ids given to explain/shortlist, are SchemaErrors."""
    org = synthetic_org(100, seed=0)
    with pytest.raises(SchemaError, match=r"providers\[1\]\.id: 'C00001' repeats providers\[0\]"):
        candidate_matrix(org.population, [org.providers[0], org.providers[0]])
    cm = candidate_matrix(org.population, org.providers, support_type="coaching", k=1)
    with pytest.raises(SchemaError, match="'nobody' is not a participant"):
        cm.explain("nobody", cm.provider_ids[0])
    with pytest.raises(SchemaError, match="'M00001' is not a provider of this candidate matrix, "
                                          "which holds coaching only"):  # fmt: skip
        cm.explain(cm.participant_ids[0], "M00001")
    with pytest.raises(SchemaError, match="'ghost' is not a participant"):
        cm.shortlist("ghost")
    with pytest.raises(SchemaError, match="`k` must be a positive integer"):
        cm.shortlist(cm.participant_ids[0], k=0)
    with pytest.raises(SchemaError, match="expected a Population"):
        candidate_matrix({"id": ["a"]}, org.providers)  # type: ignore[arg-type]


def test_members_by_ids_rows_or_mask_give_the_same_matrix() -> None:
    """Members given as ids, as row indices or as a mask select the same participants."""
    org = synthetic_org(300, seed=2)
    rows = [3, 17, 41, 100]
    ids = [str(org.population.ids[r]) for r in rows]
    mask = np.zeros(len(org.population), dtype=bool)
    mask[rows] = True
    built = [
        candidate_matrix(org.population, org.providers, members=m, k=3, support_type="mentoring")
        for m in (ids, rows, mask)
    ]
    for cm in built:
        assert cm.participant_ids == tuple(ids)
        assert (cm.scores != built[0].scores).nnz == 0


def test_members_as_a_pandas_series_are_read_like_an_array():
    """A boolean pandas Series indexed by id (in any order) or a Series of ids selects the
    members; a boolean Series labelled otherwise is refused, not paired by position."""
    import pandas as pd

    org = synthetic_org(80, seed=5)
    sales = org.population.decode("department") == "Sales"
    expected = candidate_matrix(org.population, org.providers, members=sales, k=3)
    by_mask = candidate_matrix(org.population, org.providers, k=3,
                               members=pd.Series(sales, index=org.population.ids)[::-1])  # fmt: skip
    with pytest.raises(SchemaError, match="members: its index does not match"):
        candidate_matrix(org.population, org.providers, k=3,
                         members=pd.Series(sales, index=range(500, 580)))  # fmt: skip
    by_ids = candidate_matrix(org.population, org.providers, k=3,
                              members=pd.Series(org.population.ids[sales]))  # fmt: skip
    assert by_mask.participant_ids == expected.participant_ids
    assert by_ids.participant_ids == expected.participant_ids
