"""design_rollout: stratified (cluster) randomisation to waves, and its balance table."""

import copy

import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus import SchemaError
from sparkus.datasets import synthetic_org
from sparkus.metrics import design_rollout


@st.composite
def _people(draw):
    n = draw(st.integers(1, 60))
    strata = draw(st.lists(st.sampled_from(["a", "b", "c"]), min_size=n, max_size=n))
    teams = draw(st.lists(st.integers(0, 9), min_size=n, max_size=n))
    x = draw(st.lists(st.floats(-5, 5), min_size=n, max_size=n))
    return {"site": strata, "team": [f"t{t}" for t in teams], "x": x}


@settings(max_examples=60, deadline=None)
@given(people=_people(), waves=st.integers(1, 5), seed=st.integers(0, 2**32))
def test_people_waves_within_a_stratum_differ_by_at_most_one(people, waves, seed):
    """Randomising people: per stratum, wave sizes differ by at most one; a seed repeats."""
    design = design_rollout(people, waves=waves, strata="site", rng=seed)
    counts = design.counts
    assert counts.sum() == len(people["site"])
    assert (counts.max(axis=1) - counts.min(axis=1) <= 1).all()
    again = design_rollout(people, waves=waves, strata="site", rng=seed)
    np.testing.assert_array_equal(again.wave, design.wave)
    assert set(design.wave.tolist()) <= set(range(1, waves + 1))
    for row, stratum in enumerate(design.strata):
        mine = np.asarray(people["site"]) == stratum
        assert counts[row].tolist() == [int((design.wave[mine] == k).sum())
                                        for k in range(1, waves + 1)]  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(people=_people(), waves=st.integers(1, 5), seed=st.integers(0, 2**32))
def test_clusters_share_a_wave_and_differ_by_at_most_one_cluster(people, waves, seed):
    """Randomising teams: colleagues share a wave; per stratum, clusters per wave differ by at
    most one (a team's stratum: the one most of its members are in, the first on a tie)."""
    design = design_rollout(people, waves=waves, strata="site", cluster="team", rng=seed)
    team = np.asarray(people["team"])
    site = np.asarray(people["site"])
    wave_of = {}
    for t, w in zip(team.tolist(), design.wave.tolist(), strict=True):
        assert wave_of.setdefault(t, w) == w
    stratum_of = {}
    for t in wave_of:
        values, counts = np.unique(site[team == t], return_counts=True)
        pairs = zip(values.tolist(), counts.tolist(), strict=True)
        stratum_of[t] = min(pairs, key=lambda p: (-p[1], p[0]))[0]
    for s in set(stratum_of.values()):
        per_wave = [sum(1 for t in wave_of if stratum_of[t] == s and wave_of[t] == k)
                    for k in range(1, waves + 1)]  # fmt: skip
        assert max(per_wave) - min(per_wave) <= 1
    again = design_rollout(people, waves=waves, strata="site", cluster="team", rng=seed)
    np.testing.assert_array_equal(again.wave, design.wave)


def test_smd_equals_an_independent_pandas_computation():
    """Balance: (mean wave - mean rest) / sqrt((var wave + var rest) / 2), by pandas."""
    rng = np.random.default_rng(5)
    people = {"level": rng.choice(["ic", "mgr"], 300), "tenure": rng.gamma(2, 2, 300),
              "score": rng.normal(3, 1, 300)}  # fmt: skip
    design = design_rollout(people, waves=4, strata="level", rng=11)
    frame = pd.DataFrame(people).assign(wave=design.wave)
    assert design.covariates == ("tenure", "score")
    for i, name in enumerate(design.covariates):
        for k in range(4):
            inside = frame.loc[frame.wave == k + 1, name]
            rest = frame.loc[frame.wave != k + 1, name]
            expected = (inside.mean() - rest.mean()) / np.sqrt((inside.var() + rest.var()) / 2)
            assert design.smd[i, k] == pytest.approx(expected, rel=1e-12)


def test_randomisation_balances_on_average():
    """Over many seeds the SMDs centre on zero (randomisation is unbiased)."""
    rng = np.random.default_rng(8)
    people = {"x": rng.normal(size=200)}
    mean = np.mean([design_rollout(people, waves=2, rng=s).smd[0, 0] for s in range(300)])
    assert abs(mean) < 0.03  # sd of one SMD ~ 2/sqrt(200) = 0.14; of the mean ~ 0.008


def test_population_pandas_and_polars_agree_and_nothing_is_mutated():
    """A Population, its pandas and its polars frame give the same waves; inputs unchanged."""
    pop = synthetic_org(150, seed=2).population
    frame = pop.to_frame()
    before = frame.copy()
    a = design_rollout(pop, waves=3, strata="site", cluster="team", rng=4)
    b = design_rollout(frame.reset_index(), waves=3, strata="site", cluster="team", rng=4)
    polars_frame = pop.to_frame(backend="polars")
    assert isinstance(polars_frame, pl.DataFrame)
    c = design_rollout(polars_frame, waves=3, strata="site", cluster="team", rng=4)
    np.testing.assert_array_equal(a.wave, b.wave)
    np.testing.assert_array_equal(a.wave, c.wave)
    pd.testing.assert_frame_equal(frame, before)
    people = {"g": ["a", "b"] * 5, "x": list(range(10))}
    kept = copy.deepcopy(people)
    design_rollout(people, waves=2, strata="g", rng=0)
    assert people == kept


def test_summary_and_to_dict():
    """The summary shows both tables; to_dict is JSON-ready."""
    design = design_rollout({"g": ["a", "b"] * 6, "x": np.arange(12.0)}, waves=2, strata="g",
                            rng=1)  # fmt: skip
    text = design.summary()
    assert "People per stratum and wave" in text
    assert "standardised mean difference" in text
    assert design.to_dict()["counts"] == [[3, 3], [3, 3]]
    with pytest.raises(ValueError, match="read-only"):
        design.wave[0] = 2


@pytest.mark.parametrize(
    ("kwargs", "names"),
    [
        ({"waves": 0}, ("waves",)),
        ({"waves": 2.5}, ("waves",)),
        ({"waves": 2, "strata": "nope"}, ("strata", "nope")),
        ({"waves": 2, "cluster": ["g", "g"]}, ("cluster",)),
        ({"waves": 2, "covariates": ["g"]}, ("covariates", "numeric")),
        ({"waves": 2, "rng": -1}, ("rng",)),
    ],
)
def test_bad_input_is_a_schema_error(kwargs, names):
    """Bad options are refused, naming the parameter."""
    with pytest.raises(SchemaError) as info:
        design_rollout({"g": ["a", "b"], "x": [1.0, 2.0]}, **kwargs)
    for name in names:
        assert name in str(info.value)


def test_missing_stratum_names_the_row():
    """A person without a stratum value is refused, naming the row."""
    with pytest.raises(SchemaError, match="row 1"):
        design_rollout({"g": ["a", None, "b"]}, waves=2, strata="g")
