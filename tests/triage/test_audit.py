"""Tests of the fairness audit of sparkus.triage: four-fifths rule, suppression, differencing."""

from __future__ import annotations

import json
import re
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sparkus._errors import SchemaError, SparkusWarning
from sparkus.triage._audit import AuditResult, audit
from tests.attacker import audit_constraints, hidden_ranges, protected


def _people(spec):
    """Rows from {group: (n, selected)}: the first `selected` people of each group are selected."""
    groups = np.repeat(list(spec), [n for n, _ in spec.values()])
    selected = np.concatenate([np.arange(n) < k for n, k in spec.values()])
    return selected, groups


@st.composite
def audits(draw, *, with_labels=None):
    """Small random audits: up to 60 people in up to five groups, str or int labels."""
    n = draw(st.integers(1, 60))
    names = draw(st.sampled_from([["A", "B", "C", "D", "E"], [1, 2, 3, 4, 5]]))
    weights = draw(st.lists(st.integers(1, 10), min_size=len(names), max_size=len(names)))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    groups = np.array(names)[rng.choice(len(names), size=n, p=np.array(weights) / sum(weights))]
    selected = rng.random(n) < draw(st.floats(0.0, 1.0))
    labels = None
    if with_labels if with_labels is not None else draw(st.booleans()):
        labels = rng.random(n) < 0.5
    m = draw(st.integers(1, 8))
    return selected, groups, labels, m


# ---- the four-fifths rule ----------------------------------------------------------------------


def test_hand_computed_four_fifths_example():
    """A 48/80 = 0.60 and B 12/40 = 0.30 give B an impact ratio of 0.5: flagged."""
    # selection rates: A 48 / 80 = 0.60, B 12 / 40 = 0.30; the highest is A's, so the reference
    # group is A; impact ratios: A 0.60 / 0.60 = 1.0, B 0.30 / 0.60 = 0.5 < 0.8 -> B flagged.
    selected, groups = _people({"A": (80, 48), "B": (40, 12)})
    result = audit(selected, groups)
    assert isinstance(result, AuditResult)
    assert result.counts == {"A": 80, "B": 40}
    assert result.selected_counts == {"A": 48, "B": 12}
    assert result.selection_rates == {"A": pytest.approx(0.6), "B": pytest.approx(0.3)}
    assert result.impact_ratios == {"A": 1.0, "B": 0.5}
    assert result.flagged == {"A": False, "B": True}
    assert result.reference_group == "A"
    assert result.suppressed == {}
    assert (result.n, result.n_selected) == (120, 60)
    assert result.tpr is None
    assert result.tpr_gap is None


def test_a_ratio_of_exactly_four_fifths_is_not_flagged():
    """0.4 / 0.5 is exactly 0.8, which passes; 0.35 / 0.5 = 0.7 is flagged."""
    # A 10/20 = 0.5 (reference); B 8/20 = 0.4 -> 0.4 / 0.5 = 0.8 (not below); C 7/20 -> 0.7
    selected, groups = _people({"A": (20, 10), "B": (20, 8), "C": (20, 7)})
    result = audit(selected, groups)
    assert result.impact_ratios["B"] == pytest.approx(0.8)
    assert result.flagged == {"A": False, "B": False, "C": True}


def test_tpr_and_tpr_gap_with_labels():
    """With labels, TPR is the share selected among those who would benefit, and the gap."""
    # A: 10 would benefit, 8 of them selected -> 0.8; B: 10 would benefit, 5 selected -> 0.5
    selected = np.r_[np.arange(20) < 8, np.arange(20) < 5]
    labels = np.r_[np.arange(20) < 10, np.arange(20) < 10]
    groups = np.repeat(["A", "B"], 20)
    result = audit(selected, groups, labels=labels)
    assert result.tpr == {"A": pytest.approx(0.8), "B": pytest.approx(0.5)}
    assert result.tpr_gap == pytest.approx(0.3)
    assert "TPR" in result.summary()


