"""Tests of the built-in compatibility scorers, each against values computed by hand."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sparkus import SchemaError
from sparkus.datasets import synthetic_org
from sparkus.matching import (
    GoalFit,
    SameReportingLine,
    Scorer,
    SeniorityGap,
    SharedLanguage,
    StatedPreferences,
    TimeZoneOverlap,
)
from sparkus.matching._pairing.reporting_line import euler_tour
from sparkus.matching._pairing.scorers import BUILTIN_SCORERS
from sparkus.model import Goal, Level, Population, Provider, SupportType

LD, TC, DI, TR = (Goal.LEADERSHIP_DEVELOPMENT, Goal.TEAM_COLLABORATION,
                  Goal.DIVERSITY_INCLUSION, Goal.TRANSFORMATION_READINESS)  # fmt: skip


def people(**columns: list[object]) -> Population:
    """A small population; core columns default to one department and tenure 1."""
    n = len(next(iter(columns.values())))
    base: dict[str, list[object]] = {
        "id": [f"p{i}" for i in range(n)],
        "level": ["manager"] * n,
        "department": ["R&D"] * n,
        "tenure_years": [1.0] * n,
    }
    base.update(columns)
    return Population.from_columns(base)


def coach(pid: str = "c", **fields: object) -> Provider:
    """A coaching provider with defaults for the fields a test does not care about."""
    values: dict[str, object] = {"capacity": 5, "cost_per_session": 100.0,
                                 "seniority": Level.EXECUTIVE}  # fmt: skip
    values.update(fields)
    return Provider(pid, SupportType.COACHING, **values)  # type: ignore[arg-type]


def all_pairs(scorer: Scorer, pop: Population, providers: list[Provider]) -> np.ndarray:
    """The dense score matrix, through broadcast row and column index arrays."""
    score = scorer.prepare(pop, providers)
    return score(np.arange(len(pop))[:, None], np.arange(len(providers))[None, :])


# -- each scorer by hand -----------------------------------------------------------------------


def test_builtin_scorers_conform_to_the_protocol() -> None:
    """Every built-in scorer is a Scorer with the stable name it is registered under."""
    assert sorted(BUILTIN_SCORERS) == ["goal_fit", "same_reporting_line", "seniority_gap",
                                       "shared_language", "stated_preferences",
                                       "time_zone_overlap"]  # fmt: skip
    for name, scorer in BUILTIN_SCORERS.items():
        assert isinstance(scorer, Scorer)
        assert scorer.name == name


def test_goal_fit_is_the_share_of_the_participants_goals_covered() -> None:
    """Goal fit = len(goals & specialties) / len(goals), program goals for people without goals."""
    pop = people(focus_goals=[["leadership_development", "team_collaboration"],
                              ["diversity_inclusion"], []])  # fmt: skip
    providers = [coach("a", specialties=(LD,)), coach("b", specialties=(TC, DI, TR)),
                 coach("c")]  # fmt: skip
    scores = all_pairs(GoalFit(fallback=(LD, TR)), pop, providers)
    # by hand: {LD,TC} vs {LD}: 1/2; vs {TC,DI,TR}: 1/2; vs {}: 0. {DI}: 0, 1, 0.
    # No goals -> fallback {LD,TR}: 1/2, 1/2, 0.
    assert scores.tolist() == [[0.5, 0.5, 0.0], [0.0, 1.0, 0.0], [0.5, 0.5, 0.0]]
    unknown = all_pairs(GoalFit(unknown=0.25), pop, providers)
    assert unknown[2].tolist() == [0.25, 0.25, 0.25]


def test_goal_fit_for_program_fills_in_the_programs_goals_only_when_unset() -> None:
    """``for_program`` uses the program's goals as fallback, unless a fallback was given."""
    program = synthetic_org(100, seed=0).program
    assert GoalFit().for_program(program).fallback == program.goals
    assert GoalFit(fallback=[DI]).for_program(program).fallback == (DI,)


