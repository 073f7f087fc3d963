"""Tests of the fairness audit of sparkus.triage: four-fifths rule, suppression, differencing."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sparkus._errors import SchemaError, SparkusWarning
from sparkus.triage._audit import AuditResult, audit


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


# ---- privacy: suppression and differencing -------------------------------------------------------

FIGURES = ("counts", "selected_counts", "selection_rates", "impact_ratios", "flagged", "tpr")


def test_a_group_of_four_is_suppressed_and_appears_in_no_figure():
    """A group of 4 is listed as suppressed with its reason and appears in no published figure."""
    selected, groups = _people({"A": (80, 48), "B": (40, 12), "C": (4, 4)})
    labels = np.ones(len(groups), dtype=bool)
    result = audit(selected, groups, labels=labels)
    assert "fewer than 5 people" in result.suppressed["C"]
    published = result.to_dict()
    for field in FIGURES:
        assert "C" not in published[field]
    assert published["reference_group"] != "C"
    summary_rows = result.summary().split("Suppressed groups")[0]
    assert "C " not in summary_rows


def test_complementary_suppression_hides_the_next_smallest_group():
    """With one small group hidden, the next smallest is hidden too, and no total is published."""
    # Were only C hidden, anyone who knows the headcount (124) and the places (64) would get
    # C by subtraction: 124 - 80 - 40 = 4 people, 64 - 48 - 12 = 4 selected. With B hidden too,
    # they get B and C together (44 people, 16 selected), which does not split.
    selected, groups = _people({"A": (80, 48), "B": (40, 12), "C": (4, 4)})
    result = audit(selected, groups)
    assert set(result.suppressed) == {"B", "C"}
    assert "complementary" in result.suppressed["B"]
    assert result.counts == {"A": 80}
    assert result.reference_group == "A"
    assert (result.n, result.n_selected) == (None, None)  # no total to subtract from


def test_two_small_groups_hide_together_when_they_reach_the_minimum():
    """Two small groups that together reach min_group_size need no further suppression."""
    selected, groups = _people({"A": (50, 20), "B": (3, 1), "C": (3, 2), "D": (40, 10)})
    result = audit(selected, groups)
    assert set(result.suppressed) == {"B", "C"}
    assert result.counts == {"A": 50, "D": 40}


def test_a_single_small_group_withholds_everything():
    """One group smaller than the minimum: nothing is published, not even the total."""
    result = audit(np.array([True, False, True]), np.array(["A", "A", "A"]))
    assert result.counts == {}
    assert result.suppressed == {"A": "fewer than 5 people"}
    assert (result.n, result.n_selected, result.reference_group) == (None, None, None)
    assert "withheld" in result.summary()


def _hidden_size_ranges(published):
    """The sizes each hidden group can have, to an attacker who reads only the result."""
    m = published["min_group_size"]
    smallest_shown = min(published["counts"].values(), default=10**9)
    return {
        g: (1, m - 1) if reason.startswith("fewer") else (m, smallest_shown)
        for g, reason in published["suppressed"].items()
    }


def _feasible_sizes(published, known_n=None):
    """Each hidden group's possible sizes given the total (None: unconstrained).

    The total is the published one or, failing that, `known_n`, a headcount known elsewhere.
    """
    ranges = _hidden_size_ranges(published)
    total = published["n"] if published["n"] is not None else known_n
    if total is None:
        return dict.fromkeys(ranges)
    residual = total - sum(published["counts"].values())
    ranges = {g: (lo, min(hi, residual)) for g, (lo, hi) in ranges.items()}
    out = {}
    for g, (lo, hi) in ranges.items():
        lo_rest = sum(r[0] for h, r in ranges.items() if h != g)
        hi_rest = sum(r[1] for h, r in ranges.items() if h != g)
        out[g] = {v for v in range(lo, hi + 1) if lo_rest <= residual - v <= hi_rest}
    return out


def _feasible_selected(published, true_sizes, known_selected=None):
    """Each hidden group's possible selected counts given everything published.

    The attacker is granted more than the result shows: the true size of every group, and
    possibly the total selected (`known_selected`, e.g. the number of coaching places).
    """
    hidden = list(published["suppressed"])
    total = published["n_selected"] if published["n_selected"] is not None else known_selected
    if total is None:
        return {g: set(range(true_sizes[g] + 1)) for g in hidden}
    residual = total - sum(published["selected_counts"].values())
    out = {}
    for g in hidden:
        rest = sum(true_sizes[h] for h in hidden if h != g)
        out[g] = {v for v in range(true_sizes[g] + 1) if 0 <= residual - v <= rest}
    return out


def test_differencing_cannot_recover_a_suppressed_groups_selected_count():
    """Even with the headcount and the places known, C's figures do not follow by subtraction."""
    selected, groups = _people({"A": (80, 48), "B": (40, 12), "C": (4, 4)})
    published = json.loads(json.dumps(audit(selected, groups).to_dict()))
    sizes = {"A": 80, "B": 40, "C": 4}
    # from the result alone: nothing to subtract from
    assert _feasible_selected(published, sizes)["C"] == {0, 1, 2, 3, 4}
    assert _feasible_sizes(published)["C"] is None
    # with the totals known elsewhere (124 people, 64 places) and every group's size:
    # B + C selected = 64 - 48 = 16, and C's 4 people may hold anywhere from 0 to 4 of them
    assert _feasible_selected(published, sizes, known_selected=64)["C"] == {0, 1, 2, 3, 4}
    # B + C = 124 - 80 = 44 people; C may have 1 to 4 (and B 40 to 43)
    assert _feasible_sizes(published, known_n=124)["C"] == {1, 2, 3, 4}


@pytest.mark.filterwarnings("ignore::sparkus.SparkusWarning")  # nobody selected
@given(audits())
def test_differencing_fails_on_random_audits(case):
    """On any audit, no hidden group's selected count, nor its size, follows from the result."""
    selected, groups, labels, m = case
    result = audit(selected, groups, labels=labels, min_group_size=m)
    published = json.loads(json.dumps(result.to_dict()))
    published["suppressed"] = result.suppressed  # keep the original key types
    names, sizes = np.unique(groups, return_counts=True)
    true_sizes = dict(zip(names.tolist(), sizes.tolist(), strict=True))
    for g, values in _feasible_selected(published, true_sizes).items():
        assert len(values) >= 2, f"the selected count of {g!r} can be recovered"
    if m >= 3:  # below 3, "fewer than m people" alone says a group has 1 person
        for g, values in _feasible_sizes(published).items():
            assert values is None or len(values) >= 2, f"the size of {g!r} can be recovered"
    if result.suppressed:
        assert (result.n, result.n_selected) == (None, None)
        hidden = [true_sizes[g] for g in result.suppressed]
        assert (len(hidden) >= 2 and sum(hidden) >= m) or not result.counts


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
    with pytest.raises(SchemaError, match="not a str or int") as info:
        audit([True, False, True], ["A", None, "B"])
    assert info.value.problems[0].path == ("groups", 1)
