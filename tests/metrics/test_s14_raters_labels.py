"""Labels written two ways, and tables for records, are refused: never counted apart or misread."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from sparkus import SchemaError
from sparkus.metrics import gas_tscore, rater_change
from sparkus.model import Assessment
from sparkus.model import AssessmentSource as S

T0, T1 = (dt.datetime(2026, m, 1, tzinfo=dt.UTC) for m in (3, 9))


def _self(person: str, scores: dict[str, float], when: dt.datetime) -> Assessment:
    return Assessment(person, S.SELF, scores, when)


def _peers(ids: tuple[str, ...], when: dt.datetime) -> list[Assessment]:
    return [Assessment("e1", S.PEER, {"x": 2.0 + k}, when, rater_id=r) for k, r in enumerate(ids)]


@pytest.mark.parametrize(
    ("pre", "post", "path"),
    [
        # one person written two ways: two people, each heard in one wave
        ([_self("e1", {"x": 3.0}, T0)], [_self("E1", {"x": 4.0}, T1)], ("participant_id",)),
        # one item written two ways: 'Listens' left out as scored in one wave only
        ([_self("e1", {"listens": 3.0, "x": 3.0}, T0)],
         [_self("e1", {"Listens": 4.0, "x": 4.0}, T1)], ("scores",)),
        # one peer written two ways: two raters shown as a group of three
        (_peers(("p1", "p2", "P1"), T0), _peers(("p1", "p2", "p3"), T1), ("pre", "rater_id")),
    ],
    ids=["participant", "item", "rater"],
)  # fmt: skip
def test_rater_change_refuses_labels_written_two_ways(
    pre: list[Assessment], post: list[Assessment], path: tuple[str, ...]
) -> None:
    """Ids, items and a person's rater ids differing only in case are one label: refused."""
    with pytest.raises(SchemaError, match="differ only in case") as info:
        rater_change(pre, post)
    assert [p.path for p in info.value.problems] == [path]


@pytest.mark.parametrize(
    ("post_items", "asked", "bad"),
    [({"a": 4.0, "b": 5.0}, ["a", "B"], [("items", 1)]),  # a typo: scored nowhere
     ({"a": 4.0}, ["a", "b"], [("items", 1)])],  # scored before only
)  # fmt: skip
def test_rater_change_refuses_an_item_a_wave_does_not_score(
    post_items: dict[str, float], asked: list[str], bad: list[tuple[object, ...]]
) -> None:
    """An item asked for is compared in both waves or refused, never silently left out."""
    pre = [_self(p, {"a": 3.0, "b": 2.0}, T0) for p in ("e1", "e2")]
    post = [_self(p, post_items, T1) for p in ("e1", "e2")]
    with pytest.raises(SchemaError, match="scored by no assessment") as info:
        rater_change(pre, post, items=asked)
    assert [p.path for p in info.value.problems] == bad


def test_gas_weights_by_label_refuse_goal_columns_named_twice() -> None:
    """A weight named by goal cannot tell apart two goal columns of that name."""
    attainment = pd.DataFrame([[1, 2], [0, 1]], columns=["a", "a"])
    with pytest.raises(SchemaError, match="name a goal twice") as info:
        gas_tscore(attainment, pd.Series({"a": 1.0}))
    assert info.value.problems[0].path == ("attainment",)
    # without weights by label the columns are only read, as before (Kiresuk & Sherman:
    # 50 + 10 * 3 / sqrt(0.7 * 2 + 0.3 * 4))
    assert gas_tscore(attainment)[0] == pytest.approx(50.0 + 30.0 / np.sqrt(2.6))


@pytest.mark.parametrize("frame", ["pandas", "polars"])
def test_rater_change_refuses_a_table_of_assessments(frame: str) -> None:
    """A DataFrame is refused as a table, not read as records by its column names."""
    module = pytest.importorskip(frame)
    table = module.DataFrame({"participant_id": ["e1"], "x": [3.0]})
    post = [_self("e1", {"x": 4.0}, T1)]
    with pytest.raises(SchemaError, match="a table") as info:
        rater_change(table, post)
    assert [p.path for p in info.value.problems] == [("pre",)]