def test_tpr_is_withheld_for_a_group_with_few_who_would_benefit():
    """A group with fewer than min_group_size positives gets TPR None, and no gap."""
    selected = np.r_[np.arange(20) < 8, np.arange(20) < 5]
    labels = np.r_[np.arange(20) < 10, np.arange(20) < 3]
    result = audit(selected, np.repeat(["A", "B"], 20), labels=labels)
    assert result.tpr == {"A": pytest.approx(0.8), "B": None}
    assert result.tpr_gap is None


def test_nobody_selected_gives_undefined_ratios_said_so_and_no_flags():
    """Nobody selected in any reported group: every impact ratio is None (undefined, 0/0), never
    NaN, a SparkusWarning says why, the summary says so, and nothing is flagged."""
    selected, groups = _people({"A": (10, 0), "B": (10, 0)})
    with pytest.warns(SparkusWarning, match="nobody was selected"):
        result = audit(selected, groups)
    assert result.impact_ratios == {"A": None, "B": None}
    assert result.flagged == {"A": False, "B": False}
    assert result.reference_group is None
    assert result.selection_rates == {"A": 0.0, "B": 0.0}
    assert result.to_dict()["impact_ratios"] == {"A": None, "B": None}
    assert "undefined" in result.summary()


def test_a_reference_rate_above_zero_defines_every_ratio():
    """Some selected in one group only: the others' ratios are 0.0 (defined) and flagged."""
    selected, groups = _people({"A": (10, 5), "B": (10, 0)})
    result = audit(selected, groups)
    assert result.impact_ratios == {"A": 1.0, "B": 0.0}
    assert result.flagged == {"A": False, "B": True}


@pytest.mark.parametrize("kind", ["int", "float", "object", "pandas", "pandas-nullable"])
def test_selected_and_labels_as_zero_one_numbers_are_read_as_booleans(kind):
    """0/1 as pandas and scikit-learn hand them over give the audit of the booleans."""
    import pandas as pd

    selected, groups = _people({"A": (80, 48), "B": (40, 12)})
    labels = np.arange(len(groups)) % 2 == 0
    convert = {
        "int": lambda a: a.astype(np.int64),
        "float": lambda a: a.astype(np.float64),
        "object": lambda a: np.array(a.astype(int).tolist(), dtype=object),
        "pandas": lambda a: pd.Series(a.astype(np.int8)),
        "pandas-nullable": lambda a: pd.Series(a.astype(int), dtype="Int64"),
    }[kind]
    expected = audit(selected, groups, labels=labels).to_dict()
    assert audit(convert(selected), groups, labels=convert(labels)).to_dict() == expected


@pytest.mark.parametrize("bad", [[1, 0, 2], [1, -1, 0], [0.5, 1.0, 0.0], ["1", "0", "1"]])
def test_selected_other_than_zero_or_one_is_refused(bad):
    """2, -1 or 0.5 are not choices: refused naming `selected` and the row."""
    with pytest.raises(SchemaError, match="selected") as info:
        audit(bad, ["A", "B", "A"])
    assert "row" in str(info.value) or "dtype" in str(info.value) or "number" in str(info.value)


def test_pandas_inputs_are_aligned_by_index():
    """selected, groups and labels with their own indexes are paired by label, not position."""
    import pandas as pd

    selected, groups = _people({"A": (80, 48), "B": (40, 12)})
    labels = np.arange(len(groups)) % 3 == 0
    index = [f"p{i}" for i in range(len(groups))]
    order = np.random.default_rng(0).permutation(len(groups))
    expected = audit(selected, groups, labels=labels).to_dict()
    got = audit(
        pd.Series(selected, index=index).iloc[order],
        pd.Series(groups, index=index),
        labels=pd.Series(labels, index=index).iloc[order[::-1]],
    ).to_dict()
    assert got == expected
    with pytest.raises(SchemaError, match="index"):
        audit(pd.Series(selected, index=index), pd.Series(groups))


def test_integer_groups_and_the_result_views():
    """Integer group labels work; summary has a four-fifths column; repr is one line."""
    selected, groups = _people({1: (30, 20), 2: (30, 10)})
    result = audit(selected, groups.astype(int))
    assert result.flagged == {1: False, 2: True}
    text = result.summary()
    assert "four-fifths" in text
    assert "flagged" in text
    assert "\n" not in repr(result)
    assert repr(result).startswith("AuditResult(n=60, reported=2, suppressed=0, flagged=[2]")
    assert "<table>" in result._repr_html_()
    assert json.loads(json.dumps(result.to_dict()))["flagged"] == {"1": False, "2": True}


