"""Subgroup effects of several groupings of the same people, protected together in one call.

The attacker of the threat model knows everyone's memberships and every figure published about
the groupings. The attackers here are the tests' own, independent of sparkus' verifier: an
integer program over the people who share every group (``scipy.optimize.milp``) for the
treated counts, and a linear program over every person's outcome (``scipy.optimize.linprog``)
for the effects of ``method="difference"``, each a difference of two means and so linear in
the outcomes once the arms are known. Each attack recovers a hidden figure from two separate
calls (as the code before one call could only publish them) and not from the one call.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from sparkus import EstimationError, SchemaError
from sparkus.datasets import synthetic_org
from sparkus.metrics import subgroup_effects

SHARE = 0.5
"""The protection width's share: half the range of ``min(m, n)`` people (docs/privacy.md)."""


def _published(groupings, results):
    """Each reported group's members and result, over every grouping; the total if shown."""
    out = []
    for name, labels in groupings.items():
        result = results[name]
        out += [(labels == g, result, g) for g in result.n_treated]
    return out


def count_range(groupings, results, treated, target):
    """The fewest and most treated people in `target` the published counts allow (exact).

    One whole-number variable per set of people who share every group (its treated count,
    0 to its size); each reported group's treated count and, with the overall effect shown,
    the total are equality constraints.
    """
    keys = np.column_stack([np.unique(v, return_inverse=True)[1] for v in groupings.values()])
    _, atom = np.unique(keys, axis=0, return_inverse=True)
    atom = atom.ravel()
    size = np.bincount(atom)
    rows, values = [], []
    for mask, result, g in _published(groupings, results):
        rows.append(np.bincount(atom[mask], minlength=len(size)) > 0)
        values.append(result.n_treated[g])
    first = next(iter(results.values()))
    if first.overall is not None:
        rows.append(np.ones(len(size), bool))
        values.append(int(treated.sum()))
    held = np.bincount(atom[target], minlength=len(size))
    assert np.all((held == 0) | (held == size)), "the target is a union of atoms"
    c = (held > 0).astype(float)
    constraints = LinearConstraint(np.array(rows, float), values, values) if rows else ()
    ends = []
    for sign in (1.0, -1.0):
        res = milp(sign * c, integrality=np.ones(len(size)), bounds=Bounds(0, size),
                   constraints=constraints)  # fmt: skip
        assert res.status == 0
        ends.append(sign * res.fun)
    return ends[0], ends[1], c @ size


def outcome_range(groupings, results, y, treated, target):
    """The least and most ``target @ y`` the published differences in means allow.

    Every outcome lies between the smallest and the largest one; each reported effect (and the
    overall one, when shown) is ``mean(y | treated) - mean(y | control)`` over its people.
    """
    n = len(y)
    rows, values = [], []
    published = [(m, r.estimates[g]) for m, r, g in _published(groupings, results)
                 if g in r.estimates]  # fmt: skip
    first = next(iter(results.values()))
    if first.overall is not None:
        published.append((np.ones(n, bool), first.overall))
    for mask, estimate in published:
        t, c = mask & treated, mask & ~treated
        rows.append(t / t.sum() - c / c.sum())
        values.append(estimate.estimate)
    ends = []
    for sign in (1.0, -1.0):
        res = linprog(sign * target, A_eq=np.array(rows), b_eq=values,
                      bounds=(y.min(), y.max()), method="highs")  # fmt: skip
        assert res.status == 0
        ends.append(sign * res.fun)
    return ends[0], ends[1]


def _apart(y, treated, groupings, **options):
    """What separate calls publish: each grouping's result on its own."""
    return {k: subgroup_effects(y, treated, v, **options) for k, v in groupings.items()}


