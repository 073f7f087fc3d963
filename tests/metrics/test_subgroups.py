"""Tests of subgroup effects: pinned against statsmodels and scipy, and the privacy rule.

Provenance of the pinned values: statsmodels 0.15.0 and scipy 1.17.1 (numpy 2.4.6, Python
3.11) on ``subgroup_data()`` below. For each group ``g``:
``sm.OLS(post[g], sm.add_constant(np.column_stack([treated[g], pre[g]]))).fit(cov_type="HC1",
use_t=True)``, coefficient 1 (``params``, ``bse``, ``pvalues``, ``conf_int()``); and
``scipy.stats.ttest_ind(gain[g & treated], gain[g & ~treated], equal_var=False)`` with
``gain = post - pre`` and its ``confidence_interval()``. Adjusted p-values:
``statsmodels.stats.multitest.multipletests(p, method=...)`` over the three ANCOVA p-values in
group order (Engineering, People, Sales).
"""

import json
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus import EstimationError, SchemaError
from sparkus.metrics import Estimate, SubgroupEffects, ancova, subgroup_effects


def subgroup_data(n=150):
    """Deterministic data of the tests' own: three departments of 50, effects 2.5, 1 and 4."""
    i = np.arange(n)
    group = np.array(["Engineering", "Sales", "People"])[(i * 7) % 3]
    treated = (5 * i) % 9 < 4
    pre = 50.0 + 8.0 * np.sin(1.7 * i)
    noise = 3.0 * np.sin(2.3 * i + 0.4) + 2.0 * np.cos(4.1 * i)
    bump = np.where(group == "Sales", 4.0, np.where(group == "People", 1.0, 2.5))
    post = 5.0 + 0.9 * pre + bump * treated + noise
    return group, treated, pre, post


GROUP, TREATED, PRE, POST = subgroup_data()

# statsmodels OLS HC1, use_t=True: (params[1], bse[1], pvalues[1], conf_int()[1])
ANCOVA = {
    "Engineering": (2.4780880530700964, 0.7994388263994208, 0.0032677210644189185,
                    0.869824577753805, 4.086351528386388),
    "People": (0.8728596958109662, 0.7919742368651627, 0.27601645582930984,
               -0.7203869623208952, 2.466106353942828),
    "Sales": (4.019547418678527, 0.7844641241248013, 5.525597644229959e-06,
              2.4414091586091287, 5.597685678747925),
}  # fmt: skip
# scipy ttest_ind(equal_var=False) on the gains: (difference, pvalue, ci low, ci high, df)
WELCH = {
    "Engineering": (2.431583124850575, 0.005934007168997579, 0.751138529419046,
                    4.112027720282104, 32.09254194768789),
    "People": (0.9061451361136553, 0.26552855049053525, -0.722298711993978,
               2.5345889842212888, 32.26339115616511),
    "Sales": (4.026195623225125, 1.6185675213296637e-05, 2.408095187338468,
              5.644296059111783, 32.106625569530514),
}  # fmt: skip
# multipletests(p_ancova, method=...)[1]
HOLM = (0.006535442128837837, 0.27601645582930984, 1.6576792932689877e-05)
FDR_BH = (0.004901581596628378, 0.27601645582930984, 1.6576792932689877e-05)
# statsmodels OLS HC1 on all 150 rows: params[1], bse[1]
OVERALL = (2.5061643459917393, 0.4466358929895529)
COUNTS = {"Engineering": (33, 17), "People": (17, 33), "Sales": (17, 33)}


def with_small_group(size=6, treated_in_small=3, shift=0.0):
    """The data plus a small 'Legal' group of `size` people, `treated_in_small` of them treated."""
    j = np.arange(size)
    group = np.r_[GROUP, ["Legal"] * size]
    treated = np.r_[TREATED, j < treated_in_small]
    pre = np.r_[PRE, 40.0 + j]
    post = np.r_[POST, 45.0 + 2.0 * j + 3.0 * np.sin(2.0 * j) + shift * (1.0 + j)]
    return post, treated, group, pre