# ---- privacy: every large group is audited; small ones are protected by what is withheld -------

FIGURES = ("counts", "selected_counts", "selection_rates", "impact_ratios", "flagged", "tpr")


def test_a_group_of_four_is_suppressed_and_appears_in_no_figure():
    """A group of 4 is listed as suppressed with its reason and appears in no published figure."""
    selected, groups = _people({"A": (80, 48), "B": (40, 12), "C": (4, 4)})
    labels = np.ones(len(groups), dtype=bool)
    result = audit(selected, groups, labels=labels)
    assert result.suppressed == {"C": "fewer than 5 people"}
    published = result.to_dict()
    for field in FIGURES:
        assert "C" not in published[field]
    assert published["reference_group"] != "C"
    summary_rows = result.summary().split("Suppressed groups")[0]
    assert "C " not in summary_rows


def _selection_ranges(result, selected, groups, labels=None, *, total=None):
    """The LP attacker's range of every withheld count: each hidden group's selected count
    and, with labels, the selected count among those who would benefit wherever the TPR is
    withheld; with the number of people each counts over."""
    published = audit_constraints(result, selected, groups, labels, total=total)
    cells, people = {}, {}
    for g in np.unique(groups).tolist():
        mask = groups == g
        if g in result.suppressed:
            cells[("selected", g)] = mask
        if labels is not None and (g in result.suppressed or result.tpr[g] is None):
            cells[("tpr", g)] = mask & labels
            if g not in result.suppressed:  # the count of the side of 1 to m - 1 people
                m = result.min_group_size
                few = [side for side in (mask & labels, mask & ~labels) if 0 < side.sum() < m]
                cells[("tpr", g)] = max(few, key=np.sum, default=mask & labels)
    people = {key: int(mask.sum()) for key, mask in cells.items()}
    return hidden_ranges(len(groups), published, cells), people


ISSUE = {"A": (100, 50), "B": (100, 30)}


@pytest.mark.parametrize(
    "spec",
    [
        pytest.param(ISSUE, id="the-issue"),
        # the reference group is the next smallest: the old rule hid it as C's complement
        pytest.param({"A": (80, 40), "B": (100, 30)}, id="complement-is-the-reference"),
        # the flagged group is the next smallest: the old rule hid the very group to flag
        pytest.param({"A": (100, 50), "B": (80, 24)}, id="complement-is-the-flagged"),
    ],
)
def test_the_issue_example_flags_b_against_a_while_c_stays_unrecoverable(spec):
    """A 50% and B 30% with C 3 of 4: B is flagged at 0.6 against A; C's count keeps 0 to 4."""
    without_c = audit(*_people(spec))
    selected, groups = _people(spec | {"C": (4, 3)})
    result = audit(selected, groups)
    assert result.reference_group == "A"
    assert result.impact_ratios == {"A": 1.0, "B": pytest.approx(0.6)}
    assert result.flagged == {"A": False, "B": True}
    for field in ("counts", "selected_counts", "selection_rates", "impact_ratios", "flagged"):
        assert getattr(result, field) == getattr(without_c, field)  # C changes no large figure
    assert result.suppressed == {"C": "fewer than 5 people"}
    assert (result.n, result.n_selected) == (None, None)
    assert set(result.withheld) == {"n", "n_selected"}
    assert result.exposed == {}
    assert "not audited" in result.limits[0]
    # the exact attacker: C's selected count can be anything from 0 to 4 (its whole range,
    # the protection width for a group of fewer than 5 people)
    ranges, people = _selection_ranges(result, selected, groups)
    assert ranges[("selected", "C")] == pytest.approx((0.0, 4.0))
    assert protected(*ranges[("selected", "C")], people[("selected", "C")], 5)


