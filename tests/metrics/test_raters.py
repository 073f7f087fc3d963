"""Tests of 360 change by rater group under the rater minimum (issue 14).

The rule under test (DOMAIN.md, "Rater anonymity in 360 feedback": no rater group shown with
fewer than three raters; the manager is the named exception): peers and direct reports below
the minimum in either wave are pooled into "others", itself withheld below the minimum. The
reference means are worked by hand from the literal scores next to each assertion.
"""

import datetime as dt
import random

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from sparkus import EstimationError, SchemaError
from sparkus.metrics import paired_ttest, rater_change
from sparkus.model import Assessment, AssessmentSource
from sparkus.triage import Item, default_instrument

S = AssessmentSource
T0 = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
T1 = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)


def _answers(who, source, values, when, prefix=None):
    return [
        Assessment(who, source, {"x": v}, when, rater_id=None if prefix is None else f"{prefix}{i}")
        for i, v in enumerate(values)
    ]


def _rows(result):
    return {
        (p, g): (a, b, x, y)
        for p, g, a, b, x, y in zip(
            result.participant.tolist(), result.group.tolist(), result.n_pre.tolist(),
            result.n_post.tolist(), result.pre.tolist(), result.post.tolist(), strict=True,
        )
    }  # fmt: skip


def test_small_groups_fold_into_others():
    """Two peers and two reports are never shown alone; pooled, the four are."""
    pre = _answers("e1", S.PEER, [2, 3], T0) + _answers("e1", S.DIRECT_REPORT, [3, 4], T0)
    post = _answers("e1", S.PEER, [4, 4], T1) + _answers("e1", S.DIRECT_REPORT, [3, 5], T1)
    rows = _rows(rater_change(pre, post))
    # others pre = (2+3+3+4)/4 = 3.0, post = (4+4+3+5)/4 = 4.0
    assert rows == {("e1", "others"): (4, 4, 3.0, 4.0)}


def test_a_small_group_alone_is_withheld_without_its_count():
    """Two peers and nobody else to pool with: withheld, and no count or score shown."""
    result = rater_change(_answers("e1", S.PEER, [2, 3], T0), _answers("e1", S.PEER, [4, 5], T1))
    assert result.participant.shape == (0,)
    assert result.withheld == (("e1", "others"),)
    text = result.summary() + repr(result.to_dict())
    assert "4.5" not in text
    assert "2.5" not in text


def test_a_group_small_in_one_wave_is_pooled_in_both():
    """Peers 3 then 2 are pooled in both waves, so the waves of a figure hold the same groups."""
    pre = _answers("e1", S.PEER, [1, 2, 3], T0) + _answers("e1", S.DIRECT_REPORT, [5], T0)
    post = _answers("e1", S.PEER, [2, 3], T1) + _answers("e1", S.DIRECT_REPORT, [4], T1)
    rows = _rows(rater_change(pre, post))
    # others pre = (1+2+3+5)/4 = 2.75 with 4 raters; post = (2+3+4)/3 = 3.0 with 3 raters
    assert rows == {("e1", "others"): (4, 3, 2.75, 3.0)}


def test_self_and_manager_are_exempt_and_large_groups_stand_alone():
    """Single raters are shown; a group at the minimum in both waves gets its own row."""
    pre = (_answers("e1", S.SELF, [3], T0) + _answers("e1", S.MANAGER, [2], T0)
           + _answers("e1", S.PEER, [2, 3, 4], T0))  # fmt: skip
    post = (_answers("e1", S.SELF, [4], T1) + _answers("e1", S.MANAGER, [4], T1)
            + _answers("e1", S.PEER, [3, 4, 5], T1))  # fmt: skip
    result = rater_change(pre, post)
    assert _rows(result) == {
        ("e1", "self"): (1, 1, 3.0, 4.0),
        ("e1", "manager"): (1, 1, 2.0, 4.0),
        ("e1", "peer"): (3, 3, 3.0, 4.0),
    }
    assert result.group.tolist() == ["self", "manager", "peer"]
    assert result.change.tolist() == [1.0, 2.0, 1.0]
    assert result.withheld == ()


def test_the_minimum_is_configurable():
    """With min_raters=4, three peers are no longer enough; with 2, two are."""
    pre, post = _answers("e1", S.PEER, [2, 3, 4], T0), _answers("e1", S.PEER, [3, 4, 5], T1)
    assert rater_change(pre, post, min_raters=4).withheld == (("e1", "others"),)
    two = rater_change(pre[:2], post[:2], min_raters=2)
    assert _rows(two) == {("e1", "peer"): (2, 2, 2.5, 3.5)}