# --------------------------------------------------------------------------------------------
# Pinned estimates
# --------------------------------------------------------------------------------------------


def test_ancova_by_group_matches_statsmodels():
    """Each group's ANCOVA effect, SE, p-value and interval match statsmodels' OLS with HC1."""
    result = subgroup_effects(POST, TREATED, GROUP, pre=PRE)
    assert result.method == "ancova"
    assert list(result.estimates) == ["Engineering", "People", "Sales"]
    for g, (b, se, p, low, high) in ANCOVA.items():
        e = result.estimates[g]
        np.testing.assert_allclose([e.estimate, e.se, e.pvalue, *e.ci], [b, se, p, low, high],
                                   rtol=1e-8)  # fmt: skip
        assert (result.n_treated[g], result.n_control[g]) == COUNTS[g]
    np.testing.assert_allclose(list(result.adjusted_pvalues.values()), HOLM, rtol=1e-8)
    assert result.overall is not None
    np.testing.assert_allclose([result.overall.estimate, result.overall.se], OVERALL, rtol=1e-8)
    assert result.n == 150
    assert result.suppressed == {}


def test_difference_by_group_matches_scipy_welch():
    """With method='difference' and pre, each group's effect is Welch's test on the gains."""
    result = subgroup_effects(POST, TREATED, GROUP, pre=PRE, method="difference")
    for g, (d, p, low, high, df) in WELCH.items():
        e = result.estimates[g]
        np.testing.assert_allclose([e.estimate, e.pvalue, *e.ci, e.df], [d, p, low, high, df],
                                   rtol=1e-8)  # fmt: skip


def test_fdr_bh_adjustment_matches_statsmodels():
    """p_adjust='fdr_bh' gives statsmodels' Benjamini-Hochberg values, in group order."""
    result = subgroup_effects(POST, TREATED, GROUP, pre=PRE, p_adjust="fdr_bh")
    assert result.p_adjust == "fdr_bh"
    np.testing.assert_allclose(list(result.adjusted_pvalues.values()), FDR_BH, rtol=1e-8)


def test_difference_without_pre_is_welch_on_the_outcome():
    """Without pre, the default method compares the outcome itself (Welch)."""
    result = subgroup_effects(POST, TREATED, GROUP)
    assert result.method == "difference"
    sales = GROUP == "Sales"
    x, y = POST[sales & TREATED], POST[sales & ~TREATED]
    assert result.estimates["Sales"].estimate == pytest.approx(x.mean() - y.mean(), rel=1e-12)


def test_covariates_are_passed_to_ancova():
    """Covariates enter each group's ANCOVA as in ancova() on that group's rows."""
    tenure = np.cos(0.37 * np.arange(150)) * 4.0 + 6.0
    result = subgroup_effects(POST, TREATED, GROUP, pre=PRE, covariates={"tenure": tenure})
    people = GROUP == "People"
    direct = ancova(POST[people], PRE[people], TREATED[people],
                    covariates={"tenure": tenure[people]})  # fmt: skip
    assert result.estimates["People"].estimate == direct.estimate
    assert result.estimates["People"].se == direct.se


def test_covariate_constant_within_a_group_is_dropped_there():
    """A covariate constant within a group (seniority within a level) is dropped for it."""
    rank = {"Engineering": 0.0, "People": 0.5, "Sales": 1.0}
    seniority = np.array([rank[g] for g in GROUP])
    result = subgroup_effects(POST, TREATED, GROUP, pre=PRE, covariates={"seniority": seniority})
    for g, (b, se, *_) in ANCOVA.items():
        np.testing.assert_allclose([result.estimates[g].estimate, result.estimates[g].se],
                                   [b, se], rtol=1e-8)  # fmt: skip
    assert result.overall is not None
    assert result.overall.estimate != pytest.approx(OVERALL[0])


