"""roi: items named alike are one item listed twice; names, keys and ranges as they were meant.

Names are compared by sparkus' rule for labels written by hand (``sparkus._labels``): case,
white space and Unicode form do not tell two names apart, and a blank name is no name.
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from sparkus import SchemaError
from sparkus.metrics import Benefit, Cost, roi


def _benefit(name: str = "engagement", **given: object) -> Benefit:
    fields: dict[str, object] = {"improvement": 1.0, "value": 100.0, "isolation": 1.0,
                                 "confidence": 1.0}  # fmt: skip
    fields.update(given)
    return Benefit(name=name, **fields)  # type: ignore[arg-type]


_CAFE = "Caf\u00e9"
_SPELLINGS = ["Coaching", "coaching ", " COACHING", "Coaching\u00a0fees", "coaching fees",
              _CAFE, unicodedata.normalize("NFD", _CAFE), "travel"]  # fmt: skip


def _key(name: str) -> str:
    """The rule of ``sparkus._labels.spelling_problem``, written out for the test."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


@given(names=st.lists(st.sampled_from(_SPELLINGS), min_size=1, max_size=4), as_costs=st.booleans())
@example(names=["Coaching", "Coaching"], as_costs=False)
@example(names=["Coaching", "coaching "], as_costs=True)
def test_items_named_alike_are_refused_naming_them(names, as_costs):
    """roi refuses exactly the lists where two benefits (or two costs) are named alike."""
    items = [Cost(name, 10.0) for name in names] if as_costs else [_benefit(n) for n in names]
    benefits, costs = (_benefit(), items) if as_costs else (items, [Cost("fees", 10.0)])
    field = "costs" if as_costs else "benefits"
    if len({_key(n) for n in names}) == len(names):
        result = roi(benefits, costs)
        assert len(result.costs if as_costs else result.benefits) == len(names)
        return
    with pytest.raises(SchemaError, match=field) as info:
        roi(benefits, costs)
    text = str(info.value)
    assert any(ascii(n) in text or repr(n) in text for n in names)


@pytest.mark.parametrize("blank", ["", "   ", "\t\u3000"])
@pytest.mark.parametrize(
    "make",
    [
        _benefit,
        lambda name: Cost(name, 5.0),
        lambda name: Cost.participant_time(name, people=2, hours=3.0, hourly_cost=50.0),
        lambda name: roi(_benefit(), {name: 5.0}),
    ],
    ids=["Benefit", "Cost", "participant_time", "costs mapping"],
)
def test_a_blank_name_is_refused(blank, make):
    """A blank name is no name: refused when the item is made, naming `name`."""
    with pytest.raises(SchemaError, match=r"name: expected a name, got the blank text"):
        make(blank)


@pytest.mark.parametrize("costs", [{1: 5.0, "1": 6.0}, {None: 5.0}, {("a", "b"): 5.0}])
def test_a_cost_mapping_with_keys_that_are_not_names_is_refused(costs):
    """The keys of a mapping of costs are their names: a key that is not text is refused."""
    with pytest.raises(SchemaError, match=r"costs: expected the name of each item \(a str\)"):
        roi(_benefit(), costs)


@pytest.mark.parametrize("pair", [{50.0: "low", 200.0: "high"}, frozenset({50.0, 200.0})])
def test_a_value_range_that_is_not_a_pair_in_order_is_refused(pair):
    """A mapping (read by its keys) or a set (in no order) is no (low, high) pair."""
    with pytest.raises(SchemaError, match=r"value_range: expected a pair \(low, high\)"):
        _benefit(value_range=pair)


def test_negative_zero_amounts_are_zero():
    """-0.0 is stored as 0.0, so the summary never prints "-0" for an amount or improvement."""
    cost = Cost("materials", -0.0)
    benefit = _benefit(improvement=-0.0, se=0.0)
    assert str(cost.amount) == str(benefit.improvement) == "0.0"
    text = roi([benefit], [cost, Cost("fees", 10.0)]).summary()
    assert "-0" not in text


def test_estimate_with_zero_se_but_an_interval_is_refused():
    """compare_proportions of two all-0 groups: se 0, Newcombe interval [-0.354, 0.434].

    Taken as se 0, the ROI's interval was a single point, though the effect could be as
    large as the interval says.
    """
    from sparkus import EstimationError
    from sparkus.metrics import compare_proportions

    est = compare_proportions([0] * 5, [0] * 7)
    with pytest.raises(EstimationError, match="standard error 0 but the interval"):
        Benefit.from_estimate("completion", est, value=100.0, count=10)