def test_a_rater_who_answers_twice_counts_once():
    """Three answers from two rater ids are two raters: the latest answer of each counts."""
    again = Assessment("e1", S.PEER, {"x": 5}, T0 + dt.timedelta(days=1), rater_id="p0")
    pre = [*_answers("e1", S.PEER, [2, 3], T0, prefix="p"), again]
    post = _answers("e1", S.PEER, [4, 4, 4], T1, prefix="p")
    result = rater_change(pre, post)
    assert result.withheld == (("e1", "others"),)
    both = rater_change(pre + _answers("e1", S.PEER, [1], T0, prefix="q"), post)
    # raters p0 (latest 5), p1 (3), q0 (1): mean 3.0
    assert _rows(both) == {("e1", "peer"): (3, 3, 3.0, 4.0)}


def test_items_choose_what_is_averaged_and_one_wave_only_is_incomplete():
    """`items` restricts the mean; a source heard once is listed as incomplete."""
    pre = [Assessment("e1", S.SELF, {"x": 2, "y": 5}, T0), Assessment("e2", S.SELF, {"x": 1}, T0)]
    post = [Assessment("e1", S.SELF, {"x": 4, "y": 1}, T1)]
    result = rater_change(pre, post, items=["x"])
    assert _rows(result) == {("e1", "self"): (1, 1, 2.0, 4.0)}
    assert result.incomplete == (("e2", "self"),)
    assert _rows(rater_change(pre[:1], post)) == {("e1", "self"): (1, 1, 3.5, 2.5)}


def test_estimate_over_people_is_the_paired_ttest_of_their_rows():
    """A group's mean change over people equals paired_ttest on the shown rows."""
    rng = np.random.default_rng(360)
    pre, post = [], []
    for k in range(12):
        n = int(rng.integers(1, 6))
        pre += _answers(f"e{k}", S.PEER, rng.integers(1, 6, n).tolist(), T0)
        post += _answers(f"e{k}", S.PEER, rng.integers(1, 6, n).tolist(), T1)
    result = rater_change(pre, post)
    mask = result.group == "peer"
    assert np.all(result.n_pre[mask] >= 3)
    got = result.estimate("peer")
    reference = paired_ttest(result.pre[mask], result.post[mask])
    assert_allclose([got.estimate, got.se], [reference.estimate, reference.se])
    assert got.n == int(mask.sum())
    some = result.participant[mask][:3].tolist()
    assert result.estimate("peer", participants=some).n == 3
    with pytest.raises(EstimationError, match="peer"):
        result.estimate("peer", participants=some[:1])
    with pytest.raises(SchemaError, match="group"):
        result.estimate("peers")


raters = st.lists(
    st.tuples(st.sampled_from(["a", "b"]), st.sampled_from(list(S)), st.integers(1, 5),
              st.booleans()),
    min_size=1, max_size=40,
)  # fmt: skip


def _assessments(spec):
    return [
        Assessment(who, source, {"x": float(v)}, T1 if late else T0)
        for who, source, v, late in spec
    ]


@given(raters, raters, st.integers(2, 4), st.randoms(use_true_random=False))
def test_no_shown_rater_group_is_below_the_minimum_and_order_does_not_matter(
    spec_pre, spec_post, minimum, shuffle
):
    """Every shown peer, report or others row has the minimum in both waves; order is free."""
    pre, post = _assessments(spec_pre), _assessments(spec_post)
    kept = (list(pre), list(post))
    result = rater_change(pre, post, min_raters=minimum)
    assert (pre, post) == kept
    groups = result.group
    pooled = np.isin(groups, ["peer", "direct_report", "others"])
    assert np.all(result.n_pre[pooled] >= minimum)
    assert np.all(result.n_post[pooled] >= minimum)
    for person in set(result.participant.tolist()):
        mine = groups[result.participant == person].tolist()
        assert len(mine) == len(set(mine))
    shuffle.shuffle(pre)
    shuffle.shuffle(post)
    again = rater_change(pre, post, min_raters=minimum)
    assert _rows(again) == _rows(result)
    assert set(again.withheld) == set(result.withheld)


