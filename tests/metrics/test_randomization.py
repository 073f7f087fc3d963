"""randomization_test: the rollout's own randomisation drawn again, and the p-value it gives."""

import itertools

import numpy as np
import pytest
from scipy import stats

from sparkus import EstimationError, SchemaError
from sparkus.metrics import design_rollout, randomization_test


def _tiny(cluster=False):
    people = {
        "site": ["x", "x", "x", "y", "y", "y", "y"],
        "team": ["a", "a", "b", "c", "d", "e", "e"],
        "tenure": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0],
    }
    return people, design_rollout(
        people, waves=2, strata="site", cluster="team" if cluster else None, rng=5
    )


def _brute_force_pvalue(design, y, period):
    """Every (order of units, order of waves) pair per stratum, each as likely: independent
    of the library, this is the draw design_rollout documents, enumerated in full."""
    strata = sorted(set(design.unit_stratum.tolist()))
    per_stratum = []
    for s in strata:
        units = np.flatnonzero(design.unit_stratum == s)
        outcomes = []
        for order in itertools.permutations(units.tolist()):
            for deal in itertools.permutations(range(design.waves)):
                outcomes.append({u: deal[k % design.waves] + 1 for k, u in enumerate(order)})
        per_stratum.append(outcomes)

    def stat(wave):
        early = wave <= period
        return y[early].mean() - y[~early].mean()

    observed = stat(design.wave)
    hits = total = 0
    for combo in itertools.product(*per_stratum):
        unit_wave = np.zeros(len(design.units), dtype=int)
        for part in combo:
            for u, w in part.items():
                unit_wave[u] = w
        total += 1
        hits += abs(stat(unit_wave[design.unit])) >= abs(observed) - 1e-12
    return hits / total


@pytest.mark.parametrize("cluster", [False, True])
def test_exact_pvalue_equals_the_enumeration(cluster):
    """draws='exact' equals the p-value of enumerating every draw of the design by hand."""
    _people, design = _tiny(cluster)
    y = np.array([0.3, 1.2, -0.4, 2.0, 0.1, 0.9, 1.5])
    test = randomization_test(design, y, draws="exact")
    assert test.exact
    assert test.pvalue == pytest.approx(_brute_force_pvalue(design, y, 1), abs=1e-12)


def test_random_draws_approach_the_exact_pvalue():
    """With many random redraws the p-value is within simulation error of the exact one."""
    _, design = _tiny()
    y = np.array([0.3, 1.2, -0.4, 2.0, 0.1, 0.9, 1.5])
    exact = randomization_test(design, y, draws="exact").pvalue
    mc = randomization_test(design, y, draws=20_000, rng=1).pvalue
    assert abs(mc - exact) < 4 * np.sqrt(exact * (1 - exact) / 20_000) + 1e-4


def test_pvalues_are_uniform_under_the_sharp_null():
    """Seeded simulation, outcomes unrelated to the waves: p-values pass a KS test of
    uniformity, and P(p <= 0.05) stays near 0.05."""
    rng = np.random.default_rng(2010)
    people = {"site": np.repeat(["a", "b"], 20), "team": np.repeat(np.arange(10), 4)}
    pvalues = []
    for k in range(300):
        design = design_rollout(people, waves=2, strata="site", cluster="team", rng=k)
        y = rng.normal(size=40) + np.repeat(rng.normal(size=10), 4)  # team effects, no support
        pvalues.append(randomization_test(design, y, draws=99, rng=k).pvalue)
    pvalues = np.asarray(pvalues)
    assert stats.kstest(pvalues, "uniform").pvalue > 0.01
    assert np.mean(pvalues <= 0.05) < 0.05 + 3 * np.sqrt(0.05 * 0.95 / 300)


def test_a_real_effect_is_found():
    """A large effect of the early wave gives a small p-value."""
    people = {"site": np.repeat(["a", "b"], 30)}
    design = design_rollout(people, waves=3, strata="site", rng=0)
    y = np.random.default_rng(1).normal(size=60) + 2.0 * (design.wave == 1)
    test = randomization_test(design, y, period=1, draws=499, rng=7)  # not the design seed
    assert test.pvalue == pytest.approx(1 / 500)
    assert test.statistic > 1.5


def test_seeds_reproduce_exactly():
    """The same seed gives the same null and p-value; a generator is used as given."""
    people = {"site": np.repeat(["a", "b"], 15)}
    design = design_rollout(people, waves=3, strata="site", rng=0)
    y = np.random.default_rng(3).normal(size=30)
    a = randomization_test(design, y, period=2, draws=200, rng=9)
    b = randomization_test(design, y, period=2, draws=200, rng=np.random.default_rng(9))
    np.testing.assert_array_equal(a.null, b.null)
    assert a.pvalue == b.pvalue
    c = randomization_test(design, y, period=2, draws=200, rng=10)
    assert not np.array_equal(a.null, c.null)