def test_the_attacker_recovers_c_when_the_withheld_total_is_published():
    """The attacker can fail: with the total selected (83) published, C's 3 follows exactly."""
    selected, groups = _people(ISSUE | {"C": (4, 3)})
    result = audit(selected, groups)
    ranges, people = _selection_ranges(result, selected, groups, total=83)
    assert ranges[("selected", "C")] == pytest.approx((3.0, 3.0))
    assert not protected(*ranges[("selected", "C")], people[("selected", "C")], 5)
    # told that the total is known elsewhere, the audit says so instead of staying silent
    with pytest.warns(SparkusWarning, match="cannot protect"):
        told = audit(selected, groups, total_known=True)
    assert list(told.exposed) == ["C"]
    assert told.exposed["C"].startswith("selected count narrowed by the total selected known")
    assert told.flagged == result.flagged  # and still flags B
    assert "Not protected" in told.summary()
    assert "exposed=['C']" in repr(told)


def test_a_known_total_exposes_nobody_when_the_hidden_groups_can_share_it():
    """Two hidden groups of 4 with 4 selected between them: each may hold 0 to 4 of them."""
    selected, groups = _people(ISSUE | {"C": (4, 2), "D": (4, 2)})
    result = audit(selected, groups, total_known=True)
    assert result.exposed == {}
    ranges, _ = _selection_ranges(result, selected, groups, total=int(selected.sum()))
    for cell in (("selected", "C"), ("selected", "D")):
        assert ranges[cell] == pytest.approx((0.0, 4.0))


def test_a_published_count_that_pins_a_withheld_tpr_is_said_in_words():
    """B: all 10 selected, 3 would benefit: its TPR (3/3) follows from the count; said so."""
    selected = np.r_[np.arange(20) < 8, np.ones(10, dtype=bool)]
    labels = np.r_[np.arange(20) < 10, np.arange(10) < 3]
    groups = np.repeat(["A", "B"], [20, 10])
    with pytest.warns(SparkusWarning, match="cannot protect"):
        result = audit(selected, groups, labels=labels)
    assert result.tpr == {"A": pytest.approx(0.8), "B": None}
    assert result.flagged == {"A": True, "B": False}  # the flag is kept
    assert list(result.exposed) == ["B"]
    assert "TPR withheld (fewer than 5 would benefit)" in result.exposed["B"]
    ranges, people = _selection_ranges(result, selected, groups, labels)
    assert ranges[("tpr", "B")] == pytest.approx((3.0, 3.0))
    assert not protected(*ranges[("tpr", "B")], people[("tpr", "B")], 5)


def test_two_small_groups_are_hidden_and_every_large_one_published():
    """Two small groups are hidden; both large ones are published."""
    selected, groups = _people({"A": (50, 20), "B": (3, 1), "C": (3, 2), "D": (40, 10)})
    result = audit(selected, groups)
    assert set(result.suppressed) == {"B", "C"}
    assert result.counts == {"A": 50, "D": 40}
    assert result.limits[0].startswith("2 groups have fewer than 5 people")


def test_one_published_group_compares_nothing_and_says_so():
    """One large group and one small: the ratio is 1 by definition, and the result says so."""
    selected, groups = _people({"A": (50, 10), "C": (3, 0)})
    result = audit(selected, groups)
    assert result.counts == {"A": 50}
    assert result.flagged == {"A": False}
    assert any("only one group" in text for text in result.limits)
    assert "only one group" in result.summary()


def test_a_single_small_group_withholds_everything():
    """One group smaller than the minimum: nothing is published, not even the total."""
    result = audit(np.array([True, False, True]), np.array(["A", "A", "A"]))
    assert result.counts == {}
    assert result.suppressed == {"A": "fewer than 5 people"}
    assert (result.n, result.n_selected, result.reference_group) == (None, None, None)
    assert "withheld" in result.summary()
    assert any("no group has at least 5 people" in text for text in result.limits)


@st.composite
def small_group_audits(draw):
    """Two to six groups, at least one below the minimum, each with its own selection rate."""
    m = draw(st.integers(2, 6))
    k = draw(st.integers(2, 6))
    sizes = [draw(st.integers(1, m - 1))]
    sizes += draw(st.lists(st.integers(1, 4 * m), min_size=k - 1, max_size=k - 1))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    names = rng.permutation(["A", "B", "C", "D", "E", "F"][:k])
    groups = np.repeat(names, sizes)
    rates = np.array([draw(st.sampled_from([0.0, 0.2, 0.5, 0.9, 1.0])) for _ in range(k)])
    selected = rng.random(len(groups)) < np.repeat(rates, sizes)
    labels = rng.random(len(groups)) < draw(st.sampled_from([0.1, 0.5, 0.9]))
    return selected, groups, labels, m