def test_integer_labels():
    """Integer group labels work and keep their type."""
    codes = np.unique(GROUP, return_inverse=True)[1] + 10
    result = subgroup_effects(POST, TREATED, codes, pre=PRE)
    assert list(result.estimates) == [10, 11, 12]
    assert result.estimates[12].estimate == pytest.approx(ANCOVA["Sales"][0], rel=1e-8)


# --------------------------------------------------------------------------------------------
# Privacy
# --------------------------------------------------------------------------------------------


def test_a_small_group_is_hidden_alone_and_every_large_group_reported():
    """Legal (3 treated) is hidden; the three large groups keep their pinned effects."""
    result = subgroup_effects(*with_small_group()[:3], pre=with_small_group()[3])
    assert result.suppressed == {"Legal": "fewer than 5 treated or control people"}
    assert list(result.estimates) == ["Engineering", "People", "Sales"]
    for g, (b, se, p, low, high) in ANCOVA.items():
        e = result.estimates[g]
        np.testing.assert_allclose([e.estimate, e.se, e.pvalue, *e.ci], [b, se, p, low, high],
                                   rtol=1e-8)  # fmt: skip
    # Holm over the three reported groups, as without Legal
    np.testing.assert_allclose(list(result.adjusted_pvalues.values()), HOLM, rtol=1e-8)
    assert result.overall is None
    assert result.n is None
    assert list(result.withheld) == ["overall", "n"]
    assert "suppressed group's effect" in result.withheld["overall"]
    text = result.summary()
    assert "Legal" in text
    assert "overall withheld" in text


def test_few_controls_also_suppress():
    """A group with many treated but fewer than the minimum of controls is suppressed."""
    post, treated, group, pre = with_small_group(size=20, treated_in_small=17)
    result = subgroup_effects(post, treated, group, pre=pre)
    assert "Legal" in result.suppressed


def test_no_published_figure_reveals_a_suppressed_group():
    """Differencing: every published figure is unchanged when a suppressed group's data change.

    If a hidden group's outcomes (or its size, below the minimum) could be recovered from the
    published figures, changing them would change some published figure; nothing changes.
    """
    base = subgroup_effects(*with_small_group()[:3], pre=with_small_group()[3]).to_dict()
    for size, treated_in, shift in [(6, 3, 50.0), (6, 3, -80.0), (4, 2, 0.0), (9, 4, 13.0)]:
        post, treated, group, pre = with_small_group(size, treated_in, shift)
        other = subgroup_effects(post, treated, group, pre=pre).to_dict()
        assert other == base
    # what is published is the large groups' own: 67 treated and 83 control between them
    reported = sum(base["n_treated"].values()), sum(base["n_control"].values())
    assert reported == (67, 83)


def test_the_overall_effect_would_give_a_lone_hidden_group_away():
    """The attacker can fail: with equal treated shares, the overall difference is the groups'
    differences weighted by size, so publishing it would give the hidden group's exactly."""
    rng = np.random.default_rng(4)
    sizes = {"A": 20, "B": 30, "C": 4}  # half of each group treated
    group = np.repeat(list(sizes), list(sizes.values()))
    treated = np.concatenate([np.arange(k) % 2 == 0 for k in sizes.values()])
    y = rng.normal(50.0, 5.0, len(group)) + 3.0 * treated
    y[(group == "C") & treated] += 40.0  # C's own effect, which must stay hidden
    hidden = subgroup_effects(y, treated, group)
    assert set(hidden.suppressed) == {"C"}
    assert hidden.overall is None
    everything = subgroup_effects(y, treated, group, min_group_size=1)  # as if published
    n = len(group)
    weights = {g: k / n for g, k in sizes.items()}
    rest = sum(weights[g] * hidden.estimates[g].estimate for g in ("A", "B"))
    recovered = (everything.overall.estimate - rest) / weights["C"]
    assert recovered == pytest.approx(everything.estimates["C"].estimate, rel=1e-9)