def test_redraws_keep_strata_clusters_and_wave_sizes():
    """Every redraw keeps colleagues together and each stratum's wave sizes (up to which
    waves take the remainder); the user statistic sees each draw."""
    people = {"site": np.repeat(["a", "b"], 12), "team": np.repeat(np.arange(8), 3)}
    design = design_rollout(people, waves=4, strata="site", cluster="team", rng=0)
    site = np.asarray(people["site"])
    seen = []

    def check(y, wave):
        assert (wave[0::3] == wave[1::3]).all()
        assert (wave[0::3] == wave[2::3]).all()
        for s in ("a", "b"):
            sizes = np.bincount(wave[site == s], minlength=5)[1:]
            assert sorted(sizes.tolist()) == [3, 3, 3, 3]
        seen.append(wave.copy())
        return float(y[wave == 1].mean())

    y = np.arange(24, dtype=float)
    randomization_test(design, y, statistic=check, draws=50, rng=1)
    assert len(seen) == 51  # the observed draw, then 50 redraws


def test_alternatives_and_input_unchanged():
    """One-sided p-values split the two-sided one; y is not mutated by the test."""
    _, design = _tiny()
    y = np.array([0.3, 1.2, -0.4, 2.0, 0.1, 0.9, 1.5])
    before = y.copy()
    two = randomization_test(design, y, draws="exact")
    greater = randomization_test(design, y, draws="exact", alternative="greater")
    less = randomization_test(design, y, draws="exact", alternative="less")
    assert max(greater.pvalue, less.pvalue) <= 1.0
    assert two.pvalue <= greater.pvalue + less.pvalue + 1e-12
    np.testing.assert_array_equal(y, before)
    assert "statistic" in repr(two)
    assert "Randomisation test" in two.summary()


def test_too_many_exact_draws_refused():
    """draws='exact' on a design with more than 200,000 draws is a SchemaError naming draws."""
    design = design_rollout({"site": ["a"] * 40}, waves=2, rng=0)
    with pytest.raises(SchemaError, match="draws"):
        randomization_test(design, np.zeros(40), draws="exact")


def test_to_frame_assignment_counts_balance():
    """to_frame gives the assignment per person by id, and the counts and balance tables."""
    import polars as pl

    from sparkus.datasets import synthetic_org

    org = synthetic_org(300, seed=1)
    design = design_rollout(org.population, waves=3, strata="department", rng=2)
    frame = design.to_frame()
    assert frame.index.name == "id"
    assert frame.index.tolist() == org.population.ids.tolist()
    assert frame["wave"].tolist() == design.wave.tolist()
    assert frame["stratum"].tolist() == org.population.decode("department").tolist()
    counts = design.to_frame("counts")
    assert counts.to_numpy().tolist() == design.counts.tolist()
    balance = design.to_frame("balance", backend="polars")
    assert isinstance(balance, pl.DataFrame)
    assert balance["covariate"].to_list() == list(design.covariates)
    people = {"team": ["a", "a", "b", "b"]}
    by_team = design_rollout(people, waves=2, cluster="team", rng=0).to_frame()
    assert by_team.index.name == "row"
    assert by_team["unit"].tolist() == ["a", "a", "b", "b"]
    with pytest.raises(SchemaError, match="table"):
        design.to_frame("people")


def test_a_statistic_that_fails_on_a_redraw_is_named():
    """Whatever the caller's statistic raises, on the draw or on a redraw, is a SchemaError
    naming `statistic` and the draw, with the caller's exception chained (it had escaped bare
    from the redraws, and as itself unless a TypeError or ValueError)."""
    _, design = _tiny()
    y = np.arange(7, dtype=float)
    calls = []

    def fails_on_third(v, wave):
        calls.append(1)
        if len(calls) == 3:
            raise KeyError("wave 3")
        return float(v[wave == 1].mean())

    with pytest.raises(SchemaError, match=r"statistic.*KeyError on redraw 2") as info:
        randomization_test(design, y, statistic=fails_on_third, draws=20, rng=1)
    assert isinstance(info.value.__cause__, KeyError)
    with pytest.raises(SchemaError, match=r"statistic.*ZeroDivisionError on the rollout as"):
        randomization_test(design, y, statistic=lambda v, w: 1 / 0, draws=20, rng=1)
    returned = []

    def a_list_when_redrawn(v, wave):
        returned.append(1)
        return 1.0 if len(returned) == 1 else [1.0, 2.0]

    with pytest.raises(SchemaError, match=r"statistic.*returned .*list.* on redraw 1"):
        randomization_test(design, y, statistic=a_list_when_redrawn, draws=20, rng=1)


def test_a_redraw_without_a_statistic_is_refused_not_dropped():
    """A statistic that is NaN on some redraws: those draws were counted as not extreme, which
    made the p-value too small (here 1/21 for a statistic as extreme as any); now refused."""
    _, design = _tiny()
    y = np.arange(7, dtype=float)
    observed = design.wave.copy()

    def only_as_drawn(v, wave):
        return 1.0 if np.array_equal(wave, observed) else float("nan")

    with pytest.raises(EstimationError, match=r"NaN or infinite on \d+ of 20 redraws"):
        randomization_test(design, y, statistic=only_as_drawn, draws=20, rng=1)