def _numbers(text):
    return {int(x) for x in re.findall(r"\d+", text)}


@pytest.mark.filterwarnings("ignore::sparkus.SparkusWarning")  # nobody selected; exposures
@given(small_group_audits(), st.booleans())
def test_every_large_group_is_audited_and_every_hidden_count_protected(case, total_known):
    """Random audits with small groups: every group of m or more is published with its ratio
    against the highest published rate and the four-fifths flag among them; every withheld
    count is protected from the LP attacker, or named in `exposed` (and only then)."""
    selected, groups, labels, m = case
    result = audit(selected, groups, labels=labels, min_group_size=m, total_known=total_known)
    names, sizes = np.unique(groups, return_counts=True)
    size = dict(zip(names.tolist(), sizes.tolist(), strict=True))
    hits = {g: int(selected[groups == g].sum()) for g in size}
    large = sorted(g for g in size if size[g] >= m)
    assert list(result.counts) == large
    assert set(result.suppressed) == set(size) - set(large)
    # impact ratios against the highest published rate, and the four-fifths rule, exactly
    rate = {g: Fraction(hits[g], size[g]) for g in large}
    top = max(rate.values(), default=Fraction(0))
    for g in large:
        assert result.selected_counts[g] == hits[g]
        if top == 0:
            assert result.impact_ratios[g] is None
            assert not result.flagged[g]
        else:
            assert result.impact_ratios[g] == pytest.approx(float(rate[g] / top), rel=1e-12)
            assert result.flagged[g] == (rate[g] / top < Fraction(4, 5))
    if top > 0:
        assert rate[result.reference_group] == top
    # the exact attacker, with the total selected when the audit was told it is known
    total = int(selected.sum()) if total_known else None
    ranges, people = _selection_ranges(result, selected, groups, labels, total=total)
    for (figure, g), (low, high) in ranges.items():
        safe = protected(low, high, people[(figure, g)], m)
        if figure == "selected" and not total_known:
            assert safe, f"the selected count of {g!r} can be narrowed"
        assert safe == (g not in result.exposed or figure not in _exposed_figures(result, g))
    # reasons carry the rule's minimum, never a count the rule protects
    for text in [*result.suppressed.values(), *result.exposed.values()]:
        assert _numbers(text) <= {m}
    for text in [*result.limits, *result.withheld.values()]:
        assert _numbers(text) <= {m, len(result.suppressed)}


def _exposed_figures(result, g):
    """Which figures of `g` the result names as exposed: "selected", "tpr", or both."""
    parts = result.exposed.get(g, "").split("; ")
    return {figure for figure, start in (("selected", "selected count"), ("tpr", "TPR"))
            if any(part.startswith(start) for part in parts)}  # fmt: skip


@pytest.mark.filterwarnings("ignore::sparkus.SparkusWarning")  # nobody selected; exposures
@given(small_group_audits())
def test_tpr_follows_the_same_rule(case):
    """TPRs are published for every group of m or more with m or more who would benefit (and
    none or m or more who would not), the gap is taken among them, and a withheld TPR is
    protected or named in `exposed`."""
    selected, groups, labels, m = case
    result = audit(selected, groups, labels=labels, min_group_size=m)
    expected = {}
    for g in result.counts:
        positives = labels[groups == g]
        if positives.sum() >= m and not 0 < (~positives).sum() < m:
            expected[g] = Fraction(
                int((selected & labels)[groups == g].sum()), int(positives.sum())
            )
    assert {g: v for g, v in result.tpr.items() if v is not None} == {
        g: pytest.approx(float(v), rel=1e-12) for g, v in expected.items()
    }
    if len(expected) >= 2:
        gap = max(expected.values()) - min(expected.values())
        assert result.tpr_gap == pytest.approx(float(gap), abs=1e-12)
    else:
        assert result.tpr_gap is None
    ranges, people = _selection_ranges(result, selected, groups, labels)
    for (figure, g), (low, high) in ranges.items():
        if figure == "tpr":
            assert protected(low, high, people[(figure, g)], m) or "TPR" in result.exposed[g]