def test_shared_language_scores_one_zero_or_unknown() -> None:
    """1 with a common language, 0 without (or -inf when required), `unknown` if one lists none."""
    pop = people(languages=[["en", "de"], ["fr"], []])
    providers = [coach("a", languages=("de",)), coach("b", languages=("en", "fr")), coach("c")]
    assert all_pairs(SharedLanguage(), pop, providers).tolist() == [
        [1.0, 1.0, 0.5], [0.0, 1.0, 0.5], [0.5, 0.5, 0.5]]  # fmt: skip
    required = all_pairs(SharedLanguage(required=True, unknown=0.0), pop, providers)
    assert required.tolist() == [[1.0, 1.0, 0.0], [-np.inf, 1.0, 0.0], [0.0, 0.0, 0.0]]


@pytest.mark.parametrize(
    ("mine", "theirs", "start", "end", "expected"),
    [
        (0.0, 0.0, 9.0, 17.0, 1.0),
        (-5.0, 0.0, 9.0, 17.0, 3 / 8),  # New York 9-17 is London 14-22: 14-17 shared
        (0.0, -5.0, 9.0, 17.0, 3 / 8),  # symmetric
        (-5.0, 8.0, 9.0, 17.0, 0.0),  # New York and Singapore: 13 hours apart, 11 the other way
        (5.5, 1.0, 9.0, 17.0, 3.5 / 8),  # Bangalore and Berlin
        (-11.0, 12.0, 9.0, 17.0, 7 / 8),  # 23 hours apart is 1 hour apart across the date line
        (0.0, 12.0, 0.0, 20.0, 16 / 20),  # a 20-hour day overlaps on both sides of midnight
    ],
)
def test_time_zone_overlap_by_hand(
    mine: float, theirs: float, start: float, end: float, expected: float
) -> None:
    """The share of the working day both sides share, wrapping around midnight."""
    pop = people(utc_offset=[mine])
    score = all_pairs(TimeZoneOverlap(start=start, end=end), pop, [coach(utc_offset=theirs)])
    assert score[0, 0] == pytest.approx(expected, abs=1e-12)


def test_seniority_gap_follows_its_documented_scale() -> None:
    """max(0, 1 - |gap - preferred| / width), gap = levels the provider sits above."""
    levels = [lv.value for lv in Level]  # executive ... individual contributor
    pop = people(level=levels)
    providers = [coach(lv.value, seniority=lv) for lv in Level]
    scores = all_pairs(SeniorityGap(), pop, providers)
    gap = np.arange(4)[:, None] - np.arange(4)[None, :]
    assert np.allclose(scores, np.maximum(0, 1 - np.abs(gap - 1) / 3))
    assert scores[3].round(4).tolist() == [0.3333, 0.6667, 1.0, 0.6667]  # an IC, by hand
    wide = all_pairs(SeniorityGap(preferred=0, width=2.0), pop, providers)
    assert wide[2].tolist() == [0.0, 0.5, 1.0, 0.5]


def test_stated_preferences_score_by_rank() -> None:
    """Listed at rank r of L: 1 - r/L; unlisted 0; no list at all: `unstated`."""
    pop = people(level=["manager"] * 3)
    providers = [coach("a"), coach("b"), coach("c")]
    scorer = StatedPreferences({"p0": ["c", "a"], "p1": ["b"]}, unstated=0.3)
    assert all_pairs(scorer, pop, providers).tolist() == [
        [0.5, 0.0, 1.0], [0.0, 1.0, 0.0], [0.3, 0.3, 0.3]]  # fmt: skip


def test_stated_preferences_name_unknown_ids() -> None:
    """Unknown participant and provider ids are a SchemaError naming each of them."""
    pop = people(level=["manager"] * 2)
    scorer = StatedPreferences({"p0": ["a", "zz", "yy"], "ghost": ["a"]})
    with pytest.raises(SchemaError) as error:
        scorer.prepare(pop, [coach("a")])
    text = str(error.value)
    assert "'zz', 'yy' are not among the providers" in text
    assert "'ghost' names no participant" in text