@st.composite
def small_group_data(draw):
    """Two to five groups of 2 to 30 people, some with few treated or control people."""
    m = draw(st.integers(2, 5))
    sizes = draw(st.lists(st.integers(2, 30), min_size=2, max_size=5))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    group = np.repeat(np.array(["A", "B", "C", "D", "E"])[: len(sizes)], sizes)
    shares = np.repeat([draw(st.sampled_from([0.1, 0.5, 0.9])) for _ in sizes], sizes)
    treated = rng.random(len(group)) < shares
    y = rng.normal(50.0, 5.0, len(group)) + 2.0 * treated
    return y, treated, group, m, rng


def _numbers(text):
    return {int(x) for x in re.findall(r"\d+", text)}


@settings(max_examples=30)
@given(small_group_data())
def test_every_large_group_is_reported_and_nothing_published_depends_on_a_hidden_one(case):
    """Random groups: every group with m treated and m control is reported (or not estimable,
    with the reason), the overall figures are withheld whenever one is hidden, and replacing
    the hidden groups' outcomes by anything changes no published figure."""
    y, treated, group, m, rng = case
    result = subgroup_effects(y, treated, group, min_group_size=m)
    large = {
        g for g in np.unique(group).tolist()
        if min((treated & (group == g)).sum(), (~treated & (group == g)).sum()) >= m
    }  # fmt: skip
    assert set(result.estimates) | set(result.not_estimable) == large
    assert set(result.suppressed) == set(np.unique(group).tolist()) - large
    assert (result.overall is None and result.n is None) == bool(result.suppressed)
    assert bool(result.withheld) == bool(result.suppressed)
    for text in [*result.suppressed.values(), *result.withheld.values()]:
        assert _numbers(text) <= {m}
    hidden = np.isin(group, list(result.suppressed))
    other = y.copy()
    other[hidden] = rng.normal(0.0, 100.0, hidden.sum())
    assert subgroup_effects(other, treated, group, min_group_size=m).to_dict() == result.to_dict()


def test_minimum_is_a_parameter():
    """A lower minimum publishes the small group; a higher one hides more."""
    post, treated, group, pre = with_small_group()
    low = subgroup_effects(post, treated, group, pre=pre, min_group_size=3)
    assert "Legal" in low.estimates
    assert low.overall is not None
    high = subgroup_effects(POST, TREATED, GROUP, pre=PRE, min_group_size=18)
    assert high.estimates == {}
    assert high.overall is None
    assert sorted(high.suppressed) == ["Engineering", "People", "Sales"]


def test_not_estimable_group_is_listed():
    """A large enough group with a constant outcome is listed as not estimable; others stay."""
    post = POST.copy()
    post[GROUP == "People"] = 60.0
    result = subgroup_effects(post, TREATED, GROUP)
    assert "People" in result.not_estimable
    assert "constant" in result.not_estimable["People"]
    assert list(result.estimates) == ["Engineering", "Sales"]
    assert result.n_treated["People"] == 17
    assert "not estimable" in result.summary()


# --------------------------------------------------------------------------------------------
# Invariances
# --------------------------------------------------------------------------------------------


@settings(max_examples=15)  # each example fits five regressions; keep the file fast
@given(st.permutations(range(156)))
def test_invariant_to_row_order(order):
    """Shuffling the rows changes no estimate, count or suppression."""
    post, treated, group, pre = with_small_group()
    idx = np.asarray(order)
    base = subgroup_effects(post, treated, group, pre=pre)
    shuffled = subgroup_effects(post[idx], treated[idx], group[idx], pre=pre[idx])
    assert shuffled.suppressed == base.suppressed
    assert shuffled.n_treated == base.n_treated
    for g, e in base.estimates.items():
        other = shuffled.estimates[g]
        np.testing.assert_allclose([other.estimate, other.se, other.pvalue],
                                   [e.estimate, e.se, e.pvalue], rtol=1e-9)  # fmt: skip


