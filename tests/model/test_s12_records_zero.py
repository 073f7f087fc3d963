"""-0.0 in records and nullable integer columns at the shared intake.

A record built with -0.0 wrote ``-0.0`` where the equal record built with 0.0 wrote ``0.0``
(records compare equal, their JSON did not); every record float and attribute now stores 0.0.
A pandas ``Int64`` column with a missing cell reached numpy as floats through the shared
intake, so the checks named every row as a float instead of the one missing cell.
"""

from __future__ import annotations

import numpy as np
import pytest

from sparkus.model import Level, Participant, from_json, to_json

pd = pytest.importorskip("pandas")


def _person(zero: float, *, numpy: bool = False) -> Participant:
    value = np.float64(zero) if numpy else zero
    return Participant("E1", Level.MANAGER, "Sales", tenure_years=value, utc_offset=value,
                       attributes={"x": value})  # fmt: skip


@pytest.mark.parametrize("numpy", [False, True])
def test_negative_zero_records_write_as_zero(numpy):
    negative, positive = _person(-0.0, numpy=numpy), _person(0.0)
    assert to_json(negative) == to_json(positive)
    assert "-0" not in to_json(negative)
    back = from_json(to_json(positive).replace("0.0", "-0.0"), Participant)
    assert not np.signbit(back.tenure_years)
    assert not np.signbit(back.attributes["x"])


def test_nullable_integers_name_the_missing_cell():
    from sparkus._checks import as_array

    cells = as_array(pd.Series([2**53 + 1, None, 3], dtype="Int64"), "score")
    assert cells.tolist() == [2**53 + 1, None, 3]  # exact, and the missing cell as None


@pytest.mark.parametrize("name", ["json", "msgspec"])
@pytest.mark.parametrize(
    "row",
    [{"tenure_years": -0.0}, {"utc_offset": -0.0}, {"attributes": {"site": -0.0}},
     {"attributes": {"site": 0}}],
)  # fmt: skip
def test_fast_paths_store_negative_zero_as_the_detailed_pass_does(name, row):
    """The fast paths build records without the converters: they must store 0.0 too."""
    import json

    from sparkus.model import ProgramDocument
    from tests.model.test_fast_json import _people, assert_same, parser

    text = _people({"id": "a", **row}, {"id": "b", "attributes": {"site": 1.5}}
                   if "attributes" in row else {"id": "b"})  # fmt: skip
    with parser(name):
        assert_same(text)
        document = from_json(text, ProgramDocument)
    assert "-0" not in to_json(document)
    data = json.loads(text)
    provider = {"id": "c0", "support_type": "coaching", "capacity": 3, "cost_per_session": -0.0,
                "seniority": "executive", "utc_offset": -0.0}  # fmt: skip
    data["providers"] = [provider]
    with parser(name):
        assert_same(json.dumps(data))
        assert "-0" not in to_json(from_json(json.dumps(data), ProgramDocument))
