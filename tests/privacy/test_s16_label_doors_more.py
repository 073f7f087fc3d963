"""The last label doors with their own rule now refuse bad labels in the shared wording.

Before, the Tracker's groupings said "holds missing labels (None or NaN)", named no row for a
blank label or a group written two ways, and worded a boolean among numbers otherwise;
BenefitModel's `fold` took ``True`` as fold 1 silently, answered ``1`` beside ``"1"`` with
"cannot be compared" and no row, and named missing labels by position even for an indexed
Series; staggered_did did not refuse a blank `unit` (it surfaced as an unbalanced panel), and
named a missing `unit` or `cluster` by position in a wording of its own. Each now uses the one
shared check (``group_label_problems``), naming the field and the rows, by the pandas labels
of an input that has its own index. (The Tracker's groupings name participant ids instead:
tests/metrics/tracking/test_s17_group_participants.py.)
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.metrics import staggered_did
from sparkus.triage import BenefitModel

pd = pytest.importorskip("pandas")

N = 24
TEXT = np.repeat(list("ABCDEF"), 4).tolist()  # six groups (units, clusters, folds) of four rows
INTS = np.repeat(np.arange(6), 4).tolist()
INDEX = np.arange(100, 100 + N)  # the index of a pandas input
RNG = np.random.default_rng(0)
X, Y = RNG.normal(size=(N, 2)), RNG.normal(size=N)
TIME = np.tile(np.arange(4), 6)
FIRST = np.repeat([0, 0, 2, 2, 3, 3], 4)


def _put(values: list[object], value: object) -> list[object]:
    """`values` with row 3 set to `value`."""
    return [value if i == 3 else v for i, v in enumerate(values)]


# name: (labels, whether they are a Series on the door's index (reversed), the message)
BLANK = "a blank cell is no group: give every person a group"
INPUTS: dict[str, tuple[list[object], bool, str]] = {
    "None": (_put(TEXT, None), False, "is missing in row 3; give every person a group"),
    "empty": (_put(TEXT, ""), False, f"holds the blank label '' in row 3; {BLANK}"),
    "zero-width space": (
        _put(TEXT, "\u200b"), False, f"holds the blank label '\\u200b' in row 3; {BLANK}"
    ),
    "a bool among ints": (
        _put(INTS, True), False,
        "expected a str or number label per person, got True in row 3; pass text or numbers",
    ),
    "A and a": (
        _put(TEXT, "a"), False,
        ("holds labels that differ only in case, white space, Unicode form or invisible "
         "characters ('A' and 'a', in rows 0 and 3): one group written several ways would be "
         "counted as several; write each group one way"),
    ),
    "None in a Series": (
        _put(TEXT, None), True, "is missing in the row labelled {3}; give every person a group"
    ),
    "1 and '1' in a Series": (
        _put(INTS, "1"), True,
        ("mixes text and numbers (0 in the row labelled {0}, '1' in the row labelled {3}): "
         "labels of both kinds print alike, so pass one kind (all text, say)"),
    ),
}  # fmt: skip


def _fold(labels: object, index: object) -> None:
    if index is None:
        BenefitModel(rng=0).fit(X, np.arange(N) % 2, Y, fold=labels)
    else:
        frame = pd.DataFrame(X, index=index)
        frame.columns = ["a", "b"]
        t, y = pd.Series(np.arange(N) % 2, index=index), pd.Series(Y, index=index)
        BenefitModel(rng=0).fit(frame, t, y, fold=labels)


def _on(index: object, values: object) -> object:
    return values if index is None else pd.Series(values, index=index)


def _unit(labels: object, index: object) -> None:
    staggered_did(_on(index, Y), labels, _on(index, TIME), _on(index, FIRST))


def _cluster(labels: object, index: object) -> None:
    staggered_did(_on(index, Y), _on(index, TEXT), TIME, FIRST, cluster=labels)


# door: (call with the labels and the index of the other inputs, field, the index of a Series)
DOORS: dict[str, tuple[Callable[[object, object], None], str, list[object]]] = {
    "BenefitModel fold": (_fold, "fold", INDEX.tolist()),
    "staggered_did unit": (_unit, "unit", INDEX.tolist()),
    "staggered_did cluster": (_cluster, "cluster", INDEX.tolist()),
}


@pytest.mark.parametrize("bad", list(INPUTS))
@pytest.mark.parametrize("door", list(DOORS))
def test_the_last_label_doors_name_the_field_and_row_in_the_shared_wording(
    door: str, bad: str
) -> None:
    """A missing, blank, boolean, mixed or twice-spelled label: one SchemaError, rows named."""
    call, field, index = DOORS[door]
    labels, series, message = INPUTS[bad]
    given: object = labels
    if series:  # reversed: the rows are found by their labels, not their positions
        given = pd.Series(labels, index=index, dtype=object).iloc[::-1]
    with pytest.raises(SchemaError) as info:
        call(given, index if series else None)
    expected = message.format(*map(repr, index))
    assert [(p.location, p.message) for p in info.value.problems] == [(field, expected)]
