"""Study labels of a meta-analysis name one study each, written one way."""

from __future__ import annotations

import pytest

from sparkus import SchemaError
from sparkus.metrics import fixed_effect, random_effects


@pytest.mark.parametrize("pool", [fixed_effect, random_effects])
@pytest.mark.parametrize(
    ("labels", "match"),
    [
        (["spring", "summer", "spring"], r"'spring' labels two studies \(rows 0 and 2\)"),
        (["Spring", "summer", "spring "], "differ only in case, white space, Unicode form"),
    ],
)
def test_a_label_shared_by_two_studies_is_refused(
    pool: object, labels: list[str], match: str
) -> None:
    """Two studies under one label (or one label spelled two ways) are refused, naming it."""
    with pytest.raises(SchemaError, match=match) as info:
        pool([0.30, 0.45, 0.38], [0.010, 0.020, 0.015], labels=labels)  # type: ignore[operator]
    assert info.value.problems[0].path == ("labels",)
