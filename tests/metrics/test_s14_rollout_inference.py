"""randomization_test against an independent enumeration: ties, units, constants, row order."""

import itertools
import time
import tracemalloc
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from sparkus import SchemaError
from sparkus.metrics import design_rollout, randomization_test

_SIDES = ("two-sided", "greater", "less")


def _enumerated(design, y, period, alternative):
    """The exact p-value and number of draws, by brute force over every wave vector.

    Written apart from the library: every vector of waves for the units (waves**units of
    them) is kept when, in each stratum, the wave sizes are the balanced ones (``q + 1`` units
    for ``r`` waves, ``q`` for the rest) in some order. design_rollout's draw (shuffle the
    units, deal them in turn from a random wave) makes each such vector equally likely:
    ``1 / (C(waves, r) * multinomial)`` per stratum. The statistic (early minus late mean) and
    the comparison are in exact rational arithmetic, so ties are ties.
    """
    waves, strata = design.waves, design.unit_stratum
    wanted = {}
    for s in set(strata.tolist()):
        q, r = divmod(int(np.sum(strata == s)), waves)
        wanted[s] = sorted([q + 1] * r + [q] * (waves - r))
    values = [Fraction(float(v)) for v in y]

    def stat(person_wave):
        early = [v for v, w in zip(values, person_wave, strict=True) if w <= period]
        late = [v for v, w in zip(values, person_wave, strict=True) if w > period]
        return sum(early) / len(early) - sum(late) / len(late)

    observed = stat(design.wave.tolist())
    hits = total = 0
    for vector in itertools.product(range(1, waves + 1), repeat=len(strata)):
        sizes = {s: [0] * waves for s in wanted}
        for s, w in zip(strata.tolist(), vector, strict=True):
            sizes[s][w - 1] += 1
        if any(sorted(sizes[s]) != wanted[s] for s in wanted):
            continue
        t = stat([vector[u] for u in design.unit.tolist()])
        total += 1
        if alternative == "two-sided":
            hits += abs(t) >= abs(observed)
        elif alternative == "greater":
            hits += t >= observed
        else:
            hits += t <= observed
    return hits / total, total


def _people_design(cluster):
    if cluster:
        people = {"site": ["x"] * 6 + ["y"] * 5,
                  "team": ["a", "a", "b", "c", "c", "d", "e", "e", "f", "g", "g"]}  # fmt: skip
        return design_rollout(people, waves=2, strata="site", cluster="team", rng=4)
    people = {"site": ["x"] * 5 + ["y"] * 3}
    return design_rollout(people, waves=3, strata="site", rng=4)


@pytest.mark.parametrize("alternative", _SIDES)
@pytest.mark.parametrize("scale", [1.0, 2.0**-60, 0.37e-290, 3.1e250])
@pytest.mark.parametrize("cluster", [False, True])
def test_exact_pvalue_is_the_enumeration_at_any_scale(cluster, scale, alternative):
    """Small integers with ties (and a level of 1,000) in any unit: the exact p-value and the
    number of draws are the brute-force enumeration's on the integers, ties up to rounding
    counted as ties. Ties were counted within 1e-12 of max(|t|, 1), an absolute floor, so at
    2**-60 and 3.7e-291 every draw tied (one-sided p-values of 1)."""
    design = _people_design(cluster)
    n = len(design.wave)
    k = np.array([1.0, 3.0, 1.0, 2.0, 3.0, 1.0, 2.0, 2.0, 3.0, 1.0, 2.0][:n])
    k = k + 1000.0 + (design.wave == 1)
    expected, total = _enumerated(design, k, 1, alternative)
    test = randomization_test(design, k * scale, draws="exact", alternative=alternative)
    assert test.draws == total
    assert test.pvalue == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("scale", [1e-14, 1e-20, 1e20, 3e-300])
def test_pvalue_does_not_depend_on_the_units(scale):
    """Outcomes in other units (times 1e-14, 1e-20, ...) give the same p-value, exact or drawn."""
    design = design_rollout({"x": list(range(8))}, waves=2, rng=3)
    y = np.random.default_rng(1).normal(size=8) + (design.wave == 1)
    for draws in ("exact", 999):
        base = randomization_test(design, y, draws=draws, rng=1, alternative="greater")
        scaled = randomization_test(design, y * scale, draws=draws, rng=1, alternative="greater")
        assert scaled.pvalue == base.pvalue


@pytest.mark.parametrize("value", [123456.789, 0.1, -3.7e5, 1e300 / 7])
@pytest.mark.parametrize("alternative", _SIDES)
def test_constant_outcomes_give_pvalue_one(value, alternative):
    """Outcomes all equal: every draw ties with the observed one, so p = 1 on every side.
    Means of 4 and 9 copies of 123456.789 differ in the last bit, which was counted: 0.75."""
    design = design_rollout({"x": list(range(13))}, waves=3, rng=3)
    y = np.full(13, value)
    test = randomization_test(design, y, draws=199, rng=1, alternative=alternative)
    assert test.statistic == 0.0
    assert test.pvalue == 1.0
    assert np.all(test.null == 0.0)


