"""Every door that counts people by group, stratum or cluster refuses bad labels in one wording.

Before, blank labels ("", "  ", a zero-width space) were named by row at the audit only, and in
a wording of its own; rollout strata and teams said "row 3 is missing" (by position, even for a
DataFrame with its own index) and worded a boolean among numbers otherwise; cluster codes
(``icc``, ``ols``) answered a missing label with an EstimationError; one group written two ways
was refused without saying where. One shared check (``group_label_problems``) now names the
field and the rows, by the pandas labels of an input that has its own index.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.metrics import design_rollout, icc, ols, subgroup_effects
from sparkus.triage import audit

pd = pytest.importorskip("pandas")

N = 24
Y = np.random.default_rng(0).normal(size=N)
TREATED = np.arange(N) % 2
INDEX = np.arange(100, 100 + N)


def _put(values: list[object], value: object, pandas: str | None = None) -> object:
    """`values` with row 3 set to `value`; as a Series of dtype `pandas` indexed 100.. if given."""
    cells = [value if i == 3 else v for i, v in enumerate(values)]
    return cells if pandas is None else pd.Series(cells, index=INDEX, dtype=pandas)


TEXT = ["A"] * 12 + ["B"] * 12
INTS = [1] * 12 + [2] * 12
SALES = ["Sales"] * 12 + ["HR"] * 12

# name: (labels, what the message says after the field, with {kinds} and {fix} of the door)
MISSING = "is missing in the row labelled 103; give every person a group"
INPUTS = {
    "None": (_put(TEXT, None), "is missing in row 3; give every person a group"),
    "NaN in float codes": (_put(INTS, np.nan, "float64"), MISSING),
    "pd.NA in Int64": (_put(INTS, pd.NA, "Int64"), MISSING),
    "pd.NA in string": (_put(TEXT, pd.NA, "string"), MISSING),
    "NaN in category": (_put(TEXT, np.nan, "category"), MISSING),
    "empty": (_put(TEXT, ""), "holds the blank label '' in row 3; {blank}"),
    "spaces": (_put(TEXT, "  "), "holds the blank label '  ' in row 3; {blank}"),
    "zero-width space": (_put(TEXT, "\u200b"), "holds the blank label '\\u200b' in row 3; {blank}"),
    "spaces in a Series": (
        _put(TEXT, "  ", "object"),
        "holds the blank label '  ' in the row labelled 103; {blank}",
    ),
    "a bool among ints": (
        _put(INTS, True),
        "expected a {kinds} label per person, got True in row 3; pass text or {fix}",
    ),
    "1 and '1' in a Series": (
        _put(INTS, "1", "object"),
        (
            "mixes text and numbers (1 in the row labelled 100, '1' in the row labelled 103): "
            "labels of both kinds print alike, so pass one kind (all text, say)"
        ),
    ),
    "Sales and sales": (
        _put(SALES, "sales"),
        (
            "holds labels that differ only in case, white space, Unicode form or invisible "
            "characters ('Sales' and 'sales', in rows 0 and 3): one group written several ways "
            "would be counted as several; write each group one way"
        ),
    ),
}


def _like(labels: object, values: object) -> object:
    """`values` as a Series on `labels`' index when `labels` is a Series."""
    return pd.Series(values, index=labels.index) if isinstance(labels, pd.Series) else values


def _subgroups(g: object) -> None:
    subgroup_effects(_like(g, Y), _like(g, TREATED), g, min_group_size=2)


def _linked(g: object) -> None:
    other = _like(g, ["x"] * N)
    subgroup_effects(_like(g, Y), _like(g, TREATED), {"dept": g, "site": other}, min_group_size=2)


def _audit(g: object) -> None:
    audit(_like(g, TREATED.astype(bool)), g, min_group_size=2)


def _frame(g: object) -> object:
    return pd.DataFrame({"g": g, "x": 1.0}, index=g.index if isinstance(g, pd.Series) else None)


def _icc(g: object) -> None:
    icc(_like(g, Y), g)


def _ols(g: object) -> None:
    ols(_like(g, Y), _like(g, TREATED.astype(float)), clusters=g)


# door: (call, field, labels are numbers too (clusters, strata), inputs on which it disagreed)
GROUPS = ["empty", "spaces", "zero-width space", "spaces in a Series", "1 and '1' in a Series",
          "Sales and sales"]  # fmt: skip
CODES = [*INPUTS]
DOORS: dict[str, tuple[Callable[[object], None], str, bool, list[str]]] = {
    "subgroup_effects": (_subgroups, "groups", False, GROUPS),
    "subgroup_effects linked": (_linked, "groups['dept']", False, GROUPS),
    "audit": (_audit, "groups", False, GROUPS),
    "design_rollout strata": (
        lambda g: design_rollout(_frame(g), waves=2, strata="g", rng=1), "population['g']", True,
        CODES,
    ),
    "design_rollout cluster": (
        lambda g: design_rollout(_frame(g), waves=2, cluster="g", rng=1), "population['g']", True,
        CODES,
    ),
    "icc clusters": (_icc, "clusters", True, CODES),
    "ols clusters": (_ols, "clusters", True, CODES),
}  # fmt: skip


@pytest.mark.parametrize(
    ("door", "bad"), [(d, i) for d, (*_, inputs) in DOORS.items() for i in inputs]
)
def test_every_label_door_names_the_field_and_row_in_one_wording(door: str, bad: str) -> None:
    """A missing, blank, boolean, mixed or twice-spelled label: one SchemaError, rows named."""
    call, field, numbers, _ = DOORS[door]
    labels, message = INPUTS[bad]
    expected = message.format(
        blank="a blank cell is no group: give every person a group",
        kinds="str or number" if numbers else "str or int",
        fix="numbers" if numbers else "integers",
    )
    with pytest.raises(SchemaError) as info:
        call(labels)
    assert [(p.path, p.message) for p in info.value.problems] == [((field,), expected)]