def test_the_ceo_is_not_revealed_by_departments_and_levels():
    """The docs' organisation: apart, the levels pin the CEO's treated count; together, not."""
    pop = synthetic_org(5_000, seed=7).population
    treated = pop.decode("support") != "none"
    groupings = {"department": pop.decode("department"), "level": pop.decode("level")}
    ceo = groupings["department"] == "Executive Office"
    y = pop["outcome_post"]
    apart = _apart(y, treated, groupings)
    assert list(apart["department"].suppressed) == ["Executive Office"]
    assert count_range(groupings, apart, treated, ceo)[:2] == (1.0, 1.0)  # pinned: supported
    together = subgroup_effects(y, treated, groupings)
    assert set(together) == {"department", "level"}
    assert together["department"].suppressed == apart["department"].suppressed
    low, high, _ = count_range(groupings, together, treated, ceo)
    assert (low, high) == (0.0, 1.0)
    assert together["level"].overall is None
    assert together["level"].suppressed  # a level is withheld instead: the CEO is one of them


def _nested(kind):
    """60 people, every other one treated; two groupings of two groups, each group large.

    ``"one-more"``: group g of the first grouping is g of the second plus the CEO (issue's
    attack); ``"swapped"``: the two g differ by one treated person each (p for q). Returns the
    data, the groupings and the target whose value the separate calls give away.
    """
    rng = np.random.default_rng(3)
    n = 60
    y = rng.normal(50.0, 5.0, n)
    treated = np.arange(n) % 2 == 0
    core = np.arange(1, 13)  # 6 treated and 6 control
    if kind == "one-more":
        first, second = np.r_[0, core], core
        target = np.zeros(n)
        target[0] = 1.0
        target[core[treated[core]]] = -1.0 / treated[core].sum()  # y_ceo - the core's mean
    else:
        first, second = np.r_[0, core], np.r_[14, core]
        target = np.zeros(n)
        target[[0, 14]] = [1.0, -1.0]  # y_p - y_q
    groupings = {
        "first": np.where(np.isin(np.arange(n), first), "g", "h"),
        "second": np.where(np.isin(np.arange(n), second), "g", "h"),
    }
    return y, treated, groupings, target


@pytest.mark.parametrize("kind", ["one-more", "swapped"])
def test_a_person_outcome_is_not_revealed_by_two_groupings(kind):
    """Apart, two near-equal groups give one person's outcome by difference; together not."""
    y, treated, groupings, target = _nested(kind)
    apart = _apart(y, treated, groupings)
    assert not any(r.suppressed for r in apart.values())
    low, high = outcome_range(groupings, apart, y, treated, target)
    assert high - low < 1e-9  # the attack of the issue, exactly
    assert low == pytest.approx(target @ y, abs=1e-9)
    together = subgroup_effects(y, treated, groupings)
    low, high = outcome_range(groupings, together, y, treated, target)
    assert high - low >= SHARE * (y.max() - y.min())  # half of one person's range
    for who in np.flatnonzero(np.abs(target) == 1):  # nor do the counts give their arms
        person = np.arange(len(y)) == who
        assert count_range(groupings, together, treated, person)[:2] == (0.0, 1.0)


def test_one_grouping_in_a_mapping_is_the_single_call():
    """A mapping of one grouping gives the result of that grouping passed alone."""
    y, treated, groupings, _ = _nested("one-more")
    alone = subgroup_effects(y, treated, groupings["first"])
    together = subgroup_effects(y, treated, {"first": groupings["first"]})
    assert list(together) == ["first"]
    assert together["first"].to_dict() == alone.to_dict()


_Y, _T = np.arange(20.0), np.arange(20) % 2 == 0
_G = np.repeat(["a", "b"], 10)


@pytest.mark.parametrize(
    ("groups", "error", "says"),
    [
        pytest.param({}, SchemaError, "groups: expected at least one grouping", id="none"),
        pytest.param({" ": _G}, SchemaError, "groups: expected each grouping's name", id="blank"),
        pytest.param({1: _G}, SchemaError, "groups: expected each grouping's name", id="int"),
        pytest.param(
            {"level": _G, "site": _G[:-1]}, EstimationError, "`groups['site']` has 19", id="short"
        ),
        pytest.param(
            {"level": _G, "site": np.where(_G == "a", None, _G)},
            SchemaError,
            "groups['site']: is missing in rows 0, 1",
            id="missing",
        ),
    ],
)
def test_a_bad_grouping_is_named(groups, error, says):
    """A malformed mapping of groupings is a typed error naming the grouping at fault."""
    with pytest.raises(error, match=re.escape(says)):
        subgroup_effects(_Y, _T, groups)


