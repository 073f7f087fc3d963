"""Labels read as labels: a pandas `y` by the design's ids, GAS weights by person and goal.

``randomization_test`` and ``gas_tscore`` take inputs that describe the rows (people) or the
columns (goals) of another input; pandas labels on both sides are matched, never paired by
position. ``rater_change`` keeps each rater's latest answer whatever the order of the records.
"""

import numpy as np
import pandas as pd
import pytest

from sparkus import SchemaError
from sparkus.metrics import design_rollout, gas_tscore, randomization_test


def _people(ids=True):
    rng = np.random.default_rng(4)
    table = {"site": np.repeat(["a", "b"], 12), "tenure": rng.gamma(2.0, 2.0, 24)}
    if ids:
        table = {"id": [f"p{i:02d}" for i in range(24)], **table}
    return table, design_rollout(table, waves=2, strata="site", rng=1)


def test_randomization_y_series_read_by_the_design_ids():
    """A Series indexed by the design's ids, in another order, gives the array's result."""
    table, design = _people()
    y = np.random.default_rng(0).normal(size=24) + 3.0 * (design.wave == 1)
    series = pd.Series(y, index=table["id"])
    expected = randomization_test(design, y, draws=99, rng=2)
    shuffled = series.sample(frac=1.0, random_state=3)
    got = randomization_test(design, shuffled, draws=99, rng=2)
    assert got.statistic == expected.statistic
    assert got.pvalue == expected.pvalue


def test_randomization_y_series_integer_ids_read_as_text():
    """Integer ids (held by the design as text) match a Series indexed by the integers."""
    table = {"id": np.arange(24) * 7, "site": np.repeat(["a", "b"], 12)}
    design = design_rollout(table, waves=2, strata="site", rng=1)
    y = np.arange(24.0)
    got = randomization_test(design, pd.Series(y, index=table["id"])[::-1], draws=9, rng=0)
    assert got.statistic == randomization_test(design, y, draws=9, rng=0).statistic


def test_randomization_y_series_by_row_number_without_ids():
    """Without ids the rows are named by their number, as the design's to_frame() index."""
    _, design = _people(ids=False)
    y = np.random.default_rng(1).normal(size=24)
    expected = randomization_test(design, y, draws=9, rng=0).statistic
    reversed_ = pd.Series(y)[::-1]
    assert randomization_test(design, reversed_, draws=9, rng=0).statistic == expected


@pytest.mark.parametrize(
    ("ids", "index", "needle"),
    [
        (True, list(range(24)), "does not hold the design's ids: it lacks 'p00'"),
        (False, [f"e{i}" for i in range(24)], "does not hold the design's row numbers"),
        (True, ["p00"] * 24, "has repeated index labels"),
    ],
)
def test_randomization_y_series_with_other_labels_refused(ids, index, needle):
    """A Series whose index is not the design's ids (or row numbers) is refused, naming `y`."""
    _, design = _people(ids=ids)
    with pytest.raises(SchemaError, match=needle) as info:
        randomization_test(design, pd.Series(np.zeros(24), index=index), draws=9, rng=0)
    assert info.value.problems[0].path == ("y",)
    assert "y.to_numpy()" in str(info.value)


def _goals():
    attainment = pd.DataFrame(
        {"g1": [2.0, 0.0, -1.0], "g2": [0.0, 1.0, np.nan]}, index=["x", "y", "z"]
    )
    weights = pd.DataFrame({"g1": [1.0, 1.0, 3.0], "g2": [3.0, 1.0, 1.0]}, index=["x", "y", "z"])
    return attainment, weights


def test_gas_weights_frame_read_by_person_and_goal():
    """Weights in another row or column order give the scores of the weights as given."""
    attainment, weights = _goals()
    expected = gas_tscore(attainment.to_numpy(), weights.to_numpy())
    np.testing.assert_array_equal(gas_tscore(attainment, weights.iloc[::-1]), expected)
    np.testing.assert_array_equal(gas_tscore(attainment, weights[["g2", "g1"]]), expected)


def test_gas_weights_series_read_by_goal():
    """A Series of one weight per goal is read by its index, the goal names."""
    attainment, _ = _goals()
    expected = gas_tscore(attainment.to_numpy(), [3.0, 1.0])
    got = gas_tscore(attainment, pd.Series({"g2": 1.0, "g1": 3.0}))
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize(
    ("weights", "needle"),
    [
        (pd.Series([1.0, 3.0]), "its index must name the columns of `attainment`"),
        (pd.Series([1.0, 3.0], index=["g1", "g1"]), "name a goal twice"),
        (
            pd.DataFrame({"g1": [1.0] * 3, "g3": [1.0] * 3}, index=["x", "y", "z"]),
            "lacks the goals 'g2' and has 'g3'",
        ),
        (pd.DataFrame({"g1": [1.0] * 3, "g2": [1.0] * 3}, index=["x", "y", "q"]), "'q'"),
    ],
)
def test_gas_weights_with_other_labels_refused(weights, needle):
    """Weights whose labels are not the people or goals of `attainment` are refused."""
    attainment, _ = _goals()
    with pytest.raises(SchemaError, match=needle) as info:
        gas_tscore(attainment, weights)
    assert info.value.problems[0].path == ("weights",)


def _peer_waves():
    import datetime as dt

    from sparkus.model import Assessment
    from sparkus.model import AssessmentSource as S

    t0, t1, t2 = (dt.datetime(2026, m, 1, tzinfo=dt.UTC) for m in (3, 4, 9))
    rows = [(3, "a", t0), (1, "a", t0), (5, "a", t1), (2, "b", t0), (2, "c", t0), (2, "c", t0)]
    pre = [Assessment("e1", S.PEER, {"l": v}, t, rater_id=r) for v, r, t in rows]
    post = [Assessment("e1", S.PEER, {"l": 4}, t2, rater_id=r) for r in "abc"]
    return pre, post


def test_rater_change_latest_answer_whatever_the_record_order():
    """Answers superseded by a later one, or repeated unchanged, give one result in any order."""
    from sparkus.metrics import rater_change

    pre, post = _peer_waves()
    changes = {
        tuple(rater_change([pre[k] for k in order], post).change.tolist())
        for order in ([0, 1, 2, 3, 4, 5], [5, 4, 3, 2, 1, 0], [1, 2, 0, 4, 3, 5])
    }
    assert changes == {(1.0,)}


@pytest.mark.parametrize("reverse", [False, True])
def test_rater_change_two_latest_answers_refused(reverse):
    """Two different answers of one rater at their latest time are refused in either order."""
    from sparkus.metrics import rater_change

    pre, post = _peer_waves()
    pre = pre[:2] + pre[3:]  # rater 'a' answered 3 and 1 at the same time, nothing later
    with pytest.raises(SchemaError, match="rater 'a' answered about 'e1' twice") as info:
        rater_change(pre[::-1] if reverse else pre, post)
    assert info.value.problems[0].path == ("pre", 4 if reverse else 1, "taken_at")