def test_drawn_pvalue_does_not_depend_on_the_row_order():
    """People with ids, rows shuffled: the same seeds give the same waves by id, the same
    redraws and the same p-value (the draw followed the row positions)."""
    ids = [f"p{i:02d}" for i in range(24)]
    site = ["a"] * 10 + ["b"] * 14
    y = pd.Series(np.random.default_rng(5).normal(size=24), index=ids)
    shuffle = np.random.default_rng(0).permutation(24)
    tests = []
    for rows in (np.arange(24), shuffle):
        people = {"id": [ids[i] for i in rows], "site": [site[i] for i in rows]}
        design = design_rollout(people, waves=3, strata="site", rng=11)
        tests.append(randomization_test(design, y, period=1, draws=299, rng=12))
    assert tests[1].statistic == pytest.approx(tests[0].statistic, rel=1e-12)
    np.testing.assert_allclose(tests[1].null, tests[0].null, rtol=1e-12, atol=1e-15)
    assert tests[1].pvalue == tests[0].pvalue


def test_exact_refused_at_once_for_a_large_stratum():
    """400,000 units in one stratum: draws="exact" is refused without computing 400,000!
    (that took 19 s; a million units, 67 s)."""
    design = design_rollout({"s": ["a"] * 400_000}, waves=2, strata="s", rng=1)
    start = time.perf_counter()
    with pytest.raises(SchemaError, match="more than 200,000 draws"):
        randomization_test(design, np.zeros(400_000), draws="exact")
    assert time.perf_counter() - start < 5.0


def test_row_numbers_written_as_text_align():
    """A DataFrame indexed "0", "1", ... has no ids (its rows' numbers); a y Series with that
    index, in any order, is aligned by it (it was refused: "lacks 0, 1, ...")."""
    frame = pd.DataFrame({"site": ["a"] * 6 + ["b"] * 6}, index=[str(i) for i in range(12)])
    design = design_rollout(frame, waves=2, strata="site", rng=2)
    assert design.ids is None
    y = np.random.default_rng(3).normal(size=12)
    series = pd.Series(y, index=frame.index)[::-1]
    plain = randomization_test(design, y, draws="exact")
    aligned = randomization_test(design, series, draws="exact")
    assert aligned.pvalue == plain.pvalue
    assert aligned.statistic == plain.statistic


def test_a_missing_outcome_is_named_by_id():
    """A NaN outcome of a design with ids names the person's id beside the row."""
    design = design_rollout({"id": ["u", "v", "w", "z"]}, waves=2, rng=1)
    y = pd.Series([1.0, np.nan, 2.0, 3.0], index=["z", "w", "v", "u"])
    with pytest.raises(SchemaError, match=r"y: rows 2 \(ids 'w'\)"):
        randomization_test(design, y, draws="exact")


def test_random_redraws_are_not_all_held_in_memory():
    """5,000 redraws of 1,000 people take memory for one redraw at a time, not 40 MB for all
    of them (a million redraws, the limit, needed 8 GB and ran out of memory)."""
    design = design_rollout({"s": ["a"] * 500 + ["b"] * 500}, waves=3, strata="s", rng=1)
    y = np.random.default_rng(0).normal(size=1000)
    tracemalloc.start()
    try:
        randomization_test(design, y, draws=5_000, rng=1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000


def test_a_misspelt_exact_lists_the_allowed_values():
    """draws="exact " is refused naming both the spelling and the range of a number of draws."""
    design = design_rollout({"x": list(range(6))}, waves=2, rng=1)
    with pytest.raises(SchemaError, match=r"draws: expected 'exact' or an integer from 1 to"):
        randomization_test(design, np.arange(6.0), draws="exact ")


@pytest.mark.parametrize(
    ("returned", "match"),
    [(10**400, "an integer beyond the floats"), ("1.5", "str '1.5'"), (b"2", "bytes")],
)
@pytest.mark.parametrize("on_redraw", [False, True])
def test_a_statistic_returning_no_number_is_named(returned, match, on_redraw):
    """A statistic returning an integer past the floats (OverflowError escaped bare) or text
    (read as the number it spells) is a SchemaError naming `statistic`, on any draw."""
    design = design_rollout({"x": list(range(6))}, waves=2, rng=1)
    calls = []

    def statistic(y, wave):
        calls.append(1)
        return returned if len(calls) > on_redraw else 1.0

    with pytest.raises(SchemaError, match=rf"statistic: returned .*{match}"):
        randomization_test(design, np.arange(6.0), statistic=statistic, draws=5, rng=1)