def test_groupings_given_as_series_are_paired_by_index():
    """Each grouping given as a pandas Series is read by its index, not by position."""
    index = [f"p{i}" for i in range(20)]
    order = np.random.default_rng(0).permutation(20)
    other = np.tile(["x", "y"], 10)
    given = {"a": pd.Series(_G, index=index).iloc[order],
             "b": pd.Series(other, index=index).iloc[order[::-1]]}  # fmt: skip
    result = subgroup_effects(pd.Series(_Y, index=index), pd.Series(_T, index=index), given)
    expected = subgroup_effects(_Y, _T, {"a": _G, "b": other})
    assert {k: v.to_dict() for k, v in result.items()} == {
        k: v.to_dict() for k, v in expected.items()
    }


@st.composite
def organisations(draw):
    """Small organisations: 20 to 70 people, two or three groupings of up to four groups."""
    n = draw(st.integers(20, 70))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    treated = rng.random(n) < draw(st.floats(0.2, 0.8))
    groupings = {}
    for j in range(draw(st.integers(2, 3))):
        weights = rng.dirichlet(np.full(draw(st.integers(1, 4)), 0.7))
        groupings[f"g{j}"] = rng.choice(len(weights), size=n, p=weights)
    return rng.normal(0.0, 1.0, n), treated, groupings, draw(st.sampled_from([3, 5]))


def _boxed(groupings, results, target):
    """What the published counts one at a time leave `target`: the cap of its width."""
    keys = np.column_stack([np.unique(v, return_inverse=True)[1] for v in groupings.values()])
    _, atom = np.unique(keys, axis=0, return_inverse=True)
    atom = atom.ravel()
    size = np.bincount(atom)
    low, high = np.zeros(len(size)), size.astype(float)
    for mask, result, g in _published(groupings, results):
        value, people = result.n_treated[g], mask.sum()
        inside = np.unique(atom[mask])
        low[inside] = np.maximum(low[inside], value - (people - size[inside]))
        high[inside] = np.minimum(high[inside], value)
    held = np.unique(atom[target])
    return float((high[held] - low[held]).sum())


@settings(max_examples=60, deadline=None)
@given(organisations())
def test_reported_counts_are_large_and_hidden_counts_keep_their_width(org):
    """Every reported group has m treated and m control; no hidden count is narrowed.

    And no two reported groups' treated, or control, people differ by 1 to m - 1.
    """
    y, treated, groupings, m = org
    results = subgroup_effects(y, treated, groupings, method="difference", min_group_size=m)
    keys = np.column_stack([np.unique(v, return_inverse=True)[1] for v in groupings.values()])
    _, atom = np.unique(keys, axis=0, return_inverse=True)
    atom = atom.ravel()
    hidden = []
    for name, labels in groupings.items():
        result = results[name]
        assert sorted([*result.n_treated, *result.suppressed]) == np.unique(labels).tolist()
        for g, count in result.n_treated.items():
            assert count == treated[labels == g].sum() >= m
            assert result.n_control[g] == (~treated[labels == g]).sum() >= m
        hidden += [labels == g for g in result.suppressed]
    groups = [labels == g for labels in groupings.values() for g in np.unique(labels)]
    for a in np.unique(atom):  # a few people sharing every group, not a group themselves
        few = atom == a
        if few.sum() < m and not any(np.array_equal(few, g) for g in groups):
            hidden.append(few)
    for target in hidden:
        low, high, people = count_range(groupings, results, treated, target)
        width = min(SHARE * min(m, people), _boxed(groupings, results, target))
        assert high - low >= width - 1e-9
    shown = [mask for mask, _, _ in _published(groupings, results)]
    if next(iter(results.values())).overall is not None:
        shown.append(np.ones(len(y), bool))
    for i, a in enumerate(shown):
        for b in shown[:i]:
            for arm in (treated, ~treated):
                assert not 0 < np.count_nonzero((a ^ b) & arm) < m