@pytest.mark.parametrize(
    ("args", "kwargs", "names"),
    [
        (("x", []), {}, ("pre", "iterable")),
        (([1], []), {}, ("pre[0]", "Assessment")),
        (([], []), {}, ("pre", "no assessments")),
        ((_answers("e1", S.SELF, [1], T0), []), {}, ("post", "no assessments")),
        ((_answers("e1", S.SELF, [1], T0), _answers("e1", S.SELF, [1], T1)), {"min_raters": 1},
         ("min_raters",)),
        ((_answers("e1", S.SELF, [1], T0), _answers("e1", S.SELF, [1], T1)), {"items": "x"},
         ("items",)),
        ((_answers("e1", S.SELF, [1], T0), _answers("e1", S.SELF, [1], T1)), {"items": ["y"]},
         ("pre[0].scores", "'y'")),
        ((_answers("e1", S.SELF, [1], T0),
          [Assessment("e1", S.SELF, {"x": 1}, T1, scale=(0, 10))]), {}, ("post[0].scale",)),
    ],
)  # fmt: skip
def test_bad_input_is_a_schema_error(args, kwargs, names):
    """Each bad input is refused with a SchemaError naming the path at fault."""
    with pytest.raises(SchemaError) as info:
        rater_change(*args, **kwargs)
    for name in names:
        assert name in str(info.value)


def test_readiness_items_refuse_rater_groups():
    """A readiness item reads one rater: peer and direct-report items and answers are refused."""
    with pytest.raises(SchemaError, match="rater group"):
        Item("openness", S.PEER)
    peer = Assessment("e1", S.PEER, {"openness": 3.0}, T0)
    with pytest.raises(SchemaError, match=r"assessments\[0\]\.source"):
        default_instrument().features_from_assessments([peer], ["e1"], missing="review")


def test_order_of_people_is_first_met():
    """Rows follow the order people first appear in pre then post."""
    people = [f"e{i}" for i in range(6)]
    random.Random(3).shuffle(people)
    pre = [a for p in people for a in _answers(p, S.SELF, [2], T0)]
    post = [a for p in people for a in _answers(p, S.SELF, [3], T1)]
    assert rater_change(pre, post).participant.tolist() == people


def test_the_change_compares_the_items_both_waves_score():
    """An item scored in one wave only is left out (it had been averaged into that wave's
    mean, so a new form read as a change); waves with no item in common are refused."""
    t0, t1 = dt.datetime(2026, 3, 1, tzinfo=dt.UTC), dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
    self_ = AssessmentSource.SELF
    pre = [Assessment("e1", self_, {"listens": 3, "delegates": 2}, t0)]
    post = [Assessment("e1", self_, {"listens": 4, "strategy": 5}, t1)]
    result = rater_change(pre, post)
    assert result.items == ("listens",)
    assert result.change.tolist() == [1.0]  # listens 3 -> 4, by hand
    apart = [Assessment("e1", self_, {"strategy": 5}, t1)]
    with pytest.raises(SchemaError, match="no item in common") as info:
        rater_change(pre, apart)
    assert [p.path for p in info.value.problems] == [("items",)]
    # generators are read once, as before
    assert rater_change(iter(pre), iter(post)).change.tolist() == [1.0]


def test_a_group_compares_the_items_its_raters_scored_in_both_waves():
    """A manager who scored item a before and a and b after: the change is on a alone (1.0),
    where it had averaged a before against a and b after (2.0) while `items` said nothing;
    peers who scored only b before and only a after have no item to compare."""
    S = AssessmentSource
    pre = [
        Assessment("e1", S.SELF, {"a": 3, "b": 3}, T0),
        Assessment("e1", S.MANAGER, {"a": 2}, T0),
    ]
    post = [Assessment("e1", S.SELF, {"a": 3, "b": 3}, T1),
            Assessment("e1", S.MANAGER, {"a": 3, "b": 5}, T1)]  # fmt: skip
    pre += [Assessment("e1", S.PEER, {"b": v}, T0, rater_id=f"p{v}") for v in (1, 2, 3)]
    post += [Assessment("e1", S.PEER, {"a": v}, T1, rater_id=f"p{v}") for v in (4, 4, 5)]
    result = rater_change(pre, post)
    assert _rows(result)[("e1", "manager")] == (1, 1, 2.0, 3.0)
    assert ("e1", "peer") in result.incomplete
    assert result.items is None  # both waves score a and b somewhere