@settings(max_examples=10)  # 3! = 6 relabellings in all
@given(st.permutations(["x", "y", "z"]))
def test_invariant_to_relabelling(names):
    """Renaming the groups consistently renames the results and changes nothing else."""
    rename = dict(zip(["Engineering", "People", "Sales"], names, strict=True))
    relabelled = np.array([rename[g] for g in GROUP])
    base = subgroup_effects(POST, TREATED, GROUP, pre=PRE)
    other = subgroup_effects(POST, TREATED, relabelled, pre=PRE)
    for g, e in base.estimates.items():
        assert other.estimates[rename[g]].estimate == e.estimate
        assert other.adjusted_pvalues[rename[g]] == pytest.approx(base.adjusted_pvalues[g])


@settings(max_examples=15)
@given(st.text("abcdef", min_size=1, max_size=4))
def test_suppression_invariant_to_order_preserving_relabelling(prefix):
    """With a suppressed group, a consistent prefix to every label maps the suppression too."""
    post, treated, group, pre = with_small_group()
    base = subgroup_effects(post, treated, group, pre=pre)
    other = subgroup_effects(post, treated, np.char.add(prefix, group), pre=pre)
    assert list(other.suppressed) == [prefix + g for g in base.suppressed]
    assert list(other.estimates) == [prefix + g for g in base.estimates]


# --------------------------------------------------------------------------------------------
# Result and bad input
# --------------------------------------------------------------------------------------------


def test_result_object():
    """The result has a one-line repr, a summary table, HTML and JSON-ready data."""
    result = subgroup_effects(POST, TREATED, GROUP, pre=PRE)
    assert isinstance(result, SubgroupEffects)
    assert all(isinstance(e, Estimate) for e in result.estimates.values())
    assert repr(result) == (
        "SubgroupEffects(n=150, reported=3, suppressed=0, method=ancova, overall=2.506)"
    )
    assert "p (holm)" in result.summary()
    assert "<table>" in result._repr_html_()
    data = json.loads(json.dumps(result.to_dict()))
    assert data["estimates"]["Sales"]["estimate"] == pytest.approx(ANCOVA["Sales"][0])


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"method": "ancova"}, "pre"), ({"method": "ols"}, "method"),
     ({"p_adjust": "sidak"}, "p_adjust"), ({"min_group_size": 0}, "min_group_size"),
     ({"min_group_size": 2.5}, "min_group_size"), ({"level": 1.5}, "level"),
     ({"covariates": np.ones(150)}, "covariates")],
)  # fmt: skip
def test_bad_options(kwargs, name):
    """Options that do not fit are refused, naming the parameter."""
    with pytest.raises(SchemaError, match=name):
        subgroup_effects(POST, TREATED, GROUP, **kwargs)


def test_reserved_covariate_name():
    """A covariate named like a design column is refused."""
    with pytest.raises(SchemaError, match="taken"):
        subgroup_effects(POST, TREATED, GROUP, pre=PRE, covariates={"pre": PRE})


def test_missing_values_name_rows():
    """NaN in the outcome or pre is an EstimationError naming the rows."""
    post = POST.copy()
    post[[4, 9]] = np.nan
    with pytest.raises(EstimationError, match="rows 4 and 9"):
        subgroup_effects(post, TREATED, GROUP)
    pre = PRE.copy()
    pre[7] = np.nan
    with pytest.raises(EstimationError, match="row 7"):
        subgroup_effects(POST, TREATED, GROUP, pre=pre)


@pytest.mark.parametrize(
    "groups",
    [np.array([*GROUP[:-1], None], dtype=object), np.linspace(0, 1, 150), np.zeros((150, 2)),
     np.array([*GROUP[:-1], True], dtype=object)],
)  # fmt: skip
def test_bad_groups(groups):
    """Group labels must be a str or an int per person."""
    with pytest.raises(SchemaError, match="groups"):
        subgroup_effects(POST, TREATED, groups)


def test_mismatched_lengths():
    """Inputs of different lengths are refused, naming them."""
    with pytest.raises(EstimationError, match="groups"):
        subgroup_effects(POST, TREATED, GROUP[:-1])
    with pytest.raises(SchemaError, match="treated"):
        subgroup_effects(POST, np.full(150, 2), GROUP)