def test_scorers_accept_pairs_of_one_shape() -> None:
    """A prepared scorer scores flat arrays of pairs as well as broadcast grids."""
    org = synthetic_org(200, seed=2)
    rows = np.array([0, 5, 7, 199])
    cols = np.array([0, 1, 2, 3])
    for scorer in (GoalFit(), SharedLanguage(), TimeZoneOverlap(), SeniorityGap(),
                   SameReportingLine(), StatedPreferences()):  # fmt: skip
        dense = all_pairs(scorer, org.population, list(org.providers))
        flat = scorer.prepare(org.population, org.providers)(rows, cols)
        assert flat.tolist() == dense[rows, cols].tolist()


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: GoalFit(unknown=2.0), "goal_fit.unknown"),
        (lambda: GoalFit(fallback=["world_peace"]), "goal_fit.fallback"),
        (lambda: SharedLanguage(required="yes"), "shared_language.required"),
        (lambda: TimeZoneOverlap(start=25.0), "time_zone_overlap.start"),
        (lambda: TimeZoneOverlap(start=9.0, end=8.0), "time_zone_overlap.end"),
        (lambda: SeniorityGap(preferred=5), "seniority_gap.preferred"),
        (lambda: SeniorityGap(width=0), "seniority_gap.width"),
        (lambda: StatedPreferences({"a": ["x", "x"]}), "stated_preferences.preferences.a: lists"),
        (lambda: StatedPreferences({"a": "x"}), "stated_preferences.preferences.a: expected"),
        (lambda: StatedPreferences(["a"]), "stated_preferences.preferences"),
    ],
)
def test_bad_parameters_are_schema_errors(build: object, field: str) -> None:
    """A scorer refuses bad parameters with a SchemaError naming the parameter."""
    with pytest.raises(SchemaError) as error:
        build()  # type: ignore[operator]
    assert field in str(error.value)


# -- the reporting line --------------------------------------------------------------------------


def test_same_reporting_line_by_hand() -> None:
    """Self, everyone above and everyone below is forbidden; other branches and externals not."""
    pop = Population.from_columns({
        "id": ["ceo", "cto", "dev", "intern", "cfo", "acct"],
        "manager_id": [None, "ceo", "cto", "dev", "ceo", "cfo"],
        "level": ["executive", "senior_leader", "manager", "individual_contributor",
                  "senior_leader", "manager"],
        "department": ["Board", "R&D", "R&D", "R&D", "Finance", "Finance"],
        "tenure_years": [9.0, 5.0, 2.0, 0.5, 6.0, 3.0],
    })  # fmt: skip
    providers = [
        Provider("m-dev", SupportType.MENTORING, 3, 0.0, Level.MANAGER, employee_id="dev"),
        Provider("m-cfo", SupportType.MENTORING, 3, 0.0, Level.SENIOR_LEADER, employee_id="cfo"),
        coach("external"),
    ]
    scores = all_pairs(SameReportingLine(), pop, providers)
    inf = -np.inf
    assert scores.tolist() == [
        [inf, inf, 1.0],  # ceo: above both mentors
        [inf, 1.0, 1.0],  # cto: dev's manager; not in the cfo's line
        [inf, 1.0, 1.0],  # dev: the mentor themselves
        [inf, 1.0, 1.0],  # intern: reports to dev
        [1.0, inf, 1.0],  # cfo
        [1.0, inf, 1.0],  # acct: reports to the cfo
    ]


def test_same_reporting_line_needs_employee_ids_in_the_population() -> None:
    """An employee id naming no participant is a SchemaError naming provider and id."""
    pop = people(level=["manager"])
    mentor = Provider("m1", SupportType.MENTORING, 3, 0.0, Level.MANAGER, employee_id="nobody")
    with pytest.raises(SchemaError, match="'nobody' \\(provider 'm1'\\) names no participant"):
        SameReportingLine().prepare(pop, [mentor])