# ---- properties -----------------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore::sparkus.SparkusWarning")  # nobody selected
@given(audits(), st.randoms(use_true_random=False))
def test_permuting_rows_does_not_change_the_result(case, random):
    """The audit depends on the people, not on the order of the rows."""
    selected, groups, labels, m = case
    order = list(range(len(groups)))
    random.shuffle(order)
    perm = np.array(order)
    before = audit(selected, groups, labels=labels, min_group_size=m).to_dict()
    permuted_labels = None if labels is None else labels[perm]
    after = audit(selected[perm], groups[perm], labels=permuted_labels, min_group_size=m)
    assert after.to_dict() == before


@pytest.mark.filterwarnings("ignore::sparkus.SparkusWarning")  # nobody selected
@given(audits())
def test_ratios_lie_in_zero_one_with_the_reference_at_one(case):
    """Impact ratios are in [0, 1], the reference group's is 1, and flags mean ratio < 0.8."""
    selected, groups, labels, m = case
    result = audit(selected, groups, labels=labels, min_group_size=m)
    assert set(result.impact_ratios) == set(result.counts) == set(result.flagged)
    assert not set(result.counts) & set(result.suppressed)
    if result.reference_group is None:  # nothing reported, or nobody selected: undefined
        assert all(r is None for r in result.impact_ratios.values())
        assert all(rate == 0.0 for rate in result.selection_rates.values())
        assert not any(result.flagged.values())
        return
    top = max(result.selection_rates.values())
    assert result.selection_rates[result.reference_group] == top
    assert top > 0
    assert result.impact_ratios[result.reference_group] == 1.0
    for g, ratio in result.impact_ratios.items():
        assert 0.0 <= ratio <= 1.0
        assert result.flagged[g] == (ratio < 0.8 - 1e-12) or abs(ratio - 0.8) < 1e-12
    if result.tpr is not None and result.tpr_gap is not None:
        assert 0.0 <= result.tpr_gap <= 1.0


# ---- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        pytest.param({"selected": [True, False]}, "selected", id="length"),
        pytest.param({"selected": [1, 0, 2]}, "selected", id="int-selected-two"),
        pytest.param({"selected": [True, None, False]}, "selected", id="missing-selected"),
        pytest.param({"selected": [[True, False, True]]}, "selected", id="2-d-selected"),
        pytest.param({"labels": [True]}, "labels", id="label-length"),
        pytest.param({"labels": ["yes", "no", "yes"]}, "labels", id="str-labels"),
        pytest.param({"min_group_size": 0}, "min_group_size", id="min-zero"),
        pytest.param({"min_group_size": True}, "min_group_size", id="min-bool"),
        pytest.param({"min_group_size": 2.5}, "min_group_size", id="min-float"),
        pytest.param({"groups": [1.0, 2.0, 1.0]}, "groups", id="float-groups"),
        pytest.param({"groups": ["A", None, "B"]}, "groups", id="missing-group"),
        pytest.param({"groups": [], "selected": []}, "groups", id="empty"),
    ],
)
def test_bad_input_is_a_schema_error_naming_the_field(kwargs, field):
    """Length mismatch, non-bool selected or labels, bad groups and min_group_size < 1 fail."""
    args = {"selected": [True, False, True], "groups": ["A", "B", "A"]} | kwargs
    with pytest.raises(SchemaError) as info:
        audit(args.pop("selected"), args.pop("groups"), **args)
    assert info.value.problems[0].path[0] == field


def test_a_missing_group_is_named_by_row():
    """A person without a group is named by their row."""
    with pytest.raises(SchemaError, match="groups: is missing in row 1; give every person a group"):
        audit([True, False, True], ["A", None, "B"])


def test_groups_mixing_text_and_numbers_are_refused():
    """1 and "1" had been two groups that print alike (one selected at 100%, one at 0%):
    refused, naming a row of each, as clusters and tracker groupings are."""
    with pytest.raises(SchemaError, match=r"groups: mixes text and numbers \(1 in row 0, '1' in"):
        audit([True] * 10 + [False] * 10, [1] * 10 + ["1"] * 10)