def manager_graph(pop: Population) -> nx.DiGraph:
    """The manager tree as a networkx graph, edges from manager to report."""
    graph = nx.DiGraph()
    graph.add_nodes_from(range(len(pop)))
    manager = pop["manager_id"]
    graph.add_edges_from((int(m), i) for i, m in enumerate(manager.tolist()) if m >= 0)
    return graph


def test_same_reporting_line_matches_networkx_on_the_synthetic_organisation() -> None:
    """Forbidden pairs equal networkx's ancestors/descendants of each mentor, and the count is pinned."""
    org = synthetic_org(300, seed=4)
    mentors = [p for p in org.providers if p.employee_id is not None]
    scores = all_pairs(SameReportingLine(), org.population, mentors)
    graph = manager_graph(org.population)
    row = {v: i for i, v in enumerate(org.population.ids.tolist())}
    expected = np.ones(scores.shape)
    for j, mentor in enumerate(mentors):
        e = row[mentor.employee_id]
        line = nx.ancestors(graph, e) | nx.descendants(graph, e) | {e}
        expected[sorted(line), j] = -np.inf
    assert np.array_equal(scores, expected)
    # Pinned: networkx 3.6.1, the loop above (sum of len(ancestors | descendants | {self}) over
    # the mentors and peer facilitators of synthetic_org(300, seed=4)).
    assert int(np.isinf(expected).sum()) == 134


@st.composite
def forests(draw: st.DrawFn, max_size: int = 14) -> np.ndarray:
    """A random forest on up to `max_size` nodes, parent -1 at the roots, rows shuffled."""
    n = draw(st.integers(1, max_size))
    parent = [-1] + [draw(st.integers(-1, i - 1)) for i in range(1, n)]
    order = draw(st.permutations(range(n)))
    where = {old: new for new, old in enumerate(order)}
    shuffled = [-1] * n
    for old, p in enumerate(parent):
        shuffled[where[old]] = where[p] if p >= 0 else -1
    return np.array(shuffled, dtype=np.int64)


def brute_ancestors(parent: np.ndarray) -> set[tuple[int, int]]:
    """Every (ancestor-or-self, node) pair, by walking up from each node."""
    pairs = set()
    for v in range(parent.shape[0]):
        u = v
        while u >= 0:
            pairs.add((u, v))
            u = int(parent[u])
    return pairs


@given(forests())
def test_euler_tour_answers_ancestor_queries_like_a_brute_force_walk(parent: np.ndarray) -> None:
    """tin[u] <= tin[v] < tout[u] exactly when u is v or above it."""
    tin, tout = euler_tour(parent)
    n = parent.shape[0]
    assert sorted(tin.tolist()) == list(range(n))  # a pre-order numbering
    found = {(u, v) for u in range(n) for v in range(n) if tin[u] <= tin[v] < tout[u]}
    assert found == brute_ancestors(parent)


@given(forests(max_size=10), st.data())
def test_same_reporting_line_matches_a_brute_force_loop(
    parent: np.ndarray, data: st.DataObject
) -> None:
    """On random forests, -inf exactly on pairs in one chain (brute force)."""
    n = parent.shape[0]
    ids = [f"e{i}" for i in range(n)]
    pop = Population.from_columns({
        "id": ids, "manager_id": [ids[p] if p >= 0 else None for p in parent.tolist()],
        "level": ["manager"] * n, "department": ["D"] * n, "tenure_years": [1.0] * n,
    })  # fmt: skip
    employees = data.draw(st.lists(st.integers(-1, n - 1), min_size=1, max_size=5))
    providers = [
        Provider(f"m{j}", SupportType.MENTORING, 2, 0.0, Level.MANAGER,
                 employee_id=ids[e] if e >= 0 else None)
        for j, e in enumerate(employees)
    ]  # fmt: skip
    scores = all_pairs(SameReportingLine(), pop, providers)
    chain = brute_ancestors(parent)
    for r in range(n):
        for j, e in enumerate(employees):
            forbidden = e >= 0 and ((e, r) in chain or (r, e) in chain)
            assert scores[r, j] == (-np.inf if forbidden else 1.0)
